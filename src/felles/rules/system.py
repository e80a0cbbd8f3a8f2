"""The felles tax-benefit system: entities, variables and dated parameters in one object.

Building the system reads every parameter YAML file and imports every variable module, which
takes a noticeable fraction of a second; :func:`tax_benefit_system` builds it once per process
and hands out that instance. Treat it as read-only: reforms (``openfisca_core.reforms``) make
their own copy instead of changing it.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from felles.rules.entities import entities

RULES_DIR = Path(__file__).resolve().parent
VARIABLES_DIR = RULES_DIR / "variables"
PARAMETERS_DIR = RULES_DIR / "parameters"
TESTS_DIR = RULES_DIR / "tests"


class FellesSystem(TaxBenefitSystem):
    """Norwegian benefits (NAV and municipalities) as OpenFisca variables and parameters."""

    def __init__(self) -> None:
        super().__init__(entities)
        self.add_variables_from_directory(str(VARIABLES_DIR))
        self.load_parameters(str(PARAMETERS_DIR))
        # Each variable's docstring states its condition in plain words; OpenFisca reads only a
        # ``documentation`` attribute, so expose the docstring there (the web API shows it).
        for variable in self.variables.values():
            if not variable.documentation and type(variable).__doc__:
                variable.documentation = inspect.cleandoc(type(variable).__doc__)


@functools.cache
def tax_benefit_system() -> FellesSystem:
    """Return the process-wide tax-benefit system, building it on first use."""
    return FellesSystem()
