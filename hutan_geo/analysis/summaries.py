"""Counts: hazards around each school, and schools and hazards per area (township or precinct)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from hutan_geo.analysis.hazards import open_mask, split_placed
from hutan_geo.analysis.proximity import Measure, hazards_within
from hutan_geo.analysis.sites import SchoolSites, as_sites, school_columns
from hutan_geo.model.frames import check_frame, metric_frame
from hutan_geo.model.schema import CATEGORIES, SEVERITIES, STATUSES

if TYPE_CHECKING:
    import geopandas as gpd

    from hutan_geo.analysis.rulecheck import RuleCheck

__all__ = ["AreaSummary", "SchoolCounts", "area_summary", "school_counts"]


def _count_columns(placed: gpd.GeoDataFrame, hi: np.ndarray, group: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    """Count hazards per group: total, open/closed, by category, severity, status, category x open."""
    out: dict[str, np.ndarray] = {"n_hazards": np.bincount(group, minlength=n_groups)}
    is_open = open_mask(placed)[hi]
    out["n_open"] = np.bincount(group[is_open], minlength=n_groups)
    out["n_closed"] = out["n_hazards"] - out["n_open"]
    cat = placed["category"].to_numpy()[hi]
    for code in CATEGORIES.codes:
        m = cat == code
        out[f"cat_{code}"] = np.bincount(group[m], minlength=n_groups)
        out[f"open_{code}"] = np.bincount(group[m & is_open], minlength=n_groups)
    if "severity" in placed:
        sev = placed["severity"].to_numpy()[hi]
        for code in SEVERITIES.codes:
            out[f"sev_{code}"] = np.bincount(group[sev == code], minlength=n_groups)
    if "status" in placed:
        st = placed["status"].to_numpy()[hi]
        for code in STATUSES.codes:
            out[f"status_{code}"] = np.bincount(group[st == code], minlength=n_groups)
    return out


@dataclass(frozen=True)
class SchoolCounts:
    """Hazards within a distance of each school, counted.

    Attributes
    ----------
    table
        One row per school (every school, zeros included): ``school_id``,
        ``name``, ``level``, ``township``, ``station``, ``n_hazards``,
        ``n_open``, ``n_closed``, ``cat_<category>``, ``open_<category>``,
        ``sev_<severity>``, ``status_<status>``. A hazard near two schools
        counts for both.
    skipped
        Hazards without a location.
    distance_m, measure
        The zone used.
    """

    table: pd.DataFrame
    skipped: pd.DataFrame
    distance_m: float
    measure: str


def school_counts(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    *,
    distance_m: float = 200.0,
    measure: Measure = "boundary",
) -> SchoolCounts:
    """Count hazards within ``distance_m`` of each school by category, severity and status (open vs closed).

    Open means status 发现/汇总/交办 (or missing), closed 整改完成/销号 (see
    :data:`~hutan_geo.analysis.hazards.OPEN_STATUSES`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1", "H2"], "category": ["traffic"] * 2, "status": ["found", "closed"]},
    ...     geometry=[shapely.Point(500000, 3000050)] * 2, crs=32649)
    >>> school_counts(hz, schools).table.loc[0, ["n_hazards", "n_open", "n_closed", "cat_traffic"]].tolist()
    [2, 1, 1, 2]
    """
    sites = as_sites(sites)
    found = hazards_within(hazards, sites, distance_m, measure=measure)
    n = len(sites.schools)
    table = pd.DataFrame(school_columns(sites.schools))
    counts = _count_columns(found.hazards, found.hazard_index, found.school_index, n)
    for k, v in counts.items():
        table[k] = v
    return SchoolCounts(table, found.skipped, found.distance_m, measure)


@dataclass(frozen=True)
class AreaSummary:
    """Schools and hazards per area (township or police precinct).

    Attributes
    ----------
    table
        One row per area plus, when some fall outside every area, a row with
        ``area`` = None: ``area``, ``n_schools``, ``n_kindergartens``,
        ``n_hazards``, ``n_open``, ``n_closed``, ``cat_<category>``,
        ``open_<category>``, ``sev_<severity>``, ``status_<status>``, and with
        a rule check ``n_violations``, ``n_violations_open``.
    skipped
        Hazards without a location.
    """

    table: pd.DataFrame
    skipped: pd.DataFrame


def _assign_areas(points: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """Area position of each point (the first area that intersects it), -1 outside all."""
    out = np.full(len(points), -1, dtype=np.intp)
    if len(points) == 0 or len(areas) == 0:
        return out
    tree = shapely.STRtree(areas)
    pi, ai = tree.query(points, predicate="intersects")
    order = np.lexsort((ai, pi))
    pi, ai = pi[order], ai[order]
    first = np.ones(len(pi), bool)
    first[1:] = pi[1:] != pi[:-1]
    out[pi[first]] = ai[first]
    return out


def area_summary(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    *,
    name_column: str = "name",
    rule_check: RuleCheck | None = None,
) -> AreaSummary:
    """Count schools and hazards per area by a spatial join (schools by their point, hazards by theirs).

    Parameters
    ----------
    hazards, sites
        As for :func:`~hutan_geo.analysis.proximity.hazards_within`.
    areas
        Township or precinct polygons (e.g. ``demo.townships``,
        ``demo.precincts``).
    name_column
        The areas' name column.
    rule_check
        A :func:`~hutan_geo.analysis.rulecheck.check_rules` result: its
        violations are counted per area of the hazard.

    Examples
    --------
    >>> from hutan_geo.analysis import SchoolSites
    >>> from hutan_geo.demo import load_demo
    >>> demo = load_demo()
    >>> s = area_summary(demo.hazards, SchoolSites.from_district(demo), demo.townships)
    >>> int(s.table["n_hazards"].sum()) + len(s.skipped) == len(demo.hazards)
    True
    """
    sites = as_sites(sites)
    check_frame(areas, "areas", columns=[name_column], geometry="polygon")
    placed, skipped = split_placed(hazards, sites.crs)
    ar = metric_frame(areas, sites.crs, name="areas").reset_index(drop=True)
    n = len(ar)
    h_area = _assign_areas(placed.geometry.to_numpy(), ar.geometry.to_numpy())
    s_area = _assign_areas(sites.points.to_numpy(), ar.geometry.to_numpy())
    outside = bool((h_area < 0).any() or (s_area < 0).any())
    groups = n + 1 if outside else n
    hg = np.where(h_area < 0, n, h_area)
    sg = np.where(s_area < 0, n, s_area)
    table = pd.DataFrame({"area": [*ar[name_column].tolist(), *([None] if outside else [])]})
    table["n_schools"] = np.bincount(sg, minlength=groups)[:groups]
    kg = sites.schools["level"].to_numpy() == "kindergarten"
    table["n_kindergartens"] = np.bincount(sg[kg], minlength=groups)[:groups]
    counts = _count_columns(placed, np.arange(len(placed)), hg, groups)
    for k, v in counts.items():
        table[k] = v[:groups]
    if rule_check is not None:
        v = rule_check.violations
        pos = pd.Index(placed["hazard_id"]).get_indexer(v["hazard_id"])
        vg = hg[pos[pos >= 0]]
        table["n_violations"] = np.bincount(vg, minlength=groups)[:groups]
        vo = v["is_open"].to_numpy()[pos >= 0]
        table["n_violations_open"] = np.bincount(vg[vo], minlength=groups)[:groups]
    return AreaSummary(table, skipped)
