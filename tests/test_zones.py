"""School zones and hazard analysis: exact distances, rules, joins, summaries, risk, bad input."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from hutan_geo.analysis import (
    RiskParams,
    SchoolSites,
    area_summary,
    check_rules,
    export_table,
    hazards_within,
    load_rules,
    merge_rules,
    nearest_schools,
    prepare_sites,
    risk_scores,
    school_counts,
    school_zones,
    split_placed,
)
from hutan_geo.analysis.kernel import pairs_within as _pairs_kernel
from hutan_geo.demo import load_demo
from hutan_geo.errors import CRSError, EmptyInputError, InputError, MissingColumnsError

UTM = 32649
X0, Y0 = 600_000.0, 3_000_000.0
TRUTH = Path(__file__).resolve().parent.parent / "data" / "truth" / "hazards_truth.csv"


def _schools(rows: list[tuple[str, str, str, float, float]], crs: int = UTM) -> gpd.GeoDataFrame:
    """School points (main gates): id, name, level, x, y."""
    return gpd.GeoDataFrame(
        {
            "school_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "level": [r[2] for r in rows],
            "township": ["城关镇"] * len(rows),
        },
        geometry=[shapely.Point(r[3], r[4]) for r in rows],
        crs=crs,
    )


def _hazards(rows: list[tuple], crs: int = UTM) -> gpd.GeoDataFrame:
    """Hazards: id, category, description, x, y[, severity, status]."""
    return gpd.GeoDataFrame(
        {
            "hazard_id": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "description": [r[2] for r in rows],
            "severity": [r[5] if len(r) > 5 else "medium" for r in rows],
            "status": [r[6] if len(r) > 6 else "found" for r in rows],
        },
        geometry=[shapely.Point(r[3], r[4]) if r[3] is not None else None for r in rows],
        crs=crs,
    )


@pytest.fixture
def square_school() -> SchoolSites:
    """One primary school: a 100 m x 100 m campus, main gate mid-south, a north gate."""
    schools = _schools([("S1", "城关一小", "primary", X0 + 50, Y0)])
    campus = gpd.GeoDataFrame({"school_id": ["S1"]}, geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100)], crs=UTM)
    gates = gpd.GeoDataFrame(
        {"school_id": ["S1", "S1"], "gate_name": ["正门", "北门"], "is_main": [True, False]},
        geometry=[shapely.Point(X0 + 50, Y0), shapely.Point(X0 + 50, Y0 + 100)],
        crs=UTM,
    )
    return prepare_sites(schools, campus, gates)


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def demo_sites(demo) -> SchoolSites:
    return SchoolSites.from_district(demo)


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(TRUTH, skiprows=1)


# ----------------------------------------------------------------------- exact distances


def test_boundary_distance_199_9_in_200_1_out_inside_zero(square_school):
    hz = _hazards(
        [
            ("in", "traffic", "", X0 + 50, Y0 - 199.9),
            ("out", "traffic", "", X0 + 50, Y0 - 200.1),
            ("inside", "traffic", "", X0 + 20, Y0 + 20),
            ("corner", "traffic", "", X0 + 100 + 120, Y0 + 100 + 160),  # 200 m from the corner
        ]
    )
    pairs = hazards_within(hz, square_school, 200).pairs.set_index("hazard_id")
    assert set(pairs.index) == {"in", "inside", "corner"}
    assert pairs.loc["in", "dist_m"] == pytest.approx(199.9, abs=1e-6)
    assert pairs.loc["inside", "dist_m"] == 0.0
    assert pairs.loc["corner", "dist_m"] == pytest.approx(200.0, abs=1e-9)
    assert (pairs["measured_from"] == "campus").all()


def test_gate_distance_is_to_the_nearest_gate(square_school):
    hz = _hazards([("n", "traffic", "", X0 + 50, Y0 + 250), ("s", "traffic", "", X0 + 50, Y0 - 120)])
    pairs = hazards_within(hz, square_school, 200, measure="gate").pairs.set_index("hazard_id")
    assert pairs.loc["n", "dist_m"] == pytest.approx(150.0)
    assert pairs.loc["n", "measured_from"] == "北门"
    assert pairs.loc["s", "dist_m"] == pytest.approx(120.0)
    assert pairs.loc["s", "measured_from"] == "正门"


def test_nearest_school_straight_line(square_school):
    hz = _hazards([("a", "traffic", "", X0 + 400, Y0 + 50), ("b", "traffic", "", X0 + 50, Y0 + 50)])
    table = nearest_schools(hz, square_school).table.set_index("hazard_id")
    assert table.loc["a", "dist_m"] == pytest.approx(300.0)
    assert table.loc["b", "dist_m"] == 0.0
    assert (table["school_id"] == "S1").all()
    far = nearest_schools(hz, square_school, max_dist_m=100).table.set_index("hazard_id")
    assert pd.isna(far.loc["a", "school_id"])
    assert math.isnan(far.loc["a", "dist_m"])


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_h=st.integers(0, 300),
    n_s=st.integers(1, 40),
    d=st.floats(1.0, 400.0),
    kind=st.sampled_from(["points", "polygons", "holes", "multipolygons", "mixed"]),
)
def test_exact_pairs_match_brute_force_and_dwithin(seed, n_h, n_s, d, kind):
    rng = np.random.default_rng(seed)
    hz = shapely.points(rng.uniform(0, 2000, (n_h, 2)))
    centres = rng.uniform(0, 2000, (n_s, 2))
    discs = shapely.buffer(shapely.points(centres), rng.uniform(5, 80, n_s), quad_segs=int(rng.integers(1, 6)))
    if kind == "points":
        sites = shapely.points(centres)
    elif kind == "polygons":
        sites = discs
    elif kind == "holes":  # campus rings around a courtyard: a hazard in the hole is outside
        sites = shapely.difference(discs, shapely.buffer(shapely.points(centres), 4))
    elif kind == "multipolygons":
        sites = shapely.union(discs, shapely.buffer(shapely.points(centres + 150), 20))
    else:
        sites = np.where(rng.random(n_s) < 0.5, shapely.points(centres), discs)
    hi, si, dist = _pairs_kernel(hz, sites, d)
    brute = shapely.distance(hz[:, None], sites[None, :]) if n_h else np.empty((0, n_s))
    expected = set(zip(*np.nonzero(brute <= d), strict=True))
    assert set(zip(hi.tolist(), si.tolist(), strict=True)) == {(int(a), int(b)) for a, b in expected}
    np.testing.assert_allclose(dist, brute[hi, si], rtol=0, atol=1e-9)  # bitwise equal on x86-64
    tree_s, tree_h = shapely.STRtree(sites).query(hz, predicate="dwithin", distance=d)
    assert set(zip(hi.tolist(), si.tolist(), strict=True)) == set(zip(tree_s.tolist(), tree_h.tolist(), strict=True))
    # threads give the same answer in the same order
    hi2, si2, dist2 = _pairs_kernel(hz, sites, d, n_jobs=2, chunk=7)
    np.testing.assert_array_equal(hi, hi2)
    np.testing.assert_array_equal(si, si2)
    np.testing.assert_array_equal(dist, dist2)


# ----------------------------------------------------------------------- rules


def test_demo_internet_cafe_violates_the_200_m_rule_with_its_source(demo, demo_sites, truth):
    check = check_rules(demo.hazards, demo_sites)
    hit = check.violations.query("hazard_id == 'YH2026-0128'")
    assert len(hit) == 1
    row = hit.iloc[0]
    assert row["school_name"] == "城关中学"
    assert row["rule_id"] == "internet_cafe_200"
    assert row["limit_m"] == 200.0
    assert row["measure"] == "boundary"
    assert row["measured_from"] == "campus"
    assert "第九条" in row["source"]
    assert "互联网上网服务营业场所管理条例" in row["source"]
    # truth: 86 m from the campus boundary (the recorded point is the observed one, GCJ-02 corrected)
    assert 70 < row["distance_m"] < 100
    # the same check from the true point
    t = truth.set_index("hazard_id").loc["YH2026-0128"]
    placed = demo.hazards.copy()
    idx = placed.index[placed["hazard_id"] == "YH2026-0128"][0]
    placed.loc[idx, "geometry"] = shapely.Point(t["true_lon"], t["true_lat"])
    again = check_rules(placed, demo_sites, lang="en").violations.query("hazard_id == 'YH2026-0128'")
    assert again["distance_m"].iloc[0] == pytest.approx(86, abs=2)
    assert "State Council Order No. 363" in again["source"].iloc[0]


def test_unplaced_hazards_are_skipped_and_reported(demo, demo_sites):
    check = check_rules(demo.hazards, demo_sites)
    n_unplaced = int(demo.hazards.geometry.isna().sum())
    assert len(check.skipped) == n_unplaced > 0
    assert set(check.skipped["reason_code"]) == {"needs_geocoding"}
    assert "YH2026-0012" in set(check.skipped["hazard_id"])  # the game room, not yet geocoded
    for result in (
        hazards_within(demo.hazards, demo_sites),
        nearest_schools(demo.hazards, demo_sites),
        school_counts(demo.hazards, demo_sites),
        risk_scores(demo.hazards, demo_sites),
        area_summary(demo.hazards, demo_sites, demo.townships),
    ):
        assert len(result.skipped) == n_unplaced


def test_game_room_from_truth_is_a_walking_rule_candidate(demo, demo_sites, truth):
    t = truth.set_index("hazard_id").loc["YH2026-0012"]
    hz = demo.hazards[demo.hazards["hazard_id"] == "YH2026-0012"].copy()
    hz["geometry"] = [shapely.Point(t["true_lon"], t["true_lat"])]
    hz = gpd.GeoDataFrame(hz, geometry="geometry", crs=4326)
    check = check_rules(hz, demo_sites)
    by_rule = check.by_rule.set_index("rule_id")
    assert not by_rule.loc["entertainment_school_200", "checked"]
    assert by_rule.loc["entertainment_school_200", "n_candidates"] == 1
    assert "路网" in by_rule.loc["entertainment_school_200", "reason"]
    pairs = hazards_within(hz, demo_sites, 200, measure="gate").pairs
    near = pairs[pairs["school_id"] == demo_sites.schools.set_index("name").loc["青岚县第二中学", "school_id"]]
    assert near["dist_m"].iloc[0] == pytest.approx(128, abs=2)


def test_kindergarten_and_school_limits_differ(square_school):
    schools = _schools([("S1", "城关一小", "primary", X0, Y0), ("K1", "阳光幼儿园", "kindergarten", X0 + 5000, Y0)])
    sites = prepare_sites(schools)
    hz = _hazards(
        [
            ("t-school", "other", "校门口烟草专卖店", X0, Y0 + 150),
            ("t-kinder", "other", "烟酒店销售香烟", X0 + 5000, Y0 + 150),
            ("t-kinder-near", "other", "彩票投注站", X0 + 5000, Y0 + 80),
            ("cafe-kinder", "cultural_market", "网吧", X0 + 5000, Y0 + 60),
        ]
    )
    v = check_rules(hz, sites).violations
    hits = set(zip(v["hazard_id"], v["rule_id"], strict=True))
    assert ("t-school", "tobacco_lottery_school_200") in hits
    assert ("t-kinder-near", "tobacco_lottery_kindergarten_100") in hits
    assert not any(h == "t-kinder" for h, _ in hits)  # 150 m > 100 m for kindergartens
    assert not any(h == "cafe-kinder" for h, _ in hits)  # the internet-café rule covers schools only
    assert (v["measured_from"] == "正门").all()  # the gate measured from (the school point: its main gate)


def test_user_override_and_added_rule(demo, demo_sites):
    rules = merge_rules(
        load_rules(),
        [
            {"rule_id": "internet_cafe_200", "distance_m": 50},
            {
                "rule_id": "billiards_100",
                "name_zh": "台球室距校园100米",
                "category": "社会治安",
                "match": "台球",
                "facility": "中小学",
                "distance_m": 100,
                "measure": "校园边界",
                "source": "本县护校安园工作方案（示例）",
            },
        ],
    )
    table = rules.set_index("rule_id")
    assert table.loc["internet_cafe_200", "distance_m"] == 50
    assert table.loc["internet_cafe_200", "preset"] == "custom"
    assert table.loc["internet_cafe_200", "source"].startswith("《互联网上网服务营业场所管理条例》")
    hz = _hazards(
        [
            ("cafe", "cultural_market", "网吧接纳未成年人", X0 + 50, Y0 - 80),
            ("pool", "public_order", "台球室、KTV接纳未成年学生", X0 + 50, Y0 - 90),
        ]
    )
    campus = gpd.GeoDataFrame({"school_id": ["S1"]}, geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100)], crs=UTM)
    sites = prepare_sites(_schools([("S1", "城关一小", "primary", X0 + 50, Y0)]), campus)
    v = check_rules(hz, sites, rules).violations
    assert set(zip(v["hazard_id"], v["rule_id"], strict=True)) == {("pool", "billiards_100")}
    assert v["source"].iloc[0] == "本县护校安园工作方案（示例）"
    # the default table still flags the café at 80 m
    v0 = check_rules(hz, sites).violations
    assert ("cafe", "internet_cafe_200") in set(zip(v0["hazard_id"], v0["rule_id"], strict=True))


def test_user_rules_file_in_gbk_with_chinese_headers(tmp_path, build, square_school):
    path = build.csv(
        tmp_path / "规则.csv",
        [
            ["规则编号", "规则名称", "隐患类别", "关键词", "适用对象", "距离（米）", "测量方式", "依据"],
            ["cafe300", "网吧300米", "文化市场", "网吧|网咖", "中小学", "300", "校园边界直线距离", "地方规定（示例）"],
        ],
        encoding="gbk",
        title="某县校园周边距离规则",
    )
    rules = load_rules(path)
    assert rules.loc[0, ["rule_id", "facility", "measure", "distance_m"]].tolist() == [
        "cafe300",
        "school",
        "boundary",
        300.0,
    ]
    assert rules.loc[0, "source_row"] == 3  # title row, header row, then the rule
    hz = _hazards([("c", "cultural_market", "网咖", X0 + 50, Y0 - 250)])
    v = check_rules(hz, square_school, rules).violations
    assert v[["hazard_id", "rule_id"]].values.tolist() == [["c", "cafe300"]]


def test_bad_rules_file_names_file_row_and_column(tmp_path, build):
    path = build.csv(
        tmp_path / "rules.csv",
        [
            ["规则编号", "适用对象", "距离（米）", "测量方式", "依据"],
            ["r1", "中小学", "二百", "校园边界", "x"],
            ["r2", "高校", "100", "飞行距离", "x"],
        ],
    )
    with pytest.raises(InputError, match=r"rules\.csv: .*row 2, column '距离（米）'.*'二百'") as err:
        load_rules(path)
    assert "row 3, column '适用对象'" in str(err.value)
    assert "row 3, column '测量方式'" in str(err.value)
    with pytest.raises(InputError, match="presets=\\['nowhere'\\]"):
        load_rules(presets=["nowhere"])
    with pytest.raises(InputError, match="new rule and needs"):
        merge_rules(load_rules(), [{"rule_id": "brand_new", "distance_m": 10}])


def test_default_rules_table_ships_the_issue_defaults():
    rules = load_rules(presets="all").set_index("rule_id")
    assert rules.loc["internet_cafe_200", ["distance_m", "measure", "facility"]].tolist() == [
        200.0,
        "boundary",
        "school",
    ]
    assert rules.loc["school_traffic_zone_150", ["distance_m", "measure", "kind"]].tolist() == [150.0, "road", "zone"]
    assert "GB 5768.8-2018" in rules.loc["school_traffic_zone_150", "source"]
    assert rules.loc["entertainment_school_200", ["distance_m", "measure"]].tolist() == [200.0, "walk"]
    assert rules.loc["entertainment_kindergarten_100", ["distance_m", "facility"]].tolist() == [100.0, "kindergarten"]
    assert rules.loc["tobacco_lottery_school_200", "distance_m"] == 200
    assert rules.loc["tobacco_lottery_kindergarten_100", "distance_m"] == 100
    assert rules.loc["tobacco_lottery_50", ["distance_m", "enabled"]].tolist() == [50.0, False]
    assert rules["source"].str.len().gt(10).all()
    assert "tobacco_lottery_50" not in set(load_rules()["rule_id"])


# ----------------------------------------------------------------------- fallback, CRS, empty input


def test_school_without_campus_falls_back_to_gates_and_is_flagged():
    schools = _schools([("S1", "有围墙小学", "primary", X0 + 50, Y0), ("S2", "无围墙小学", "primary", X0 + 3000, Y0)])
    campus = gpd.GeoDataFrame({"school_id": ["S1"]}, geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100)], crs=UTM)
    sites = prepare_sites(schools, campus)
    table = sites.schools.set_index("school_id")
    assert table.loc["S2", "campus_missing"]
    assert table.loc["S2", "measured_from"] == "gate"
    assert not table.loc["S1", "campus_missing"]
    hz = _hazards([("c", "cultural_market", "网吧", X0 + 3000, Y0 + 120)])
    v = check_rules(hz, sites).violations
    assert v[["school_id", "measured_from", "campus_missing"]].values.tolist() == [["S2", "gate_fallback", True]]
    assert v["distance_m"].iloc[0] == pytest.approx(120)
    zones = school_zones(sites, [100]).set_index("school_id")
    assert zones.loc["S2", "campus_missing"]
    assert zones.loc["S2", "area_m2"] == pytest.approx(math.pi * 100**2, rel=0.01)  # a gate buffer
    assert zones.loc["S1", "area_m2"] == pytest.approx(100 * 100 + 4 * 100 * 100 + math.pi * 100**2, rel=0.01)
    # a disc of 30 m standing in for the missing campus
    wide = prepare_sites(schools, campus, fallback_radius_m=30)
    assert hazards_within(hz, wide, 200).pairs["dist_m"].iloc[0] == pytest.approx(90)


def test_geographic_input_is_projected_to_the_local_utm_zone(square_school):
    hz = _hazards([("a", "traffic", "", X0 + 50, Y0 - 150), ("b", "traffic", "", X0 + 300, Y0 + 50)])
    metric = hazards_within(hz, square_school, 250).pairs
    schools_wgs = square_school.points.to_crs(4326)
    wgs_schools = gpd.GeoDataFrame(
        {"school_id": ["S1"], "name": ["城关一小"], "level": ["primary"]}, geometry=schools_wgs.values, crs=4326
    )
    campus = gpd.GeoDataFrame(
        {"school_id": ["S1"]}, geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100)], crs=UTM
    ).to_crs(4326)
    sites = prepare_sites(wgs_schools, campus)
    assert sites.crs.to_epsg() == UTM
    wgs = hazards_within(hz.to_crs(4326), sites, 250).pairs
    np.testing.assert_allclose(wgs["dist_m"], metric["dist_m"], atol=1e-3)
    # a metric_crs that is not metric is refused
    with pytest.raises(CRSError, match="not in metres"):
        prepare_sites(wgs_schools, metric_crs=4326)


def test_crs_mistakes_are_explained():
    bare = gpd.GeoDataFrame({"hazard_id": ["a"], "category": ["traffic"]}, geometry=[shapely.Point(1, 2)])
    with pytest.raises(CRSError, match=r"hazards has no CRS; set it first"):
        split_placed(bare)
    lonlat_as_utm = _hazards([("a", "traffic", "", 113.3, 27.6)], crs=UTM)
    with pytest.raises(CRSError, match=r"look like longitude/latitude.*set_crs\(4326"):
        split_placed(lonlat_as_utm)
    metres_as_degrees = _hazards([("a", "traffic", "", X0, Y0)], crs=4326)
    with pytest.raises(CRSError, match="look like metres"):
        split_placed(metres_as_degrees)


def test_empty_and_unplaced_inputs(square_school):
    empty = _hazards([])
    assert len(hazards_within(empty, square_school).pairs) == 0
    counts = school_counts(empty, square_school).table
    assert counts["n_hazards"].tolist() == [0]
    assert len(check_rules(empty, square_school).violations) == 0
    assert len(risk_scores(empty, square_school).components) == 0
    unplaced = _hazards([("a", "traffic", "x", None, None), ("b", "other", "y", None, None)])
    result = hazards_within(unplaced, square_school)
    assert len(result.pairs) == 0
    assert result.skipped["hazard_id"].tolist() == ["a", "b"]
    assert set(result.skipped["reason_code"]) == {"no_geometry"}
    with pytest.raises(EmptyInputError, match="schools is empty"):
        prepare_sites(_schools([]))
    with pytest.raises(MissingColumnsError, match=r"hazards lacks column\(s\) \['category'\]"):
        hazards_within(empty.drop(columns="category"), square_school)
    with pytest.raises(InputError, match="hazards must be a GeoDataFrame"):
        hazards_within(pd.DataFrame({"hazard_id": []}), square_school)
    with pytest.raises(InputError, match="distance_m must be a distance in metres >= 0"):
        hazards_within(empty, square_school, -5)
    with pytest.raises(InputError, match=r"level values \['大学'\] are not school levels"):
        prepare_sites(_schools([("U1", "某大学", "大学", X0, Y0)]))
    # Chinese level labels are understood
    assert prepare_sites(_schools([("K1", "幼儿园", "幼儿园", X0, Y0)])).schools["facility"].tolist() == [
        "kindergarten"
    ]


# ----------------------------------------------------------------------- joins and summaries


def test_school_counts_by_category_severity_and_status(square_school):
    hz = _hazards(
        [
            ("1", "traffic", "", X0 + 50, Y0 - 10, "high", "found"),
            ("2", "traffic", "", X0 + 50, Y0 - 20, "low", "closed"),
            ("3", "food_safety", "", X0 + 50, Y0 - 30, "medium", "rectified"),
            ("4", "food_safety", "", X0 + 50, Y0 - 300, "medium", "found"),  # outside 200 m
        ]
    )
    row = school_counts(hz, square_school).table.iloc[0]
    assert row[["n_hazards", "n_open", "n_closed"]].tolist() == [3, 1, 2]
    assert row[["cat_traffic", "cat_food_safety", "open_traffic", "open_food_safety"]].tolist() == [2, 1, 1, 0]
    assert row[["sev_high", "sev_low", "sev_medium"]].tolist() == [1, 1, 1]
    assert row[["status_found", "status_closed", "status_rectified"]].tolist() == [1, 1, 1]


def test_area_summary_accounts_for_every_hazard_and_school(demo, demo_sites):
    for areas in (demo.townships, demo.precincts):
        summary = area_summary(demo.hazards, demo_sites, areas, rule_check=check_rules(demo.hazards, demo_sites))
        table = summary.table
        assert table["n_hazards"].sum() + len(summary.skipped) == len(demo.hazards)
        assert table["n_schools"].sum() == len(demo.schools)
        assert (table["n_open"] + table["n_closed"] == table["n_hazards"]).all()
        cats = [c for c in table.columns if c.startswith("cat_")]
        assert (table[cats].sum(axis=1) == table["n_hazards"]).all()
        assert table["n_violations"].sum() >= 1
    # schools' township column agrees with the spatial join
    by_name = area_summary(demo.hazards, demo_sites, demo.townships).table.set_index("area")["n_schools"]
    assert by_name.to_dict() == demo.schools["township"].value_counts().to_dict()


# ----------------------------------------------------------------------- zones


def test_rings_bands_and_dissolve(square_school):
    rings = school_zones(square_school, [50, 100, 200])
    assert rings["ring_m"].tolist() == [50.0, 100.0, 200.0]
    exact = [100 * 100 + 4 * 100 * r + math.pi * r * r for r in (50, 100, 200)]
    np.testing.assert_allclose(rings["area_m2"], exact, rtol=2e-3)
    bands = school_zones(square_school, [50, 100, 200], bands=True)
    assert bands["inner_m"].tolist() == [0.0, 50.0, 100.0]
    np.testing.assert_allclose(bands["area_m2"].sum(), rings["area_m2"].iloc[-1], rtol=1e-9)
    gate = school_zones(square_school, [30], origin="gate")
    assert gate["area_m2"].iloc[0] == pytest.approx(2 * math.pi * 30**2, rel=0.01)  # two gates, 100 m apart
    assert gate.crs.to_epsg() == UTM


def test_zones_dissolved_per_township(demo, demo_sites):
    per_school = school_zones(demo_sites, [200])
    per_town = school_zones(demo_sites, [200], dissolve_by="township")
    assert set(per_town["township"]) == set(demo.schools["township"])
    assert per_town["n_schools"].sum() == len(demo.schools)
    # a union is never larger than the sum of its parts
    for town, group in per_school.groupby("township"):
        merged = per_town.set_index("township").loc[town, "area_m2"]
        assert merged <= group["area_m2"].sum() + 1e-6
    with pytest.raises(InputError, match="dissolve_by='county' is not a school column"):
        school_zones(demo_sites, [200], dissolve_by="county")


# ----------------------------------------------------------------------- risk


def test_risk_score_components_multiply_and_sum(demo, demo_sites):
    params = RiskParams(radius_m=300, category_weights={"traffic": 1.5}, closed_weight=0.25)
    risk = risk_scores(demo.hazards, demo_sites, params)
    comp = risk.components
    product = comp["w_category"] * comp["w_severity"] * comp["w_decay"] * comp["w_status"]
    np.testing.assert_allclose(comp["contribution"], product)
    np.testing.assert_allclose(comp["w_decay"], 1 - comp["dist_m"] / 300)
    assert set(comp.loc[comp["status"].isin(["closed", "rectified"]), "w_status"]) <= {0.25}
    assert set(comp.loc[comp["category"] == "traffic", "w_category"]) == {1.5}
    by_school = comp.groupby("school_id")["contribution"].sum()
    table = risk.schools.set_index("school_id")
    np.testing.assert_allclose(table.loc[by_school.index, "score"], by_school)
    parts = table[[c for c in table.columns if c.startswith("score_")]].sum(axis=1)
    np.testing.assert_allclose(parts, table["score"])
    assert table["rank"].min() == 1
    assert table.loc[table["score"].idxmax(), "rank"] == 1


def test_risk_params_validate_themselves():
    with pytest.raises(InputError, match="category_weights has unknown keys \\['fire'\\]"):
        RiskParams(category_weights={"fire": 1.0})
    with pytest.raises(InputError, match="radius_m must be a distance in metres > 0"):
        RiskParams(radius_m=0)
    with pytest.raises(InputError, match="severity_weights must be numbers >= 0"):
        RiskParams(severity_weights={"high": -1})
    p = RiskParams()
    with pytest.raises(TypeError):
        p.category_weights["traffic"] = 9  # type: ignore[index]


# ----------------------------------------------------------------------- export


def test_export_headers_in_chinese_and_english(demo, demo_sites):
    v = check_rules(demo.hazards, demo_sites).violations
    zh = export_table(v)
    assert {"隐患编号", "学校名称", "规则", "实测距离（米）", "限制距离（米）", "测量方式", "依据"} <= set(zh.columns)
    assert set(zh["隐患类别"]) <= {"交通安全", "食品安全", "社会治安", "文化市场", "其他"}
    en = export_table(check_rules(demo.hazards, demo_sites, lang="en").violations, lang="en")
    assert {"hazard id", "school", "rule", "distance (m)", "limit (m)", "legal source"} <= set(en.columns)
    counts = export_table(school_counts(demo.hazards, demo_sites).table)
    assert "交通安全（条）" in counts.columns
    assert "交通安全（未整改）" in counts.columns
    skipped = export_table(check_rules(demo.hazards, demo_sites).skipped)
    assert skipped["原因代码"].iloc[0].startswith("待地理编码")
