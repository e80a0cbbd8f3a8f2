"""The kernel: settings, database and unit of work, identifiers, clock, errors and events.

Everything in felles stands on these pieces; nothing here imports from a block above.
"""
