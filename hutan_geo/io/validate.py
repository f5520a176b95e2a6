"""Validation: apply a :class:`~hutan_geo.model.schema.DatasetSpec` to a raw table.

The engine maps headers to canonical columns, parses every value, places
every row (WGS84, from the declared datum), and splits the rows into the
valid GeoDataFrame and a rejected table that names, for each rejected row,
the source file, the spreadsheet row, the columns at fault and the reason.
Nothing is dropped silently: ``len(valid) + len(rejected) + blank_rows ==
rows_read`` always holds.

Values are parsed once per distinct value, so a million-row sheet with a few
thousand distinct values costs little more than its distinct values.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo.errors import InputError, MissingColumnsError
from hutan_geo.model import crs as hcrs
from hutan_geo.model.schema import (
    DEFAULT_WINDOWS,
    HAZARDS,
    SCHOOLS,
    STATUSES,
    Column,
    DatasetSpec,
    chinese_number,
    normalise_header,
    normalise_text,
)
from hutan_geo.model.schema import label as vocab_label

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = ["LoadResult", "map_headers", "validate_table"]

log = logging.getLogger("hutan_geo")

REGIONS = ("china", "world")

# reason code -> (Chinese, English) templates
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing_value": ("{col}为空", "{col} is empty"),
    "bad_number": ("{col}「{value}」不是数字", "{col} {value!r} is not a number"),
    "below_min": ("{col}「{value}」小于 {min}", "{col} {value!r} is below {min}"),
    "bad_bool": ("{col}「{value}」应为 是/否", "{col} {value!r} should be yes/no (是/否)"),
    "bad_date": (
        "{col}「{value}」无法识别为日期（示例：2026-03-05）",
        "{col} {value!r} is not a date (example: 2026-03-05)",
    ),
    "unknown_value": ("{col}「{value}」不是可选值（可选：{accepted}）", "{col} {value!r} is not one of: {accepted}"),
    "bad_window": (
        "{col}「{value}」应为「07:20-07:50」格式且结束晚于开始",
        "{col} {value!r} should look like 07:20-07:50 with the end after the start",
    ),
    "bad_coordinate": ("{col}「{value}」不是有效坐标", "{col} {value!r} is not a valid coordinate"),
    "unknown_datum": (
        "{col}「{value}」不是可识别的坐标系（可选：WGS84、GCJ-02、BD-09、CGCS2000）",
        "{col} {value!r} is not a known datum (WGS84, GCJ-02, BD-09, CGCS2000)",
    ),
    "no_location": (
        "既无坐标也无地址，无法定位；请补充经度/纬度或地址",
        "neither coordinates nor an address; add 经度/纬度 or an address",
    ),
    "no_coordinates": (
        "缺少坐标（经度/纬度）；请补充坐标",
        "no coordinates (经度/纬度); add them",
    ),
    "half_coordinate": (
        "只有经度或只有纬度；请补全另一项",
        "only one of 经度/纬度 is filled; fill the other",
    ),
    "swapped_lonlat": (
        "经度/纬度疑似填反（经度={lon}，纬度={lat}）；请交换两列，或加载时允许自动纠正（allow_swap=True）",
        "经度/纬度 look swapped (lon={lon}, lat={lat}); swap the columns or load with allow_swap=True",
    ),
    "outside_range": (
        "坐标（{lon}，{lat}）超出经度 ±180、纬度 ±90 的范围",
        "coordinates ({lon}, {lat}) are outside lon ±180 / lat ±90",
    ),
    "outside_china": (
        "坐标（{lon}，{lat}）在中国范围之外；请检查坐标系与经纬度列，境外数据请用 region='world'",
        "coordinates ({lon}, {lat}) are outside China; check the datum and columns, or load with region='world'",
    ),
    "zero_coordinates": ("坐标为 (0, 0)，应为漏填", "coordinates are (0, 0): probably not filled in"),
    "empty_geometry": ("几何为空", "the geometry is empty"),
    "wrong_geometry": ("几何类型应为{expected}，实际为{got}", "the geometry should be a {expected}, got {got}"),
    "duplicate_id": (
        "编号「{value}」重复（第 {rows} 行）；请保证编号唯一",
        "id {value!r} is repeated (rows {rows}); make ids unique",
    ),
    "exact_duplicate": ("与第 {row} 行完全相同（重复录入）", "identical to row {row} (entered twice)"),
    "unknown_reference": ("{col}「{value}」在{target}中不存在", "{col} {value!r} is not in the {target}"),
}

_NOTES: dict[str, tuple[str, str]] = {
    "swap_fixed": ("经度/纬度填反，已自动交换", "经度/纬度 were swapped and have been swapped back"),
    "datum_converted": ("坐标已由 {datum} 转换为 WGS84", "coordinates converted from {datum} to WGS84"),
    "needs_geocoding": ("无坐标，待地理编码", "no coordinates: to be geocoded"),
    "window_default": ("{col}未填，按学段默认", "{col} not given: default for the level"),
    "geometry_repaired": ("几何无效，已修复", "invalid geometry repaired"),
    "dates_out_of_order": ("{later}早于{earlier}", "{later} is before {earlier}"),
    "status_inferred": (
        "整改状态未填，按日期推定为「{status}」",
        "status empty: inferred as {status!r} from the dates",
    ),
    "status_dates": ("状态为「{status}」但{col}为空", "status is {status!r} but {col} is empty"),
}

_DATUM_NAMES = {"wgs84": "WGS84", "gcj02": "GCJ-02", "bd09": "BD-09", "cgcs2000": "CGCS2000"}
_GEOM_NAMES = {"point": ("点", "point"), "polygon": ("面", "polygon"), "line": ("线", "line")}
_GEOM_TYPES = {
    "point": ("Point",),
    "polygon": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
}


def _msg(code: str, lang: str, table: dict[str, tuple[str, str]] = _MESSAGES, **kw: Any) -> str:
    template = table[code][0 if lang == "zh" else 1]
    return template.format(**kw)


@dataclass
class LoadResult:
    """What a loader returns: valid rows, rejected rows, and the accounting.

    Unpacks as ``valid, rejected = load_hazards(...)``.

    Attributes
    ----------
    valid
        The valid rows: canonical columns, any extra columns of the file under
        their own names, ``source_row``, ``notes`` (fixes and defaults applied)
        and geometry in EPSG:4326.
    rejected
        One row per rejected input row: ``source_file``, ``source_row``,
        ``columns`` (at fault), ``reason_codes``, ``reason`` and the raw values
        under the file's own headers.
    kind
        The dataset kind, e.g. ``"hazards"``.
    source
        The file (or table name) read.
    rows_read
        Data rows read from the source: blank rows between data rows count,
        trailing blank rows of a formatted sheet do not.
    blank_rows
        Fully blank rows, skipped and counted.
    header_row
        Spreadsheet row number of the header (1-based; 0 for spatial files).
    column_map
        ``file header -> canonical column`` for the recognised headers.
    extra_columns
        File headers that map to no canonical column (kept as they are).
    encoding
        The text encoding detected, for CSV files.
    """

    valid: gpd.GeoDataFrame
    rejected: pd.DataFrame
    kind: str
    source: str
    rows_read: int
    blank_rows: int = 0
    header_row: int = 1
    column_map: dict[str, str] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    encoding: str | None = None

    def __iter__(self) -> Iterator[Any]:
        """Unpack as ``(valid, rejected)``."""
        return iter((self.valid, self.rejected))

    def summary(self, lang: str = "zh") -> str:
        """One line for planners: rows read, valid, to review (by reason), blank."""
        counts: dict[str, int] = defaultdict(int)
        for codes in self.rejected.get("reason_codes", pd.Series(dtype=str)):
            for code in str(codes).split(";"):
                counts[code] += 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if lang == "zh":
            why = "，".join(f"{_REASON_LABELS.get(c, (c, c))[0]} {n}" for c, n in top)
            text = f"{self.source}：读取 {self.rows_read} 行，有效 {len(self.valid)} 行，待复核 {len(self.rejected)} 行"
            if why:
                text += f"（{why}）"
            if self.blank_rows:
                text += f"，空行 {self.blank_rows}"
            geo = int(self.valid["needs_geocoding"].sum()) if "needs_geocoding" in self.valid else 0
            if geo:
                text += f"；其中 {geo} 行待地理编码"
            return text
        why = ", ".join(f"{_REASON_LABELS.get(c, (c, c))[1]} {n}" for c, n in top)
        text = f"{self.source}: {self.rows_read} rows read, {len(self.valid)} valid, {len(self.rejected)} to review"
        if why:
            text += f" ({why})"
        if self.blank_rows:
            text += f", {self.blank_rows} blank"
        geo = int(self.valid["needs_geocoding"].sum()) if "needs_geocoding" in self.valid else 0
        if geo:
            text += f"; {geo} to geocode"
        return text


_REASON_LABELS: dict[str, tuple[str, str]] = {
    "missing_value": ("必填项为空", "empty required value"),
    "bad_number": ("数字无效", "bad number"),
    "below_min": ("数值过小", "value too small"),
    "bad_bool": ("是/否无效", "bad yes/no"),
    "bad_date": ("日期无效", "bad date"),
    "unknown_value": ("取值未知", "unknown value"),
    "bad_window": ("时段无效", "bad time window"),
    "bad_coordinate": ("坐标无效", "bad coordinate"),
    "unknown_datum": ("坐标系未知", "unknown datum"),
    "no_location": ("无法定位", "no location"),
    "no_coordinates": ("缺少坐标", "no coordinates"),
    "half_coordinate": ("坐标不全", "half a coordinate"),
    "swapped_lonlat": ("经纬度填反", "swapped lon/lat"),
    "outside_range": ("坐标越界", "coordinates out of range"),
    "outside_china": ("坐标在中国境外", "outside China"),
    "zero_coordinates": ("坐标为0", "zero coordinates"),
    "empty_geometry": ("几何为空", "empty geometry"),
    "wrong_geometry": ("几何类型不符", "wrong geometry type"),
    "duplicate_id": ("编号重复", "duplicate id"),
    "exact_duplicate": ("重复录入", "duplicate row"),
    "unknown_reference": ("引用不存在", "unknown reference"),
}


def map_headers(
    headers: Sequence[object], spec: DatasetSpec, *, source: str, has_geometry: bool = False
) -> dict[str, str]:
    """Map a file's headers to the spec's canonical columns.

    Exact (normalised) spellings win; a header with a bracketed suffix such as
    ``经度（°）`` matches on what precedes the bracket. With ``has_geometry``
    (a spatial file) the location columns of ``required_any`` are not needed.

    Raises
    ------
    MissingColumnsError
        A required column (or every column of a required group) is absent; the
        message lists the headers found and the names accepted.
    InputError
        Two headers map to the same column.
    """
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for spelling in col.spellings:
            lookup.setdefault(normalise_header(spelling), col.name)
    mapping: dict[str, str] = {}
    used: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)
        name = lookup.get(key) or lookup.get(normalise_header(header, strip_brackets=True))
        if name is None:
            continue
        if name in used:
            msg = (
                f"{source}: columns {used[name]!r} and {header!r} both mean {name!r} "
                f"({spec.column(name).zh}); rename or delete one of them"
            )
            raise InputError(msg)
        used[name] = str(header)
        mapping[str(header)] = name
    present = set(mapping.values())
    missing = [c for c in spec.columns if c.required and c.name not in present]
    groups = [] if has_geometry else [g for g in spec.required_any if not present.intersection(g)]
    if missing or groups:
        wanted = [f"{c.zh} (also: {', '.join(c.spellings[:1] + c.aliases[:4])})" for c in missing]
        wanted += [" or ".join(spec.column(n).zh for n in g) for g in groups]
        found = ", ".join(repr(str(h)) for h in headers) or "none"
        msg = (
            f"{source}: the {spec.en} table lacks required column(s): {'; '.join(wanted)}. "
            f"Columns found: {found}. Rename the header(s) to one of the accepted names."
        )
        raise MissingColumnsError(msg)
    return mapping


# ---------------------------------------------------------------- value parsers
# Each parser takes one distinct raw value (never empty) and returns
# (value, None) or (None, (reason_code, extra format fields)).

_NUMBER_JUNK = re.compile(r"[,，\s]|^约|左右$|余$|多$|[人名辆台个座所]$")


def _parse_number(raw: object) -> float | None:
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
        value = _parse_number(raw)
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
        number = _parse_number(text)
        if number is not None and 20000 <= number <= 80000 and number == int(number):
            return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=int(number))), None
        return None, ("bad_date", {})
    try:
        return pd.Timestamp(dt.date(int(match["y"]), int(match["m"]), int(match["d"]))), None
    except ValueError:
        return None, ("bad_date", {})


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
    value = _parse_number(raw) if not isinstance(raw, str) else None
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


def _parser_for(col: Column, lang: str) -> Callable[[object], tuple[Any, Any]]:
    parsers: dict[str, Callable[[object], tuple[Any, Any]]] = {
        "id": _text_parser,
        "text": _text_parser,
        "bool": _parse_bool,
        "date": _parse_date,
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


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(codes, uniques, blank)``: empty cells (None, NaN, only spaces) get code -1.

    Parsing then happens once per distinct value.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    blank = np.fromiter((isinstance(u, str) and not u.strip() for u in uniques), dtype=bool, count=len(uniques))
    if blank.any():
        codes = np.where(np.append(blank, True)[codes], -1, codes)
    return codes, np.asarray(uniques, dtype=object), blank


class _Rows:
    """Per-row reasons (rejections) and notes (fixes), keyed by position."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.reasons: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        self.notes: dict[int, list[str]] = defaultdict(list)

    def reject(self, pos: int, column: str, code: str, **kw: Any) -> None:
        self.reasons[pos].append((column, code, _msg(code, self.lang, **kw)))

    def note(self, pos: int, code: str, **kw: Any) -> None:
        self.notes[pos].append(_msg(code, self.lang, _NOTES, **kw))


def _header_label(col: Column, header: str | None, lang: str) -> str:
    return header if header is not None else (col.zh if lang == "zh" else col.en)


def validate_table(
    frame: pd.DataFrame,
    spec: DatasetSpec,
    *,
    source: str,
    row_numbers: Sequence[int] | None = None,
    geometry: gpd.GeoSeries | None = None,
    datum: str = "wgs84",
    allow_swap: bool = False,
    region: str = "china",
    lang: str = "zh",
    header_row: int = 1,
    encoding: str | None = None,
) -> LoadResult:
    """Validate a raw table against ``spec``; see the module docstring.

    Parameters
    ----------
    frame
        Raw cells under the file's own headers (any dtype; empty cells as
        None/NaN/"").
    spec
        The dataset specification.
    source
        File name used in messages and in the rejected table.
    row_numbers
        Spreadsheet row number of each data row (defaults to ``header_row + 1 + i``).
    geometry
        Geometry read from a spatial file, in EPSG:4326, aligned with ``frame``.
    datum
        Datum of coordinates in the file (``wgs84``, ``gcj02``, ``bd09``,
        ``cgcs2000``); a ``坐标系`` column overrides it row by row.
    allow_swap
        Swap 经度/纬度 back where they are evidently swapped (noted), instead of
        rejecting those rows.
    region
        ``"china"`` rejects points outside China's bounding box; ``"world"``
        accepts any valid coordinate.
    lang
        Language of reasons and notes: ``"zh"`` or ``"en"``.
    header_row, encoding
        Recorded in the result.

    Returns
    -------
    LoadResult
    """
    default_datum = hcrs.parse_datum(datum)
    if region not in REGIONS:
        msg = f"region must be one of {REGIONS}; got {region!r}"
        raise InputError(msg)
    if lang not in ("zh", "en"):
        msg = f"lang must be 'zh' or 'en'; got {lang!r}"
        raise InputError(msg)
    frame = frame.reset_index(drop=True)
    headers = [str(h) for h in frame.columns]
    frame.columns = headers
    rows_read = len(frame)
    numbers = (
        np.asarray(row_numbers, dtype=np.int64)
        if row_numbers is not None
        else np.arange(header_row + 1, header_row + 1 + rows_read, dtype=np.int64)
    )
    if geometry is not None:
        geometry = gpd.GeoSeries(geometry.to_numpy(), crs=geometry.crs).reset_index(drop=True)
    mapping = map_headers(headers, spec, source=source, has_geometry=geometry is not None)
    if spec.geometry == "point" and geometry is None and "lon" in mapping.values() and "lat" not in mapping.values():
        msg = f"{source}: there is a longitude column but no latitude column (纬度); add it"
        raise MissingColumnsError(msg)
    if spec.geometry != "point" and geometry is None:
        msg = (
            f"{source}: {spec.en} need {_GEOM_NAMES[spec.geometry][1]} geometry; "
            "read them from GeoJSON, GeoPackage or Shapefile"
        )
        raise InputError(msg)
    header_of = {canon: header for header, canon in mapping.items()}
    extras = [h for h in headers if h not in mapping]

    # blank rows: every cell empty and no geometry
    factors = {h: _factorize(frame[h]) for h in headers}
    blank = np.ones(rows_read, dtype=bool)
    for codes, _, _ in factors.values():
        blank &= codes == -1
    if geometry is not None:
        blank &= geometry.isna().to_numpy() | geometry.is_empty.to_numpy()
    keep = np.flatnonzero(~blank)
    frame = frame.iloc[keep].reset_index(drop=True)
    numbers = numbers[keep]
    factors = {h: (codes[keep], uniques, b) for h, (codes, uniques, b) in factors.items()}
    if geometry is not None:
        geometry = geometry.iloc[keep].reset_index(drop=True)
    n = len(frame)
    rows = _Rows(lang)

    parsed: dict[str, pd.Series] = {}
    for col in spec.columns:
        header = header_of.get(col.name)
        if header is None:
            continue
        label_text = _header_label(col, header, lang)
        codes, uniques, _ = factors[header]
        empty = codes == -1
        parser = _parser_for(col, lang)
        used = np.zeros(len(uniques), dtype=bool)
        used[codes[~empty]] = True
        results = [parser(u) if used[i] else (None, None) for i, u in enumerate(uniques)]
        out_values = np.empty(len(uniques) + 1, dtype=object)
        out_values[:-1] = [r[0] for r in results]
        out_values[-1] = None
        column_values = out_values[codes]  # sentinel -1 picks the trailing None
        parsed[col.name] = pd.Series(column_values, dtype=object)
        bad_uniques = [i for i, r in enumerate(results) if r[1] is not None]
        if bad_uniques:
            bad_set = np.isin(codes, bad_uniques)
            for pos in np.flatnonzero(bad_set):
                code, extra = results[codes[pos]][1]
                rows.reject(int(pos), header, code, col=label_text, value=_shorten(uniques[codes[pos]]), **extra)
        if col.required:
            for pos in np.flatnonzero(empty):
                rows.reject(int(pos), header, "missing_value", col=label_text)

    # ------------------------------------------------------------ location
    geoms = np.full(n, None, dtype=object)
    needs_geocoding = np.zeros(n, dtype=bool)
    if spec.geometry == "point":
        geoms, needs_geocoding = _place_points(
            spec,
            parsed,
            header_of,
            geometry,
            rows,
            n,
            default_datum=default_datum,
            allow_swap=allow_swap,
            region=region,
        )
    else:
        assert geometry is not None
        geoms = _check_shapes(spec, geometry, rows, n, default_datum=default_datum, region=region)

    _check_duplicates(spec, parsed, header_of, frame, geometry, rows, numbers)
    if spec.kind == "schools":
        _school_windows(parsed, rows, n, lang)
    if spec.kind == "hazards":
        _hazard_dates(parsed, rows, n, lang)

    # ------------------------------------------------------------ assemble
    bad = np.zeros(n, dtype=bool)
    if rows.reasons:
        bad[list(rows.reasons)] = True
    good = np.flatnonzero(~bad)
    data: dict[str, Any] = {}
    for col in spec.columns:
        if col.kind in ("lon", "lat", "coords", "datum"):
            continue
        if col.kind == "window":
            for part, idx in (("start_min", 0), ("end_min", 1)):
                series = parsed.get(col.name, pd.Series([None] * n, dtype=object))
                data[f"{col.name}_{part}"] = pd.array(
                    [None if v is None else v[idx] for v in series.iloc[good]], dtype="Int64"
                )
            continue
        series = parsed.get(col.name)
        values = series.iloc[good].tolist() if series is not None else [None] * len(good)
        data[col.name] = _typed(values, col)
    if spec.id_column is not None:
        data[spec.id_column] = _fill_ids(data[spec.id_column], numbers[good], spec.id_prefix)
    for header in extras:
        data[header] = frame[header].iloc[good].to_numpy(dtype=object)
    data["source_row"] = numbers[good]
    if spec.geometry == "point" and spec.address_fallback:
        data["needs_geocoding"] = needs_geocoding[good]
    data["notes"] = pd.array(["; ".join(rows.notes.get(int(p), [])) for p in good], dtype="str")
    valid = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(list(geoms[good]), crs=4326), crs=4326)

    rejected = _rejected_frame(frame, rows, numbers, source, headers, lang)
    log.info(
        "%s: %d rows, %d valid, %d rejected, %d blank", source, rows_read, len(valid), len(rejected), int(blank.sum())
    )
    return LoadResult(
        valid=valid,
        rejected=rejected,
        kind=spec.kind,
        source=source,
        rows_read=rows_read,
        blank_rows=int(blank.sum()),
        header_row=header_row,
        column_map=mapping,
        extra_columns=extras,
        encoding=encoding,
    )


def _fill_ids(ids: Any, numbers: np.ndarray, prefix: str) -> Any:
    """Give rows without an id one made from their source row, never equal to an id in the file."""
    given = [None if pd.isna(v) else str(v) for v in ids]
    taken = {v for v in given if v is not None}
    out = []
    for value, number in zip(given, numbers, strict=True):
        if value is None:
            value = f"{prefix}{number:05d}"
            while value in taken:
                value += "_"
            taken.add(value)
        out.append(value)
    return pd.array(out, dtype="str")


def _shorten(value: object, limit: int = 40) -> str:
    text = normalise_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _typed(values: list[Any], col: Column) -> Any:
    if col.kind == "int":
        return pd.array(values, dtype="Int64")
    if col.kind == "float":
        return pd.array(values, dtype="Float64")
    if col.kind == "bool":
        return pd.array(values, dtype="boolean")
    if col.kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object)).to_numpy(dtype="datetime64[ns]")
    return pd.array(values, dtype="str")


def _place_points(
    spec: DatasetSpec,
    parsed: dict[str, pd.Series],
    header_of: dict[str, str],
    geometry: gpd.GeoSeries | None,
    rows: _Rows,
    n: int,
    *,
    default_datum: str,
    allow_swap: bool,
    region: str,
) -> tuple[np.ndarray, np.ndarray]:
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    # rows whose coordinate cells could not be parsed are already rejected for it
    location_headers = {header_of[c] for c in ("lon", "lat", "coordinates") if c in header_of}
    bad_cell = np.zeros(n, dtype=bool)
    for pos, found in rows.reasons.items():
        bad_cell[pos] = any(column in location_headers for column, _, _ in found)
    if "lon" in parsed:
        lon = np.array(parsed["lon"].astype(float), dtype=float)
        lat = np.array(parsed.get("lat", pd.Series([None] * n, dtype=object)).astype(float), dtype=float)
    if "coordinates" in parsed:
        pairs = parsed["coordinates"]
        fill = np.isnan(lon) & np.isnan(lat) & pairs.notna().to_numpy()
        for pos in np.flatnonzero(fill):
            lon[pos], lat[pos] = pairs.iloc[pos]
    if geometry is not None:
        has_geom = ~(geometry.isna().to_numpy() | geometry.is_empty.to_numpy())
        take = np.isnan(lon) & np.isnan(lat) & has_geom
        if take.any():
            pts = geometry[take]
            not_point = pts.geom_type.to_numpy() != "Point"
            for pos in np.flatnonzero(take)[not_point]:
                rows.reject(
                    int(pos),
                    "geometry",
                    "wrong_geometry",
                    expected=_GEOM_NAMES["point"][rows.lang == "en"],
                    got=geometry.iloc[pos].geom_type,
                )
            centroids = pts.representative_point()
            lon[take] = centroids.x.to_numpy()
            lat[take] = centroids.y.to_numpy()
    lon_label = header_of.get("lon", header_of.get("coordinates", "经度"))
    # datum per row
    datum_codes = np.full(n, default_datum, dtype=object)
    if "datum" in parsed:
        given = parsed["datum"].to_numpy(dtype=object)
        has = np.array([v is not None for v in given], dtype=bool)
        datum_codes[has] = given[has]
    has_lon, has_lat = ~np.isnan(lon), ~np.isnan(lat)
    half = has_lon ^ has_lat
    none = ~has_lon & ~has_lat
    both = has_lon & has_lat
    for pos in np.flatnonzero(half & ~bad_cell):
        rows.reject(int(pos), lon_label, "half_coordinate")
    needs_geocoding = np.zeros(n, dtype=bool)
    address = parsed["address"].tolist() if "address" in parsed else [None] * n
    for pos in np.flatnonzero(none & ~bad_cell):
        has_address = address[pos] is not None
        if spec.address_fallback and has_address:
            needs_geocoding[pos] = True
            rows.note(int(pos), "needs_geocoding")
        elif spec.address_fallback:
            rows.reject(int(pos), lon_label, "no_location")
        else:
            rows.reject(int(pos), lon_label, "no_coordinates")
    # swapped, range, China checks
    if region == "china":
        ok = hcrs.in_china(lon, lat)
        swapped = ~ok & hcrs.in_china(lat, lon)
    else:
        ok = (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
        swapped = ~ok & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
    for pos in np.flatnonzero(both & swapped):
        if allow_swap:
            lon[pos], lat[pos] = lat[pos], lon[pos]
            rows.note(int(pos), "swap_fixed")
        else:
            rows.reject(int(pos), lon_label, "swapped_lonlat", lon=_fmt(lon[pos]), lat=_fmt(lat[pos]))
    for pos in np.flatnonzero(both & ~swapped & ~ok):
        if lon[pos] == 0 and lat[pos] == 0:
            rows.reject(int(pos), lon_label, "zero_coordinates")
        elif abs(lon[pos]) > 180 or abs(lat[pos]) > 90:
            rows.reject(int(pos), lon_label, "outside_range", lon=_fmt(lon[pos]), lat=_fmt(lat[pos]))
        else:
            rows.reject(int(pos), lon_label, "outside_china", lon=_fmt(lon[pos]), lat=_fmt(lat[pos]))
    placed = both & ~np.isin(np.arange(n), list(rows.reasons))
    for code in ("gcj02", "bd09"):
        sel = placed & (datum_codes == code)
        if sel.any():
            lon[sel], lat[sel] = hcrs.to_wgs84(lon[sel], lat[sel], code)
            for pos in np.flatnonzero(sel):
                rows.note(int(pos), "datum_converted", datum=_DATUM_NAMES[code])
    geoms = np.full(n, None, dtype=object)
    geoms[placed] = shapely.points(lon[placed], lat[placed])
    return geoms, needs_geocoding


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _check_shapes(
    spec: DatasetSpec,
    geometry: gpd.GeoSeries,
    rows: _Rows,
    n: int,
    *,
    default_datum: str,
    region: str,
) -> np.ndarray:
    geoms = geometry.to_numpy().copy()
    allowed = _GEOM_TYPES[spec.geometry]
    name = _GEOM_NAMES[spec.geometry][rows.lang == "en"]
    for pos in range(n):
        geom = geoms[pos]
        if geom is None or geom.is_empty:
            rows.reject(pos, "geometry", "empty_geometry")
            continue
        if geom.geom_type not in allowed:
            rows.reject(pos, "geometry", "wrong_geometry", expected=name, got=geom.geom_type)
            continue
        if not geom.is_valid:
            repaired = shapely.make_valid(geom)
            if spec.geometry == "polygon":
                repaired = (
                    shapely.union_all([g for g in shapely.get_parts(repaired) if g.geom_type in allowed])
                    if repaired.geom_type not in allowed
                    else repaired
                )
            geoms[pos] = repaired
            rows.note(pos, "geometry_repaired")
    placed = [p for p in range(n) if p not in rows.reasons]
    if placed:
        reps = shapely.point_on_surface(geoms[placed])
        x, y = shapely.get_x(reps), shapely.get_y(reps)
        ok = hcrs.in_china(x, y) if region == "china" else (np.abs(x) <= 180) & (np.abs(y) <= 90)
        for pos, good, xi, yi in zip(placed, ok, x, y, strict=True):
            if not good:
                rows.reject(
                    pos,
                    "geometry",
                    "outside_china" if region == "china" else "outside_range",
                    lon=_fmt(xi),
                    lat=_fmt(yi),
                )
    if default_datum in ("gcj02", "bd09"):
        sel = [p for p in range(n) if p not in rows.reasons]

        def to_wgs(coords: np.ndarray) -> np.ndarray:
            x, y = hcrs.to_wgs84(coords[:, 0], coords[:, 1], default_datum)
            return np.column_stack([x, y])

        geoms[sel] = shapely.transform(geoms[sel], to_wgs)
        for pos in sel:
            rows.note(pos, "datum_converted", datum=_DATUM_NAMES[default_datum])
    return geoms


def _check_duplicates(
    spec: DatasetSpec,
    parsed: dict[str, pd.Series],
    header_of: dict[str, str],
    frame: pd.DataFrame,
    geometry: gpd.GeoSeries | None,
    rows: _Rows,
    numbers: np.ndarray,
) -> None:
    """Reject rows entered twice (all cells and geometry equal: the first is kept) and differing rows sharing an id."""
    n = len(frame)
    if n < 2:
        return
    cells = frame
    if geometry is not None:
        cells = frame.assign(__geometry__=[g.wkb_hex if g is not None else "" for g in geometry])
    key = pd.util.hash_pandas_object(cells, index=False).to_numpy()
    repeat = pd.Series(key).duplicated(keep="first").to_numpy()
    if repeat.any():
        first = pd.Series(np.arange(n)).groupby(key).transform("first").to_numpy()
        label_col = header_of.get(spec.id_column or "", frame.columns[0])
        for pos in np.flatnonzero(repeat):
            rows.reject(int(pos), label_col, "exact_duplicate", row=int(numbers[first[pos]]))
    if spec.id_column is None or spec.id_column not in parsed:
        return
    ids = parsed[spec.id_column].where(~repeat, None)
    present = ids.notna().to_numpy()
    dup = ids.duplicated(keep=False).to_numpy() & present
    if not dup.any():
        return
    header = header_of[spec.id_column]
    groups: dict[str, list[int]] = defaultdict(list)
    for pos in np.flatnonzero(dup):
        groups[ids.iloc[pos]].append(int(pos))
    for value, positions in groups.items():
        listed = ", ".join(str(int(numbers[p])) for p in positions)
        for pos in positions:
            rows.reject(pos, header, "duplicate_id", value=value, rows=listed)


def _school_windows(parsed: dict[str, pd.Series], rows: _Rows, n: int, lang: str) -> None:
    """Fill empty windows with the level's default (noted)."""
    levels = parsed.get("level", pd.Series([None] * n, dtype=object)).tolist()
    for idx, name in enumerate(("arrival", "noon", "dismissal")):
        values = parsed.get(name, pd.Series([None] * n, dtype=object)).tolist()
        col = SCHOOLS.column(name)
        for pos in range(n):
            if values[pos] is None and levels[pos] in DEFAULT_WINDOWS:
                default = DEFAULT_WINDOWS[levels[pos]][idx]
                if default is not None:
                    values[pos] = default
                    rows.note(pos, "window_default", col=col.zh if lang == "zh" else col.en)
        parsed[name] = pd.Series(values, dtype=object)


_DATE_CHAIN = ("found_date", "consolidated_date", "assigned_date", "rectified_date", "closed_date")
_STATUS_OF_DATE = dict(zip(_DATE_CHAIN, STATUSES.codes, strict=True))
_DATE_OF_STATUS = {status: date for date, status in _STATUS_OF_DATE.items()}


def _hazard_dates(parsed: dict[str, pd.Series], rows: _Rows, n: int, lang: str) -> None:
    """Note dates out of order and statuses without their date; infer empty statuses."""

    def label_of(name: str) -> str:
        col = HAZARDS.column(name)
        return col.zh if lang == "zh" else col.en

    dates = {
        name: pd.to_datetime(parsed[name], errors="coerce").to_numpy(dtype="datetime64[ns]")
        for name in _DATE_CHAIN
        if name in parsed
    }
    last_value = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    last_name = np.full(n, None, dtype=object)
    for name, value in dates.items():
        has = ~np.isnat(value)
        for pos in np.flatnonzero(has & ~np.isnat(last_value) & (value < last_value)):
            rows.note(int(pos), "dates_out_of_order", later=label_of(name), earlier=label_of(last_name[pos]))
        last_value = np.where(has, value, last_value)
        last_name = np.where(has, name, last_name)
    statuses = np.array(parsed.get("status", pd.Series([None] * n, dtype=object)).tolist(), dtype=object)
    for pos in np.flatnonzero(pd.isna(statuses)):
        status = _STATUS_OF_DATE[last_name[pos]] if last_name[pos] is not None else "found"
        statuses[pos] = status
        rows.note(int(pos), "status_inferred", status=vocab_label(STATUSES, status, lang))
    for status, needed in _DATE_OF_STATUS.items():
        if needed == "found_date" or needed not in dates:
            continue
        for pos in np.flatnonzero((statuses == status) & np.isnat(dates[needed])):
            rows.note(int(pos), "status_dates", status=vocab_label(STATUSES, status, lang), col=label_of(needed))
    parsed["status"] = pd.Series(statuses, dtype=object)


def _rejected_frame(
    frame: pd.DataFrame,
    rows: _Rows,
    numbers: np.ndarray,
    source: str,
    headers: list[str],
    lang: str,
) -> pd.DataFrame:
    positions = sorted(rows.reasons)
    meta = pd.DataFrame(
        {
            "source_file": pd.array([source] * len(positions), dtype="str"),
            "source_row": numbers[positions].astype(np.int64),
            "columns": pd.array(
                [";".join(dict.fromkeys(c for c, _, _ in rows.reasons[p])) for p in positions], dtype="str"
            ),
            "reason_codes": pd.array(
                [";".join(dict.fromkeys(code for _, code, _ in rows.reasons[p])) for p in positions], dtype="str"
            ),
            "reason": pd.array(
                [("；" if lang == "zh" else "; ").join(m for _, _, m in rows.reasons[p]) for p in positions],
                dtype="str",
            ),
        }
    )
    raw = frame.iloc[positions].reset_index(drop=True)
    raw = raw.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    clash = [h for h in headers if h in meta.columns]
    raw = raw.rename(columns={h: f"raw:{h}" for h in clash})
    return pd.concat([meta, raw], axis=1)
