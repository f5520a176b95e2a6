"""Tables for planners: chosen columns, labelled headers and values, CSV with BOM and XLSX."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

from hutan_geo.errors import InputError
from hutan_geo.io import export_frame, load_guard_posts, load_hazards, load_schools, write_table

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def hazards(hazard_csv: Path):
    return load_hazards(hazard_csv).valid


def test_default_columns_are_the_spec_columns(hazards) -> None:
    out = export_frame(hazards, "hazards")
    assert "geometry" not in out.columns
    assert list(out.columns[:4]) == ["隐患编号", "隐患类别", "隐患子类", "隐患描述"]
    assert list(out.columns[-3:]) == ["待地理编码", "源表行号", "备注"]
    assert {"经度", "纬度"} <= set(out.columns)
    assert "坐标系" not in out.columns  # stored WGS84: the input datum is not a column of the result
    assert out["隐患类别"].tolist() == ["交通安全", "食品安全", "社会治安", "文化市场"]
    assert out["整改状态"].tolist() == ["交办", "发现", "销号", "整改完成"]
    assert out["严重程度"].tolist() == ["较大", "一般", "重大", "一般"]
    assert not isinstance(out, type(hazards))  # a plain table, no geometry


def test_coordinates_are_exported_from_the_geometry(hazards) -> None:
    out = export_frame(hazards, "hazards", columns=["hazard_id", "lon", "lat"])
    placed = hazards.geometry.notna()
    assert out.loc[placed.to_numpy(), "经度"].tolist() == hazards.geometry[placed].x.round(6).tolist()
    assert out.loc[~placed.to_numpy(), "经度"].isna().all()


def test_extra_source_columns_are_not_published(tmp_path: Path, build) -> None:
    rows = [["隐患类别", "地址", "举报人电话"], ["交通", "人民路", "13800000000"]]
    valid = load_hazards(build.csv(tmp_path / "h.csv", rows)).valid
    assert "举报人电话" in valid.columns  # kept for the analyst
    out = export_frame(valid, "hazards")
    assert "举报人电话" not in out.columns
    assert "13800000000" not in out.to_csv()


def test_school_windows_export_as_clock_ranges(tmp_path: Path, build) -> None:
    rows = [
        ["学校名称", "学段", "经度", "纬度", "到校时段", "是否寄宿"],
        ["一小", "小学", "113.3", "27.6", "7:20~7:50", "否"],
    ]
    valid = load_schools(build.csv(tmp_path / "s.csv", rows)).valid
    out = export_frame(valid, "schools")
    assert out["到校时段"].tolist() == ["07:20-07:50"]
    assert out["午间放学时段"].tolist() == ["11:40-12:10"]  # the primary-school default
    assert out["是否寄宿"].tolist() == ["否"]
    assert export_frame(valid, "schools", lang="en")["boarding"].tolist() == ["no"]


def test_only_requested_columns(hazards) -> None:
    out = export_frame(hazards, "hazards", columns=["hazard_id", "status", "category"])
    assert list(out.columns) == ["隐患编号", "整改状态", "隐患类别"]
    assert out.iloc[0].tolist() == ["H001", "交办", "交通安全"]
    out = export_frame(hazards, "hazards", columns=["hazard_id", "source_row"])
    assert list(out.columns) == ["隐患编号", "源表行号"]
    assert out["源表行号"].tolist() == [2, 3, 4, 5]


def test_english_labels(hazards) -> None:
    out = export_frame(hazards, "hazards", lang="en", columns=["hazard_id", "category", "status", "severity"])
    assert list(out.columns) == ["hazard id", "category", "status", "severity"]
    assert out["category"].tolist() == ["traffic", "food safety", "public order", "cultural market"]
    assert out["status"].tolist() == ["assigned", "found", "closed", "rectified"]


def test_export_does_not_touch_the_input(hazards) -> None:
    before = hazards.copy()
    export_frame(hazards, "hazards")
    pd.testing.assert_frame_equal(hazards, before)


def test_empty_vocab_cells_stay_empty(tmp_path: Path, build) -> None:
    rows = [["隐患类别", "地址", "严重程度"], ["交通", "路1", ""], ["食品", "路2", "重大"]]
    valid = load_hazards(build.csv(tmp_path / "h.csv", rows)).valid
    out = export_frame(valid, "hazards", columns=["severity"])
    assert pd.isna(out["严重程度"].iloc[0])
    assert out["严重程度"].iloc[1] == "重大"


def test_vocab_lists_are_labelled(tmp_path: Path, build) -> None:
    rows = [
        ["岗位编号", "执勤时段", "经度", "纬度"],
        ["GP1", "早、晚", "113.3", "27.6"],
        ["GP2", "午", "113.3", "27.6"],
    ]
    valid = load_guard_posts(build.csv(tmp_path / "g.csv", rows)).valid
    assert export_frame(valid, "guard_posts", columns=["windows"])["时段"].tolist() == ["早高峰、晚高峰", "午高峰"]
    english = export_frame(valid, "guard_posts", columns=["windows"], lang="en")["windows"].tolist()
    assert english == ["morning arrival, afternoon dismissal", "noon"]


def test_export_errors(hazards) -> None:
    with pytest.raises(InputError, match=r"columns \['phone'\] are not in the hazards table; available: \["):
        export_frame(hazards, "hazards", columns=["hazard_id", "phone"])
    with pytest.raises(InputError, match=r"lang must be 'zh' or 'en'; got 'fr'"):
        export_frame(hazards, "hazards", lang="fr")
    with pytest.raises(InputError, match=r"unknown dataset kind 'hazard'"):
        export_frame(hazards, "hazard")


def test_write_csv_with_bom_reads_back(tmp_path: Path, hazards) -> None:
    table = export_frame(hazards, "hazards", columns=["hazard_id", "category", "found_date", "deadline", "address"])
    path = write_table(table, tmp_path / "out" / "隐患清单.csv")
    assert path.exists()
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in data
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["隐患编号", "隐患类别", "发现日期", "整改期限", "地址"]
    assert back["隐患类别"].tolist() == ["交通安全", "食品安全", "社会治安", "文化市场"]
    assert back["发现日期"].tolist() == ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]
    assert back["整改期限"].tolist() == ["2026-04-05", "", "", ""]
    # the package reads its own export again (no coordinates, so every row waits for geocoding)
    again = load_hazards(path)
    assert again.encoding == "utf-8-sig"
    assert again.valid["category"].tolist() == ["traffic", "food_safety", "public_order", "cultural_market"]
    assert again.valid["deadline"].iloc[0] == pd.Timestamp("2026-04-05")
    assert again.valid["needs_geocoding"].all()


def test_write_xlsx_reads_back(tmp_path: Path, hazards) -> None:
    table = export_frame(hazards, "hazards", columns=["hazard_id", "category", "status", "found_date"], lang="en")
    path = write_table(table, tmp_path / "hazards.xlsx")
    back = pd.read_excel(path, engine="openpyxl", dtype=str)
    assert list(back.columns) == ["hazard id", "category", "status", "found date"]
    assert back["category"].tolist() == ["traffic", "food safety", "public order", "cultural market"]
    assert back["found date"].tolist() == ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]


def test_write_geodataframe_drops_geometry(tmp_path: Path, hazards) -> None:
    path = write_table(hazards[["hazard_id", "geometry"]], tmp_path / "g.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert list(back.columns) == ["hazard_id"]


def test_write_numbers_and_missing_values(tmp_path: Path, build) -> None:
    rows = [build.SCHOOL_HEADER, *build.SCHOOL_ROWS]
    schools = load_schools(build.csv(tmp_path / "s.csv", rows)).valid
    table = export_frame(schools, "schools", columns=["name", "level", "enrolment", "boarders"])
    back = pd.read_csv(write_table(table, tmp_path / "s_out.csv"), encoding="utf-8-sig")
    assert back["学段"].tolist() == ["小学", "初中", "幼儿园"]
    assert back["在校人数"].tolist() == [1200, 980, 150]
    assert back["寄宿生人数"].isna().all()


def test_write_unsupported_suffix(tmp_path: Path, hazards) -> None:
    with pytest.raises(InputError, match=r"out\.json: write tables as \.csv or \.xlsx; got '\.json'"):
        write_table(hazards, tmp_path / "out.json")
