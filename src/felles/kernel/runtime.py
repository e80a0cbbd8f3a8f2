"""Process tuning for long-running servers and benchmarks.

A bulk lookup builds tens of thousands of small dicts; with CPython's default thresholds that
triggers garbage collections which walk every long-lived object of the process (the imported
modules, SQLAlchemy's metadata, FastAPI's routes) again and again. Freezing what exists after
start-up and collecting the youngest generation less often removes most of that cost (measured
on a 1 000-person Folkeregisteret lookup: roughly a quarter of its time). Reference cycles are
still collected.
"""

from __future__ import annotations

import gc

# Young-generation threshold: collections after this many net allocations (default 700).
GEN0_THRESHOLD = 10_000


def tune_gc() -> None:
    """Move start-up objects out of the collector's way and collect less eagerly."""
    gc.collect()
    gc.freeze()
    _gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
