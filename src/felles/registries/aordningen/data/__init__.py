"""Reference data of A-ordningen (see SOURCES.md)."""
