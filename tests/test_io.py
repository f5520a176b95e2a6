"""Readers and the validation they feed: encodings, XLSX, spatial files, malformed input, row numbers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest
import shapely

from hutan_geo.errors import EmptyInputError, HutanError, InputError, MissingColumnsError, UnsupportedFormatError
from hutan_geo.io import (
    load,
    load_boundaries,
    load_frame,
    load_gates,
    load_guard_posts,
    load_hazards,
    load_schools,
    load_stations,
    read_raw,
)
from hutan_geo.model import crs
from hutan_geo.model.schema import SPECS

if TYPE_CHECKING:
    from pathlib import Path

    from hutan_geo.io.validate import LoadResult


def xy(result: LoadResult) -> list[tuple[float, float]]:
    return [(g.x, g.y) for g in result.valid.geometry]


def reasons(result: LoadResult) -> dict[int, str]:
    """source_row -> reason codes of the rejected rows."""
    return dict(zip(result.rejected["source_row"].tolist(), result.rejected["reason_codes"].tolist(), strict=True))


def reason_of(result: LoadResult, row: int) -> str:
    rej = result.rejected
    return str(rej.loc[rej["source_row"] == row, "reason"].item())


def note_of(result: LoadResult, row: int) -> str:
    valid = result.valid
    return str(valid.loc[valid["source_row"] == row, "notes"].item())


def assert_accounted(result: LoadResult) -> None:
    assert len(result.valid) + len(result.rejected) + result.blank_rows == result.rows_read
    assert not set(result.valid["source_row"]) & set(result.rejected["source_row"])
    assert result.valid.crs.to_epsg() == 4326


def assert_reference_hazards(result: LoadResult, build: Any, *, first_row: int = 2) -> None:
    expected = build.HAZARD_EXPECTED
    assert len(result.rejected) == 0, result.rejected.to_dict("records")
    valid = result.valid
    for name in ("hazard_id", "category", "severity", "status"):
        assert valid[name].tolist() == expected[name], name
    np.testing.assert_allclose(valid.geometry.x, expected["lon"])
    np.testing.assert_allclose(valid.geometry.y, expected["lat"])
    assert valid["found_date"].tolist() == [pd.Timestamp(f"2026-03-0{d}") for d in (5, 6, 7, 8)]
    assert valid["deadline"].iloc[0] == pd.Timestamp("2026-04-05")
    assert pd.isna(valid["deadline"].iloc[1])
    assert valid["description"].iloc[1] == "流动摊贩占道经营"
    assert valid["source_row"].tolist() == list(range(first_row, first_row + 4))
    assert not valid["needs_geocoding"].any()
    assert_accounted(result)


def write_schools(build: Any, path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    return build.csv(path, [header or build.SCHOOL_HEADER, *rows])


def one_school(**overrides: Any) -> list[Any]:
    row = dict(
        zip(
            ["id", "name", "level", "lon", "lat", "enrolment", "arrival"],
            ["S9", "新村小学", "小学", "113.3", "27.6", "300", "7:20-7:50"],
            strict=True,
        )
    )
    row.update(overrides)
    return list(row.values())


# =============================================================== encodings and delimiters


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_csv_encodings(tmp_path: Path, build, encoding: str, reported: str) -> None:
    path = build.csv(tmp_path / "隐患台账.csv", [build.HAZARD_HEADER, *build.HAZARD_ROWS], encoding=encoding)
    result = load_hazards(path)
    assert result.encoding == reported
    assert result.source == "隐患台账.csv"
    assert_reference_hazards(result, build)


def test_gb18030_characters_outside_gbk(tmp_path: Path, build) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS]
    rows[0][2] = "㛃家门口𠀀号摊点"
    for char in "㛃𠀀":
        with pytest.raises(UnicodeEncodeError):
            char.encode("gbk")
    path = build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *rows], encoding="gb18030")
    result = load_hazards(path)
    assert result.encoding == "gb18030"
    assert result.valid["description"].iloc[0] == "㛃家门口𠀀号摊点"


@pytest.mark.parametrize(
    ("name", "delimiter"),
    [("h.csv", "\t"), ("h.tsv", "\t"), ("h.txt", "\t"), ("h.csv", ";"), ("h.csv", "|")],
)
def test_delimiters(tmp_path: Path, build, name: str, delimiter: str) -> None:
    path = build.csv(tmp_path / name, [build.HAZARD_HEADER, *build.HAZARD_ROWS], delimiter=delimiter)
    assert_reference_hazards(load_hazards(path), build)


def test_crlf_line_endings(tmp_path: Path, build) -> None:
    path = build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *build.HAZARD_ROWS], encoding="gbk", newline="\r\n")
    assert_reference_hazards(load_hazards(path), build)


def test_forced_encoding(tmp_path: Path, build) -> None:
    path = build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *build.HAZARD_ROWS], encoding="gbk")
    assert_reference_hazards(load_hazards(path, encoding="gbk"), build)
    with pytest.raises(UnsupportedFormatError, match=r"h\.csv: cannot decode as 'utf-8'.*omit encoding="):
        load_hazards(path, encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=r"h\.csv: cannot decode as 'no-such-codec'"):
        load_hazards(path, encoding="no-such-codec")


# =============================================================== XLSX


def test_xlsx_typed_cells_and_title_row(tmp_path: Path, build) -> None:
    path = build.xlsx(
        tmp_path / "台账.xlsx",
        {"隐患": build.hazard_xlsx_rows()},
        titles={"隐患": "城关镇护校安园隐患排查台账（2026年3月）"},
    )
    result = load_hazards(path)
    assert result.header_row == 2
    assert result.source == "台账.xlsx[隐患]"
    assert_reference_hazards(result, build, first_row=3)


def test_xlsx_numbers_typed_as_numbers(tmp_path: Path, build) -> None:
    rows = [
        ["学校编号", "学校名称", "学段", "经度", "纬度", "在校人数", "是否寄宿"],
        [1001, "一小", "小学", 113.31, 27.61, 1200, 1],
        [1002, "二小", "小学", 113.32, 27.62, 980.0, 0],
    ]
    result = load_schools(build.xlsx(tmp_path / "s.xlsx", {"Sheet1": rows}))
    assert len(result.rejected) == 0
    assert result.valid["school_id"].tolist() == ["1001", "1002"]
    assert result.valid["enrolment"].tolist() == [1200, 980]
    assert result.valid["boarding"].tolist() == [True, False]


def test_xlsx_second_sheet(tmp_path: Path, build) -> None:
    path = build.xlsx(
        tmp_path / "book.xlsx",
        {"说明": [["本表由城关派出所填报"], ["填表说明：经纬度用WGS84"]], "隐患": build.hazard_xlsx_rows()},
    )
    assert_reference_hazards(load_hazards(path, sheet="隐患"), build)
    assert_reference_hazards(load_hazards(path, sheet=1), build)
    with pytest.raises(MissingColumnsError, match=r"book\.xlsx\[说明\]"):
        load_hazards(path)  # the first sheet has no header
    with pytest.raises(InputError, match=r"book\.xlsx: no sheet named '汇总'; sheets: 说明, 隐患"):
        load_hazards(path, sheet="汇总")
    with pytest.raises(InputError, match=r"book\.xlsx: sheet index 5 does not exist"):
        load_hazards(path, sheet=5)


def test_xlsx_dates_in_every_form(tmp_path: Path, build) -> None:
    header = ["隐患类别", "地址", "发现日期"]
    forms = [
        dt.datetime(2026, 3, 5),
        dt.date(2026, 3, 5),
        dt.datetime(2026, 3, 5, 14, 30),
        46086,  # Excel serial typed as a number
        "2026/3/5",
        "2026年3月5日",
        "20260305",
        20260305,
    ]
    rows = [header, *[["交通", f"路{i}", value] for i, value in enumerate(forms)]]
    result = load_hazards(build.xlsx(tmp_path / "d.xlsx", {"S": rows}))
    assert len(result.rejected) == 0, result.rejected.to_dict("records")
    assert set(result.valid["found_date"]) == {pd.Timestamp("2026-03-05")}


def test_xlsx_damaged(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UnsupportedFormatError, match=r"bad\.xlsx: cannot open the workbook.*save it again as \.xlsx"):
        load_hazards(path)


# =============================================================== spatial files


def test_geojson_points_with_chinese_properties(tmp_path: Path, build) -> None:
    path = build.points(
        tmp_path / "学校.geojson",
        [{"学校名称": "一小", "学段": "小学", "在校人数": 1200}, {"学校名称": "二中", "学段": "初中", "在校人数": 900}],
        [(113.31, 27.61), (113.32, 27.62)],
    )
    result = load_schools(path)
    assert len(result.rejected) == 0, result.rejected.to_dict("records")
    assert result.valid["name"].tolist() == ["一小", "二中"]
    assert result.valid["level"].tolist() == ["primary", "junior"]
    assert result.valid["enrolment"].tolist() == [1200, 900]
    assert xy(result) == [(113.31, 27.61), (113.32, 27.62)]
    assert result.valid["source_row"].tolist() == [1, 2]
    assert result.header_row == 0


def test_gpkg_with_two_layers_needs_layer(tmp_path: Path, build) -> None:
    path = tmp_path / "county.gpkg"
    build.points(path, [{"名称": "城关派出所", "巡逻车数量": 3}], [(113.30, 27.60)], layer="派出所")
    build.points(path, [{"名称": "一小", "学段": "小学"}], [(113.31, 27.61)], layer="学校")
    with pytest.raises(InputError, match=r"county\.gpkg: the GeoPackage has layers .*派出所.*pass layer="):
        load_stations(path)
    stations = load_stations(path, layer="派出所")
    assert stations.valid["name"].tolist() == ["城关派出所"]
    assert stations.valid["patrol_cars"].tolist() == [3]
    schools = load_schools(path, layer="学校")
    assert schools.valid["level"].tolist() == ["primary"]
    with pytest.raises(UnsupportedFormatError, match=r"county\.gpkg: cannot read the spatial file"):
        load_schools(path, layer="no_such_layer")


def test_projected_file_is_reprojected(tmp_path: Path, build) -> None:
    import pyproj

    to_utm = pyproj.Transformer.from_crs(4326, 32649, always_xy=True)
    x, y = to_utm.transform(113.3, 27.6)
    path = build.points(tmp_path / "stations.shp", [{"名称": "城关派出所", "巡逻车": 2}], [(x, y)], crs=32649)
    result = load_stations(path)
    assert result.valid.crs.to_epsg() == 4326
    lon, lat = xy(result)[0]
    assert lon == pytest.approx(113.3, abs=1e-7)
    assert lat == pytest.approx(27.6, abs=1e-7)
    assert result.valid["name"].tolist() == ["城关派出所"]
    assert result.valid["patrol_cars"].tolist() == [2]


def test_shapefile_points_with_chinese_names(tmp_path: Path, build) -> None:
    path = build.points(
        tmp_path / "gates.shp",
        [{"id": "S1", "校门": "南门", "主门": "是"}, {"id": "S1", "校门": "北门", "主门": "否"}],
        [(113.31, 27.61), (113.311, 27.611)],
    )
    result = load_gates(path)
    assert len(result.rejected) == 0, result.rejected.to_dict("records")
    assert result.valid["gate_name"].tolist() == ["南门", "北门"]
    assert result.valid["is_main"].tolist() == [True, False]


def test_boundaries_repair_and_reject(tmp_path: Path, build) -> None:
    square = shapely.box(113.2, 27.5, 113.3, 27.6)
    bow_tie = shapely.Polygon([(113.3, 27.5), (113.4, 27.6), (113.4, 27.5), (113.3, 27.6)])
    assert not bow_tie.is_valid
    path = build.shapes(
        tmp_path / "乡镇.geojson",
        [
            {"名称": "城关镇", "类型": "镇", "编码": "430101"},
            {"名称": "新市镇", "类型": "乡镇", "编码": "430102"},
            {"名称": "空白乡", "类型": "乡", "编码": "430103"},
            {"名称": "外国", "类型": "其他", "编码": "999"},
        ],
        [square, bow_tie, shapely.Polygon(), shapely.box(2.0, 48.0, 2.1, 48.1)],
    )
    result = load_boundaries(path)
    assert_accounted(result)
    assert result.valid["name"].tolist() == ["城关镇", "新市镇"]
    assert result.valid["kind"].tolist() == ["township", "township"]
    assert result.valid["code"].tolist() == ["430101", "430102"]
    assert result.valid.geometry.is_valid.all()
    repaired = result.valid.geometry.iloc[1]
    assert repaired.geom_type in ("Polygon", "MultiPolygon")
    assert repaired.area == pytest.approx(bow_tie.buffer(0).area * 2, rel=0.01)  # both lobes kept
    assert "几何无效，已修复" in note_of(result, 2)
    assert reasons(result) == {3: "empty_geometry", 4: "outside_china"}
    assert set(result.rejected["columns"]) == {"geometry"}


def test_boundaries_wrong_geometry_and_no_geometry(tmp_path: Path, build) -> None:
    path = build.points(tmp_path / "b.geojson", [{"名称": "城关镇"}], [(113.3, 27.6)])
    result = load_boundaries(path, lang="en")
    assert reasons(result) == {1: "wrong_geometry"}
    assert "should be a polygon, got Point" in reason_of(result, 1)
    csv_path = build.csv(tmp_path / "b.csv", [["名称"], ["城关镇"]])
    with pytest.raises(InputError, match=r"b\.csv: boundaries need polygon geometry; read them from GeoJSON"):
        load_boundaries(csv_path)


def test_spatial_hazards_without_geometry_need_geocoding(tmp_path: Path, build) -> None:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(
        {"隐患类别": ["交通", "食品", "治安"], "地址": ["学府路1号", "学府路2号", None]},
        geometry=[shapely.Point(113.3, 27.6), None, None],
        crs=4326,
    )
    gdf.to_file(tmp_path / "h.geojson", engine="pyogrio")
    result = load_hazards(tmp_path / "h.geojson")
    assert result.valid["needs_geocoding"].tolist() == [False, True]
    assert reasons(result) == {3: "no_location"}


def test_spatial_datum_conversion(tmp_path: Path, build) -> None:
    path = build.points(tmp_path / "p.geojson", [{"名称": "一小", "学段": "小学"}], [(113.3, 27.6)])
    result = load_schools(path, datum="gcj02")
    assert xy(result)[0] == pytest.approx(crs.gcj02_to_wgs84(113.3, 27.6), abs=1e-9)
    polygon = build.shapes(tmp_path / "b.geojson", [{"名称": "城关镇"}], [shapely.box(113.2, 27.5, 113.3, 27.6)])
    bounds = load_boundaries(polygon, datum="bd09")
    x0, y0 = bounds.valid.geometry.iloc[0].exterior.coords[0]
    ox, oy = shapely.box(113.2, 27.5, 113.3, 27.6).exterior.coords[0]
    assert (x0, y0) == pytest.approx(crs.bd09_to_wgs84(ox, oy), abs=1e-9)
    assert "BD-09" in bounds.valid["notes"].iloc[0]


# =============================================================== files that cannot be read


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "空.csv"
    path.write_bytes(b"")
    with pytest.raises(EmptyInputError, match=r"空\.csv: the file is empty"):
        load_hazards(path)
    path.write_bytes(b"  \r\n\r\n")
    with pytest.raises(EmptyInputError, match=r"空\.csv: the file is empty"):
        load_hazards(path)


def test_header_only(tmp_path: Path, build) -> None:
    path = build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, [], ["", "  "]])
    with pytest.raises(EmptyInputError, match=r"h\.csv: the header is on row 1 but no data rows follow it"):
        load_hazards(path)
    xlsx = build.xlsx(tmp_path / "h.xlsx", {"S": [build.HAZARD_HEADER]}, titles={"S": "台账"})
    with pytest.raises(EmptyInputError, match=r"h\.xlsx\[S\]: the header is on row 2"):
        load_hazards(xlsx)


def test_missing_required_column(tmp_path: Path, build) -> None:
    path = build.csv(tmp_path / "s.csv", [["编号", "学段", "经度", "纬度"], ["1", "小学", "113.3", "27.6"]])
    with pytest.raises(
        MissingColumnsError,
        match=r"s\.csv: the schools table lacks required column\(s\): 学校名称 \(also: name, 名称, 学校, 校名.*"
        r"Columns found: '编号', '学段', '经度', '纬度'",
    ):
        load_schools(path)


def test_missing_location_columns(tmp_path: Path, build) -> None:
    path = build.csv(tmp_path / "s.csv", [["学校名称", "学段"], ["一小", "小学"]])
    with pytest.raises(MissingColumnsError, match=r"s\.csv: .*lacks required column\(s\): 经度 or 坐标"):
        load_schools(path)
    path = build.csv(tmp_path / "h.csv", [["隐患类别", "描述"], ["交通", "x"]])
    with pytest.raises(MissingColumnsError, match=r"h\.csv: .*经度 or 坐标 or 地址"):
        load_hazards(path)
    path = build.csv(tmp_path / "lon.csv", [["学校名称", "学段", "经度"], ["一小", "小学", "113.3"]])
    with pytest.raises(MissingColumnsError, match=r"lon\.csv: there is a longitude column but no latitude column"):
        load_schools(path)


def test_no_header_at_all(tmp_path: Path, build) -> None:
    path = build.csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(MissingColumnsError, match=r"x\.csv: .*Columns found: 'a', 'b'"):
        load_hazards(path)


@pytest.mark.parametrize(
    ("header", "pattern"),
    [
        (["学校名称", "名称", "学段", "经度", "纬度"], r"columns '学校名称' and '名称' both mean 'name'"),
        (["学校名称", "学段", "经度", "经度（°）", "纬度"], r"columns '经度' and '经度（°）' both mean 'lon'"),
        (["学校名称", "学段", "经度", "纬度", "经度"], r"row 1: the header '经度' appears twice \(columns 3 and 5\)"),
    ],
)
def test_two_headers_for_one_column(tmp_path: Path, build, header: list[str], pattern: str) -> None:
    path = build.csv(tmp_path / "dup.csv", [header, ["一小", "一小", "小学", "113.3", "27.6"][: len(header)]])
    with pytest.raises(InputError, match=rf"dup\.csv: .*{pattern}"):
        load_schools(path)


def test_unsupported_formats(tmp_path: Path) -> None:
    old = tmp_path / "学校.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnsupportedFormatError, match=r"学校\.xls: old \.xls workbooks .*save as \.xlsx"):
        load_schools(old)
    doc = tmp_path / "学校.docx"
    doc.write_bytes(b"PK")
    with pytest.raises(UnsupportedFormatError, match=r"学校\.docx: unsupported file type '\.docx'; use CSV, XLSX"):
        load_schools(doc)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.csv: no such file"):
        load_schools(tmp_path / "nope.csv")


def test_unknown_kind_and_options(hazard_csv: Path) -> None:
    with pytest.raises(InputError, match=r"unknown dataset kind 'hazard'; expected one of schools, hazards"):
        load(hazard_csv, "hazard")
    with pytest.raises(InputError, match=r"unknown datum 'mars'"):
        load_hazards(hazard_csv, datum="mars")
    with pytest.raises(InputError, match=r"region must be one of \('china', 'world'\); got 'asia'"):
        load_hazards(hazard_csv, region="asia")
    with pytest.raises(InputError, match=r"lang must be 'zh' or 'en'; got 'fr'"):
        load_hazards(hazard_csv, lang="fr")


# =============================================================== values rejected, with reasons


def test_unknown_vocabulary_values(tmp_path: Path, build) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS]
    rows[0][1] = "消防安全"
    rows[1][7] = "待定"
    rows[2][6] = "特别重大"
    result = load_hazards(build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *rows]))
    assert reasons(result) == {2: "unknown_value", 3: "unknown_value", 4: "unknown_value"}
    assert (
        reason_of(result, 2) == "隐患类别「消防安全」不是可选值（可选：交通安全、食品安全、社会治安、文化市场、其他）"
    )
    assert "可选：发现、汇总、交办、整改完成、销号" in reason_of(result, 3)
    assert "可选：一般、较大、重大" in reason_of(result, 4)
    rej = result.rejected
    assert rej["columns"].tolist() == ["隐患类别", "整改状态", "严重程度"]
    assert set(rej["source_file"]) == {"h.csv"}
    assert rej["隐患类别"].iloc[0] == "消防安全"  # raw values kept under the file's headers
    assert_accounted(result)


def test_unknown_level(tmp_path: Path, build) -> None:
    result = load_schools(write_schools(build, tmp_path / "s.csv", [one_school(level="大学")]))
    assert reasons(result) == {2: "unknown_value"}
    assert "学段「大学」不是可选值（可选：幼儿园、小学、初中" in reason_of(result, 2)


def test_english_reasons(tmp_path: Path, build) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS]
    rows[0][1] = "消防安全"
    rows[1][8] = "明天"
    rows[2][3], rows[2][4] = "27.603", "113.303"
    rows[3][7] = ""
    result = load_hazards(build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *rows]), lang="en")
    assert reason_of(result, 2) == (
        "隐患类别 '消防安全' is not one of: traffic (交通安全), food_safety (食品安全), "
        "public_order (社会治安), cultural_market (文化市场), other (其他)"
    )
    assert reason_of(result, 3) == "发现日期 '明天' is not a date (example: 2026-03-05)"
    assert "look swapped (lon=27.603, lat=113.303); swap the columns or load with allow_swap=True" in reason_of(
        result, 4
    )
    assert note_of(result, 5) == "status empty: inferred as 'found' from the dates"
    assert "to review" in result.summary("en")


@pytest.mark.parametrize("value", ["明天", "2026-13-45", "2026/02/30", "3月5日", "2026-03", "1800-01-01", "9999-12-31"])
def test_unparseable_dates(tmp_path: Path, build, value: str) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS[:1]]
    rows[0][8] = value
    result = load_hazards(build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *rows]))
    assert reasons(result) == {2: "bad_date"}
    assert reason_of(result, 2) == f"发现日期「{value}」无法识别为日期（示例：2026-03-05）"


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-05",
        "2026/3/5",
        "2026年3月5日",
        "2026.3.5",
        "20260305",
        "46086",
        "２０２６－０３－０５",
        "2026-03-05 08:30",
    ],
)
def test_date_forms(tmp_path: Path, build, value: str) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS[:1]]
    rows[0][8] = value
    result = load_hazards(build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *rows]))
    assert result.valid["found_date"].tolist() == [pd.Timestamp("2026-03-05")]


def test_junk_numbers(tmp_path: Path, build) -> None:
    rows = [
        build.STATION_HEADER,
        ["城关派出所", "113.30", "27.60", "三", "十二"],
        ["新市派出所", "113.31", "27.61", "-2", "8"],
        ["东山派出所", "113.32", "27.62", "很多", "约20人"],
        ["西山派出所", "113.33", "27.63", "２", "1,200"],
        ["南岭派出所", "113.34", "27.64", "2.5", "两百零五"],
    ]
    result = load_stations(build.csv(tmp_path / "p.csv", rows))
    assert reasons(result) == {3: "below_min", 4: "bad_number", 6: "bad_number"}
    assert reason_of(result, 3) == "巡逻车数量「-2」小于 0"
    assert reason_of(result, 4) == "巡逻车数量「很多」不是数字"
    valid = result.valid.set_index("source_row")
    assert valid.loc[2, "patrol_cars"] == 3
    assert valid.loc[2, "officers"] == 12
    assert valid.loc[5, "patrol_cars"] == 2
    assert valid.loc[5, "officers"] == 1200


def test_enrolment_junk(tmp_path: Path, build) -> None:
    rows = [
        one_school(id="A", enrolment="很多"),
        one_school(id="B", enrolment="一千二百"),
        one_school(id="C", enrolment="1e30"),
    ]
    result = load_schools(write_schools(build, tmp_path / "s.csv", rows))
    assert reasons(result) == {2: "bad_number", 4: "bad_number"}
    assert reason_of(result, 2) == "在校人数「很多」不是数字"
    assert result.valid["enrolment"].tolist() == [1200]


# =============================================================== coordinates


def test_swapped_coordinates(tmp_path: Path, build) -> None:
    path = write_schools(build, tmp_path / "s.csv", [one_school(lon="27.6", lat="113.3"), one_school(id="S2")])
    result = load_schools(path)
    assert reasons(result) == {2: "swapped_lonlat"}
    assert "allow_swap=True" in reason_of(result, 2)
    assert result.rejected["columns"].item() == "经度"
    fixed = load_schools(path, allow_swap=True)
    assert len(fixed.rejected) == 0
    assert xy(fixed) == [(113.3, 27.6), (113.3, 27.6)]
    assert note_of(fixed, 2) == "经度/纬度填反，已自动交换; " + note_of(fixed, 3)  # plus the window defaults
    assert "经度/纬度填反" not in note_of(fixed, 3)


def test_outside_china_and_world(tmp_path: Path, build) -> None:
    path = write_schools(build, tmp_path / "s.csv", [one_school(lon="-0.1276", lat="51.5072")])
    result = load_schools(path)
    assert reasons(result) == {2: "outside_china"}
    assert "region='world'" in reason_of(result, 2)
    world = load_schools(path, region="world")
    assert xy(world) == [(-0.1276, 51.5072)]


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        ("0", "0", "zero_coordinates"),
        ("113.3", "", "half_coordinate"),
        ("", "27.6", "half_coordinate"),
        ("", "", "no_coordinates"),
        ("200", "95", "outside_range"),
        ("abc", "27.6", "bad_coordinate"),
        ("nan", "nan", "bad_coordinate"),
    ],
)
def test_bad_school_coordinates(tmp_path: Path, build, lon: str, lat: str, code: str) -> None:
    result = load_schools(write_schools(build, tmp_path / "s.csv", [one_school(lon=lon, lat=lat)]))
    assert len(result.valid) == 0
    assert result.rejected["reason_codes"].item() == code


def test_hazards_address_fallback(tmp_path: Path, build) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS[:3]]
    rows[0][3] = rows[0][4] = ""  # address only
    rows[1][3] = rows[1][4] = rows[1][5] = ""  # nothing
    result = load_hazards(build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *rows]))
    valid = result.valid.set_index("source_row")
    assert bool(valid.loc[2, "needs_geocoding"]) is True
    assert valid.loc[2, "geometry"] is None
    assert "无坐标，待地理编码" in valid.loc[2, "notes"]
    assert bool(valid.loc[4, "needs_geocoding"]) is False
    assert reasons(result) == {3: "no_location"}
    assert "既无坐标也无地址" in reason_of(result, 3)
    assert "待地理编码" in result.summary()


def test_declared_datum(tmp_path: Path, build) -> None:
    path = build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *build.HAZARD_ROWS])
    lon = np.array(build.HAZARD_EXPECTED["lon"])
    lat = np.array(build.HAZARD_EXPECTED["lat"])
    for datum, inverse, label in (("gcj02", crs.gcj02_to_wgs84, "GCJ-02"), ("百度地图", crs.bd09_to_wgs84, "BD-09")):
        result = load_hazards(path, datum=datum)
        want_lon, want_lat = inverse(lon, lat)
        np.testing.assert_allclose(result.valid.geometry.x, want_lon, rtol=0, atol=1e-9)
        np.testing.assert_allclose(result.valid.geometry.y, want_lat, rtol=0, atol=1e-9)
        assert all(f"坐标已由 {label} 转换为 WGS84" in note for note in result.valid["notes"])
    plain = load_hazards(path, datum="CGCS2000")
    np.testing.assert_array_equal(plain.valid.geometry.x, lon)


def test_datum_per_row(tmp_path: Path, build) -> None:
    rows = [
        ["学校名称", "学段", "经度", "纬度", "坐标系"],
        ["一小", "小学", "113.3", "27.6", "高德"],
        ["二小", "小学", "113.3", "27.6", "百度坐标"],
        ["三小", "小学", "113.3", "27.6", "WGS84"],
        ["四小", "小学", "113.3", "27.6", ""],
        ["五小", "小学", "113.3", "27.6", "西安80"],
    ]
    result = load_schools(build.csv(tmp_path / "s.csv", rows), datum="gcj02")
    got = dict(zip(result.valid["source_row"], xy(result), strict=True))
    assert got[2] == pytest.approx(crs.gcj02_to_wgs84(113.3, 27.6), abs=1e-9)
    assert got[3] == pytest.approx(crs.bd09_to_wgs84(113.3, 27.6), abs=1e-9)
    assert got[4] == (113.3, 27.6)
    assert got[5] == pytest.approx(crs.gcj02_to_wgs84(113.3, 27.6), abs=1e-9)  # empty: the caller's datum
    assert reasons(result) == {6: "unknown_datum"}
    assert "坐标系「西安80」不是可识别的坐标系" in reason_of(result, 6)


def test_header_aliases(tmp_path: Path, build) -> None:
    rows = [
        ["代码", "名称", "学校类型", "经度（°）", "纬度(°)", "学生数", "上学时间", "详细地址"],
        ["S1", "一小", "完小", "113.3", "27.6", "300", "7点20-7点50", "城关镇1号"],
    ]
    result = load_schools(build.csv(tmp_path / "s.csv", rows))
    assert result.column_map == {
        "代码": "school_id",
        "名称": "name",
        "学校类型": "level",
        "经度（°）": "lon",
        "纬度(°)": "lat",
        "学生数": "enrolment",
        "上学时间": "arrival",
        "详细地址": "address",
    }
    valid = result.valid
    assert (valid["school_id"].item(), valid["name"].item(), valid["level"].item()) == ("S1", "一小", "primary")
    assert (valid["arrival_start_min"].item(), valid["arrival_end_min"].item()) == (440, 470)
    assert valid["address"].item() == "城关镇1号"


def test_extra_columns_kept(tmp_path: Path, build) -> None:
    rows = [
        ["学校名称", "学段", "经度", "纬度", "校长", "联系电话"],
        ["一小", "小学", "113.3", "27.6", "王老师", "0731-1234"],
    ]
    result = load_schools(build.csv(tmp_path / "s.csv", rows))
    assert result.extra_columns == ["校长", "联系电话"]
    assert result.valid["校长"].item() == "王老师"
    assert result.valid["school_id"].item() == "S00002"  # generated from the row


@pytest.mark.parametrize(
    ("cell", "lon", "lat"),
    [
        ("113.3,27.6", 113.3, 27.6),
        ("113.3，27.6", 113.3, 27.6),
        ("(113.3, 27.6)", 113.3, 27.6),
        ("113.3 27.6", 113.3, 27.6),
        ("１１３．３，２７．６", 113.3, 27.6),
    ],
)
def test_combined_coordinate_column(tmp_path: Path, build, cell: str, lon: float, lat: float) -> None:
    rows = [["学校名称", "学段", "坐标"], ["一小", "小学", cell]]
    result = load_schools(build.csv(tmp_path / "s.csv", rows))
    assert xy(result) == [(lon, lat)]


def test_combined_coordinate_column_junk(tmp_path: Path, build) -> None:
    rows = [["学校名称", "学段", "坐标"], ["一小", "小学", "城关镇"], ["二小", "小学", "27.6,113.3"]]
    result = load_schools(build.csv(tmp_path / "s.csv", rows))
    assert reasons(result) == {2: "bad_coordinate", 3: "swapped_lonlat"}


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        ("113°18'00\"E", "27°36'00\"N"),
        ("113°18′0″", "27°36′0″"),
        ("113度18分", "27度36分"),
        ("113°18.0'", "27°36.0'"),
        ("113.3°", "27.6°"),
        ("１１３．３", "２７．６"),
        ("113.3E", "27.6N"),
        ("E113.3", "N 27.6"),
        ("东经113.3", "北纬27.6"),
        ("E113°18'", "N27°36'"),
    ],
)
def test_coordinate_forms(tmp_path: Path, build, lon: str, lat: str) -> None:
    rows = [["学校名称", "学段", "经度", "纬度"], ["一小", "小学", lon, lat]]
    result = load_schools(build.csv(tmp_path / "s.csv", rows))
    assert len(result.rejected) == 0, result.rejected.to_dict("records")
    ((x, y),) = xy(result)
    assert x == pytest.approx(113.3, abs=1e-9)
    assert y == pytest.approx(27.6, abs=1e-9)


# =============================================================== duplicates


def test_duplicate_ids_differing_rows(tmp_path: Path, build) -> None:
    rows = [
        one_school(id="S1", name="一小"),
        one_school(id="S2"),
        one_school(id="S1", name="一中"),
        one_school(id="S1", name="一幼"),
    ]
    result = load_schools(write_schools(build, tmp_path / "s.csv", rows))
    assert reasons(result) == {2: "duplicate_id", 4: "duplicate_id", 5: "duplicate_id"}
    assert reason_of(result, 4) == "编号「S1」重复（第 2, 4, 5 行）；请保证编号唯一"
    assert result.valid["school_id"].tolist() == ["S2"]


def test_exact_duplicate_rows(tmp_path: Path, build) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS]
    path = build.csv(tmp_path / "h.csv", [build.HAZARD_HEADER, *rows, rows[0], rows[0]])
    result = load_hazards(path)
    assert reasons(result) == {6: "exact_duplicate", 7: "exact_duplicate"}
    assert reason_of(result, 7) == "与第 2 行完全相同（重复录入）"
    assert result.valid["source_row"].tolist() == [2, 3, 4, 5]


# =============================================================== schools: windows, hazards: statuses


def test_windows(tmp_path: Path, build) -> None:
    rows = [
        one_school(id="A", arrival="7:20~7:50"),
        one_school(id="B", arrival="08:00-07:00"),
        one_school(id="C", arrival=""),
        one_school(id="D", arrival="7:20～7:50", level="幼儿园"),
        one_school(id="E", arrival="25:00-26:00"),
        one_school(id="F", arrival="早上"),
    ]
    result = load_schools(write_schools(build, tmp_path / "s.csv", rows))
    assert reasons(result) == {3: "bad_window", 6: "bad_window", 7: "bad_window"}
    assert reason_of(result, 3) == "到校时段「08:00-07:00」应为「07:20-07:50」格式且结束晚于开始"
    valid = result.valid.set_index("school_id")
    assert (valid.loc["A", "arrival_start_min"], valid.loc["A", "arrival_end_min"]) == (440, 470)
    # empty arrival: the primary-school default, noted
    assert (valid.loc["C", "arrival_start_min"], valid.loc["C", "arrival_end_min"]) == (440, 470)
    assert "到校时段未填，按学段默认" in valid.loc["C", "notes"]
    assert "到校时段未填" not in valid.loc["A", "notes"]
    # kindergartens have no noon window by default
    assert pd.isna(valid.loc["D", "noon_start_min"])
    assert (valid.loc["D", "dismissal_start_min"], valid.loc["D", "dismissal_end_min"]) == (960, 1000)


def test_status_inferred_from_dates(tmp_path: Path, build) -> None:
    rows = [
        ["隐患类别", "地址", "整改状态", "发现日期", "交办日期", "整改完成日期", "销号日期"],
        ["交通", "路1", "", "2026-03-01", "2026-03-02", "", ""],
        ["交通", "路2", "", "2026-03-01", "2026-03-02", "2026-03-20", "2026-03-25"],
        ["交通", "路3", "", "", "", "", ""],
        ["交通", "路4", "已销号", "2026-03-01", "", "", ""],
        ["交通", "路5", "交办", "2026-03-05", "2026-03-01", "", ""],
    ]
    result = load_hazards(build.csv(tmp_path / "h.csv", rows))
    assert result.valid["status"].tolist() == ["assigned", "closed", "found", "closed", "assigned"]
    assert note_of(result, 2).endswith("整改状态未填，按日期推定为「交办」")
    assert "推定为「销号」" in note_of(result, 3)
    assert "推定为「发现」" in note_of(result, 4)
    assert "状态为「销号」但销号日期为空" in note_of(result, 5)
    assert "交办日期早于发现日期" in note_of(result, 6)


# =============================================================== row numbers


def test_row_numbers_csv_with_title_blank_and_multiline(tmp_path: Path, build) -> None:
    rows = [list(r) for r in build.HAZARD_ROWS]
    rows[1][2] = "第一行\n第二行\n第三行"  # a quoted cell over three lines
    body = [build.HAZARD_HEADER, rows[0], rows[1], [], rows[2], ["", "", ""], rows[3]]
    path = build.csv(tmp_path / "h.csv", body, title="城关镇隐患台账", encoding="gbk")
    result = load_hazards(path)
    # line 1 title, 2 header, 3 H001, 4-6 H002, 7 blank, 8 H003, 9 blank, 10 H004
    assert result.header_row == 2
    assert result.valid["source_row"].tolist() == [3, 4, 8, 10]
    assert result.valid["description"].iloc[1] == "第一行\n第二行\n第三行"
    assert result.blank_rows == 2
    assert result.rows_read == 6
    assert_accounted(result)
    # a rejected row after the multi-line cell keeps its line number too
    rows[3][1] = "未知"
    body[-1] = rows[3]
    bad = load_hazards(build.csv(tmp_path / "h2.csv", body, title="城关镇隐患台账"))
    assert reasons(bad) == {10: "unknown_value"}


def test_row_numbers_xlsx(tmp_path: Path, build) -> None:
    typed = build.hazard_xlsx_rows()
    typed[3][1] = "未知"
    sheet = [["填报单位：城关派出所"], [], typed[0], typed[1], typed[2], [None, None], typed[3], typed[4], [], []]
    result = load_hazards(build.xlsx(tmp_path / "h.xlsx", {"S": sheet}, titles={"S": "隐患台账"}))
    # 1 title, 2 unit, 3 empty, 4 header, 5, 6, 7 blank, 8 (bad), 9; trailing blanks dropped
    assert result.header_row == 4
    assert result.valid["source_row"].tolist() == [5, 6, 9]
    assert reasons(result) == {8: "unknown_value"}
    assert result.blank_rows == 1
    assert result.rows_read == 5


def test_load_frame_numbers_rows_as_a_sheet() -> None:
    frame = pd.DataFrame(
        {"学校名称": ["一小", "二小"], "学段": ["小学", "大学"], "经度": [113.3, 113.4], "纬度": [27.6, 27.7]}
    )
    result = load_frame(frame, "schools", source="学校表")
    assert result.valid["source_row"].tolist() == [2]
    assert result.rejected["source_row"].tolist() == [3]
    assert result.rejected["source_file"].item() == "学校表"
    with pytest.raises(EmptyInputError, match="学校表: the table has no rows"):
        load_frame(frame.iloc[:0], "schools", source="学校表")


# =============================================================== all kinds, all errors are ours


def test_guard_posts_windows_list(tmp_path: Path, build) -> None:
    rows = [
        ["岗位编号", "学校编号", "执勤时段", "经度", "纬度"],
        ["GP1", "S1", "早、晚", "113.3", "27.6"],
        ["GP2", "S1", "午间 放学", "113.3", "27.6"],
        ["GP3", "S1", "夜间", "113.3", "27.6"],
    ]
    result = load_guard_posts(build.csv(tmp_path / "g.csv", rows))
    assert result.valid["windows"].tolist() == ["arrival;dismissal", "noon;dismissal"]
    assert reasons(result) == {4: "unknown_value"}


def test_read_raw_keeps_cells_unparsed(hazard_csv: Path) -> None:
    raw = read_raw(hazard_csv, SPECS["hazards"])
    assert raw.frame.shape == (4, 10)
    assert raw.frame.iloc[0, 3] == "113.301"
    assert raw.row_numbers.tolist() == [2, 3, 4, 5]


def test_error_classes() -> None:
    for cls in (EmptyInputError, MissingColumnsError, UnsupportedFormatError):
        assert issubclass(cls, InputError)
        assert issubclass(cls, HutanError)
        assert issubclass(cls, ValueError)


# =============================================================== more awkward files


def test_bom_with_gbk_rows(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    data = b"\xef\xbb\xbf" + "学校名称,学段,经度,纬度\n".encode() + "城关一小,小学,113.3,27.6\n".encode("gbk")
    path.write_bytes(data)
    with pytest.raises(UnsupportedFormatError, match=r"mixed\.csv: line 2: .*byte-order mark.*'CSV UTF-8'"):
        load_schools(path)
    path.write_bytes("学校名称,学段\n".encode("utf-16") + b"\x00")  # cut short
    with pytest.raises(UnsupportedFormatError, match=r"mixed\.csv: line 2: .*utf-16"):
        load_schools(path)


def test_unparseable_csv_names_the_row(tmp_path: Path, build) -> None:
    rows = [build.HAZARD_HEADER, build.HAZARD_ROWS[0], ["H009", "交通", "x" * 140_000]]
    with pytest.raises(UnsupportedFormatError, match=r"h\.csv: row 3: the CSV cannot be parsed"):
        load_hazards(build.csv(tmp_path / "h.csv", rows))


def test_title_rows_with_tabs(tmp_path: Path, build) -> None:
    path = build.csv(
        tmp_path / "h.txt",
        [["填报单位：城关派出所"], ["填报日期：2026-03-10"], build.HAZARD_HEADER, *build.HAZARD_ROWS],
        delimiter="\t",
        title="隐患台账",
    )
    assert_reference_hazards(load_hazards(path), build, first_row=5)


def test_zipped_shapefile(tmp_path: Path, build) -> None:
    import zipfile

    shp = build.points(tmp_path / "stations.shp", [{"名称": "城关派出所", "巡逻车": 2}], [(113.3, 27.6)])
    archive = tmp_path / "stations.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("stations.*"):
            if part != archive:
                zf.write(part, part.name)
    assert shp.exists()
    result = load_stations(archive)
    assert result.valid["name"].tolist() == ["城关派出所"]
    assert xy(result) == [(113.3, 27.6)]


def test_roads_from_geojson(tmp_path: Path, build) -> None:
    path = build.shapes(
        tmp_path / "roads.geojson",
        [
            {"名称": "学府路", "highway": "residential", "maxspeed": "30", "车道数": 2},
            {"名称": "G107", "highway": "trunk", "maxspeed": "0", "车道数": 4},
            {"名称": "错点", "highway": "primary", "maxspeed": "60", "车道数": 2},
        ],
        [
            shapely.LineString([(113.3, 27.6), (113.31, 27.61)]),
            shapely.LineString([(113.3, 27.6), (113.4, 27.6)]),
            shapely.Point(113.3, 27.6),
        ],
    )
    result = load(path, "roads")
    assert result.valid["road_class"].tolist() == ["local"]
    assert result.valid["speed_kph"].tolist() == [30.0]
    assert reasons(result) == {2: "below_min", 3: "wrong_geometry"}


def test_every_problem_of_a_row_is_listed(tmp_path: Path, build) -> None:
    rows = [build.SCHOOL_HEADER, one_school(level="大学", lon="", lat="", enrolment="很多")]
    result = load_schools(build.csv(tmp_path / "s.csv", rows))
    assert result.rejected["reason_codes"].item() == "unknown_value;bad_number;no_coordinates"
    assert result.rejected["columns"].item() == "学段;在校人数;经度"
