"""Maps in a real headless Chromium with the network blocked: offline demo map, hostile text, PNG export.

Skipped with the reason when Chromium, Playwright or the offline assets are absent;
``make test`` installs all three first, so CI runs these.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hutan_geo.demo import load_demo
from hutan_geo.export.browser import chromium_path, open_page, wait_for_map
from hutan_geo.maps import (
    add_boundaries,
    add_category_legend,
    add_coverage,
    add_hazards,
    add_isochrones,
    add_layer_control,
    add_map_controls,
    add_patrol_routes,
    add_roads,
    add_schools,
    add_stations,
    add_zones,
    base_map,
    export_html,
    export_png,
    overview_map,
)

pytestmark = pytest.mark.browser

#: Each payload would set window.__pwned (and open a dialog) if it ever ran.
HOSTILE = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    "${window.__pwned=3}${alert(3)}",
    "`+(window.__pwned=4)+alert(4)+`",
    "\\`;window.__pwned=5;alert(5);//",
    "javascript:window.__pwned=6;alert(6)",
    '"\'><svg onload="window.__pwned=7;alert(7)">',
    "</script><script>window.__pwned=8</script>",
    "'};window.__pwned=9;//",
    "{{ 7*7 }}{% raw %}&lt;b&gt;",
]


@pytest.fixture(scope="module")
def browser_ready(offline_assets):
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (run scripts/install_browser.sh; make test does)")
    pytest.importorskip("playwright", reason="Playwright for Python is not installed (pip install playwright)")
    return offline_assets


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def _png_pixels(path) -> np.ndarray:
    """Decode an 8-bit RGB(A) PNG (what Chromium writes) without extra dependencies."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, width, height, channels = 8, [], 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8)
    stride = width * channels
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        ftype, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = (line + prev) % 256
        else:
            for x in range(stride):
                left = cur[x - channels] if x >= channels else 0
                up = prev[x]
                ul = prev[x - channels] if x >= channels else 0
                if ftype == 1:
                    pred = left
                elif ftype == 3:
                    pred = (left + up) // 2
                else:
                    p = left + up - ul
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else ul)
                cur[x] = (line[x] + pred) % 256
        out[y] = cur
        prev = cur
    return out.reshape(height, width, channels)[:, :, :3]


def _not_blank(pixels: np.ndarray) -> float:
    """Share of pixels that differ from the most common colour (the background)."""
    flat = pixels.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return float((np.abs(flat - background).sum(axis=1) > 30).mean())


LAYERS_JS = """() => Array.from(document.querySelectorAll(
  '.leaflet-control-layers-group-name, .leaflet-control-layers-overlays label span'))
  .map(e => e.textContent.trim()).filter(t => t)"""


def test_demo_map_opens_offline_with_every_layer(browser_ready, demo, tmp_path):
    path = export_html(overview_map(demo), tmp_path / "概览地图.html")
    with open_page(path, width=1400, height=900) as run:
        wait_for_map(run.page)
        names = run.page.evaluate(LAYERS_JS)
        drawn = run.page.evaluate("() => window.__hutan.layers.reduce((s, l) => s + l.drawn, 0)")
        fonts = run.page.evaluate("() => document.fonts.check('900 12px \"Font Awesome 6 Free\"')")
        legend = run.page.inner_text(".hutan-legend")
        run.page.screenshot(path=str(tmp_path / "demo.png"))
        assert run.blocked == [], run.blocked
        assert [u for u in run.requests if not u.startswith(("file:", "data:"))] == []
        assert run.console_errors == []
    for name in ("底图与区划", "道路", "县界", "乡镇界", "派出所辖区", "学校", "校园范围", "隐患热力图", "巡逻与覆盖"):
        assert name in names, name
    assert any(n.startswith("学校：小学") for n in names)
    assert any(n.startswith("隐患：交通安全") for n in names)
    assert any(n.startswith("派出所（") for n in names)
    placed = int(demo.hazards.geometry.notna().sum())
    assert drawn == placed  # every placed hazard drawn at the opening view
    assert fonts  # the icon font came inline
    assert "交通安全" in legend
    assert "浅色：已销号" in legend
    share = _not_blank(_png_pixels(tmp_path / "demo.png"))
    assert share > 0.05, f"screenshot looks blank ({share:.1%} non-background pixels)"


def _hostile_map(demo, *, cluster: bool):
    n = len(HOSTILE)
    hazards = demo.hazards[demo.hazards.geometry.notna()].head(3 * n).copy()
    for col in ("hazard_id", "description", "address", "department", "school_name"):
        hazards[col] = [HOSTILE[i % n] for i in range(len(hazards))]
    schools = demo.schools.head(n).copy()
    schools["name"] = HOSTILE
    schools["address"] = HOSTILE[::-1]
    stations = demo.stations.head(3).copy()
    stations["name"] = HOSTILE[:3]
    townships = demo.townships.copy()
    townships["name"] = HOSTILE[: len(townships)]
    roads = demo.roads.head(200).copy()
    roads["name"] = [HOSTILE[i % n] for i in range(len(roads))]
    campuses = demo.campuses.head(n).copy()
    campuses["name"] = HOSTILE
    x, y = hazards.geometry.x.to_numpy(), hazards.geometry.y.to_numpy()
    routes = gpd.GeoDataFrame(
        {
            "unit": HOSTILE[:2],
            "stops": [
                [{"name": HOSTILE[k], "arrival": 440 + k, "lon": x[k], "lat": y[k]} for k in range(4)],
                [(HOSTILE[5], dt.time(7, 30), HOSTILE[6])],
            ],
        },
        geometry=[shapely.LineString(np.c_[x[:4], y[:4]]), shapely.LineString(np.c_[x[4:7], y[4:7]])],
        crs=4326,
    )
    iso = gpd.GeoDataFrame(
        {"limit_s": [60, 180], "origin": HOSTILE[:2]},
        geometry=[shapely.Point(x[0], y[0]).buffer(0.003), shapely.Point(x[0], y[0]).buffer(0.008)],
        crs=4326,
    )
    zones = iso.assign(name=HOSTILE[2:4], ring_m=[100, 200])
    m = base_map(tuple(hazards.total_bounds))
    add_roads(roads, m)
    add_boundaries(townships, m, name=HOSTILE[0])
    add_schools(schools, m, campuses=campuses)
    add_stations(stations, m)
    add_zones(zones, m)
    add_isochrones(iso, m)
    add_coverage(schools.assign(covered=[True, False] * (n // 2)), m)
    add_patrol_routes(routes, m)
    add_hazards(hazards, m, cluster=cluster)
    add_category_legend(m, note=HOSTILE[1])
    add_map_controls(m)
    add_layer_control(m)
    return m


# Open every popup and tooltip on the page: folium's own and the compact layers'.
OPEN_ALL_JS = """() => {
  const maps = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
    .filter(v => v instanceof L.Map);
  let opened = 0;
  const texts = [];
  for (const map of maps) {
    const visit = (layer) => {
      if (layer.getLayers) { layer.getLayers().forEach(visit); }
      if (layer.getPopup && layer.getPopup()) {
        layer.openPopup(layer.getLatLng ? layer.getLatLng() : map.getCenter());
        const el = document.querySelector('.leaflet-popup-content');
        if (el) { texts.push(el.textContent); }
        opened++;
      }
      if (layer.getTooltip && layer.getTooltip()) {
        layer.openTooltip(layer.getLatLng ? layer.getLatLng() : map.getCenter());
        const el = layer.getTooltip().getElement();
        if (el) { texts.push(el.textContent); }
        opened++;
      }
    };
    map.eachLayer(visit);
  }
  for (const layer of window.__hutan.layers) {
    const st = layer.store;
    const group = layer.hutanGroup !== undefined ? layer.hutanGroup : layer.options.group;
    for (let i = 0; i < st.n; i++) {
      if (st.group(i) !== group) { continue; }
      const map = layer._hutanMap;
      L.popup().setLatLng(st.latLng(i)).setContent(st.popupNode(i)).openOn(map);
      texts.push(document.querySelector('.leaflet-popup-content').textContent);
      texts.push(st.tipNode(i).textContent);
      opened++;
    }
  }
  return {opened, texts};
}"""


def _click_popup(page, xy: list[float], *, tries: int = 3) -> str:
    """Click a canvas point and return its popup's text ("" when a busy machine drops every click)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries):
        page.evaluate("() => window.__hutan.layers.forEach(l => l._hutanMap && l._hutanMap.closePopup())")
        page.mouse.click(xy[0], xy[1])
        try:  # read the text in the same step that sees the popup: a busy page may close it again
            handle = page.wait_for_function(
                "() => { const n = document.querySelector('.leaflet-popup-content .hutan-popup');"
                " return n ? n.innerText : null; }",
                timeout=5000,
            )
        except PlaywrightTimeout:
            continue
        return str(handle.json_value())
    # A loaded machine can drop synthetic clicks on the canvas; the popups' safety is asserted on the
    # popups opened through the map's own API above (OPEN_ALL_JS), so a dropped click is not a failure.
    return ""


@pytest.mark.parametrize("cluster", [False, True], ids=["canvas", "cluster"])
def test_hostile_text_runs_nothing(browser_ready, demo, tmp_path, cluster):
    path = export_html(_hostile_map(demo, cluster=cluster), tmp_path / "hostile.html")
    with open_page(path, width=1200, height=800) as run:
        page = run.page
        wait_for_map(page)
        scripts_before = page.evaluate("() => document.scripts.length")
        result = page.evaluate(OPEN_ALL_JS)
        # hover and click the canvas points with the real mouse, and search with hostile text
        if not cluster:
            for k in range(3):
                xy = page.evaluate(
                    "(k) => { const l = window.__hutan.layers.find(l => l.idx && l.idx.length);"
                    " const i = l.idx[k % l.idx.length]; l._hutanMap.setView(l.store.latLng(i), 17, {animate: false});"
                    " const p = l.containerPointOf(i); const r = l._hutanMap.getContainer().getBoundingClientRect();"
                    " return [r.left + p.x, r.top + p.y]; }",
                    k,
                )
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                page.mouse.move(xy[0], xy[1])
                result["texts"].append(_click_popup(page, xy))
        page.fill(".hutan-search-input", "<script>")
        page.keyboard.press("Enter")
        page.wait_for_selector(".hutan-search-results li")
        result["texts"].append(page.inner_text(".hutan-search-results"))
        page.evaluate("() => new Promise(r => setTimeout(r, 300))")
        pwned = page.evaluate("() => window.__pwned")
        injected = page.evaluate(
            "() => document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror], [onload]').length"
        )
        scripts_after = page.evaluate("() => document.scripts.length")
        layer_names = page.evaluate(LAYERS_JS)
        legend = page.inner_text(".hutan-legend")
        assert run.dialogs == [], run.dialogs
        assert run.console_errors == [], run.console_errors
        assert run.blocked == [], run.blocked
    assert pwned is None
    assert injected == 0
    assert scripts_after == scripts_before
    assert result["opened"] > 40
    shown = "\n".join(result["texts"])
    # the hostile strings are shown as plain text, character for character
    for text in HOSTILE:
        assert text in shown, text
    assert HOSTILE[0] in layer_names
    assert HOSTILE[1] in legend


def test_export_png_is_a_real_picture(browser_ready, demo, tmp_path):
    m = add_hazards(demo.hazards, add_schools(demo.schools, add_roads(demo.roads)))
    add_category_legend(m)
    png = export_png(m, tmp_path / "map.png", width=900, height=600)
    pixels = _png_pixels(png)
    assert pixels.shape == (600, 900, 3)
    assert _not_blank(pixels) > 0.05
    assert pixels.std() > 10
