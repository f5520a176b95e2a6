"""Hazards within 200 m of schools: ours vs the naive buffer join vs a bare STRtree, same run.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_zones.py              # 1,000,000 hazards x 20,000 schools
    .venv/bin/python benchmarks/bench_zones.py --hazards 100000 --schools 2000

Data: the demo generator at scale 334 (20,040 fictional schools with campus
polygons; about 1.3 million hazard records, of which ``--hazards`` are drawn
at their true positions, each moved by a random offset of up to 100 m because
the generator repeats inspection rounds at the same points), everything in
EPSG:32649. Two cases: school points (the main gate), then campus polygons
(distance from the campus boundary).

Methods, each in its own subprocess (peak memory = VmHWM of that process;
"delta" = VmHWM minus the resident size after loading the data):

(a) naive: ``gpd.sjoin(hazards, buffer(200) of the schools, predicate="intersects")``;
(b) bare: ``shapely.STRtree(schools).query(hazards, predicate="dwithin", distance=200)``
    (indices only: no distances, no ids);
(c) ours: ``prepare_sites`` + ``hazards_within(hazards, sites, 200)`` end to end (pairs with
    hazard_id, school_id, exact distance, flags), ``n_jobs=1``, and again with ``n_jobs=2``.

Methods take turns for ``--rounds`` rounds (one process each per round, ``--repeat``
timings per process); the best time of each is reported, with its ratio to (b), the
highest peak memory, the pairs missed by (a), and whether (c) gives exactly the pair
set of (b).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DISTANCE = 200.0
JITTER_M = 100.0


def _status(field: str) -> float:
    """A field of /proc/self/status in MiB (VmHWM: peak resident, VmRSS: current)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_data(out: Path, n_hazards: int, n_schools: int, seed: int = 1) -> dict[str, int]:
    """Generate the district, draw the hazards, save metric coordinates and campus WKB."""
    import pyproj
    import shapely

    from hutan_geo.demo import generate_demo_district

    scale = max(1, int(np.ceil(n_schools / 60)))
    t0 = time.perf_counter()
    district = generate_demo_district(scale=scale)
    to_utm = pyproj.Transformer.from_crs(4326, 32649, always_xy=True)
    schools = district.schools.iloc[:n_schools]
    sx, sy = to_utm.transform(schools.geometry.x.to_numpy(), schools.geometry.y.to_numpy())
    campuses = district.campuses.set_index("学校编号").loc[schools["学校编号"]].geometry.to_crs(32649)
    truth = district.hazards_truth
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(truth), size=min(n_hazards, len(truth)), replace=False)
    hx, hy = to_utm.transform(truth["true_lon"].to_numpy()[pick], truth["true_lat"].to_numpy()[pick])
    # the generator repeats inspection rounds at the same true points: spread each record uniformly
    # over a disc of JITTER_M so that distances are continuous (and buffers can miss pairs)
    angle = rng.uniform(0, 2 * np.pi, len(pick))
    radius = JITTER_M * np.sqrt(rng.uniform(0, 1, len(pick)))
    hx, hy = hx + radius * np.cos(angle), hy + radius * np.sin(angle)
    np.savez(out / "data.npz", sx=sx, sy=sy, hx=hx, hy=hy)
    (out / "campus.wkb").write_bytes(b"".join(_frame(w) for w in shapely.to_wkb(campuses.to_numpy())))
    print(f"data: {len(pick):,} hazards x {len(schools):,} schools (generated in {time.perf_counter() - t0:.0f} s)")
    return {"hazards": len(pick), "schools": len(schools)}


def _frame(blob: bytes) -> bytes:
    return len(blob).to_bytes(4, "little") + blob


def _read_wkb(path: Path) -> list[bytes]:
    data = path.read_bytes()
    out, i = [], 0
    while i < len(data):
        n = int.from_bytes(data[i : i + 4], "little")
        out.append(data[i + 4 : i + 4 + n])
        i += 4 + n
    return out


def worker(method: str, case: str, folder: Path, repeat: int) -> None:
    """Load the data, run one method ``repeat`` times, save its pairs, print timings as JSON."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    z = np.load(folder / "data.npz")
    hazard_geoms = shapely.points(z["hx"], z["hy"])
    if case == "points":
        school_geoms = shapely.points(z["sx"], z["sy"])
    else:
        school_geoms = shapely.from_wkb(np.array(_read_wkb(folder / "campus.wkb"), dtype=object))
    n_h, n_s = len(hazard_geoms), len(school_geoms)
    if method.startswith("ours"):
        from hutan_geo.analysis import hazards_within, prepare_sites

        hazards = gpd.GeoDataFrame(
            {
                "hazard_id": pd.array([f"H{i:07d}" for i in range(n_h)], dtype=object),
                "category": pd.array(np.full(n_h, "traffic", dtype=object), dtype=object),
            },
            geometry=hazard_geoms,
            crs=32649,
        )
        ids = [f"S{i:05d}" for i in range(n_s)]
        points = gpd.GeoDataFrame(
            {"school_id": ids, "name": ids, "level": "primary"},
            geometry=shapely.points(z["sx"], z["sy"]),
            crs=32649,
        )
        campuses = None if case == "points" else gpd.GeoDataFrame({"school_id": ids}, geometry=school_geoms, crs=32649)
        jobs = 2 if method == "ours2" else 1
    elif method == "naive":
        hazards = gpd.GeoDataFrame(geometry=hazard_geoms, crs=32649)
        schools = gpd.GeoDataFrame(geometry=school_geoms, crs=32649)
    rss0 = _status("VmRSS")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        if method == "bare":
            tree = shapely.STRtree(school_geoms)
            h, s = tree.query(hazard_geoms, predicate="dwithin", distance=DISTANCE)
        elif method == "naive":
            zones = gpd.GeoDataFrame(geometry=schools.buffer(DISTANCE), crs=32649)
            joined = gpd.sjoin(hazards, zones, predicate="intersects")
            h, s = joined.index.to_numpy(), joined["index_right"].to_numpy()
        else:
            sites = prepare_sites(points, campuses)
            result = hazards_within(hazards, sites, DISTANCE, n_jobs=jobs)
            h, s = result.hazard_index, result.school_index
        times.append(time.perf_counter() - t0)
    key = np.unique(h.astype(np.int64) * n_s + s.astype(np.int64))
    np.save(folder / f"pairs-{case}-{method}.npy", key)
    extra = {}
    if method.startswith("ours"):
        d = result.pairs["dist_m"].to_numpy()
        check = shapely.distance(hazard_geoms[h[:200_000]], school_geoms[s[:200_000]])
        extra = {
            "max_dist_m": float(d.max()) if len(d) else 0.0,
            "dist_error": float(np.abs(check - d[:200_000]).max()),
        }
    print(
        json.dumps(
            {
                "seconds": min(times),
                "all_seconds": times,
                "pairs": len(key),
                "peak_mib": _status("VmHWM"),
                "delta_mib": _status("VmHWM") - rss0,
                **extra,
            }
        )
    )


def main() -> None:
    """Generate the data, run each method in a subprocess, print the comparison."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2, help="timings per process (best kept)")
    parser.add_argument("--rounds", type=int, default=3, help="processes per method, taking turns (best kept)")
    parser.add_argument("--worker", nargs=3, metavar=("METHOD", "CASE", "FOLDER"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], Path(args.worker[2]), args.repeat)
        return
    print(f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_data(folder, args.hazards, args.schools)
        for case in ("points", "campuses"):
            results: dict[str, dict] = {}
            # methods take turns, round after round, so that a busy spell on a shared machine hits them all
            for _ in range(args.rounds):
                for method in ("naive", "bare", "ours", "ours2"):
                    cmd = [
                        sys.executable,
                        __file__,
                        "--repeat",
                        str(args.repeat),
                        "--worker",
                        method,
                        case,
                        str(folder),
                    ]
                    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                    r = json.loads(out.strip().splitlines()[-1])
                    best = results.setdefault(method, r)
                    if r["seconds"] < best["seconds"]:
                        results[method] = {**r, "peak_mib": max(r["peak_mib"], best["peak_mib"])}
                    else:
                        best["peak_mib"] = max(r["peak_mib"], best["peak_mib"])
            pairs = {m: np.load(folder / f"pairs-{case}-{m}.npy") for m in results}
            base = results["bare"]["seconds"]
            missed = len(np.setdiff1d(pairs["bare"], pairs["naive"]))
            extra = len(np.setdiff1d(pairs["naive"], pairs["bare"]))
            print(f"\n{case}: {results['bare']['pairs']:,} pairs within {DISTANCE:g} m")
            labels = {
                "naive": "(a) buffer + sjoin",
                "bare": "(b) bare STRtree dwithin",
                "ours": "(c) ours, n_jobs=1",
                "ours2": "(c) ours, n_jobs=2",
            }
            for method, label in labels.items():
                r = results[method]
                line = (
                    f"  {label:28s} {r['seconds']:7.2f} s  {r['seconds'] / base:5.2f}x (b)  "
                    f"peak {r['peak_mib']:6.0f} MiB (+{r['delta_mib']:.0f})"
                )
                if method.startswith("ours"):
                    same = np.array_equal(pairs[method], pairs["bare"])
                    line += f"  same pairs as (b): {same}; max |dist - shapely.distance| {r['dist_error']:.1e}"
                print(line)
            print(f"  (a) misses {missed:,} pairs ({100 * missed / max(1, len(pairs['bare'])):.2f} %), adds {extra:,}")


if __name__ == "__main__":
    main()
