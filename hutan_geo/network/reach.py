"""What the network reaches: service areas (isochrones) and strongly connected parts.

:func:`service_areas` gives the area reachable within given times (polygons
from the reachable road pieces, cut where the time runs out);
:func:`largest_scc` and :func:`connectivity_report` diagnose disconnected
parts.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo.errors import InputError
from hutan_geo.network import _core as core
from hutan_geo.network.graph import RoadNetwork, _assemble, _cut, _mode_graph, _ModeGraph, _scc
from hutan_geo.network.params import _positive
from hutan_geo.network.snapping import _Access, _access, _leave_arcs

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import NDArray

__all__ = ["connectivity_report", "largest_scc", "service_areas"]


def service_areas(
    net: RoadNetwork,
    sources: Any,
    limits_s: Iterable[float] = (60, 180, 300),
    *,
    mode: str = "drive",
    profile: str = "am_peak",
    dissolve: bool = False,
    buffer_m: float = 30.0,
    labels: str | None = None,
    max_snap_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Areas reachable within each time limit: the reachable road pieces, buffered.

    Every road piece is reached from its ends up to the fraction the
    remaining time allows (partly reached pieces are cut there; the source's
    own piece is covered both ways as far as the direction allows); the
    pieces are buffered by ``buffer_m`` metres (default 30 m: about a street
    with its pavements) and merged. Not a convex hull: blocks a road does not
    reach stay out. Areas for larger limits contain the smaller ones.

    Parameters
    ----------
    sources
        Points (any CRS), a snap frame, or node ids.
    limits_s
        Time limits in seconds (e.g. the 1/3/5-minute response circles).
    dissolve
        One area per limit for all sources together (the union) instead of
        one per source and limit.
    buffer_m
        Half-width of the area around each reachable road, in metres.

    Returns
    -------
    GeoDataFrame
        ``source`` (label, or ``"all"`` when dissolved), ``limit_s``,
        ``road_m`` (length of road reachable), ``area_m2``, ``snapped``,
        ``reason``; geometry in EPSG:4326 (None for sources not on the network).
    """
    from scipy.sparse.csgraph import dijkstra

    limits = sorted({_positive(v, "limits_s") for v in limits_s})
    if not limits:
        msg = "limits_s must hold at least one time limit in seconds, e.g. (60, 180, 300)"
        raise InputError(msg)
    buffer_m = _positive(buffer_m, "buffer_m", upper=500)
    g = _mode_graph(net, mode, profile)
    acc = _access(net, sources, mode=mode, labels=labels, max_snap_m=max_snap_m, what="sources")
    n = net.n_nodes
    groups = [np.flatnonzero(acc.ok)] if dissolve else [np.array([i]) for i in range(len(acc.ok))]
    group_names = ["all"] if dissolve else list(acc.labels)
    to_wgs = pyproj.Transformer.from_crs(net.metric_crs, 4326, always_xy=True)
    seg_len = net.edges["length_m"].to_numpy(float)[: len(g.seg_wf)]
    u = net.edges["u"].to_numpy(np.int64)[: len(g.seg_wf)]
    v = net.edges["v"].to_numpy(np.int64)[: len(g.seg_wf)]
    rows_out = []
    for name, given in zip(group_names, groups, strict=True):
        members = given[acc.ok[given]]
        if len(members) == 0:
            reason = acc.reason[int(given[0])] if len(given) else "no source is on the network"
            rows_out.extend((name, lim, 0.0, 0.0, False, reason, None) for lim in limits)
            continue
        pts = members[acc.seg[members] >= 0]
        heads, costs, _, _, _ = _leave_arcs(net, g, acc, pts)
        heads = np.concatenate([heads, acc.node[members[acc.node[members] >= 0]]])
        costs = np.concatenate([costs, np.zeros(int((acc.node[members] >= 0).sum()))])
        order = np.lexsort((costs, heads))
        heads, costs = heads[order], costs[order]
        first = np.ones(len(heads), dtype=bool)
        first[1:] = heads[1:] != heads[:-1]
        heads, costs = heads[first], costs[first]
        # a source on a junction has a zero-cost arc; scipy keeps explicit zeros as arcs, but a sparse
        # matrix may drop them, so every virtual arc gets 1 ns more and the distances 1 ns less
        eps = 1e-9
        matrix = core.augment(g.csr, heads, costs + eps, np.array([len(heads)]))
        dvec = dijkstra(matrix, directed=True, indices=n, limit=limits[-1] + eps)[:n] - eps
        for lim in limits:
            full, intervals = _reached(g, acc, pts, dvec, u, v, lim)
            whole = net._seg_metric[np.flatnonzero(full)]
            parts = [shapely.LineString(_cut(net, s, lo, hi)) for s, lo, hi in intervals]
            road_m = float(seg_len[full].sum()) + sum(seg_len[s] * (hi - lo) for s, lo, hi in intervals)
            geoms = np.concatenate([whole, np.asarray(parts, dtype=object)]) if parts else whole
            if len(geoms) == 0:
                node_pts = net.nodes[["x", "y"]].to_numpy()[heads[costs <= lim]]
                geoms = shapely.points(node_pts) if len(node_pts) else np.asarray([], dtype=object)
            area = shapely.buffer(shapely.union_all(geoms), buffer_m) if len(geoms) else shapely.Polygon()
            area_m2 = float(area.area)
            area_wgs = shapely.transform(area, lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))
            rows_out.append((name, lim, road_m, area_m2, True, None, area_wgs))
    frame = pd.DataFrame(rows_out, columns=["source", "limit_s", "road_m", "area_m2", "snapped", "reason", "geometry"])
    frame["reason"] = frame["reason"].astype("string")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)


def _reached(
    g: _ModeGraph,
    acc: _Access,
    pts: NDArray[np.int64],
    dvec: NDArray[np.float64],
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    lim: float,
) -> tuple[NDArray[np.bool_], list[tuple[int, float, float]]]:
    """Road pieces reached whole within ``lim`` seconds, and ``(piece, from, to)`` fractions of the others.

    ``dvec`` holds the times to every node; a piece is reached from either
    end as far as the remaining time allows, and the sources' own pieces
    (``pts``) from the source both ways as far as the direction allows.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        reach_u = np.where(np.isfinite(dvec[u]) & np.isfinite(g.seg_wf), (lim - dvec[u]) / g.seg_wf, 0.0)
        reach_v = np.where(np.isfinite(dvec[v]) & np.isfinite(g.seg_wb), (lim - dvec[v]) / g.seg_wb, 0.0)
    a = np.clip(np.nan_to_num(reach_u, nan=0.0, posinf=1.0), 0.0, 1.0)
    b = np.clip(np.nan_to_num(reach_v, nan=0.0, posinf=1.0), 0.0, 1.0)
    intervals: list[tuple[int, float, float]] = []
    full = (a + b) >= 1.0
    for s in np.flatnonzero(~full & (a > 0)):
        intervals.append((int(s), 0.0, float(a[s])))
    for s in np.flatnonzero(~full & (b > 0)):
        intervals.append((int(s), 1.0 - float(b[s]), 1.0))
    for p in pts.tolist():
        s, t = int(acc.seg[p]), float(acc.t[p])
        lo = t - min(t, lim / g.seg_wb[s]) if np.isfinite(g.seg_wb[s]) else t
        hi = t + min(1 - t, lim / g.seg_wf[s]) if np.isfinite(g.seg_wf[s]) else t
        if hi > lo:
            intervals.append((s, lo, hi))
    return full, intervals


# --------------------------------------------------------------------------------------
# diagnostics
# --------------------------------------------------------------------------------------


def largest_scc(net: RoadNetwork, *, mode: str = "drive") -> RoadNetwork:
    """Keep the largest strongly connected part: every node in it reaches every other.

    Road pieces with an end outside it are dropped (counted in
    ``defaults["outside_largest_scc"]``); nodes are renumbered.
    """
    g = _mode_graph(net, mode, "free")
    labels = _scc(g)
    big = int(np.argmax(np.bincount(labels)))
    inside = labels == big
    e = net.edges
    fwd = e[e["forward"]]
    keep = inside[fwd["u"].to_numpy()] & inside[fwd["v"].to_numpy()]
    kept = fwd[keep]
    coords, piece_of = shapely.get_coordinates(kept.geometry.to_numpy(), return_index=True)
    pieces = core.Pieces(
        coords=coords,
        piece_of=piece_of.astype(np.int64),
        parent=np.arange(len(kept), dtype=np.int64),
        u_key=kept["u"].to_numpy(np.int64),
        v_key=kept["v"].to_numpy(np.int64),
        zero_length=np.zeros(0, dtype=np.int64),
    )
    attrs = pd.DataFrame(
        {
            "road_id": kept["road_id"].to_numpy(),
            "name": kept["name"].to_numpy(),
            "ref": kept["ref"].to_numpy(),
            "road_class": kept["road_class"].to_numpy(),
            "speed_kph": kept["speed_kph"].to_numpy(),
            "oneway": kept["oneway"].to_numpy().astype(int),
        }
    )
    extras = [c for c in e.columns if c in ("bridge", "lanes", "highway", "osm_way")]
    for c in extras:
        attrs[c] = kept[c].to_numpy()
    for c in ("name", "ref", "road_id"):
        attrs[c] = attrs[c].astype(object)
    counts = Counter(net.defaults)
    counts["outside_largest_scc"] = int((~keep).sum())
    out = _assemble(
        pieces,
        attrs,
        params=net.params,
        metric_crs=net.metric_crs,
        counts=counts,
        dropped=net.dropped.to_dict("records"),
        source=f"{net.source} (largest strongly connected part)",
        extras=extras,
    )
    out.defaults["segments"] = len(kept)
    return out


def connectivity_report(net: RoadNetwork, *, mode: str = "drive", max_names: int = 8) -> pd.DataFrame:
    """Strongly connected parts of the network, largest first, with the roads in each.

    Returns
    -------
    DataFrame
        One row per part: ``component`` (0 = largest), ``nodes``,
        ``road_pieces``, ``road_m``, ``share_nodes``, ``largest``,
        ``road_names`` (up to ``max_names`` names, 、-separated) and
        ``road_ids``. A well-formed district has one large part; small parts
        are roads cut off by a gap in the data or one-way streets with no way
        out (a part of one node is a dead end of one-way roads).

    Examples
    --------
    >>> import hutan_geo as hg
    >>> report = connectivity_report(hg.network_from_roads(hg.load_demo().roads))
    >>> len(report), float(report["share_nodes"].iloc[0])
    (1, 1.0)
    """
    g = _mode_graph(net, mode, "free")
    labels = _scc(g)
    sizes = np.bincount(labels)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    e = net.edges
    fwd = e[e["forward"]]
    cu = labels[fwd["u"].to_numpy()]
    cv = labels[fwd["v"].to_numpy()]
    rows = []
    for r, comp in enumerate(order.tolist()):
        sel = (cu == comp) | (cv == comp)
        names = fwd.loc[sel, "name"].dropna().unique().tolist()
        ids = fwd.loc[sel, "road_id"].dropna().unique().tolist()
        rows.append(
            {
                "component": r,
                "nodes": int(sizes[comp]),
                "road_pieces": int(((cu == comp) & (cv == comp)).sum()),
                "road_m": float(fwd.loc[(cu == comp) & (cv == comp), "length_m"].sum()),
                "share_nodes": float(sizes[comp] / net.n_nodes),
                "largest": r == 0,
                "road_names": "、".join(names[:max_names]) + ("…" if len(names) > max_names else ""),
                "road_ids": ", ".join(ids[:max_names]) + ("…" if len(ids) > max_names else ""),
            }
        )
    return pd.DataFrame(rows)
