"""50,000 hazards on one map: our offline map vs ``GeoDataFrame.explore()``, same points, same run.

Run by hand (not in CI; needs Chromium, the offline assets, and ``pip install mapclassify``
for ``explore()``)::

    .venv/bin/python benchmarks/bench_map.py --points 50000

Both maps are written as self-contained offline HTML (explore()'s CDN links are inlined
with the same asset cache, so neither page touches the network) and opened in headless
Chromium with every non-file request refused.

- **HTML size**: bytes of each file.
- **Time to first render**: ``performance.now()`` (ms since navigation start, so reading and
  parsing the file are included) at the first animation frame -- the frame the browser then
  paints -- in which all N points are drawn: ours, the canvas layers report N points drawn;
  explore(), N ``path.leaflet-interactive`` elements (its SVG circle markers) are in the
  DOM. A watcher injected before the page's scripts checks this on every frame.
- **Same fields on click**: a real mouse click on one hazard at zoom 18 in each map; the
  popup must show all ten fields of that hazard (id, category, description, address,
  severity, status, department, school, found date, deadline).

Our map is loaded once to warm Chromium up, then ``--repeat`` times (median); explore()'s
``--explore-repeat`` times (default 1: it takes tens of seconds). Prints both figures and the
ratios explore / ours (goal: >= 5x smaller, >= 20x faster).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo.demo import load_demo
from hutan_geo.export.browser import open_page
from hutan_geo.export.offline import inline_html
from hutan_geo.maps import add_hazards, base_map, export_html
from hutan_geo.model.schema import CATEGORIES, SEVERITIES, STATUSES, label


def make_hazards(n: int, seed: int = 11) -> gpd.GeoDataFrame:
    """N hazards at random places inside the demo county, with fields drawn from the demo register."""
    rng = np.random.default_rng(seed)
    demo = load_demo()
    county = demo.district.geometry.iloc[0]
    x0, y0, x1, y1 = county.bounds
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    while sum(map(len, xs)) < n:
        x = rng.uniform(x0, x1, n)
        y = rng.uniform(y0, y1, n)
        inside = shapely.contains_xy(county, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
    lon = np.concatenate(xs)[:n]
    lat = np.concatenate(ys)[:n]
    source = demo.hazards
    roads = sorted({r for r in demo.roads["name"].dropna() if r})
    road_pick = rng.integers(0, len(roads), n)
    houses = rng.integers(1, 600, n)
    found = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    frame = pd.DataFrame(
        {
            "hazard_id": [f"YH{i:07d}" for i in range(n)],
            "category": rng.choice(list(CATEGORIES.codes), n, p=[0.4, 0.3, 0.15, 0.1, 0.05]),
            "description": rng.choice(source["description"].dropna().unique(), n),
            "address": [f"{roads[r]}{h}号" for r, h in zip(road_pick, houses, strict=True)],
            "severity": rng.choice(list(SEVERITIES.codes), n),
            "status": rng.choice(list(STATUSES.codes), n),
            "department": rng.choice(source["department"].dropna().unique(), n),
            "school_name": rng.choice(demo.schools["name"].unique(), n),
            "found_date": found,
            "deadline": found + pd.to_timedelta(30, unit="D"),
        }
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def display_frame(hazards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The same ten fields as our popup shows, with the same Chinese labels, for explore()."""
    out = pd.DataFrame(
        {
            "隐患编号": hazards["hazard_id"],
            "隐患类别": [label(CATEGORIES, c) for c in hazards["category"]],
            "隐患描述": hazards["description"],
            "地址": hazards["address"],
            "严重程度": [label(SEVERITIES, c) for c in hazards["severity"]],
            "整改状态": [label(STATUSES, c) for c in hazards["status"]],
            "责任单位": hazards["department"],
            "关联学校": hazards["school_name"],
            "发现日期": hazards["found_date"].dt.strftime("%Y-%m-%d"),
            "整改期限": hazards["deadline"].dt.strftime("%Y-%m-%d"),
        }
    )
    return gpd.GeoDataFrame(out, geometry=hazards.geometry.to_numpy(), crs=4326)


OURS_DRAWN = "() => (window.__hutan ? window.__hutan.layers.reduce((s, l) => s + (l.drawn || 0), 0) : 0)"
EXPLORE_DRAWN = "() => document.querySelectorAll('path.leaflet-interactive').length"
NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"

# Runs before the page's own scripts: on every animation frame, until all n points are drawn.
# rAF callbacks run only when the main thread is free, right before the browser paints, so the
# time recorded is that of the first frame painted with every point drawn.
FRAME_WATCH = """
window.__firstRender = null;
(function watch() {
  requestAnimationFrame(function () {
    try { if ((%(drawn)s)() >= %(n)d) { window.__firstRender = performance.now(); return; } } catch (e) {}
    watch();
  });
})();
"""


def first_render(path: Path, drawn_js: str, n: int, timeout_s: float) -> tuple[float, list[str]]:
    """Open a page with the network blocked; ms from navigation start to the first frame with all n points drawn."""
    script = FRAME_WATCH % {"drawn": drawn_js, "n": n}
    with open_page(path, width=1280, height=800, timeout_s=timeout_s, init_script=script) as run:
        run.page.wait_for_function("() => window.__firstRender !== null", timeout=timeout_s * 1000, polling=200)
        ms = float(run.page.evaluate("() => window.__firstRender"))
        problems = [f"blocked {u}" for u in run.blocked] + run.console_errors
    return ms, problems


def click_fields(path: Path, kind: str, point: tuple[float, float], timeout_s: float) -> str:
    """Zoom to one point, click it with the mouse, return the popup's text."""
    lon, lat = point
    with open_page(path, width=1000, height=700, timeout_s=timeout_s) as run:
        page = run.page
        draw_js = OURS_DRAWN if kind == "ours" else EXPLORE_DRAWN
        page.wait_for_function(f"() => ({draw_js})() > 0", timeout=timeout_s * 1000, polling=100)
        xy = page.evaluate(
            """([lat, lon]) => {
                const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
                    .find(v => v instanceof L.Map);
                map.setView([lat, lon], 18, {animate: false});
                const p = map.latLngToContainerPoint([lat, lon]);
                const r = map.getContainer().getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            [lat, lon],
        )
        page.evaluate(NEXT_FRAME)
        page.mouse.click(xy[0], xy[1])
        page.wait_for_selector(".leaflet-popup-content", timeout=timeout_s * 1000)
        return page.inner_text(".leaflet-popup-content")


def fields_present(text: str, row: pd.Series) -> list[str]:
    """The fields of ``row`` (a row of :func:`display_frame`) whose value is missing from the popup text."""
    return [f for f in row.index if f != "geometry" and str(row[f]) not in text]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed for explore() to render")
    parser.add_argument("--keep", default=None, help="folder to keep the two HTML files in")
    parser.add_argument("--repeat", type=int, default=3, help="page loads of our map (median reported)")
    parser.add_argument("--explore-repeat", type=int, default=1, help="page loads of the explore() map")
    args = parser.parse_args()
    n = args.points

    hazards = make_hazards(n)
    shown = display_frame(hazards)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-map-"))
    folder.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    ours_map = add_hazards(hazards, base_map(tuple(hazards.total_bounds)))
    ours_path = export_html(ours_map, folder / "ours.html")
    ours_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    explore_map = shown.explore(column="隐患类别", tooltip=["隐患编号", "隐患描述"], popup=True, tiles=None)
    explore_path = folder / "explore.html"
    explore_path.write_text(inline_html(explore_map.get_root().render()), encoding="utf-8")
    explore_build = time.perf_counter() - t0

    # warm-up: the first page a fresh Chromium opens pays for font and code caches
    first_render(ours_path, OURS_DRAWN, n, args.timeout)
    ours_runs = [first_render(ours_path, OURS_DRAWN, n, args.timeout) for _ in range(args.repeat)]
    explore_runs = [first_render(explore_path, EXPLORE_DRAWN, n, args.timeout) for _ in range(args.explore_repeat)]
    ours_ms = float(np.median([ms for ms, _ in ours_runs]))
    explore_ms = float(np.median([ms for ms, _ in explore_runs]))
    ours_problems = [p for _, probs in ours_runs for p in probs]
    explore_problems = [p for _, probs in explore_runs for p in probs]

    point = (float(hazards.geometry.x.iloc[0]), float(hazards.geometry.y.iloc[0]))
    results = {}
    for kind, path in (("ours", ours_path), ("explore", explore_path)):
        text = click_fields(path, kind, point, args.timeout)
        ids = [i for i in shown["隐患编号"] if i in text]
        row = shown.set_index("隐患编号", drop=False).loc[ids[0]] if ids else None
        results[kind] = "no hazard id in the popup" if row is None else (fields_present(text, row) or "all 10 fields")

    ours_mb = os.path.getsize(ours_path) / 1e6
    explore_mb = os.path.getsize(explore_path) / 1e6
    report = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "points": n,
        "ours": {
            "html_MB": round(ours_mb, 2),
            "first_render_s": round(ours_ms / 1000, 2),
            "runs_s": [round(ms / 1000, 2) for ms, _ in ours_runs],
            "build_s": round(ours_build, 1),
        },
        "explore": {
            "html_MB": round(explore_mb, 2),
            "first_render_s": round(explore_ms / 1000, 2),
            "runs_s": [round(ms / 1000, 2) for ms, _ in explore_runs],
            "build_s": round(explore_build, 1),
        },
        "ratio_size": round(explore_mb / ours_mb, 1),
        "ratio_first_render": round(explore_ms / ours_ms, 1),
        "fields_on_click": results,
        "problems": {"ours": ours_problems[:3], "explore": explore_problems[:3]},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
