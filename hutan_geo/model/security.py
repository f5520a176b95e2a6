"""The school security profile: guards, volunteers, technical and physical protection, inspections.

One row per school (学校编号), as the campaign's school-by-school returns
(一校一档) record it: licensed guards (专职保安), guards on duty at the peaks,
campus-safety volunteers (护校志愿者), cameras, whether the one-key alarm is
linked to the police and education platforms (一键报警联网), intrusion alarms,
electronic patrol (电子巡更), anti-ramming bollards at the gate (防冲撞设施)
and the dates of the latest supervision inspections (督导检查, one or more).

The table has no geometry (``geometry="none"``): a profile is placed through
its school. Importing this module registers :data:`SECURITY` in
:data:`hutan_geo.model.schema.SPECS` under ``"security"``.

Examples
--------
>>> from hutan_geo.model.schema import spec_for
>>> spec_for("security").column("guards").zh
'专职保安人数'
"""

from __future__ import annotations

from hutan_geo.model.schema import SPECS, Column, DatasetSpec, Vocab

__all__ = ["ALARM_LINKS", "SECURITY"]

#: Platforms a one-key alarm (一键报警) can be linked to; ``none`` = not linked.
ALARM_LINKS = Vocab(
    "alarm_link",
    {
        "police": ("公安", "police"),
        "education": ("教育", "education bureau"),
        "none": ("未联网", "not linked"),
    },
    {
        "police": ("公安平台", "公安机关", "110", "公安联网", "派出所", "police platform"),
        "education": ("教育平台", "教育部门", "教育局", "教育联网", "education"),
        "none": ("否", "无", "未接入", "没有", "不联网", "no", "not linked"),
    },
)

SECURITY = DatasetSpec(
    "security",
    "学校安保档案",
    "school security profiles",
    (
        Column("school_id", "id", "学校编号", "school id", ("学校代码", "学校标识码", "编号", "id"), required=True),
        Column("name", "text", "学校名称", "name", ("名称", "学校", "校名")),
        Column(
            "guards",
            "int",
            "专职保安人数",
            "licensed guards",
            ("专职保安", "保安人数", "保安员人数", "专职保安员", "guards"),
            min_value=0,
        ),
        Column(
            "peak_guards",
            "int",
            "高峰保安在岗人数",
            "guards at peaks",
            ("高峰在岗保安", "高峰时段保安", "上下学高峰保安人数", "peak guards"),
            min_value=0,
        ),
        Column(
            "volunteers",
            "int",
            "护校志愿者人数",
            "campus-safety volunteers",
            ("护校志愿者", "护校队人数", "志愿者人数", "volunteers"),
            min_value=0,
        ),
        Column(
            "cameras", "int", "监控摄像头数", "cameras", ("摄像头数", "视频监控数", "监控数量", "摄像头"), min_value=0
        ),
        Column(
            "alarm_link",
            "vocab_list",
            "一键报警联网",
            "one-key alarm linked to",
            ("一键报警是否联网", "一键报警", "一键式报警联网", "紧急报警联网", "alarm linked"),
            vocab=ALARM_LINKS,
        ),
        Column("intrusion_alarm", "bool", "入侵报警", "intrusion alarm", ("入侵报警系统", "是否有入侵报警")),
        Column("e_patrol", "bool", "电子巡更", "electronic patrol", ("电子巡更系统", "巡更系统", "是否有电子巡更")),
        Column(
            "anti_ramming",
            "bool",
            "防冲撞设施",
            "anti-ramming barriers",
            ("防冲撞", "校门防冲撞设施", "防冲撞装置", "隔离桩", "bollards"),
        ),
        Column(
            "inspections",
            "date_list",
            "最近督导检查日期",
            "latest inspections",
            ("督导检查日期", "检查日期", "最近检查日期", "督导日期", "inspection dates"),
        ),
    ),
    geometry="none",
    id_column="school_id",
    id_prefix="S",
)

SPECS[SECURITY.kind] = SECURITY
