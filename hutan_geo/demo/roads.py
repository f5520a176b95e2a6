"""The river and the road skeleton: G207, town arterials and collectors, county roads, townships, villages."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely import LineString, Point, Polygon
from shapely.ops import linemerge

from hutan_geo.demo.content import RURAL_VILLAGES, TOWNSHIPS, URBAN_VILLAGES
from hutan_geo.demo.geometry import cut_to, noisy_ellipse, offset_point, wiggle

if TYPE_CHECKING:
    from hutan_geo.demo.state import County

LOGGER = logging.getLogger("hutan_geo")

_RIVER_HALF_WIDTH = 25.0

_BRIDGE_HALF = 35.0


def add_road(
    county: County,
    geom: Any,
    name: str,
    cls: str,
    *,
    ref: str = "",
    lanes: int | None = None,
    oneway: int = 0,
    key: Any = None,
    zone: str = "",
) -> None:
    """Add the line parts of ``geom`` to the raw roads (lanes default by class)."""
    if lanes is None:
        lanes = {
            "national_highway": 4,
            "arterial": 4,
            "collector": 2,
            "local": 2,
            "county_road": 2,
            "village_road": 1,
        }[cls]
    for part in shapely.get_parts(geom):
        if part.geom_type == "LineString" and part.length > 1.0:
            county.raw.append(
                {
                    "geom": part,
                    "name": name,
                    "ref": ref,
                    "cls": cls,
                    "lanes": lanes,
                    "oneway": oneway,
                    "key": key if key is not None else name,
                    "zone": zone,
                    "bridge": 0,
                }
            )


def road_line(county: County, name: str) -> LineString:
    """Return the raw road called ``name`` (its pieces merged)."""
    parts = [r["geom"] for r in county.raw if r["name"] == name]
    return parts[0] if len(parts) == 1 else linemerge(parts)


def road_by_key(county: County, key: Any) -> LineString:
    """Return the raw road of ``key`` (the longest merged part when it has several)."""
    parts = [r["geom"] for r in county.raw if r["key"] == key]
    return parts[0] if len(parts) == 1 else max(shapely.get_parts(linemerge(parts)), key=lambda g: g.length)


def build_river(county: County) -> None:
    """Draw the river 青岚河 west to east through the county seat."""
    pts = [
        (-17000, 2500),
        (-12000, 1200),
        (-8000, 600),
        (-5000, -600),
        (-3000, -1500),
        (-1000, -1450),
        (1000, -1650),
        (3000, -1450),
        (5000, -1900),
        (8000, -2900),
        (12000, -2000),
        (15000, -2800),
        (19000, -3200),
    ]
    river = wiggle(pts, county.rng, 140.0, wavelength=(900.0, 3000.0), step=60.0, taper=False)
    county.river_full = river
    county.river = river.intersection(county.district)
    county.river_poly = river.buffer(_RIVER_HALF_WIDTH)
    south = Polygon([*river.coords, (19000, -30000), (-17000, -30000)])
    county.south_poly = shapely.make_valid(south)


#: Town roads in drawing order: name, points, class, wiggle amplitude (m), the road it starts on,
#: the road it ends on, lanes (None: the class default).
_TOWN_ROADS: tuple[tuple[str, list[tuple[int, int]], str, int, str | None, str | None, int | None], ...] = (
    (
        "人民路",
        [(-3150, 60), (-1500, -30), (0, 0), (1500, 80), (3000, -40), (4400, 100)],
        "arterial",
        35,
        "207国道",
        None,
        None,
    ),
    (
        "城北大道",
        [(-3200, 1900), (-1500, 1960), (0, 2000), (1500, 1900), (3000, 2050), (4100, 1950)],
        "arterial",
        35,
        "207国道",
        None,
        6,
    ),
    (
        "解放路",
        [(250, 2100), (200, 1000), (320, 0), (250, -1000), (300, -2000), (350, -2700)],
        "arterial",
        30,
        "城北大道",
        None,
        None,
    ),
    ("建设大道", [(2600, 3000), (2550, 1000), (2650, 0), (2600, -1500), (2700, -3300)], "arterial", 35, None, None, 6),
    (
        "青年路",
        [(-3150, 880), (-1500, 950), (0, 900), (1500, 1000), (3900, 880)],
        "collector",
        30,
        "207国道",
        None,
        None,
    ),
    ("城西路", [(-2200, 2050), (-2250, 500), (-2200, -1150)], "collector", 25, "城北大道", "滨江路", None),
    ("文化路", [(-1300, 2050), (-1350, 500), (-1250, -1200)], "collector", 25, "城北大道", "滨江路", None),
    ("五一路", [(1400, 2000), (1450, 500), (1380, -1300)], "collector", 25, "城北大道", "滨江路", None),
    ("新华街", [(-1400, -550), (0, -500), (1450, -600)], "collector", 20, "文化路", "五一路", None),
    ("东风路", [(3700, 1950), (3650, 0), (3750, -1350)], "collector", 25, "城北大道", "滨江路", None),
    ("工业路", [(2550, 2650), (3400, 2700), (4300, 2600)], "collector", 20, "建设大道", None, None),
    ("迎宾路", [(3050, 0), (3400, 900), (4000, 1950)], "collector", 20, "人民路", "城北大道", None),
    (
        "南城大道",
        [(-3100, -2600), (-1500, -2500), (0, -2550), (1500, -2450), (2700, -2500), (3800, -2350)],
        "collector",
        30,
        "207国道",
        None,
        4,
    ),
    ("学府路", [(-1150, -1500), (-1100, -2000), (-1200, -2600)], "collector", 20, "滨江南路", "南城大道", None),
    ("和平路", [(1500, -1500), (1550, -2000), (1450, -2600)], "collector", 20, "滨江南路", "南城大道", None),
)


def build_town_skeleton(county: County) -> None:
    """Lay out G207, the arterials, collectors and river-bank roads of the county seat."""
    rng = county.rng
    g207 = wiggle(
        [
            (-3900, 11500),
            (-3400, 6000),
            (-3050, 2500),
            (-3000, 0),
            (-2950, -1600),
            (-3150, -4500),
            (-2600, -8000),
            (-2000, -12500),
        ],
        rng,
        140.0,
        wavelength=(1500.0, 5000.0),
        step=50.0,
    )
    add_road(county, g207, "207国道", "national_highway", ref="G207")
    county.g207 = g207
    _river_bank_roads(county, g207)
    for name, pts, cls, amp, start, end, lanes in _TOWN_ROADS:
        line = wiggle(pts, rng, amp, wavelength=(700.0, 2500.0))
        if start:
            line = cut_to(line, road_line(county, start), at_end=False)
        if end:
            line = cut_to(line, road_line(county, end), at_end=True)
        add_road(county, line, name, cls, lanes=lanes)
    # the two southern ends of 解放路 / 建设大道 stop at 南城大道 / continue as X103
    jf = road_line(county, "解放路")
    county.raw = [r for r in county.raw if r["name"] != "解放路"]
    add_road(county, cut_to(jf, road_line(county, "南城大道"), at_end=True), "解放路", "arterial")

    outline = noisy_ellipse(rng, 400.0, -250.0, 4300.0, 3150.0, 0.05)
    county.town_outline = outline


def _river_bank_roads(county: County, g207: LineString) -> None:
    """Add the river-bank roads 滨江路 (north) and 滨江南路 (south), both starting on G207."""
    box = shapely.box(-3500, -4000, 4400, 1000)
    north_bank = shapely.offset_curve(county.river_full, 80.0, quad_segs=2).intersection(box)
    north_bank = max(shapely.get_parts(north_bank), key=lambda g: g.length)
    north_bank = cut_to(north_bank, g207, at_end=False)
    add_road(county, shapely.simplify(north_bank, 1.0), "滨江路", "arterial")
    box_s = shapely.box(-3500, -4000, 3900, 1000)
    south_bank = shapely.offset_curve(county.river_full, -80.0, quad_segs=2).intersection(box_s)
    south_bank = max(shapely.get_parts(south_bank), key=lambda g: g.length)
    if south_bank.coords[0][0] > south_bank.coords[-1][0]:
        south_bank = south_bank.reverse()
    south_bank = cut_to(south_bank, g207, at_end=False)
    add_road(county, shapely.simplify(south_bank, 1.0), "滨江南路", "collector")


def build_county_roads(county: County) -> None:
    """Join the townships and the county edge with county roads (县道)."""
    rng = county.rng
    ends = {
        "X101": road_line(county, "人民路").coords[-1],
        "X102": None,
        "X103": road_line(county, "建设大道").coords[-1],
    }
    g207 = county.g207
    p_x102 = np.array(g207.interpolate(g207.project(Point(-3150, -4500))).coords[0])
    ends["X102"] = tuple(p_x102)
    specs = [
        (
            "城龙公路",
            "X101",
            [ends["X101"], (6500, 2000), (9000, 4200), (10500, 5500), (12500, 6800), (16500, 8600)],
        ),
        ("城石公路", "X102", [ends["X102"], (-5500, -5200), (-8500, -6500), (-11000, -6800), (-14000, -7600)]),
        (
            "城白公路",
            "X103",
            [ends["X103"], (4800, -4200), (7200, -5600), (9000, -6500), (11500, -7600), (16500, -9200)],
        ),
        ("X105县道", "X105", [road_line(county, "建设大道").coords[0], (3000, 4500), (4200, 6500), (5200, 10500)]),
        (
            "西山公路",
            "X106",
            [
                tuple(g207.interpolate(g207.project(Point(-3300, 4200))).coords[0]),
                (-5500, 4300),
                (-8000, 3800),
                (-10500, 4200),
                (-14000, 4000),
            ],
        ),
    ]
    county.county_roads = {}
    for name, ref, pts in specs:
        line = wiggle(pts, rng, 250.0, wavelength=(2500.0, 6000.0), step=60.0)
        line = wiggle(line.coords, rng, 10.0, wavelength=(400.0, 1200.0), step=30.0)
        county.county_roads[ref] = line
        add_road(county, line, name, "county_road", ref=ref)


def build_townships(county: County) -> None:
    """Give each township an outline, a cross street and a back street."""
    rng = county.rng
    county.township_outlines = {}
    county.township_main = {}
    county.seat_points = {}
    for tname, (sx, sy), _short, main_name, cross_name, ref in TOWNSHIPS:
        cr = county.county_roads[ref]
        s0 = cr.project(Point(sx, sy))
        p, t, _ = offset_point(cr, s0, 1.0, 0.0)
        angle = math.atan2(t[1], t[0])
        outline = noisy_ellipse(rng, p[0], p[1], 800.0, 550.0, angle)
        county.township_outlines[tname] = outline
        county.township_main[tname] = main_name
        n = np.array([-t[1], t[0]])
        a = p - n * 650.0 + t * 60.0
        b = p + n * 650.0 - t * 40.0
        cross = wiggle([tuple(a), tuple(p + t * 10.0), tuple(b)], rng, 20.0, wavelength=(300.0, 700.0))
        cross = cross.intersection(outline)
        add_road(county, cross, cross_name, "collector", key=(tname, cross_name), zone=tname)
        # a back street parallel to the main street
        back = [tuple(p + n * 220.0 - t * 500.0), tuple(p + n * 240.0), tuple(p + n * 210.0 + t * 500.0)]
        back_line = wiggle(back, rng, 15.0, wavelength=(300.0, 700.0)).intersection(outline)
        add_road(county, back_line, f"{_short}后街", "local", key=(tname, "back"), zone=tname)
        county.seat_points[tname] = p


def build_villages(county: County) -> None:
    """Place villages and join them with village roads (村道), spurs and a few loops."""
    rng = county.rng
    # urban-edge villages first (fixed), then rural ones by rejection sampling
    fixed = dict(URBAN_VILLAGES)
    positions = dict(fixed)
    inner = county.district.buffer(-900.0)
    blocked = shapely.union_all(
        [
            county.town_outline.buffer(700.0),
            *[o.buffer(900.0) for o in county.township_outlines.values()],
            county.river_full.buffer(350.0),
        ]
    )
    names = list(RURAL_VILLAGES)
    tries = 0
    while names and tries < 20000:
        tries += 1
        x = rng.uniform(-12500, 15500)
        y = rng.uniform(-10000, 9500)
        pt = Point(x, y)
        if not inner.contains(pt) or blocked.contains(pt):
            continue
        if any(math.hypot(x - px, y - py) < 2300.0 for px, py in positions.values()):
            continue
        positions[names.pop(0)] = (x, y)
    # access roads, nearest first to the existing network on the same river side
    for vname, (x, y) in positions.items():
        _connect_village(county, vname, x, y)
    # a few loops between neighbouring villages on the same side of the river
    items = list(positions.items())
    loops = 0
    for i, (a, pa) in enumerate(items[4:], start=4):
        for b, pb in items[i + 1 :]:
            d = math.hypot(pa[0] - pb[0], pa[1] - pb[1])
            if d < 4200.0 and loops < 7 and rng.random() < 0.5:
                line = LineString([pa, pb])
                if line.intersects(county.river_full.buffer(60.0)):
                    continue
                geom = wiggle(line.coords, rng, 0.08 * d, wavelength=(600.0, 1800.0))
                add_road(county, geom, f"{a[:-1]}至{b[:-1]}村道", "village_road", key=("loop", a, b))
                loops += 1
    county.village_pos = positions


def _connect_village(county: County, vname: str, x: float, y: float) -> None:
    """Join a village to the nearest road on its side of the river, with spurs to its hamlets."""
    rng = county.rng
    lines = [r["geom"] for r in county.raw if r["cls"] != "local"]
    pt = Point(x, y)
    south = county.south_of_river(x, y)
    best = None
    for idx in np.argsort(shapely.distance(lines, pt))[:8]:
        target = lines[int(idx)]
        q = target.interpolate(target.project(pt))
        if county.south_of_river(q.x, q.y) != south:
            continue
        seg = LineString([(x, y), (q.x, q.y)])
        if seg.intersects(county.river_full.buffer(60.0)):
            continue
        best = (target, q)
        break
    if best is None:
        LOGGER.debug("demo: village %s has no access road", vname)
        return
    target, q = best
    d = math.hypot(q.x - x, q.y - y)
    if d < 30.0:
        village_geom = None
    else:
        village_geom = wiggle([(q.x, q.y), (x, y)], rng, min(0.1 * d, 250.0), wavelength=(500.0, 1500.0))
        village_geom = cut_to(village_geom, target, at_end=False)
        add_road(county, village_geom, f"{vname[:-1]}村道", "village_road", key=("access", vname))
    # one or two short spurs to hamlets, some unnamed (not for villages on the edge of town)
    n_spurs = 0 if vname in URBAN_VILLAGES else int(rng.integers(1, 3))
    for k in range(n_spurs):
        ang = rng.uniform(0, 2 * np.pi)
        length = rng.uniform(250, 650)
        end = (x + length * math.cos(ang), y + length * math.sin(ang))
        spur = wiggle([(x, y), end], rng, 0.1 * length, wavelength=(200.0, 600.0))
        if spur.intersects(county.river_full.buffer(60.0)) or not county.district.buffer(-100).contains(spur):
            continue
        nm = "" if rng.random() < 0.5 else f"{vname[:-1]}{'一二三'[k]}组村道"
        add_road(county, spur, nm, "village_road", key=("spur", vname, k))
    county.villages[vname] = {"pos": (x, y), "access": village_geom, "junction": (q.x, q.y)}


def clip_raw(county: County) -> None:
    """Clip roads to the district and keep them off the river except at three bridges."""
    out = []
    river_cut = county.river_full.buffer(_RIVER_HALF_WIDTH + 5.0)
    deck = county.river_full.buffer(_BRIDGE_HALF)
    bridges = {"207国道", "解放路", "建设大道"}
    for r in county.raw:
        g = r["geom"].intersection(county.district)
        if r["name"] in bridges and g.intersects(county.river_full):
            on = g.intersection(deck)
            off = g.difference(deck)
            for part in shapely.get_parts(on):
                out.append({**r, "geom": part, "bridge": 1})
            for part in shapely.get_parts(off):
                out.append({**r, "geom": part})
            continue
        if g.intersects(river_cut):
            g = g.difference(river_cut)
        for part in shapely.get_parts(g):
            if part.geom_type == "LineString" and part.length > 20.0:
                out.append({**r, "geom": part})
    county.raw = out
