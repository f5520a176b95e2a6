"""Province run on a LocalCluster: 1 worker against 2 workers, wall time, peak memory per worker, per-stage profile.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_province.py --dataset /tmp/province_full --size full --sample 6

Generates the dataset first when the folder has none (``--size full``: 120 counties, ~25,000 schools,
~10,000,000 hazard records). Then, each on a fresh :class:`distributed.LocalCluster` of worker processes
(one thread each):

1. the zone joins of **every** hazard record (all partitions) with 1 and with 2 workers;
2. the county runs (network, matrices, a plan for every window, coverage, packet) of ``--sample``
   counties spread over the size range, with 1 and with 2 workers; every county's per-part seconds.

Prints wall times, the scaling ratio (1 worker / 2 workers), peak RSS per worker (``ru_maxrss`` of each
worker process), the per-stage profile, and the estimate for the whole province on 16 workers from the
measured per-county cost per school.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from hutan_geo.demo import generate_province
from hutan_geo.province import PROVINCE_BUDGET, connect, province_zones, read_manifest, run_counties


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _on_cluster(workers: int, job) -> tuple[float, list[float], object]:
    """Run ``job(client)`` on a fresh local cluster; return wall seconds, peak RSS per worker (MiB), result."""
    client = connect(workers=workers, dashboard=False, memory_limit=0)
    try:
        t0 = time.perf_counter()
        result = job(client)
        wall = time.perf_counter() - t0
        peaks = sorted(client.run(_peak_rss_mib).values())
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    return wall, peaks, result


def _sample(counties: pd.DataFrame, n: int) -> list[str]:
    """``n`` counties spread over the size range (smallest, largest and between)."""
    order = counties.sort_values(["n_schools", "county_id"]).reset_index(drop=True)
    picks = np.unique(np.linspace(0, len(order) - 1, n).round().astype(int))
    return order.loc[picks, "county_id"].tolist()


def main() -> None:
    """Generate when needed, then time the joins and the county runs with 1 and 2 workers."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--size", default="full", choices=("small", "full"))
    parser.add_argument("--sample", type=int, default=6, help="counties whose plans are run (spread over sizes)")
    parser.add_argument("--iterations", type=int, default=PROVINCE_BUDGET.iterations)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_province_out"))
    parser.add_argument("--skip-zones", action="store_true")
    args = parser.parse_args()
    if not (args.dataset / "province.json").is_file():
        t0 = time.perf_counter()
        generate_province(args.dataset, size=args.size)
        print(f"generated {args.size} province in {time.perf_counter() - t0:.0f} s")
    info, counties = read_manifest(args.dataset)
    print(json.dumps(info, ensure_ascii=False))
    report: dict[str, object] = {"info": info}
    if not args.skip_zones:
        for workers in (1, 2):
            wall, peaks, zones = _on_cluster(
                workers, lambda c, w=workers: province_zones(args.dataset, args.out / f"zones{w}", c)
            )
            print(
                f"zones, {workers} worker(s): {wall:.1f} s for {zones.by_county['n_records'].sum():,} records, "
                f"{zones.n_partitions} partitions, {zones.n_pairs:,} pairs, {zones.n_hits:,} rule hits; "
                f"peak RSS per worker {[round(p) for p in peaks]} MiB"
            )
            report[f"zones_{workers}"] = {"wall_s": wall, "peak_mib": peaks, "pairs": zones.n_pairs}
        report["zones_scaling"] = report["zones_1"]["wall_s"] / report["zones_2"]["wall_s"]
        print(f"zones scaling 1->2 workers: {report['zones_scaling']:.2f}x")
    ids = _sample(counties, args.sample)
    budget = PROVINCE_BUDGET.__class__(**{**PROVINCE_BUDGET.__dict__, "iterations": args.iterations})
    print(f"county sample {ids}: schools {counties.set_index('county_id').loc[ids, 'n_schools'].tolist()}")
    for workers in (1, 2):
        wall, peaks, runs = _on_cluster(
            workers, lambda c, w=workers: run_counties(args.dataset, args.out / f"counties{w}", c, ids, budget=budget)
        )
        print(
            f"counties, {workers} worker(s): {wall:.1f} s for {len(runs.summaries)} counties "
            f"({len(runs.failed)} failed); peak RSS per worker {[round(p) for p in peaks]} MiB"
        )
        report[f"counties_{workers}"] = {"wall_s": wall, "peak_mib": peaks}
        last = runs
    report["counties_scaling"] = report["counties_1"]["wall_s"] / report["counties_2"]["wall_s"]
    print(f"counties scaling 1->2 workers: {report['counties_scaling']:.2f}x")
    rows = [{"county_id": s.county_id, "n_schools": s.n_schools, **s.seconds} for s in last.summaries]
    profile = pd.DataFrame(rows).set_index("county_id")
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(profile.round(1))
    per_school = float(profile["total"].sum() / profile["n_schools"].sum())
    total_schools = int(counties["n_schools"].sum())
    cpu_s = per_school * total_schools
    zones_cpu = report.get("zones_1", {}).get("wall_s", 0.0)
    print(
        f"per-county cost {per_school:.2f} s per school (1 worker, this machine); whole province "
        f"{total_schools:,} schools = {cpu_s / 3600:.1f} worker-hours of county runs + {zones_cpu / 60:.1f} "
        f"worker-minutes of joins; on 16 workers about {(cpu_s + zones_cpu) / 16 / 60:.0f} min "
        f"if the work spreads evenly (the largest county alone: "
        f"{per_school * counties['n_schools'].max() / 60:.1f} min), peak memory per worker as measured above"
    )
    report["per_school_s"] = per_school
    report["profile"] = profile.reset_index().to_dict(orient="records")
    (args.out / "bench_province.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
