"""The citizen's entry point, Min side: server-rendered pages (decision 0036)."""
