"""Base registries. Each registry owns its tables (prefixed), keeps history, emits events.

Every registry package has the same inner shape: ``model.py`` (tables), ``operations.py``
(commands that change state, enforce invariants and emit events), ``queries.py`` (reads),
``api.py`` (HTTP, mirroring the real registry's paths and JSON) and ``events.py``.
"""
