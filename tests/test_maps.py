"""Overview map: layers present, user text escaped."""

from __future__ import annotations

import json
import re

import pytest

from hutan_geo.district import load_demo
from hutan_geo.maps import overview_map, safe_text

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "${alert(3)}",
    "`+alert(4)+`",
    "\\`${alert(5)}",
    "javascript:alert(6)",
    "\"'><svg onload=alert(7)>",
]


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def _has(html: str, text: str) -> bool:
    """Text appears as is or JSON-escaped (folium dumps layer names with ensure_ascii)."""
    return text in html or json.dumps(text)[1:-1] in html


def test_safe_text_neutralises_template_literals():
    for text in HOSTILE:
        out = safe_text(text)
        assert "<" not in out
        assert "`" not in out
        assert "${" not in out
        assert "\\" not in out


def test_overview_map_has_every_layer(demo):
    html = overview_map(demo).get_root().render()
    for name in ("道路", "乡镇界", "派出所辖区", "学校", "校园范围", "派出所", "图例", "交通安全", "食品安全"):
        assert _has(html, name), name
    assert "tile.openstreetmap" not in html  # no web tiles by default


def test_overview_map_in_english(demo):
    html = overview_map(demo, lang="en").get_root().render()
    assert "Legend" in html
    assert _has(html, "hazards: traffic")


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
    # the text is still there, as entities
    assert "&lt;script&gt;alert(1)" in html
    assert "&#36;{alert(3)}" in html
    # no raw backtick from user text inside a template literal
    assert not re.search(r"`\+alert\(4\)", html)
