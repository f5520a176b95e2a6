"""Coordinate systems: Chinese datums (GCJ-02, BD-09) and local metric CRSs.

Stored geometry is always WGS84 (EPSG:4326). Coordinates copied from Gaode or
Tencent maps are GCJ-02, from Baidu maps BD-09; CGCS2000 (EPSG:4490) equals
WGS84 to well under a metre and is taken as is. Distances and areas are
computed in a metric CRS chosen once per dataset by :func:`local_metric_crs`.

The GCJ-02 forward formula is the public one (it differs from the real
services by about 3 m); the inverses are iterative and converge to well
below a millimetre inside China. Points outside China are left unchanged, as
the map services do.
"""

from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING

import numpy as np
import pyproj

from hutan_geo.errors import CRSError, InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    import geopandas as gpd
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CHINA_BBOX",
    "DATUMS",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "local_metric_crs",
    "parse_datum",
    "to_metric",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

#: The usual (crude) "inside China" box: lon_min, lat_min, lon_max, lat_max.
CHINA_BBOX: tuple[float, float, float, float] = (72.004, 0.8293, 137.8347, 55.8271)

#: Datums a caller may declare for input coordinates.
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09", "cgcs2000")

_DATUM_ALIASES: dict[str, str] = {
    "wgs84": "wgs84",
    "wgs-84": "wgs84",
    "wgs 84": "wgs84",
    "epsg:4326": "wgs84",
    "4326": "wgs84",
    "gps": "wgs84",
    "天地图": "wgs84",
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "gcj": "gcj02",
    "火星坐标": "gcj02",
    "火星坐标系": "gcj02",
    "国测局坐标": "gcj02",
    "高德": "gcj02",
    "高德地图": "gcj02",
    "腾讯": "gcj02",
    "腾讯地图": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "bd09ll": "bd09",
    "百度": "bd09",
    "百度地图": "bd09",
    "百度坐标": "bd09",
    "cgcs2000": "cgcs2000",
    "epsg:4490": "cgcs2000",
    "4490": "cgcs2000",
    "2000国家大地坐标系": "cgcs2000",
    "国家2000": "cgcs2000",
}

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def parse_datum(value: str) -> str:
    """Return the canonical datum code for a user's datum name.

    Parameters
    ----------
    value
        A datum name such as ``"GCJ-02"``, ``"高德"``, ``"BD-09"`` or ``"WGS84"``.

    Returns
    -------
    One of :data:`DATUMS`.

    Examples
    --------
    >>> parse_datum("GCJ-02"), parse_datum("百度地图"), parse_datum("WGS 84")
    ('gcj02', 'bd09', 'wgs84')
    """
    key = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if key in _DATUM_ALIASES:
        return _DATUM_ALIASES[key]
    msg = (
        f"unknown datum {value!r}; expected one of {', '.join(DATUMS)} "
        "(aliases such as GCJ-02/高德, BD-09/百度, WGS84/GPS, CGCS2000 are accepted)"
    )
    raise InputError(msg)


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Tell which points fall inside the usual China bounding box.

    Examples
    --------
    >>> in_china([116.39, -0.12], [39.9, 51.5]).tolist()
    [True, False]
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    x0, y0, x1, y1 = CHINA_BBOX
    return (lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)


def _gcj_delta(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    d_lat += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    d_lon += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = d_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = d_lon * 180.0 / (_A / sqrt_magic * np.cos(rad) * math.pi)
    return d_lon, d_lat


def _arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon_a = np.array(lon, dtype=float, ndmin=1)
    lat_a = np.array(lat, dtype=float, ndmin=1)
    if lon_a.shape != lat_a.shape:
        msg = f"lon and lat must have the same shape; got {lon_a.shape} and {lat_a.shape}"
        raise InputError(msg)
    return lon_a, lat_a


def _shape_like(template: ArrayLike, lon: NDArray, lat: NDArray) -> tuple:
    if np.ndim(template) == 0:
        return float(lon[0]), float(lat[0])
    return lon, lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple:
    """Convert WGS84 to GCJ-02 (Gaode/Tencent); points outside China unchanged.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(116.397, 39.909)
    >>> round(lon - 116.397, 4), round(lat - 39.909, 4)
    (0.0062, 0.0014)
    """
    lon_a, lat_a = _arrays(lon, lat)
    inside = in_china(lon_a, lat_a)
    d_lon, d_lat = _gcj_delta(lon_a, lat_a)
    out_lon = np.where(inside, lon_a + d_lon, lon_a)
    out_lat = np.where(inside, lat_a + d_lat, lat_a)
    return _shape_like(lon, out_lon, out_lat)


def _invert(forward, lon: ArrayLike, lat: ArrayLike, *, tol_deg: float = 1e-10) -> tuple:
    """Invert ``forward`` by fixed-point iteration (the Jacobian is near identity)."""
    t_lon, t_lat = _arrays(lon, lat)
    g_lon, g_lat = t_lon.copy(), t_lat.copy()
    for _ in range(30):
        f_lon, f_lat = forward(g_lon, g_lat)
        e_lon, e_lat = t_lon - f_lon, t_lat - f_lat
        g_lon, g_lat = g_lon + e_lon, g_lat + e_lat
        if np.all(np.abs(e_lon[np.isfinite(e_lon)]) < tol_deg) and np.all(np.abs(e_lat[np.isfinite(e_lat)]) < tol_deg):
            break
    return _shape_like(lon, g_lon, g_lat)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple:
    """Convert GCJ-02 to WGS84 by iterating the forward formula; outside China unchanged.

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(*wgs84_to_gcj02(113.3, 27.6))
    >>> abs(lon - 113.3) < 1e-9 and abs(lat - 27.6) < 1e-9
    True
    """
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple:
    """Convert GCJ-02 to BD-09 (Baidu); points outside China unchanged."""
    lon_a, lat_a = _arrays(lon, lat)
    inside = in_china(lon_a, lat_a)
    z = np.hypot(lon_a, lat_a) + 0.00002 * np.sin(lat_a * _X_PI)
    theta = np.arctan2(lat_a, lon_a) + 0.000003 * np.cos(lon_a * _X_PI)
    out_lon = np.where(inside, z * np.cos(theta) + 0.0065, lon_a)
    out_lat = np.where(inside, z * np.sin(theta) + 0.006, lat_a)
    return _shape_like(lon, out_lon, out_lat)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple:
    """Convert BD-09 to GCJ-02 by iterating the forward formula; outside China unchanged."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple:
    """Convert WGS84 to BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple:
    """Convert BD-09 to WGS84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon: ArrayLike, lat: ArrayLike, datum: str) -> tuple:
    """Convert coordinates declared in ``datum`` to WGS84.

    Examples
    --------
    >>> to_wgs84(113.3, 27.6, "wgs84")
    (113.3, 27.6)
    """
    return _convert(lon, lat, datum, {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84})


def from_wgs84(lon: ArrayLike, lat: ArrayLike, datum: str) -> tuple:
    """Convert WGS84 coordinates to ``datum`` (for display on GCJ-02 or BD-09 tiles)."""
    return _convert(lon, lat, datum, {"gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09})


def _convert(lon: ArrayLike, lat: ArrayLike, datum: str, converters: dict[str, Callable[..., tuple]]) -> tuple:
    """Apply the converter of ``datum`` (WGS84 and CGCS2000 need none: the coordinates are returned as given)."""
    convert = converters.get(parse_datum(datum))
    if convert is not None:
        return convert(lon, lat)
    return _shape_like(lon, *_arrays(lon, lat))


def local_metric_crs(data: gpd.GeoDataFrame | gpd.GeoSeries | tuple[float, float, float, float]) -> pyproj.CRS:
    """Choose a metric CRS for distance and area work on ``data``.

    The UTM zone (WGS84) of the data's centre is used when the data spans at
    most 6 degrees of longitude; wider data (a province on a zone border) gets a
    transverse Mercator centred on the data. Data wider than 20 degrees is
    refused: split it by province first.

    Parameters
    ----------
    data
        A GeoDataFrame/GeoSeries with a CRS, or WGS84 bounds
        ``(lon_min, lat_min, lon_max, lat_max)``.

    Examples
    --------
    >>> local_metric_crs((113.2, 27.5, 113.5, 27.8)).to_epsg()
    32649
    """
    if isinstance(data, tuple):
        lon0, lat0, lon1, lat1 = (float(v) for v in data)
    else:
        if data.crs is None:
            msg = "data has no CRS; set it first, e.g. gdf.set_crs('EPSG:4326')"
            raise CRSError(msg)
        geo = (data.to_crs(4326) if data.crs.to_epsg() != 4326 else data).geometry
        valid = geo[~(geo.is_empty | geo.isna())] if len(geo) else geo
        if len(valid) == 0:
            msg = "cannot choose a metric CRS for data with no geometry"
            raise CRSError(msg)
        lon0, lat0, lon1, lat1 = (float(v) for v in valid.total_bounds)
    if not all(math.isfinite(v) for v in (lon0, lat0, lon1, lat1)):
        msg = f"bounds {(lon0, lat0, lon1, lat1)} are not finite"
        raise CRSError(msg)
    span = lon1 - lon0
    if span > 20.0:
        msg = (
            f"data spans {span:.1f} degrees of longitude; a single local metric CRS "
            "would distort distances; split the data (e.g. by province) first"
        )
        raise CRSError(msg)
    lon_c, lat_c = (lon0 + lon1) / 2.0, (lat0 + lat1) / 2.0
    if span <= 6.0:
        zone = int((lon_c + 180.0) // 6.0) % 60 + 1
        return pyproj.CRS.from_epsg((32600 if lat_c >= 0 else 32700) + zone)
    return pyproj.CRS.from_proj4(
        f"+proj=tmerc +lat_0=0 +lon_0={lon_c:.4f} +k=1 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def to_metric(gdf: gpd.GeoDataFrame, crs: pyproj.CRS | None = None) -> gpd.GeoDataFrame:
    """Project ``gdf`` to ``crs`` or to :func:`local_metric_crs` of itself."""
    if gdf.crs is None:
        msg = "GeoDataFrame has no CRS; loaders return EPSG:4326, set it with gdf.set_crs(4326)"
        raise CRSError(msg)
    return gdf.to_crs(crs if crs is not None else local_metric_crs(gdf))
