"""Rules as code: Norwegian benefits as an OpenFisca tax-benefit system (issue 6).

Use :func:`felles.rules.system.tax_benefit_system` for the one built system of the process.
``CountryTaxBenefitSystem`` is what OpenFisca's command line looks for in a country package
(``openfisca test --country-package felles.rules src/felles/rules/tests``); it is resolved
lazily so that importing a submodule does not build anything.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "CountryTaxBenefitSystem":
        from felles.rules.system import FellesSystem

        return FellesSystem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
