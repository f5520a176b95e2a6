"""The hazard records: templates per category and where each one is placed."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from shapely import Point

from hutan_geo.demo.geometry import dir_word
from hutan_geo.demo.hazard_sites import (
    along_road,
    crossing_near,
    gate_road_point,
    pick_school,
    poi_near_school,
    road_number_address,
    school_ref,
)
from hutan_geo.demo.places import roadside_point
from hutan_geo.demo.register import finish_hazards

if TYPE_CHECKING:
    from hutan_geo.demo.state import County

#: category -> list of (key, description, placement, weight, departments, severity override)
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


def build_hazards(county: County) -> None:
    """Generate the 140 hazard records with the campaign reports' category mix."""
    rng = county.rng
    counts = {"交通安全": 63, "食品安全": 48, "社会治安": 23, "文化市场": 2, "其他": 4}
    rows: list[dict[str, Any]] = []
    for cat, n in counts.items():
        if cat == "文化市场":
            rows += _cultural(county)
            continue
        if cat == "其他":
            rows += _other(county)
            continue
        tmpl = _TEMPLATES[cat]
        w = np.array([t[3] for t in tmpl])
        made = 0
        guard = 0
        while made < n and guard < 10 * n:
            guard += 1
            t = tmpl[int(rng.choice(len(tmpl), p=w / w.sum()))]
            rec = _hazard_from_template(county, cat, t)
            if rec is None:
                continue
            rows.append(rec)
            made += 1
    finish_hazards(county, rows)


def _hazard_from_template(county: County, cat: str, t: tuple[Any, ...]) -> dict[str, Any] | None:
    """Draw one hazard record of category ``cat`` from template ``t`` (None: no place found, draw again)."""
    rng = county.rng
    key, desc, placement, _w, depts, sev = t
    rec: dict[str, Any] = {
        "cat": cat,
        "desc": desc,
        "dept": depts[int(rng.integers(len(depts)))],
        "severity": sev,
        "tmpl": key,
    }
    if placement.startswith("gate_road") or placement == "gate_vendor":
        return _gate_hazard(county, rec, placement)
    if placement == "crossing":
        return _crossing_hazard(county, rec)
    if placement in ("roadside_senior", "roadside_rural"):
        return _roadside_hazard(county, rec, placement)
    if placement == "shop":
        return _shop_hazard(county, rec)
    if placement in ("village_rental", "village_youth"):
        return _village_hazard(county, rec, placement)
    if placement in ("poi_cafe", "poi_ktv"):
        return _venue_hazard(county, rec, placement)
    if placement == "wall":
        return _wall_hazard(county, rec)
    msg = f"unknown placement {placement}"
    raise ValueError(msg)


class _GateSpot(NamedTuple):
    """A school gate chosen for a hazard, and how the inspector names it."""

    school: dict[str, Any]
    gate: dict[str, Any]
    q: np.ndarray  # the point of the gate road nearest to the gate
    piece: int  # the index of that road piece
    road: str  # its name ("" when unnamed)
    ref: str  # the school as the inspector names it
    amb: int  # whether that name is ambiguous
    gname: str  # the gate's name as written ("" for an unnamed main gate)

    def describe(self, rec: dict[str, Any], addr: str, kind: str, intent: str) -> None:
        """Set the record's address, its kind and intent, anchored on this gate."""
        rec.update(
            addr=addr,
            kind=kind,
            anchor=f"{self.school['name']}:{self.gate['name']}",
            amb=self.amb,
            intent=intent,
        )


def _gate_hazard(county: County, rec: dict[str, Any], placement: str) -> dict[str, Any] | None:
    """Place a hazard at or near a school gate (traffic or street vendors)."""
    rng = county.rng
    if placement == "gate_road_rural":
        sc = pick_school(county, zone="rural", levels=("小学", "初中"))
    elif placement == "gate_road_major":
        sc = pick_school(county, classes=("national_highway", "arterial", "county_road"))
    elif placement == "gate_road_big":
        sc = pick_school(county, big=True)
    elif placement == "gate_vendor":
        sc = pick_school(county, levels=("小学", "幼儿园", "初中", "九年一贯制"))
    else:
        sc = pick_school(county)
    gates = sc["gates"]
    gate = gates[0] if rng.random() < 0.7 or len(gates) == 1 else gates[int(rng.integers(1, len(gates)))]
    q, pi = gate_road_point(county, gate["pt"])
    road = county.net.at[pi, "name"]
    ref, amb = school_ref(county, sc)
    rec["school"] = sc
    gname = "" if gate["main"] and rng.random() < 0.6 else gate["name"]
    spot = _GateSpot(sc, gate, q, pi, road, ref, amb, gname)
    if placement == "gate_vendor":
        true = _vendor_spot(county, rec, spot)
    else:
        true = _traffic_spot(county, rec, spot)
        if true is None:
            return None
    rec["true"] = true
    return rec


def _vendor_spot(county: County, rec: dict[str, Any], spot: _GateSpot) -> np.ndarray:
    """Fill the address of street vendors at a gate; return their true position."""
    rng = county.rng
    gate, q, gname = spot.gate, spot.q, spot.gname
    out = q - gate["pt"]
    out /= max(np.hypot(*out), 1e-9)
    r = rng.random()
    if r < 0.45:
        true = gate["pt"] + out * rng.uniform(3.0, 8.0) + np.array([-out[1], out[0]]) * rng.uniform(-15, 15)
        spot.describe(
            rec,
            f"{spot.ref}{gname}门口" if not gname.endswith("门") else f"{spot.ref}{gname}口",
            "gate",
            "street vendors at the gate at dismissal",
        )
    elif r < 0.8:
        d = int(rng.choice([10, 15, 20, 30]))
        gword = gate["name"] if not gate["main"] else rng.choice(["正门", "校门", "大门"])
        true = gate["pt"] + out * d
        spot.describe(rec, f"{spot.ref}{gword}外{d}米", "relative_offset", f"vendors {d} m straight out from the gate")
    else:
        true = gate["pt"] + out * 2.0 * max(np.hypot(*(q - gate["pt"])), 8.0)
        spot.describe(rec, f"{spot.ref}对面", "relative_offset", "vendors across the road from the gate")
    return true


def _traffic_spot(county: County, rec: dict[str, Any], spot: _GateSpot) -> np.ndarray | None:
    """Fill the address of a traffic hazard at a gate; return its true position (None: no address)."""
    rng = county.rng
    gate, q, pi, road, ref, gname = spot.gate, spot.q, spot.piece, spot.road, spot.ref, spot.gname
    r = rng.random()
    na = (
        road_number_address(county, q)
        if road and county.net.at[pi, "cls"] in ("arterial", "collector", "local")
        else None
    )
    if r < 0.4 or (r >= 0.75 and na is None):
        true = q + rng.normal(0.0, 2.0, 2)
        gword = gname if gname else rng.choice(["门口", "校门口", "正门"])
        addr = f"{ref}{gword}" if gword in ("门口", "校门口", "正门") else f"{ref}{gword}口"
        spot.describe(rec, addr, "gate", f"traffic at school gate on {county.net.at[pi, 'cls']}")
    elif r < 0.75 and road:
        d = int(rng.choice([20, 30, 50, 80, 100]))
        sign = 1.0 if rng.random() < 0.5 else -1.0
        true = along_road(county, road, q, sign * d)
        word = dir_word(*(true - q))
        gword = gate["name"] if not gate["main"] else "校门"
        spot.describe(rec, f"{ref}{gword}往{word}{d}米", "relative_offset", f"traffic {d} m along {road} from the gate")
    elif na is not None:
        true = q + rng.normal(0.0, 2.0, 2)
        addr, rname, amb2 = road_number_address(county, true) or na
        rec.update(
            addr=addr,
            kind="road_number",
            anchor=rname,
            amb=amb2,
            intent="traffic at a gate, given as a house number",
        )
    else:
        return None
    return true


def _crossing_hazard(county: County, rec: dict[str, Any]) -> dict[str, Any] | None:
    """Place a hazard at the crossing nearest to a town school's gate."""
    rng = county.rng
    sc = pick_school(county, levels=("小学", "初中", "完全中学", "高中", "九年一贯制", "幼儿园"), zone="town")
    _, pi = gate_road_point(county, sc["gates"][0]["pt"])
    got = crossing_near(county, sc["gates"][0]["pt"], county.net.at[pi, "name"])
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


def _roadside_hazard(county: County, rec: dict[str, Any], placement: str) -> dict[str, Any]:
    """Place a hazard on the road section beside a secondary or rural school."""
    rng = county.rng
    if placement == "roadside_senior":
        sc = pick_school(county, levels=("完全中学", "高中", "初中", "职业学校"))
    else:
        sc = pick_school(county, zone="rural")
    q, pi = gate_road_point(county, sc["gates"][0]["pt"])
    road = county.net.at[pi, "name"]
    d = float(rng.uniform(80.0, 220.0))
    true = along_road(county, road, q, d if rng.random() < 0.5 else -d) if road else q
    ref, amb = school_ref(county, sc)
    c = np.array(sc["poly"].centroid.coords[0])
    word = dir_word(*(true - c))
    dist = int(round(sc["poly"].distance(Point(true)) / 10.0) * 10) or 10
    return _beside_campus(
        rec, sc, amb, f"{ref}{word}侧约{dist}米", true, f"road section about {dist} m from the campus"
    )


def _shop_hazard(county: County, rec: dict[str, Any]) -> dict[str, Any] | None:
    """Place a shop near a town school's gate."""
    rng = county.rng
    sc = pick_school(county, levels=("小学", "初中", "九年一贯制", "完全中学", "高中"), zone="town")
    g = sc["gates"][0]["pt"]
    ang = rng.uniform(0, 2 * np.pi)
    d = rng.uniform(40.0, 180.0)
    got = roadside_point(county, (g[0] + d * math.cos(ang), g[1] + d * math.sin(ang)), offset=14.0, max_shift=120.0)
    if got is None:
        return None
    true, _ = got
    ref, amb = school_ref(county, sc)
    na = road_number_address(county, true)
    if na is not None and rng.random() < 0.55:
        addr, rname, amb2 = na
        rec.update(addr=addr, kind="road_number", anchor=rname, amb=amb2)
    else:
        c = np.array(sc["poly"].centroid.coords[0])
        dist = int(round(sc["poly"].distance(Point(true)) / 10.0) * 10) or 10
        rec.update(
            addr=f"{ref}{dir_word(*(true - c))}侧约{dist}米",
            kind="relative_offset",
            anchor=sc["name"],
            amb=amb,
        )
    dist_g = float(np.hypot(*(true - g)))
    rec.update(true=true, school=sc, intent=f"shop {dist_g:.0f} m from the main gate")
    return rec


def _village_hazard(county: County, rec: dict[str, Any], placement: str) -> dict[str, Any]:
    """Place a hazard in an urban-edge village (rentals, idle youths)."""
    rng = county.rng
    vname = rng.choice(["西门村", "北门村", "西门村", "北门村", "东关村", "南关村"])
    v = county.villages[vname]
    sc = min(county.schools, key=lambda s: s["poly"].distance(Point(v["pos"])))
    r = rng.random()
    if r < 0.35 and v["access"] is not None:
        line = v["access"]
        s = max(0.0, line.project(Point(v["pos"])) - 150.0)
        true = np.array(line.interpolate(s).coords[0]) + rng.normal(0.0, 4.0, 2)
        rec.update(addr=f"{vname}村口", kind="place", anchor=vname, amb=0, intent="village entrance next to the campus")
    elif r < 0.7:
        true = np.asarray(v["pos"]) + rng.normal(0.0, 60.0, 2)
        rec.update(
            addr=f"{vname}出租屋", kind="place", anchor=vname, amb=0, intent="student rental housing in the village"
        )
    else:
        grp = int(rng.integers(1, 7))
        true = np.asarray(v["pos"]) + rng.normal(0.0, 120.0, 2)
        rec.update(
            addr=f"{vname}{grp}组", kind="place", anchor=vname, amb=0, intent="village group; only the village is known"
        )
    if placement == "village_youth":
        rec["intent"] = "idle youths near the village beside the campus"
    rec.update(true=true, school=sc)
    return rec


def _venue_hazard(county: County, rec: dict[str, Any], placement: str) -> dict[str, Any] | None:
    """Place a hazard at an internet cafe or entertainment venue."""
    rng = county.rng
    kinds = ("网吧",) if placement == "poi_cafe" else ("娱乐场所",)
    cands = [p for p in county.places if p["kind"] in kinds]
    pl = cands[int(rng.integers(len(cands)))]
    sc = min(county.schools, key=lambda s: s["poly"].distance(Point(pl["pos"])))
    true = pl["pos"] + rng.normal(0.0, 5.0, 2)
    if rng.random() < 0.5:
        addr = pl["name"] + rng.choice(["", "门口", "旁"])
        rec.update(addr=addr, kind="place", anchor=pl["name"], amb=0)
    else:
        na = road_number_address(county, pl["pos"])
        if na is None:
            return None
        rec.update(addr=na[0] + pl["name"], kind="road_number", anchor=na[1], amb=na[2])
    rec.update(
        true=true,
        school=sc if sc["poly"].distance(Point(true)) < 400 else None,
        intent="youths gathering at an entertainment venue",
    )
    return rec


def _beside_campus(
    rec: dict[str, Any], sc: dict[str, Any], amb: int, addr: str, true: np.ndarray, intent: str
) -> dict[str, Any]:
    """Complete a record whose address is relative to the campus of ``sc`` (named ambiguously when ``amb``)."""
    rec.update(addr=addr, kind="relative_offset", anchor=sc["name"], amb=amb, true=true, school=sc, intent=intent)
    return rec


def _wall_hazard(county: County, rec: dict[str, Any]) -> dict[str, Any]:
    """Place a hazard on the campus wall opposite a big school's main gate."""
    sc = pick_school(county, big=True)
    ring = sc["poly"].exterior
    c1, c2 = sc["front"]
    back = np.array(
        ring.interpolate(ring.project(Point(2 * np.array(sc["poly"].centroid.coords[0]) - (c1 + c2) / 2.0))).coords[0]
    )
    true = back
    c = np.array(sc["poly"].centroid.coords[0])
    ref, amb = school_ref(county, sc)
    return _beside_campus(
        rec, sc, amb, f"{ref}{dir_word(*(back - c))}侧围墙", true, "campus wall opposite the main gate"
    )


def _cultural(county: County) -> list[dict[str, Any]]:
    """Return the two 文化市场 hazards: venues planted inside the 200 m rule."""
    by_name = {s["name"]: s for s in county.schools}
    out = []
    sc = by_name["城关中学"]
    pos = poi_near_school(county, sc, 150.0, "星空网吧", "网吧")
    d_gate = float(np.hypot(*(pos - sc["gates"][0]["pt"])))
    d_wall = sc["poly"].distance(Point(pos))
    na = road_number_address(county, pos)
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
    pos = poi_near_school(county, sc, 120.0, "欢乐电玩城", "游戏厅")
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


def _other(county: County) -> list[dict[str, Any]]:
    """Return the four hazards of category 其他 (stairs, pond, pole, wall)."""
    rng = county.rng
    by_name = {s["name"]: s for s in county.schools}
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
    rural = [s for s in county.schools if s["village"]]
    sc = rural[int(rng.integers(len(rural)))]
    ref = sc["abbrs"][0]
    cc = np.array(sc["poly"].centroid.coords[0])
    for _ in range(200):
        ang = rng.uniform(0, 2 * np.pi)
        p = cc + np.array([math.cos(ang), math.sin(ang)]) * rng.uniform(90.0, 160.0)
        if (
            county.net_tree.query(Point(p), predicate="dwithin", distance=20.0).size == 0
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
            "addr": f"{ref}{dir_word(*(p - cc))}侧约{dist}米池塘",
            "kind": "relative_offset",
            "anchor": sc["name"],
            "amb": 0,
            "true": p,
            "school": sc,
            "intent": "pond without fence near a village school (drowning risk)",
            "tmpl": "O2",
        }
    )
    sc = pick_school(county, levels=("小学",), zone="town")
    q, _ = gate_road_point(county, sc["gates"][0]["pt"])
    ref, amb = school_ref(county, sc)
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
    sc = pick_school(county, levels=("小学", "初中"), zone="rural")
    ring = sc["poly"].exterior
    p = np.array(ring.interpolate(rng.uniform(0, ring.length)).coords[0])
    ref, amb = school_ref(county, sc)
    cc = np.array(sc["poly"].centroid.coords[0])
    out.append(
        {
            "cat": "其他",
            "desc": "学校围墙破损，存在安全隐患",
            "dept": "县教育局",
            "severity": "一般",
            "addr": f"{ref}{dir_word(*(p - cc))}侧围墙",
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
