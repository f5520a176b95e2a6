"""Road networks and travel times: directed graphs, peak-hour speeds, snapping, matrices, service areas.

A :class:`RoadNetwork` is built from the district's road layer
(:func:`network_from_roads`), an OpenStreetMap extract (:func:`network_from_osm`,
``.osm.pbf`` or ``.osm`` XML), an osmnx GraphML file
(:func:`network_from_graphml`) or an osmnx download (:func:`network_from_place`).
Roads are split at every vertex they share (junctions), one-way roads give one
directed edge and two-way roads two; every edge carries its geodesic length,
its speed and a travel time per time-of-day profile (:data:`PROFILES`), plus a
walking time (walking ignores one-way rules and keeps off national highways).

Points (school gates, hazards, stations, candidate posts) are snapped to the
nearest road at their projected point (:func:`snap_points`); points farther
than ``max_snap_m`` are flagged, never silently snapped. Travel times are exact
at the projected point: leaving it you pay the part of its edge up to the next
junction, and two points on the same edge are joined along it when the
direction allows.

:func:`travel_time_matrix` runs :func:`scipy.sparse.csgraph.dijkstra` from all
origins of a chunk at once (memory bounded by ``chunk_size``);
:func:`shortest_path` gives node lists and line geometries;
:func:`service_areas` the area reachable within given times (polygons from
the reachable road pieces); :func:`largest_scc` and
:func:`connectivity_report` diagnose disconnected parts.

Default speeds (km/h) and congestion factors (speed multipliers per profile):

==================  =====  ====  =======  ====  =======
road class          speed  free  am_peak  noon  pm_peak
==================  =====  ====  =======  ====  =======
national_highway    60     1     0.65     0.80  0.60
provincial_highway  60     1     0.65     0.80  0.60
arterial            50     1     0.55     0.75  0.50
collector           40     1     0.60     0.80  0.55
local               30     1     0.70     0.85  0.65
county_road         60     1     0.80     0.90  0.75
village_road        30     1     0.90     0.95  0.85
==================  =====  ====  =======  ====  =======

The speed applies only where a road has no speed of its own (``speed_kph``
column, OSM ``maxspeed``); the factors always apply. Override either per road
class with :class:`NetworkParams`.
"""

from __future__ import annotations

import logging
import math
import pathlib
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely import LineString, Point

from hutan_geo.errors import CRSError, EmptyInputError, InputError, NetworkError, NoRouteError, UnsupportedFormatError
from hutan_geo.model.crs import local_metric_crs
from hutan_geo.model.roads import DEFAULT_CONGESTION, DEFAULT_SPEED_KPH, MODES, OSM_HIGHWAY_CLASSES, PROFILES
from hutan_geo.model.schema import ROAD_CLASSES
from hutan_geo.network import _core as core

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import networkx as nx
    from numpy.typing import NDArray

__all__ = [
    "DEFAULT_CONGESTION",
    "DEFAULT_SPEED_KPH",
    "MODES",
    "OSM_HIGHWAY_CLASSES",
    "PROFILES",
    "NetworkParams",
    "Path",
    "RoadNetwork",
    "TravelMatrix",
    "connectivity_report",
    "largest_scc",
    "network_from_graphml",
    "network_from_osm",
    "network_from_place",
    "network_from_roads",
    "service_areas",
    "shortest_path",
    "snap_points",
    "to_networkx",
    "travel_time_matrix",
    "write_graphml",
]

log = logging.getLogger("hutan_geo")

_AT_NODE = 1e-9  # fraction of an edge below which a snapped point counts as the junction itself
_REASONS = {
    "origin_not_snapped": ("起点离道路过远，未匹配到路网", "origin is too far from any road"),
    "destination_not_snapped": ("终点离道路过远，未匹配到路网", "destination is too far from any road"),
    "no_route": ("路网中无可达路径", "no path in the network"),
}


def _class_key(value: str, what: str) -> str:
    code = core.road_class_of(value)
    if code is None:
        msg = (
            f"{what}: unknown road class {value!r}; expected one of {', '.join(ROAD_CLASSES.codes)} "
            "(Chinese names such as 主干路 and OSM highway values such as primary are accepted)"
        )
        raise InputError(msg)
    return code


def _positive(value: object, what: str, *, upper: float | None = None) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        out = math.nan
    if not math.isfinite(out) or out <= 0 or (upper is not None and out > upper):
        bound = f" and at most {upper:g}" if upper is not None else ""
        msg = f"{what} must be a number above 0{bound}; got {value!r}"
        raise InputError(msg)
    return out


@dataclass(frozen=True)
class NetworkParams:
    """Speeds, congestion factors, walking and snapping settings; checks itself.

    Parameters
    ----------
    speed_kph
        Speed by road class for roads without a speed of their own; a partial
        mapping overrides :data:`DEFAULT_SPEED_KPH` for the classes given.
        Keys may be class codes, Chinese names (``主干路``) or OSM highway values.
    congestion
        ``{profile: {road class: factor}}``; factors multiply the speed, in
        (0, 1]. Partial mappings override :data:`DEFAULT_CONGESTION`.
        ``free`` is always 1.
    walk_speed_mps
        Walking speed in m/s (default 1.2).
    walk_excluded
        Road classes closed to pedestrians (default: national highways, which
        include OSM motorways and trunks).
    max_snap_m
        Points farther than this from every road are flagged, not snapped.
    default_class
        Class given to roads whose class is missing or unknown (counted).

    Examples
    --------
    >>> p = NetworkParams(congestion={"am_peak": {"主干路": 0.5}}, max_snap_m=100)
    >>> p.congestion["am_peak"]["arterial"], p.congestion["am_peak"]["local"], p.speed_kph["collector"]
    (0.5, 0.7, 40.0)
    >>> NetworkParams(congestion={"am_peak": {"arterial": 1.5}})
    Traceback (most recent call last):
    ...
    hutan_geo.errors.InputError: congestion['am_peak']['arterial'] must be in (0, 1] (a speed multiplier); got 1.5
    """

    speed_kph: Mapping[str, float] = field(default_factory=dict)
    congestion: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    walk_speed_mps: float = 1.2
    walk_excluded: tuple[str, ...] = ("national_highway",)
    max_snap_m: float = 150.0
    default_class: str = "local"

    def __post_init__(self) -> None:
        """Merge partial mappings over the defaults and check every value."""
        speeds = dict(DEFAULT_SPEED_KPH)
        for key, value in dict(self.speed_kph).items():
            speeds[_class_key(key, "speed_kph")] = _positive(value, f"speed_kph[{key!r}]", upper=200)
        congestion = {p: dict(DEFAULT_CONGESTION[p]) for p in PROFILES}
        for profile, factors in dict(self.congestion).items():
            if profile not in PROFILES or profile == "free":
                msg = f"congestion: unknown profile {profile!r}; expected one of {', '.join(PROFILES[1:])}"
                raise InputError(msg)
            for key, value in dict(factors).items():
                code = _class_key(key, f"congestion[{profile!r}]")
                try:
                    factor = float(value)
                except (TypeError, ValueError):
                    factor = math.nan
                if not (0 < factor <= 1):
                    msg = f"congestion[{profile!r}][{key!r}] must be in (0, 1] (a speed multiplier); got {value!r}"
                    raise InputError(msg)
                congestion[profile][code] = factor
        object.__setattr__(self, "speed_kph", MappingProxyType(speeds))
        object.__setattr__(
            self, "congestion", MappingProxyType({p: MappingProxyType(c) for p, c in congestion.items()})
        )
        object.__setattr__(self, "walk_speed_mps", _positive(self.walk_speed_mps, "walk_speed_mps", upper=3.0))
        object.__setattr__(self, "max_snap_m", _positive(self.max_snap_m, "max_snap_m"))
        if isinstance(self.walk_excluded, str):
            msg = f"walk_excluded must be a tuple of road classes; got the string {self.walk_excluded!r}"
            raise InputError(msg)
        object.__setattr__(self, "walk_excluded", tuple(_class_key(c, "walk_excluded") for c in self.walk_excluded))
        object.__setattr__(self, "default_class", _class_key(self.default_class, "default_class"))


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
        """One line for planners: size, defaults applied, roads dropped."""
        d = self.defaults
        km = float(self.edges.loc[self.edges["forward"], "length_m"].sum()) / 1000
        if lang == "zh":
            return (
                f"路网：节点 {self.n_nodes} 个，路段 {self.n_segments} 条（有向边 {len(self.edges)} 条），"
                f"总长 {km:.1f} 千米；无名道路 {d.get('unnamed', 0)} 条，按道路等级默认车速 "
                f"{d.get('speed_defaulted', 0)} 条，未知等级 {d.get('class_defaulted', 0)} 条，"
                f"剔除 {len(self.dropped)} 条"
            )
        return (
            f"network: {self.n_nodes} nodes, {self.n_segments} road pieces ({len(self.edges)} directed edges), "
            f"{km:.1f} km; unnamed {d.get('unnamed', 0)}, speed by class default {d.get('speed_defaulted', 0)}, "
            f"unknown class {d.get('class_defaulted', 0)}, dropped {len(self.dropped)}"
        )


# --------------------------------------------------------------------------------------
# checks shared by the builders
# --------------------------------------------------------------------------------------


def _check_metric_crs(metric_crs: Any) -> pyproj.CRS | None:
    if metric_crs is None:
        return None
    crs = pyproj.CRS.from_user_input(metric_crs)
    units = {a.unit_name for a in crs.axis_info}
    if crs.is_geographic or not units <= {"metre", "meter", "m"}:
        msg = (
            f"metric_crs must be a projected CRS in metres; got {crs.to_string()} "
            f"(units: {', '.join(sorted(units)) or 'unknown'}); omit it to use the UTM zone of the data"
        )
        raise CRSError(msg)
    return crs


def _check_frame_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> None:
    """Refuse a missing CRS and the usual mix-ups: metres labelled as degrees and the reverse."""
    if frame.crs is None:
        msg = (
            f"{what} has no CRS; set it first: {what}.set_crs(4326) for longitude/latitude, "
            f"or {what}.set_crs(32649) (for example) for UTM metres"
        )
        raise CRSError(msg)
    geo = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    valid = geo[~(geo.isna() | geo.is_empty)]
    if len(valid) == 0:
        return
    x0, y0, x1, y1 = (float(v) for v in valid.total_bounds)
    if frame.crs.is_geographic and (x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90):
        msg = (
            f"{what}: the CRS is {frame.crs.to_string()} (degrees) but coordinates reach "
            f"x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f}, which look like metres; "
            f"set the right CRS with {what}.set_crs(EPSG, allow_override=True) (e.g. 32649 for UTM 49N)"
        )
        raise CRSError(msg)
    if not frame.crs.is_geographic and max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90:
        msg = (
            f"{what}: the CRS is {frame.crs.to_string()} (metres) but every coordinate lies within "
            f"±180/±90 ({x0:.4f}..{x1:.4f}, {y0:.4f}..{y1:.4f}), which looks like longitude/latitude; "
            f"use {what}.set_crs(4326, allow_override=True)"
        )
        raise CRSError(msg)


def _column(frame: pd.DataFrame, name: str, *aliases: str) -> pd.Series | None:
    for col in (name, *aliases):
        if col in frame.columns:
            return frame[col].reset_index(drop=True)
    return None


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _fill_attributes(attrs: pd.DataFrame, params: NetworkParams, counts: Counter) -> pd.DataFrame:
    """Normalise class, speed, name and one-way per road, counting every default applied."""
    classes = [core.road_class_of(v) for v in attrs["road_class"].tolist()]
    missing_class = np.array([c is None for c in classes])
    counts["class_defaulted"] += int(missing_class.sum())
    classes = [params.default_class if c is None else c for c in classes]
    speeds = pd.to_numeric(attrs["speed_kph"], errors="coerce").astype(float).to_numpy()
    bad_speed = ~np.isfinite(speeds) | (speeds <= 0) | (speeds > 200)
    counts["speed_defaulted"] += int(bad_speed.sum())
    speeds = np.where(bad_speed, [params.speed_kph[c] for c in classes], speeds)
    names = [None if _is_missing(v) else str(v).strip() for v in attrs["name"].tolist()]
    counts["unnamed"] += sum(n is None for n in names)
    refs = [None if _is_missing(v) else str(v).strip() for v in attrs["ref"].tolist()]
    out = attrs.copy()
    out["road_class"] = classes
    out["speed_kph"] = speeds
    out["name"] = pd.array(names, dtype="string")
    out["ref"] = pd.array(refs, dtype="string")
    out["road_id"] = pd.array([str(v) for v in attrs["road_id"].tolist()], dtype="string")
    out["oneway"] = [core.truthy(v) for v in attrs["oneway"].tolist()]
    return out


def _dropped_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["road_id", "source_row", "reason"])


# --------------------------------------------------------------------------------------
# assembling a network from noded pieces
# --------------------------------------------------------------------------------------


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
    n_pieces = len(pieces.parent)
    lengths = core.geodesic_lengths(pieces.coords, pieces.piece_of, n_pieces)
    zero = lengths <= 0.0
    if zero.any():
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
        lengths = lengths[keep_piece]
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
    metric_coords = np.column_stack([mx, my])
    seg_metric = shapely.linestrings(metric_coords, indices=pieces.piece_of)
    geoms = shapely.linestrings(pieces.coords, indices=pieces.piece_of)
    nx_, ny_ = to_metric.transform(node_lonlat[:, 0], node_lonlat[:, 1])
    nodes = gpd.GeoDataFrame(
        {"node_id": np.arange(n_nodes), "x": np.asarray(nx_), "y": np.asarray(ny_)},
        geometry=shapely.points(node_lonlat),
        crs=4326,
    )
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
# builders
# --------------------------------------------------------------------------------------


def network_from_roads(
    roads: gpd.GeoDataFrame | Any,
    *,
    params: NetworkParams | None = None,
    metric_crs: Any = None,
    source: str = "roads",
) -> RoadNetwork:
    """Build a network from a road layer (e.g. ``load_roads(...).valid`` or ``load_demo().roads``).

    Lines are split at every vertex they share with another line (junctions
    must share a vertex; crossings without one, such as bridges, stay apart).
    MultiLineStrings are split into their parts (counted); vertices with
    non-finite coordinates are removed (``geometry_repaired``); empty,
    non-line and zero-length geometries are dropped and listed in
    ``dropped``. A missing or unknown ``road_class`` becomes
    ``params.default_class``, a missing speed the class default, and a
    missing ``oneway`` two-way: all counted in ``defaults``. ``oneway`` may be
    a boolean, 0/1, yes/no or -1 (one-way against the digitised direction).

    Parameters
    ----------
    roads
        A GeoDataFrame (any CRS) with line geometry and the columns
        ``road_id``, ``name``, ``ref``, ``road_class``, ``speed_kph``,
        ``oneway`` (all optional; ``highway`` and ``maxspeed`` are read when
        ``road_class``/``speed_kph`` are absent), or a ``LoadResult``.
    params
        Speeds, congestion factors, walking and snapping settings.
    metric_crs
        Projected CRS in metres for snapping and geometry; default the UTM
        zone of the roads.
    source
        A name for messages and :attr:`RoadNetwork.source`.

    Raises
    ------
    EmptyInputError
        No roads, or none usable.
    CRSError
        Missing CRS, coordinates that do not match the CRS, or a geographic
        ``metric_crs``.

    Examples
    --------
    >>> from hutan_geo.demo import demo_data_dir
    >>> from hutan_geo.io.readers import load_roads
    >>> net = network_from_roads(load_roads(demo_data_dir() / "roads" / "roads.geojson").valid)
    >>> net.n_segments, net.metric_crs.to_epsg(), net.defaults["speed_defaulted"]
    (3577, 32649, 0)
    """
    params = params if params is not None else NetworkParams()
    metric = _check_metric_crs(metric_crs)
    if hasattr(roads, "valid") and hasattr(roads, "rejected"):
        roads = roads.valid
    if not isinstance(roads, gpd.GeoDataFrame):
        msg = f"roads must be a GeoDataFrame of lines (e.g. load_roads(path).valid); got {type(roads).__name__}"
        raise InputError(msg)
    if len(roads) == 0:
        msg = f"{source}: the road layer is empty; load a layer with at least one road line"
        raise EmptyInputError(msg)
    _check_frame_crs(roads, "roads")
    geo = roads.geometry if roads.crs.to_epsg() == 4326 else roads.geometry.to_crs(4326)
    geoms = geo.to_numpy()
    n = len(geoms)
    counts: Counter = Counter(roads=n)
    dropped: list[dict[str, Any]] = []
    ids = _column(roads, "road_id", "id", "osmid")
    road_ids = [f"row{i}" if ids is None or _is_missing(ids.iloc[i]) else str(ids.iloc[i]) for i in range(n)]
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    type_ids = shapely.get_type_id(geoms)
    lines_ok = np.isin(type_ids, (1, 2, 5, 7)) & ~missing
    for i in np.flatnonzero(~lines_ok):
        reason = "empty geometry" if missing[i] else f"not a line ({geoms[i].geom_type})"
        dropped.append({"road_id": road_ids[i], "source_row": int(i), "reason": reason})
    counts["geometry_dropped"] += int((~lines_ok).sum())
    parts, part_of = shapely.get_parts(geoms[lines_ok], return_index=True)
    part_of = np.flatnonzero(lines_ok)[part_of]
    is_line = np.isin(shapely.get_type_id(parts), (1, 2))
    parts, part_of = parts[is_line], part_of[is_line]
    counts["multipart_split"] += int((np.bincount(part_of, minlength=n) > 1).sum())
    coords, vert_part = shapely.get_coordinates(parts, return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        counts["geometry_repaired"] += len(np.unique(part_of[vert_part[~finite]]))
        coords, vert_part = coords[finite], vert_part[finite]
    pieces = core.node_lines(coords, vert_part, core.coordinate_keys(coords))
    for p in pieces.zero_length:
        row = int(part_of[p])
        dropped.append({"road_id": road_ids[row], "source_row": row, "reason": "zero length or a single point"})
    counts["zero_length_dropped"] += len(pieces.zero_length)
    pieces.parent = part_of[pieces.parent]
    if len(pieces.parent) == 0:
        reasons = _dropped_frame(dropped)["reason"].value_counts().to_dict()
        msg = f"{source}: none of the {n} roads has a usable line geometry ({reasons})"
        raise EmptyInputError(msg)

    def col(name: str, *aliases: str) -> list[Any]:
        series = _column(roads, name, *aliases)
        return [None] * n if series is None else series.tolist()

    oneway_col = col("oneway")
    counts["oneway_missing"] += sum(_is_missing(v) for v in oneway_col)
    attrs = pd.DataFrame(
        {
            "road_id": road_ids,
            "name": col("name"),
            "ref": col("ref"),
            "road_class": col("road_class", "highway", "fclass"),
            "speed_kph": col("speed_kph", "maxspeed"),
            "oneway": oneway_col,
        }
    )
    if "speed_kph" not in roads.columns and "maxspeed" in roads.columns:
        attrs["speed_kph"] = [core.parse_maxspeed(v) for v in attrs["speed_kph"]]
    extras = [c for c in ("bridge", "lanes") if c in roads.columns]
    for c in extras:
        attrs[c] = roads[c].to_numpy()
    used = np.zeros(n, dtype=bool)
    used[pieces.parent] = True
    filled = _fill_attributes(attrs.iloc[np.flatnonzero(used)], params, counts)
    attrs = filled.reindex(range(n))
    return _assemble(
        pieces, attrs, params=params, metric_crs=metric, counts=counts, dropped=dropped, source=source, extras=extras
    )


def _need(module: str, extra: str = "osm") -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        msg = f"{module} is needed for this; install it with: pip install 'hutan_geo[{extra}]'"
        raise ImportError(msg) from exc


_OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.gz", ".osm.bz2", ".o5m")


def network_from_osm(
    path: str | pathlib.Path,
    *,
    params: NetworkParams | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    metric_crs: Any = None,
) -> RoadNetwork:
    """Build a network from an OpenStreetMap extract (``.osm.pbf`` or ``.osm`` XML).

    Ways whose ``highway`` value is in :data:`OSM_HIGHWAY_CLASSES` (roads
    open to motor vehicles; not footways, cycleways or steps; not private
    service roads) are kept and split at every node they share with another
    way. ``oneway=yes/true/1`` keeps the digitised direction, ``oneway=-1``
    reverses it, ``junction=roundabout`` and ``highway=motorway`` imply
    one-way. ``maxspeed`` ("50", "30 mph") gives the speed when present
    (counted as ``maxspeed_used``), otherwise the class default
    (``speed_defaulted``). Nodes outside a clipped extract are skipped
    (``missing_nodes``). Needs ``osmium`` (extra ``osm``).

    Parameters
    ----------
    path
        The extract.
    params
        Speeds, congestion factors, walking and snapping settings.
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)``: keep only ways with a node
        inside (whole ways are kept).
    metric_crs
        Projected CRS in metres; default the UTM zone of the extract.
    """
    _need("osmium")
    params = params if params is not None else NetworkParams()
    metric = _check_metric_crs(metric_crs)
    path = pathlib.Path(path)
    if not path.exists():
        msg = f"{path.name}: no such file ({path})"
        raise FileNotFoundError(msg)
    if not path.name.lower().endswith(_OSM_SUFFIXES):
        msg = f"{path.name}: not an OSM extract; expected one of {', '.join(_OSM_SUFFIXES)}"
        raise UnsupportedFormatError(msg)
    try:
        ways = core.read_osm_ways(str(path), bbox=bbox)
    except RuntimeError as exc:
        msg = f"{path.name}: cannot read the OSM file ({exc})"
        raise UnsupportedFormatError(msg) from exc
    if not ways.way_ids:
        msg = f"{path.name}: no drivable highway ways ({', '.join(sorted(OSM_HIGHWAY_CLASSES))}) in the extract"
        raise EmptyInputError(msg)
    counts: Counter = Counter(
        roads=len(ways.way_ids), missing_nodes=ways.missing_nodes, osm_ways_skipped=ways.skipped_ways
    )
    pieces = core.node_lines(ways.coords, ways.line_of, ways.node_ids)
    pieces.parent = ways.way_of_line[pieces.parent]
    dropped = [
        {"road_id": f"w{ways.way_ids[w]}", "source_row": int(w), "reason": "zero length or a single node"}
        for w in ways.way_of_line[pieces.zero_length]
    ]
    counts["zero_length_dropped"] += len(pieces.zero_length)
    speeds = [core.parse_maxspeed(t.get("maxspeed")) for t in ways.tags]
    counts["maxspeed_used"] = sum(s is not None for s in speeds)
    attrs = pd.DataFrame(
        {
            "road_id": [f"w{w}" for w in ways.way_ids],
            "name": [t.get("name") for t in ways.tags],
            "ref": [t.get("ref") for t in ways.tags],
            "road_class": [t.get("highway") for t in ways.tags],
            "speed_kph": [math.nan if s is None else s for s in speeds],
            "oneway": [core.osm_oneway(t) for t in ways.tags],
            "highway": [t.get("highway") for t in ways.tags],
            "osm_way": ways.way_ids,
        }
    )
    attrs = _fill_attributes(attrs, params, counts)
    return _assemble(
        pieces,
        attrs,
        params=params,
        metric_crs=metric,
        counts=counts,
        dropped=dropped,
        source=path.name,
        extras=("highway", "osm_way"),
    )


def _from_nx(graph: nx.MultiDiGraph | nx.DiGraph, *, params: NetworkParams, metric: Any, source: str) -> RoadNetwork:
    """Build from an osmnx-style graph: nodes with x/y, edges with geometry, highway, name, oneway, ..."""
    if graph.number_of_edges() == 0:
        msg = f"{source}: the graph has no edges"
        raise EmptyInputError(msg)
    crs = pyproj.CRS.from_user_input(graph.graph.get("crs", "epsg:4326"))
    to_wgs = None if crs.to_epsg() == 4326 else pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    node_ids = list(graph.nodes)
    try:
        numeric = [int(str(k)) for k in node_ids]
        key_of = dict(zip(node_ids, numeric, strict=True))
    except ValueError:
        key_of = {k: i for i, k in enumerate(node_ids)}
    xy: dict[Any, tuple[float, float]] = {}
    for k, data in graph.nodes(data=True):
        x, y = core.as_float(data.get("x")), core.as_float(data.get("y"))
        if x is None or y is None:
            msg = f"{source}: node {k!r} has no x/y coordinates (osmnx graphs store them as node attributes 'x', 'y')"
            raise InputError(msg)
        xy[k] = (x, y)
    edges = list(graph.edges(keys=True, data=True)) if graph.is_multigraph() else list(graph.edges(data=True))
    if graph.is_multigraph() and all(str(item[2]).isdigit() for item in edges):
        edges.sort(key=lambda item: int(str(item[2])))  # keys written by write_graphml: keep the edge order
    records = []
    for item in edges:
        u, v, data = (item[0], item[1], item[-1])
        geom = data.get("geometry")
        if isinstance(geom, str):
            geom = shapely.from_wkt(geom)
        coords = np.array([xy[u], xy[v]], dtype=float) if geom is None else np.asarray(shapely.get_coordinates(geom))
        if to_wgs is not None:
            cx, cy = to_wgs.transform(coords[:, 0], coords[:, 1])
            coords = np.column_stack([cx, cy])
        ux, uy = xy[u] if to_wgs is None else to_wgs.transform(*xy[u])
        if np.hypot(coords[0, 0] - ux, coords[0, 1] - uy) > np.hypot(coords[-1, 0] - ux, coords[-1, 1] - uy):
            coords = coords[::-1]
        records.append((u, v, coords, data))
    pair_key: dict[tuple, int] = {}
    partner = [-1] * len(records)
    for i, (u, v, coords, _) in enumerate(records):
        canon = tuple(np.round(coords, 9).ravel().tolist())
        rev = tuple(np.round(coords[::-1], 9).ravel().tolist())
        j = pair_key.pop((v, u, rev), None)
        if j is not None:
            partner[i], partner[j] = j, i
        else:
            pair_key[(u, v, canon)] = i
    chosen: list[int] = []
    oneway: list[int] = []
    for i in range(len(records)):
        j = partner[i]
        if j == -1:
            chosen.append(i)
            oneway.append(1)
            continue
        ri, rj = core.as_bool(records[i][3].get("reversed")), core.as_bool(records[j][3].get("reversed"))
        representative = j if (ri and not rj) else i if (rj and not ri) else min(i, j)
        if representative == i:
            chosen.append(i)
            oneway.append(0)
    coords_list = [records[i][2] for i in chosen]
    counts_v = np.array([len(c) for c in coords_list])
    all_coords = np.concatenate(coords_list)
    piece_of = np.repeat(np.arange(len(chosen)), counts_v)
    pieces = core.Pieces(
        coords=all_coords,
        piece_of=piece_of,
        parent=np.arange(len(chosen)),
        u_key=np.array([key_of[records[i][0]] for i in chosen], dtype=np.int64),
        v_key=np.array([key_of[records[i][1]] for i in chosen], dtype=np.int64),
        zero_length=np.zeros(0, dtype=np.int64),
    )
    counts: Counter = Counter(roads=len(records))

    def attr(i: int, *names: str) -> Any:
        for name in names:
            value = core.first(records[i][3].get(name))
            if not _is_missing(value):
                return value
        return None

    speeds = []
    for i in chosen:
        speed = core.as_float(attr(i, "speed_kph"))
        if speed is None:
            speed = core.parse_maxspeed(core.parse_value(records[i][3].get("maxspeed")))
        speeds.append(math.nan if speed is None else speed)
    attrs = pd.DataFrame(
        {
            "road_id": [
                attr(i, "road_id", "osmid") if attr(i, "road_id", "osmid") is not None else f"e{i}" for i in chosen
            ],
            "name": [attr(i, "name") for i in chosen],
            "ref": [attr(i, "ref") for i in chosen],
            "road_class": [
                core.road_class_of(core.parse_value(records[i][3].get("road_class", records[i][3].get("highway"))))
                for i in chosen
            ],
            "speed_kph": speeds,
            "oneway": oneway,
        }
    )
    attrs = _fill_attributes(attrs, params, counts)
    return _assemble(pieces, attrs, params=params, metric_crs=metric, counts=counts, dropped=[], source=source)


def network_from_graphml(
    path: str | pathlib.Path, *, params: NetworkParams | None = None, metric_crs: Any = None
) -> RoadNetwork:
    """Build a network from an osmnx GraphML file (or one written by :func:`write_graphml`).

    Node ``x``/``y`` and edge ``geometry`` (WKT) are read in the graph's
    ``crs`` (EPSG:4326 when absent); an edge pair ``u -> v``/``v -> u`` with the
    same line is one two-way road, any other edge a one-way road. The speed is
    the edge's ``speed_kph``, else its ``maxspeed``, else the class default
    (counted); the class comes from ``road_class`` or ``highway``.
    """
    import networkx as nx

    params = params if params is not None else NetworkParams()
    metric = _check_metric_crs(metric_crs)
    path = pathlib.Path(path)
    if not path.exists():
        msg = f"{path.name}: no such file ({path})"
        raise FileNotFoundError(msg)
    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises NetworkXError, ParseError, KeyError ...
        msg = f"{path.name}: cannot read the GraphML file ({type(exc).__name__}: {exc})"
        raise UnsupportedFormatError(msg) from exc
    return _from_nx(graph, params=params, metric=metric, source=path.name)


def network_from_place(
    query: str | Any,
    *,
    params: NetworkParams | None = None,
    network_type: str = "drive",
    metric_crs: Any = None,
) -> RoadNetwork:
    """Download a network with osmnx by place name or WGS84 polygon (needs the internet and extra ``osm``).

    Parameters
    ----------
    query
        A place name osmnx can geocode (e.g. ``"Yuelu District, Changsha"``) or
        a shapely Polygon/MultiPolygon in EPSG:4326.
    network_type
        osmnx network type (``"drive"``, ``"drive_service"``, ``"all"`` ...).
    """
    ox = _need("osmnx")
    params = params if params is not None else NetworkParams()
    metric = _check_metric_crs(metric_crs)
    if isinstance(query, str):
        graph = ox.graph_from_place(query, network_type=network_type)
        source = query
    elif isinstance(query, (shapely.Polygon, shapely.MultiPolygon)):
        graph = ox.graph_from_polygon(query, network_type=network_type)
        source = "polygon"
    else:
        msg = f"query must be a place name or a shapely (Multi)Polygon in EPSG:4326; got {type(query).__name__}"
        raise InputError(msg)
    return _from_nx(graph, params=params, metric=metric, source=source)


def to_networkx(net: RoadNetwork, *, mode: str = "drive", profile: str = "am_peak") -> nx.MultiDiGraph:
    """Return the graph of one mode and profile as a networkx MultiDiGraph.

    Nodes carry ``x``/``y`` (longitude/latitude), edges are keyed by
    ``edge_id`` (walking against a one-way edge: ``"<edge_id>r"``) and carry
    ``weight`` (seconds), ``length_m`` and ``name``.
    """
    import networkx as nx

    g = _mode_graph(net, mode, profile)
    graph = nx.MultiDiGraph(crs="epsg:4326")
    lonlat = shapely.get_coordinates(net.nodes.geometry.to_numpy())
    graph.add_nodes_from((i, {"x": lonlat[i, 0], "y": lonlat[i, 1]}) for i in range(net.n_nodes))
    names = net.edges["name"].to_numpy()
    lengths = net.edges["length_m"].to_numpy()
    for tail, head, w, e, rev in zip(
        g.arc_tail.tolist(),
        g.arc_head.tolist(),
        g.arc_weight.tolist(),
        g.arc_edge.tolist(),
        g.arc_reversed.tolist(),
        strict=True,
    ):
        key = f"{e}r" if rev else e
        graph.add_edge(tail, head, key=key, weight=w, length_m=float(lengths[e]), name=names[e])
    return graph


def write_graphml(net: RoadNetwork, path: str | pathlib.Path) -> pathlib.Path:
    """Write the network as an osmnx-compatible GraphML file (every value a string, as osmnx does).

    Nodes ``x``/``y`` are WGS84; every directed edge is written with ``osmid``
    (the OSM way id, or the road piece for other sources), ``road_id``, ``highway`` (the road class), ``name``, ``ref``,
    ``oneway``, ``reversed``, ``length``, ``speed_kph``, ``travel_time``
    (free flow), the ``travel_s_*`` and ``walk_s`` columns and ``geometry``
    (WKT). :func:`network_from_graphml` reads it back to the same network;
    ``osmnx.load_graphml`` reads it too.
    """
    import networkx as nx

    path = pathlib.Path(path)
    graph = nx.MultiDiGraph(crs="epsg:4326", created_by="hutan_geo")
    lonlat = shapely.get_coordinates(net.nodes.geometry.to_numpy())
    for i in range(net.n_nodes):
        graph.add_node(str(i), x=repr(float(lonlat[i, 0])), y=repr(float(lonlat[i, 1])), osmid=str(i))
    e = net.edges
    wkt = shapely.to_wkt(e.geometry.to_numpy(), rounding_precision=-1)
    cols = ["travel_s_free", "travel_s_am_peak", "travel_s_noon", "travel_s_pm_peak", "walk_s"]
    osm_way = e["osm_way"].to_numpy() if "osm_way" in e.columns else e["segment"].to_numpy()
    for row, geom, osmid in zip(e.itertuples(index=False), wkt, osm_way, strict=True):
        attrs = {
            "osmid": str(int(osmid)),  # osmnx wants an integer: the OSM way, else the road piece
            "road_id": str(row.road_id),
            "highway": str(row.road_class),
            "road_class": str(row.road_class),
            "oneway": str(bool(row.oneway)),
            "reversed": str(not row.forward),
            "length": repr(float(row.length_m)),
            "speed_kph": repr(float(row.speed_kph)),
            "travel_time": repr(float(row.travel_s_free)),
            "geometry": geom,
        }
        for c in cols:
            attrs[c] = repr(float(getattr(row, c)))
        for c in ("name", "ref"):
            value = getattr(row, c)
            if not _is_missing(value):
                attrs[c] = str(value)
        graph.add_edge(str(row.u), str(row.v), key=int(row.edge_id), **attrs)
    nx.write_graphml(graph, path)
    return path


# --------------------------------------------------------------------------------------
# mode graphs
# --------------------------------------------------------------------------------------


def _check_mode(mode: str, profile: str) -> None:
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
    if g.scc is None:
        from scipy.sparse.csgraph import connected_components

        _, labels = connected_components(g.matrix, directed=True, connection="strong")
        g.scc = labels.astype(np.int32)
    return g.scc


# --------------------------------------------------------------------------------------
# snapping
# --------------------------------------------------------------------------------------


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
        _check_frame_crs(points, what)
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
    key = ("tree", mode)
    if key not in net._cache:
        g = _mode_graph(net, mode, "free")
        segs = np.flatnonzero(g.seg_ok)
        net._cache[key] = (shapely.STRtree(net._seg_metric[segs]), segs)
    return net._cache[key]


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
    >>> from hutan_geo.demo import demo_data_dir
    >>> from hutan_geo.io.readers import load_gates, load_roads
    >>> net = network_from_roads(load_roads(demo_data_dir() / "roads" / "roads.geojson").valid)
    >>> snaps = snap_points(net, load_gates(demo_data_dir() / "schools" / "gates.csv").valid)
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
    tree, segs = _tree(net, mode)
    seg = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    if valid.any() and len(segs):
        idx = np.flatnonzero(valid)
        (qi, ti), d = tree.query_nearest(geoms[idx], return_distance=True, all_matches=False)
        seg[idx[qi]] = segs[ti]
        dist[idx[qi]] = d
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
            reason[rows] = [_REASONS[r][col] for r in self.unreachable["reason"]]
        frame["reason"] = pd.array(reason, dtype="string")
        return frame


def _default_chunk(size: int, *, with_distance: bool) -> int:
    """Origins per Dijkstra call: 256 MiB of times, or a cache-sized chunk when distances are summed."""
    if with_distance:  # the tree walk gathers at random from pred and lengths: keep them near 16 MiB
        return max(1, min(256, (16 * 2**20) // (12 * max(size, 1))))
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
        ``chunk_size x (n_nodes + chunk_size) x 8`` bytes for the times, and
        ``x 20`` bytes plus one ``n_arcs``-byte mask with distances, besides
        the result arrays (``origins x destinations x 16`` bytes). The default
        keeps the times near 256 MiB, and with distances keeps the tree arrays
        near 16 MiB (the walk back along the trees is faster in cache).
    with_distance
        Also compute ``dist_m``: the predecessor trees are walked back from the
        destinations only (about 1.3-1.5x the time of times alone on a
        100k-node grid; see the README).

    Returns
    -------
    TravelMatrix

    Examples
    --------
    >>> from hutan_geo.demo import demo_data_dir
    >>> from hutan_geo.io.readers import load_gates, load_roads
    >>> net = network_from_roads(load_roads(demo_data_dir() / "roads" / "roads.geojson").valid)
    >>> gates = load_gates(demo_data_dir() / "schools" / "gates.csv").valid.head(3)
    >>> m = travel_time_matrix(net, gates, profile="am_peak")
    >>> m.travel_s.shape, float(m.travel_s[0, 0]), len(m.unreachable)
    ((3, 3), 0.0, 0)
    """
    from scipy.sparse.csgraph import dijkstra

    g = _mode_graph(net, mode, profile)
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
    key = pd.MultiIndex.from_arrays([oa.node[ok_rows], oa.seg[ok_rows], oa.t[ok_rows]])
    codes, uniques = pd.factorize(key)
    uniq_rows = ok_rows[np.unique(codes, return_index=True)[1]]
    e_node, e_cost, e_len = _egress(net, g, da)
    targets, inv = np.unique(np.where(e_node >= 0, e_node, 0), return_inverse=True)
    inv = inv.reshape(e_node.shape)
    n = net.n_nodes
    chunk = chunk_size if chunk_size is not None else _default_chunk(n + 64, with_distance=with_distance)
    chunk = int(_positive(chunk, "chunk_size"))
    uniq_result_t = np.full((len(uniq_rows), n_d), np.inf)
    uniq_result_d = np.full((len(uniq_rows), n_d), np.nan) if with_distance else None
    d_seg = da.seg
    for start in range(0, len(uniq_rows), chunk):
        rows = uniq_rows[start : start + chunk]
        is_pt = oa.seg[rows] >= 0
        pts = rows[is_pt]
        heads, costs, lens, counts, ptr = _leave_arcs(net, g, oa, pts)
        indices = oa.node[rows].copy()
        indices[is_pt] = n + np.arange(len(pts))
        matrix = core.augment(g.csr, heads, costs, counts) if len(pts) else g.matrix
        if with_distance:
            dmat, pred = dijkstra(matrix, directed=True, indices=indices, return_predecessors=True)
        else:
            dmat = dijkstra(matrix, directed=True, indices=indices)
        dt = dmat[:, targets]
        ta = dt[:, inv[:, 0]] + e_cost[:, 0]
        tb = dt[:, inv[:, 1]] + e_cost[:, 1]
        pick_b = tb < ta
        best = np.where(pick_b, tb, ta)
        if with_distance:
            lt = core.tree_lengths(pred, g.csr, targets, heads, lens, ptr)
            la = lt[:, inv[:, 0]] + e_len[:, 0]
            lb = lt[:, inv[:, 1]] + e_len[:, 1]
            best_len = np.where(pick_b, lb, la)
        # two points on the same road piece: along it, when the direction allows
        o_seg = oa.seg[rows]
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
        uniq_result_t[start : start + len(rows)] = best
        if with_distance:
            best_len[~np.isfinite(best)] = np.nan
            uniq_result_d[start : start + len(rows)] = best_len
    del uniques
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


def _unreachable(
    net: RoadNetwork, g: _ModeGraph, oa: _Access, da: _Access, travel: NDArray[np.float64]
) -> pd.DataFrame:
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
        detail[route] = [
            f"no directed path: origin in a strongly connected part of {x} nodes, destination in one of {y} "
            f"(largest: {largest}); see connectivity_report()"
            for x, y in zip(a.tolist(), b.tolist(), strict=True)
        ]
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


# --------------------------------------------------------------------------------------
# shortest paths
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
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


def shortest_path(
    net: RoadNetwork,
    origin: Any,
    destination: Any,
    *,
    profile: str = "am_peak",
    mode: str = "drive",
    max_snap_m: float | None = None,
) -> Path:
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
    >>> from hutan_geo.demo import demo_data_dir
    >>> from hutan_geo.io.readers import load_roads
    >>> net = network_from_roads(load_roads(demo_data_dir() / "roads" / "roads.geojson").valid)
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
        return Path([], [edge], [against], float(cost), float(abs(t1 - t0) * length[s]), geometry, profile, mode)
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
        from_u = best_k == 0
        pieces.append(_cut(net, s, 0.0, t) if from_u else _cut(net, s, 1.0, t))
        total_len += e_len[0, best_k]
        e_id, r = _piece_edge(net, s, from_u)
        edge_ids.append(e_id)
        rev_flags.append(r)
    if pieces:
        coords = np.vstack([pieces[0], *[p[1:] for p in pieces[1:]]])
    else:
        xy = net.nodes[["x", "y"]].to_numpy()[nodes[0]]
        coords = np.vstack([xy, xy])
    lon, lat = to_wgs.transform(coords[:, 0], coords[:, 1])
    return Path(
        nodes,
        edge_ids,
        rev_flags,
        float(best_t),
        float(total_len),
        LineString(np.column_stack([lon, lat])),
        profile,
        mode,
    )


def _piece_edge(net: RoadNetwork, seg: int, along: bool) -> tuple[int, bool]:
    """Edge used to travel piece ``seg`` along (u -> v) or against it; second item: against the edge."""
    if along:
        return seg, False
    twin = int(net.edges["twin"].iat[seg])
    return (twin, False) if twin >= 0 else (seg, True)


# --------------------------------------------------------------------------------------
# service areas
# --------------------------------------------------------------------------------------


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
    >>> from hutan_geo.demo import demo_data_dir
    >>> from hutan_geo.io.readers import load_roads
    >>> net = network_from_roads(load_roads(demo_data_dir() / "roads" / "roads.geojson").valid)
    >>> report = connectivity_report(net)
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
