"""The state of one demo county while it is generated (local metric frame).

The generator is a sequence of steps (see :func:`hutan_geo.demo.county.build_county`),
each a function of the concern's module that reads and extends one :class:`County`.
All random draws come from ``County.rng`` in the order of those steps, so the
same seed always gives the same county.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely import LineString, Point, Polygon

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["County"]


class County:
    """One county under construction, in metres east/north of the county government.

    Parameters
    ----------
    seed
        Seed of the county's random generator.

    Attributes
    ----------
    rng
        The one random generator of the county; every step draws from it in turn.
    raw
        Road features before noding: dicts with ``geom``, ``name``, ``ref``,
        ``cls``, ``lanes``, ``oneway``, ``key``, ``zone`` and ``bridge``.
    campuses, schools
        School records (the same dicts; ``schools`` is filled from the
        campus step on).
    places
        Villages and points of interest (dicts with ``name``, ``kind``, ``pos``).
    villages
        Village name to ``pos``, ``access`` road and ``junction``.
    net
        The noded road network (one row per piece), from ``node_network`` on.

    Examples
    --------
    >>> County(1).rng.integers(10)
    np.int64(4)
    """

    # boundaries
    district: Any
    district_inner: Any
    district_final: Any
    township_names: list[str]
    township_polys: list[Any]
    township_edges: list[LineString]
    seats: list[tuple[float, float]]
    precinct_polys: dict[str, Any]
    # river and roads
    river_full: LineString
    river: Any
    river_poly: Any
    river_no_go: Any
    south_poly: Any
    g207: LineString
    town_outline: Polygon
    county_roads: dict[str, LineString]
    township_outlines: dict[str, Polygon]
    township_main: dict[str, str]
    seat_points: dict[str, np.ndarray]
    village_pos: dict[str, tuple[float, float]]
    oneway_keys: set[Any]
    # the noded network and its look-ups
    raw_frame: pd.DataFrame
    net: pd.DataFrame
    net_geoms: np.ndarray
    net_tree: shapely.STRtree
    nodes: np.ndarray
    u: np.ndarray
    v: np.ndarray
    deg: np.ndarray
    node_names: list[list[str]]
    name_lines: dict[str, Any]
    # schools, police, hazards
    schools: list[dict[str, Any]]
    stations: list[dict[str, Any]]
    guard_posts: list[dict[str, Any]]
    hazards: list[dict[str, Any]]

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.raw: list[dict[str, Any]] = []
        self.campuses: list[dict[str, Any]] = []
        self.places: list[dict[str, Any]] = []
        self.villages: dict[str, dict[str, Any]] = {}
        self.name_pool: list[str] = []
        self.used_names: set[str] = set()

    def township_of(self, x: float, y: float) -> str:
        """Return the name of the township containing (x, y), else of the nearest one."""
        for name, poly in zip(self.township_names, self.township_polys, strict=True):
            if poly.contains(Point(x, y)):
                return name
        d = [poly.distance(Point(x, y)) for poly in self.township_polys]
        return self.township_names[int(np.argmin(d))]

    def south_of_river(self, x: float, y: float) -> bool:
        """Return whether (x, y) lies south of the river."""
        return bool(self.south_poly.contains(Point(x, y)))

    def station_at(self, pt: np.ndarray) -> str:
        """Return the name of the police station whose precinct holds ``pt`` (else the nearest)."""
        p = Point(pt)
        for name, poly in self.precinct_polys.items():
            if poly.contains(p):
                return name
        return min(self.precinct_polys, key=lambda n: self.precinct_polys[n].distance(p))
