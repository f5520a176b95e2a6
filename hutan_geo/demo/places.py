"""Villages and points of interest beside roads."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely import Point

from hutan_geo.demo.content import TOWNSHIPS
from hutan_geo.demo.geometry import offset_point, shifts
from hutan_geo.demo.network import nearest_piece

if TYPE_CHECKING:
    from hutan_geo.demo.state import County

LOGGER = logging.getLogger("hutan_geo")


def roadside_point(
    county: County,
    anchor: tuple[float, float],
    *,
    offset: float = 16.0,
    names: tuple[str, ...] = (),
    max_shift: float = 300.0,
) -> tuple[np.ndarray, str] | None:
    """Return a free spot ``offset`` metres beside a named road near ``anchor`` and that road's name, or None."""
    ap = Point(anchor)
    if names:
        cand = [county.name_lines[n] for n in names if n in county.name_lines]
    else:
        idx = county.net_tree.query(ap.buffer(250.0))
        idx = [int(i) for i in idx if county.net.at[int(i), "name"] and county.net.at[int(i), "cls"] != "village_road"]
        if not idx:
            idx = [nearest_piece(county, np.array(anchor), named=True)]
        cand = [county.name_lines[county.net.at[i, "name"]] for i in sorted(set(idx))]
    cand = sorted(cand, key=lambda g: g.distance(ap))
    for geom in cand[:4]:
        line = min(shapely.get_parts(geom), key=lambda g: g.distance(ap))
        s0 = line.project(ap)
        for ds in shifts(12.0, max_shift):
            for side in (1.0, -1.0):
                _p, _, q = offset_point(line, s0 + ds, side, offset)
                qp = Point(q)
                if len(county.net_tree.query(qp, predicate="dwithin", distance=offset - 4.0)):
                    continue
                if any(c["poly"].distance(qp) < 8.0 for c in county.campuses):
                    continue
                if qp.distance(county.river_full) < 50.0 or not county.district_inner.contains(qp):
                    continue
                if any(math.dist(q, pl["pos"]) < 15.0 for pl in county.places):
                    continue
                nearest = county.net.at[nearest_piece(county, q, named=True), "name"]
                return q, nearest
    return None


def add_place(
    county: County, name: str, kind: str, pos: np.ndarray | tuple[float, float], **extra: Any
) -> dict[str, Any]:
    """Record a place (village, point of interest or station) and return its record."""
    rec = {"name": name, "kind": kind, "pos": np.asarray(pos, dtype=float), **extra}
    county.places.append(rec)
    return rec


def build_places(county: County) -> None:
    """Add villages and points of interest beside roads."""
    for vname, v in county.villages.items():
        add_place(county, vname, "村庄", v["pos"])
    pois = [
        ("青岚县人民政府", "政府机关", (0, 180), ("人民路",)),
        ("青岚县公安局", "政府机关", (650, 200), ("人民路",)),
        ("青岚县教育局", "政府机关", (-350, 250), ()),
        ("青岚县人民医院", "医院", (1150, -350), ("新华街", "解放路")),
        ("青岚县中医院", "医院", (-1500, 750), ("青年路",)),
        ("青岚县汽车站", "车站", (-2700, -100), ("人民路",)),
        ("城关农贸市场", "市场", (-400, -350), ()),
        ("南城农贸市场", "市场", (800, -2300), ()),
        ("青岚公园", "公园", (1900, -1100), ("滨江路",)),
        ("滨江公园", "公园", (-1700, -1150), ("滨江路",)),
        ("惠民超市", "商店", (500, 1200), ()),
        ("金盛超市", "商店", (-1900, -2300), ()),
        ("邻里便利店", "商店", (2300, 700), ()),
        ("极速网咖", "网吧", (3300, 2200), ()),
        ("飞扬台球室", "娱乐场所", (-2600, 1700), ()),
        ("星光KTV", "娱乐场所", (-800, -1000), ()),
        ("青岚县火车站（规划）", "车站", (-2500, -3200), ()),
    ]
    for tname, _seat, short, *_ in TOWNSHIPS:
        sp = county.seat_points[tname]
        pois += [
            (f"{tname}人民政府", "政府机关", (sp[0] + 120, sp[1] + 80), ()),
            (f"{tname}卫生院", "医院", (sp[0] - 150, sp[1] + 120), ()),
            (f"{tname}农贸市场", "市场", (sp[0] + 60, sp[1] - 150), ()),
            (f"{short}网吧", "网吧", (sp[0] - 250, sp[1] - 200), ()),
        ]
    for name, kind, anchor, names in pois:
        got = roadside_point(county, anchor, names=names)
        if got is None:
            LOGGER.warning("demo: could not place %s", name)
            continue
        add_place(county, name, kind, got[0], road=got[1])
