"""Offline geocoding on the larger address set (issue 16): goals, calibration and speed.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_geocode_set.py            # the set x10 for speed
    .venv/bin/python benchmarks/bench_geocode_set.py --repeat 5 --rounds 3

Accuracy: ``data/truth/address_set.csv`` (built by
``hutan_geo.demo.address_set``, about 1,000 addresses written the way clerks
write them, with true points from the hazard truth and the demo layers, and
made-up places that must not be accepted) and the 138 demo hazard addresses,
at the default ``min_confidence=0.6``: share accepted (of the real
addresses), share of the accepted within 30 m and more than 100 m off, made-up
places accepted; per variant; and the calibration table
(:func:`hutan_geo.geocode.calibration_table`).

Speed, pinned to one core as in ``bench_geocode.py``: the set repeated
``--repeat`` times (each copy padded with a different run of spaces; the
geocoder has no per-address cache), ``geocode()`` end to end, best of
``--rounds``; baseline in the same run on the same addresses: a bare
``rapidfuzz.process.extractOne(address, list(gaz.names))`` per address.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pandas as pd  # noqa: E402
from bench_geocode import speed  # noqa: E402  (same speed measure and baseline as the 138-address benchmark)

from hutan_geo.demo import load_demo  # noqa: E402
from hutan_geo.geocode import (  # noqa: E402
    build_gazetteer,
    calibration_table,
    geocode_errors,
    goal_summary,
)

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "data" / "truth" / "address_set.csv"
TRUTH = ROOT / "data" / "truth" / "hazards_truth.csv"


def _table(frame: pd.DataFrame) -> str:
    try:
        return frame.to_markdown(index=False)
    except ImportError:
        return frame.to_string(index=False)


def per_variant(errors: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    frame = errors.assign(variant=table["variant"].to_numpy(), expect=table["expect"].to_numpy())
    rows = []
    for variant, g in frame.groupby("variant"):
        real = g["expect"] != "reject"
        taken = g["accepted"] & real
        rows.append(
            {
                "variant": variant,
                "n": len(g),
                "accepted": f"{int(taken.sum())}/{int(real.sum())}",
                "within_30m": f"{int((taken & (g['error_m'] <= 30)).sum())}/{int(taken.sum())}",
                "made_up_accepted": f"{int((g['accepted'] & ~real).sum())}/{int((~real).sum())}",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    demo = load_demo()
    gaz = build_gazetteer(demo)
    table = pd.read_csv(
        SET,
        skiprows=1,
        dtype={"address": str},
        keep_default_na=False,
        na_values={"true_lon": [""], "true_lat": [""]},
    )
    errors = geocode_errors(gaz, table["address"], table["true_lon"], table["true_lat"])
    goals = goal_summary(errors, real=table["expect"] != "reject")
    print(f"address set: {len(table)} addresses ({goals['n']} real, {goals['made_up']} made up or generic)")
    print({k: round(v, 4) if isinstance(v, float) else v for k, v in goals.items()})
    print(_table(per_variant(errors, table)))
    print("calibration on the set (confidence band -> share within 30 m, share > 100 m, count):")
    print(_table(calibration_table(errors).round(3)))
    truth = demo.hazards[["hazard_id", "address"]].merge(pd.read_csv(TRUTH, skiprows=1), on="hazard_id")
    demo_errors = geocode_errors(gaz, truth["address"], truth["true_lon"], truth["true_lat"])
    print("138 demo hazard addresses:")
    print({k: round(v, 4) if isinstance(v, float) else v for k, v in goal_summary(demo_errors).items()})
    s = speed(gaz, table["address"].tolist(), args.repeat, args.rounds)
    print({k: round(v, 3) if isinstance(v, float) else v for k, v in s.items()})
    s = speed(gaz, truth["address"].tolist(), max(1, args.repeat * 8), args.rounds)
    print("138 demo addresses:", {k: round(v, 3) if isinstance(v, float) else v for k, v in s.items()})


if __name__ == "__main__":
    main()
