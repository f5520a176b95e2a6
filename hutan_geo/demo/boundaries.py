"""The county outline and its townships."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely import Point, Polygon

from hutan_geo.demo.content import TOWNSHIPS
from hutan_geo.demo.geometry import noise_fn, wiggle

if TYPE_CHECKING:
    from hutan_geo.demo.state import County


def build_district(county: County) -> None:
    """Draw the county outline and the township seats, with wiggled township borders."""
    rng = county.rng
    x0, y0, x1, y1 = -12800.0, -10100.0, 15700.0, 9600.0
    cx, cy, a, b = (x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0) / 2.0, (y1 - y0) / 2.0
    th = np.linspace(0.0, 2.0 * np.pi, 360, endpoint=False)
    # a squarish super-ellipse with smooth and fine radial noise, inside the bounding box
    r = (np.abs(np.cos(th)) ** 4 + (a / b * np.abs(np.sin(th))) ** 4) ** -0.25
    t = th / (2.0 * np.pi)
    shrink = 0.09 * (1.0 + noise_fn(rng, 1.0, (0.15, 0.6), 5)(t)) + 0.012 * (
        1.0 + noise_fn(rng, 1.0, (0.01, 0.03), 4)(t)
    )
    r = a * r * (1.0 - shrink)
    poly = shapely.make_valid(Polygon(np.column_stack([cx + r * np.cos(th), cy + r * np.sin(th)])))
    if poly.geom_type != "Polygon":
        poly = max(shapely.get_parts(poly), key=lambda g: g.area)
    county.district = shapely.simplify(poly, 5.0)
    # township seats and wiggled Voronoi edges between them
    seats = [(0.0, 0.0)] + [t[1] for t in TOWNSHIPS]
    county.township_names = ["城关镇"] + [t[0] for t in TOWNSHIPS]
    county.seats = seats
    edges = shapely.voronoi_polygons(
        shapely.multipoints(seats), extend_to=county.district.buffer(3000.0), only_edges=True
    )
    wiggled = []
    for e in shapely.get_parts(edges):
        e = e.intersection(county.district.buffer(300.0))
        for part in shapely.get_parts(e):
            if part.length > 1.0:
                wiggled.append(wiggle(part.coords, rng, 450.0, wavelength=(1500.0, 4000.0), step=200.0))
    county.township_edges = wiggled
    faces = district_faces(county, [county.district.boundary, *wiggled])
    county.township_polys = _assign_faces(faces, seats)


def district_faces(county: County, lines: list[Any]) -> list[Polygon]:
    """Return the faces that ``lines`` (noded together) cut the district into."""
    noded = shapely.union_all(lines, grid_size=0.01)
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    return [f for f in faces if county.district.contains(f.representative_point()) and f.area > 1.0]


def _assign_faces(faces: list[Polygon], seats: list[tuple[float, float]]) -> list[Any]:
    """Group faces by the seat inside them (else by the Voronoi cell they overlap most) into one shape per seat."""
    groups: list[list[Polygon]] = [[] for _ in seats]
    cells = list(shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seats))))
    cell_of_seat = [next(i for i, c in enumerate(cells) if c.contains(Point(s))) for s in seats]
    for f in faces:
        owner = next((i for i, s in enumerate(seats) if f.contains(Point(s))), None)
        if owner is None:
            overlaps = [f.intersection(cells[cell_of_seat[i]]).area for i in range(len(seats))]
            owner = int(np.argmax(overlaps))
        groups[owner].append(f)
    return [shapely.union_all(g) for g in groups]
