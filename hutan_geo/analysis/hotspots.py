"""Where hazards cluster: DBSCAN clusters, a kernel-density surface, Getis-Ord Gi* hot spots.

All three work in metres in a metric CRS (the hazards' own when projected in
metres, ``metric_crs`` when given, otherwise the local UTM zone: the same
documented automatic projection as :mod:`hutan_geo.analysis.sites`). Hazards without
a location are skipped and listed in each result's ``skipped`` table.

- :func:`dbscan_clusters`: scikit-learn's DBSCAN with ``eps_m`` in metres;
  each cluster gets a polygon (its convex hull grown by ``eps_m / 2``),
  counts by category and open status, and optionally its nearest school.
- :func:`kernel_density`: a Gaussian kernel density on a grid in metres
  (points binned to the grid, then smoothed: exact up to half a cell),
  in hazards per km², so that the surface integrates to the number of
  hazards; returned as an array with its affine transform.
- :func:`getis_ord`: the Gi* statistic (esda, libpysal distance-band
  weights) on hazard counts in grid cells. Refused on fewer than
  ``min_points`` hazards (default 30): below that, "hot spots" are noise.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo._i18n import LABELS
from hutan_geo.analysis.hazards import CLOSED_STATUSES, split_placed
from hutan_geo.analysis.proximity import nearest_site
from hutan_geo.errors import InputError, InsufficientDataError
from hutan_geo.model.frames import metric_frame
from hutan_geo.model.schema import CATEGORIES

if TYPE_CHECKING:
    from hutan_geo.analysis.sites import SchoolSites

__all__ = [
    "HOTSPOT_LABELS",
    "Clusters",
    "DensitySurface",
    "HotspotGrid",
    "dbscan_clusters",
    "getis_ord",
    "kernel_density",
]

log = logging.getLogger("hutan_geo")


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        msg = f"{name} must be a number of metres > 0; got {value!r}"
        raise InputError(msg)
    if not math.isfinite(value) or value <= 0:
        msg = f"{name} must be a number of metres > 0; got {value!r}"
        raise InputError(msg)
    return float(value)


def _placed_metric(
    hazards: gpd.GeoDataFrame, metric_crs: pyproj.CRS | str | int | None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pyproj.CRS | None]:
    placed, skipped = split_placed(hazards)
    if len(placed):
        placed = metric_frame(
            placed, None if metric_crs is None else pyproj.CRS.from_user_input(metric_crs), name="hazards"
        )
        return placed, skipped, placed.crs
    # nothing placed: keep the CRS asked for (or the hazards' own when metric); none otherwise
    if metric_crs is not None:
        crs = pyproj.CRS.from_user_input(metric_crs)
    elif placed.crs is not None and placed.crs.is_projected:
        crs = placed.crs
    else:
        return placed, skipped, None
    return placed.set_crs(crs, allow_override=True), skipped, crs


def _require_sklearn() -> Any:
    try:
        from sklearn.cluster import DBSCAN
    except ImportError as exc:  # pragma: no cover - a dependency
        msg = "DBSCAN needs scikit-learn: pip install 'scikit-learn>=1.4'"
        raise ImportError(msg) from exc
    return DBSCAN


def _weights(placed: gpd.GeoDataFrame, weight_column: str | None, *, fill_missing: bool) -> np.ndarray:
    """Return each placed hazard's weight: 1, or its number in ``weight_column`` (missing: 0, or refused)."""
    if weight_column is None:
        return np.ones(len(placed))
    if weight_column not in placed.columns:
        msg = f"weight_column={weight_column!r} is not a hazard column; columns: {list(placed.columns)}"
        raise InputError(msg)
    values = pd.to_numeric(placed[weight_column], errors="coerce")
    if fill_missing:
        return values.fillna(0.0).to_numpy(float)
    w = values.to_numpy(float)
    if np.isnan(w).any() or (w < 0).any():
        msg = f"weight_column={weight_column!r} must hold numbers >= 0 in every placed row"
        raise InputError(msg)
    return w


def _grid_shape(x0: float, y0: float, x1: float, y1: float, cell_m: float) -> tuple[int, int, float]:
    """Return the rows and columns of ``cell_m`` squares covering a box (at least one each) and the grid's top."""
    cols = max(1, math.ceil((x1 - x0) / cell_m))
    rows = max(1, math.ceil((y1 - y0) / cell_m))
    return rows, cols, y0 + rows * cell_m


# --------------------------------------------------------------------------- DBSCAN


@dataclass(frozen=True)
class Clusters:
    """DBSCAN clusters of hazards.

    Attributes
    ----------
    hazards
        The placed hazards (metric CRS) with ``cluster``: 0, 1, ... by
        decreasing size, -1 for noise (not in any cluster).
    clusters
        One row per cluster: ``cluster``, ``n_hazards``, ``n_open``,
        ``main_category``, ``cat_<category>``, ``centroid_x``, ``centroid_y``,
        with sites also ``nearest_school_id``, ``nearest_school_name``,
        ``nearest_school_dist_m`` (from the cluster centroid); geometry: the
        convex hull of its hazards grown by ``eps_m / 2``.
    skipped
        Hazards without a location.
    eps_m, min_samples
        The DBSCAN parameters.
    """

    hazards: gpd.GeoDataFrame
    clusters: gpd.GeoDataFrame
    skipped: pd.DataFrame
    eps_m: float
    min_samples: int


def dbscan_clusters(
    hazards: gpd.GeoDataFrame,
    *,
    eps_m: float = 100.0,
    min_samples: int = 5,
    sites: SchoolSites | None = None,
    metric_crs: pyproj.CRS | str | int | None = None,
) -> Clusters:
    """Cluster hazards with DBSCAN in metres.

    A cluster is a set of at least ``min_samples`` hazards each within
    ``eps_m`` of another member (DBSCAN core points and their neighbours).

    Parameters
    ----------
    hazards
        Hazard points, any CRS (projected to ``sites.crs``, ``metric_crs``,
        or their local UTM zone).
    eps_m
        Neighbourhood radius in metres.
    min_samples
        Hazards (including itself) within ``eps_m`` that make a core point.
    sites
        When given, each cluster gets its nearest school.
    metric_crs
        The metric CRS (ignored when ``sites`` is given: its CRS is used).

    Examples
    --------
    >>> pts = [shapely.Point(500000 + dx, 3000000) for dx in (0, 10, 20, 30, 40)] + [shapely.Point(510000, 3000000)]
    >>> hz = gpd.GeoDataFrame({"hazard_id": [f"H{i}" for i in range(6)], "category": ["traffic"] * 6},
    ...     geometry=pts, crs=32649)
    >>> dbscan_clusters(hz, eps_m=15, min_samples=3).hazards["cluster"].tolist()
    [0, 0, 0, 0, 0, -1]
    """
    eps_m = _positive(eps_m, "eps_m")
    if isinstance(min_samples, bool) or not isinstance(min_samples, (int, np.integer)) or min_samples < 1:
        msg = f"min_samples must be an integer >= 1; got {min_samples!r}"
        raise InputError(msg)
    placed, skipped, crs = _placed_metric(hazards, sites.crs if sites is not None else metric_crs)
    n = len(placed)
    labels = np.full(n, -1, dtype=np.int64)
    if n:
        xy = shapely.get_coordinates(placed.geometry.to_numpy())
        raw = _require_sklearn()(eps=eps_m, min_samples=int(min_samples)).fit_predict(xy)
        ids, first, sizes = np.unique(raw[raw >= 0], return_index=True, return_counts=True)
        order = np.lexsort((first, -sizes))  # biggest first, then order of appearance
        relabel = np.full(int(raw.max()) + 2 if len(ids) else 1, -1, dtype=np.int64)
        relabel[ids[order]] = np.arange(len(ids))
        labels = np.where(raw >= 0, relabel[np.maximum(raw, 0)], -1)
    points = placed.assign(cluster=labels)
    k = int(labels.max()) + 1 if n else 0
    members = labels >= 0
    lab = labels[members]
    geoms = placed.geometry.to_numpy()[members]
    rows: dict[str, Any] = {"cluster": np.arange(k)}
    rows["n_hazards"] = np.bincount(lab, minlength=k)
    status = placed["status"].to_numpy()[members] if "status" in placed else np.full(len(lab), None)
    rows["n_open"] = np.bincount(lab[~np.isin(status, CLOSED_STATUSES)], minlength=k)
    cat = placed["category"].to_numpy()[members]
    counts = np.vstack([np.bincount(lab[cat == c], minlength=k) for c in CATEGORIES.codes]) if k else np.zeros((5, 0))
    rows["main_category"] = [CATEGORIES.codes[j] for j in counts.argmax(axis=0)] if k else []
    for j, code in enumerate(CATEGORIES.codes):
        rows[f"cat_{code}"] = counts[j].astype(int)
    hulls = np.empty(k, dtype=object)
    cx, cy = np.zeros(k), np.zeros(k)
    if k:
        xy = shapely.get_coordinates(geoms)
        for c in range(k):
            sel = lab == c
            hulls[c] = shapely.buffer(shapely.convex_hull(shapely.multipoints(xy[sel])), eps_m / 2)
            cx[c], cy[c] = xy[sel, 0].mean(), xy[sel, 1].mean()
    rows["centroid_x"], rows["centroid_y"] = cx, cy
    table = gpd.GeoDataFrame(rows, geometry=hulls if k else [], crs=crs)
    if sites is not None:
        pos, dist = nearest_site(shapely.points(cx, cy) if k else np.empty(0, dtype=object), sites, None)
        ok = pos >= 0
        take = np.where(ok, pos, 0)
        table["nearest_school_id"] = np.where(ok, sites.schools["school_id"].to_numpy()[take], None) if k else []
        table["nearest_school_name"] = np.where(ok, sites.schools["name"].to_numpy()[take], None) if k else []
        table["nearest_school_dist_m"] = dist
    log.info("DBSCAN (eps %.0f m, min_samples %d): %d clusters, %d noise", eps_m, min_samples, k, int((~members).sum()))
    return Clusters(points, table, skipped, eps_m, int(min_samples))


# --------------------------------------------------------------------------- kernel density


@dataclass(frozen=True)
class DensitySurface:
    """A hazard density raster in a metric CRS.

    Attributes
    ----------
    values
        Density in hazards (or weight units) per km², shape ``(rows, cols)``,
        row 0 at the north edge.
    transform
        Affine transform in rasterio/affine order ``(a, b, c, d, e, f)``:
        ``x = a * col + b * row + c``, ``y = d * col + e * row + f`` for the
        cell's top-left corner (``a = cell_m``, ``e = -cell_m``). The GDAL
        geotransform is ``(c, a, b, f, d, e)``.
    crs
        The metric CRS (None for an empty surface of geographic hazards
        without ``metric_crs``).
    cell_m, bandwidth_m
        Cell size and Gaussian kernel standard deviation, metres.
    n_points
        Hazards (sum of weights) in the surface.
    skipped
        Hazards without a location.
    """

    values: np.ndarray
    transform: tuple[float, float, float, float, float, float]
    crs: pyproj.CRS | None
    cell_m: float
    bandwidth_m: float
    n_points: float
    skipped: pd.DataFrame

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the grid in metres."""
        a, _, c, _, e, f = self.transform
        rows, cols = self.values.shape
        return (c, f + e * rows, c + a * cols, f)

    def total(self) -> float:
        """Return the integral of the surface: hazards (weights), close to ``n_points``."""
        return float(self.values.sum() * self.cell_m**2 / 1e6)

    def to_geodataframe(self, *, min_value: float = 0.0) -> gpd.GeoDataFrame:
        """Cells with density above ``min_value`` as squares (``row``, ``col``, ``density_per_km2``).

        Examples
        --------
        >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"]},
        ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
        >>> cells = kernel_density(hz, cell_m=20, bandwidth_m=50).to_geodataframe(min_value=1.0)
        >>> cells.crs.to_epsg(), len(cells) > 0
        (32649, True)
        """
        rows, cols = np.nonzero(self.values > min_value)
        a, _, c, _, e, f = self.transform
        x0 = c + a * cols
        y1 = f + e * rows
        boxes = shapely.box(x0, y1 + e, x0 + a, y1)
        return gpd.GeoDataFrame(
            {"row": rows, "col": cols, "density_per_km2": self.values[rows, cols]}, geometry=boxes, crs=self.crs
        )


def kernel_density(
    hazards: gpd.GeoDataFrame,
    *,
    cell_m: float = 50.0,
    bandwidth_m: float | Literal["scott"] = 150.0,
    weight_column: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    metric_crs: pyproj.CRS | str | int | None = None,
    max_cells: int = 4_000_000,
) -> DensitySurface:
    """Compute a Gaussian kernel-density surface of hazards, in hazards per km².

    The points are binned to a grid of ``cell_m`` metres and smoothed with a
    Gaussian of standard deviation ``bandwidth_m`` (``scipy.ndimage``,
    truncated at 4 standard deviations). The grid covers the hazards' extent
    plus 4 bandwidths on every side, so the surface integrates to the number
    of hazards (``DensitySurface.total()``) up to the mass beyond 4 bandwidths
    (< 0.01 %).

    Parameters
    ----------
    hazards
        Hazard points, any CRS.
    cell_m
        Grid cell size in metres.
    bandwidth_m
        Kernel standard deviation in metres (default 150 m: school-zone
        scale), or ``"scott"``: Scott's rule ``n ** (-1/6)`` times the mean
        standard deviation of the coordinates (a county-scale smoothing).
    weight_column
        A numeric column to weight hazards by (default: each hazard 1).
    bounds
        ``(xmin, ymin, xmax, ymax)`` in the metric CRS, to fix the grid
        (e.g. to compare two rounds); mass outside it is lost.
    metric_crs
        The metric CRS.
    max_cells
        Refuse grids larger than this (raise ``cell_m`` or pass ``bounds``).

    Raises
    ------
    InsufficientDataError
        No placed hazard and no ``bounds``.

    Examples
    --------
    >>> pts = [shapely.Point(500000 + 37 * i, 3000000 + 11 * i) for i in range(10)]
    >>> hz = gpd.GeoDataFrame({"hazard_id": list("ABCDEFGHIJ"), "category": ["traffic"] * 10}, geometry=pts, crs=32649)
    >>> round(kernel_density(hz, cell_m=25, bandwidth_m=100).total(), 3)
    10.0
    """
    from scipy import ndimage

    cell_m = _positive(cell_m, "cell_m")
    placed, skipped, crs = _placed_metric(hazards, metric_crs)
    xy = shapely.get_coordinates(placed.geometry.to_numpy()) if len(placed) else np.empty((0, 2))
    w = _weights(placed, weight_column, fill_missing=False)
    if bandwidth_m == "scott":
        if len(xy) < 2:
            msg = "bandwidth_m='scott' needs at least 2 placed hazards; give bandwidth_m in metres"
            raise InsufficientDataError(msg)
        sd = float(np.sqrt((xy[:, 0].var(ddof=1) + xy[:, 1].var(ddof=1)) / 2))
        bw = max(sd * len(xy) ** (-1 / 6), cell_m)
    else:
        bw = _positive(bandwidth_m, "bandwidth_m")
    if bounds is None:
        if len(xy) == 0:
            msg = (
                f"no placed hazard to draw a density of ({len(skipped)} without location); "
                "pass bounds=(xmin, ymin, xmax, ymax) for an empty surface"
            )
            raise InsufficientDataError(msg)
        pad = 4 * bw
        x0, y0 = xy.min(axis=0) - pad
        x1, y1 = xy.max(axis=0) + pad
    else:
        x0, y0, x1, y1 = (float(v) for v in bounds)
        if not (x1 > x0 and y1 > y0):
            msg = f"bounds must be (xmin, ymin, xmax, ymax) with xmax > xmin and ymax > ymin; got {bounds!r}"
            raise InputError(msg)
    rows, cols, top = _grid_shape(x0, y0, x1, y1, cell_m)
    if rows * cols > max_cells:
        msg = (
            f"the density grid would have {rows} x {cols} = {rows * cols:,} cells of {cell_m:g} m, more than "
            f"max_cells={max_cells:,}; raise cell_m (e.g. {cell_m * math.ceil(math.sqrt(rows * cols / max_cells)):g}) "
            "or pass bounds= around the area of interest"
        )
        raise InputError(msg)
    col = np.floor((xy[:, 0] - x0) / cell_m).astype(np.int64)
    row = np.floor((top - xy[:, 1]) / cell_m).astype(np.int64)
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    grid = np.zeros(rows * cols)
    np.add.at(grid, row[inside] * cols + col[inside], w[inside])
    grid = grid.reshape(rows, cols)
    smooth = ndimage.gaussian_filter(grid, sigma=bw / cell_m, mode="constant", truncate=4.0)
    values = smooth / (cell_m**2 / 1e6)
    transform = (cell_m, 0.0, float(x0), 0.0, -cell_m, float(top))
    return DensitySurface(values, transform, crs, cell_m, float(bw), float(w.sum()), skipped)


# --------------------------------------------------------------------------- Getis-Ord Gi*

#: Gi* classes by z-score threshold: hot spots at or above, cold spots at or below.
_HOT_CLASSES: tuple[tuple[str, float], ...] = (
    ("hot_99", 2.576),
    ("hot_95", 1.960),
    ("hot_90", 1.645),
    ("cold_99", -2.576),
    ("cold_95", -1.960),
    ("cold_90", -1.645),
)
#: Label (Chinese, English) of each ``hotspot`` class (from ``an.hot.<class>`` in :data:`hutan_geo._i18n.LABELS`).
HOTSPOT_LABELS: dict[str, tuple[str, str]] = {
    code: LABELS[f"an.hot.{code}"] for code in (*(c for c, _ in _HOT_CLASSES), "not_significant")
}


def _count_cells(
    xy: np.ndarray,
    w: np.ndarray,
    bounds: tuple[float, float, float, float],
    cell_m: float,
    *,
    region: Any,
    max_cells: int,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Return the Gi* grid's cells: ``row``, ``col``, ``count``, ``value``; their squares; their centres.

    The grid of ``cell_m`` squares covers ``bounds``; only cells meeting
    ``region`` (when given) are kept. Points outside the grid count in the
    nearest edge cell.
    """
    x0, y0, x1, y1 = bounds
    rows, cols, top = _grid_shape(x0, y0, x1, y1, cell_m)
    if rows * cols > max_cells:
        msg = (
            f"the Gi* grid would have {rows * cols:,} cells of {cell_m:g} m, more than max_cells={max_cells:,}; "
            "raise cell_m or pass area= (e.g. one township)"
        )
        raise InputError(msg)
    rr, cc = np.divmod(np.arange(rows * cols), cols)
    boxes = shapely.box(x0 + cc * cell_m, top - (rr + 1) * cell_m, x0 + (cc + 1) * cell_m, top - rr * cell_m)
    keep = np.ones(len(boxes), bool) if region is None else shapely.intersects(boxes, region)
    col = np.clip(np.floor((xy[:, 0] - x0) / cell_m).astype(np.int64), 0, cols - 1)
    row = np.clip(np.floor((top - xy[:, 1]) / cell_m).astype(np.int64), 0, rows - 1)
    flat = row * cols + col
    counts = np.bincount(flat, minlength=rows * cols)
    values = np.bincount(flat, weights=w, minlength=rows * cols)
    idx = np.flatnonzero(keep)
    if len(idx) < 30:
        msg = f"Gi* needs a grid of at least 30 cells; got {len(idx)} cells of {cell_m:g} m: lower cell_m"
        raise InsufficientDataError(msg)
    centres = np.column_stack([x0 + (cc[idx] + 0.5) * cell_m, top - (rr[idx] + 0.5) * cell_m])
    table = {"row": rr[idx], "col": cc[idx], "count": counts[idx], "value": values[idx]}
    return table, boxes[idx], centres


def _gi_star(
    y: np.ndarray, centres: np.ndarray, band: float, *, permutations: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return Gi* z-scores and permutation p-values of cell values, neighbours within ``band`` (binary)."""
    from esda.getisord import G_Local
    from libpysal.weights import DistanceBand

    weights = DistanceBand(centres, threshold=band * (1 + 1e-9), binary=True, silence_warnings=True)
    with warnings.catch_warnings():
        # esda announces a future change of the permutation test's default alternative
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        gi = G_Local(y, weights, transform="B", star=True, permutations=permutations, seed=seed, n_jobs=1)
    p_sim = np.asarray(gi.p_sim, dtype=float) if permutations else np.full(len(y), np.nan)
    return np.asarray(gi.Zs, dtype=float), p_sim


def _classify(z: np.ndarray) -> np.ndarray:
    """Return the ``hotspot`` class of each z-score (the most confident class it reaches)."""
    hotspot = np.full(len(z), "not_significant", dtype=object)
    for code, threshold in reversed(_HOT_CLASSES[:3]):
        hotspot[z >= threshold] = code
    for code, threshold in reversed(_HOT_CLASSES[3:]):
        hotspot[z <= threshold] = code
    return hotspot


@dataclass(frozen=True)
class HotspotGrid:
    """Getis-Ord Gi* on hazard counts per grid cell.

    Attributes
    ----------
    cells
        One row per grid cell (metric CRS squares): ``row``, ``col``,
        ``count`` (hazards in the cell), ``value`` (the analysed value:
        count or weight sum), ``gi_z`` (the Gi* z-score), ``p_value``
        (two-sided, normal approximation), ``p_sim`` (permutation p-value,
        only with ``permutations > 0``), ``hotspot`` (``hot_99``, ``hot_95``,
        ``hot_90``, ``cold_*`` or ``not_significant``, from ``gi_z``).
    skipped
        Hazards without a location.
    cell_m, band_m
        Cell size and the distance band of the weights (cell centres within
        ``band_m`` are neighbours; each cell is its own neighbour: Gi*).
    n_points
        Placed hazards used.
    """

    cells: gpd.GeoDataFrame
    skipped: pd.DataFrame
    cell_m: float
    band_m: float
    n_points: int


def getis_ord(
    hazards: gpd.GeoDataFrame,
    *,
    cell_m: float = 250.0,
    band_m: float | None = None,
    weight_column: str | None = None,
    area: gpd.GeoDataFrame | None = None,
    min_points: int = 30,
    permutations: int = 0,
    seed: int = 20261129,
    metric_crs: pyproj.CRS | str | int | None = None,
    max_cells: int = 100_000,
) -> HotspotGrid:
    """Find statistically significant hot and cold spots of hazards (Getis-Ord Gi*).

    Hazards are counted in square cells of ``cell_m`` (empty cells count as
    0: they are the contrast); Gi* compares each cell's neighbourhood
    (cells within ``band_m``, itself included, binary weights) with the
    whole grid. ``gi_z`` above 1.96 is a hot spot at 95 %. No correction for
    multiple testing is applied; read 90 % classes with care.

    Gi* is only meaningful with enough points and cells: it is refused on
    fewer than ``min_points`` placed hazards (default 30), on fewer than 30
    cells, or when every cell holds the same value.

    Parameters
    ----------
    hazards
        Hazard points, any CRS.
    cell_m
        Grid cell size in metres.
    band_m
        Neighbourhood distance between cell centres (default ``3 * cell_m``);
        must be at least ``cell_m``.
    weight_column
        A numeric column to sum per cell instead of counting.
    area
        Polygons of the study area (e.g. the district): only cells that
        intersect it are analysed. Default: the hazards' extent plus one cell.
    min_points
        Minimum placed hazards.
    permutations
        Conditional permutations for ``p_sim`` (0: analytic z only).
    seed
        Seed of the permutations.
    metric_crs
        The metric CRS.
    max_cells
        Refuse larger grids (raise ``cell_m`` or pass ``area``).

    Raises
    ------
    InsufficientDataError
        Too few hazards or cells, or no variation.

    Examples
    --------
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> getis_ord(hz)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hutan_geo.errors.InsufficientDataError: Getis-Ord Gi* needs at least 30 placed hazards ... got 1 ...
    """
    from scipy.stats import norm

    cell_m = _positive(cell_m, "cell_m")
    band = 3 * cell_m if band_m is None else _positive(band_m, "band_m")
    if band < cell_m:
        msg = f"band_m ({band:g}) must be at least cell_m ({cell_m:g}) so that each cell has neighbours"
        raise InputError(msg)
    placed, skipped, crs = _placed_metric(hazards, metric_crs)
    if len(placed) < min_points:
        msg = (
            f"Getis-Ord Gi* needs at least {min_points} placed hazards to tell clustering from chance; "
            f"got {len(placed)} ({len(skipped)} more without location). Use dbscan_clusters or "
            "kernel_density instead, or lower min_points at your own risk"
        )
        raise InsufficientDataError(msg)
    xy = shapely.get_coordinates(placed.geometry.to_numpy())
    w = _weights(placed, weight_column, fill_missing=True)
    if area is not None:
        region = metric_frame(area, crs, name="area")
        x0, y0, x1, y1 = region.total_bounds
    else:
        x0, y0 = xy.min(axis=0) - cell_m
        x1, y1 = xy.max(axis=0) + cell_m
    region_geom = None if area is None else shapely.union_all(region.geometry.to_numpy())
    table, boxes, centres = _count_cells(xy, w, (x0, y0, x1, y1), cell_m, region=region_geom, max_cells=max_cells)
    y = table["value"]
    if np.ptp(y) == 0:
        msg = "every cell holds the same value: there is no clustering for Gi* to measure"
        raise InsufficientDataError(msg)
    z, p_sim = _gi_star(y, centres, band, permutations=permutations, seed=seed)
    table["gi_z"] = z
    table["p_value"] = 2 * norm.sf(np.abs(z))
    table["p_sim"] = p_sim if permutations else np.nan
    table["hotspot"] = _classify(z)
    return HotspotGrid(gpd.GeoDataFrame(table, geometry=boxes, crs=crs), skipped, cell_m, band, len(placed))
