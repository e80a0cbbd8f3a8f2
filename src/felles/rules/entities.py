"""The entities of the Norwegian tax-benefit system.

Keys and labels are Norwegian, because the law and NAV speak of these units in Norwegian:

``person`` / ``personer``
    One human being, as Folkeregisteret knows them. Most inputs (birth date, municipality,
    income) and all per-person benefits live here.

``familie`` / ``familier``
    The unit barnetrygd and kontantstøtte are paid to: one or two parents (role ``forelder``,
    plural ``foreldre``) and their children under 18 living with them (role ``barn``, plural
    ``barn``). The family's total benefit is paid to the receiving parent.

``husholdning`` / ``husholdninger``
    The people who share a home and its expenses, as økonomisk sosialhjelp counts them: adults
    (role ``voksen``, plural ``voksne``) and children (role ``barn``, plural ``barn``). The state
    guideline rates (veiledende satser) are set per household member, so the unit is needed.
"""

from __future__ import annotations

from openfisca_core.entities import build_entity

Person = build_entity(
    key="person",
    plural="personer",
    label="Person",
    doc="One person as registered in Folkeregisteret.",
    is_person=True,
)

Familie = build_entity(
    key="familie",
    plural="familier",
    label="Familie",
    doc="Parents and the children living with them; the unit child benefits are paid to.",
    roles=[
        {
            "key": "forelder",
            "plural": "foreldre",
            "label": "Forelder",
            "doc": "A parent (or other provider) of the children in the family.",
            "max": 2,
        },
        {
            "key": "barn",
            "plural": "barn",
            "label": "Barn",
            "doc": "A child living with the parents.",
        },
    ],
)

Husholdning = build_entity(
    key="husholdning",
    plural="husholdninger",
    label="Husholdning",
    doc="The people sharing a home and its expenses (økonomisk sosialhjelp).",
    roles=[
        {
            "key": "voksen",
            "plural": "voksne",
            "label": "Voksen",
            "doc": "An adult member of the household.",
        },
        {
            "key": "barn",
            "plural": "barn",
            "label": "Barn",
            "doc": "A child (under 18) in the household.",
        },
    ],
)

entities = [Person, Familie, Husholdning]
