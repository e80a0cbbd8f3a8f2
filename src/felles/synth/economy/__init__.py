"""The synthetic economy: organisations, roles, employment, pay, property and tax.

See ``generate.generate_economy`` and docs/decisions/0020-synthetic-economy.md.
"""

from felles.synth.economy.generate import EconomyExists, EconomyReport, generate_economy

__all__ = ["EconomyExists", "EconomyReport", "generate_economy"]
