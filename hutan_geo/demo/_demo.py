"""Deterministic generator of the fictional demo district 青岚县 (虚构示例数据).

The demo district is a made-up county in hilly south-central China (about
lon 113.2-113.5, lat 27.55-27.75). Everything is generated in metres in
UTM zone 49N (EPSG:32649) from one seeded :class:`numpy.random.Generator`
and converted to WGS84 at the end, so the same seed always gives the same
frames and, through :func:`write_demo_files`, the same bytes on disk.

What is in it
-------------
- A county seat of about 8 x 6 km: an old-town core of short irregular
  blocks around the county government, the national highway G207 along the
  western edge of town with few junctions, five arterials, collectors and
  local streets (a few one-way streets in the old town), the river 青岚河
  crossed by exactly three bridges, a newer district south of the river.
- Three townships (龙岗镇, 石桥镇, 白沙乡) 11-13 km out, each with a small
  street grid, joined by county roads (县道 X1xx) and village roads (村道).
- About 60 schools of every level with campus polygons and gates, police
  stations, precincts, existing 护学岗 guard posts, villages and points of
  interest, and 140 hazard records written the way inspectors write them,
  with a ground-truth table.

Road classes and speeds (km/h): ``national_highway`` 60, ``arterial`` 50,
``collector`` 40, ``local`` 30, ``county_road`` 60, ``village_road`` 30.
The network is noded: every feature runs between two junctions (or to a
dead end), features meet only at shared end points, and one-way features are
digitised in the direction of travel.

House numbers in addresses such as ``人民路128号`` follow one simple model:
along a named road (its pieces merged, in digitising order) numbers rise by
two every 20 m, odd on the left-hand side, even on the right-hand side. The
true point of every hazard is in the truth table regardless.

The ``scale`` knob replicates the county in a grid of copies (unique IDs
and names with a ``-NNN`` suffix; road names stay local, as in real
counties) so benchmarks can build province-sized data sets; from
``scale >= 18`` each copy also carries repeated inspection rounds so that
``scale`` of about 300 gives about a million hazard records.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely import LineString, Point, Polygon
from shapely.affinity import rotate
from shapely.ops import linemerge, substring

from hutan_geo.model.crs import wgs84_to_gcj02

__all__ = ["DEMO_SEED", "DemoDistrict", "generate_demo_district", "write_demo_files"]

LOGGER = logging.getLogger("hutan_geo")

#: Default seed of the demo district.
DEMO_SEED: int = 20261129

_FICTIONAL = "虚构示例数据"
_COUNTY = "青岚县"
_METRIC_EPSG = 32649
_ORIGIN_LONLAT = (113.335, 27.652)  # the county government, in true WGS84
_CAMPAIGN_START = date(2026, 3, 1)
_CAMPAIGN_END = date(2026, 11, 20)
_REPORT_DATE = date(2026, 11, 29)

_SPEED_KPH = {
    "national_highway": 60,
    "arterial": 50,
    "collector": 40,
    "local": 30,
    "county_road": 60,
    "village_road": 30,
}
_PRIORITY = {"national_highway": 7, "arterial": 6, "county_road": 5, "collector": 4, "local": 3, "village_road": 2}
_RIVER_HALF_WIDTH = 25.0
_BRIDGE_HALF = 35.0
_SNAP_GRID = 0.5
_COPY_PITCH = (31_000.0, 23_000.0)

_SCHOOL_COLUMNS = [
    "学校编号",
    "学校名称",
    "学段",
    "地址",
    "经度",
    "纬度",
    "在校人数",
    "寄宿生人数",
    "是否寄宿",
    "乡镇",
    "派出所",
    "到校时段",
    "午间放学时段",
    "下午放学时段",
]
_HAZARD_COLUMNS = [
    "隐患编号",
    "隐患类别",
    "隐患描述",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "严重程度",
    "整改状态",
    "责任单位",
    "发现日期",
    "汇总日期",
    "交办日期",
    "整改期限",
    "整改完成日期",
    "销号日期",
    "关联学校",
    "检查组",
]
_DATE_COLUMNS = ["发现日期", "汇总日期", "交办日期", "整改期限", "整改完成日期", "销号日期"]
_TRUTH_COLUMNS = ["hazard_id", "true_lon", "true_lat", "address_kind", "anchor", "ambiguous", "defect", "intent"]
_STATION_COLUMNS = ["派出所编号", "派出所名称", "地址", "经度", "纬度", "巡逻车数量", "民警人数"]
_POST_COLUMNS = ["护学岗编号", "学校编号", "校门名称", "时段", "经度", "纬度", "派出所"]
_GATE_COLUMNS = ["学校编号", "校门名称", "经度", "纬度", "是否主门"]
_PLACE_COLUMNS = ["名称", "类型", "经度", "纬度", "乡镇"]
_ROAD_COLUMNS = ["road_id", "name", "ref", "road_class", "speed_kph", "oneway", "bridge", "lanes", "note"]
_BOUNDARY_COLUMNS = ["名称", "类型", "编码", "上级", "说明"]


@dataclass(frozen=True)
class DemoDistrict:
    """The fictional demo district 青岚县, in true WGS84 (EPSG:4326).

    Every table carries the column headers of the file it is written to (see
    :func:`write_demo_files`); point tables are GeoDataFrames whose geometry
    equals their ``经度``/``纬度`` columns.

    Attributes
    ----------
    schools
        One row per school; geometry is the main gate.
    campuses
        Campus polygons.
    gates
        School gates (points on the campus boundary).
    hazards
        The inspection register as written by inspectors (plain DataFrame:
        coordinates may be GCJ-02, noisy, missing or deliberately wrong).
    hazards_truth
        True position and the generator's intent for every hazard.
    stations
        Police stations (派出所) and the traffic-police squad.
    guard_posts
        Existing 护学岗 posts at school gates.
    roads
        The noded road network (English columns).
    places
        Villages and points of interest.
    district
        The county polygon.
    townships
        Township polygons; they tile the district.
    precincts
        Police precinct polygons; they tile the district.
    rivers
        The river 青岚河 (a line; not part of the road network).
    seed, scale
        The arguments the district was generated with.
    """

    schools: gpd.GeoDataFrame
    campuses: gpd.GeoDataFrame
    gates: gpd.GeoDataFrame
    hazards: pd.DataFrame
    hazards_truth: pd.DataFrame
    stations: gpd.GeoDataFrame
    guard_posts: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    district: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    precincts: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame
    seed: int = DEMO_SEED
    scale: float = 1.0


# --------------------------------------------------------------------------------------
# small geometry helpers (local metric frame: metres east/north of the county government)
# --------------------------------------------------------------------------------------


def _noise_fn(rng: np.random.Generator, length: float, wavelength: tuple[float, float], n_terms: int = 4) -> Any:
    """Return a smooth random function of t in [0, 1] with values in [-1, 1]."""
    k = length / rng.uniform(wavelength[0], wavelength[1], n_terms)
    phase = rng.uniform(0.0, 2.0 * np.pi, n_terms)
    amp = rng.uniform(0.4, 1.0, n_terms) / np.sqrt(k)
    amp = amp / amp.sum()

    def f(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return (amp * np.sin(2.0 * np.pi * k * t[..., None] + phase)).sum(-1)

    return f


def _wiggle(
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
    off = amp * _noise_fn(rng, s[-1], wavelength)(t)
    if taper:
        off *= np.sin(np.pi * t) ** 0.5
    return shapely.simplify(LineString(xy + nrm * off[:, None]), 0.5)


def _cut_to(line: LineString, target: Any, *, at_end: bool = True, reach: float = 400.0) -> LineString:
    """Trim or extend one end of ``line`` so that it ends exactly on ``target``."""
    if not at_end:
        return _cut_to(line.reverse(), target, at_end=True, reach=reach).reverse()
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


def _offset_point(line: LineString, s: float, side: float, dist: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (point on line at s, unit tangent, point offset ``dist`` to ``side``)."""
    s = float(np.clip(s, 0.0, line.length))
    a = np.array(line.interpolate(max(0.0, s - 5.0)).coords[0])
    b = np.array(line.interpolate(min(line.length, s + 5.0)).coords[0])
    t = b - a
    t /= np.hypot(*t)
    n = np.array([-t[1], t[0]]) * side
    p = np.array(line.interpolate(s).coords[0])
    return p, t, p + n * dist


def _shifts(step: float, limit: float) -> np.ndarray:
    """0, +step, -step, +2 step, -2 step, ... up to ``limit``."""
    k = np.arange(step, limit, step)
    return np.concatenate([[0.0], np.column_stack([k, -k]).ravel()])


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    """Return the z component of the cross product of two 2-D vectors."""
    return float(a[0] * b[1] - a[1] * b[0])


def _dir_word(dx: float, dy: float) -> str:
    """Compass word (东/南/西/北) of a displacement."""
    if abs(dx) >= abs(dy):
        return "东" if dx > 0 else "西"
    return "北" if dy > 0 else "南"


def _noisy_ellipse(rng: np.random.Generator, cx: float, cy: float, rx: float, ry: float, angle: float) -> Polygon:
    """Return a smooth blob around (cx, cy)."""
    th = np.linspace(0.0, 2.0 * np.pi, 72, endpoint=False)
    f = _noise_fn(rng, 1.0, (0.2, 0.5))
    r = 1.0 + 0.18 * f(th / (2.0 * np.pi))
    x, y = rx * r * np.cos(th), ry * r * np.sin(th)
    ca, sa = math.cos(angle), math.sin(angle)
    return Polygon(np.column_stack([cx + x * ca - y * sa, cy + x * sa + y * ca]))


def _fmt6(values: Any) -> list[str]:
    """Format floats with six decimals; NaN becomes an empty string."""
    return ["" if (v is None or (isinstance(v, float) and math.isnan(v))) else f"{float(v):.6f}" for v in values]


# --------------------------------------------------------------------------------------
# static content: names, schools, templates
# --------------------------------------------------------------------------------------

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

_URBAN_VILLAGES = {
    "西门村": (-3550.0, 1900.0),
    "北门村": (-2450.0, 2500.0),
    "东关村": (4800.0, 700.0),
    "南关村": (700.0, -3750.0),
}
_VILLAGES_RURAL = [
    "河口村",
    "柳塘村",
    "枫树村",
    "高桥村",
    "杨家湾村",
    "铁炉冲村",
    "桃源村",
    "竹山村",
    "新塘村",
    "马家冲村",
    "黄泥坳村",
    "大坪村",
    "石门村",
    "长冲村",
    "樟树坪村",
    "月塘村",
    "沙洲村",
    "莲花村",
    "茶园村",
    "罗家坪村",
    "白石村",
    "金塘村",
]

# name, level, enrolment, boarders, anchor (x, y) in the town, preferred front roads, abbreviations
_TOWN_SCHOOLS: list[tuple[str, str, int, int, tuple[float, float], tuple[str, ...], tuple[str, ...]]] = [
    ("青岚县第一中学", "完全中学", 6000, 1300, (-2900, 2150), ("城北大道",), ("县一中", "一中")),
    ("青岚县第三中学", "高中", 2800, 900, (1400, -2750), ("南城大道", "和平路"), ("县三中", "三中")),
    ("城关中学", "初中", 1800, 0, (700, -800), ("新华街", "解放路"), ("城关中学",)),
    ("青岚县第二中学", "初中", 2200, 0, (2250, 1450), ("建设大道", "青年路"), ("县二中", "二中")),
    ("青岚县南城学校", "九年一贯制", 2400, 0, (-1100, -2300), ("学府路", "南城大道"), ("南城学校",)),
    ("青岚县职业中专", "职业学校", 1500, 800, (3500, 2500), ("工业路", "建设大道"), ("职业中专", "职中")),
    ("城关第一小学", "小学", 2600, 0, (-700, 350), ("人民路", "青年路", "文化路"), ("城关一小", "一小")),
    ("城关第二小学", "小学", 2200, 0, (-800, -850), ("新华街", "文化路"), ("城关二小",)),
    ("城关第三小学", "小学", 2000, 0, (1800, 1300), ("五一路", "青年路", "城北大道"), ("城关三小",)),
    ("城关第四小学", "小学", 1600, 0, (-2200, -2450), ("南城大道", "滨江南路"), ("城关四小",)),
    ("城关第五小学", "小学", 1400, 0, (3300, 1500), ("迎宾路", "城北大道"), ("城关五小",)),
    ("青岚县实验小学", "小学", 2400, 0, (900, 550), ("人民路", "青年路", "解放路"), ("实验小学", "县实小")),
    ("城北小学", "小学", 1600, 0, (-600, 2150), ("城北大道",), ("城北小学",)),
    ("城东小学", "小学", 1800, 0, (3300, -350), ("人民路", "东风路"), ("城东小学",)),
    ("西门小学", "小学", 900, 0, (-2400, 800), ("城西路", "青年路"), ("西门小学",)),
    ("南城小学", "小学", 1500, 0, (300, -2250), ("解放路", "南城大道"), ("南城小学",)),
    ("滨江小学", "小学", 1300, 0, (2300, -2150), ("滨江南路", "建设大道", "南城大道"), ("滨江小学",)),
]

# name, enrolment, anchor
_TOWN_KINDERGARTENS: list[tuple[str, int, tuple[float, float]]] = [
    ("青岚县机关幼儿园", 400, (200, 450)),
    ("青岚县第一幼儿园", 450, (-900, 150)),
    ("青岚县实验幼儿园", 420, (1150, 950)),
    ("城关镇中心幼儿园", 380, (-300, -800)),
    ("向阳幼儿园", 260, (-1800, 1200)),
    ("小太阳幼儿园", 180, (2000, 300)),
    ("金色童年幼儿园", 220, (-1600, -450)),
    ("蓝天幼儿园", 200, (3000, 1200)),
    ("育才幼儿园", 240, (500, 1500)),
    ("启明星幼儿园", 160, (-2400, 300)),
    ("小天使幼儿园", 150, (1900, -700)),
    ("阳光幼儿园", 300, (-500, -2500)),
    ("爱心幼儿园", 140, (2300, -2600)),
    ("童心幼儿园", 170, (1000, -2100)),
    ("新华幼儿园", 200, (900, -450)),
    ("滨江幼儿园", 230, (-2000, -2050)),
    ("博雅幼儿园", 280, (3300, -2300)),
    ("贝贝幼儿园", 120, (-1000, 1700)),
    ("七彩幼儿园", 190, (3600, 700)),
]

_TOWNSHIPS = (
    # name, seat (x, y), short name, main-street name, cross-street name, county road
    ("龙岗镇", (10500.0, 5500.0), "龙岗", "龙岗大道", "新街", "X101"),
    ("石桥镇", (-8000.0, -6000.0), "石桥", "石桥大道", "新街", "X102"),
    ("白沙乡", (9000.0, -6500.0), "白沙", "白沙街", "河街", "X103"),
)

_SEVERITY_P = {"一般": 0.6, "较大": 0.3, "重大": 0.1}

# category -> list of (key, description, placement, weight, departments, severity override)
_TEMPLATES: dict[str, list[tuple[str, str, str, float, tuple[str, ...], str | None]]] = {
    "交通安全": [
        ("T1", "校门口无减速带及人行横道", "gate_road", 3.0, ("县公安局交警大队", "县住建局"), None),
        ("T2", "上下学时段校门口车辆乱停乱放，占用人行道", "gate_road", 3.0, ("县公安局交警大队",), None),
        ("T3", "校门口缺少“前方学校 减速慢行”警示标志", "gate_road", 2.0, ("县公安局交警大队", "县交通运输局"), None),
        ("T4", "校门口人行横道标线磨损不清", "gate_road", 1.5, ("县公安局交警大队",), None),
        ("T6", "路口无信号灯，放学时段人车混行", "crossing", 2.5, ("县公安局交警大队",), "较大"),
        ("T7", "路口缺少人行横道及行人过街设施", "crossing", 2.0, ("县公安局交警大队", "县住建局"), None),
        ("T8", "接送学生车辆占道停放造成拥堵", "crossing", 1.5, ("县公安局交警大队",), None),
        ("T9", "三轮车、摩托车非法营运接送学生", "gate_road_rural", 1.5, ("县公安局交警大队",), "较大"),
        ("T10", "学校周边路段照明不足，晚自习放学时段光线昏暗", "roadside_senior", 1.0, ("县住建局",), None),
        ("T11", "弯道视距不足，无减速设施和警示标志", "roadside_rural", 1.0, ("县交通运输局",), "较大"),
        ("T12", "大货车上下学时段通行校门口路段", "gate_road_major", 1.5, ("县公安局交警大队",), "较大"),
        ("T13", "校车停靠点设置不规范，学生路边候车", "roadside_rural", 0.8, ("县交通运输局", "县教育局"), None),
    ],
    "食品安全": [
        ("F1", "放学时段流动摊贩聚集售卖三无食品", "gate_vendor", 4.0, ("县市场监督管理局", "县城市管理局"), None),
        ("F2", "校门口流动摊贩无证经营，占道摆摊", "gate_vendor", 3.0, ("县城市管理局",), None),
        ("F3", "校门口油炸烧烤摊点卫生条件差", "gate_vendor", 2.0, ("县市场监督管理局",), None),
        ("F4", "小卖部售卖过期食品", "shop", 1.5, ("县市场监督管理局",), None),
        ("F5", "学校周边小超市售卖三无辣条等零食", "shop", 2.0, ("县市场监督管理局",), None),
        ("F6", "学生托管点（小饭桌）无食品经营许可", "shop", 1.2, ("县市场监督管理局", "县教育局"), "较大"),
        ("F7", "早餐店从业人员无健康证", "shop", 1.0, ("县市场监督管理局",), None),
        ("F8", "奶茶店原料来源不明、无进货台账", "shop", 0.8, ("县市场监督管理局",), None),
    ],
    "社会治安": [
        ("P1", "出租屋学生聚居，流动人口未登记", "village_rental", 3.0, ("STATION",), None),
        ("P2", "校园周边闲散青少年聚集", "village_youth", 2.0, ("STATION",), None),
        ("P3", "放学时段社会青年在校门口滋扰学生", "gate_road_big", 1.5, ("STATION",), "较大"),
        (
            "P4",
            "寄宿学生校外租住，出租屋消防安全隐患突出",
            "village_rental",
            1.5,
            ("STATION", "城关镇人民政府"),
            "较大",
        ),
        ("P5", "网吧周边夜间有青少年聚集", "poi_cafe", 1.0, ("STATION",), None),
        ("P6", "校门口治安监控探头损坏", "gate_road_big", 1.0, ("县教育局", "STATION"), None),
        ("P7", "台球室、KTV接纳未成年学生", "poi_ktv", 1.0, ("STATION", "县文化广电旅游局"), None),
        ("P8", "夜间校外人员翻越围墙进入校园", "wall", 0.8, ("STATION",), None),
    ],
}

_ABBREV_TYPOS = {
    "人民路": "人名路",
    "建设大道": "建设大到",
    "青年路": "清年路",
    "滨江路": "宾江路",
    "新华街": "新化街",
    "文化路": "文华路",
    "解放路": "解放璐",
}
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# --------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------


class _County:
    """Builds one county in the local metric frame (private; use the public functions)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.raw: list[dict[str, Any]] = []
        self.campuses: list[dict[str, Any]] = []
        self.places: list[dict[str, Any]] = []
        self.villages: dict[str, dict[str, Any]] = {}
        self.name_pool: list[str] = []
        self.used_names: set[str] = set()

    # ---------------------------------------------------------------- boundaries
    def build_district(self) -> None:
        """Draw the county outline and the township seats, with wiggled township borders."""
        rng = self.rng
        x0, y0, x1, y1 = -12800.0, -10100.0, 15700.0, 9600.0
        cx, cy, a, b = (x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0) / 2.0, (y1 - y0) / 2.0
        th = np.linspace(0.0, 2.0 * np.pi, 360, endpoint=False)
        # a squarish super-ellipse with smooth and fine radial noise, inside the bounding box
        r = (np.abs(np.cos(th)) ** 4 + (a / b * np.abs(np.sin(th))) ** 4) ** -0.25
        t = th / (2.0 * np.pi)
        shrink = 0.09 * (1.0 + _noise_fn(rng, 1.0, (0.15, 0.6), 5)(t)) + 0.012 * (
            1.0 + _noise_fn(rng, 1.0, (0.01, 0.03), 4)(t)
        )
        r = a * r * (1.0 - shrink)
        poly = shapely.make_valid(Polygon(np.column_stack([cx + r * np.cos(th), cy + r * np.sin(th)])))
        if poly.geom_type != "Polygon":
            poly = max(shapely.get_parts(poly), key=lambda g: g.area)
        self.district = shapely.simplify(poly, 5.0)
        # township seats and wiggled Voronoi edges between them
        seats = [(0.0, 0.0)] + [t[1] for t in _TOWNSHIPS]
        self.township_names = ["城关镇"] + [t[0] for t in _TOWNSHIPS]
        self.seats = seats
        edges = shapely.voronoi_polygons(
            shapely.multipoints(seats), extend_to=self.district.buffer(3000.0), only_edges=True
        )
        wiggled = []
        for e in shapely.get_parts(edges):
            e = e.intersection(self.district.buffer(300.0))
            for part in shapely.get_parts(e):
                if part.length > 1.0:
                    wiggled.append(_wiggle(part.coords, rng, 450.0, wavelength=(1500.0, 4000.0), step=200.0))
        self.township_edges = wiggled
        faces = self._faces([self.district.boundary, *wiggled])
        self.township_polys = self._assign_faces(faces, seats)

    def _faces(self, lines: list[Any]) -> list[Polygon]:
        noded = shapely.union_all(lines, grid_size=0.01)
        faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
        return [f for f in faces if self.district.contains(f.representative_point()) and f.area > 1.0]

    @staticmethod
    def _assign_faces(faces: list[Polygon], seats: list[tuple[float, float]]) -> list[Any]:
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

    def township_of(self, x: float, y: float) -> str:
        for name, poly in zip(self.township_names, self.township_polys, strict=True):
            if poly.contains(Point(x, y)):
                return name
        d = [poly.distance(Point(x, y)) for poly in self.township_polys]
        return self.township_names[int(np.argmin(d))]

    # ---------------------------------------------------------------- river and roads
    def add(
        self,
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
                self.raw.append(
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

    def road(self, name: str) -> LineString:
        parts = [r["geom"] for r in self.raw if r["name"] == name]
        return parts[0] if len(parts) == 1 else linemerge(parts)

    def build_river(self) -> None:
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
        river = _wiggle(pts, self.rng, 140.0, wavelength=(900.0, 3000.0), step=60.0, taper=False)
        self.river_full = river
        self.river = river.intersection(self.district)
        self.river_poly = river.buffer(_RIVER_HALF_WIDTH)
        south = Polygon([*river.coords, (19000, -30000), (-17000, -30000)])
        self.south_poly = shapely.make_valid(south)

    def south_of_river(self, x: float, y: float) -> bool:
        return bool(self.south_poly.contains(Point(x, y)))

    def build_town_skeleton(self) -> None:
        """Lay out G207, the arterials, collectors and river-bank roads of the county seat."""
        rng = self.rng
        w = _wiggle
        g207 = w(
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
        self.add(g207, "207国道", "national_highway", ref="G207")
        self.g207 = g207
        # river banks
        box = shapely.box(-3500, -4000, 4400, 1000)
        north_bank = shapely.offset_curve(self.river_full, 80.0, quad_segs=2).intersection(box)
        north_bank = max(shapely.get_parts(north_bank), key=lambda g: g.length)
        north_bank = _cut_to(north_bank, g207, at_end=False)
        self.add(shapely.simplify(north_bank, 1.0), "滨江路", "arterial")
        box_s = shapely.box(-3500, -4000, 3900, 1000)
        south_bank = shapely.offset_curve(self.river_full, -80.0, quad_segs=2).intersection(box_s)
        south_bank = max(shapely.get_parts(south_bank), key=lambda g: g.length)
        if south_bank.coords[0][0] > south_bank.coords[-1][0]:
            south_bank = south_bank.reverse()
        south_bank = _cut_to(south_bank, g207, at_end=False)
        self.add(shapely.simplify(south_bank, 1.0), "滨江南路", "collector")

        def town(
            name: str,
            pts: list[tuple[float, float]],
            cls: str,
            amp: float,
            start: str | None = None,
            end: str | None = None,
            **kw: Any,
        ) -> None:
            line = w(pts, rng, amp, wavelength=(700.0, 2500.0))
            if start:
                line = _cut_to(line, self.road(start), at_end=False)
            if end:
                line = _cut_to(line, self.road(end), at_end=True)
            self.add(line, name, cls, **kw)

        town(
            "人民路",
            [(-3150, 60), (-1500, -30), (0, 0), (1500, 80), (3000, -40), (4400, 100)],
            "arterial",
            35,
            start="207国道",
        )
        town(
            "城北大道",
            [(-3200, 1900), (-1500, 1960), (0, 2000), (1500, 1900), (3000, 2050), (4100, 1950)],
            "arterial",
            35,
            start="207国道",
            lanes=6,
        )
        town(
            "解放路",
            [(250, 2100), (200, 1000), (320, 0), (250, -1000), (300, -2000), (350, -2700)],
            "arterial",
            30,
            start="城北大道",
        )
        town("建设大道", [(2600, 3000), (2550, 1000), (2650, 0), (2600, -1500), (2700, -3300)], "arterial", 35, lanes=6)
        town(
            "青年路",
            [(-3150, 880), (-1500, 950), (0, 900), (1500, 1000), (3900, 880)],
            "collector",
            30,
            start="207国道",
        )
        town("城西路", [(-2200, 2050), (-2250, 500), (-2200, -1150)], "collector", 25, start="城北大道", end="滨江路")
        town("文化路", [(-1300, 2050), (-1350, 500), (-1250, -1200)], "collector", 25, start="城北大道", end="滨江路")
        town("五一路", [(1400, 2000), (1450, 500), (1380, -1300)], "collector", 25, start="城北大道", end="滨江路")
        town("新华街", [(-1400, -550), (0, -500), (1450, -600)], "collector", 20, start="文化路", end="五一路")
        town("东风路", [(3700, 1950), (3650, 0), (3750, -1350)], "collector", 25, start="城北大道", end="滨江路")
        town("工业路", [(2550, 2650), (3400, 2700), (4300, 2600)], "collector", 20, start="建设大道")
        town("迎宾路", [(3050, 0), (3400, 900), (4000, 1950)], "collector", 20, start="人民路", end="城北大道")
        town(
            "南城大道",
            [(-3100, -2600), (-1500, -2500), (0, -2550), (1500, -2450), (2700, -2500), (3800, -2350)],
            "collector",
            30,
            start="207国道",
            lanes=4,
        )
        town(
            "学府路",
            [(-1150, -1500), (-1100, -2000), (-1200, -2600)],
            "collector",
            20,
            start="滨江南路",
            end="南城大道",
        )
        town("和平路", [(1500, -1500), (1550, -2000), (1450, -2600)], "collector", 20, start="滨江南路", end="南城大道")
        # the two southern ends of 解放路 / 建设大道 stop at 南城大道 / continue as X103
        jf = self.road("解放路")
        self.raw = [r for r in self.raw if r["name"] != "解放路"]
        self.add(_cut_to(jf, self.road("南城大道"), at_end=True), "解放路", "arterial")

        outline = _noisy_ellipse(rng, 400.0, -250.0, 4300.0, 3150.0, 0.05)
        self.town_outline = outline

    def build_county_roads(self) -> None:
        """Join the townships and the county edge with county roads (县道)."""
        rng = self.rng
        ends = {
            "X101": self.road("人民路").coords[-1],
            "X102": None,
            "X103": self.road("建设大道").coords[-1],
        }
        g207 = self.g207
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
            ("X105县道", "X105", [self.road("建设大道").coords[0], (3000, 4500), (4200, 6500), (5200, 10500)]),
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
        self.county_roads = {}
        for name, ref, pts in specs:
            line = _wiggle(pts, rng, 250.0, wavelength=(2500.0, 6000.0), step=60.0)
            line = _wiggle(line.coords, rng, 10.0, wavelength=(400.0, 1200.0), step=30.0)
            self.county_roads[ref] = line
            self.add(line, name, "county_road", ref=ref)

    def build_townships(self) -> None:
        """Give each township an outline, a cross street and a back street."""
        rng = self.rng
        self.township_outlines: dict[str, Polygon] = {}
        self.township_main: dict[str, str] = {}
        self.seat_points: dict[str, np.ndarray] = {}
        for tname, (sx, sy), _short, main_name, cross_name, ref in _TOWNSHIPS:
            cr = self.county_roads[ref]
            s0 = cr.project(Point(sx, sy))
            p, t, _ = _offset_point(cr, s0, 1.0, 0.0)
            angle = math.atan2(t[1], t[0])
            outline = _noisy_ellipse(rng, p[0], p[1], 800.0, 550.0, angle)
            self.township_outlines[tname] = outline
            self.township_main[tname] = main_name
            n = np.array([-t[1], t[0]])
            a = p - n * 650.0 + t * 60.0
            b = p + n * 650.0 - t * 40.0
            cross = _wiggle([tuple(a), tuple(p + t * 10.0), tuple(b)], rng, 20.0, wavelength=(300.0, 700.0))
            cross = cross.intersection(outline)
            self.add(cross, cross_name, "collector", key=(tname, cross_name), zone=tname)
            # a back street parallel to the main street
            back = [tuple(p + n * 220.0 - t * 500.0), tuple(p + n * 240.0), tuple(p + n * 210.0 + t * 500.0)]
            back_line = _wiggle(back, rng, 15.0, wavelength=(300.0, 700.0)).intersection(outline)
            self.add(back_line, f"{_short}后街", "local", key=(tname, "back"), zone=tname)
            self.seat_points[tname] = p

    def build_villages(self) -> None:
        """Place villages and join them with village roads (村道), spurs and a few loops."""
        rng = self.rng
        # urban-edge villages first (fixed), then rural ones by rejection sampling
        fixed = dict(_URBAN_VILLAGES)
        positions = dict(fixed)
        inner = self.district.buffer(-900.0)
        blocked = shapely.union_all(
            [
                self.town_outline.buffer(700.0),
                *[o.buffer(900.0) for o in self.township_outlines.values()],
                self.river_full.buffer(350.0),
            ]
        )
        names = list(_VILLAGES_RURAL)
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
            self._connect_village(vname, x, y)
        # a few loops between neighbouring villages on the same side of the river
        items = list(positions.items())
        loops = 0
        for i, (a, pa) in enumerate(items[4:], start=4):
            for b, pb in items[i + 1 :]:
                d = math.hypot(pa[0] - pb[0], pa[1] - pb[1])
                if d < 4200.0 and loops < 7 and rng.random() < 0.5:
                    line = LineString([pa, pb])
                    if line.intersects(self.river_full.buffer(60.0)):
                        continue
                    geom = _wiggle(line.coords, rng, 0.08 * d, wavelength=(600.0, 1800.0))
                    self.add(geom, f"{a[:-1]}至{b[:-1]}村道", "village_road", key=("loop", a, b))
                    loops += 1
        self.village_pos = positions

    def _connect_village(self, vname: str, x: float, y: float) -> None:
        rng = self.rng
        lines = [r["geom"] for r in self.raw if r["cls"] != "local"]
        pt = Point(x, y)
        south = self.south_of_river(x, y)
        best = None
        for idx in np.argsort(shapely.distance(lines, pt))[:8]:
            target = lines[int(idx)]
            q = target.interpolate(target.project(pt))
            if self.south_of_river(q.x, q.y) != south:
                continue
            seg = LineString([(x, y), (q.x, q.y)])
            if seg.intersects(self.river_full.buffer(60.0)):
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
            village_geom = _wiggle([(q.x, q.y), (x, y)], rng, min(0.1 * d, 250.0), wavelength=(500.0, 1500.0))
            village_geom = _cut_to(village_geom, target, at_end=False)
            self.add(village_geom, f"{vname[:-1]}村道", "village_road", key=("access", vname))
        # one or two short spurs to hamlets, some unnamed (not for villages on the edge of town)
        n_spurs = 0 if vname in _URBAN_VILLAGES else int(rng.integers(1, 3))
        for k in range(n_spurs):
            ang = rng.uniform(0, 2 * np.pi)
            length = rng.uniform(250, 650)
            end = (x + length * math.cos(ang), y + length * math.sin(ang))
            spur = _wiggle([(x, y), end], rng, 0.1 * length, wavelength=(200.0, 600.0))
            if spur.intersects(self.river_full.buffer(60.0)) or not self.district.buffer(-100).contains(spur):
                continue
            nm = "" if rng.random() < 0.5 else f"{vname[:-1]}{'一二三'[k]}组村道"
            self.add(spur, nm, "village_road", key=("spur", vname, k))
        self.villages[vname] = {"pos": (x, y), "access": village_geom, "junction": (q.x, q.y)}

    # ---------------------------------------------------------------- raw clean-up before filling
    def clip_raw(self) -> None:
        """Clip roads to the district and keep them off the river except at three bridges."""
        out = []
        river_cut = self.river_full.buffer(_RIVER_HALF_WIDTH + 5.0)
        deck = self.river_full.buffer(_BRIDGE_HALF)
        bridges = {"207国道", "解放路", "建设大道"}
        for r in self.raw:
            g = r["geom"].intersection(self.district)
            if r["name"] in bridges and g.intersects(self.river_full):
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
        self.raw = out

    # ---------------------------------------------------------------- campuses
    def _rect_ok(self, rect: Polygon, tree: Any, *, clearance: float, zone: Any = None) -> bool:
        if len(tree.query(rect, predicate="dwithin", distance=clearance)):
            return False
        if rect.intersects(self.river_no_go):
            return False
        if not self.district_inner.contains(rect):
            return False
        if zone is not None and not zone.contains(rect):
            return False
        return not any(rect.distance(c["poly"]) < 12.0 for c in self.campuses)

    def place_campus(
        self,
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
        rng = self.rng
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
                pref = 1.0 if _cross(_offset_point(line, s0, 1.0, 0.0)[1], np.array(anchor) - near) >= 0 else -1.0
                for ds in _shifts(15.0, max_shift):
                    s = s0 + ds
                    if s < wdt / 2.0 + 8.0 or s > line.length - wdt / 2.0 - 8.0:
                        continue
                    for side in (pref, -pref):
                        p, t, fc = _offset_point(line, s, side, setback)
                        n = (fc - p) / setback
                        c1, c2 = fc - t * wdt / 2.0, fc + t * wdt / 2.0
                        rect = Polygon([c1, c2, c2 + n * dep, c1 + n * dep])
                        if self._rect_ok(rect, tree, clearance=setback - 3.0, zone=zone):
                            return {"poly": rect, "front": (c1, c2), "normal": -n, "front_line": line}
        return None

    def place_big_campuses(self) -> None:
        """Place schools (not town kindergartens) against skeleton roads before streets are filled in."""
        rng = self.rng
        self.river_no_go = self.river_full.buffer(70.0)
        self.district_inner = self.district.buffer(-150.0)
        geoms = [r["geom"] for r in self.raw]
        tree = shapely.STRtree(geoms)
        self.schools: list[dict[str, Any]] = []
        for name, level, enrol, boarders, anchor, fronts, abbrs in _TOWN_SCHOOLS:
            lines = [self.road(f) for f in fronts]
            m2 = rng.uniform(15.0, 20.0) if level != "完全中学" else 20.0
            placed = self.place_campus(enrol * m2, anchor, lines, tree, setback=11.0)
            self._add_school(name, level, enrol, boarders, placed, abbrs, "town")
        # township schools
        for tname, _seat, short, _main_name, cross_name, ref in _TOWNSHIPS:
            cr = self.county_roads[ref]
            outline = self.township_outlines[tname]
            main_line = cr.intersection(outline.buffer(400.0))
            main_line = max(shapely.get_parts(main_line), key=lambda g: g.length)
            cross = self.road_by_key((tname, cross_name))
            sp = self.seat_points[tname]
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
                placed = self.place_campus(
                    en * rng.uniform(18.0, 24.0), anchor, fr, tree, setback=10.0, zone=outline.buffer(500.0)
                )
                self._add_school(nm, lvl, en, bo, placed, ab, tname)
        # village primary schools and teaching points
        rural = [v for v in self.villages if v not in _URBAN_VILLAGES]
        sizes = [320, 260, 210, 180, 150, 120, 95, 70, 52, 38, 24, 15]
        for vname, en in zip(rural[: len(sizes)], sizes, strict=False):
            v = self.villages[vname]
            if v["access"] is None:
                continue
            tname = self.township_of(*v["pos"])
            if en >= 200:
                nm = f"{tname}{vname[:-1]}完小"
            elif en >= 60:
                nm = f"{tname}{vname[:-1]}小学"
            else:
                nm = f"{tname}{vname[:-1]}教学点"
            short = nm.removeprefix(tname)
            area = max(en * rng.uniform(20.0, 25.0), 1800.0)
            placed = self.place_campus(area, v["pos"], [v["access"]], tree, setback=9.0, max_shift=500.0)
            self._add_school(nm, "小学", en, 0, placed, (short,), tname, village=vname)

    def road_by_key(self, key: Any) -> LineString:
        parts = [r["geom"] for r in self.raw if r["key"] == key]
        return parts[0] if len(parts) == 1 else max(shapely.get_parts(linemerge(parts)), key=lambda g: g.length)

    def _add_school(
        self,
        name: str,
        level: str,
        enrol: int,
        boarders: int,
        placed: dict[str, Any] | None,
        abbrs: tuple[str, ...],
        zone: str,
        village: str | None = None,
    ) -> None:
        if placed is None:
            LOGGER.warning("demo: could not place campus of %s", name)
            return
        sid = f"SCH{len(self.schools) + 1:04d}"
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
        self.schools.append(rec)
        self.campuses.append(rec)

    # ---------------------------------------------------------------- filling streets
    def _names_for(self, zone: str) -> str:
        while True:
            if not self.name_pool:
                combos = [p + s for p in _STREET_PREFIXES for s in sorted(set(sum(_STREET_SUFFIX.values(), ())))]
                self.rng.shuffle(combos)
                self.name_pool = combos
            nm = self.name_pool.pop()
            suffixes = _STREET_SUFFIX[zone]
            if (
                any(nm.endswith(s) and nm[: -len(s)] in _STREET_PREFIXES for s in suffixes)
                and nm not in self.used_names
            ):
                self.used_names.add(nm)
                return nm
            self.name_pool.insert(0, nm)
            if self.rng.random() < 0.02:
                self.rng.shuffle(self.name_pool)

    def _lattice(
        self, face: Polygon, region: Any, spacing: float, p_keep: float, face_id: int
    ) -> list[tuple[LineString, tuple[Any, ...]]]:
        rng = self.rng
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

    def fill_streets(self) -> None:
        """Fill the blocks between skeleton roads with jittered local street grids."""
        rng = self.rng
        skeleton = [r["geom"] for r in self.raw]
        campus_block = shapely.union_all([c["poly"].buffer(12.0) for c in self.campuses])
        river_block = self.river_full.buffer(60.0)
        g207_block = self.g207.buffer(40.0)
        jobs: list[tuple[Polygon, Any, float, float, str]] = []
        town_lines = [g.intersection(self.town_outline) for g in skeleton if g.intersects(self.town_outline)]
        noded = shapely.union_all([*town_lines, self.town_outline.boundary], grid_size=0.01)
        for face in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))):
            rp = face.representative_point()
            if not self.town_outline.contains(rp) or rp.x < self.g207.interpolate(self.g207.project(rp)).x:
                continue
            if face.area < 15000.0:
                continue
            core = (rp.x / 1450.0) ** 2 + ((rp.y + 150.0) / 1150.0) ** 2 < 1.0
            south = self.south_of_river(rp.x, rp.y)
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
        for tname, outline in self.township_outlines.items():
            t_lines = [g.intersection(outline) for g in skeleton if g.intersects(outline)]
            noded_t = shapely.union_all([*t_lines, outline.boundary], grid_size=0.01)
            for face in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded_t))):
                if not outline.contains(face.representative_point()) or face.area < 8000.0:
                    continue
                region = face.difference(shapely.union_all([campus_block, river_block]))
                jobs.append((face, region, rng.uniform(95.0, 130.0), 0.72, f"township:{tname}"))
        key_names: dict[Any, str] = {}
        self.oneway_keys: set[Any] = set()
        core_keys: list[Any] = []
        for face_id, (face, region, spacing, p_keep, zone) in enumerate(jobs):
            pool_zone = "township" if zone.startswith("township") else zone
            for geom, key in self._lattice(face, region, spacing, p_keep, face_id):
                if key not in key_names:
                    key_names[key] = self._names_for(pool_zone)
                    if zone == "core":
                        core_keys.append(key)
                self.add(geom, key_names[key], "local", key=key, zone=zone)
        # a handful of one-way streets in the old town
        counts = pd.Series([r["key"] for r in self.raw if r["zone"] == "core"]).value_counts()
        candidates = [k for k in core_keys if counts.get(k, 0) >= 3]
        chosen = [
            candidates[i] for i in sorted(rng.choice(len(candidates), size=min(8, len(candidates)), replace=False))
        ]
        for i, key in enumerate(chosen):
            self.oneway_keys.add(key)
            for r in self.raw:
                if r["key"] == key:
                    r["oneway"] = 1
                    r["lanes"] = 1
                    if i % 2 == 1:
                        r["geom"] = r["geom"].reverse()
        # rename the county roads inside townships to the township's main street
        for r in self.raw:
            if r["cls"] == "county_road":
                for tname, outline in self.township_outlines.items():
                    if r["geom"].intersects(outline):
                        inside = r["geom"].intersection(outline)
                        outside = r["geom"].difference(outline)
                        r["geom"] = outside
                        self.add(
                            inside,
                            self.township_main[tname],
                            "collector",
                            ref=r["ref"],
                            key=(tname, "main"),
                            zone=tname,
                            lanes=2,
                        )
        self.raw = [r for r in self.raw if not r["geom"].is_empty]
        exploded = []
        for r in self.raw:
            for part in shapely.get_parts(r["geom"]):
                if part.geom_type == "LineString" and part.length > 1.0:
                    exploded.append({**r, "geom": part})
        self.raw = exploded

    # ---------------------------------------------------------------- noding
    def node_network(self) -> None:
        """Node all roads, give every piece its source attributes and clean the result."""
        raw = pd.DataFrame(self.raw)
        raw["src"] = np.arange(len(raw))
        raw["prio"] = raw["cls"].map(_PRIORITY) + raw["bridge"] * 10
        noded = shapely.union_all(raw["geom"].to_numpy(), grid_size=_SNAP_GRID)
        pieces = shapely.get_parts(noded)
        pieces = pieces[shapely.length(pieces) >= _SNAP_GRID]
        mids = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
        tree = shapely.STRtree(raw["geom"].to_numpy())
        pi, ri = tree.query(mids, predicate="dwithin", distance=1.0)
        cand = pd.DataFrame({"piece": pi, "src": ri, "prio": raw["prio"].to_numpy()[ri]})
        cand["d"] = shapely.distance(mids[pi], raw["geom"].to_numpy()[ri])
        cand = cand.sort_values(["piece", "prio", "d", "src"], ascending=[True, False, True, True])
        best = cand.drop_duplicates("piece").set_index("piece")["src"]
        keep = np.array([i in best.index for i in range(len(pieces))])
        if not keep.all():
            LOGGER.debug("demo: %d noded pieces without a source dropped", int((~keep).sum()))
        pieces = pieces[keep]
        src = best.reindex(np.flatnonzero(keep)).to_numpy()
        # orient along the source (travel direction for one-way streets)
        src_geoms = raw["geom"].to_numpy()[src]
        s0 = shapely.line_locate_point(src_geoms, shapely.get_point(pieces, 0))
        s1 = shapely.line_locate_point(src_geoms, shapely.get_point(pieces, -1))
        flip = s0 > s1
        pieces = np.where(flip, shapely.reverse(pieces), pieces)
        net = raw.iloc[src][["src", "name", "ref", "cls", "lanes", "oneway", "bridge", "key", "zone"]].reset_index(
            drop=True
        )
        net["geom"] = pieces
        net["pos"] = np.minimum(s0, s1)
        self.raw_frame = raw
        net = self._clean(net)
        self.net = net

    @staticmethod
    def _nodes(net: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a = shapely.get_coordinates(shapely.get_point(net["geom"].to_numpy(), 0))
        b = shapely.get_coordinates(shapely.get_point(net["geom"].to_numpy(), -1))
        allp = np.vstack([a, b])
        uniq, inv = np.unique(allp, axis=0, return_inverse=True)
        inv = inv.ravel()
        return uniq, inv[: len(a)], inv[len(a) :]

    def _contract_short(self, net: pd.DataFrame, min_len: float = 4.0) -> pd.DataFrame:
        """Collapse pieces shorter than ``min_len`` (two junctions a metre apart become one)."""
        nodes, u, v = self._nodes(net)
        lengths = shapely.length(net["geom"].to_numpy())
        short = np.flatnonzero((lengths < min_len) & (net["bridge"].to_numpy() == 0))
        if len(short) == 0:
            return net
        root = np.arange(len(nodes))

        def find(x: int) -> int:
            while root[x] != x:
                x = root[x]
            return x

        drop = np.zeros(len(net), dtype=bool)
        for i in short[np.argsort(lengths[short], kind="stable")]:
            a, b = find(int(u[i])), find(int(v[i]))
            drop[i] = True
            if a != b:
                root[max(a, b)] = min(a, b)
        geoms = net["geom"].to_numpy().copy()
        for j in np.flatnonzero(~drop):
            ru, rv = find(int(u[j])), find(int(v[j]))
            if ru == u[j] and rv == v[j]:
                continue
            xy = shapely.get_coordinates(geoms[j])
            xy[0], xy[-1] = nodes[ru], nodes[rv]
            if ru == rv and len(xy) <= 3:
                drop[j] = True
                continue
            geoms[j] = LineString(xy)
        net = net.assign(geom=geoms)[~drop].reset_index(drop=True)
        # collapsing can leave two pieces on the same pair of nodes with the same course: keep one
        _, u, v = self._nodes(net)
        pair = pd.Series(list(zip(np.minimum(u, v), np.maximum(u, v), strict=True)))
        prio = net["cls"].map(_PRIORITY).to_numpy()
        geoms = net["geom"].to_numpy()
        drop = np.zeros(len(net), dtype=bool)
        for _, idx in pair[pair.duplicated(keep=False)].groupby(pair[pair.duplicated(keep=False)]).groups.items():
            idx = sorted(idx, key=lambda i: (-prio[i], i))
            for j in idx[1:]:
                if shapely.hausdorff_distance(geoms[idx[0]], geoms[j]) < 5.0:
                    drop[j] = True
        return net[~drop].reset_index(drop=True)

    def _clean(self, net: pd.DataFrame) -> pd.DataFrame:
        net = self._contract_short(net)
        # drop short dead-end stubs (clipping artefacts), twice
        for _ in range(2):
            _, u, v = self._nodes(net)
            deg = np.bincount(np.concatenate([u, v]))
            dead = (deg[u] == 1) | (deg[v] == 1)
            short = shapely.length(net["geom"].to_numpy()) < 25.0
            net = net[~(dead & short & net["cls"].isin(["local", "village_road"]).to_numpy())].reset_index(drop=True)
        # keep the largest connected component
        nodes, u, v = self._nodes(net)
        parent = np.arange(len(nodes))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in zip(u, v, strict=True):
            ra, rb = find(int(a)), find(int(b))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        roots = np.array([find(int(a)) for a in u])
        main = np.bincount(roots).argmax()
        dropped = int((roots != main).sum())
        if dropped:
            LOGGER.debug("demo: %d road pieces outside the main component dropped", dropped)
        net = net[roots == main].reset_index(drop=True)
        net = self._merge_degree_two(net)
        return self._fix_oneway(net)

    def _merge_degree_two(self, net: pd.DataFrame) -> pd.DataFrame:
        """Merge consecutive pieces of one source that meet at a node of degree two."""
        for _ in range(5):
            nodes, u, v = self._nodes(net)
            deg = np.bincount(np.concatenate([u, v]), minlength=len(nodes))
            merged_any = False
            used = np.zeros(len(net), dtype=bool)
            ends = {}
            for i, (a, b) in enumerate(zip(u, v, strict=True)):
                ends.setdefault(int(a), []).append((i, 0))
                ends.setdefault(int(b), []).append((i, 1))
            geoms = net["geom"].to_numpy().copy()
            drop = np.zeros(len(net), dtype=bool)
            srcs = net["src"].to_numpy()
            for node in np.flatnonzero(deg == 2):
                (i, ei), (j, ej) = ends[int(node)]
                if i == j or used[i] or used[j] or srcs[i] != srcs[j]:
                    continue
                # i must end at the node and j start there (same source, same orientation)
                if ei == 0 and ej == 1:
                    i, j = j, i
                    ei, ej = ej, ei
                if not (ei == 1 and ej == 0):
                    continue
                ci = shapely.get_coordinates(geoms[i])
                cj = shapely.get_coordinates(geoms[j])
                geoms[i] = LineString(np.vstack([ci, cj[1:]]))
                drop[j] = True
                used[i] = used[j] = True
                merged_any = True
            net = net.assign(geom=geoms)[~drop].reset_index(drop=True)
            if not merged_any:
                break
        return net

    def _fix_oneway(self, net: pd.DataFrame) -> pd.DataFrame:
        """Keep one-way flags only where both ends are junctions and the graph stays strongly connected."""
        nodes, u, v = self._nodes(net)
        deg = np.bincount(np.concatenate([u, v]), minlength=len(nodes))
        ow = net["oneway"].to_numpy().copy()
        ow[(deg[u] < 3) | (deg[v] < 3)] = 0
        for i in np.flatnonzero(ow):
            ow[i] = 1
            if not self._strong(len(nodes), u, v, ow):
                ow[i] = 0
        lanes = net["lanes"].to_numpy().copy()
        lanes[(net["oneway"].to_numpy() == 1) & (ow == 0)] = 2
        return net.assign(oneway=ow, lanes=lanes)

    @staticmethod
    def _strong(n: int, u: np.ndarray, v: np.ndarray, ow: np.ndarray) -> bool:
        fwd: list[list[int]] = [[] for _ in range(n)]
        bwd: list[list[int]] = [[] for _ in range(n)]
        for a, b, o in zip(u, v, ow, strict=True):
            fwd[a].append(b)
            bwd[b].append(a)
            if not o:
                fwd[b].append(a)
                bwd[a].append(b)
        for adj in (fwd, bwd):
            seen = np.zeros(n, dtype=bool)
            stack = [int(u[0])]
            seen[stack[0]] = True
            while stack:
                x = stack.pop()
                for y in adj[x]:
                    if not seen[y]:
                        seen[y] = True
                        stack.append(y)
            if not seen.all():
                return False
        return True

    # ---------------------------------------------------------------- after noding
    def index_network(self) -> None:
        """Build the look-ups used after noding: tree, nodes, names at nodes, merged named roads."""
        net = self.net
        self.net_geoms = net["geom"].to_numpy()
        self.net_tree = shapely.STRtree(self.net_geoms)
        nodes, u, v = self._nodes(net)
        self.nodes, self.u, self.v = nodes, u, v
        self.deg = np.bincount(np.concatenate([u, v]), minlength=len(nodes))
        names = net["name"].to_numpy()
        node_names: list[list[str]] = [[] for _ in range(len(nodes))]
        for i, (a, b) in enumerate(zip(u, v, strict=True)):
            for x in (a, b):
                if names[i] and names[i] not in node_names[x]:
                    node_names[x].append(names[i])
        self.node_names = node_names
        self.name_lines: dict[str, Any] = {}
        for nm, grp in net.groupby("name", sort=True):
            if nm:
                self.name_lines[nm] = linemerge(list(grp["geom"]))

    def house_number(self, name: str, pt: np.ndarray) -> int:
        geom = self.name_lines[name]
        p = Point(pt)
        parts = list(shapely.get_parts(geom))
        line = min(parts, key=lambda g: g.distance(p))
        s = line.project(p)
        q, t, _ = _offset_point(line, s, 1.0, 0.0)
        left = _cross(t, np.asarray(pt) - q) > 0
        base = int(s // 20.0)
        return 2 * base + (1 if left else 2)

    def nearest_piece(self, pt: np.ndarray, *, named: bool = False, classes: tuple[str, ...] | None = None) -> int:
        p = Point(pt)
        idx, _ = self.net_tree.query_nearest(p, return_distance=True, all_matches=False)
        if not named and classes is None:
            return int(idx[0])
        cand = self.net_tree.query(p.buffer(500.0))
        cand = [
            int(i)
            for i in cand
            if (not named or self.net.at[int(i), "name"]) and (classes is None or self.net.at[int(i), "cls"] in classes)
        ]
        if not cand:
            return int(idx[0])
        return min(cand, key=lambda i: self.net_geoms[i].distance(p))

    def place_kindergartens(self) -> None:
        """Place kindergartens beside local streets after the network is final."""
        rng = self.rng
        town_local = [
            i
            for i in range(len(self.net))
            if self.net.at[i, "cls"] in ("local", "collector")
            and self.town_outline.contains(self.net_geoms[i].centroid)
        ]
        for name, enrol, anchor in _TOWN_KINDERGARTENS:
            ap = Point(anchor)
            near = sorted(town_local, key=lambda i: self.net_geoms[i].distance(ap))[:25]
            fronts = [self.net_geoms[i] for i in near]
            placed = self.place_campus(
                enrol * rng.uniform(9.0, 12.0), anchor, fronts, self.net_tree, setback=9.0, max_shift=300.0
            )
            self._add_school(name, "幼儿园", enrol, 0, placed, (name.removeprefix(_COUNTY),), "town")
        extra = {
            "龙岗镇": (("龙岗镇中心幼儿园", 220), ("龙岗镇小博士幼儿园", 120)),
            "石桥镇": (("石桥镇中心幼儿园", 180), ("石桥镇春苗幼儿园", 100)),
            "白沙乡": (("白沙乡中心幼儿园", 150), ("白沙乡快乐幼儿园", 90)),
        }
        for tname, items in extra.items():
            outline = self.township_outlines[tname]
            cand = [i for i in range(len(self.net)) if outline.contains(self.net_geoms[i].centroid)]
            sp = self.seat_points[tname]
            for name, enrol in items:
                ang = rng.uniform(0, 2 * np.pi)
                anchor = (sp[0] + 250.0 * math.cos(ang), sp[1] + 250.0 * math.sin(ang))
                near = sorted(cand, key=lambda i: self.net_geoms[i].distance(Point(anchor)))[:20]
                placed = self.place_campus(
                    max(enrol * rng.uniform(9.0, 12.0), 1200.0),
                    anchor,
                    [self.net_geoms[i] for i in near],
                    self.net_tree,
                    setback=9.0,
                    max_shift=300.0,
                )
                short = name.removeprefix(tname)
                self._add_school(name, "幼儿园", enrol, 0, placed, (short,), tname)

    def make_gates(self) -> None:
        """Put a main gate on each campus front and up to two side gates facing roads."""
        rng = self.rng
        for sc in self.schools:
            poly = sc["poly"]
            c1, c2 = sc["front"]
            best = None
            for f in (0.5 + rng.uniform(-0.2, 0.2), 0.5, 0.35, 0.65, 0.2, 0.8):
                g = c1 + (c2 - c1) * f
                i = self.nearest_piece(g)
                d = self.net_geoms[i].distance(Point(g))
                if d <= 14.0:
                    best = g
                    break
            if best is None:
                best = self._closest_boundary_point(poly)
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
                    _, dist = self.net_tree.query_nearest(shapely.points(pts), return_distance=True, all_matches=False)
                    j = int(np.argmin(dist))
                    if dist[j] <= 13.0:
                        mid = (a + b) / 2.0
                        centre = np.array(poly.centroid.coords[0])
                        out = mid - centre
                        options.append((float(dist[j]), _dir_word(*out), pts[j]))
                options.sort(key=lambda o: o[0])
                used = set()
                for _, word, pt in options:
                    if len(gates) > n_extra or word in used:
                        continue
                    used.add(word)
                    gates.append({"name": f"{word}门", "pt": pt, "main": False})
            sc["gates"] = gates

    def _closest_boundary_point(self, poly: Polygon) -> np.ndarray:
        ring = shapely.segmentize(poly.exterior, 2.0)
        pts = shapely.points(shapely.get_coordinates(ring))
        _, dist = self.net_tree.query_nearest(pts, return_distance=True, all_matches=False)
        j = int(np.argmin(dist))
        if dist[j] > 14.0:
            LOGGER.warning("demo: campus %s is %.1f m from the nearest road", poly.centroid, dist[j])
        return shapely.get_coordinates(pts[j])[0]

    # ---------------------------------------------------------------- places, stations
    def roadside_point(
        self,
        anchor: tuple[float, float],
        *,
        offset: float = 16.0,
        names: tuple[str, ...] = (),
        max_shift: float = 300.0,
    ) -> tuple[np.ndarray, str] | None:
        ap = Point(anchor)
        if names:
            cand = [self.name_lines[n] for n in names if n in self.name_lines]
        else:
            idx = self.net_tree.query(ap.buffer(250.0))
            idx = [int(i) for i in idx if self.net.at[int(i), "name"] and self.net.at[int(i), "cls"] != "village_road"]
            if not idx:
                idx = [self.nearest_piece(np.array(anchor), named=True)]
            cand = [self.name_lines[self.net.at[i, "name"]] for i in sorted(set(idx))]
        cand = sorted(cand, key=lambda g: g.distance(ap))
        for geom in cand[:4]:
            line = min(shapely.get_parts(geom), key=lambda g: g.distance(ap))
            s0 = line.project(ap)
            for ds in _shifts(12.0, max_shift):
                for side in (1.0, -1.0):
                    _p, _, q = _offset_point(line, s0 + ds, side, offset)
                    qp = Point(q)
                    if len(self.net_tree.query(qp, predicate="dwithin", distance=offset - 4.0)):
                        continue
                    if any(c["poly"].distance(qp) < 8.0 for c in self.campuses):
                        continue
                    if qp.distance(self.river_full) < 50.0 or not self.district_inner.contains(qp):
                        continue
                    if any(math.dist(q, pl["pos"]) < 15.0 for pl in self.places):
                        continue
                    nearest = self.net.at[self.nearest_piece(q, named=True), "name"]
                    return q, nearest
        return None

    def add_place(self, name: str, kind: str, pos: np.ndarray | tuple[float, float], **extra: Any) -> dict[str, Any]:
        rec = {"name": name, "kind": kind, "pos": np.asarray(pos, dtype=float), **extra}
        self.places.append(rec)
        return rec

    def build_places(self) -> None:
        """Add villages and points of interest beside roads."""
        for vname, v in self.villages.items():
            self.add_place(vname, "村庄", v["pos"])
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
        for tname, _seat, short, *_ in _TOWNSHIPS:
            sp = self.seat_points[tname]
            pois += [
                (f"{tname}人民政府", "政府机关", (sp[0] + 120, sp[1] + 80), ()),
                (f"{tname}卫生院", "医院", (sp[0] - 150, sp[1] + 120), ()),
                (f"{tname}农贸市场", "市场", (sp[0] + 60, sp[1] - 150), ()),
                (f"{short}网吧", "网吧", (sp[0] - 250, sp[1] - 200), ()),
            ]
        for name, kind, anchor, names in pois:
            got = self.roadside_point(anchor, names=names)
            if got is None:
                LOGGER.warning("demo: could not place %s", name)
                continue
            self.add_place(name, kind, got[0], road=got[1])

    def build_stations(self) -> None:
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
        self.stations = []
        town_tnames = [t[0] for t in _TOWNSHIPS]
        for k, (name, anchor, names, cars, officers) in enumerate(specs):
            if anchor is None:
                tname = town_tnames[k - 3]
                sp = self.seat_points[tname]
                anchor = (sp[0] - 100.0, sp[1] + 60.0)
                names = (self.township_main[tname],)
            got = self.roadside_point(anchor, names=names)
            if got is None:
                msg = f"demo: could not place station {name}"
                raise RuntimeError(msg)
            pos, road = got
            self.add_place(name, "政府机关", pos, road=road, hidden=True)
            self.stations.append(
                {
                    "id": f"PCS{k + 1:02d}",
                    "name": name,
                    "pos": pos,
                    "road": road,
                    "cars": cars,
                    "officers": officers,
                    "address": f"{road}{self.house_number(road, pos)}号",
                }
            )

    def build_precincts(self) -> None:
        """Split 城关镇 among the three town stations; re-tile townships and precincts together."""
        town = [s for s in self.stations if s["name"] in ("城关派出所", "城东派出所", "城西派出所")]
        chengguan = self.township_polys[0]
        pts = shapely.multipoints([s["pos"] for s in town])
        edges = shapely.voronoi_polygons(pts, extend_to=chengguan.buffer(5000.0), only_edges=True)
        edges = edges.intersection(chengguan.buffer(200.0))
        faces = self._faces([self.district.boundary, *self.township_edges, edges])
        town_cells = list(shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=chengguan.buffer(5000.0))))
        precinct_of_town_cell = []
        for cell in town_cells:
            precinct_of_town_cell.append(next(s["name"] for s in town if cell.contains(Point(s["pos"]))))
        names_t = self.township_names
        station_of_tship = {"龙岗镇": "龙岗派出所", "石桥镇": "石桥派出所", "白沙乡": "白沙派出所"}
        t_groups: dict[str, list[Polygon]] = {n: [] for n in names_t}
        p_groups: dict[str, list[Polygon]] = {s["name"]: [] for s in self.stations[:6]}
        for f in faces:
            rp = f.representative_point()
            overl = [f.intersection(p).area for p in self.township_polys]
            tname = names_t[int(np.argmax(overl))]
            t_groups[tname].append(f)
            if tname == "城关镇":
                k = next(i for i, c in enumerate(town_cells) if c.contains(rp))
                p_groups[precinct_of_town_cell[k]].append(f)
            else:
                p_groups[station_of_tship[tname]].append(f)
        self.township_polys = [shapely.union_all(t_groups[n]) for n in names_t]
        self.precinct_polys = {k: shapely.union_all(v) for k, v in p_groups.items()}
        self.district_final = shapely.union_all(faces)

    def station_at(self, pt: np.ndarray) -> str:
        p = Point(pt)
        for name, poly in self.precinct_polys.items():
            if poly.contains(p):
                return name
        return min(self.precinct_polys, key=lambda n: self.precinct_polys[n].distance(p))

    # ---------------------------------------------------------------- school table
    def school_windows(self, level: str, zone: str) -> tuple[str, str, str]:
        rng = self.rng

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

    def school_rows(self) -> None:
        for sc in self.schools:
            gate = sc["gates"][0]["pt"]
            tname = self.township_of(*gate)
            road = self.net.at[self.nearest_piece(gate, named=True), "name"]
            if sc["village"]:
                addr = f"{_COUNTY}{tname}{sc['village']}"
            else:
                addr = f"{_COUNTY}{tname}{road}{self.house_number(road, gate)}号"
            sc["township"] = tname
            sc["station"] = self.station_at(gate)
            sc["address"] = addr
            sc["gate_road"] = road
            sc["windows"] = self.school_windows(sc["level"], sc["zone"])

    def build_guard_posts(self) -> None:
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
        by_name = {s["name"]: s for s in self.schools}
        self.guard_posts = []
        for k, (nm, windows) in enumerate(picks):
            sc = by_name.get(nm)
            if sc is None:
                continue
            gate = sc["gates"][0]
            i = self.nearest_piece(gate["pt"])
            q = np.array(
                shapely.line_interpolate_point(self.net_geoms[i], self.net_geoms[i].project(Point(gate["pt"]))).coords[
                    0
                ]
            )
            d = q - gate["pt"]
            pos = gate["pt"] + d / max(np.hypot(*d), 1e-9) * 4.0
            self.guard_posts.append(
                {
                    "id": f"HXG{k + 1:02d}",
                    "school": sc["id"],
                    "gate": gate["name"],
                    "windows": windows,
                    "pos": pos,
                    "station": self.station_at(pos),
                }
            )

    # ---------------------------------------------------------------- hazards
    def _school_ref(self, sc: dict[str, Any]) -> tuple[str, int]:
        """Return how an inspector names the school, and whether that is ambiguous."""
        rng = self.rng
        abbrs = sc["abbrs"]
        if rng.random() < 0.3 or not abbrs:
            return sc["name"], 0
        ab = abbrs[int(rng.integers(len(abbrs)))]
        hits = sum(1 for s in self.schools if ab in s["name"] or ab in s["abbrs"])
        return ab, int(hits > 1)

    def _gate_road_point(self, gate_pt: np.ndarray) -> tuple[np.ndarray, int]:
        i = self.nearest_piece(gate_pt)
        g = self.net_geoms[i]
        q = np.array(g.interpolate(g.project(Point(gate_pt))).coords[0])
        return q, i

    def _along(self, name: str, q: np.ndarray, ds: float) -> np.ndarray:
        geom = self.name_lines[name]
        line = min(shapely.get_parts(geom), key=lambda g: g.distance(Point(q)))
        s = line.project(Point(q)) + ds
        return np.array(line.interpolate(float(np.clip(s, 0.0, line.length))).coords[0])

    def _pick_school(
        self,
        levels: tuple[str, ...] | None = None,
        *,
        zone: str | None = None,
        big: bool = False,
        classes: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        rng = self.rng
        cands = []
        weights = []
        for sc in self.schools:
            if levels and sc["level"] not in levels:
                continue
            if zone == "town" and sc["zone"] != "town":
                continue
            if zone == "rural" and sc["zone"] == "town":
                continue
            if big and sc["enrol"] < 1500:
                continue
            _, i = self._gate_road_point(sc["gates"][0]["pt"])
            cls = self.net.at[i, "cls"]
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

    def _road_number_address(self, pt: np.ndarray) -> tuple[str, str, int] | None:
        i = self.nearest_piece(pt, named=True, classes=("arterial", "collector", "local"))
        name = self.net.at[i, "name"]
        if not name or self.net_geoms[i].distance(Point(pt)) > 60.0:
            return None
        num = self.house_number(name, pt)
        parts = list(shapely.get_parts(self.name_lines[name]))
        far = len(parts) > 1 and max(a.distance(b) for a in parts for b in parts) > 2000.0
        return f"{name}{num}号", name, int(far)

    def _crossing(self, gate_pt: np.ndarray, prefer: str) -> tuple[np.ndarray, str, str, int] | None:
        d = np.hypot(*(self.nodes - gate_pt).T)
        order = np.argsort(d)
        for k in order[:80]:
            if d[k] > 450.0:
                break
            names = self.node_names[k]
            if self.deg[k] < 3 or len(names) < 2:
                continue
            if prefer in names and self.rng.random() < 0.8:
                a = prefer
                b = next(n for n in names if n != prefer)
            elif prefer not in names and self.rng.random() < 0.5:
                continue
            else:
                a, b = names[0], names[1]
            hits = [j for j in range(len(self.nodes)) if a in self.node_names[j] and b in self.node_names[j]]
            amb = int(len(hits) > 1 and max(np.hypot(*(self.nodes[hits] - self.nodes[k]).T)) > 60.0)
            return self.nodes[k], a, b, amb
        return None

    def _mutate(self, text: str, kind: str) -> tuple[str, str]:
        """Apply the variants real sheets have; return text and a note."""
        rng = self.rng
        note = ""
        r = rng.random()
        if r < 0.1 and any(ch.isdigit() for ch in text):
            text = text.translate(_FULLWIDTH)
            note = "full-width digits"
        elif r < 0.16:
            for good, bad in _ABBREV_TYPOS.items():
                if good in text:
                    text = text.replace(good, bad, 1)
                    note = "typo"
                    break
        elif r < 0.22 and kind == "intersection":
            for sep in ("与", "/", "和"):
                if sep in text:
                    head, tail = text.split(sep, 1)
                    for suf in ("路", "街"):
                        if head.endswith(suf) and not head.endswith("大" + suf):
                            text = head[:-1] + sep + tail
                            note = "missing 路/街"
                            break
                    break
        return text, note

    def build_hazards(self) -> None:
        """Generate the 140 hazard records with the campaign reports' category mix."""
        rng = self.rng
        counts = {"交通安全": 63, "食品安全": 48, "社会治安": 23, "文化市场": 2, "其他": 4}
        rows: list[dict[str, Any]] = []
        for cat, n in counts.items():
            if cat == "文化市场":
                rows += self._cultural()
                continue
            if cat == "其他":
                rows += self._other()
                continue
            tmpl = _TEMPLATES[cat]
            w = np.array([t[3] for t in tmpl])
            made = 0
            guard = 0
            while made < n and guard < 10 * n:
                guard += 1
                t = tmpl[int(rng.choice(len(tmpl), p=w / w.sum()))]
                rec = self._hazard_from_template(cat, t)
                if rec is None:
                    continue
                rows.append(rec)
                made += 1
        self._finish_hazards(rows)

    def _hazard_from_template(self, cat: str, t: tuple[Any, ...]) -> dict[str, Any] | None:
        rng = self.rng
        key, desc, placement, _w, depts, sev = t
        rec: dict[str, Any] = {
            "cat": cat,
            "desc": desc,
            "dept": depts[int(rng.integers(len(depts)))],
            "severity": sev,
            "tmpl": key,
        }
        if placement.startswith("gate_road") or placement == "gate_vendor":
            if placement == "gate_road_rural":
                sc = self._pick_school(zone="rural", levels=("小学", "初中"))
            elif placement == "gate_road_major":
                sc = self._pick_school(classes=("national_highway", "arterial", "county_road"))
            elif placement == "gate_road_big":
                sc = self._pick_school(big=True)
            elif placement == "gate_vendor":
                sc = self._pick_school(levels=("小学", "幼儿园", "初中", "九年一贯制"))
            else:
                sc = self._pick_school()
            gates = sc["gates"]
            gate = gates[0] if rng.random() < 0.7 or len(gates) == 1 else gates[int(rng.integers(1, len(gates)))]
            q, pi = self._gate_road_point(gate["pt"])
            road = self.net.at[pi, "name"]
            ref, amb = self._school_ref(sc)
            rec["school"] = sc
            gname = "" if gate["main"] and rng.random() < 0.6 else gate["name"]
            if placement == "gate_vendor":
                out = q - gate["pt"]
                out /= max(np.hypot(*out), 1e-9)
                r = rng.random()
                if r < 0.45:
                    true = gate["pt"] + out * rng.uniform(3.0, 8.0) + np.array([-out[1], out[0]]) * rng.uniform(-15, 15)
                    rec.update(
                        addr=f"{ref}{gname}门口" if not gname.endswith("门") else f"{ref}{gname}口",
                        kind="gate",
                        anchor=f"{sc['name']}:{gate['name']}",
                        amb=amb,
                        intent="street vendors at the gate at dismissal",
                    )
                elif r < 0.8:
                    d = int(rng.choice([10, 15, 20, 30]))
                    gword = gate["name"] if not gate["main"] else rng.choice(["正门", "校门", "大门"])
                    true = gate["pt"] + out * d
                    rec.update(
                        addr=f"{ref}{gword}外{d}米",
                        kind="relative_offset",
                        anchor=f"{sc['name']}:{gate['name']}",
                        amb=amb,
                        intent=f"vendors {d} m straight out from the gate",
                    )
                else:
                    true = gate["pt"] + out * 2.0 * max(np.hypot(*(q - gate["pt"])), 8.0)
                    rec.update(
                        addr=f"{ref}对面",
                        kind="relative_offset",
                        anchor=f"{sc['name']}:{gate['name']}",
                        amb=amb,
                        intent="vendors across the road from the gate",
                    )
            else:
                r = rng.random()
                na = (
                    self._road_number_address(q)
                    if road and self.net.at[pi, "cls"] in ("arterial", "collector", "local")
                    else None
                )
                if r < 0.4 or (r >= 0.75 and na is None):
                    true = q + rng.normal(0.0, 2.0, 2)
                    gword = gname if gname else rng.choice(["门口", "校门口", "正门"])
                    addr = f"{ref}{gword}" if gword in ("门口", "校门口", "正门") else f"{ref}{gword}口"
                    rec.update(
                        addr=addr,
                        kind="gate",
                        anchor=f"{sc['name']}:{gate['name']}",
                        amb=amb,
                        intent=f"traffic at school gate on {self.net.at[pi, 'cls']}",
                    )
                elif r < 0.75 and road:
                    d = int(rng.choice([20, 30, 50, 80, 100]))
                    sign = 1.0 if rng.random() < 0.5 else -1.0
                    true = self._along(road, q, sign * d)
                    word = _dir_word(*(true - q))
                    gword = gate["name"] if not gate["main"] else "校门"
                    rec.update(
                        addr=f"{ref}{gword}往{word}{d}米",
                        kind="relative_offset",
                        anchor=f"{sc['name']}:{gate['name']}",
                        amb=amb,
                        intent=f"traffic {d} m along {road} from the gate",
                    )
                elif na is not None:
                    true = q + rng.normal(0.0, 2.0, 2)
                    addr, rname, amb2 = self._road_number_address(true) or na
                    rec.update(
                        addr=addr,
                        kind="road_number",
                        anchor=rname,
                        amb=amb2,
                        intent="traffic at a gate, given as a house number",
                    )
                else:
                    return None
            rec["true"] = true
            return rec
        if placement == "crossing":
            sc = self._pick_school(levels=("小学", "初中", "完全中学", "高中", "九年一贯制", "幼儿园"), zone="town")
            q, pi = self._gate_road_point(sc["gates"][0]["pt"])
            got = self._crossing(sc["gates"][0]["pt"], self.net.at[pi, "name"])
            if got is None:
                return None
            node, a, b, amb = got
            fmt = rng.choice(["{a}与{b}交叉口", "{a}/{b}路口", "{a}和{b}交汇处", "{a}、{b}交叉路口", "{a}与{b}路口"])
            rec.update(
                addr=fmt.format(a=a, b=b),
                kind="intersection",
                anchor=f"{a}|{b}",
                amb=amb,
                true=node + rng.normal(0.0, 3.0, 2),
                school=sc,
                intent=f"nearest crossing to the gate of {sc['id']}",
            )
            return rec
        if placement in ("roadside_senior", "roadside_rural"):
            if placement == "roadside_senior":
                sc = self._pick_school(levels=("完全中学", "高中", "初中", "职业学校"))
            else:
                sc = self._pick_school(zone="rural")
            q, pi = self._gate_road_point(sc["gates"][0]["pt"])
            road = self.net.at[pi, "name"]
            d = float(rng.uniform(80.0, 220.0))
            true = self._along(road, q, d if rng.random() < 0.5 else -d) if road else q
            ref, amb = self._school_ref(sc)
            c = np.array(sc["poly"].centroid.coords[0])
            word = _dir_word(*(true - c))
            dist = int(round(sc["poly"].distance(Point(true)) / 10.0) * 10) or 10
            rec.update(
                addr=f"{ref}{word}侧约{dist}米",
                kind="relative_offset",
                anchor=sc["name"],
                amb=amb,
                true=true,
                school=sc,
                intent=f"road section about {dist} m from the campus",
            )
            return rec
        if placement == "shop":
            sc = self._pick_school(levels=("小学", "初中", "九年一贯制", "完全中学", "高中"), zone="town")
            g = sc["gates"][0]["pt"]
            ang = rng.uniform(0, 2 * np.pi)
            d = rng.uniform(40.0, 180.0)
            got = self.roadside_point(
                (g[0] + d * math.cos(ang), g[1] + d * math.sin(ang)), offset=14.0, max_shift=120.0
            )
            if got is None:
                return None
            true, _ = got
            ref, amb = self._school_ref(sc)
            na = self._road_number_address(true)
            if na is not None and rng.random() < 0.55:
                addr, rname, amb2 = na
                rec.update(addr=addr, kind="road_number", anchor=rname, amb=amb2)
            else:
                c = np.array(sc["poly"].centroid.coords[0])
                dist = int(round(sc["poly"].distance(Point(true)) / 10.0) * 10) or 10
                rec.update(
                    addr=f"{ref}{_dir_word(*(true - c))}侧约{dist}米",
                    kind="relative_offset",
                    anchor=sc["name"],
                    amb=amb,
                )
            dist_g = float(np.hypot(*(true - g)))
            rec.update(true=true, school=sc, intent=f"shop {dist_g:.0f} m from the main gate")
            return rec
        if placement in ("village_rental", "village_youth"):
            vname = rng.choice(["西门村", "北门村", "西门村", "北门村", "东关村", "南关村"])
            v = self.villages[vname]
            sc = min(self.schools, key=lambda s: s["poly"].distance(Point(v["pos"])))
            r = rng.random()
            if r < 0.35 and v["access"] is not None:
                line = v["access"]
                s = max(0.0, line.project(Point(v["pos"])) - 150.0)
                true = np.array(line.interpolate(s).coords[0]) + rng.normal(0.0, 4.0, 2)
                rec.update(
                    addr=f"{vname}村口", kind="place", anchor=vname, amb=0, intent="village entrance next to the campus"
                )
            elif r < 0.7:
                true = np.asarray(v["pos"]) + rng.normal(0.0, 60.0, 2)
                rec.update(
                    addr=f"{vname}出租屋",
                    kind="place",
                    anchor=vname,
                    amb=0,
                    intent="student rental housing in the village",
                )
            else:
                grp = int(rng.integers(1, 7))
                true = np.asarray(v["pos"]) + rng.normal(0.0, 120.0, 2)
                rec.update(
                    addr=f"{vname}{grp}组",
                    kind="place",
                    anchor=vname,
                    amb=0,
                    intent="village group; only the village is known",
                )
            if placement == "village_youth":
                rec["intent"] = "idle youths near the village beside the campus"
            rec.update(true=true, school=sc)
            return rec
        if placement in ("poi_cafe", "poi_ktv"):
            kinds = ("网吧",) if placement == "poi_cafe" else ("娱乐场所",)
            cands = [p for p in self.places if p["kind"] in kinds]
            pl = cands[int(rng.integers(len(cands)))]
            sc = min(self.schools, key=lambda s: s["poly"].distance(Point(pl["pos"])))
            true = pl["pos"] + rng.normal(0.0, 5.0, 2)
            if rng.random() < 0.5:
                addr = pl["name"] + rng.choice(["", "门口", "旁"])
                rec.update(addr=addr, kind="place", anchor=pl["name"], amb=0)
            else:
                na = self._road_number_address(pl["pos"])
                if na is None:
                    return None
                rec.update(addr=na[0] + pl["name"], kind="road_number", anchor=na[1], amb=na[2])
            rec.update(
                true=true,
                school=sc if sc["poly"].distance(Point(true)) < 400 else None,
                intent="youths gathering at an entertainment venue",
            )
            return rec
        if placement == "wall":
            sc = self._pick_school(big=True)
            ring = sc["poly"].exterior
            c1, c2 = sc["front"]
            back = np.array(
                ring.interpolate(
                    ring.project(Point(2 * np.array(sc["poly"].centroid.coords[0]) - (c1 + c2) / 2.0))
                ).coords[0]
            )
            true = back
            c = np.array(sc["poly"].centroid.coords[0])
            ref, amb = self._school_ref(sc)
            rec.update(
                addr=f"{ref}{_dir_word(*(back - c))}侧围墙",
                kind="relative_offset",
                anchor=sc["name"],
                amb=amb,
                true=true,
                school=sc,
                intent="campus wall opposite the main gate",
            )
            return rec
        msg = f"unknown placement {placement}"
        raise ValueError(msg)

    def _poi_near_school(self, sc: dict[str, Any], dist: float, name: str, kind: str) -> np.ndarray:
        g = sc["gates"][0]["pt"]
        rng = self.rng
        best = None
        for _ in range(400):
            ang = rng.uniform(0, 2 * np.pi)
            got = self.roadside_point(
                (g[0] + dist * math.cos(ang), g[1] + dist * math.sin(ang)), offset=14.0, max_shift=36.0
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
        self.add_place(name, kind, best)
        return best

    def _cultural(self) -> list[dict[str, Any]]:
        by_name = {s["name"]: s for s in self.schools}
        out = []
        sc = by_name["城关中学"]
        pos = self._poi_near_school(sc, 150.0, "星空网吧", "网吧")
        d_gate = float(np.hypot(*(pos - sc["gates"][0]["pt"])))
        d_wall = sc["poly"].distance(Point(pos))
        na = self._road_number_address(pos)
        addr = f"{na[0]}星空网吧" if na else "城关中学旁星空网吧"
        out.append(
            {
                "cat": "文化市场",
                "desc": "网吧距校门约150米，接纳未成年人",
                "dept": "县文化广电旅游局",
                "severity": "较大",
                "addr": addr,
                "kind": "road_number" if na else "relative_offset",
                "anchor": na[1] if na else sc["name"],
                "amb": na[2] if na else 0,
                "true": pos,
                "school": sc,
                "intent": f"internet cafe {d_gate:.0f} m from the gate ({d_wall:.0f} m from the campus "
                "boundary): violates the 200 m rule",
                "tmpl": "C1",
            }
        )
        sc = by_name["青岚县第二中学"]
        pos = self._poi_near_school(sc, 120.0, "欢乐电玩城", "游戏厅")
        d_gate = float(np.hypot(*(pos - sc["gates"][0]["pt"])))
        d_wall = sc["poly"].distance(Point(pos))
        out.append(
            {
                "cat": "文化市场",
                "desc": "游戏厅距学校约120米，违规设置电子游戏机",
                "dept": "县文化广电旅游局",
                "severity": "较大",
                "addr": "县二中对面欢乐电玩城",
                "kind": "relative_offset",
                "anchor": f"{sc['name']}|欢乐电玩城",
                "amb": 0,
                "true": pos,
                "school": sc,
                "intent": f"game room {d_gate:.0f} m from the gate ({d_wall:.0f} m from the campus boundary): "
                "violates the 200 m rule",
                "tmpl": "C2",
            }
        )
        return out

    def _other(self) -> list[dict[str, Any]]:
        rng = self.rng
        by_name = {s["name"]: s for s in self.schools}
        out = []
        yz = by_name["青岚县第一中学"]
        c = np.array(yz["poly"].centroid.coords[0])
        out.append(
            {
                "cat": "其他",
                "desc": "两栋老教学楼楼梯狭窄，课间拥挤存在踩踏隐患",
                "dept": "县教育局",
                "severity": "较大",
                "addr": "县一中校内老教学楼",
                "kind": "place",
                "anchor": yz["name"],
                "amb": 0,
                "true": c + rng.normal(0.0, 20.0, 2),
                "school": yz,
                "intent": "inside the campus: old teaching blocks with narrow stairs",
                "tmpl": "O1",
            }
        )
        rural = [s for s in self.schools if s["village"]]
        sc = rural[int(rng.integers(len(rural)))]
        ref = sc["abbrs"][0]
        cc = np.array(sc["poly"].centroid.coords[0])
        for _ in range(200):
            ang = rng.uniform(0, 2 * np.pi)
            p = cc + np.array([math.cos(ang), math.sin(ang)]) * rng.uniform(90.0, 160.0)
            if (
                self.net_tree.query(Point(p), predicate="dwithin", distance=20.0).size == 0
                and sc["poly"].distance(Point(p)) > 40.0
            ):
                break
        dist = int(round(sc["poly"].distance(Point(p)) / 10.0) * 10)
        out.append(
            {
                "cat": "其他",
                "desc": "学校周边池塘无防护栏及警示标志，存在溺水隐患",
                "dept": f"{sc['township']}人民政府",
                "severity": "较大",
                "addr": f"{ref}{_dir_word(*(p - cc))}侧约{dist}米池塘",
                "kind": "relative_offset",
                "anchor": sc["name"],
                "amb": 0,
                "true": p,
                "school": sc,
                "intent": "pond without fence near a village school (drowning risk)",
                "tmpl": "O2",
            }
        )
        sc = self._pick_school(levels=("小学",), zone="town")
        q, _ = self._gate_road_point(sc["gates"][0]["pt"])
        ref, amb = self._school_ref(sc)
        out.append(
            {
                "cat": "其他",
                "desc": "校门口电线杆倾斜，存在倒伏隐患",
                "dept": "国网青岚县供电公司",
                "severity": "一般",
                "addr": f"{ref}门口",
                "kind": "gate",
                "anchor": f"{sc['name']}:{sc['gates'][0]['name']}",
                "amb": amb,
                "true": q + rng.normal(0, 3, 2),
                "school": sc,
                "intent": "leaning utility pole at the gate",
                "tmpl": "O3",
            }
        )
        sc = self._pick_school(levels=("小学", "初中"), zone="rural")
        ring = sc["poly"].exterior
        p = np.array(ring.interpolate(rng.uniform(0, ring.length)).coords[0])
        ref, amb = self._school_ref(sc)
        cc = np.array(sc["poly"].centroid.coords[0])
        out.append(
            {
                "cat": "其他",
                "desc": "学校围墙破损，存在安全隐患",
                "dept": "县教育局",
                "severity": "一般",
                "addr": f"{ref}{_dir_word(*(p - cc))}侧围墙",
                "kind": "relative_offset",
                "anchor": sc["name"],
                "amb": amb,
                "true": p,
                "school": sc,
                "intent": "broken campus wall",
                "tmpl": "O4",
            }
        )
        return out

    def _dates(self, status: str, *, found_window: tuple[date, date] | None = None) -> dict[str, date | None]:
        rng = self.rng

        def day(lo: date, hi: date) -> date:
            span = max((hi - lo).days, 0)
            return lo + timedelta(days=int(rng.integers(0, span + 1)))

        windows = {
            "已销号": (date(2026, 3, 1), date(2026, 9, 15)),
            "已整改": (date(2026, 6, 1), date(2026, 10, 20)),
            "已交办": (date(2026, 10, 12), date(2026, 11, 12)),
            "已汇总": (date(2026, 10, 25), date(2026, 11, 14)),
            "已发现": (date(2026, 11, 8), date(2026, 11, 20)),
        }
        for _ in range(200):
            window = found_window or windows[status]
            if status == "已交办" and found_window is None and rng.random() < 0.3:
                window = (date(2026, 5, 1), date(2026, 9, 25))  # older items still open: mostly overdue
            found = day(*window)
            out: dict[str, date | None] = {
                "found": found,
                "cons": None,
                "assigned": None,
                "deadline": None,
                "rectified": None,
                "closed": None,
            }
            if status != "已发现":
                out["cons"] = found + timedelta(days=int(rng.integers(1, 6)))
            if status in ("已交办", "已整改", "已销号"):
                out["assigned"] = out["cons"] + timedelta(days=int(rng.integers(1, 5)))
                out["deadline"] = out["assigned"] + timedelta(days=int(rng.choice([15, 20, 30, 30, 45, 60])))
            if status in ("已整改", "已销号"):
                late = rng.random() < 0.1
                span = (out["deadline"] - out["assigned"]).days
                days = int(rng.integers(3, span + 1)) + (int(rng.integers(1, 12)) if late else 0)
                out["rectified"] = out["assigned"] + timedelta(days=days)
            if status == "已销号":
                out["closed"] = out["rectified"] + timedelta(days=int(rng.integers(1, 11)))
            last = max(d for k, d in out.items() if d is not None and k != "deadline")
            if last <= _CAMPAIGN_END:
                return out
        msg = "demo: could not draw consistent dates"
        raise RuntimeError(msg)

    def _finish_hazards(self, rows: list[dict[str, Any]]) -> None:
        rng = self.rng
        n = len(rows)
        # order: by found date later; assign statuses first
        statuses = rng.choice(
            ["已销号", "已整改", "已交办", "已汇总", "已发现"], size=n, p=[0.5, 0.15, 0.22, 0.07, 0.06]
        )
        for r, st in zip(rows, statuses, strict=True):
            r["status"] = str(st)
            if r["severity"] is None:
                r["severity"] = str(rng.choice(list(_SEVERITY_P), p=list(_SEVERITY_P.values())))
            if (
                r.get("school") is not None
                and r["school"]["level"] in ("小学", "幼儿园")
                and r["cat"] == "交通安全"
                and r["severity"] == "一般"
                and rng.random() < 0.2
            ):
                r["severity"] = "较大"
            if r["dept"] == "STATION":
                r["dept"] = self.station_at(r["true"])
            r["dates"] = self._dates(r["status"])
            r["defect"] = ""
        # defects: one swapped lon/lat (traffic), one unparseable found date (food safety, early March)
        traffic = [i for i, r in enumerate(rows) if r["cat"] == "交通安全"]
        food = [i for i, r in enumerate(rows) if r["cat"] == "食品安全" and r["status"] == "已销号"]
        swap_i = traffic[int(rng.integers(len(traffic)))]
        date_i = food[int(rng.integers(len(food)))]
        rows[swap_i]["defect"] = "swapped_lonlat"
        rows[date_i]["defect"] = "bad_date"
        rows[date_i]["dates"] = self._dates("已销号", found_window=(date(2026, 3, 1), date(2026, 3, 9)))
        # coordinates for about half; a third of those GCJ-02 as copied from Gaode
        prefer = np.array([1.0 if r["kind"] in ("gate", "relative_offset") else 0.6 for r in rows])
        prefer[swap_i] = 0.0
        n_coord = n // 2
        others = rng.choice(
            np.delete(np.arange(n), swap_i),
            size=n_coord - 1,
            replace=False,
            p=np.delete(prefer, swap_i) / np.delete(prefer, swap_i).sum(),
        )
        with_coords = sorted([swap_i, *others.tolist()])
        gcj = set(rng.choice([i for i in with_coords if i != swap_i], size=n_coord // 3, replace=False).tolist())
        # order rows by found date (then category) as a register would be
        order = sorted(range(n), key=lambda i: (rows[i]["dates"]["found"], rows[i]["cat"], i))
        teams = {s["name"]: f"第{'一二三四五六'[k]}检查组" for k, s in enumerate(self.stations[:6])}
        self.hazards = []
        for seq, i in enumerate(order, start=1):
            r = rows[i]
            hid = f"YH2026-{seq:04d}"
            addr, note = self._mutate(r["addr"], r["kind"])
            obs = None
            datum = ""
            if i in with_coords:
                ang = rng.uniform(0, 2 * np.pi)
                obs = np.asarray(r["true"]) + rng.uniform(3.0, 15.0) * np.array([math.cos(ang), math.sin(ang)])
                datum = "GCJ-02" if i in gcj else "WGS84"
            fmt = rng.choice(["iso", "slash", "cn"], p=[0.9, 0.05, 0.05])
            sc = r.get("school")
            sname = ""
            if sc is not None and rng.random() < 0.9:
                sname = sc["name"] if rng.random() < 0.93 else sc["abbrs"][0]
            intent = r["intent"] + (f"; address variant: {note}" if note else "")
            if r["defect"] == "swapped_lonlat":
                intent += "; defect: 经度/纬度 swapped"
            if r["defect"] == "bad_date":
                intent += "; defect: 发现日期 written as 三月初"
            self.hazards.append(
                {
                    "id": hid,
                    "cat": r["cat"],
                    "desc": r["desc"],
                    "addr": addr,
                    "obs": obs,
                    "datum": datum,
                    "severity": r["severity"],
                    "status": r["status"],
                    "dept": r["dept"],
                    "dates": r["dates"],
                    "date_fmt": str(fmt),
                    "school": sname,
                    "team": teams[self.station_at(r["true"]) if self.station_at(r["true"]) in teams else "城关派出所"],
                    "true": np.asarray(r["true"], dtype=float),
                    "kind": r["kind"],
                    "anchor": r["anchor"],
                    "amb": int(r["amb"]),
                    "defect": r["defect"],
                    "intent": intent,
                }
            )


# --------------------------------------------------------------------------------------
# assembling tables (metric), replication, WGS84 conversion
# --------------------------------------------------------------------------------------


def _fmt_date(d: date | None, fmt: str) -> str:
    if d is None:
        return ""
    if fmt == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if fmt == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def _build_county(seed: int) -> dict[str, Any]:
    """Generate one county; return metric (local frame) tables."""
    c = _County(seed)
    c.build_district()
    c.build_river()
    c.build_town_skeleton()
    c.build_county_roads()
    c.build_townships()
    c.build_villages()
    c.clip_raw()
    c.place_big_campuses()
    c.fill_streets()
    c.node_network()
    c.index_network()
    c.place_kindergartens()
    c.make_gates()
    c.build_places()
    c.build_stations()
    c.build_precincts()
    c.school_rows()
    c.build_guard_posts()
    c.build_hazards()
    LOGGER.info("demo: %d road segments, %d schools, %d hazards", len(c.net), len(c.schools), len(c.hazards))
    return _tables(c)


def _tables(c: _County) -> dict[str, Any]:
    t: dict[str, Any] = {}
    schools = []
    for sc in c.schools:
        arr, noon, dis = sc["windows"]
        g = sc["gates"][0]["pt"]
        schools.append(
            {
                "学校编号": sc["id"],
                "学校名称": sc["name"],
                "学段": sc["level"],
                "地址": sc["address"],
                "在校人数": sc["enrol"],
                "寄宿生人数": sc["boarders"],
                "是否寄宿": "是" if sc["boarders"] else "否",
                "乡镇": sc["township"],
                "派出所": sc["station"],
                "到校时段": arr,
                "午间放学时段": noon,
                "下午放学时段": dis,
                "geometry": Point(g),
            }
        )
    t["schools"] = schools
    t["campuses"] = [
        {"学校编号": sc["id"], "学校名称": sc["name"], "说明": _FICTIONAL, "geometry": sc["poly"]} for sc in c.schools
    ]
    t["gates"] = [
        {
            "学校编号": sc["id"],
            "校门名称": g["name"],
            "是否主门": "是" if g["main"] else "否",
            "geometry": Point(g["pt"]),
        }
        for sc in c.schools
        for g in sc["gates"]
    ]
    t["stations"] = [
        {
            "派出所编号": s["id"],
            "派出所名称": s["name"],
            "地址": s["address"],
            "巡逻车数量": s["cars"],
            "民警人数": s["officers"],
            "geometry": Point(s["pos"]),
        }
        for s in c.stations
    ]
    t["guard_posts"] = [
        {
            "护学岗编号": p["id"],
            "学校编号": p["school"],
            "校门名称": p["gate"],
            "时段": p["windows"],
            "派出所": p["station"],
            "geometry": Point(p["pos"]),
        }
        for p in c.guard_posts
    ]
    t["places"] = [
        {"名称": p["name"], "类型": p["kind"], "乡镇": c.township_of(*p["pos"]), "geometry": Point(p["pos"])}
        for p in c.places
        if not p.get("hidden")
    ]
    net = c.net
    t["roads"] = pd.DataFrame(
        {
            "road_id": [f"R{i + 1:05d}" for i in range(len(net))],
            "name": net["name"].to_numpy(),
            "ref": net["ref"].to_numpy(),
            "road_class": net["cls"].to_numpy(),
            "speed_kph": net["cls"].map(_SPEED_KPH).to_numpy().astype(int),
            "oneway": net["oneway"].to_numpy().astype(int),
            "bridge": net["bridge"].to_numpy().astype(int),
            "lanes": net["lanes"].to_numpy().astype(int),
            "note": _FICTIONAL,
            "geometry": net["geom"].to_numpy(),
        }
    )
    t["district"] = [
        {"名称": _COUNTY, "类型": "县", "编码": "QL000", "上级": "", "说明": _FICTIONAL, "geometry": c.district_final}
    ]
    t["townships"] = [
        {"名称": n, "类型": "乡镇", "编码": f"QL{k + 1:03d}", "上级": _COUNTY, "说明": _FICTIONAL, "geometry": p}
        for k, (n, p) in enumerate(zip(c.township_names, c.township_polys, strict=True))
    ]
    t["precincts"] = [
        {
            "名称": f"{n}辖区",
            "类型": "派出所辖区",
            "编码": f"QL{101 + k}",
            "上级": f"{_COUNTY}公安局",
            "说明": _FICTIONAL,
            "派出所": n,
            "geometry": p,
        }
        for k, (n, p) in enumerate(c.precinct_polys.items())
    ]
    t["rivers"] = [{"名称": "青岚河", "类型": "河流", "说明": _FICTIONAL, "geometry": c.river}]
    hz = []
    for h in c.hazards:
        d = h["dates"]
        fmt = h["date_fmt"]
        row = {
            "隐患编号": h["id"],
            "隐患类别": h["cat"],
            "隐患描述": h["desc"],
            "地址": h["addr"],
            "坐标系": h["datum"],
            "严重程度": h["severity"],
            "整改状态": h["status"],
            "责任单位": h["dept"],
            "发现日期": "三月初" if h["defect"] == "bad_date" else _fmt_date(d["found"], fmt),
            "汇总日期": _fmt_date(d["cons"], fmt),
            "交办日期": _fmt_date(d["assigned"], fmt),
            "整改期限": _fmt_date(d["deadline"], fmt),
            "整改完成日期": _fmt_date(d["rectified"], fmt),
            "销号日期": _fmt_date(d["closed"], fmt),
            "关联学校": h["school"],
            "检查组": h["team"],
            "obs": h["obs"],
            "swap": h["defect"] == "swapped_lonlat",
            "true": h["true"],
            "address_kind": h["kind"],
            "anchor": h["anchor"],
            "ambiguous": h["amb"],
            "defect": h["defect"],
            "intent": h["intent"],
        }
        hz.append(row)
    t["hazards"] = hz
    return t


def _to_frames(t: dict[str, Any]) -> dict[str, Any]:
    """Turn lists of records (local metric) into (Geo)DataFrames (still local metric)."""
    out: dict[str, Any] = {}
    for k, v in t.items():
        if k == "hazards":
            out[k] = pd.DataFrame(v)
        elif isinstance(v, pd.DataFrame):
            out[k] = gpd.GeoDataFrame(v, geometry="geometry")
        else:
            out[k] = gpd.GeoDataFrame(pd.DataFrame(v), geometry="geometry")
    return out


def _suffix(values: pd.Series, suffix: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    vals = values.astype(str).to_numpy()
    res = np.char.add(vals.astype("U"), suffix.astype("U"))
    if mask is not None:
        res = np.where(mask, res, vals)
    return res.astype(object)


def _replicate(frames: dict[str, Any], n_copies: int, rounds: int, seed: int) -> dict[str, Any]:
    """Tile the county ``n_copies`` times (offsets in metres); hazards get ``rounds`` rounds."""
    if n_copies == 1 and rounds == 1:
        return frames
    ncols = math.ceil(math.sqrt(n_copies))
    k = np.arange(n_copies)
    offsets = np.column_stack([-(k % ncols) * _COPY_PITCH[0], (k // ncols) * _COPY_PITCH[1]])
    sfx = np.array([""] + [f"-{i + 1:03d}" for i in range(1, n_copies)], dtype=object)
    out: dict[str, Any] = {}
    id_cols = {
        "schools": ["学校编号"],
        "campuses": ["学校编号"],
        "gates": ["学校编号"],
        "stations": ["派出所编号"],
        "guard_posts": ["护学岗编号", "学校编号"],
        "roads": ["road_id"],
        "district": ["编码"],
        "townships": ["编码"],
        "precincts": ["编码"],
        "rivers": [],
    }
    name_cols = {
        "schools": ["学校名称", "乡镇", "派出所"],
        "campuses": ["学校名称"],
        "stations": ["派出所名称"],
        "guard_posts": ["派出所"],
        "places": ["名称", "乡镇"],
        "district": ["名称"],
        "townships": ["名称", "上级"],
        "precincts": ["名称", "上级", "派出所"],
        "rivers": ["名称"],
    }
    for key, gdf in frames.items():
        if key == "hazards":
            continue
        n = len(gdf)
        rep = pd.concat([gdf] * n_copies, ignore_index=True)
        copy_of = np.repeat(k, n)
        geoms = rep.geometry.to_numpy()
        coords, idx = shapely.get_coordinates(geoms, return_index=True)
        coords = coords + offsets[copy_of[idx]]
        rep = rep.set_geometry(shapely.set_coordinates(shapely.transform(geoms, lambda x: x), coords))
        s = sfx[copy_of]
        for col in id_cols.get(key, []) + name_cols.get(key, []):
            mask = rep[col].astype(str).to_numpy() != ""
            rep[col] = _suffix(rep[col], s, mask)
        out[key] = rep
    hz = frames["hazards"]
    n = len(hz)
    reps = []
    for r in range(rounds):
        rng = np.random.default_rng([seed, r])
        block = pd.concat([hz] * n_copies, ignore_index=True)
        copy_of = np.repeat(k, n)
        true = np.vstack(block["true"].to_numpy()) + offsets[copy_of]
        obs_present = block["obs"].notna().to_numpy()
        obs = np.full((len(block), 2), np.nan)
        base_obs = np.vstack([o if o is not None else np.full(2, np.nan) for o in block["obs"]])
        if r == 0:
            obs = base_obs + offsets[copy_of]
        else:
            ang = rng.uniform(0, 2 * np.pi, len(block))
            dist = rng.uniform(3.0, 15.0, len(block))
            obs[obs_present] = (true + np.column_stack([np.cos(ang), np.sin(ang)]) * dist[:, None])[obs_present]
        block["true"] = list(true)
        block["obs"] = [o if p else None for o, p in zip(obs, obs_present, strict=True)]
        s = sfx[copy_of]
        block["关联学校"] = _suffix(block["关联学校"], s, block["关联学校"].astype(str).to_numpy() != "")
        block["copy"] = copy_of
        block["round"] = r
        reps.append(block)
    allhz = pd.concat(reps, ignore_index=True)
    width = max(4, len(str(len(allhz))))
    allhz["隐患编号"] = [f"YH2026-{i + 1:0{width}d}" for i in range(len(allhz))]
    out["hazards"] = allhz
    return out


def _local_to_wgs84(geoms: np.ndarray) -> np.ndarray:
    """Local metric frame -> WGS84, coordinates rounded to 6 decimals."""
    to_utm = pyproj.Transformer.from_crs(4326, _METRIC_EPSG, always_xy=True)
    to_wgs = pyproj.Transformer.from_crs(_METRIC_EPSG, 4326, always_xy=True)
    ox, oy = to_utm.transform(*_ORIGIN_LONLAT)

    def f(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs.transform(xy[:, 0] + ox, xy[:, 1] + oy)
        return np.round(np.column_stack([lon, lat]), 6)

    return shapely.transform(geoms, f)


def _finalise(frames: dict[str, Any], seed: int, scale: float) -> DemoDistrict:
    out: dict[str, Any] = {}
    for key, gdf in frames.items():
        if key == "hazards":
            continue
        geoms = _local_to_wgs84(gdf.geometry.to_numpy())
        if key in ("campuses", "district", "townships", "precincts"):
            bad = ~shapely.is_valid(geoms)
            if bad.any():
                geoms[bad] = shapely.make_valid(geoms[bad])
        g = gpd.GeoDataFrame(gdf.drop(columns="geometry"), geometry=geoms, crs="EPSG:4326")
        if key in ("schools", "gates", "stations", "guard_posts", "places"):
            g["经度"] = shapely.get_x(geoms)
            g["纬度"] = shapely.get_y(geoms)
        out[key] = g
    hz = frames["hazards"]
    true = _local_to_wgs84(shapely.points(np.vstack(hz["true"].to_numpy())))
    tlon, tlat = shapely.get_x(true), shapely.get_y(true)
    present = hz["obs"].notna().to_numpy()
    lon = np.full(len(hz), np.nan)
    lat = np.full(len(hz), np.nan)
    if present.any():
        obs = _local_to_wgs84(shapely.points(np.vstack(hz["obs"].to_numpy()[present])))
        olon, olat = shapely.get_x(obs), shapely.get_y(obs)
        gcj = hz["坐标系"].to_numpy()[present] == "GCJ-02"
        if gcj.any():
            glon, glat = wgs84_to_gcj02(olon[gcj], olat[gcj])
            olon[gcj], olat[gcj] = glon, glat
        lon[present], lat[present] = np.round(olon, 6), np.round(olat, 6)
    swap = hz["swap"].to_numpy().astype(bool)
    lon[swap], lat[swap] = lat[swap], lon[swap]
    hazards = hz[_HAZARD_COLUMNS[:4] + _HAZARD_COLUMNS[6:]].copy()
    hazards.insert(4, "经度", lon)
    hazards.insert(5, "纬度", lat)
    hazards = hazards[_HAZARD_COLUMNS].reset_index(drop=True)
    truth = pd.DataFrame(
        {
            "hazard_id": hz["隐患编号"].to_numpy(),
            "true_lon": tlon,
            "true_lat": tlat,
            "address_kind": hz["address_kind"].to_numpy(),
            "anchor": hz["anchor"].to_numpy(),
            "ambiguous": hz["ambiguous"].to_numpy().astype(int),
            "defect": hz["defect"].to_numpy(),
            "intent": hz["intent"].to_numpy(),
        }
    )
    order_cols = {
        "schools": _SCHOOL_COLUMNS,
        "gates": _GATE_COLUMNS,
        "stations": _STATION_COLUMNS,
        "guard_posts": _POST_COLUMNS,
        "places": _PLACE_COLUMNS,
        "roads": _ROAD_COLUMNS,
        "campuses": ["学校编号", "学校名称", "说明"],
        "district": _BOUNDARY_COLUMNS,
        "townships": _BOUNDARY_COLUMNS,
        "precincts": [*_BOUNDARY_COLUMNS, "派出所"],
        "rivers": ["名称", "类型", "说明"],
    }
    for key, cols in order_cols.items():
        out[key] = out[key][[*cols, "geometry"]].reset_index(drop=True)
    return DemoDistrict(hazards=hazards, hazards_truth=truth, **out, seed=seed, scale=float(scale))


def generate_demo_district(*, seed: int = DEMO_SEED, scale: float = 1.0) -> DemoDistrict:
    """Generate the fictional demo district 青岚县.

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed gives identical frames.
    scale
        Size multiplier. ``1`` is one county (about 60 schools, 140 hazards,
        7 police units and a few thousand road segments, in a few seconds).
        Larger values tile ``round(scale)`` copies of the county in a grid
        (IDs and names get a ``-NNN`` suffix; the copies' road networks are
        separate), and from ``scale >= 18`` every copy carries
        ``round(scale / 12)`` inspection rounds of hazards, so that a scale of
        about 300 gives tens of thousands of schools, about a million
        hazards and a road network of several hundred thousand nodes.

    Returns
    -------
    The district, in true WGS84 coordinates rounded to 6 decimals.

    Examples
    --------
    >>> demo = generate_demo_district()  # doctest: +SKIP
    >>> demo.hazards["隐患类别"].value_counts()["交通安全"]  # doctest: +SKIP
    63
    """
    if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        msg = f"scale must be a positive number; got {scale!r}"
        raise ValueError(msg)
    n_copies = max(1, round(scale))
    rounds = max(1, round(scale / 12.0))
    LOGGER.info("demo: generating %d county cop%s (seed %d)", n_copies, "y" if n_copies == 1 else "ies", seed)
    frames = _to_frames(_build_county(seed))
    frames = _replicate(frames, n_copies, rounds, seed)
    return _finalise(frames, seed, scale)


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------


def _csv_frame(gdf: pd.DataFrame, columns: list[str], float_cols: tuple[str, ...] = ("经度", "纬度")) -> pd.DataFrame:
    df = pd.DataFrame(gdf[columns]).copy()
    for col in float_cols:
        if col in df:
            df[col] = _fmt6(df[col].to_numpy())
    return df


def _write_csv(df: pd.DataFrame, path: Path, *, encoding: str, title: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        if title is not None:
            fh.write(title + "\n")
        df.to_csv(fh, index=False, lineterminator="\n")
    return path


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"COORDINATE_PRECISION": "6"})
    return path


_README = """# Demo data: 青岚县 (fictional)

**虚构示例数据** — everything in this folder is FICTIONAL demo data generated by
`hutan_geo.demo` (`generate_demo_district({call})` then `write_demo_files`).
青岚县, its townships, schools, roads, police units and hazards do not exist; any
resemblance to real places is coincidence. Coordinates are true WGS84 unless a
hazard row says `坐标系 = GCJ-02`.

本目录为程序生成的虚构示例数据（青岚县并不存在），仅供演示、测试与基准评测使用。

Regenerate with `hutan-geo demo-data --out data/` (same seed gives identical bytes).

## Files

{file_table}

## Notes

- Roads are noded: one feature per segment between junctions, endpoints shared
  exactly; one-way segments are digitised in the travel direction; the river is
  crossed only by the three `bridge = 1` segments. Speeds (km/h): national_highway
  60, arterial 50, collector 40, local 30, county_road 60, village_road 30.
- House numbers (e.g. `人民路128号`): along a named road (pieces merged in
  digitising order) numbers rise by two every 20 m, odd on the left, even on the right.
- The hazard register ({n_hazards} rows) is written like a real inspection sheet:
  abbreviations, typos, full-width digits, some dates as `2026/3/5` or `2026年3月5日`,
  about half with coordinates (a third of those GCJ-02), and two deliberately
  defective rows per county (one with 经度/纬度 swapped, one with 发现日期 `三月初`), flagged in
  `truth/hazards_truth.csv` column `defect`.
- Senior and complete middle schools with boarders also release day students after
  evening self-study (晚自习) at about 21:30; the files carry the 17:30-18:10 release.
- Campaign dates run from 2026-03-01 to 2026-11-20; open items are judged overdue
  against 2026-11-29.
"""


_BOUNDARY_NOTE = "名称, 类型, 编码, 上级, 说明"
_README_FILES = (
    ("boundaries/district.geojson", "UTF-8", f"{_BOUNDARY_NOTE}; the county polygon (类型 县)"),
    ("boundaries/townships.geojson", "UTF-8", f"{_BOUNDARY_NOTE}; townships (乡镇), they tile the county"),
    (
        "boundaries/precincts.geojson",
        "UTF-8",
        f"{_BOUNDARY_NOTE}, 派出所; precincts (派出所辖区), they tile the county",
    ),
    ("schools/schools.csv", "UTF-8 BOM, title row", ", ".join(_SCHOOL_COLUMNS) + "; 经度/纬度 = main gate"),
    ("schools/campuses.geojson", "UTF-8", "学校编号, 学校名称, 说明; campus polygons"),
    ("schools/gates.csv", "UTF-8 BOM, title row", ", ".join(_GATE_COLUMNS)),
    ("hazards/hazards.csv", "**GBK**, title row", ", ".join(_HAZARD_COLUMNS)),
    ("truth/hazards_truth.csv", "UTF-8, title line (skip it)", ", ".join(_TRUTH_COLUMNS)),
    ("police/stations.csv", "UTF-8 BOM, title row", ", ".join(_STATION_COLUMNS)),
    ("police/guard_posts.csv", "UTF-8 BOM, title row", ", ".join(_POST_COLUMNS)),
    ("roads/roads.geojson", "UTF-8", ", ".join(_ROAD_COLUMNS)),
    ("roads/rivers.geojson", "UTF-8", "名称, 类型, 说明; the river 青岚河 (map context, not a road)"),
    ("places/places.csv", "UTF-8 BOM, title row", ", ".join(_PLACE_COLUMNS)),
)


def _readme(district: DemoDistrict) -> str:
    """Return the text of the data folder's README."""
    rows = ["| file | encoding | columns |", "| --- | --- | --- |"]
    rows += [f"| `{path}` | {enc} | {cols} |" for path, enc, cols in _README_FILES]
    call = f"seed={district.seed}" + (f", scale={district.scale:g}" if district.scale != 1.0 else "")
    return _README.format(call=call, n_hazards=len(district.hazards), file_table="\n".join(rows))


def write_demo_files(district: DemoDistrict, out_dir: Path) -> list[Path]:
    """Write the demo district's files under ``out_dir``.

    The output is byte-for-byte deterministic: no timestamps, fixed column
    order, coordinates with six decimals.

    Parameters
    ----------
    district
        A district from :func:`generate_demo_district`.
    out_dir
        Folder to write into (created when missing); existing files with the
        same names are replaced.

    Returns
    -------
    The written paths, in a fixed order.

    Examples
    --------
    >>> paths = write_demo_files(generate_demo_district(), Path("data"))  # doctest: +SKIP
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    d = district
    paths: list[Path] = []
    readme = out / "README.md"
    readme.write_text(_readme(d), encoding="utf-8")
    paths.append(readme)
    paths.append(_write_geojson(d.district, out / "boundaries" / "district.geojson"))
    paths.append(_write_geojson(d.townships, out / "boundaries" / "townships.geojson"))
    paths.append(_write_geojson(d.precincts, out / "boundaries" / "precincts.geojson"))
    paths.append(
        _write_csv(
            _csv_frame(d.schools, _SCHOOL_COLUMNS),
            out / "schools" / "schools.csv",
            encoding="utf-8-sig",
            title=f"{_COUNTY}中小学幼儿园名录（{_FICTIONAL}）",
        )
    )
    paths.append(_write_geojson(d.campuses, out / "schools" / "campuses.geojson"))
    paths.append(
        _write_csv(
            _csv_frame(d.gates, _GATE_COLUMNS),
            out / "schools" / "gates.csv",
            encoding="utf-8-sig",
            title=f"{_COUNTY}学校校门位置（{_FICTIONAL}）",
        )
    )
    paths.append(
        _write_csv(
            _csv_frame(d.hazards, _HAZARD_COLUMNS),
            out / "hazards" / "hazards.csv",
            encoding="gbk",
            title=f"{_COUNTY}校园周边安全隐患排查台账（{_FICTIONAL}）",
        )
    )
    truth = _csv_frame(d.hazards_truth, _TRUTH_COLUMNS, ("true_lon", "true_lat"))
    paths.append(
        _write_csv(
            truth,
            out / "truth" / "hazards_truth.csv",
            encoding="utf-8",
            title=f"ground truth of the fictional demo hazards ({_FICTIONAL}); skip this line when reading",
        )
    )
    paths.append(
        _write_csv(
            _csv_frame(d.stations, _STATION_COLUMNS),
            out / "police" / "stations.csv",
            encoding="utf-8-sig",
            title=f"{_COUNTY}公安派出所（{_FICTIONAL}）",
        )
    )
    paths.append(
        _write_csv(
            _csv_frame(d.guard_posts, _POST_COLUMNS),
            out / "police" / "guard_posts.csv",
            encoding="utf-8-sig",
            title=f"{_COUNTY}护学岗（{_FICTIONAL}）",
        )
    )
    paths.append(_write_geojson(d.roads, out / "roads" / "roads.geojson"))
    paths.append(_write_geojson(d.rivers, out / "roads" / "rivers.geojson"))
    paths.append(
        _write_csv(
            _csv_frame(d.places, _PLACE_COLUMNS),
            out / "places" / "places.csv",
            encoding="utf-8-sig",
            title=f"{_COUNTY}地名与兴趣点（{_FICTIONAL}）",
        )
    )
    LOGGER.info("demo: wrote %d files under %s", len(paths), out)
    return paths
