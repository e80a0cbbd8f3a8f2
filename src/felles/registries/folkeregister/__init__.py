"""Folkeregisteret: the national population register (person documents, history, events)."""
