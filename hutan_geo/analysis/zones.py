"""Zone polygons around schools, for maps: straight-line rings and walking zones along streets.

The distance joins never use these polygons (they are exact, see
:mod:`hutan_geo.analysis.proximity`). Geometry comes back in the sites'
metric CRS; use ``.to_crs(4326)`` for web maps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo.analysis.kernel import check_distance
from hutan_geo.analysis.network_pairs import check_network
from hutan_geo.analysis.sites import SchoolSites, as_sites
from hutan_geo.errors import InputError
from hutan_geo.network import service_areas

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyproj

    from hutan_geo.analysis.proximity import Measure
    from hutan_geo.network import RoadNetwork

__all__ = ["school_zones", "walking_zones"]

_ID_COLUMNS = ("school_id", "name", "level", "facility", "township", "station")


def _distances(values: Sequence[float], name: str, example: str, what: str) -> list[float]:
    """Return the distances sorted and deduplicated; refuse none, or any <= 0."""
    out = sorted({check_distance(v, name) for v in values})
    if not out or out[0] <= 0:
        msg = f"{name} must be {what} in metres > 0, e.g. {example}; got {list(values)!r}"
        raise InputError(msg)
    return out


def _group_keys(sch: gpd.GeoDataFrame, dissolve_by: str | None) -> tuple[np.ndarray | None, list[Any]]:
    """Each school's value of ``dissolve_by`` (missing: None) and the distinct values in order of appearance."""
    if dissolve_by is None:
        return None, []
    if dissolve_by not in sch.columns:
        available = [c for c in sch.columns if c != "geometry"]
        msg = f"dissolve_by={dissolve_by!r} is not a school column; available: {available}"
        raise InputError(msg)
    keys = sch[dissolve_by].astype(object).where(sch[dissolve_by].notna(), None).to_numpy()
    return keys, list(dict.fromkeys(keys.tolist()))


def _ids(sch: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    return {c: sch[c].to_numpy() for c in _ID_COLUMNS if c in sch}


def _finish(frames: list[gpd.GeoDataFrame], dissolve_by: str | None, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Stack the per-ring frames, sorted by school then ring (dissolved: by ring)."""
    out = pd.concat(frames, ignore_index=True)
    sort_cols = ["school_id", "ring_m"] if dissolve_by is None else ["ring_m"]
    out = out.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=crs)


def _gate_disks(sites: SchoolSites, r: float, quad_segs: int) -> np.ndarray:
    """Per school, the union of discs of radius ``r`` around its gates."""
    gpos = sites.gates["school_pos"].to_numpy()
    circles = shapely.buffer(sites.gates.geometry.to_numpy(), r, quad_segs=quad_segs)
    n = len(sites.schools)
    out = np.empty(n, dtype=object)
    order = np.argsort(gpos, kind="stable")
    bounds = np.searchsorted(gpos[order], np.arange(n + 1))
    for p in range(n):
        members = circles[order[bounds[p] : bounds[p + 1]]]
        out[p] = members[0] if len(members) == 1 else shapely.union_all(members)
    return out


def _ring_columns(
    sch: gpd.GeoDataFrame, keys: np.ndarray | None, key_values: list[Any], dissolve_by: str | None, origin: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the attribute columns of a ring that come before and after ``ring_m``, ``inner_m``, ``origin``."""
    if keys is None:
        return _ids(sch), {"campus_missing": sch["campus_missing"].to_numpy() if origin == "boundary" else False}
    missing = sch["campus_missing"].to_numpy()
    return {dissolve_by: key_values}, {
        "n_schools": [int((keys == k).sum()) for k in key_values],
        "n_campus_missing": [int(missing[keys == k].sum()) if origin == "boundary" else 0 for k in key_values],
    }


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
        From :func:`~hutan_geo.analysis.sites.prepare_sites`.
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
    >>> import math
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> z = school_zones(schools, [100, 200], bands=True)
    >>> z[["ring_m", "inner_m"]].values.tolist(), round(float(z["area_m2"].iloc[1]) / (math.pi * (200**2 - 100**2)), 2)
    ([[100.0, 0.0], [200.0, 100.0]], 1.0)
    """
    sites = as_sites(sites)
    rings = _distances(rings_m, "rings_m", "(50, 100, 200)", "distances")
    if origin not in ("boundary", "gate"):
        msg = f"origin must be 'boundary' (campus polygon) or 'gate'; got {origin!r}"
        raise InputError(msg)
    sch = sites.schools
    keys, key_values = _group_keys(sch, dissolve_by)
    base = sch.geometry.to_numpy()
    offsets = sites.offsets()
    lead, tail = _ring_columns(sch, keys, key_values, dissolve_by, origin)
    frames = []
    previous: np.ndarray | None = None
    for r in rings:
        if origin == "boundary":
            geoms = shapely.buffer(base, r + offsets, quad_segs=quad_segs)
        else:
            geoms = _gate_disks(sites, r, quad_segs)
        if keys is not None:
            geoms = np.array([shapely.union_all(geoms[keys == k]) for k in key_values], dtype=object)
        ring_geoms = geoms if not bands or previous is None else shapely.difference(geoms, previous)
        inner = 0.0 if not bands or previous is None else rings[rings.index(r) - 1]
        part = {**lead, "ring_m": float(r), "inner_m": inner, "origin": origin, **tail}
        frame = gpd.GeoDataFrame(part, geometry=ring_geoms, crs=sites.crs)
        frame["area_m2"] = shapely.area(ring_geoms)
        frames.append(frame)
        previous = geoms
    return _finish(frames, dissolve_by, sites.crs)


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
        From :func:`~hutan_geo.analysis.sites.prepare_sites`.
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
    >>> from hutan_geo.analysis import SchoolSites
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.network import network_from_roads
    >>> demo = load_demo()
    >>> sites = SchoolSites.from_district(demo)
    >>> z = walking_zones(sites, network_from_roads(demo.roads), [200])
    >>> len(z) == len(sites.schools), z.crs.to_epsg()
    (True, 32649)
    """
    sites = as_sites(sites)
    net = check_network(network)
    limits = _distances(limits_m, "limits_m", "(200, 500)", "walking distances")
    sch = sites.schools
    keys, groups = _group_keys(sch, dissolve_by)
    speed = float(net.params.walk_speed_mps)
    gates = sites.gates.geometry.reset_index(drop=True)
    areas = service_areas(net, gates, [v / speed for v in limits], mode="walk", buffer_m=buffer_m)
    areas = areas.to_crs(sites.crs)
    gpos = sites.gates["school_pos"].to_numpy()
    frames = []
    for lim in limits:
        part = areas[areas["limit_s"] == lim / speed]
        geo = part.set_index("source").geometry.reindex(range(len(gates))).to_numpy()
        if keys is None:
            merged = np.array([shapely.union_all(geo[gpos == p]) for p in range(len(sch))], dtype=object)
            data = {**_ids(sch), "ring_m": float(lim), "origin": "walk"}
        else:
            merged = np.array(
                [shapely.union_all(geo[np.isin(gpos, np.flatnonzero(keys == k))]) for k in groups], dtype=object
            )
            data = {
                dissolve_by: groups,
                "ring_m": float(lim),
                "origin": "walk",
                "n_schools": [int((keys == k).sum()) for k in groups],
            }
        frame = gpd.GeoDataFrame(data, geometry=merged, crs=sites.crs)
        frame["area_m2"] = shapely.area(merged)
        frames.append(frame)
    return _finish(frames, dissolve_by, sites.crs)
