"""Contracted core graphs (issue 18, item 5): the same matrices as a plain search on the full graph.

Every matrix is checked against :func:`reference`, written here from the
network's edge table alone: one :func:`scipy.sparse.csgraph.dijkstra` per
origin on the full directed graph (a point origin is a virtual node joined to
the ends of its road piece), the best of the two ways into each destination
point, two points on one piece joined along it, and distances summed along
the predecessor tree. Times must agree to 1e-6 s, distances along the fastest
path to 1e-6 m, and the unreachable pairs and their reasons exactly (against
the full-graph search of the module itself).
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely import LineString, Point

from hutan_geo.demo import demo_data_dir
from hutan_geo.io import load_gates, load_roads
from hutan_geo.network import network_from_roads, snap_points, travel_time_matrix
from hutan_geo.network.contract import _contraction
from hutan_geo.network.distance import _travel_matrix
from hutan_geo.network.graph import _mode_graph

UTM = 32649
X0, Y0 = 600_000.0, 3_050_000.0
AT_NODE = 1e-9
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --------------------------------------------------------------------------------------
# the reference: a plain search on the full graph, from the edge table
# --------------------------------------------------------------------------------------


def _arcs(net, mode: str, profile: str):
    """Full directed graph (cheapest of parallel arcs), arc lengths, and per-piece costs both ways."""
    e = net.edges
    fwd = e[e["forward"]]
    n_seg = len(fwd)
    seg_len = fwd["length_m"].to_numpy(float)
    if mode == "drive":
        tail, head = e["u"].to_numpy(), e["v"].to_numpy()
        w, ln = e[f"travel_s_{profile}"].to_numpy(float), e["length_m"].to_numpy(float)
        wf = fwd[f"travel_s_{profile}"].to_numpy(float)
        twin = fwd["twin"].to_numpy()
        wb = np.where(twin >= 0, e[f"travel_s_{profile}"].to_numpy(float)[np.maximum(twin, 0)], np.inf)
    else:
        ok = fwd["walkable"].to_numpy(bool)
        ws = fwd["walk_s"].to_numpy(float)
        u, v = fwd["u"].to_numpy()[ok], fwd["v"].to_numpy()[ok]
        tail, head = np.concatenate([u, v]), np.concatenate([v, u])
        w = np.concatenate([ws[ok], ws[ok]])
        ln = np.concatenate([seg_len[ok], seg_len[ok]])
        wf = np.where(ok, ws, np.inf)
        wb = wf.copy()
    arcs = pd.DataFrame({"t": tail, "h": head, "w": w, "l": ln})
    arcs = arcs[arcs["t"] != arcs["h"]]
    arcs = arcs.loc[arcs.groupby(["t", "h"], sort=False)["w"].idxmin()]
    n = net.n_nodes
    lengths = dict(zip(zip(arcs["t"].tolist(), arcs["h"].tolist(), strict=True), arcs["l"].tolist(), strict=True))
    graph = (arcs["t"].to_numpy(), arcs["h"].to_numpy(), arcs["w"].to_numpy())
    assert len(wf) == n_seg
    return n, graph, lengths, wf, wb, seg_len, fwd["u"].to_numpy(), fwd["v"].to_numpy()


def _positions(net, where) -> list:
    """('node', id), ('piece', segment, fraction) or None (not snapped) for node ids or a snap frame."""
    if isinstance(where, pd.DataFrame):
        out = []
        u, v = net.edges["u"].to_numpy(), net.edges["v"].to_numpy()
        for s, t, ok in zip(where["edge_id"], where["fraction"], where["snapped"], strict=True):
            if not ok:
                out.append(None)
            elif t <= AT_NODE:
                out.append(("node", int(u[s])))
            elif t >= 1 - AT_NODE:
                out.append(("node", int(v[s])))
            else:
                out.append(("piece", int(s), float(t)))
        return out
    return [("node", int(x)) for x in where]


def reference(net, origins, destinations, *, mode: str = "drive", profile: str = "am_peak"):
    """Times and distances along the fastest path, one plain Dijkstra per origin on the full graph."""
    n, (tail, head, w), lengths, wf, wb, seg_len, su, sv = _arcs(net, mode, profile)
    o_pos, d_pos = _positions(net, origins), _positions(net, destinations)
    travel = np.full((len(o_pos), len(d_pos)), np.inf)
    dist = np.full(travel.shape, np.nan)
    for i, op in enumerate(o_pos):
        if op is None:
            continue
        extra = []  # virtual arcs of a point origin: (head, cost, length)
        if op[0] == "piece":
            _, s, t = op
            if np.isfinite(wf[s]):
                extra.append((int(sv[s]), (1 - t) * wf[s], (1 - t) * seg_len[s]))
            if np.isfinite(wb[s]):
                extra.append((int(su[s]), t * wb[s], t * seg_len[s]))
        size = n + 1
        m = csr_matrix(
            (
                np.concatenate([w, [c for _, c, _ in extra]]),
                (np.concatenate([tail, [n] * len(extra)]), np.concatenate([head, [h for h, _, _ in extra]])),
            ),
            shape=(size, size),
        )
        if len(extra) == 2 and extra[0][0] == extra[1][0]:  # both ends the same node: the cheaper arc only
            best = min(extra, key=lambda a: a[1])
            extra = [best]
            m = csr_matrix(
                (np.concatenate([w, [best[1]]]), (np.concatenate([tail, [n]]), np.concatenate([head, [best[0]]]))),
                shape=(size, size),
            )
        source = n if op[0] == "piece" else op[1]
        d, pred = dijkstra(m, directed=True, indices=source, return_predecessors=True)
        virtual = {h: ln for h, _, ln in extra}

        def path_len(y: int, pred=pred, virtual=virtual) -> float:
            total = 0.0
            while pred[y] >= 0:
                p = int(pred[y])
                total += virtual[y] if p == n else lengths[(p, y)]
                y = p
            return total

        for j, dp in enumerate(d_pos):
            if dp is None:
                continue
            if dp[0] == "node":
                cands = [(d[dp[1]], dp[1], 0.0)]
            else:
                _, s2, t2 = dp
                cands = [(d[su[s2]] + t2 * wf[s2], int(su[s2]), t2 * seg_len[s2])]
                cands.append((d[sv[s2]] + (1 - t2) * wb[s2], int(sv[s2]), (1 - t2) * seg_len[s2]))
            k = 1 if len(cands) == 2 and cands[1][0] < cands[0][0] else 0
            best_t, via, tail_len = cands[k]
            best_d = path_len(via) + tail_len if np.isfinite(best_t) else np.nan
            if op[0] == "piece" and dp[0] == "piece" and op[1] == dp[1]:
                t0, t1 = op[2], dp[2]
                direct = (t1 - t0) * wf[op[1]] if t1 >= t0 else (t0 - t1) * wb[op[1]]
                if direct < best_t:
                    best_t, best_d = direct, abs(t1 - t0) * seg_len[op[1]]
            travel[i, j] = best_t
            dist[i, j] = best_d if np.isfinite(best_t) else np.nan
    return travel, dist


def _check(net, origins, destinations, *, mode: str = "drive", profile: str = "am_peak", chunk_size=None) -> None:
    """The contracted matrix equals the reference and the module's full-graph search."""
    got = travel_time_matrix(net, origins, destinations, mode=mode, profile=profile, chunk_size=chunk_size)

    def snapped(where):
        if isinstance(where, gpd.GeoDataFrame) and "edge_id" not in where.columns:
            return snap_points(net, where, mode=mode)
        return where

    ref_t, ref_d = reference(net, snapped(origins), snapped(destinations), mode=mode, profile=profile)
    assert np.array_equal(np.isfinite(got.travel_s), np.isfinite(ref_t))
    np.testing.assert_allclose(got.travel_s, ref_t, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got.dist_m, ref_d, rtol=0, atol=1e-6)
    full = _travel_matrix(
        net,
        origins,
        destinations,
        profile=profile,
        mode=mode,
        labels=None,
        max_snap_m=None,
        chunk_size=None,
        with_distance=True,
        contract=False,
    )
    pd.testing.assert_frame_equal(got.unreachable, full.unreachable)
    times_only = travel_time_matrix(net, origins, destinations, mode=mode, profile=profile, with_distance=False)
    np.testing.assert_array_equal(times_only.travel_s, got.travel_s)


# --------------------------------------------------------------------------------------
# small hand-made networks
# --------------------------------------------------------------------------------------


def _roads(lines: list[list[tuple[float, float]]], oneway: list[int] | None = None) -> gpd.GeoDataFrame:
    """Roads given in metres around (X0, Y0), returned in WGS84."""
    geoms = [LineString([(X0 + x, Y0 + y) for x, y in line]) for line in lines]
    return gpd.GeoDataFrame(
        {
            "road_id": [f"r{i}" for i in range(len(lines))],
            "name": [f"路{i}" for i in range(len(lines))],
            "road_class": "local",
            "oneway": oneway if oneway is not None else [0] * len(lines),
        },
        geometry=geoms,
        crs=UTM,
    ).to_crs(4326)


def _pts(xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(X0 + x, Y0 + y) for x, y in xy], crs=UTM)


def _node(net, x: float, y: float) -> int:
    return int(np.argmin(np.hypot(net.nodes["x"] - (X0 + x), net.nodes["y"] - (Y0 + y))))


@pytest.fixture(scope="module")
def spur_net():
    """A square of junctions; a one-way chain on its south side; a dead-end tree with two leaves off its west side."""
    lines = [
        [(0, 0), (300, 10)],  # south side: a chain of three pieces, one-way east
        [(300, 10), (700, -10)],
        [(700, -10), (1000, 0)],
        [(1000, 0), (1000, 1000)],
        [(1000, 1000), (0, 1000)],
        [(0, 1000), (0, 500)],
        [(0, 500), (0, 0)],
        [(0, 1000), (1000, 0)],  # diagonal: every corner of the square is a junction
        [(0, 500), (-200, 520)],  # the tree: J - a - b, b - c, b - d
        [(-200, 520), (-400, 480)],
        [(-400, 480), (-600, 700)],
        [(-400, 480), (-620, 300)],
    ]
    return network_from_roads(_roads(lines, oneway=[1, 1, 1] + [0] * 9))


def test_contraction_removes_trees_and_chains(spur_net):
    g = _mode_graph(spur_net, "drive", "am_peak")
    cg = _contraction(spur_net, g, ("drive", "am_peak"))
    # once the tree is pruned, only the ends of the diagonal have three neighbours; the rest of the
    # square is one chain from (1000, 0) round to (0, 1000), with the tree hanging on it at (0, 500)
    kept = {_node(spur_net, x, y) for x, y in [(1000, 0), (0, 1000)]}
    assert set(cg.nodes.tolist()) == kept
    leaf_c, leaf_d, corner = _node(spur_net, -600, 700), _node(spur_net, -620, 300), _node(spur_net, 0, 0)
    assert cg.region[leaf_c] == cg.region[leaf_d] == cg.region[corner] >= 0
    # the one-way south side: entered only from the west (via (0, 0)), left only at (1000, 0)
    mid = _node(spur_net, 300, 10)
    west, east = cg.core_of[_node(spur_net, 0, 1000)], cg.core_of[_node(spur_net, 1000, 0)]
    assert {int(c) for c in cg.ent_node[mid] if c >= 0} == {west}
    assert {int(c) for c in cg.ext_node[mid] if c >= 0} == {east}


def test_same_tree_and_same_chain_pairs(spur_net):
    leaves = [_node(spur_net, -600, 700), _node(spur_net, -620, 300), _node(spur_net, -200, 520)]
    chain = [_node(spur_net, 300, 10), _node(spur_net, 700, -10)]
    nodes = np.array(leaves + chain + [_node(spur_net, 1000, 1000)])
    _check(spur_net, nodes, nodes)
    # leaf to leaf stays in the tree: c -> b -> d
    m = travel_time_matrix(spur_net, nodes, nodes)
    assert m.dist_m[0, 1] < 700
    # points on the chain (one-way): the later point from the earlier along it, the other way round the square
    pts = _pts([(150, 20), (250, -5), (500, 15), (650, 0), (-500, 600), (-450, 520), (-300, 505), (-610, 400)])
    _check(spur_net, pts, pts)
    _check(spur_net, pts, pts, mode="walk")
    _check(spur_net, pts, nodes)
    _check(spur_net, nodes, pts, chunk_size=2)


def test_rings_lone_pieces_and_unreachable_parts():
    lines = [
        [(0, 0), (500, 0)],
        [(500, 0), (500, 500)],
        [(500, 500), (0, 0)],
        [(0, 0), (-300, 0)],  # dead end
        # a ring with no junction at all (every node has two neighbours), 3 km away
        [(3000, 0), (3400, 0)],
        [(3400, 0), (3200, 300)],
        [(3200, 300), (3000, 0)],
        # a lone piece, and a one-way piece leading out of the triangle into a dead end one can never leave
        [(6000, 0), (6300, 0)],
        [(500, 500), (800, 800)],
        [(800, 800), (900, 1100)],
    ]
    net = network_from_roads(_roads(lines, oneway=[0] * 8 + [1, 0]))
    pts = _pts([(250, 5), (-200, 3), (3200, -5), (3300, 160), (6100, 4), (850, 950), (650, 640), (3100, 150)])
    _check(net, pts, pts)
    _check(net, pts, pts, mode="walk")
    nodes = np.arange(net.n_nodes)
    _check(net, nodes, nodes)
    m = travel_time_matrix(net, pts, pts)
    assert set(m.unreachable["reason"]) == {"no_route"}
    assert np.isfinite(m.travel_s[6, 5])
    assert not np.isfinite(m.travel_s[5, 6])


# --------------------------------------------------------------------------------------
# the demo district
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_net():
    return network_from_roads(load_roads(demo_data_dir() / "roads" / "roads.geojson").valid)


def test_demo_core_is_smaller(demo_net):
    g = _mode_graph(demo_net, "drive", "am_peak")
    cg = _contraction(demo_net, g, ("drive", "am_peak"))
    assert cg.n_core < 0.7 * demo_net.n_nodes
    assert len(cg.csr.indices) < 0.8 * len(g.csr.indices)
    assert _contraction(demo_net, g, ("drive", "am_peak")) is cg  # cached on the network


@pytest.mark.parametrize(("mode", "profile"), [("drive", "am_peak"), ("drive", "free"), ("walk", "free")])
def test_demo_matrix_equals_full_search(demo_net, mode, profile):
    rng = np.random.default_rng(18)
    gates = load_gates(demo_data_dir() / "schools" / "gates.csv").valid
    segs = rng.choice(demo_net.n_segments, 30, replace=False)
    lines = demo_net.edges.geometry.iloc[segs].to_crs(demo_net.metric_crs).to_numpy()
    on = shapely.line_interpolate_point(lines, rng.uniform(0.02, 0.98, len(segs)), normalized=True)
    xy = shapely.get_coordinates(on) + rng.uniform(-15, 15, (len(segs), 2))
    extra = gpd.GeoSeries(shapely.points(xy), crs=demo_net.metric_crs).to_crs(4326)
    far = gpd.GeoSeries([Point(114.5, 28.5)], crs=4326)  # far from every road: not snapped
    pts = gpd.GeoDataFrame(geometry=pd.concat([gates.geometry.iloc[:25], extra, far], ignore_index=True), crs=4326)
    snaps = snap_points(demo_net, pts, mode=mode)
    assert not snaps["snapped"].iloc[-1]
    _check(demo_net, snaps, snaps.iloc[::-1], mode=mode, profile=profile)
    g = _mode_graph(demo_net, mode, profile)
    cg = _contraction(demo_net, g, (mode, "walk" if mode == "walk" else profile))
    removed = np.flatnonzero(cg.core_of < 0)
    nodes = np.concatenate([rng.choice(removed, 25, replace=False), rng.choice(cg.nodes, 10, replace=False)])
    _check(demo_net, nodes, snaps, mode=mode, profile=profile)


def test_demo_chunks_give_the_same_bits(demo_net):
    gates = load_gates(demo_data_dir() / "schools" / "gates.csv").valid.iloc[:40]
    one = travel_time_matrix(demo_net, gates, chunk_size=1)
    many = travel_time_matrix(demo_net, gates)
    np.testing.assert_array_equal(one.travel_s, many.travel_s)
    np.testing.assert_array_equal(one.dist_m, many.dist_m)
    sub = travel_time_matrix(demo_net, gates.iloc[[5, 2]], gates.iloc[[7, 1, 30]])
    np.testing.assert_array_equal(sub.dist_m, many.dist_m[np.ix_([5, 2], [7, 1, 30])])


# --------------------------------------------------------------------------------------
# random small networks
# --------------------------------------------------------------------------------------

road = st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(1, 4), st.sampled_from([0, 0, 0, 1, -1]))
spur = st.tuples(st.booleans(), st.integers(0, 60), st.integers(1, 3), st.booleans())


def _random_network(seed, n_junctions, roads, spurs, ring, island):
    """Junctions joined by roads split into pieces (degree-2 nodes), dead-end spurs, rings, a far island."""
    rng = np.random.default_rng(seed)
    junction = rng.uniform(0, 3000, (n_junctions, 2))
    lines: list[list[tuple[float, float]]] = []
    oneway: list[int] = []
    chain_pts: list[np.ndarray] = []

    def add(points, direction):
        for a, b in itertools.pairwise(points):
            mid = (a + b) / 2 + rng.normal(0, 15, 2)
            lines.append([tuple(a), tuple(mid), tuple(b)])
            oneway.append(direction if rng.random() < 0.8 else int(rng.choice([-1, 0, 1])))

    for a, b, pieces, direction in roads:
        if a % n_junctions == b % n_junctions:
            continue
        pa, pb = junction[a % n_junctions], junction[b % n_junctions]
        inner = [pa + (pb - pa) * k / pieces + rng.normal(0, 80, 2) for k in range(1, pieces)]
        add([pa, *inner, pb], direction)
        chain_pts += inner
    if not lines:
        add([junction[0], junction[1] + 1.0], 0)
    for on_chain, idx, depth, branch in spurs:
        start = chain_pts[idx % len(chain_pts)] if on_chain and chain_pts else junction[idx % n_junctions]
        heading = rng.uniform(0, 2 * np.pi)
        step = 150 * np.array([np.cos(heading), np.sin(heading)])
        pts = [start + k * step + rng.normal(0, 20, 2) for k in range(depth + 1)]
        add(pts, int(rng.choice([0, 0, 1, -1])))
        if branch:
            add([pts[1], pts[1] + rng.normal(0, 120, 2)], int(rng.choice([0, 1, -1])))
    if ring:  # a loop hanging on junction 0
        c = junction[0]
        add([c, c + np.array([200, 30]), c + np.array([260, 240]), c + np.array([20, 210]), c], int(rng.choice([0, 1])))
    if island:  # a ring without any junction, far away
        c = np.array([9000.0, 9000.0])
        add([c, c + np.array([300, 10]), c + np.array([150, 260]), c], 0)
    return network_from_roads(_roads(lines, oneway))


def _random_points(net, rng, k: int) -> gpd.GeoDataFrame:
    segs = rng.choice(net.n_segments, k)
    segs[k // 2 :: 3] = segs[0]  # several points on one piece
    lines = net.edges.geometry.iloc[segs].to_crs(net.metric_crs).to_numpy()
    on = shapely.line_interpolate_point(lines, rng.uniform(0.03, 0.97, k), normalized=True)
    xy = shapely.get_coordinates(on) + rng.uniform(-3, 3, (k, 2))
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries(shapely.points(xy), crs=net.metric_crs).to_crs(4326))


@SETTINGS
@given(
    seed=st.integers(0, 2**16),
    n_junctions=st.integers(2, 8),
    roads=st.lists(road, min_size=1, max_size=10),
    spurs=st.lists(spur, max_size=5),
    ring=st.booleans(),
    island=st.booleans(),
    mode=st.sampled_from(["drive", "drive", "walk"]),
)
def test_random_networks_match_the_full_search(seed, n_junctions, roads, spurs, ring, island, mode):
    net = _random_network(seed, n_junctions, roads, spurs, ring, island)
    rng = np.random.default_rng(seed)
    pts = snap_points(net, _random_points(net, rng, 14), mode=mode)
    _check(net, pts, pts, mode=mode)
    nodes = rng.choice(net.n_nodes, min(net.n_nodes, 12), replace=False)
    _check(net, nodes, pts, mode=mode)
    _check(net, pts, nodes, mode=mode, chunk_size=3)
