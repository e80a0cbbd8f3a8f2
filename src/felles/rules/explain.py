"""Decisions with explanations: the computation tree of a calculation, as plain data.

:func:`explain` runs a situation with OpenFisca's full tracer on and turns the trace into an
:class:`Explanation`:

- ``requested``: the values the situation asked for: node key (``"barnetrygd<2025-06>"``),
  entity plural and instance id;
- ``nodes``: every variable computed or read on the way, once, by key — its label, period,
  entity, value per instance (``{"emma": 1968}``), where the value came from (a formula, an
  input, or the variable's default), its legal references, the keys of the variables it
  depended on (``children``), and the parameters its formula read: their value on that date,
  their Lovdata references and whether the value is *unverified* (``metadata.unverified`` in
  the parameter's YAML, on the value or the parameter);
- ``inputs``: what the situation gave; ``members``: who is in each group, by role.

A value read from cache appears once: the tree is a graph of keys (OpenFisca's flat trace has
the same shape). Everything is JSON-ready (``to_dict``); money is whole kroner (int).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy
from openfisca_core import periods
from openfisca_core.parameters import (
    Parameter,
    ParameterNode,
)
from openfisca_core.variables import VALUE_TYPES

from felles.rules.calculation import (
    Calculated,
    Group,
    Input,
    filled_in,
    json_values,
    release,
    run,
)

FORMULA: Final = "formula"
INPUT: Final = "input"
DEFAULT: Final = "default"
CACHE_LIMIT: Final = 100_000
"""Entries per lookup cache of a system (name × date) before it starts afresh."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A legal source: a Lovdata (ELI-style) address and, where the rules give one, a title."""

    href: str
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"href": self.href, "title": self.title}


@dataclass(frozen=True, slots=True)
class ParameterUse:
    """A parameter a formula read: its value on ``instant`` and where the value comes from."""

    name: str
    instant: str
    value: Any
    description: str | None
    unit: str | None
    references: tuple[Reference, ...]
    unverified: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "instant": self.instant,
            "value": self.value,
            "description": self.description,
            "unit": self.unit,
            "references": [r.to_dict() for r in self.references],
            "unverified": self.unverified,
        }


@dataclass(frozen=True, slots=True)
class Node:
    """One variable for one period, as the calculation found it."""

    key: str
    variable: str
    label: str | None
    period: str
    entity: str
    value_type: str
    unit: str | None
    values: dict[str, Any]
    source: str
    references: tuple[Reference, ...]
    children: tuple[str, ...]
    parameters: tuple[ParameterUse, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "variable": self.variable,
            "label": self.label,
            "period": self.period,
            "entity": self.entity,
            "value_type": self.value_type,
            "unit": self.unit,
            "values": self.values,
            "source": self.source,
            "references": [r.to_dict() for r in self.references],
            "children": list(self.children),
            "parameters": [p.to_dict() for p in self.parameters],
        }


@dataclass(frozen=True, slots=True)
class Requested:
    """A value the situation asked for: its node and the instance (entity plural and id)."""

    key: str
    entity: str
    id: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "entity": self.entity, "id": self.id}


@dataclass(frozen=True, slots=True)
class Explanation:
    """The computation graph of one calculation (see the module's docstring)."""

    requested: tuple[Requested, ...]
    nodes: dict[str, Node]
    inputs: tuple[Input, ...]
    members: dict[str, dict[str, dict[str, list[str]]]]
    """Who is in each group: entity key → group id → role plural → person ids."""

    def walk(self, key: str | None = None) -> Iterator[Node]:
        """The nodes under ``key`` (every requested one when None), each once, depth first."""
        seen: set[str] = set()
        roots = dict.fromkeys(r.key for r in self.requested) if key is None else (key,)
        stack = list(reversed(list(roots)))
        while stack:
            current = stack.pop()
            if current in seen or current not in self.nodes:
                continue
            seen.add(current)
            node = self.nodes[current]
            yield node
            stack.extend(reversed(node.children))

    def parameters(self, key: str | None = None) -> list[ParameterUse]:
        """The parameters read under ``key`` (all when None), each name and date once."""
        found: dict[tuple[str, str], ParameterUse] = {}
        for node in self.walk(key):
            for parameter in node.parameters:
                found.setdefault((parameter.name, parameter.instant), parameter)
        return list(found.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "requested": [r.to_dict() for r in self.requested],
            "nodes": {key: node.to_dict() for key, node in self.nodes.items()},
            "members": self.members,
            "inputs": [
                {
                    "entity": i.entity,
                    "id": i.instance,
                    "variable": i.variable,
                    "period": i.period,
                    "value": i.value,
                }
                for i in self.inputs
            ],
        }


def node_key(variable: str, period: Any) -> str:
    """OpenFisca's key of a traced value: ``name<period>``."""
    return f"{variable}<{period_text(period)}>"


def references_of(raw: Any) -> tuple[Reference, ...]:
    """References as the YAML or a variable writes them, as a flat tuple.

    Accepted: a URL, a ``{title, href}`` mapping, a list of either, or a mapping of dates to
    any of these (OpenFisca's dated references).
    """
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        return (Reference(href=raw),)
    if isinstance(raw, Mapping):
        if "href" in raw:
            title = raw.get("title")
            return (Reference(href=str(raw["href"]), title=str(title) if title else None),)
        return tuple(r for value in raw.values() for r in references_of(value))
    if isinstance(raw, list | tuple):
        return tuple(r for item in raw for r in references_of(item))
    return (Reference(href=str(raw)),)


def _truthy(flag: Any) -> bool:
    if isinstance(flag, str):
        return flag.strip().lower() not in {"", "false", "no", "nei", "0"}
    return bool(flag)


@dataclass(frozen=True, slots=True)
class _ParameterFacts:
    description: str | None
    unit: str | None
    references: tuple[Reference, ...]
    unverified: bool


@dataclass(frozen=True, slots=True)
class _VariableFacts:
    variable: Any
    label: str | None
    entity: str
    value_type: str
    unit: str | None
    references: tuple[Reference, ...]


class _Catalog:
    """What explanations need of one system, looked up once per name (and date)."""

    def __init__(self, system: Any) -> None:
        self.system = system
        self._facts: dict[tuple[str, str], _ParameterFacts] = {}
        self._variables: dict[str, _VariableFacts] = {}
        self._formulas: dict[tuple[str, Any], bool] = {}

    def variable(self, name: str) -> _VariableFacts:
        found = self._variables.get(name)
        if found is None:
            variable = self.system.variables[name]
            found = self._variables[name] = _VariableFacts(
                variable=variable,
                label=variable.label,
                entity=variable.entity.key,
                value_type=VALUE_TYPES[variable.value_type]["formatted_value_type"],
                unit=variable.unit,
                references=tuple(Reference(href=r) for r in variable.reference or ()),
            )
        return found

    def has_formula(self, name: str, period: Any) -> bool:
        found = self._formulas.get((name, period))
        if found is None:
            if len(self._formulas) > CACHE_LIMIT:
                self._formulas.clear()
            formula = self.system.variables[name].get_formula(period)
            found = self._formulas[(name, period)] = formula is not None
        return found

    def _find(self, name: str) -> tuple[Any, list[Any]]:
        """The parameter or node named ``name`` and its ancestors (root first)."""
        node = self.system.parameters
        ancestors = []
        for part in name.split("."):
            ancestors.append(node)
            node = node.children[part]
        return node, ancestors

    def facts(self, name: str, instant: str) -> _ParameterFacts:
        found = self._facts.get((name, instant))
        if found is None:
            if len(self._facts) > CACHE_LIMIT:
                self._facts.clear()
            found = self._facts[(name, instant)] = self._look_up(name, instant)
        return found

    def _look_up(self, name: str, instant: str) -> _ParameterFacts:
        try:
            target, ancestors = self._find(name)
        except KeyError:
            return _ParameterFacts(None, None, (), False)
        leaves = (
            [target]
            if isinstance(target, Parameter)
            else [p for p in target.get_descendants() if isinstance(p, Parameter)]
            if isinstance(target, ParameterNode)
            else []
        )
        references: list[Reference] = []
        unverified = False
        unit = None
        for leaf in leaves:
            metadata = leaf.metadata
            for value in leaf.values_list:  # newest first
                if value.instant_str <= instant:
                    metadata = value.metadata
                    break
            references.extend(references_of(metadata.get("reference")))
            unverified = unverified or _truthy(metadata.get("unverified"))
            unit = unit or metadata.get("unit")
        metadata = getattr(target, "metadata", {}) or {}
        unverified = unverified or _truthy(metadata.get("unverified"))
        for ancestor in reversed(ancestors):  # nearest first
            unverified = unverified or _truthy(ancestor.metadata.get("unverified"))
            if not references:
                references.extend(references_of(ancestor.metadata.get("reference")))
        unique = tuple(dict.fromkeys(references))
        description = getattr(target, "description", None)
        return _ParameterFacts(description, unit, unique, unverified)


_CATALOGS: dict[int, _Catalog] = {}


def _catalog(system: Any) -> _Catalog:
    catalog = _CATALOGS.get(id(system))
    if catalog is None or catalog.system is not system:
        catalog = _CATALOGS[id(system)] = _Catalog(system)
    return catalog


def _parameter_value(value: Any, ids: list[str]) -> Any:
    if isinstance(value, numpy.ndarray):
        items = value.tolist()
        return dict(zip(ids, items, strict=True)) if len(items) == len(ids) else items
    if isinstance(value, numpy.generic):
        return value.item()
    return value


def _members(system: Any, groups: Iterable[Group]) -> dict[str, dict[str, Any]]:
    """entity key → group id → role plural → person ids, for every group entity."""
    members: dict[str, dict[str, Any]] = {entity.key: {} for entity in system.group_entities}
    for group in groups:
        members[group.entity][group.id] = {role: list(ids) for role, ids in group.members.items()}
    return members


@functools.lru_cache(maxsize=4096)
def period_text(period: Any) -> str:
    """``str(period)``, cached (OpenFisca builds the string anew each time)."""
    return str(period)


def explanation_of(calculated: Calculated) -> Explanation:
    """The explanation of a calculation run with ``trace=True``."""
    simulation = calculated.simulation
    builder = _Builder(calculated)
    for tree in simulation.tracer.trees:
        builder.visit(tree)
    requested = tuple(
        Requested(node_key(c.variable, c.when), c.entity, c.instance)
        for c in calculated.checked.computations
    )
    return Explanation(
        requested,
        builder.nodes,
        calculated.checked.inputs,
        _members(simulation.tax_benefit_system, calculated.checked.groups),
    )


class _Builder:
    """Turns the trace of one calculation into nodes (a class, not a closure: a recursive
    closure is a reference cycle, and would keep every node until the garbage collector ran)."""

    def __init__(self, calculated: Calculated) -> None:
        self.simulation = calculated.simulation
        self.catalog = _catalog(self.simulation.tax_benefit_system)
        self.input_periods: dict[str, list[Any]] = {}
        for given in calculated.checked.inputs:
            self.input_periods.setdefault(given.variable, []).append(given.when)
        self.nodes: dict[str, Node] = {}
        self.ids_of: dict[str, list[str]] = {}

    def visit(self, trace_node: Any) -> str:
        name = trace_node.name
        period = trace_node.period
        key = f"{name}<{period_text(period)}>"
        if key in self.nodes:
            return key
        catalog = self.catalog
        facts = catalog.variable(name)
        ids = self.ids_of.get(facts.entity)
        if ids is None:
            population = self.simulation.get_variable_population(name)
            ids = self.ids_of[facts.entity] = list(population.ids)
        children = tuple(dict.fromkeys(self.visit(child) for child in trace_node.children))
        uses: dict[str, ParameterUse] = {}
        for access in trace_node.parameters:
            parameter = access.name.lstrip(".")
            if parameter in uses:
                continue
            instant = str(access.period)
            known = catalog.facts(parameter, instant)
            uses[parameter] = ParameterUse(
                name=parameter,
                instant=instant,
                value=_parameter_value(access.value, ids),
                description=known.description,
                unit=known.unit,
                references=known.references,
                unverified=known.unverified,
            )
        given = self.input_periods.get(name, ())
        if any(p.unit == periods.DateUnit.ETERNITY or p.contains(period) for p in given):
            source = INPUT
        elif period is not None and catalog.has_formula(name, period):
            source = FORMULA
        else:
            source = DEFAULT
        value = trace_node.value
        self.nodes[key] = Node(
            key=key,
            variable=name,
            label=facts.label,
            period=period_text(period),
            entity=facts.entity,
            value_type=facts.value_type,
            unit=facts.unit,
            values=(
                dict(zip(ids, json_values(facts.variable, value), strict=False))
                if value is not None
                else {}
            ),
            source=source,
            references=facts.references,
            children=children,
            parameters=tuple(uses.values()),
        )
        return key


def explain(system: Any, situation: Any) -> tuple[dict[str, Any], Explanation]:
    """Calculate ``situation`` with tracing: the filled-in situation and its explanation.

    Raises ``InvalidInput`` (naming the field) for a situation the rules cannot calculate.
    """
    calculated = run(system, situation, trace=True)
    try:
        return filled_in(calculated), explanation_of(calculated)
    finally:
        release(calculated.simulation)


__all__ = [
    "DEFAULT",
    "FORMULA",
    "INPUT",
    "Explanation",
    "Node",
    "ParameterUse",
    "Reference",
    "Requested",
    "explain",
    "explanation_of",
    "node_key",
    "references_of",
]
