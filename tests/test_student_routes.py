"""Student walking routes and remote-school access on the demo district."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

import hutan_geo as hg
from hutan_geo.analysis import night_study_routes, remote_access, student_routes
from hutan_geo.errors import InputError
from hutan_geo.network import NetworkParams


@pytest.fixture(scope="module")
def demo():
    return hg.load_demo()


@pytest.fixture(scope="module")
def net(demo):
    # students do walk along and across the national highway: let the walking graph use it
    return hg.network_from_roads(demo.roads, params=NetworkParams(walk_excluded=()))


@pytest.fixture(scope="module")
def result(demo, net):
    return student_routes(demo, net, hazard_within_m=50)


def test_routes_exist_and_follow_the_network(demo, result) -> None:
    assert len(result.routes) == len(demo.residences)
    assert (result.routes["length_m"] >= result.routes["straight_m"] - 0.5).all()
    assert result.routes.geometry.geom_type.eq("LineString").all()
    assert 0 < result.share_high_risk < 1


def test_hazards_near_a_route_found_exactly(demo, net, result) -> None:
    metric = result.routes.to_crs(net.metric_crs)
    route = metric.geometry.iloc[0]
    hz = demo.hazards[demo.hazards.geometry.notna() & ~demo.hazards.geometry.is_empty].to_crs(net.metric_crs)
    expected = set(hz.loc[hz.distance(route) <= 50, "hazard_id"])
    found = set(result.hazards.loc[result.hazards["residence_id"] == metric["residence_id"].iloc[0], "hazard_id"])
    assert found
    assert found == expected


def test_rentals_of_the_county_middle_school_cross_the_national_highway(result) -> None:
    rentals = result.routes[(result.routes["school_id"] == "SCH0001") & (result.routes["kind"] == "rental")]
    assert rentals["students"].sum() == 400
    assert rentals["crosses_national_highway"].any()
    assert rentals.loc[rentals["crosses_national_highway"], "high_risk"].all()


def test_night_routes_without_patrol_are_uncovered(demo, net) -> None:
    night = night_study_routes(demo, net)
    assert set(night.routes["school_id"]) <= {"SCH0001", "SCH0002"} | set(demo.schools["school_id"])
    assert (night.routes["uncovered_m"] > 0).all()


def test_remote_pupils_without_a_stop(demo, net) -> None:
    access = remote_access(demo, net)
    assert access.students_unserved > 0
    assert (access.unserved["reason_code"] == "no_village_stop").any()
    assert (access.villages["walk_m"].dropna() > 2000).all()


def test_bad_input_gives_clear_errors(demo, net) -> None:
    with pytest.raises(InputError, match="RoadNetwork"):
        student_routes(demo, "roads")
    with pytest.raises(InputError, match="hazard_within_m"):
        student_routes(demo, net, hazard_within_m=-1)
    with pytest.raises(InputError, match="residences"):
        student_routes({"schools": demo.schools}, net)
    bad = gpd.GeoDataFrame({"school_id": ["S1"]}, geometry=[shapely.Point(113.3, 27.6)], crs=4326)
    with pytest.raises(InputError, match="students"):
        student_routes({"schools": demo.schools, "residences": bad}, net)
    with pytest.raises(InputError, match="bus_stops"):
        remote_access({"schools": demo.schools, "residences": demo.residences}, net)
