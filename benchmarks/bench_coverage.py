"""Guard-post siting at scale: 1,000 gates x 2,000 candidate sites, MCLP (p = 50) and LSCP.

Solve time and covered demand of spopt's models through PuLP with CBC and
with HiGHS, against a greedy heuristic in the same run. The matrix is
synthetic but road-like: gates and sites uniform in a 20 x 20 km district,
travel time = Manhattan distance at 25 km/h times a random detour factor
1.0-1.4 (seed 12), limit 3 min; weights are enrolments 50-3000. Each solve is
checked against the matrix (hutan_geo.analysis.coverage.check_siting).

    .venv/bin/python benchmarks/bench_coverage.py            # full size
    .venv/bin/python benchmarks/bench_coverage.py 300 600 15  # gates, sites, p
"""

from __future__ import annotations

import sys
import time

import numpy as np

from hutan_geo.analysis.coverage import check_siting, solve_lscp, solve_mclp


def synthetic(n_gates: int, n_sites: int, seed: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    g = rng.uniform(0, 20_000, (n_gates, 2))
    s = rng.uniform(0, 20_000, (n_sites, 2))
    manhattan = np.abs(g[:, None, 0] - s[None, :, 0]) + np.abs(g[:, None, 1] - s[None, :, 1])
    cost = manhattan / (25 / 3.6) * rng.uniform(1.0, 1.4, (n_gates, n_sites))
    return cost, rng.integers(50, 3000, n_gates).astype(float)


def greedy_mclp(cost: np.ndarray, w: np.ndarray, limit: float, p: int) -> list[int]:
    a = cost <= limit
    covered = np.zeros(len(w), dtype=bool)
    chosen: list[int] = []
    for _ in range(p):
        gain = (a & ~covered[:, None]).T.astype(float) @ w
        gain[chosen] = -1
        j = int(np.argmax(gain))
        chosen.append(j)
        covered |= a[:, j]
    return chosen


def greedy_lscp(cost: np.ndarray, limit: float) -> list[int]:
    a = cost <= limit
    need = a.any(axis=1)
    covered = ~need
    chosen: list[int] = []
    while not covered.all():
        j = int(np.argmax((a & ~covered[:, None]).sum(axis=0)))
        chosen.append(j)
        covered |= a[:, j]
    return chosen


def main() -> None:
    n_gates, n_sites, p = (int(v) for v in (sys.argv[1:4] if len(sys.argv) >= 4 else (1000, 2000, 50)))
    limit = 180.0
    cost, w = synthetic(n_gates, n_sites)
    print(f"{n_gates} gates x {n_sites} sites, limit {limit / 60:g} min, p = {p}")
    print(f"sites reaching a gate in time: mean {np.mean((cost <= limit).sum(axis=1)):.1f} per gate")
    t = time.perf_counter()
    g = greedy_mclp(cost, w, limit, p)
    t_g = time.perf_counter() - t
    wg = check_siting(cost, g, limit, weights=w).weight
    t = time.perf_counter()
    gl = greedy_lscp(cost, limit)
    t_gl = time.perf_counter() - t
    print(f"greedy MCLP: {t_g:7.2f} s  covered {wg:12.0f} ({wg / w.sum():.2%})")
    print(f"greedy LSCP: {t_gl:7.2f} s  {len(gl)} sites")
    times = {}
    for solver in ("cbc", "highs"):
        t = time.perf_counter()
        m = solve_mclp(cost, w, limit, p, solver=solver)
        t_m = time.perf_counter() - t
        t = time.perf_counter()
        ls = solve_lscp(cost, limit, solver=solver, uncoverable="skip")
        t_l = time.perf_counter() - t
        times[solver] = (t_m, t_l)
        print(
            f"{solver:5s} MCLP: {t_m:7.2f} s  covered {m.weight:12.0f} ({m.share:.2%}), "
            f"+{(m.weight - wg) / wg:.2%} over greedy"
        )
        print(f"{solver:5s} LSCP: {t_l:7.2f} s  {ls.n_sites} sites (greedy {len(gl)})")
    fast = min(times, key=lambda s: sum(times[s]))
    slow = max(times, key=lambda s: sum(times[s]))
    print(
        f"faster: {fast}, {sum(times[slow]) / sum(times[fast]):.1f}x "
        f"({sum(times[fast]):.1f} s vs {sum(times[slow]):.1f} s) "
        f"[MCLP {times[slow][0] / times[fast][0]:.1f}x, LSCP {times[slow][1] / times[fast][1]:.1f}x]"
    )


if __name__ == "__main__":
    main()
