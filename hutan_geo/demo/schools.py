"""Schools: campuses, gates and their time windows."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely import LineString, Point, Polygon

from hutan_geo.demo.content import COUNTY, TOWN_KINDERGARTENS, TOWN_SCHOOLS, TOWNSHIPS, URBAN_VILLAGES
from hutan_geo.demo.geometry import cross, dir_word, offset_point, shifts
from hutan_geo.demo.network import house_number, nearest_piece
from hutan_geo.demo.roads import road_by_key, road_line

if TYPE_CHECKING:
    from hutan_geo.demo.state import County

LOGGER = logging.getLogger("hutan_geo")


def _rect_ok(county: County, rect: Polygon, tree: Any, *, clearance: float, zone: Any = None) -> bool:
    """Return whether a campus rectangle is clear of roads, the river, the county edge and other campuses."""
    if len(tree.query(rect, predicate="dwithin", distance=clearance)):
        return False
    if rect.intersects(county.river_no_go):
        return False
    if not county.district_inner.contains(rect):
        return False
    if zone is not None and not zone.contains(rect):
        return False
    return not any(rect.distance(c["poly"]) < 12.0 for c in county.campuses)


def place_campus(
    county: County,
    area: float,
    anchor: tuple[float, float],
    fronts: list[LineString],
    tree: Any,
    *,
    setback: float = 10.0,
    zone: Any = None,
    max_shift: float = 700.0,
) -> dict[str, Any] | None:
    """Place a rectangle of ``area`` facing one of ``fronts`` near ``anchor``."""
    rng = county.rng
    aspect = rng.uniform(1.0, 1.5)
    ap = Point(anchor)
    order = sorted(range(len(fronts)), key=lambda i: fronts[i].distance(ap))
    for shrink in (1.0, 0.85, 0.7, 0.55):
        a = area * shrink
        wdt = math.sqrt(a * aspect)
        dep = a / wdt
        for i in order:
            line = fronts[i]
            if line.length < wdt + 20.0:
                continue
            s0 = line.project(ap)
            near = np.array(line.interpolate(s0).coords[0])
            pref = 1.0 if cross(offset_point(line, s0, 1.0, 0.0)[1], np.array(anchor) - near) >= 0 else -1.0
            for ds in shifts(15.0, max_shift):
                s = s0 + ds
                if s < wdt / 2.0 + 8.0 or s > line.length - wdt / 2.0 - 8.0:
                    continue
                for side in (pref, -pref):
                    p, t, fc = offset_point(line, s, side, setback)
                    n = (fc - p) / setback
                    c1, c2 = fc - t * wdt / 2.0, fc + t * wdt / 2.0
                    rect = Polygon([c1, c2, c2 + n * dep, c1 + n * dep])
                    if _rect_ok(county, rect, tree, clearance=setback - 3.0, zone=zone):
                        return {"poly": rect, "front": (c1, c2), "normal": -n, "front_line": line}
    return None


def place_big_campuses(county: County) -> None:
    """Place schools (not town kindergartens) against skeleton roads before streets are filled in."""
    rng = county.rng
    county.river_no_go = county.river_full.buffer(70.0)
    county.district_inner = county.district.buffer(-150.0)
    geoms = [r["geom"] for r in county.raw]
    tree = shapely.STRtree(geoms)
    county.schools = []
    for name, level, enrol, boarders, anchor, fronts, abbrs in TOWN_SCHOOLS:
        lines = [road_line(county, f) for f in fronts]
        m2 = rng.uniform(15.0, 20.0) if level != "完全中学" else 20.0
        placed = place_campus(county, enrol * m2, anchor, lines, tree, setback=11.0)
        add_school(county, name, level, enrol, boarders, placed, abbrs, "town")
    # township schools
    for tname, _seat, short, _main_name, cross_name, ref in TOWNSHIPS:
        cr = county.county_roads[ref]
        outline = county.township_outlines[tname]
        main_line = cr.intersection(outline.buffer(400.0))
        main_line = max(shapely.get_parts(main_line), key=lambda g: g.length)
        cross = road_by_key(county, (tname, cross_name))
        sp = county.seat_points[tname]
        junior_enrol = {"龙岗镇": 1100, "石桥镇": 900, "白沙乡": 600}[tname]
        junior_board = {"龙岗镇": 300, "石桥镇": 200, "白沙乡": 150}[tname]
        primary_enrol = {"龙岗镇": 900, "石桥镇": 700, "白沙乡": 500}[tname]
        for nm, lvl, en, bo, off, fr, ab in (
            (
                f"{tname}中学",
                "初中",
                junior_enrol,
                junior_board,
                (350.0, 250.0),
                [main_line, cross],
                (f"{short}中学",),
            ),
            (
                f"{tname}中心小学",
                "小学",
                primary_enrol,
                0,
                (-300.0, -200.0),
                [cross, main_line],
                (f"{short}中心小学", "中心小学"),
            ),
        ):
            anchor = (sp[0] + off[0], sp[1] + off[1])
            placed = place_campus(
                county, en * rng.uniform(18.0, 24.0), anchor, fr, tree, setback=10.0, zone=outline.buffer(500.0)
            )
            add_school(county, nm, lvl, en, bo, placed, ab, tname)
    # village primary schools and teaching points
    rural = [v for v in county.villages if v not in URBAN_VILLAGES]
    sizes = [320, 260, 210, 180, 150, 120, 95, 70, 52, 38, 24, 15]
    for vname, en in zip(rural[: len(sizes)], sizes, strict=False):
        v = county.villages[vname]
        if v["access"] is None:
            continue
        tname = county.township_of(*v["pos"])
        if en >= 200:
            nm = f"{tname}{vname[:-1]}完小"
        elif en >= 60:
            nm = f"{tname}{vname[:-1]}小学"
        else:
            nm = f"{tname}{vname[:-1]}教学点"
        short = nm.removeprefix(tname)
        area = max(en * rng.uniform(20.0, 25.0), 1800.0)
        placed = place_campus(county, area, v["pos"], [v["access"]], tree, setback=9.0, max_shift=500.0)
        add_school(county, nm, "小学", en, 0, placed, (short,), tname, village=vname)


def add_school(
    county: County,
    name: str,
    level: str,
    enrol: int,
    boarders: int,
    placed: dict[str, Any] | None,
    abbrs: tuple[str, ...],
    zone: str,
    village: str | None = None,
) -> None:
    """Record a placed school under the next ``SCHnnnn`` id (a warning when it could not be placed)."""
    if placed is None:
        LOGGER.warning("demo: could not place campus of %s", name)
        return
    sid = f"SCH{len(county.schools) + 1:04d}"
    rec = {
        "id": sid,
        "name": name,
        "level": level,
        "enrol": int(enrol),
        "boarders": int(boarders),
        "abbrs": abbrs,
        "zone": zone,
        "village": village,
        **placed,
    }
    county.schools.append(rec)
    county.campuses.append(rec)


def place_kindergartens(county: County) -> None:
    """Place kindergartens beside local streets after the network is final."""
    rng = county.rng
    town_local = [
        i
        for i in range(len(county.net))
        if county.net.at[i, "cls"] in ("local", "collector")
        and county.town_outline.contains(county.net_geoms[i].centroid)
    ]
    for name, enrol, anchor in TOWN_KINDERGARTENS:
        ap = Point(anchor)
        near = sorted(town_local, key=lambda i: county.net_geoms[i].distance(ap))[:25]
        fronts = [county.net_geoms[i] for i in near]
        placed = place_campus(
            county, enrol * rng.uniform(9.0, 12.0), anchor, fronts, county.net_tree, setback=9.0, max_shift=300.0
        )
        add_school(county, name, "幼儿园", enrol, 0, placed, (name.removeprefix(COUNTY),), "town")
    extra = {
        "龙岗镇": (("龙岗镇中心幼儿园", 220), ("龙岗镇小博士幼儿园", 120)),
        "石桥镇": (("石桥镇中心幼儿园", 180), ("石桥镇春苗幼儿园", 100)),
        "白沙乡": (("白沙乡中心幼儿园", 150), ("白沙乡快乐幼儿园", 90)),
    }
    for tname, items in extra.items():
        outline = county.township_outlines[tname]
        cand = [i for i in range(len(county.net)) if outline.contains(county.net_geoms[i].centroid)]
        sp = county.seat_points[tname]
        for name, enrol in items:
            ang = rng.uniform(0, 2 * np.pi)
            anchor = (sp[0] + 250.0 * math.cos(ang), sp[1] + 250.0 * math.sin(ang))
            near = sorted(cand, key=lambda i: county.net_geoms[i].distance(Point(anchor)))[:20]
            placed = place_campus(
                county,
                max(enrol * rng.uniform(9.0, 12.0), 1200.0),
                anchor,
                [county.net_geoms[i] for i in near],
                county.net_tree,
                setback=9.0,
                max_shift=300.0,
            )
            short = name.removeprefix(tname)
            add_school(county, name, "幼儿园", enrol, 0, placed, (short,), tname)


def make_gates(county: County) -> None:
    """Put a main gate on each campus front and up to two side gates facing roads."""
    rng = county.rng
    for sc in county.schools:
        poly = sc["poly"]
        c1, c2 = sc["front"]
        best = None
        for f in (0.5 + rng.uniform(-0.2, 0.2), 0.5, 0.35, 0.65, 0.2, 0.8):
            g = c1 + (c2 - c1) * f
            i = nearest_piece(county, g)
            d = county.net_geoms[i].distance(Point(g))
            if d <= 14.0:
                best = g
                break
        if best is None:
            best = _closest_boundary_point(county, poly)
        gates = [{"name": "正门", "pt": best, "main": True}]
        n_extra = 2 if sc["enrol"] >= 1500 else 1 if sc["enrol"] >= 500 else 0
        if n_extra:
            ring = shapely.get_coordinates(poly.exterior)
            options = []
            for k in range(4):
                a, b = ring[k], ring[k + 1]
                if np.allclose(a, c1) and np.allclose(b, c2):
                    continue
                length = np.hypot(*(b - a))
                ts = np.arange(8.0, length - 8.0, 4.0) / length
                if len(ts) == 0:
                    continue
                pts = a + (b - a) * ts[:, None]
                _, dist = county.net_tree.query_nearest(shapely.points(pts), return_distance=True, all_matches=False)
                j = int(np.argmin(dist))
                if dist[j] <= 13.0:
                    mid = (a + b) / 2.0
                    centre = np.array(poly.centroid.coords[0])
                    out = mid - centre
                    options.append((float(dist[j]), dir_word(*out), pts[j]))
            options.sort(key=lambda o: o[0])
            used = set()
            for _, word, pt in options:
                if len(gates) > n_extra or word in used:
                    continue
                used.add(word)
                gates.append({"name": f"{word}门", "pt": pt, "main": False})
        sc["gates"] = gates


def _closest_boundary_point(county: County, poly: Polygon) -> np.ndarray:
    """Return the point of the campus boundary nearest to a road."""
    ring = shapely.segmentize(poly.exterior, 2.0)
    pts = shapely.points(shapely.get_coordinates(ring))
    _, dist = county.net_tree.query_nearest(pts, return_distance=True, all_matches=False)
    j = int(np.argmin(dist))
    if dist[j] > 14.0:
        LOGGER.warning("demo: campus %s is %.1f m from the nearest road", poly.centroid, dist[j])
    return shapely.get_coordinates(pts[j])[0]


def school_windows(county: County, level: str, zone: str) -> tuple[str, str, str]:
    """Draw the school's arrival, noon and afternoon release windows (``HH:MM-HH:MM``) for its level."""
    rng = county.rng

    def win(start_lo: int, start_hi: int, dur: tuple[int, ...]) -> str:
        start = int(rng.choice(np.arange(start_lo, start_hi + 1, 5)))
        end = start + int(rng.choice(dur))
        return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"

    h = 60
    if level == "幼儿园":
        return (
            win(7 * h + 45, 7 * h + 55, (30, 35)),
            win(11 * h + 30, 11 * h + 35, (20, 25)),
            win(16 * h, 16 * h + 10, (30,)),
        )
    if level == "小学":
        rural = zone != "town"
        return (
            win(7 * h + 15, 7 * h + 30, (30, 35)) if not rural else win(7 * h + 30, 7 * h + 40, (30,)),
            win(11 * h + 35, 11 * h + 45, (25,)),
            win(16 * h + 30, 16 * h + 50, (30, 40)),
        )
    if level in ("初中", "九年一贯制"):
        return (
            win(7 * h, 7 * h + 15, (30,)),
            win(11 * h + 45, 11 * h + 50, (20,)),
            win(17 * h, 17 * h + 15, (30, 40)),
        )
    if level == "职业学校":
        return (
            win(7 * h + 30, 7 * h + 35, (30,)),
            win(11 * h + 50, 11 * h + 50, (20,)),
            win(17 * h, 17 * h + 10, (30, 40)),
        )
    return win(7 * h, 7 * h, (30,)), win(11 * h + 50, 11 * h + 50, (20,)), win(17 * h + 30, 17 * h + 40, (30,))


def school_rows(county: County) -> None:
    """Give every school its township, station, address, gate road and time windows."""
    for sc in county.schools:
        gate = sc["gates"][0]["pt"]
        tname = county.township_of(*gate)
        road = county.net.at[nearest_piece(county, gate, named=True), "name"]
        if sc["village"]:
            addr = f"{COUNTY}{tname}{sc['village']}"
        else:
            addr = f"{COUNTY}{tname}{road}{house_number(county, road, gate)}号"
        sc["township"] = tname
        sc["station"] = county.station_at(gate)
        sc["address"] = addr
        sc["gate_road"] = road
        sc["windows"] = school_windows(county, sc["level"], sc["zone"])
