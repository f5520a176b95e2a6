"""Measuring the offline geocoder against true points: errors, goals and the calibration table.

:func:`geocode_errors` geocodes addresses with known true points and returns
each row's confidence, acceptance and error in metres; :func:`goal_summary`
gives the shares the goals are stated in (accepted, within 30 m, more than
100 m off, made-up places accepted); :func:`calibration_table` says, per
confidence band, how often the point is right: what a confidence of 0.7 means.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyproj

from hutan_geo.geocode.offline import geocode

if TYPE_CHECKING:
    from hutan_geo.geocode.gazetteer import Gazetteer

__all__ = ["CONFIDENCE_BANDS", "calibration_table", "geocode_errors", "goal_summary"]

#: Edges of the confidence bands of :func:`calibration_table`.
CONFIDENCE_BANDS = (0.0, 0.3, 0.6, 0.7, 0.8, 0.9, 1.0)


def geocode_errors(
    gazetteer: Gazetteer,
    addresses: Sequence[object] | pd.Series,
    true_lon: Sequence[float] | pd.Series,
    true_lat: Sequence[float] | pd.Series,
    *,
    min_confidence: float = 0.6,
) -> pd.DataFrame:
    """Geocode ``addresses`` and measure each result against its true point.

    Parameters
    ----------
    gazetteer
        From :func:`~hutan_geo.geocode.build_gazetteer`.
    addresses
        Address text.
    true_lon, true_lat
        WGS84 true point of each address; NaN for an address that names no
        real place (it must not be accepted).
    min_confidence
        See :func:`~hutan_geo.geocode.geocode`.

    Returns
    -------
    pandas.DataFrame
        ``address``, ``match_type``, ``confidence``, ``accepted``, ``reason``
        ``error_m`` (metres in the district's metric CRS; NaN without a
        result or a true point) and ``has_truth``, one row per address in order.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.geocode import build_gazetteer
    >>> gaz = build_gazetteer(load_demo())
    >>> school = gaz.lonlat(*gaz.schools["SCH0007"].gates["正门"])
    >>> geocode_errors(gaz, ["城关一小门口"], [school[0]], [school[1]])["error_m"].round(1).tolist()
    [0.0]
    """
    res = geocode(gazetteer, list(addresses), min_confidence=min_confidence).results
    to_m = pyproj.Transformer.from_crs(4326, gazetteer.metric_crs, always_xy=True)
    x1, y1 = to_m.transform(res["lon"].to_numpy(float), res["lat"].to_numpy(float))
    tlon, tlat = np.asarray(true_lon, float), np.asarray(true_lat, float)
    x2, y2 = to_m.transform(tlon, tlat)
    err = np.hypot(np.asarray(x1) - np.asarray(x2), np.asarray(y1) - np.asarray(y2))
    return pd.DataFrame(
        {
            "address": res["address"].to_numpy(),
            "match_type": res["match_type"].to_numpy(),
            "confidence": res["confidence"].to_numpy(float),
            "accepted": res["accepted"].to_numpy(bool),
            "reason": res["reason"].to_numpy(),
            "error_m": err,
            "has_truth": np.isfinite(tlon) & np.isfinite(tlat),
        }
    )


def goal_summary(errors: pd.DataFrame, real: Sequence[bool] | pd.Series | None = None) -> dict[str, float]:
    """Return the shares the geocoding goals are stated in.

    Parameters
    ----------
    errors
        From :func:`geocode_errors`.
    real
        Whether each address names a real place (default: the ``has_truth``
        column, else a finite error); the others are made up and must not be accepted.

    Returns
    -------
    dict
        ``n``, ``accepted_share`` (of the real addresses), ``within_30m``
        and ``over_100m`` (shares of the accepted real addresses),
        ``made_up`` and ``made_up_accepted`` (counts).

    Examples
    --------
    >>> e = pd.DataFrame({"accepted": [True, True, False], "error_m": [5.0, 150.0, np.nan]})
    >>> goal_summary(e, real=[True, True, False])["over_100m"]
    0.5
    """
    if real is None:
        real = errors["has_truth"] if "has_truth" in errors else np.isfinite(errors["error_m"].to_numpy(float))
    real_mask = np.asarray(real, bool)
    acc = errors["accepted"].to_numpy(bool)
    err = errors["error_m"].to_numpy(float)
    taken = acc & real_mask
    n_taken = max(int(taken.sum()), 1)
    return {
        "n": int(real_mask.sum()),
        "accepted_share": float(taken.sum() / max(int(real_mask.sum()), 1)),
        "within_30m": float((taken & (err <= 30)).sum() / n_taken),
        "over_100m": float((taken & ~(err <= 100)).sum() / n_taken),
        "made_up": int((~real_mask).sum()),
        "made_up_accepted": int((acc & ~real_mask).sum()),
    }


def calibration_table(errors: pd.DataFrame, bands: Sequence[float] = CONFIDENCE_BANDS) -> pd.DataFrame:
    """Return, per confidence band, how many results lie within 30 m and how many more than 100 m off.

    Parameters
    ----------
    errors
        From :func:`geocode_errors`; rows without a true point or a result
        (``error_m`` NaN) are left out.
    bands
        Band edges; a band holds ``lo <= confidence < hi`` (the last one includes ``hi``).

    Returns
    -------
    pandas.DataFrame
        ``band`` (``"0.6-0.7"``), ``n``, ``within_30m`` and ``over_100m``
        (shares of the band's rows, NaN for an empty band).

    Examples
    --------
    >>> e = pd.DataFrame({"confidence": [0.95, 0.92, 0.5], "error_m": [3.0, 120.0, 40.0]})
    >>> calibration_table(e, bands=(0.0, 0.6, 1.0)).to_dict("records")[1]
    {'band': '0.6-1.0', 'n': 2, 'within_30m': 0.5, 'over_100m': 0.5}
    """
    conf = errors["confidence"].to_numpy(float)
    err = errors["error_m"].to_numpy(float)
    ok = np.isfinite(err)
    rows = []
    for i, (lo, hi) in enumerate(pairwise(bands)):
        last = i == len(bands) - 2
        inside = ok & (conf >= lo) & ((conf <= hi) if last else (conf < hi))
        n = int(inside.sum())
        rows.append(
            {
                "band": f"{lo:.1f}-{hi:.1f}",
                "n": n,
                "within_30m": float((err[inside] <= 30).mean()) if n else np.nan,
                "over_100m": float((err[inside] > 100).mean()) if n else np.nan,
            }
        )
    return pd.DataFrame(rows)
