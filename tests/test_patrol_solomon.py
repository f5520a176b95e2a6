"""The product's model builder loses nothing against bare PyVRP on Solomon instances (same seed, same iterations)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "solomon" / "Solomon_100"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/solomon is absent")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_patrol_solomon", ROOT / "benchmarks" / "bench_patrol_solomon.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", ["R101.100.20", "RC201.100.9"])
def test_wrapper_equals_bare_pyvrp(bench, name):
    from pyvrp.stop import MaxIterations

    from hutan_geo.analysis.patrol import solve_plan, to_data

    inst = bench.read_instance(DATA / f"{name}.vrptw")
    problem = bench.problem_of(inst)
    bare = bench.bare_model(inst)
    data, ref = to_data(problem), bare.data()
    assert data.num_clients == ref.num_clients
    assert data.num_vehicles == ref.num_vehicles
    ours, _ = bench.solve_ours(inst, MaxIterations(300), seed=2)
    theirs, _ = bench.solve_bare(inst, MaxIterations(300), seed=2)
    assert ours == theirs
    plan = solve_plan(problem, iterations=300, seed=2, fleet=False)
    if plan.feasible:
        plan.check()
        assert plan.unserved.empty
