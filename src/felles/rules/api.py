"""HTTP API of the rules, under ``/regler/v1``, shaped as OpenFisca's web API.

A client of an OpenFisca web API works against felles by setting its base URL to
``<felles>/regler/v1``:

- ``POST /calculate``: an OpenFisca situation (``personer``, ``familier``, ``husholdninger``,
  each instance with its variables by period, ``null`` for a value to compute) answers the same
  situation with the nulls filled in. ``?explain=true`` adds one top-level member,
  ``explanation``: the computation graph with each parameter's value, law reference and
  ``unverified`` flag (:mod:`felles.rules.explain`); ``?lang=nb|nn|en`` adds plain-language
  sentences for a decision letter to it (:mod:`felles.rules.letters`). Without them the answer
  is exactly OpenFisca's. Explanations are opt-in so that OpenFisca clients, which read every
  top-level member as an entity, keep working unchanged;
- ``POST /trace``: OpenFisca's flat trace;
- ``GET /variables``, ``/variable/{name}``, ``/parameters``, ``/parameter/{id}``,
  ``/entities``: OpenFisca's JSON, built with ``openfisca_web_api``'s loaders once per process.
  A parameter's address uses its dotted id (``/parameter/folketrygdloven.grunnbeloep``, which
  OpenFisca accepts too); OpenFisca's slash form would need a path converter, which the
  application's route checks do not allow.

The rules are public law: no token. Nothing is stored, and nothing of a situation is logged
(the access log has the route template only). A situation the rules cannot calculate is
refused as problem+json (422) naming the field as a slash path (``field``, and ``error`` in
OpenFisca's nested form), never calculated as zero: an unknown entity or variable, a period
or date that does not exist, a value of the wrong type, a variable asked for a period it is
not defined per, or a date the parameters have no value for.

Differences from OpenFisca: errors are problem+json with 422 (OpenFisca: 400, 404 for an
unknown variable, 500 for some); ``axes`` are refused; numbers given as strings are refused
(OpenFisca evaluates them as expressions); dates are ISO strings; ``source`` links are paths
in the felles repository; ``/spec`` is left out (the application's OpenAPI document at
``/openapi.json`` describes these routes).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Final, Literal

import orjson
from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from openfisca_web_api.loader.entities import build_entities
from openfisca_web_api.loader.parameters import (
    build_parameters,
)
from openfisca_web_api.loader.variables import build_variables
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from felles import __version__
from felles.kernel.errors import NotFound
from felles.kernel.web import problem_doc
from felles.rules import letters
from felles.rules.calculation import Calculated, filled_in, release, run
from felles.rules.explain import explanation_of

PREFIX: Final = "/regler/v1"
PACKAGE: Final = "felles"
Responses = dict[int | str, dict[str, Any]]

router = APIRouter(prefix=PREFIX, tags=["regler"])


def rules_system() -> Any:
    """The tax-benefit system the API serves (a dependency, so tests may swap it)."""
    from felles.rules.system import tax_benefit_system

    return tax_benefit_system()


SystemDep = Annotated[Any, Depends(rules_system)]


# --- OpenAPI models (the JSON itself is OpenFisca's, built by its loaders) -----------------


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class Summary(BaseModel):
    description: str | None = Field(description="The variable's label or parameter's description")
    href: str = Field(description="Where the full description is")


class FormulaOut(BaseModel):
    source: str = Field(description="Path of the formula in the felles repository, with lines")
    content: str = Field(description="The formula's Python source")
    documentation: str | None = None


class VariableOut(_Camel):
    id: str = Field(examples=["barnetrygd"])
    description: str | None = Field(default=None, description="The label")
    value_type: str = Field(description="Int, Float, Boolean, String, Date or Enumeration")
    default_value: Any = None
    definition_period: str = Field(description="MONTH, YEAR, DAY or ETERNITY")
    entity: str = Field(description="The entity key: person, familie, husholdning")
    source: str | None = None
    documentation: str | None = None
    references: list[str] | None = Field(default=None, description="Lovdata addresses")
    formulas: dict[str, FormulaOut | None] | None = Field(
        default=None, description="By start date; null from the day after the variable ends"
    )
    possible_values: dict[str, str] | None = None


class ParameterOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(examples=["folketrygdloven.grunnbeloep"])
    description: str | None = None
    metadata: dict[str, Any] = Field(
        description="reference (Lovdata), unit, unverified (the value is not yet checked)"
    )
    source: str | None = None
    documentation: str | None = None
    values: dict[str, Any] | None = Field(default=None, description="Value by start date")
    brackets: dict[str, Any] | None = None
    subparams: dict[str, dict[str, Any]] | None = None


class RoleOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    plural: str | None = None
    description: str | None = None
    max: int | None = None


class EntityOut(BaseModel):
    plural: str
    description: str
    documentation: str
    roles: dict[str, RoleOut] | None = None


class ReferenceOut(BaseModel):
    href: str = Field(examples=["https://lovdata.no/lov/2002-03-08-4/§10"])
    title: str | None = Field(default=None, examples=["barnetrygdloven § 10"])


class ParameterUseOut(BaseModel):
    name: str = Field(examples=["barnetrygd.sats"])
    instant: str = Field(description="The date the value was read for", examples=["2025-06-01"])
    value: Any = Field(description="The value then; by id when read per instance")
    description: str | None = None
    unit: str | None = None
    references: list[ReferenceOut]
    unverified: bool = Field(description="The value is not verified: do not cite it as law")


class NodeOut(BaseModel):
    key: str = Field(examples=["barnetrygd<2025-06>"])
    variable: str
    label: str | None
    period: str
    entity: str
    values: dict[str, Any] = Field(description="The value per instance id (money in kroner)")
    source: Literal["formula", "input", "default"]
    references: list[ReferenceOut]
    children: list[str] = Field(description="Keys of the nodes this one depended on")
    parameters: list[ParameterUseOut]


class InputOut(BaseModel):
    entity: str
    id: str
    variable: str
    period: str
    value: Any


class SentenceOut(BaseModel):
    text: str
    variable: str
    id: str
    amount: int | float | None
    provisional: bool = Field(description="Based on an unverified value: not authoritative")
    references: list[ReferenceOut]


class ExplanationOut(BaseModel):
    requested: list[str] = Field(description="Keys of the values the situation asked for")
    nodes: dict[str, NodeOut]
    inputs: list[InputOut]
    sentences: list[SentenceOut] | None = Field(
        default=None, description="Plain-language sentences, with ?lang="
    )


class CalculateOut(BaseModel):
    """The situation as sent, with the computed values filled in (one member per entity)."""

    model_config = ConfigDict(extra="allow")

    explanation: ExplanationOut | None = Field(
        default=None, description="With ?explain=true or ?lang=: how the values were reached"
    )


class TraceNodeOut(BaseModel):
    dependencies: list[str]
    parameters: dict[str, Any]
    value: list[Any] | None
    calculation_time: float
    formula_time: float


class TraceOut(_Camel):
    trace: dict[str, TraceNodeOut]
    entities_description: dict[str, list[str]]
    requested_calculations: list[str]


# --- loaders ---------------------------------------------------------------------------------


def _source_path(url: str) -> str:
    # The loaders write "<repository>/blob/<version><path>"; felles serves the path only.
    return "src" + url.split("/blob/", 1)[-1] if "/blob/" in url else url


class _Catalog:
    """OpenFisca's descriptions of one system's variables, parameters and entities."""

    def __init__(self, system: Any) -> None:
        metadata = {
            "name": PACKAGE,
            "version": "",
            "repository_url": "",
            "location": system.get_package_metadata()["location"],
        }
        self.variables: dict[str, dict[str, Any]] = build_variables(system, metadata)
        for variable in self.variables.values():
            if "source" in variable:
                variable["source"] = _source_path(variable["source"])
            for formula in (variable.get("formulas") or {}).values():
                if formula is not None:
                    formula["source"] = _source_path(formula["source"])
        self.parameters: dict[str, dict[str, Any]] = build_parameters(system, metadata)
        for parameter in self.parameters.values():
            if "source" in parameter:
                parameter["source"] = _source_path(parameter["source"])
        self.entities: dict[str, dict[str, Any]] = build_entities(system)


@functools.lru_cache(maxsize=4)
def _catalog(system: Any) -> _Catalog:
    return _Catalog(system)


def _json(content: Any, *, status_code: int = 200) -> Response:
    return Response(
        orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY),
        status_code=status_code,
        media_type="application/json",
        headers={"Country-Package": PACKAGE, "Country-Package-Version": __version__},
    )


def _base(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}"


def _ok(model: Any, example: Any = None) -> Responses:
    content = {"application/json": {"example": example}} if example is not None else {}
    return {200: {"model": model, **({"content": content} if content else {})}}


# --- calculations ----------------------------------------------------------------------------

_MONTH: Final = "2025-06"
_RESIDENT: Final = {"bosatt_i_norge": {_MONTH: True}, "lovlig_opphold": {_MONTH: True}}
_CHILD: Final = _RESIDENT | {"bor_med_forelder": {_MONTH: True}}
EXAMPLE: Final = {
    "personer": {
        "mor": {"foedselsdato": {"ETERNITY": "1988-04-02"}, **_RESIDENT},
        "emma": {"foedselsdato": {"ETERNITY": "2015-03-14"}, **_CHILD},
        "noah": {"foedselsdato": {"ETERNITY": "2021-09-02"}, **_CHILD},
    },
    "familier": {
        "familie": {"foreldre": ["mor"], "barn": ["emma", "noah"], "barnetrygd": {_MONTH: None}}
    },
}
"""Barnetrygd for two children in June 2025: 2 × 1 968 kr."""

Situation = Annotated[
    dict[str, Any],
    Body(
        description=(
            "An OpenFisca situation: one member per entity plural (personer, familier, "
            "husholdninger), each instance's roles and variables by period; null = compute"
        ),
        openapi_examples={"barnetrygd": {"summary": "Two children, June 2025", "value": EXAMPLE}},
    ),
]
Explain = Annotated[
    bool, Query(description="Add the explanation: the computation graph with laws and values")
]
Lang = Annotated[
    Literal["nb", "nn", "en"] | None,
    Query(description="Add plain-language sentences in this language (implies explain)"),
]

INVALID: Final[Responses] = {
    422: problem_doc(
        "The situation cannot be calculated; `field` names the fault as a slash path "
        "(personer/emma/foedselsdato/ETERNITY) and `error` gives it in OpenFisca's form"
    )
}


def _explained(calculated: Calculated, lang: str | None) -> dict[str, Any]:
    explanation = explanation_of(calculated)
    body = explanation.to_dict()
    if lang is not None:
        body["sentences"] = [s.to_dict() for s in letters.sentences(explanation, lang=lang)]
    return body


@router.post(
    "/calculate",
    summary="Calculate a situation (OpenFisca /calculate), optionally with its explanation",
    response_class=Response,
    responses=_ok(CalculateOut) | INVALID,
)
def calculate(
    situation: Situation, system: SystemDep, explain: Explain = False, lang: Lang = None
) -> Response:
    with_explanation = explain or lang is not None
    calculated = run(system, situation, trace=with_explanation)
    try:
        result = filled_in(calculated)
        if with_explanation:
            result["explanation"] = _explained(calculated, lang)
    finally:
        release(calculated.simulation)
    return _json(result)


@router.post(
    "/trace",
    summary="Calculate a situation and return OpenFisca's flat trace (OpenFisca /trace)",
    response_class=Response,
    responses=_ok(TraceOut) | INVALID,
)
def trace(situation: Situation, system: SystemDep) -> Response:
    calculated = run(system, situation, trace=True)
    simulation = calculated.simulation
    try:
        body = {
            "trace": simulation.tracer.get_serialized_flat_trace(),
            "entitiesDescription": simulation.describe_entities(),
            "requestedCalculations": list(
                dict.fromkeys(f"{c.variable}<{c.period}>" for c in calculated.checked.computations)
            ),
        }
    finally:
        release(simulation)
    return _json(body)


# --- descriptions ----------------------------------------------------------------------------


@router.get(
    "/variables",
    summary="The variables: name → description and address (OpenFisca /variables)",
    response_class=Response,
    responses=_ok(dict[str, Summary]),
)
def list_variables(request: Request, system: SystemDep) -> Response:
    base = _base(request)
    return _json(
        {
            name: {"description": variable["description"], "href": f"{base}/variable/{name}"}
            for name, variable in _catalog(system).variables.items()
        }
    )


@router.get(
    "/variable/{name}",
    summary="One variable: type, period, entity, references, formulas (OpenFisca /variable)",
    response_class=Response,
    responses=_ok(VariableOut)
    | {
        404: problem_doc("No variable has this name"),
        422: problem_doc("The name is too long"),
    },
)
def get_variable(
    name: Annotated[str, Path(max_length=200, examples=["barnetrygd"])], system: SystemDep
) -> Response:
    variable = _catalog(system).variables.get(name)
    if variable is None:
        raise NotFound(f"The rules have no variable named {name!r}", field="name")
    return _json(variable)


@router.get(
    "/parameters",
    summary="The parameters: id → description and address (OpenFisca /parameters)",
    response_class=Response,
    responses=_ok(dict[str, Summary]),
)
def list_parameters(request: Request, system: SystemDep) -> Response:
    base = _base(request)
    return _json(
        {
            parameter["id"]: {
                "description": parameter["description"],
                "href": f"{base}/parameter/{parameter['id']}",
            }
            for parameter in _catalog(system).parameters.values()
            if parameter.get("subparams") is None  # nodes are left out, as OpenFisca does
        }
    )


@router.get(
    "/parameter/{parameter_id}",
    summary="One parameter: dated values, Lovdata references, unverified flag (OpenFisca)",
    response_class=Response,
    responses=_ok(ParameterOut)
    | {
        404: problem_doc("No parameter has this id"),
        422: problem_doc("The id is too long"),
    },
)
def get_parameter(
    parameter_id: Annotated[
        str,
        Path(
            max_length=300,
            description="The id, dotted (folketrygdloven.grunnbeloep)",
            examples=["folketrygdloven.grunnbeloep"],
        ),
    ],
    system: SystemDep,
) -> Response:
    parameter = _catalog(system).parameters.get(parameter_id.replace(".", "/"))
    if parameter is None:
        raise NotFound(f"The rules have no parameter {parameter_id!r}", field="parameter_id")
    return _json(parameter)


@router.get(
    "/entities",
    summary="The entities and their roles (OpenFisca /entities)",
    response_class=Response,
    responses=_ok(dict[str, EntityOut]),
)
def list_entities(system: SystemDep) -> Response:
    return _json(_catalog(system).entities)
