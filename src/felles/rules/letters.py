"""Plain-language sentences for decision letters, from an explanation (bokmål, nynorsk, English).

For each value the situation asked for, :func:`sentences` writes what the addressee (the
parent who receives the benefit, or the person it is for) gets and why::

    Du får 1 968 kr per måned i barnetrygd for Emma fordi Emma er under 18 år, bor fast hos
    deg, er bosatt i Norge og har lovlig opphold i Norge (barnetrygdloven §§ 2, 10 og 11).

- Amounts are formatted the Norwegian way: a non-breaking space between thousands and before
  ``kr`` (English: ``NOK 1,968``); the period reads *per måned* / *per månad* / *a month*.
- A group's amount (a family's barnetrygd) is told per member from the per-person amount it
  is summed from (*for Emma*, *for Noah*), then each other part with an amount of its own
  (*utvidet barnetrygd*), then the total.
- The reasons are the conditions under the amount: those met when there is an amount, those
  not met when there is none. Conditions the rules are known to have are phrased
  (:data:`CONDITIONS`, :data:`PARAMETER_CONDITIONS`, e.g. the age limit); any other is quoted
  by its label (*vilkåret «…» er oppfylt*).
- The law cited is the Lovdata references of the amount's variable and of the parameters
  used, as *barnetrygdloven § 10*; other sources (NAV's code) are not cited.
- When a parameter under the amount is marked unverified, the sentence says the amount is
  provisional (*foreløpig sats, ikke verifisert*) and ``provisional`` is true: such a value
  must never be presented as authoritative.

Names come from ``names`` (person id → name); otherwise the id, capitalised when it is a plain
lower-case word (``emma`` → ``Emma``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import unquote

from felles.rules.explain import Explanation, Node, Reference

LANGUAGES: Final = ("nb", "nn", "en")
NBSP: Final = "\u00a0"
MINUS: Final = "\u2212"

#: Laws by their Lovdata id (LOV-yyyy-mm-dd-n without the prefix), as cited in running text.
LAWS: Final[dict[str, dict[str, str]]] = {
    "2002-03-08-4": {
        "nb": "barnetrygdloven",
        "nn": "barnetrygdlova",
        "en": "the Child Benefit Act",
    },
    "1997-02-28-19": {
        "nb": "folketrygdloven",
        "nn": "folketrygdlova",
        "en": "the National Insurance Act",
    },
    "1998-06-26-41": {
        "nb": "kontantstøtteloven",
        "nn": "kontantstøttelova",
        "en": "the Cash-for-Care Benefit Act",
    },
    "2020-11-06-127": {
        "nb": "integreringsloven",
        "nn": "integreringslova",
        "en": "the Integration Act",
    },
    "2009-12-18-131": {
        "nb": "sosialtjenesteloven",
        "nn": "sosialtenestelova",
        "en": "the Social Services Act",
    },
    "2016-12-09-88": {
        "nb": "folkeregisterloven",
        "nn": "folkeregisterlova",
        "en": "the National Population Register Act",
    },
    "2008-05-15-35": {"nb": "utlendingsloven", "nn": "utlendingslova", "en": "the Immigration Act"},
}

#: Benefit names by variable, where the label will not do in running text.
BENEFITS: Final[dict[str, dict[str, str]]] = {
    "barnetrygd": {"nb": "barnetrygd", "nn": "barnetrygd", "en": "child benefit"},
    "barnetrygd_per_barn": {"nb": "barnetrygd", "nn": "barnetrygd", "en": "child benefit"},
    "barnetrygd_utvidet": {
        "nb": "utvidet barnetrygd",
        "nn": "utvida barnetrygd",
        "en": "extended child benefit",
    },
    "barnetrygd_smaabarnstillegg": {
        "nb": "småbarnstillegg",
        "nn": "småbarnstillegg",
        "en": "supplement for small children",
    },
    "kontantstoette": {"nb": "kontantstøtte", "nn": "kontantstøtte", "en": "cash-for-care benefit"},
    "kontantstoette_per_barn": {
        "nb": "kontantstøtte",
        "nn": "kontantstøtte",
        "en": "cash-for-care benefit",
    },
    "engangsstoenad": {"nb": "engangsstønad", "nn": "eingongsstønad", "en": "lump-sum grant"},
}

Phrases = dict[str, tuple[str | None, str | None]]
"""Language → (predicate when the condition holds, when it does not); None: leave it out.
English predicates write the verb that agrees with the subject as {is}, {has}, {does}, ..."""

#: Conditions (boolean variables) as predicates of the person they are about.
CONDITIONS: Final[dict[str, Phrases]] = {
    "bor_med_forelder": {
        "nb": ("bor fast hos deg", "ikke bor fast hos deg"),
        "nn": ("bur fast hos deg", "ikkje bur fast hos deg"),
        "en": ("{lives} with you", "{does} not live with you"),
    },
    "bosatt_i_norge": {
        "nb": ("er bosatt i Norge", "ikke er bosatt i Norge"),
        "nn": ("er busett i Noreg", "ikkje er busett i Noreg"),
        "en": ("{is} resident in Norway", "{is} not resident in Norway"),
    },
    "lovlig_opphold": {
        "nb": ("har lovlig opphold i Norge", "ikke har lovlig opphold i Norge"),
        "nn": ("har lovleg opphald i Noreg", "ikkje har lovleg opphald i Noreg"),
        "en": ("{has} lawful residence in Norway", "{does} not have lawful residence in Norway"),
    },
    "lever": {
        "nb": (None, "er død"),
        "nn": (None, "er død"),
        "en": (None, "{has} died"),
    },
    "medlem_i_folketrygden": {
        "nb": ("er medlem i folketrygden", "ikke er medlem i folketrygden"),
        "nn": ("er medlem i folketrygda", "ikkje er medlem i folketrygda"),
        "en": (
            "{is} a member of the National Insurance Scheme",
            "{is} not a member of the National Insurance Scheme",
        ),
    },
    "medlem_i_folketrygden_5_aar": {
        "nb": (
            "har vært medlem i folketrygden de siste fem årene",
            "ikke har vært medlem i folketrygden de siste fem årene",
        ),
        "nn": (
            "har vore medlem i folketrygda dei siste fem åra",
            "ikkje har vore medlem i folketrygda dei siste fem åra",
        ),
        "en": (
            "{has} been a member of the National Insurance Scheme for the last five years",
            "{has} not been a member of the National Insurance Scheme for the last five years",
        ),
    },
    "enslig_forsoerger": {
        "nb": ("er enslig forsørger", "ikke er enslig forsørger"),
        "nn": ("er einsleg forsørgjar", "ikkje er einsleg forsørgjar"),
        "en": ("{is} a single provider", "{is} not a single provider"),
    },
    "mottar_full_overgangsstoenad": {
        "nb": ("mottar full overgangsstønad", "ikke mottar full overgangsstønad"),
        "nn": ("får full overgangsstønad", "ikkje får full overgangsstønad"),
        "en": (
            "{receives} full transitional benefit",
            "{does} not receive full transitional benefit",
        ),
    },
    "barnetrygd_barnets_vilkaar_oppfylt": {
        "nb": ("oppfyller vilkårene for barnetrygd", "ikke oppfyller vilkårene for barnetrygd"),
        "nn": ("oppfyller vilkåra for barnetrygd", "ikkje oppfyller vilkåra for barnetrygd"),
        "en": (
            "{meets} the conditions for child benefit",
            "{does} not meet the conditions for child benefit",
        ),
    },
    "barnetrygd_mottakers_vilkaar_oppfylt": {
        "nb": (
            "oppfyller vilkårene for å motta barnetrygd",
            "ikke oppfyller vilkårene for å motta barnetrygd",
        ),
        "nn": (
            "oppfyller vilkåra for å ta imot barnetrygd",
            "ikkje oppfyller vilkåra for å ta imot barnetrygd",
        ),
        "en": (
            "{meets} the conditions for receiving child benefit",
            "{does} not meet the conditions for receiving child benefit",
        ),
    },
    "kontantstoette_alder_oppfylt": {
        "nb": (
            "er i alderen det gis kontantstøtte for",
            "ikke er i alderen det gis kontantstøtte for",
        ),
        "nn": (
            "er i alderen det blir gitt kontantstøtte for",
            "ikkje er i alderen det blir gitt kontantstøtte for",
        ),
        "en": (
            "{is} of the age cash-for-care benefit is paid for",
            "{is} not of the age cash-for-care benefit is paid for",
        ),
    },
    "kontantstoette_barnehage_oppfylt": {
        "nb": ("ikke har heltidsplass i barnehage", "har heltidsplass i barnehage"),
        "nn": ("ikkje har heiltidsplass i barnehage", "har heiltidsplass i barnehage"),
        "en": (
            "{does} not have a full-time place in kindergarten",
            "{has} a full-time place in kindergarten",
        ),
    },
    "kontantstoette_foreldres_vilkaar_oppfylt": {
        "nb": (
            "oppfyller vilkårene for kontantstøtte som forelder",
            "ikke oppfyller vilkårene for kontantstøtte som forelder",
        ),
        "nn": (
            "oppfyller vilkåra for kontantstøtte som forelder",
            "ikkje oppfyller vilkåra for kontantstøtte som forelder",
        ),
        "en": (
            "{meets} the conditions for cash-for-care benefit as a parent",
            "{does} not meet the conditions for cash-for-care benefit as a parent",
        ),
    },
}


@dataclass(frozen=True, slots=True)
class ParameterCondition:
    """A condition a formula tests against a parameter, told with the parameter's value.

    ``holds(value of variable, parameter value)`` says whether it holds for the person.
    """

    variable: str
    holds: Callable[[Any, Any], bool]
    phrases: Phrases


#: Conditions stated by a parameter (an age limit), by parameter name.
PARAMETER_CONDITIONS: Final[dict[str, ParameterCondition]] = {
    "barnetrygdloven.aldersgrense": ParameterCondition(
        variable="alder_maaneder",
        holds=lambda months, years: months < years * 12,
        phrases={
            "nb": ("er under {value} år", "ikke er under {value} år"),
            "nn": ("er under {value} år", "ikkje er under {value} år"),
            "en": ("{is} under {value}", "{is} not under {value}"),
        },
    ),
}

_VERBS: Final = {
    "third": {
        "is": "is",
        "has": "has",
        "does": "does",
        "lives": "lives",
        "meets": "meets",
        "receives": "receives",
    },
    "second": {
        "is": "are",
        "has": "have",
        "does": "do",
        "lives": "live",
        "meets": "meet",
        "receives": "receive",
    },
}

_TEXT: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "gets_for": "Du får {amount} i {benefit} for {name}",
        "gets": "Du får {amount} i {benefit}",
        "total": "Til sammen får du {amount} i {benefit}",
        "not_for": "Du får ikke {benefit} for {name}",
        "not": "Du får ikke {benefit}",
        "yes": "{label}: ja",
        "no": "{label}: nei",
        "because": "fordi",
        "and": "og",
        "you": "du",
        "condition": "vilkåret {0}",
        "conditions": "vilkårene {0}",
        "met": "er oppfylt",
        "met_plural": "er oppfylt",
        "unmet": "ikke er oppfylt",
        "unmet_plural": "ikke er oppfylt",
        "provisional": "foreløpig sats, ikke verifisert",
        "month": "per måned",
        "year": "per år",
        "day": "per dag",
        "week": "per uke",
        "other": "for {period}",
    },
    "nn": {
        "gets_for": "Du får {amount} i {benefit} for {name}",
        "gets": "Du får {amount} i {benefit}",
        "total": "Til saman får du {amount} i {benefit}",
        "not_for": "Du får ikkje {benefit} for {name}",
        "not": "Du får ikkje {benefit}",
        "yes": "{label}: ja",
        "no": "{label}: nei",
        "because": "fordi",
        "and": "og",
        "you": "du",
        "condition": "vilkåret {0}",
        "conditions": "vilkåra {0}",
        "met": "er oppfylt",
        "met_plural": "er oppfylte",
        "unmet": "ikkje er oppfylt",
        "unmet_plural": "ikkje er oppfylte",
        "provisional": "førebels sats, ikkje verifisert",
        "month": "per månad",
        "year": "per år",
        "day": "per dag",
        "week": "per veke",
        "other": "for {period}",
    },
    "en": {
        "gets_for": "You get {amount} in {benefit} for {name}",
        "gets": "You get {amount} in {benefit}",
        "total": "In total you get {amount} in {benefit}",
        "not_for": "You do not get {benefit} for {name}",
        "not": "You do not get {benefit}",
        "yes": "{label}: yes",
        "no": "{label}: no",
        "because": "because",
        "and": "and",
        "you": "you",
        "condition": "the condition {0}",
        "conditions": "the conditions {0}",
        "met": "is met",
        "met_plural": "are met",
        "unmet": "is not met",
        "unmet_plural": "are not met",
        "provisional": "provisional rate, not verified",
        "month": "a month",
        "year": "a year",
        "day": "a day",
        "week": "a week",
        "other": "for {period}",
    },
}

_LOVDATA: Final = re.compile(
    r"lovdata\.no/(?:lov|dokument/NL/lov|eli/lov)/(\d{4}-\d{2}-\d{2}-\d+)(?:/§\s*([\w-]+))?"
)
_PLAIN_ID: Final = re.compile(r"^[a-zæøå]+$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a decision letter, with what it rests on."""

    text: str
    variable: str
    id: str
    amount: int | float | None
    provisional: bool
    references: tuple[Reference, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "variable": self.variable,
            "id": self.id,
            "amount": self.amount,
            "provisional": self.provisional,
            "references": [r.to_dict() for r in self.references],
        }


def kroner(amount: float, lang: str = "nb") -> str:
    """``1968`` → ``1 968 kr`` (non-breaking spaces); English ``NOK 1,968``."""
    whole = float(amount).is_integer()
    number = f"{abs(amount):,.0f}" if whole else f"{abs(amount):,.2f}"
    sign = MINUS if amount < 0 else ""
    if lang == "en":
        return f"{sign}NOK{NBSP}{number}"
    number = number.replace(",", NBSP).replace(".", ",")
    return f"{sign}{number}{NBSP}kr"


def _join(items: Sequence[str], conjunction: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def citation(reference: Reference, lang: str = "nb") -> str | None:
    """How a Lovdata reference reads in a letter (``barnetrygdloven § 10``); None otherwise."""
    match = _LOVDATA.search(unquote(reference.href))
    if match is None:
        return None
    law = LAWS.get(match[1], {}).get(lang)
    if law is None:
        law = reference.title.split(" §")[0].split(" (")[0] if reference.title else None
        law = law or f"LOV-{match[1]}"
    return f"{law} § {match[2]}" if match[2] else law


def _cite(references: Iterable[Reference], lang: str) -> tuple[list[str], tuple[Reference, ...]]:
    """The citations of ``references`` (one per law, its sections together), and those used."""
    sections: dict[str, list[str]] = {}
    used: list[Reference] = []
    for reference in references:
        text = citation(reference, lang)
        if text is None:
            continue
        law, _, section = text.partition(" § ")
        known = sections.setdefault(law, [])
        if section and section not in known:
            known.append(section)
            used.append(reference)
        elif not section and not known and reference not in used:
            used.append(reference)
    parts: list[str] = []
    for law, numbers in sections.items():
        ordered = sorted(
            numbers, key=lambda n: [int(p) if p.isdigit() else 0 for p in n.split("-")]
        )
        if not ordered:
            parts.append(law)
        elif len(ordered) == 1:
            parts.append(f"{law} § {ordered[0]}")
        else:
            parts.append(f"{law} §§ {_join(ordered, _TEXT[lang]['and'])}")
    return parts, tuple(used)


def _name(person: str, names: Mapping[str, str] | None) -> str:
    if names and person in names:
        return names[person]
    return person.capitalize() if _PLAIN_ID.match(person) else person


def _benefit(node: Node, lang: str) -> str:
    known = BENEFITS.get(node.variable)
    if known is not None:
        return known[lang]
    label = (node.label or node.variable).split(",")[0].split(" (")[0].strip()
    if len(label) > 1 and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return label


_LABEL_PER: Final = re.compile(r"\bper (måned|år|uke|dag)\b")
_PER_WORD: Final = {"måned": "month", "år": "year", "uke": "week", "dag": "day"}


def _per(node: Node, lang: str) -> str:
    """How often the amount is paid: from the label (*kroner per måned*; *(kroner)* is a lump
    sum), else from the period it is for."""
    text = _TEXT[lang]
    label = node.label or ""
    said = _LABEL_PER.search(label)
    if said is not None:
        return text[_PER_WORD[said[1]]]
    if "(kroner)" in label:
        return ""
    period = node.period
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return text["month"]
    if re.fullmatch(r"\d{4}", period):
        return text["year"]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        return text["day"]
    return text["other"].format(period=period)


def _is_amount(node: Node) -> bool:
    if node.value_type not in {"Int", "Float"}:
        return False
    return node.unit is None or node.unit.startswith("currency")


@dataclass(frozen=True, slots=True)
class _Reason:
    subject: str
    predicate: str | None
    label: str | None = None


class _Writer:
    def __init__(
        self, explanation: Explanation, lang: str, names: Mapping[str, str] | None
    ) -> None:
        self.explanation = explanation
        self.lang = lang
        self.text = _TEXT[lang]
        self.names = names
        self.groups_of: dict[str, list[tuple[str, str, bool]]] = {}
        """person id → (group entity key, group id, in the group's first role)."""
        self.first_role: dict[tuple[str, str], list[str]] = {}
        """(group entity key, group id) → the persons in its first role (the providers)."""
        for entity, groups in explanation.members.items():
            for group, roles in groups.items():
                for index, persons in enumerate(roles.values()):
                    if index == 0:
                        self.first_role[(entity, group)] = list(persons)
                    for person in persons:
                        self.groups_of.setdefault(person, []).append((entity, group, index == 0))
        self._below_cache: dict[str, list[Node]] = {}
        self._parameters_cache: dict[str, list[Any]] = {}

    # --- the tree under a node ---

    def _below(self, node: Node) -> list[Node]:
        found = self._below_cache.get(node.key)
        if found is None:
            found = [n for n in self.explanation.walk(node.key) if n.key != node.key]
            self._below_cache[node.key] = found
        return found

    def _parameters(self, node: Node) -> list[Any]:
        found = self._parameters_cache.get(node.key)
        if found is None:
            found = self._parameters_cache[node.key] = self.explanation.parameters(node.key)
        return found

    def _provisional(self, node: Node) -> bool:
        return any(p.unverified for p in self._parameters(node))

    def _is_group(self, entity: str) -> bool:
        return entity in self.explanation.members

    def _addressee(self, person: str) -> bool:
        """Whether a letter about ``person`` speaks to them (not to a parent about a child)."""
        return all(first for _, _, first in self.groups_of.get(person, ()))

    def _values_for(self, node: Node, instance: str, entity: str) -> list[Any]:
        """``node``'s values that bear on ``instance`` (of entity key ``entity``): its own, the
        group's it is in, or (for a group) its providers'."""
        if node.entity == entity:
            return [node.values.get(instance)]
        if self._is_group(entity):  # a person-level node under a group's amount
            return [node.values.get(p) for p in self.first_role.get((entity, instance), [])]
        return [
            node.values.get(group)
            for group_entity, group, _ in self.groups_of.get(instance, ())
            if group_entity == node.entity
        ]

    def _subject(self, node: Node, instance: str, entity: str, name: str) -> str:
        if node.entity == entity and not self._is_group(entity) and not self._addressee(instance):
            return name
        return self.text["you"]

    def _reasons(self, node: Node, instance: str, entity: str, met: bool, name: str) -> list[Any]:
        """The conditions under ``node`` that hold (``met``) or fail for ``instance``."""
        below = self._below(node)
        matching: list[Node] = []
        for candidate in below:
            if candidate.value_type != "Boolean":
                continue
            values = [v for v in self._values_for(candidate, instance, entity) if v is not None]
            if values and (any(values) if met else not all(values)):
                matching.append(candidate)
        keys = {n.key for n in matching}

        def innermost(nodes: list[Node], among: set[str]) -> list[Node]:
            return [n for n in nodes if not any(b.key in among for b in self._below(n))]

        phrased = [n for n in matching if n.variable in CONDITIONS]
        chosen = innermost(phrased, {n.key for n in phrased})
        if not met:
            leaves = [
                n for n in chosen if not any(b.value_type == "Boolean" for b in self._below(n))
            ]
            chosen = leaves or chosen
        reasons: list[_Reason] = []
        by_parameter = self._parameter_reasons(node, instance, entity, met, name)
        if not met and by_parameter:
            chosen = [
                n for n in chosen if not any(b.value_type == "Boolean" for b in self._below(n))
            ]
        reasons.extend(by_parameter)
        for condition in chosen:
            predicate = CONDITIONS[condition.variable][self.lang][0 if met else 1]
            if predicate is not None:
                reasons.append(_Reason(self._subject(condition, instance, entity, name), predicate))
        if not reasons and not phrased:
            for condition in innermost(matching, keys):
                reasons.append(_Reason("", None, condition.label or condition.variable))
        return reasons

    def _parameter_reasons(
        self, node: Node, instance: str, entity: str, met: bool, name: str
    ) -> list[_Reason]:
        reasons = []
        for parameter in self._parameters(node):
            condition = PARAMETER_CONDITIONS.get(parameter.name)
            if condition is None or isinstance(parameter.value, dict | list):
                continue
            measured = self.explanation.nodes.get(f"{condition.variable}<{node.period}>")
            if measured is None or measured.entity != entity:
                continue
            value = measured.values.get(instance)
            if value is None or condition.holds(value, parameter.value) is not met:
                continue
            predicate = condition.phrases[self.lang][0 if met else 1]
            if predicate is not None:
                subject = self._subject(measured, instance, entity, name)
                reasons.append(_Reason(subject, predicate.replace("{value}", str(parameter.value))))
        return reasons

    def _because(self, reasons: list[_Reason], met: bool) -> str:
        if not reasons:
            return ""
        text = self.text
        clauses: list[str] = []
        by_subject: dict[str, list[str]] = {}
        quoted: list[str] = []
        for reason in reasons:
            if reason.predicate is None:
                quoted.append(reason.label or "")
                continue
            predicate = reason.predicate
            if self.lang == "en":
                person = "second" if reason.subject == text["you"] else "third"
                predicate = predicate.format(**_VERBS[person])
            by_subject.setdefault(reason.subject, []).append(predicate)
        for who, predicates in by_subject.items():
            clauses.append(f"{who} {_join(predicates, text['and'])}")
        if quoted:
            plural = len(quoted) > 1
            opening, closing = ("“", "”") if self.lang == "en" else ("«", "»")
            label = text["conditions" if plural else "condition"].format(
                _join([f"{opening}{q}{closing}" for q in quoted], text["and"])
            )
            state = ("met" if met else "unmet") + ("_plural" if plural else "")
            clauses.append(f"{label} {text[state]}")
        return f" {text['because']} {_join(clauses, text['and'])}"

    def _sentence(
        self,
        *,
        node: Node,
        benefit_node: Node,
        instance: str,
        entity: str,
        template: str,
        amount: Any,
        name: str,
        explain: bool = True,
    ) -> Sentence:
        text = self.text
        provisional = self._provisional(node)
        is_number = isinstance(amount, int | float) and not isinstance(amount, bool)
        has_amount = is_number and amount != 0
        formatted = ""
        if is_number:
            formatted = f"{kroner(amount, self.lang)} {_per(node, self.lang)}".rstrip()
            if provisional and has_amount:
                formatted = f"{formatted} ({text['provisional']})"
        head = text[template].format(
            amount=formatted,
            benefit=_benefit(benefit_node, self.lang),
            name=name,
            label=node.label or node.variable,
        )
        met = has_amount if is_number else bool(amount)
        reasons = self._reasons(node, instance, entity, met, name) if explain else []
        references = list(node.references)
        for parameter in self._parameters(node):
            references.extend(parameter.references)
        parts, used = _cite(references, self.lang)
        if provisional and not has_amount:
            parts.append(text["provisional"])
        cited = f" ({'; '.join(parts)})" if parts else ""
        return Sentence(
            text=f"{head}{self._because(reasons, met)}{cited}.",
            variable=node.variable,
            id=instance,
            amount=amount if is_number else None,
            provisional=provisional,
            references=used,
        )

    def _person_amount(self, node: Node, benefit_node: Node, person: str) -> Sentence:
        amount = node.values.get(person)
        for_someone = not self._addressee(person)
        if amount not in (None, 0):
            template = "gets_for" if for_someone else "gets"
        else:
            template = "not_for" if for_someone else "not"
        return self._sentence(
            node=node,
            benefit_node=benefit_node,
            instance=person,
            entity=node.entity,
            template=template,
            amount=amount,
            name=_name(person, self.names),
        )

    def for_requested(self, node: Node, instance: str) -> list[Sentence]:
        value = node.values.get(instance)
        name = _name(instance, self.names)
        if node.value_type == "Boolean":
            template = "yes" if value else "no"
            return [
                self._sentence(
                    node=node,
                    benefit_node=node,
                    instance=instance,
                    entity=node.entity,
                    template=template,
                    amount=bool(value),
                    name=name,
                )
            ]
        if not _is_amount(node):
            return []
        if not self._is_group(node.entity):
            return [self._person_amount(node, node, instance)]
        return self._group_amount(node, instance, value, name)

    def _group_amount(self, node: Node, group: str, value: Any, name: str) -> list[Sentence]:
        members = self.explanation.members.get(node.entity, {}).get(group, {})
        persons = [p for role in members.values() for p in role]
        breakdown = next(
            (
                below
                for below in self._below(node)
                if _is_amount(below) and not self._is_group(below.entity)
            ),
            None,
        )
        result: list[Sentence] = []
        if breakdown is not None:
            # Each member with an amount, and each one it could be for (a child) without.
            result = [
                self._person_amount(breakdown, node, p)
                for p in persons
                if breakdown.values.get(p) or not self._addressee(p)
            ]
        # The group's own parts with an amount (utvidet barnetrygd, småbarnstillegg): the
        # children of the amount that are not the sum of the per-person amounts.
        own_parts: list[Node] = []
        if breakdown is not None:
            for key in node.children:
                part = self.explanation.nodes.get(key)
                if (
                    part is not None
                    and _is_amount(part)
                    and part.entity == node.entity
                    and part.values.get(group)
                    and breakdown.key not in {b.key for b in self._below(part)}
                ):
                    own_parts.append(part)
        for part in own_parts:
            result.append(
                self._sentence(
                    node=part,
                    benefit_node=part,
                    instance=group,
                    entity=node.entity,
                    template="gets",
                    amount=part.values.get(group),
                    name=name,
                )
            )
        if not value:
            result.append(
                self._sentence(
                    node=node,
                    benefit_node=node,
                    instance=group,
                    entity=node.entity,
                    template="not",
                    amount=value,
                    name=name,
                    explain=breakdown is None,
                )
            )
        elif not result:
            result.append(
                self._sentence(
                    node=node,
                    benefit_node=node,
                    instance=group,
                    entity=node.entity,
                    template="gets",
                    amount=value,
                    name=name,
                )
            )
        elif len(result) > 1:
            result.append(
                self._sentence(
                    node=node,
                    benefit_node=node,
                    instance=group,
                    entity=node.entity,
                    template="total",
                    amount=value,
                    name=name,
                    explain=False,
                )
            )
        return result


def sentences(
    explanation: Explanation,
    *,
    lang: str = "nb",
    names: Mapping[str, str] | None = None,
) -> list[Sentence]:
    """The letter's sentences for each value asked for, in the order asked (see the module)."""
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}")
    writer = _Writer(explanation, lang, names)
    result: list[Sentence] = []
    seen: set[tuple[str, str]] = set()
    for requested in explanation.requested:
        if (requested.key, requested.id) in seen or requested.key not in explanation.nodes:
            continue
        seen.add((requested.key, requested.id))
        result.extend(writer.for_requested(explanation.nodes[requested.key], requested.id))
    return result


def letter(
    explanation: Explanation, *, lang: str = "nb", names: Mapping[str, str] | None = None
) -> str:
    """The sentences as one paragraph."""
    return " ".join(s.text for s in sentences(explanation, lang=lang, names=names))
