"""Travel-time matrices, and a distance service that snaps each point set once.

:func:`travel_time_matrix` runs :func:`scipy.sparse.csgraph.dijkstra` from all
origins of a chunk at once (memory bounded by ``chunk_size``) on the network's
contracted core graph (:mod:`hutan_geo.network.contract`: dead ends pruned,
chains of degree-2 junctions collapsed, the same answers); times are exact
at the projected points. Analyses that ask many questions of the same points
(hazards and school gates, stations and schools) register each point set once
with :class:`DistanceService`: the points are snapped at most once per travel
mode, and every matrix or pair distance afterwards reuses those snaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo._i18n import LABELS
from hutan_geo.errors import InputError
from hutan_geo.model.frames import check_crs
from hutan_geo.network.contract import _Contraction, _contraction, _identity, _search, _Starts, _Targets
from hutan_geo.network.graph import RoadNetwork, _mode_graph, _ModeGraph, _scc
from hutan_geo.network.params import _positive
from hutan_geo.network.snapping import _Access, _access, _egress, _leave_arcs, snap_points

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["DistanceService", "TravelMatrix", "travel_time_matrix"]


@dataclass(frozen=True)
class TravelMatrix:
    """Travel times and distances between origins and destinations.

    Attributes
    ----------
    travel_s
        Seconds, shape (origins, destinations); ``inf`` where unreachable
        (every such pair is listed in :attr:`unreachable`).
    dist_m
        Metres along the fastest path (None when not computed); ``nan`` where
        unreachable.
    origins, destinations
        Labels (the input index, a ``labels=`` column, or node ids).
    unreachable
        One row per unreachable pair: ``origin``, ``destination`` (labels),
        ``reason`` (``origin_not_snapped``, ``destination_not_snapped``,
        ``no_route``), ``detail`` (the snap distance, or the sizes of the
        disconnected parts) and ``origin_index``/``destination_index`` (row
        and column in the arrays).
    profile, mode
        What was computed.
    """

    travel_s: NDArray[np.float64]
    dist_m: NDArray[np.float64] | None
    origins: pd.Index
    destinations: pd.Index
    unreachable: pd.DataFrame
    profile: str
    mode: str

    def to_frame(self, *, lang: str = "en") -> pd.DataFrame:
        """Long form: one row per pair with ``travel_s``, ``dist_m`` (NaN, not inf, where unreachable), ``reason``."""
        n_o, n_d = self.travel_s.shape
        t = self.travel_s.ravel()
        frame = pd.DataFrame(
            {
                "origin": np.repeat(self.origins.to_numpy(), n_d),
                "destination": np.tile(self.destinations.to_numpy(), n_o),
                "travel_s": np.where(np.isfinite(t), t, np.nan),
            }
        )
        if self.dist_m is not None:
            frame["dist_m"] = self.dist_m.ravel()
        reason = np.full(n_o * n_d, None, dtype=object)
        if len(self.unreachable):
            rows = self.unreachable["origin_index"].to_numpy() * n_d + self.unreachable["destination_index"].to_numpy()
            col = 0 if lang == "zh" else 1
            reason[rows] = [LABELS[f"net.{r}"][col] for r in self.unreachable["reason"]]
        frame["reason"] = pd.array(reason, dtype="string")
        return frame


def _default_chunk(size: int, *, with_distance: bool) -> int:
    """Origins per Dijkstra call: 256 MiB of times, or 64 MiB of times, predecessors and walk marks with distances."""
    if with_distance:  # 8 (times) + 4 (predecessors) + 16 (claims of the tree walk) bytes per row and node
        return max(1, min(256, (64 * 2**20) // (28 * max(size, 1))))
    return max(1, min(512, (256 * 2**20) // (8 * max(size, 1))))


def travel_time_matrix(
    net: RoadNetwork,
    origins: Any,
    destinations: Any = None,
    *,
    profile: str = "am_peak",
    mode: str = "drive",
    labels: str | None = None,
    max_snap_m: float | None = None,
    chunk_size: int | None = None,
    with_distance: bool = True,
) -> TravelMatrix:
    """Travel times (and distances along the fastest path) from every origin to every destination.

    Origins and destinations are points (snapped with :func:`snap_points`;
    times are exact at the projected point: the partial edge to the first
    junction and from the last one is included, and two points on one road
    piece are joined along it when the direction allows), a
    :func:`snap_points` frame, or node ids. Each point origin becomes a
    virtual node with arcs to the ends of its road piece, so one Dijkstra
    (:func:`scipy.sparse.csgraph.dijkstra`) runs per distinct origin; the
    origins are processed ``chunk_size`` at a time.

    The search runs on a contracted *core* graph, built once per network,
    mode and profile and cached on the network: dead-end trees are pruned
    and chains of junctions with two neighbours collapsed into single arcs
    (summed time and length), and every destination becomes a sink joined
    to the core by its ways in. Origins and destinations inside a pruned
    part join the core through its ends, and pairs within one pruned part
    are also searched inside it, so the results are those of a search on
    the full graph: times to rounding (about 1e-12 s), distances along the
    same fastest path, the same unreachable pairs and reasons.

    Parameters
    ----------
    net
        The network.
    origins, destinations
        Points in any CRS, a snap frame, or node ids; ``destinations=None``
        means the origins.
    profile
        One of :data:`PROFILES` (ignored for walking).
    mode
        ``"drive"`` (one-way rules) or ``"walk"`` (walking speed, both
        directions, no national highways).
    labels
        Column of the origin/destination frames to label rows and columns
        (e.g. ``"name"``); default their index.
    max_snap_m
        Snap limit; default ``net.params.max_snap_m``.
    chunk_size
        Origins per Dijkstra call. Peak extra memory is about
        ``chunk_size x (n_core + destinations + chunk_size) x 8`` bytes for
        the times (``n_core``: nodes of the core graph, at most ``n_nodes``),
        and ``x 28`` bytes with distances, besides the result arrays
        (``origins x destinations x 16`` bytes). The default keeps the times
        near 256 MiB, and near 64 MiB with distances.
    with_distance
        Also compute ``dist_m``: the predecessor trees are climbed from the
        destinations, each tree node once per origin, and the lengths summed
        from the origin down (see the README for the cost).

    Returns
    -------
    TravelMatrix

    Examples
    --------
    >>> import hutan_geo as hg
    >>> demo = hg.load_demo()
    >>> m = travel_time_matrix(hg.network_from_roads(demo.roads), demo.gates.head(3), profile="am_peak")
    >>> m.travel_s.shape, float(m.travel_s[0, 0]), len(m.unreachable)
    ((3, 3), 0.0, 0)
    """
    return _travel_matrix(
        net,
        origins,
        destinations,
        profile=profile,
        mode=mode,
        labels=labels,
        max_snap_m=max_snap_m,
        chunk_size=chunk_size,
        with_distance=with_distance,
        contract=True,
    )


def _travel_matrix(
    net: RoadNetwork,
    origins: Any,
    destinations: Any,
    *,
    profile: str,
    mode: str,
    labels: str | None,
    max_snap_m: float | None,
    chunk_size: int | None,
    with_distance: bool,
    contract: bool,
) -> TravelMatrix:
    """:func:`travel_time_matrix` on the contracted core graph, or (``contract=False``) on the full graph."""
    g = _mode_graph(net, mode, profile)
    key = (mode, "walk" if mode == "walk" else profile)
    cg = _contraction(net, g, key) if contract else _identity(net, g, key)
    oa = _access(net, origins, mode=mode, labels=labels, max_snap_m=max_snap_m, what="origins")
    da = (
        oa
        if destinations is None
        else _access(net, destinations, mode=mode, labels=labels, max_snap_m=max_snap_m, what="destinations")
    )
    n_o, n_d = len(oa.ok), len(da.ok)
    travel = np.full((n_o, n_d), np.inf)
    dist = np.full((n_o, n_d), np.nan) if with_distance else None
    # distinct origins: a node, or a (piece, fraction) position
    ok_rows = np.flatnonzero(oa.ok)
    key_o = pd.MultiIndex.from_arrays([oa.node[ok_rows], oa.seg[ok_rows], oa.t[ok_rows]])
    codes, _ = pd.factorize(key_o)
    uniq_rows = ok_rows[np.unique(codes, return_index=True)[1]]
    tg = _Targets.of(cg, *_egress(net, g, da))
    chunk = chunk_size if chunk_size is not None else _default_chunk(cg.n_core + n_d + 64, with_distance=with_distance)
    chunk = int(_positive(chunk, "chunk_size"))
    uniq_result_t = np.full((len(uniq_rows), n_d), np.inf)
    uniq_result_d = np.full((len(uniq_rows), n_d), np.nan) if with_distance else None
    for start in range(0, len(uniq_rows), chunk):
        rows = uniq_rows[start : start + chunk]
        best, best_len = _chunk_times(net, g, cg, oa, da, tg, rows, with_distance=with_distance)
        uniq_result_t[start : start + len(rows)] = best
        if with_distance:
            uniq_result_d[start : start + len(rows)] = best_len
    travel[ok_rows] = uniq_result_t[codes]
    if with_distance:
        dist[ok_rows] = uniq_result_d[codes]
    unreachable = _unreachable(net, g, oa, da, travel)
    return TravelMatrix(
        travel_s=travel,
        dist_m=dist,
        origins=oa.labels,
        destinations=da.labels,
        unreachable=unreachable,
        profile=profile if mode == "drive" else "walk",
        mode=mode,
    )


def _starts(net: RoadNetwork, g: _ModeGraph, oa: _Access, rows: NDArray[np.int64]) -> _Starts:
    """Where the origins ``rows`` enter the graph: their node, or the ends of their road piece."""
    is_pt = oa.seg[rows] >= 0
    heads, costs, lens, counts, _ = _leave_arcs(net, g, oa, rows[is_pt])
    cnt = np.ones(len(rows), dtype=np.int64)
    cnt[is_pt] = counts
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(cnt, out=ptr[1:])
    node = np.empty(int(ptr[-1]), dtype=np.int64)
    cost = np.zeros(len(node))
    length = np.zeros(len(node))
    at_node = ptr[:-1][~is_pt]
    node[at_node] = oa.node[rows[~is_pt]]
    on_piece = np.repeat(is_pt, cnt)
    node[on_piece], cost[on_piece], length[on_piece] = heads, costs, lens
    return _Starts(ptr, node, cost, length)


def _chunk_times(
    net: RoadNetwork,
    g: _ModeGraph,
    cg: _Contraction,
    oa: _Access,
    da: _Access,
    tg: _Targets,
    rows: NDArray[np.int64],
    *,
    with_distance: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Compute times (and lengths) from the origins ``rows`` to every destination: one core search."""
    best, best_len = _search(cg, _starts(net, g, oa, rows), tg, with_distance=with_distance)
    # two points on the same road piece: along it, when the direction allows
    o_seg = oa.seg[rows]
    d_seg = da.seg
    if (o_seg >= 0).any() and (d_seg >= 0).any():
        same_i, same_j = np.nonzero((o_seg[:, None] == d_seg[None, :]) & (o_seg[:, None] >= 0))
        if len(same_i):
            s = o_seg[same_i]
            t0, t1 = oa.t[rows][same_i], da.t[same_j]
            seg_len = net.edges["length_m"].to_numpy(float)[s]
            with np.errstate(invalid="ignore"):
                direct = np.where(t1 >= t0, (t1 - t0) * g.seg_wf[s], (t0 - t1) * g.seg_wb[s])
            better = direct < best[same_i, same_j]
            best[same_i[better], same_j[better]] = direct[better]
            if with_distance:
                best_len[same_i[better], same_j[better]] = (np.abs(t1 - t0) * seg_len)[better]
    best[:, ~da.ok] = np.inf
    if with_distance:
        best_len[~np.isfinite(best)] = np.nan
    return best, best_len


def _unreachable(
    net: RoadNetwork, g: _ModeGraph, oa: _Access, da: _Access, travel: NDArray[np.float64]
) -> pd.DataFrame:
    """List every unreachable pair with its reason: a point not snapped, or no path (with the part sizes)."""
    ii, jj = np.nonzero(~np.isfinite(travel))
    ok_o, ok_d = oa.ok[ii], da.ok[jj]
    reason = np.where(~ok_o, "origin_not_snapped", np.where(~ok_d, "destination_not_snapped", "no_route"))
    detail = np.full(len(ii), "", dtype=object)
    o_reason = np.asarray(oa.reason, dtype=object)
    d_reason = np.asarray(da.reason, dtype=object)
    detail[~ok_o] = o_reason[ii[~ok_o]]
    sel = ok_o & ~ok_d
    detail[sel] = d_reason[jj[sel]]
    route = ok_o & ok_d
    if route.any():
        scc = _scc(g)
        sizes = np.bincount(scc)
        u = net.edges["u"].to_numpy()

        def part_size(acc: _Access, idx: NDArray[np.int64]) -> NDArray[np.int64]:
            node = np.where(acc.node[idx] >= 0, acc.node[idx], u[np.maximum(acc.seg[idx], 0)])
            return sizes[scc[node]]

        a, b = part_size(oa, ii[route]), part_size(da, jj[route])
        largest = int(sizes.max())
        combos, inv = np.unique(a * (largest + 1) + b, return_inverse=True)
        texts = np.array(
            [
                f"no directed path: origin in a strongly connected part of {x} nodes, destination in one of {y} "
                f"(largest: {largest}); see connectivity_report()"
                for x, y in zip((combos // (largest + 1)).tolist(), (combos % (largest + 1)).tolist(), strict=True)
            ],
            dtype=object,
        )
        detail[route] = texts[inv.reshape(-1)]
    return pd.DataFrame(
        {
            "origin": oa.labels.to_numpy()[ii],
            "destination": da.labels.to_numpy()[jj],
            "reason": reason.astype(object),
            "detail": detail,
            "origin_index": ii,
            "destination_index": jj,
        }
    )


class DistanceService:
    """Snap each named point set once per mode; serve travel-time matrices and pair distances.

    Parameters
    ----------
    net
        The road network.

    Attributes
    ----------
    net
        The road network.

    Notes
    -----
    Point sets are addressed by name and their points by integer position
    (0 .. n-1 in the order given to :meth:`add`); the snap frames, and the
    labels of the matrices, use these positions as their index.

    Examples
    --------
    >>> import hutan_geo as hg
    >>> demo = hg.load_demo()
    >>> service = DistanceService(hg.network_from_roads(demo.roads))
    >>> service.add("gates", demo.gates.head(4))
    >>> service.matrix("gates", mode="walk").travel_s.shape
    (4, 4)
    >>> d = service.pair_distances("gates", [0, 1], "gates", [0, 0])
    >>> float(d[0]), bool(d[1] > 0)
    (0.0, True)
    """

    def __init__(self, net: RoadNetwork) -> None:
        if not isinstance(net, RoadNetwork):
            msg = f"net must be a RoadNetwork (build one with network_from_roads); got {type(net).__name__}"
            raise InputError(msg)
        self.net = net
        self._points: dict[str, gpd.GeoSeries] = {}
        self._snaps: dict[tuple[str, str], pd.DataFrame] = {}

    def add(self, name: str, points: gpd.GeoDataFrame | gpd.GeoSeries) -> None:
        """Register a point set under ``name``.

        Re-adding a name replaces its points and drops its cached snaps.

        Parameters
        ----------
        name
            The name the other methods use.
        points
            Points in any CRS (lines and polygons count by their centroid).

        Raises
        ------
        InputError
            ``points`` is not a GeoDataFrame or GeoSeries.
        CRSError
            ``points`` has no CRS, or coordinates that contradict it.
        """
        if not isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries)):
            msg = f"points for {name!r} must be a GeoDataFrame or GeoSeries (any CRS); got {type(points).__name__}"
            raise InputError(msg)
        check_crs(points, name)
        geo = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        self._points[name] = geo.reset_index(drop=True)
        for key in [k for k in self._snaps if k[0] == name]:
            del self._snaps[key]

    def _geoms(self, name: str) -> gpd.GeoSeries:
        """Return the points registered as ``name``."""
        if name not in self._points:
            known = ", ".join(map(repr, self._points)) or "none"
            msg = f"no point set named {name!r}; add it first with add({name!r}, points) (known: {known})"
            raise InputError(msg)
        return self._points[name]

    def snaps(self, name: str, *, mode: str = "drive") -> pd.DataFrame:
        """Return where the points of ``name`` meet the network for ``mode``, snapping them once.

        Parameters
        ----------
        name
            A registered point set.
        mode
            ``"drive"`` or ``"walk"``.

        Returns
        -------
        DataFrame
            The :func:`~hutan_geo.network.snap_points` frame, indexed by
            position; the same object on every call until ``name`` is
            added again.
        """
        key = (name, mode)
        if key not in self._snaps:
            self._snaps[key] = snap_points(self.net, self._geoms(name), mode=mode)
        return self._snaps[key]

    def _rows(self, name: str, rows: ArrayLike | None, what: str) -> NDArray[np.int64] | None:
        """Check optional integer positions into the point set ``name``."""
        if rows is None:
            return None
        out = np.asarray(rows)
        n = len(self._geoms(name))
        if out.ndim != 1 or (len(out) and not np.issubdtype(out.dtype, np.integer)):
            msg = f"{what} must be 1-d integer positions into {name!r}; got {out.dtype} of shape {out.shape}"
            raise InputError(msg)
        bad = (out < 0) | (out >= n)
        if bad.any():
            msg = f"{what}: positions {out[bad][:5].tolist()} are outside 0..{n - 1} of {name!r}"
            raise InputError(msg)
        return out.astype(np.int64)

    def _subset(self, name: str, rows: NDArray[np.int64] | None, mode: str) -> pd.DataFrame:
        """Return the cached snaps of ``name`` for ``mode``, restricted to ``rows`` when given."""
        snap = self.snaps(name, mode=mode)
        if rows is None:
            return snap
        out = snap.iloc[rows]
        out.attrs["mode"] = mode
        return out

    def matrix(
        self,
        origins: str,
        destinations: str | None = None,
        *,
        mode: str = "drive",
        profile: str = "am_peak",
        with_distance: bool = False,
        origin_rows: ArrayLike | None = None,
        destination_rows: ArrayLike | None = None,
    ) -> TravelMatrix:
        """Travel times (and optionally distances) between two registered point sets, from the cached snaps.

        Parameters
        ----------
        origins, destinations
            Registered point sets; ``destinations=None`` means the origins
            (the same rows unless ``destination_rows`` is given).
        mode
            ``"drive"`` or ``"walk"``.
        profile
            Time-of-day profile (ignored for walking).
        with_distance
            Also compute ``dist_m`` along the fastest path.
        origin_rows, destination_rows
            Integer positions selecting a subset of each set (default all).

        Returns
        -------
        TravelMatrix
            Rows and columns labelled by position in their point set.
        """
        o_rows = self._rows(origins, origin_rows, "origin_rows")
        o_snap = self._subset(origins, o_rows, mode)
        if destinations is None and destination_rows is None:
            d_snap = None
        else:
            d_name = origins if destinations is None else destinations
            d_snap = self._subset(d_name, self._rows(d_name, destination_rows, "destination_rows"), mode)
        return travel_time_matrix(self.net, o_snap, d_snap, mode=mode, profile=profile, with_distance=with_distance)

    def pair_distances(
        self,
        origins: str,
        origin_rows: ArrayLike,
        destinations: str,
        destination_rows: ArrayLike,
        *,
        mode: str = "drive",
        profile: str = "free",
        both_directions: bool = False,
        chunk: int = 64,
    ) -> NDArray[np.float64]:
        """Distance along the fastest path for each (origin, destination) pair of positions.

        The distinct origins are processed ``chunk`` at a time; each chunk
        computes one matrix to the destinations its pairs need.

        Parameters
        ----------
        origins, destinations
            Registered point sets.
        origin_rows, destination_rows
            Positions of equal length: pair ``i`` is
            ``(origin_rows[i], destination_rows[i])``.
        mode
            ``"drive"`` or ``"walk"``.
        profile
            Time-of-day profile that decides the fastest path.
        both_directions
            Take the shorter of origin to destination and destination to
            origin (one-way streets count both ways).
        chunk
            Distinct origins per matrix.

        Returns
        -------
        ndarray
            Metres per pair; NaN where not measurable (a point not snapped,
            or no path).
        """
        oi = self._rows(origins, origin_rows, "origin_rows")
        di = self._rows(destinations, destination_rows, "destination_rows")
        if len(oi) != len(di):
            msg = f"origin_rows and destination_rows must have the same length; got {len(oi)} and {len(di)}"
            raise InputError(msg)
        if not isinstance(chunk, (int, np.integer)) or chunk < 1:
            msg = f"chunk must be a positive integer; got {chunk!r}"
            raise InputError(msg)
        out = np.full(len(oi), np.nan)
        starts = np.unique(oi)
        for start in range(0, len(starts), chunk):
            block = starts[start : start + chunk]
            sel = np.flatnonzero(np.isin(oi, block))
            ends = np.unique(di[sel])
            r = np.searchsorted(block, oi[sel])
            c = np.searchsorted(ends, di[sel])
            o_snap = self._subset(origins, block, mode)
            d_snap = self._subset(destinations, ends, mode)
            m = travel_time_matrix(self.net, o_snap, d_snap, mode=mode, profile=profile, with_distance=True)
            vals = m.dist_m[r, c]
            if both_directions:
                back = travel_time_matrix(self.net, d_snap, o_snap, mode=mode, profile=profile)
                vals = np.fmin(vals, back.dist_m[c, r])
            out[sel] = vals
        return out
