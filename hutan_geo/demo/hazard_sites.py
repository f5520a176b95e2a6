"""Where hazards are: schools as inspectors name them, gate roads, crossings, house-number addresses."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely import Point

from hutan_geo.demo.network import house_number, nearest_piece
from hutan_geo.demo.places import add_place, roadside_point

if TYPE_CHECKING:
    from hutan_geo.demo.state import County


def school_ref(county: County, sc: dict[str, Any]) -> tuple[str, int]:
    """Return how an inspector names the school, and whether that is ambiguous."""
    rng = county.rng
    abbrs = sc["abbrs"]
    if rng.random() < 0.3 or not abbrs:
        return sc["name"], 0
    ab = abbrs[int(rng.integers(len(abbrs)))]
    hits = sum(1 for s in county.schools if ab in s["name"] or ab in s["abbrs"])
    return ab, int(hits > 1)


def gate_road_point(county: County, gate_pt: np.ndarray) -> tuple[np.ndarray, int]:
    """Return the point of the road nearest to a gate, and the index of that road piece."""
    i = nearest_piece(county, gate_pt)
    g = county.net_geoms[i]
    q = np.array(g.interpolate(g.project(Point(gate_pt))).coords[0])
    return q, i


def along_road(county: County, name: str, q: np.ndarray, ds: float) -> np.ndarray:
    """Return the point ``ds`` metres along the named road from its point nearest to ``q``."""
    geom = county.name_lines[name]
    line = min(shapely.get_parts(geom), key=lambda g: g.distance(Point(q)))
    s = line.project(Point(q)) + ds
    return np.array(line.interpolate(float(np.clip(s, 0.0, line.length))).coords[0])


def pick_school(
    county: County,
    levels: tuple[str, ...] | None = None,
    *,
    zone: str | None = None,
    big: bool = False,
    classes: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Draw a school, weighted by enrolment and the class of its gate road, among those that qualify."""
    rng = county.rng
    cands = []
    weights = []
    for sc in county.schools:
        if levels and sc["level"] not in levels:
            continue
        if zone == "town" and sc["zone"] != "town":
            continue
        if zone == "rural" and sc["zone"] == "town":
            continue
        if big and sc["enrol"] < 1500:
            continue
        _, i = gate_road_point(county, sc["gates"][0]["pt"])
        cls = county.net.at[i, "cls"]
        if classes and cls not in classes:
            continue
        w = (
            sc["enrol"] ** 0.7
            * {
                "national_highway": 2.5,
                "arterial": 2.0,
                "county_road": 1.6,
                "collector": 1.2,
                "local": 0.8,
                "village_road": 1.0,
            }[cls]
        )
        cands.append(sc)
        weights.append(w)
    p = np.array(weights) / np.sum(weights)
    return cands[int(rng.choice(len(cands), p=p))]


def road_number_address(county: County, pt: np.ndarray) -> tuple[str, str, int] | None:
    """Return (``路名N号`` address, road name, whether the name is ambiguous) for a point, or None."""
    i = nearest_piece(county, pt, named=True, classes=("arterial", "collector", "local"))
    name = county.net.at[i, "name"]
    if not name or county.net_geoms[i].distance(Point(pt)) > 60.0:
        return None
    num = house_number(county, name, pt)
    parts = list(shapely.get_parts(county.name_lines[name]))
    far = len(parts) > 1 and max(a.distance(b) for a in parts for b in parts) > 2000.0
    return f"{name}{num}号", name, int(far)


def crossing_near(county: County, gate_pt: np.ndarray, prefer: str) -> tuple[np.ndarray, str, str, int] | None:
    """Return (node, road a, road b, ambiguous) of a named crossing near a gate, or None."""
    d = np.hypot(*(county.nodes - gate_pt).T)
    order = np.argsort(d)
    for k in order[:80]:
        if d[k] > 450.0:
            break
        names = county.node_names[k]
        if county.deg[k] < 3 or len(names) < 2:
            continue
        if prefer in names and county.rng.random() < 0.8:
            a = prefer
            b = next(n for n in names if n != prefer)
        elif prefer not in names and county.rng.random() < 0.5:
            continue
        else:
            a, b = names[0], names[1]
        hits = [j for j in range(len(county.nodes)) if a in county.node_names[j] and b in county.node_names[j]]
        amb = int(len(hits) > 1 and max(np.hypot(*(county.nodes[hits] - county.nodes[k]).T)) > 60.0)
        return county.nodes[k], a, b, amb
    return None


def poi_near_school(county: County, sc: dict[str, Any], dist: float, name: str, kind: str) -> np.ndarray:
    """Add a place ``dist`` metres from a school's main gate and return its position."""
    g = sc["gates"][0]["pt"]
    rng = county.rng
    best = None
    for _ in range(400):
        ang = rng.uniform(0, 2 * np.pi)
        got = roadside_point(
            county, (g[0] + dist * math.cos(ang), g[1] + dist * math.sin(ang)), offset=14.0, max_shift=36.0
        )
        if got is None:
            continue
        dd = float(np.hypot(*(got[0] - g)))
        if abs(dd - dist) < 15.0:
            best = got[0]
            break
    if best is None:
        msg = f"demo: could not place {name} near {sc['name']}"
        raise RuntimeError(msg)
    add_place(county, name, kind, best)
    return best
