"""Tables for planners: labelled headers and values (:func:`export_frame`), safe files (:func:`write_table`).

The small helpers :func:`plain_frame`, :func:`yes_no` and :func:`vocab_labels`
label any table the same way (they serve other exporters too, e.g. the
analysis tables).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import geopandas as gpd
import pandas as pd

from hutan_geo._i18n import LABELS, check_lang, tr
from hutan_geo.errors import InputError
from hutan_geo.io.cells import FORMULA_START, plain_frame, safe_cell, safe_cells
from hutan_geo.model.schema import label, spec_for
from hutan_geo.model.timefmt import clock

if TYPE_CHECKING:
    from hutan_geo.model.schema import Column, Vocab

__all__ = [
    "EXTRA_COLUMNS",
    "FORMULA_START",
    "export_frame",
    "plain_frame",
    "safe_cell",
    "safe_cells",
    "vocab_labels",
    "write_csv_text",
    "write_sheets",
    "write_table",
    "yes_no",
]

#: Columns the loaders add to every dataset, published after the spec's columns.
EXTRA_COLUMNS = ("needs_geocoding", "source_row", "notes")


def yes_no(values: pd.Series, lang: str = "zh") -> pd.Series:
    """Return true/false values as 是/否 (``lang="en"``: yes/no); missing values as empty text.

    Examples
    --------
    >>> yes_no(pd.Series([True, False, None]), "en").tolist()
    ['yes', 'no', '']
    """
    yes, no = tr("io.yes", lang), tr("io.no", lang)
    return values.map(lambda v: "" if pd.isna(v) else yes if v else no)


def vocab_labels(values: pd.Series, vocab: Vocab, lang: str = "zh", *, strict: bool = True) -> pd.Series:
    """Return vocabulary codes as their labels in ``lang``; values that are not text stay as they are.

    Parameters
    ----------
    values
        Codes, e.g. ``"traffic"``.
    vocab
        The vocabulary.
    lang
        ``"zh"`` or ``"en"``.
    strict
        Raise on an unknown code (True), or keep it unchanged (False).

    Raises
    ------
    InputError
        With ``strict``, a code that is not in ``vocab``.

    Examples
    --------
    >>> from hutan_geo.model.schema import CATEGORIES
    >>> vocab_labels(pd.Series(["traffic", "other"]), CATEGORIES).tolist()
    ['交通安全', '其他']
    >>> vocab_labels(pd.Series(["traffic", "?"]), CATEGORIES, "en", strict=False).tolist()
    ['traffic', '?']
    """
    check_lang(lang)
    return values.map(lambda v: label(vocab, v, lang) if isinstance(v, str) and (strict or v in vocab.labels) else v)


def export_frame(frame: pd.DataFrame, kind: str, *, lang: str = "zh", columns: list[str] | None = None) -> pd.DataFrame:
    """Return a copy of ``frame`` ready for planners: chosen columns, labelled headers and values.

    Parameters
    ----------
    frame
        Valid rows of a dataset (as the loaders return them).
    kind
        The dataset kind, e.g. ``"hazards"``.
    lang
        ``"zh"`` (default) or ``"en"``, for headers and vocabulary labels.
    columns
        Canonical names to publish, in order. The default is every column of
        the spec present in the frame, with ``lon``/``lat`` for point data,
        then ``needs_geocoding``, ``source_row`` and ``notes``. Nothing else
        (in particular no extra column of the source file) is published
        unless named here.

    Returns
    -------
    A plain DataFrame: vocabulary codes as labels, windows as ``07:20-07:50``,
    dates as dates, geometry as 经度/纬度 (WGS84, 6 decimals) for points and
    dropped otherwise.

    Examples
    --------
    >>> from hutan_geo.io import load_frame
    >>> valid = load_frame(pd.DataFrame({"派出所名称": ["城关所"], "经度": [113.3], "纬度": [27.6]}), "stations").valid
    >>> export_frame(valid, "stations", columns=["name", "lon", "lat", "source_row"])
      派出所名称     经度    纬度  源表行号
    0   城关所  113.3  27.6     2
    """
    spec = spec_for(kind)
    check_lang(lang)
    points = isinstance(frame, gpd.GeoDataFrame) and len(frame) > 0 and bool(frame.geom_type.eq("Point").any())

    def available(name: str) -> bool:
        if name in ("lon", "lat"):
            return points
        if name in spec.names and spec.column(name).kind == "window":
            return f"{name}_start_min" in frame.columns
        return name in frame.columns

    if columns is None:
        columns = [c.name for c in spec.columns if c.kind not in ("coords", "datum") and available(c.name)]
        columns += [c for c in EXTRA_COLUMNS if c in frame.columns]
    missing = [c for c in columns if not available(c)]
    if missing:
        msg = f"columns {missing} are not in the {spec.en} table; available: {list(frame.columns)}"
        raise InputError(msg)
    out: dict[str, Any] = {}
    for name in columns:
        col = spec.column(name) if name in spec.names else None
        out[_header(name, col, lang)] = _values(frame, name, col, lang)
    return pd.DataFrame(out, index=range(len(frame)))


def _header(name: str, col: Column | None, lang: str) -> str:
    """Return the header of a spec column, of one of :data:`EXTRA_COLUMNS`, or the name itself."""
    if col is not None:
        return col.header(lang)
    key = f"io.header.{name}"
    return tr(key, lang) if key in LABELS else name


def _values(frame: pd.DataFrame, name: str, col: Column | None, lang: str) -> Any:
    """Return the values of one column as published (see :func:`export_frame`)."""
    if name in ("lon", "lat"):
        geom = frame.geometry
        values = (geom.x if name == "lon" else geom.y).where(geom.notna() & ~geom.is_empty)
        return values.round(6).to_numpy()
    if col is not None and col.kind == "window":
        starts, ends = frame[f"{name}_start_min"], frame[f"{name}_end_min"]
        return ["" if pd.isna(a) else f"{clock(a)}-{clock(b)}" for a, b in zip(starts, ends, strict=True)]
    if col is not None and col.kind == "vocab" and col.vocab is not None:
        return vocab_labels(frame[name], col.vocab, lang)
    if col is not None and col.kind == "vocab_list" and col.vocab is not None:
        vocab, sep = col.vocab, tr("io.vocab_sep", lang)
        return frame[name].map(
            lambda v: sep.join(label(vocab, c, lang) for c in v.split(";") if c) if isinstance(v, str) else v
        )
    if name == "needs_geocoding" or (col is not None and col.kind == "bool"):
        return yes_no(frame[name], lang)
    return frame[name].to_numpy()


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table for planners: ``.csv`` as UTF-8 with BOM (opens in Excel/WPS), or ``.xlsx``.

    Dates are written as ``YYYY-MM-DD``; a GeoDataFrame's geometry is left out.
    Text cells and headers that a spreadsheet would run as a formula get a
    leading ``'`` (:func:`~hutan_geo.io.cells.safe_cells`; the loaders take it
    off again); an ``.xlsx`` never holds a formula cell.

    Raises
    ------
    InputError
        Any other file suffix, or a path that cannot be written (a folder in
        the way, no permission).

    Examples
    --------
    >>> import tempfile
    >>> from hutan_geo.io import read_raw
    >>> from hutan_geo.model.schema import SPECS
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write_table(pd.DataFrame({"派出所名称": ["=1+1"], "经度": [113.3], "纬度": [27.6]}), folder / "s.csv")
    >>> path.read_text(encoding="utf-8-sig").splitlines()[1]
    "'=1+1,113.3,27.6"
    >>> read_raw(path, SPECS["stations"]).frame.iloc[0, 0]
    '=1+1'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        msg = f"{path.name}: write tables as .csv or .xlsx; got {suffix!r}"
        raise InputError(msg)
    plain = plain_frame(frame)
    for name in plain.columns:
        if isinstance(plain[name].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(plain[name]):
            plain[name] = plain[name].dt.strftime("%Y-%m-%d").astype(object).where(plain[name].notna(), "")
    if suffix == ".xlsx":
        return write_sheets({"Sheet1": plain}, path)
    _make_folder(path)
    safe = safe_cells(plain)
    try:
        safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n", **_csv_quoting(safe))
    except OSError as exc:
        raise _write_error(path, exc) from exc
    return path


def write_csv_text(frame: pd.DataFrame, fh: TextIO) -> None:
    r"""Write ``frame`` as CSV text (header and rows, LF line ends) to an open file, formula-like cells neutralised.

    For writers that put something before the table (a title line) or choose
    the encoding themselves; :func:`write_table` is the usual way.

    Examples
    --------
    >>> import io
    >>> buffer = io.StringIO()
    >>> write_csv_text(pd.DataFrame({"名称": ["=1+1"]}), buffer)
    >>> buffer.getvalue()
    "名称\n'=1+1\n"
    """
    safe = safe_cells(frame)
    safe.to_csv(fh, index=False, lineterminator="\n", **_csv_quoting(safe))


def _csv_quoting(frame: pd.DataFrame) -> dict[str, int]:
    """Quote every text cell when one holds a carriage return (else it would end the row on reading).

    With LF line ends the csv module quotes cells holding LF, the delimiter or
    a quote, but not a lone CR; such tables (rare) are written with every
    text cell quoted instead, so that they read back intact.
    """
    cells = [*map(str, frame.columns)]
    for j in range(frame.shape[1]):
        try:
            if frame.iloc[:, j].str.contains("\r", regex=False, na=False).any():
                return {"quoting": csv.QUOTE_NONNUMERIC}
        except AttributeError:  # no text in the column
            continue
    return {"quoting": csv.QUOTE_NONNUMERIC} if any("\r" in c for c in cells) else {}


def _make_folder(path: Path) -> None:
    """Create the folder of ``path``; a clear :class:`InputError` when that is impossible."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    if path.is_dir():
        msg = f"{path}: a folder has this name; cannot write the table {path.name} there; remove or rename the folder"
        raise InputError(msg)


def _write_error(path: Path, exc: OSError) -> InputError:
    """Return the error for a table that cannot be written (folder missing, read-only, a file in the way)."""
    msg = (
        f"{path}: cannot write the table ({type(exc).__name__}: {exc.strerror or exc}); "
        "choose an output folder you can write to (--out)"
    )
    return InputError(msg)


def write_sheets(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write tables as one ``.xlsx`` workbook, one sheet per table (sheet names cut to Excel's 31 characters).

    Text cells a spreadsheet would run as formulas are neutralised (:func:`safe_cells`).

    Raises
    ------
    InputError
        A suffix other than ``.xlsx``, or no table.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx" or not sheets:
        msg = f"{path.name}: write_sheets needs an .xlsx path and at least one table"
        raise InputError(msg)
    _make_folder(path)
    try:
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name, frame in sheets.items():
                safe_cells(frame).to_excel(xl, sheet_name=str(name)[:31], index=False)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    return path
