"""The hash made from an entry's parts (bytes made before the chain head is locked, hashed
in PostgreSQL) is the hash of the entry: for any content, any number, any previous hash."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from felles.access.log import chain

_text = st.text(min_size=1, max_size=40)  # quotes, backslashes, "sekvensnummer":0, any script
_optional = st.none() | _text


@given(
    previous=st.binary(min_size=32, max_size=32).map(bytes.hex),
    number=st.integers(min_value=1, max_value=10**15),
    felter=st.lists(_text, min_size=1, max_size=5),
    texts=st.fixed_dictionaries(
        {
            "konsument": _text,
            "subjekt": _text,
            "datasett": _text,
            "formaal": _text,
            "foresporsel_id": _text,
            "aktoer": _optional,
            "fullmakt_id": _optional,
            "hjemmel": _optional,
            "samtykke_id": _optional,
        }
    ),
    when=st.datetimes(timezones=st.just(UTC)),
)
def test_the_hash_from_parts_is_the_entry_hash(
    previous: str, number: int, felter: list[str], texts: dict[str, str | None], when: datetime
) -> None:
    row = {**texts, "felter": felter, "tidspunkt": when}
    parts = chain.entry_parts(row)
    expected = chain.entry_hash(previous, {**row, "sekvensnummer": number})
    assert chain.hash_from_parts(previous, number, parts) == expected


def test_a_value_that_looks_like_the_number_key_does_not_move_the_split() -> None:
    row = {
        "konsument": '"sekvensnummer":0',
        "subjekt": "x",
        "datasett": "d",
        "formaal": '{"sekvensnummer":0}',
        "foresporsel_id": "r",
        "aktoer": None,
        "fullmakt_id": None,
        "hjemmel": "h",
        "samtykke_id": None,
        "felter": ["sekvensnummer"],
        "tidspunkt": datetime(2025, 6, 1, tzinfo=UTC),
    }
    before, after = chain.entry_parts(row)
    assert before.endswith(b'"sekvensnummer":') and after.startswith(b',"subjekt":')
    assert chain.hash_from_parts("00" * 32, 7, (before, after)) == chain.entry_hash(
        "00" * 32, {**row, "sekvensnummer": 7}
    )
