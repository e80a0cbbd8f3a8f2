"""The people `felles demo` points a new user to, found in any database state."""

from __future__ import annotations

from rich.console import Console

from felles.demo_people import demo_people_table
from felles.kernel.db import Database
from felles.synth.population import generate_population
from felles.synth.showcase import has_population, showcase


def test_empty_database_has_no_population(database: Database) -> None:
    assert not has_population(database)
    assert showcase(database) == []


def test_showcase_finds_each_kind_and_never_shows_a_protected_address(database: Database) -> None:
    generate_population(database, persons=3_000, seed=5)
    assert has_population(database)
    found = dict(showcase(database))
    assert {"widow", "new parent", "immigrant", "reserved against digital post"} <= set(found)
    protected = found.get("protected address (strengt fortrolig)")
    console = Console(record=True, width=200)
    console.print(demo_people_table(database))
    text = console.export_text()
    assert "(address protected)" in text or protected is None
    if protected is not None:
        assert protected.adressebeskyttelse == "strengtFortrolig"
        assert protected.adressenavn and protected.adressenavn not in text
