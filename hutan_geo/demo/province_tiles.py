"""The counties of the fictional province: names, tile pool, layout and assembly of demo tiles.

A province county is made of 1 to 8 "tiles": demo districts from
:func:`~hutan_geo.demo.county.build_county` (one seed each), laid side by
side in the county's local metric frame, their IDs and names suffixed as the
demo's own copy machinery does (``-002``, ``-003``, ...), their road
networks joined by short two-way ``county_road`` links between the nearest
junctions of adjacent tiles, and the whole county moved to its place in the
province. Everything here works in metres.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
import shapely.affinity
from scipy.spatial import cKDTree

from hutan_geo.demo.boundaries import build_district
from hutan_geo.demo.content import COUNTY, FICTIONAL
from hutan_geo.demo.county import _suffix, build_county
from hutan_geo.demo.geometry import METRIC_EPSG, ORIGIN_LONLAT
from hutan_geo.demo.state import County
from hutan_geo.demo.tables import to_frames

LOGGER = logging.getLogger("hutan_geo")

#: Province frame: a transverse Mercator centred on the fictional province (metres, true scale at the centre).
PROVINCE_CENTRE = (111.7, 27.35)

#: Province extent (lon_min, lat_min, lon_max, lat_max): counties are packed from its north-east corner.
PROVINCE_BOUNDS = (108.8, 24.6, 114.6, 30.1)

#: Gap between neighbouring counties' polygons and between the bounding boxes of a county's tiles (metres).
GAP_M = 300.0

#: Distribution of county sizes in tiles (1..8): mean about 3.5 tiles.
TILE_WEIGHTS = np.array([0.13, 0.20, 0.22, 0.17, 0.12, 0.08, 0.05, 0.03])

#: Tile positions (column westwards, row southwards) of a county of n tiles.
TILE_GRID: dict[int, list[tuple[int, int]]] = {
    1: [(0, 0)],
    2: [(0, 0), (0, 1)],
    3: [(0, 0), (1, 0), (0, 1)],
    4: [(0, 0), (1, 0), (0, 1), (1, 1)],
    5: [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0)],
    6: [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (2, 1)],
    7: [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (2, 1), (3, 0)],
    8: [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1)],
}

_SYL1 = "云梅安乐永宁平江临清兰桂丰泰盛长和华新福兴嘉崇宜鹤松柳桃荷溪"
_SYL2 = "溪川阳源山水城岭陵州江宁平安丰湖峰林泉岗浦塘陂桥沙"

#: Columns that carry an ID (suffixed per tile; the school, station and post IDs also get the county prefix).
ID_COLS = {
    "schools": ["学校编号"],
    "campuses": ["学校编号"],
    "gates": ["学校编号"],
    "stations": ["派出所编号"],
    "guard_posts": ["护学岗编号", "学校编号"],
    "roads": ["road_id"],
    "townships": ["编码"],
    "precincts": ["编码"],
}
#: Columns that carry a name (suffixed per tile).
NAME_COLS = {
    "schools": ["学校名称", "乡镇", "派出所"],
    "campuses": ["学校名称"],
    "stations": ["派出所名称"],
    "guard_posts": ["派出所"],
    "places": ["名称", "乡镇"],
    "townships": ["名称"],
    "precincts": ["名称", "派出所"],
}
_PREFIXED = {"学校编号", "派出所编号", "护学岗编号"}


@dataclass(frozen=True)
class CountyPlan:
    """One county of the province plan.

    Attributes
    ----------
    county_id, name, seed
        ``C001``..; the fictional name (e.g. ``云溪县``); the seed of its hazard records.
    tiles
        Index into the tile pool of each tile, in :data:`TILE_GRID` order.
    """

    county_id: str
    name: str
    seed: int
    tiles: tuple[int, ...]


def county_names(n: int, rng: np.random.Generator) -> list[str]:
    """Return ``n`` distinct fictional county names (two syllables + 县/市/区), never 青岚县.

    Examples
    --------
    >>> len(set(county_names(120, np.random.default_rng(1))))
    120
    """
    pairs = [a + b for a in _SYL1 for b in _SYL2 if a != b and a + b != "青岚"]
    order = rng.permutation(len(pairs))[:n]
    kinds = rng.choice(np.array(["县", "市", "区"]), size=n, p=[0.8, 0.12, 0.08])
    return [pairs[i] + k for i, k in zip(order, kinds, strict=True)]


def tile_counts(n: int, rng: np.random.Generator) -> list[int]:
    """Return the number of tiles of ``n`` counties: quantiles of :data:`TILE_WEIGHTS`, shuffled.

    Examples
    --------
    >>> sum(tile_counts(120, np.random.default_rng(1)))
    425
    """
    cdf = np.cumsum(TILE_WEIGHTS / TILE_WEIGHTS.sum())
    q = (np.arange(n) + 0.5) / n
    counts = np.searchsorted(cdf, q) + 1
    return [int(c) for c in rng.permutation(counts)]


def build_tile(seed: int) -> dict[str, Any]:
    """Generate one demo tile and return its frames in the demo's local metric frame."""
    return to_frames(build_county(seed))


def tile_outline(seed: int) -> Any:
    """Return the outline of a tile's district (its first generation step only: milliseconds)."""
    county = County(seed)
    build_district(county)
    return county.district


class TilePool:
    """The tile pool, generated in ``workers`` forked processes (``1`` or no fork: in this process).

    Tiles are submitted in the order given and fetched with :meth:`get`,
    so the caller can work on the first counties while later tiles are built.
    Forked (not spawned) workers need no ``if __name__ == "__main__"`` guard in
    the calling script. Use as a context manager.
    """

    def __init__(self, seeds: list[int], order: list[int], workers: int) -> None:
        self.seeds = seeds
        self.tiles: dict[int, dict[str, Any]] = {}
        self.futures: dict[int, cf.Future] = {}
        self.executor: cf.ProcessPoolExecutor | None = None
        if workers > 1 and len(seeds) > 1 and "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self.executor = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
            self.futures = {i: self.executor.submit(build_tile, seeds[i]) for i in order}

    def get(self, i: int) -> dict[str, Any]:
        """Tile ``i`` of the pool (waits for it, or builds it here)."""
        if i not in self.tiles:
            fut = self.futures.pop(i, None)
            self.tiles[i] = fut.result() if fut is not None else build_tile(self.seeds[i])
        return self.tiles[i]

    def __enter__(self) -> TilePool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def tile_offsets(outlines: list[Any]) -> np.ndarray:
    """Offsets (metres) of a county's tiles: :data:`TILE_GRID`, pitch = largest tile box + :data:`GAP_M`."""
    boxes = np.array([o.bounds for o in outlines])
    pitch = np.array([np.max(boxes[:, 2] - boxes[:, 0]), np.max(boxes[:, 3] - boxes[:, 1])]) + GAP_M
    cells = np.array(TILE_GRID[len(outlines)], dtype=float)
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2.0
    return np.column_stack([-cells[:, 0] * pitch[0], -cells[:, 1] * pitch[1]]) - centres


def _province_frame() -> tuple[pyproj.CRS, float, float, float, float]:
    """Return the province's metric CRS and its extent in it (x_min, y_min, x_max, y_max)."""
    crs = pyproj.CRS.from_proj4(
        f"+proj=tmerc +lat_0={PROVINCE_CENTRE[1]} +lon_0={PROVINCE_CENTRE[0]} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
    )
    fwd = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    lon0, lat0, lon1, lat1 = PROVINCE_BOUNDS
    x0, _ = fwd.transform(lon0, PROVINCE_CENTRE[1])
    x1, _ = fwd.transform(lon1, PROVINCE_CENTRE[1])
    _, y0 = fwd.transform(PROVINCE_CENTRE[0], lat0)
    _, y1 = fwd.transform(PROVINCE_CENTRE[0], lat1)
    return crs, x0, y0, x1, y1


def _tighten(poly: Any, placed: list[Any]) -> float:
    """How far ``poly`` may move in any direction and stay :data:`GAP_M` from every polygon of ``placed``."""
    if not placed:
        return 0.0
    reach = 80_000.0
    b = np.array(poly.bounds)
    boxes = np.array([p.bounds for p in placed])
    near = (boxes[:, 0] < b[2] + reach) & (boxes[:, 2] > b[0] - reach) & (boxes[:, 1] < b[3] + reach)
    near &= boxes[:, 3] > b[1] - reach
    if not near.any():
        return 0.0
    d = float(np.min(shapely.distance(np.array(placed, dtype=object)[near], poly)))
    return max(0.0, d - GAP_M)


def pack_counties(polys: list[Any]) -> np.ndarray:
    """Place county polygons (local metres, any position) in rows from the province's north-east corner.

    Each county is placed by its bounding box (rows run westwards, then
    southwards, :data:`GAP_M` apart) and then moved north (from the second
    row on) and east until its polygon is :data:`GAP_M` from an already
    placed one.

    Returns
    -------
    Per county, the shift (dx, dy) from its local frame to the province frame.
    """
    _, x_min, _, x_max, y_max = _province_frame()
    boxes = np.array([p.bounds for p in polys])
    shifts = np.zeros((len(polys), 2))
    placed: list[Any] = []
    cursor, top, row_bottom, first_row = x_max, y_max, y_max, True
    for i, (bx0, _by0, bx1, by1) in enumerate(boxes):
        if cursor - (bx1 - bx0) < x_min and placed:
            cursor, top, first_row = x_max, row_bottom - GAP_M, False
        dx, dy = cursor - bx1, top - by1
        cursor -= bx1 - bx0 + GAP_M
        poly = shapely.affinity.translate(polys[i], dx, dy)
        up = 0.0 if first_row else _tighten(poly, placed)
        poly = shapely.affinity.translate(poly, 0.0, up)
        east = _tighten(poly, placed)
        poly = shapely.affinity.translate(poly, east, 0.0)
        shifts[i] = (dx + east, dy + up)
        row_bottom = min(row_bottom, poly.bounds[1])
        placed.append(poly)
    return shifts


def to_local_transform(shift: np.ndarray) -> Any:
    """Return f(xy) mapping county-local metres (shifted by ``shift`` into the province frame) to the demo frame.

    The demo's :func:`~hutan_geo.demo.geometry.local_to_wgs84` then turns the
    result into the county's true WGS84 place in the province.
    """
    crs, *_ = _province_frame()
    to_utm = pyproj.Transformer.from_crs(crs, METRIC_EPSG, always_xy=True)
    ox, oy = pyproj.Transformer.from_crs(4326, METRIC_EPSG, always_xy=True).transform(*ORIGIN_LONLAT)

    def f(xy: np.ndarray) -> np.ndarray:
        x, y = to_utm.transform(xy[:, 0] + shift[0], xy[:, 1] + shift[1])
        return np.column_stack([np.asarray(x) - ox, np.asarray(y) - oy])

    return f


def _move(geoms: np.ndarray, offset: np.ndarray, f: Any) -> np.ndarray:
    """Translate each geometry by its row of ``offset`` then apply ``f`` to all coordinates at once."""
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    return shapely.set_coordinates(shapely.transform(geoms, lambda x: x), f(coords + offset[idx]))


def _rename(values: np.ndarray, name: str) -> np.ndarray:
    """Replace the demo county's name (青岚县, 青岚, a leading 县 of a bureau) by the province county's."""
    s = pd.Series(values, dtype=object).astype(str)
    s = s.str.replace(COUNTY, name, regex=False).str.replace(COUNTY[:2], name[:2], regex=False)
    if name[-1] != "县":
        s = s.str.replace(r"^县(?=[^城])", name[-1], regex=True)
    return s.to_numpy(dtype=object)


def assemble(plan: CountyPlan, tiles: list[dict[str, Any]], offsets: np.ndarray, f: Any) -> tuple[dict[str, Any], int]:
    """Put a county's tiles together (local frame -> ``f``), IDs and names unique, roads joined.

    Returns
    -------
    The county's frames, ready for :func:`hutan_geo.demo.county._finalise`, and the number of road links added.
    """
    k = len(tiles)
    sfx = np.array([""] + [f"-{i + 1:03d}" for i in range(1, k)], dtype=object)
    out: dict[str, Any] = {}
    for key in tiles[0]:
        if key == "hazards":
            continue
        parts = [t[key] for t in tiles]
        copy_of = np.repeat(np.arange(k), [len(p) for p in parts])
        rep = pd.concat(parts, ignore_index=True)
        rep = rep.set_geometry(_move(rep.geometry.to_numpy(), offsets[copy_of], f))
        for col in ID_COLS.get(key, []) + NAME_COLS.get(key, []):
            vals = rep[col].astype(str).to_numpy()
            rep[col] = _suffix(rep[col], sfx[copy_of], vals != "")
            if col in _PREFIXED:
                rep[col] = np.where(vals != "", plan.county_id + "-" + rep[col].astype(str), "").astype(object)
        for col in rep.columns:
            if col != "geometry" and pd.api.types.is_string_dtype(rep[col]):
                rep[col] = _rename(rep[col].to_numpy(), plan.name)
        out[key] = rep
    out["district"] = _district_row(out["district"], plan)
    out["hazards"] = _hazards(tiles, offsets, f, sfx, plan)
    out["roads"], n_links = join_roads(out["roads"], np.repeat(np.arange(k), [len(t["roads"]) for t in tiles]), plan)
    return out, n_links


def _district_row(district: gpd.GeoDataFrame, plan: CountyPlan) -> gpd.GeoDataFrame:
    """One district row: the union of the tiles' polygons, named after the county."""
    geom = shapely.union_all(district.geometry.to_numpy())
    row = {"名称": plan.name, "类型": "县", "编码": plan.county_id, "上级": "", "说明": FICTIONAL, "geometry": geom}
    return gpd.GeoDataFrame(pd.DataFrame([row]), geometry="geometry")


def _hazards(tiles: list[dict[str, Any]], offsets: np.ndarray, f: Any, sfx: np.ndarray, plan: CountyPlan) -> Any:
    """Return the tiles' demo hazard sheets, moved, school names suffixed, IDs unique in the province."""
    parts = [t["hazards"] for t in tiles]
    copy_of = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    hz = pd.concat(parts, ignore_index=True)
    true = f(np.vstack(hz["true"].to_numpy()) + offsets[copy_of])
    present = hz["obs"].notna().to_numpy()
    obs = np.full((len(hz), 2), np.nan)
    if present.any():
        obs[present] = f(np.vstack(hz["obs"].to_numpy()[present]) + offsets[copy_of[present]])
    hz["true"] = list(true)
    hz["obs"] = [o if p else None for o, p in zip(obs, present, strict=True)]
    school = hz["关联学校"].astype(str).to_numpy()
    hz["关联学校"] = _suffix(hz["关联学校"], sfx[copy_of], school != "")
    for col in ("关联学校", "地址", "隐患描述", "责任单位", "anchor", "intent"):
        hz[col] = _rename(hz[col].to_numpy(), plan.name)
    hz["隐患编号"] = [f"{plan.county_id}-YH2026-{i + 1:04d}" for i in range(len(hz))]
    return hz


def _two_way_nodes(roads: gpd.GeoDataFrame, mask: np.ndarray) -> np.ndarray:
    """End points of the two-way segments selected by ``mask``."""
    geoms = roads.geometry.to_numpy()[mask & (roads["oneway"].to_numpy() == 0)]
    ends = np.vstack(
        [shapely.get_coordinates(shapely.get_point(geoms, 0)), shapely.get_coordinates(shapely.get_point(geoms, -1))]
    )
    return np.unique(ends, axis=0)


def join_roads(roads: gpd.GeoDataFrame, tile_of: np.ndarray, plan: CountyPlan) -> tuple[gpd.GeoDataFrame, int]:
    """Join adjacent tiles' networks by two-way county_road links between their nearest junctions.

    Each pair of adjacent tiles (:data:`TILE_GRID` neighbours) gets its
    nearest pair of two-way junctions linked, and a second link where
    another pair at least 5 km away is less than 1.5 times as far apart.
    """
    cells = TILE_GRID[len(plan.tiles)]
    nodes = [_two_way_nodes(roads, tile_of == t) for t in range(len(cells))]
    links = []
    for a, ca in enumerate(cells):
        for b, cb in enumerate(cells):
            if b <= a or abs(ca[0] - cb[0]) + abs(ca[1] - cb[1]) != 1:
                continue
            d, j = cKDTree(nodes[a]).query(nodes[b])
            order = np.argsort(d, kind="stable")
            first = order[0]
            links.append((nodes[a][j[first]], nodes[b][first]))
            far = np.hypot(*(nodes[b][order] - nodes[b][first]).T) >= 5000.0
            second = order[far & (d[order] <= 1.5 * d[first])]
            if len(second):
                links.append((nodes[a][j[second[0]]], nodes[b][second[0]]))
    if not links:
        return roads, 0
    extra = pd.DataFrame(
        {
            "road_id": [f"{plan.county_id}-L{i + 1:03d}" for i in range(len(links))],
            "name": f"{plan.name[:2]}连接线",
            "ref": [f"X9{i + 1:02d}" for i in range(len(links))],
            "road_class": "county_road",
            "speed_kph": 60,
            "oneway": 0,
            "bridge": 0,
            "lanes": 2,
            "note": FICTIONAL,
            "geometry": [shapely.LineString([p, q]) for p, q in links],
        }
    )
    joined = pd.concat([roads, gpd.GeoDataFrame(extra, geometry="geometry")], ignore_index=True)
    return gpd.GeoDataFrame(joined, geometry="geometry"), len(links)
