"""The one Chinese/English label table and the one ``Lang`` type.

Every text a planner reads (table headers, reasons, map labels, CLI
messages) is looked up here by a key namespaced by the part that uses it
(``"io.…"``, ``"net.…"``, ``"map.…"`` …). Chinese is the default; English on
request (``lang="en"``). A text may hold ``str.format`` fields.

Examples
--------
>>> check_lang("en")
'en'
>>> tr("lang.zh", "en")
'Chinese'
>>> pick(("是", "yes"), "zh")
'是'
"""

from __future__ import annotations

from typing import Any, Literal

from hutan_geo.errors import InputError

__all__ = ["LABELS", "Lang", "check_lang", "lang_index", "pick", "tr"]

Lang = Literal["zh", "en"]


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``; else raise :class:`InputError`.

    Raises
    ------
    InputError
        Any other value.
    """
    if lang not in ("zh", "en"):
        msg = f"lang must be 'zh' or 'en'; got {lang!r}"
        raise InputError(msg)
    return lang  # type: ignore[return-value]


def lang_index(lang: object) -> int:
    """Return 0 for Chinese, 1 for English (the position in a label pair); checks ``lang``."""
    return 0 if check_lang(lang) == "zh" else 1


def pick(pair: tuple[str, str], lang: object) -> str:
    """Return the Chinese or English text of a ``(zh, en)`` pair."""
    return pair[lang_index(lang)]


def tr(key: str, lang: object, **fields: Any) -> str:
    """Return the label ``key`` in ``lang``, with ``fields`` filled in when given.

    Raises
    ------
    KeyError
        No such label (a programming error, not a user one).
    """
    text = LABELS[key][lang_index(lang)]
    return text.format(**fields) if fields else text


#: Every label: key → (Chinese, English). Keys are namespaced by the part of
#: the package that uses them; one section per part, in import order.
LABELS: dict[str, tuple[str, str]] = {
    "lang.zh": ("中文", "Chinese"),
    "lang.en": ("英文", "English"),
    # -- model --
    # -- io --
    "io.msg.missing_value": ("{col}为空", "{col} is empty"),
    "io.msg.bad_number": ("{col}「{value}」不是数字", "{col} {value!r} is not a number"),
    "io.msg.below_min": ("{col}「{value}」小于 {min}", "{col} {value!r} is below {min}"),
    "io.msg.bad_bool": ("{col}「{value}」应为 是/否", "{col} {value!r} should be yes/no (是/否)"),
    "io.msg.bad_date": (
        "{col}「{value}」无法识别为日期（示例：2026-03-05）",
        "{col} {value!r} is not a date (example: 2026-03-05)",
    ),
    "io.msg.unknown_value": (
        "{col}「{value}」不是可选值（可选：{accepted}）",
        "{col} {value!r} is not one of: {accepted}",
    ),
    "io.msg.bad_window": (
        "{col}「{value}」应为「07:20-07:50」格式且结束晚于开始",
        "{col} {value!r} should look like 07:20-07:50 with the end after the start",
    ),
    "io.msg.bad_coordinate": ("{col}「{value}」不是有效坐标", "{col} {value!r} is not a valid coordinate"),
    "io.msg.unknown_datum": (
        "{col}「{value}」不是可识别的坐标系（可选：WGS84、GCJ-02、BD-09、CGCS2000）",
        "{col} {value!r} is not a known datum (WGS84, GCJ-02, BD-09, CGCS2000)",
    ),
    "io.msg.no_location": (
        "既无坐标也无地址，无法定位；请补充经度/纬度或地址",
        "neither coordinates nor an address; add 经度/纬度 or an address",
    ),
    "io.msg.no_coordinates": ("缺少坐标（经度/纬度）；请补充坐标", "no coordinates (经度/纬度); add them"),
    "io.msg.half_coordinate": ("只有经度或只有纬度；请补全另一项", "only one of 经度/纬度 is filled; fill the other"),
    "io.msg.swapped_lonlat": (
        "经度/纬度疑似填反（经度={lon}，纬度={lat}）；请交换两列，或加载时允许自动纠正（allow_swap=True）",
        "经度/纬度 look swapped (lon={lon}, lat={lat}); swap the columns or load with allow_swap=True",
    ),
    "io.msg.outside_range": (
        "坐标（{lon}，{lat}）超出经度 ±180、纬度 ±90 的范围",
        "coordinates ({lon}, {lat}) are outside lon ±180 / lat ±90",
    ),
    "io.msg.outside_china": (
        "坐标（{lon}，{lat}）在中国范围之外；请检查坐标系与经纬度列，境外数据请用 region='world'",
        "coordinates ({lon}, {lat}) are outside China; check the datum and columns, or load with region='world'",
    ),
    "io.msg.zero_coordinates": ("坐标为 (0, 0)，应为漏填", "coordinates are (0, 0): probably not filled in"),
    "io.msg.empty_geometry": ("几何为空", "the geometry is empty"),
    "io.msg.wrong_geometry": ("几何类型应为{expected}，实际为{got}", "the geometry should be a {expected}, got {got}"),
    "io.msg.duplicate_id": (
        "编号「{value}」重复（第 {rows} 行）；请保证编号唯一",
        "id {value!r} is repeated (rows {rows}); make ids unique",
    ),
    "io.msg.exact_duplicate": ("与第 {row} 行完全相同（重复录入）", "identical to row {row} (entered twice)"),
    "io.msg.unknown_reference": ("{col}「{value}」在{target}中不存在", "{col} {value!r} is not in the {target}"),
    "io.note.swap_fixed": ("经度/纬度填反，已自动交换", "经度/纬度 were swapped and have been swapped back"),
    "io.note.datum_converted": ("坐标已由 {datum} 转换为 WGS84", "coordinates converted from {datum} to WGS84"),
    "io.note.needs_geocoding": ("无坐标，待地理编码", "no coordinates: to be geocoded"),
    "io.note.window_default": ("{col}未填，按学段默认", "{col} not given: default for the level"),
    "io.note.geometry_repaired": ("几何无效，已修复", "invalid geometry repaired"),
    "io.note.dates_out_of_order": ("{later}早于{earlier}", "{later} is before {earlier}"),
    "io.note.status_inferred": (
        "整改状态未填，按日期推定为「{status}」",
        "status empty: inferred as {status!r} from the dates",
    ),
    "io.note.status_dates": ("状态为「{status}」但{col}为空", "status is {status!r} but {col} is empty"),
    "io.reason.missing_value": ("必填项为空", "empty required value"),
    "io.reason.bad_number": ("数字无效", "bad number"),
    "io.reason.below_min": ("数值过小", "value too small"),
    "io.reason.bad_bool": ("是/否无效", "bad yes/no"),
    "io.reason.bad_date": ("日期无效", "bad date"),
    "io.reason.unknown_value": ("取值未知", "unknown value"),
    "io.reason.bad_window": ("时段无效", "bad time window"),
    "io.reason.bad_coordinate": ("坐标无效", "bad coordinate"),
    "io.reason.unknown_datum": ("坐标系未知", "unknown datum"),
    "io.reason.no_location": ("无法定位", "no location"),
    "io.reason.no_coordinates": ("缺少坐标", "no coordinates"),
    "io.reason.half_coordinate": ("坐标不全", "half a coordinate"),
    "io.reason.swapped_lonlat": ("经纬度填反", "swapped lon/lat"),
    "io.reason.outside_range": ("坐标越界", "coordinates out of range"),
    "io.reason.outside_china": ("坐标在中国境外", "outside China"),
    "io.reason.zero_coordinates": ("坐标为0", "zero coordinates"),
    "io.reason.empty_geometry": ("几何为空", "empty geometry"),
    "io.reason.wrong_geometry": ("几何类型不符", "wrong geometry type"),
    "io.reason.duplicate_id": ("编号重复", "duplicate id"),
    "io.reason.exact_duplicate": ("重复录入", "duplicate row"),
    "io.reason.unknown_reference": ("引用不存在", "unknown reference"),
    "io.geom.point": ("点", "point"),
    "io.geom.polygon": ("面", "polygon"),
    "io.geom.line": ("线", "line"),
    "io.header.needs_geocoding": ("待地理编码", "to geocode"),
    "io.header.source_row": ("源表行号", "source row"),
    "io.header.notes": ("备注", "notes"),
    "io.dataset.district": ("县界", "district"),
    "io.dataset.townships": ("乡镇", "townships"),
    "io.dataset.precincts": ("派出所辖区", "precincts"),
    "io.dataset.schools": ("学校", "schools"),
    "io.dataset.campuses": ("校园范围", "campuses"),
    "io.dataset.gates": ("校门", "gates"),
    "io.dataset.hazards": ("隐患", "hazards"),
    "io.dataset.stations": ("派出所", "stations"),
    "io.dataset.guard_posts": ("护学岗", "guard posts"),
    "io.dataset.roads": ("道路", "roads"),
    "io.dataset.places": ("地名", "places"),
    "io.summary": (
        "{source}：读取 {rows} 行，有效 {valid} 行，待复核 {rejected} 行",
        "{source}: {rows} rows read, {valid} valid, {rejected} to review",
    ),
    "io.summary.why": ("（{why}）", " ({why})"),
    "io.summary.blank": ("，空行 {n}", ", {n} blank"),
    "io.summary.geocode": ("；其中 {n} 行待地理编码", "; {n} to geocode"),
    "io.list_sep": ("，", ", "),
    "io.reason_sep": ("；", "; "),
    "io.vocab_sep": ("、", ", "),
    "io.yes": ("是", "yes"),
    "io.no": ("否", "no"),
    "io.ref.summary": (
        "引用检查：{n} 行引用了名录中不存在的学校",
        "reference check: {n} rows name a school not in the list",
    ),
    "io.ref.school_id": ("学校编号", "school id"),
    "io.ref.unknown_school": ("{label}「{value}」在学校名录中不存在", "{label} {value!r} is not in the school list"),
    # -- geocode --
    "geo.match.gate": ("校门", "school gate"),
    "geo.match.poi": ("兴趣点", "point of interest"),
    "geo.match.intersection": ("路口", "crossing"),
    "geo.match.relative_offset": ("相对位置", "relative position"),
    "geo.match.road": ("道路", "road"),
    "geo.match.place": ("地名", "place"),
    "geo.match.unmatched": ("未匹配", "unmatched"),
    "geo.match.online": ("在线地理编码", "online geocoding"),
    "geo.col.address": ("地址", "address"),
    "geo.col.match_type": ("匹配类型", "match type"),
    "geo.col.confidence": ("置信度", "confidence"),
    "geo.col.best_match": ("最佳匹配", "best match"),
    "geo.col.lon": ("经度", "lon"),
    "geo.col.lat": ("纬度", "lat"),
    "geo.col.review_reason": ("复核原因", "review reason"),
    "geo.col.candidates": ("候选", "candidates"),
    "geo.col.matched_name": ("匹配名称", "matched name"),
    "geo.col.note": ("说明", "note"),
    "geo.col.accepted": ("是否采用", "accepted"),
    "geo.col.hazard_id": ("隐患编号", "hazard id"),
    "geo.col.review_suffix": ("{col}_复核", "{col}_review"),
    "geo.accepted.yes": ("是", "yes"),
    "geo.accepted.no": ("否（待复核）", "no (to review)"),
    "geo.reason.low_confidence": ("置信度低于阈值", "confidence below the threshold"),
    "geo.reason.unmatched": ("未匹配", "unmatched"),
    "geo.candidates.sep": ("；", "; "),
    "geo.file.results": ("{stem}_地理编码.csv", "{stem}_geocoded.csv"),
    "geo.file.review": ("{stem}_地理编码待复核.csv", "{stem}_geocode_review.csv"),
    "geo.reverse.no_coordinates": ("无坐标", "no coordinates"),
    "geo.reverse.outside": ("超出辖区范围", "outside the district"),
    # -- network --
    "net.origin_not_snapped": ("起点离道路过远，未匹配到路网", "origin is too far from any road"),
    "net.destination_not_snapped": ("终点离道路过远，未匹配到路网", "destination is too far from any road"),
    "net.no_route": ("路网中无可达路径", "no path in the network"),
    "net.summary": (
        "路网：节点 {nodes} 个，路段 {pieces} 条（有向边 {edges} 条），总长 {km:.1f} 千米；无名道路 {unnamed} 条，"
        "按道路等级默认车速 {speed_defaulted} 条，未知等级 {class_defaulted} 条，剔除 {dropped} 条",
        "network: {nodes} nodes, {pieces} road pieces ({edges} directed edges), {km:.1f} km; unnamed {unnamed}, "
        "speed by class default {speed_defaulted}, unknown class {class_defaulted}, dropped {dropped}",
    ),
    # -- analysis --
    "cov.status.post": ("护学岗值守", "guard post"),
    "cov.status.car": ("巡逻车到岗", "patrol car"),
    "cov.status.none": ("未覆盖", "not covered"),
    "cov.col.school_id": ("学校编号", "school id"),
    "cov.col.name": ("学校名称", "school"),
    "cov.col.window": ("时段", "window"),
    "cov.col.status": ("覆盖情况", "coverage"),
    "cov.col.post_id": ("护学岗", "guard post"),
    "cov.col.unit": ("到岗单位", "unit"),
    "cov.col.first_arrival": ("首次到达", "first arrival"),
    "cov.col.minutes_present": ("在岗分钟", "minutes present"),
    "cov.col.group": ("分组", "group"),
    "cov.col.n_schools": ("学校数", "schools"),
    "cov.col.n_covered": ("已覆盖学校", "schools covered"),
    "cov.col.share": ("学校覆盖率", "share of schools"),
    "cov.col.students": ("在校生", "students"),
    "cov.col.students_covered": ("覆盖学生", "students covered"),
    "cov.col.share_students": ("学生覆盖率", "share of students"),
    "cov.col.cluster": ("隐患聚集点", "hazard cluster"),
    "cov.col.passes": ("巡经次数", "passes"),
    "cov.col.band": ("响应圈", "response band"),
    "cov.col.nearest": ("最近警力", "nearest unit"),
    "cov.col.time_min": ("用时（分钟）", "minutes"),
    "cov.by.all": ("全部", "all"),
    "cov.by.township": ("乡镇", "township"),
    "cov.by.precinct": ("派出所辖区", "precinct"),
    "cov.by.level": ("学段", "school level"),
    "cov.band.within": ("{m:g}分钟内", "within {m:g} min"),
    "cov.band.outside": ("超出{m:g}分钟", "beyond {m:g} min"),
    "cov.timeline.title": ("{window}巡逻时间线", "Patrol timeline, {window}"),
    "cov.timeline.drive": ("行驶", "driving"),
    "cov.timeline.wait": ("等候", "waiting"),
    "cov.timeline.dwell": ("校门驻守", "at the gate"),
    "cov.timeline.cluster": ("隐患点巡查", "hazard cluster"),
    "cov.timeline.window": ("护学时段", "school window"),
    "cov.timeline.xlabel": ("时间", "time"),
    "cov.moving.title": (
        "{window}逐分钟响应覆盖：{m:g}分钟内可达学校占比",
        "Minute by minute, {window}: schools within {m:g} min of a unit",
    ),
    "cov.moving.ylabel": ("学校占比", "share of schools"),
    "cov.moving.worst": ("最差 {clock}：{share:.0%}", "worst {clock}: {share:.0%}"),
    "cov.site.kind.junction": ("路口", "junction"),
    "cov.site.kind.post": ("现有护学岗", "current post"),
    "cov.site.kind.user": ("自选点", "user candidate"),
    "cov.site.kind.gate": ("校门", "school gate"),
    "cov.gain.title": ("每增设一个护学岗的覆盖增量（{m:g}分钟内）", "Gain of each added guard post (within {m:g} min)"),
    "cov.gain.xlabel": ("新增护学岗数", "posts added"),
    "cov.gain.ylabel": ("覆盖权重", "covered weight"),
    "patrol.reason.unreachable": (
        "时段内无法到达：即使从任一派出所单独派车也赶不到",
        "unreachable in its window even with a car of its own from every station",
    ),
    "patrol.reason.units": ("警力不足：现有车辆排不开", "not enough units"),
    "patrol.col.kpi": ("指标", "indicator"),
    "patrol.col.value": ("数值", "value"),
    "patrol.kpi.schools_needing": ("需护学的学校", "schools needing cover"),
    "patrol.kpi.covered_by_posts": ("护学岗已覆盖", "covered by guard posts"),
    "patrol.kpi.served_by_units": ("巡逻车按时到岗", "served in window by units"),
    "patrol.kpi.unserved": ("未能覆盖", "unserved"),
    "patrol.kpi.unreachable": ("其中：时段内无法到达", "of which unreachable"),
    "patrol.kpi.short_of_units": ("其中：警力不足", "of which short of units"),
    "patrol.kpi.cluster_stops": ("途经隐患聚集点", "hazard-cluster stops"),
    "patrol.kpi.cluster_prize": ("聚集点收益", "cluster prize"),
    "patrol.kpi.km": ("行驶里程（公里）", "driving km"),
    "patrol.kpi.drive_min": ("行驶时间（分钟）", "driving minutes"),
    "patrol.kpi.idle_min": ("等候时间（分钟）", "idle minutes"),
    "patrol.kpi.units_used": ("出动单位", "units used"),
    "patrol.kpi.units_available": ("可用单位", "units available"),
    "patrol.kpi.extra_cars_needed": ("全覆盖需增派车辆", "extra cars for full cover"),
    "patrol.window.arrival": ("早高峰（入校）", "morning arrival"),
    "patrol.window.noon": ("午高峰", "noon"),
    "patrol.window.dismissal": ("晚高峰（放学）", "afternoon dismissal"),
    "patrol.title": ("巡逻勤务表", "patrol duty roster"),
    "patrol.sheet.summary": ("汇总", "summary"),
    "patrol.head.unit": ("巡逻单位", "unit"),
    "patrol.head.station": ("所属派出所", "station"),
    "patrol.head.order": ("顺序", "order"),
    "patrol.head.place": ("地点", "place"),
    "patrol.head.kind": ("类型", "kind"),
    "patrol.head.arrive": ("到达", "arrive"),
    "patrol.head.start": ("开始", "start"),
    "patrol.head.leave": ("离开", "leave"),
    "patrol.head.wait": ("等候（分钟）", "wait (min)"),
    "patrol.head.drive_min": ("行驶（分钟）", "drive (min)"),
    "patrol.head.km": ("里程（公里）", "km"),
    "patrol.head.school": ("学校", "school"),
    "patrol.head.reason": ("原因", "reason"),
    "patrol.head.window": ("时段", "window"),
    "patrol.head.earliest": ("最早可到", "earliest start"),
    "patrol.head.latest": ("最晚开始", "latest start"),
    "patrol.head.extra": ("需增派车辆", "extra cars"),
    "patrol.head.cars": ("现有车辆", "cars now"),
    "patrol.head.change": ("变化", "change"),
    "patrol.kind.station": ("派出所", "station"),
    "patrol.kind.school": ("校门", "school gate"),
    "patrol.kind.cluster": ("隐患聚集点", "hazard cluster"),
    "patrol.unserved": ("未能覆盖的学校", "schools not covered"),
    "patrol.fleet": ("最少车辆方案", "minimum fleet"),
    "patrol.change.unchanged": ("不变", "unchanged"),
    "patrol.change.retimed": ("时间调整", "retimed"),
    "patrol.change.moved": ("改派", "moved to another unit"),
    "patrol.change.dropped": ("取消", "dropped"),
    "patrol.change.added": ("新增", "added"),
    "patrol.change.done": ("已完成", "already done"),
    "an.skip.needs_geocoding": ("待地理编码（无坐标），未参与分析", "to be geocoded (no coordinates): not analysed"),
    "an.skip.no_geometry": ("无有效坐标，未参与分析", "no usable geometry: not analysed"),
    "an.head.hazard_id": ("隐患编号", "hazard id"),
    "an.head.school_id": ("学校编号", "school id"),
    "an.head.school_name": ("学校名称", "school"),
    "an.head.name": ("学校名称", "school"),
    "an.head.level": ("学段", "level"),
    "an.head.facility": ("学校类型", "facility"),
    "an.head.township": ("乡镇", "township"),
    "an.head.station": ("派出所", "police station"),
    "an.head.area": ("区域", "area"),
    "an.head.category": ("隐患类别", "category"),
    "an.head.description": ("隐患描述", "description"),
    "an.head.address": ("地址", "address"),
    "an.head.severity": ("严重程度", "severity"),
    "an.head.status": ("整改状态", "status"),
    "an.head.is_open": ("未整改", "open"),
    "an.head.rule_id": ("规则编号", "rule id"),
    "an.head.rule": ("规则", "rule"),
    "an.head.kind": ("规则类型", "rule kind"),
    "an.head.distance_m": ("实测距离（米）", "distance (m)"),
    "an.head.dist_m": ("距离（米）", "distance (m)"),
    "an.head.limit_m": ("限制距离（米）", "limit (m)"),
    "an.head.measure": ("测量方式", "measured"),
    "an.head.measured": ("测量方式", "measured"),
    "an.head.measured_from": ("起算位置", "measured from"),
    "an.head.campus_missing": ("缺校园范围", "no campus polygon"),
    "an.head.source": ("依据", "legal source"),
    "an.head.note": ("说明", "note"),
    "an.head.reason_code": ("原因代码", "reason code"),
    "an.head.reason": ("原因", "reason"),
    "an.head.n_hazards": ("隐患数", "hazards"),
    "an.head.n_open": ("未整改数", "open"),
    "an.head.n_closed": ("已整改数", "closed"),
    "an.head.n_schools": ("学校数", "schools"),
    "an.head.n_kindergartens": ("幼儿园数", "kindergartens"),
    "an.head.n_violations": ("违规数", "violations"),
    "an.head.n_violations_open": ("未整改违规数", "open violations"),
    "an.head.score": ("风险分", "risk score"),
    "an.head.rank": ("风险排名", "rank"),
    "an.head.w_category": ("类别权重", "category weight"),
    "an.head.w_severity": ("严重程度权重", "severity weight"),
    "an.head.w_decay": ("距离衰减", "distance decay"),
    "an.head.w_status": ("状态权重", "status weight"),
    "an.head.contribution": ("风险贡献", "contribution"),
    "an.head.ring_m": ("范围（米）", "ring (m)"),
    "an.head.inner_m": ("内环（米）", "inner ring (m)"),
    "an.head.origin": ("起算位置", "measured from"),
    "an.head.area_m2": ("面积（平方米）", "area (m²)"),
    "an.head.net_school_id": ("步行最近学校编号", "nearest school on foot (id)"),
    "an.head.net_school_name": ("步行最近学校", "nearest school on foot"),
    "an.head.net_dist_m": ("步行距离（米）", "walking distance (m)"),
    "an.head.net_dist_to_nearest_m": ("至直线最近学校步行距离（米）", "walking distance to the nearest school (m)"),
    "an.head.cluster": ("聚集区编号", "cluster"),
    "an.from.campus": ("校园边界", "campus boundary"),
    "an.from.gate": ("校门", "gate"),
    "an.from.gate_fallback": ("校门（缺校园范围）", "gate (no campus polygon)"),
    "an.count_of": ("{label}（条）", "{label}"),
    "an.open_of": ("{label}（未整改）", "{label} (open)"),
    "an.score_of": ("{label}风险分", "{label} score"),
    "an.outside_areas": ("不在任何区域内", "outside every area"),
    "an.all": ("全部", "all"),
    "an.list_sep": ("、", ", "),
    "an.rule_needs_network": (
        "需要路网（hutan_geo.network）才能按道路距离核查；已列出直线距离内的候选数",
        "needs a road network (hutan_geo.network) to measure along roads; straight-line candidates counted",
    ),
    "an.hot.hot_99": ("热点（99%置信）", "hot spot (99%)"),
    "an.hot.hot_95": ("热点（95%置信）", "hot spot (95%)"),
    "an.hot.hot_90": ("热点（90%置信）", "hot spot (90%)"),
    "an.hot.cold_99": ("冷点（99%置信）", "cold spot (99%)"),
    "an.hot.cold_95": ("冷点（95%置信）", "cold spot (95%)"),
    "an.hot.cold_90": ("冷点（90%置信）", "cold spot (90%)"),
    "an.hot.not_significant": ("不显著", "not significant"),
    "an.rules.rule_id": ("规则编号", "rule id"),
    "an.rules.preset": ("预设", "preset"),
    "an.rules.enabled": ("默认启用", "enabled"),
    "an.rules.kind": ("规则类型", "kind"),
    "an.rules.name": ("规则名称", "rule"),
    "an.rules.category": ("隐患类别", "categories"),
    "an.rules.match": ("关键词", "keywords"),
    "an.rules.facility": ("适用对象", "applies to"),
    "an.rules.distance_m": ("距离（米）", "distance (m)"),
    "an.rules.measure": ("测量方式", "measured"),
    "an.rules.source": ("依据", "legal source"),
    "an.rules.note": ("说明", "note"),
    # -- maps --
    "map.unserved": ("未能覆盖的学校", "schools not covered"),
    "map.reason": ("原因", "reason"),
    "map.window": ("时段", "window"),
    "map.earliest": ("单独派车最早可到", "earliest start with a car of its own"),
    "map.latest": ("最晚开始", "latest start"),
    "map.never": ("无法到达", "never"),
    "map.roads": ("道路", "roads"),
    "map.boundaries": ("行政区划", "boundaries"),
    "map.district": ("县界", "district boundary"),
    "map.townships": ("乡镇界", "townships"),
    "map.precincts": ("派出所辖区", "police precincts"),
    "map.schools": ("学校", "schools"),
    "map.campuses": ("校园范围", "campuses"),
    "map.stations": ("派出所", "police stations"),
    "map.hazards": ("隐患", "hazards"),
    "map.heatmap": ("隐患热力图", "hazard heatmap"),
    "map.zones": ("校园周边区域", "school zones"),
    "map.rings": ("校园周边距离圈", "distance rings"),
    "map.routes": ("巡逻路线", "patrol routes"),
    "map.stops": ("巡逻停靠点", "patrol stops"),
    "map.isochrones": ("可达范围", "reachable areas"),
    "map.coverage": ("覆盖情况", "coverage"),
    "map.covered": ("已覆盖", "covered"),
    "map.not_covered": ("未覆盖", "not covered"),
    "map.legend": ("图例", "Legend"),
    "map.closed_faded": ("浅色：已销号", "faded: closed"),
    "map.patrol_cars": ("巡逻车", "patrol cars"),
    "map.enrolment": ("在校人数", "enrolment"),
    "map.level": ("学段", "level"),
    "map.status": ("整改状态", "status"),
    "map.severity": ("严重程度", "severity"),
    "map.category": ("隐患类别", "category"),
    "map.hazard_id": ("隐患编号", "hazard id"),
    "map.address": ("地址", "address"),
    "map.department": ("责任单位", "department"),
    "map.description": ("隐患描述", "description"),
    "map.school": ("关联学校", "school"),
    "map.found_date": ("发现日期", "found"),
    "map.deadline": ("整改期限", "deadline"),
    "map.geocode_pending": ("待地理编码，未上图", "to geocode, not on the map"),
    "map.search": ("搜索隐患名称、编号或地址", "Search hazards by name, id or address"),
    "map.no_match": ("无匹配结果", "No match"),
    "map.unit": ("巡逻单位", "patrol unit"),
    "map.stop": ("停靠点", "stop"),
    "map.arrive": ("到达", "arrive"),
    "map.depart": ("离开", "leave"),
    "map.minutes": ("分钟", "min"),
    "map.reachable": ("分钟可达", "min reachable"),
    "map.origin": ("出发点", "from"),
    "map.metres": ("米", "m"),
    "map.fullscreen": ("全屏", "Full screen"),
    "map.exit_fullscreen": ("退出全屏", "Exit full screen"),
    "map.gcj_note": ("坐标已转换为 GCJ-02 以匹配高德底图", "Coordinates shifted to GCJ-02 to match the Gaode basemap"),
    "map.theme_base": ("底图与区划", "Basemap and boundaries"),
    "map.theme_schools": ("学校", "Schools"),
    "map.theme_zones": ("校园周边", "School surroundings"),
    "map.theme_hazards": ("隐患", "Hazards"),
    "map.theme_patrol": ("巡逻与覆盖", "Patrols and coverage"),
    "map.theme_other": ("其他图层", "Other layers"),
    "map.route_line": ("巡逻路线（箭头示方向）", "patrol route (arrows show direction)"),
    # -- export --
    # -- pipeline and cli --
    "pipeline.roster_xlsx": (
        "巡逻勤务表（Excel：每个时段一页及汇总）",
        "patrol duty roster (Excel: a sheet per window and a summary)",
    ),
    "pipeline.roster_html": ("巡逻勤务表（可打印网页）", "patrol duty roster (printable HTML)"),
    "pipeline.patrol_geojson": ("巡逻路线与停靠点 GeoJSON", "patrol routes and stops (GeoJSON)"),
    "pipeline.patrol_gpx": (
        "巡逻路线 GPX（手机导航，每车一条轨迹）",
        "patrol routes GPX (phone navigation, a track per unit)",
    ),
    "pipeline.patrol_kml": ("巡逻路线 KML（手机导航）", "patrol routes KML (phone navigation)"),
    "pipeline.patrol_map": (
        "巡逻路线图（离线；每车一色、编号停靠点及到达时间、未覆盖学校及原因）",
        "patrol map (offline: a colour per unit, numbered stops with times, schools not covered with the reason)",
    ),
    "pipeline.file.roster_xlsx": ("巡逻勤务表.xlsx", "patrol_roster.xlsx"),
    "pipeline.file.roster_html": ("巡逻勤务表.html", "patrol_roster.html"),
    "pipeline.file.patrol_geojson": ("巡逻路线.geojson", "patrol_routes.geojson"),
    "pipeline.file.patrol_gpx": ("巡逻路线.gpx", "patrol_routes.gpx"),
    "pipeline.file.patrol_kml": ("巡逻路线.kml", "patrol_routes.kml"),
    "pipeline.file.patrol_map": ("巡逻路线.html", "patrol_map.html"),
    "pipeline.patrol_kpis": (
        "巡逻计划·{window}：需护学 {schools_needing} 所，护学岗覆盖 {covered_by_posts} 所，巡逻车按时到岗 "
        "{served_by_units} 所，未能覆盖 {unserved} 所（时段内无法到达 {unreachable}，警力不足 {short_of_units}）；"
        "出动 {units_used}/{units_available} 个单位，行驶 {km:.1f} 公里、{drive_min:.0f} 分钟，"
        "等候 {idle_min:.0f} 分钟",
        "patrol plan ({window}): {schools_needing} schools need cover, {covered_by_posts} covered by guard posts, "
        "{served_by_units} served in window, {unserved} not covered ({unreachable} unreachable, {short_of_units} "
        "short of units); {units_used}/{units_available} units out, {km:.1f} km and {drive_min:.0f} min driving, "
        "{idle_min:.0f} min waiting",
    ),
    "pipeline.patrol_fleet": (
        "  全部可达学校都要覆盖，需增派 {extra} 辆车：{where}",
        "  to cover every reachable school, add {extra} cars: {where}",
    ),
    "pipeline.patrol_budget_iterations": (
        "巡逻求解：每个时段 {iterations} 次迭代，随机种子 {seed}（结果可复现）；已按行车时间矩阵独立核验",
        "patrol solve: {iterations} iterations per window, seed {seed} (reproducible); checked independently "
        "against the travel-time matrix",
    ),
    "pipeline.patrol_budget_seconds": (
        "巡逻求解：每个时段 {seconds:g} 秒，随机种子 {seed}；已按行车时间矩阵独立核验",
        "patrol solve: {seconds:g} s per window, seed {seed}; checked independently against the travel-time matrix",
    ),
    "pipeline.patrol_window": (
        "巡逻时段须为 am（早高峰）、noon（午高峰）、pm（放学）或 day（全天）；收到 {window!r}",
        "the patrol window must be am, noon, pm or day; got {window!r}",
    ),
    "cli.solving": ("巡逻求解中", "solving patrols"),
    "cli.iteration": ("迭代", "iteration"),
    "cli.best_cost": ("最优成本", "best cost"),
    "cli.seconds": ("秒", "s"),
    "pipeline.valid": ("有效数据", "valid rows"),
    "pipeline.review": ("待复核表", "review table"),
    "pipeline.gpkg": ("GeoPackage 图层", "GeoPackage layers"),
    "pipeline.map": ("概览地图", "overview map"),
    "pipeline.png": ("概览地图图片", "overview map image"),
    "pipeline.geocode_review": ("地理编码待复核表", "geocoding review table"),
    "pipeline.violations": ("规则违规清单", "rule violations"),
    "pipeline.risk": ("学校风险排名", "school risk ranking"),
    "pipeline.analysis_map": (
        "分析地图（校园周边100/200米、派出所1/3/5分钟响应圈）",
        "analysis map (100/200 m rings, 1/3/5-minute response)",
    ),
    "pipeline.file.review": ("待复核.csv", "review.csv"),
    "pipeline.file.schools": ("学校.csv", "schools.csv"),
    "pipeline.file.hazards": ("隐患.csv", "hazards.csv"),
    "pipeline.file.stations": ("派出所.csv", "stations.csv"),
    "pipeline.file.overview_map": ("概览地图.html", "overview_map.html"),
    "pipeline.file.geocode_review": ("地理编码待复核.csv", "geocoding_review.csv"),
    "pipeline.file.violations": ("违规清单.csv", "violations.csv"),
    "pipeline.file.risk": ("学校风险排名.csv", "school_risk.csv"),
    "pipeline.file.analysis_map": ("分析地图.html", "analysis_map.html"),
    "pipeline.file.valid_suffix": ("有效", "valid"),
    "pipeline.file.review_suffix": ("待复核", "review"),
    "pipeline.townships": ("乡镇界", "townships"),
    "pipeline.geocoded": (
        "地理编码：{placed} 条仅有地址的隐患已离线定位，{review} 条待人工复核",
        "geocoding: {placed} address-only hazards placed offline, {review} to review",
    ),
    "pipeline.rule_check": (
        "规则核查：{violations} 条违规；{skipped} 条隐患待地理编码，暂未核查",
        "rule check: {violations} violations; {skipped} hazards to geocode, not yet checked",
    ),
    "pipeline.offline_note": (
        "注：概览地图为离线单文件（脚本、样式、字体均已内嵌），以本地道路矢量为底图，打开时不访问任何网络。",
        "Note: the overview map is one self-contained offline file (scripts, styles and fonts inlined) drawn on "
        "the district's own roads; it makes no network request when opened.",
    ),
    "pipeline.png_skipped": (
        "注：未生成地图图片（{reason}）；运行 scripts/install_browser.sh 安装 Chromium 后重试。",
        "Note: no map image was written ({reason}); install Chromium with scripts/install_browser.sh and retry.",
    ),
    "cli.written": ("已写入", "written"),
    "cli.done": ("完成。输出目录", "Done. Outputs in"),
    "cli.error": ("错误", "error"),
    "cli.assets_ready": ("离线地图资源已就绪", "offline map assets ready in"),
    # -- demo --
}
