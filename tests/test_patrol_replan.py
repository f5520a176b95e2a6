"""Patrol re-planning: pin, take a unit out, add/drop clusters, warm start, change table."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from hutan_geo.analysis.patrol.replan import change_clusters, pin_schools, take_out
from hutan_geo.errors import InputError


@pytest.fixture(scope="module")
def setup(demo, net, morning_plan):
    sch = demo.schools[demo.schools["township"] == "城关镇"].head(14)
    plan = morning_plan(200, schools=sch)
    plan.check()
    return demo, net, sch, plan


def test_pin_a_school_to_a_unit(setup):
    _, _, _, plan = setup
    stops = plan.stops
    task, unit = stops["task"].iat[0], stops["unit"].iat[0]
    other = sorted(set(plan.itinerary["unit"]) - {unit})[0]
    r = pin_schools(plan, {task: other}, iterations=200)
    r.plan.check()
    new = r.plan.stops
    assert new.loc[new["task"] == task, "unit"].tolist() == [other]
    assert r.changes.loc[r.changes["task_id"] == task, "change"].iat[0] == "moved"
    with pytest.raises(InputError, match="no unit"):
        pin_schools(plan, {task: "火星派出所-1"})


def test_take_a_unit_out_at_0710(setup):
    _, _, _, plan = setup
    busiest = plan.unit_load().sort_values("stops").iloc[-1]["unit"]
    r = take_out(plan, busiest, "07:25", iterations=200)
    r.plan.check()
    assert busiest not in set(r.plan.itinerary["unit"])
    done = set(r.done["task"]) if len(r.done) else set()
    assert all(s <= 7 * 60 + 25 + 60 for s in r.done.get("start", []))
    assert not done & set(r.plan.problem.tasks["task_id"])
    assert (r.changes.loc[r.changes["task_id"].isin(done), "change"] == "done").all()
    # every unit restarts no earlier than the breakdown minute
    firsts = r.plan.itinerary.groupby("unit")["leave"].first()
    assert (firsts >= 7 * 60 + 25 - 1e-9).all()


def test_add_and_drop_clusters(setup):
    _, _, _, plan = setup
    loc = plan.problem.locations
    pt = shapely.Point(float(loc["lon"].iat[8]) + 0.001, float(loc["lat"].iat[8]))
    add = gpd.GeoDataFrame({"cluster_id": ["Z1"], "name": ["摊贩聚集点"], "weight": [1.0]}, geometry=[pt], crs=4326)
    r = change_clusters(plan, add=add, iterations=200)
    r.plan.check()
    assert "Z1@arrival" in set(r.plan.problem.tasks["task_id"])
    assert "Z1@arrival" in set(r.plan.stops["task"])  # next to a gate: worth the detour
    r2 = change_clusters(r.plan, drop=["Z1"], iterations=200)
    r2.plan.check()
    assert r2.changes.loc[r2.changes["task_id"] == "Z1@arrival", "change"].iat[0] == "dropped"
