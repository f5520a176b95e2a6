"""Frames in, display geometry out: WGS84 for checks, the map's datum for drawing.

Stored geometry is WGS84; a map drawn over Gaode tiles shows it shifted to
GCJ-02 (:func:`display_geoms`, :func:`display_xy`), snapped to a fine grid so
the page stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from hutan_geo.model import crs as hcrs
from hutan_geo.model.frames import check_frame

if TYPE_CHECKING:
    from collections.abc import Iterable

    import geopandas as gpd

__all__ = ["check_layer", "display_geoms", "display_xy", "feature_collection"]


def check_layer(gdf: object, what: str, columns: Iterable[str] = ()) -> gpd.GeoDataFrame:
    """Check a frame handed to a builder (:func:`~hutan_geo.model.frames.check_frame`) and return it in WGS84.

    A frame without a CRS is taken to be WGS84 already.
    """
    gdf = check_frame(gdf, what, columns=columns, crs=getattr(gdf, "crs", None) is not None)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def display_geoms(geoms: Any, datum: str, *, grid: float = 1e-6) -> np.ndarray:
    """Return geometries in the display datum, snapped to a grid of ``grid`` degrees (about 0.1 m)."""
    arr = np.asarray(geoms, dtype=object)
    if datum == "gcj02":
        arr = shapely.transform(arr, lambda xy: np.column_stack(hcrs.from_wgs84(xy[:, 0], xy[:, 1], "gcj02")))
    return shapely.set_precision(arr, grid)


def display_xy(geoms: Any, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the longitudes and latitudes of points in the display datum."""
    arr = np.asarray(geoms, dtype=object)
    lon, lat = shapely.get_x(arr), shapely.get_y(arr)
    if datum == "gcj02":
        lon, lat = hcrs.from_wgs84(lon, lat, "gcj02")
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def feature_collection(geoms: np.ndarray, props: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection of ``geoms`` with ``props``; missing and empty geometries left out."""
    features = []
    for geom, prop in zip(geoms, props, strict=True):
        if geom is None or shapely.is_empty(geom):
            continue
        features.append({"type": "Feature", "properties": prop, "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}
