"""Fastest paths between two points: node lists, edges used and line geometries.

:func:`shortest_path` returns a :class:`NetworkPath` whose geometry is cut at
the snapped points, so a path starting mid-street starts where the point
meets the road.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj
from shapely import LineString

from hutan_geo.errors import InputError, NetworkError, NoRouteError
from hutan_geo.network import _core as core
from hutan_geo.network.graph import RoadNetwork, _cut, _mode_graph, _ModeGraph
from hutan_geo.network.snapping import _Access, _access, _egress, _leave_arcs

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["NetworkPath", "shortest_path"]


@dataclass(frozen=True)
class NetworkPath:
    """One fastest path.

    Attributes
    ----------
    nodes
        Junctions passed, in order (empty for two points joined along one piece).
    edge_ids
        Edges used, in order, including the partly used first and last edges.
    reversed
        Per edge: walked against its direction (walking on a one-way road).
    travel_s, length_m
        Time and length, partial first/last edges included.
    geometry
        The path as a LineString in EPSG:4326, cut at the snapped points.
    """

    nodes: list[int]
    edge_ids: list[int]
    reversed: list[bool]
    travel_s: float
    length_m: float
    geometry: LineString
    profile: str
    mode: str

    def to_gdf(self) -> gpd.GeoDataFrame:
        """Return a one-row GeoDataFrame (EPSG:4326) for maps and GPX export."""
        return gpd.GeoDataFrame(
            {"travel_s": [self.travel_s], "length_m": [self.length_m], "n_edges": [len(self.edge_ids)]},
            geometry=[self.geometry],
            crs=4326,
        )


def _one(net: RoadNetwork, point: Any, *, mode: str, max_snap_m: float | None, what: str) -> _Access:
    """Access position of exactly one point or node id; refuse several, or a point off the network."""
    if isinstance(point, (int, np.integer)):
        return _access(net, np.array([int(point)]), mode=mode, labels=None, max_snap_m=None, what=what)
    if isinstance(point, tuple) and len(point) == 2 and all(isinstance(c, (float, int)) for c in point):
        point = [point]
    acc = _access(net, point, mode=mode, labels=None, max_snap_m=max_snap_m, what=what)
    if len(acc.ok) != 1:
        msg = f"{what} must be one point or node id; got {len(acc.ok)}"
        raise InputError(msg)
    if not acc.ok[0]:
        msg = f"{what} is not on the network: {acc.reason[0]}; raise max_snap_m or check its coordinates"
        raise NetworkError(msg)
    return acc


def shortest_path(
    net: RoadNetwork,
    origin: Any,
    destination: Any,
    *,
    profile: str = "am_peak",
    mode: str = "drive",
    max_snap_m: float | None = None,
) -> NetworkPath:
    """Find the fastest path between two points (or node ids), with its line geometry.

    Parameters
    ----------
    origin, destination
        A node id, a ``(lon, lat)`` pair or shapely Point in WGS84, or a
        one-row GeoDataFrame/GeoSeries in any CRS.

    Raises
    ------
    NetworkError
        A point farther than ``max_snap_m`` from every road.
    NoRouteError
        No path (e.g. the destination lies behind one-way streets leading away).

    Examples
    --------
    >>> import hutan_geo as hg
    >>> net = hg.network_from_roads(hg.load_demo().roads)
    >>> p = shortest_path(net, (113.33, 27.65), (113.34, 27.66), profile="free")
    >>> p.geometry.geom_type, round(p.length_m) > 1400
    ('LineString', True)
    """
    from scipy.sparse.csgraph import dijkstra

    g = _mode_graph(net, mode, profile)
    oa = _one(net, origin, mode=mode, max_snap_m=max_snap_m, what="origin")
    da = _one(net, destination, mode=mode, max_snap_m=max_snap_m, what="destination")
    n = net.n_nodes
    if oa.seg[0] >= 0:
        heads, costs, _, counts, _ = _leave_arcs(net, g, oa, np.array([0]))
        matrix, source = core.augment(g.csr, heads, costs, counts), n
    else:
        matrix, source = g.matrix, int(oa.node[0])
    dvec, pred = dijkstra(matrix, directed=True, indices=source, return_predecessors=True)
    e_node, e_cost, e_len = _egress(net, g, da)
    options = [(dvec[e_node[0, k]] + e_cost[0, k], k) for k in range(2) if e_node[0, k] >= 0]
    best_t, best_k = min(options) if options else (np.inf, -1)
    length = net.edges["length_m"].to_numpy(float)
    direct = None
    if oa.seg[0] >= 0 and oa.seg[0] == da.seg[0]:
        s, t0, t1 = int(oa.seg[0]), float(oa.t[0]), float(da.t[0])
        cost = (t1 - t0) * g.seg_wf[s] if t1 >= t0 else (t0 - t1) * g.seg_wb[s]
        if cost < best_t:
            direct = (s, t0, t1, cost)
    to_wgs = pyproj.Transformer.from_crs(net.metric_crs, 4326, always_xy=True)
    if direct is not None:
        s, t0, t1, cost = direct
        coords = _cut(net, s, t0, t1)
        edge, against = _piece_edge(net, s, t1 >= t0)
        lon, lat = to_wgs.transform(coords[:, 0], coords[:, 1])
        geometry = LineString(np.column_stack([lon, lat]))
        return NetworkPath([], [edge], [against], float(cost), float(abs(t1 - t0) * length[s]), geometry, profile, mode)
    if not np.isfinite(best_t):
        msg = (
            f"no {mode} path from the origin to the destination (profile {profile}); "
            "one of them is in a part of the network the other cannot reach: see connectivity_report()"
        )
        raise NoRouteError(msg)
    end = int(e_node[0, best_k])
    chain = [end]
    while chain[-1] != source and pred[chain[-1]] >= 0:
        chain.append(int(pred[chain[-1]]))
    chain.reverse()
    nodes = [c for c in chain if c < n]
    coords, edge_ids, rev_flags, total_len = _trace(net, g, oa, da, nodes, from_u=best_k == 0)
    total_len += e_len[0, best_k] if da.seg[0] >= 0 else 0.0
    lon, lat = to_wgs.transform(coords[:, 0], coords[:, 1])
    return NetworkPath(
        nodes,
        edge_ids,
        rev_flags,
        float(best_t),
        float(total_len),
        LineString(np.column_stack([lon, lat])),
        profile,
        mode,
    )


def _trace(
    net: RoadNetwork, g: _ModeGraph, oa: _Access, da: _Access, nodes: list[int], *, from_u: bool
) -> tuple[NDArray[np.float64], list[int], list[bool], float]:
    """Metric coordinates, edges, against-flags and length of a path through ``nodes``.

    The partly used first piece (origin on a piece) is included; of the last
    piece (destination on a piece, reached from its u when ``from_u``) only the
    geometry and edge: the caller adds its length.
    """
    length = net.edges["length_m"].to_numpy(float)
    pieces: list[NDArray[np.float64]] = []
    edge_ids: list[int] = []
    rev_flags: list[bool] = []
    total_len = 0.0
    if oa.seg[0] >= 0:
        s, t = int(oa.seg[0]), float(oa.t[0])
        first, su, sv = nodes[0], int(net.edges["u"].iat[s]), int(net.edges["v"].iat[s])
        towards_v = first == sv and (su != sv or (1 - t) * g.seg_wf[s] <= t * g.seg_wb[s])
        pieces.append(_cut(net, s, t, 1.0 if towards_v else 0.0))
        total_len += (1 - t) * length[s] if towards_v else t * length[s]
        e_id, r = _piece_edge(net, s, towards_v)
        edge_ids.append(e_id)
        rev_flags.append(r)
    tails = np.asarray(nodes[:-1], dtype=np.int64)
    heads_ = np.asarray(nodes[1:], dtype=np.int64)
    if len(tails):
        entries = g.csr.entry(tails, heads_)
        arcs = g.csr.arc[entries]
        for a in arcs.tolist():
            e_id = int(g.arc_edge[a])
            r = bool(g.arc_reversed[a])
            s = int(net.edges["segment"].iat[e_id])
            along = bool(net.edges["forward"].iat[e_id]) != r
            pieces.append(_cut(net, s, 0.0, 1.0) if along else _cut(net, s, 1.0, 0.0))
            total_len += length[e_id]
            edge_ids.append(e_id)
            rev_flags.append(r)
    if da.seg[0] >= 0:
        s, t = int(da.seg[0]), float(da.t[0])
        pieces.append(_cut(net, s, 0.0, t) if from_u else _cut(net, s, 1.0, t))
        e_id, r = _piece_edge(net, s, from_u)
        edge_ids.append(e_id)
        rev_flags.append(r)
    if pieces:
        coords = np.vstack([pieces[0], *[p[1:] for p in pieces[1:]]])
    else:
        xy = net.nodes[["x", "y"]].to_numpy()[nodes[0]]
        coords = np.vstack([xy, xy])
    return coords, edge_ids, rev_flags, total_len


def _piece_edge(net: RoadNetwork, seg: int, along: bool) -> tuple[int, bool]:
    """Edge used to travel piece ``seg`` along (u -> v) or against it; second item: against the edge."""
    if along:
        return seg, False
    twin = int(net.edges["twin"].iat[seg])
    return (twin, False) if twin >= 0 else (seg, True)
