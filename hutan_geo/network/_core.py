"""Private helpers of :mod:`hutan_geo.network`: noding, lengths, OSM and GraphML parsing, CSR graphs.

Nothing here is public API; :mod:`hutan_geo.network` documents the behaviour.
"""

from __future__ import annotations

import ast
import logging
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj
import shapely

from hutan_geo.model.roads import OSM_HIGHWAY_CLASSES
from hutan_geo.model.schema import ROAD_CLASSES, normalise_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger("hutan_geo")

_GEOD = pyproj.Geod(ellps="WGS84")

_ONEWAY_YES = {"yes", "true", "1"}
_ONEWAY_REVERSE = {"-1", "reverse"}
_ONEWAY_NO = {"no", "false", "0"}
_MPH = 1.609344
_SPEED_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)


# --------------------------------------------------------------------------------------
# tags and values
# --------------------------------------------------------------------------------------


def parse_maxspeed(value: object) -> float | None:
    """Return km/h from an OSM ``maxspeed`` value, or None when it is not a number.

    ``"50"`` and ``"50 km/h"`` give 50, ``"30 mph"`` 48.28; of ``"50;30"`` the
    first value is used; ``"none"``, ``"walk"``, ``"FI:urban"`` give None.

    Examples
    --------
    >>> parse_maxspeed("30 mph"), parse_maxspeed("50;70"), parse_maxspeed("RU:urban")
    (48.28032, 50.0, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list):
        value = value[0] if value else None
        return parse_maxspeed(value)
    text = str(value).split(";")[0].split("|")[0]
    match = _SPEED_RE.match(text)
    if match is None:
        return None
    speed = float(match.group(1))
    if (match.group(2) or "").lower() == "mph":
        speed *= _MPH
    return speed if 0 < speed <= 200 else None


def osm_oneway(tags: dict[str, str]) -> int:
    """Return 1 (digitised direction), -1 (against it) or 0 (two-way) from OSM tags.

    ``oneway=yes/true/1`` is 1, ``oneway=-1/reverse`` is -1, ``junction=roundabout``
    or ``circular`` and ``highway=motorway`` imply 1 unless ``oneway=no``.
    """
    value = str(tags.get("oneway", "")).strip().lower()
    if value in _ONEWAY_YES:
        return 1
    if value in _ONEWAY_REVERSE:
        return -1
    if value in _ONEWAY_NO:
        return 0
    if str(tags.get("junction", "")).lower() in ("roundabout", "circular"):
        return 1
    if str(tags.get("highway", "")).lower() == "motorway":
        return 1
    return 0


def road_class_of(value: object) -> str | None:
    """Map a road class, an alias or an OSM ``highway`` value to a road-class code (None if unknown)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list):
        codes = [road_class_of(v) for v in value]
        known = [c for c in codes if c is not None]
        return min(known, key=ROAD_CLASSES.codes.index) if known else None
    text = normalise_text(value)
    if not text:
        return None
    if text.lower() in OSM_HIGHWAY_CLASSES:
        return OSM_HIGHWAY_CLASSES[text.lower()]
    return ROAD_CLASSES.parse(text)


def truthy(value: object) -> int:
    """Return 1, -1 or 0 for a one-way cell (bool, 0/1, yes/no, -1, 是/否, NA)."""
    if value is None:
        return 0
    if isinstance(value, (bool, np.bool_)):
        return int(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and math.isnan(value):
            return 0
        return -1 if value < 0 else int(value != 0)
    text = normalise_text(value).lower()
    if text in _ONEWAY_REVERSE:
        return -1
    return 1 if text in (*_ONEWAY_YES, "是", "单行", "y", "t") else 0


# --------------------------------------------------------------------------------------
# noding and lengths
# --------------------------------------------------------------------------------------


@dataclass
class Pieces:
    """Lines split at shared vertices: one piece per junction-to-junction segment."""

    coords: NDArray[np.float64]  # (M, 2) lon/lat of every piece vertex, pieces one after another
    piece_of: NDArray[np.int64]  # (M,) piece index of each vertex
    parent: NDArray[np.int64]  # (P,) index of the input line of each piece
    u_key: NDArray[np.int64]  # (P,) key of the first vertex
    v_key: NDArray[np.int64]  # (P,) key of the last vertex
    zero_length: NDArray[np.int64]  # input lines dropped: fewer than two distinct vertices


def coordinate_keys(coords: NDArray[np.float64]) -> NDArray[np.int64]:
    """Integer key per vertex; bit-identical coordinates share a key."""
    packed = coords[:, 0] + 1j * coords[:, 1]
    _, inverse = np.unique(packed, return_inverse=True)
    return inverse.astype(np.int64)


def node_lines(coords: NDArray[np.float64], line_of: NDArray[np.int64], keys: NDArray[np.int64]) -> Pieces:
    """Split lines at every vertex shared with another line (or repeated in the same line).

    ``coords``/``line_of``/``keys`` list every vertex of every line in order;
    vertices with the same key are the same point (an OSM node, or the same
    coordinates). Consecutive repeats of a key are collapsed first; lines left
    with a single vertex are reported in ``zero_length``.
    """
    n_lines = int(line_of.max()) + 1 if len(line_of) else 0
    if len(keys):
        same_as_prev = np.zeros(len(keys), dtype=bool)
        same_as_prev[1:] = (keys[1:] == keys[:-1]) & (line_of[1:] == line_of[:-1])
        keep = ~same_as_prev
        coords, line_of, keys = coords[keep], line_of[keep], keys[keep]
    counts = np.bincount(line_of, minlength=n_lines)
    short = np.flatnonzero(counts < 2)
    if len(short):
        drop = np.isin(line_of, short)
        coords, line_of, keys = coords[~drop], line_of[~drop], keys[~drop]
    m = len(keys)
    if m == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Pieces(np.zeros((0, 2)), empty, empty, empty, empty, short.astype(np.int64))
    first = np.ones(m, dtype=bool)
    first[1:] = line_of[1:] != line_of[:-1]
    last = np.ones(m, dtype=bool)
    last[:-1] = line_of[:-1] != line_of[1:]
    _, key_inv, key_count = np.unique(keys, return_inverse=True, return_counts=True)
    split = first | last | (key_count[key_inv] > 1)
    starts = split & ~last
    pid = np.cumsum(starts) - 1
    pos = np.arange(m)
    a_sel = ~last
    b_sel = split & ~first
    piece = np.concatenate([pid[a_sel], np.where(last[b_sel], pid[b_sel], pid[b_sel] - 1)])
    order_pos = np.concatenate([pos[a_sel], pos[b_sel]])
    order = np.lexsort((order_pos, piece))
    piece_of = piece[order]
    vert = order_pos[order]
    n_pieces = int(pid.max()) + 1
    head = np.searchsorted(piece_of, np.arange(n_pieces), side="left")
    tail = np.searchsorted(piece_of, np.arange(n_pieces), side="right") - 1
    return Pieces(
        coords=coords[vert],
        piece_of=piece_of.astype(np.int64),
        parent=line_of[vert[head]].astype(np.int64),
        u_key=keys[vert[head]].astype(np.int64),
        v_key=keys[vert[tail]].astype(np.int64),
        zero_length=short.astype(np.int64),
    )


def geodesic_lengths(coords: NDArray[np.float64], piece_of: NDArray[np.int64], n: int) -> NDArray[np.float64]:
    """Geodesic (WGS84 ellipsoid) length in metres of each piece."""
    if len(coords) < 2:
        return np.zeros(n)
    same = piece_of[1:] == piece_of[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    _, _, dist = _GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.bincount(piece_of[1:][same], weights=np.asarray(dist), minlength=n)


def reverse_pieces(coords: NDArray[np.float64], piece_of: NDArray[np.int64], flip: NDArray[np.bool_]) -> None:
    """Reverse, in place, the vertex order of the pieces marked in ``flip``."""
    if not flip.any():
        return
    sel = flip[piece_of]
    idx = np.flatnonzero(sel)
    groups = piece_of[idx]
    starts = np.searchsorted(groups, groups, side="left")
    ends = np.searchsorted(groups, groups, side="right") - 1
    rank = idx - idx[starts]
    mirrored = idx[ends] - rank
    coords[idx] = coords[mirrored].copy()


# --------------------------------------------------------------------------------------
# OSM files (pyosmium)
# --------------------------------------------------------------------------------------


@dataclass
class OsmWays:
    """Drivable OSM ways: vertices (with node ids) and per-way tags."""

    coords: NDArray[np.float64]
    line_of: NDArray[np.int64]
    node_ids: NDArray[np.int64]
    way_ids: list[int]
    way_of_line: NDArray[np.int64]  # way index of each line (a way cut by missing nodes gives several)
    tags: list[dict[str, str]]
    missing_nodes: int
    skipped_ways: int


_OSM_KEEP_TAGS = ("highway", "name", "ref", "oneway", "junction", "maxspeed", "lanes", "bridge", "access", "area")


def read_osm_ways(path: str, *, bbox: tuple[float, float, float, float] | None) -> OsmWays:
    """Read the ways with a drivable ``highway`` tag from an ``.osm.pbf`` or ``.osm`` file."""
    import osmium

    coords: list[tuple[float, float]] = []
    line_of: list[int] = []
    node_ids: list[int] = []
    way_ids: list[int] = []
    way_of_line: list[int] = []
    tags_out: list[dict[str, str]] = []
    missing = 0
    skipped = 0
    processor = (
        osmium.FileProcessor(path)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    for way in processor:
        tags = {k: way.tags[k] for k in _OSM_KEEP_TAGS if k in way.tags}
        if tags.get("highway") not in OSM_HIGHWAY_CLASSES or tags.get("area") == "yes":
            skipped += 1
            continue
        if tags.get("access") in ("no", "private") and tags["highway"] in ("service", "track"):
            skipped += 1
            continue
        runs: list[list[tuple[int, float, float]]] = [[]]
        for node in way.nodes:
            if node.location.valid():
                runs[-1].append((node.ref, node.location.lon, node.location.lat))
            else:  # a node outside a clipped extract: the way stops there and starts again after it
                missing += 1
                runs.append([])
        runs = [r for r in runs if len(r) >= 2]
        if not runs:
            skipped += 1
            continue
        if bbox is not None:
            x0, y0, x1, y1 = bbox
            if not any(x0 <= lon <= x1 and y0 <= lat <= y1 for r in runs for _, lon, lat in r):
                continue
        way_ids.append(way.id)
        tags_out.append(tags)
        for run in runs:
            line = len(way_of_line)
            way_of_line.append(len(way_ids) - 1)
            for ref, lon, lat in run:
                coords.append((lon, lat))
                line_of.append(line)
                node_ids.append(ref)
    return OsmWays(
        coords=np.asarray(coords, dtype=float).reshape(-1, 2),
        line_of=np.asarray(line_of, dtype=np.int64),
        node_ids=np.asarray(node_ids, dtype=np.int64),
        way_ids=way_ids,
        way_of_line=np.asarray(way_of_line, dtype=np.int64),
        tags=tags_out,
        missing_nodes=missing,
        skipped_ways=skipped,
    )


# --------------------------------------------------------------------------------------
# GraphML / networkx (osmnx conventions)
# --------------------------------------------------------------------------------------


def parse_value(value: Any) -> Any:
    """Undo osmnx's stringification: lists, numbers, booleans stay as such."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return value
    return value


def first(value: Any) -> Any:
    """First element of a list attribute (osmnx merges attributes into lists), else the value."""
    value = parse_value(value)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def as_float(value: Any) -> float | None:
    """Return a float from a number or numeric string, None otherwise."""
    value = first(value)
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def as_bool(value: Any) -> bool:
    """Return True for True, "True", "yes" and 1."""
    value = first(value)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value) if value is not None else False


# --------------------------------------------------------------------------------------
# CSR graphs and predecessor trees
# --------------------------------------------------------------------------------------


@dataclass
class Csr:
    """A directed graph as CSR arrays, parallel arcs reduced to the cheapest."""

    n: int
    indptr: NDArray[np.int32]
    indices: NDArray[np.int32]
    weight: NDArray[np.float64]
    length: NDArray[np.float64]
    arc: NDArray[np.int64]  # arc index of each entry (into the arc arrays of the mode graph)
    in_arcs: tuple[NDArray[np.int64], NDArray[np.float64]] | None = None  # see :func:`_in_arcs`

    def matrix(self) -> Any:
        """Return the scipy CSR matrix of the weights."""
        from scipy.sparse import csr_matrix

        return csr_matrix((self.weight, self.indices, self.indptr), shape=(self.n, self.n))

    def entry(self, tail: NDArray[np.int64], head: NDArray[np.int64]) -> NDArray[np.int64]:
        """CSR entry index of arcs ``tail -> head`` (-1 where there is none)."""
        out = np.full(len(tail), -1, dtype=np.int64)
        start = self.indptr[tail].astype(np.int64)
        deg = self.indptr[tail + 1].astype(np.int64) - start
        for k in range(int(deg.max()) if len(deg) else 0):
            e = np.minimum(start + k, len(self.indices) - 1)
            hit = (k < deg) & (self.indices[e] == head) & (out < 0)
            out[hit] = e[hit]
        return out


def build_csr(
    n: int, tail: NDArray[np.int64], head: NDArray[np.int64], weight: NDArray[np.float64], length: NDArray[np.float64]
) -> Csr:
    """CSR of arcs without self-loops; of parallel arcs the one with least weight is kept."""
    arc = np.flatnonzero(tail != head)
    order = np.lexsort((weight[arc], head[arc], tail[arc]))
    arc = arc[order]
    t, h = tail[arc], head[arc]
    keep = np.ones(len(arc), dtype=bool)
    keep[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    arc = arc[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail[arc], minlength=n), out=indptr[1:])
    return Csr(
        n=n,
        indptr=indptr.astype(np.int32),
        indices=head[arc].astype(np.int32),
        weight=weight[arc].astype(np.float64),
        length=length[arc].astype(np.float64),
        arc=arc.astype(np.int64),
    )


def augment(csr: Csr, heads: NDArray[np.int64], weights: NDArray[np.float64], counts: NDArray[np.int64]) -> Any:
    """Scipy CSR of ``csr`` plus ``len(counts)`` virtual source rows appended (out-arcs only)."""
    from scipy.sparse import csr_matrix

    k = len(counts)
    size = csr.n + k
    indptr = np.concatenate([csr.indptr.astype(np.int64), csr.indptr[-1] + np.cumsum(counts)])
    indices = np.concatenate([csr.indices, heads.astype(np.int32)])
    data = np.concatenate([csr.weight, weights])
    return csr_matrix((data, indices, indptr), shape=(size, size))


def _in_arcs(csr: Csr) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Tail and length of the in-arcs of every node, padded with -1 to the largest in-degree: shape (n, w)."""
    if csr.in_arcs is None:
        heads = csr.indices.astype(np.int64)
        tails = np.repeat(np.arange(csr.n, dtype=np.int64), np.diff(csr.indptr))
        order = np.argsort(heads, kind="stable")
        h = heads[order]
        rank = np.arange(len(h)) - np.searchsorted(h, h, side="left")
        width = int(rank.max()) + 1 if len(rank) else 1
        tail = np.full((csr.n, width), -1, dtype=np.int64)
        length = np.zeros((csr.n, width))
        tail[h, rank] = tails[order]
        length[h, rank] = csr.length[order]
        csr.in_arcs = (tail, length)
    return csr.in_arcs


def _arc_length(
    tail: NDArray[np.int64], length: NDArray[np.float64], head: NDArray[np.int64], p: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Length of the arc ``p -> head`` from a padded in-arc table (the arc must exist)."""
    rows = tail[head]
    k = np.argmax(rows == p[:, None], axis=1)
    return length[head, k]


def tree_lengths(
    pred: NDArray[np.int32],
    csr: Csr,
    targets: NDArray[np.int64],
    virtual_heads: NDArray[np.int64],
    virtual_lengths: NDArray[np.float64],
    virtual_ptr: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Length of each row's shortest-path-tree path to each of ``targets`` (distinct).

    ``pred`` is the predecessor matrix of ``scipy.sparse.csgraph.dijkstra``
    over ``csr`` with virtual source rows appended (node ``csr.n + i`` has
    out-arcs ``virtual_heads[virtual_ptr[i]:virtual_ptr[i + 1]]``). First the
    tree nodes above the targets are found, all rows at once, climbing from
    every target until the root or a node already found (so each tree node
    is visited once per row); then the lengths are summed from the roots
    down over those nodes only. A length is the sum along its path from the
    root, in path order, whatever the other targets are.
    """
    rows, size = pred.shape
    n = csr.n
    flat_pred = pred.reshape(-1)
    pos = np.full(rows * size, -1, dtype=np.int64)  # position in the found nodes, by (row, node)
    found_key: list[NDArray[np.int64]] = []
    found_par: list[NDArray[np.int64]] = []
    count = 0
    keys = (np.arange(rows, dtype=np.int64)[:, None] * size + np.asarray(targets, dtype=np.int64)[None, :]).ravel()
    while len(keys):
        keys = keys[pos[keys] < 0]
        mark = np.arange(len(keys))
        pos[keys] = mark  # two walkers on one node: one of them stays
        keys = keys[pos[keys] == mark]
        pos[keys] = count + np.arange(len(keys))
        count += len(keys)
        p = flat_pred[keys].astype(np.int64)
        par = np.where(p >= 0, keys - keys % size + p, -1)
        found_key.append(keys)
        found_par.append(par)
        keys = par[par >= 0]
    key = np.concatenate(found_key)
    par = np.concatenate(found_par)
    # length of the tree arc into every found node that has a parent
    child = np.flatnonzero(par >= 0)
    head, tail = key[child] % size, par[child] % size
    step = np.zeros(len(key))
    real = tail < n
    in_tail, in_len = _in_arcs(csr)
    step[child[real]] = _arc_length(in_tail, in_len, head[real], tail[real])
    if not real.all():
        owner = np.repeat(np.arange(len(virtual_ptr) - 1, dtype=np.int64), np.diff(virtual_ptr))
        v_keys = owner * max(n, 1) + np.asarray(virtual_heads, dtype=np.int64)
        order = np.argsort(v_keys, kind="stable")
        q = (tail[~real] - n) * max(n, 1) + head[~real]
        step[child[~real]] = np.asarray(virtual_lengths, dtype=float)[order][np.searchsorted(v_keys[order], q)]
    # sum from the roots down, one tree level at a time
    par_pos = pos[par[child]]
    order = np.argsort(par_pos, kind="stable")
    kids = child[order]
    ptr = np.zeros(len(key) + 1, dtype=np.int64)
    np.cumsum(np.bincount(par_pos, minlength=len(key)), out=ptr[1:])
    parent_of = np.full(len(key), -1, dtype=np.int64)
    parent_of[child] = par_pos
    total = np.zeros(len(key))
    frontier = np.flatnonzero(par < 0)
    while len(frontier):
        cnt = ptr[frontier + 1] - ptr[frontier]
        frontier = kids[np.repeat(ptr[frontier] - np.cumsum(cnt) + cnt, cnt) + np.arange(int(cnt.sum()))]
        total[frontier] = total[parent_of[frontier]] + step[frontier]
    start = (np.arange(rows, dtype=np.int64)[:, None] * size + np.asarray(targets, dtype=np.int64)[None, :]).ravel()
    return total[pos[start]].reshape(rows, len(targets))


def line_coords(geom: Any) -> NDArray[np.float64]:
    """Coordinates (N, 2) of a LineString."""
    return np.asarray(shapely.get_coordinates(geom))
