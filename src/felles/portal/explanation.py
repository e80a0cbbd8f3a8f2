"""A stored explanation (``svc_forklaring``, the rules' ``Explanation.to_dict``) read back,
so that the rules' own letter writer (``felles.rules.letters``) can phrase it for the
person in their language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from felles.rules.calculation import Input
from felles.rules.explain import Explanation, Node, ParameterUse, Reference, Requested
from felles.rules.letters import sentences


def _references(raw: Any) -> tuple[Reference, ...]:
    return tuple(Reference(r["href"], r.get("title")) for r in raw or ())


def _node(raw: Mapping[str, Any]) -> Node:
    return Node(
        key=raw["key"],
        variable=raw["variable"],
        label=raw.get("label"),
        period=raw["period"],
        entity=raw["entity"],
        value_type=raw["value_type"],
        unit=raw.get("unit"),
        values=dict(raw.get("values") or {}),
        source=raw.get("source", ""),
        references=_references(raw.get("references")),
        children=tuple(raw.get("children") or ()),
        parameters=tuple(
            ParameterUse(
                name=p["name"],
                instant=p["instant"],
                value=p.get("value"),
                description=p.get("description"),
                unit=p.get("unit"),
                references=_references(p.get("references")),
                unverified=bool(p.get("unverified")),
            )
            for p in raw.get("parameters") or ()
        ),
    )


def from_stored(content: Mapping[str, Any]) -> Explanation:
    return Explanation(
        requested=tuple(
            Requested(r["key"], r["entity"], r["id"]) for r in content.get("requested") or ()
        ),
        nodes={key: _node(node) for key, node in (content.get("nodes") or {}).items()},
        inputs=tuple(
            Input(i["entity"], i["id"], i["variable"], i["period"], i.get("value"))
            for i in content.get("inputs") or ()
        ),
        members=dict(content.get("members") or {}),
    )


def plain_language(content: Mapping[str, Any], *, lang: str, names: Mapping[str, str]) -> list[str]:
    """The decision's reasons as sentences; none when the explanation cannot be read (the
    stored letter still says why)."""
    # A service may keep the rules' explanation under a key of its own, beside its notes on
    # later changes (barnetrygd: the first month's amount, ``first_month_explanation``).
    tree = content.get("first_month_explanation", content)
    try:
        return [s.text for s in sentences(from_stored(tree), lang=lang, names=names)]
    except (KeyError, TypeError, ValueError):
        return []
