"""One way to check a (Geo)DataFrame handed to the package and to project it for distances.

Every public entry point that takes a frame calls :func:`check_frame` (type,
CRS present and plausible, required columns, geometry type) and, before any
distance or area, :func:`metric_frame` (a local UTM zone chosen once). Nothing
in the package measures in degrees.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Literal

import geopandas as gpd
import pyproj
import shapely

from hutan_geo.errors import CRSError, InputError, MissingColumnsError
from hutan_geo.model import crs as hcrs

__all__ = ["check_crs", "check_frame", "check_metric_crs", "is_metric", "metric_frame", "placed"]

log = logging.getLogger("hutan_geo")

GeometryKind = Literal["point", "line", "polygon"]
_TYPE_IDS = {"point": {0}, "line": {1, 2, 5}, "polygon": {3, 6}}


def is_metric(crs: pyproj.CRS) -> bool:
    """Tell whether ``crs`` is projected with both axes in metres.

    Examples
    --------
    >>> is_metric(pyproj.CRS(32649)), is_metric(pyproj.CRS(4326))
    (True, False)
    """
    if not crs.is_projected:
        return False
    units = {(a.unit_name or "").lower() for a in crs.axis_info}
    return units <= {"metre", "meter", "m"}


def check_metric_crs(metric_crs: Any, *, what: str = "metric_crs") -> pyproj.CRS | None:
    """Return ``metric_crs`` as a :class:`pyproj.CRS` (None stays None); refuse one not in metres.

    Raises
    ------
    CRSError
        Geographic, or projected in other units than metres.

    Examples
    --------
    >>> check_metric_crs(32649).to_epsg()
    32649
    """
    if metric_crs is None:
        return None
    crs = pyproj.CRS.from_user_input(metric_crs)
    if not is_metric(crs):
        units = {a.unit_name for a in crs.axis_info}
        msg = (
            f"{what} must be a projected CRS in metres; got {crs.to_string()} "
            f"(units: {', '.join(sorted(u or '?' for u in units)) or 'unknown'}); omit it to use the UTM zone "
            "of the data, or pass a projected CRS such as EPSG:32649"
        )
        raise CRSError(msg)
    return crs


def check_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> None:
    """Refuse a missing CRS and the usual mix-ups: metres labelled as degrees, and the reverse.

    Raises
    ------
    CRSError
        No CRS; a geographic CRS with coordinates beyond ±180/±90; a
        projected CRS whose coordinates all lie within ±180/±90.
    """
    if frame.crs is None:
        msg = (
            f"{what} has no CRS; set it first: {what}.set_crs(4326) for longitude/latitude "
            f"(what the loaders return), or the projected CRS the coordinates are in (e.g. {what}.set_crs(32649))"
        )
        raise CRSError(msg)
    geoms = (frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame).to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not ok.any():
        return
    x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(geoms[ok]))
    if frame.crs.is_geographic and (x0 < -180.5 or x1 > 360.5 or y0 < -90.5 or y1 > 90.5):
        msg = (
            f"{what} has CRS {frame.crs.to_string()} (degrees) but coordinates reach "
            f"x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f}: they look like metres. Set the CRS the coordinates "
            f"are in, e.g. {what}.set_crs(32649, allow_override=True) for UTM 49N"
        )
        raise CRSError(msg)
    if not frame.crs.is_geographic and max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90:
        msg = (
            f"{what} has CRS {frame.crs.to_string()} (metres) but every coordinate lies within ±180/±90 "
            f"({x0:.4f}..{x1:.4f}, {y0:.4f}..{y1:.4f}): they look like longitude/latitude. Use "
            f"{what}.set_crs(4326, allow_override=True)"
        )
        raise CRSError(msg)


def check_frame(
    gdf: object,
    what: str,
    *,
    columns: Iterable[str] = (),
    geometry: GeometryKind | None = None,
    crs: bool = True,
) -> gpd.GeoDataFrame:
    """Check a GeoDataFrame handed to a public function and return it unchanged.

    Parameters
    ----------
    gdf
        The frame.
    what
        Its name in messages (the argument name, e.g. ``"hazards"``).
    columns
        Columns it must have.
    geometry
        Geometry kind every non-empty geometry must be (``"point"``,
        ``"line"``, ``"polygon"``; multi-parts count as their kind).
    crs
        Check the CRS (:func:`check_crs`).

    Raises
    ------
    InputError
        Not a GeoDataFrame, or geometries of another kind.
    MissingColumnsError
        A required column is missing.
    CRSError
        See :func:`check_crs`.

    Examples
    --------
    >>> pts = gpd.GeoDataFrame({"name": ["a"]}, geometry=gpd.points_from_xy([113.3], [27.6]), crs=4326)
    >>> len(check_frame(pts, "schools", columns=["name"], geometry="point"))
    1
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = (
            f"{what} must be a GeoDataFrame; got {type(gdf).__name__}. "
            f"Load it with hutan_geo.io (e.g. load_{what}) or build one with geopandas.points_from_xy"
        )
        raise InputError(msg)
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        msg = f"{what} lacks column(s) {missing}; columns found: {', '.join(map(str, gdf.columns))}"
        raise MissingColumnsError(msg)
    if crs:
        check_crs(gdf, what)
    if geometry is not None and len(gdf):
        geoms = gdf.geometry.to_numpy()
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        types = set(shapely.get_type_id(geoms[ok]).tolist())
        allowed = _TYPE_IDS[geometry]
        if not types <= allowed:
            got = sorted({shapely.GeometryType(t).name for t in types - allowed})
            msg = f"{what} must hold {geometry} geometries; got {', '.join(got)}"
            raise InputError(msg)
    return gdf


def metric_frame(gdf: gpd.GeoDataFrame, crs: Any = None, *, name: str = "data") -> gpd.GeoDataFrame:
    """Return ``gdf`` in a metric CRS: ``crs`` if given, else its own if metric, else its local UTM zone.

    Geographic input (EPSG:4326, what the loaders return) is projected; a
    CRS in feet or other units is projected too.

    Raises
    ------
    CRSError
        ``gdf`` has no CRS, coordinates contradict the CRS, or ``crs`` is not
        in metres.

    Examples
    --------
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([113.3], [27.6]), crs=4326)
    >>> metric_frame(pts).crs.to_epsg()
    32649
    """
    check_frame(gdf, name)
    if crs is None:
        if is_metric(gdf.crs):
            return gdf
        crs = hcrs.local_metric_crs(gdf)
        log.info("%s projected from %s to %s for distances in metres", name, gdf.crs.to_string(), crs.to_string())
    crs = pyproj.CRS.from_user_input(crs)
    if not is_metric(crs):
        msg = f"metric_crs {crs.to_string()} is not in metres; pass a projected CRS such as EPSG:32649"
        raise CRSError(msg)
    if gdf.crs == crs:
        return gdf
    return gdf.to_crs(crs)


def placed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the rows with a usable geometry (not missing, not empty).

    Examples
    --------
    >>> from shapely import Point
    >>> len(placed(gpd.GeoDataFrame(geometry=[Point(1, 2), None], crs=4326)))
    1
    """
    geoms = gdf.geometry.to_numpy()
    return gdf[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
