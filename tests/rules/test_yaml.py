"""Run the OpenFisca YAML tests in src/felles/rules/tests inside pytest, one item per YAML test.

Each test is handed to openfisca_core.tools.test_runner's own YamlItem, so the situations are
parsed and the outputs compared exactly as ``openfisca test`` does, against the process-wide
``tax_benefit_system()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openfisca_core.tools import test_runner

from felles.rules.system import TESTS_DIR, tax_benefit_system


def _yaml_tests() -> list[Any]:
    cases = []
    for path in sorted(TESTS_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as file:
            tests = test_runner.yaml.load(file, Loader=test_runner.Loader)
        for number, test in enumerate(tests if isinstance(tests, list) else [tests], start=1):
            test_id = f"{path.stem}::{number:02d} {test.get('name', '')}"
            cases.append(pytest.param(path, test, id=test_id))
    return cases


@pytest.mark.parametrize(("path", "test"), _yaml_tests())
def test_yaml(path: Path, test: dict[str, Any], request: pytest.FixtureRequest) -> None:
    item = test_runner.YamlItem.from_parent(
        request.node.parent,
        name=str(test.get("name", path.stem)),
        baseline_tax_benefit_system=tax_benefit_system(),
        test=dict(test),
        options={},
    )
    item.runtest()


def test_every_benefit_has_a_yaml_file() -> None:
    names = {path.stem for path in TESTS_DIR.glob("*.yaml")}
    expected = {
        "barnetrygd",
        "kontantstoette",
        "engangsstoenad",
        "foreldrepenger",
        "dagpenger",
        "pleiepenger",
        "introduksjonsstoenad",
        "gravferdsstoenad",
        "sosialhjelp",
        "grunnbeloep",
    }
    assert expected <= names
