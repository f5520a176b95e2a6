"""The road network and its per-mode graphs: :class:`RoadNetwork`, assembling it from noded road pieces.

A :class:`RoadNetwork` holds the nodes (junctions) and directed edges (one per
one-way road piece, two per two-way piece) with their geodesic lengths,
speeds and travel times per time-of-day profile, plus walking times. The
builders (:mod:`hutan_geo.network.build`) hand noded pieces to
:func:`_assemble`; routing code asks :func:`_mode_graph` for the compressed
sparse graph of one mode and profile (cached on the network).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo._i18n import tr
from hutan_geo.errors import EmptyInputError, NetworkError
from hutan_geo.model.crs import local_metric_crs
from hutan_geo.model.roads import MODES, PROFILES
from hutan_geo.network import _core as core

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from hutan_geo.network.params import NetworkParams

__all__ = ["RoadNetwork"]

log = logging.getLogger("hutan_geo")


@dataclass
class _ModeGraph:
    """One mode/profile's arcs and CSR, with per-segment access costs."""

    csr: core.Csr
    matrix: Any
    arc_tail: NDArray[np.int64]
    arc_head: NDArray[np.int64]
    arc_weight: NDArray[np.float64]
    arc_edge: NDArray[np.int64]
    arc_reversed: NDArray[np.bool_]
    seg_wf: NDArray[np.float64]  # cost along the segment u -> v (inf when not allowed)
    seg_wb: NDArray[np.float64]  # cost along v -> u
    seg_ok: NDArray[np.bool_]  # segment usable in this mode (snapping)
    scc: NDArray[np.int32] | None = None


@dataclass
class RoadNetwork:
    """A directed road graph with lengths, speeds and travel times per profile.

    Attributes
    ----------
    nodes
        ``node_id`` 0..n-1 (also the index), ``x``/``y`` in :attr:`metric_crs`,
        Point geometry in EPSG:4326.
    edges
        ``edge_id`` (also the index), ``segment`` (the road piece; its forward
        edge has ``edge_id == segment``), ``u``, ``v``, ``forward`` (runs in the
        piece's direction), ``twin`` (the reverse edge of a two-way piece or
        -1), ``road_id``, ``name``, ``ref``, ``road_class``, ``oneway``,
        ``length_m`` (geodesic), ``speed_kph``, ``travel_s_free``,
        ``travel_s_am_peak``, ``travel_s_noon``, ``travel_s_pm_peak``,
        ``walkable``, ``walk_s`` (NaN where walking is excluded), LineString
        geometry in EPSG:4326 oriented u -> v.
    metric_crs
        The CRS in metres used for snapping and geometry work.
    params
        The :class:`NetworkParams` used.
    defaults
        Counts of defaults and repairs: ``roads`` read, ``segments`` built,
        ``unnamed``, ``speed_defaulted``, ``class_defaulted``,
        ``multipart_split``, ``geometry_repaired``, ``geometry_dropped``,
        ``zero_length_dropped`` and, for OSM, ``maxspeed_used``,
        ``missing_nodes`` (outside a clipped extract) and ``osm_ways_skipped``
        (areas, private service roads and ways left with fewer than two nodes).
    dropped
        One row per dropped input road: ``road_id``, ``source_row`` (0-based
        position in the input), ``reason``.
    source
        Where the network came from.
    """

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    metric_crs: pyproj.CRS
    params: NetworkParams
    defaults: dict[str, int]
    dropped: pd.DataFrame
    source: str = ""
    _seg_metric: NDArray[Any] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def n_segments(self) -> int:
        """Number of road pieces (forward edges)."""
        return int(self.edges["forward"].sum())

    def __repr__(self) -> str:
        return (
            f"RoadNetwork({self.n_nodes} nodes, {len(self.edges)} directed edges, "
            f"{self.n_segments} road pieces, {self.metric_crs.to_string()}, source={self.source!r})"
        )

    def summary(self, lang: str = "zh") -> str:
        """One line for planners: size, defaults applied, roads dropped (Chinese, or English for any other ``lang``)."""
        d = self.defaults
        km = float(self.edges.loc[self.edges["forward"], "length_m"].sum()) / 1000
        return tr(
            "net.summary",
            "zh" if lang == "zh" else "en",
            nodes=self.n_nodes,
            pieces=self.n_segments,
            edges=len(self.edges),
            km=km,
            unnamed=d.get("unnamed", 0),
            speed_defaulted=d.get("speed_defaulted", 0),
            class_defaulted=d.get("class_defaulted", 0),
            dropped=len(self.dropped),
        )


def _is_missing(value: object) -> bool:
    """Tell whether a cell is empty: None, NA, NaN or a blank string."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _dropped_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["road_id", "source_row", "reason"])


# --------------------------------------------------------------------------------------
# assembling a network from noded pieces
# --------------------------------------------------------------------------------------


def _drop_zero_length(
    pieces: core.Pieces,
    lengths: NDArray[np.float64],
    attrs: pd.DataFrame,
    counts: Counter,
    dropped: list[dict[str, Any]],
) -> tuple[core.Pieces, NDArray[np.float64]]:
    """Remove pieces of zero geodesic length, listing each in ``dropped``."""
    zero = lengths <= 0.0
    if not zero.any():
        return pieces, lengths
    counts["zero_length_dropped"] += int(zero.sum())
    for p in np.flatnonzero(zero):
        row = int(pieces.parent[p])
        dropped.append({"road_id": attrs["road_id"].iloc[row], "source_row": row, "reason": "zero length"})
    keep_piece = ~zero
    new_index = np.cumsum(keep_piece) - 1
    sel = keep_piece[pieces.piece_of]
    pieces = core.Pieces(
        coords=pieces.coords[sel],
        piece_of=new_index[pieces.piece_of[sel]],
        parent=pieces.parent[keep_piece],
        u_key=pieces.u_key[keep_piece],
        v_key=pieces.v_key[keep_piece],
        zero_length=pieces.zero_length,
    )
    return pieces, lengths[keep_piece]


def _edge_data(
    per_piece: pd.DataFrame,
    lengths: NDArray[np.float64],
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    oneway: NDArray[np.bool_],
    params: NetworkParams,
    extras: Sequence[str],
) -> tuple[dict[str, Any], NDArray[np.int64]]:
    """Columns of the directed edges (forward edge of every piece, then the reverse edges of two-way pieces)."""
    n_pieces = len(per_piece)
    two_way = np.flatnonzero(~oneway)
    n_back = len(two_way)
    edge_piece = np.concatenate([np.arange(n_pieces), two_way])
    forward = np.concatenate([np.ones(n_pieces, dtype=bool), np.zeros(n_back, dtype=bool)])
    twin = np.full(n_pieces + n_back, -1, dtype=np.int64)
    twin[two_way] = n_pieces + np.arange(n_back)
    twin[n_pieces:] = two_way
    classes = per_piece["road_class"].to_numpy()[edge_piece]
    speed = per_piece["speed_kph"].to_numpy(dtype=float)[edge_piece]
    length = lengths[edge_piece]
    data: dict[str, Any] = {
        "edge_id": np.arange(len(edge_piece)),
        "segment": edge_piece,
        "u": np.where(forward, u[edge_piece], v[edge_piece]),
        "v": np.where(forward, v[edge_piece], u[edge_piece]),
        "forward": forward,
        "twin": twin,
        "road_id": per_piece["road_id"].to_numpy()[edge_piece],
        "name": per_piece["name"].to_numpy()[edge_piece],
        "ref": per_piece["ref"].to_numpy()[edge_piece],
        "road_class": classes,
        "oneway": oneway[edge_piece],
        "length_m": length,
        "speed_kph": speed,
    }
    for profile in PROFILES:
        factor = np.array([params.congestion[profile][c] for c in classes], dtype=float)
        data[f"travel_s_{profile}"] = length / (speed * factor / 3.6)
    walkable = ~np.isin(classes, list(params.walk_excluded))
    data["walkable"] = walkable
    data["walk_s"] = np.where(walkable, length / params.walk_speed_mps, np.nan)
    for col in extras:
        if col in per_piece.columns:
            data[col] = per_piece[col].to_numpy()[edge_piece]
    return data, two_way


def _assemble(
    pieces: core.Pieces,
    attrs: pd.DataFrame,
    *,
    params: NetworkParams,
    metric_crs: pyproj.CRS | None,
    counts: Counter,
    dropped: list[dict[str, Any]],
    source: str,
    extras: Sequence[str] = (),
) -> RoadNetwork:
    """Build nodes and directed edges from junction-to-junction pieces; ``attrs`` is per parent road."""
    lengths = core.geodesic_lengths(pieces.coords, pieces.piece_of, len(pieces.parent))
    pieces, lengths = _drop_zero_length(pieces, lengths, attrs, counts, dropped)
    n_pieces = len(pieces.parent)
    if n_pieces == 0:
        reasons = _dropped_frame(dropped)["reason"].value_counts().to_dict()
        msg = f"{source}: no usable road remains ({len(dropped)} dropped: {reasons}); check the geometries"
        raise EmptyInputError(msg)
    per_piece = attrs.iloc[pieces.parent].reset_index(drop=True)
    direction = per_piece["oneway"].to_numpy()
    flip = direction < 0
    if flip.any():
        core.reverse_pieces(pieces.coords, pieces.piece_of, flip)
        pieces.u_key[flip], pieces.v_key[flip] = pieces.v_key[flip].copy(), pieces.u_key[flip].copy()
    oneway = direction != 0
    keys, inverse = np.unique(np.concatenate([pieces.u_key, pieces.v_key]), return_inverse=True)
    u = inverse[:n_pieces].astype(np.int64)
    v = inverse[n_pieces:].astype(np.int64)
    n_nodes = len(keys)
    starts = np.searchsorted(pieces.piece_of, np.arange(n_pieces), side="left")
    ends = np.searchsorted(pieces.piece_of, np.arange(n_pieces), side="right") - 1
    node_lonlat = np.zeros((n_nodes, 2))
    node_lonlat[v] = pieces.coords[ends]
    node_lonlat[u] = pieces.coords[starts]
    if metric_crs is None:
        lo = node_lonlat.min(axis=0)
        hi = node_lonlat.max(axis=0)
        metric_crs = local_metric_crs((float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])))
    to_metric = pyproj.Transformer.from_crs(4326, metric_crs, always_xy=True)
    mx, my = to_metric.transform(pieces.coords[:, 0], pieces.coords[:, 1])
    seg_metric = shapely.linestrings(np.column_stack([mx, my]), indices=pieces.piece_of)
    geoms = shapely.linestrings(pieces.coords, indices=pieces.piece_of)
    nx_, ny_ = to_metric.transform(node_lonlat[:, 0], node_lonlat[:, 1])
    nodes = gpd.GeoDataFrame(
        {"node_id": np.arange(n_nodes), "x": np.asarray(nx_), "y": np.asarray(ny_)},
        geometry=shapely.points(node_lonlat),
        crs=4326,
    )
    data, two_way = _edge_data(per_piece, lengths, u, v, oneway, params, extras)
    edge_geoms = np.concatenate([geoms, shapely.reverse(geoms[two_way])])
    edges = gpd.GeoDataFrame(data, geometry=edge_geoms, crs=4326)
    for col in ("road_id", "name", "ref", "road_class"):
        edges[col] = edges[col].astype("string")
    counts["segments"] = n_pieces
    log.info("network %s: %d nodes, %d road pieces, %d directed edges", source, n_nodes, n_pieces, len(edges))
    return RoadNetwork(
        nodes=nodes,
        edges=edges,
        metric_crs=metric_crs,
        params=params,
        defaults=dict(counts),
        dropped=_dropped_frame(dropped),
        source=source,
        _seg_metric=seg_metric,
    )


# --------------------------------------------------------------------------------------
# mode graphs
# --------------------------------------------------------------------------------------


def _check_mode(mode: str, profile: str) -> None:
    """Refuse an unknown travel mode or time-of-day profile."""
    if mode not in MODES:
        msg = f"mode must be one of {', '.join(MODES)}; got {mode!r}"
        raise NetworkError(msg)
    if profile not in PROFILES:
        msg = f"profile must be one of {', '.join(PROFILES)}; got {profile!r}"
        raise NetworkError(msg)


def _mode_graph(net: RoadNetwork, mode: str, profile: str) -> _ModeGraph:
    """Return the arcs and CSR of ``mode``/``profile`` (cached on the network)."""
    _check_mode(mode, profile)
    key = ("graph", mode, "walk" if mode == "walk" else profile)
    if key in net._cache:
        return net._cache[key]
    e = net.edges
    u, v = e["u"].to_numpy(np.int64), e["v"].to_numpy(np.int64)
    seg = e["segment"].to_numpy(np.int64)
    fwd = e["forward"].to_numpy(bool)
    length = e["length_m"].to_numpy(float)
    n_seg = int(fwd.sum())
    if mode == "drive":
        arc_edge = np.arange(len(e))
        weight = e[f"travel_s_{profile}"].to_numpy(float)
        tail, head, w, rev = u, v, weight, np.zeros(len(e), dtype=bool)
    else:
        walk = e["walkable"].to_numpy(bool)
        lone = walk & (e["twin"].to_numpy() < 0)
        arc_edge = np.concatenate([np.flatnonzero(walk), np.flatnonzero(lone)])
        rev = np.concatenate([np.zeros(int(walk.sum()), dtype=bool), np.ones(int(lone.sum()), dtype=bool)])
        tail = np.where(rev, v[arc_edge], u[arc_edge])
        head = np.where(rev, u[arc_edge], v[arc_edge])
        w = e["walk_s"].to_numpy(float)[arc_edge]
    along = fwd[arc_edge] != rev  # arc runs in its piece's direction
    seg_wf = np.full(n_seg, np.inf)
    seg_wb = np.full(n_seg, np.inf)
    seg_wf[seg[arc_edge][along]] = w[along]
    seg_wb[seg[arc_edge][~along]] = w[~along]
    csr = core.build_csr(net.n_nodes, tail, head, w, length[arc_edge])
    graph = _ModeGraph(
        csr=csr,
        matrix=csr.matrix(),
        arc_tail=tail,
        arc_head=head,
        arc_weight=w,
        arc_edge=arc_edge,
        arc_reversed=rev,
        seg_wf=seg_wf,
        seg_wb=seg_wb,
        seg_ok=np.isfinite(seg_wf) | np.isfinite(seg_wb),
    )
    net._cache[key] = graph
    return graph


def _scc(g: _ModeGraph) -> NDArray[np.int32]:
    """Strongly connected part of every node of ``g`` (computed once, kept on ``g``)."""
    if g.scc is None:
        from scipy.sparse.csgraph import connected_components

        _, labels = connected_components(g.matrix, directed=True, connection="strong")
        g.scc = labels.astype(np.int32)
    return g.scc


def _cut(net: RoadNetwork, seg: int, t0: float, t1: float) -> NDArray[np.float64]:
    """Metric coordinates of piece ``seg`` from fraction ``t0`` to ``t1`` (reversed when t1 < t0)."""
    from shapely.ops import substring

    line = net._seg_metric[seg]
    lo, hi = min(t0, t1), max(t0, t1)
    part = substring(line, lo, hi, normalized=True)
    coords = shapely.get_coordinates(part)
    if len(coords) == 1:
        coords = np.vstack([coords, coords])
    return coords[::-1] if t1 < t0 else coords
