"""The patrol planner on the demo district (morning window) against a greedy planner, and a county-sized case.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_patrol_demo.py                       # 60 s reference, county case included
    .venv/bin/python benchmarks/bench_patrol_demo.py --ref-seconds 10 --no-county     # quick look
    .venv/bin/python benchmarks/bench_patrol_demo.py --ref-seconds 5                  # smoke run, both cases

(1) Demo district, morning window, stated units: PyVRP (``plan_patrols``
path) against a greedy planner written here only: each car in turn leaves
its station at the shift start and goes to the nearest school (by travel
time) it can still reach inside the window and return from by the shift
end. Schools served and km are compared in the same run.
(2) Time to a plan within 1 % of the reference (``--ref-seconds``, 60 s)
objective: budgets of 1, 2, 5, 10, 20, 30 s.
(3) County case: the demo generator at ``--county-scale`` (5 copies of the
county: about 300 schools), written to a temporary folder and loaded with
``hutan_geo.io.load_district`` (the path users take); the stations'
``patrol_cars`` are set in proportion to ``--county-cars`` (40) in all, as
the output says; same measure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def greedy(problem) -> tuple[int, float]:
    """Nearest feasible next stop, car after car; returns (schools served, km)."""
    t = problem.tasks
    school = (t["kind"] == "school").to_numpy()
    left = set(np.flatnonzero(school))
    served, dist_m = 0, 0
    for u in problem.units.itertuples(index=False):
        d, m = problem.duration[int(u.profile)], problem.distance[int(u.profile)]
        home = int(problem.depots["loc"].iat[int(u.start_depot)])
        for _ in range(int(u.num)):
            here, now, route_m = home, int(u.tw_early), 0
            while True:
                best = None
                for k in left:
                    loc = int(t["loc"].iat[k])
                    start = max(now + d[here, loc], int(t["tw_early"].iat[k]))
                    back = start + int(t["service"].iat[k]) + d[loc, home]
                    if (
                        start <= int(t["tw_late"].iat[k])
                        and back <= int(u.tw_late)
                        and (best is None or d[here, loc] < best[0])
                    ):
                        best = (d[here, loc], k, loc, start)
                if best is None:
                    break
                _, k, loc, start = best
                route_m += m[here, loc]
                now, here = start + int(t["service"].iat[k]), loc
                left.discard(k)
                served += 1
            if here != home:
                route_m += m[here, home]
            dist_m += route_m
    return served, dist_m / 1000.0


def time_to_within(problem, ref_seconds: float, budgets: list[float]) -> None:
    from hutan_geo.analysis.patrol import solve_problem

    t0 = time.perf_counter()
    ref = solve_problem(problem, seconds=ref_seconds, seed=1)
    ref_cost = ref.result.cost()
    print(
        f"  reference {ref_seconds:g} s: cost {ref_cost}, {sum(len(v) for _, v in ref.routes)} stops "
        f"({time.perf_counter() - t0:.1f} s wall)"
    )
    for b in budgets:
        if b >= ref_seconds:
            break
        res = solve_problem(problem, seconds=b, seed=1)
        gap = 100 * (res.result.cost() / ref_cost - 1)
        print(f"  {b:>5g} s: cost {res.result.cost()} gap {gap:+.2f} %{'  <- within 1 %' if gap <= 1 else ''}")
        if gap <= 1:
            break


def demo_case(ref_seconds: float) -> None:
    from hutan_geo.analysis.patrol import build_problem, plan_patrols
    from hutan_geo.demo import load_demo

    demo = load_demo()
    problem = build_problem(demo, "arrival", clusters=0)
    g_served, g_km = greedy(problem)
    t0 = time.perf_counter()
    plan = plan_patrols(demo, "arrival", seconds=min(ref_seconds, 10), seed=1)
    plan.check()
    k = plan.kpis()
    print(
        f"demo morning: {k['schools_needing']} schools needing cover, {k['covered_by_posts']} by posts, "
        f"{len(problem.tasks)} routed, {int(problem.units['num'].sum())} cars"
    )
    print(f"  greedy : served {g_served}, {g_km:.1f} km")
    print(
        f"  PyVRP  : served {k['served_by_units']}, {k['km']:.1f} km, unserved {k['unserved']}, "
        f"extra cars {k['extra_cars_needed']} ({time.perf_counter() - t0:.1f} s)"
    )
    time_to_within(problem, ref_seconds, [1, 2, 5, 10, 20, 30])


def _rescale_cars(cars: np.ndarray, total: int) -> np.ndarray:
    """Cars per station in proportion to ``cars``, summing to ``total`` (largest remainders get the rest)."""
    weights = np.where(cars > 0, cars, 1).astype(float)
    share = weights / weights.sum() * total
    out = np.floor(share).astype(int)
    for i in np.argsort(-(share - out), kind="stable")[: total - int(out.sum())]:
        out[i] += 1
    return out


def county_case(scale: float, ref_seconds: float, cars: int) -> None:
    """The demo generator at ``scale``, written to files and loaded the way users load a district."""
    import tempfile

    from hutan_geo.analysis.patrol import build_problem, network_for
    from hutan_geo.demo import generate_demo_district, write_demo_files
    from hutan_geo.io import load_district

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_demo_files(generate_demo_district(scale=scale), Path(tmp))
        district = load_district(tmp)
    stations = district.layers["stations"].copy()
    generated = pd.to_numeric(stations["patrol_cars"], errors="coerce").fillna(0).to_numpy(int)
    note = f"{len(stations)} stations with {int(generated.sum())} cars generated"
    if cars > 0 and int(generated.sum()) != cars:
        stations["patrol_cars"] = _rescale_cars(generated, cars)
        note += f"; patrol_cars set in proportion to {cars} cars in all (--county-cars)"
    problem = build_problem(district, "arrival", stations=stations, network=network_for(district), priority={})
    print(
        f"county (scale {scale:g}, {len(district.layers['schools'])} schools): {len(problem.tasks)} routed, "
        f"{len(problem.covered)} covered by posts, {int(problem.units['num'].sum())} cars ({note}; "
        f"loaded and built in {time.perf_counter() - t0:.1f} s)"
    )
    g_served, g_km = greedy(problem)
    print(f"  greedy : served {g_served}, {g_km:.1f} km")
    time_to_within(problem, ref_seconds, [1, 2, 5, 10, 20, 30])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref-seconds", type=float, default=60.0)
    ap.add_argument("--county-scale", type=float, default=5.0, help="demo copies tiled (5: about 300 schools)")
    ap.add_argument("--county-cars", type=int, default=40, help="cars in all in the county case (0: as generated)")
    ap.add_argument("--no-county", action="store_true")
    args = ap.parse_args(argv)
    demo_case(args.ref_seconds)
    if not args.no_county:
        county_case(args.county_scale, args.ref_seconds, args.county_cars)
    return 0


if __name__ == "__main__":
    sys.exit(main())
