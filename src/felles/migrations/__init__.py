"""Alembic migrations for every block's tables; they run on SQLite and PostgreSQL."""
