"""Which hazards are near which schools: pairs within a distance, and each hazard's nearest school.

Everything here measures in metres in the sites' metric CRS (hazards in any
CRS are projected to it). Distances are exact (:func:`~hutan_geo.analysis.kernel.pairs_within`).
Distance from the campus boundary is the distance to the campus polygon, so
a hazard inside the campus is at 0 m; schools without a campus polygon are
measured from their gates (see :mod:`hutan_geo.analysis.sites`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import shapely

from hutan_geo.analysis.hazards import split_placed
from hutan_geo.analysis.kernel import check_distance, check_n_jobs, nearest_gate_per_school, pairs_within
from hutan_geo.analysis.network_pairs import NetworkPairs, check_network
from hutan_geo.analysis.sites import SchoolSites, as_sites
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from hutan_geo.network import RoadNetwork

__all__ = [
    "HazardPairs",
    "Measure",
    "NearestSchools",
    "gate_pairs",
    "hazards_within",
    "nearest_schools",
    "nearest_site",
    "site_pairs",
]

#: How a straight-line distance is measured: from the campus boundary or from the nearest gate.
Measure = Literal["boundary", "gate"]


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


def gate_pairs(
    placed: gpd.GeoDataFrame, sites: SchoolSites, distance_m: float, *, school_mask: np.ndarray | None, n_jobs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the pairs within ``distance_m`` of a school's nearest gate: hazard pos, school pos, dist, gate pos.

    Only the schools in ``school_mask`` (all when None) count; sorted by
    hazard, then school.
    """
    gates = sites.gates
    gpos = gates["school_pos"].to_numpy()
    gsel = np.arange(len(gates)) if school_mask is None else np.flatnonzero(school_mask[gpos])
    hi, gi, d = pairs_within(placed.geometry.to_numpy(), gates.geometry.to_numpy()[gsel], distance_m, n_jobs=n_jobs)
    gi = gsel[gi]
    return nearest_gate_per_school(hi, gpos[gi], d, gi)


def site_pairs(
    placed: gpd.GeoDataFrame, sites: SchoolSites, distance_m: float, *, school_mask: np.ndarray | None, n_jobs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the pairs within ``distance_m`` of a school's site (campus, or gates less the fallback radius).

    Hazard positions, school positions and distances, sorted by hazard,
    then school; only the schools in ``school_mask`` (all when None) count.
    """
    sel = np.arange(len(sites.schools)) if school_mask is None else np.flatnonzero(school_mask)
    offsets = sites.offsets()[sel]
    hi, si, d = pairs_within(
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
    >>> import geopandas as gpd
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1", "H2"], "category": ["traffic", "other"]},
    ...     geometry=[shapely.Point(500000, 3000150), shapely.Point(500300, 3000000)], crs=32649)
    >>> hazards_within(hz, schools, 200).pairs[["hazard_id", "school_id", "dist_m"]].values.tolist()
    [['H1', 'S1', 150.0]]
    """
    sites = as_sites(sites)
    distance_m = check_distance(distance_m, "distance_m")
    if measure not in ("boundary", "gate"):
        msg = (
            f"measure must be 'boundary' (straight line from the campus boundary) or 'gate' (from the nearest "
            f"gate); got {measure!r}. Network distances: hutan_geo.analysis.nearest_schools(network=...)"
        )
        raise InputError(msg)
    jobs = check_n_jobs(n_jobs)
    placed, skipped = split_placed(hazards, sites.crs)
    sch = sites.schools
    if measure == "gate":
        hi, si, d, gi = gate_pairs(placed, sites, distance_m, school_mask=None, n_jobs=jobs)
        measured_from = sites.gates["gate_name"].to_numpy()[gi]
    else:
        hi, si, d = site_pairs(placed, sites, distance_m, school_mask=None, n_jobs=jobs)
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


def nearest_site(
    geoms: np.ndarray, sites: SchoolSites, max_dist_m: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the nearest school of each geometry: its position in ``sites.schools`` and the distance.

    The distance is the straight line to the school's site (campus polygon,
    or its gates less the fallback radius), in the sites' metric CRS, which
    ``geoms`` must be in.

    Parameters
    ----------
    geoms
        Shapely geometries (e.g. hazard points or cluster centroids).
    sites
        The school sites.
    max_dist_m
        Only schools within this distance count.

    Returns
    -------
    Positions (-1 when no school within ``max_dist_m``) and distances in
    metres (nan then).

    Examples
    --------
    >>> import geopandas as gpd
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1", "S2"], "name": ["一小", "二小"], "level": ["primary"] * 2},
    ...     geometry=[shapely.Point(500000, 3000000), shapely.Point(501000, 3000000)], crs=32649)
    >>> pos, d = nearest_site(shapely.points([500900, 505000], [3000000] * 2), as_sites(schools), 500)
    >>> pos.tolist(), d.tolist()
    ([1, -1], [100.0, nan])
    """
    n = len(geoms)
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
        (hi, ti), d = tree.query_nearest(geoms, **kw)
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


def _on_foot_columns(pairs: NetworkPairs, network_max_m: float, nearest_pos: np.ndarray) -> dict[str, np.ndarray]:
    """Return the ``net_*`` columns of :class:`NearestSchools`: the nearest school on foot, walk to the nearest one."""
    placed, sites = pairs.placed, pairs.sites
    sch = sites.schools
    hi, gi, _ = pairs_within(placed.geometry.to_numpy(), sites.gates.geometry.to_numpy(), network_max_m)
    walk = pairs.pair_dist(hi, gi, "walk")
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
    same = si == nearest_pos[hi]
    np.minimum.at(to_nearest, hi[same], walk[same])
    found = best_school >= 0
    take = np.where(found, best_school, 0)
    return {
        "net_school_id": np.where(found, sch["school_id"].to_numpy()[take], None),
        "net_school_name": np.where(found, sch["name"].to_numpy()[take], None),
        "net_dist_m": np.where(found, best, np.nan),
        "net_dist_to_nearest_m": np.where(np.isfinite(to_nearest), to_nearest, np.nan),
        "net_snapped": pairs.hazard_snap("walk")["snapped"].to_numpy(bool),
    }


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
    >>> import geopandas as gpd
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1", "S2"], "name": ["一小", "二小"], "level": ["primary"] * 2},
    ...     geometry=[shapely.Point(500000, 3000000), shapely.Point(501000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"]},
    ...     geometry=[shapely.Point(500900, 3000000)], crs=32649)
    >>> nearest_schools(hz, schools).table[["hazard_id", "school_id", "dist_m"]].values.tolist()
    [['H1', 'S2', 100.0]]
    """
    sites = as_sites(sites)
    if max_dist_m is not None:
        max_dist_m = check_distance(max_dist_m, "max_dist_m")
    placed, skipped = split_placed(hazards, sites.crs)
    pos, d = nearest_site(placed.geometry.to_numpy(), sites, max_dist_m)
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
        network_max_m = check_distance(network_max_m, "network_max_m")
        pairs = NetworkPairs(check_network(network), placed, sites)
        for col, values in _on_foot_columns(pairs, network_max_m, pos).items():
            table[col] = values
    return NearestSchools(table, skipped)
