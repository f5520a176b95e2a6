"""Patrol planner: problem, solve, plan, check, reasons, minimum fleet, day plans, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from hutan_geo.analysis.patrol import (
    InfeasiblePlanError,
    PatrolParams,
    build_problem,
    feasible_routes,
    make_plan,
    plan_patrols,
    problem_from_matrix,
    solve_plan,
)
from hutan_geo.errors import InputError

IT = 300


@pytest.fixture(scope="module")
def morning(morning_plan):
    return morning_plan(IT)


def _town(demo, n=10):
    """A small subset: the first ``n`` schools of the county seat and every station."""
    s = demo.schools
    return s[s["township"] == "城关镇"].head(n)


def test_demo_morning_serves_every_school_and_checks(morning):
    report = morning.check()
    assert report.ok
    k = morning.kpis()
    assert k["schools_needing"] == 60
    assert k["covered_by_posts"] == 7
    assert k["served_by_units"] + k["unserved"] == 53
    assert k["unserved"] == 0
    assert k["units_used"] <= 16


def test_plan_frames_follow_the_route_format(morning):
    routes = morning.routes
    assert routes.crs.to_epsg() == 4326
    assert set(routes.geom_type) == {"LineString"}
    assert routes["unit"].is_unique
    stops = routes["stops"].iloc[0]
    assert {"name", "arrival", "departure", "lon", "lat"} <= set(stops[0])
    assert all(s["arrival"] <= s["departure"] for s in stops)
    it = morning.itinerary
    assert {"unit", "order", "place", "task", "arrive", "start", "leave", "wait", "drive_min", "km"} <= set(it.columns)
    assert len(morning.stops) == (it["task"] != "").sum()
    # the line starts at the unit's station
    first = it[it["unit"] == routes["unit"].iloc[0]].iloc[0]
    x0, y0 = routes.geometry.iloc[0].coords[0]
    lon, lat = morning.problem.locations.loc[first["loc"], ["lon", "lat"]]
    assert abs(x0 - lon) < 2e-3
    assert abs(y0 - lat) < 2e-3


def test_guard_post_schools_are_covered_not_routed(morning):
    covered = set(morning.problem.covered["school_id"])
    assert {"SCH0001", "SCH0007"} <= covered
    assert not covered & set(morning.problem.tasks["ref"])


def test_same_seed_same_plan(demo, net):
    sch = _town(demo, 8)
    a = plan_patrols(demo, "arrival", iterations=100, seed=3, network=net, schools=sch, priority={})
    b = plan_patrols(demo, "arrival", iterations=100, seed=3, network=net, schools=sch, priority={})
    a.check()
    b.check()
    assert a.routes_idx == b.routes_idx


def test_check_catches_a_tampered_plan(demo, net):
    plan = plan_patrols(demo, "arrival", iterations=100, network=net, schools=_town(demo, 6), priority={})
    plan.check()
    it = plan.itinerary.copy()
    row = it.index[it["task"] != ""][0]
    it.loc[row, ["start", "leave"]] -= 60  # an hour early: before the window and the arrival
    plan.__dict__["itinerary"] = it
    report = plan.check(raise_on_error=False)
    assert not report.ok
    with pytest.raises(InfeasiblePlanError, match="starts"):
        plan.check()


def test_unreachable_school_is_explained(demo, net):
    sch = _town(demo, 6).copy()
    remote = demo.schools[demo.schools["name"] == "白沙乡黄泥坳教学点"].copy()
    remote["arrival_start_min"], remote["arrival_end_min"] = 390, 400  # 06:30-06:40: no car gets there in time
    plan = plan_patrols(demo, "arrival", iterations=IT, network=net, schools=pd.concat([sch, remote]), priority={})
    plan.check()
    un = plan.unserved
    assert un["ref"].tolist() == ["SCH0034"]
    assert un["reason"].tolist() == ["unreachable"]
    assert un["earliest"].iat[0] > un["latest"].iat[0]
    assert plan.fleet is None


def test_short_of_units_finds_the_minimum_fleet(demo, net):
    sch = _town(demo, 12)
    st = demo.stations.copy()
    st["patrol_cars"] = [1, 0, 0, 0, 0, 0, 0]
    plan = plan_patrols(demo, "arrival", iterations=IT, network=net, schools=sch, stations=st, priority={})
    plan.check()
    un = plan.unserved
    assert len(un) > 0
    assert set(un["reason"]) == {"units"}
    fleet = plan.fleet
    assert fleet is not None
    assert fleet.complete
    assert fleet.n_extra >= 1
    assert set(fleet.extra["station"]) <= set(st["name"])
    # the reported fleet serves every school
    extra = dict(zip(fleet.extra["station"], fleet.extra["extra"], strict=True))
    again = plan_patrols(
        demo,
        "arrival",
        iterations=IT,
        network=net,
        schools=sch,
        stations=st,
        priority={},
        extra_cars=extra,
        fleet=False,
    )
    again.check()
    assert again.kpis()["unserved"] == 0


def test_whole_day_uses_the_same_units(demo, net):
    day = plan_patrols(demo, "day", iterations=100, network=net, schools=_town(demo, 6), priority={})
    reports = day.check()
    assert set(reports) == {"arrival", "noon", "dismissal"}
    k = day.kpis()
    assert (k["units_available"] == 16).all()
    assert set(day.routes["window"]) <= {"arrival", "noon", "dismissal"}
    assert len(day.itinerary)


def test_priority_and_english_labels(demo, net):
    plan = plan_patrols(demo, "arrival", iterations=50, network=net, schools=_town(demo, 4), lang="en", fleet=False)
    plan.check()
    assert plan.problem.tasks["priority"].between(0, 1).all()
    assert plan.kpi_table()["indicator"].iat[0] == "schools needing cover"
    assert plan.kpi_table("zh").columns[0] == "指标"


def test_foot_team_on_the_walking_network(demo, net):
    teams = pd.DataFrame({"station": ["城关派出所"], "kind": ["foot"], "count": [2]})
    p = build_problem(demo, "arrival", network=net, schools=_town(demo, 5), teams=teams, priority={})
    assert p.profiles[1].startswith("walk:")
    assert (p.units["kind"] == "foot").sum() == 1
    assert (p.duration[1] >= 0).all()
    plan = solve_plan(p, iterations=100)
    plan.check()


# -- the plain-matrix layer ------------------------------------------------------------------------


def _toy(late=100):
    d = np.array([[0, 10, 20], [10, 0, 10], [20, 10, 0]])
    return problem_from_matrix(
        d,
        None,
        pd.DataFrame(
            {
                "task_id": ["a", "b"],
                "loc": [1, 2],
                "tw_early": [10, 0],
                "tw_late": [20, late],
                "service": [5, 5],
                "required": [True, True],
            }
        ),
        pd.DataFrame(
            {"unit_type": ["car"], "start_depot": [0], "end_depot": [0], "num": [1], "tw_early": [0], "tw_late": [1000]}
        ),
        pd.DataFrame({"name": ["depot"], "loc": [0], "tw_early": [0], "tw_late": [1000]}),
        time_scale_s=60,
    )


def test_plain_matrix_problem_solves_and_checks():
    plan = solve_plan(_toy(), iterations=50)
    plan.check()
    assert plan.routes_idx == [(0, [0, 1])]
    it = plan.itinerary
    assert it["arrive"].tolist() == [0, 10, 25, 50]


def test_plain_matrix_unreachable_required_task():
    plan = solve_plan(_toy(late=5), iterations=50, fleet=False)
    # b must start by 5 but is 20 away: listed unserved, never on a route late
    assert plan.unserved["task_id"].tolist() == ["b"]
    assert plan.unserved["reason"].tolist() == ["unreachable"]
    plan.check()


def test_late_visits_are_taken_off_an_infeasible_solution():
    # routes as a short solver run can leave them: b (window 0-30) after a long wait for a (opens at 10)
    p = _toy(late=30)
    p.tasks.loc[0, ["tw_early", "tw_late"]] = [40, 60]
    bad = [(0, [0, 1])]  # a starts 40, leaves 45, b at 55 > 30
    with pytest.raises(InfeasiblePlanError, match="b starts outside its window"):
        make_plan(p, bad).check()
    kept, dropped = feasible_routes(p, bad)
    assert kept == [(0, [0])]
    assert dropped == [1]
    plan = make_plan(p, kept)
    plan.check()
    assert plan.unserved["task_id"].tolist() == ["b"]
    assert plan.unserved["reason"].tolist() == ["units"]  # b alone is reachable in time: a car short
    # past the end of the shift: the last visit goes
    p.units.loc[0, "tw_late"] = 50  # b, a and back takes until 55
    assert feasible_routes(p, [(0, [1, 0])]) == ([(0, [1])], [0])
    # on time already: nothing changes
    assert feasible_routes(p, [(0, [1])]) == ([(0, [1])], [])


# -- bad input ----------------------------------------------------------------------------------------


def test_window_ending_before_it_starts(demo, net):
    sch = _town(demo, 3).copy()
    sch.loc[sch.index[1], ["arrival_start_min", "arrival_end_min"]] = [460, 440]
    with pytest.raises(InputError, match=r"SCH\d+ .*window ends \(07:20\) before it starts \(07:40\)"):
        build_problem(demo, "arrival", network=net, schools=sch, priority={})


def test_dwell_longer_than_window(demo, net):
    sch = _town(demo, 10)
    sid = "SCH0009"  # no guard post
    with pytest.raises(InputError, match=f"{sid} .*dwell 45 min is longer than its arrival window"):
        build_problem(demo, "arrival", network=net, schools=sch, dwell={sid: 45}, priority={})


def test_station_off_the_network(demo, net):
    st = demo.stations.copy()
    st.loc[st.index[2], "geometry"] = shapely.Point(113.0, 27.0)
    with pytest.raises(InputError, match=r"station PCS03 城西派出所 does not snap.*fix its coordinates"):
        build_problem(demo, "arrival", network=net, schools=_town(demo, 3), stations=st, priority={})


def test_zero_units(demo, net):
    st = demo.stations.assign(patrol_cars=0)
    with pytest.raises(InputError, match=r"no patrol units.*patrol_cars >= 1"):
        build_problem(demo, "arrival", network=net, schools=_town(demo, 3), stations=st, priority={})


def test_missing_chosen_gate(demo, net):
    sch = _town(demo, 10)
    sid = "SCH0009"
    with pytest.raises(InputError, match=f"school {sid} .*gate '后山小门' is not in the gates list"):
        build_problem(demo, "arrival", network=net, schools=sch, gates_chosen={sid: "后山小门"}, priority={})


def test_unknown_window_and_bad_params(demo, net):
    with pytest.raises(InputError, match="window must be one of"):
        plan_patrols(demo, "evening", network=net)
    with pytest.raises(InputError, match="shifts"):
        PatrolParams(shifts={"arrival": (500, 400)})


def test_make_plan_drops_empty_routes():
    assert make_plan(_toy(), [(0, [])]).routes_idx == []
