"""Row checks of the validation: placing points, checking shapes, duplicates, windows, dates.

Each check records, per row position, the reasons to reject the row and the
notes on fixes applied in a :class:`RowLog`; :func:`rejected_frame` turns
the reasons into the table planners review. Texts come from
:data:`hutan_geo._i18n.LABELS` (``io.msg.*``, ``io.note.*``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import tr
from hutan_geo.model import crs as hcrs
from hutan_geo.model.schema import DEFAULT_WINDOWS, HAZARDS, SCHOOLS, STATUSES
from hutan_geo.model.schema import label as vocab_label

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd

    from hutan_geo.model.schema import DatasetSpec

__all__ = [
    "RowLog",
    "cell_codes",
    "check_duplicates",
    "check_shapes",
    "hazard_dates",
    "place_points",
    "rejected_frame",
    "school_windows",
]

_DATUM_NAMES = {"wgs84": "WGS84", "gcj02": "GCJ-02", "bd09": "BD-09", "cgcs2000": "CGCS2000"}
_GEOM_TYPES = {
    "point": ("Point",),
    "polygon": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
}


class RowLog:
    """Per-row reasons (rejections) and notes (fixes), keyed by row position.

    Parameters
    ----------
    lang
        Language of the texts recorded, ``"zh"`` or ``"en"``.

    Examples
    --------
    >>> rows = RowLog("en")
    >>> rows.reject(0, "经度", "half_coordinate")
    >>> rows.reasons[0]
    [('经度', 'half_coordinate', 'only one of 经度/纬度 is filled; fill the other')]
    >>> rows.note(1, "geometry_repaired")
    >>> rows.note_rows(np.array([0, 1]), "needs_geocoding")
    >>> rows.notes_text(np.array([0, 1]), 2).tolist()
    ['no coordinates: to be geocoded', 'invalid geometry repaired; no coordinates: to be geocoded']
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.reasons: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        self._notes: list[tuple[int | np.ndarray, str]] = []  # in the order made: one row, or many rows at once

    def reject(self, pos: int, column: str, code: str, **fields: Any) -> None:
        """Reject row ``pos`` for the reason ``code`` (a key ``io.msg.<code>``), blaming ``column``."""
        self.reasons[pos].append((column, code, tr(f"io.msg.{code}", self.lang, **fields)))

    def note(self, pos: int, code: str, **fields: Any) -> None:
        """Note on row ``pos`` a fix or default applied (a key ``io.note.<code>``)."""
        self._notes.append((pos, tr(f"io.note.{code}", self.lang, **fields)))

    def note_rows(self, positions: np.ndarray, code: str, **fields: Any) -> None:
        """Note the same fix on every row of ``positions`` (distinct positions); as :meth:`note` on each."""
        if len(positions):
            self._notes.append((np.asarray(positions, dtype=np.int64), tr(f"io.note.{code}", self.lang, **fields)))

    def notes_text(self, positions: np.ndarray, n: int) -> Any:
        """Return the notes of the rows at ``positions`` (of ``n`` rows), each row's joined by ``"; "``, as ``str``."""
        state = np.zeros(n, dtype=np.int64)  # index into texts of each row's notes so far
        texts = [""]
        index = {"": 0}

        def joined(old: int, text: str) -> int:
            new = f"{texts[old]}; {text}" if old else text
            if new not in index:
                index[new] = len(texts)
                texts.append(new)
            return index[new]

        for where, text in self._notes:
            if isinstance(where, np.ndarray):
                olds, inverse = np.unique(state[where], return_inverse=True)
                state[where] = np.array([joined(o, text) for o in olds.tolist()], dtype=np.int64)[inverse]
            else:
                state[where] = joined(int(state[where]), text)
        return pd.array(texts, dtype="str")[state[np.asarray(positions, dtype=np.int64)]]

    def is_bad(self, n: int) -> np.ndarray:
        """Return a mask of the ``n`` rows, True where a row has been rejected."""
        bad = np.zeros(n, dtype=bool)
        if self.reasons:
            bad[list(self.reasons)] = True
        return bad


def place_points(
    spec: DatasetSpec,
    parsed: dict[str, pd.Series],
    header_of: dict[str, str],
    geometry: gpd.GeoSeries | None,
    rows: RowLog,
    n: int,
    *,
    default_datum: str,
    allow_swap: bool,
    region: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Place every row of a point dataset in WGS84; return ``(geometries, needs_geocoding)``.

    Coordinates come from the 经度/纬度 columns, else a coordinate-pair column,
    else the file's geometry. Rows with half a coordinate, none (and no
    address to geocode where the spec allows it), swapped or out-of-range
    coordinates are rejected; GCJ-02 and BD-09 coordinates are converted.
    """
    # rows whose coordinate cells could not be parsed are already rejected for it
    location_headers = {header_of[c] for c in ("lon", "lat", "coordinates") if c in header_of}
    bad_cell = np.zeros(n, dtype=bool)
    for pos, found in rows.reasons.items():
        bad_cell[pos] = any(column in location_headers for column, _, _ in found)
    lon, lat = _gather_lonlat(parsed, geometry, rows, n)
    lon_label = header_of.get("lon", header_of.get("coordinates", "经度"))
    datum_codes = np.full(n, default_datum, dtype=object)
    if "datum" in parsed:
        given = parsed["datum"].to_numpy(dtype=object)
        has = pd.notna(given)
        datum_codes[has] = given[has]
    has_lon, has_lat = ~np.isnan(lon), ~np.isnan(lat)
    for pos in np.flatnonzero((has_lon ^ has_lat) & ~bad_cell):
        rows.reject(int(pos), lon_label, "half_coordinate")
    needs_geocoding = _unplaced(spec, parsed, rows, ~has_lon & ~has_lat & ~bad_cell, lon_label)
    both = has_lon & has_lat
    _check_lonlat(lon, lat, both, rows, lon_label, allow_swap=allow_swap, region=region)
    placed = both & ~np.isin(np.arange(n), list(rows.reasons))
    for code in ("gcj02", "bd09"):
        sel = placed & (datum_codes == code)
        if sel.any():
            lon[sel], lat[sel] = hcrs.to_wgs84(lon[sel], lat[sel], code)
            rows.note_rows(np.flatnonzero(sel), "datum_converted", datum=_DATUM_NAMES[code])
    geoms = np.full(n, None, dtype=object)
    geoms[placed] = shapely.points(lon[placed], lat[placed])
    return geoms, needs_geocoding


def _gather_lonlat(
    parsed: dict[str, pd.Series], geometry: gpd.GeoSeries | None, rows: RowLog, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return longitude and latitude (NaN where unknown) from the columns, the pair column, then the geometry."""
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
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
                    expected=tr("io.geom.point", rows.lang),
                    got=geometry.iloc[pos].geom_type,
                )
            centroids = pts.representative_point()
            lon[take] = centroids.x.to_numpy()
            lat[take] = centroids.y.to_numpy()
    return lon, lat


def _unplaced(
    spec: DatasetSpec, parsed: dict[str, pd.Series], rows: RowLog, none: np.ndarray, lon_label: str
) -> np.ndarray:
    """Flag rows without coordinates but with an address for geocoding (if allowed); reject the others."""
    needs_geocoding = np.zeros(len(none), dtype=bool)
    has_address = parsed["address"].notna().to_numpy() if "address" in parsed else np.zeros(len(none), dtype=bool)
    if spec.address_fallback:
        geocode = np.flatnonzero(none & has_address)
        needs_geocoding[geocode] = True
        rows.note_rows(geocode, "needs_geocoding")
    for pos in np.flatnonzero(none & ~needs_geocoding):
        rows.reject(int(pos), lon_label, "no_location" if spec.address_fallback else "no_coordinates")
    return needs_geocoding


def _check_lonlat(
    lon: np.ndarray,
    lat: np.ndarray,
    both: np.ndarray,
    rows: RowLog,
    lon_label: str,
    *,
    allow_swap: bool,
    region: str,
) -> None:
    """Swap back (or reject) swapped coordinates; reject (0, 0), out-of-range and (for China) foreign ones."""
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


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def check_shapes(
    spec: DatasetSpec,
    geometry: gpd.GeoSeries,
    rows: RowLog,
    n: int,
    *,
    default_datum: str,
    region: str,
) -> np.ndarray:
    """Check the shapes of a polygon or line dataset; return them repaired and in WGS84.

    Empty and wrong-type geometries and shapes outside China (or outside the
    world's range) are rejected; invalid ones are repaired and GCJ-02/BD-09
    shapes converted (both noted).
    """
    geoms = geometry.to_numpy().copy()
    allowed = _GEOM_TYPES[spec.geometry]
    name = tr(f"io.geom.{spec.geometry}", rows.lang)
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


def check_duplicates(
    spec: DatasetSpec,
    parsed: dict[str, pd.Series],
    header_of: dict[str, str],
    cells: Sequence[np.ndarray],
    geometry: gpd.GeoSeries | None,
    rows: RowLog,
    numbers: np.ndarray,
    *,
    label: str,
    id_codes: np.ndarray | None = None,
) -> None:
    """Reject rows entered twice (all cells and geometry equal: the first is kept) and differing rows sharing an id.

    ``cells`` holds, per column, a code per row that is equal exactly where
    the cells are equal (missing cells -1); ``label`` names the column blamed
    for a repeated row when there is no id column; ``id_codes`` codes the
    parsed ids the same way (computed from ``parsed`` when not given).
    """
    n = len(numbers)
    if n < 2:
        return
    repeat = np.zeros(n, dtype=bool)
    if not any(_all_distinct(codes) for codes in cells):  # else no two rows can be equal
        first = _first_equal_row(list(cells), geometry, n)
        repeat = first != np.arange(n)
        label_col = header_of.get(spec.id_column or "", label)
        for pos in np.flatnonzero(repeat):
            rows.reject(int(pos), label_col, "exact_duplicate", row=int(numbers[first[pos]]))
    if spec.id_column is None or spec.id_column not in parsed:
        return
    ids = parsed[spec.id_column]
    if id_codes is None:
        id_codes = pd.factorize(ids)[0]
    present = ~repeat & (id_codes >= 0)
    if not present.any():
        return
    counts = np.bincount(id_codes[present], minlength=int(id_codes.max()) + 1)
    dup = present & (counts[np.maximum(id_codes, 0)] > 1)
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


def _all_distinct(codes: np.ndarray) -> bool:
    """Return whether every cell is filled (code >= 0) and differs from every other."""
    if len(codes) == 0 or int(codes.min()) < 0 or int(codes.max()) < len(codes) - 1:
        return False
    return int(np.bincount(codes).max()) == 1


def _first_equal_row(keys: list[np.ndarray], geometry: gpd.GeoSeries | None, n: int) -> np.ndarray:
    """Return, for each row, the first row with the same codes in every column (and the same geometry)."""
    if geometry is not None:
        keys.append(pd.factorize(np.array([g.wkb_hex if g is not None else "" for g in geometry], dtype=object))[0])
    row_key, bound = np.zeros(n, dtype=np.int64), 1
    for codes in keys:  # one number per distinct row so far, refactorised before it could overflow
        width = int(codes.max()) + 2
        if bound * width >= 2**62:
            row_key = pd.factorize(row_key)[0]
            bound = int(row_key.max()) + 1
        row_key = row_key * width + (codes + 1)
        bound *= width
    row_key = pd.factorize(row_key)[0]
    return np.unique(row_key, return_index=True)[1][row_key]


def cell_codes(column: pd.Series, codes: np.ndarray, uniques: np.ndarray) -> np.ndarray:
    """Return a code per cell, equal exactly where the cells are (missing cells -1), for :func:`check_duplicates`.

    ``codes`` and ``uniques`` factorise ``column``; they are the answer when
    every distinct value is text. Other values (numbers, mixed types) are
    compared through :func:`pandas.util.hash_pandas_object`, as rows are.

    Examples
    --------
    >>> column = pd.Series(["a", None, "a"], dtype=object)
    >>> codes, uniques = pd.factorize(column)
    >>> cell_codes(column, codes, np.asarray(uniques, dtype=object)).tolist()
    [0, -1, 0]
    """
    if pd.api.types.infer_dtype(uniques, skipna=False) in ("string", "empty"):
        return codes
    return pd.factorize(pd.util.hash_pandas_object(column, index=False).to_numpy())[0]


def school_windows(parsed: dict[str, pd.Series], rows: RowLog, n: int, lang: str) -> None:
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
                    rows.note(pos, "window_default", col=col.header(lang))
        parsed[name] = pd.Series(values, dtype=object)


_DATE_CHAIN = ("found_date", "consolidated_date", "assigned_date", "rectified_date", "closed_date")
_STATUS_OF_DATE = dict(zip(_DATE_CHAIN, STATUSES.codes, strict=True))
_DATE_OF_STATUS = {status: date for date, status in _STATUS_OF_DATE.items()}


def hazard_dates(parsed: dict[str, pd.Series], rows: RowLog, n: int, lang: str) -> None:
    """Note dates out of order and statuses without their date; infer empty statuses."""

    def label_of(name: str) -> str:
        return HAZARDS.column(name).header(lang)

    dates = {
        name: pd.to_datetime(parsed[name], errors="coerce").to_numpy(dtype="datetime64[ns]")
        for name in _DATE_CHAIN
        if name in parsed
    }
    last_value = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    last_name = np.full(n, None, dtype=object)
    for name, value in dates.items():
        has = ~np.isnat(value)
        early = has & ~np.isnat(last_value) & (value < last_value)
        for earlier in dict.fromkeys(last_name[early].tolist()):
            rows.note_rows(
                np.flatnonzero(early & (last_name == earlier)),
                "dates_out_of_order",
                later=label_of(name),
                earlier=label_of(earlier),
            )
        last_value = np.where(has, value, last_value)
        last_name = np.where(has, name, last_name)
    statuses = parsed.get("status", pd.Series([None] * n, dtype=object)).to_numpy(dtype=object, copy=True)
    missing = np.flatnonzero(pd.isna(statuses))
    if missing.size:
        inferred = np.array([_STATUS_OF_DATE.get(d, "found") for d in last_name[missing].tolist()], dtype=object)
        statuses[missing] = inferred
        for status in dict.fromkeys(inferred.tolist()):
            label = vocab_label(STATUSES, status, lang)
            rows.note_rows(missing[inferred == status], "status_inferred", status=label)
    for status, needed in _DATE_OF_STATUS.items():
        if needed == "found_date" or needed not in dates:
            continue
        positions = np.flatnonzero((statuses == status) & np.isnat(dates[needed]))
        rows.note_rows(positions, "status_dates", status=vocab_label(STATUSES, status, lang), col=label_of(needed))
    if missing.size or "status" not in parsed:
        parsed["status"] = pd.Series(statuses, dtype=object)


def rejected_frame(
    frame: pd.DataFrame,
    rows: RowLog,
    numbers: np.ndarray,
    source: str,
    headers: list[str],
    lang: str,
) -> pd.DataFrame:
    """Return the rejected rows: where they come from, the columns at fault, the reasons, and the raw cells."""
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
                [tr("io.reason_sep", lang).join(m for _, _, m in rows.reasons[p]) for p in positions],
                dtype="str",
            ),
        }
    )
    raw = frame.iloc[positions].reset_index(drop=True).astype(object)  # text columns map to text as objects do
    raw = raw.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    clash = [h for h in headers if h in meta.columns]
    raw = raw.rename(columns={h: f"raw:{h}" for h in clash})
    return pd.concat([meta, raw], axis=1)
