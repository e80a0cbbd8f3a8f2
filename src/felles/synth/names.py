"""Names for the synthetic population: people, streets, e-mail addresses and mobile numbers.

Where the data comes from:

* **Person names** are taken from the lists shipped with Faker's person providers; none are
  typed in here. Norwegian first names (female, male) and last names come from
  ``faker.providers.person.no_NO``. Where Faker gives weights (``OrderedDict`` lists, e.g.
  sv_SE, en_US, fi_FI) they are used; plain tuples get equal weights (a name listed twice
  counts twice). Foreign citizens get names from the Faker locale of their citizenship where
  Faker has Latin-script, sex-specific lists (see :data:`NAME_LOCALES`). Russian and
  Ukrainian names are transliterated from Cyrillic as in those countries' passports (ICAO
  Doc 9303 for Russian, the Ukrainian national system of 2010 for Ukrainian); Chinese names
  use Faker's romanised (pinyin) lists. Female surnames are derived where the language
  inflects them (Polish -ski → -ska, Lithuanian married form -ienė, Icelandic -son /
  -dóttir). Citizenships without such lists (e.g. Syria, Eritrea, Somalia, Afghanistan,
  Iraq, the Philippines, Thailand, Bulgaria) fall back to the Norwegian lists.
* **Street names** are built from common Norwegian street-name stems and suffixes written
  here ("Bjørke" + "veien" → "Bjørkeveien"), and from Faker's Norwegian person names in the
  genitive ("Kari Hansens vei"). Vestland and Møre og Romsdal get the nynorsk forms "vegen",
  "stigen" and "veg".
* **E-mail addresses** use only domains reserved for documentation and testing by RFC 2606
  (``example.com``, ``example.net``, ``example.org`` and subdomains of them).
* **Mobile numbers** are synthetic. No range of Norwegian numbers set aside for fiction or
  testing was found (Nkom publishes none that we could find), so the numbers start with 42,
  43, 44 or 49: these pass the usual Norwegian mobile format check (8 digits starting with 4
  or 9, as KRR requires) but are neither mobile nor fixed-line ranges in Google's
  libphonenumber metadata for Norway (mobile ``(?:4[015-8]|59|9\\d)\\d{6}``). They are
  therefore unlikely to reach a real subscriber, but this is not guaranteed: never send
  messages or calls to them.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "EMAIL_DOMAINS",
    "MOBILE_CAPACITY",
    "MOBILE_PREFIXES",
    "NAME_LOCALES",
    "NameLists",
    "Sex",
    "email_for",
    "first_names",
    "last_names",
    "mobile_number",
    "mobile_number_for",
    "names_for_citizenship",
    "street_names",
    "to_ascii",
]

#: Sex as in the Folkeregister ("kvinne"/"mann") or as in the SSB tables ("K"/"M").
Sex = Literal["kvinne", "mann", "K", "M"]

StrArray = npt.NDArray[np.str_]
FloatArray = npt.NDArray[np.float64]
_RawList = Sequence[str] | Mapping[str, float]


def _is_female(sex: Sex) -> bool:
    if sex in ("kvinne", "K"):
        return True
    if sex in ("mann", "M"):
        return False
    raise ValueError(f"sex must be 'kvinne', 'mann', 'K' or 'M', not {sex!r}")


# ------------------------------------------------------------------------- weighted lists


def _weighted(
    raw: _RawList, transform: Callable[[str], str] | None = None
) -> tuple[StrArray, FloatArray]:
    """Turn a Faker list (tuple, or mapping name → weight) into read-only names and weights.

    Duplicates (also those created by ``transform``) are merged by adding their weights.
    """
    items = raw.items() if isinstance(raw, Mapping) else ((name, 1.0) for name in raw)
    merged: dict[str, float] = {}
    for name, weight in items:
        key = transform(name) if transform else name
        merged[key] = merged.get(key, 0.0) + float(weight)
    names = np.array(list(merged), dtype=np.str_)
    weights = np.array(list(merged.values()), dtype=np.float64)
    weights /= weights.sum()
    names.setflags(write=False)
    weights.setflags(write=False)
    return names, weights


def _provider(locale: str) -> type:
    module = importlib.import_module(f"faker.providers.person.{locale}")
    provider: type = module.Provider
    return provider


def _lists(locale: str, *attributes: str) -> _RawList:
    """Concatenate provider attributes; a single attribute may be a weighted mapping."""
    provider = _provider(locale)
    values = [getattr(provider, attribute) for attribute in attributes]
    if len(values) == 1:
        only: _RawList = values[0]
        return only
    combined: list[str] = []
    for value in values:
        combined.extend(value)
    return tuple(combined)


# ---------------------------------------------------------------- Cyrillic transliteration

# Russian: ICAO Doc 9303 (Russian passports since 2013). The soft sign is not written.
_RUSSIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
}  # fmt: skip
# Ukrainian: national transliteration (Cabinet of Ministers resolution 55 of 2010).
_UKRAINIAN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia",
}  # fmt: skip
_UKRAINIAN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UKRAINIAN_DIGRAPHS = {"зг": "zgh"}  # keeps з+г apart from ж (zh)
_APOSTROPHES = "'’ʼ"


def _transliterate(
    text: str,
    table: Mapping[str, str],
    initial: Mapping[str, str] | None = None,
    digraphs: Mapping[str, str] | None = None,
) -> str:
    """Transliterate Cyrillic letter by letter (digraphs and word-initial forms first)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        pair = text[i : i + 2].lower()
        at_word_start = i == 0 or not (text[i - 1].isalpha() or text[i - 1] in _APOSTROPHES)
        if digraphs and pair in digraphs:
            latin, step = digraphs[pair], 2
        elif initial and at_word_start and char.lower() in initial:
            latin, step = initial[char.lower()], 1
        elif char.lower() in table:
            latin, step = table[char.lower()], 1
        else:
            latin, step = ("" if char in _APOSTROPHES else char), 1
        out.append(latin.capitalize() if char.isupper() else latin)
        i += step
    return "".join(out)


def _russian_latin(name: str) -> str:
    return _transliterate(name, _RUSSIAN)


def _ukrainian_latin(name: str) -> str:
    return _transliterate(name, _UKRAINIAN, _UKRAINIAN_INITIAL, _UKRAINIAN_DIGRAPHS)


# ----------------------------------------------------------------------- foreign name lists


@dataclass(frozen=True, slots=True)
class _Raw:
    female: _RawList
    male: _RawList
    last_female: _RawList
    last_male: _RawList
    transform: Callable[[str], str] | None = None


def _standard(locale: str) -> _Raw:
    last = _lists(locale, "last_names")
    return _Raw(
        _lists(locale, "first_names_female"), _lists(locale, "first_names_male"), last, last
    )


def _gendered_surnames(locale: str, transform: Callable[[str], str] | None = None) -> _Raw:
    return _Raw(
        _lists(locale, "first_names_female"),
        _lists(locale, "first_names_male"),
        _lists(locale, "last_names_female"),
        _lists(locale, "last_names_male"),
        transform,
    )


def _polish_female_surname(name: str) -> str:
    return name[:-1] + "a" if name.endswith(("ski", "cki", "dzki")) else name


def _polish() -> _Raw:
    male_last = _lists("pl_PL", "male_last_names", "unisex_last_names")
    return _Raw(
        _lists("pl_PL", "first_names_female"),
        _lists("pl_PL", "first_names_male"),
        tuple(_polish_female_surname(name) for name in male_last),
        male_last,
    )


def _lithuanian_female_surname(name: str) -> str:
    """Married women's form: Kazlauskas → Kazlauskienė, Stankevičius → Stankevičienė."""
    for ending in ("ius", "as", "is", "ys", "us", "a", "ė"):
        if name.endswith(ending):
            return name[: -len(ending)] + "ienė"
    return name


def _lithuanian() -> _Raw:
    # lt_LT has one first-name list; Lithuanian female names end in -a/-ė, male ones in -s.
    first = _lists("lt_LT", "first_names")
    last = _lists("lt_LT", "last_names")
    return _Raw(
        tuple(n for n in first if n.endswith(("a", "ė"))),
        tuple(n for n in first if not n.endswith(("a", "ė"))),
        tuple(_lithuanian_female_surname(n) for n in last),
        last,
    )


def _icelandic() -> _Raw:
    stems = _lists("is_IS", "last_names_without_suffix")
    return _Raw(
        _lists("is_IS", "first_names_female"),
        _lists("is_IS", "first_names_male"),
        tuple(f"{stem}dóttir" for stem in stems),
        tuple(f"{stem}son" for stem in stems),
    )


def _latvian() -> _Raw:
    return _Raw(
        _lists("lv_LV", "first_names_female"),
        _lists("lv_LV", "first_names_male"),
        _lists("lv_LV", "last_names_female", "last_names_nonbinary"),
        _lists("lv_LV", "last_names_male", "last_names_nonbinary"),
    )


def _vietnamese() -> _Raw:
    last = _lists("vi_VN", "last_names")
    return _Raw(
        _lists("vi_VN", "first_names_female", "first_names_unisex"),
        _lists("vi_VN", "first_names_male", "first_names_unisex"),
        last,
        last,
    )


def _chinese() -> _Raw:
    # Faker's pinyin given names are not split by sex; Chinese given names are not
    # grammatically gendered, so the same list serves both.
    first = _lists("zh_CN", "first_romanized_names")
    last = _lists("zh_CN", "last_romanized_names")
    return _Raw(first, first, last, last)


_BUILDERS: dict[str, tuple[str, Callable[[], _Raw]]] = {
    "POL": ("pl_PL", _polish),
    "UKR": ("uk_UA", lambda: _gendered_surnames("uk_UA", _ukrainian_latin)),
    "LTU": ("lt_LT", _lithuanian),
    "SWE": ("sv_SE", lambda: _standard("sv_SE")),
    "DEU": ("de_DE", lambda: _standard("de_DE")),
    "ROU": ("ro_RO", lambda: _standard("ro_RO")),
    "DNK": ("da_DK", lambda: _standard("da_DK")),
    "LVA": ("lv_LV", _latvian),
    "GBR": ("en_GB", lambda: _standard("en_GB")),
    "IND": ("en_IN", lambda: _standard("en_IN")),
    "ESP": ("es_ES", lambda: _standard("es_ES")),
    "ITA": ("it_IT", lambda: _standard("it_IT")),
    "USA": ("en_US", lambda: _standard("en_US")),
    "RUS": ("ru_RU", lambda: _gendered_surnames("ru_RU", _russian_latin)),
    "NLD": ("nl_NL", lambda: _standard("nl_NL")),
    "ISL": ("is_IS", _icelandic),
    "FRA": ("fr_FR", lambda: _standard("fr_FR")),
    "FIN": ("fi_FI", lambda: _standard("fi_FI")),
    "PRT": ("pt_PT", lambda: _standard("pt_PT")),
    "TUR": ("tr_TR", lambda: _standard("tr_TR")),
    "CHN": ("zh_CN", _chinese),
    "EST": ("et_EE", lambda: _standard("et_EE")),
    "BRA": ("pt_BR", lambda: _standard("pt_BR")),
    "HUN": ("hu_HU", lambda: _standard("hu_HU")),
    "VNM": ("vi_VN", _vietnamese),
}

#: Citizenship (ISO 3166 alpha-3) → Faker locale its names come from. Others use no_NO.
NAME_LOCALES: Mapping[str, str] = MappingProxyType(
    {code: locale for code, (locale, _) in _BUILDERS.items()}
)


@dataclass(frozen=True, slots=True, eq=False)
class NameLists:
    """First and last names with sampling weights (each sums to 1) for one sex."""

    first_names: StrArray
    first_weights: FloatArray
    last_names: StrArray
    last_weights: FloatArray
    locale: str  # the Faker locale the lists come from; "no_NO" for the Norwegian fallback


@cache
def _norwegian(female: bool) -> NameLists:
    first = _lists("no_NO", "first_names_female" if female else "first_names_male")
    first_names_, first_weights = _weighted(first)
    last_names_, last_weights = _weighted(_lists("no_NO", "last_names"))
    return NameLists(first_names_, first_weights, last_names_, last_weights, "no_NO")


@cache
def _foreign(alpha3: str, female: bool) -> NameLists:
    locale, build = _BUILDERS[alpha3]
    raw = build()
    first_names_, first_weights = _weighted(raw.female if female else raw.male, raw.transform)
    last_raw = raw.last_female if female else raw.last_male
    last_names_, last_weights = _weighted(last_raw, raw.transform)
    return NameLists(first_names_, first_weights, last_names_, last_weights, locale)


def first_names(sex: Sex) -> tuple[StrArray, FloatArray]:
    """Norwegian first names for ``sex`` and their weights (Faker no_NO; sum 1, read-only)."""
    lists = _norwegian(_is_female(sex))
    return lists.first_names, lists.first_weights


def last_names() -> tuple[StrArray, FloatArray]:
    """Norwegian last names and their weights (Faker no_NO; sum 1, read-only)."""
    lists = _norwegian(True)
    return lists.last_names, lists.last_weights


def names_for_citizenship(alpha3: str, sex: Sex) -> NameLists:
    """First and last names for a person of citizenship ``alpha3`` (ISO 3166 alpha-3).

    Uses the Faker locale of :data:`NAME_LOCALES`; Norwegian lists for NOR and for every
    citizenship without a Latin-script, sex-specific Faker list.
    """
    female = _is_female(sex)
    if alpha3 in _BUILDERS:
        return _foreign(alpha3, female)
    return _norwegian(female)


# ----------------------------------------------------------------------------- street names

# Stems in the form they take in a compound (with the linking -e- or -s- where Norwegian
# uses one): "Bjørke" + "veien", "Stasjons" + "veien", "Kirke" + "gata".
_STEMS: tuple[str, ...] = (
    # trees, plants and berries
    "Bjørke", "Gran", "Furu", "Eike", "Ospe", "Rogne", "Hegg", "Lønne", "Linde", "Alme",
    "Aske", "Selje", "Hassel", "Einer", "Older", "Vier", "Lerke", "Kirsebær", "Eple", "Plomme",
    "Pære", "Hyll", "Syrin", "Rose", "Tulipan", "Fiol", "Lyng", "Kløver", "Blåbær",
    "Tyttebær", "Bringebær", "Multe", "Hvitveis", "Blåveis", "Prestekrage", "Blåklokke",
    "Nype", "Bregne", "Mose", "Siv", "Løvetann", "Humle", "Rips", "Solbær", "Korn", "Havre",
    # birds and animals
    "Ørne", "Ravne", "Kråke", "Måke", "Svane", "Trane", "Rype", "Orre", "Tiur", "Hauk",
    "Falke", "Ugle", "Spurve", "Meise", "Trost", "Stær", "Due", "Gauke", "Hegre", "Lom",
    "Ærfugl", "Sel", "Hjorte", "Elg", "Reve", "Bjørne", "Grevling", "Ekorn", "Hare", "Oter",
    "Bever", "Laks", "Ørret", "Sild", "Gjøk", "Spette", "Fiskeørn", "Lunde", "Tjeld", "Vipe",
    # landscape
    "Fjell", "Dal", "Ås", "Haug", "Berg", "Bakke", "Strand", "Sjø", "Elve", "Bekke", "Foss",
    "Myr", "Mo", "Eng", "Åker", "Skog", "Lund", "Holm", "Nes", "Vik", "Fjord", "Havne",
    "Brygge", "Bukt", "Odde", "Øy", "Skjær", "Sand", "Stein", "Kleiv", "Kolle", "Tind",
    "Hei", "Mark", "Vidde", "Tjern", "Vann", "Kilde", "Brønn", "Dam", "Sund", "Ur", "Tange",
    "Våg", "Li", "Eid", "Egge", "Nut", "Rabbe", "Støl", "Seter", "Bø", "Voll", "Teig",
    "Flat", "Grov", "Gjerde", "Fjære", "Kai", "Grotte", "Jord", "Sva", "Hamar",
    # buildings, trades and institutions
    "Kirke", "Skole", "Stasjons", "Jernbane", "Sykehus", "Prestegårds", "Preste", "Rådhus",
    "Post", "Meieri", "Mølle", "Sag", "Smie", "Verksteds", "Industri", "Fabrikk", "Fyr",
    "Bro", "Kanal", "Kvern", "Gårds", "Stabbur", "Låve", "Torg", "Markeds", "Handels",
    "Toll", "Lensmanns", "Kongs", "Dronning", "Prinse", "Konge", "Kapell", "Klokker",
    "Doktor", "Apotek", "Idretts", "Stadion", "Park", "Bryggeri", "Brannstasjons", "Tinghus",
    "Fisker", "Skipper", "Los", "Håndverker", "Smed", "Gruve", "Kobber", "Sølv", "Tømmer",
    "Tjære", "Kalk", "Teglverks", "Sjømanns", "Bonde", "Hytte", "Tun", "Stall", "Fjøs",
    # other common first elements
    "Stor", "Lille", "Nord", "Sør", "Øst", "Vest", "Midt", "Sol", "Måne", "Stjerne", "Vind",
    "Sommer", "Vinter", "Vår", "Høst", "Morgen", "Kvelds", "Lys", "Utsikts", "Fager",
    "Grønn", "Troll", "Hulder", "Fred", "Lien", "Heimly", "Solvang", "Gamle", "Ny", "Lang",
    "Kort", "Bred", "Smal", "Vakker", "Blå", "Kvit", "Rød", "Gull", "Eventyr", "Jule",
)  # fmt: skip

# (bokmål suffix, nynorsk suffix, weight, root). Roots keep "Haug" + "haugen" out.
_SUFFIXES: tuple[tuple[str, str, float, str], ...] = (
    ("veien", "vegen", 30.0, "vei"),
    ("gata", "gata", 7.0, "gat"),
    ("bakken", "bakken", 6.0, "bakk"),
    ("lia", "lia", 5.0, "li"),
    ("stien", "stigen", 5.0, "sti"),
    ("svingen", "svingen", 4.0, "sving"),
    ("tunet", "tunet", 3.0, "tun"),
    ("haugen", "haugen", 3.0, "haug"),
    ("åsen", "åsen", 3.0, "ås"),
    ("kroken", "kroken", 3.0, "krok"),
    ("jordet", "jordet", 2.0, "jord"),
    ("løkka", "løkka", 2.0, "løkk"),
    ("grenda", "grenda", 2.0, "grend"),
    ("moen", "moen", 2.0, "mo"),
    ("kollen", "kollen", 2.0, "koll"),
    ("lunden", "lunden", 2.0, "lund"),
    ("ringen", "ringen", 2.0, "ring"),
    ("hagen", "hagen", 2.0, "hag"),
    ("toppen", "toppen", 1.5, "topp"),
    ("skogen", "skogen", 1.0, "skog"),
    ("brekka", "brekka", 1.0, "brekk"),
    ("myra", "myra", 1.0, "myr"),
    ("plassen", "plassen", 1.0, "plass"),
    ("teigen", "teigen", 1.0, "teig"),
    ("bråten", "bråten", 1.0, "bråt"),
    ("enga", "enga", 1.0, "eng"),
    ("dalen", "dalen", 1.0, "dal"),
    ("berget", "berget", 1.0, "berg"),
    ("vollen", "vollen", 1.0, "voll"),
    ("tråkket", "tråkket", 1.0, "tråkk"),
    ("kleiva", "kleiva", 0.5, "kleiv"),
)

#: Prefixes used only when a municipality needs more names than the ordinary pool holds.
_PREFIXES = ("Øvre", "Nedre", "Søndre", "Nordre", "Vestre", "Østre", "Gamle", "Nye")

#: Counties where street names are mostly nynorsk ("-vegen"): Møre og Romsdal, Vestland.
_NYNORSK_COUNTIES = frozenset({"15", "46"})

_COMPOUND_SHARE = 0.85  # share of ordinary street names built from a stem and a suffix
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
_STREET_STREAM = 0x5747  # separates the street-name random stream from others using a seed


def _join(stem: str, suffix: str) -> str:
    """Join a stem and a suffix; Norwegian writes no triple consonant (Fjell + lia = Fjellia)."""
    if len(stem) >= 2 and stem[-1] == stem[-2] == suffix[0] and stem[-1] in _CONSONANTS:
        return stem + suffix[1:]
    return stem + suffix


def _clashes(stem: str, root: str) -> bool:
    low = stem.lower()
    return root in (low, low.removesuffix("e"), low.removesuffix("en"))


def _genitive(name: str) -> str:
    return f"{name}'" if name.endswith(("s", "x", "z")) else f"{name}s"


@dataclass(frozen=True, slots=True)
class _StreetPool:
    names: tuple[str, ...]
    weights: FloatArray  # each name's sampling weight
    fallback: tuple[str, ...]  # prefixed names, used only when ``names`` runs out


def _compound_names(nynorsk: bool) -> dict[str, float]:
    total = sum(weight for _, _, weight, _ in _SUFFIXES)
    names: dict[str, float] = {}
    for stem in _STEMS:
        for bokmaal, nynorsk_form, weight, root in _SUFFIXES:
            if not _clashes(stem, root):
                names.setdefault(_join(stem, nynorsk_form if nynorsk else bokmaal), weight / total)
    return names


def _person_street_names(nynorsk: bool) -> list[str]:
    firsts = list(
        dict.fromkeys(
            [*_lists("no_NO", "first_names_female"), *_lists("no_NO", "first_names_male")]
        )
    )
    lasts = list(dict.fromkeys(_lists("no_NO", "last_names")))
    vei = "veg" if nynorsk else "vei"
    return [
        f"{first} {_genitive(last)} {kind}"
        for first in firsts
        for last in lasts
        for kind in (vei, "gate")
    ]


@cache
def _street_pool(nynorsk: bool) -> _StreetPool:
    compound = _compound_names(nynorsk)
    compound_total = sum(compound.values())
    weights = {name: _COMPOUND_SHARE * w / compound_total for name, w in compound.items()}
    people = [name for name in _person_street_names(nynorsk) if name not in weights]
    for name in people:
        weights[name] = (1.0 - _COMPOUND_SHARE) / len(people)
    fallback = tuple(f"{prefix} {name}" for name in compound for prefix in _PREFIXES)
    values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
    values.setflags(write=False)
    return _StreetPool(tuple(weights), values, fallback)


def _weighted_sample(
    rng: np.random.Generator, weights: FloatArray, count: int
) -> npt.NDArray[np.intp]:
    """Indices of ``count`` distinct items drawn without replacement in proportion to weight.

    Efraimidis–Spirakis: every item gets the key log(u) / w for a uniform u; the ``count``
    largest keys, largest first, are the sample. The keys do not depend on ``count``, so a
    smaller sample is always a prefix of a larger one.
    """
    keys = np.log(rng.random(weights.size)) / weights
    if count == 0:
        return np.empty(0, dtype=np.intp)
    top = np.argpartition(-keys, count - 1)[:count]
    return top[np.argsort(-keys[top], kind="stable")]


def street_names(kommunenummer: str, count: int, *, seed: int) -> list[str]:
    """``count`` distinct, plausible Norwegian street names for one municipality.

    Deterministic for ``(kommunenummer, seed)``: the same arguments give the same names in the
    same order, and a larger ``count`` extends a smaller one's list. Municipalities in
    Vestland and Møre og Romsdal get nynorsk forms ("Bjørkevegen"). When more names are
    asked for than the ordinary pool holds, the rest are prefixed ones ("Øvre Granveien").
    """
    if not (len(kommunenummer) == 4 and kommunenummer.isdigit()):
        raise ValueError(f"kommunenummer must be four digits, not {kommunenummer!r}")
    if count < 0 or seed < 0:
        raise ValueError("count and seed must not be negative")
    pool = _street_pool(kommunenummer[:2] in _NYNORSK_COUNTIES)
    capacity = len(pool.names) + len(pool.fallback)
    if count > capacity:
        raise ValueError(f"at most {capacity} street names per municipality, not {count}")
    rng = np.random.default_rng([seed, int(kommunenummer), _STREET_STREAM])
    ordinary = min(count, len(pool.names))
    order = _weighted_sample(rng, pool.weights, ordinary)
    names = [pool.names[i] for i in order]
    if count > ordinary:
        extra = rng.permutation(len(pool.fallback))[: count - ordinary]
        names.extend(pool.fallback[i] for i in extra)
    return names


# ------------------------------------------------------------------------ e-mail and mobile

#: Domains reserved for examples and testing (RFC 2606), and subdomains of them.
EMAIL_DOMAINS: tuple[str, ...] = (
    "example.com",
    "example.net",
    "example.org",
    "post.example.com",
    "epost.example.net",
    "mail.example.org",
)

_ASCII_SPECIAL = str.maketrans(
    {
        "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "aa", "Å": "Aa", "ß": "ss", "ł": "l",
        "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "œ": "oe",
        "Œ": "Oe", "ı": "i",
    }
)  # fmt: skip
_NOT_LOCAL = re.compile(r"[^a-z0-9]+")


def to_ascii(text: str) -> str:
    """Transliterate to ASCII the Norwegian way (æ→ae, ø→o, å→aa) and drop other accents."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_SPECIAL))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _local_words(name: str) -> list[str]:
    return [w for w in _NOT_LOCAL.split(to_ascii(name).lower()) if w]


def email_for(fornavn: str, etternavn: str, rng: np.random.Generator) -> str:
    """A plausible e-mail address on a reserved example domain, ASCII and lowercase.

    E.g. ``ola.nordmann@example.com``, ``kari.aasen42@post.example.com``. Not unique: the same
    name may give the same address twice.
    """
    first = ".".join(_local_words(fornavn)) or "person"
    last = "".join(_local_words(etternavn)) or "epost"
    number = str(int(rng.integers(1, 100)))
    patterns = (
        f"{first}.{last}",
        f"{first}.{last}{number}",
        f"{first.replace('.', '')}{last}",
        f"{first[0]}.{last}",
        f"{last}.{first}",
        f"{first}{number}",
    )
    local = patterns[int(rng.choice(len(patterns), p=(0.4, 0.2, 0.15, 0.1, 0.1, 0.05)))]
    domain = EMAIL_DOMAINS[int(rng.integers(len(EMAIL_DOMAINS)))]
    return f"{local}@{domain}"


#: First two digits of the synthetic mobile numbers (see the module docstring).
MOBILE_PREFIXES: tuple[str, ...] = ("42", "43", "44", "49")
#: How many distinct synthetic mobile numbers there are.
MOBILE_CAPACITY = len(MOBILE_PREFIXES) * 1_000_000
_MOBILE_STEP = 1_234_567  # coprime with MOBILE_CAPACITY, so index → number is one-to-one


def _mobile(n: int) -> str:
    prefix, rest = divmod(n, 1_000_000)
    return f"+47{MOBILE_PREFIXES[prefix]}{rest:06d}"


def mobile_number(rng: np.random.Generator) -> str:
    """A random synthetic Norwegian mobile number in E.164 form, e.g. ``+4743123456``."""
    return _mobile(int(rng.integers(MOBILE_CAPACITY)))


def mobile_number_for(index: int) -> str:
    """The synthetic mobile number for ``index`` (0 ≤ index < MOBILE_CAPACITY).

    Distinct indices give distinct numbers, scattered over the range rather than consecutive.
    """
    if not 0 <= index < MOBILE_CAPACITY:
        raise ValueError(f"index must be in [0, {MOBILE_CAPACITY}), not {index}")
    return _mobile(index * _MOBILE_STEP % MOBILE_CAPACITY)
