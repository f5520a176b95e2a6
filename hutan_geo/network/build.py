"""Building a :class:`~hutan_geo.network.RoadNetwork`: from a road layer, OpenStreetMap, GraphML or osmnx.

A network is built from the district's road layer (:func:`network_from_roads`),
an OpenStreetMap extract (:func:`network_from_osm`, ``.osm.pbf`` or ``.osm``
XML), an osmnx GraphML file (:func:`network_from_graphml`) or an osmnx
download (:func:`network_from_place`). Roads are split at every vertex they
share (junctions), one-way roads give one directed edge and two-way roads
two. :func:`to_networkx` and :func:`write_graphml` hand a network to other
tools.
"""

from __future__ import annotations

import math
import pathlib
from collections import Counter
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo.errors import EmptyInputError, InputError, UnsupportedFormatError
from hutan_geo.model.frames import check_crs, check_metric_crs
from hutan_geo.model.roads import OSM_HIGHWAY_CLASSES
from hutan_geo.network import _core as core
from hutan_geo.network.graph import RoadNetwork, _assemble, _dropped_frame, _is_missing, _mode_graph
from hutan_geo.network.params import NetworkParams

if TYPE_CHECKING:
    import networkx as nx
    from numpy.typing import NDArray

__all__ = [
    "network_from_graphml",
    "network_from_osm",
    "network_from_place",
    "network_from_roads",
    "to_networkx",
    "write_graphml",
]


def _column(frame: pd.DataFrame, name: str, *aliases: str) -> pd.Series | None:
    """Return the first of ``name`` and ``aliases`` that is a column of ``frame`` (positional index), else None."""
    for col in (name, *aliases):
        if col in frame.columns:
            return frame[col].reset_index(drop=True)
    return None


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


def _road_pieces(
    geoms: NDArray[Any], road_ids: list[str], counts: Counter, dropped: list[dict[str, Any]]
) -> core.Pieces:
    """Split road lines into junction-to-junction pieces (``parent``: the input row), counting every repair."""
    n = len(geoms)
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
    return pieces


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
    >>> from hutan_geo.demo import load_demo
    >>> net = network_from_roads(load_demo().roads)
    >>> net.n_segments, net.metric_crs.to_epsg(), net.defaults["speed_defaulted"]
    (3577, 32649, 0)
    """
    params = params if params is not None else NetworkParams()
    metric = check_metric_crs(metric_crs)
    if hasattr(roads, "valid") and hasattr(roads, "rejected"):
        roads = roads.valid
    if not isinstance(roads, gpd.GeoDataFrame):
        msg = f"roads must be a GeoDataFrame of lines (e.g. load_roads(path).valid); got {type(roads).__name__}"
        raise InputError(msg)
    if len(roads) == 0:
        msg = f"{source}: the road layer is empty; load a layer with at least one road line"
        raise EmptyInputError(msg)
    check_crs(roads, "roads")
    geo = roads.geometry if roads.crs.to_epsg() == 4326 else roads.geometry.to_crs(4326)
    geoms = geo.to_numpy()
    n = len(geoms)
    counts: Counter = Counter(roads=n)
    dropped: list[dict[str, Any]] = []
    ids = _column(roads, "road_id", "id", "osmid")
    road_ids = [f"row{i}" if ids is None or _is_missing(ids.iloc[i]) else str(ids.iloc[i]) for i in range(n)]
    pieces = _road_pieces(geoms, road_ids, counts, dropped)
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
    """Import an optional dependency, or raise an ImportError naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        msg = f"{module} is needed for this; install it with: pip install 'hutan_geo[{extra}]'"
        raise ImportError(msg) from exc


_OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.gz", ".osm.bz2", ".o5m")


def _existing(path: str | pathlib.Path) -> pathlib.Path:
    """Return ``path`` as a Path; raise FileNotFoundError when there is no such file."""
    path = pathlib.Path(path)
    if not path.exists():
        msg = f"{path.name}: no such file ({path})"
        raise FileNotFoundError(msg)
    return path


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
    metric = check_metric_crs(metric_crs)
    path = _existing(path)
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


def _pair_twins(records: list[tuple[Any, Any, NDArray[np.float64], dict[str, Any]]]) -> tuple[list[int], list[int]]:
    """Pair each edge ``u -> v`` with a ``v -> u`` edge along the same line: one two-way road.

    Returns the edges kept (one per road; of a pair, the one not marked
    ``reversed``, else the first) and their one-way flag (1 unpaired, 0 paired).
    """
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
    return chosen, oneway


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
    chosen, oneway = _pair_twins(records)
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
    metric = check_metric_crs(metric_crs)
    path = _existing(path)
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
    metric = check_metric_crs(metric_crs)
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
