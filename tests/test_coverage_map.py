"""Coverage on the map: patrol coverage by status, response bands, the worst minute's gaps, siting."""

from __future__ import annotations

import pandas as pd
import pytest
from maphtml import HOSTILE, assert_escaped, features, has, render

from hutan_geo.analysis import (
    moving_coverage,
    patrol_coverage,
    response_coverage,
    response_sources,
    site_guard_posts,
)
from hutan_geo.maps import (
    add_layer_control,
    add_moving_gaps,
    add_patrol_coverage,
    add_response_coverage,
    add_siting,
    base_map,
    safe_text,
)


@pytest.fixture(scope="module")
def town(demo):
    """Ten county-seat schools, the first with a hostile name."""
    s = demo.schools
    town = s[s["township"] == "城关镇"].iloc[:10].copy()
    town.loc[town.index[0], "name"] = HOSTILE
    return town


@pytest.fixture(scope="module")
def plan(morning_plan, town):
    p = morning_plan(100, schools=town)
    p.check()
    return p


def test_patrol_coverage_layers_by_status(demo, town, plan):
    cov = patrol_coverage(plan, town, gates=demo.gates)
    html = render(add_layer_control(add_patrol_coverage(cov)))
    n = cov.schools["status"].value_counts()
    for code, text in (("post", "护学岗值守"), ("car", "巡逻车到岗"), ("none", "未覆盖")):
        if code in n:
            assert has(html, f"巡逻覆盖：{text}（{n[code]}）"), code
    feats = features(html)
    assert len(feats) == len(cov.schools)
    car = cov.schools[cov.schools["status"] == "car"]
    assert len(car)
    first = car["first_arrival_clock"].iat[0]
    assert any(["首次到达", first] in f["properties"]["p"] for f in feats)
    assert_escaped(html)
    assert has(html, safe_text(HOSTILE))
    en = render(add_layer_control(add_patrol_coverage(cov, lang="en"), lang="en"))
    assert has(en, "patrol coverage: ")


def test_response_coverage_bands_and_outside(demo, net, town):
    src = response_sources(demo.stations.iloc[:1], None)
    r = response_coverage(net, src, town, gates=demo.gates, bands_min=(1, 2))
    html = render(add_layer_control(add_response_coverage(r)))
    assert has(html, "可达范围：1 分钟")
    assert has(html, "可达范围：2 分钟")
    outside = int((~r.schools["covered"]).sum())
    assert outside > 0
    assert has(html, f"响应覆盖：超出2分钟（{outside}）")
    within = int((r.schools["band_min"] == 1).sum())
    assert within
    assert has(html, f"响应覆盖：1分钟内（{within}）")
    assert_escaped(html)
    assert has(html, safe_text(HOSTILE))
    en = render(add_layer_control(add_response_coverage(r, lang="en"), lang="en"))
    assert has(en, "response coverage: beyond 2 min")


def test_moving_gaps_at_the_worst_minute(demo, town, plan):
    mc = moving_coverage(plan, town, gates=demo.gates, limit_min=1, step_min=15)
    m = add_moving_gaps(mc, base_map())
    html = render(add_layer_control(m))
    assert len(mc.uncovered)
    clock = mc.minutes.loc[mc.minutes["minute"] == mc.worst_minute, "clock"].iat[0]
    assert has(html, f"最差时刻 {clock} 未覆盖学校（{len(mc.uncovered)}）")
    assert len(features(html)) == len(mc.uncovered)
    assert_escaped(html)
    empty = mc.__class__(**{**mc.__dict__, "uncovered": mc.uncovered.iloc[:0]})
    m2 = base_map()
    before = render(m2).count("L.hutanGeoJson(")
    assert render(add_moving_gaps(empty, m2)).count("L.hutanGeoJson(") == before


def test_siting_layers_have_distinct_markers(demo, net, town):
    gates = demo.gates[demo.gates["school_id"].isin(set(town["school_id"]))].reset_index(drop=True)
    gates.loc[0, "gate_name"] = HOSTILE
    s = site_guard_posts(
        net, gates, schools=demo.schools, posts=demo.guard_posts, within_m=100, limit_min=2, max_added=1
    )
    html = render(add_layer_control(add_siting(s)))
    assert has(html, f"校门（{len(gates)}）")
    assert has(html, f"现有护学岗（{int(s.sites['current'].sum())}）")
    assert has(html, f"最少护学岗选址（LSCP）（{s.lscp.n_sites}）")
    assert has(html, f"最优护学岗选址（MCLP）（{s.mclp.n_sites}）")
    feats = features(html)
    letters = pd.Series([f["properties"].get("n") for f in feats]).value_counts()
    assert letters.get("L", 0) == s.lscp.n_sites
    assert letters.get("M", 0) == s.mclp.n_sites
    assert_escaped(html)
    assert has(html, safe_text(HOSTILE).split("&gt;")[0])
    en = render(add_layer_control(add_siting(s, lang="en"), lang="en"))
    assert has(en, "best posts (MCLP)")
