"""Repeat sightings: is a new record a hazard the register already holds.

A record matches an open hazard (not yet rectified) of the same category
within ``distance_m`` metres (measured in a metric CRS) whose description is
similar (rapidfuzz ``ratio`` ≥ ``match_score``); a weaker similarity
(≥ ``review_score``), or a record without a point whose category, school and
description agree, goes to review. Records of one batch are matched to each
other in the same way (the first one seen stands). Only fresh sightings are
matched: a record that already carries its own progress along the loop (a
status past ``found``) is a hazard tracked elsewhere and is added as new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from hutan_geo.model.frames import metric_frame

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["MatchRules", "match_records"]


@dataclass(frozen=True)
class MatchRules:
    """How repeat sightings are recognised.

    Attributes
    ----------
    distance_m
        Largest distance in metres between a record and the hazard it repeats.
    match_score
        Description similarity (0-100, rapidfuzz ``ratio``) from which a nearby record is the same hazard.
    review_score
        Similarity from which a nearby record goes to a person to decide.
    """

    distance_m: float = 50.0
    match_score: float = 80.0
    review_score: float = 50.0


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def _texts(values: pd.Series) -> list[str]:
    """Return the column as stripped text, ``""`` for missing values (vectorised :func:`_text`)."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip().tolist()


_EMPTY = pd.DataFrame({"i": np.array([], int), "j": np.array([], int), "score": [], "distance_m": []})


def _pairs(a: np.ndarray, b: np.ndarray, distance_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return index pairs ``(i in a, j in b)`` within ``distance_m`` and their distances (one STRtree query)."""
    tree = shapely.STRtree(b)
    ia, jb = tree.query(a, predicate="dwithin", distance=distance_m)
    return ia, jb, shapely.distance(a[ia], b[jb])


def _best(
    cat_a: np.ndarray,
    text_a: list[str],
    cat_b: np.ndarray,
    text_b: list[str],
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """Score candidate pairs of the same category and keep the best candidate per record (``i``)."""
    ia, jb, dist = pairs
    keep = cat_a[ia] == cat_b[jb]
    ia, jb, dist = ia[keep], jb[keep], dist[keep]
    if not len(ia):
        return _EMPTY.copy()
    score = process.cpdist([text_a[i] for i in ia], [text_b[j] for j in jb], scorer=fuzz.ratio, workers=1)
    out = pd.DataFrame({"i": ia, "j": jb, "score": np.asarray(score, dtype=float), "distance_m": dist})
    return out.sort_values(["i", "score", "distance_m"], ascending=[True, False, True]).drop_duplicates("i")


def _unplaced(records: pd.DataFrame, hazards: pd.DataFrame, placed: np.ndarray, rules: MatchRules) -> pd.DataFrame:
    """Send records without a point to review when category, school and description agree."""
    todo = np.flatnonzero(~placed)
    if not len(todo) or "school_name" not in records or "school_name" not in hazards or not len(hazards):
        return _EMPTY.copy()
    rec = pd.DataFrame({"i": todo, "category": records["category"].to_numpy()[todo],
                        "school": _texts(records["school_name"].iloc[todo])})  # fmt: skip
    hz = pd.DataFrame({"j": np.arange(len(hazards)), "category": hazards["category"].to_numpy(),
                       "school": _texts(hazards["school_name"])})  # fmt: skip
    cand = rec[rec["school"] != ""].merge(hz[hz["school"] != ""], on=["category", "school"])
    if cand.empty:
        return _EMPTY.copy()
    rd, hd = _texts(records["description"]), _texts(hazards["description"])
    i, j = cand["i"].to_numpy(), cand["j"].to_numpy()
    cand["score"] = np.asarray(process.cpdist([rd[k] for k in i], [hd[k] for k in j], scorer=fuzz.ratio), float)
    best = cand.sort_values(["i", "score", "j"], ascending=[True, False, False]).drop_duplicates("i")
    best = best[best["score"] >= rules.match_score]  # no point to confirm the place: a person decides
    return pd.DataFrame({"i": best["i"].to_numpy(), "j": best["j"].to_numpy(),
                         "score": float(rules.review_score), "distance_m": np.nan})  # fmt: skip


def _fresh(records: pd.DataFrame) -> np.ndarray:
    """Return which records are fresh sightings (status ``found`` or none): only these are matched."""
    return records["status"].isin(["found"]).to_numpy() | records["status"].isna().to_numpy()


def match_records(
    records: gpd.GeoDataFrame, open_hazards: gpd.GeoDataFrame, rules: MatchRules | None = None
) -> pd.DataFrame:
    """Decide for every record: ``matched`` (a repeat of a hazard), ``new`` or ``review``.

    Candidates come from one ``STRtree`` query (``dwithin`` in metres) over
    the open hazards' points; rapidfuzz scores only those pairs.

    Parameters
    ----------
    records
        The batch (``category``, ``description``, ``school_name``; points in
        any CRS, missing points allowed), in order.
    open_hazards
        Open hazards of the register (``hazard_id``, ``category``,
        ``description``, ``school_name``; points).
    rules
        The thresholds (default :class:`MatchRules`).

    Returns
    -------
    pandas.DataFrame
        One row per record, in order: ``outcome``, ``hazard_id`` (the hazard
        repeated or the candidate to review; for a repeat of an earlier record
        of the batch, that record's position as ``batch:<i>``), ``score``,
        ``distance_m``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoSeries.from_xy([500000, 500010, 500300], [3000000, 3000000, 3000000], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"], "status": ["found"],
    ...                        "description": ["校门口违停"], "school_name": ["一小"]}, geometry=pts[:1])
    >>> rec = gpd.GeoDataFrame({"category": ["traffic"] * 3, "status": ["found"] * 3,
    ...                         "description": ["校门口违停", "校门口违停车辆", "路口无斑马线"],
    ...                         "school_name": ["一小"] * 3}, geometry=pts)
    >>> match_records(rec, hz)["outcome"].tolist()
    ['matched', 'matched', 'new']
    """
    rules = rules or MatchRules()
    n = len(records)
    outcome = np.full(n, "new", dtype=object)
    hazard_id = np.full(n, None, dtype=object)
    score, distance = np.full(n, np.nan), np.full(n, np.nan)
    if n:
        records = records.reset_index(drop=True)
        hz = open_hazards.reset_index(drop=True)
        placed_r = (records.geometry.notna() & ~records.geometry.is_empty).to_numpy()
        geoms = np.full(n, None, dtype=object)
        if placed_r.any():
            metric = metric_frame(records[placed_r], name="register records")
            geoms[placed_r] = metric.geometry.to_numpy()
        cat_r, text_r = records["category"].to_numpy(), _texts(records["description"])
        found = [_unplaced(records, hz, placed_r, rules)]
        placed_h = (hz.geometry.notna() & ~hz.geometry.is_empty).to_numpy() if len(hz) else np.zeros(0, bool)
        if placed_r.any() and placed_h.any():
            hj = np.flatnonzero(placed_h)
            hz_geoms = hz.geometry.iloc[hj].to_crs(metric.crs).to_numpy()
            ri = np.flatnonzero(placed_r)
            pairs = _pairs(geoms[ri], hz_geoms, rules.distance_m)
            cat_h, text_h = hz["category"].to_numpy()[hj], _texts(hz["description"].iloc[hj])
            best = _best(cat_r[ri], [text_r[i] for i in ri], cat_h, text_h, pairs)
            found.append(best.assign(i=ri[best["i"].to_numpy(dtype=int)], j=hj[best["j"].to_numpy(dtype=int)]))
        fresh = _fresh(records)
        ids = hz["hazard_id"].to_numpy() if len(hz) else np.array([], dtype=object)
        for part in found:  # the placed candidates come last and win, as before
            i, j, s = part["i"].to_numpy(dtype=int), part["j"].to_numpy(dtype=int), part["score"].to_numpy(float)
            ok = fresh[i] & (s >= rules.review_score)
            i, j, s, d = i[ok], j[ok], s[ok], part["distance_m"].to_numpy(float)[ok]
            outcome[i] = np.where(s >= rules.match_score, "matched", "review")
            hazard_id[i], score[i], distance[i] = ids[j], s, d
        _within_batch(geoms, cat_r, text_r, fresh, (outcome, hazard_id, score, distance), rules)
    return pd.DataFrame({"outcome": outcome, "hazard_id": hazard_id, "score": score, "distance_m": distance})


def _within_batch(
    geoms: np.ndarray,
    cats: np.ndarray,
    texts: list[str],
    fresh: np.ndarray,
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    rules: MatchRules,
) -> None:
    """Mark records that repeat an earlier new record of the same batch (``batch:<i>``), in place."""
    outcome, hazard_id, score, distance = out
    placed = np.array([g is not None for g in geoms], dtype=bool)
    new = np.flatnonzero((outcome == "new") & placed)
    if len(new) < 2:
        return
    ia, jb, dist = _pairs(geoms[new], geoms[new], rules.distance_m)
    keep = ia > jb
    sub_texts = [texts[k] for k in new]
    best = _best(cats[new], sub_texts, cats[new], sub_texts, (ia[keep], jb[keep], dist[keep]))
    best = best[best["score"] >= rules.match_score]
    # in record order: a record repeats an earlier one only while that one is still new
    for bi, bj, s, d in zip(best["i"], best["j"], best["score"], best["distance_m"], strict=True):
        i, j = new[int(bi)], new[int(bj)]
        if outcome[j] != "new" or not fresh[i]:
            continue
        outcome[i], hazard_id[i], score[i], distance[i] = "matched", f"batch:{j}", s, d
