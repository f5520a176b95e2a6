"""Coverage of a patrol plan, the unit timeline, static and moving response coverage."""

from __future__ import annotations

import numpy as np
import pytest

from hutan_geo.analysis.coverage import (
    moving_coverage,
    patrol_coverage,
    response_coverage,
    response_sources,
    save_png,
    unit_timeline,
)
from hutan_geo.analysis.patrol import plan_patrols
from hutan_geo.errors import InputError
from hutan_geo.network import travel_time_matrix


@pytest.fixture(scope="module")
def morning(morning_plan):
    return morning_plan(200, clusters=2)


def test_patrol_coverage_statuses_match_the_plan(demo, morning):
    cov = patrol_coverage(morning, demo.schools, gates=demo.gates)
    s = cov.schools
    assert s.crs.to_epsg() == 4326
    assert len(s) == 60
    assert (s["status"] == "post").sum() == len(morning.problem.covered)
    assert set(s.loc[s["status"] == "post", "school_id"]) == set(morning.problem.covered["school_id"])
    served = set(morning.itinerary.loc[morning.itinerary["kind"] == "school", "ref"])
    assert set(s.loc[s["status"] == "car", "school_id"]) == served
    assert s["covered"].equals(s["status"] != "none")
    car = s[s["status"] == "car"]
    assert (car["minutes_present"] > 0).all()
    assert (car["minutes_present"] <= car["window_end"] - car["window_start"] + 1e-9).all()
    post = s[s["status"] == "post"]
    assert np.allclose(post["minutes_present"], post["window_end"] - post["window_start"])
    assert (cov.clusters["passes"] >= 0).all()
    assert len(cov.clusters) == 2


def test_patrol_coverage_shares_and_labels(demo, morning):
    cov = patrol_coverage(morning, demo.schools, gates=demo.gates)
    total = cov.shares()
    assert total["n_schools"].tolist() == [60]
    assert total["share"].iat[0] == pytest.approx(cov.schools["covered"].mean())
    assert total["students"].iat[0] == pytest.approx(demo.schools["enrolment"].sum())
    by = cov.shares("township")
    assert by.loc[by["group"] != "全部", "n_schools"].sum() == 60
    assert "小学" in set(cov.shares("level")["group"])
    assert "学校覆盖率" in cov.share_table("precinct").columns
    assert "share of students" in cov.share_table("precinct", lang="en").columns
    assert cov.table().columns[0] == "学校编号"
    with pytest.raises(InputError, match="by must be one of"):
        cov.shares("county")


def test_patrol_coverage_of_a_day_and_bad_input(demo, net):
    day = plan_patrols(demo, "day", iterations=100, seed=1, network=net, priority={}, fleet=False)
    cov = patrol_coverage(day, demo.schools, windows=["arrival", "noon"], lang="en")
    assert set(cov.schools["window"]) == {"arrival", "noon"}
    assert set(cov.schools["status_text"]) <= {"guard post", "patrol car", "not covered"}
    with pytest.raises(InputError, match="plan must be a Plan or DayPlan"):
        patrol_coverage("plan", demo.schools)
    with pytest.raises(InputError, match="windows"):
        patrol_coverage(day, demo.schools, windows=["evening"])


def test_unit_timeline_chart(morning, tmp_path):
    fig = unit_timeline(morning)
    ax = fig.axes[0]
    assert len(ax.get_yticks()) == morning.itinerary["unit"].nunique()
    assert "巡逻时间线" in ax.get_title()
    assert ax.get_yticklabels()[0].get_fontfamily()[0].startswith("Noto Sans CJK")
    png = save_png(fig, tmp_path / "t.png")
    assert png.stat().st_size > 10_000
    assert "timeline" in unit_timeline(morning, lang="en").axes[0].get_title()
    with pytest.raises(InputError, match="Plan of one window"):
        unit_timeline(None)


def test_static_response_bands_from_the_matrix(demo, net):
    src = response_sources(demo.stations, demo.guard_posts, window="arrival")
    assert (src["kind"] == "post").sum() == 7  # HXG08 is a dismissal-only post
    r = response_coverage(net, src, demo.schools, gates=demo.gates, bands_min=(1, 3, 5))
    s = r.schools
    assert list(r.summary["band_min"]) == [1.0, 3.0, 5.0]
    assert r.summary["n_within"].is_monotonic_increasing
    # recompute one school straight from the network: the fastest responder to any of its gates
    sid = s["school_id"].iat[20]
    g = demo.gates[demo.gates["school_id"] == sid]
    m = travel_time_matrix(net, src, g, profile="am_peak", with_distance=False)
    assert s["time_s"].iat[20] == pytest.approx(np.min(m.travel_s))
    assert r.summary["n_within"].iat[1] == int((s["time_s"] <= 180).sum())
    assert (r.outside["time_s"].fillna(np.inf) > 300).all()
    assert set(r.areas["limit_s"]) == {60.0, 180.0, 300.0}
    assert r.areas.crs.to_epsg() == 4326
    assert r.table("en").columns.tolist()[2] == "response band"
    with pytest.raises(InputError, match="bands_min"):
        response_coverage(net, src, demo.schools, bands_min=(0,))
    with pytest.raises(InputError, match="responders"):
        response_sources(None, None)


def test_moving_coverage_minute_by_minute(demo, morning):
    posts = response_sources(None, demo.guard_posts, window="arrival")
    mc = moving_coverage(morning, demo.schools.head(15), gates=demo.gates, posts=posts, step_min=5)
    m = mc.minutes
    assert m["minute"].diff().dropna().eq(5).all()
    assert ((m["share"] >= 0) & (m["share"] <= 1)).all()
    assert mc.worst_minute == m.loc[m["share"].idxmin(), "minute"]
    assert len(mc.uncovered) == 15 - m.loc[m["share"].idxmin(), "n_within"]
    assert (mc.uncovered["time_min"].fillna(np.inf) > 3).all()
    # every unit of the plan (used or not) and every post is somewhere each minute
    n_units = len(morning.problem.vehicles) + len(posts)
    assert (mc.positions.groupby("minute").size() == n_units).all()
    assert {"station", "gate", "driving", "post"} >= set(mc.positions["state"])
    # a school with its post staffed is reached at once
    assert (mc.times_s["SCH0001"] < 1).all()  # the post stands a few metres from the gate
    assert "3分钟内" in mc.chart().axes[0].get_title()
    with pytest.raises(InputError, match="limit_min"):
        moving_coverage(morning, demo.schools, limit_min=0)
