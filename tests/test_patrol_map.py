"""A patrol plan on the map: a colour per unit, numbered stops with times, unserved schools with the reason."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from maphtml import HOSTILE, assert_escaped, features, has, render

from hutan_geo.analysis.patrol import plan_patrols
from hutan_geo.export.browser import chromium_path, open_page, wait_for_map
from hutan_geo.maps import add_layer_control, add_patrol_plan, add_unserved, base_map, export_html, safe_text
from hutan_geo.maps.styles import unit_colours
from hutan_geo.model.timefmt import clock

REMOTE = "白沙乡黄泥坳教学点"


@pytest.fixture(scope="module")
def plan(demo, morning_plan):
    """Twelve county-seat schools without a guard post (one with a hostile name) and one no car reaches in time."""
    s = demo.schools
    town = s[s["township"] == "城关镇"].iloc[8:20].copy()
    town.loc[town.index[0], "name"] = HOSTILE
    remote = s[s["name"] == REMOTE].copy()
    remote["arrival_start_min"], remote["arrival_end_min"] = 390, 400
    schools = pd.concat([town, remote])
    p = morning_plan(200, schools=schools)
    p.check()
    return p


def test_plan_map_draws_a_coloured_route_per_unit_with_numbered_stops(plan):
    html = render(add_layer_control(add_patrol_plan(plan)))
    units = plan.routes["unit"].tolist()
    assert units
    for unit in units:
        assert has(html, f"巡逻路线：{unit}"), unit
    colours = re.findall(r'"arrowColor": ?"(#[0-9a-f]{6})"', html)
    assert len(colours) == len(units) == len(set(colours))  # one colour per unit
    numbered = [f["properties"] for f in features(html) if "n" in f["properties"]]
    stops = plan.stops
    assert len(numbered) == len(stops)
    assert sorted(p["n"] for p in numbered) == sorted(stops["order"].tolist())
    first = stops.iloc[0]
    assert has(html, clock(first["arrive"]))  # arrival time of a stop in its tooltip
    assert has(html, "未能覆盖的学校（1）")


def test_unserved_school_is_marked_with_its_reason(plan):
    un = plan.unserved
    assert un["name"].tolist() == [REMOTE]
    assert un["reason"].tolist() == ["unreachable"]
    html = render(add_unserved(un, lang="zh"))
    assert has(html, "时段内无法到达：即使从任一派出所单独派车也赶不到")
    assert has(html, "早高峰（入校）")
    tips = [f["properties"]["t"] for f in features(html)]
    assert tips == [f"{REMOTE} · 时段内无法到达：即使从任一派出所单独派车也赶不到"]
    en = render(add_layer_control(add_unserved(un, lang="en"), lang="en"))
    assert has(en, "schools not covered (1)")
    assert has(en, "unreachable in its window even with a car of its own from every station")


def test_hostile_names_are_escaped(plan):
    assert HOSTILE in plan.stops["name"].tolist()
    un = plan.unserved.assign(name=HOSTILE, reason="other", reason_text=HOSTILE)
    m = add_patrol_plan(plan)
    add_unserved(un, m)
    html = render(add_layer_control(m))
    assert_escaped(html)
    assert has(html, safe_text(HOSTILE))


def test_empty_unserved_adds_nothing_and_colours_stay_distinct(plan):
    m = base_map()
    before = render(m).count("L.hutanGeoJson(")
    add_unserved(plan.unserved.iloc[:0], m)
    assert render(m).count("L.hutanGeoJson(") == before
    assert len(set(unit_colours(60))) == 60


def test_day_plan_draws_each_window(demo, net):
    s = demo.schools
    town = s[s["township"] == "城关镇"].iloc[8:11]
    day = plan_patrols(demo, "day", iterations=60, network=net, schools=town, priority={})
    day.check()
    html = render(add_layer_control(add_patrol_plan(day, lang="en")))
    for window in ("morning arrival", "noon", "afternoon dismissal"):
        assert has(html, f"patrol routes: {window} · "), window


@pytest.mark.browser
def test_plan_map_opens_offline_without_errors(plan, offline_assets, tmp_path):
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (run scripts/install_browser.sh; make test does)")
    pytest.importorskip("playwright", reason="Playwright for Python is not installed (pip install playwright)")
    path = export_html(add_layer_control(add_patrol_plan(plan)), tmp_path / "巡逻路线.html")
    with open_page(path, width=1200, height=800) as run:
        wait_for_map(run.page)
        numbers = run.page.evaluate(
            "() => Array.from(document.querySelectorAll('.hutan-stop')).map(e => e.textContent)"
        )
        pwned = run.page.evaluate("() => window.__pwned === undefined")
        assert run.blocked == [], run.blocked
        assert run.console_errors == []
    assert "1" in numbers
    assert len(numbers) == len(plan.stops)
    assert pwned
