"""Overview map: layers present, user text escaped."""

from __future__ import annotations

import datetime as dt
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from maphtml import has, render

from hutan_geo.demo import load_demo
from hutan_geo.errors import CRSError, InputError
from hutan_geo.maps import (
    Basemap,
    add_basemap,
    add_boundaries,
    add_category_legend,
    add_coverage,
    add_hazards,
    add_heatmap,
    add_isochrones,
    add_layer_control,
    add_legend,
    add_map_controls,
    add_patrol_routes,
    add_rings,
    add_roads,
    add_schools,
    add_stations,
    base_map,
    display_datum,
    overview_map,
    safe_text,
)
from hutan_geo.model import crs as hcrs

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "${alert(3)}",
    "`+alert(4)+`",
    "\\`${alert(5)}",
    "javascript:alert(6)",
    "\"'><svg onload=alert(7)>",
    "{{ 7*7 }}{% raw %}{# c #}",
]


def test_safe_text_neutralises_template_literals():
    for text in HOSTILE:
        out = safe_text(text)
        assert "<" not in out
        assert "`" not in out
        assert "${" not in out
        assert "\\" not in out
        assert "{{" not in out
        assert "{%" not in out
        assert "{#" not in out


def test_overview_map_has_every_layer(demo):
    html = overview_map(demo).get_root().render()
    for name in ("道路", "乡镇界", "派出所辖区", "学校", "校园范围", "派出所", "图例", "交通安全", "食品安全"):
        assert has(html, name), name
    assert "tile.openstreetmap" not in html  # no web tiles by default


def test_overview_map_in_english(demo):
    html = overview_map(demo, lang="en").get_root().render()
    assert "Legend" in html
    assert has(html, "hazards: traffic")


def test_hostile_text_is_escaped_everywhere(demo):
    hazards = demo.hazards.copy()
    schools = demo.schools.copy()
    stations = demo.stations.copy()
    for i, text in enumerate(HOSTILE):
        hazards.loc[hazards.index[i], "description"] = text
        hazards.loc[hazards.index[i], "address"] = text
        hazards.loc[hazards.index[i], "department"] = text
        schools.loc[schools.index[i], "name"] = text
        stations.loc[stations.index[i % len(stations)], "name"] = text
    demo.layers.update(hazards=hazards, schools=schools, stations=stations)
    try:
        html = overview_map(demo).get_root().render()
    finally:
        demo.layers.update(load_demo().layers)
    assert "<script>alert" not in html
    assert 'onerror="alert' not in html
    assert "${alert" not in html
    assert "<svg onload" not in html
    assert "&#123;{ 7*7 }}" in html  # shown as text: no template ran on user text
    # the text is still there, as entities
    assert "&lt;script&gt;alert(1)" in html
    assert "&#36;{alert(3)}" in html
    # no raw backtick from user text inside a template literal
    assert not re.search(r"`\+alert\(4\)", html)


# --------------------------------------------------------------------------------------
# builders, basemaps and datums, compact hazards (no browser)
# --------------------------------------------------------------------------------------


def _store_payload(html: str) -> dict:
    """The JSON handed to L.hutanStore (first store on the page)."""
    match = re.search(r'<script type="application/json" id="hutan_store_[0-9a-f]+_data">(.*?)</script>', html)
    return json.loads(match.group(1))


def _routes() -> gpd.GeoDataFrame:
    line_a = shapely.LineString([(113.30, 27.60), (113.32, 27.60), (113.32, 27.62)])
    line_b = shapely.LineString([(113.35, 27.63), (113.33, 27.61)])
    return gpd.GeoDataFrame(
        {
            "unit": ["城关巡逻一组", "城东巡逻车"],
            "stops": [
                [
                    {"name": "实验小学", "arrival": 7 * 60 + 20, "departure": 7 * 60 + 28, "lon": 113.30, "lat": 27.60},
                    {"name": "第一中学", "arrival": dt.time(7, 40), "departure": "07:46", "lon": 113.32, "lat": 27.62},
                ],
                [("城东幼儿园", 470, 478)],
            ],
        },
        geometry=[line_a, line_b],
        crs=4326,
    )


def _isochrones() -> gpd.GeoDataFrame:
    centre = shapely.Point(113.31, 27.61)
    return gpd.GeoDataFrame(
        {"limit_s": [60, 180, 300], "origin": ["城关派出所"] * 3},
        geometry=[centre.buffer(0.005), centre.buffer(0.012), centre.buffer(0.02)],
        crs=4326,
    )


def test_every_builder_makes_a_map_when_m_is_none(demo):
    builders = [
        (add_roads, demo.roads, "道路"),
        (lambda g: add_boundaries(g, name="乡镇界"), demo.townships, "乡镇界"),
        (add_schools, demo.schools, "学校：小学"),
        (add_stations, demo.stations, "派出所"),
        (add_hazards, demo.hazards, "隐患：交通安全"),
        (add_heatmap, demo.hazards, "隐患热力图"),
        (add_patrol_routes, _routes(), "巡逻路线：城关巡逻一组"),
        (add_isochrones, _isochrones(), "可达范围：3 分钟"),
        (lambda g: add_rings(g, distances_m=(100, 200)), demo.campuses.head(3), "校园周边距离圈"),
        (lambda g: add_coverage(g, areas=_isochrones()), demo.schools, "覆盖情况：已覆盖"),
    ]
    for builder, frame, name in builders:
        m = builder(frame)
        assert isinstance(m, folium.Map)
        assert has(render(add_layer_control(m)), name), name


def test_builders_chain_on_one_map(demo):
    m = add_hazards(demo.hazards, add_schools(demo.schools, add_roads(demo.roads)))
    m = add_layer_control(add_category_legend(m))
    html = render(m)
    for theme in ("底图与区划", "学校", "隐患"):
        assert has(html, theme)
    assert "L.control.groupedLayers" in html


def test_lang_is_checked(demo):
    with pytest.raises(InputError, match="lang must be"):
        add_hazards(demo.hazards, lang="fr")


def test_hazards_are_compact_and_complete(demo):
    html = render(add_hazards(demo.hazards))
    payload = _store_payload(html)
    placed = demo.hazards[demo.hazards.geometry.notna()]
    assert payload["n"] == len(placed)
    labels = [f["label"] for f in payload["fields"]]
    for name in (
        "隐患编号",
        "隐患类别",
        "隐患描述",
        "地址",
        "严重程度",
        "整改状态",
        "责任单位",
        "关联学校",
        "发现日期",
        "整改期限",
    ):
        assert name in labels, name
    # coordinates: integers at 1e-5 degrees, delta-encoded; decode and compare
    lon = payload["x0"] + np.cumsum(payload["x"]) / payload["k"]
    lat = payload["y0"] + np.cumsum(payload["y"]) / payload["k"]
    ids = payload["fields"][payload["title"]]
    ids = ids["values"] if "values" in ids else [ids["dict"][i] for i in ids["index"]]
    by_id = placed.set_index("hazard_id").geometry
    for hid, x, y in zip(ids, lon, lat, strict=True):
        assert abs(by_id[hid].x - x) < 1e-5
        assert abs(by_id[hid].y - y) < 1e-5
    # repeated values are dictionary-encoded; closed items are faded; a colour and an icon per category
    category = payload["fields"][labels.index("隐患类别")]
    assert "dict" in category
    assert len(category["dict"]) <= 5
    closed = (placed["status"] == "closed").sum()
    assert sum(payload["faded"]) == closed
    assert all(g["color"].startswith("#") and g["icon"].startswith("fa-") for g in payload["groups"])
    assert "L.control.hutanSearch" in html


def test_hazards_cluster_mode_uses_markercluster(demo):
    html = render(add_hazards(demo.hazards, cluster=True))
    assert "L.hutanCluster(" in html
    assert "leaflet.markercluster.js" in html


def test_closed_hazards_faded_and_unplaced_counted(demo):
    m = add_category_legend(add_hazards(demo.hazards))
    html = render(m)
    pending = int(demo.hazards["needs_geocoding"].sum())
    assert f"{pending} 待地理编码，未上图" in html
    assert "浅色：已销号" in html


def test_gaode_basemap_shifts_every_layer_and_says_so(demo):
    m = base_map(tuple(demo.district.total_bounds), basemap="gaode")
    assert display_datum(m) == "gcj02"
    add_hazards(demo.hazards, m)
    add_schools(demo.schools.head(1), m)
    html = render(m)
    assert "autonavi.com" in html
    assert has(html, "坐标已转换为 GCJ-02 以匹配高德底图")
    school = demo.schools.geometry.iloc[0]
    gx, gy = hcrs.from_wgs84(school.x, school.y, "gcj02")
    assert f"[{round(gy, 6)}, {round(gx, 6)}]" in html  # the marker sits at the GCJ-02 position
    assert f"[{round(school.y, 6)}, {round(school.x, 6)}]" not in html
    payload = _store_payload(html)
    placed = demo.hazards[demo.hazards.geometry.notna()]
    lon = payload["x0"] + np.cumsum(payload["x"]) / payload["k"]
    gcj_lon, _ = hcrs.from_wgs84(placed.geometry.x.to_numpy(), placed.geometry.y.to_numpy(), "gcj02")
    assert np.allclose(np.sort(lon), np.sort(gcj_lon), atol=2e-5)


def test_datums_are_never_mixed_silently(demo):
    m = add_hazards(demo.hazards)  # drawn in WGS84
    with pytest.raises(CRSError, match="off by about 500 m"):
        add_basemap(m, "gaode")
    empty = add_basemap(base_map(), "gaode")  # nothing drawn yet: the basemap sets the datum
    assert display_datum(empty) == "gcj02"
    with pytest.raises(InputError, match="one basemap per map"):
        add_basemap(empty, "openstreetmap")
    with pytest.raises(CRSError, match="GCJ-02"):
        Basemap.xyz("https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}", attribution="高德")
    with pytest.raises(CRSError, match="Baidu"):
        Basemap.xyz("https://maponline0.bdimg.com/tile/?x={x}&y={y}&z={z}", attribution="百度")
    # a map made elsewhere with Gaode tiles is recognised, and the layers follow it
    own = folium.Map(tiles="https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}", attr="高德")
    assert display_datum(own) == "gcj02"
    assert has(render(add_hazards(demo.hazards, own)), "坐标已转换为 GCJ-02")
    with pytest.raises(CRSError, match="Baidu"):
        display_datum(folium.Map(tiles="https://maponline0.bdimg.com/tile/?x={x}&y={y}&z={z}", attr="百度"))


def test_basemap_options_are_checked():
    with pytest.raises(InputError, match="needs your own key"):
        base_map(basemap="tianditu")
    tdt = render(base_map(basemap="tianditu", tianditu_key="0123456789abcdef0123456789abcdef"))
    assert "tianditu.gov.cn/vec_w" in tdt
    assert "tianditu.gov.cn/cva_w" in tdt
    with pytest.raises(InputError, match="attribution"):
        Basemap.xyz("https://tiles.example.org/{z}/{x}/{y}.png", attribution=" ")
    with pytest.raises(InputError, match="http"):
        Basemap.xyz("javascript:alert(1)//{x}{y}{z}", attribution="x")
    with pytest.raises(InputError, match="placeholders"):
        Basemap.xyz("https://t.example.org/{%raw%}/{z}/{x}/{y}.png", attribution="x")
    with pytest.raises(InputError, match="unknown basemap"):
        base_map(basemap="google")
    custom = base_map(basemap=Basemap.xyz("https://t.example.org/{z}/{x}/{y}.png", attribution="<b>© Ex</b>"))
    html = render(custom)
    assert "t.example.org" in html
    assert "<b>© Ex</b>" not in html
    osm = render(base_map(basemap="openstreetmap"))
    assert "tile.openstreetmap.org" in osm


def test_patrol_routes_colour_arrows_and_stop_times():
    html = render(add_layer_control(add_patrol_routes(_routes(), arrow_every_m=500)))
    assert has(html, "巡逻路线：城关巡逻一组")
    assert has(html, "巡逻路线：城东巡逻车")
    assert re.search(r'"arrowColor": ?"#1f77b4"', html)
    assert re.search(r'"arrowColor": ?"#d62728"', html)
    assert has(html, "07:20–07:28 实验小学")
    assert has(html, "07:40–07:46 第一中学")
    assert has(html, "07:50–07:58 城东幼儿园")
    arrows = [json.loads(a) for a in re.findall(r'"arrows": ?(\[\[.*?\]\])', html)]
    assert len(arrows) == 2
    # route A runs east then north (about 2 + 2.2 km): several arrows, bearings 90 and 0 degrees
    assert len(arrows[0]) >= 4
    assert {round(a[2]) % 360 for a in arrows[0]} <= {90, 0}


def test_isochrones_need_positive_seconds():
    bad = _isochrones().assign(limit_s=[60, -1, None])
    with pytest.raises(InputError, match="positive travel times in seconds"):
        add_isochrones(bad)
    html = render(add_layer_control(add_isochrones(_isochrones())))
    for minutes in ("1", "3", "5"):
        assert has(html, f"可达范围：{minutes} 分钟")


def test_rings_are_measured_in_metres(demo):
    gate = demo.gates.head(1)
    m = add_rings(gate, distances_m=(100,))
    payload = json.loads(re.search(r"L\.hutanGeoJson\((.*?), \[", render(m)).group(1))
    ring = shapely.geometry.shape(payload["features"][0]["geometry"])
    area = gpd.GeoSeries([ring], crs=4326).to_crs(demo.metric_crs).area.iloc[0]
    assert abs(area - np.pi * 100**2) / (np.pi * 100**2) < 0.01
    with pytest.raises(InputError, match="positive distances in metres"):
        add_rings(gate, distances_m=(0,))


def test_controls_and_english_legend(demo):
    m = add_hazards(demo.hazards, add_boundaries(demo.district, name="county"), lang="en")
    add_patrol_routes(_routes(), m, lang="en")
    add_isochrones(_isochrones(), m, lang="en")
    add_map_controls(m, lang="en")
    add_category_legend(m, lang="en")
    add_layer_control(m, lang="en")
    html = render(m)
    for text in (
        "Legend",
        "traffic",
        "Full screen",
        "L.Control.MiniMap",
        "L.Control.Measure",
        "Hazards",
        "patrol routes: 城关巡逻一组",
        "3 min reachable",
    ):
        assert has(html, text), text
    assert "L.control.scale" in html


def test_legend_rejects_css_injection():
    m = base_map()
    with pytest.raises(InputError, match="CSS colour"):
        add_legend(m, [("red;background:url(javascript:alert(1))", "x", "circle")], title="t")
    add_legend(m, [("#123456", "<b>x</b>", "square", "fa-car")], title="<i>t</i>", note="${n}")
    html = render(m)
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "&lt;i&gt;t&lt;/i&gt;" in html
    assert "&#36;{n}" in html


def test_route_stop_format_lives_in_analysis():
    from hutan_geo.analysis.routes import normalise_stops, stop_label

    stops = normalise_stops(_routes()["stops"].iloc[0]) + normalise_stops(_routes()["stops"].iloc[1])
    assert [stop_label(s) for s in stops] == ["07:20–07:28 实验小学", "07:40–07:46 第一中学", "07:50–07:58 城东幼儿园"]
    assert stops[2] == {"name": "城东幼儿园", "arrival": 470, "departure": 478}
    assert normalise_stops(None) == []
    assert normalise_stops(float("nan")) == []
    assert stop_label({"name": "校门", "arrival": dt.time(16, 30)}) == "16:30 校门"


def test_coverage_from_areas_matches_points_covered(demo):
    from hutan_geo.analysis.coverage import points_covered

    covered = points_covered(demo.schools, _isochrones())
    html = render(add_layer_control(add_coverage(demo.schools, areas=_isochrones())))
    assert has(html, f"覆盖情况：已覆盖（{int(covered.sum())}）")
    assert has(html, f"覆盖情况：未覆盖（{int((~covered).sum())}）")
