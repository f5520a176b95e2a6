"""Local streets: jittered street grids between the skeleton roads, their names and one-way streets."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from shapely import LineString, Polygon
from shapely.affinity import rotate

from hutan_geo.demo.roads import add_road

if TYPE_CHECKING:
    from hutan_geo.demo.state import County

_STREET_PREFIXES = [
    "幸福",
    "团结",
    "朝阳",
    "桂花",
    "建新",
    "光明",
    "和平",
    "向阳",
    "红旗",
    "书院",
    "仓前",
    "府前",
    "学前",
    "东关",
    "西关",
    "南关",
    "北关",
    "金桥",
    "玉泉",
    "青石",
    "太平",
    "永安",
    "长寿",
    "兴隆",
    "富民",
    "桃源",
    "枫林",
    "竹园",
    "荷塘",
    "凤凰",
    "龙泉",
    "文昌",
    "城隍",
    "米市",
    "盐井",
    "油铺",
    "铁匠",
    "柴市",
    "花园",
    "园林",
    "环城",
    "新村",
    "曙光",
    "民主",
    "友谊",
    "育才",
    "启明",
    "紫荆",
    "香樟",
    "银杏",
    "梧桐",
    "杨柳",
    "石板",
    "水井",
    "古井",
    "前进",
    "振兴",
    "繁荣",
    "新民",
    "康乐",
    "安居",
    "丰收",
    "锦绣",
    "茶园",
    "果园",
    "松林",
    "樟树",
    "月塘",
    "莲花",
    "蔡家",
    "刘家",
    "陈家",
    "周家",
    "王家",
    "李家",
    "黄家",
    "谢家",
    "罗家",
    "唐家",
    "萧家",
    "白果",
    "苏家",
    "彭家",
    "邓家",
    "曾家",
    "廖家",
    "马王",
    "观音",
    "鼓楼",
    "钟楼",
    "土地",
    "关帝",
    "天符",
    "狮子",
    "大井",
    "青龙",
]

_STREET_SUFFIX = {
    "core": ("街", "巷", "巷", "街", "一巷", "二巷", "横街", "后巷"),
    "outer": ("路", "路", "街", "巷", "东路", "西路", "北路", "一巷"),
    "south": ("路", "路", "街", "南路", "东路", "西路", "二巷"),
    "township": ("街", "巷", "一巷", "横街", "后街"),
}


def _street_name(county: County, zone: str) -> str:
    """Return an unused street name from the shuffled pool that fits ``zone``'s suffixes."""
    while True:
        if not county.name_pool:
            combos = [p + s for p in _STREET_PREFIXES for s in sorted(set(sum(_STREET_SUFFIX.values(), ())))]
            county.rng.shuffle(combos)
            county.name_pool = combos
        nm = county.name_pool.pop()
        suffixes = _STREET_SUFFIX[zone]
        if any(nm.endswith(s) and nm[: -len(s)] in _STREET_PREFIXES for s in suffixes) and nm not in county.used_names:
            county.used_names.add(nm)
            return nm
        county.name_pool.insert(0, nm)
        if county.rng.random() < 0.02:
            county.rng.shuffle(county.name_pool)


def _lattice(
    county: County, face: Polygon, region: Any, spacing: float, p_keep: float, face_id: int
) -> list[tuple[LineString, tuple[Any, ...]]]:
    """Return jittered grid streets (with their street keys) filling ``region`` of one face."""
    rng = county.rng
    mrr = shapely.minimum_rotated_rectangle(face)
    xy = shapely.get_coordinates(mrr)[:4]
    e1, e2 = xy[1] - xy[0], xy[2] - xy[1]
    long_edge = e1 if np.hypot(*e1) >= np.hypot(*e2) else e2
    angle = math.degrees(math.atan2(long_edge[1], long_edge[0])) + rng.normal(0.0, 6.0)
    c = face.centroid
    fr = rotate(face, -angle, origin=c)
    minx, miny, maxx, maxy = fr.bounds
    sx = spacing * rng.uniform(0.85, 1.25)
    sy = spacing * rng.uniform(0.75, 1.1)
    xs = np.arange(minx - sx + rng.uniform(0, sx), maxx + sx, sx)
    ys = np.arange(miny - sy + rng.uniform(0, sy), maxy + sy, sy)
    gx, gy = np.meshgrid(xs, ys)
    gx = gx + rng.normal(0.0, 0.09 * sx, gx.shape)
    gy = gy + rng.normal(0.0, 0.09 * sy, gy.shape)
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    px = c.x + (gx - c.x) * ca - (gy - c.y) * sa
    py = c.y + (gx - c.x) * sa + (gy - c.y) * ca
    pts = shapely.points(px, py)
    inside = shapely.contains(face, pts) & (shapely.distance(face.boundary, pts) >= 0.3 * min(sx, sy))
    dropped = rng.random(inside.shape) < 0.04
    out: list[tuple[LineString, tuple[Any, ...]]] = []
    ny, nx = gx.shape
    for direction in ("h", "v"):
        if direction == "h":
            ja, ia = np.meshgrid(np.arange(ny), np.arange(nx - 1), indexing="ij")
            jb, ib = ja, ia + 1
        else:
            ja, ia = np.meshgrid(np.arange(ny - 1), np.arange(nx), indexing="ij")
            jb, ib = ja + 1, ia
        ja, ia, jb, ib = (v.ravel() for v in (ja, ia, jb, ib))
        keep = rng.random(len(ja)) < p_keep
        curve = rng.normal(0.0, 0.05, len(ja)) * (rng.random(len(ja)) < 0.35)
        for k in np.flatnonzero(keep):
            a_in, b_in = inside[ja[k], ia[k]], inside[jb[k], ib[k]]
            if not (a_in or b_in) or dropped[ja[k], ia[k]] or dropped[jb[k], ib[k]]:
                continue
            a = np.array([px[ja[k], ia[k]], py[ja[k], ia[k]]])
            b = np.array([px[jb[k], ib[k]], py[jb[k], ib[k]]])
            if not a_in:
                a = b + (a - b) * 1.6
            elif not b_in:
                b = a + (b - a) * 1.6
            d = b - a
            m = (a + b) / 2.0 + np.array([-d[1], d[0]]) * curve[k]
            street = (face_id, direction, int(ja[k] if direction == "h" else ia[k]))
            out.append((LineString([a, m, b]), street))
    if not out:
        return []
    geoms = shapely.intersection([g for g, _ in out], region)
    result = []
    for g, (_, key) in zip(geoms, out, strict=True):
        for part in shapely.get_parts(g):
            if part.geom_type == "LineString" and part.length >= 20.0:
                result.append((part, key))
    return result


def fill_streets(county: County) -> None:
    """Fill the blocks between skeleton roads with jittered local street grids."""
    rng = county.rng
    skeleton = [r["geom"] for r in county.raw]
    campus_block = shapely.union_all([c["poly"].buffer(12.0) for c in county.campuses])
    river_block = county.river_full.buffer(60.0)
    g207_block = county.g207.buffer(40.0)
    jobs: list[tuple[Polygon, Any, float, float, str]] = []
    town_lines = [g.intersection(county.town_outline) for g in skeleton if g.intersects(county.town_outline)]
    noded = shapely.union_all([*town_lines, county.town_outline.boundary], grid_size=0.01)
    for face in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))):
        rp = face.representative_point()
        if not county.town_outline.contains(rp) or rp.x < county.g207.interpolate(county.g207.project(rp)).x:
            continue
        if face.area < 15000.0:
            continue
        core = (rp.x / 1450.0) ** 2 + ((rp.y + 150.0) / 1150.0) ** 2 < 1.0
        south = county.south_of_river(rp.x, rp.y)
        dist = math.hypot(rp.x, rp.y)
        if core:
            zone, spacing, p_keep = "core", 95.0, 0.84
        elif south:
            zone, spacing, p_keep = "south", 190.0, 0.74
        else:
            zone, spacing, p_keep = "outer", 160.0 + 35.0 * max(0.0, dist - 1500.0) / 1000.0, 0.72
        if zone != "core" and dist > 3000.0 and rng.random() < 0.35:
            continue  # fields on the edge of town
        region = face.difference(shapely.union_all([campus_block, river_block, g207_block]))
        jobs.append((face, region, spacing, p_keep, zone))
    for tname, outline in county.township_outlines.items():
        t_lines = [g.intersection(outline) for g in skeleton if g.intersects(outline)]
        noded_t = shapely.union_all([*t_lines, outline.boundary], grid_size=0.01)
        for face in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded_t))):
            if not outline.contains(face.representative_point()) or face.area < 8000.0:
                continue
            region = face.difference(shapely.union_all([campus_block, river_block]))
            jobs.append((face, region, rng.uniform(95.0, 130.0), 0.72, f"township:{tname}"))
    key_names: dict[Any, str] = {}
    county.oneway_keys = set()
    core_keys: list[Any] = []
    for face_id, (face, region, spacing, p_keep, zone) in enumerate(jobs):
        pool_zone = "township" if zone.startswith("township") else zone
        for geom, key in _lattice(county, face, region, spacing, p_keep, face_id):
            if key not in key_names:
                key_names[key] = _street_name(county, pool_zone)
                if zone == "core":
                    core_keys.append(key)
            add_road(county, geom, key_names[key], "local", key=key, zone=zone)
    # a handful of one-way streets in the old town
    counts = pd.Series([r["key"] for r in county.raw if r["zone"] == "core"]).value_counts()
    candidates = [k for k in core_keys if counts.get(k, 0) >= 3]
    chosen = [candidates[i] for i in sorted(rng.choice(len(candidates), size=min(8, len(candidates)), replace=False))]
    for i, key in enumerate(chosen):
        county.oneway_keys.add(key)
        for r in county.raw:
            if r["key"] == key:
                r["oneway"] = 1
                r["lanes"] = 1
                if i % 2 == 1:
                    r["geom"] = r["geom"].reverse()
    # rename the county roads inside townships to the township's main street
    for r in county.raw:
        if r["cls"] == "county_road":
            for tname, outline in county.township_outlines.items():
                if r["geom"].intersects(outline):
                    inside = r["geom"].intersection(outline)
                    outside = r["geom"].difference(outline)
                    r["geom"] = outside
                    add_road(
                        county,
                        inside,
                        county.township_main[tname],
                        "collector",
                        ref=r["ref"],
                        key=(tname, "main"),
                        zone=tname,
                        lanes=2,
                    )
    county.raw = [r for r in county.raw if not r["geom"].is_empty]
    exploded = []
    for r in county.raw:
        for part in shapely.get_parts(r["geom"]):
            if part.geom_type == "LineString" and part.length > 1.0:
                exploded.append({**r, "geom": part})
    county.raw = exploded
