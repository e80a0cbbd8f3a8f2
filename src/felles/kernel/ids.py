"""Norwegian identifiers as types: fødselsnummer, D-nummer and organisasjonsnummer.

Check digits are python-stdnum's (``stdnum.no.fodselsnummer``, ``stdnum.no.orgnr``). On top of
stdnum sit the rules stdnum does not know:

* Test-Norge's synthetic convention: the month is written with 80 added (third digit 8 or 9),
  for D-numbers on top of the day + 40 (first digit 4–7). Synthetic numbers can never belong to
  a real person, so the population generator issues only those.
* Birth dates in the future are accepted (stdnum rejects them): the simulation runs ahead of
  the wall clock and issues numbers up to 2039.
* H-numbers (month + 40) and FH-numbers (first digit 8 or 9) are refused as "unsupported".

Error messages never contain the full identifier: they may reach logs, and a fødselsnummer is
personal data. The offending input is kept on ``InvalidIdentifier.value`` only.

The second half of the module generates synthetic numbers, one at a time or vectorised with
numpy for a whole population (millions of people in a few seconds).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Annotated, Any, ClassVar, Final, Literal, NamedTuple, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema
from stdnum.no import fodselsnummer, orgnr

__all__ = [
    "CapacityExhaustedError",
    "DNummer",
    "DNummerStr",
    "FnrStr",
    "Foedselsnummer",
    "IdentifierKind",
    "InvalidIdentifier",
    "InvalidReason",
    "Organisasjonsnummer",
    "OrgnrStr",
    "PersonIdStr",
    "PersonIdentifier",
    "PersonKind",
    "Sex",
    "allocate_orgnrs",
    "allocate_synthetic_fnrs",
    "fnr_check_digits",
    "individnummer_candidates",
    "next_synthetic_fnr",
    "orgnr_check_digit",
    "parse_organisasjonsnummer",
    "parse_person_identifier",
    "synthetic_fnr",
    "synthetic_fnrs_lazily",
]

IdentifierKind = Literal[
    "fødselsnummer", "D-nummer", "organisasjonsnummer", "identifikasjonsnummer"
]
InvalidReason = Literal[
    "bad_format", "bad_length", "bad_check_digit", "impossible_date", "unsupported"
]
# Folkeregisteret's ``identifikatortype`` values.
PersonKind = Literal["foedselsnummer", "dNummer"]
Sex = Literal["kvinne", "mann"]

FNR_LENGTH: Final = 11
ORGNR_LENGTH: Final = 9
SYNTHETIC_MONTH_OFFSET: Final = 80  # Test-Norge
D_NUMBER_DAY_OFFSET: Final = 40
H_NUMBER_MONTH_OFFSET: Final = 40

# The same weights stdnum uses; repeated here because the vectorised helpers need them as arrays
# (the tests check that both agree with stdnum).
_FNR_WEIGHTS_1: Final = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2], dtype=np.int64)
_FNR_WEIGHTS_2: Final = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_ORGNR_WEIGHTS: Final = np.array([3, 2, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_NO_CHECK_DIGIT: Final = 10  # a mod-11 remainder that no single digit can express

_LABEL: Final[dict[PersonKind, IdentifierKind]] = {
    "foedselsnummer": "fødselsnummer",
    "dNummer": "D-nummer",
}


# Examples are synthetic (month + 80) so API docs never show a number that could be real.
_FNR_DOC: Final = ("Fødselsnummer, 11 digits (spaces are ignored)", "17868549939")
_DNR_DOC: Final = ("D-nummer, 11 digits (spaces are ignored)", "57868549922")
_PERSON_DOC: Final = ("Fødselsnummer or D-nummer, 11 digits (spaces are ignored)", "17868549939")
_ORGNR_DOC: Final = ("Organisasjonsnummer, 9 digits (spaces are ignored)", "974760673")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class InvalidIdentifier(ValueError):  # noqa: N818 - name fixed by the kernel API
    """An identifier that is not valid; ``reason`` is a stable code, the message is for people.

    The message never contains the full identifier; ``value`` holds the input as given.
    """

    def __init__(
        self, value: str, kind: IdentifierKind, reason: InvalidReason, message: str
    ) -> None:
        super().__init__(message)
        self.value = value
        self.kind: IdentifierKind = kind
        self.reason: InvalidReason = reason
        self.message = message

    def __reduce__(self) -> tuple[type[Self], tuple[str, IdentifierKind, InvalidReason, str]]:
        # Exceptions pickle through ``args`` (only the message); keep all four fields instead.
        return (type(self), (self.value, self.kind, self.reason, self.message))


class CapacityExhaustedError(RuntimeError):
    """Every valid synthetic number for a birth date and sex is already taken."""


# --------------------------------------------------------------------------------------------
# Shared parsing helpers
# --------------------------------------------------------------------------------------------


def _compact(value: str) -> str:
    # Only spaces are tolerated ("151086 95088"); anything else is a format error.
    if not isinstance(value, str):
        raise TypeError(f"identifier must be a str, got {type(value).__name__}")
    return value.replace(" ", "").strip()


def _check_digits_and_length(raw: str, value: str, kind: IdentifierKind, length: int) -> None:
    # isdigit() alone would also accept "²" and non-ASCII digits, hence isascii() too.
    if not (value.isascii() and value.isdigit()) and value:
        position = next(i for i, char in enumerate(value, 1) if char not in "0123456789")
        raise InvalidIdentifier(
            raw,
            kind,
            "bad_format",
            f"{kind} must contain only the digits 0-9 (spaces are ignored); "
            f"character {position} is not a digit",
        )
    if len(value) != length:
        raise InvalidIdentifier(
            raw, kind, "bad_length", f"{kind} must be {length} digits, got {len(value)}"
        )


def _check_digit_error(
    raw: str, kind: IdentifierKind, position: int, expected: str, got: str
) -> InvalidIdentifier:
    if expected == str(_NO_CHECK_DIGIT):
        detail = f"no valid check digit exists for the first {position - 1} digits"
    else:
        detail = f"digit {position}: expected {expected}, got {got}"
    return InvalidIdentifier(
        raw, kind, "bad_check_digit", f"{kind} has a bad check digit ({detail})"
    )


# --------------------------------------------------------------------------------------------
# Person identifiers: fødselsnummer and D-nummer
# --------------------------------------------------------------------------------------------

# Birth-year ranges and the individnummer ranges Skatteetaten uses for them, in issue order:
# numbers are issued counting down, and 900-999 for 1940-1999 only once 000-499 is used up.
_CENTURY_RULES: Final[tuple[tuple[int, int, tuple[range, ...]], ...]] = (
    (1854, 1899, (range(749, 499, -1),)),
    (1900, 1939, (range(499, -1, -1),)),
    (1940, 1999, (range(499, -1, -1), range(999, 899, -1))),
    (2000, 2039, (range(999, 499, -1),)),
)
FIRST_BIRTH_YEAR: Final = _CENTURY_RULES[0][0]
LAST_BIRTH_YEAR: Final = _CENTURY_RULES[-1][1]


def _century_rule(year: int) -> int:
    """Index into ``_CENTURY_RULES`` for a four-digit birth year."""
    for index, (first, last, _ranges) in enumerate(_CENTURY_RULES):
        if first <= year <= last:
            return index
    raise ValueError(
        f"birth year {year} is outside {FIRST_BIRTH_YEAR}-{LAST_BIRTH_YEAR}, "
        "the years a fødselsnummer can encode"
    )


def _birth_year(two_digit_year: int, individnummer: int) -> int | None:
    """The four-digit year from the individnummer ranges, or None when no range fits."""
    for first, last, ranges in _CENTURY_RULES:
        year = first - first % 100 + two_digit_year
        if first <= year <= last and any(individnummer in r for r in ranges):
            return year
    return None


class _Decoded(NamedTuple):
    value: str
    kind: PersonKind
    birth_date: dt.date
    is_synthetic: bool


def _decode_person(raw: str, expected: PersonKind | None, allow_real: bool) -> _Decoded:
    """Validate a person identifier completely; the single place where the rules live."""
    value = _compact(raw)
    label: IdentifierKind = _LABEL[expected] if expected else "identifikasjonsnummer"
    _check_digits_and_length(raw, value, label, FNR_LENGTH)

    day_field, month_field = int(value[0:2]), int(value[2:4])
    is_d_number = 4 <= int(value[0]) <= 7
    if expected is None and int(value[0]) < 8:
        label = "D-nummer" if is_d_number else "fødselsnummer"

    _verify_fnr_check_digits(raw, value, label)
    _refuse_unsupported_kinds(raw, value)

    kind: PersonKind = "dNummer" if is_d_number else "foedselsnummer"
    if expected is not None and kind != expected:
        raise InvalidIdentifier(
            raw, label, "unsupported", f"expected a {label}, got a {_LABEL[kind]}"
        )

    is_synthetic = month_field >= SYNTHETIC_MONTH_OFFSET
    day = day_field - D_NUMBER_DAY_OFFSET if is_d_number else day_field
    month = month_field - SYNTHETIC_MONTH_OFFSET if is_synthetic else month_field
    birth_date = _birth_date(raw, label, day, month, int(value[4:6]), int(value[6:9]))

    if not allow_real and not is_synthetic:
        raise InvalidIdentifier(
            raw,
            label,
            "unsupported",
            f"only synthetic identifiers are accepted (month + 80, as in Test-Norge); "
            f"this {label} is not synthetic",
        )
    return _Decoded(value, kind, birth_date, is_synthetic)


def _verify_fnr_check_digits(raw: str, value: str, label: IdentifierKind) -> None:
    # stdnum's calc functions read only the digits before each check digit.
    expected_1 = fodselsnummer.calc_check_digit1(value)
    if value[9] != expected_1:
        raise _check_digit_error(raw, label, 10, expected_1, value[9])
    expected_2 = fodselsnummer.calc_check_digit2(value)
    if value[10] != expected_2:
        raise _check_digit_error(raw, label, 11, expected_2, value[10])


def _refuse_unsupported_kinds(raw: str, value: str) -> None:
    if int(value[0]) >= 8:
        raise InvalidIdentifier(
            raw,
            "identifikasjonsnummer",
            "unsupported",
            "FH-nummer (first digit 8 or 9) is not supported; "
            "only fødselsnummer and D-nummer are accepted",
        )
    month_field = int(value[2:4])
    if H_NUMBER_MONTH_OFFSET < month_field <= H_NUMBER_MONTH_OFFSET + 12:
        raise InvalidIdentifier(
            raw,
            "identifikasjonsnummer",
            "unsupported",
            "H-nummer (month + 40) is not supported; only fødselsnummer and D-nummer are accepted",
        )


def _birth_date(
    raw: str, label: IdentifierKind, day: int, month: int, two_digit_year: int, individnummer: int
) -> dt.date:
    year = _birth_year(two_digit_year, individnummer)
    if year is None:
        raise InvalidIdentifier(
            raw,
            label,
            "impossible_date",
            f"{label} encodes an impossible date: its individnummer (digits 7-9) is outside "
            f"every range used for two-digit birth year {two_digit_year:02d}",
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidIdentifier(
            raw,
            label,
            "impossible_date",
            f"{label} encodes an impossible date: {day:02d}.{month:02d}.{year}",
        ) from None


def _to_pydantic_error(error: InvalidIdentifier) -> PydanticCustomError:
    # A custom error type lets API clients tell identifier errors apart; the context carries
    # only the codes, never the value (FastAPI error bodies would otherwise echo it).
    return PydanticCustomError(
        "invalid_identifier", error.message, {"kind": error.kind, "reason": error.reason}
    )


@dataclass(frozen=True, slots=True, repr=False)
class PersonIdentifier:
    """A valid fødselsnummer or D-nummer: hashable, immutable, ``str()`` is the 11 digits.

    Build one with ``parse_person_identifier`` (either kind) or ``Foedselsnummer(...)`` /
    ``DNummer(...)`` (exactly that kind); both raise ``InvalidIdentifier``.
    """

    value: str
    birth_date: dt.date = field(init=False, compare=False)
    is_synthetic: bool = field(init=False, compare=False)

    kind: ClassVar[PersonKind]

    def __post_init__(self) -> None:
        if type(self) is PersonIdentifier:
            raise TypeError("PersonIdentifier is abstract; use parse_person_identifier()")
        self._set_decoded(_decode_person(self.value, self.kind, allow_real=True))

    def _set_decoded(self, decoded: _Decoded) -> None:
        # Frozen dataclass: the decoded fields are written once, here, bypassing __setattr__.
        object.__setattr__(self, "value", decoded.value)
        object.__setattr__(self, "birth_date", decoded.birth_date)
        object.__setattr__(self, "is_synthetic", decoded.is_synthetic)

    @staticmethod
    def _from_decoded(decoded: _Decoded) -> PersonIdentifier:
        # Skip __init__ so a number parsed once is not decoded a second time.
        identifier = object.__new__(_CLASS_BY_KIND[decoded.kind])
        identifier._set_decoded(decoded)
        return identifier

    @property
    def sex(self) -> Sex:
        """Legal sex at issue: digit 9 even is kvinne, odd is mann."""
        return "mann" if int(self.value[8]) % 2 else "kvinne"

    @property
    def individnummer(self) -> int:
        """Digits 7-9, the serial number within the birth date."""
        return int(self.value[6:9])

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        # Keep the personal number out of logs that print objects; str() gives the full value.
        return f"{type(self).__name__}('{self.value[:6]}*****')"

    @classmethod
    def _validate(cls, value: str) -> PersonIdentifier:
        try:
            if cls is PersonIdentifier:
                return parse_person_identifier(value)
            return cls(value)
        except InvalidIdentifier as error:
            raise _to_pydantic_error(error) from None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _identifier_core_schema(cls, cls._validate)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return _string_json_schema(_JSON_DOC[cls])


@dataclass(frozen=True, slots=True, repr=False)
class Foedselsnummer(PersonIdentifier):
    """A fødselsnummer, real or synthetic (Test-Norge, month + 80)."""

    kind: ClassVar[PersonKind] = "foedselsnummer"


@dataclass(frozen=True, slots=True, repr=False)
class DNummer(PersonIdentifier):
    """A D-nummer (day + 40), real or synthetic (month + 80 as well)."""

    kind: ClassVar[PersonKind] = "dNummer"


_CLASS_BY_KIND: Final[dict[PersonKind, type[PersonIdentifier]]] = {
    "foedselsnummer": Foedselsnummer,
    "dNummer": DNummer,
}
_JSON_DOC: Final[dict[type[PersonIdentifier], tuple[str, str]]] = {
    PersonIdentifier: _PERSON_DOC,
    Foedselsnummer: _FNR_DOC,
    DNummer: _DNR_DOC,
}


def parse_person_identifier(value: str, *, allow_real: bool = True) -> PersonIdentifier:
    """Parse a fødselsnummer or D-nummer (spaces ignored) into ``Foedselsnummer``/``DNummer``.

    ``allow_real=False`` accepts only synthetic numbers. Raises ``InvalidIdentifier``.
    """
    return PersonIdentifier._from_decoded(_decode_person(value, None, allow_real))


# --------------------------------------------------------------------------------------------
# Organisasjonsnummer
# --------------------------------------------------------------------------------------------


def _decode_orgnr(raw: str) -> str:
    value = _compact(raw)
    _check_digits_and_length(raw, value, "organisasjonsnummer", ORGNR_LENGTH)
    if orgnr.checksum(value) != 0:
        # stdnum's checksum weighs the check digit by 1, so a 0 there leaves the weighted sum
        # of the first eight digits, and the expected check digit is its complement mod 11.
        expected = str(-orgnr.checksum(value[:8] + "0") % 11)
        raise _check_digit_error(raw, "organisasjonsnummer", 9, expected, value[8])
    return value


@dataclass(frozen=True, slots=True)
class Organisasjonsnummer:
    """A valid organisasjonsnummer (9 digits, mod-11); ``str()`` is the 9 digits.

    Organisation numbers are public, so unlike person identifiers the repr is not masked.
    """

    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _decode_orgnr(self.value))

    def __str__(self) -> str:
        return self.value

    @classmethod
    def _validate(cls, value: str) -> Organisasjonsnummer:
        try:
            return cls(value)
        except InvalidIdentifier as error:
            raise _to_pydantic_error(error) from None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _identifier_core_schema(cls, cls._validate)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return _string_json_schema(_ORGNR_DOC)


def parse_organisasjonsnummer(value: str) -> Organisasjonsnummer:
    """Parse an organisasjonsnummer (spaces ignored). Raises ``InvalidIdentifier``."""
    return Organisasjonsnummer(value)


# --------------------------------------------------------------------------------------------
# Pydantic integration
# --------------------------------------------------------------------------------------------


def _identifier_core_schema(
    cls: type[Any], validate: Callable[[str], Any]
) -> core_schema.CoreSchema:
    """Strings in, the identifier object out; serialised back to its digit string."""

    def validate_python(value: object) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, PersonIdentifier | Organisasjonsnummer):
            value = value.value  # e.g. a DNummer given for a Foedselsnummer: say why it fails
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", "Input should be a valid string")
        return validate(value)

    return core_schema.json_or_python_schema(
        json_schema=core_schema.no_info_after_validator_function(
            validate, core_schema.str_schema()
        ),
        python_schema=core_schema.no_info_plain_validator_function(validate_python),
        serialization=core_schema.to_string_ser_schema(),
    )


def _string_json_schema(doc: tuple[str, str]) -> dict[str, Any]:
    description, example = doc
    return {"type": "string", "description": description, "examples": [example]}


def _str_validator(parse: Callable[[str], object]) -> AfterValidator:
    def validate(value: str) -> str:
        try:
            return str(parse(value))
        except InvalidIdentifier as error:
            raise _to_pydantic_error(error) from None

    return AfterValidator(validate)


FnrStr = Annotated[
    str, _str_validator(Foedselsnummer), WithJsonSchema(_string_json_schema(_FNR_DOC))
]
"""A fødselsnummer as a normalised 11-digit str (D-numbers are refused; see PersonIdStr)."""

DNummerStr = Annotated[str, _str_validator(DNummer), WithJsonSchema(_string_json_schema(_DNR_DOC))]
"""A D-nummer as a normalised 11-digit str."""

PersonIdStr = Annotated[
    str, _str_validator(parse_person_identifier), WithJsonSchema(_string_json_schema(_PERSON_DOC))
]
"""A fødselsnummer or D-nummer (Folkeregisteret's folkeregisteridentifikator) as a str."""

OrgnrStr = Annotated[
    str, _str_validator(Organisasjonsnummer), WithJsonSchema(_string_json_schema(_ORGNR_DOC))
]
"""An organisasjonsnummer as a normalised 9-digit str."""


# --------------------------------------------------------------------------------------------
# Generating synthetic numbers, one at a time
# --------------------------------------------------------------------------------------------


def _check_sex(sex: str) -> int:
    """Validate ``sex``; return is_female as 0 or 1."""
    if sex not in ("kvinne", "mann"):
        raise ValueError(f"sex must be 'kvinne' or 'mann', got {sex!r}")
    return 1 if sex == "kvinne" else 0


@cache
def individnummer_candidates(birth_year: int, sex: str) -> tuple[int, ...]:
    """Every individnummer allowed for the birth year and sex, in issue order.

    Kvinne gets even numbers, mann odd ones (digit 9). Check digits are not considered here:
    some candidates give no valid number for a particular date.
    """
    parity = 0 if _check_sex(sex) else 1
    ranges = _CENTURY_RULES[_century_rule(birth_year)][2]
    return tuple(n for r in ranges for n in r if n % 2 == parity)


def _synthetic_first9(birth_date: dt.date, individnummer: int, d_number: bool) -> str:
    day = birth_date.day + (D_NUMBER_DAY_OFFSET if d_number else 0)
    month = birth_date.month + SYNTHETIC_MONTH_OFFSET
    return f"{day:02d}{month:02d}{birth_date.year % 100:02d}{individnummer:03d}"


def synthetic_fnr(birth_date: dt.date, individnummer: int, *, d_number: bool = False) -> str | None:
    """The synthetic fødselsnummer (or D-nummer) for a date and individnummer.

    Returns None when a check digit would be 10: such individnummer are skipped by convention.
    Raises ValueError when the individnummer is not used for the birth year's century.
    """
    rule = _CENTURY_RULES[_century_rule(birth_date.year)]
    if not any(individnummer in r for r in rule[2]):
        allowed = ", ".join(f"{min(r):03d}-{max(r):03d}" for r in rule[2])
        raise ValueError(
            f"individnummer {individnummer} is not used for birth year {birth_date.year} "
            f"(allowed: {allowed})"
        )
    first9 = _synthetic_first9(birth_date, individnummer, d_number)
    check_1 = fodselsnummer.calc_check_digit1(first9)
    if check_1 == str(_NO_CHECK_DIGIT):
        return None
    check_2 = fodselsnummer.calc_check_digit2(first9 + check_1)
    if check_2 == str(_NO_CHECK_DIGIT):
        return None
    return first9 + check_1 + check_2


@lru_cache(maxsize=8192)
def _valid_synthetic_numbers(birth_date: dt.date, sex: str, d_number: bool) -> tuple[str, ...]:
    numbers = (
        synthetic_fnr(birth_date, n, d_number=d_number)
        for n in individnummer_candidates(birth_date.year, sex)
    )
    return tuple(number for number in numbers if number is not None)


def next_synthetic_fnr(
    birth_date: dt.date,
    sex: str,
    used: Container[str],
    *,
    d_number: bool = False,
    rng: random.Random | None = None,
) -> str:
    """A free synthetic number for the date and sex: the next in issue order, or a random one.

    ``used`` is tested with ``in``, so pass a set for large populations.
    Raises ``CapacityExhaustedError`` (a RuntimeError) when every valid number is taken.
    """
    _check_sex(sex)
    # datetime is a date subclass; normalise so the cache key is the calendar day.
    day = dt.date(birth_date.year, birth_date.month, birth_date.day)
    numbers = _valid_synthetic_numbers(day, sex, d_number)
    if rng is not None:
        numbers = tuple(rng.sample(numbers, len(numbers)))
    for number in numbers:
        if number not in used:
            return number
    label = "D-nummer" if d_number else "fødselsnummer"
    raise CapacityExhaustedError(
        f"no free synthetic {label} for {day.isoformat()} and {sex}: "
        f"all {len(numbers)} valid numbers are in use"
    )


def _fnr_check_digits_of(first9: str) -> str | None:
    """The two check digits of a 9-digit prefix, or None when one would be 10 (stdnum's)."""
    digits = [ord(ch) - 48 for ch in first9]
    weights_1, weights_2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    check_1 = (11 - sum(w * d for w, d in zip(weights_1, digits, strict=True)) % 11) % 11
    if check_1 == _NO_CHECK_DIGIT:
        return None
    digits.append(check_1)
    check_2 = (11 - sum(w * d for w, d in zip(weights_2, digits, strict=True)) % 11) % 11
    if check_2 == _NO_CHECK_DIGIT:
        return None
    return f"{check_1}{check_2}"


def synthetic_fnrs_lazily(
    birth_date: dt.date,
    sex: str,
    *,
    d_number: bool = False,
    rng: random.Random | None = None,
) -> Iterator[str]:
    """Every valid synthetic number for the date and sex, computed only as far as it is read.

    In issue order, or with ``rng`` in random order (a Fisher–Yates shuffle done step by
    step): a caller that needs one free number computes a few check digits, not ~250.
    """
    _check_sex(sex)
    pool = list(individnummer_candidates(birth_date.year, sex))
    for index in range(len(pool)):
        if rng is not None:
            other = rng.randrange(index, len(pool))
            pool[index], pool[other] = pool[other], pool[index]
        first9 = _synthetic_first9(birth_date, pool[index], d_number)
        checks = _fnr_check_digits_of(first9)
        if checks is not None:
            yield first9 + checks


# --------------------------------------------------------------------------------------------
# Vectorised check digits and bulk allocation
# --------------------------------------------------------------------------------------------


def _mod11_check(weighted_sum: NDArray[np.int64]) -> NDArray[np.int64]:
    # (11 - s % 11) % 11, as in stdnum; 10 means "no valid check digit".
    return np.asarray(-weighted_sum % 11, dtype=np.int64)


def fnr_check_digits(first9: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Both fødselsnummer check digits for digit arrays of shape (..., 9).

    A value of 10 means no valid number exists; where the first is 10 the second is 10 too.
    """
    digits = np.asarray(first9, dtype=np.int64)
    if digits.shape[-1:] != (9,):
        raise ValueError(f"expected digit arrays of shape (..., 9), got {digits.shape}")
    check_1 = _mod11_check(digits @ _FNR_WEIGHTS_1)
    check_2 = _mod11_check(digits @ _FNR_WEIGHTS_2[:9] + _FNR_WEIGHTS_2[9] * check_1)
    return check_1, np.where(check_1 == _NO_CHECK_DIGIT, _NO_CHECK_DIGIT, check_2)


def orgnr_check_digit(first8: ArrayLike) -> NDArray[np.int64]:
    """The organisasjonsnummer check digit for digit arrays of shape (..., 8); 10 = none."""
    digits = np.asarray(first8, dtype=np.int64)
    if digits.shape[-1:] != (8,):
        raise ValueError(f"expected digit arrays of shape (..., 8), got {digits.shape}")
    return _mod11_check(digits @ _ORGNR_WEIGHTS)


def _digits(values: NDArray[np.int64], width: int) -> NDArray[np.uint8]:
    """Decimal digits of non-negative integers, most significant first: shape (n, width)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers % 10).astype(np.uint8)


def _digits_to_str(digits: NDArray[np.uint8]) -> NDArray[np.str_]:
    # numpy stores str arrays as native UCS-4 code points, so code points in a C-contiguous
    # (n, width) uint32 array *are* n strings of that width: no Python object per number.
    width = digits.shape[1]
    code_points = np.ascontiguousarray(digits, dtype=np.uint32) + np.uint32(ord("0"))
    return code_points.view(f"U{width}").reshape(-1)


class _IndividTable(NamedTuple):
    """The last five digits of every valid number, in issue order, per pattern.

    A pattern is (century rule, is_female, a, b) where a and b are the weighted sums of the six
    date digits mod 11 for the two check digits. Whether an individnummer gives a valid number
    depends on the date only through a and b, so 4 * 2 * 11 * 11 patterns cover every date.
    """

    tail_digits: NDArray[np.uint8]  # (patterns, width, 5): individnummer and check digits
    valid_count: NDArray[np.int64]  # (patterns,): how many leading rows are real


def _pattern_index(
    rule: NDArray[np.int64], female: NDArray[np.int64], a: NDArray[np.int64], b: NDArray[np.int64]
) -> NDArray[np.int64]:
    return ((rule * 2 + female) * 11 + a) * 11 + b


@cache
def _individ_table() -> _IndividTable:
    width = max(
        len(individnummer_candidates(first, sex))
        for first, _last, _ranges in _CENTURY_RULES
        for sex in ("kvinne", "mann")
    )
    shape = (len(_CENTURY_RULES), 2, 11, 11, width)
    tail = np.zeros((*shape, 5), dtype=np.uint8)
    count = np.zeros(shape[:-1], dtype=np.int64)
    a = np.arange(11, dtype=np.int64)[:, None, None]
    b = np.arange(11, dtype=np.int64)[None, :, None]
    for rule, (first_year, _last, _ranges) in enumerate(_CENTURY_RULES):
        for female, sex in ((0, "mann"), (1, "kvinne")):
            candidates = np.array(individnummer_candidates(first_year, sex), dtype=np.int64)
            ind_digits = _digits(candidates, 3).astype(np.int64)
            k1 = _mod11_check(a + ind_digits @ _FNR_WEIGHTS_1[6:9])  # (11, 1, n)
            k2 = _mod11_check(b + ind_digits @ _FNR_WEIGHTS_2[6:9] + _FNR_WEIGHTS_2[9] * k1)
            k1 = np.broadcast_to(k1, k2.shape)
            valid = (k1 != _NO_CHECK_DIGIT) & (k2 != _NO_CHECK_DIGIT)
            # A stable sort on "invalid" moves valid candidates first, keeping issue order.
            order = np.argsort(~valid, axis=-1, kind="stable")
            cells = tail[rule, female, :, :, : len(candidates)]
            cells[..., :3] = ind_digits[order]
            cells[..., 3] = np.take_along_axis(k1, order, axis=-1)
            cells[..., 4] = np.take_along_axis(k2, order, axis=-1)
            count[rule, female] = valid.sum(axis=-1)
    patterns = int(np.prod(shape[:-1]))
    return _IndividTable(tail.reshape(patterns, width, 5), count.reshape(patterns))


_FIRST_DAY: Final = np.datetime64(f"{FIRST_BIRTH_YEAR}-01-01", "D")
_END_DAY: Final = np.datetime64(f"{LAST_BIRTH_YEAR + 1}-01-01", "D")


class _DayTable(NamedTuple):
    """Per calendar day from 1854-01-01 to 2039-12-31: the six date digits and the pattern."""

    date_digits: NDArray[np.uint8]  # (days, 6)
    pattern_base: NDArray[np.int64]  # (days, 2): pattern index for is_female 0 and 1


@cache
def _day_table(d_number: bool) -> _DayTable:
    days = np.arange(_FIRST_DAY, _END_DAY, dtype="datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    day_field = day + (D_NUMBER_DAY_OFFSET if d_number else 0)
    date_number = (day_field * 100 + month + SYNTHETIC_MONTH_OFFSET) * 100 + year % 100
    date_digits = _digits(date_number, 6)
    a = date_digits.astype(np.int64) @ _FNR_WEIGHTS_1[:6] % 11
    b = date_digits.astype(np.int64) @ _FNR_WEIGHTS_2[:6] % 11
    rule = np.searchsorted([last for _f, last, _r in _CENTURY_RULES], year, side="left")
    female = np.arange(2, dtype=np.int64)
    pattern = _pattern_index(rule[:, None], female[None, :], a[:, None], b[:, None])
    return _DayTable(date_digits, pattern)


def _ranks_within_groups(
    group: NDArray[np.int64], counts: NDArray[np.int64], seed: int
) -> NDArray[np.int64]:
    """Each element's 0-based position inside its group, in a seeded random order."""
    # Sort by (group, random tie-break). The tie-break is a permutation, so every key is unique
    # and the order does not depend on the sort algorithm; an unstable sort is twice as fast.
    # Groups are below 2**18, so the combined key fits in int64 for up to 2**45 people.
    tiebreak = np.random.default_rng(seed).permutation(group.size)
    order = np.argsort((group << max(group.size.bit_length(), 1)) | tiebreak)
    starts = np.cumsum(counts) - counts
    ranks = np.empty(group.size, dtype=np.int64)
    ranks[order] = np.arange(group.size, dtype=np.int64) - np.repeat(starts, counts)
    return ranks


def allocate_synthetic_fnrs(
    birth_dates: ArrayLike, is_female: ArrayLike, *, seed: int, d_number: bool = False
) -> NDArray[np.str_]:
    """Unique, valid synthetic fødselsnummer (or D-nummer) for a whole population at once.

    ``birth_dates`` is converted to datetime64[D] (1854-01-01..2039-12-31); the result is a
    ``<U11`` array in input order, the same for the same inputs and seed. People who share a
    birth date and sex are ranked in a seeded random order and the k-th gets the k-th valid
    individnummer in issue order. Raises ``CapacityExhaustedError`` when a birth date and sex has
    more people than valid numbers (about 100-250, depending on the century).
    """
    dates = np.asarray(birth_dates, dtype="datetime64[D]")
    female = np.asarray(is_female, dtype=bool)
    if dates.ndim != 1 or dates.shape != female.shape:
        raise ValueError(
            f"birth_dates and is_female must be 1-D of equal length, "
            f"got shapes {dates.shape} and {female.shape}"
        )
    if np.isnat(dates).any() or (dates < _FIRST_DAY).any() or (dates >= _END_DAY).any():
        raise ValueError(f"every birth date must lie within {_FIRST_DAY}..{_END_DAY - 1} (no NaT)")
    day_index = (dates - _FIRST_DAY).astype(np.int64)
    group = day_index * 2 + female
    days, table = _day_table(d_number), _individ_table()

    counts = np.bincount(group, minlength=days.pattern_base.size).astype(np.int64)
    group_pattern = days.pattern_base.reshape(-1)
    _raise_if_over_capacity(counts, table.valid_count[group_pattern], d_number)

    rank = _ranks_within_groups(group, counts, seed)
    digits = np.empty((dates.size, FNR_LENGTH), dtype=np.uint8)
    digits[:, :6] = days.date_digits[day_index]
    digits[:, 6:] = table.tail_digits[group_pattern[group], rank]
    return _digits_to_str(digits)


def _raise_if_over_capacity(
    counts: NDArray[np.int64], capacity: NDArray[np.int64], d_number: bool
) -> None:
    over = np.flatnonzero(counts > capacity)
    if over.size == 0:
        return
    first = int(over[0])
    day = _FIRST_DAY + np.timedelta64(first // 2, "D")
    sex = "kvinne" if first % 2 else "mann"
    label = "D-nummer" if d_number else "fødselsnummer"
    raise CapacityExhaustedError(
        f"{over.size} birth date/sex groups need more synthetic {label} than exist, "
        f"e.g. {counts[first]} people born {day} ({sex}) but only {capacity[first]} valid numbers"
    )


_ORGNR_BODY_SPACE: Final = 10**7  # the seven digits between the first digit and the check digit


def allocate_orgnrs(n: int, *, seed: int, first_digit: int = 9) -> NDArray[np.str_]:
    """``n`` unique valid organisasjonsnummer starting with ``first_digit``, as ``<U9``.

    The same for the same arguments. Real numbers start with 8 or 9, so these may coincide with
    real organisations' numbers (which are public, not personal data).
    """
    if not 0 <= first_digit <= 9:
        raise ValueError(f"first_digit must be 0-9, got {first_digit}")
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    rng = np.random.default_rng(seed)
    # About 1 in 11 bodies has no valid check digit, so draw a margin and drop those.
    draw = min(_ORGNR_BODY_SPACE, n + n // 5 + 100)
    bodies = rng.choice(_ORGNR_BODY_SPACE, size=draw, replace=False)
    digits, check = _orgnr_digits(bodies, first_digit)
    if int((check != _NO_CHECK_DIGIT).sum()) < n and draw < _ORGNR_BODY_SPACE:
        bodies = rng.permutation(_ORGNR_BODY_SPACE)
        digits, check = _orgnr_digits(bodies, first_digit)
    valid = np.flatnonzero(check != _NO_CHECK_DIGIT)
    if valid.size < n:
        raise CapacityExhaustedError(
            f"only {valid.size} valid organisasjonsnummer start with {first_digit}, asked for {n}"
        )
    chosen = valid[:n]
    full = np.empty((n, ORGNR_LENGTH), dtype=np.uint8)
    full[:, :8] = digits[chosen]
    full[:, 8] = check[chosen]
    return _digits_to_str(full)


def _orgnr_digits(
    bodies: NDArray[np.int64], first_digit: int
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    digits = _digits(np.asarray(bodies, dtype=np.int64) + first_digit * _ORGNR_BODY_SPACE, 8)
    return digits, orgnr_check_digit(digits)


# --------------------------------------------------------------------------------------------
# Synthetic organisasjonsnummer (docs/decisions/0014-synthetic-organisation-numbers.md)
# --------------------------------------------------------------------------------------------

SYNTHETIC_ORGNR_FIRST_DIGIT: Final = 3
"""Every organisasjonsnummer felles issues starts with 3. Brønnøysundregistrene issues numbers
starting with 8 or 9 only, so a synthetic number can never name a real organisation (the same
idea as Test-Norge's month + 80 for people)."""

RESERVED_ORGNR_SECOND_DIGIT: Final = 9
"""39xxxxxxx is kept for reference units with a fixed, derived number (public-sector units
without a verified real number); numbers drawn at random come from 30xxxxxxx-38xxxxxxx."""

_SYNTHETIC_RANDOM_BODIES: Final = 9 * 10**6  # bodies 3 0000000 .. 3 8999999


def is_synthetic_orgnr(value: str) -> bool:
    """True for a valid organisasjonsnummer in felles's synthetic range (first digit 3)."""
    try:
        number = Organisasjonsnummer(value).value
    except InvalidIdentifier:
        return False
    return int(number[0]) == SYNTHETIC_ORGNR_FIRST_DIGIT


def _orgnr_with_check(first8: str) -> str | None:
    check = int(orgnr_check_digit(np.array([[int(c) for c in first8]], dtype=np.int64))[0])
    return None if check == _NO_CHECK_DIGIT else first8 + str(check)


def random_synthetic_orgnr(rng: random.Random) -> str:
    """A valid synthetic organisasjonsnummer drawn uniformly from 30xxxxxxx-38xxxxxxx."""
    while True:
        body = rng.randrange(_SYNTHETIC_RANDOM_BODIES)
        number = _orgnr_with_check(f"{SYNTHETIC_ORGNR_FIRST_DIGIT}{body:07d}")
        if number is not None:
            return number


def allocate_synthetic_orgnrs(n: int, *, seed: int) -> NDArray[np.str_]:
    """``n`` unique valid synthetic organisasjonsnummer (30xxxxxxx-38xxxxxxx) as ``<U9``.

    The same for the same arguments; about 8.2 million numbers exist in the range.
    """
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    rng = np.random.default_rng(seed)
    draw = min(_SYNTHETIC_RANDOM_BODIES, n + n // 5 + 100)
    bodies = rng.choice(_SYNTHETIC_RANDOM_BODIES, size=draw, replace=False)
    digits, check = _orgnr_digits(bodies, SYNTHETIC_ORGNR_FIRST_DIGIT)
    if int((check != _NO_CHECK_DIGIT).sum()) < n and draw < _SYNTHETIC_RANDOM_BODIES:
        bodies = rng.permutation(_SYNTHETIC_RANDOM_BODIES)
        digits, check = _orgnr_digits(bodies, SYNTHETIC_ORGNR_FIRST_DIGIT)
    valid = np.flatnonzero(check != _NO_CHECK_DIGIT)
    if valid.size < n:
        raise CapacityExhaustedError(
            f"only {valid.size} synthetic organisasjonsnummer exist, asked for {n}"
        )
    chosen = valid[:n]
    full = np.empty((n, ORGNR_LENGTH), dtype=np.uint8)
    full[:, :8] = digits[chosen]
    full[:, 8] = check[chosen]
    return _digits_to_str(full)


def reserved_synthetic_orgnr(series: int, number: int) -> str:
    """The fixed synthetic organisasjonsnummer of reference unit ``number`` in ``series``.

    ``39`` + series (one digit) + number (four digits) + the first tie-break digit 0-9 that
    gives a valid check digit + the check digit. Deterministic, so a municipality (series 1,
    its kommunenummer) or a county (series 2, its fylkesnummer) has the same number in every
    felles installation.
    """
    if not 0 <= series <= 9:
        raise ValueError(f"series must be 0-9, got {series}")
    if not 0 <= number <= 9999:
        raise ValueError(f"number must be 0-9999, got {number}")
    prefix = f"{SYNTHETIC_ORGNR_FIRST_DIGIT}{RESERVED_ORGNR_SECOND_DIGIT}{series}{number:04d}"
    for tie_break in range(10):
        candidate = _orgnr_with_check(f"{prefix}{tie_break}")
        if candidate is not None:
            return candidate
    raise CapacityExhaustedError(f"no valid number for series {series}, number {number}")


# --------------------------------------------------------------------------------------------
# Identifiers in a command's input
# --------------------------------------------------------------------------------------------


def person_input(value: str, *, role: str) -> str:
    """A fødselsnummer or D-nummer given to a command, normalised.

    An invalid one is ``InvalidInput`` (422) whose message names the role ("mor",
    "arbeidstaker") and what is wrong, never the number itself.
    """
    from felles.kernel.errors import InvalidInput

    try:
        return parse_person_identifier(value).value
    except InvalidIdentifier as error:
        raise InvalidInput(f"{role}: {error.message}", reason=error.reason) from None


def orgnr_input(value: str, *, role: str) -> str:
    """An organisasjonsnummer given to a command, normalised; InvalidInput (422) if invalid."""
    from felles.kernel.errors import InvalidInput

    try:
        return parse_organisasjonsnummer(value).value
    except InvalidIdentifier as error:
        raise InvalidInput(f"{role}: {error.message}", reason=error.reason) from None
