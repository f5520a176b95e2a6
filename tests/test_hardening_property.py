"""Property test (issue 15): whatever a register holds, every row comes out once, with its text unchanged.

Registers are generated with arbitrary text (CJK, quotes, delimiters, line
breaks inside quoted cells, leading ``= + - @``), in UTF-8, UTF-8 with BOM or
GBK, comma/semicolon/pipe/tab separated, with a plain header, a title row, a
two-row header, or written by the package itself (:func:`hutan_geo.io.write_table`,
formula-like text neutralised). Every non-blank input row must be in the
valid rows or in the review table exactly once, under its own line number,
and its free-text cell must read back unchanged.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hutan_geo.io import load_stations, restore_cell, write_table
from hutan_geo.model.schema import SPECS

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_HEADER_CHARS = {ch for spec in SPECS.values() for col in spec.columns for s in col.spellings for ch in s}
_CJK = "".join(ch for ch in "山水林田湖草沙冰雪花鸟鱼虫云雨雷松柏梅兰竹菊春夏秋冬甲乙丙丁" if ch not in _HEADER_CHARS)
#: GBK-encodable, so every encoding can hold every cell; the delimiter is added per example.
_ALPHABET = _CJK + "abcXYZ019 .-+=@'\"()，。、\n"
#: A free-text column no spec knows, kept as it is in the result.
NOTE = "随记"
TITLE = "城关镇派出所巡查台账（2026年）"

row_text = st.text(_ALPHABET, max_size=14).filter(lambda t: restore_cell(t) == t)
names = st.one_of(st.just(""), st.text(_CJK, min_size=1, max_size=6), row_text)
lon = st.floats(100.0, 120.0).map(lambda v: f"{v:.6f}")
lat = st.floats(22.0, 40.0).map(lambda v: f"{v:.6f}")
rows = st.lists(st.tuples(names, lon, lat, row_text), min_size=1, max_size=8)


def _with_delimiter(text: str, delimiter: str) -> str:
    return text.replace("|", delimiter) if delimiter != "\t" else text


def _write(
    rows: list[tuple[str, str, str, str]], layout: str, delimiter: str, terminator: str
) -> tuple[str, list[int]]:
    """Return the register's text and the first line of each data row."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=terminator)
    if layout == "title":
        writer.writerow([TITLE])
    if layout == "two_rows":
        writer.writerow(["派出所名称", "坐标", "", NOTE])
        writer.writerow(["", "经度", "纬度", ""])
    else:
        writer.writerow(["派出所名称", "经度", "纬度", NOTE])
    for row in rows:
        writer.writerow(row)
    text = buf.getvalue()
    return text, _starts_of(text, delimiter, skip=1 if layout == "plain" else 2)


def _blank(row: tuple[str, ...]) -> bool:
    return all(not c.strip() for c in row)


@SETTINGS
@given(
    data=rows,
    layout=st.sampled_from(["plain", "title", "two_rows", "package"]),
    delimiter=st.sampled_from([",", ";", "|", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
    terminator=st.sampled_from(["\n", "\r\n"]),
)
def test_every_row_once_with_its_text(data, layout, delimiter, encoding, terminator) -> None:
    data = [(_with_delimiter(n, delimiter), x, y, _with_delimiter(t, delimiter)) for n, x, y, t in data]
    with tempfile.TemporaryDirectory() as folder:
        if layout == "package":
            path = write_table(pd.DataFrame(data, columns=["派出所名称", "经度", "纬度", NOTE]), Path(folder) / "r.csv")
            starts = _starts_of(path.read_text(encoding="utf-8-sig"), ",")
        else:
            text, starts = _write(data, layout, delimiter, terminator)
            path = Path(folder) / ("r.tsv" if delimiter == "\t" else "r.csv")
            path.write_bytes(text.encode(encoding))
        result = load_stations(path)
    expected = {start: row for start, row in zip(starts, data, strict=True) if not _blank(row)}
    valid_rows = result.valid["source_row"].tolist()
    rejected_rows = result.rejected["source_row"].tolist() if len(result.rejected) else []
    seen = valid_rows + rejected_rows
    assert sorted(seen) == sorted(expected), (seen, expected)
    assert result.rows_read == len(result.valid) + len(result.rejected) + result.blank_rows
    assert len(result.notes) == (layout == "two_rows")  # nothing but the two-row header is worth a note
    for _, row in result.valid.iterrows():
        assert (row[NOTE] or "") == expected[row["source_row"]][3]
    for _, row in result.rejected.iterrows():
        original = expected[row["source_row"]]
        assert (row[NOTE] or "") == original[3]
        assert (row["派出所名称"] or "") == original[0]


def _starts_of(text: str, delimiter: str, *, skip: int = 1) -> list[int]:
    """First line (1-based) of each data row of a CSV text whose first ``skip`` records are not data."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts, consumed = [], 0
    for i, _ in enumerate(reader):
        if i >= skip:
            starts.append(consumed + 1)
        consumed = reader.line_num
    return starts
