"""Validation: apply a :class:`~hutan_geo.model.schema.DatasetSpec` to a raw table.

The engine maps headers to canonical columns, parses every value, places
every row (WGS84, from the declared datum), and splits the rows into the
valid GeoDataFrame and a rejected table that names, for each rejected row,
the source file, the spreadsheet row, the columns at fault and the reason.
Nothing is dropped silently: ``len(valid) + len(rejected) + blank_rows ==
rows_read`` always holds.

Values are parsed and typed once per distinct value (plain text and plain
decimal coordinates all at once with pyarrow), notes are joined per distinct
combination, and repeated rows are found from the columns' codes, so a
million-row sheet costs about twice a bare ``pandas.read_csv`` of it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hutan_geo._i18n import LABELS, check_lang, tr
from hutan_geo.errors import InputError, MissingColumnsError
from hutan_geo.io.checks import (
    RowLog,
    cell_codes,
    check_duplicates,
    check_shapes,
    hazard_dates,
    place_points,
    rejected_frame,
    school_windows,
)
from hutan_geo.io.parsers import parse_values
from hutan_geo.model import crs as hcrs
from hutan_geo.model.schema import Column, DatasetSpec, normalise_header, normalise_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = ["REGIONS", "LoadResult", "map_headers", "reason_label", "validate_table"]

log = logging.getLogger("hutan_geo")

#: Values of ``region``: ``"china"`` rejects points outside China, ``"world"`` does not.
REGIONS = ("china", "world")


def reason_label(code: str, lang: str = "zh") -> str:
    """Return the short label of a rejection reason code (the code itself when unknown).

    Examples
    --------
    >>> reason_label("duplicate_id"), reason_label("duplicate_id", "en"), reason_label("other")
    ('编号重复', 'duplicate id', 'other')
    """
    key = f"io.reason.{code}"
    return tr(key, lang) if key in LABELS else code


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
        The text encoding detected, for CSV files (and for Shapefiles without
        a ``.cpg`` file).
    notes
        What the reader noticed about the whole file and how it read it (an
        unclosed quote read as it is, a two-row header, a detected Shapefile
        encoding), in the loader's language; :meth:`summary` lists them.
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
    notes: list[str] = field(default_factory=list)

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
        why = tr("io.list_sep", lang).join(f"{reason_label(c, lang)} {n}" for c, n in top)
        valid, rejected = len(self.valid), len(self.rejected)
        text = tr("io.summary", lang, source=self.source, rows=self.rows_read, valid=valid, rejected=rejected)
        if why:
            text += tr("io.summary.why", lang, why=why)
        if self.blank_rows:
            text += tr("io.summary.blank", lang, n=self.blank_rows)
        geo = int(self.valid["needs_geocoding"].sum()) if "needs_geocoding" in self.valid else 0
        if geo:
            text += tr("io.summary.geocode", lang, n=geo)
        if self.notes:
            text += tr("io.summary.notes", lang, notes=tr("io.list_sep", lang).join(self.notes))
        return text


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
    notes: Sequence[tuple[str, dict[str, Any]]] = (),
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
    notes
        What the reader noticed about the file, as ``(label key, fields)``
        pairs; stored in ``lang`` as :attr:`LoadResult.notes`.

    Returns
    -------
    LoadResult

    Examples
    --------
    >>> from hutan_geo.model.schema import SPECS
    >>> table = pd.DataFrame({"派出所名称": ["城关所", "河西所"], "经度": [113.3, None], "纬度": [27.6, 27.7]})
    >>> result = validate_table(table, SPECS["stations"], source="stations.csv", lang="en")
    >>> len(result.valid), result.rejected["reason"].tolist()
    (1, ['only one of 经度/纬度 is filled; fill the other'])
    """
    default_datum = hcrs.parse_datum(datum)
    if region not in REGIONS:
        msg = f"region must be one of {REGIONS}; got {region!r}"
        raise InputError(msg)
    check_lang(lang)
    table = _RawRows.make(frame, row_numbers, header_row, geometry)
    mapping = map_headers(table.headers, spec, source=source, has_geometry=table.geometry is not None)
    _check_layout(spec, mapping, table.geometry, source)
    header_of = {canon: header for header, canon in mapping.items()}
    rows_read = len(table.frame)
    blank_rows = table.drop_blank_rows()
    n = len(table.frame)
    rows = RowLog(lang)
    parsed, factored = _parse_columns(spec, header_of, table.factors, rows, lang)
    if spec.geometry == "point":
        geoms, needs_geocoding = place_points(
            spec,
            parsed,
            header_of,
            table.geometry,
            rows,
            n,
            default_datum=default_datum,
            allow_swap=allow_swap,
            region=region,
        )
    elif spec.geometry == "none":
        geoms, needs_geocoding = np.full(n, None, dtype=object), np.zeros(n, dtype=bool)
    else:
        assert table.geometry is not None
        geoms = check_shapes(spec, table.geometry, rows, n, default_datum=default_datum, region=region)
        needs_geocoding = np.zeros(n, dtype=bool)
    _check_repeats(spec, parsed, factored, header_of, table, rows)
    if spec.kind == "schools":
        school_windows(parsed, rows, n, lang)
    if spec.kind == "hazards":
        hazard_dates(parsed, rows, n, lang)
    extras = [h for h in table.headers if h not in mapping]
    good = np.flatnonzero(~rows.is_bad(n))
    valid = _assemble(spec, parsed, factored, table, extras, good, geoms, needs_geocoding, rows)
    rejected = rejected_frame(table.frame, rows, table.numbers, source, table.headers, lang)
    log.info("%s: %d rows, %d valid, %d rejected, %d blank", source, rows_read, len(valid), len(rejected), blank_rows)
    return LoadResult(
        valid=valid,
        rejected=rejected,
        kind=spec.kind,
        source=source,
        rows_read=rows_read,
        blank_rows=blank_rows,
        header_row=header_row,
        column_map=mapping,
        extra_columns=extras,
        encoding=encoding,
        notes=[tr(key, lang, **fields) for key, fields in notes],
    )


def _check_repeats(
    spec: DatasetSpec,
    parsed: dict[str, pd.Series],
    factored: _Factored,
    header_of: dict[str, str],
    table: _RawRows,
    rows: RowLog,
) -> None:
    """Reject rows entered twice and rows sharing an id, from the codes of the cells and of the parsed ids."""
    check_duplicates(
        spec,
        parsed,
        header_of,
        [cell_codes(table.frame[h], table.factors[h][3], table.factors[h][1]) for h in table.headers],
        table.geometry,
        rows,
        table.numbers,
        label=table.headers[0],
        id_codes=_id_codes(factored.get(spec.id_column or "")),
    )


def _check_layout(spec: DatasetSpec, mapping: dict[str, str], geometry: gpd.GeoSeries | None, source: str) -> None:
    """Refuse a point table with longitude but no latitude, and shapes without a spatial file."""
    if spec.geometry == "point" and geometry is None and "lon" in mapping.values() and "lat" not in mapping.values():
        msg = f"{source}: there is a longitude column but no latitude column (纬度); add it"
        raise MissingColumnsError(msg)
    if spec.geometry not in ("point", "none") and geometry is None:
        msg = (
            f"{source}: {spec.en} need {tr(f'io.geom.{spec.geometry}', 'en')} geometry; "
            "read them from GeoJSON, GeoPackage or Shapefile"
        )
        raise InputError(msg)


@dataclass
class _RawRows:
    """The raw table being validated: cells, row numbers, geometry and each column's distinct values.

    ``factors`` holds per column ``(codes, uniques, blank, cell codes)``:
    codes with -1 for empty cells, the distinct values, which of them are
    blank, and the codes before blank values were made -1.
    """

    frame: pd.DataFrame
    headers: list[str]
    numbers: np.ndarray
    geometry: gpd.GeoSeries | None
    factors: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]

    @classmethod
    def make(
        cls,
        frame: pd.DataFrame,
        row_numbers: Sequence[int] | None,
        header_row: int,
        geometry: gpd.GeoSeries | None,
    ) -> _RawRows:
        """Index the rows 0..n-1, headers as text, row numbers defaulted from ``header_row``."""
        frame = frame.reset_index(drop=True)
        headers = [str(h) for h in frame.columns]
        frame.columns = headers
        numbers = (
            np.asarray(row_numbers, dtype=np.int64)
            if row_numbers is not None
            else np.arange(header_row + 1, header_row + 1 + len(frame), dtype=np.int64)
        )
        if geometry is not None:
            geometry = gpd.GeoSeries(geometry.to_numpy(), crs=geometry.crs).reset_index(drop=True)
        factors = {h: _factorize(frame[h]) for h in headers}
        return cls(frame, headers, numbers, geometry, factors)

    def drop_blank_rows(self) -> int:
        """Drop the rows whose every cell is empty and that have no geometry; return how many."""
        blank = np.ones(len(self.frame), dtype=bool)
        for codes, _, _, _ in self.factors.values():
            blank &= codes == -1
        if self.geometry is not None:
            blank &= self.geometry.isna().to_numpy() | self.geometry.is_empty.to_numpy()
        if not blank.any():
            return 0
        keep = np.flatnonzero(~blank)
        self.frame = self.frame.iloc[keep].reset_index(drop=True)
        self.numbers = self.numbers[keep]
        self.factors = {h: (c[keep], u, b, raw[keep]) for h, (c, u, b, raw) in self.factors.items()}
        if self.geometry is not None:
            self.geometry = self.geometry.iloc[keep].reset_index(drop=True)
        return int(blank.sum())


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(codes, uniques, blank, cell codes)``: empty cells (None, NaN, only spaces) get code -1.

    Parsing then happens once per distinct value; the cell codes keep blank
    values apart (for exact duplicates).
    """
    cells, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    blank = np.zeros(len(uniques), dtype=bool)
    for i in _maybe_blank(uniques).tolist():
        blank[i] = isinstance(uniques[i], str) and not uniques[i].strip()
    codes = np.where(np.append(blank, True)[cells], -1, cells) if blank.any() else cells
    return codes, uniques, blank, cells


def _maybe_blank(uniques: np.ndarray) -> np.ndarray:
    """Return the indices of the values that may be blank text: all but text starting with a visible ASCII character."""
    if len(uniques) < 64 or pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        return np.arange(len(uniques))
    text = pa.array(uniques, type=pa.string())
    first = pc.utf8_slice_codeunits(text, 0, 1)
    visible = pc.and_(pc.string_is_ascii(first), pc.greater(first, " "))
    return np.flatnonzero(~np.asarray(visible.to_numpy(zero_copy_only=False), dtype=bool))


#: Per parsed column: the row codes, the parsed value of each code (the last one for -1) and the Series made.
_Factored = dict[str, tuple[np.ndarray, np.ndarray, pd.Series]]


def _parse_columns(
    spec: DatasetSpec,
    header_of: dict[str, str],
    factors: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    rows: RowLog,
    lang: str,
) -> tuple[dict[str, pd.Series], _Factored]:
    """Parse each mapped column once per distinct value; reject bad values and empty required cells.

    Coordinates come out as floats (NaN where empty), dates as
    ``datetime64[ns]`` (NaT), everything else as objects (None).
    """
    parsed: dict[str, pd.Series] = {}
    factored: _Factored = {}
    for col in spec.columns:
        header = header_of.get(col.name)
        if header is None:
            continue
        codes, uniques, _, _ = factors[header]
        empty = codes == -1
        used = np.zeros(len(uniques), dtype=bool)
        used[codes[~empty]] = True
        values, errors = parse_values(col, lang, uniques, used)
        per_code = _per_code(values, col.kind)
        parsed[col.name] = pd.Series(per_code[codes], dtype=per_code.dtype)  # code -1 picks the trailing empty value
        factored[col.name] = (codes, per_code, parsed[col.name])
        if errors:
            for pos in np.flatnonzero(np.isin(codes, list(errors))):
                code, extra = errors[codes[pos]]
                rows.reject(int(pos), header, code, col=header, value=_shorten(uniques[codes[pos]]), **extra)
        if col.required:
            for pos in np.flatnonzero(empty):
                rows.reject(int(pos), header, "missing_value", col=header)
    return parsed, factored


def _per_code(values: np.ndarray, kind: str) -> np.ndarray:
    """Append an empty value to the parsed ones: floats for coordinates, datetime64[ns] for dates, else objects."""
    if kind in ("lon", "lat"):
        return np.append(np.array(values, dtype=float), np.nan)
    if kind == "date":
        nat = np.datetime64("NaT", "ns")
        return np.array([nat if v is None else v.to_datetime64() for v in values] + [nat], dtype="datetime64[ns]")
    return np.append(values, None)


def _id_codes(factor: tuple[np.ndarray, np.ndarray, pd.Series] | None) -> np.ndarray | None:
    """Return a code per row for the parsed id (equal ids, equal codes; no id -1)."""
    if factor is None:
        return None
    codes, per_code, _ = factor
    if pd.api.types.infer_dtype(per_code, skipna=True) == "string":  # parsed text: pyarrow codes it fast
        coded = pc.dictionary_encode(pa.array(per_code, type=pa.string(), from_pandas=True)).indices
        return np.asarray(coded.fill_null(-1).to_numpy(), dtype=np.int64)[codes]
    return pd.factorize(per_code)[0][codes]


def _assemble(
    spec: DatasetSpec,
    parsed: dict[str, pd.Series],
    factored: _Factored,
    table: _RawRows,
    extras: list[str],
    good: np.ndarray,
    geoms: np.ndarray,
    needs_geocoding: np.ndarray,
    rows: RowLog,
) -> gpd.GeoDataFrame:
    """Build the valid rows: typed canonical columns, extra columns, ``source_row``, ``notes``, geometry."""
    n = len(table.frame)
    data: dict[str, Any] = {}
    for col in spec.columns:
        if col.kind in ("lon", "lat", "coords", "datum"):
            continue
        if col.kind == "window":
            series = parsed.get(col.name, pd.Series([None] * n, dtype=object))
            for part, idx in (("start_min", 0), ("end_min", 1)):
                data[f"{col.name}_{part}"] = _good_values(
                    series, factored.get(col.name), good, lambda v, i=idx: _window_part(v, i)
                )
            continue
        series = parsed.get(col.name)
        if series is None:
            data[col.name] = _typed([None] * len(good), col)
        else:
            data[col.name] = _good_values(series, factored.get(col.name), good, lambda v, c=col: _typed(v, c))
    if spec.id_column is not None:
        data[spec.id_column] = _fill_ids(data[spec.id_column], table.numbers[good], spec.id_prefix)
    for header in extras:
        data[header] = table.frame[header].iloc[good].to_numpy(dtype=object)
    data["source_row"] = table.numbers[good]
    if spec.geometry == "point" and spec.address_fallback:
        data["needs_geocoding"] = needs_geocoding[good]
    data["notes"] = rows.notes_text(good, n)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms[good], crs=4326), crs=4326)


def _good_values(
    series: pd.Series,
    factor: tuple[np.ndarray, np.ndarray, pd.Series] | None,
    good: np.ndarray,
    typed: Callable[[Sequence[Any]], Any],
) -> Any:
    """Return ``typed`` of the ``good`` rows' values; each distinct value is typed once if ``series`` is unchanged."""
    if factor is not None and factor[2] is series:
        codes, per_code, _ = factor
        return typed(per_code)[codes[good]]  # code -1 picks the trailing empty value
    return typed(series.iloc[good].tolist())


def _window_part(windows: Sequence[Any], idx: int) -> Any:
    """Return the start (``idx`` 0) or end (1) minute of each window, as ``Int64``."""
    return pd.array([None if w is None else w[idx] for w in windows], dtype="Int64")


def _fill_ids(ids: Any, numbers: np.ndarray, prefix: str) -> Any:
    """Give rows without an id one made from their source row, never equal to an id in the file."""
    ids = _text_array(ids)
    missing = np.flatnonzero(pd.isna(ids))
    if not missing.size:
        return ids
    given = ids.to_numpy(dtype=object, na_value=None)
    taken = set(given[pd.notna(given)].tolist())
    for pos in missing.tolist():
        value = f"{prefix}{numbers[pos]:05d}"
        while value in taken:
            value += "_"
        taken.add(value)
        given[pos] = value
    return _text_array(given)


def _shorten(value: object, limit: int = 40) -> str:
    text = normalise_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _typed(values: Sequence[Any], col: Column) -> Any:
    if col.kind == "int":
        return pd.array(values, dtype="Int64")
    if col.kind == "float":
        return pd.array(values, dtype="Float64")
    if col.kind == "bool":
        return pd.array(values, dtype="boolean")
    if col.kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object)).to_numpy(dtype="datetime64[ns]")
    return _text_array(values)


def _text_array(values: Sequence[Any]) -> Any:
    """Return ``pd.array(values, dtype="str")``, built by pyarrow when every value is text or missing."""
    try:
        arrow = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return pd.array(values, dtype="str")
    return pd.array(arrow, dtype="str")
