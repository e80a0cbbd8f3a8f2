"""felles — the common digital ecosystem of Norway's public sector, on a synthetic Norway."""

__version__ = "0.1.0"
