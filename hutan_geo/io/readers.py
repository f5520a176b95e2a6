"""Readers: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX, GeoJSON, GeoPackage, Shapefile.

The loaders (:func:`load`, :func:`load_schools`, :func:`load_hazards`, ...)
read a file, find its header row (sheets often carry a title row above it),
and validate it with :func:`hutan_geo.io.validate.validate_table`, returning a
:class:`~hutan_geo.io.validate.LoadResult`: valid rows in EPSG:4326 plus a
rejected table with a reason for each rejected row.

CSV text is decoded once; its header is found with Python's csv module, and
the body of a plain file is parsed by pyarrow (:mod:`hutan_geo.io.fastcsv`),
cell for cell as the csv module would; files that need the csv module's
rules (quoted cells spanning lines, broken quotes) are read by it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo.errors import EmptyInputError, InputError, MissingColumnsError, UnsupportedFormatError
from hutan_geo.io.cells import restore_cell, restore_cells
from hutan_geo.io.fastcsv import head_text, read_body
from hutan_geo.io.sources import Note, csv_records, flatten_nested, shapefile_encoding, two_row_header
from hutan_geo.io.validate import LoadResult, map_headers, validate_table
from hutan_geo.model.schema import SPECS, DatasetSpec, normalise_header, spec_for

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "EXCEL_SUFFIXES",
    "SPATIAL_SUFFIXES",
    "TABLE_SUFFIXES",
    "RawTable",
    "decode_text",
    "load",
    "load_boundaries",
    "load_bus_stops",
    "load_campuses",
    "load_frame",
    "load_gates",
    "load_guard_posts",
    "load_hazards",
    "load_places",
    "load_residences",
    "load_roads",
    "load_schools",
    "load_stations",
    "read_raw",
]

log = logging.getLogger("hutan_geo")

#: Text tables read as CSV (delimiter detected; ``.tsv`` is tab-separated).
TABLE_SUFFIXES = (".csv", ".txt", ".tsv")
#: Workbooks read with openpyxl.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Spatial files read with pyogrio.
SPATIAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".fgb")
_HEADER_SCAN_ROWS = 15
_READABLE = (*TABLE_SUFFIXES, *EXCEL_SUFFIXES, *SPATIAL_SUFFIXES)


@dataclass
class RawTable:
    """A file's cells before validation.

    Attributes
    ----------
    frame
        Cells under the file's headers (objects; empty cells as None).
    row_numbers
        Spreadsheet row (CSV line, or feature number for spatial files) of each row.
    header_row
        Row number of the header (0 for spatial files).
    geometry
        Geometry of spatial files, in EPSG:4326.
    encoding
        The detected text encoding of CSV files.
    source
        The file name (never the full path: it goes into exported tables).
    notes
        What the reader noticed and fixed (label key and fields), e.g. an
        unclosed quote read as it is, a two-row header, a detected encoding.
    """

    frame: pd.DataFrame
    row_numbers: np.ndarray
    header_row: int
    geometry: gpd.GeoSeries | None
    encoding: str | None
    source: str
    notes: list[Note] = field(default_factory=list)


def decode_text(data: bytes, *, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text file's bytes; return ``(text, encoding)``.

    Tries, in order: the caller's encoding; a BOM (UTF-8, UTF-16); strict
    UTF-8; strict GB18030 (a superset of GBK and GB2312, what Excel's "CSV"
    writes on Chinese Windows); then charset-normalizer's best guess. A file
    cut short inside its last character is still read as UTF-8 or GB18030,
    the broken character as U+FFFD (logged).

    Examples
    --------
    >>> decode_text("学校名称".encode("gbk"), source="x.csv")
    ('学校名称', 'gb18030')
    """
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            msg = f"{source}: cannot decode as {encoding!r} ({exc}); omit encoding= to detect it"
            raise UnsupportedFormatError(msg) from exc
    bom = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        bom = "utf-16"
    if bom is not None:
        try:
            return data.decode(bom), bom
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            msg = (
                f"{source}: line {line}: the file starts with a {bom} byte-order mark but is not valid {bom} "
                f"({exc.reason}): part of it is in another encoding or it is cut short; "
                "save the sheet again as 'CSV UTF-8' or as .xlsx"
            )
            raise UnsupportedFormatError(msg) from exc
    for candidate in ("utf-8", "gb18030"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as exc:
            if exc.end == len(data) and exc.reason in ("unexpected end of data", "incomplete multibyte sequence"):
                # a file cut inside its last character: keep the rest, mark the broken character (U+FFFD)
                log.warning("%s ends inside a %s character (cut short?); read as U+FFFD", source, candidate)
                return data.decode(candidate, errors="replace"), candidate
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        msg = (
            f"{source}: the text encoding is not UTF-8, GBK/GB18030 or another known one; "
            "save the sheet as 'CSV UTF-8' or as .xlsx and load it again"
        )
        raise UnsupportedFormatError(msg)
    return str(best), best.encoding


def _guess_delimiter(lines: list[str], *, tsv: bool) -> str:
    """Pick the delimiter that splits the most lines into the most fields.

    csv.Sniffer is thrown off by a title row and by Chinese text; counting
    candidates per line is more robust for spreadsheet exports.
    """
    if tsv:
        return "\t"
    best, best_score = ",", 0.0
    for candidate in (",", "\t", ";", "|"):
        counts = sorted(line.count(candidate) for line in lines if line.strip())
        score = float(counts[len(counts) // 2]) if counts else 0.0
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_bytes(path: Path) -> bytes:
    """Return the bytes of a file; a clear :class:`InputError` when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        msg = f"{path.name}: cannot read the file ({type(exc).__name__}: {exc.strerror or exc}); check its permissions"
        raise InputError(msg) from exc


def _first_lines(text: str, count: int) -> list[str]:
    """Return ``text.splitlines()[:count]`` without splitting the whole text."""
    lines = text[:65536].splitlines()
    if len(lines) <= count:  # the prefix may end inside line ``count``: split it all
        lines = text.splitlines()
    return lines[:count]


def _csv_text(path: Path, *, encoding: str | None) -> tuple[str, str, str]:
    """Return a CSV file's text, the encoding used and the delimiter."""
    data = _read_bytes(path)
    if not data or data.isspace():  # as not data.strip(), without copying the file
        msg = f"{path.name}: the file is empty; export the sheet again with its header row and data"
        raise EmptyInputError(msg)
    text, used = decode_text(data, source=path.name, encoding=encoding)
    delimiter = _guess_delimiter(_first_lines(text, _HEADER_SCAN_ROWS + 5), tsv=path.suffix.lower() == ".tsv")
    return text, used, delimiter


def _excel_rows(path: Path, *, sheet: str | int | None) -> tuple[list[list[Any]], list[int], str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        msg = f"{path.name}: cannot open the workbook ({type(exc).__name__}: {exc}); save it again as .xlsx"
        raise UnsupportedFormatError(msg) from exc
    try:
        names = book.sheetnames
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                msg = f"{path.name}: sheet index {sheet} does not exist; sheets: {', '.join(names)}"
                raise InputError(msg)
            chosen = names[sheet]
        elif sheet in names:
            chosen = sheet
        else:
            msg = f"{path.name}: no sheet named {sheet!r}; sheets: {', '.join(names)}"
            raise InputError(msg)
        try:
            rows = [list(r) for r in book[chosen].iter_rows(min_row=1, values_only=True)]
        except Exception as exc:  # a damaged sheet fails while its rows are read
            msg = f"{path.name}: cannot read sheet {chosen!r} ({type(exc).__name__}: {exc}); save it again as .xlsx"
            raise UnsupportedFormatError(msg) from exc
    finally:
        book.close()
    return rows, list(range(1, len(rows) + 1)), chosen


def _known_headers(spec: DatasetSpec) -> set[str]:
    known = {normalise_header(s) for c in spec.columns for s in c.spellings}
    return known | {normalise_header(s, strip_brackets=True) for c in spec.columns for s in c.spellings}


def _is_known(cell: Any, known: set[str]) -> bool:
    """Return whether a header cell names a column of the spec."""
    return cell is not None and (
        normalise_header(cell) in known or normalise_header(cell, strip_brackets=True) in known
    )


def _find_header(rows: list[list[Any]], spec: DatasetSpec, *, source: str) -> int:
    """Return the index of the header row among the first rows (title rows skipped)."""
    known = _known_headers(spec)
    best, best_score = -1, 0
    for i, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        score = sum(1 for cell in row if _is_known(cell, known))
        if score > best_score:
            best, best_score = i, score
    if best < 0:
        first = next((r for r in rows if any(c not in (None, "") for c in r)), [])
        map_headers([c for c in first if c not in (None, "")], spec, source=source)  # raises with the details
        msg = f"{source}: no header row found in the first {_HEADER_SCAN_ROWS} rows"
        raise MissingColumnsError(msg)
    return best


def _is_empty_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_cells(
    rows: list[list[Any]], starts: list[int], spec: DatasetSpec, *, source: str
) -> tuple[int, int, list[Any], list[Note]]:
    """Return the first and last row index of the header, its cells, and a note when it spans two rows."""
    h = _find_header(rows, spec, source=source)
    known = _known_headers(spec)
    for top in (h - 1, h):
        if top >= 0 and top + 1 < len(rows):
            combined = two_row_header(rows[top], rows[top + 1], lambda c: _is_known(c, known))
            if combined is not None:
                note = ("io.note.header2", {"first": starts[top], "second": starts[top + 1]})
                return top, top + 1, combined, [note]
    return h, h, rows[h], []


def _column_names(
    header_cells: list[Any], width: int, spec: DatasetSpec, *, source: str, row: int
) -> tuple[list[str], list[str]]:
    """Return the names of ``width`` columns (empty headers invented as 列N, repeats numbered) and the invented ones."""
    headers: list[str] = []
    invented: list[str] = []
    seen: dict[str, int] = {}
    known = _known_headers(spec)
    for j in range(width):
        cell = header_cells[j] if j < len(header_cells) else None
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"列{j + 1}"
        if name == f"列{j + 1}":
            invented.append(name)
        if name in seen and (normalise_header(name) in known or normalise_header(name, strip_brackets=True) in known):
            first = headers.index(name) + 1
            msg = (
                f"{source}: row {row}: the header {name!r} appears twice (columns {first} and {j + 1}); "
                "rename or delete one of them"
            )
            raise InputError(msg)
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        headers.append(name)
    return headers, invented


def _column_empty(column: pd.Series) -> bool:
    """Return whether every cell of a column is empty (missing, or only spaces)."""
    if column.dtype == object:
        return bool(column.map(_is_empty_cell).all())
    return all(_is_empty_cell(v) for v in column.dropna().unique())


def _named(frame: pd.DataFrame, headers: list[str], invented: list[str], *, source: str, row: int) -> pd.DataFrame:
    """Name the columns; drop columns with no header and no data (formatting leftovers)."""
    frame.columns = headers
    frame = frame.drop(columns=[c for c in invented if _column_empty(frame[c])])
    if frame.empty:
        msg = f"{source}: the header is on row {row} but no data rows follow it; add the data under the header"
        raise EmptyInputError(msg)
    return frame


def _table_from_rows(
    rows: list[list[Any]], starts: list[int], spec: DatasetSpec, *, source: str
) -> tuple[pd.DataFrame, np.ndarray, int, list[Note]]:
    if not rows:
        msg = f"{source}: the file is empty; export the sheet again with its header row and data"
        raise EmptyInputError(msg)
    h, last, header_cells, notes = _header_cells(rows, starts, spec, source=source)
    header_cells = [restore_cell(c) for c in header_cells]
    width = max(len(r) for r in rows[h:])
    headers, invented = _column_names(header_cells, width, spec, source=source, row=starts[h])
    body = rows[last + 1 :]
    numbers = np.asarray(starts[last + 1 :], dtype=np.int64)
    # trailing blank rows of a formatted sheet are not data
    end = len(body)
    while end and all(_is_empty_cell(c) for c in body[end - 1]):
        end -= 1
    body, numbers = body[:end], numbers[:end]
    padded = [list(r) + [None] * (width - len(r)) for r in body]
    frame = restore_cells(pd.DataFrame(padded, columns=range(width), dtype=object))  # headers are restored above
    return _named(frame, headers, invented, source=source, row=starts[h]), numbers, starts[h], notes


def _fast_csv(
    text: str, delimiter: str, spec: DatasetSpec, *, source: str
) -> tuple[pd.DataFrame, np.ndarray, int, list[Note]] | None:
    """Read a plain CSV text with pyarrow (:mod:`hutan_geo.io.fastcsv`); None when the Python path must read it.

    The header is found in the first lines with the Python csv module, as
    for every file; the cells are ``str`` columns (missing where a short row
    has no cell), equal to the Python path's text cells.
    """
    if "\x00" in text:
        return None
    head = head_text(text, _HEADER_SCAN_ROWS + 1)
    try:
        rows, starts, quote_notes = csv_records(head, delimiter, source=source)
        if quote_notes or not rows or starts != list(range(1, len(rows) + 1)):
            return None  # a record spans lines, or a quote is never closed, in the first lines
        h, last, header_cells, notes = _header_cells(rows, starts, spec, source=source)
        header_cells = [restore_cell(c) for c in header_cells]
        width = max(len(r) for r in rows[h : last + 1])
        headers, invented = _column_names(header_cells, width, spec, source=source, row=starts[h])
    except InputError:
        return None  # the Python path raises it with the whole file's details
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only the Python path keeps it
        return None
    body = read_body(data, last + 1, width, delimiter)
    if body is None:
        return None
    frame, numbers = body
    return _named(frame, headers, invented, source=source, row=starts[h]), numbers, starts[h], notes


def _read_spatial(
    path: Path, *, layer: str | int | None, encoding: str | None
) -> tuple[pd.DataFrame, gpd.GeoSeries, str | None, list[Note]]:
    """Read a spatial file: attribute cells (nested values as JSON text), geometry, encoding used and notes."""
    import pyogrio

    notes: list[Note] = []
    kwargs: dict[str, Any] = {"engine": "pyogrio"}
    if layer is not None:
        kwargs["layer"] = layer
    if encoding is None:
        encoding = shapefile_encoding(path)
        if encoding is not None:
            notes.append(("io.note.encoding", {"encoding": encoding.upper()}))
    if encoding is not None:
        kwargs["encoding"] = encoding
    try:
        if path.suffix.lower() == ".gpkg" and layer is None:
            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
            if len(layers) > 1:
                msg = f"{path.name}: the GeoPackage has layers {', '.join(layers)}; pass layer= to choose one"
                raise InputError(msg)
        gdf = gpd.read_file(path, **kwargs)
    except InputError:
        raise
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
        msg = (
            f"{path.name}: cannot read the spatial file ({type(exc).__name__}: {exc}); "
            "check that it is a complete GeoJSON, GeoPackage or Shapefile (with its .shx and .dbf)"
        )
        raise UnsupportedFormatError(msg) from exc
    if len(gdf) == 0:
        msg = f"{path.name}: the layer has no features"
        raise EmptyInputError(msg)
    if gdf.crs is None:
        log.warning("%s has no CRS; taken as longitude/latitude (EPSG:4326)", path.name)
        gdf = gdf.set_crs(4326)
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    geometry = gdf.geometry
    frame = flatten_nested(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(object))
    frame = frame.where(frame.notna(), None)
    return frame, geometry, encoding, notes


def read_raw(
    path: str | Path,
    spec: DatasetSpec,
    *,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    engine: str = "auto",
) -> RawTable:
    """Read a file's cells without validating them.

    Parameters
    ----------
    path
        The file (see :func:`load`).
    spec
        The dataset specification whose headers are looked for.
    sheet, layer, encoding
        As for :func:`load`.
    engine
        How CSV text is parsed: ``"auto"`` reads plain files with pyarrow
        and the others (quoted cells spanning lines, broken quotes, rows
        longer than the header) with Python's csv module; ``"python"``
        always uses the csv module. Both give the same cells.

    Returns
    -------
    RawTable
        The cells as objects (text, or None where a short row has no cell).

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    InputError
        The path is a folder, or the file cannot be read.
    UnsupportedFormatError
        The format or encoding cannot be read.
    EmptyInputError
        The file has no data rows.
    MissingColumnsError
        No header row with the spec's columns is found.

    Examples
    --------
    >>> from hutan_geo.demo import demo_data_dir
    >>> from hutan_geo.model.schema import SPECS
    >>> raw = read_raw(demo_data_dir() / "police" / "stations.csv", SPECS["stations"])
    >>> raw.header_row, raw.encoding, raw.frame.dtypes.unique().tolist()
    (2, 'utf-8-sig', [dtype('O')])
    """
    raw = _read(path, spec, sheet=sheet, layer=layer, encoding=encoding, engine=engine)
    if not all(pd.api.types.is_object_dtype(dtype) for dtype in raw.frame.dtypes):
        raw.frame = raw.frame.astype(object).where(raw.frame.notna(), None)
    return raw


def _read(
    path: str | Path,
    spec: DatasetSpec,
    *,
    sheet: str | int | None,
    layer: str | int | None,
    encoding: str | None,
    engine: str,
) -> RawTable:
    """Read a file's cells; the cells of a CSV read by pyarrow stay in ``str`` columns (missing cells as NaN)."""
    if engine not in ("auto", "python"):
        msg = f"engine must be 'auto' or 'python'; got {engine!r}"
        raise InputError(msg)
    path = Path(path)
    if not path.exists():
        msg = f"{path.name}: no such file ({path})"
        raise FileNotFoundError(msg)
    suffix = path.suffix.lower()
    source = path.name
    if path.is_dir():
        inside = sorted(p.name for p in path.iterdir() if p.suffix.lower() in _READABLE)[:5]
        hint = f" (it holds {', '.join(inside)})" if inside else ""
        msg = f"{source}: this is a folder, not a file{hint}; pass the path of the file to read"
        raise InputError(msg)
    if suffix in TABLE_SUFFIXES:
        text, used, delimiter = _csv_text(path, encoding=encoding)
        fast = _fast_csv(text, delimiter, spec, source=source) if engine == "auto" else None
        if fast is not None:
            frame, numbers, header_row, notes = fast
            return RawTable(frame, numbers, header_row, None, used, source, notes)
        rows, starts, notes = csv_records(text, delimiter, source=source)
        del text
        try:
            frame, numbers, header_row, header_notes = _table_from_rows(rows, starts, spec, source=source)
        except MissingColumnsError as exc:
            if used in ("utf-8", "utf-8-sig"):
                raise
            msg = (
                f"{exc} (The file was read as {used}; if the column names above look garbled, "
                "pass encoding= with the right one, or save the sheet as 'CSV UTF-8'.)"
            )
            raise MissingColumnsError(msg) from exc
        return RawTable(frame, numbers, header_row, None, used, source, notes + header_notes)
    if suffix in EXCEL_SUFFIXES:
        rows, starts, sheet_name = _excel_rows(path, sheet=sheet)
        frame, numbers, header_row, notes = _table_from_rows(rows, starts, spec, source=f"{source}[{sheet_name}]")
        return RawTable(frame, numbers, header_row, None, None, f"{source}[{sheet_name}]", notes)
    if suffix in SPATIAL_SUFFIXES:
        frame, geometry, used, notes = _read_spatial(path, layer=layer, encoding=encoding)
        return RawTable(frame, np.arange(1, len(frame) + 1, dtype=np.int64), 0, geometry, used, source, notes)
    if suffix == ".xls":
        msg = f"{source}: old .xls workbooks are not read; open it in Excel/WPS and save as .xlsx"
        raise UnsupportedFormatError(msg)
    msg = f"{source}: unsupported file type {suffix!r}; use CSV, XLSX, GeoJSON, GeoPackage or Shapefile"
    raise UnsupportedFormatError(msg)


def load(
    path: str | Path,
    kind: str,
    *,
    datum: str = "wgs84",
    allow_swap: bool = False,
    region: str = "china",
    lang: str = "zh",
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    engine: str = "auto",
) -> LoadResult:
    """Load and validate a file of one dataset kind.

    Parameters
    ----------
    path
        CSV (UTF-8, UTF-8 with BOM, GBK/GB18030: detected), XLSX, GeoJSON,
        GeoPackage or Shapefile.
    kind
        ``schools``, ``hazards``, ``stations``, ``boundaries``, ``campuses``,
        ``gates``, ``guard_posts``, ``places`` or ``roads``.
    datum
        Datum of the file's coordinates: ``wgs84``, ``gcj02`` (Gaode,
        Tencent), ``bd09`` (Baidu) or ``cgcs2000``. A ``坐标系`` column
        overrides it row by row. Geometry is stored in WGS84.
    allow_swap
        Swap evidently swapped 经度/纬度 back (noted in ``notes``) instead of
        rejecting the rows.
    region
        ``"china"`` (default) rejects points outside China; ``"world"`` does not.
    lang
        Language of reasons and notes, ``"zh"`` or ``"en"``.
    sheet, layer
        Worksheet of an XLSX file, layer of a GeoPackage.
    encoding
        Force a text encoding for CSV (detected otherwise).
    engine
        How CSV text is parsed (see :func:`read_raw`); the result is the same.

    Returns
    -------
    LoadResult
        ``valid, rejected = load(...)`` also works.

    Examples
    --------
    >>> from hutan_geo.demo import demo_data_dir
    >>> result = load(demo_data_dir() / "police" / "stations.csv", "stations")
    >>> len(result.rejected), result.valid.crs.to_epsg()
    (0, 4326)
    """
    spec = spec_for(kind)
    raw = _read(path, spec, sheet=sheet, layer=layer, encoding=encoding, engine=engine)
    return _validate_raw(raw, spec, datum=datum, allow_swap=allow_swap, region=region, lang=lang)


def load_frame(
    frame: pd.DataFrame,
    kind: str,
    *,
    source: str = "<table>",
    datum: str = "wgs84",
    allow_swap: bool = False,
    region: str = "china",
    lang: str = "zh",
) -> LoadResult:
    """Validate a table already in memory (a DataFrame or GeoDataFrame).

    Rows are numbered as in a sheet whose header is row 1.
    """
    spec = spec_for(kind)
    geometry = None
    if isinstance(frame, gpd.GeoDataFrame):
        geometry = frame.geometry if frame.crs is None or frame.crs.to_epsg() == 4326 else frame.geometry.to_crs(4326)
        if geometry.crs is None:
            geometry = geometry.set_crs(4326)
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if len(frame) == 0:
        msg = f"{source}: the table has no rows"
        raise EmptyInputError(msg)
    cells = frame.astype(object).where(frame.notna(), None)
    raw = RawTable(cells, np.arange(2, 2 + len(cells), dtype=np.int64), 1, geometry, None, source)
    return _validate_raw(raw, spec, datum=datum, allow_swap=allow_swap, region=region, lang=lang)


def _validate_raw(raw: RawTable, spec: DatasetSpec, **options: Any) -> LoadResult:
    """Validate a raw table (``options``: datum, allow_swap, region, lang), recording where it came from."""
    return validate_table(
        raw.frame,
        spec,
        source=raw.source,
        row_numbers=raw.row_numbers,
        geometry=raw.geometry,
        header_row=raw.header_row,
        encoding=raw.encoding,
        notes=raw.notes,
        **options,
    )


def _loader(kind: str) -> Callable[..., LoadResult]:
    spec = SPECS[kind]

    def loader(path: str | Path, **options: Any) -> LoadResult:
        return load(path, kind, **options)

    loader.__name__ = loader.__qualname__ = f"load_{kind}"
    loader.__doc__ = (
        f"Load and validate {spec.en} ({spec.zh}); options as for :func:`load`.\n\n"
        f"Columns: {', '.join(f'{c.name} ({c.zh})' for c in spec.columns)}."
    )
    return loader


load_schools = _loader("schools")
load_hazards = _loader("hazards")
load_stations = _loader("stations")
load_boundaries = _loader("boundaries")
load_campuses = _loader("campuses")
load_gates = _loader("gates")
load_guard_posts = _loader("guard_posts")
load_places = _loader("places")
load_roads = _loader("roads")
load_security = _loader("security")
load_residences = _loader("residences")
load_bus_stops = _loader("bus_stops")
