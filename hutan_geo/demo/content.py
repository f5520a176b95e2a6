"""Fixed content of the demo county: names, schools, townships and the columns of its files."""

from __future__ import annotations

from datetime import date

#: The label every demo file and table carries: fictional example data.
FICTIONAL = "虚构示例数据"

COUNTY = "青岚县"

#: The inspection campaign: first and last day, and the day open items are judged overdue.
CAMPAIGN_START = date(2026, 3, 1)

CAMPAIGN_END = date(2026, 11, 20)

REPORT_DATE = date(2026, 11, 29)

SCHOOL_COLUMNS = [
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

HAZARD_COLUMNS = [
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

TRUTH_COLUMNS = ["hazard_id", "true_lon", "true_lat", "address_kind", "anchor", "ambiguous", "defect", "intent"]

STATION_COLUMNS = ["派出所编号", "派出所名称", "地址", "经度", "纬度", "巡逻车数量", "民警人数"]

POST_COLUMNS = ["护学岗编号", "学校编号", "校门名称", "时段", "经度", "纬度", "派出所"]

GATE_COLUMNS = ["学校编号", "校门名称", "经度", "纬度", "是否主门"]

PLACE_COLUMNS = ["名称", "类型", "经度", "纬度", "乡镇"]

ROAD_COLUMNS = ["road_id", "name", "ref", "road_class", "speed_kph", "oneway", "bridge", "lanes", "note"]

BOUNDARY_COLUMNS = ["名称", "类型", "编码", "上级", "说明"]
#: The columns of every table of the district, in file order (a geometry column follows in geo tables).
TABLE_COLUMNS: dict[str, list[str]] = {
    "schools": SCHOOL_COLUMNS,
    "gates": GATE_COLUMNS,
    "stations": STATION_COLUMNS,
    "guard_posts": POST_COLUMNS,
    "places": PLACE_COLUMNS,
    "roads": ROAD_COLUMNS,
    "campuses": ["学校编号", "学校名称", "说明"],
    "district": BOUNDARY_COLUMNS,
    "townships": BOUNDARY_COLUMNS,
    "precincts": [*BOUNDARY_COLUMNS, "派出所"],
    "rivers": ["名称", "类型", "说明"],
    "hazards": HAZARD_COLUMNS,
    "hazards_truth": TRUTH_COLUMNS,
}

URBAN_VILLAGES = {
    "西门村": (-3550.0, 1900.0),
    "北门村": (-2450.0, 2500.0),
    "东关村": (4800.0, 700.0),
    "南关村": (700.0, -3750.0),
}

RURAL_VILLAGES = [
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

#: Town schools: name, level, enrolment, boarders, anchor (x, y) in the town, preferred front roads, abbreviations.
TOWN_SCHOOLS: list[tuple[str, str, int, int, tuple[float, float], tuple[str, ...], tuple[str, ...]]] = [
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

#: Town kindergartens: name, enrolment, anchor.
TOWN_KINDERGARTENS: list[tuple[str, int, tuple[float, float]]] = [
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

TOWNSHIPS = (
    # name, seat (x, y), short name, main-street name, cross-street name, county road
    ("龙岗镇", (10500.0, 5500.0), "龙岗", "龙岗大道", "新街", "X101"),
    ("石桥镇", (-8000.0, -6000.0), "石桥", "石桥大道", "新街", "X102"),
    ("白沙乡", (9000.0, -6500.0), "白沙", "白沙街", "河街", "X103"),
)
