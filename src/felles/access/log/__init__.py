"""The access log (innsynslogg): append-only, hash-chained, with signed checkpoints."""
