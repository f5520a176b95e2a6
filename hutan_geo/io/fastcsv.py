"""Fast path of the CSV reader: the body of a plain delimited file parsed by pyarrow, cell for cell as Python's csv.

:func:`read_body` is used by :mod:`hutan_geo.io.readers` once the header has
been found in the first lines (with the Python csv module, as for every file).
It finds every physical line of the UTF-8 text with numpy, and hands pyarrow
only lines that need no quoting rules: lines with a quote character, blank
lines and short lines are read with Python's csv module (strict, one line
each) and put in place afterwards. Whatever this reader cannot reproduce
exactly (a quoted cell spanning lines, a quote that never closes, a row with
more cells than the header, a lone carriage return, a cell longer than the
csv module allows) makes it return None, and the file is read by the Python
path, which reports those cases.

The cells are text (pandas ``str`` columns; a column where a short row has
no cell holds objects, None there), with the formula quote our writers put in front of
formula-like text taken off, as :func:`hutan_geo.io.cells.restore_cells` does.
"""

from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pandas as pd

from hutan_geo.io.cells import restore_cell

__all__ = ["head_text", "read_body"]

_LF, _CR, _QUOTE = 10, 13, 34
#: Bytes per block pyarrow parses in one thread.
_BLOCK = 1 << 23


def head_text(text: str, lines: int) -> str:
    r"""Return the first ``lines`` physical lines of ``text`` (split on ``\n``), with their line ends.

    Examples
    --------
    >>> head_text("a\nb\nc", 2), head_text("a\nb", 5)
    ('a\nb\n', 'a\nb')
    """
    pos = -1
    for _ in range(lines):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return text
    return text[: pos + 1]


def read_body(data: bytes, first: int, width: int, delimiter: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    r"""Read the physical lines from line index ``first`` of UTF-8 CSV ``data`` into ``width`` text columns.

    Parameters
    ----------
    data
        The whole file as UTF-8 (no byte-order mark, no NUL byte).
    first
        Index (0-based) of the first line to read: the line after the header.
    width
        Number of columns; every line must have at most that many cells.
    delimiter
        The one-character delimiter.

    Returns
    -------
    tuple of (DataFrame, ndarray) or None
        The cells (columns ``0 .. width - 1``, pandas ``str``; a column
        where a short row lacks cells holds objects, None for those) and the
        1-based line number of each row,
        trailing blank rows left out; None when the lines need the Python
        reader (see the module docstring), or when no data row is left.

    Examples
    --------
    >>> frame, lines = read_body('名称,地址\n"城关,东门",一小\n\n河西,西街\n'.encode(), 1, 2, ",")
    >>> frame.to_numpy().tolist(), lines.tolist()
    ([['城关,东门', '一小'], [None, None], ['河西', '西街']], [2, 3, 4])
    """
    if width < 2 or len(delimiter) != 1 or delimiter in "\r\n\"'":
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    lines = _lines(raw)
    if lines is None:
        return None
    starts, ends = lines[0][first:], lines[1][first:]
    numbers = np.arange(first + 1, first + 1 + len(starts), dtype=np.int64)
    if len(starts) == 0 or int((ends - starts).max()) > csv.field_size_limit():
        return None
    cells = np.flatnonzero(raw == ord(delimiter))
    fields = np.searchsorted(cells, ends) - np.searchsorted(cells, starts) + 1
    quoted = np.zeros(len(starts), dtype=bool)
    quotes = np.flatnonzero(raw == _QUOTE)
    if quotes.size:
        line_of = np.searchsorted(lines[1], quotes, side="right") - first  # the first line ending after it
        quoted[line_of[line_of >= 0]] = True
    if np.any(~quoted & (fields > width)):
        return None
    special = quoted | (fields != width) | (ends == starts)
    records = _python_records(data, starts, ends, np.flatnonzero(special), delimiter, width)
    if records is None:
        return None
    keep = _without_trailing_blanks(data, starts, ends, special, records, delimiter)
    if keep == 0:
        return None
    table = _parse_plain(data, starts[:keep], ends[:keep], special[:keep], delimiter, width)
    if table is None:
        return None
    records = {pos: rec for pos, rec in records.items() if pos < keep}
    frame = pd.DataFrame({j: _column(table.column(j), records, j) for j in range(width)})
    return frame, numbers[:keep]


def _lines(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the start and the content end (line break excluded) of every physical line; None on a lone CR."""
    breaks = np.flatnonzero(raw == _LF)
    returns = np.flatnonzero(raw == _CR)
    if returns.size and (returns[-1] + 1 >= len(raw) or np.any(raw[returns + 1] != _LF)):
        return None  # a lone carriage return ends a line for Python's csv, not for this reader
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(raw)]))
    if starts[-1] == len(raw):  # the text ends with a line break: no line after it
        starts, ends = starts[:-1], ends[:-1]
    has_cr = np.zeros(len(ends), dtype=bool)
    filled = ends > starts
    has_cr[filled] = raw[ends[filled] - 1] == _CR
    return starts, ends - has_cr


def _line_text(data: bytes, start: int, end: int) -> str:
    return data[start:end].decode("utf-8")


def _python_records(
    data: bytes, starts: np.ndarray, ends: np.ndarray, positions: np.ndarray, delimiter: str, width: int
) -> dict[int, list[str | None]] | None:
    """Parse the given lines with Python's csv module (strict), padded to ``width``; None if one cannot be read so."""
    records: dict[int, list[str | None]] = {}
    for pos in positions.tolist():
        try:
            record: list[str | None] = next(
                csv.reader([_line_text(data, starts[pos], ends[pos])], delimiter=delimiter, strict=True), []
            )
        except csv.Error:
            return None
        if len(record) > width:
            return None
        records[pos] = record + [None] * (width - len(record))
    return records


def _is_blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _without_trailing_blanks(
    data: bytes,
    starts: np.ndarray,
    ends: np.ndarray,
    special: np.ndarray,
    records: dict[int, list[str | None]],
    delimiter: str,
) -> int:
    """Return how many lines to keep: trailing rows whose every cell is blank are not data."""
    keep = len(starts)
    while keep:
        pos = keep - 1
        record = records[pos] if special[pos] else _line_text(data, starts[pos], ends[pos]).split(delimiter)
        if not all(_is_blank(c) for c in record):
            break
        keep -= 1
    return keep


def _parse_plain(
    data: bytes, starts: np.ndarray, ends: np.ndarray, special: np.ndarray, delimiter: str, width: int
) -> Any:
    """Parse the lines with pyarrow (a table of text columns), every special line replaced by a row of empty cells."""
    import pyarrow as pa
    from pyarrow import csv as pcsv

    stop = int(ends[-1])
    if special.any():
        blank = (delimiter * (width - 1)).encode()
        pieces, cursor = [], int(starts[0])
        for pos in np.flatnonzero(special).tolist():
            pieces += [data[cursor : starts[pos]], blank]
            cursor = int(ends[pos])
        pieces.append(data[cursor:stop])
        body = pa.py_buffer(b"".join(pieces))
    else:
        body = pa.py_buffer(data).slice(int(starts[0]), stop - int(starts[0]))
    names = [str(j) for j in range(width)]
    try:
        table = pcsv.read_csv(
            pa.BufferReader(body),
            read_options=pcsv.ReadOptions(column_names=names, block_size=_BLOCK, use_threads=len(body) > _BLOCK),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, quote_char=False, escape_char=False, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, check_utf8=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return table if table.num_rows == len(starts) else None


def _column(cells: Any, records: dict[int, list[str | None]], j: int) -> Any:
    """Return column ``j``: pyarrow's cells with the rows read by Python put in and formula quotes taken off.

    A column with a cell that a short row lacks holds objects (None there),
    as the Python path pads such rows; the others are ``str``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    quoted = pc.starts_with(cells, "'")
    if not records and not pc.any(quoted).as_py():
        return pd.array(cells, dtype="str")
    values = np.asarray(cells.to_numpy(zero_copy_only=False), dtype=object)
    hits = set(np.flatnonzero(np.asarray(quoted.to_numpy(zero_copy_only=False), dtype=bool)).tolist())
    for pos, record in records.items():  # the rows pyarrow saw as empty placeholders
        values[pos] = record[j]
        if isinstance(record[j], str) and record[j].startswith("'"):
            hits.add(pos)
    for pos in hits:
        values[pos] = restore_cell(values[pos])
    if any(record[j] is None for record in records.values()):
        return pd.Series(values, dtype=object)
    return pd.array(pa.array(values, type=pa.string()), dtype="str")
