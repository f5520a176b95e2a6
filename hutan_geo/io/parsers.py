"""Value parsers: one distinct raw cell in, ``(value, None)`` or ``(None, (reason_code, fields))`` out.

Numbers (``约120人``, Chinese numerals), yes/no (是/否, √/×), dates (ISO,
``2026年3月5日``, compact ``20260305``, Excel serial days), peak windows
(``07:20-07:50``, ``7点20分至7点50分``), coordinates (decimal, degrees-minutes-
seconds, ``E113.3``, ``东经113.3``), coordinate pairs, datums and vocabulary
codes. :func:`parser_for` picks the parser of a :class:`~hutan_geo.model.schema.Column`.

Examples
--------
>>> from hutan_geo.model.schema import SCHOOLS
>>> parser_for(SCHOOLS.column("enrolment"), "zh")("约1,200人")
(1200, None)
>>> parser_for(SCHOOLS.column("arrival"), "zh")("7点20分至7点50分")
((440, 470), None)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hutan_geo.errors import InputError
from hutan_geo.model import crs as hcrs
from hutan_geo.model.schema import Column, chinese_number, normalise_text

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["parse_number", "parse_values", "parser_for"]
_NUMBER_JUNK = re.compile(r"[,，\s]|^约|左右$|余$|多$|[人名辆台个座所]$")


def parse_number(raw: object) -> float | None:
    """Return the number in a cell (``1,200``, ``约120人``, ``一百二十``), or None when there is none.

    Examples
    --------
    >>> parse_number("约1,200人"), parse_number("十五"), parse_number("n/a")
    (1200.0, 15.0, None)
    """
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        return float(raw) if math.isfinite(float(raw)) else None
    text = _NUMBER_JUNK.sub("", normalise_text(raw))
    text = _NUMBER_JUNK.sub("", text)
    try:
        value = float(text)
    except ValueError:
        cn = chinese_number(text)
        return None if cn is None else float(cn)
    return value if math.isfinite(value) else None


def _number_parser(col: Column, *, integer: bool) -> Callable[[object], tuple[Any, Any]]:
    def parse(raw: object) -> tuple[Any, Any]:
        value = parse_number(raw)
        if value is None or (integer and (abs(value) >= 2**63 or value != int(value))):
            return None, ("bad_number", {})
        if col.min_value is not None and value < col.min_value:
            return None, ("below_min", {"min": col.min_value})
        return (int(value) if integer else value), None

    return parse


_TRUE = {"是", "y", "yes", "true", "t", "1", "有", "√", "✓", "对", "寄宿", "住校", "单行", "主门", "正门"}
_FALSE = {"否", "n", "no", "false", "f", "0", "无", "×", "x", "✗", "不", "走读", "非寄宿", "双行", "双向"}


def _parse_bool(raw: object) -> tuple[Any, Any]:
    if isinstance(raw, (bool, np.bool_)):
        return bool(raw), None
    text = normalise_text(raw).lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, ("bad_bool", {})


_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}[:时]\d{1,2}(?::\d{1,2}(?:\.\d+)?)?分?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_YEARS = (1900, 2200)  # plausible dates; also keeps them inside datetime64[ns]


def _parse_date(raw: object) -> tuple[Any, Any]:
    value, error = _date_value(raw)
    if value is not None and not _DATE_YEARS[0] <= value.year <= _DATE_YEARS[1]:
        return None, ("bad_date", {})
    return value, error


def _date_value(raw: object) -> tuple[Any, Any]:
    if isinstance(raw, (dt.datetime, pd.Timestamp)):
        return pd.Timestamp(raw.date()), None
    if isinstance(raw, dt.date):
        return pd.Timestamp(raw), None
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        serial = float(raw)
        if not math.isfinite(serial):
            return None, ("bad_date", {})
        if 20000 <= serial <= 80000:  # an Excel serial day number (1954..2119)
            return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=int(serial))), None
        raw = str(int(serial)) if serial == int(serial) else str(serial)
    text = normalise_text(raw)
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match is None:
        number = parse_number(text)
        if number is not None and 20000 <= number <= 80000 and number == int(number):
            return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=int(number))), None
        return None, ("bad_date", {})
    try:
        return pd.Timestamp(dt.date(int(match["y"]), int(match["m"]), int(match["d"]))), None
    except ValueError:
        return None, ("bad_date", {})


_DATE_SPLIT = re.compile(r"[;；,，、|\s]+")


def _parse_date_list(raw: object) -> tuple[Any, Any]:
    """Parse one or more dates (``2025-09-15；2025-11-20``) into sorted ISO dates joined by ``;``."""
    if isinstance(raw, (dt.date, pd.Timestamp, int, float, np.integer, np.floating)):
        parts: list[object] = [raw]
    else:
        parts = [p for p in _DATE_SPLIT.split(normalise_text(raw)) if p]
    days = []
    for part in parts:
        value, error = _parse_date(part)
        if error is not None:
            return None, error
        days.append(value.date().isoformat())
    return (";".join(sorted(set(days))) or None), None


_TIME = r"(\d{1,2})\s*[:点时]\s*(\d{2})?\s*分?"
_WINDOW_RE = re.compile(rf"^{_TIME}\s*(?:-|~|～|—|–|至|到|－)+\s*{_TIME}$")


def _parse_window(raw: object) -> tuple[Any, Any]:
    text = normalise_text(raw).replace(" ", "")
    match = _WINDOW_RE.match(text)
    if match is None:
        return None, ("bad_window", {})
    h0, m0, h1, m1 = (int(g) if g else 0 for g in match.groups())
    start, end = h0 * 60 + m0, h1 * 60 + m1
    if not (h0 < 24 and h1 < 24 and m0 < 60 and m1 < 60 and end > start):
        return None, ("bad_window", {})
    return (start, end), None


_DMS_RE = re.compile(
    r"^(-?\d+(?:\.\d+)?)\s*[°度]\s*(?:(\d+(?:\.\d+)?)\s*['′分])?\s*(?:(\d+(?:\.\d+)?)\s*[\"″秒])?\s*([NSEWnsew东西南北])?$"
)


_HEMI_LEAD = re.compile(r"^([NSEWnsew东西南北])\s*(?=\d)")
_HEMI_DECIMAL = re.compile(r"^(\d+(?:\.\d+)?)\s*([NSEWnsew东西南北])$")
_NEGATIVE_HEMI = ("S", "W", "s", "w", "南", "西")


def _parse_coordinate(raw: object) -> tuple[Any, Any]:
    value = parse_number(raw) if not isinstance(raw, str) else None
    if value is not None:
        return value, None
    text = normalise_text(raw).replace("''", '"').replace("′′", '"')  # NFKC turns ″ into ′′
    text = text.removeprefix("东经").removeprefix("北纬").removeprefix("南纬").removeprefix("西经").strip()
    lead = _HEMI_LEAD.match(text)
    if lead is not None:  # "E113.3", "N 27°36'" -> the letter goes to the end
        text = f"{text[lead.end() :]}{lead.group(1)}"
    hemi_only = _HEMI_DECIMAL.match(text)
    if hemi_only is not None:  # "113.3E", "27.6 N"
        value = float(hemi_only.group(1))
        return (-value if hemi_only.group(2) in _NEGATIVE_HEMI else value), None
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        return (value, None) if math.isfinite(value) else (None, ("bad_coordinate", {}))
    match = _DMS_RE.match(text)
    if match is None:
        return None, ("bad_coordinate", {})
    deg, minutes, seconds, hemi = match.groups()
    value = abs(float(deg)) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
    negative = deg.startswith("-") or (hemi or "") in _NEGATIVE_HEMI
    return (-value if negative else value), None


_PAIR_RE = re.compile(r"^\s*\(?\s*(-?\d+(?:\.\d+)?)\s*[,，;；\s]\s*(-?\d+(?:\.\d+)?)\s*\)?\s*$")


def _parse_pair(raw: object) -> tuple[Any, Any]:
    match = _PAIR_RE.match(normalise_text(raw))
    if match is None:
        return None, ("bad_coordinate", {})
    return (float(match[1]), float(match[2])), None


def _parse_datum(raw: object) -> tuple[Any, Any]:
    try:
        return hcrs.parse_datum(str(raw)), None
    except InputError:
        return None, ("unknown_datum", {})


def _vocab_parser(col: Column, lang: str) -> Callable[[object], tuple[Any, Any]]:
    assert col.vocab is not None
    vocab = col.vocab

    def parse(raw: object) -> tuple[Any, Any]:
        code = vocab.parse(raw)
        if code is None:
            return None, ("unknown_value", {"accepted": vocab.accepted(lang)})
        return code, None

    return parse


def _vocab_list_parser(col: Column, lang: str) -> Callable[[object], tuple[Any, Any]]:
    assert col.vocab is not None
    vocab = col.vocab

    def parse(raw: object) -> tuple[Any, Any]:
        parts = [p for p in re.split(r"[;；,，、/\s和及]+", normalise_text(raw)) if p]
        codes = [vocab.parse(p) for p in parts]
        if not codes or any(c is None for c in codes):
            return None, ("unknown_value", {"accepted": vocab.accepted(lang)})
        ordered = [c for c in vocab.codes if c in codes]
        return ";".join(ordered), None

    return parse


def _text_parser(raw: object) -> tuple[Any, Any]:
    if isinstance(raw, float) and math.isfinite(raw) and raw == int(raw):
        raw = int(raw)  # ids typed as numbers in Excel: 1001.0 -> "1001"
    text = normalise_text(raw)
    return (text or None), None


def parser_for(col: Column, lang: str) -> Callable[[object], tuple[Any, Any]]:
    """Return the parser of ``col``'s kind; ``lang`` is the language of the accepted values it lists."""
    parsers: dict[str, Callable[[object], tuple[Any, Any]]] = {
        "id": _text_parser,
        "text": _text_parser,
        "bool": _parse_bool,
        "date": _parse_date,
        "date_list": _parse_date_list,
        "window": _parse_window,
        "lon": _parse_coordinate,
        "lat": _parse_coordinate,
        "coords": _parse_pair,
        "datum": _parse_datum,
    }
    if col.kind == "int":
        return _number_parser(col, integer=True)
    if col.kind == "float":
        return _number_parser(col, integer=False)
    if col.kind == "vocab":
        return _vocab_parser(col, lang)
    if col.kind == "vocab_list":
        return _vocab_list_parser(col, lang)
    return parsers[col.kind]


def _plain_text(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mark the text :func:`_text_parser` returns as it is: ASCII (NFKC keeps it), no space or control at the ends."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(values, type=pa.string())
    first, last = pc.utf8_slice_codeunits(text, 0, 1), pc.utf8_slice_codeunits(text, -1)
    plain = pc.and_(pc.string_is_ascii(text), pc.and_(pc.greater(first, " "), pc.greater(last, " ")))
    return np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool), values


#: A plain decimal: what :func:`_parse_coordinate` reads with ``float`` alone (always finite).
_PLAIN_DECIMAL = r"^-?[0-9]{1,15}(\.[0-9]{1,20})?$"


def _plain_decimals(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mark the plain decimals and return their values; pyarrow's cast rounds correctly, as ``float`` does."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(values, type=pa.string())
    plain = np.asarray(pc.match_substring_regex(text, _PLAIN_DECIMAL).to_numpy(zero_copy_only=False), dtype=bool)
    numbers = np.full(len(values), np.nan)
    numbers[plain] = pc.cast(text.filter(pa.array(plain)), pa.float64()).to_numpy()
    return plain, numbers


_BULK: dict[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "id": _plain_text,
    "text": _plain_text,
    "lon": _plain_decimals,
    "lat": _plain_decimals,
}


def parse_values(
    col: Column, lang: str, values: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, dict[int, tuple[str, dict[str, Any]]]]:
    """Parse the distinct raw values of a column at once, as :func:`parser_for` parses each.

    Text columns and coordinates written plainly (ASCII text without spaces
    at its ends, decimals such as ``113.301``) are parsed vectorised; every
    other value goes through the column's parser.

    Parameters
    ----------
    col
        The column.
    lang
        Language of the accepted values listed in reasons.
    values
        Distinct raw values (objects, no missing value).
    wanted
        Which of them to parse.

    Returns
    -------
    tuple of (ndarray, dict)
        The parsed values (objects; None where not wanted or not valid) and,
        for each invalid value's index, its ``(reason code, fields)``.

    Examples
    --------
    >>> from hutan_geo.model.schema import HAZARDS
    >>> raw = np.array(["113.3", "东经113°18′", "x"], dtype=object)
    >>> parse_values(HAZARDS.column("lon"), "en", raw, np.array([True, True, True]))
    (array([113.3, 113.3, None], dtype=object), {2: ('bad_coordinate', {})})
    """
    out = np.full(len(values), None, dtype=object)
    todo = np.asarray(wanted, dtype=bool).copy()
    bulk = _BULK.get(col.kind)
    if bulk is not None and todo.any() and pd.api.types.infer_dtype(values, skipna=False) == "string":
        plain, parsed = bulk(values)
        take = plain & todo
        out[take] = parsed[take]
        todo &= ~plain
    parser = parser_for(col, lang)
    errors: dict[int, tuple[str, dict[str, Any]]] = {}
    for i in np.flatnonzero(todo).tolist():
        value, error = parser(values[i])
        out[i] = value
        if error is not None:
            errors[i] = error
    return out, errors
