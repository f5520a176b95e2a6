"""Offline geocoding: accuracy by match type and speed against a bare rapidfuzz baseline.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_geocode.py            # 138 demo addresses, x100 for speed
    .venv/bin/python benchmarks/bench_geocode.py --repeat 20 --rounds 3

Accuracy: the demo's 138 hazard addresses (``load_demo().hazards``) against
``data/truth/hazards_truth.csv``, at the default ``min_confidence=0.6``. Per
``match_type``: rows, accepted, share of accepted rows within 30 m of the
truth, and confidently wrong rows (accepted, confidence >= 0.8 and more than
100 m off). Distances are in the district's metric CRS. Then the calibration
table of :func:`hutan_geo.geocode.calibration_table` (confidence band → share
within 30 m, share more than 100 m off, count).

Speed, pinned to one core (``sched_setaffinity``, BLAS/OpenMP threads 1): the
138 addresses repeated ``--repeat`` times, each copy with a different run of
leading/trailing spaces (the geocoder has no per-address cache; the variation
makes sure none could help). Timed: ``geocode(gaz, addresses)`` end to end
(GeoDataFrame and review table included), best of ``--rounds``. Baseline, same
run, same addresses: a bare ``rapidfuzz.process.extractOne(address,
list(gaz.names))`` (default WRatio scorer) per address, i.e. a fuzzy name
look-up with no parsing, no geometry and no result table.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyproj  # noqa: E402
from rapidfuzz import process  # noqa: E402

from hutan_geo.demo import load_demo  # noqa: E402
from hutan_geo.geocode import (  # noqa: E402
    build_gazetteer,
    calibration_table,
    geocode,
    geocode_errors,
    normalise_address,
)

TRUTH = Path(__file__).resolve().parents[1] / "data" / "truth" / "hazards_truth.csv"


def accuracy(gaz, truth: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    r = geocode(gaz, truth["address"].tolist()).results
    tr = pyproj.Transformer.from_crs(4326, gaz.metric_crs, always_xy=True)
    x1, y1 = tr.transform(r["lon"].to_numpy(float), r["lat"].to_numpy(float))
    x2, y2 = tr.transform(truth["true_lon"].to_numpy(float), truth["true_lat"].to_numpy(float))
    err = np.hypot(np.asarray(x1) - x2, np.asarray(y1) - y2)
    frame = pd.DataFrame(
        {
            "match_type": r["match_type"].to_numpy(),
            "accepted": r["accepted"].to_numpy(bool),
            "confidence": r["confidence"].to_numpy(float),
            "err": err,
        }
    )
    frame["within30"] = frame["accepted"] & (frame["err"] <= 30)
    frame["wrong"] = frame["accepted"] & (frame["confidence"] >= 0.8) & (frame["err"] > 100)
    rows = []
    for mt, g in [*frame.groupby("match_type", sort=False), ("all", frame)]:
        acc = int(g["accepted"].sum())
        rows.append(
            {
                "match_type": mt,
                "n": len(g),
                "accepted": acc,
                "within_30m": f"{int(g['within30'].sum())}/{acc}"
                + (f" ({g['within30'].sum() / acc:.0%})" if acc else ""),
                "max_err_m": round(float(g.loc[g["accepted"], "err"].max()), 1) if acc else np.nan,
                "confidently_wrong": int(g["wrong"].sum()),
            }
        )
    table = pd.DataFrame(rows)
    acc = frame["accepted"]
    overall = {
        "n": len(frame),
        "accepted": int(acc.sum()),
        "within_30m_of_accepted": float(frame["within30"].sum() / acc.sum()),
        "confidently_wrong_of_all": float(frame["wrong"].mean()),
        "confidently_wrong_of_accepted": float(frame["wrong"].sum() / acc.sum()),
    }
    return table, overall


def speed(gaz, addresses: list[str], repeat: int, rounds: int) -> dict:
    batch = [" " * (k % 4) + a + " " * (k % 3) for k in range(repeat) for a in addresses]
    names = list(gaz.names)
    best_ours = best_base = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        geocode(gaz, batch)
        best_ours = min(best_ours, time.perf_counter() - t)
        t = time.perf_counter()
        for a in batch:
            process.extractOne(normalise_address(a), names)
        best_base = min(best_base, time.perf_counter() - t)
    return {
        "addresses": len(batch),
        "gazetteer_names": len(names),
        "ours_s": best_ours,
        "ours_per_s": len(batch) / best_ours,
        "baseline_s": best_base,
        "baseline_per_s": len(batch) / best_base,
        "ratio_ours_over_baseline_time": best_ours / best_base,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    demo = load_demo()
    t = time.perf_counter()
    gaz = build_gazetteer(demo)
    build_s = time.perf_counter() - t
    truth = demo.hazards[["hazard_id", "address"]].merge(pd.read_csv(TRUTH, skiprows=1), on="hazard_id")
    table, overall = accuracy(gaz, truth)
    print(f"gazetteer built in {build_s:.2f} s")
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))
    print({k: round(v, 4) if isinstance(v, float) else v for k, v in overall.items()})
    calib = calibration_table(geocode_errors(gaz, truth["address"], truth["true_lon"], truth["true_lat"]))
    print("calibration (confidence band -> share within 30 m, share > 100 m, count):")
    print(calib.round(3).to_markdown(index=False) if _has_tabulate() else calib.round(3).to_string(index=False))
    s = speed(gaz, truth["address"].tolist(), args.repeat, args.rounds)
    print({k: round(v, 3) if isinstance(v, float) else v for k, v in s.items()})


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
