"""Travel-time matrix: ours against networkx and bare scipy, same network, same run.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/bench_matrix.py                 # 317 x 317 grid: 100,489 nodes, 1000 x 1000
    .venv/bin/python benchmarks/bench_matrix.py --side 100 --n 200 --nx-sources 20   # quick look

The network is a jittered street grid of ``side x side`` junctions about 100 m
apart (so ``side=317`` gives 100,489 nodes and 200,344 road pieces), built as a
road layer and passed through :func:`hutan_geo.network.network_from_roads`:
every 10th street an arterial, every 5th a collector, the rest local streets,
every 7th local street one-way (alternating directions). Sources and targets
are ``--n`` random nodes (seed 7); for the point runs, random points 5-40 m off
random road pieces.

Timed, in one process:

(a) networkx: ``single_source_dijkstra_path_length`` per source on the same
    directed graph, ``--nx-sources`` sources, extrapolated to ``--n``;
(b) bare scipy: ``scipy.sparse.csgraph.dijkstra(csr, indices=sources)`` on the
    CSR arrays of the same graph (travel times only, full rows returned);
(c) ours: :func:`hutan_geo.network.travel_time_matrix` end to end, node
    origins, without and with distances along the fastest path; then with
    point origins/destinations (snapping included, timed separately).

Every result is checked against (b) (and (a) on its sources) before the
ratios are printed. Times are CPU seconds of this process
(``time.process_time``): every code path timed is single-threaded (scipy's
Dijkstra, numpy, networkx), and CPU time is not inflated when other processes
share the machine, as wall time is; the wall time of each run is printed too.
(b) and (c) run ``--repeat`` times, interleaved, and the fastest round of each
is reported.
"""

from __future__ import annotations

import argparse
import platform
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo.network import network_from_roads, snap_points, to_networkx, travel_time_matrix

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
                if horizontal:
                    a, b = (k, j), (k, j + 1)
                else:
                    a, b = (j, k), (j + 1, k)
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


def timed(fn, *args, **kwargs):
    """Run ``fn``; return its result and the CPU seconds of this process (see the module docstring)."""
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn(*args, **kwargs)
    WALL.append(time.perf_counter() - w0)
    return out, time.process_time() - c0


WALL: list[float] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--side", type=int, default=317, help="grid side (317 -> 100,489 nodes)")
    parser.add_argument("--n", type=int, default=1000, help="sources = targets")
    parser.add_argument("--nx-sources", type=int, default=50, help="networkx sources timed (extrapolated)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=2, help="interleaved rounds; the fastest of each is reported")
    args = parser.parse_args()

    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    roads, t_roads = timed(grid_roads, args.side)
    net, t_build = timed(network_from_roads, roads)
    print(f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores; python {platform.python_version()}")
    print(f"network: {net.n_nodes:,} nodes, {len(net.edges):,} directed edges")
    print(f"         (road layer {t_roads:.1f} s, network_from_roads {t_build:.1f} s)")
    rng = np.random.default_rng(args.seed)
    nodes = np.sort(rng.choice(net.n_nodes, size=args.n, replace=False))

    # the same CSR arrays as ours, handed to bare scipy
    e = net.edges
    csr = csr_matrix(
        (e[f"travel_s_{PROFILE}"].to_numpy(), (e["u"].to_numpy(), e["v"].to_numpy())), shape=(net.n_nodes,) * 2
    )
    # points off the roads: snapping, virtual origin nodes, exact partial edges
    segs = rng.choice(net.n_segments, size=args.n, replace=False)
    lines = net.edges.geometry.iloc[segs].to_crs(net.metric_crs).to_numpy()  # forward edges come first
    on = shapely.line_interpolate_point(lines, rng.uniform(0.05, 0.95, args.n), normalized=True)
    xy = shapely.get_coordinates(on) + rng.uniform(5, 40, (args.n, 2)) * rng.choice([-1, 1], (args.n, 2))
    pts = gpd.GeoSeries(shapely.points(xy), crs=net.metric_crs)

    # warm the cached CSR, as a planner's session would after the first call
    travel_time_matrix(net, nodes[:2], nodes[:2], profile=PROFILE, with_distance=False)
    runs = {
        "b": lambda: dijkstra(csr, directed=True, indices=nodes),
        "nodes": lambda: travel_time_matrix(net, nodes, nodes, profile=PROFILE, with_distance=False),
        "nodes+dist": lambda: travel_time_matrix(net, nodes, nodes, profile=PROFILE, with_distance=True),
        "snap": lambda: snap_points(net, pts),
    }
    best = dict.fromkeys([*runs, "points", "points+dist"], np.inf)
    ref = None
    for r in range(args.repeat):  # interleaved, so that load from other processes hits every variant alike
        for name, fn in runs.items():
            out, t = timed(fn)
            best[name] = min(best[name], t)
            if name == "b":
                ref = out[:, nodes]
                del out
            elif name == "snap":
                snaps = out
            else:
                assert np.allclose(out.travel_s, ref, rtol=0, atol=1e-6), f"ours ({name}) differs from scipy"
        m2, t = timed(travel_time_matrix, net, snaps, snaps, profile=PROFILE, with_distance=False)
        best["points"] = min(best["points"], t)
        m3, t = timed(travel_time_matrix, net, snaps, snaps, profile=PROFILE, with_distance=True)
        best["points+dist"] = min(best["points+dist"], t)
        assert np.array_equal(m2.travel_s, m3.travel_s)
        print(f"round {r + 1}/{args.repeat}, CPU s so far: " + ", ".join(f"{k} {v:.2f}" for k, v in best.items()))
        print(f"    wall s of this round's runs: {', '.join(f'{w:.2f}' for w in WALL[-6:])}", flush=True)
    t_b = best["b"]
    print("CPU seconds, fastest round:")
    print(f"(b) bare scipy csgraph.dijkstra, {args.n} sources, full rows: {t_b:.2f} s")
    print(f"(c) ours, node origins, times only:      {best['nodes']:.2f} s  ({best['nodes'] / t_b:.2f} x (b))")
    print(
        f"(c) ours, node origins, times + dist_m:  {best['nodes+dist']:.2f} s  ({best['nodes+dist'] / t_b:.2f} x (b))"
    )
    print(f"    snapping {args.n} points: {best['snap']:.2f} s")
    print(f"(c) ours, point origins, times only:     {best['points']:.2f} s  ({best['points'] / t_b:.2f} x (b))")
    print(
        f"(c) ours, point origins, times + dist_m: {best['points+dist']:.2f} s  ({best['points+dist'] / t_b:.2f} x (b))"
    )
    t_c0, t_c1, t_c2, t_c3, t_snap = (best[k] for k in ("nodes", "nodes+dist", "points", "points+dist", "snap"))

    import networkx as nx

    graph, t_graph = timed(to_networkx, net, profile=PROFILE)
    k = min(args.nx_sources, args.n)
    t0 = time.process_time()
    for i in range(k):
        lengths = nx.single_source_dijkstra_path_length(graph, int(nodes[i]), weight="weight")
        got = np.array([lengths.get(int(j), np.inf) for j in nodes])
        assert np.allclose(got, ref[i], rtol=0, atol=1e-6), "networkx differs from scipy"
    t_a_k = time.process_time() - t0
    t_a = t_a_k * args.n / k
    print(f"(a) networkx per-source loop: {t_a_k:.2f} s for {k} sources -> {t_a:.1f} s extrapolated to {args.n}")
    print(f"    (building the networkx graph: {t_graph:.1f} s, not counted)")
    print()
    print("ratios (same run):")
    print(f"  (a)/(b) networkx / bare scipy        = {t_a / t_b:.1f}")
    print(f"  ours/(b), node origins, times only   = {t_c0 / t_b:.2f}")
    print(f"  ours/(b), node origins, with dist_m  = {t_c1 / t_b:.2f}")
    print(f"  ours/(b), points, times only (+snap) = {t_c2 / t_b:.2f} ({(t_c2 + t_snap) / t_b:.2f})")
    print(f"  ours/(b), points, with dist_m (+snap)= {t_c3 / t_b:.2f} ({(t_c3 + t_snap) / t_b:.2f})")
    print(f"  (a)/ours, node origins, with dist_m  = {t_a / t_c1:.1f}")
    print("results identical to bare scipy (1e-6 s) and to networkx on its sources: yes")


if __name__ == "__main__":
    main()
