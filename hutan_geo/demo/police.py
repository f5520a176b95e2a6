"""Police: stations, precincts and 护学岗 guard posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely import Point, Polygon

from hutan_geo.demo.boundaries import district_faces
from hutan_geo.demo.content import TOWNSHIPS
from hutan_geo.demo.network import house_number, nearest_piece
from hutan_geo.demo.places import add_place, roadside_point

if TYPE_CHECKING:
    from hutan_geo.demo.state import County


def build_stations(county: County) -> None:
    """Place the police stations and the traffic-police squad beside roads."""
    specs = [
        ("城关派出所", (-300, 80), ("人民路",), 4, 38),
        ("城东派出所", (2900, 250), ("人民路", "建设大道"), 3, 24),
        ("城西派出所", (-2000, 1000), ("青年路",), 3, 22),
        ("龙岗派出所", None, (), 2, 12),
        ("石桥派出所", None, (), 1, 9),
        ("白沙派出所", None, (), 1, 8),
        ("县公安局交警大队城区中队", (-400, -2450), ("南城大道",), 2, 26),
    ]
    county.stations = []
    town_tnames = [t[0] for t in TOWNSHIPS]
    for k, (name, anchor, names, cars, officers) in enumerate(specs):
        if anchor is None:
            tname = town_tnames[k - 3]
            sp = county.seat_points[tname]
            anchor = (sp[0] - 100.0, sp[1] + 60.0)
            names = (county.township_main[tname],)
        got = roadside_point(county, anchor, names=names)
        if got is None:
            msg = f"demo: could not place station {name}"
            raise RuntimeError(msg)
        pos, road = got
        add_place(county, name, "政府机关", pos, road=road, hidden=True)
        county.stations.append(
            {
                "id": f"PCS{k + 1:02d}",
                "name": name,
                "pos": pos,
                "road": road,
                "cars": cars,
                "officers": officers,
                "address": f"{road}{house_number(county, road, pos)}号",
            }
        )


def build_precincts(county: County) -> None:
    """Split 城关镇 among the three town stations; re-tile townships and precincts together."""
    town = [s for s in county.stations if s["name"] in ("城关派出所", "城东派出所", "城西派出所")]
    chengguan = county.township_polys[0]
    pts = shapely.multipoints([s["pos"] for s in town])
    edges = shapely.voronoi_polygons(pts, extend_to=chengguan.buffer(5000.0), only_edges=True)
    edges = edges.intersection(chengguan.buffer(200.0))
    faces = district_faces(county, [county.district.boundary, *county.township_edges, edges])
    town_cells = list(shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=chengguan.buffer(5000.0))))
    precinct_of_town_cell = []
    for cell in town_cells:
        precinct_of_town_cell.append(next(s["name"] for s in town if cell.contains(Point(s["pos"]))))
    names_t = county.township_names
    station_of_tship = {"龙岗镇": "龙岗派出所", "石桥镇": "石桥派出所", "白沙乡": "白沙派出所"}
    t_groups: dict[str, list[Polygon]] = {n: [] for n in names_t}
    p_groups: dict[str, list[Polygon]] = {s["name"]: [] for s in county.stations[:6]}
    for f in faces:
        rp = f.representative_point()
        overl = [f.intersection(p).area for p in county.township_polys]
        tname = names_t[int(np.argmax(overl))]
        t_groups[tname].append(f)
        if tname == "城关镇":
            k = next(i for i, c in enumerate(town_cells) if c.contains(rp))
            p_groups[precinct_of_town_cell[k]].append(f)
        else:
            p_groups[station_of_tship[tname]].append(f)
    county.township_polys = [shapely.union_all(t_groups[n]) for n in names_t]
    county.precinct_polys = {k: shapely.union_all(v) for k, v in p_groups.items()}
    county.district_final = shapely.union_all(faces)


def build_guard_posts(county: County) -> None:
    """Put the existing 护学岗 guard posts a few metres out from the main gates of eight town schools."""
    picks = [
        ("青岚县第一中学", "早高峰;午高峰;晚高峰"),
        ("城关第一小学", "早高峰;晚高峰"),
        ("青岚县实验小学", "早高峰;晚高峰"),
        ("城关中学", "早高峰;晚高峰"),
        ("青岚县第二中学", "早高峰;晚高峰"),
        ("青岚县第三中学", "早高峰;晚高峰"),
        ("青岚县南城学校", "早高峰;晚高峰"),
        ("城关第二小学", "晚高峰"),
    ]
    by_name = {s["name"]: s for s in county.schools}
    county.guard_posts = []
    for k, (nm, windows) in enumerate(picks):
        sc = by_name.get(nm)
        if sc is None:
            continue
        gate = sc["gates"][0]
        i = nearest_piece(county, gate["pt"])
        q = np.array(
            shapely.line_interpolate_point(county.net_geoms[i], county.net_geoms[i].project(Point(gate["pt"]))).coords[
                0
            ]
        )
        d = q - gate["pt"]
        pos = gate["pt"] + d / max(np.hypot(*d), 1e-9) * 4.0
        county.guard_posts.append(
            {
                "id": f"HXG{k + 1:02d}",
                "school": sc["id"],
                "gate": gate["name"],
                "windows": windows,
                "pos": pos,
                "station": county.station_at(pos),
            }
        )
