"""Offline geocoding of the demo district's Chinese addresses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest

from hutan_geo.errors import InputError
from hutan_geo.geocode import Gazetteer, build_gazetteer, geocode, geocode_hazards, normalise_address
from hutan_geo.network import network_from_roads

TRUTH = Path(__file__).resolve().parents[1] / "data" / "truth" / "hazards_truth.csv"


@pytest.fixture(scope="module")
def truth(demo) -> pd.DataFrame:
    t = pd.read_csv(TRUTH, skiprows=1)
    return demo.hazards[["hazard_id", "address"]].merge(t, on="hazard_id")


def _metres(gaz: Gazetteer, lon1, lat1, lon2, lat2) -> np.ndarray:
    tr = pyproj.Transformer.from_crs(4326, gaz.metric_crs, always_xy=True)
    x1, y1 = tr.transform(np.asarray(lon1, float), np.asarray(lat1, float))
    x2, y2 = tr.transform(np.asarray(lon2, float), np.asarray(lat2, float))
    return np.hypot(np.asarray(x1) - x2, np.asarray(y1) - y2)


def _one(gaz: Gazetteer, address: str) -> pd.Series:
    return geocode(gaz, [address]).results.iloc[0]


def _error_to_truth(gaz: Gazetteer, truth: pd.DataFrame, hazard_id: str) -> tuple[pd.Series, float]:
    row = truth.loc[truth["hazard_id"] == hazard_id].iloc[0]
    got = _one(gaz, row["address"])
    return got, float(_metres(gaz, got["lon"], got["lat"], row["true_lon"], row["true_lat"]))


def test_normalise_address_folds_width_spaces_and_numerals():
    assert normalise_address(" 人民路 １２８号 ") == "人民路128号"
    assert normalise_address("人民路一百二十八号") == "人民路128号"
    assert normalise_address("解放路／青年路　路口") == "解放路/青年路路口"
    assert normalise_address(None) == ""


@pytest.mark.parametrize("hazard_id", ["YH2026-0011", "YH2026-0014", "YH2026-0016", "YH2026-0122"])
def test_intersection_forms_within_30_m_of_true_crossing(gaz, truth, hazard_id):
    got, err = _error_to_truth(gaz, truth, hazard_id)
    assert got["match_type"] == "intersection"
    assert got["accepted"]
    assert err < 30


def test_national_road_matched_by_ref_and_by_name(demo, gaz):
    by_name = _one(gaz, "人民路与207国道交叉口")
    by_ref = _one(gaz, "人民路和G207交汇处")
    assert by_name["match_type"] == by_ref["match_type"] == "intersection"
    assert by_name["accepted"]
    assert (by_name["lon"], by_name["lat"]) == (by_ref["lon"], by_ref["lat"])
    # the true junction: a network node where an edge of each road ends
    net = network_from_roads(demo.roads)
    edges = net.edges
    ends = lambda name: set(edges.loc[edges["name"] == name, "u"]) | set(edges.loc[edges["name"] == name, "v"])  # noqa: E731
    common = sorted(ends("人民路") & ends("207国道"))
    assert common
    node = net.nodes.to_crs(4326).loc[common[0]].geometry
    assert _metres(gaz, by_name["lon"], by_name["lat"], node.x, node.y) < 30


def test_relative_offset_is_anchored_on_the_named_gate(gaz):
    got = _one(gaz, "城关一小东门外50米")
    assert got["match_type"] == "relative_offset"
    assert got["matched"].startswith("城关第一小学东门")
    school = next(s for s in gaz.schools.values() if s.name == "城关第一小学")
    gx, gy = gaz.lonlat(*school.gates["东门"])
    assert _metres(gaz, got["lon"], got["lat"], gx, gy) == pytest.approx(50, abs=1)


@pytest.mark.parametrize("hazard_id", ["YH2026-0037", "YH2026-0018", "YH2026-0008"])
def test_relative_offsets_match_the_truth(gaz, truth, hazard_id):
    got, err = _error_to_truth(gaz, truth, hazard_id)
    assert got["match_type"] == "relative_offset"
    assert err < 30


def test_campus_side_offset_is_honest_about_a_long_side(gaz):
    got = _one(gaz, "县一中南侧约100米")
    assert got["match_type"] == "relative_offset"
    assert not got["accepted"]  # 378 m wide campus: where along the side is unknown
    assert "campus boundary" in got["reason"]


@pytest.mark.parametrize(
    ("address", "school"),
    [
        ("县一中正门", "青岚县第一中学"),
        ("一中门口", "青岚县第一中学"),
        ("城关一小东门口", "城关第一小学"),
        ("县实小南门口", "青岚县实验小学"),
        ("职中校门往东20米", "青岚县职业中专"),
        ("龙岗中学校门外10米", "龙岗镇中学"),
    ],
)
def test_abbreviations(gaz, address, school):
    got = _one(gaz, address)
    assert got["matched"].startswith(school)
    assert got["accepted"]


def test_full_width_digits_give_the_same_point(gaz):
    half = _one(gaz, "学府路77号")
    full = _one(gaz, "学府路７７号")
    assert half["match_type"] == full["match_type"] == "road"
    assert (half["lon"], half["lat"]) == (full["lon"], full["lat"])
    assert half["accepted"]


def test_typos_are_matched_fuzzily_with_lower_confidence(gaz):
    right = _one(gaz, "人民路618号")
    typo = _one(gaz, "人名路618号")
    assert typo["matched"] == "人民路618号"
    assert typo["confidence"] < right["confidence"]
    assert _one(gaz, "城管一小门口")["matched"].startswith("城关第一小学")


def test_house_numbers_interpolated_only_where_numbers_exist(gaz):
    between = _one(gaz, "人民路617号")
    assert "interpolated" in between["reason"]
    prefixed = _one(gaz, "湖南省青岚县城关镇人民路223号")  # administrative prefixes of the district
    assert prefixed["matched"] == "人民路223号"
    assert prefixed["accepted"]
    unknown = _one(gaz, "马王路49号")
    assert unknown["match_type"] == "road"
    assert not unknown["accepted"]
    assert "road level" in unknown["reason"]


def test_place_poi_and_village(gaz):
    market = _one(gaz, "龙岗镇农贸市场旁")
    assert market["match_type"] == "poi"
    assert market["accepted"]
    village = _one(gaz, "西门村村口")
    assert village["match_type"] == "place"
    assert village["matched"] == "西门村"
    assert not village["accepted"]  # a village is an area: a planner places the point


def test_ambiguous_crossing_and_name_go_to_review_with_candidates(gaz):
    res = geocode(gaz, ["南城大道、红旗二巷交叉路口", "中心小学门口"])
    r = res.results
    assert not r["accepted"].any()
    assert "ambiguous" in r.iloc[0]["reason"]
    assert len(r.iloc[0]["candidates"]) >= 2
    assert len(r.iloc[1]["candidates"]) >= 2
    assert list(res.review.index) == [0, 1]
    assert res.review["候选"].str.len().gt(0).all()


def test_low_confidence_rows_are_reviewed_not_placed(gaz):
    res = geocode(gaz, ["青年路", "城关一小东门口"], min_confidence=0.6)
    r = res.results
    assert r.iloc[0]["match_type"] == "road"
    assert r.iloc[0]["confidence"] < 0.6
    assert r.geometry.iloc[0] is None
    assert r.iloc[1]["accepted"]
    assert list(res.review.index) == [0]
    assert set(res.review.columns) >= {"地址", "置信度", "复核原因", "候选"}
    assert geocode(gaz, ["青年路"], min_confidence=0.2).results.iloc[0]["accepted"]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        (float("nan"), "empty"),
        ("hello", "no Chinese"),
        ("人" * 5000, "longer than"),
        ("湖南省长沙市岳麓区麓山南路932号", "outside the district"),
        ("北京市朝阳区建国路88号", "outside the district"),
        (12345, "no Chinese"),
    ],
)
def test_bad_input_is_unmatched_with_a_reason(gaz, address, reason):
    got = geocode(gaz, [address]).results.iloc[0]
    assert got["match_type"] == "unmatched"
    assert got["confidence"] == 0
    assert reason in got["reason"]
    assert not got["accepted"]


def test_empty_batch_and_bad_threshold(gaz):
    assert len(geocode(gaz, []).results) == 0
    with pytest.raises(InputError, match="min_confidence"):
        geocode(gaz, ["一中门口"], min_confidence=1.5)


def test_extra_user_table(demo):
    school = demo.schools.iloc[0].geometry
    extra = pd.DataFrame({"name": ["老街小卖部"], "lon": [school.x + 0.001], "lat": [school.y], "kind": ["poi"]})
    gaz = build_gazetteer(demo, extra=extra)
    got = _one(gaz, "老街小卖部门口")
    assert got["match_type"] == "poi"
    assert got["lon"] == pytest.approx(school.x + 0.001)
    with pytest.raises(InputError, match="lon"):
        build_gazetteer(demo, extra=pd.DataFrame({"name": ["x"]}))


def test_accuracy_on_the_demo_addresses(gaz, truth):
    r = geocode(gaz, truth["address"]).results
    err = _metres(gaz, r["lon"], r["lat"], truth["true_lon"], truth["true_lat"])
    acc = r["accepted"].to_numpy()
    placed_share = acc.mean()
    within_30 = (err[acc] <= 30).mean()
    confidently_wrong = (acc & (err > 100)).mean()
    # measured 2026-11: 76 % placed, 98 % of those within 30 m, 0 % confidently wrong
    assert placed_share >= 0.72
    assert within_30 >= 0.95
    assert confidently_wrong <= 0.01


def test_geocode_hazards_fills_only_rows_to_geocode(demo, gaz):
    res = geocode_hazards(demo, gazetteer=gaz)
    before = demo.hazards
    out = res.results
    assert len(out) == len(before)
    given = ~before["needs_geocoding"].astype(bool)
    assert (out.loc[given, "match_type"] == "given").all()
    assert out.loc[given].geometry.geom_equals(before.loc[given].geometry).all()
    placed = before["needs_geocoding"].astype(bool) & ~out["needs_geocoding"]
    assert placed.sum() > 0.6 * before["needs_geocoding"].sum()
    assert out.loc[placed].geometry.notna().all()
    still = out["needs_geocoding"].astype(bool)
    assert (out.loc[still].geometry.isna() | out.loc[still].geometry.is_empty).all()
    assert "隐患编号" in res.review.columns
    assert res.summary().startswith(f"{int(out['accepted'].sum())}/{len(out)} geocoded")
    assert len(res.review) == int(out["needs_geocoding"].sum())


def test_reverse_geocode_describes_crossing_gate_road_and_far_points(gaz):
    from hutan_geo.geocode import reverse_geocode

    r = geocode(gaz, ["人民路与207国道交叉口", "城关一小东门外30米", "城关一小东门口"]).results
    cross = r.iloc[0]
    pts = [
        (cross["lon"] + 0.0003, cross["lat"] + 0.0003),  # ~ 30 m east, 33 m north
        (r.iloc[2]["lon"], r.iloc[2]["lat"]),
        (100.0, 30.0),
    ]
    out = reverse_geocode(gaz, pts)
    assert out.loc[0, "anchor_kind"] == "intersection"
    assert out.loc[0, "description"].startswith("207国道与人民路交叉口东北约")
    assert 30 < out.loc[0, "distance_m"] < 60
    assert out.loc[1, "description"] == "城关第一小学东门处"
    assert out.loc[2, "description"] == "超出辖区范围"
    desc = reverse_geocode(gaz, r.geometry)
    assert list(desc.index) == list(r.index)
    assert desc.loc[1, "anchor_kind"] == "gate"
    assert desc.loc[1, "description"].startswith("城关第一小学东门")
    assert "约30米" in desc.loc[1, "description"]


def test_reverse_geocode_needs_a_crs(gaz):
    import geopandas as gpd
    from shapely.geometry import Point

    from hutan_geo.geocode import reverse_geocode

    with pytest.raises(InputError, match="CRS"):
        reverse_geocode(gaz, gpd.GeoSeries([Point(113.3, 27.6)]))


def test_geocode_command_writes_results_and_review(tmp_path, capsys):
    from hutan_geo.cli import main

    src = tmp_path / "隐患.csv"
    src.write_bytes("编号,地址\nA1,城关一小东门口\nA2,青年路\nA3,hello\n".encode("gbk"))
    assert main(["geocode", str(src), "--out", str(tmp_path / "out")]) == 0
    full = pd.read_csv(tmp_path / "out" / "隐患_地理编码.csv", encoding="utf-8-sig")
    review = pd.read_csv(tmp_path / "out" / "隐患_地理编码待复核.csv", encoding="utf-8-sig")
    assert list(full["编号"]) == ["A1", "A2", "A3"]
    assert list(full["匹配类型"]) == ["校门", "道路", "未匹配"]
    assert full["经度"].notna().tolist() == [True, False, False]
    assert list(review["编号"]) == ["A2", "A3"]
    assert "复核原因" in review.columns
    assert "待复核" in capsys.readouterr().out


def test_geocode_command_without_address_column_is_one_message(tmp_path, capsys):
    from hutan_geo.cli import main

    src = tmp_path / "x.csv"
    src.write_text("编号,名称\n1,a\n", encoding="utf-8")
    assert main(["geocode", str(src)]) == 2
    assert "address column" in capsys.readouterr().err
