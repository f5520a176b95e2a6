"""Hazard records of several years of campaigns (2022-2026) for one province county, vectorised.

A county's records come from hazard *sites*: places where inspectors find
a problem, put where such problems are in real campaigns (traffic and food
vendors at school gates, mostly within 300 m; shops, internet cafes and
entertainment venues 50-400 m away; rented rooms and idle youths in
villages; the rest along roads and at markets). A site is found again in
later campaign rounds (the same point, a few metres of GPS jitter), and each
record runs through the loop 发现 -> 汇总 -> 交办 -> 整改 -> 销号 as far as its
dates reach before the report date: older rounds are almost all closed,
recent ones mixed. About 1 % of the records carry an address only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo._i18n import tr
from hutan_geo.demo.content import REPORT_DATE

#: Campaign rounds: every year 2022-2026, four rounds starting on these (month, day).
ROUND_STARTS = [dt.date(y, m, d) for y in range(2022, 2027) for m, d in ((3, 1), (5, 10), (9, 1), (11, 10))]

#: Share of records without coordinates (address only).
UNPLACED_SHARE = 0.01

CATEGORY_SHARES = {"traffic": 0.40, "food_safety": 0.30, "public_order": 0.18, "cultural_market": 0.05, "other": 0.07}

#: placement kind -> (category, subtype, min distance, max distance, scale of the distance, anchor)
#: anchor: ``gate`` (a school gate, snapped to the road), ``village`` / ``market`` (a place, not snapped).
PLACEMENTS: dict[str, tuple[str, str, float, float, float, str]] = {
    "gate_traffic": ("traffic", "校门口交通", 5.0, 300.0, 70.0, "gate"),
    "road_traffic": ("traffic", "周边道路", 100.0, 800.0, 0.0, "gate"),
    "vendor": ("food_safety", "流动摊贩", 5.0, 150.0, 25.0, "gate"),
    "shop": ("food_safety", "小卖部", 30.0, 300.0, 0.0, "gate"),
    "market": ("food_safety", "农贸市场", 5.0, 60.0, 0.0, "market"),
    "gate_order": ("public_order", "校门口治安", 10.0, 300.0, 60.0, "gate"),
    "village": ("public_order", "出租屋", 50.0, 500.0, 0.0, "village"),
    "venue": ("cultural_market", "网吧", 50.0, 400.0, 0.0, "gate"),
    "roadside": ("other", "其他", 100.0, 1500.0, 0.0, "gate"),
}
#: category -> (placement kinds, their weights)
_KINDS = {
    "traffic": (["gate_traffic", "road_traffic"], [0.8, 0.2]),
    "food_safety": (["vendor", "shop", "market"], [0.55, 0.35, 0.10]),
    "public_order": (["gate_order", "village"], [0.5, 0.5]),
    "cultural_market": (["venue"], [1.0]),
    "other": (["roadside"], [1.0]),
}
_DESCRIPTIONS = {
    "gate_traffic": [
        "校门口无减速带及人行横道",
        "上下学时段校门口车辆乱停乱放，占用人行道",
        "校门口缺少“前方学校 减速慢行”警示标志",
        "校门口人行横道标线磨损不清",
        "大货车上下学时段通行校门口路段",
    ],
    "road_traffic": [
        "路口无信号灯，放学时段人车混行",
        "路口缺少人行横道及行人过街设施",
        "接送学生车辆占道停放造成拥堵",
        "弯道视距不足，无减速设施和警示标志",
    ],
    "vendor": ["放学时段流动摊贩聚集售卖三无食品", "校门口流动摊贩无证经营，占道摆摊", "校门口油炸烧烤摊点卫生条件差"],
    "shop": ["小卖部售卖过期食品", "学校周边小超市售卖三无辣条等零食", "学生托管点（小饭桌）无食品经营许可"],
    "market": ["市场内早餐摊点从业人员无健康证", "市场周边熟食摊点无防蝇防尘设施"],
    "gate_order": ["放学时段社会青年在校门口滋扰学生", "校门口治安监控探头损坏", "校门口护学岗执勤不到位"],
    "village": ["出租屋学生聚居，流动人口未登记", "校园周边闲散青少年聚集", "出租屋消防安全隐患突出"],
    "venue": ["网吧违规接纳未成年人", "游戏厅设置在学校周边200米内", "KTV接纳未成年学生", "书店售卖非法出版物"],
    "roadside": ["学校周边施工围挡破损", "沿街广告牌松动有坠落风险", "下水道井盖缺失", "电线杆倾斜"],
}
_DEPARTMENTS = {
    "traffic": ["{k}公安局交警大队", "{k}公安局交警大队", "{k}交通运输局", "{k}住建局"],
    "food_safety": ["{k}市场监督管理局", "{k}市场监督管理局", "{k}城市管理局"],
    "public_order": ["STATION"],
    "cultural_market": ["{k}文化广电旅游局", "STATION"],
    "other": ["{k}住建局", "{k}城市管理局", "{k}教育局"],
}
#: category -> probabilities of low / medium / high
_SEVERITY = {
    "traffic": [0.5, 0.38, 0.12],
    "food_safety": [0.6, 0.33, 0.07],
    "public_order": [0.5, 0.38, 0.12],
    "cultural_market": [0.65, 0.3, 0.05],
    "other": [0.6, 0.33, 0.07],
}
_TEAMS = np.array(["第一检查组", "第二检查组", "第三检查组", "第四检查组", "第五检查组", "第六检查组"], dtype=object)
STATUS_CODES = ("found", "consolidated", "assigned", "rectified", "closed")
_DIRS = np.array(["东", "北", "西", "南"], dtype=object)


def _sites(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Draw ``n`` sites: category, placement kind, first round and how often they are found again."""
    cats = np.array(list(CATEGORY_SHARES))
    cat = rng.choice(cats, size=n, p=np.array(list(CATEGORY_SHARES.values())))
    kind = np.empty(n, dtype=object)
    for c, (kinds, weights) in _KINDS.items():
        m = cat == c
        kind[m] = rng.choice(np.array(kinds, dtype=object), size=int(m.sum()), p=weights)
    n_rounds = len(ROUND_STARTS)
    first = rng.integers(0, n_rounds, n)
    times = np.minimum(rng.geometric(0.35, n), n_rounds - first)
    return pd.DataFrame({"category": cat, "kind": kind, "first": first, "times": times})


def _occurrences(sites: pd.DataFrame, n_records: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Expand sites into (site index, round) pairs, exactly ``n_records`` of them."""
    times = sites["times"].to_numpy()
    total = np.cumsum(times)
    last = int(np.searchsorted(total, n_records))
    times = times[: last + 1].copy()
    times[-1] -= int(total[last] - n_records)
    site = np.repeat(np.arange(len(times)), times)
    step = rng.choice(np.array([1, 1, 1, 1, 1, 1, 1, 2, 2, 3]), size=len(site))
    starts = np.concatenate([[0], np.cumsum(times)[:-1]])
    step[starts] = 0
    cum = np.cumsum(step)
    offset = cum - np.repeat(cum[starts], times)
    rnd = np.minimum(sites["first"].to_numpy()[site] + offset, len(ROUND_STARTS) - 1)
    return site, rnd


def _snap(points: np.ndarray, roads: np.ndarray, tree: shapely.STRtree, rng: np.random.Generator) -> np.ndarray:
    """Move points to the side of their nearest road (4-12 m off its centre line)."""
    pts = shapely.points(points)
    pairs = tree.query_nearest(pts, all_matches=False)
    near = np.empty(len(points), dtype=np.int64)
    near[pairs[0]] = pairs[1]
    lines = roads[near]
    base = shapely.get_coordinates(shapely.line_interpolate_point(lines, shapely.line_locate_point(lines, pts)))
    d = points - base
    norm = np.hypot(d[:, 0], d[:, 1])
    ang = rng.uniform(0, 2 * np.pi, len(points))
    unit = np.where(
        norm[:, None] > 0.5, d / np.maximum(norm, 1e-9)[:, None], np.column_stack([np.cos(ang), np.sin(ang)])
    )
    return base + unit * rng.uniform(4.0, 12.0, len(points))[:, None]


def _place_sites(sites: pd.DataFrame, ctx: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Anchor, position, distance and direction of every site (metres, county CRS)."""
    n = len(sites)
    kinds = sites["kind"].to_numpy()
    spec = {k: PLACEMENTS[k] for k in PLACEMENTS}
    lo = np.array([spec[k][2] for k in kinds])
    hi = np.array([spec[k][3] for k in kinds])
    scale = np.array([spec[k][4] for k in kinds])
    anchor = np.array([spec[k][5] for k in kinds], dtype=object)
    dist = np.where(scale > 0, lo + rng.exponential(np.maximum(scale, 1.0)), rng.uniform(lo, hi))
    dist = np.minimum(dist, hi)
    gate = rng.choice(len(ctx["gate_xy"]), size=n, p=ctx["gate_weight"])
    base = ctx["gate_xy"][gate].copy()
    place = np.full(n, -1)
    for key in ("village", "market"):
        m = anchor == key
        pool = ctx[f"{key}_idx"]
        if m.any() and len(pool):
            place[m] = rng.choice(pool, size=int(m.sum()))
            base[m] = ctx["place_xy"][place[m]]
    ang = rng.uniform(0, 2 * np.pi, n)
    pts = base + np.column_stack([np.cos(ang), np.sin(ang)]) * dist[:, None]
    snap = anchor == "gate"
    if snap.any():
        pts[snap] = _snap(pts[snap], ctx["roads"], ctx["tree"], rng)
    if (place >= 0).any():
        gate[place >= 0] = ctx["gate_tree"].query(pts[place >= 0])[1]
    d = pts - ctx["gate_xy"][gate]
    return {"xy": pts, "gate": gate, "place": place, "dist": np.hypot(d[:, 0], d[:, 1]), "dx": d[:, 0], "dy": d[:, 1]}


def _dates(sev: np.ndarray, rnd: np.ndarray, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Dates of the loop and the status they reach by the report date (older rounds: a few stuck items)."""
    n = len(rnd)
    starts = np.array(ROUND_STARTS, dtype="datetime64[D]")[rnd]
    day = np.timedelta64(1, "D")
    found = starts + rng.integers(0, 15, n) * day
    cons = found + rng.integers(1, 8, n) * day
    assigned = cons + rng.integers(0, 6, n) * day
    span = np.select([sev == "high", sev == "medium"], [rng.integers(7, 16, n), rng.integers(15, 31, n)])
    span = np.where(sev == "low", rng.integers(20, 61, n), span)
    deadline = assigned + span * day
    rectified = assigned + rng.integers(3, np.maximum(span + 20, 4)) * day
    closed = rectified + rng.integers(1, 15, n) * day
    stages = np.column_stack([found, cons, assigned, rectified, closed])
    report = np.datetime64(REPORT_DATE, "D")
    reached = (stages <= report).sum(axis=1) - 1
    old = starts < np.datetime64("2026-01-01")
    stuck = old & (rng.random(n) < 0.02)
    reached = np.where(stuck, np.minimum(reached, rng.integers(0, 4, n)), reached)
    out = {}
    names = ["found_date", "consolidated_date", "assigned_date", "rectified_date", "closed_date"]
    for i, name in enumerate(names):
        out[name] = np.where(reached >= i, stages[:, i], np.datetime64("NaT"))
    out["deadline"] = np.where(reached >= 2, deadline, np.datetime64("NaT"))
    return out, reached


def _context(county: dict[str, Any], crs: pyproj.CRS) -> dict[str, Any]:
    """Return the county's layers as arrays in its metric CRS, with the trees the placement needs."""
    from scipy.spatial import cKDTree

    gates = county["gates"].to_crs(crs)
    schools = county["schools"].set_index("school_id")
    gate_xy = shapely.get_coordinates(gates.geometry.to_numpy())
    enrol = pd.to_numeric(schools["enrolment"], errors="coerce").reindex(gates["school_id"]).fillna(200.0).to_numpy()
    weight = np.sqrt(np.maximum(enrol, 50.0)) * np.where(gates["is_main"].fillna(False).to_numpy(bool), 1.0, 0.5)
    roads = county["roads"].to_crs(crs)
    places = county["places"].to_crs(crs)
    kind = places["kind"].astype(str).to_numpy()
    return {
        "gate_xy": gate_xy,
        "gate_weight": weight / weight.sum(),
        "gate_school": schools["name"].reindex(gates["school_id"]).astype(str).to_numpy(dtype=object),
        "gate_name": gates["gate_name"].astype(str).to_numpy(dtype=object),
        "gate_tree": cKDTree(gate_xy),
        "roads": roads.geometry.to_numpy(),
        "road_name": roads["name"].fillna("").astype(str).to_numpy(dtype=object),
        "tree": shapely.STRtree(roads.geometry.to_numpy()),
        "place_xy": shapely.get_coordinates(places.geometry.to_numpy()),
        "place_name": places["name"].astype(str).to_numpy(dtype=object),
        "village_idx": np.flatnonzero(kind == "村庄"),
        "market_idx": np.flatnonzero(np.isin(kind, ["市场", "商店"])),
        "station_xy": shapely.get_coordinates(county["stations"].to_crs(crs).geometry.to_numpy()),
        "station_name": county["stations"]["name"].astype(str).to_numpy(dtype=object),
    }


def _texts(
    sites: pd.DataFrame, placed: dict[str, np.ndarray], ctx: dict[str, Any], name: str, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Per-site description, address, department, school and severity."""
    n = len(sites)
    kinds = sites["kind"].to_numpy()
    cats = sites["category"].to_numpy()
    desc = np.empty(n, dtype=object)
    for k, texts in _DESCRIPTIONS.items():
        m = kinds == k
        desc[m] = np.array(texts, dtype=object)[rng.integers(0, len(texts), int(m.sum()))]
    sev = np.empty(n, dtype=object)
    dept = np.empty(n, dtype=object)
    near_station = ctx["station_name"][_nearest(ctx["station_xy"], placed["xy"])]
    for c in CATEGORY_SHARES:
        m = cats == c
        sev[m] = rng.choice(np.array(["low", "medium", "high"], dtype=object), size=int(m.sum()), p=_SEVERITY[c])
        options = np.array([d.format(k=name[-1]) for d in _DEPARTMENTS[c]], dtype=object)
        dept[m] = options[rng.integers(0, len(options), int(m.sum()))]
    dept = np.where(dept == "STATION", near_station, dept)
    school = ctx["gate_school"][placed["gate"]]
    gate_name = ctx["gate_name"][placed["gate"]]
    d10 = np.maximum(10, np.round(placed["dist"] / 10.0) * 10).astype(int).astype(str)
    dx, dy = placed["dx"], placed["dy"]
    word = _DIRS[np.where(np.abs(dx) >= np.abs(dy), np.where(dx > 0, 0, 2), np.where(dy > 0, 1, 3))]
    addr = school + gate_name + "往" + word + "约" + d10.astype(object) + "米"
    near_place = placed["place"] >= 0
    pname = ctx["place_name"][np.maximum(placed["place"], 0)]
    addr = np.where(near_place, pname + np.where(kinds == "village", "村内", "内"), addr)
    vendor = kinds == "vendor"
    addr = np.where(vendor, school + "校门外" + d10.astype(object) + "米", addr)
    return {"description": desc, "address": addr, "department": dept, "school_name": school, "severity": sev}


def _nearest(targets: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Index of the nearest of ``targets`` for every point."""
    from scipy.spatial import cKDTree

    return cKDTree(targets).query(points)[1]


def generate_records(
    county: dict[str, Any], *, county_id: str, name: str, n_records: int, seed: int, crs: pyproj.CRS
) -> gpd.GeoDataFrame:
    """Generate a county's hazard records of the campaigns 2022-2026.

    Parameters
    ----------
    county
        The county's layers in EPSG:4326 with canonical columns (as
        :func:`hutan_geo.io.load_district` gives): ``schools``, ``gates``,
        ``roads``, ``places``, ``stations``.
    county_id, name
        The county's ID (``C001``) and name (its last character, 县/市/区, names the bureaus).
    n_records
        Exactly this many records.
    seed
        Seed of the county's random generator.
    crs
        The county's local metric CRS.

    Returns
    -------
    The records in EPSG:4326 with the canonical hazard columns (plain object / numpy dtypes;
    the caller casts them), sorted by found date; ``hazard_id`` is ``C001-2023-000123``.

    Examples
    --------
    >>> recs = generate_records(layers, county_id="C001", name="云溪县", n_records=9, seed=1, crs=crs)  # doctest: +SKIP
    """
    rng = np.random.default_rng([seed, 2022])
    ctx = _context(county, crs)
    sites = _sites(max(16, n_records // 2 + 16), rng)
    site, rnd = _occurrences(sites, n_records, rng)
    sites = sites.iloc[: int(site.max()) + 1 if len(site) else 0].reset_index(drop=True)
    placed = _place_sites(sites, ctx, rng)
    texts = _texts(sites, placed, ctx, name, rng)
    xy = placed["xy"][site] + rng.normal(0.0, 3.0, (len(site), 2))
    sev = texts["severity"][site]
    dates, reached = _dates(sev, rnd, rng)
    unplaced = rng.random(len(site)) < UNPLACED_SHARE
    lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(xy[:, 0], xy[:, 1])
    geom = shapely.points(np.round(lon, 6), np.round(lat, 6))
    geom[unplaced] = None
    frame = pd.DataFrame(
        {
            "category": sites["category"].to_numpy()[site],
            "subtype": np.array([PLACEMENTS[k][1] for k in sites["kind"]], dtype=object)[site],
            "description": texts["description"][site],
            "address": texts["address"][site],
            "severity": sev,
            "status": np.array(STATUS_CODES, dtype=object)[reached],
            "department": texts["department"][site],
            **dates,
            "school_name": texts["school_name"][site],
            "team": _TEAMS[rng.integers(0, len(_TEAMS), len(site))],
            "needs_geocoding": unplaced,
            "notes": np.where(unplaced, tr("io.note.needs_geocoding", "zh"), ""),
            "_site": site,
        }
    )
    frame = gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326")
    frame = frame.sort_values(["found_date", "_site"], kind="stable").reset_index(drop=True)
    year = frame["found_date"].dt.year.to_numpy()
    seq = frame.groupby(year).cumcount().to_numpy() + 1
    ids = [f"{county_id}-{y}-{s:06d}" for y, s in zip(year, seq, strict=True)]
    frame.insert(0, "hazard_id", ids)
    frame["source_row"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    columns = [
        "hazard_id", "category", "subtype", "description", "address", "severity", "status", "department",
        "found_date", "consolidated_date", "assigned_date", "deadline", "rectified_date", "closed_date",
        "school_name", "team", "source_row", "needs_geocoding", "notes", "geometry",
    ]  # fmt: skip
    return frame[columns]
