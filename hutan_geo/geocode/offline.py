"""Offline geocoding of address lists, hazard layers and address files.

:func:`geocode` turns address text such as ``"人民路与207国道交叉口"``,
``"城关一小东门外50米"``, ``"人民路128号"`` or ``"西门村村口"`` into points with
a ``match_type``, a ``confidence`` in 0..1, the matched name and the
candidates. Rows below ``min_confidence`` are never placed silently: they go
to the ``review`` table with their candidates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import LABELS, Lang, check_lang, tr
from hutan_geo.errors import HutanError, InputError, UnsupportedFormatError
from hutan_geo.geocode.gazetteer import Gazetteer, build_gazetteer
from hutan_geo.geocode.match import MATCH_TYPES, _geocode_one, _Match
from hutan_geo.geocode.reasons import review_reason
from hutan_geo.io import decode_text, restore_cells, write_table
from hutan_geo.model.schema import normalise_text

__all__ = ["ADDRESS_COLUMNS", "MATCH_LABELS", "GeocodeResult", "geocode", "geocode_file", "geocode_hazards"]

logger = logging.getLogger("hutan_geo")

#: Address columns looked for (in this order) by :func:`geocode_file`.
ADDRESS_COLUMNS = ("地址", "隐患地址", "详细地址", "位置", "地点", "address")

#: ``match_type`` -> Chinese label (a view of ``_i18n.LABELS["geo.match.*"]``).
MATCH_LABELS = {t: LABELS[f"geo.match.{t}"][0] for t in (*MATCH_TYPES, "online")}

_RESULT_COLUMNS = ["address", "lon", "lat", "match_type", "confidence", "matched", "reason", "candidates"]


@dataclass
class GeocodeResult:
    """Result of :func:`geocode`.

    Attributes
    ----------
    results
        One row per input address (same index): ``address``, ``geometry``
        (WGS84 point, empty when not accepted), ``lon``/``lat`` of the best
        guess, ``match_type``, ``confidence``, ``matched``, ``reason``,
        ``candidates`` (list of dicts) and ``accepted``.
    review
        The rows below ``min_confidence`` or unmatched, with a reason column
        (``复核原因``) and the candidates as text, for a planner to check.
    min_confidence
        The threshold used.
    """

    results: gpd.GeoDataFrame
    review: pd.DataFrame
    min_confidence: float

    def summary(self) -> str:
        """Return a one-line account: how many accepted, by type, to review."""
        r = self.results
        counts = r.loc[r["accepted"], "match_type"].value_counts().to_dict()
        return f"{int(r['accepted'].sum())}/{len(r)} geocoded {counts}; {len(self.review)} to review"


def _review_table(results: pd.DataFrame, lang: Lang = "zh") -> pd.DataFrame:
    """Return the review table of the rows of ``results`` not accepted.

    Parameters
    ----------
    results
        The ``results`` of a :class:`GeocodeResult`.
    lang
        Language of the headers and reasons (``"zh"`` or ``"en"``).

    Returns
    -------
    pandas.DataFrame
        Address, match type, confidence, best match, lon/lat, the reason to
        review and the candidates as text; same index as the rows.
    """
    lang = check_lang(lang)
    bad = results.loc[~results["accepted"]]
    sep = tr("geo.candidates.sep", lang)
    return pd.DataFrame(
        {
            tr("geo.col.address", lang): bad["address"],
            tr("geo.col.match_type", lang): bad["match_type"],
            tr("geo.col.confidence", lang): bad["confidence"],
            tr("geo.col.best_match", lang): bad["matched"],
            tr("geo.col.lon", lang): bad["lon"],
            tr("geo.col.lat", lang): bad["lat"],
            tr("geo.col.review_reason", lang): [
                review_reason(r, t, c, lang)
                for r, t, c in zip(bad["reason"], bad["match_type"], bad["candidates"], strict=False)
            ],
            tr("geo.col.candidates", lang): [
                sep.join(f"{c['name']}({c['score']})" for c in cs) for cs in bad["candidates"]
            ],
        },
        index=bad.index,
    )


def _check_min_confidence(min_confidence: float) -> None:
    """Raise :class:`~hutan_geo.errors.InputError` unless ``min_confidence`` is in 0..1."""
    if not 0.0 <= min_confidence <= 1.0:
        msg = f"min_confidence must be in 0..1; got {min_confidence!r}"
        raise InputError(msg)


def _as_series(addresses: Sequence[object] | pd.Series) -> pd.Series:
    """Return ``addresses`` as a Series (a list gets a 0..n-1 index)."""
    return addresses if isinstance(addresses, pd.Series) else pd.Series(list(addresses), dtype=object)


def _accepted_points(lon: pd.Series, lat: pd.Series, accepted: pd.Series, index: pd.Index) -> gpd.GeoSeries:
    """WGS84 points of the accepted rows, ``None`` for the others."""
    ok = np.asarray(accepted, bool)
    geom = np.full(len(ok), None, dtype=object)
    if ok.any():
        geom[ok] = shapely.points(np.asarray(lon, float)[ok], np.asarray(lat, float)[ok])
    return gpd.GeoSeries(geom, index=index, crs=4326)


def _match_safely(gazetteer: Gazetteer, value: object) -> _Match:
    """Return the match of one address; an internal error gives ``unmatched``, never an exception."""
    try:
        return _geocode_one(gazetteer, value)
    except Exception as exc:  # never let one odd address stop a batch
        logger.exception("geocode: failed on %r", str(value)[:50])
        return _Match("unmatched", None, 0.0, reason=f"internal error: {type(exc).__name__}")


def _rows(gazetteer: Gazetteer, values: pd.Series) -> pd.DataFrame:
    """Return the result rows: matched one by one, checked and projected in one go."""
    matches = [_match_safely(gazetteer, value) for value in values]
    xs = np.array([m.xy[0] if m.xy is not None else np.nan for m in matches], float)
    ys = np.array([m.xy[1] if m.xy is not None else np.nan for m in matches], float)
    placed = np.isfinite(xs)
    if gazetteer.area is not None and placed.any():
        outside = placed & ~shapely.contains_xy(gazetteer.area, np.nan_to_num(xs), np.nan_to_num(ys))
        for i in np.flatnonzero(outside):
            matches[i] = _Match("unmatched", None, 0.0, reason="point outside the district")
        xs[outside] = ys[outside] = np.nan
    lon, lat = gazetteer.lonlat_many(xs, ys) if len(xs) else (xs, ys)
    lon[~np.isfinite(xs)] = lat[~np.isfinite(xs)] = np.nan
    return pd.DataFrame(
        {
            "address": list(values),
            "lon": lon,
            "lat": lat,
            "match_type": [m.match_type for m in matches],
            "confidence": [
                0.0 if m.match_type == "unmatched" else round(float(min(max(m.confidence, 0.0), 1.0)), 3)
                for m in matches
            ],
            "matched": [m.matched for m in matches],
            "reason": [m.reason for m in matches],
            "candidates": [m.candidates for m in matches],
        },
        index=values.index,
    )


def geocode(
    gazetteer: Gazetteer,
    addresses: Sequence[object] | pd.Series,
    *,
    min_confidence: float = 0.6,
    lang: Lang = "zh",
) -> GeocodeResult:
    """Geocode address strings offline against a gazetteer.

    Parameters
    ----------
    gazetteer
        From :func:`~hutan_geo.geocode.build_gazetteer`.
    addresses
        Address strings; any value (``None``, numbers, very long text) is
        accepted and bad ones come back ``unmatched`` with a reason.
    min_confidence
        Rows below this confidence are not placed (``accepted`` is False,
        geometry empty) and are listed in ``review``.
    lang
        Language of the ``review`` table (``"zh"`` or ``"en"``).

    Returns
    -------
    GeocodeResult
        The results (same index as ``addresses``) and the review table.

    Raises
    ------
    InputError
        ``min_confidence`` outside 0..1.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.geocode import build_gazetteer
    >>> gaz = build_gazetteer(load_demo())
    >>> res = geocode(gaz, ["城关一小东门口", ""])
    >>> res.results["match_type"].tolist()
    ['gate', 'unmatched']
    """
    _check_min_confidence(min_confidence)
    lang = check_lang(lang)
    series = _as_series(addresses)
    frame = _rows(gazetteer, series)
    if frame.empty:
        frame = pd.DataFrame(columns=_RESULT_COLUMNS)
    frame["accepted"] = (frame["match_type"] != "unmatched") & (frame["confidence"] >= min_confidence)
    geom = _accepted_points(frame["lon"], frame["lat"], frame["accepted"], frame.index)
    results = gpd.GeoDataFrame(frame, geometry=geom, crs=4326)
    review = _review_table(results, lang)
    logger.info(
        "geocode: %d addresses, %d accepted, %d to review", len(results), int(results["accepted"].sum()), len(review)
    )
    return GeocodeResult(results, review, min_confidence)


def geocode_hazards(
    district: Any,
    *,
    gazetteer: Gazetteer | None = None,
    min_confidence: float = 0.6,
    lang: Lang = "zh",
) -> GeocodeResult:
    """Geocode the hazards flagged ``needs_geocoding`` and keep the others.

    Parameters
    ----------
    district
        A district with a ``hazards`` layer (``address`` and ``needs_geocoding``).
    gazetteer
        Built with :func:`~hutan_geo.geocode.build_gazetteer` when not given.
    min_confidence
        See :func:`geocode`.
    lang
        Language of the ``review`` table (``"zh"`` or ``"en"``).

    Returns
    -------
    GeocodeResult
        ``results`` is the full hazards table: rows that needed geocoding and
        were accepted get their point and ``needs_geocoding`` False; the
        others keep their geometry; ``match_type`` is ``"given"`` for rows that
        already had coordinates; ``accepted`` is True for every placed row. ``review`` holds the rows still to place.

    Raises
    ------
    InputError
        The district has no hazards with an address column.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> res = geocode_hazards(load_demo())
    >>> bool(res.results["accepted"].any())
    True
    """
    hazards = district.layers.get("hazards")
    if hazards is None or "address" not in hazards:
        msg = "geocode_hazards: district has no 'hazards' layer with an 'address' column"
        raise InputError(msg)
    lang = check_lang(lang)
    gaz = gazetteer or build_gazetteer(district)
    todo = (
        hazards["needs_geocoding"].fillna(False).astype(bool)
        if "needs_geocoding" in hazards
        else hazards.geometry.isna()
    )
    res = geocode(gaz, hazards.loc[todo, "address"], min_confidence=min_confidence, lang=lang)
    out = hazards.copy()
    for col in ("match_type", "confidence", "matched", "reason"):
        out[col] = res.results[col].reindex(out.index)
    out.loc[~todo, "match_type"] = "given"
    out.loc[~todo, "confidence"] = 1.0
    ok = res.results.index[res.results["accepted"]]
    out.loc[ok, "geometry"] = res.results.loc[ok, "geometry"].to_crs(out.crs)
    out["needs_geocoding"] = todo.copy()
    out.loc[ok, "needs_geocoding"] = False
    out["accepted"] = ~out["needs_geocoding"]
    review = res.review.copy()
    if "hazard_id" in out:
        review.insert(0, tr("geo.col.hazard_id", lang), out.loc[review.index, "hazard_id"])
    return GeocodeResult(gpd.GeoDataFrame(out, geometry="geometry", crs=hazards.crs), review, min_confidence)


def _read_addresses(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """Read the table of a ``.csv`` (any common Chinese encoding) or ``.xlsx`` file, as text."""
    if not path.exists():
        msg = f"{path.name}: no such file ({path})"
        raise FileNotFoundError(msg)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix not in (".csv", ".txt", ".tsv", ".xlsx"):
        what = "a folder" if path.is_dir() else repr(suffix)
        msg = f"{path.name}: geocode reads a .csv or .xlsx file; got {what}; pass the path of the address table"
        raise InputError(msg)
    try:
        if suffix == ".xlsx":
            table = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
        else:
            text, _ = decode_text(path.read_bytes(), source=path.name)
            table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except HutanError:
        raise
    except Exception as exc:  # pandas, csv and openpyxl raise many kinds for a damaged file
        msg = (
            f"{path.name}: cannot read the table ({type(exc).__name__}: {exc}); "
            "save it again as 'CSV UTF-8' or as .xlsx, with one header row"
        )
        raise UnsupportedFormatError(msg) from exc
    table = restore_cells(table)  # the quote our writers put before formula-like text
    table.columns = [normalise_text(c) for c in table.columns]
    return table


def _address_column(table: pd.DataFrame, column: str | None, source: str) -> str:
    """Return the address column: ``column``, else the first of :data:`ADDRESS_COLUMNS` present."""
    if column is None:
        column = next((c for c in ADDRESS_COLUMNS if c in table.columns), None)
    if column is None or column not in table.columns:
        msg = (
            f"{source}: no address column {column or ''!r}; found {list(table.columns)}, "
            f"expected one of {list(ADDRESS_COLUMNS)} or pass column="
        )
        raise InputError(msg)
    return column


def _file_tables(table: pd.DataFrame, res: GeocodeResult, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the input table with the geocoding columns added, and the review rows with their input columns."""
    r = res.results
    labels = {t: tr(f"geo.match.{t}", lang) for t in (*MATCH_TYPES, "online")}
    full = table.copy()
    full[tr("geo.col.lon", lang)] = r["lon"].round(6).where(r["accepted"])
    full[tr("geo.col.lat", lang)] = r["lat"].round(6).where(r["accepted"])
    full[tr("geo.col.match_type", lang)] = r["match_type"].map(labels)
    full[tr("geo.col.confidence", lang)] = r["confidence"]
    full[tr("geo.col.matched_name", lang)] = r["matched"]
    full[tr("geo.col.note", lang)] = r["reason"]
    full[tr("geo.col.accepted", lang)] = r["accepted"].map(
        {True: tr("geo.accepted.yes", lang), False: tr("geo.accepted.no", lang)}
    )
    extra = res.review.drop(columns=[tr("geo.col.address", lang)])
    extra.columns = [tr("geo.col.review_suffix", lang, col=c) if c in table.columns else c for c in extra.columns]
    review = pd.concat([table.loc[res.review.index], extra], axis=1)
    return full, review


def geocode_file(
    path: str | Path,
    gazetteer: Gazetteer,
    *,
    column: str | None = None,
    out: str | Path | None = None,
    min_confidence: float = 0.6,
    sheet: str | int | None = None,
    lang: Lang = "zh",
) -> tuple[GeocodeResult, Path, Path]:
    """Geocode the address column of a CSV or XLSX file and write two tables.

    Writes ``<stem>_地理编码.csv`` (every input row with 经度, 纬度, 匹配类型,
    置信度, 匹配名称, 说明, 是否采用) and ``<stem>_地理编码待复核.csv`` (rows
    below ``min_confidence`` with their candidates); with ``lang="en"``
    ``<stem>_geocoded.csv`` and ``<stem>_geocode_review.csv`` with English headers.

    Parameters
    ----------
    path
        A ``.csv`` (any common Chinese encoding) or ``.xlsx`` file.
    gazetteer
        From :func:`~hutan_geo.geocode.build_gazetteer`.
    column
        The address column; found among :data:`ADDRESS_COLUMNS` when omitted.
    out
        Output folder (default: beside the file).
    min_confidence
        See :func:`geocode`.
    sheet
        Worksheet of an ``.xlsx`` file (the first by default).
    lang
        Language of the added headers, labels and file names (``"zh"`` or ``"en"``).

    Returns
    -------
    tuple
        ``(result, results_path, review_path)``.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    InputError
        Not a ``.csv``/``.xlsx`` file, or no address column.
    """
    lang = check_lang(lang)
    path = Path(path)
    table = _read_addresses(path, sheet)
    column = _address_column(table, column, path.name)
    res = geocode(gazetteer, table[column], min_confidence=min_confidence, lang=lang)
    full, review = _file_tables(table, res, lang)
    folder = Path(out) if out is not None else path.parent
    results_path = write_table(full, folder / tr("geo.file.results", lang, stem=path.stem))
    review_path = write_table(review, folder / tr("geo.file.review", lang, stem=path.stem))
    logger.info("geocode_file: %s", res.summary())
    return res, results_path, review_path
