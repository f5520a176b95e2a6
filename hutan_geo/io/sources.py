"""What files really look like: CSV quotes that never close, two-row headers, Shapefiles without ``.cpg``.

Helpers of :mod:`hutan_geo.io.readers`, each one a known way real registers
go wrong:

- :func:`csv_records` parses CSV text strictly and checks every physical
  line: a quote that never closes would otherwise swallow every row after it
  into one cell; that line is read as it is (the quote as a character) and
  reported, so no row can vanish.
- :func:`two_row_header` recognises a header split over two rows (经纬度
  merged above 经度 / 纬度) and combines the rows.
- :func:`shapefile_encoding` detects the text encoding of a Shapefile that
  has no ``.cpg`` file (GBK from most Chinese desktop GIS).
- :func:`flatten_nested` turns nested GeoJSON property values (objects,
  arrays) into JSON text.

A note is a ``(label key, fields)`` pair rendered in the loader's language.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from hutan_geo.errors import UnsupportedFormatError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pandas as pd

__all__ = ["Note", "csv_records", "flatten_nested", "shapefile_encoding", "two_row_header"]

#: A note for the load result: a label key of ``_i18n.LABELS`` and its fields.
Note = tuple[str, dict[str, Any]]

#: More broken quotes than this and the file is refused rather than read line by line.
_MAX_QUOTE_FIXES = 50
#: Bytes of a ``.dbf`` file looked at to detect its encoding.
_DBF_SAMPLE = 4_000_000


def csv_records(text: str, delimiter: str, *, source: str) -> tuple[list[list[str]], list[int], list[Note]]:
    r"""Parse CSV text into records, their first physical line numbers (1-based) and notes.

    Quoted cells may span lines. A record that does not parse strictly is
    read from its first physical line alone: a quote that is never closed
    (it would swallow every following row into one cell) is taken as an
    ordinary character and a note names the line; text after a closing quote
    (``"a"b``) is kept as a lenient reader would. Parsing then goes on from
    the next line, so every physical line ends up in exactly one record.

    Raises
    ------
    UnsupportedFormatError
        NUL characters (a binary file), a cell longer than the csv module's
        field limit, or more than 50 unclosed quotes.

    Examples
    --------
    >>> rows, starts, notes = csv_records('名称,地址\n"城关,东门\n河西,西街\n', ",", source="x.csv")
    >>> rows, starts, notes
    ([['名称', '地址'], ['"城关', '东门'], ['河西', '西街']], [1, 2, 3], [('io.note.quote', {'line': 2})])
    """
    if "\x00" in text:
        msg = (
            f"{source}: the file holds NUL characters: it is a binary file (or UTF-16 without a byte-order mark), "
            "not CSV text; save the sheet as 'CSV UTF-8' or as .xlsx"
        )
        raise UnsupportedFormatError(msg)
    lines = io.StringIO(text, newline="").readlines()
    rows: list[list[str]] = []
    starts: list[int] = []
    notes: list[Note] = []
    i = _parse_from(lines, 0, delimiter, rows, starts)
    while i < len(lines):  # the record starting on line i is broken: read that line on its own
        record, unclosed = _one_line(lines[i], delimiter, source=source, line_number=i + 1)
        if unclosed:
            if len(notes) >= _MAX_QUOTE_FIXES:
                msg = (
                    f"{source}: more than {_MAX_QUOTE_FIXES} quotes are never closed (first on line "
                    f"{notes[0][1]['line']}); save the sheet again as 'CSV UTF-8' or as .xlsx"
                )
                raise UnsupportedFormatError(msg)
            notes.append(("io.note.quote", {"line": i + 1}))
        rows.append(record)
        starts.append(i + 1)
        i = _parse_from(lines, i + 1, delimiter, rows, starts)
    return rows, starts, notes


def _parse_from(lines: list[str], i: int, delimiter: str, rows: list[list[str]], starts: list[int]) -> int:
    """Parse strictly from line ``i``, appending records; return the line of a broken record (or the end)."""
    reader = csv.reader(itertools.islice(lines, i, None), delimiter=delimiter, strict=True)
    start = i
    try:
        for record in reader:
            rows.append(record)
            starts.append(start + 1)
            start = i + reader.line_num
    except csv.Error:
        return start
    return len(lines)


def _one_line(line: str, delimiter: str, *, source: str, line_number: int) -> tuple[list[str], bool]:
    """Parse one physical line as a record; return it and whether it holds a quote that is never closed.

    An unclosed quote is read as an ordinary character; text after a closing
    quote (``"a"b``) is kept as a lenient CSV reader would.
    """
    try:
        return next(csv.reader([line], delimiter=delimiter, strict=True), []), False
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return next(csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE), []), True
        if "field limit" in str(exc):
            msg = (
                f"{source}: row {line_number}: the CSV cannot be parsed ({exc}); check quotes in that row "
                f"(a cell holds at most {csv.field_size_limit():,} characters)"
            )
            raise UnsupportedFormatError(msg) from exc
    return next(csv.reader([line], delimiter=delimiter), []), False


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def two_row_header(upper: list[Any], lower: list[Any], is_known: Callable[[Any], bool]) -> list[Any] | None:
    """Combine a header split over two rows, or return None when ``lower`` is not a header row.

    ``lower`` is a header row when at least half of its filled cells are known
    column names and the combined row (per column: the lower cell when it is
    a known name or the upper one is empty, else the upper cell) names more
    columns than either row alone.

    Examples
    --------
    >>> known = {"学校名称", "经度", "纬度", "经纬度", "地址"}.__contains__
    >>> two_row_header(["学校名称", "经纬度", None, "地址"], [None, "经度", "纬度", None], known)
    ['学校名称', '经度', '纬度', '地址']
    >>> two_row_header(["学校名称", "经度", "纬度"], ["一小", "113.3", "27.6"], known) is None
    True
    """
    width = max(len(upper), len(lower))
    up = list(upper) + [None] * (width - len(upper))
    lo = list(lower) + [None] * (width - len(lower))
    filled = [c for c in lo if not _is_empty(c)]
    named = [c for c in filled if is_known(c)]
    if not named or 2 * len(named) < len(filled):
        return None
    combined = [b if not _is_empty(b) and (is_known(b) or _is_empty(a)) else a for a, b in zip(up, lo, strict=True)]

    def score(row: list[Any]) -> int:
        return sum(1 for c in row if not _is_empty(c) and is_known(c))

    return combined if score(combined) > max(score(up), score(lo)) else None


def shapefile_encoding(path: Path) -> str | None:
    """Return the text encoding of a Shapefile without ``.cpg``, detected from its ``.dbf``; None to let GDAL decide.

    GDAL decides when a ``.cpg`` file exists, when the ``.dbf`` names its code
    page (language driver byte) or when the text is plain ASCII. Otherwise the
    field names and values are tried as UTF-8, GBK and GB18030, in that order.

    Examples
    --------
    >>> from pathlib import Path
    >>> shapefile_encoding(Path("roads.geojson")) is None
    True
    """
    if path.suffix.lower() != ".shp":
        return None
    stem = path.with_suffix("")
    if any(stem.with_name(stem.name + s).exists() for s in (".cpg", ".CPG")):
        return None
    dbf = next((p for p in (stem.with_name(stem.name + s) for s in (".dbf", ".DBF")) if p.is_file()), None)
    if dbf is None:
        return None
    with dbf.open("rb") as fh:
        data = fh.read(_DBF_SAMPLE)
    if len(data) < 32 or data[29] != 0:
        return None
    header_len = int.from_bytes(data[8:10], "little")
    names = b"".join(data[k : k + 11].split(b"\x00")[0] for k in range(32, max(32, header_len - 1), 32))
    sample = names + data[header_len:].rstrip(b"\x1a")
    if sample.isascii():
        return None
    for candidate in ("utf-8", "gbk", "gb18030"):
        try:
            sample.decode(candidate)
        except UnicodeDecodeError:
            continue
        return candidate
    return None


def _json_text(value: Any) -> Any:
    """Return a nested value (dict, list, array) as JSON text; anything else unchanged."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def flatten_nested(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with nested cell values (objects, arrays) as JSON text, in place; returned.

    Examples
    --------
    >>> import pandas as pd
    >>> flatten_nested(pd.DataFrame({"a": [{"k": "东"}, np.array([1, 2]), "x"]}))["a"].tolist()
    ['{"k": "东"}', '[1, 2]', 'x']
    """
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if column.dtype == object and column.map(lambda v: isinstance(v, (dict, list, tuple, np.ndarray))).any():
            frame.isetitem(j, column.map(_json_text).to_numpy(dtype=object))
    return frame
