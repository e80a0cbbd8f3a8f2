"""Vendored reference data (CSV) for the synthetic population; see SOURCES.md."""
