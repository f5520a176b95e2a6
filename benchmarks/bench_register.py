"""Benchmark: import a batch into a big register (matched and new), against a plain ``to_file(mode="a")`` append.

Usage: ``.venv/bin/python benchmarks/bench_register.py [REGISTER_SIZE] [BATCH_SIZE]``
(issue 13: 1,000,000 and 100,000). Half of the batch repeats open hazards of
the register (a few metres off, same description: matched), half is new.
Each measured step runs in a forked child without tracing, so its seconds are
plain wall time; its memory is the child's peak resident set above where it
started (``ru_maxrss``: Python, numpy, GEOS and SQLite alike). The register is
built with the same bulk path (``import_batch`` of 100,000 at a time).
Synthetic data, fixed seed.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np

from hutan_geo.analysis.register import Batch, open_register

TODAY = date(2026, 11, 30)
CATS = np.array(["traffic", "food_safety", "public_order", "cultural_market"])


def frame(n: int, start: int, rng: np.random.Generator, *, xy=None) -> gpd.GeoDataFrame:
    if xy is None:
        xy = (113.0 + rng.random(n) * 2.0, 27.0 + rng.random(n) * 2.0)
    kinds = rng.integers(0, 4, n)
    return gpd.GeoDataFrame(
        {
            "hazard_id": [f"H{start + k:08d}" for k in range(n)],
            "category": CATS[kinds],
            "description": [f"隐患描述{k % 997}号校门口问题" for k in range(start, start + n)],
            "school_name": [f"学校{k % 20000}" for k in range(start, start + n)],
            "status": "found",
            "found_date": "2026-03-02",
            "team": "第一检查组",
        },
        geometry=gpd.points_from_xy(*xy),
        crs="EPSG:4326",
    )


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(fn):
    """Run ``fn`` in a forked child; return (its JSON-able result, seconds, peak MiB above the start)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        start = _rss_mib()
        t = time.perf_counter()
        out = fn()
        secs = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - start
        with os.fdopen(write, "w") as f:
            json.dump([out, secs, peak], f)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        out, secs, peak = json.load(f)
    os.waitpid(pid, 0)
    return out, secs, peak


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    rng = np.random.default_rng(13)
    base = frame(size, 0, rng)
    folder = Path(tempfile.mkdtemp())
    reg = open_register(folder / "register.gpkg")
    reg.init()
    t = time.perf_counter()
    for k in range(0, size, 100_000):
        reg.import_batch(base.iloc[k : k + 100_000], Batch(date(2026, 3, 2)), today=TODAY)
    with reg.store.read() as tx:
        held = tx.run("SELECT COUNT(*) FROM hazards")[0][0]
    print(f"built a register of {size:,} records ({held:,} hazards) in {time.perf_counter() - t:.1f} s")
    half = batch // 2
    rep = base.iloc[rng.choice(size, half, replace=False)]
    repeat = frame(half, 10**8, rng, xy=(rep.geometry.x + 2e-5, rep.geometry.y))
    repeat["category"] = rep["category"].to_numpy()
    repeat["description"] = rep["description"].to_numpy()
    new = frame(batch - half, 2 * 10**8, rng)
    recs = gpd.GeoDataFrame(gpd.pd.concat([repeat, new], ignore_index=True), crs="EPSG:4326")
    plain = folder / "plain.gpkg"
    base.to_file(plain, layer="hazards")
    _, base_s, base_mb = timed(lambda: recs.to_file(plain, layer="hazards", mode="a"))
    counts, reg_s, reg_mb = timed(lambda: reg.import_batch(recs, Batch(date(2026, 3, 3)), today=TODAY).counts)
    print(f"import of {batch:,} into {size:,}: {reg_s:.1f} s, peak +{reg_mb:.0f} MiB; counts {counts}")
    print(f"baseline to_file(mode='a'): {base_s:.1f} s, peak +{base_mb:.0f} MiB (no matching, no history)")
    print(f"ratio register/baseline: {reg_s / base_s:.1f}x time, {reg_mb / max(base_mb, 1):.1f}x memory")


if __name__ == "__main__":
    main()
