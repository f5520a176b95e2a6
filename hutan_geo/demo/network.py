"""Noding and cleaning the road network, and the look-ups used after it is final."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from shapely import LineString, Point
from shapely.ops import linemerge

from hutan_geo.demo.geometry import cross, offset_point

if TYPE_CHECKING:
    from hutan_geo.demo.state import County

LOGGER = logging.getLogger("hutan_geo")

_PRIORITY = {"national_highway": 7, "arterial": 6, "county_road": 5, "collector": 4, "local": 3, "village_road": 2}

_SNAP_GRID = 0.5


def node_network(county: County) -> None:
    """Node all roads, give every piece its source attributes and clean the result."""
    raw = pd.DataFrame(county.raw)
    raw["src"] = np.arange(len(raw))
    raw["prio"] = raw["cls"].map(_PRIORITY) + raw["bridge"] * 10
    noded = shapely.union_all(raw["geom"].to_numpy(), grid_size=_SNAP_GRID)
    pieces = shapely.get_parts(noded)
    pieces = pieces[shapely.length(pieces) >= _SNAP_GRID]
    mids = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
    tree = shapely.STRtree(raw["geom"].to_numpy())
    pi, ri = tree.query(mids, predicate="dwithin", distance=1.0)
    cand = pd.DataFrame({"piece": pi, "src": ri, "prio": raw["prio"].to_numpy()[ri]})
    cand["d"] = shapely.distance(mids[pi], raw["geom"].to_numpy()[ri])
    cand = cand.sort_values(["piece", "prio", "d", "src"], ascending=[True, False, True, True])
    best = cand.drop_duplicates("piece").set_index("piece")["src"]
    keep = np.array([i in best.index for i in range(len(pieces))])
    if not keep.all():
        LOGGER.debug("demo: %d noded pieces without a source dropped", int((~keep).sum()))
    pieces = pieces[keep]
    src = best.reindex(np.flatnonzero(keep)).to_numpy()
    # orient along the source (travel direction for one-way streets)
    src_geoms = raw["geom"].to_numpy()[src]
    s0 = shapely.line_locate_point(src_geoms, shapely.get_point(pieces, 0))
    s1 = shapely.line_locate_point(src_geoms, shapely.get_point(pieces, -1))
    flip = s0 > s1
    pieces = np.where(flip, shapely.reverse(pieces), pieces)
    net = raw.iloc[src][["src", "name", "ref", "cls", "lanes", "oneway", "bridge", "key", "zone"]].reset_index(
        drop=True
    )
    net["geom"] = pieces
    net["pos"] = np.minimum(s0, s1)
    county.raw_frame = raw
    net = _clean(net)
    county.net = net


def node_ids(net: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the distinct end points of the pieces and each piece's start and end node index."""
    a = shapely.get_coordinates(shapely.get_point(net["geom"].to_numpy(), 0))
    b = shapely.get_coordinates(shapely.get_point(net["geom"].to_numpy(), -1))
    allp = np.vstack([a, b])
    uniq, inv = np.unique(allp, axis=0, return_inverse=True)
    inv = inv.ravel()
    return uniq, inv[: len(a)], inv[len(a) :]


def _contract_short(net: pd.DataFrame, min_len: float = 4.0) -> pd.DataFrame:
    """Collapse pieces shorter than ``min_len`` (two junctions a metre apart become one)."""
    nodes, u, v = node_ids(net)
    lengths = shapely.length(net["geom"].to_numpy())
    short = np.flatnonzero((lengths < min_len) & (net["bridge"].to_numpy() == 0))
    if len(short) == 0:
        return net
    root = np.arange(len(nodes))

    def find(x: int) -> int:
        while root[x] != x:
            x = root[x]
        return x

    drop = np.zeros(len(net), dtype=bool)
    for i in short[np.argsort(lengths[short], kind="stable")]:
        a, b = find(int(u[i])), find(int(v[i]))
        drop[i] = True
        if a != b:
            root[max(a, b)] = min(a, b)
    geoms = net["geom"].to_numpy().copy()
    for j in np.flatnonzero(~drop):
        ru, rv = find(int(u[j])), find(int(v[j]))
        if ru == u[j] and rv == v[j]:
            continue
        xy = shapely.get_coordinates(geoms[j])
        xy[0], xy[-1] = nodes[ru], nodes[rv]
        if ru == rv and len(xy) <= 3:
            drop[j] = True
            continue
        geoms[j] = LineString(xy)
    net = net.assign(geom=geoms)[~drop].reset_index(drop=True)
    # collapsing can leave two pieces on the same pair of nodes with the same course: keep one
    _, u, v = node_ids(net)
    pair = pd.Series(list(zip(np.minimum(u, v), np.maximum(u, v), strict=True)))
    prio = net["cls"].map(_PRIORITY).to_numpy()
    geoms = net["geom"].to_numpy()
    drop = np.zeros(len(net), dtype=bool)
    for _, idx in pair[pair.duplicated(keep=False)].groupby(pair[pair.duplicated(keep=False)]).groups.items():
        idx = sorted(idx, key=lambda i: (-prio[i], i))
        for j in idx[1:]:
            if shapely.hausdorff_distance(geoms[idx[0]], geoms[j]) < 5.0:
                drop[j] = True
    return net[~drop].reset_index(drop=True)


def _clean(net: pd.DataFrame) -> pd.DataFrame:
    """Collapse tiny pieces, drop short stubs, keep the main component, merge, then check one-way flags."""
    net = _contract_short(net)
    # drop short dead-end stubs (clipping artefacts), twice
    for _ in range(2):
        _, u, v = node_ids(net)
        deg = np.bincount(np.concatenate([u, v]))
        dead = (deg[u] == 1) | (deg[v] == 1)
        short = shapely.length(net["geom"].to_numpy()) < 25.0
        net = net[~(dead & short & net["cls"].isin(["local", "village_road"]).to_numpy())].reset_index(drop=True)
    # keep the largest connected component
    nodes, u, v = node_ids(net)
    parent = np.arange(len(nodes))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(u, v, strict=True):
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([find(int(a)) for a in u])
    main = np.bincount(roots).argmax()
    dropped = int((roots != main).sum())
    if dropped:
        LOGGER.debug("demo: %d road pieces outside the main component dropped", dropped)
    net = net[roots == main].reset_index(drop=True)
    net = _merge_degree_two(net)
    return _fix_oneway(net)


def _merge_degree_two(net: pd.DataFrame) -> pd.DataFrame:
    """Merge consecutive pieces of one source that meet at a node of degree two."""
    for _ in range(5):
        nodes, u, v = node_ids(net)
        deg = np.bincount(np.concatenate([u, v]), minlength=len(nodes))
        merged_any = False
        used = np.zeros(len(net), dtype=bool)
        ends = {}
        for i, (a, b) in enumerate(zip(u, v, strict=True)):
            ends.setdefault(int(a), []).append((i, 0))
            ends.setdefault(int(b), []).append((i, 1))
        geoms = net["geom"].to_numpy().copy()
        drop = np.zeros(len(net), dtype=bool)
        srcs = net["src"].to_numpy()
        for node in np.flatnonzero(deg == 2):
            (i, ei), (j, ej) = ends[int(node)]
            if i == j or used[i] or used[j] or srcs[i] != srcs[j]:
                continue
            # i must end at the node and j start there (same source, same orientation)
            if ei == 0 and ej == 1:
                i, j = j, i
                ei, ej = ej, ei
            if not (ei == 1 and ej == 0):
                continue
            ci = shapely.get_coordinates(geoms[i])
            cj = shapely.get_coordinates(geoms[j])
            geoms[i] = LineString(np.vstack([ci, cj[1:]]))
            drop[j] = True
            used[i] = used[j] = True
            merged_any = True
        net = net.assign(geom=geoms)[~drop].reset_index(drop=True)
        if not merged_any:
            break
    return net


def _fix_oneway(net: pd.DataFrame) -> pd.DataFrame:
    """Keep one-way flags only where both ends are junctions and the graph stays strongly connected."""
    nodes, u, v = node_ids(net)
    deg = np.bincount(np.concatenate([u, v]), minlength=len(nodes))
    ow = net["oneway"].to_numpy().copy()
    ow[(deg[u] < 3) | (deg[v] < 3)] = 0
    for i in np.flatnonzero(ow):
        ow[i] = 1
        if not _strong(len(nodes), u, v, ow):
            ow[i] = 0
    lanes = net["lanes"].to_numpy().copy()
    lanes[(net["oneway"].to_numpy() == 1) & (ow == 0)] = 2
    return net.assign(oneway=ow, lanes=lanes)


def _strong(n: int, u: np.ndarray, v: np.ndarray, ow: np.ndarray) -> bool:
    """Return whether the graph of ``n`` nodes (edges u→v, two-way unless ``ow``) is strongly connected."""
    fwd: list[list[int]] = [[] for _ in range(n)]
    bwd: list[list[int]] = [[] for _ in range(n)]
    for a, b, o in zip(u, v, ow, strict=True):
        fwd[a].append(b)
        bwd[b].append(a)
        if not o:
            fwd[b].append(a)
            bwd[a].append(b)
    for adj in (fwd, bwd):
        seen = np.zeros(n, dtype=bool)
        stack = [int(u[0])]
        seen[stack[0]] = True
        while stack:
            x = stack.pop()
            for y in adj[x]:
                if not seen[y]:
                    seen[y] = True
                    stack.append(y)
        if not seen.all():
            return False
    return True


def index_network(county: County) -> None:
    """Build the look-ups used after noding: tree, nodes, names at nodes, merged named roads."""
    net = county.net
    county.net_geoms = net["geom"].to_numpy()
    county.net_tree = shapely.STRtree(county.net_geoms)
    nodes, u, v = node_ids(net)
    county.nodes, county.u, county.v = nodes, u, v
    county.deg = np.bincount(np.concatenate([u, v]), minlength=len(nodes))
    names = net["name"].to_numpy()
    node_names: list[list[str]] = [[] for _ in range(len(nodes))]
    for i, (a, b) in enumerate(zip(u, v, strict=True)):
        for x in (a, b):
            if names[i] and names[i] not in node_names[x]:
                node_names[x].append(names[i])
    county.node_names = node_names
    county.name_lines = {}
    for nm, grp in net.groupby("name", sort=True):
        if nm:
            county.name_lines[nm] = linemerge(list(grp["geom"]))


def house_number(county: County, name: str, pt: np.ndarray) -> int:
    """Return the house number of ``pt`` on the named road (two per 20 m, odd on the left)."""
    geom = county.name_lines[name]
    p = Point(pt)
    parts = list(shapely.get_parts(geom))
    line = min(parts, key=lambda g: g.distance(p))
    s = line.project(p)
    q, t, _ = offset_point(line, s, 1.0, 0.0)
    left = cross(t, np.asarray(pt) - q) > 0
    base = int(s // 20.0)
    return 2 * base + (1 if left else 2)


def nearest_piece(
    county: County, pt: np.ndarray, *, named: bool = False, classes: tuple[str, ...] | None = None
) -> int:
    """Return the index of the road piece nearest to ``pt`` (optionally named, or of ``classes``)."""
    p = Point(pt)
    idx, _ = county.net_tree.query_nearest(p, return_distance=True, all_matches=False)
    if not named and classes is None:
        return int(idx[0])
    cand = county.net_tree.query(p.buffer(500.0))
    cand = [
        int(i)
        for i in cand
        if (not named or county.net.at[int(i), "name"]) and (classes is None or county.net.at[int(i), "cls"] in classes)
    ]
    if not cand:
        return int(idx[0])
    return min(cand, key=lambda i: county.net_geoms[i].distance(p))
