"""Benchmark: one decision with its explanation, as a case worker's system asks for it.

    python bench/bench_rules_case.py

The goal (issue 6): a per-case decision with explanation in p99 ≤ 5 ms — one family, one
month: barnetrygd for two children in 2025-06 (1 968 kr each), the mother and both children
resident with lawful residence. The rules are the process-wide tax-benefit system
(``felles.rules.system.tax_benefit_system``, built once; its build time is reported).

Figures, each over ``--runs`` calls after ``--warm-up`` calls, one after the other in this
process with the garbage collector tuned as ``felles serve`` tunes it:

* ``decision_with_explanation`` (the goal): ``felles.rules.explain.explain`` — check the
  situation, build the simulation, calculate with OpenFisca's tracer on, fill the values in,
  build the explanation — then ``to_dict()`` and the bokmål letter sentences
  (``felles.rules.letters.sentences``): everything ``POST /regler/v1/calculate?lang=nb``
  does except HTTP and JSON encoding;
* ``decision_only``: the same calculation without tracing or explanation
  (``felles.rules.calculation.calculate``, plain ``/calculate``);
* ``http_calculate_explained`` (no goal): ``POST /regler/v1/calculate?lang=nb`` through
  FastAPI's in-process test client (ASGI, no sockets), JSON in and out;
  ``http_baseline_entities``: ``GET /regler/v1/entities`` the same way (a cached document),
  what the test client and FastAPI alone cost per request.

Each figure has wall-clock percentiles and ``cpu_mean_ms``, this process's CPU time per call.
This VM's speed varies with other work on it (see ``machine``: the load average and the
Python reference workload at start and end); compare runs at a similar reference figure.
Figures go to ``bench/results/rules_case.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchlib import RESULTS, host, percentiles, python_reference_ms, timed
from fastapi import FastAPI
from fastapi.testclient import TestClient

from felles.kernel.runtime import tune_gc
from felles.kernel.web import install_problem_handlers
from felles.rules.api import router
from felles.rules.calculation import calculate
from felles.rules.explain import explain
from felles.rules.letters import sentences
from felles.rules.system import tax_benefit_system

MONTH = "2025-06"


def situation(month: str = MONTH) -> dict[str, Any]:
    """A mother and two children (9 and 3 years old), barnetrygd asked for ``month``."""
    resident = {"bosatt_i_norge": {month: True}, "lovlig_opphold": {month: True}}
    child = resident | {"bor_med_forelder": {month: True}}
    return {
        "personer": {
            "mor": {"foedselsdato": {"ETERNITY": "1988-04-02"}, **resident},
            "emma": {"foedselsdato": {"ETERNITY": "2015-03-14"}, **child},
            "noah": {"foedselsdato": {"ETERNITY": "2021-09-02"}, **child},
        },
        "familier": {
            "familie": {"foreldre": ["mor"], "barn": ["emma", "noah"], "barnetrygd": {month: None}}
        },
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2_000)
    parser.add_argument("--warm-up", type=int, default=300)
    parser.add_argument("--http-runs", type=int, default=1_000)
    parser.add_argument("--output", type=Path, default=RESULTS / "rules_case.json")
    return parser.parse_args(argv)


def _measure(call: Any, *, runs: int, warm_up: int) -> dict[str, float]:
    """Wall-clock percentiles, and the mean CPU time of this process per call (which other
    work on the machine changes less: the wall-clock tail is mostly waiting for a core)."""
    for _ in range(warm_up):
        call()
    cpu = time.process_time()
    figures = percentiles(timed([call] * runs))
    figures["cpu_mean_ms"] = round((time.process_time() - cpu) * 1000 / runs, 3)
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    started = time.perf_counter()
    system = tax_benefit_system()
    build_seconds = round(time.perf_counter() - started, 3)
    case = situation()

    def decision_with_explanation() -> None:
        result, explanation = explain(system, case)
        explanation.to_dict()
        sentences(explanation, lang="nb")
        assert result["familier"]["familie"]["barnetrygd"][MONTH] == 3936

    def decision_only() -> None:
        result = calculate(system, case)
        assert result["familier"]["familie"]["barnetrygd"][MONTH] == 3936

    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    client = TestClient(app)

    def http_calculate_explained() -> None:
        response = client.post("/regler/v1/calculate?lang=nb", json=case)
        assert response.status_code == 200

    def http_baseline_entities() -> None:
        assert client.get("/regler/v1/entities").status_code == 200

    tune_gc()
    load_at_start = round(os.getloadavg()[0], 2)
    reference_at_start = python_reference_ms()
    _, example = explain(system, case)
    result: dict[str, Any] = {
        "benchmark": "rules_case",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_rules_case.py " + " ".join(sys.argv[1:]),
        "goal": "decision_with_explanation p99 <= 5 ms",
        "case": "barnetrygd 2025-06, one family: mother and two children (3 936 kr)",
        "system_build_seconds": build_seconds,
        "explanation_nodes": len(example.nodes),
        "sentences_nb": [s.text for s in sentences(example, lang="nb")],
        "decision_with_explanation": _measure(
            decision_with_explanation, runs=args.runs, warm_up=args.warm_up
        ),
        "decision_only": _measure(decision_only, runs=args.runs, warm_up=args.warm_up),
        "http_calculate_explained": _measure(
            http_calculate_explained, runs=args.http_runs, warm_up=args.warm_up // 3
        ),
        "http_baseline_entities": _measure(
            http_baseline_entities, runs=args.http_runs, warm_up=args.warm_up // 3
        ),
    }
    goal = result["decision_with_explanation"]["p99_ms"] <= 5.0
    result["goal_met"] = goal
    result["machine"] = {
        "load_average_1min_at_start": load_at_start,
        "python_reference_ms_at_start": reference_at_start,
        **host(),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    summary = (
        "decision_with_explanation",
        "decision_only",
        "http_calculate_explained",
        "http_baseline_entities",
    )
    print(json.dumps({k: result[k] for k in summary}, indent=2))
    return result


if __name__ == "__main__":
    main()
