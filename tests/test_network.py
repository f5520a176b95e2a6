"""Road network: tiny hand-made graphs with known answers, the demo district, bad input."""

from __future__ import annotations

import itertools
import logging

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely import LineString, MultiLineString, Point

from hutan_geo.demo import demo_data_dir
from hutan_geo.errors import CRSError, EmptyInputError, InputError, NetworkError, NoRouteError
from hutan_geo.io import load_gates, load_roads
from hutan_geo.network import (
    DEFAULT_CONGESTION,
    DistanceService,
    NetworkParams,
    connectivity_report,
    largest_scc,
    network_from_roads,
    service_areas,
    shortest_path,
    snap_points,
    to_networkx,
    travel_time_matrix,
)

UTM = 32649
X0, Y0 = 600_000.0, 3_050_000.0
GEOD = pyproj.Geod(ellps="WGS84")


def _roads(rows: list[dict], crs: int = UTM) -> gpd.GeoDataFrame:
    """Roads given in metres around (X0, Y0), returned in WGS84 (as the loaders give them)."""
    geoms = [
        shapely.affinity.translate(r.pop("geometry"), X0, Y0) if r.get("geometry") is not None else None for r in rows
    ]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs).to_crs(4326)


def _pts(xy: list[tuple[float, float]], index: list[str] | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": index or [f"p{i}" for i in range(len(xy))]},
        geometry=[Point(X0 + x, Y0 + y) for x, y in xy],
        crs=UTM,
    )


@pytest.fixture(scope="module")
def square() -> gpd.GeoDataFrame:
    """A 1 km block A(0,0) B(1000,0) C(1000,1000) D(0,1000): AB one-way A->B, the rest two-way.

    Plus an isolated road 孤立路 3 km east (its own component).
    """
    return _roads(
        [
            {
                "road_id": "AB",
                "name": "学府路",
                "road_class": "local",
                "speed_kph": 30,
                "oneway": True,
                "geometry": LineString([(0, 0), (1000, 0)]),
            },
            {
                "road_id": "BC",
                "name": "人民路",
                "road_class": "arterial",
                "speed_kph": 50,
                "oneway": False,
                "geometry": LineString([(1000, 0), (1000, 1000)]),
            },
            {
                "road_id": "CD",
                "name": "建设路",
                "road_class": "collector",
                "speed_kph": 40,
                "oneway": False,
                "geometry": LineString([(1000, 1000), (0, 1000)]),
            },
            {
                "road_id": "DA",
                "name": "文化街",
                "road_class": "local",
                "speed_kph": 30,
                "oneway": False,
                "geometry": LineString([(0, 1000), (0, 0)]),
            },
            {
                "road_id": "ISO",
                "name": "孤立路",
                "road_class": "local",
                "speed_kph": 30,
                "oneway": False,
                "geometry": LineString([(4000, 0), (4000, 500)]),
            },
        ]
    )


@pytest.fixture(scope="module")
def sq(square: gpd.GeoDataFrame):
    return network_from_roads(square)


def _t(net, road_id: str, profile: str = "am_peak", *, forward: bool = True) -> float:
    e = net.edges
    row = e[(e["road_id"] == road_id) & (e["forward"] == forward)]
    assert len(row) == 1
    return float(row[f"travel_s_{profile}"].iloc[0])


def _node(net, x: float, y: float) -> int:
    d = np.hypot(net.nodes["x"] - (X0 + x), net.nodes["y"] - (Y0 + y))
    assert d.min() < 1e-3
    return int(np.argmin(d.to_numpy()))


# --------------------------------------------------------------------------------------
# tiny graphs with known answers
# --------------------------------------------------------------------------------------


def test_square_structure(sq):
    assert sq.n_nodes == 6
    assert sq.n_segments == 5
    # AB one-way gives one edge, four two-way roads give two each
    assert len(sq.edges) == 9
    assert sq.metric_crs.to_epsg() == UTM
    ab = sq.edges[sq.edges["road_id"] == "AB"]
    assert len(ab) == 1
    assert bool(ab["oneway"].iloc[0])
    assert int(ab["twin"].iloc[0]) == -1
    # geodesic length of a 1000 m UTM line: within the UTM scale factor
    assert ab["length_m"].iloc[0] == pytest.approx(1000.0, rel=1e-3)
    assert sq.edges.crs.to_epsg() == 4326
    assert sq.nodes.crs.to_epsg() == 4326


def test_oneway_forces_detour_twoway_symmetric(sq):
    a, b, c, d = (_node(sq, *p) for p in ((0, 0), (1000, 0), (1000, 1000), (0, 1000)))
    m = travel_time_matrix(sq, [a, b, c], [a, b, c], profile="am_peak")
    t_ab = _t(sq, "AB")
    detour = _t(sq, "BC") + _t(sq, "CD") + _t(sq, "DA")
    assert m.travel_s[0, 1] == pytest.approx(t_ab, abs=1e-6)
    assert m.travel_s[1, 0] == pytest.approx(detour, abs=1e-6)
    assert m.travel_s[1, 0] > m.travel_s[0, 1]
    # two-way: the same both ways
    assert m.travel_s[1, 2] == pytest.approx(m.travel_s[2, 1], abs=1e-9)
    assert m.dist_m[1, 0] == pytest.approx(
        sum(sq.edges.loc[(sq.edges.road_id == r) & sq.edges.forward, "length_m"].iloc[0] for r in ("BC", "CD", "DA")),
        abs=1e-6,
    )
    assert d not in (a, b, c)


def test_snapped_mid_edge_partial_costs_exact(sq):
    # P 300 m along AB (20 m off the road), Q 40 % up BC (15 m off), R far away
    pts = _pts([(300, 20), (1015, 400), (5000, 5000)], ["P", "Q", "R"])
    snaps = snap_points(sq, pts)
    assert snaps["snapped"].tolist() == [True, True, False]
    assert snaps["snap_dist_m"].iloc[0] == pytest.approx(20.0, abs=1e-6)
    assert snaps["fraction"].iloc[0] == pytest.approx(0.3, abs=1e-9)
    assert "limit 150 m" in snaps["reason"].iloc[2]
    assert snaps.geometry.iloc[2] is None
    b = _node(sq, 1000, 0)
    a = _node(sq, 0, 0)
    m = travel_time_matrix(sq, snaps, [a, b])
    t_ab, t_bc, t_cd, t_da = (_t(sq, r) for r in ("AB", "BC", "CD", "DA"))
    assert m.travel_s[0, 1] == pytest.approx(0.7 * t_ab, abs=1e-6)
    # P -> A: AB is one-way, so on to B and round the block
    assert m.travel_s[0, 0] == pytest.approx(0.7 * t_ab + t_bc + t_cd + t_da, abs=1e-6)
    # Q -> B: BC is two-way, back down 40 %
    assert m.travel_s[1, 1] == pytest.approx(0.4 * t_bc, abs=1e-6)
    mq = travel_time_matrix(sq, snaps.iloc[[0]], snaps.iloc[[1]])
    assert mq.travel_s[0, 0] == pytest.approx(0.7 * t_ab + 0.4 * t_bc, abs=1e-6)
    len_ab = sq.edges.loc[sq.edges.road_id == "AB", "length_m"].iloc[0]
    len_bc = sq.edges.loc[(sq.edges.road_id == "BC") & sq.edges.forward, "length_m"].iloc[0]
    assert mq.dist_m[0, 0] == pytest.approx(0.7 * len_ab + 0.4 * len_bc, abs=1e-6)


def test_same_edge_pairs(sq):
    pts = _pts([(200, 5), (600, -5), (1000 + 8, 200), (1000 - 8, 600)], ["P1", "P2", "Q1", "Q2"])
    m = travel_time_matrix(sq, pts, labels="name")
    t_ab, t_bc, t_cd, t_da = (_t(sq, r) for r in ("AB", "BC", "CD", "DA"))
    tt = m.to_frame().set_index(["origin", "destination"])["travel_s"]
    assert tt["P1", "P2"] == pytest.approx(0.4 * t_ab, abs=1e-6)  # along the one-way street
    # against the one-way: on to B, round the block, back in from A
    assert tt["P2", "P1"] == pytest.approx(0.4 * t_ab + t_bc + t_cd + t_da + 0.2 * t_ab, abs=1e-6)
    assert tt["Q2", "Q1"] == pytest.approx(0.4 * t_bc, abs=1e-6)  # two-way: straight back
    assert tt["Q1", "Q2"] == pytest.approx(0.4 * t_bc, abs=1e-6)
    assert tt["P1", "P1"] == 0.0
    p = shortest_path(sq, pts.iloc[[0]], pts.iloc[[1]])
    assert p.nodes == []
    assert len(p.edge_ids) == 1
    assert p.travel_s == pytest.approx(0.4 * t_ab, abs=1e-6)
    back = shortest_path(sq, pts.iloc[[1]], pts.iloc[[0]])
    assert back.travel_s == pytest.approx(tt["P2", "P1"], abs=1e-6)
    assert len(back.nodes) == 4  # B, C, D, A


def test_unreachable_reported_by_name_and_far_point(sq, caplog):
    pts = _pts([(500, 10), (4010, 250), (9000, 9000)], ["第一小学正门", "孤立路小学", "远处幼儿园"])
    with caplog.at_level(logging.WARNING, logger="hutan_geo"):
        m = travel_time_matrix(sq, pts, labels="name")
    assert "farther than 150 m" in caplog.text
    un = m.unreachable
    pairs = set(zip(un["origin"], un["destination"], strict=True))
    assert ("第一小学正门", "孤立路小学") in pairs
    assert ("孤立路小学", "第一小学正门") in pairs
    reason = un.set_index(["origin", "destination"])["reason"]
    assert reason["第一小学正门", "孤立路小学"] == "no_route"
    assert reason["远处幼儿园", "第一小学正门"] == "origin_not_snapped"
    assert reason["第一小学正门", "远处幼儿园"] == "destination_not_snapped"
    assert np.isinf(m.travel_s[0, 1])
    frame = m.to_frame(lang="zh")
    assert not np.isinf(frame["travel_s"]).any()
    row = frame[(frame.origin == "第一小学正门") & (frame.destination == "孤立路小学")].iloc[0]
    assert np.isnan(row["travel_s"])
    assert row["reason"] == "路网中无可达路径"
    assert frame.loc[frame.origin == frame.destination, "travel_s"].iloc[0] == 0.0
    with pytest.raises(NoRouteError, match="connectivity_report"):
        shortest_path(sq, pts.iloc[[0]], pts.iloc[[1]])
    with pytest.raises(NetworkError, match=r"not on the network.*limit 150 m"):
        shortest_path(sq, pts.iloc[[2]], pts.iloc[[0]])


def test_profile_factors_applied_and_overridable(sq, square):
    e = sq.edges
    for profile in ("am_peak", "noon", "pm_peak"):
        for cls in ("local", "arterial", "collector"):
            rows = e[e.road_class == cls]
            factor = DEFAULT_CONGESTION[profile][cls]
            np.testing.assert_allclose(rows[f"travel_s_{profile}"], rows["travel_s_free"] / factor, rtol=1e-12)
    np.testing.assert_allclose(e["travel_s_free"], e["length_m"] / (e["speed_kph"] / 3.6), rtol=1e-12)
    slow = network_from_roads(square, params=NetworkParams(congestion={"am_peak": {"local": 0.25}}))
    ab = slow.edges[slow.edges.road_id == "AB"]
    assert float(ab["travel_s_am_peak"].iloc[0]) == pytest.approx(float(ab["travel_s_free"].iloc[0]) * 4)
    assert _t(slow, "BC") == pytest.approx(_t(sq, "BC"))  # other classes keep their defaults
    a, b = _node(sq, 0, 0), _node(sq, 1000, 0)
    free = travel_time_matrix(sq, [a], [b], profile="free").travel_s[0, 0]
    peak = travel_time_matrix(sq, [a], [b], profile="am_peak").travel_s[0, 0]
    assert peak == pytest.approx(free / DEFAULT_CONGESTION["am_peak"]["local"])


def test_walking_ignores_oneway_and_avoids_national_highways(square):
    shortcut = _roads(
        [
            {
                "road_id": "G",
                "name": "国道",
                "road_class": "national_highway",
                "speed_kph": 80,
                "oneway": False,
                "geometry": LineString([(0, 0), (500, -300), (1000, 0)]),
            },
        ]
    )
    net = network_from_roads(pd.concat([square, shortcut], ignore_index=True))
    a, b = _node(net, 0, 0), _node(net, 1000, 0)
    walk = travel_time_matrix(net, [b], [a], mode="walk")
    ab_len = net.edges.loc[net.edges.road_id == "AB", "length_m"].iloc[0]
    assert walk.travel_s[0, 0] == pytest.approx(ab_len / 1.2, abs=1e-6)  # straight back along the one-way
    assert walk.profile == "walk"
    drive = travel_time_matrix(net, [b], [a], mode="drive", profile="free")
    g_t = net.edges.loc[net.edges.road_id == "G", "travel_s_free"].iloc[0]
    assert drive.travel_s[0, 0] == pytest.approx(g_t, abs=1e-6)  # drivers take the highway back
    p = shortest_path(net, b, a, mode="walk")
    assert p.reversed == [True]
    assert p.edge_ids == [int(net.edges.index[net.edges.road_id == "AB"][0])]
    assert not net.edges.loc[net.edges.road_id == "G", "walkable"].any()
    # a point next to the highway snaps to a walkable road when walking
    near_g = _pts([(500, -290)])
    assert snap_points(net, near_g)["road_name"].iloc[0] == "国道"
    walk_snap = snap_points(net, near_g, mode="walk", max_snap_m=1000)
    assert walk_snap["road_name"].iloc[0] != "国道"
    with pytest.raises(NetworkError, match="snapped for mode 'walk'"):
        travel_time_matrix(net, walk_snap, mode="drive")


def test_shortest_path_geometry_and_nodes(sq):
    pts = _pts([(300, 20), (1015, 400)])
    p = shortest_path(sq, pts.iloc[[0]], pts.iloc[[1]], profile="noon")
    b = _node(sq, 1000, 0)
    assert p.nodes == [b]
    ids = sq.edges.set_index("edge_id")
    assert [ids.loc[e, "road_id"] for e in p.edge_ids] == ["AB", "BC"]
    tr = pyproj.Transformer.from_crs(4326, UTM, always_xy=True)
    xy = np.column_stack(tr.transform(*np.asarray(p.geometry.coords).T))
    np.testing.assert_allclose(xy[0], [X0 + 300, Y0], atol=1e-3)
    np.testing.assert_allclose(xy[-1], [X0 + 1000, Y0 + 400], atol=1e-3)
    m = travel_time_matrix(sq, pts.iloc[[0]], pts.iloc[[1]], profile="noon")
    assert p.travel_s == pytest.approx(m.travel_s[0, 0], abs=1e-9)
    assert p.length_m == pytest.approx(m.dist_m[0, 0], abs=1e-9)
    assert p.length_m == pytest.approx(GEOD.geometry_length(p.geometry), rel=1e-4)
    gdf = p.to_gdf()
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == 1


def test_service_area_partial_edges_and_nesting(sq):
    a = _node(sq, 0, 0)
    half = 0.5 * _t(sq, "AB")
    areas = service_areas(sq, [a], [half, 2 * half], buffer_m=10)
    assert areas["limit_s"].tolist() == [half, 2 * half]
    ab_len = sq.edges.loc[sq.edges.road_id == "AB", "length_m"].iloc[0]
    # from A: half of AB (DA leads into A, but it is two-way, so A also reaches up DA)
    da_t = _t(sq, "DA", forward=False)
    da_len = sq.edges.loc[(sq.edges.road_id == "DA") & sq.edges.forward, "length_m"].iloc[0]
    expected = 0.5 * ab_len + min(1.0, half / da_t) * da_len
    assert areas["road_m"].iloc[0] == pytest.approx(expected, rel=1e-9)
    small, big = areas.geometry.iloc[0], areas.geometry.iloc[1]
    assert big.buffer(1e-7).contains(small)
    # not a hull: the middle of the block is not reached
    mid = gpd.GeoSeries([Point(X0 + 500, Y0 + 500)], crs=UTM).to_crs(4326).iloc[0]
    assert not big.contains(mid)
    assert areas["area_m2"].iloc[0] < areas["area_m2"].iloc[1]


def test_largest_scc_and_report(sq):
    report = connectivity_report(sq)
    assert report["nodes"].tolist() == [4, 2]  # 孤立路 is two-way: its own part of 2 nodes
    assert bool(report["largest"].iloc[0])
    assert "孤立路" not in report["road_names"].iloc[0]
    small = " ".join(report["road_names"].iloc[1:])
    assert "孤立路" in small
    core_net = largest_scc(sq)
    assert core_net.n_nodes == 4
    assert core_net.n_segments == 4
    assert core_net.defaults["outside_largest_scc"] == 1
    assert set(core_net.edges["road_id"]) == {"AB", "BC", "CD", "DA"}


# --------------------------------------------------------------------------------------
# the demo district
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_net():
    return network_from_roads(load_roads(demo_data_dir() / "roads" / "roads.geojson").valid)


@pytest.fixture(scope="module")
def gates():
    return load_gates(demo_data_dir() / "schools" / "gates.csv").valid


def test_demo_network_built_and_connected(demo_net):
    assert demo_net.n_segments == 3577
    assert demo_net.defaults["speed_defaulted"] == 0
    assert demo_net.defaults["unnamed"] == 25
    assert len(demo_net.dropped) == 0
    assert demo_net.metric_crs.to_epsg() == UTM
    oneway = demo_net.edges[demo_net.edges["oneway"]]
    assert len(oneway) == 33
    assert (oneway["twin"] == -1).all()
    report = connectivity_report(demo_net)
    assert len(report) == 1
    assert report["share_nodes"].iloc[0] == 1.0
    assert "路网" in demo_net.summary()
    assert "network" in demo_net.summary("en")


def _split_graph(net, snaps, profile: str) -> tuple[nx.MultiDiGraph, list]:
    """networkx graph of the network with every snapped point inserted as a node on its road piece."""
    g = to_networkx(net, profile=profile)
    e = net.edges
    keys: list = [None] * len(snaps)
    for seg, group in snaps.reset_index(drop=True).groupby("edge_id"):
        seg = int(seg)
        u, v, twin = int(e.at[seg, "u"]), int(e.at[seg, "v"]), int(e.at[seg, "twin"])
        wf = float(e.at[seg, f"travel_s_{profile}"])
        wb = float(e.at[twin, f"travel_s_{profile}"]) if twin >= 0 else None
        ts = sorted(set(group["fraction"]))
        chain = [u, *[("p", seg, t) for t in ts], v]
        fr = [0.0, *ts, 1.0]
        g.remove_edge(u, v, key=seg)
        if twin >= 0:
            g.remove_edge(v, u, key=twin)
        for k in range(len(chain) - 1):
            g.add_edge(chain[k], chain[k + 1], weight=(fr[k + 1] - fr[k]) * wf)
            if wb is not None:
                g.add_edge(chain[k + 1], chain[k], weight=(fr[k + 1] - fr[k]) * wb)
        for i, t in zip(group.index, group["fraction"], strict=True):
            keys[i] = ("p", seg, t)
    return g, keys


def test_demo_gate_matrix_equals_networkx(demo_net, gates):
    sample = gates.iloc[:60]
    snaps = snap_points(demo_net, sample)
    assert snaps["snapped"].all()
    m = travel_time_matrix(demo_net, snaps, profile="pm_peak", chunk_size=17)
    g, keys = _split_graph(demo_net, snaps, "pm_peak")
    rows = [nx.single_source_dijkstra_path_length(g, keys[i], weight="weight") for i in range(60)]
    expected = np.array([[rows[i][keys[j]] for j in range(60)] for i in range(60)])
    np.testing.assert_allclose(m.travel_s, expected, rtol=0, atol=1e-6)
    assert len(m.unreachable) == 0
    # chunking and distance computation do not change the times
    m2 = travel_time_matrix(demo_net, snaps, profile="pm_peak", with_distance=False)
    np.testing.assert_array_equal(m.travel_s, m2.travel_s)
    assert m2.dist_m is None


def test_demo_distances_match_geodesic_path_lengths(demo_net, gates):
    sample = gates.iloc[[0, 7, 19, 33, 52, 70]]
    m = travel_time_matrix(demo_net, sample, profile="am_peak")
    for i in range(len(sample)):
        for j in range(len(sample)):
            if i == j:
                continue
            p = shortest_path(demo_net, sample.iloc[[i]], sample.iloc[[j]], profile="am_peak")
            assert p.travel_s == pytest.approx(m.travel_s[i, j], abs=1e-6)
            assert p.length_m == pytest.approx(m.dist_m[i, j], rel=1e-9)
            geodesic = GEOD.geometry_length(p.geometry)
            assert abs(m.dist_m[i, j] - geodesic) <= 0.005 * geodesic


def test_demo_isochrones_nested(demo_net, gates):
    areas = service_areas(demo_net, gates.iloc[:3], (60, 180, 300), profile="am_peak")
    assert len(areas) == 9
    assert areas["snapped"].all()
    for _, group in areas.groupby("source"):
        geoms = group.sort_values("limit_s").geometry.tolist()
        for small, big in itertools.pairwise(geoms):
            assert small.difference(big).area <= 1e-6 * small.area  # buffer round-off only
            assert big.area > small.area
        assert group["road_m"].is_monotonic_increasing
    dissolved = service_areas(demo_net, gates.iloc[:3], (180,), dissolve=True)
    assert len(dissolved) == 1
    assert dissolved["source"].iloc[0] == "all"
    union = shapely.union_all(areas[areas.limit_s == 180].geometry.to_numpy())
    assert abs(dissolved.geometry.iloc[0].area - union.area) <= 0.01 * union.area
    walk = service_areas(demo_net, gates.iloc[:1], (300,), mode="walk")
    drive = areas[(areas.limit_s == 300)].iloc[0]
    assert walk["road_m"].iloc[0] < drive["road_m"]


def test_snap_points_any_crs_same_result(demo_net, gates):
    a = snap_points(demo_net, gates.iloc[:10])
    b = snap_points(demo_net, gates.iloc[:10].to_crs(3857))
    c = snap_points(demo_net, [(p.x, p.y) for p in gates.geometry.iloc[:10]])
    np.testing.assert_allclose(a["snap_dist_m"], b["snap_dist_m"], atol=1e-6)
    np.testing.assert_array_equal(a["edge_id"].to_numpy(), c["edge_id"].to_numpy())
    assert a.index.equals(gates.index[:10])


# --------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------


def test_empty_roads():
    with pytest.raises(EmptyInputError, match="empty"):
        network_from_roads(gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326))
    with pytest.raises(InputError, match="GeoDataFrame"):
        network_from_roads(pd.DataFrame({"name": ["x"]}))


def test_crs_problems(square):
    no_crs = square.copy().set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match=r"no CRS.*set_crs\(4326\)"):
        network_from_roads(no_crs)
    metres_as_degrees = square.to_crs(UTM).set_crs(4326, allow_override=True)
    with pytest.raises(CRSError, match="look like metres"):
        network_from_roads(metres_as_degrees)
    degrees_as_metres = square.set_crs(UTM, allow_override=True)
    with pytest.raises(CRSError, match="longitude/latitude"):
        network_from_roads(degrees_as_metres)
    with pytest.raises(CRSError, match="metric_crs must be a projected CRS in metres; got EPSG:4326"):
        network_from_roads(square, metric_crs=4326)
    net = network_from_roads(square, metric_crs="EPSG:32650")  # another metric CRS is allowed
    assert net.metric_crs.to_epsg() == 32650
    pts = _pts([(300, 20)]).set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match="points has no CRS"):
        snap_points(net, pts)


def test_defaults_counted_and_bad_geometries():
    with np.errstate(invalid="ignore"):  # shapely warns when it builds a line with a NaN vertex
        nan_line = shapely.linestrings([(900, 0), (950, np.nan), (900, 300)], handle_nan="allow")
    rows = [
        {
            "road_id": "ok",
            "name": "甲路",
            "road_class": "arterial",
            "speed_kph": 50,
            "oneway": 0,
            "geometry": LineString([(0, 0), (500, 0)]),
        },
        {
            "road_id": "nospeed",
            "name": None,
            "road_class": "collector",
            "speed_kph": None,
            "oneway": None,
            "geometry": LineString([(500, 0), (500, 500)]),
        },
        {
            "road_id": "unknown",
            "name": "乙路",
            "road_class": "花园小径",
            "speed_kph": 20,
            "oneway": 0,
            "geometry": LineString([(500, 500), (0, 500)]),
        },
        {
            "road_id": "multi",
            "name": "丙路",
            "road_class": "local",
            "speed_kph": 30,
            "oneway": 0,
            "geometry": MultiLineString([[(0, 500), (0, 0)], [(500, 0), (900, 0)]]),
        },
        {
            "road_id": "zero",
            "name": "丁路",
            "road_class": "local",
            "speed_kph": 30,
            "oneway": 0,
            "geometry": LineString([(900, 0), (900, 0)]),
        },
        {"road_id": "nan", "name": "戊路", "road_class": "local", "speed_kph": 30, "oneway": 0, "geometry": nan_line},
        {
            "road_id": "point",
            "name": "己路",
            "road_class": "local",
            "speed_kph": 30,
            "oneway": 0,
            "geometry": Point(5, 5),
        },
        {"road_id": "none", "name": "庚路", "road_class": "local", "speed_kph": 30, "oneway": 0, "geometry": None},
        {
            "road_id": "rev",
            "name": "辛路",
            "road_class": "local",
            "speed_kph": 30,
            "oneway": -1,
            "geometry": LineString([(900, 300), (900, 600)]),
        },
    ]
    net = network_from_roads(_roads(rows))
    d = net.defaults
    assert d["roads"] == 9
    assert d["speed_defaulted"] == 1
    assert d["unnamed"] == 1
    assert d["class_defaulted"] == 1
    assert d["oneway_missing"] == 1
    assert d["multipart_split"] == 1
    assert d["geometry_repaired"] == 1
    assert d["zero_length_dropped"] == 1
    assert d["geometry_dropped"] == 2
    dropped = net.dropped.set_index("road_id")["reason"]
    assert set(dropped.index) == {"zero", "point", "none"}
    assert "not a line (Point)" in dropped["point"]
    e = net.edges.set_index("road_id")
    assert e.loc["nospeed", "speed_kph"].tolist() == [40.0, 40.0]  # collector default, two-way
    assert set(e.loc["unknown", "road_class"]) == {"local"}
    assert len(net.edges[net.edges.road_id == "multi"]) == 4  # two parts, two directions each
    # oneway = -1: one edge, running against the digitised direction (600 -> 300)
    rev = net.edges[net.edges.road_id == "rev"]
    assert len(rev) == 1
    y = np.asarray(rev.to_crs(UTM).geometry.iloc[0].coords)[:, 1]
    assert y[0] > y[-1]


def test_lines_split_at_shared_vertices():
    # a cross drawn as two long lines sharing their middle vertex: four pieces, one junction
    rows = [
        {"road_id": "h", "name": "横路", "geometry": LineString([(0, 0), (500, 0), (1000, 0)])},
        {"road_id": "v", "name": "纵路", "geometry": LineString([(500, -500), (500, 0), (500, 500)])},
        {"road_id": "bridge", "name": "桥", "geometry": LineString([(200, -300), (200, 300)])},  # crosses h, no vertex
    ]
    net = network_from_roads(_roads(rows))
    assert net.n_segments == 5
    assert net.defaults["class_defaulted"] == 3
    assert net.defaults["speed_defaulted"] == 3
    report = connectivity_report(net)
    assert report["nodes"].tolist() == [5, 2]
    assert "桥" in report["road_names"].iloc[1]


def test_params_validation():
    with pytest.raises(InputError, match="unknown profile 'rush'"):
        NetworkParams(congestion={"rush": {"local": 0.5}})
    with pytest.raises(InputError, match="unknown road class 'footpath'"):
        NetworkParams(speed_kph={"footpath": 5})
    with pytest.raises(InputError, match=r"speed_kph\['local'\] must be a number above 0"):
        NetworkParams(speed_kph={"local": -3})
    with pytest.raises(InputError, match="max_snap_m must be a number above 0"):
        NetworkParams(max_snap_m=0)
    with pytest.raises(InputError, match="walk_excluded must be a tuple"):
        NetworkParams(walk_excluded="national_highway")
    p = NetworkParams(speed_kph={"secondary": 45})
    assert p.speed_kph["arterial"] == 45.0


def test_bad_requests(sq):
    with pytest.raises(NetworkError, match="profile must be one of free, am_peak, noon, pm_peak; got 'rush'"):
        travel_time_matrix(sq, [0], profile="rush")
    with pytest.raises(NetworkError, match="mode must be one of drive, walk"):
        travel_time_matrix(sq, [0], mode="bike")
    with pytest.raises(NetworkError, match=r"outside 0\.\.5"):
        travel_time_matrix(sq, [0, 99])
    with pytest.raises(InputError, match="labels='nom' is not a column"):
        travel_time_matrix(sq, _pts([(10, 0)]), labels="nom")
    with pytest.raises(InputError, match="limits_s"):
        service_areas(sq, [0], [])


# --------------------------------------------------------------------------------------
# the distance service
# --------------------------------------------------------------------------------------


def test_distance_service_matches_travel_time_matrix(demo_net, gates, monkeypatch):
    import hutan_geo.network.distance as distance_mod

    calls: list[str] = []
    real = distance_mod.snap_points

    def counting(net, points, **kw):
        calls.append(kw.get("mode", "drive"))
        return real(net, points, **kw)

    monkeypatch.setattr(distance_mod, "snap_points", counting)
    service = DistanceService(demo_net)
    assert service.net is demo_net
    sample = gates.iloc[:12]
    service.add("gates", sample)
    service.add("other", gates.iloc[12:20].geometry)
    full = travel_time_matrix(demo_net, sample, gates.iloc[12:20], profile="pm_peak")
    m = service.matrix("gates", "other", profile="pm_peak", with_distance=True)
    np.testing.assert_array_equal(m.travel_s, full.travel_s)
    np.testing.assert_array_equal(m.dist_m, full.dist_m)
    assert service.matrix("gates", profile="pm_peak").dist_m is None
    sub = service.matrix("gates", "other", profile="pm_peak", origin_rows=[3, 1], destination_rows=[0, 5, 2])
    np.testing.assert_array_equal(sub.travel_s, full.travel_s[np.ix_([3, 1], [0, 5, 2])])
    assert list(sub.origins) == [3, 1]
    walk = service.matrix("gates", mode="walk", origin_rows=[0, 4])
    np.testing.assert_array_equal(
        walk.travel_s, travel_time_matrix(demo_net, sample.iloc[[0, 4]], mode="walk", with_distance=False).travel_s
    )
    # pair distances: chunked, both directions
    free_ab = travel_time_matrix(demo_net, sample, gates.iloc[12:20], profile="free")
    free_ba = travel_time_matrix(demo_net, gates.iloc[12:20], sample, profile="free")
    oi = np.array([0, 0, 5, 11, 7, 5, 2])
    di = np.array([1, 7, 7, 0, 3, 2, 2])
    one = service.pair_distances("gates", oi, "other", di, chunk=2)
    np.testing.assert_array_equal(one, free_ab.dist_m[oi, di])
    both = service.pair_distances("gates", oi, "other", di, both_directions=True, chunk=3)
    np.testing.assert_array_equal(both, np.fmin(free_ab.dist_m[oi, di], free_ba.dist_m[di, oi]))
    assert len(service.pair_distances("gates", [], "other", [])) == 0
    # each (set, mode) snapped once; re-adding a set drops its snaps
    assert sorted(calls) == ["drive", "drive", "walk"]
    assert service.snaps("gates") is service.snaps("gates")
    service.add("gates", sample.iloc[:2])
    assert service.snaps("gates").index.tolist() == [0, 1]
    assert len(calls) == 4


def test_distance_service_bad_requests(sq):
    service = DistanceService(sq)
    with pytest.raises(InputError, match="no point set named 'gates'"):
        service.snaps("gates")
    with pytest.raises(InputError, match="must be a GeoDataFrame or GeoSeries"):
        service.add("gates", [(113.3, 27.6)])
    with pytest.raises(CRSError, match="gates has no CRS"):
        service.add("gates", gpd.GeoSeries([Point(0, 0)]))
    service.add("gates", _pts([(0, 0), (500, 0)]))
    with pytest.raises(InputError, match=r"positions \[2\] are outside 0\.\.1"):
        service.matrix("gates", origin_rows=[0, 2])
    with pytest.raises(InputError, match="same length"):
        service.pair_distances("gates", [0, 1], "gates", [0])
    with pytest.raises(InputError, match="must be a RoadNetwork"):
        DistanceService("net")
