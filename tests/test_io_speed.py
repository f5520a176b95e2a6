"""The fast CSV path (pyarrow) and the vectorised validation give exactly what the Python path gives.

Files are generated with a fixed seed: GBK with a title row, quoted commas,
formula-quoted cells, blank and short lines, junk rows, duplicates and
datums; each is read with ``engine="auto"`` and ``engine="python"`` and the
raw tables and load results are compared cell for cell. No timing here:
``benchmarks/bench_loaders.py`` measures the speed.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import hutan_geo.io.readers as readers
from hutan_geo.demo import demo_data_dir
from hutan_geo.io import LAYOUT, load, load_frame, read_raw
from hutan_geo.io.checks import RowLog
from hutan_geo.io.fastcsv import read_body
from hutan_geo.io.parsers import parse_values, parser_for
from hutan_geo.model.schema import HAZARDS, SPECS

if TYPE_CHECKING:
    from pathlib import Path

HEADER = [
    "隐患编号",
    "隐患类别",
    "隐患描述",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "严重程度",
    "整改状态",
    "发现日期",
    "备注",
]
TITLE = "某县校园周边安全隐患排查台账（2026年春季）"


def _row(rng: np.random.Generator, i: int) -> list[str]:
    has = rng.random() < 0.7
    return [
        f"YH{i:05d}" if rng.random() < 0.95 else "",
        str(rng.choice(["交通安全", "食品安全", "社会治安", "文化市场", "其他", "治安"])),
        str(rng.choice(["校门口无减速带", "流动摊贩聚集", "网吧接纳未成年人"])),
        f"人民路{rng.integers(1, 40)}号",
        f"{rng.uniform(108.8, 114.2):.6f}" if has else "",
        f"{rng.uniform(24.6, 30.1):.6f}" if has else "",
        str(rng.choice(["WGS84", "GCJ-02", "BD-09", ""])) if has else "",
        str(rng.choice(["一般", "较大", "重大", ""])),
        str(rng.choice(["已发现", "已汇总", "已交办", "已整改", "已销号", ""])),
        f"2026-03-{rng.integers(1, 29):02d}" if rng.random() < 0.9 else "",
        "",
    ]


#: Lines that are not plain rows: (line, how many cells the Python reader gives).
ODD_LINES = [
    'YH90001,交通安全,"校门口无减速带,急需整改",人民路1号,113.3,27.6,WGS84,一般,已发现,2026-03-01,',
    "YH90002,食品安全,'=HYPERLINK(1),人民路2号,113.3,27.6,,一般,已发现,2026-03-02,'-3",
    "YH90003,食品安全,'08,人民路3号,113.3,27.6,,一般,已发现,2026-03-02,''+x",
    'YH90004,社会治安,"他说""慢行""",人民路4号,113.31,27.61,,重大,,2026-03-03,',
    "YH90005,交通安全",
    "   ",
    ",,,,,,,,,,",
    'YH90006,文化市场,门口a"b,人民路6号,113°18′,27°36′,,一般,已交办,2026年3月5日,',
    "YH90007,火灾,烟花爆竹,人民路7号,113.3,27.6,,一般,已发现,2026-03-05,",
    "ＹＨ９０００８, 交通安全 ,全角编号,人民路8号, 113.3 ,27.6,,一般,已发现,20260305,",
    "YH90009,交通安全,经纬度颠倒,人民路9号,27.6,113.3,,一般,已发现,2026-03-05,",
    "YH90001,交通安全,编号重复,人民路1号,113.3,27.6,,一般,已发现,2026-03-01,",
    "YH90010,交通安全,没有坐标,,,,,一般,已发现,2026-03-01,",
    "",
]


def tricky_lines(rows: int, seed: int) -> list[str]:
    """Return the lines of a hazard sheet: title, header, plain rows with the odd lines mixed in, trailing blanks."""
    rng = np.random.default_rng(seed)
    body = [",".join(_row(rng, i)) for i in range(rows)]
    body += [body[-1], body[-1]]  # exact repeats
    for line in ODD_LINES:
        body.insert(int(rng.integers(0, len(body))), line)
    return [TITLE, ",".join(HEADER), *body, "", ",,,", ""]


def write(path: Path, lines: list[str], *, encoding: str = "gbk", newline: str = "\n", delimiter: str = ",") -> Path:
    """Write ``lines`` (comma-separated) with another delimiter, line end and encoding."""
    if delimiter != ",":
        lines = [_redelimit(line, delimiter) for line in lines]
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def _redelimit(line: str, delimiter: str) -> str:
    out = io.StringIO()
    for record in csv.reader([line]):
        csv.writer(out, delimiter=delimiter, lineterminator="").writerow(record)
    return out.getvalue()


def assert_same_load(path: Path, kind: str = "hazards", **options: Any) -> None:
    """Load ``path`` with both engines and compare everything the loader returns."""
    fast = load(path, kind, **options)
    slow = load(path, kind, engine="python", **options)
    assert_geodataframe_equal(fast.valid, slow.valid)
    assert fast.valid.dtypes.tolist() == slow.valid.dtypes.tolist()
    pd.testing.assert_frame_equal(fast.rejected, slow.rejected)
    for name in ("rows_read", "blank_rows", "header_row", "column_map", "extra_columns", "encoding", "notes"):
        assert getattr(fast, name) == getattr(slow, name), name
    assert fast.summary() == slow.summary()


def assert_same_raw(path: Path, spec_kind: str = "hazards") -> None:
    fast = read_raw(path, SPECS[spec_kind])
    slow = read_raw(path, SPECS[spec_kind], engine="python")
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert fast.row_numbers.tolist() == slow.row_numbers.tolist()
    assert (fast.header_row, fast.encoding, fast.notes) == (slow.header_row, slow.encoding, slow.notes)


@pytest.fixture
def fast_reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for each CSV read, whether the pyarrow path read it (True) or handed it to the Python path."""
    taken: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        body = read_body(*args, **kwargs)
        taken.append(body is not None)
        return body

    monkeypatch.setattr(readers, "read_body", spy)
    return taken


@pytest.mark.parametrize(
    ("encoding", "newline", "delimiter"),
    [("gbk", "\n", ","), ("gbk", "\r\n", ","), ("utf-8-sig", "\n", "\t"), ("utf-8", "\r\n", ";")],
)
def test_tricky_file_same_on_both_paths(
    tmp_path: Path, fast_reads: list[bool], encoding: str, newline: str, delimiter: str
) -> None:
    path = write(tmp_path / "h.csv", tricky_lines(300, seed=5), encoding=encoding, newline=newline, delimiter=delimiter)
    assert_same_raw(path)
    assert_same_load(path)
    assert_same_load(path, datum="gcj02", allow_swap=True, lang="en")
    assert fast_reads
    assert all(fast_reads)  # every read above went through pyarrow
    result = load(path, "hazards")
    assert result.rejected["reason_codes"].str.contains("unknown_value").any()
    assert result.rejected["reason_codes"].str.contains("duplicate_id").any()
    assert result.rejected["reason_codes"].str.contains("exact_duplicate").any()
    assert result.blank_rows >= 3
    assert "=HYPERLINK(1)" in result.valid["description"].tolist()


@pytest.mark.parametrize("name", [n for n, (rel, _, _) in LAYOUT.items() if rel.endswith(".csv")])
def test_demo_tables_same_on_both_paths(fast_reads: list[bool], name: str) -> None:
    rel, kind, _ = LAYOUT[name]
    path = demo_data_dir() / rel
    assert_same_raw(path, kind)
    assert_same_load(path, kind)
    assert_same_load(path, kind, lang="en", region="world", datum="gcj02")
    assert fast_reads
    assert all(fast_reads)


@pytest.mark.parametrize("seed", range(12))
def test_random_files_same_on_both_paths(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    lines = tricky_lines(int(rng.integers(1, 60)), seed=seed)
    drop = rng.random(len(lines)) < 0.2
    drop[:2] = False  # keep the title and the header
    lines = [line for line, gone in zip(lines, drop, strict=True) if not gone]
    path = write(tmp_path / "r.csv", lines, encoding=str(rng.choice(["gbk", "utf-8"])))
    assert_same_raw(path)
    assert_same_load(path, region=str(rng.choice(["china", "world"])))


@pytest.mark.parametrize(
    ("odd", "note"),
    [
        ('YH1,交通安全,"跨两行的\n描述",人民路1号,113.3,27.6,,一般,已发现,2026-03-01,', False),
        ('YH1,交通安全,"引号没有闭合,人民路1号,113.3,27.6,,一般,已发现,2026-03-01,', True),
        ("YH1,交通安全,多了一列,人民路1号,113.3,27.6,,一般,已发现,2026-03-01,,多余", False),
        ("YH1,交通安全,单独的回车\r符,人民路1号,113.3,27.6,,一般,已发现,2026-03-01,", False),
    ],
    ids=["multiline", "unclosed", "wider", "lone-cr"],
)
@pytest.mark.parametrize("where", [8, 30])  # among the lines where the header is looked for, or below
def test_odd_files_fall_back_to_python(
    tmp_path: Path, fast_reads: list[bool], odd: str, note: bool, where: int
) -> None:
    lines = tricky_lines(20, seed=1)
    lines.insert(where, odd)
    path = write(tmp_path / "odd.csv", lines)
    assert_same_raw(path)
    assert_same_load(path)
    assert not any(fast_reads)
    assert bool(load(path, "hazards").notes) is note


def test_header_further_down_and_two_row_header(tmp_path: Path, fast_reads: list[bool]) -> None:
    rows = tricky_lines(30, seed=2)[2:]
    header = "隐患编号,隐患类别,隐患描述,地址,经纬度,,坐标系,严重程度,整改状态,发现日期"
    lines = ["某县隐患台账", "", "填报单位：县公安局,,,", header, ",,,,经度,纬度,,,,,"]
    lines += [",".join(r.split(",")[:10]) for r in rows]
    path = write(tmp_path / "two.csv", lines)
    assert_same_raw(path)
    assert_same_load(path)
    assert fast_reads
    assert all(fast_reads)
    result = load(path, "hazards")
    assert (result.header_row, result.notes) == (4, ["表头占两行（第 4 和 5 行），已合并"])


def test_csv_errors_are_the_python_paths(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", ["标题", "名称,地址", "a,b"])
    for engine in ("auto", "python"):
        with pytest.raises(ValueError, match=r"x\.csv: the hazards table lacks required column"):
            load(path, "hazards", engine=engine)
    with pytest.raises(ValueError, match=r"engine must be 'auto' or 'python'; got 'c'"):
        load(path, "hazards", engine="c")


def test_read_body_pads_short_rows_and_drops_trailing_blanks() -> None:
    text = '名称,地址,备注\n"城关,东门",一小\n\n河西,西街,\'=1\n,,\n \n'
    frame, lines = read_body(text.encode(), 1, 3, ",")
    assert frame.to_numpy().tolist() == [["城关,东门", "一小", None], [None, None, None], ["河西", "西街", "=1"]]
    assert lines.tolist() == [2, 3, 4]
    assert read_body(b"a,b\n1,2,3\n", 1, 2, ",") is None  # wider than the header
    assert read_body(b"a,b\n", 1, 2, ",") is None  # no data


def test_parse_values_matches_the_parser() -> None:
    rng = np.random.default_rng(3)
    numbers = [f"{v:.{d}f}" for v, d in zip(rng.uniform(-200, 200, 400), rng.integers(0, 12, 400), strict=True)]
    odd = ["113.3E", "东经113.3", " 27.6", "27.6 ", "1" * 30, "-0", "1_0", "１１３.３", "nan", "inf", "1e5", "+3"]
    texts = ["YH1", " YH2", "YH3\t", "ＹＨ４", "a\x7f", "x\u3000", "校门口", "'=1", "1001.0"]
    for name, values in (("lon", numbers + odd), ("lat", odd + texts), ("hazard_id", texts + odd + numbers[:20])):
        col = HAZARDS.column(name)
        raw = np.array(values, dtype=object)
        parsed, errors = parse_values(col, "zh", raw, np.ones(len(raw), dtype=bool))
        parser = parser_for(col, "zh")
        for i, value in enumerate(raw):
            expected, error = parser(value)
            assert parsed[i] == expected or (parsed[i] is None and expected is None), value
            assert type(parsed[i]) is type(expected), value
            assert errors.get(i) == error, value


def test_exact_duplicates_compare_cells_as_before() -> None:
    frame = pd.DataFrame(
        {
            "派出所名称": ["城关所", "城关所", "城关所", "城关所", "河西所"],
            "经度": [113.3, 113.3, 113.3, 113.3, 113.4],
            "纬度": [27.6, 27.6, 27.6, 27.6, 27.7],
            "备注": [1, "1", None, np.nan, "x"],  # 1 and "1" hash alike, None and NaN are both missing
        }
    )
    result = load_frame(frame, "stations")
    assert result.rejected["source_row"].tolist() == [3, 5]
    assert result.rejected["reason_codes"].tolist() == ["exact_duplicate", "exact_duplicate"]


def test_exact_duplicate_found_after_blank_rows_are_dropped() -> None:
    # the blank row held codes of its own: the names left (甲, 乙, 乙) must not look all different
    names, lons, lats = ["甲", "", "乙", "乙"], ["113.3", "", "113.4", "113.4"], ["27.6", "", "27.7", "27.7"]
    result = load_frame(pd.DataFrame({"派出所名称": names, "经度": lons, "纬度": lats}), "stations")
    assert result.blank_rows == 1
    assert result.rejected[["source_row", "reason_codes"]].to_numpy().tolist() == [[5, "exact_duplicate"]]
    assert result.rejected["reason"].tolist() == ["与第 4 行完全相同（重复录入）"]


def test_row_log_notes_keep_their_order() -> None:
    rows = RowLog("zh")
    rows.note(2, "needs_geocoding")
    rows.note_rows(np.array([0, 2]), "swap_fixed")
    rows.note(0, "geometry_repaired")
    rows.note_rows(np.array([2]), "geometry_repaired")
    notes = rows.notes_text(np.array([2, 1, 0]), 3).tolist()
    single = RowLog("zh")
    for pos, code in ((2, "needs_geocoding"), (0, "swap_fixed"), (2, "swap_fixed"), (0, "geometry_repaired")):
        single.note(pos, code)
    single.note(2, "geometry_repaired")
    assert notes == single.notes_text(np.array([2, 1, 0]), 3).tolist()
    assert notes[1] == ""
    assert notes[2].count("; ") == 1
    assert notes[0].count("; ") == 2
