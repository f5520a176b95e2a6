"""School zones and rules along the road network (walking distance, along-the-road distance)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hutan_geo.analysis import (
    SchoolSites,
    check_rules,
    hazards_within,
    merge_rules,
    nearest_schools,
    prepare_sites,
    walking_zones,
)
from hutan_geo.demo import load_demo
from hutan_geo.errors import InputError
from hutan_geo.network import network_from_roads

UTM = 32649
X0, Y0 = 600_000.0, 3_000_000.0
TRUTH = Path(__file__).resolve().parent.parent / "data" / "truth" / "hazards_truth.csv"


def _roads(lines: list[list[tuple[float, float]]], oneway: list[bool] | None = None) -> gpd.GeoDataFrame:
    n = len(lines)
    return gpd.GeoDataFrame(
        {
            "road_id": [f"R{i}" for i in range(n)],
            "name": [f"路{i}" for i in range(n)],
            "road_class": "local",
            "oneway": oneway or [False] * n,
        },
        geometry=[shapely.LineString(line) for line in lines],
        crs=UTM,
    )


def _hazards(rows: list[tuple[str, str, str, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "hazard_id": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "description": [r[2] for r in rows],
            "status": "found",
            "severity": "medium",
        },
        geometry=[shapely.Point(r[3], r[4]) for r in rows],
        crs=UTM,
    )


@pytest.fixture
def tee():
    """A 1 km east-west street (one-way eastbound) and a side street north at x0+200; one school gate 5 m off it."""
    roads = _roads(
        [
            [(X0 - 500, Y0), (X0 + 200, Y0)],
            [(X0 + 200, Y0), (X0 + 500, Y0)],
            [(X0 + 200, Y0), (X0 + 200, Y0 + 300)],
        ],
        oneway=[True, True, False],
    )
    net = network_from_roads(roads)
    schools = gpd.GeoDataFrame(
        {"school_id": ["S1"], "name": ["路口小学"], "level": ["primary"]},
        geometry=[shapely.Point(X0, Y0 + 5)],
        crs=UTM,
    )
    return net, prepare_sites(schools)


def test_walking_distance_goes_round_the_corner(tee):
    net, sites = tee
    hz = _hazards(
        [
            ("ktv", "cultural_market", "KTV歌厅", X0 + 170, Y0 + 100),  # 195 m straight, 5 + 200 + 100 + 30 on foot
            ("bar", "cultural_market", "酒吧", X0 - 150, Y0 - 4),  # 5 + 150 + 4 = 159 m on foot
        ]
    )
    straight = hazards_within(hz, sites, 400, measure="gate").pairs.set_index("hazard_id")["dist_m"]
    assert straight["ktv"] == pytest.approx(np.hypot(170, 95), abs=0.01)
    check = check_rules(hz, sites, network=net)
    v = check.violations.set_index("hazard_id")
    assert list(v.index) == ["bar"]
    assert v.loc["bar", "rule_id"] == "entertainment_school_200"
    assert v.loc["bar", "distance_m"] == pytest.approx(159, abs=0.5)
    assert v.loc["bar", "measure"] == "walk"
    by_rule = check.by_rule.set_index("rule_id")
    assert by_rule["checked"].all()
    assert by_rule.loc["entertainment_school_200", "n_candidates"] == 2  # both within 200 m in a straight line
    # the walking distance is never shorter than the straight line from the gate
    near = nearest_schools(hz, sites, network=net).table.set_index("hazard_id")
    assert near.loc["ktv", "net_dist_m"] == pytest.approx(335, abs=0.5)
    assert (near["net_dist_m"] >= straight.reindex(near.index) - 1e-6).all()


def test_traffic_zone_counts_along_the_road_both_ways_on_a_one_way_street(tee):
    net, sites = tee
    hz = _hazards(
        [
            ("east", "traffic", "无减速带", X0 + 120, Y0 - 4),  # 120 m downstream along the street
            ("west", "traffic", "人行横道磨损", X0 - 140, Y0 + 2),  # 140 m upstream: against the one-way
            ("side", "traffic", "无警示标志", X0 + 200, Y0 + 100),  # 200 + 100 m along the roads
        ]
    )
    v = check_rules(hz, sites, network=net).violations.set_index("hazard_id")
    assert set(v.index) == {"east", "west"}
    assert (v["rule_id"] == "school_traffic_zone_150").all()
    assert (v["kind"] == "zone").all()
    assert v.loc["east", "distance_m"] == pytest.approx(120, abs=0.5)
    assert v.loc["west", "distance_m"] == pytest.approx(140, abs=0.5)
    assert "GB 5768.8-2018" in v.loc["east", "source"]


def test_walking_zone_follows_the_streets(tee):
    net, sites = tee
    zone = walking_zones(sites, net, [250], buffer_m=10)
    geom = zone.geometry.iloc[0]
    assert zone.crs.to_epsg() == UTM
    assert geom.contains(shapely.Point(X0 + 200, Y0 + 40))  # 200 + 40 m along the streets
    assert not geom.contains(shapely.Point(X0 + 200, Y0 + 80))  # 280 m on foot, though 215 m as the crow flies
    assert geom.contains(shapely.Point(X0 - 240, Y0))
    with pytest.raises(InputError, match=r"network must be a hutan_geo\.network\.RoadNetwork"):
        walking_zones(sites, "roads.geojson", [200])


def test_nearest_school_on_foot_differs_from_the_straight_line():
    # two streets 300 m apart, not joined: school A's street is close but out of reach on foot
    roads = _roads(
        [[(X0, Y0), (X0 + 1000, Y0)], [(X0, Y0 + 300), (X0 + 1000, Y0 + 300)], [(X0 + 1000, Y0), (X0 + 1000, Y0 + 300)]]
    )
    net = network_from_roads(roads)
    schools = gpd.GeoDataFrame(
        {"school_id": ["A", "B"], "name": ["南街小学", "北街小学"], "level": ["primary", "primary"]},
        geometry=[shapely.Point(X0 + 100, Y0 + 2), shapely.Point(X0 + 500, Y0 + 302)],
        crs=UTM,
    )
    sites = prepare_sites(schools)
    hz = _hazards([("h", "food_safety", "流动摊贩", X0 + 150, Y0 + 298)])
    row = nearest_schools(hz, sites, network=net).table.iloc[0]
    assert row["school_id"] == "A"  # 296 m as the crow flies
    assert row["net_school_id"] == "B"  # 2 + 350 + 2 m on foot along the north street
    assert row["net_dist_m"] == pytest.approx(354, abs=0.5)
    assert row["net_dist_to_nearest_m"] == pytest.approx(2 + 850 + 300 + 900 + 2, abs=1)


@pytest.fixture(scope="module")
def demo_net():
    demo = load_demo()
    return demo, SchoolSites.from_district(demo), network_from_roads(demo.roads)


def test_demo_every_rule_is_checked_with_the_network(demo_net):
    demo, sites, net = demo_net
    check = check_rules(demo.hazards, sites, network=net)
    assert check.by_rule["checked"].all()
    zone = check.violations.query("rule_id == 'school_traffic_zone_150'").set_index("hazard_id")
    # truth: "traffic 100 m along 人民路 from the gate"
    assert zone.loc["YH2026-0018", "distance_m"] == pytest.approx(100, abs=5)
    assert (zone["distance_m"] <= 150).all()
    assert len(check.skipped) == demo.hazards.geometry.isna().sum()


def test_demo_game_room_walking_vs_straight(demo_net):
    demo, sites, net = demo_net
    truth = pd.read_csv(TRUTH, skiprows=1).set_index("hazard_id").loc["YH2026-0012"]
    hz = demo.hazards[demo.hazards["hazard_id"] == "YH2026-0012"].copy()
    hz = gpd.GeoDataFrame(hz.assign(geometry=[shapely.Point(truth["true_lon"], truth["true_lat"])]), crs=4326)
    # on foot the game room is more than 500 m round the blocks from the gates: no walking-rule hit
    walk = check_rules(hz, sites, network=net)
    assert walk.violations.empty
    assert walk.by_rule.set_index("rule_id").loc["entertainment_school_200", "n_candidates"] == 1
    # a county that measures entertainment venues from the gate in a straight line overrides the rule
    rules = merge_rules(walk.rules, [{"rule_id": "entertainment_school_200", "measure": "gate"}])
    hit = check_rules(hz, sites, rules, network=net).violations
    assert hit[["school_name", "rule_id"]].values.tolist() == [["青岚县第二中学", "entertainment_school_200"]]
    assert hit["distance_m"].iloc[0] == pytest.approx(128, abs=2)
