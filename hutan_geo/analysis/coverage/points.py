"""Coverage: which points (schools, gates) lie inside coverage areas (isochrones, patrol zones).

The test is topological (a point on an area's edge counts as covered); no
distance is involved, so no metric CRS is needed. The result is a boolean
column that :func:`hutan_geo.maps.add_coverage` draws.

Examples
--------
>>> import geopandas as gpd, shapely
>>> gates = gpd.GeoDataFrame(
...     {"name": ["东门", "西门"]}, geometry=gpd.points_from_xy([113.30, 113.40], [27.60, 27.60]), crs=4326
... )
>>> area = gpd.GeoDataFrame(geometry=[shapely.Point(113.30, 27.60).buffer(0.01)], crs=4326)
>>> points_covered(gates, area).tolist()
[True, False]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from hutan_geo.model.frames import check_frame

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["points_covered"]


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326 (a frame without a CRS is taken to be WGS84 already)."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def points_covered(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """Tell, for each point, whether it lies in (or on the edge of) one of the coverage areas.

    Parameters
    ----------
    points
        Points (schools, gates, hazards). A frame without a CRS is taken to
        be WGS84.
    areas
        Coverage polygons (isochrones, patrol zones); rows without a
        geometry are ignored. In the points' CRS or in any other (then both
        are compared in WGS84).

    Returns
    -------
    pandas.Series
        Booleans named ``"covered"``, on the points' index; a point without a
        geometry is not covered.

    Raises
    ------
    InputError
        ``points`` or ``areas`` is not a GeoDataFrame.
    CRSError
        A CRS contradicts the coordinates (see :func:`hutan_geo.model.frames.check_crs`).
    """
    points = check_frame(points, "points", crs=getattr(points, "crs", None) is not None)
    areas = check_frame(areas, "areas", crs=getattr(areas, "crs", None) is not None)
    if points.crs is None or areas.crs is None or points.crs != areas.crs:
        points, areas = _wgs84(points), _wgs84(areas)
    shapes = areas.geometry.to_numpy()
    union = shapely.union_all(shapes[~(shapely.is_missing(shapes) | shapely.is_empty(shapes))])
    geoms = points.geometry.to_numpy()
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    covered = np.zeros(len(points), dtype=bool)
    covered[usable] = shapely.covers(union, geoms[usable])  # topological test, no distance involved
    return pd.Series(covered, index=points.index, name="covered")
