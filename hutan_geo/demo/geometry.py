"""Geometric helpers of the demo generator, in the local metric frame (metres east/north of the county government)."""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely import LineString, Polygon
from shapely.ops import substring

LOGGER = logging.getLogger("hutan_geo")

METRIC_EPSG = 32649

ORIGIN_LONLAT = (113.335, 27.652)  # the county government, in true WGS84


def noise_fn(rng: np.random.Generator, length: float, wavelength: tuple[float, float], n_terms: int = 4) -> Any:
    """Return a smooth random function of t in [0, 1] with values in [-1, 1]."""
    k = length / rng.uniform(wavelength[0], wavelength[1], n_terms)
    phase = rng.uniform(0.0, 2.0 * np.pi, n_terms)
    amp = rng.uniform(0.4, 1.0, n_terms) / np.sqrt(k)
    amp = amp / amp.sum()

    def f(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return (amp * np.sin(2.0 * np.pi * k * t[..., None] + phase)).sum(-1)

    return f


def wiggle(
    coords: Any,
    rng: np.random.Generator,
    amp: float,
    *,
    wavelength: tuple[float, float] = (600.0, 2000.0),
    step: float = 40.0,
    taper: bool = True,
) -> LineString:
    """Bend a polyline sideways with smooth noise (end points kept when ``taper``)."""
    line = shapely.segmentize(LineString(coords), step)
    xy = shapely.get_coordinates(line)
    seg = np.hypot(*np.diff(xy, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    t = s / s[-1]
    tan = np.gradient(xy, axis=0)
    tan /= np.linalg.norm(tan, axis=1)[:, None]
    nrm = np.column_stack([-tan[:, 1], tan[:, 0]])
    off = amp * noise_fn(rng, s[-1], wavelength)(t)
    if taper:
        off *= np.sin(np.pi * t) ** 0.5
    return shapely.simplify(LineString(xy + nrm * off[:, None]), 0.5)


def cut_to(line: LineString, target: Any, *, at_end: bool = True, reach: float = 400.0) -> LineString:
    """Trim or extend one end of ``line`` so that it ends exactly on ``target``."""
    if not at_end:
        return cut_to(line.reverse(), target, at_end=True, reach=reach).reverse()
    xy = shapely.get_coordinates(line)
    d = xy[-1] - xy[-2]
    d /= np.hypot(*d)
    ext = LineString(np.vstack([xy, xy[-1] + d * reach]))
    pts = shapely.get_coordinates(ext.intersection(target))
    if len(pts) == 0:
        LOGGER.debug("demo: a road end found no target to attach to")
        return line
    pos = shapely.line_locate_point(ext, shapely.points(pts))
    pos = pos[pos > 1.0]
    if len(pos) == 0:
        return line
    best = pos[np.argmin(np.abs(pos - line.length))]
    return substring(ext, 0.0, float(best))


def offset_point(line: LineString, s: float, side: float, dist: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (point on line at s, unit tangent, point offset ``dist`` to ``side``)."""
    s = float(np.clip(s, 0.0, line.length))
    a = np.array(line.interpolate(max(0.0, s - 5.0)).coords[0])
    b = np.array(line.interpolate(min(line.length, s + 5.0)).coords[0])
    t = b - a
    t /= np.hypot(*t)
    n = np.array([-t[1], t[0]]) * side
    p = np.array(line.interpolate(s).coords[0])
    return p, t, p + n * dist


def shifts(step: float, limit: float) -> np.ndarray:
    """0, +step, -step, +2 step, -2 step, ... up to ``limit``."""
    k = np.arange(step, limit, step)
    return np.concatenate([[0.0], np.column_stack([k, -k]).ravel()])


def cross(a: np.ndarray, b: np.ndarray) -> float:
    """Return the z component of the cross product of two 2-D vectors."""
    return float(a[0] * b[1] - a[1] * b[0])


def dir_word(dx: float, dy: float) -> str:
    """Compass word (东/南/西/北) of a displacement."""
    if abs(dx) >= abs(dy):
        return "东" if dx > 0 else "西"
    return "北" if dy > 0 else "南"


def noisy_ellipse(rng: np.random.Generator, cx: float, cy: float, rx: float, ry: float, angle: float) -> Polygon:
    """Return a smooth blob around (cx, cy)."""
    th = np.linspace(0.0, 2.0 * np.pi, 72, endpoint=False)
    f = noise_fn(rng, 1.0, (0.2, 0.5))
    r = 1.0 + 0.18 * f(th / (2.0 * np.pi))
    x, y = rx * r * np.cos(th), ry * r * np.sin(th)
    ca, sa = math.cos(angle), math.sin(angle)
    return Polygon(np.column_stack([cx + x * ca - y * sa, cy + x * sa + y * ca]))


def local_to_wgs84(geoms: np.ndarray) -> np.ndarray:
    """Local metric frame -> WGS84, coordinates rounded to 6 decimals."""
    to_utm = pyproj.Transformer.from_crs(4326, METRIC_EPSG, always_xy=True)
    to_wgs = pyproj.Transformer.from_crs(METRIC_EPSG, 4326, always_xy=True)
    ox, oy = to_utm.transform(*ORIGIN_LONLAT)

    def f(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs.transform(xy[:, 0] + ox, xy[:, 1] + oy)
        return np.round(np.column_stack([lon, lat]), 6)

    return shapely.transform(geoms, f)
