"""School zones and hazard analysis: distances, joins, rule checks, risk scores.

Everything here measures in metres in one metric CRS. Functions take
GeoDataFrames in any CRS and project them (documented automatic projection):
the CRS of :class:`SchoolSites` is chosen once by :func:`prepare_sites`
(the schools' own CRS when it is already projected in metres, otherwise
:func:`hutan_geo.model.crs.local_metric_crs` of the schools), and every other
input is projected to it. Geometry comes back in that metric CRS; use
``.to_crs(4326)`` for web maps.

Distances are exact: candidate pairs come from a :class:`shapely.STRtree`
over the hazards queried with each school's envelope grown by the distance,
and every candidate is decided on its true distance, never on a polygonised
buffer: GEOS's point-to-segment formula evaluated in numpy, operation for
operation (the same numbers as ``shapely.distance``, which is used for
anything else), so the pairs are those of ``STRtree.query(predicate=
"dwithin")``. Distance from the campus boundary is the distance to the
campus polygon, so a hazard inside the campus is at 0 m.

Schools without a campus polygon fall back to their gates (the gates file,
or the school's own point, which the school list places at the main gate):
distances are then measured from the nearest gate, optionally less
``fallback_radius_m`` (a disc standing in for the campus), and every row
that used the fallback says so (``campus_missing``, ``measured_from``).

Hazards without a location (``needs_geocoding``, or no geometry) are never
dropped silently: every result carries a ``skipped`` table listing them
with the reason.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo.analysis.rules import (
    FACILITIES,
    KINDS,
    MEASURES,
    NETWORK_MEASURES,
    facility_levels,
    load_rules,
    match_hazards,
)
from hutan_geo.errors import CRSError, EmptyInputError, InputError, MissingColumnsError
from hutan_geo.model import crs as hcrs
from hutan_geo.model.schema import CATEGORIES, LEVELS, SEVERITIES, STATUSES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from hutan_geo.io.district import District
    from hutan_geo.network._network import RoadNetwork

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "AreaSummary",
    "HazardPairs",
    "NearestSchools",
    "RiskParams",
    "RiskScores",
    "RuleCheck",
    "SchoolCounts",
    "SchoolSites",
    "area_summary",
    "check_rules",
    "export_table",
    "hazards_within",
    "metric_frame",
    "nearest_schools",
    "prepare_sites",
    "risk_scores",
    "school_counts",
    "school_zones",
    "split_placed",
    "walking_zones",
]

log = logging.getLogger("hutan_geo")

#: Statuses counted as open (not yet rectified): 发现, 汇总, 交办. A missing status counts as open.
OPEN_STATUSES: tuple[str, ...] = ("found", "consolidated", "assigned")
#: Statuses counted as closed: 整改完成, 销号.
CLOSED_STATUSES: tuple[str, ...] = ("rectified", "closed")

Measure = Literal["boundary", "gate"]

_SKIP_REASONS = {
    "needs_geocoding": ("待地理编码（无坐标），未参与分析", "to be geocoded (no coordinates): not analysed"),
    "no_geometry": ("无有效坐标，未参与分析", "no usable geometry: not analysed"),
}
_SKIPPED_COLUMNS = ["hazard_id", "category", "description", "address", "reason_code", "reason"]


def _check_lang(lang: str) -> int:
    if lang not in ("zh", "en"):
        msg = f"lang must be 'zh' or 'en'; got {lang!r}"
        raise InputError(msg)
    return 0 if lang == "zh" else 1


# --------------------------------------------------------------------------- CRS


def _is_metric(crs: pyproj.CRS) -> bool:
    if not crs.is_projected:
        return False
    units = {(a.unit_name or "").lower() for a in crs.axis_info}
    return units <= {"metre", "meter", "m"}


def _check_frame(gdf: Any, name: str, *, geometry: str | None = None) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = (
            f"{name} must be a GeoDataFrame; got {type(gdf).__name__}. "
            f"Load it with hutan_geo.io (e.g. load_{name}) or build one with geopandas.points_from_xy"
        )
        raise InputError(msg)
    if gdf.crs is None:
        msg = (
            f"{name} has no CRS; set it first: {name}.set_crs(4326) for longitude/latitude "
            "(what the loaders return) or the projected CRS the coordinates are in"
        )
        raise CRSError(msg)
    if len(gdf):
        geoms = gdf.geometry.to_numpy()
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        if ok.any():
            x0, y0, x1, y1 = shapely.total_bounds(geoms[ok])
            if gdf.crs.is_geographic and (min(x0, y0) < -180.5 or x1 > 360.5 or y1 > 90.5):
                msg = (
                    f"{name} has CRS {gdf.crs.to_string()} (degrees) but coordinates up to "
                    f"({x1:.0f}, {y1:.0f}): they look like metres. Set the CRS the coordinates are in, "
                    f"e.g. {name}.set_crs(32649, allow_override=True)"
                )
                raise CRSError(msg)
            if gdf.crs.utm_zone is not None and max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90:
                msg = (
                    f"{name} has CRS {gdf.crs.to_string()} (metres) but every coordinate is within "
                    "±180/±90: they look like longitude/latitude. Use "
                    f"{name}.set_crs(4326, allow_override=True)"
                )
                raise CRSError(msg)
        if geometry is not None and ok.any():
            types = set(shapely.get_type_id(geoms[ok]).tolist())
            allowed = {"point": {0}, "polygon": {3, 6}}[geometry]
            if not types <= allowed:
                got = sorted({shapely.GeometryType(t).name for t in types - allowed})
                msg = f"{name} must hold {geometry} geometries; got {', '.join(got)}"
                raise InputError(msg)
    return gdf


def metric_frame(gdf: gpd.GeoDataFrame, crs: pyproj.CRS | None = None, *, name: str = "data") -> gpd.GeoDataFrame:
    """Return ``gdf`` in a metric CRS: ``crs`` if given, else its own if metric, else its local UTM zone.

    Geographic input (EPSG:4326, what the loaders return) is projected; this
    is the documented automatic projection every function in this module
    applies. A CRS in feet or other units is projected too.

    Raises
    ------
    CRSError
        ``gdf`` has no CRS, or coordinates contradict the CRS (metres labelled
        as degrees, or degrees labelled as UTM).

    Examples
    --------
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([113.3], [27.6]), crs=4326)
    >>> metric_frame(pts).crs.to_epsg()
    32649
    """
    _check_frame(gdf, name)
    if crs is None:
        if _is_metric(gdf.crs):
            return gdf
        crs = hcrs.local_metric_crs(gdf)
        log.info("%s projected from %s to %s for distances in metres", name, gdf.crs.to_string(), crs.to_string())
    crs = pyproj.CRS.from_user_input(crs)
    if not _is_metric(crs):
        msg = f"metric_crs {crs.to_string()} is not in metres; pass a projected CRS such as EPSG:32649"
        raise CRSError(msg)
    if gdf.crs == crs:
        return gdf
    return gdf.to_crs(crs)


# --------------------------------------------------------------------------- sites


@dataclass(frozen=True)
class SchoolSites:
    """Schools ready for distance work: one site per school, their gates, one metric CRS.

    Attributes
    ----------
    schools
        One row per school (metric CRS): ``school_id``, ``name``, ``level``,
        ``facility`` (``school``/``kindergarten``), ``township``, ``station``,
        ``enrolment`` (when given), ``campus_missing``, ``measured_from``
        (``campus`` or ``gate``: what boundary distances are measured from),
        ``n_gates``; geometry = campus polygon, or the gates (MultiPoint)
        when the campus polygon is missing.
    gates
        One row per gate (metric CRS): ``school_id``, ``gate_name``,
        ``is_main``, ``gate_source`` (``gates`` from the gates table, or
        ``school_point`` when a school has no gate rows: its own point).
    points
        Each school's own point (the main gate in the school list), metric.
    crs
        The metric CRS of every geometry here.
    fallback_radius_m
        Schools without a campus polygon are treated as a disc of this radius
        around each gate (0: measured from the gates themselves).
    issues
        Campus or gate rows that could not be used (unknown school, empty
        geometry), with the reason.
    """

    schools: gpd.GeoDataFrame
    gates: gpd.GeoDataFrame
    points: gpd.GeoSeries
    crs: pyproj.CRS
    fallback_radius_m: float = 0.0
    issues: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def from_district(cls, district: District, **options: Any) -> SchoolSites:
        """Build the sites from a loaded district's schools, campuses and gates.

        Examples
        --------
        >>> from hutan_geo.demo import load_demo
        >>> SchoolSites.from_district(load_demo()).crs.to_epsg()
        32649
        """
        layers = district.layers
        return prepare_sites(layers["schools"], layers.get("campuses"), layers.get("gates"), **options)

    def offsets(self) -> np.ndarray:
        """Per school, the metres subtracted from distances to its site (the fallback disc)."""
        return np.where(self.schools["campus_missing"].to_numpy(), self.fallback_radius_m, 0.0)

    def for_levels(self, levels: Iterable[str]) -> np.ndarray:
        """Boolean mask of the schools whose level is in ``levels``."""
        return self.schools["level"].isin(list(levels)).to_numpy()


def _require(gdf: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        msg = (
            f"{name} lacks column(s) {missing}; columns found: {list(gdf.columns)}. "
            f"Load {name} with hutan_geo.io.load_{name} (it maps Chinese headers to these names)"
        )
        raise MissingColumnsError(msg)


def prepare_sites(
    schools: gpd.GeoDataFrame,
    campuses: gpd.GeoDataFrame | None = None,
    gates: gpd.GeoDataFrame | None = None,
    *,
    metric_crs: pyproj.CRS | str | int | None = None,
    fallback_radius_m: float = 0.0,
) -> SchoolSites:
    """Join schools, campus polygons and gates into :class:`SchoolSites` in one metric CRS.

    Parameters
    ----------
    schools
        The school list (points at the main gate): ``school_id``, ``name``,
        ``level``; ``township``, ``station``, ``enrolment`` are kept when present.
    campuses
        Campus polygons with ``school_id``; several polygons of one school
        are merged. Schools without one fall back to their gates (flagged
        ``campus_missing``).
    gates
        Gate points with ``school_id``, ``gate_name``, ``is_main``. A school
        without gate rows uses its own point as its (main) gate.
    metric_crs
        The CRS for all distance work; default: the schools' CRS if it is
        projected in metres, otherwise their local UTM zone.
    fallback_radius_m
        For schools without a campus polygon, the radius of a disc around
        each gate standing in for the campus (0 = measure from the gates).

    Raises
    ------
    EmptyInputError
        The school list is empty (nothing to measure against).
    MissingColumnsError, CRSError, InputError
        Inputs that cannot be used, with the fix.

    Examples
    --------
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=gpd.points_from_xy([113.30], [27.60]), crs=4326)
    >>> sites = prepare_sites(schools)
    >>> sites.schools[["school_id", "campus_missing", "measured_from"]].values.tolist()
    [['S1', True, 'gate']]
    """
    _check_frame(schools, "schools", geometry="point")
    _require(schools, "schools", ["school_id", "name", "level"])
    if len(schools) == 0:
        msg = "schools is empty: there is nothing to measure against; load a school list with rows"
        raise EmptyInputError(msg)
    if not (isinstance(fallback_radius_m, (int, float)) and math.isfinite(fallback_radius_m)) or fallback_radius_m < 0:
        msg = f"fallback_radius_m must be a number >= 0 (metres); got {fallback_radius_m!r}"
        raise InputError(msg)
    geoms = schools.geometry.to_numpy()
    placed = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    issues: list[dict[str, Any]] = []
    for sid in schools.loc[~placed, "school_id"]:
        issues.append({"dataset": "schools", "school_id": sid, "reason": "school has no location: left out"})
    schools = schools[placed]
    if len(schools) == 0:
        msg = "no school in schools has a location; load the school list with coordinates"
        raise EmptyInputError(msg)
    dup = schools["school_id"].duplicated()
    if dup.any():
        msg = f"school_id values are repeated: {sorted(set(schools.loc[dup, 'school_id']))[:10]}; make them unique"
        raise InputError(msg)
    if metric_crs is None:
        metric_crs = schools.crs if _is_metric(schools.crs) else hcrs.local_metric_crs(schools)
    crs = pyproj.CRS.from_user_input(metric_crs)
    sch = metric_frame(schools, crs, name="schools").reset_index(drop=True)
    ids = sch["school_id"].to_numpy()
    known = pd.Index(ids)

    # gates: the gates table, plus the school's own point for schools without gate rows
    gate_parts = []
    if gates is not None:
        _check_frame(gates, "gates", geometry="point")
        _require(gates, "gates", ["school_id"])
        g = metric_frame(gates, crs, name="gates")
        gg = g.geometry.to_numpy()
        ok = ~(shapely.is_missing(gg) | shapely.is_empty(gg)) & g["school_id"].isin(known).to_numpy()
        for sid in g.loc[~ok, "school_id"]:
            issues.append(
                {"dataset": "gates", "school_id": sid, "reason": "gate names an unknown school or has no location"}
            )
        g = g[ok]
        gate_parts.append(
            gpd.GeoDataFrame(
                {
                    "school_id": g["school_id"].to_numpy(),
                    "gate_name": g["gate_name"].to_numpy() if "gate_name" in g else "",
                    "is_main": g["is_main"].fillna(False).astype(bool).to_numpy() if "is_main" in g else False,
                    "gate_source": "gates",
                },
                geometry=g.geometry.to_numpy(),
                crs=crs,
            )
        )
    have_gates = set(gate_parts[0]["school_id"]) if gate_parts else set()
    own = ~sch["school_id"].isin(have_gates).to_numpy()
    if own.any():
        gate_parts.append(
            gpd.GeoDataFrame(
                {
                    "school_id": ids[own],
                    "gate_name": "正门",
                    "is_main": True,
                    "gate_source": "school_point",
                },
                geometry=sch.geometry.to_numpy()[own],
                crs=crs,
            )
        )
    gate_frame = pd.concat(gate_parts, ignore_index=True) if len(gate_parts) > 1 else gate_parts[0]
    gate_frame = gpd.GeoDataFrame(gate_frame, geometry="geometry", crs=crs)
    gate_frame["_pos"] = known.get_indexer(gate_frame["school_id"])
    gate_frame = gate_frame.sort_values("_pos", kind="stable").reset_index(drop=True)
    n_gates = np.bincount(gate_frame["_pos"].to_numpy(), minlength=len(sch))

    # campus polygons, merged per school
    site = np.full(len(sch), None, dtype=object)
    if campuses is not None:
        _check_frame(campuses, "campuses", geometry="polygon")
        _require(campuses, "campuses", ["school_id"])
        c = metric_frame(campuses, crs, name="campuses")
        cg = c.geometry.to_numpy()
        ok = ~(shapely.is_missing(cg) | shapely.is_empty(cg)) & c["school_id"].isin(known).to_numpy()
        for sid in c.loc[~ok, "school_id"]:
            issues.append(
                {"dataset": "campuses", "school_id": sid, "reason": "campus names an unknown school or has no polygon"}
            )
        c, cg = c[ok], cg[ok]
        bad = ~shapely.is_valid(cg)
        if bad.any():
            cg = cg.copy()
            cg[bad] = shapely.make_valid(cg[bad])
        pos = known.get_indexer(c["school_id"])
        counts = np.bincount(pos, minlength=len(sch))
        single = counts[pos] == 1
        site[pos[single]] = cg[single]
        for p in np.unique(pos[~single]):
            site[p] = shapely.union_all(cg[pos == p])
    campus_missing = shapely.is_missing(site.astype(object))
    if campus_missing.any():
        gpos = gate_frame["_pos"].to_numpy()
        order = np.argsort(gpos, kind="stable")
        starts = np.searchsorted(gpos[order], np.arange(len(sch)))
        gpts = gate_frame.geometry.to_numpy()[order]
        for p in np.flatnonzero(campus_missing):
            members = gpts[starts[p] : starts[p] + n_gates[p]]
            site[p] = members[0] if len(members) == 1 else shapely.multipoints(shapely.get_coordinates(members))
        log.info(
            "%d of %d schools have no campus polygon: distances from their gates (fallback radius %.0f m)",
            int(campus_missing.sum()),
            len(sch),
            fallback_radius_m,
        )
    raw_levels = sch["level"].astype(object).to_numpy()
    parsed = {v: LEVELS.parse(v) if isinstance(v, str) else None for v in pd.unique(raw_levels)}
    unknown = [v for v, code in parsed.items() if code is None]
    if unknown:
        msg = (
            f"schools: level values {unknown[:5]} are not school levels; accepted: {LEVELS.accepted('en')}. "
            "Load the school list with hutan_geo.io.load_schools, which maps 小学/初中/... to these codes"
        )
        raise InputError(msg)
    level = np.array([parsed[v] for v in raw_levels], dtype=object)
    table: dict[str, Any] = {
        "school_id": ids,
        "name": sch["name"].to_numpy(),
        "level": level,
        "facility": np.where(level == "kindergarten", "kindergarten", "school"),
    }
    for col in ("township", "station", "enrolment"):
        if col in sch.columns:
            table[col] = sch[col].to_numpy()
    table["campus_missing"] = campus_missing
    table["measured_from"] = np.where(campus_missing, "gate", "campus")
    table["n_gates"] = n_gates
    out = gpd.GeoDataFrame(table, geometry=site, crs=crs)
    issues_frame = pd.DataFrame(issues, columns=["dataset", "school_id", "reason"])
    return SchoolSites(
        schools=out,
        gates=gate_frame.drop(columns="_pos").assign(school_pos=gate_frame["_pos"].to_numpy()),
        points=gpd.GeoSeries(sch.geometry.to_numpy(), crs=crs),
        crs=crs,
        fallback_radius_m=float(fallback_radius_m),
        issues=issues_frame,
    )


def _as_sites(sites: SchoolSites | gpd.GeoDataFrame) -> SchoolSites:
    if isinstance(sites, SchoolSites):
        return sites
    if isinstance(sites, gpd.GeoDataFrame):
        return prepare_sites(sites)
    msg = f"sites must be SchoolSites (from prepare_sites) or a school GeoDataFrame; got {type(sites).__name__}"
    raise InputError(msg)


# --------------------------------------------------------------------------- hazards


def split_placed(
    hazards: gpd.GeoDataFrame, crs: pyproj.CRS | None = None, *, lang: str = "zh"
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Split hazards into those with a location (projected to ``crs``) and those skipped.

    Returns
    -------
    placed
        Hazards with a point, in ``crs`` (metric), index reset.
    skipped
        ``hazard_id``, ``category``, ``description``, ``address``,
        ``reason_code`` (``needs_geocoding`` or ``no_geometry``) and
        ``reason``, one row per hazard left out.

    Examples
    --------
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1", "H2"], "category": ["traffic", "other"],
    ...     "needs_geocoding": [False, True]}, geometry=[shapely.Point(113.3, 27.6), None], crs=4326)
    >>> placed, skipped = split_placed(hz)
    >>> len(placed), skipped["reason_code"].tolist()
    (1, ['needs_geocoding'])
    """
    i = _check_lang(lang)
    _check_frame(hazards, "hazards", geometry="point")
    _require(hazards, "hazards", ["hazard_id", "category"])
    geoms = hazards.geometry.to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if ok.all():
        placed = hazards
        skipped = pd.DataFrame({c: pd.Series(dtype=object) for c in _SKIPPED_COLUMNS})
    else:
        placed = hazards[ok]
        lost = hazards[~ok]
        geo = (
            lost["needs_geocoding"].fillna(False).astype(bool).to_numpy()
            if "needs_geocoding" in lost
            else np.zeros(len(lost), bool)
        )
        code = np.where(geo, "needs_geocoding", "no_geometry")
        skipped = pd.DataFrame(
            {
                "hazard_id": lost["hazard_id"].to_numpy(),
                "category": lost["category"].to_numpy(),
                "description": lost["description"].to_numpy() if "description" in lost else None,
                "address": lost["address"].to_numpy() if "address" in lost else None,
                "reason_code": code,
                "reason": [_SKIP_REASONS[c][i] for c in code],
            }
        )
        log.info("%d of %d hazards have no location and are skipped (listed in .skipped)", len(lost), len(hazards))
    if crs is not None and placed.crs != crs:
        placed = metric_frame(placed, crs, name="hazards") if len(placed) else placed.set_crs(crs, allow_override=True)
    index = placed.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        placed = placed.reset_index(drop=True)
    return placed, skipped


def _is_open(status: pd.Series) -> np.ndarray:
    return ~status.isin(CLOSED_STATUSES).to_numpy()


# --------------------------------------------------------------------------- the exact pair kernel


#: Polygons with at most this many edges get their distances in numpy (GEOS's formula), others from GEOS.
_NUMPY_MAX_SEGMENTS = 512
#: Point-to-edge evaluations per numpy batch (memory: about 100 bytes each).
_NUMPY_BATCH = 1_000_000


@dataclass(frozen=True)
class _Edges:
    """The boundary edges (every ring: shells and holes) of polygon sites, grouped by site."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    count: np.ndarray  # edges per site (0: not handled in numpy)
    start: np.ndarray  # first edge of each site

    @classmethod
    def of(cls, site_geoms: np.ndarray) -> _Edges:
        n = len(site_geoms)
        polygonal = np.flatnonzero(np.isin(shapely.get_type_id(site_geoms), (3, 6)))
        parts, part_site = shapely.get_parts(site_geoms[polygonal], return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same = coord_ring[1:] == coord_ring[:-1]
        edge_site = polygonal[part_site[ring_part[coord_ring[:-1][same]]]]
        count = np.bincount(edge_site, minlength=n)
        count[count > _NUMPY_MAX_SEGMENTS] = 0
        keep = count[edge_site] > 0
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        return cls(
            coords[:-1, 0][same][keep],
            coords[:-1, 1][same][keep],
            coords[1:, 0][same][keep],
            coords[1:, 1][same][keep],
            count,
            start,
        )

    def distance(self, px: np.ndarray, py: np.ndarray, site: np.ndarray) -> np.ndarray:
        """Distance of each point to its site's polygon (0 inside), as GEOS computes it.

        Per edge, GEOS's ``Distance::pointToSegment`` in the same operation
        order; the minimum over the edges; 0 when an even-odd ray crossing
        count puts the point inside (shells and holes alike).
        """
        out = np.empty(len(site))
        counts = self.count[site]
        total = np.cumsum(counts)
        cuts = np.searchsorted(total, np.arange(_NUMPY_BATCH, int(total[-1]) if len(total) else 0, _NUMPY_BATCH))
        bounds = np.unique(np.concatenate([[0], cuts, [len(site)]]))
        for lo, hi in itertools.pairwise(bounds.tolist()):
            sel = slice(lo, hi)
            c = counts[sel]
            first = np.cumsum(c) - c
            pair = np.repeat(np.arange(hi - lo), c)
            k = self.start[site[sel]][pair] + (np.arange(int(c.sum())) - first[pair])
            ax, ay, bx, by = self.x0[k], self.y0[k], self.x1[k], self.y1[k]
            qx, qy = px[sel][pair], py[sel][pair]
            ex, ey = bx - ax, by - ay
            len2 = ex * ex + ey * ey
            dxa, dya = qx - ax, qy - ay
            dxb, dyb = qx - bx, qy - by
            with np.errstate(divide="ignore", invalid="ignore"):
                r = (dxa * ex + dya * ey) / len2
                s = ((ay - qy) * ex - (ax - qx) * ey) / len2
                crosses = ((ay > qy) != (by > qy)) & (qx < ex * (qy - ay) / ey + ax)
            d = np.where(
                (len2 == 0) | (r <= 0.0),
                np.sqrt(dxa * dxa + dya * dya),
                np.where(r >= 1.0, np.sqrt(dxb * dxb + dyb * dyb), np.abs(s) * np.sqrt(len2)),
            )
            nearest = np.minimum.reduceat(d, first)
            inside = np.add.reduceat(crosses.astype(np.int64), first) % 2 == 1
            out[sel] = np.where(inside, 0.0, nearest)
        return out


def _pairs_kernel(
    hazard_geoms: np.ndarray,
    site_geoms: np.ndarray,
    distance_m: float,
    *,
    offsets: np.ndarray | None = None,
    n_jobs: int = 1,
    chunk: int = 2048,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (hazard, site) pair with ``distance - offset <= distance_m``, exactly.

    An STRtree over the hazards is queried with each site's envelope grown by
    ``distance_m + offset``; each candidate is decided on its exact distance:
    for point hazards, in numpy for point sites and for polygons of up to
    :data:`_NUMPY_MAX_SEGMENTS` edges (GEOS's own formula, operation for
    operation), otherwise ``shapely.distance``. Returns hazard positions, site
    positions and distances (offset subtracted, floored at 0), sorted by
    hazard then site.
    """
    n_h, n_s = len(hazard_geoms), len(site_geoms)
    if n_h == 0 or n_s == 0:
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0, float)
    reach = np.full(n_s, float(distance_m)) if offsets is None else distance_m + offsets
    tree = shapely.STRtree(hazard_geoms)
    b = shapely.bounds(site_geoms)
    boxes = shapely.box(b[:, 0] - reach, b[:, 1] - reach, b[:, 2] + reach, b[:, 3] + reach)
    site_type = shapely.get_type_id(site_geoms)
    hxy = shapely.get_coordinates(hazard_geoms)
    hazard_points = len(hxy) == n_h and bool((shapely.get_type_id(hazard_geoms) == 0).all())
    site_is_point = site_type == 0
    sxy = np.full((n_s, 2), np.nan)
    if site_is_point.any():
        sxy[site_is_point] = shapely.get_coordinates(site_geoms[site_is_point])
    edges = _Edges.of(site_geoms) if hazard_points and np.isin(site_type, (3, 6)).any() else None
    in_numpy = np.zeros(n_s, bool) if edges is None else edges.count > 0

    def job(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        stop = min(n_s, start + chunk)
        si, hi = tree.query(boxes[start:stop])
        si = si + start
        d = np.empty(len(si))
        point = site_is_point[si] if hazard_points else np.zeros(len(si), bool)
        if point.any():
            dx = hxy[hi[point], 0] - sxy[si[point], 0]
            dy = hxy[hi[point], 1] - sxy[si[point], 1]
            d[point] = np.sqrt(dx * dx + dy * dy)
        poly = in_numpy[si]
        if poly.any() and edges is not None:
            d[poly] = edges.distance(hxy[hi[poly], 0], hxy[hi[poly], 1], si[poly])
        rest = ~(point | poly)
        if rest.any():
            d[rest] = shapely.distance(hazard_geoms[hi[rest]], site_geoms[si[rest]])
        if offsets is not None:
            d = np.maximum(d - offsets[si], 0.0)
        keep = d <= distance_m
        return hi[keep], si[keep], d[keep]

    starts = range(0, n_s, chunk)
    if n_jobs > 1 and n_s > chunk:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            parts = list(pool.map(job, starts))
    else:
        parts = [job(s) for s in starts]
    hi = np.concatenate([p[0] for p in parts])
    si = np.concatenate([p[1] for p in parts])
    d = np.concatenate([p[2] for p in parts])
    order = np.argsort(hi.astype(np.int64) * n_s + si)  # keys are unique: by hazard, then site
    return hi[order], si[order], d[order]


def _n_jobs(n_jobs: int | None) -> int:
    if n_jobs is None:
        return os.cpu_count() or 1
    if not isinstance(n_jobs, int) or n_jobs < 1:
        msg = f"n_jobs must be a positive integer or None (all cores); got {n_jobs!r}"
        raise InputError(msg)
    return n_jobs


def _check_distance(value: float, name: str) -> float:
    if not isinstance(value, (int, float, np.floating, np.integer)) or not math.isfinite(value) or value < 0:
        msg = f"{name} must be a distance in metres >= 0; got {value!r}"
        raise InputError(msg)
    return float(value)


@dataclass(frozen=True)
class HazardPairs:
    """Every (hazard, school) pair within a distance, with the exact distance.

    Attributes
    ----------
    pairs
        ``hazard_id``, ``school_id``, ``dist_m``, ``measured_from``
        (``campus``, ``gate`` when a boundary distance fell back to the gates,
        or the gate's name for ``measure="gate"``), ``campus_missing``;
        sorted by hazard, then school.
    hazard_index, school_index
        Positions of each pair's hazard in ``hazards`` and school in
        ``sites.schools``.
    hazards
        The placed hazards (metric CRS) the positions refer to.
    skipped
        Hazards without a location (see :func:`split_placed`).
    distance_m, measure
        The query.
    """

    pairs: pd.DataFrame
    hazard_index: np.ndarray
    school_index: np.ndarray
    hazards: gpd.GeoDataFrame
    skipped: pd.DataFrame
    distance_m: float
    measure: str


def _gate_pairs(
    placed: gpd.GeoDataFrame, sites: SchoolSites, distance_m: float, *, school_mask: np.ndarray | None, n_jobs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs within ``distance_m`` of a school's nearest gate: hazard pos, school pos, dist, gate pos."""
    gates = sites.gates
    gpos = gates["school_pos"].to_numpy()
    gsel = np.arange(len(gates)) if school_mask is None else np.flatnonzero(school_mask[gpos])
    hi, gi, d = _pairs_kernel(placed.geometry.to_numpy(), gates.geometry.to_numpy()[gsel], distance_m, n_jobs=n_jobs)
    gi = gsel[gi]
    si = gpos[gi]
    # nearest gate per (hazard, school): pairs are sorted by hazard then distance
    order = np.lexsort((d, si, hi))
    hi, si, d, gi = hi[order], si[order], d[order], gi[order]
    first = np.ones(len(hi), bool)
    first[1:] = (hi[1:] != hi[:-1]) | (si[1:] != si[:-1])
    return hi[first], si[first], d[first], gi[first]  # still sorted by hazard, then school


def _site_pairs(
    placed: gpd.GeoDataFrame, sites: SchoolSites, distance_m: float, *, school_mask: np.ndarray | None, n_jobs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sel = np.arange(len(sites.schools)) if school_mask is None else np.flatnonzero(school_mask)
    offsets = sites.offsets()[sel]
    hi, si, d = _pairs_kernel(
        placed.geometry.to_numpy(),
        sites.schools.geometry.to_numpy()[sel],
        distance_m,
        offsets=offsets if offsets.any() else None,
        n_jobs=n_jobs,
    )
    return hi, sel[si], d


def hazards_within(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    distance_m: float = 200.0,
    *,
    measure: Measure = "boundary",
    n_jobs: int | None = 1,
) -> HazardPairs:
    """Find every school within ``distance_m`` of each hazard, with the exact distance.

    Parameters
    ----------
    hazards
        Hazard points (any CRS; projected to the sites' metric CRS). Hazards
        without a location are skipped and listed in ``skipped``.
    sites
        From :func:`prepare_sites` (a bare school GeoDataFrame is prepared
        without campuses or gates).
    distance_m
        The distance in metres; pairs with distance ``<= distance_m`` count.
    measure
        ``"boundary"``: straight line from the campus boundary (0 inside the
        campus; from the gates for schools without a campus polygon);
        ``"gate"``: straight line from the school's nearest gate.
    n_jobs
        Threads for the query (shapely releases the GIL); ``None`` = all cores.

    Examples
    --------
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1", "H2"], "category": ["traffic", "other"]},
    ...     geometry=[shapely.Point(500000, 3000150), shapely.Point(500300, 3000000)], crs=32649)
    >>> hazards_within(hz, schools, 200).pairs[["hazard_id", "school_id", "dist_m"]].values.tolist()
    [['H1', 'S1', 150.0]]
    """
    sites = _as_sites(sites)
    distance_m = _check_distance(distance_m, "distance_m")
    if measure not in ("boundary", "gate"):
        msg = (
            f"measure must be 'boundary' (straight line from the campus boundary) or 'gate' (from the nearest "
            f"gate); got {measure!r}. Network distances: hutan_geo.analysis.zones.nearest_schools(network=...)"
        )
        raise InputError(msg)
    jobs = _n_jobs(n_jobs)
    placed, skipped = split_placed(hazards, sites.crs)
    sch = sites.schools
    if measure == "gate":
        hi, si, d, gi = _gate_pairs(placed, sites, distance_m, school_mask=None, n_jobs=jobs)
        measured_from = sites.gates["gate_name"].to_numpy()[gi]
    else:
        hi, si, d = _site_pairs(placed, sites, distance_m, school_mask=None, n_jobs=jobs)
        measured_from = sch["measured_from"].to_numpy()[si]
    pairs = pd.DataFrame(
        {
            "hazard_id": placed["hazard_id"].to_numpy()[hi],
            "school_id": sch["school_id"].to_numpy()[si],
            "dist_m": d,
            "measured_from": measured_from,
            "campus_missing": sch["campus_missing"].to_numpy()[si],
        }
    )
    return HazardPairs(pairs, hi, si, placed, skipped, distance_m, measure)


# --------------------------------------------------------------------------- nearest school


@dataclass(frozen=True)
class NearestSchools:
    """The nearest school of each placed hazard.

    Attributes
    ----------
    table
        ``hazard_id``, ``school_id``, ``school_name``, ``dist_m`` (straight
        line from the campus boundary, or the gates when the campus is
        missing), ``campus_missing``; with a network also ``net_school_id``,
        ``net_school_name``, ``net_dist_m`` (the nearest school by walking
        distance along roads, to its nearest gate; nan when none within
        ``network_max_m``), ``net_dist_to_nearest_m`` (walking distance to the
        straight-line nearest school) and ``net_snapped`` (whether the hazard
        is within the network's snapping limit of a walkable road).
    skipped
        Hazards without a location.
    """

    table: pd.DataFrame
    skipped: pd.DataFrame


def _nearest_site(
    hazard_geoms: np.ndarray, sites: SchoolSites, max_dist_m: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest school position and distance per hazard (-1 / nan when none within max_dist_m)."""
    n = len(hazard_geoms)
    best_pos = np.full(n, -1, dtype=np.intp)
    best_d = np.full(n, np.inf)
    site_geoms = sites.schools.geometry.to_numpy()
    offsets = sites.offsets()
    for group in np.unique(offsets):
        sel = np.flatnonzero(offsets == group)
        tree = shapely.STRtree(site_geoms[sel])
        kw: dict[str, Any] = {"return_distance": True, "all_matches": False}
        if max_dist_m is not None:
            kw["max_distance"] = max_dist_m + group
        (hi, ti), d = tree.query_nearest(hazard_geoms, **kw)
        d = np.maximum(d - group, 0.0)
        better = d < best_d[hi]
        best_pos[hi[better]] = sel[ti[better]]
        best_d[hi[better]] = d[better]
    if max_dist_m is not None:
        far = best_d > max_dist_m
        best_pos[far] = -1
        best_d[far] = np.inf
    best_d[best_pos < 0] = np.nan
    return best_pos, best_d


def nearest_schools(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    *,
    network: RoadNetwork | None = None,
    max_dist_m: float | None = None,
    network_max_m: float = 3000.0,
) -> NearestSchools:
    """Find the nearest school of each hazard, by straight line and (with a network) along roads.

    Parameters
    ----------
    hazards, sites
        As for :func:`hazards_within`.
    network
        A :class:`hutan_geo.network.RoadNetwork`; when given, the walking
        distance along roads is added (see :class:`NearestSchools`).
    max_dist_m
        Only schools within this straight-line distance count (none: nan).
    network_max_m
        Walking distances are searched up to this many metres: only gates
        within it in a straight line are routed to (a walk is never shorter),
        so the nearest school on foot is exact when it is within this distance.

    Examples
    --------
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1", "S2"], "name": ["一小", "二小"], "level": ["primary"] * 2},
    ...     geometry=[shapely.Point(500000, 3000000), shapely.Point(501000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"]},
    ...     geometry=[shapely.Point(500900, 3000000)], crs=32649)
    >>> nearest_schools(hz, schools).table[["hazard_id", "school_id", "dist_m"]].values.tolist()
    [['H1', 'S2', 100.0]]
    """
    sites = _as_sites(sites)
    if max_dist_m is not None:
        max_dist_m = _check_distance(max_dist_m, "max_dist_m")
    placed, skipped = split_placed(hazards, sites.crs)
    pos, d = _nearest_site(placed.geometry.to_numpy(), sites, max_dist_m)
    sch = sites.schools
    found = pos >= 0
    take = np.where(found, pos, 0)
    table = pd.DataFrame(
        {
            "hazard_id": placed["hazard_id"].to_numpy(),
            "school_id": np.where(found, sch["school_id"].to_numpy()[take], None),
            "school_name": np.where(found, sch["name"].to_numpy()[take], None),
            "dist_m": d,
            "campus_missing": np.where(found, sch["campus_missing"].to_numpy()[take], False),
        }
    )
    if network is not None:
        network_max_m = _check_distance(network_max_m, "network_max_m")
        ctx = _NetworkContext(_check_network(network), placed, sites)
        hi, gi, _ = _pairs_kernel(placed.geometry.to_numpy(), sites.gates.geometry.to_numpy(), network_max_m)
        walk = ctx.pair_dist(hi, gi, "walk")
        ok = np.isfinite(walk) & (walk <= network_max_m)
        hi, gi, walk = hi[ok], gi[ok], walk[ok]
        si = sites.gates["school_pos"].to_numpy()[gi]
        n = len(placed)
        best = np.full(n, np.inf)
        best_school = np.full(n, -1, dtype=np.intp)
        order = np.lexsort((walk, hi))
        first = np.ones(len(order), bool)
        first[1:] = hi[order][1:] != hi[order][:-1]
        pick = order[first]
        best[hi[pick]] = walk[pick]
        best_school[hi[pick]] = si[pick]
        to_nearest = np.full(n, np.inf)
        same = si == pos[hi]
        np.minimum.at(to_nearest, hi[same], walk[same])
        found_net = best_school >= 0
        take = np.where(found_net, best_school, 0)
        table["net_school_id"] = np.where(found_net, sch["school_id"].to_numpy()[take], None)
        table["net_school_name"] = np.where(found_net, sch["name"].to_numpy()[take], None)
        table["net_dist_m"] = np.where(found_net, best, np.nan)
        table["net_dist_to_nearest_m"] = np.where(np.isfinite(to_nearest), to_nearest, np.nan)
        table["net_snapped"] = ctx.hazard_snap("walk")["snapped"].to_numpy(bool)
    return NearestSchools(table, skipped)


# --------------------------------------------------------------------------- counts and summaries


def _count_columns(placed: gpd.GeoDataFrame, hi: np.ndarray, group: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    """Count hazards per group: total, open/closed, by category, severity, status, category x open."""
    out: dict[str, np.ndarray] = {"n_hazards": np.bincount(group, minlength=n_groups)}
    status = placed["status"] if "status" in placed else pd.Series([None] * len(placed))
    is_open = _is_open(status)[hi]
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


def _school_columns(sch: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    cols = ["school_id", "name", "level", "township", "station", "campus_missing"]
    return {c: sch[c].to_numpy() for c in cols if c in sch.columns}


def school_counts(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    *,
    distance_m: float = 200.0,
    measure: Measure = "boundary",
) -> SchoolCounts:
    """Count hazards within ``distance_m`` of each school by category, severity and status (open vs closed).

    Open means status 发现/汇总/交办 (or missing), closed 整改完成/销号 (see
    :data:`OPEN_STATUSES`).

    Examples
    --------
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1", "H2"], "category": ["traffic"] * 2, "status": ["found", "closed"]},
    ...     geometry=[shapely.Point(500000, 3000050)] * 2, crs=32649)
    >>> school_counts(hz, schools).table.loc[0, ["n_hazards", "n_open", "n_closed", "cat_traffic"]].tolist()
    [2, 1, 1, 2]
    """
    sites = _as_sites(sites)
    found = hazards_within(hazards, sites, distance_m, measure=measure)
    n = len(sites.schools)
    table = pd.DataFrame(_school_columns(sites.schools))
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
        As for :func:`hazards_within`.
    areas
        Township or precinct polygons (e.g. ``demo.townships``,
        ``demo.precincts``).
    name_column
        The areas' name column.
    rule_check
        A :func:`check_rules` result: its violations are counted per area of
        the hazard.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> demo = load_demo()
    >>> s = area_summary(demo.hazards, SchoolSites.from_district(demo), demo.townships)
    >>> int(s.table["n_hazards"].sum()) + len(s.skipped) == len(demo.hazards)
    True
    """
    sites = _as_sites(sites)
    _check_frame(areas, "areas", geometry="polygon")
    _require(areas, "areas", [name_column])
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


# --------------------------------------------------------------------------- zones


def school_zones(
    sites: SchoolSites | gpd.GeoDataFrame,
    rings_m: Sequence[float] = (50, 100, 150, 200, 500),
    *,
    origin: Measure = "boundary",
    bands: bool = False,
    dissolve_by: str | None = None,
    quad_segs: int = 16,
) -> gpd.GeoDataFrame:
    """Straight-line zones around schools: one polygon per school (or per group) and ring.

    Parameters
    ----------
    sites
        From :func:`prepare_sites`.
    rings_m
        Ring distances in metres, e.g. ``(50, 100, 150, 200, 500)``.
    origin
        ``"boundary"``: buffers of the campus polygon (the legal measure);
        schools without one fall back to buffers of their gates (flagged
        ``campus_missing``). ``"gate"``: union of buffers around each gate.
    bands
        ``False``: each ring is the whole area within ``ring_m``;
        ``True``: only the band between the previous ring and this one.
    dissolve_by
        A school column (e.g. ``"township"``, ``"station"``): zones of the
        schools of each group are merged into one polygon per group and ring.
    quad_segs
        Segments per quarter circle. Zones are for maps; the distance joins
        never use these polygons (they are exact).

    Returns
    -------
    GeoDataFrame in the sites' metric CRS: per school ``school_id``,
    ``name``, ``level``, ``facility``, ``township``, ``station``, ``ring_m``,
    ``inner_m``, ``origin``, ``campus_missing``, ``area_m2``; dissolved:
    the group column, ``ring_m``, ``inner_m``, ``origin``, ``n_schools``,
    ``n_campus_missing``, ``area_m2``.

    Examples
    --------
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> z = school_zones(schools, [100, 200], bands=True)
    >>> z[["ring_m", "inner_m"]].values.tolist(), round(float(z["area_m2"].iloc[1]) / (math.pi * (200**2 - 100**2)), 2)
    ([[100.0, 0.0], [200.0, 100.0]], 1.0)
    """
    sites = _as_sites(sites)
    rings = sorted({_check_distance(r, "rings_m") for r in rings_m})
    if not rings or rings[0] <= 0:
        msg = f"rings_m must be distances in metres > 0, e.g. (50, 100, 200); got {list(rings_m)!r}"
        raise InputError(msg)
    if origin not in ("boundary", "gate"):
        msg = f"origin must be 'boundary' (campus polygon) or 'gate'; got {origin!r}"
        raise InputError(msg)
    sch = sites.schools
    if dissolve_by is not None and dissolve_by not in sch.columns:
        available = [c for c in sch.columns if c != "geometry"]
        msg = f"dissolve_by={dissolve_by!r} is not a school column; available: {available}"
        raise InputError(msg)
    base = sch.geometry.to_numpy()
    offsets = sites.offsets()
    gates = sites.gates
    gpos = gates["school_pos"].to_numpy()
    gpts = gates.geometry.to_numpy()

    def disks(r: float) -> np.ndarray:
        if origin == "boundary":
            return shapely.buffer(base, r + offsets, quad_segs=quad_segs)
        circles = shapely.buffer(gpts, r, quad_segs=quad_segs)
        out = np.empty(len(sch), dtype=object)
        order = np.argsort(gpos, kind="stable")
        bounds = np.searchsorted(gpos[order], np.arange(len(sch) + 1))
        for p in range(len(sch)):
            members = circles[order[bounds[p] : bounds[p + 1]]]
            out[p] = members[0] if len(members) == 1 else shapely.union_all(members)
        return out

    if dissolve_by is None:
        keys = None
        key_values: list[Any] = []
    else:
        keys = sch[dissolve_by].astype(object).where(sch[dissolve_by].notna(), None).to_numpy()
        key_values = list(dict.fromkeys(keys.tolist()))
    frames = []
    previous: np.ndarray | None = None
    for r in rings:
        geoms = disks(r)
        if keys is not None:
            geoms = np.array([shapely.union_all(geoms[keys == k]) for k in key_values], dtype=object)
        ring_geoms = geoms if not bands or previous is None else shapely.difference(geoms, previous)
        inner = 0.0 if not bands or previous is None else rings[rings.index(r) - 1]
        if keys is None:
            part = {
                **{
                    c: sch[c].to_numpy()
                    for c in ("school_id", "name", "level", "facility", "township", "station")
                    if c in sch
                },
                "ring_m": float(r),
                "inner_m": inner,
                "origin": origin,
                "campus_missing": sch["campus_missing"].to_numpy() if origin == "boundary" else False,
            }
        else:
            missing = sch["campus_missing"].to_numpy()
            part = {
                dissolve_by: key_values,
                "ring_m": float(r),
                "inner_m": inner,
                "origin": origin,
                "n_schools": [int((keys == k).sum()) for k in key_values],
                "n_campus_missing": [int(missing[keys == k].sum()) if origin == "boundary" else 0 for k in key_values],
            }
        frame = gpd.GeoDataFrame(part, geometry=ring_geoms, crs=sites.crs)
        frame["area_m2"] = shapely.area(ring_geoms)
        frames.append(frame)
        previous = geoms
    out = pd.concat(frames, ignore_index=True)
    sort_cols = ["school_id", "ring_m"] if dissolve_by is None else ["ring_m"]
    out = out.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=sites.crs)


# --------------------------------------------------------------------------- along the road network


def _check_network(network: object) -> RoadNetwork:
    from hutan_geo.network._network import RoadNetwork

    if not isinstance(network, RoadNetwork):
        msg = (
            f"network must be a hutan_geo.network.RoadNetwork (e.g. network_from_roads(demo.roads)); "
            f"got {type(network).__name__}"
        )
        raise InputError(msg)
    return network


class _NetworkContext:
    """Network distances between hazards and gates, snapping each point once per mode.

    ``walk``: walking distance door to gate: hazard to its nearest walkable
    road (straight), along roads (walking graph: both directions, no national
    highways), road to the gate; never shorter than the straight line from
    the gate. ``road``: distance along the road between the points where the
    gate and the hazard meet the road (driving graph, free flow, the shorter
    of the two directions, so one-way streets count both ways); the hazard
    must lie within the network's snapping limit of a road.
    """

    def __init__(self, net: RoadNetwork, placed: gpd.GeoDataFrame, sites: SchoolSites) -> None:
        self.net = net
        self.placed = placed
        self.sites = sites
        self._snaps: dict[tuple[str, str], pd.DataFrame] = {}

    def _snap(self, what: str, mode: str) -> pd.DataFrame:
        from hutan_geo.network._network import snap_points

        key = (what, mode)
        if key not in self._snaps:
            frame = self.placed if what == "hazards" else self.sites.gates
            snap = snap_points(self.net, frame.geometry.reset_index(drop=True), mode=mode)
            self._snaps[key] = snap
        return self._snaps[key]

    def hazard_snap(self, mode: str) -> pd.DataFrame:
        return self._snap("hazards", mode)

    def pair_dist(self, hi: np.ndarray, gi: np.ndarray, measure: str, *, chunk: int = 64) -> np.ndarray:
        """Network distance of each (hazard position, gate position) pair; nan when not measurable."""
        from hutan_geo.network._network import travel_time_matrix

        mode = "walk" if measure == "walk" else "drive"
        hs, gs = self._snap("hazards", mode), self._snap("gates", mode)
        out = np.full(len(hi), np.nan)
        gates = np.unique(gi)
        for start in range(0, len(gates), chunk):
            block = gates[start : start + chunk]
            sel = np.flatnonzero(np.isin(gi, block))
            dests = np.unique(hi[sel])
            origin_snap = gs.iloc[block]
            dest_snap = hs.iloc[dests]
            origin_snap.attrs["mode"] = dest_snap.attrs["mode"] = mode
            r = np.searchsorted(block, gi[sel])
            c = np.searchsorted(dests, hi[sel])
            m = travel_time_matrix(self.net, origin_snap, dest_snap, mode=mode, profile="free", with_distance=True)
            vals = m.dist_m[r, c]
            if measure == "road":
                back = travel_time_matrix(self.net, dest_snap, origin_snap, mode=mode, profile="free")
                vals = np.fmin(vals, back.dist_m[c, r])
            out[sel] = vals
        if measure == "walk":
            out += hs["snap_dist_m"].to_numpy(float)[hi] + gs["snap_dist_m"].to_numpy(float)[gi]
        return out

    def rule_pairs(
        self, hazard_pos: np.ndarray, limit: float, school_mask: np.ndarray, measure: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """(hazard pos, school pos, distance, gate pos, hazards not measurable) within ``limit`` along roads."""
        gates = self.sites.gates
        gpos = gates["school_pos"].to_numpy()
        gsel = np.flatnonzero(school_mask[gpos])
        # straight line from the gate is a lower bound of the walking distance (road lengths are geodesic,
        # the straight line is in the map projection: 0.5 % covers its scale error); along the road, the
        # two snapping offsets may add up to twice the snapping limit
        reach = 1.005 * limit if measure == "walk" else 1.005 * limit + 2 * float(self.net.params.max_snap_m)
        geoms = self.placed.geometry.to_numpy()[hazard_pos]
        hi, gi, _ = _pairs_kernel(geoms, gates.geometry.to_numpy()[gsel], reach)
        hi, gi = hazard_pos[hi], gsel[gi]
        d = self.pair_dist(hi, gi, measure)
        unmeasured = len(np.setdiff1d(hi[~np.isfinite(d)], hi[np.isfinite(d)]))
        keep = np.isfinite(d) & (d <= limit)
        hi, gi, d = hi[keep], gi[keep], d[keep]
        si = gpos[gi]
        order = np.lexsort((d, si, hi))  # nearest gate per (hazard, school)
        hi, si, d, gi = hi[order], si[order], d[order], gi[order]
        first = np.ones(len(hi), bool)
        first[1:] = (hi[1:] != hi[:-1]) | (si[1:] != si[:-1])
        return hi[first], si[first], d[first], gi[first], unmeasured


def walking_zones(
    sites: SchoolSites | gpd.GeoDataFrame,
    network: RoadNetwork,
    limits_m: Sequence[float] = (200, 500),
    *,
    buffer_m: float = 30.0,
    dissolve_by: str | None = None,
) -> gpd.GeoDataFrame:
    """Build walking zones: the streets reachable on foot from a school's gates within each distance.

    Built with :func:`hutan_geo.network.service_areas` (walking graph; a
    distance limit is a time limit at the network's walking speed): the
    reachable road pieces, cut where the distance runs out, buffered by
    ``buffer_m`` and merged over the school's gates. Distances start where
    each gate meets its nearest road.

    Parameters
    ----------
    sites
        From :func:`prepare_sites`.
    network
        A :class:`hutan_geo.network.RoadNetwork`.
    limits_m
        Walking distances in metres.
    buffer_m
        Half-width of the zone around each reachable street.
    dissolve_by
        A school column (e.g. ``"township"``): one zone per group and limit.

    Returns
    -------
    GeoDataFrame in the sites' metric CRS: per school ``school_id``,
    ``name``, ``level``, ``facility``, ``township``, ``station``,
    ``ring_m`` (the walking distance), ``origin`` (``"walk"``),
    ``area_m2``; dissolved: the group column, ``ring_m``, ``origin``,
    ``n_schools``, ``area_m2``.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.network._network import network_from_roads
    >>> demo = load_demo()
    >>> sites = SchoolSites.from_district(demo)
    >>> z = walking_zones(sites, network_from_roads(demo.roads), [200])
    >>> len(z) == len(sites.schools), z.crs.to_epsg()
    (True, 32649)
    """
    from hutan_geo.network._network import service_areas

    sites = _as_sites(sites)
    net = _check_network(network)
    limits = sorted({_check_distance(v, "limits_m") for v in limits_m})
    if not limits or limits[0] <= 0:
        msg = f"limits_m must be walking distances in metres > 0, e.g. (200, 500); got {list(limits_m)!r}"
        raise InputError(msg)
    sch = sites.schools
    if dissolve_by is not None and dissolve_by not in sch.columns:
        available = [c for c in sch.columns if c != "geometry"]
        msg = f"dissolve_by={dissolve_by!r} is not a school column; available: {available}"
        raise InputError(msg)
    speed = float(net.params.walk_speed_mps)
    gates = sites.gates.geometry.reset_index(drop=True)
    areas = service_areas(net, gates, [v / speed for v in limits], mode="walk", buffer_m=buffer_m)
    areas = areas.to_crs(sites.crs)
    gpos = sites.gates["school_pos"].to_numpy()
    by_limit = {lim: areas[areas["limit_s"] == lim / speed] for lim in limits}
    keys = None if dissolve_by is None else sch[dissolve_by].astype(object).where(sch[dissolve_by].notna(), None)
    groups = list(dict.fromkeys(keys.tolist())) if keys is not None else None
    frames = []
    for lim, part in by_limit.items():
        geo = part.set_index("source").geometry.reindex(range(len(gates))).to_numpy()
        if keys is None:
            merged = np.array([shapely.union_all(geo[gpos == p]) for p in range(len(sch))], dtype=object)
            data = {
                **{
                    c: sch[c].to_numpy()
                    for c in ("school_id", "name", "level", "facility", "township", "station")
                    if c in sch
                },
                "ring_m": float(lim),
                "origin": "walk",
            }
        else:
            kv = keys.to_numpy()
            merged = np.array(
                [shapely.union_all(geo[np.isin(gpos, np.flatnonzero(kv == k))]) for k in groups], dtype=object
            )
            data = {
                dissolve_by: groups,
                "ring_m": float(lim),
                "origin": "walk",
                "n_schools": [int((kv == k).sum()) for k in groups],
            }
        frame = gpd.GeoDataFrame(data, geometry=merged, crs=sites.crs)
        frame["area_m2"] = shapely.area(merged)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    sort_cols = ["school_id", "ring_m"] if dissolve_by is None else ["ring_m"]
    out = out.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=sites.crs)


# --------------------------------------------------------------------------- rule checks


@dataclass(frozen=True)
class RuleCheck:
    """Result of checking hazards against distance rules.

    Attributes
    ----------
    violations
        One row per (hazard, school, rule) hit: ``hazard_id``, ``category``,
        ``description``, ``severity``, ``status``, ``is_open``, ``school_id``,
        ``school_name``, ``level``, ``rule_id``, ``rule`` (its name), ``kind``
        (``prohibited``: a violation; ``zone``: inside a zone where the
        standard applies), ``distance_m`` (measured), ``limit_m``,
        ``measure`` (code), ``measured`` (how, in words), ``measured_from``
        (``campus``; ``gate_fallback`` when a boundary rule had no campus
        polygon and measured from the gates; the gate's name for gate, walk
        and road rules), ``campus_missing``,
        ``source`` (legal source text), ``note``.
    by_rule
        One row per rule: ``rule_id``, ``rule``, ``checked``, ``reason``
        (why not, e.g. no road network), ``n_matching_hazards``, ``n_hits``,
        ``n_hazards_hit``, ``n_schools_hit``, ``n_candidates`` (hazards within
        the limit in straight line from a gate: for unchecked network rules,
        what a survey would have to verify), ``n_unmeasured`` (candidates
        too far from any road to measure along roads).
    skipped
        Hazards without a location.
    rules
        The rules table used.
    """

    violations: pd.DataFrame
    by_rule: pd.DataFrame
    skipped: pd.DataFrame
    rules: pd.DataFrame


_VIOLATION_COLUMNS = [
    "hazard_id",
    "category",
    "description",
    "severity",
    "status",
    "is_open",
    "school_id",
    "school_name",
    "level",
    "rule_id",
    "rule",
    "kind",
    "distance_m",
    "limit_m",
    "measure",
    "measured",
    "measured_from",
    "campus_missing",
    "source",
    "note",
]


def check_rules(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    rules: pd.DataFrame | None = None,
    *,
    network: RoadNetwork | None = None,
    lang: str = "zh",
    n_jobs: int | None = 1,
) -> RuleCheck:
    """Check every placed hazard against distance rules; list each hit with its rule and legal source.

    Parameters
    ----------
    hazards, sites
        As for :func:`hazards_within`.
    rules
        A rules table from :func:`hutan_geo.analysis.rules.load_rules` /
        :func:`~hutan_geo.analysis.rules.merge_rules`; default: the enabled rules
        shipped with the package.
    network
        A :class:`hutan_geo.network.RoadNetwork`, needed by ``walk`` and
        ``road`` rules. Without it those rules are not checked: ``by_rule``
        says so and counts the straight-line candidates.
    lang
        Language of ``rule``, ``measured``, ``source`` and ``note``.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> demo = load_demo()
    >>> check = check_rules(demo.hazards, SchoolSites.from_district(demo))
    >>> hit = check.violations.query("hazard_id == 'YH2026-0128'")
    >>> hit[["school_name", "rule_id", "limit_m"]].values.tolist()
    [['城关中学', 'internet_cafe_200', 200.0]]
    """
    i = _check_lang(lang)
    sites = _as_sites(sites)
    jobs = _n_jobs(n_jobs)
    rules = load_rules() if rules is None else rules
    missing = [c for c in ("rule_id", "category", "match", "facility", "distance_m", "measure") if c not in rules]
    if missing:
        msg = f"rules lack columns {missing}; build them with hutan_geo.analysis.rules.load_rules or merge_rules"
        raise InputError(msg)
    placed, skipped = split_placed(hazards, sites.crs, lang=lang)
    ctx = None if network is None else _NetworkContext(_check_network(network), placed, sites)
    sch = sites.schools
    levels = sch["level"].to_numpy()
    status = placed["status"] if "status" in placed else pd.Series([None] * len(placed))
    is_open = _is_open(status)
    parts: list[pd.DataFrame] = []
    summary: list[dict[str, Any]] = []
    for _, rule in rules.iterrows():
        hz_mask = match_hazards(placed, rule)
        school_mask = np.isin(levels, list(facility_levels(rule["facility"])))
        limit = float(rule["distance_m"])
        measure = rule["measure"]
        name = rule["name_zh"] if i == 0 else rule["name_en"]
        row: dict[str, Any] = {
            "rule_id": rule["rule_id"],
            "rule": name,
            "checked": True,
            "reason": "",
            "n_matching_hazards": int(hz_mask.sum()),
            "n_candidates": 0,
            "n_unmeasured": 0,
        }
        sub = placed[hz_mask]
        sub_pos = np.flatnonzero(hz_mask)
        if measure == "boundary":
            hi, si, d = _site_pairs(sub, sites, limit, school_mask=school_mask, n_jobs=jobs)
            frm = np.where(sch["campus_missing"].to_numpy()[si], "gate_fallback", "campus")
        elif measure not in NETWORK_MEASURES:
            hi, si, d, gi = _gate_pairs(sub, sites, limit, school_mask=school_mask, n_jobs=jobs)
            frm = sites.gates["gate_name"].to_numpy()[gi]
        else:
            hi, si, _, _ = _gate_pairs(sub, sites, limit, school_mask=school_mask, n_jobs=jobs)
            row["n_candidates"] = len(np.unique(hi))
            if ctx is None:
                row["checked"] = False
                row["reason"] = (
                    "需要路网（hutan_geo.network）才能按道路距离核查；已列出直线距离内的候选数"
                    if i == 0
                    else "needs a road network (hutan_geo.network) to measure along roads; "
                    "straight-line candidates counted"
                )
                hi = si = np.empty(0, np.intp)
                d = np.empty(0)
                frm = np.empty(0, dtype=object)
            else:
                hi, si, d, gi, unmeasured = ctx.rule_pairs(sub_pos, limit, school_mask, measure)
                hi = np.searchsorted(sub_pos, hi)  # positions within the matching hazards
                frm = sites.gates["gate_name"].to_numpy()[gi]
                row["n_unmeasured"] = unmeasured
        hpos = sub_pos[hi]
        row["n_hits"] = len(hi)
        row["n_hazards_hit"] = len(np.unique(hi))
        row["n_schools_hit"] = len(np.unique(si))
        summary.append(row)
        if len(hi) == 0:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "hazard_id": placed["hazard_id"].to_numpy()[hpos],
                    "category": placed["category"].to_numpy()[hpos],
                    "description": placed["description"].to_numpy()[hpos] if "description" in placed else None,
                    "severity": placed["severity"].to_numpy()[hpos] if "severity" in placed else None,
                    "status": status.to_numpy()[hpos],
                    "is_open": is_open[hpos],
                    "school_id": sch["school_id"].to_numpy()[si],
                    "school_name": sch["name"].to_numpy()[si],
                    "level": levels[si],
                    "rule_id": rule["rule_id"],
                    "rule": name,
                    "kind": rule.get("kind", "prohibited"),
                    "distance_m": d,
                    "limit_m": limit,
                    "measure": measure,
                    "measured": MEASURES.labels[measure][i],
                    "measured_from": frm,
                    "campus_missing": sch["campus_missing"].to_numpy()[si],
                    "source": rule["source"] if i == 0 else rule.get("source_en", rule["source"]),
                    "note": rule.get("note_zh", "") if i == 0 else rule.get("note_en", ""),
                }
            )
        )
    violations = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype=float if c.endswith("_m") else object) for c in _VIOLATION_COLUMNS})
    )
    by_rule = pd.DataFrame(
        summary,
        columns=[
            "rule_id",
            "rule",
            "checked",
            "reason",
            "n_matching_hazards",
            "n_hits",
            "n_hazards_hit",
            "n_schools_hit",
            "n_candidates",
            "n_unmeasured",
        ],
    )
    if not by_rule["checked"].all():
        log.warning(
            "rules %s measure along roads and were not checked: pass network=",
            ", ".join(by_rule.loc[~by_rule["checked"], "rule_id"]),
        )
    return RuleCheck(violations, by_rule, skipped, rules)


# --------------------------------------------------------------------------- risk


_DEFAULT_CATEGORY_WEIGHTS = {
    "traffic": 1.0,
    "public_order": 0.8,
    "cultural_market": 0.8,
    "food_safety": 0.6,
    "other": 0.4,
}
_DEFAULT_SEVERITY_WEIGHTS = {"low": 1.0, "medium": 2.0, "high": 4.0}


@dataclass(frozen=True)
class RiskParams:
    """Weights of the per-school risk score (see :func:`risk_scores`).

    Parameters
    ----------
    radius_m
        Hazards within this straight-line distance of the campus boundary count.
    category_weights
        Weight per hazard category; categories not given keep the defaults
        (traffic 1.0, public_order 0.8, cultural_market 0.8, food_safety 0.6, other 0.4).
    severity_weights
        Weight per severity (defaults low 1, medium 2, high 4); a hazard
        without a severity counts as medium.
    closed_weight
        Weight of a closed hazard (整改完成/销号) relative to an open one (1).
    decay
        ``"linear"``: ``1 - d / radius_m``; ``"none"``: 1 within the radius.

    Examples
    --------
    >>> RiskParams(category_weights={"traffic": 2.0}).category_weights["traffic"]
    2.0
    >>> RiskParams(closed_weight=2)
    Traceback (most recent call last):
    ...
    hutan_geo.errors.InputError: closed_weight must be within [0, 1]; got 2
    """

    radius_m: float = 300.0
    category_weights: Mapping[str, float] = field(default_factory=lambda: dict(_DEFAULT_CATEGORY_WEIGHTS))
    severity_weights: Mapping[str, float] = field(default_factory=lambda: dict(_DEFAULT_SEVERITY_WEIGHTS))
    closed_weight: float = 0.1
    decay: Literal["linear", "none"] = "linear"

    def __post_init__(self) -> None:
        """Check every weight; fill categories and severities not given with the defaults."""
        if not isinstance(self.radius_m, (int, float)) or not math.isfinite(self.radius_m) or self.radius_m <= 0:
            msg = f"radius_m must be a distance in metres > 0; got {self.radius_m!r}"
            raise InputError(msg)
        for name, defaults, vocab in (
            ("category_weights", _DEFAULT_CATEGORY_WEIGHTS, CATEGORIES),
            ("severity_weights", _DEFAULT_SEVERITY_WEIGHTS, SEVERITIES),
        ):
            given = dict(getattr(self, name))
            unknown = set(given) - set(vocab.codes)
            if unknown:
                msg = f"{name} has unknown keys {sorted(unknown)}; expected some of {', '.join(vocab.codes)}"
                raise InputError(msg)
            bad = {k: v for k, v in given.items() if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0}
            if bad:
                msg = f"{name} must be numbers >= 0; got {bad}"
                raise InputError(msg)
            object.__setattr__(self, name, MappingProxyType({**defaults, **{k: float(v) for k, v in given.items()}}))
        if not isinstance(self.closed_weight, (int, float)) or not 0 <= self.closed_weight <= 1:
            msg = f"closed_weight must be within [0, 1]; got {self.closed_weight!r}"
            raise InputError(msg)
        if self.decay not in ("linear", "none"):
            msg = f"decay must be 'linear' or 'none'; got {self.decay!r}"
            raise InputError(msg)


@dataclass(frozen=True)
class RiskScores:
    """Per-school risk scores with every component visible.

    Attributes
    ----------
    schools
        One row per school: ``school_id``, ``name``, ``level``,
        ``township``, ``station``, ``campus_missing``, ``score``, ``rank``
        (1 = highest), ``n_hazards``, ``n_open``, ``score_<category>`` (the
        score's part from each category; they sum to ``score``).
    components
        One row per (hazard, school) within the radius: ``hazard_id``,
        ``school_id``, ``category``, ``severity``, ``status``, ``dist_m``,
        ``w_category``, ``w_severity``, ``w_decay``, ``w_status``,
        ``contribution`` (their product).
    skipped
        Hazards without a location.
    params
        The weights used.
    """

    schools: pd.DataFrame
    components: pd.DataFrame
    skipped: pd.DataFrame
    params: RiskParams


def risk_scores(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    params: RiskParams | None = None,
) -> RiskScores:
    r"""Score each school by the hazards around it.

    .. math::

        \text{score}(s) = \sum_{h:\, d(h,s) \le R} w_c(h)\, w_s(h)\, \delta(d(h,s))\, w_o(h)

    where :math:`d` is the straight-line distance from the campus boundary
    (0 inside; from the gates without a campus polygon), :math:`R` is
    ``params.radius_m``, :math:`w_c` the category weight, :math:`w_s` the
    severity weight, :math:`\delta(d) = 1 - d/R` (``decay="linear"``) or 1,
    and :math:`w_o` is 1 for an open hazard and ``params.closed_weight``
    for a closed one. A hazard near two schools counts for both.

    Examples
    --------
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"], "severity": ["high"],
    ...     "status": ["found"]}, geometry=[shapely.Point(500000, 3000150)], crs=32649)
    >>> float(risk_scores(hz, schools).schools.loc[0, "score"])  # 1.0 * 4 * (1 - 150/300) * 1
    2.0
    """
    params = RiskParams() if params is None else params
    if not isinstance(params, RiskParams):
        msg = f"params must be a RiskParams; got {type(params).__name__}"
        raise InputError(msg)
    sites = _as_sites(sites)
    found = hazards_within(hazards, sites, params.radius_m)
    hz = found.hazards
    hi, si, d = found.hazard_index, found.school_index, found.pairs["dist_m"].to_numpy()
    cat = hz["category"].to_numpy()[hi]
    sev = hz["severity"].to_numpy()[hi] if "severity" in hz else np.full(len(hi), None)
    status = hz["status"] if "status" in hz else pd.Series([None] * len(hz))
    opened = _is_open(status)[hi]
    w_cat = pd.Series(cat).map(params.category_weights).fillna(0.0).to_numpy(float)
    w_sev = pd.Series(sev).map(params.severity_weights).fillna(params.severity_weights["medium"]).to_numpy(float)
    w_decay = np.clip(1.0 - d / params.radius_m, 0.0, 1.0) if params.decay == "linear" else np.ones(len(d))
    w_status = np.where(opened, 1.0, params.closed_weight)
    contribution = w_cat * w_sev * w_decay * w_status
    components = pd.DataFrame(
        {
            "hazard_id": found.pairs["hazard_id"].to_numpy(),
            "school_id": found.pairs["school_id"].to_numpy(),
            "category": cat,
            "severity": sev,
            "status": status.to_numpy()[hi],
            "dist_m": d,
            "w_category": w_cat,
            "w_severity": w_sev,
            "w_decay": w_decay,
            "w_status": w_status,
            "contribution": contribution,
        }
    )
    n = len(sites.schools)
    table = pd.DataFrame(_school_columns(sites.schools))
    table["score"] = np.bincount(si, weights=contribution, minlength=n)
    table["rank"] = table["score"].rank(method="min", ascending=False).astype(int)
    table["n_hazards"] = np.bincount(si, minlength=n)
    table["n_open"] = np.bincount(si[opened], minlength=n)
    for code in CATEGORIES.codes:
        m = cat == code
        table[f"score_{code}"] = np.bincount(si[m], weights=contribution[m], minlength=n)
    return RiskScores(table, components, found.skipped, params)


# --------------------------------------------------------------------------- export


_HEADERS: dict[str, tuple[str, str]] = {
    "hazard_id": ("隐患编号", "hazard id"),
    "school_id": ("学校编号", "school id"),
    "school_name": ("学校名称", "school"),
    "name": ("学校名称", "school"),
    "level": ("学段", "level"),
    "facility": ("学校类型", "facility"),
    "township": ("乡镇", "township"),
    "station": ("派出所", "police station"),
    "area": ("区域", "area"),
    "category": ("隐患类别", "category"),
    "description": ("隐患描述", "description"),
    "address": ("地址", "address"),
    "severity": ("严重程度", "severity"),
    "status": ("整改状态", "status"),
    "is_open": ("未整改", "open"),
    "rule_id": ("规则编号", "rule id"),
    "rule": ("规则", "rule"),
    "kind": ("规则类型", "rule kind"),
    "distance_m": ("实测距离（米）", "distance (m)"),
    "dist_m": ("距离（米）", "distance (m)"),
    "limit_m": ("限制距离（米）", "limit (m)"),
    "measure": ("测量方式", "measured"),
    "measured": ("测量方式", "measured"),
    "measured_from": ("起算位置", "measured from"),
    "campus_missing": ("缺校园范围", "no campus polygon"),
    "source": ("依据", "legal source"),
    "note": ("说明", "note"),
    "reason_code": ("原因代码", "reason code"),
    "reason": ("原因", "reason"),
    "n_hazards": ("隐患数", "hazards"),
    "n_open": ("未整改数", "open"),
    "n_closed": ("已整改数", "closed"),
    "n_schools": ("学校数", "schools"),
    "n_kindergartens": ("幼儿园数", "kindergartens"),
    "n_violations": ("违规数", "violations"),
    "n_violations_open": ("未整改违规数", "open violations"),
    "score": ("风险分", "risk score"),
    "rank": ("风险排名", "rank"),
    "w_category": ("类别权重", "category weight"),
    "w_severity": ("严重程度权重", "severity weight"),
    "w_decay": ("距离衰减", "distance decay"),
    "w_status": ("状态权重", "status weight"),
    "contribution": ("风险贡献", "contribution"),
    "ring_m": ("范围（米）", "ring (m)"),
    "inner_m": ("内环（米）", "inner ring (m)"),
    "origin": ("起算位置", "measured from"),
    "area_m2": ("面积（平方米）", "area (m²)"),
    "net_school_id": ("步行最近学校编号", "nearest school on foot (id)"),
    "net_school_name": ("步行最近学校", "nearest school on foot"),
    "net_dist_m": ("步行距离（米）", "walking distance (m)"),
    "net_dist_to_nearest_m": ("至直线最近学校步行距离（米）", "walking distance to the nearest school (m)"),
    "cluster": ("聚集区编号", "cluster"),
}

_FROM_LABELS = {
    "campus": ("校园边界", "campus boundary"),
    "gate": ("校门", "gate"),
    "gate_fallback": ("校门（缺校园范围）", "gate (no campus polygon)"),
}
_VOCAB_COLUMNS = {
    "category": CATEGORIES,
    "severity": SEVERITIES,
    "status": STATUSES,
    "level": LEVELS,
    "measure": MEASURES,
    "kind": KINDS,
    "facility": FACILITIES,
}


def export_table(frame: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Return a zones/rules/risk table with headers and values for planners (Chinese by default).

    Codes become labels (交通安全, 销号, 校园边界直线距离 ...), yes/no columns
    是/否, count columns get their category/severity/status label, geometry
    is dropped. Columns this module does not know keep their names.

    Examples
    --------
    >>> export_table(pd.DataFrame({"category": ["traffic"], "cat_traffic": [3], "is_open": [True]})).columns.tolist()
    ['隐患类别', '交通安全（条）', '未整改']
    """
    i = _check_lang(lang)
    plain = pd.DataFrame(frame.drop(columns=frame.geometry.name) if isinstance(frame, gpd.GeoDataFrame) else frame)
    yes_no = ("是", "否") if i == 0 else ("yes", "no")
    out: dict[str, Any] = {}
    prefixes = {
        "cat_": (CATEGORIES, "{}（条）", "{}"),
        "open_": (CATEGORIES, "{}（未整改）", "{} (open)"),
        "sev_": (SEVERITIES, "{}（条）", "{}"),
        "status_": (STATUSES, "{}（条）", "{}"),
        "score_": (CATEGORIES, "{}风险分", "{} score"),
    }
    for col in plain.columns:
        values = plain[col]
        header = _HEADERS.get(col, (col, col))[i]
        for prefix, (vocab, zh, en) in prefixes.items():
            code = col.removeprefix(prefix)
            if col.startswith(prefix) and code in vocab.labels:
                header = (zh if i == 0 else en).format(vocab.labels[code][i])
        if col in _VOCAB_COLUMNS:
            vocab = _VOCAB_COLUMNS[col]
            values = values.map(
                lambda v, vocab=vocab: vocab.labels[v][i] if isinstance(v, str) and v in vocab.labels else v
            )
        elif col in ("measured_from", "origin"):
            values = values.map(lambda v: _FROM_LABELS[v][i] if v in _FROM_LABELS else v)
        elif col == "reason_code":
            values = values.map(lambda v: _SKIP_REASONS[v][i] if v in _SKIP_REASONS else v)
        elif values.dtype == bool:
            values = values.map(lambda v: yes_no[0] if v else yes_no[1])
        elif col.endswith("_m") or col in ("score", "contribution", "area_m2") or col.startswith("score_"):
            values = values.round(1 if col.endswith("_m") or col == "area_m2" else 3)
        if col == "area" and i == 0:
            values = values.where(values.notna(), "不在任何区域内")
        elif col == "area":
            values = values.where(values.notna(), "outside every area")
        out[header] = values.to_numpy()
    return pd.DataFrame(out, index=range(len(plain)))
