"""Issue 15: input that used to crash or lose rows, and formula injection in every table written."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from hutan_geo.errors import HutanError, InputError
from hutan_geo.io import (
    load_schools,
    load_stations,
    read_raw,
    restore_cell,
    safe_cell,
    write_sheets,
    write_table,
)
from hutan_geo.model.schema import SPECS

HOSTILE = ['=HYPERLINK("http://x.example","点击")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\tTAB", "\rCR"]


# -- 1. a folder passed as a file ------------------------------------------------------------------------


def test_folder_as_file_is_a_clear_input_error(tmp_path: Path, build) -> None:
    folder = tmp_path / "台账.csv"
    folder.mkdir()
    build.csv(folder / "schools.csv", [build.SCHOOL_HEADER, *build.SCHOOL_ROWS])
    with pytest.raises(InputError, match=r"台账\.csv: this is a folder, not a file \(it holds schools\.csv\)"):
        load_schools(folder)


# -- 1. GeoJSON with nested properties --------------------------------------------------------------------


def test_geojson_nested_properties_are_kept_as_json_text(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [113.3 + i / 100, 27.6]},
            "properties": {"派出所名称": f"所{i}", "tags": [1, 2], "meta": {"值班": "张三"}, "arr": ["东", "西"]},
        }
        for i in range(2)
    ]
    path = tmp_path / "s.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    result = load_stations(path)
    assert len(result.valid) == 2
    assert result.valid["meta"].tolist() == ['{"值班": "张三"}'] * 2
    assert json.loads(result.valid["arr"].iloc[0]) == ["东", "西"]
    assert json.loads(result.valid["tags"].iloc[0]) == [1, 2]


# -- 1. a CSV with an unclosed quote ----------------------------------------------------------------------


def test_unclosed_quote_loses_no_row(tmp_path: Path, build) -> None:
    lines = [",".join(build.SCHOOL_HEADER)] + [",".join(r) for r in build.SCHOOL_ROWS]
    lines[2] = lines[2].replace("城关中学", '"城关中学')  # the quote opens on line 3 and never closes
    lines += ["S004,河西小学,小学,113.34,27.64,500,", 'S005,"多行\n备注小学",小学,113.35,27.65,300,']
    path = tmp_path / "schools.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_schools(path)
    assert result.rows_read == 5 == len(result.valid) + len(result.rejected) + result.blank_rows
    rows = sorted([*result.valid["source_row"], *result.rejected["source_row"]])
    assert rows == [2, 3, 4, 5, 6]  # the multi-line cell of line 6 stays one row
    assert "多行\n备注小学" in result.valid["name"].tolist()
    assert result.notes == ["第 3 行有未闭合的引号，该行已按原样（引号作普通字符）读取，请核对"]
    assert "第 3 行有未闭合的引号" in result.summary()
    assert '"城关中学' in result.valid["name"].tolist()


def test_many_unclosed_quotes_are_refused_with_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("派出所名称,经度,纬度\n" + '"所,113.3,27.6\n' * 60, encoding="utf-8")
    with pytest.raises(HutanError, match=r"s\.csv: more than 50 quotes are never closed \(first on line 2\)"):
        load_stations(path)


# -- 1. a Shapefile with GBK text and no .cpg -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_shapefile_without_cpg_is_decoded_and_reported(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "stations.shp"
    names = ["城关派出所", "河西派出所"]
    gdf = gpd.GeoDataFrame({"名称": names}, geometry=[shapely.Point(113.3, 27.6), shapely.Point(113.4, 27.7)])
    gdf.set_crs(4326).to_file(path, engine="pyogrio", encoding=encoding)
    path.with_suffix(".cpg").unlink()
    result = load_stations(path)
    assert result.valid["name"].tolist() == names
    assert result.encoding == encoding
    assert encoding.upper() in result.summary()
    assert "no .cpg" in load_stations(path, lang="en").notes[0]


# -- 1. a two-row header -----------------------------------------------------------------------------------


def test_two_row_header_in_excel(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["城关镇学校名册"])
    ws.append(["学校名称", "学段", "经纬度", None, "在校人数"])
    ws.append([None, None, "经度", "纬度", None])
    ws.merge_cells("C2:D2")
    ws.append(["城关第一小学", "小学", 113.31, 27.61, 1200])
    ws.append(["城关中学", "初中", 113.32, 27.62, 980])
    path = tmp_path / "schools.xlsx"
    book.save(path)
    result = load_schools(path)
    assert len(result.rejected) == 0
    assert result.rows_read == 2
    assert result.valid["source_row"].tolist() == [4, 5]
    assert result.valid.geometry.x.round(2).tolist() == [113.31, 113.32]
    assert "表头占两行（第 2 和 3 行）" in result.summary()


def test_two_row_header_in_csv_lower_row_chosen(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("学校名称,学段,坐标,\n,,经度,纬度\n城关第一小学,小学,113.31,27.61\n", encoding="utf-8")
    result = load_schools(path)
    assert len(result.valid) == 1
    assert result.rows_read == 1


def test_data_row_under_header_is_not_a_header(tmp_path: Path, build) -> None:
    result = load_schools(build.csv(tmp_path / "s.csv", [build.SCHOOL_HEADER, *build.SCHOOL_ROWS]))
    assert result.rows_read == 3
    assert result.notes == []


# -- 2. formula injection ----------------------------------------------------------------------------------


def test_safe_cell_round_trip() -> None:
    for text in [*HOSTILE, "'=x", "''@y", "'08", "东门", ""]:
        assert restore_cell(safe_cell(text)) == text
    assert safe_cell(-3) == -3
    assert safe_cell(2.5) == 2.5


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({"派出所名称": HOSTILE, "经度": [113.3] * 6, "纬度": [27.6] * 6, "=备注": [1, -2, 3, 4, 5, 6]})


def test_write_table_csv_neutralises_and_loader_restores(tmp_path: Path) -> None:
    path = write_table(_hostile_frame(), tmp_path / "t.csv")
    back = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert back.columns[-1] == "'=备注"
    assert back["派出所名称"].tolist() == ["'" + t for t in HOSTILE]
    assert back["'=备注"].tolist() == ["1", "-2", "3", "4", "5", "6"]  # numbers stay numbers
    raw = read_raw(path, SPECS["stations"])
    assert raw.frame["派出所名称"].tolist() == HOSTILE
    assert "=备注" in raw.frame.columns
    # the validator trims names (the tab and CR at the start); the raw cells above are exact
    assert load_stations(path, region="world").valid["name"].tolist() == [t.strip() for t in HOSTILE]


@pytest.mark.parametrize("how", ["write_table", "write_sheets"])
def test_xlsx_has_no_formula_cell(tmp_path: Path, how: str) -> None:
    path = tmp_path / "t.xlsx"
    if how == "write_table":
        write_table(_hostile_frame(), path)
    else:
        write_sheets({"表": _hostile_frame()}, path)
    cells = [c for row in openpyxl.load_workbook(path).active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # XML keeps no lone carriage return: openpyxl reads it back as a line feed
    text = ["'" + t.replace("\r", "\n") for t in HOSTILE]
    assert [c.value for c in cells if c.column == 1][1:] == text
    assert [c.value for c in cells if c.column == 4][1:] == [1, -2, 3, 4, 5, 6]
    assert load_stations(path).valid["name"].tolist()[:4] == HOSTILE[:4]


def test_write_table_into_a_folder_or_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "t.csv").mkdir()
    with pytest.raises(InputError, match="a folder has this name"):
        write_table(_hostile_frame(), tmp_path / "t.csv")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(InputError, match="cannot write the table"):
        write_table(_hostile_frame(), tmp_path / "plain" / "t.csv")


def test_validate_outputs_round_trip_hostile_text(tmp_path: Path, build) -> None:
    from hutan_geo.pipeline import validate_file

    hostile = ["S009", "=HYPERLINK(1)", "小学", "999", "27.6", "10", ""]
    rows = [build.SCHOOL_HEADER, *map(list, build.SCHOOL_ROWS), hostile]  # copies: the builder's rows are shared
    rows[1][1] = "@城关第一小学"
    done = validate_file(build.csv(tmp_path / "schools.csv", rows), "schools", out=tmp_path / "out")
    for _, path in done.written:
        text = Path(path).read_text(encoding="utf-8-sig")
        assert "\n=" not in text
        assert ",=" not in text
        assert ",@" not in text
    valid = next(p for _, p in done.written if "有效" in Path(p).name or "valid" in Path(p).name)
    assert "@城关第一小学" in load_schools(valid).valid["name"].tolist()


def test_roster_and_demo_tables_have_no_formula(tmp_path: Path) -> None:
    import io

    from hutan_geo.io import write_csv_text

    buffer = io.StringIO()
    write_csv_text(pd.DataFrame({"a": ["=1", "-x", "ok"]}), buffer)
    assert buffer.getvalue() == "a\n'=1\n'-x\nok\n"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_text_file_cut_inside_its_last_character(tmp_path: Path, build, encoding: str) -> None:
    data = build.csv(tmp_path / "s.csv", [build.SCHOOL_HEADER, *build.SCHOOL_ROWS[:2]], encoding=encoding).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[:-1] + "城".encode(encoding)[:1])  # the download stopped mid-character
    result = load_schools(cut)
    assert result.encoding in ("utf-8", "gb18030")
    assert result.valid["name"].tolist() == ["城关第一小学"]
    assert result.rejected["source_row"].tolist() == [3]  # its window cell now ends in U+FFFD
