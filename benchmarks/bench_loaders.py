"""Loader throughput: validating hazard load vs a bare pandas read, same file, same run.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_loaders.py --rows 1000000

Baseline: ``pandas.read_csv`` of the same GBK file plus ``geopandas.points_from_xy``
(no header detection, no validation, no datum conversion, no rejected table).
Both run interleaved for ``--rounds`` rounds (default 2) in the same process;
the fastest time of each is kept. Prints rows, file size, baseline seconds,
our seconds and the ratio ours / baseline.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo.io import load_hazards

CATEGORIES = ["交通安全", "食品安全", "社会治安", "文化市场", "其他"]
STATUSES = ["已发现", "已汇总", "已交办", "已整改", "已销号"]


def make_file(path: Path, rows: int, seed: int = 7) -> None:
    """Write a GBK hazard sheet with a title row, some junk and some GCJ-02 rows."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(108.8, 114.2, rows).round(6)
    lat = rng.uniform(24.6, 30.1, rows).round(6)
    has = rng.random(rows) < 0.5
    frame = pd.DataFrame(
        {
            "隐患编号": [f"YH{i:08d}" for i in range(rows)],
            "隐患类别": rng.choice(CATEGORIES, rows),
            "隐患描述": rng.choice(["校门口无减速带", "流动摊贩聚集", "网吧接纳未成年人"], rows),
            "地址": [f"人民路{n}号" for n in rng.integers(1, 400, rows)],
            "经度": np.where(has, lon.astype(str), ""),
            "纬度": np.where(has, lat.astype(str), ""),
            "坐标系": np.where(has & (rng.random(rows) < 0.3), "GCJ-02", np.where(has, "WGS84", "")),
            "严重程度": rng.choice(["一般", "较大", "重大"], rows),
            "整改状态": rng.choice(STATUSES, rows),
            "发现日期": pd.to_datetime("2026-03-01") + pd.to_timedelta(rng.integers(0, 200, rows), unit="D"),
        }
    )
    frame["发现日期"] = frame["发现日期"].dt.strftime("%Y-%m-%d")
    junk = rng.random(rows) < 0.001
    frame.loc[junk, "隐患类别"] = "火灾"
    with path.open("w", encoding="gbk", newline="") as fh:
        fh.write("某省校园周边安全隐患排查台账（基准测试合成数据）\n")
        frame.to_csv(fh, index=False)


def baseline(path: Path) -> gpd.GeoDataFrame:
    """Bare read: pandas + points_from_xy, nothing checked."""
    frame = pd.read_csv(path, encoding="gbk", skiprows=1, dtype=str, keep_default_na=False)
    lon = pd.to_numeric(frame["经度"], errors="coerce")
    lat = pd.to_numeric(frame["纬度"], errors="coerce")
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def main() -> None:
    """Time both readers on one generated file, interleaved, and print the fastest of each."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    base_times: list[float] = []
    our_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hazards.csv"
        make_file(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            base = baseline(path)
            base_times.append(time.perf_counter() - t0)
            del base
            t0 = time.perf_counter()
            result = load_hazards(path)
            our_times.append(time.perf_counter() - t0)
    t_base, t_ours = min(base_times), min(our_times)
    n_valid, n_rejected = len(result.valid), len(result.rejected)
    print(f"rows={args.rows} file={size_mb:.1f} MB rounds={args.rounds} (fastest of each)")
    print(f"baseline pandas.read_csv + points_from_xy: {t_base:.2f} s (nothing validated)")
    print(f"hutan_geo load_hazards:                    {t_ours:.2f} s ({n_valid} valid, {n_rejected} rejected)")
    print(f"ratio ours/baseline: {t_ours / t_base:.2f}x")
    print("all rounds: baseline " + ", ".join(f"{t:.2f}" for t in base_times), end="; ")
    print("ours " + ", ".join(f"{t:.2f}" for t in our_times))


if __name__ == "__main__":
    main()
