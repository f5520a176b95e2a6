"""School sites: one site per school (campus polygon, or its gates), its gates, one metric CRS.

The CRS of :class:`SchoolSites` is chosen once by :func:`prepare_sites` (the
schools' own CRS when it is already projected in metres, otherwise
:func:`hutan_geo.model.crs.local_metric_crs` of the schools), and every other
input of the analysis is projected to it.

Schools without a campus polygon fall back to their gates (the gates file,
or the school's own point, which the school list places at the main gate):
distances are then measured from the nearest gate, optionally less
``fallback_radius_m`` (a disc standing in for the campus), and every row
that used the fallback says so (``campus_missing``, ``measured_from``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo.errors import EmptyInputError, InputError
from hutan_geo.model import crs as hcrs
from hutan_geo.model.frames import check_frame, is_metric, metric_frame
from hutan_geo.model.schema import LEVELS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hutan_geo.io import District

__all__ = ["SchoolSites", "as_sites", "prepare_sites", "school_columns"]

log = logging.getLogger("hutan_geo")


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


def _usable(geoms: np.ndarray) -> np.ndarray:
    """Mask of geometries that are neither missing nor empty."""
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def _placed_schools(
    schools: gpd.GeoDataFrame, fallback_radius_m: float, issues: list[dict[str, Any]]
) -> gpd.GeoDataFrame:
    """Check the school list and keep the schools with a location (the others go to ``issues``)."""
    check_frame(schools, "schools", columns=["school_id", "name", "level"], geometry="point")
    if len(schools) == 0:
        msg = "schools is empty: there is nothing to measure against; load a school list with rows"
        raise EmptyInputError(msg)
    if not (isinstance(fallback_radius_m, (int, float)) and math.isfinite(fallback_radius_m)) or fallback_radius_m < 0:
        msg = f"fallback_radius_m must be a number >= 0 (metres); got {fallback_radius_m!r}"
        raise InputError(msg)
    placed = _usable(schools.geometry.to_numpy())
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
    return schools


def _known_rows(
    frame: gpd.GeoDataFrame,
    name: str,
    geometry: str,
    crs: pyproj.CRS,
    known: pd.Index,
    issues: list[dict[str, Any]],
    reason: str,
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Rows of a gates/campuses layer, projected, that name a known school and have a geometry."""
    check_frame(frame, name, columns=["school_id"], geometry=geometry)  # type: ignore[arg-type]
    f = metric_frame(frame, crs, name=name)
    geoms = f.geometry.to_numpy()
    ok = _usable(geoms) & f["school_id"].isin(known).to_numpy()
    for sid in f.loc[~ok, "school_id"]:
        issues.append({"dataset": name, "school_id": sid, "reason": reason})
    return f[ok], geoms[ok]


def _gate_frame(
    sch: gpd.GeoDataFrame, gates: gpd.GeoDataFrame | None, crs: pyproj.CRS, issues: list[dict[str, Any]]
) -> gpd.GeoDataFrame:
    """Return the gates table, plus the school's own point for schools without gate rows; ``_pos`` = school position."""
    ids = sch["school_id"].to_numpy()
    known = pd.Index(ids)
    gate_parts = []
    if gates is not None:
        g, gg = _known_rows(
            gates, "gates", "point", crs, known, issues, "gate names an unknown school or has no location"
        )
        gate_parts.append(
            gpd.GeoDataFrame(
                {
                    "school_id": g["school_id"].to_numpy(),
                    "gate_name": g["gate_name"].to_numpy() if "gate_name" in g else "",
                    "is_main": g["is_main"].fillna(False).astype(bool).to_numpy() if "is_main" in g else False,
                    "gate_source": "gates",
                },
                geometry=gg,
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
    return gate_frame.sort_values("_pos", kind="stable").reset_index(drop=True)


def _campus_sites(
    sch: gpd.GeoDataFrame, campuses: gpd.GeoDataFrame | None, crs: pyproj.CRS, issues: list[dict[str, Any]]
) -> np.ndarray:
    """Campus polygon of each school (several merged, invalid ones repaired); None without one."""
    site = np.full(len(sch), None, dtype=object)
    if campuses is None:
        return site
    known = pd.Index(sch["school_id"].to_numpy())
    c, cg = _known_rows(
        campuses, "campuses", "polygon", crs, known, issues, "campus names an unknown school or has no polygon"
    )
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
    return site


def _fill_with_gates(site: np.ndarray, gate_frame: gpd.GeoDataFrame, n_gates: np.ndarray) -> np.ndarray:
    """Put the gates (a point or a MultiPoint) as the site of each school without a campus; return that mask."""
    campus_missing = shapely.is_missing(site.astype(object))
    if campus_missing.any():
        gpos = gate_frame["_pos"].to_numpy()
        order = np.argsort(gpos, kind="stable")
        starts = np.searchsorted(gpos[order], np.arange(len(site)))
        gpts = gate_frame.geometry.to_numpy()[order]
        for p in np.flatnonzero(campus_missing):
            members = gpts[starts[p] : starts[p] + n_gates[p]]
            site[p] = members[0] if len(members) == 1 else shapely.multipoints(shapely.get_coordinates(members))
    return campus_missing


def _level_codes(sch: gpd.GeoDataFrame) -> np.ndarray:
    """Return the schools' level codes; labels such as 小学 are understood, anything else is refused."""
    raw_levels = sch["level"].astype(object).to_numpy()
    parsed = {v: LEVELS.parse(v) if isinstance(v, str) else None for v in pd.unique(raw_levels)}
    unknown = [v for v, code in parsed.items() if code is None]
    if unknown:
        msg = (
            f"schools: level values {unknown[:5]} are not school levels; accepted: {LEVELS.accepted('en')}. "
            "Load the school list with hutan_geo.io.load_schools, which maps 小学/初中/... to these codes"
        )
        raise InputError(msg)
    return np.array([parsed[v] for v in raw_levels], dtype=object)


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
    issues: list[dict[str, Any]] = []
    schools = _placed_schools(schools, fallback_radius_m, issues)
    if metric_crs is None:
        metric_crs = schools.crs if is_metric(schools.crs) else hcrs.local_metric_crs(schools)
    crs = pyproj.CRS.from_user_input(metric_crs)
    sch = metric_frame(schools, crs, name="schools").reset_index(drop=True)
    gate_frame = _gate_frame(sch, gates, crs, issues)
    n_gates = np.bincount(gate_frame["_pos"].to_numpy(), minlength=len(sch))
    site = _campus_sites(sch, campuses, crs, issues)
    campus_missing = _fill_with_gates(site, gate_frame, n_gates)
    if campus_missing.any():
        log.info(
            "%d of %d schools have no campus polygon: distances from their gates (fallback radius %.0f m)",
            int(campus_missing.sum()),
            len(sch),
            fallback_radius_m,
        )
    level = _level_codes(sch)
    table: dict[str, Any] = {
        "school_id": sch["school_id"].to_numpy(),
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
    return SchoolSites(
        schools=gpd.GeoDataFrame(table, geometry=site, crs=crs),
        gates=gate_frame.drop(columns="_pos").assign(school_pos=gate_frame["_pos"].to_numpy()),
        points=gpd.GeoSeries(sch.geometry.to_numpy(), crs=crs),
        crs=crs,
        fallback_radius_m=float(fallback_radius_m),
        issues=pd.DataFrame(issues, columns=["dataset", "school_id", "reason"]),
    )


def as_sites(sites: SchoolSites | gpd.GeoDataFrame) -> SchoolSites:
    """Return ``sites`` as :class:`SchoolSites`: a bare school GeoDataFrame is prepared without campuses or gates.

    Raises
    ------
    InputError
        Neither.

    Examples
    --------
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=gpd.points_from_xy([500000], [3000000]), crs=32649)
    >>> as_sites(schools).crs.to_epsg()
    32649
    """
    if isinstance(sites, SchoolSites):
        return sites
    if isinstance(sites, gpd.GeoDataFrame):
        return prepare_sites(sites)
    msg = f"sites must be SchoolSites (from prepare_sites) or a school GeoDataFrame; got {type(sites).__name__}"
    raise InputError(msg)


def school_columns(schools: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    """Return the identifying columns of ``SchoolSites.schools`` that result tables start with.

    ``school_id``, ``name``, ``level``, ``township``, ``station``,
    ``campus_missing`` (those present), as arrays.
    """
    cols = ["school_id", "name", "level", "township", "station", "campus_missing"]
    return {c: schools[c].to_numpy() for c in cols if c in schools.columns}
