"""Snapping: where points (gates, hazards, stations) meet the road network.

Points are snapped to the nearest road at their projected point
(:func:`snap_points`); points farther than ``max_snap_m`` are flagged, never
silently snapped. The private helpers turn points, snap frames or node ids
into access positions (a node, or a fraction along a road piece) and give the
partial-edge arcs to leave a point and to reach it, so travel times are exact
at the projected point.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely import Point

from hutan_geo.errors import InputError, NetworkError
from hutan_geo.model.frames import check_crs
from hutan_geo.network.graph import RoadNetwork, _check_mode, _is_missing, _mode_graph, _ModeGraph
from hutan_geo.network.params import _positive

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

__all__ = ["snap_points"]

log = logging.getLogger("hutan_geo")

_AT_NODE = 1e-9  # fraction of an edge below which a snapped point counts as the junction itself


@dataclass
class _Access:
    """Where points meet the network: a node, or a fraction along a road piece."""

    labels: pd.Index
    node: NDArray[np.int64]  # node id when the point is a junction (or given as a node), else -1
    seg: NDArray[np.int64]  # road piece (forward edge id), -1 when at a node or not snapped
    t: NDArray[np.float64]  # fraction along the piece from its u
    ok: NDArray[np.bool_]
    snap_dist_m: NDArray[np.float64]
    reason: list[str | None]


def _points_metric(net: RoadNetwork, points: Any, what: str) -> tuple[NDArray[Any], pd.Index]:
    """Project points to the network's metric CRS; return geometries and labels."""
    if isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries)):
        check_crs(points, what)
        geo = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        return geo.to_crs(net.metric_crs).to_numpy(), pd.Index(points.index)
    if isinstance(points, Point):
        points = [points]
    arr = list(points)
    if arr and all(isinstance(p, Point) for p in arr):
        lonlat = shapely.get_coordinates(np.asarray(arr, dtype=object))
    else:
        try:
            lonlat = np.asarray(arr, dtype=float).reshape(-1, 2)
        except (TypeError, ValueError) as exc:
            msg = (
                f"{what} must be a GeoDataFrame/GeoSeries of points (any CRS), shapely Points or (lon, lat) "
                f"pairs in WGS84, or node ids; got {type(points).__name__}"
            )
            raise InputError(msg) from exc
    tr = pyproj.Transformer.from_crs(4326, net.metric_crs, always_xy=True)
    x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
    return shapely.points(np.column_stack([x, y])), pd.RangeIndex(len(lonlat))


def _tree(net: RoadNetwork, mode: str) -> tuple[Any, NDArray[np.int64]]:
    """Spatial index of the road pieces usable in ``mode`` and their ids (cached on the network)."""
    key = ("tree", mode)
    if key not in net._cache:
        g = _mode_graph(net, mode, "free")
        segs = np.flatnonzero(g.seg_ok)
        net._cache[key] = (shapely.STRtree(net._seg_metric[segs]), segs)
    return net._cache[key]


def _nearest(
    net: RoadNetwork, geoms: NDArray[Any], valid: NDArray[np.bool_], mode: str
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Nearest road piece usable in ``mode`` of each valid point, and its distance (-1 and NaN for the rest)."""
    tree, segs = _tree(net, mode)
    n = len(geoms)
    seg = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    if valid.any() and len(segs):
        idx = np.flatnonzero(valid)
        (qi, ti), d = tree.query_nearest(geoms[idx], return_distance=True, all_matches=False)
        seg[idx[qi]] = segs[ti]
        dist[idx[qi]] = d
    return seg, dist


def snap_points(
    net: RoadNetwork,
    points: gpd.GeoDataFrame | gpd.GeoSeries | Sequence[Any],
    *,
    max_snap_m: float | None = None,
    mode: str = "drive",
) -> gpd.GeoDataFrame:
    """Snap points to the nearest road at their projected point.

    Parameters
    ----------
    net
        The network.
    points
        Points in any CRS (GeoDataFrame/GeoSeries), or shapely Points or
        ``(lon, lat)`` pairs in WGS84.
    max_snap_m
        Points farther than this (metres, in the network's metric CRS) are
        flagged with ``snapped=False`` and a reason; default
        ``net.params.max_snap_m``.
    mode
        ``"drive"`` snaps to any road; ``"walk"`` skips roads closed to walking.

    Returns
    -------
    GeoDataFrame
        One row per input point, same index: ``edge_id`` (the forward edge of
        the road piece), ``u``, ``v``, ``fraction`` (0 at u, 1 at v),
        ``offset_m`` (metres from u), ``snap_dist_m``, ``snapped``,
        ``reason`` (why a point was not snapped), ``road_name``, geometry:
        the snapped point in EPSG:4326 (None when not snapped).

    Examples
    --------
    >>> import hutan_geo as hg
    >>> demo = hg.load_demo()
    >>> snaps = snap_points(hg.network_from_roads(demo.roads), demo.gates)
    >>> bool(snaps["snapped"].all()), bool(snaps["snap_dist_m"].max() < 150)
    (True, True)
    """
    limit = net.params.max_snap_m if max_snap_m is None else _positive(max_snap_m, "max_snap_m")
    _check_mode(mode, "free")
    geoms, labels = _points_metric(net, points, "points")
    n = len(geoms)
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    not_point = valid & (shapely.get_type_id(geoms) != 0)
    if not_point.any():
        geoms = geoms.copy()
        geoms[not_point] = shapely.centroid(geoms[not_point])
    seg, dist = _nearest(net, geoms, valid, mode)
    has = seg >= 0
    lines = net._seg_metric
    offset = np.full(n, np.nan)
    offset[has] = shapely.line_locate_point(lines[seg[has]], geoms[has])
    seg_len_m = np.full(n, np.nan)
    seg_len_m[has] = shapely.length(lines[seg[has]])
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(seg_len_m > 0, offset / seg_len_m, 0.0)
    snapped = has & (dist <= limit)
    reasons: list[str | None] = [None] * n
    for i in np.flatnonzero(~snapped):
        if not valid[i]:
            reasons[i] = "no geometry"
        elif not has[i]:
            reasons[i] = f"no road usable for {mode}"
        else:
            reasons[i] = f"{dist[i]:.1f} m from the nearest road (limit {limit:g} m)"
    e = net.edges
    out_geom = np.full(n, None, dtype=object)
    if snapped.any():
        metric_pts = shapely.line_interpolate_point(lines[seg[snapped]], offset[snapped])
        tr = pyproj.Transformer.from_crs(net.metric_crs, 4326, always_xy=True)
        xy = shapely.get_coordinates(metric_pts)
        lon, lat = tr.transform(xy[:, 0], xy[:, 1])
        out_geom[snapped] = shapely.points(np.column_stack([lon, lat]))
    far = int((has & ~snapped).sum())
    if far:
        log.warning(
            "%d of %d points are farther than %g m from any road and were not snapped%s",
            far,
            n,
            limit,
            "; are they in the right CRS and datum (GCJ-02/BD-09 coordinates are 0.3-1 km off)?" if far > n / 2 else "",
        )
    safe = np.where(has, seg, 0)
    frame = gpd.GeoDataFrame(
        {
            "edge_id": pd.array(np.where(has, seg, -1)),
            "u": pd.array(np.where(has, e["u"].to_numpy()[safe], -1)),
            "v": pd.array(np.where(has, e["v"].to_numpy()[safe], -1)),
            "fraction": np.where(has, np.clip(frac, 0.0, 1.0), np.nan),
            "offset_m": np.where(has, offset, np.nan),
            "snap_dist_m": dist,
            "snapped": snapped,
            "reason": pd.array(reasons, dtype="string"),
            "road_name": pd.array(np.where(has, e["name"].to_numpy()[safe], None), dtype="string"),
        },
        geometry=gpd.GeoSeries(out_geom, crs=4326),
        index=labels,
        crs=4326,
    )
    frame.attrs["mode"] = mode
    return frame


def _access(
    net: RoadNetwork,
    points: Any,
    *,
    mode: str,
    labels: str | None,
    max_snap_m: float | None,
    what: str,
) -> _Access:
    """Turn node ids, points or a :func:`snap_points` frame into network access positions."""
    snap: pd.DataFrame | None = None
    if isinstance(points, pd.DataFrame) and {"edge_id", "fraction", "snapped"} <= set(points.columns):
        snap_mode = points.attrs.get("mode", mode)
        if snap_mode != mode:
            msg = f"{what} were snapped for mode {snap_mode!r}; snap them again with snap_points(..., mode={mode!r})"
            raise NetworkError(msg)
        snap = points
        names = snap.index
    elif (
        isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries))
        or (isinstance(points, (list, tuple)) and points and not isinstance(points[0], (int, np.integer)))
        or isinstance(points, Point)
    ):
        snap = snap_points(net, points, max_snap_m=max_snap_m, mode=mode)
        names = snap.index
    else:
        ids = np.asarray(points)
        if ids.ndim != 1 or (len(ids) and not np.issubdtype(ids.dtype, np.integer)):
            msg = (
                f"{what} must be points (GeoDataFrame/GeoSeries), a snap_points() frame or node ids; "
                f"got {type(points).__name__}"
            )
            raise InputError(msg)
        bad = (ids < 0) | (ids >= net.n_nodes)
        if bad.any():
            msg = f"{what}: node ids {ids[bad][:5].tolist()} are outside 0..{net.n_nodes - 1}"
            raise NetworkError(msg)
        n = len(ids)
        return _Access(
            labels=pd.Index(ids),
            node=ids.astype(np.int64),
            seg=np.full(n, -1, dtype=np.int64),
            t=np.zeros(n),
            ok=np.ones(n, dtype=bool),
            snap_dist_m=np.zeros(n),
            reason=[None] * n,
        )
    if labels is not None:
        if not isinstance(points, pd.DataFrame) or labels not in points.columns:
            cols = list(points.columns) if isinstance(points, pd.DataFrame) else []
            msg = f"labels={labels!r} is not a column of {what}; columns are {cols}"
            raise InputError(msg)
        names = pd.Index(points[labels].astype("string").fillna("").tolist())
    ok = snap["snapped"].to_numpy(bool)
    seg = np.where(ok, snap["edge_id"].to_numpy(np.int64, na_value=-1), -1)
    t = np.where(ok, snap["fraction"].to_numpy(float, na_value=0.0), 0.0)
    u = net.edges["u"].to_numpy()
    v = net.edges["v"].to_numpy()
    node = np.full(len(seg), -1, dtype=np.int64)
    at_u = ok & (t <= _AT_NODE)
    at_v = ok & (t >= 1 - _AT_NODE)
    node[at_u] = u[seg[at_u]]
    node[at_v] = v[seg[at_v]]
    seg = np.where(node >= 0, -1, seg)
    return _Access(
        labels=pd.Index(names),
        node=node,
        seg=seg,
        t=t,
        ok=ok,
        snap_dist_m=snap["snap_dist_m"].to_numpy(float),
        reason=[None if _is_missing(r) else str(r) for r in snap["reason"].tolist()],
    )


def _leave_arcs(net: RoadNetwork, g: _ModeGraph, acc: _Access, rows: NDArray[np.int64]) -> tuple[Any, ...]:
    """Virtual out-arcs of point origins: heads, costs, lengths and a row pointer."""
    u = net.edges["u"].to_numpy(np.int64)
    v = net.edges["v"].to_numpy(np.int64)
    length = net.edges["length_m"].to_numpy(float)
    heads, costs, lens, counts = [], [], [], []
    for r in rows:
        s, t = int(acc.seg[r]), float(acc.t[r])
        options = []
        if np.isfinite(g.seg_wf[s]):
            options.append((int(v[s]), (1 - t) * g.seg_wf[s], (1 - t) * length[s]))
        if np.isfinite(g.seg_wb[s]):
            options.append((int(u[s]), t * g.seg_wb[s], t * length[s]))
        if len(options) == 2 and options[0][0] == options[1][0]:
            options = [min(options, key=lambda o: o[1])]
        options.sort()
        for h, c, ln in options:
            heads.append(h)
            costs.append(c)
            lens.append(ln)
        counts.append(len(options))
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return (
        np.asarray(heads, dtype=np.int64),
        np.asarray(costs, float),
        np.asarray(lens, float),
        np.asarray(counts, np.int64),
        ptr,
    )


def _egress(
    net: RoadNetwork, g: _ModeGraph, acc: _Access
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """For each point: up to two (node, cost, length) ways in, shape (n, 2); node -1 where none."""
    n = len(acc.ok)
    node = np.full((n, 2), -1, dtype=np.int64)
    cost = np.full((n, 2), np.inf)
    length = np.zeros((n, 2))
    at = acc.ok & (acc.node >= 0)
    node[at, 0] = acc.node[at]
    cost[at, 0] = 0.0
    on = acc.ok & (acc.seg >= 0)
    s = acc.seg[on]
    t = acc.t[on]
    seg_len = net.edges["length_m"].to_numpy(float)[s]
    wf, wb = g.seg_wf[s], g.seg_wb[s]
    node[on, 0] = np.where(np.isfinite(wf), net.edges["u"].to_numpy()[s], -1)
    cost[on, 0] = t * wf
    length[on, 0] = t * seg_len
    node[on, 1] = np.where(np.isfinite(wb), net.edges["v"].to_numpy()[s], -1)
    cost[on, 1] = (1 - t) * wb
    length[on, 1] = (1 - t) * seg_len
    cost[node < 0] = np.inf
    return node, cost, length


# --------------------------------------------------------------------------------------
# travel-time matrices
# --------------------------------------------------------------------------------------
