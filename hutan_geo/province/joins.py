"""Province joins: every hazard record to the schools within the rule distances, out of core on Dask.

The hazard records are read with :func:`dask_geopandas.read_parquet` (one
partition per file of the ``hazards/county_id=…`` dataset, at most 250,000
records). Each partition is one task: it picks the schools near its records
(:meth:`ProvinceSites.near`, neighbouring counties included) and calls the
single-machine functions :func:`hutan_geo.analysis.hazards_within` and
:func:`hutan_geo.analysis.check_rules` on them, in the CRS those functions
would use for the county (:func:`county_crs`), so the pairs are exactly the
ones of the single-machine analysis. A task writes its pairs and rule hits to
Parquet (one file per partition, replaced atomically, so a retried task writes
the same file once) and returns only small partial counts, which the client
adds up into the per-school, per-county and per-category tables.

Memory is bounded by one partition per worker thread plus the province's
schools, whatever the number of records.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo import analysis
from hutan_geo.province.sites import ProvinceSites, county_crs

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

__all__ = [
    "CATEGORIES",
    "JOIN_COLUMNS",
    "PartitionResult",
    "ProvinceZones",
    "combine_partitions",
    "partition_keys",
    "straight_rules",
    "zone_partition",
]

#: The hazard columns a province join reads (what the rule check and the counts need).
JOIN_COLUMNS = ["hazard_id", "category", "subtype", "description", "severity", "status", "needs_geocoding", "geometry"]
#: The hazard categories counted per school (the vocabulary's codes).
CATEGORIES = ("traffic", "food_safety", "public_order", "cultural_market", "other")
_SUMMARY = ["n_records", "n_placed", "n_open", "n_in_zone", "n_in_zone_open", "n_violating", "n_violating_open"]


def straight_rules(rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the enabled rules measured in a straight line (boundary, gate); network rules need a network."""
    rules = analysis.rules.load_rules() if rules is None else rules
    return rules[rules["measure"].isin(["boundary", "gate"])].reset_index(drop=True)


@dataclass(frozen=True)
class PartitionResult:
    """What one partition task returns: small partial counts (its pairs and hits are on disk).

    Attributes
    ----------
    key
        The partition's name (``part-00012``).
    summary
        Per county and category: ``n_records``, ``n_placed``, ``n_open``,
        ``n_in_zone`` (records with a school within the zone distance),
        ``n_in_zone_open``, ``n_violating`` (records breaking a prohibition
        rule), ``n_violating_open``.
    schools
        Per school: ``n_hazards``, ``n_open``, ``n_<category>`` (records in its
        zone) and ``n_violations``, ``n_violations_open`` (records breaking a rule at it).
    n_pairs, n_hits
        Rows written to ``pairs/`` and ``violations/``.
    """

    key: str
    summary: pd.DataFrame
    schools: pd.DataFrame
    n_pairs: int
    n_hits: int


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` atomically (a retried task replaces, never duplicates)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)


def _county_of(part: gpd.GeoDataFrame) -> np.ndarray:
    return part["county_id"].astype(str).to_numpy()


def _school_partials(pairs: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Per school: records in its zone (open, by category) and records breaking a rule at it."""
    cols = ["n_hazards", "n_open", *(f"n_{c}" for c in CATEGORIES), "n_violations", "n_violations_open"]
    if pairs.empty and hits.empty:
        return pd.DataFrame(columns=["school_id", *cols]).astype(dict.fromkeys(cols, "int64"))
    dummies = pd.get_dummies(pairs["category"]).reindex(columns=list(CATEGORIES), fill_value=False)
    zone = pd.DataFrame(
        {"school_id": pairs["school_id"].to_numpy(), "n_hazards": 1, "n_open": pairs["is_open"].to_numpy()}
        | {f"n_{c}": dummies[c].to_numpy() for c in CATEGORIES}
    )
    pro = hits[hits["kind"] == "prohibited"].drop_duplicates(["hazard_id", "school_id"])
    viol = pd.DataFrame(
        {"school_id": pro["school_id"].to_numpy(), "n_violations": 1, "n_violations_open": pro["is_open"].to_numpy()}
    )
    both = pd.concat([zone, viol], ignore_index=True).fillna(0)
    return both.groupby("school_id", sort=True)[cols].sum().astype("int64").reset_index()


def _summary(part: gpd.GeoDataFrame, placed: np.ndarray, pairs: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Per county and category, the record counts of one partition."""
    ids = pd.Index(part["hazard_id"].astype(object))  # hashed look-ups: np.isin on objects is quadratic here
    is_open = analysis.open_mask(part)
    in_zone = ids.isin(pairs["hazard_id"].to_numpy(dtype=object))
    violating = ids.isin(hits.loc[hits["kind"] == "prohibited", "hazard_id"].to_numpy(dtype=object))
    frame = pd.DataFrame(
        {
            "county_id": _county_of(part),
            "category": part["category"].astype(object).fillna("other").to_numpy(),
            "n_records": 1,
            "n_placed": placed,
            "n_open": is_open,
            "n_in_zone": in_zone,
            "n_in_zone_open": in_zone & is_open,
            "n_violating": violating,
            "n_violating_open": violating & is_open,
        }
    )
    return frame.groupby(["county_id", "category"], sort=True)[_SUMMARY].sum().astype("int64").reset_index()


def zone_partition(
    part: gpd.GeoDataFrame,
    sites: ProvinceSites,
    *,
    key: str,
    out: str | Path,
    distance_m: float = 200.0,
    rules: pd.DataFrame | None = None,
) -> PartitionResult:
    """Join one partition of hazard records to the schools near it; write pairs and hits; return partial counts.

    Parameters
    ----------
    part
        Hazard records (:data:`JOIN_COLUMNS` and ``county_id``), EPSG:4326, of one county.
    sites
        The province's schools.
    key
        The partition's name; its files are ``out/pairs/<key>.parquet`` and ``out/violations/<key>.parquet``.
    out
        The output folder.
    distance_m
        The school zone (straight line from the campus boundary) of the pairs and the per-school counts.
    rules
        Straight-line distance rules (default :func:`straight_rules`).
    """
    rules = straight_rules(rules)
    part = part.reset_index(drop=True)
    placed = (part.geometry.notna() & ~part.geometry.is_empty).to_numpy()
    county_of = _county_of(part)
    pair_frames, hit_frames = [], []
    margin = max(float(distance_m), float(rules["distance_m"].max()) if len(rules) else 0.0)
    for county in pd.unique(county_of):
        rows = part[(county_of == county) & placed]
        if rows.empty:
            continue
        own = sites.schools["county_id"].to_numpy() == county
        mask = sites.near(tuple(rows.total_bounds), margin)
        crs = county_crs(sites.schools[own] if own.any() else sites.schools[mask])
        prepared = sites.prepare(mask, crs)
        if prepared is None:
            continue
        pair_frames.append(_pairs(rows, prepared, sites, distance_m))
        hit_frames.append(_hits(rows, prepared, sites, rules))
    pairs = pd.concat(pair_frames, ignore_index=True) if pair_frames else _empty_pairs()
    hits = pd.concat(hit_frames, ignore_index=True) if hit_frames else _empty_hits()
    _write(pairs, Path(out) / "pairs" / f"{key}.parquet")
    _write(hits, Path(out) / "violations" / f"{key}.parquet")
    return PartitionResult(
        key, _summary(part, placed, pairs, hits), _school_partials(pairs, hits), len(pairs), len(hits)
    )


_PAIR_COLUMNS = ["hazard_id", "county_id", "school_id", "school_county_id", "category", "is_open", "dist_m"]
_HIT_COLUMNS = [
    "hazard_id",
    "county_id",
    "school_id",
    "school_county_id",
    "category",
    "is_open",
    "rule_id",
    "kind",
    "distance_m",
    "limit_m",
]


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "dist_m" else object) for c in _PAIR_COLUMNS}).astype(
        {"is_open": bool}
    )


def _empty_hits() -> pd.DataFrame:
    floats = ("distance_m", "limit_m")
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in floats else object) for c in _HIT_COLUMNS}).astype(
        {"is_open": bool}
    )


def _school_county(sites: ProvinceSites) -> pd.Series:
    return pd.Series(sites.schools["county_id"].to_numpy(), index=sites.schools["school_id"].to_numpy())


def _pairs(rows: gpd.GeoDataFrame, prepared: Any, sites: ProvinceSites, distance_m: float) -> pd.DataFrame:
    found = analysis.hazards_within(rows, prepared, distance_m)
    pairs = found.pairs
    h = found.hazards.iloc[found.hazard_index]
    return pd.DataFrame(
        {
            "hazard_id": pairs["hazard_id"].to_numpy(dtype=object),
            "county_id": _county_of(h),
            "school_id": pairs["school_id"].to_numpy(dtype=object),
            "school_county_id": _school_county(sites).reindex(pairs["school_id"].to_numpy()).to_numpy(dtype=object),
            "category": h["category"].to_numpy(dtype=object),
            "is_open": analysis.open_mask(h),
            "dist_m": pairs["dist_m"].to_numpy(dtype="float64"),
        }
    )


def _hits(rows: gpd.GeoDataFrame, prepared: Any, sites: ProvinceSites, rules: pd.DataFrame) -> pd.DataFrame:
    v = analysis.check_rules(rows, prepared, rules).violations
    if v.empty:
        return _empty_hits()
    county = pd.Series(_county_of(rows), index=rows["hazard_id"].to_numpy())
    return pd.DataFrame(
        {
            "hazard_id": v["hazard_id"].to_numpy(dtype=object),
            "county_id": county.reindex(v["hazard_id"].to_numpy()).to_numpy(dtype=object),
            "school_id": v["school_id"].to_numpy(dtype=object),
            "school_county_id": _school_county(sites).reindex(v["school_id"].to_numpy()).to_numpy(dtype=object),
            "category": v["category"].to_numpy(dtype=object),
            "is_open": v["is_open"].to_numpy(dtype=bool),
            "rule_id": v["rule_id"].to_numpy(dtype=object),
            "kind": v["kind"].to_numpy(dtype=object),
            "distance_m": v["distance_m"].to_numpy(dtype="float64"),
            "limit_m": v["limit_m"].to_numpy(dtype="float64"),
        }
    )


@dataclass(frozen=True)
class ProvinceZones:
    """The province's hazards in school zones: tables per school, county and category, and where the pairs are.

    Attributes
    ----------
    by_school
        Every school of the province (``county_id``, ``school_id``, ``name``,
        ``level``) with the records in its zone (``n_hazards``, ``n_open``,
        ``n_<category>``) and the records breaking a rule at it
        (``n_violations``, ``n_violations_open``); most open first.
    by_county
        Per county: ``n_records``, ``n_placed``, ``n_not_placed``, ``n_open``,
        ``n_in_zone``, ``n_in_zone_open``, ``n_violating``,
        ``n_violating_open``, ``n_schools``, ``n_schools_with_violations``.
    by_category
        Per category, the same record counts for the province.
    by_county_category
        Per county and category.
    pairs_dir, violations_dir
        Parquet datasets of every (record, school) pair within the zone and every rule hit.
    n_pairs, n_hits, n_partitions
        Their sizes and the number of partitions joined.
    distance_m
        The zone distance.
    """

    by_school: pd.DataFrame
    by_county: pd.DataFrame
    by_category: pd.DataFrame
    by_county_category: pd.DataFrame
    pairs_dir: Path
    violations_dir: Path
    n_pairs: int
    n_hits: int
    n_partitions: int
    distance_m: float


def combine_partitions(
    results: list[PartitionResult], sites: ProvinceSites, out: str | Path, distance_m: float
) -> ProvinceZones:
    """Add up the partial counts of every partition into the province tables."""
    out = Path(out)
    cc = pd.concat([r.summary for r in results], ignore_index=True)
    by_cc = cc.groupby(["county_id", "category"], sort=True)[_SUMMARY].sum().reset_index()
    by_county = by_cc.groupby("county_id", sort=True)[_SUMMARY].sum()
    by_county.insert(2, "n_not_placed", by_county["n_records"] - by_county["n_placed"])
    by_category = by_cc.groupby("category", sort=True)[_SUMMARY].sum().reset_index()
    parts = pd.concat([r.schools for r in results], ignore_index=True)
    counts = parts.groupby("school_id", sort=False).sum()
    base = sites.schools[["county_id", "school_id", "name", "level"]].reset_index(drop=True)
    value_cols = [c for c in parts.columns if c != "school_id"]
    by_school = base.join(counts.reindex(base["school_id"].to_numpy()).reset_index(drop=True)).fillna(
        dict.fromkeys(value_cols, 0)
    )
    by_school[value_cols] = by_school[value_cols].astype("int64")
    n_schools = base.groupby("county_id").size()
    with_v = by_school[by_school["n_violations"] > 0].groupby("county_id").size()
    by_county["n_schools"] = n_schools.reindex(by_county.index).fillna(0).astype("int64")
    by_county["n_schools_with_violations"] = with_v.reindex(by_county.index).fillna(0).astype("int64")
    by_school = by_school.sort_values(["n_open", "n_hazards", "school_id"], ascending=[False, False, True])
    return ProvinceZones(
        by_school=by_school.reset_index(drop=True),
        by_county=by_county.reset_index(),
        by_category=by_category,
        by_county_category=by_cc,
        pairs_dir=out / "pairs",
        violations_dir=out / "violations",
        n_pairs=sum(r.n_pairs for r in results),
        n_hits=sum(r.n_hits for r in results),
        n_partitions=len(results),
        distance_m=float(distance_m),
    )


def partition_keys(n: int) -> list[str]:
    """Return the names of ``n`` partitions (``part-00000`` …)."""
    return [f"part-{i:05d}" for i in range(n)]
