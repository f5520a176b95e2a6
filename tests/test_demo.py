"""Tests of the fictional demo district generator (hutan_geo.demo)."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hutan_geo.demo import DEMO_SEED, DemoDistrict, generate_demo_district, write_demo_files

METRIC = 32649
CAMPAIGN_START = date(2026, 3, 1)
CAMPAIGN_END = date(2026, 11, 20)
REPORT_DATE = date(2026, 11, 29)
TABLES = (
    "schools",
    "campuses",
    "gates",
    "hazards",
    "hazards_truth",
    "stations",
    "guard_posts",
    "roads",
    "places",
    "district",
    "townships",
    "precincts",
    "rivers",
)


@pytest.fixture(scope="module")
def demo() -> DemoDistrict:
    return generate_demo_district()


@pytest.fixture(scope="module")
def written(demo: DemoDistrict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_a")
    write_demo_files(demo, out)
    return out


def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.to_crs(METRIC)


def _parse_date(text: str) -> date | None:
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?", text)
    assert m is not None, f"unparseable date {text!r}"
    return date(int(m[1]), int(m[2]), int(m[3]))


# ------------------------------------------------------------------ determinism


def test_same_seed_gives_equal_frames(demo: DemoDistrict) -> None:
    again = generate_demo_district(seed=DEMO_SEED)
    for name in TABLES:
        a, b = getattr(demo, name), getattr(again, name)
        if isinstance(a, gpd.GeoDataFrame):
            assert a.crs.to_epsg() == 4326
            assert a.geometry.geom_equals_exact(b.geometry, tolerance=0.0).all(), name
            a, b = pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
        pd.testing.assert_frame_equal(a, b, obj=name)


def test_written_files_are_byte_identical(demo: DemoDistrict, written: Path, tmp_path: Path) -> None:
    paths = write_demo_files(demo, tmp_path)
    assert len(paths) == 14
    for p in paths:
        rel = p.relative_to(tmp_path)
        assert (written / rel).read_bytes() == p.read_bytes(), rel


def test_files_say_fictional(written: Path) -> None:
    # every file: a title row, a 说明 column or a note property
    for rel in (
        "README.md",
        "schools/gates.csv",
        "police/stations.csv",
        "police/guard_posts.csv",
        "places/places.csv",
        "truth/hazards_truth.csv",
        "schools/schools.csv",
        "schools/campuses.geojson",
        "hazards/hazards.csv",
        "roads/roads.geojson",
        "roads/rivers.geojson",
        "boundaries/district.geojson",
        "boundaries/townships.geojson",
        "boundaries/precincts.geojson",
    ):
        enc = "gbk" if rel.endswith("hazards.csv") else "utf-8-sig"
        assert "虚构示例数据" in (written / rel).read_text(encoding=enc), rel


def test_file_headers_and_encodings(written: Path) -> None:
    def rows(rel: str, enc: str) -> list[list[str]]:
        with (written / rel).open(encoding=enc, newline="") as fh:
            return list(csv.reader(fh))

    schools = rows("schools/schools.csv", "utf-8-sig")
    assert schools[0] == ["青岚县中小学幼儿园名录（虚构示例数据）"]
    assert schools[1][:4] == ["学校编号", "学校名称", "学段", "地址"]
    assert (written / "schools/schools.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    hazards = rows("hazards/hazards.csv", "gbk")
    assert hazards[0] == ["青岚县校园周边安全隐患排查台账（虚构示例数据）"]
    assert hazards[1][-2:] == ["关联学校", "检查组"]
    assert len(hazards) == 2 + 140
    truth = rows("truth/hazards_truth.csv", "utf-8")[1:]
    assert truth[0] == ["hazard_id", "true_lon", "true_lat", "address_kind", "anchor", "ambiguous", "defect", "intent"]
    assert rows("police/guard_posts.csv", "utf-8-sig")[1] == [
        "护学岗编号",
        "学校编号",
        "校门名称",
        "时段",
        "经度",
        "纬度",
        "派出所",
    ]
    gates = rows("schools/gates.csv", "utf-8-sig")[1:]
    assert gates[0] == ["学校编号", "校门名称", "经度", "纬度", "是否主门"]
    assert all(re.fullmatch(r"\d+\.\d{6}", r[2]) for r in gates[1:])
    roads = gpd.read_file(written / "roads/roads.geojson")
    assert list(roads.columns[:-1]) == [
        "road_id",
        "name",
        "ref",
        "road_class",
        "speed_kph",
        "oneway",
        "bridge",
        "lanes",
        "note",
    ]


# ------------------------------------------------------------------ counts


def test_counts(demo: DemoDistrict) -> None:
    cats = demo.hazards["隐患类别"].value_counts().to_dict()
    assert cats == {"交通安全": 63, "食品安全": 48, "社会治安": 23, "文化市场": 2, "其他": 4}
    assert demo.hazards["隐患编号"].is_unique
    assert list(demo.hazards_truth["hazard_id"]) == list(demo.hazards["隐患编号"])
    assert sorted(demo.hazards_truth["defect"][demo.hazards_truth["defect"] != ""]) == ["bad_date", "swapped_lonlat"]
    assert 55 <= len(demo.schools) <= 65
    assert set(demo.schools["学段"]) == {"幼儿园", "小学", "初中", "高中", "九年一贯制", "完全中学", "职业学校"}
    assert demo.schools["学校编号"].is_unique
    assert demo.schools["学校名称"].is_unique
    assert 6 <= len(demo.stations) <= 8
    assert demo.stations["巡逻车数量"].between(1, 4).all()
    assert 5 <= len(demo.guard_posts) <= 10
    assert 2000 <= len(demo.roads) <= 5000
    assert (demo.roads["name"] == "").mean() <= 0.02
    assert demo.roads.loc[demo.roads["name"] == "", "road_class"].eq("village_road").all()
    with_coords = demo.hazards["经度"].notna()
    assert 0.4 <= with_coords.mean() <= 0.6
    datum = demo.hazards.loc[with_coords, "坐标系"]
    assert datum.isin(["WGS84", "GCJ-02"]).all()
    assert 0.25 <= (datum == "GCJ-02").mean() <= 0.4
    assert (demo.hazards.loc[~with_coords, "坐标系"] == "").all()


def test_big_school_is_next_to_highway(demo: DemoDistrict) -> None:
    s = demo.schools.set_index("学校名称").loc["青岚县第一中学"]
    assert (s["在校人数"], s["寄宿生人数"], s["学段"]) == (6000, 1300, "完全中学")
    camp = _metric(demo.campuses).set_index("学校名称").geometry["青岚县第一中学"]
    roads = _metric(demo.roads)
    assert roads[roads["ref"] == "G207"].distance(camp).min() < 40.0
    places = _metric(demo.places).set_index("名称").geometry
    assert places["西门村"].distance(camp) < 800.0
    assert places["北门村"].distance(camp) < 800.0


# ------------------------------------------------------------------ road network


def test_network_is_noded(demo: DemoDistrict) -> None:
    geoms = _metric(demo.roads).geometry.to_numpy()
    ends = [{tuple(xy) for xy in shapely.get_coordinates(g)[[0, -1]]} for g in geoms]
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = i < j
    for a, b in zip(i[keep], j[keep], strict=True):
        inter = geoms[a].intersection(geoms[b])
        assert inter.geom_type in ("Point", "MultiPoint"), (a, b, inter.geom_type)
        shared = ends[a] & ends[b]
        for xy in shapely.get_coordinates(inter):
            assert tuple(xy) in shared, (a, b, xy)
    assert shapely.length(geoms).min() > 1.0


def test_oneway_and_speeds(demo: DemoDistrict) -> None:
    roads = demo.roads
    assert set(roads["oneway"]) == {0, 1}
    assert roads["bridge"].isin([0, 1]).all()
    speeds = roads.groupby("road_class")["speed_kph"].unique().to_dict()
    assert {k: list(v) for k, v in speeds.items()} == {
        "arterial": [50],
        "collector": [40],
        "county_road": [60],
        "local": [30],
        "national_highway": [60],
        "village_road": [30],
    }
    assert roads["road_id"].is_unique
    assert (roads.loc[roads["ref"] == "G207", "name"] == "207国道").all()


def test_exactly_three_bridges_cross_the_river(demo: DemoDistrict) -> None:
    roads = _metric(demo.roads)
    river = _metric(demo.rivers).geometry.iloc[0]
    crossing = roads[roads.intersects(river)]
    assert len(crossing) == 3
    assert (crossing["bridge"] == 1).all()
    assert roads["bridge"].sum() == 3
    assert sorted(crossing["name"]) == sorted(["207国道", "解放路", "建设大道"])


# ------------------------------------------------------------------ schools


def test_gates_on_campus_boundary_and_near_a_road(demo: DemoDistrict) -> None:
    gates = _metric(demo.gates)
    campus = _metric(demo.campuses).set_index("学校编号").geometry
    tree = shapely.STRtree(_metric(demo.roads).geometry.to_numpy())
    _, dist = tree.query_nearest(gates.geometry.to_numpy(), return_distance=True, all_matches=False)
    assert dist.max() <= 15.0
    boundary = np.array(
        [campus[sid].boundary.distance(g) for sid, g in zip(gates["学校编号"], gates.geometry, strict=True)]
    )
    assert boundary.max() <= 1.0
    main = gates[gates["是否主门"] == "是"]
    assert main["学校编号"].is_unique
    assert set(main["学校编号"]) == set(demo.schools["学校编号"])
    assert gates.groupby("学校编号").size().between(1, 3).all()
    # the school point is its main gate
    s = demo.schools.set_index("学校编号")
    m = demo.gates[demo.gates["是否主门"] == "是"].set_index("学校编号")
    assert np.allclose(s.loc[m.index, "经度"], m["经度"])
    assert np.allclose(s.loc[m.index, "纬度"], m["纬度"])


def test_campuses_do_not_overlap_roads_or_each_other(demo: DemoDistrict) -> None:
    camp = _metric(demo.campuses).geometry.to_numpy()
    assert shapely.is_valid(camp).all()
    i, j = shapely.STRtree(camp).query(camp, predicate="intersects")
    assert (i == j).all()
    roads = _metric(demo.roads).geometry.to_numpy()
    assert len(shapely.STRtree(roads).query(camp, predicate="intersects")[0]) == 0
    enrol = demo.schools.set_index("学校编号")["在校人数"]
    per_student = shapely.area(camp) / enrol[demo.campuses["学校编号"]].to_numpy()
    schools = demo.campuses["学校编号"].map(demo.schools.set_index("学校编号")["学段"]) != "幼儿园"
    assert np.median(per_student[schools.to_numpy()]) == pytest.approx(19.0, abs=4.0)


def test_school_windows(demo: DemoDistrict) -> None:
    pat = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")
    for col, lo, hi in (
        ("到校时段", 7 * 60, 8 * 60 + 30),
        ("午间放学时段", 11 * 60 + 30, 12 * 60 + 10),
        ("下午放学时段", 16 * 60, 18 * 60 + 10),
    ):
        for value in demo.schools[col]:
            m = pat.fullmatch(value)
            assert m is not None, value
            start, end = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
            assert lo <= start < end <= hi, (col, value)
    kg = demo.schools[demo.schools["学段"] == "幼儿园"]
    assert (kg["到校时段"] >= "07:45").all()
    assert (kg["下午放学时段"] < "16:30").all()


# ------------------------------------------------------------------ boundaries


@pytest.mark.parametrize("layer", ["townships", "precincts"])
def test_polygons_tile_the_district(demo: DemoDistrict, layer: str) -> None:
    district = _metric(demo.district).geometry.iloc[0]
    polys = _metric(getattr(demo, layer)).geometry.to_numpy()
    union = shapely.union_all(polys)
    assert union.area == pytest.approx(district.area, rel=1e-9)
    assert union.symmetric_difference(district).area < 1.0
    overlap = sum(polys[a].intersection(polys[b]).area for a in range(len(polys)) for b in range(a + 1, len(polys)))
    assert overlap < 1.0


def test_every_point_inside_the_district(demo: DemoDistrict) -> None:
    district = demo.district.geometry.iloc[0]
    for name in ("schools", "gates", "stations", "guard_posts", "places"):
        assert getattr(demo, name).within(district).all(), name
    lon0, lat0, lon1, lat1 = demo.district.total_bounds
    assert 113.2 <= lon0 < lon1 <= 113.5
    assert 27.55 <= lat0 < lat1 <= 27.75


# ------------------------------------------------------------------ hazards


def test_hazard_coordinates_against_truth(demo: DemoDistrict) -> None:
    hz, tr = demo.hazards, demo.hazards_truth
    clean = (tr["defect"] != "swapped_lonlat").to_numpy()
    has = hz["经度"].notna().to_numpy() & clean
    obs = gpd.GeoSeries(gpd.points_from_xy(hz["经度"][has], hz["纬度"][has]), crs=4326).to_crs(METRIC)
    true = gpd.GeoSeries(gpd.points_from_xy(tr["true_lon"][has], tr["true_lat"][has]), crs=4326).to_crs(METRIC)
    dist = obs.distance(true, align=False).to_numpy()
    gcj = (hz["坐标系"][has] == "GCJ-02").to_numpy()
    assert ((dist[gcj] >= 100.0) & (dist[gcj] <= 900.0)).all()
    assert ((dist[~gcj] >= 2.5) & (dist[~gcj] <= 15.5)).all()
    swapped = hz[(tr["defect"] == "swapped_lonlat").to_numpy()].iloc[0]
    assert swapped["经度"] < 90.0 < swapped["纬度"]


def test_cultural_market_hazards_violate_200_m_rule(demo: DemoDistrict) -> None:
    tr = demo.hazards_truth[(demo.hazards["隐患类别"] == "文化市场").to_numpy()]
    pts = gpd.GeoSeries(gpd.points_from_xy(tr["true_lon"], tr["true_lat"]), crs=4326).to_crs(METRIC)
    campuses = _metric(demo.campuses).geometry
    for p in pts:
        assert campuses.distance(p).min() < 200.0
    assert tr["intent"].str.contains("200 m").all()


def test_statuses_consistent_with_dates(demo: DemoDistrict) -> None:
    hz, tr = demo.hazards, demo.hazards_truth
    stages = ["发现日期", "汇总日期", "交办日期", "整改完成日期", "销号日期"]
    reached = {"已发现": 1, "已汇总": 2, "已交办": 3, "已整改": 4, "已销号": 5}
    assert set(hz["整改状态"]) == set(reached)
    overdue = 0
    for (_, row), defect in zip(hz.iterrows(), tr["defect"], strict=True):
        if defect == "bad_date":
            assert row["发现日期"] == "三月初"
            continue
        n = reached[row["整改状态"]]
        dates = [_parse_date(row[c]) for c in stages]
        assert all(d is not None for d in dates[:n]), row["隐患编号"]
        assert all(d is None for d in dates[n:]), row["隐患编号"]
        assert dates[:n] == sorted(dates[:n])
        assert all(CAMPAIGN_START <= d <= CAMPAIGN_END for d in dates[:n])
        deadline = _parse_date(row["整改期限"])
        if n >= 3:
            assert 15 <= (deadline - dates[2]).days <= 60
            overdue += n == 3 and deadline < REPORT_DATE
        else:
            assert deadline is None
    assert overdue >= 3


def test_truth_vocabulary(demo: DemoDistrict) -> None:
    tr = demo.hazards_truth
    assert set(tr["address_kind"]) == {"road_number", "intersection", "relative_offset", "gate", "place"}
    assert tr["ambiguous"].isin([0, 1]).all()
    assert (tr["intent"] != "").all()
    assert (tr["anchor"] != "").all()
    text = "".join(str(v) for v in demo.hazards.to_numpy().ravel())
    text.encode("gbk")


# ------------------------------------------------------------------ scale


def test_scale_two_doubles_counts(demo: DemoDistrict) -> None:
    big = generate_demo_district(scale=2)
    assert len(big.schools) == 2 * len(demo.schools)
    assert len(big.hazards) == 2 * len(demo.hazards)
    assert len(big.stations) == 2 * len(demo.stations)
    assert len(big.roads) == 2 * len(demo.roads)
    for name, col in (
        ("schools", "学校编号"),
        ("schools", "学校名称"),
        ("hazards", "隐患编号"),
        ("roads", "road_id"),
        ("stations", "派出所编号"),
        ("townships", "编码"),
        ("guard_posts", "护学岗编号"),
    ):
        assert getattr(big, name)[col].is_unique, (name, col)
    assert set(big.campuses["学校编号"]) == set(big.schools["学校编号"])
    second = big.hazards["关联学校"].iloc[len(demo.hazards) :]
    assert second[second != ""].str.endswith("-002").all()
    assert (big.hazards["关联学校"].iloc[: len(demo.hazards)] == demo.hazards["关联学校"]).all()
    districts = _metric(big.district).geometry.to_numpy()
    assert not districts[0].intersects(districts[1])


def test_bad_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_demo_district(scale=0)
