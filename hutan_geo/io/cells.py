"""Cells that travel through spreadsheets: formula neutralising on the way out, restoring on the way in.

Excel, WPS and LibreOffice run a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (OWASP's CSV injection
rule). Every table the package writes passes through :func:`safe_cells`,
which puts a single quote ``'`` in front of such text (numbers stay numbers);
the loaders take that quote off again (:func:`restore_cell`), so a table
written and read back gives the original text.

This module sits below the readers and the writers of :mod:`hutan_geo.io`.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = ["FORMULA_START", "plain_frame", "restore_cell", "restore_cells", "safe_cell", "safe_cells"]

#: Text starting with one of these is run as a formula by Excel, WPS and LibreOffice.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` as a plain DataFrame: a GeoDataFrame loses its geometry column.

    Examples
    --------
    >>> from shapely import Point
    >>> plain_frame(gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs=4326)).columns.tolist()
    ['a']
    """
    return pd.DataFrame(frame.drop(columns=frame.geometry.name) if isinstance(frame, gpd.GeoDataFrame) else frame)


def _quoted(text: str) -> bool:
    """Return whether ``text`` is one or more quotes followed by a formula start (a neutralised cell)."""
    return text.startswith("'") and text.lstrip("'").startswith(FORMULA_START)


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula (a leading ``'`` makes it text).

    Text that already looks neutralised (``'=…``) gets one more quote, so that
    :func:`restore_cell` gives it back unchanged. Anything that is not text
    (numbers, dates, missing values) is returned as it is.

    Examples
    --------
    >>> safe_cell("=HYPERLINK(1)"), safe_cell("东门"), safe_cell(-3), safe_cell("'=x")
    ("'=HYPERLINK(1)", '东门', -3, "''=x")
    """
    if isinstance(value, str) and (value.startswith(FORMULA_START) or _quoted(value)):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """Undo :func:`safe_cell`: drop the one quote it put before a formula-like text.

    A quote followed by anything else (``'08``) is kept.

    Examples
    --------
    >>> restore_cell("'=HYPERLINK(1)"), restore_cell("''=x"), restore_cell("'08"), restore_cell(3)
    ('=HYPERLINK(1)', "'=x", "'08", 3)
    """
    if isinstance(value, str) and _quoted(value):
        return value[1:]
    return value


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a plain copy of ``frame`` (no geometry) with every formula-like text cell and header neutralised.

    Examples
    --------
    >>> safe_cells(pd.DataFrame({"=a": ["@x", 1]})).to_dict("list")
    {"'=a": ["'@x", 1]}
    """
    plain = plain_frame(frame).map(safe_cell)
    plain.columns = [safe_cell(c) for c in plain.columns]
    return plain


def restore_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with :func:`restore_cell` applied to its headers and text cells (in place; returned).

    Only the cells that start with a quote are touched, so a large table costs
    one vectorised scan per column.

    Examples
    --------
    >>> restore_cells(pd.DataFrame({"'=a": ["'@x", "'08", "x"]})).to_dict("list")
    {'=a': ['@x', "'08", 'x']}
    """
    frame.columns = [restore_cell(c) for c in frame.columns]
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if column.dtype != object and not pd.api.types.is_string_dtype(column):
            continue
        try:
            hits = column.str.startswith("'", na=False).to_numpy(dtype=bool)
        except AttributeError:  # no text in the column
            continue
        if hits.any():
            values = column.to_numpy(dtype=object, copy=True)
            values[hits] = [restore_cell(v) for v in values[hits]]
            frame.isetitem(j, values)
    return frame
