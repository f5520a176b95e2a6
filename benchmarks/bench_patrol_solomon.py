"""Solomon VRPTW through the patrol planner's own model builder and solve path, against bare PyVRP and VROOM.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_patrol_solomon.py                   # all 56 instances, 10 s each
    .venv/bin/python benchmarks/bench_patrol_solomon.py --seconds 2 --only C101 R101 RC201

Data: ``../shared/data/solomon`` next to the repository (LKH-3 TSPLIB-style
files, DIMACS convention: ``SCALE : 10``, ``FLOOR_2D`` distances
``floor(10 * euclid)``; time windows and service times are in original units
and scaled by 10 here; fleet size from the file name). Not copied into the
repository; the benchmark stops with a message when it is absent.

Per instance, in one process: (1) ours: :func:`problem_from_matrix` ->
:func:`solve_problem` (the product path), ``MaxRuntime(seconds)``, seed 1;
(2) bare PyVRP 0.14: :class:`pyvrp.Model` built by hand, same stop and
seed; (3) VROOM (pyvroom, default settings: exploration level 5, as many
threads as cores). Each result's distance (original units: cost / 10) and
gap to ``dimacs_bks_distance`` are printed, then the mean gaps.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "solomon"


def read_instance(path: Path) -> dict:
    """Parse one LKH-3 ``.vrptw`` file into integer (x10) arrays."""
    head: dict[str, str] = {}
    sections: dict[str, list[list[float]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("SECTION"):
            current = line
            sections[current] = []
        elif current is None and ":" in line:
            k, _, v = line.partition(":")
            head[k.strip()] = v.strip()
        elif current is not None:
            sections[current].append([float(x) for x in line.split()])
    xy = np.array([r[1:3] for r in sections["NODE_COORD_SECTION"]])
    scale = int(head.get("SCALE", "10"))
    diff = xy[:, None, :] - xy[None, :, :]
    dist = np.floor(scale * np.sqrt((diff**2).sum(-1)) + 1e-9).astype(np.int64)
    tw = np.array([r[1:3] for r in sections["TIME_WINDOW_SECTION"]]) * scale
    demand = np.array([r[1] for r in sections["DEMAND_SECTION"]]).astype(np.int64)
    return {
        "name": head["NAME"],
        "xy": xy,
        "dist": dist,
        "tw": tw.astype(np.int64),
        "service": int(float(head["SERVICE_TIME"]) * scale),
        "demand": demand,
        "capacity": int(head["CAPACITY"]),
        "vehicles": int(path.name.split(".")[2]),
    }


def problem_of(inst: dict):
    """The instance as a :class:`PatrolProblem` (depot = location 0)."""
    from hutan_geo.analysis.patrol import problem_from_matrix

    n = len(inst["xy"])
    tasks = pd.DataFrame(
        {
            "task_id": [str(i) for i in range(1, n)],
            "loc": np.arange(1, n),
            "tw_early": inst["tw"][1:, 0],
            "tw_late": inst["tw"][1:, 1],
            "service": inst["service"],
            "required": True,
            "load": inst["demand"][1:],
        }
    )
    units = pd.DataFrame(
        {
            "unit_type": ["veh"],
            "start_depot": [0],
            "end_depot": [0],
            "num": [inst["vehicles"]],
            "tw_early": [int(inst["tw"][0, 0])],
            "tw_late": [int(inst["tw"][0, 1])],
            "capacity": [inst["capacity"]],
        }
    )
    depots = pd.DataFrame(
        {"name": ["depot"], "loc": [0], "tw_early": [int(inst["tw"][0, 0])], "tw_late": [int(inst["tw"][0, 1])]}
    )
    locations = pd.DataFrame(
        {"name": [str(i) for i in range(n)], "kind": "", "lon": inst["xy"][:, 0], "lat": inst["xy"][:, 1]}
    )
    return problem_from_matrix(inst["dist"], inst["dist"], tasks, units, depots, locations=locations, time_scale_s=60)


def solve_ours(inst: dict, stop, seed: int = 1) -> tuple[float, bool]:
    from hutan_geo.analysis.patrol import solve_problem

    res = solve_problem(problem_of(inst), stop=stop, seed=seed)
    best = res.result.best
    return best.distance() / 10.0, bool(best.is_feasible() and best.is_complete())


def bare_model(inst: dict):
    """The same instance built with :class:`pyvrp.Model` by hand."""
    from pyvrp import Model

    m = Model()
    locs = [m.add_location(x=float(x), y=float(y)) for x, y in inst["xy"]]
    depot = m.add_depot(locs[0], tw_early=int(inst["tw"][0, 0]), tw_late=int(inst["tw"][0, 1]))
    m.add_vehicle_type(
        num_available=inst["vehicles"],
        capacity=inst["capacity"],
        start_depot=depot,
        end_depot=depot,
        tw_early=int(inst["tw"][0, 0]),
        tw_late=int(inst["tw"][0, 1]),
    )
    for i in range(1, len(locs)):
        m.add_client(
            locs[i],
            delivery=int(inst["demand"][i]),
            service_duration=inst["service"],
            tw_early=int(inst["tw"][i, 0]),
            tw_late=int(inst["tw"][i, 1]),
        )
    d = inst["dist"]
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            if i != j:
                m.add_edge(a, b, distance=int(d[i, j]), duration=int(d[i, j]))
    return m


def solve_bare(inst: dict, stop, seed: int = 1) -> tuple[float, bool]:
    res = bare_model(inst).solve(stop, seed=seed, display=False)
    return res.best.distance() / 10.0, bool(res.best.is_feasible() and res.best.is_complete())


def solve_vroom(inst: dict) -> tuple[float, bool, float]:
    import vroom

    d = inst["dist"]
    n = len(d)
    prob = vroom.Input()
    prob.set_durations_matrix(profile="car", matrix_input=d.astype(np.uint32))
    prob.set_costs_matrix(profile="car", matrix_input=d.astype(np.uint32))
    tw0 = vroom.TimeWindow(int(inst["tw"][0, 0]), int(inst["tw"][0, 1]))
    for k in range(inst["vehicles"]):
        prob.add_vehicle(vroom.Vehicle(k, start=0, end=0, capacity=[inst["capacity"]], time_window=tw0))
    for i in range(1, n):
        prob.add_job(
            vroom.Job(
                i,
                location=i,
                default_service=inst["service"],
                delivery=[int(inst["demand"][i])],
                time_windows=[vroom.TimeWindow(int(inst["tw"][i, 0]), int(inst["tw"][i, 1]))],
            )
        )
    t0 = time.perf_counter()
    sol = prob.solve(exploration_level=5, nb_threads=2)
    secs = time.perf_counter() - t0
    routes = sol.routes
    total = 0
    for _, r in routes.groupby("vehicle_id"):
        idx = r["location_index"].to_numpy(int)
        total += int(d[idx[:-1], idx[1:]].sum())
    served = int((routes["type"] == "job").sum())
    return total / 10.0, served == n - 1, secs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--only", nargs="*", help="instance names (e.g. C101 R201)")
    ap.add_argument("--no-vroom", action="store_true")
    args = ap.parse_args(argv)
    if not (DATA / "Solomon_100").is_dir():
        print(f"Solomon data not found at {DATA}: put the shared data next to the repository to run this benchmark.")
        return 0
    from pyvrp.stop import MaxRuntime

    bks = pd.read_csv(DATA / "solomon_100_bks.csv").set_index("instance")["dimacs_bks_distance"]
    files = sorted((DATA / "Solomon_100").glob("*.vrptw"))
    if args.only:
        files = [f for f in files if f.name.split(".")[0] in set(args.only)]
    rows = []
    for f in files:
        inst = read_instance(f)
        best = float(bks[inst["name"]])
        ours, ok1 = solve_ours(inst, MaxRuntime(args.seconds))
        bare, ok2 = solve_bare(inst, MaxRuntime(args.seconds))
        row = {
            "instance": inst["name"],
            "bks": best,
            "ours": ours,
            "ours_ok": ok1,
            "gap_ours_%": 100 * (ours / best - 1),
            "bare": bare,
            "bare_ok": ok2,
            "gap_bare_%": 100 * (bare / best - 1),
        }
        if not args.no_vroom:
            vr, ok3, secs = solve_vroom(inst)
            row |= {"vroom": vr, "vroom_ok": ok3, "gap_vroom_%": 100 * (vr / best - 1), "vroom_s": secs}
        rows.append(row)
        print(" ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print()
    for col in [c for c in table.columns if c.startswith("gap_")]:
        print(f"mean {col}: {table[col].mean():.3f} (max {table[col].max():.2f}) over {len(table)} instances")
    return 0 if not math.isnan(table["gap_ours_%"].mean()) else 1


if __name__ == "__main__":
    sys.exit(main())
