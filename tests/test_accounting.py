"""Property tests: every data row is accounted for, once, whatever the cells hold.

``len(valid) + len(rejected) + blank_rows == rows_read``; the source rows of
valid and rejected rows are exactly the non-blank data rows; valid geometry is
WGS84 inside China (or None for hazards still to geocode); and the loaders raise
nothing but the package's own exceptions.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hutan_geo.errors import EmptyInputError, HutanError
from hutan_geo.io import load, load_frame
from hutan_geo.model import crs
from hutan_geo.model.schema import CATEGORIES, LEVELS, SEVERITIES, SPECS, STATUSES, WINDOWS, normalise_text

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Random Chinese text from characters that appear in no header, so no data row can pass for the header row.
_HEADER_CHARS = {ch for spec in SPECS.values() for col in spec.columns for s in col.spellings for ch in s}
SAFE_CJK = "".join(
    ch for ch in "山水林田湖草沙冰雪花鸟鱼虫云雨雷电江河海松柏梅兰竹菊春夏秋冬西南" if ch not in _HEADER_CHARS
)
JUNK_ALPHABET = "".join(
    ch
    for ch in "abcXYZ0123456789 .,-+/:;|'\"()°′″，。、．１２３\n" + SAFE_CJK
    if ch.encode("gbk", errors="ignore")  # every cell must be writable in GBK too
)
assert all(ch.encode("gbk") for ch in SAFE_CJK)

junk = st.text(JUNK_ALPHABET, max_size=12)
chinese = st.text(SAFE_CJK, min_size=1, max_size=6)
empty = st.sampled_from(["", " ", "\u3000"])


def vocab_values(vocab) -> st.SearchStrategy[str]:
    spellings = [s for code, (zh, en) in vocab.labels.items() for s in (code, zh, en, *vocab.aliases.get(code, ()))]
    return st.sampled_from(spellings)


lon_ok = st.floats(100.0, 120.0).map(lambda v: f"{v:.6f}")
lat_ok = st.floats(22.0, 40.0).map(lambda v: f"{v:.6f}")
anywhere = st.floats(-200.0, 200.0, allow_nan=False).map(lambda v: f"{v:.4f}")
dates = st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"])
)
counts = st.one_of(st.integers(0, 3000).map(str), st.sampled_from(["三", "十二", "约200人", "-1", "很多", "1e30"]))
windows = st.tuples(st.integers(5, 20), st.integers(0, 59), st.integers(0, 90)).map(
    lambda t: f"{t[0]}:{t[1]:02d}-{t[0] + (t[1] + t[2]) // 60}:{(t[1] + t[2]) % 60:02d}"
)
ids = st.sampled_from(["A1", "A2", "A3", "1001", "1002"])

# header -> strategy of plausible values, per kind; lon/lat/coordinates are added by the layout
COLUMNS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "schools": {
        "学校编号": ids,
        "学校名称": chinese,
        "学段": vocab_values(LEVELS),
        "在校人数": counts,
        "是否寄宿": st.sampled_from(["是", "否", "Y", "n"]),
        "到校时段": windows,
    },
    "hazards": {
        "隐患编号": ids,
        "隐患类别": vocab_values(CATEGORIES),
        "隐患描述": chinese,
        "地址": chinese,
        "严重程度": vocab_values(SEVERITIES),
        "整改状态": vocab_values(STATUSES),
        "发现日期": dates,
        "交办日期": dates,
    },
    "stations": {"派出所名称": chinese, "巡逻车数量": counts, "民警人数": counts},
    "gates": {"学校编号": ids, "校门名称": chinese, "是否主门": st.sampled_from(["是", "否"])},
    "guard_posts": {"护学岗编号": ids, "学校编号": ids, "执勤时段": vocab_values(WINDOWS)},
    "places": {"名称": chinese, "类型": chinese, "乡镇": chinese},
}
REQUIRED = {
    "schools": ["学校名称", "学段"],
    "hazards": ["隐患类别"],
    "stations": ["派出所名称"],
    "gates": ["学校编号", "校门名称"],
    "guard_posts": [],
    "places": ["名称"],
}


@st.composite
def tables(draw: st.DrawFn, kind: str) -> tuple[list[str], list[list[str]]]:
    """A header and rows mixing valid values, junk, empty cells, blank rows, duplicates and bad coordinates."""
    optional = [h for h in COLUMNS[kind] if h not in REQUIRED[kind]]
    chosen = REQUIRED[kind] + draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional)))
    layouts = ["lonlat", "combined", "lonlat_datum"] + (["address_only"] if kind == "hazards" else [])
    layout = draw(st.sampled_from(layouts))
    if layout == "address_only" and "地址" not in chosen:
        chosen.append("地址")
    location = {
        "lonlat": ["经度", "纬度"],
        "lonlat_datum": ["经度", "纬度", "坐标系"],
        "combined": ["坐标"],
        "address_only": [],
    }[layout]
    header = chosen + location
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(1, 8))):
        shape = draw(st.sampled_from(["good", "good", "messy", "blank", "repeat", "swapped", "no_coords"]))
        if shape == "blank":
            rows.append([draw(empty) for _ in header])
            continue
        if shape == "repeat" and rows:
            rows.append(list(draw(st.sampled_from(rows))))
            continue
        row = []
        for h in chosen:
            good = COLUMNS[kind][h]
            row.append(draw(good) if shape != "messy" else draw(st.one_of(good, junk, empty, chinese)))
        lon, lat = draw(lon_ok), draw(lat_ok)
        if shape == "messy":
            lon, lat = draw(st.one_of(lon_ok, anywhere, junk, empty)), draw(st.one_of(lat_ok, anywhere, junk, empty))
        if shape == "swapped":
            lon, lat = lat, lon
        if shape == "no_coords":
            lon = lat = ""
        if layout.startswith("lonlat"):
            row += [lon, lat]
        if layout == "lonlat_datum":
            row.append(draw(st.sampled_from(["", "WGS84", "GCJ-02", "百度", "高德", "西安80"])))
        if layout == "combined":
            row.append(f"{lon},{lat}" if lon or lat else "")
        rows.append(row)
    return header, rows


def is_blank(row: list[Any]) -> bool:
    return all(normalise_text(v) == "" for v in row)


def expected_rows(rows: list[list[str]], starts: list[int]) -> tuple[set[int], int, int]:
    """Non-blank data rows, rows read (trailing blank rows are not read) and blank rows among them."""
    nonblank = [i for i, r in enumerate(rows) if not is_blank(r)]
    if not nonblank:
        return set(), 0, 0
    read = nonblank[-1] + 1
    return {starts[i] for i in nonblank}, read, read - len(nonblank)


def check_result(result, kind: str, expected: set[int], rows_read: int, blank_rows: int, source: str) -> None:
    valid, rejected = result.valid, result.rejected
    assert len(valid) + len(rejected) + result.blank_rows == result.rows_read
    assert (result.rows_read, result.blank_rows) == (rows_read, blank_rows)
    valid_rows, rejected_rows = set(valid["source_row"]), set(rejected["source_row"])
    assert len(valid_rows) == len(valid)
    assert len(rejected_rows) == len(rejected)
    assert not valid_rows & rejected_rows
    assert valid_rows | rejected_rows == expected
    assert valid.crs is not None
    assert valid.crs.to_epsg() == 4326
    assert (rejected["source_file"] == source).all()
    assert rejected["reason"].str.len().gt(0).all()
    assert rejected["columns"].str.len().gt(0).all()
    missing = valid.geometry.isna().to_numpy()
    if kind == "hazards":
        np.testing.assert_array_equal(missing, valid["needs_geocoding"].to_numpy(dtype=bool))
    else:
        assert not missing.any()
    placed = valid.geometry[~missing]
    assert crs.in_china(placed.x.to_numpy(), placed.y.to_numpy()).all()
    if SPECS[kind].id_column is not None:
        assert valid[SPECS[kind].id_column].notna().all()
        assert valid[SPECS[kind].id_column].is_unique


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> list[int]:
    """Write a CSV and return the line on which each data row starts."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    starts, line = [], 2
    for row in rows:
        writer.writerow(row)
        starts.append(line)
        line += 1 + sum(cell.count("\n") for cell in row)
    path.write_bytes(buf.getvalue().encode(encoding))
    return starts


def xlsx_cell(value: str) -> Any:
    """Cells as a spreadsheet holds them: numbers typed as numbers, empty cells empty."""
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> list[int]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
    book.save(path)
    return [i + 2 for i in range(len(rows))]


def load_checked(path: Path, kind: str, starts: list[int], rows: list[list[str]], **options: Any):
    expected, rows_read, blank_rows = expected_rows(rows, starts)
    try:
        result = load(path, kind, **options)
    except EmptyInputError:
        assert not expected, "rows with data were reported as empty"
        return None
    except HutanError:
        raise  # the headers are right, so any other error of ours is a failure too
    except Exception as exc:  # anything else is a bug in the loader
        pytest.fail(f"{type(exc).__name__} escaped the loader: {exc}")
    source = path.name if path.suffix == ".csv" else f"{path.name}[Sheet]"
    check_result(result, kind, expected, rows_read, blank_rows, source)
    return result


@pytest.mark.parametrize("kind", list(COLUMNS))
@SETTINGS
@given(data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
def test_every_row_accounted_for(kind: str, data: st.DataObject, encoding: str) -> None:
    header, rows = data.draw(tables(kind))
    allow_swap = data.draw(st.booleans())
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "table.csv"
        csv_starts = write_csv(csv_path, header, rows, encoding)
        from_csv = load_checked(csv_path, kind, csv_starts, rows, allow_swap=allow_swap)
        if from_csv is not None:  # the header is Chinese, so the encoding is always detectable
            assert from_csv.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}[encoding]
        xlsx_path = Path(folder) / "table.xlsx"
        starts = write_xlsx(xlsx_path, header, rows)
        from_xlsx = load_checked(xlsx_path, kind, starts, rows, allow_swap=allow_swap)
    if from_csv is not None and from_xlsx is not None:
        # the same table gives the same verdict row by row, whatever the container
        csv_index = {line: i for i, line in enumerate(csv_starts)}
        assert {csv_index[r] for r in from_csv.valid["source_row"]} == {r - 2 for r in from_xlsx.valid["source_row"]}


# Any Python value a DataFrame may hold, including the awkward ones.
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)),
    st.dates(),
    lon_ok,
    lat_ok,
)


@pytest.mark.parametrize("kind", ["schools", "hazards", "stations", "guard_posts"])
@SETTINGS
@given(data=st.data())
def test_load_frame_any_cell_content(kind: str, data: st.DataObject) -> None:
    spec = SPECS[kind]
    headers = [c.zh for c in spec.columns if c.kind != "coords"]
    n = data.draw(st.integers(1, 6))
    frame = pd.DataFrame({h: data.draw(st.lists(anything, min_size=n, max_size=n)) for h in headers}, dtype=object)
    try:
        result = load_frame(frame, kind, source="表")
    except Exception as exc:  # the headers are right: no error at all is expected, cells only get rejected
        pytest.fail(f"{type(exc).__name__} escaped load_frame: {exc}")
    assert len(result.valid) + len(result.rejected) + result.blank_rows == result.rows_read == n
    assert not set(result.valid["source_row"]) & set(result.rejected["source_row"])
    assert set(result.valid["source_row"]) | set(result.rejected["source_row"]) <= set(range(2, n + 2))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".geojson"])
@SETTINGS
@given(
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", "学校名称,学段,经度,纬度\n".encode("gbk")]),
    body=st.binary(max_size=200),
)
def test_any_bytes_raise_only_our_errors(suffix: str, prefix: bytes, body: bytes) -> None:
    error: Exception | None = None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"garbage{suffix}"
        path.write_bytes(prefix + body)
        try:
            result = load(path, "schools")
        except Exception as exc:  # checked below
            error = exc
    if error is not None:
        assert isinstance(error, HutanError), f"{type(error).__name__} escaped the loader: {error}"
        assert "garbage" in str(error)  # every message names the file
        return
    assert len(result.valid) + len(result.rejected) + result.blank_rows == result.rows_read
