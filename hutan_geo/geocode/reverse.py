"""Reverse geocoding: describe a point by the nearest gate, crossing, road or place.

For map popups and duty rosters: ``"贵生路与207国道交叉口东北约30米"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from shapely.geometry import Point
from shapely.ops import nearest_points

from hutan_geo._i18n import tr
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    from hutan_geo.geocode.gazetteer import Gazetteer

__all__ = ["reverse_geocode"]

_SECTORS = ("东", "东北", "北", "西北", "西", "西南", "南", "东南")
_COLUMNS = ["description", "anchor_kind", "anchor", "distance_m"]


def _bearing_word(dx: float, dy: float) -> str:
    """Chinese compass word (8 sectors) for a metric offset; east is 0 degrees."""
    angle = np.degrees(np.arctan2(dy, dx)) % 360
    return _SECTORS[int(((angle + 22.5) % 360) // 45)]


def _metres_text(d: float) -> int:
    """Return a distance as said aloud: to 10 m from 15 m up, else to the metre."""
    return int(round(d, -1) if d >= 15 else round(d))


def _describe(name: str, dx: float, dy: float) -> tuple[str, float]:
    """``"<name>处"`` within 10 m, else ``"<name><direction>约<d>米"``; and the distance."""
    d = float(np.hypot(dx, dy))
    if d < 10:
        return f"{name}处", d
    return f"{name}{_bearing_word(dx, dy)}约{_metres_text(d)}米", d


def _metric_xy(
    gazetteer: Gazetteer, points: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[tuple[float, float]]
) -> tuple[pd.Index, list[tuple[float, float]]]:
    """Return the index and metric ``(x, y)`` of the points (NaN for missing geometry)."""
    if isinstance(points, gpd.GeoDataFrame):
        points = points.geometry
    if isinstance(points, gpd.GeoSeries):
        if points.crs is None:
            msg = "reverse_geocode: points have no CRS; set one (e.g. points.set_crs(4326))"
            raise InputError(msg)
        metric = points.to_crs(gazetteer.metric_crs)
        xy = [(g.x, g.y) if g is not None and not g.is_empty else (np.nan, np.nan) for g in metric]
        return points.index, xy
    pairs = np.asarray(list(points), dtype=float).reshape(-1, 2)
    to_metric = pyproj.Transformer.from_crs(4326, gazetteer.metric_crs, always_xy=True)
    xs, ys = to_metric.transform(pairs[:, 0], pairs[:, 1])
    return pd.RangeIndex(len(pairs)), list(zip(np.atleast_1d(xs), np.atleast_1d(ys), strict=True))


class _Anchors:
    """Search trees over the gates, named crossings, roads and places of a gazetteer."""

    def __init__(self, gazetteer: Gazetteer, gate_m: float, crossing_m: float, road_m: float) -> None:
        from scipy.spatial import cKDTree

        self.gaz = gazetteer
        self.gate_m, self.crossing_m, self.road_m = gate_m, crossing_m, road_m
        self.gates = [
            (gx, gy, s.name + gname) for s in gazetteer.schools.values() for gname, (gx, gy) in s.gates.items()
        ]
        self.gate_tree = cKDTree([(g[0], g[1]) for g in self.gates]) if self.gates else None
        self.named = [c for c in gazetteer.crossings if len(c[2]) >= 2]
        self.cross_tree = cKDTree([(c[0], c[1]) for c in self.named]) if self.named else None
        self.spots = [(x, y, kind, key) for (kind, key), (x, y) in gazetteer.points.items()]
        self.spot_tree = cKDTree([(s[0], s[1]) for s in self.spots]) if self.spots else None
        self.road_names = list(gazetteer.roads)
        self.road_geoms = gpd.GeoSeries([gazetteer.roads[n] for n in self.road_names])
        self.road_index = self.road_geoms.sindex if self.road_names else None

    def describe(self, x: float, y: float) -> dict[str, Any]:
        """Return the description row of one metric point."""
        row: dict[str, Any] = {"description": "", "anchor_kind": "none", "anchor": "", "distance_m": np.nan}
        if not (np.isfinite(x) and np.isfinite(y)):
            row["description"] = tr("geo.reverse.no_coordinates", "zh")
            return row
        if self.gaz.area is not None and not self.gaz.area.contains(Point(x, y)):
            row["description"] = tr("geo.reverse.outside", "zh")
            return row
        for find in (self._gate, self._crossing, self._road):
            found = find(x, y)
            if found is not None:
                row.update(found)
                return row
        if self.spot_tree is not None:
            _, i = self.spot_tree.query((x, y))
            sx, sy, kind, key = self.spots[i]
            row.update(self._near(kind, self.gaz.label(kind, key), x - sx, y - sy))
        return row

    @staticmethod
    def _near(kind: str, name: str, dx: float, dy: float) -> dict[str, Any]:
        description, distance_m = _describe(name, dx, dy)
        return {"anchor_kind": kind, "anchor": name, "description": description, "distance_m": distance_m}

    def _gate(self, x: float, y: float) -> dict[str, Any] | None:
        if self.gate_tree is None:
            return None
        d, i = self.gate_tree.query((x, y))
        if d > self.gate_m:
            return None
        gx, gy, name = self.gates[i]
        return self._near("gate", name, x - gx, y - gy)

    def _crossing(self, x: float, y: float) -> dict[str, Any] | None:
        if self.cross_tree is None:
            return None
        d, i = self.cross_tree.query((x, y))
        if d > self.crossing_m:
            return None
        cx, cy, names = self.named[i]
        return self._near("intersection", "与".join(names[:2]) + "交叉口", x - cx, y - cy)

    def _road(self, x: float, y: float) -> dict[str, Any] | None:
        if self.road_index is None:
            return None
        near = self.road_index.query(Point(x, y).buffer(self.road_m))
        if not len(near):
            return None
        here = Point(x, y)
        j = min(near, key=lambda k: self.road_geoms.iloc[k].distance(here))
        geom = self.road_geoms.iloc[j]
        d = geom.distance(here)
        if d > self.road_m:
            return None
        foot = nearest_points(geom, here)[0]
        name = self.road_names[j]
        side = _bearing_word(x - foot.x, y - foot.y)
        text = f"{name}上" if d < 10 else f"{name}{side}侧约{_metres_text(d)}米"
        return {"anchor_kind": "road", "anchor": name, "description": text, "distance_m": d}


def reverse_geocode(
    gazetteer: Gazetteer,
    points: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[tuple[float, float]],
    *,
    gate_m: float = 50.0,
    crossing_m: float = 100.0,
    road_m: float = 200.0,
) -> pd.DataFrame:
    """Describe points by their nearest gate, road crossing, road or place.

    For map popups and duty rosters: ``"贵生路与207国道交叉口东北约30米"``.
    A school gate within ``gate_m`` wins, then a crossing within ``crossing_m``,
    then the nearest road within ``road_m`` (``"人民路北侧约40米"``), then the
    nearest village, POI or school at any distance (``"西门村东约300米"``).

    Parameters
    ----------
    gazetteer
        From :func:`~hutan_geo.geocode.build_gazetteer`.
    points
        A GeoSeries/GeoDataFrame of points with a CRS, or WGS84 ``(lon, lat)`` pairs.
    gate_m, crossing_m, road_m
        Search radii in metres.

    Returns
    -------
    pandas.DataFrame
        ``description`` (Chinese), ``anchor_kind`` (gate, intersection, road,
        place, poi, school or none), ``anchor``, ``distance_m``; same index as
        a GeoSeries input. Points without coordinates read ``无坐标``, points
        far outside the district ``超出辖区范围``.

    Raises
    ------
    InputError
        A GeoSeries without a CRS.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.geocode import build_gazetteer, geocode
    >>> gaz = build_gazetteer(load_demo())
    >>> res = geocode(gaz, ["城关一小东门口"]).results
    >>> reverse_geocode(gaz, res.geometry)["description"].iloc[0]
    '城关第一小学东门处'
    """
    index, xy = _metric_xy(gazetteer, points)
    anchors = _Anchors(gazetteer, gate_m, crossing_m, road_m)
    rows = [anchors.describe(x, y) for x, y in xy]
    out = pd.DataFrame(rows, index=index, columns=_COLUMNS)
    out["distance_m"] = out["distance_m"].astype(float).round(1)
    return out
