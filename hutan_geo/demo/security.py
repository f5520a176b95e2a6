"""The demo district's school security profiles (学校安保档案), with gaps planted on purpose.

Every school gets a profile that meets the default norms
(``hutan_geo/data/security_norms.csv``), then a fixed set of realistic gaps
is planted: day schools short of guards, the county middle school (boarding)
with 6 guards instead of 8 to 10, too few guards at the peaks or volunteers,
one-key alarms not linked (or linked to the police only), no intrusion alarm
or electronic patrol, missing anti-ramming bollards, and schools inspected
once, or never, in the autumn semester of 2026. Each planted gap is one row of
``truth/security_truth.csv`` (school, rule, value written), so tests can
check that the compliance check finds exactly these.

The profiles draw from their own random generator (``[seed, 17]``), so
adding them changes no other demo file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hutan_geo.demo.content import COUNTY, FICTIONAL
from hutan_geo.demo.writers import write_table_file

if TYPE_CHECKING:
    from hutan_geo.demo.county import DemoDistrict

__all__ = ["SECURITY_COLUMNS", "SECURITY_TRUTH_COLUMNS", "security_profiles", "write_security_files"]

#: Columns of ``schools/security.csv``.
SECURITY_COLUMNS = [
    "学校编号",
    "学校名称",
    "专职保安人数",
    "高峰保安在岗人数",
    "护校志愿者人数",
    "监控摄像头数",
    "一键报警是否联网",
    "入侵报警",
    "电子巡更",
    "防冲撞设施",
    "最近督导检查日期",
]

#: Columns of ``truth/security_truth.csv``: one row per planted gap.
SECURITY_TRUTH_COLUMNS = ["school_id", "school_name", "rule_id", "planted"]

#: How many schools get each planted gap (boarding guards: the first boarding school).
_PLANTS: tuple[tuple[str, int], ...] = (
    ("guards_day_5", 4),
    ("peak_guards_4", 2),
    ("volunteers_4", 2),
    ("alarm_linked", 3),
    ("intrusion_alarm", 1),
    ("e_patrol", 2),
    ("anti_ramming", 4),
    ("inspections_2", 6),
)

_SEMESTER = (dt.date(2026, 9, 1), dt.date(2026, 11, 28))  # inspections drawn in this span
_LINKED = ("公安、教育", "公安和教育平台", "公安/教育")


def _day(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _dates(days: list[dt.date], style: int) -> str:
    days = sorted(days)
    if style == 0:
        return "；".join(d.isoformat() for d in days)
    if style == 1:
        return "、".join(f"{d.year}年{d.month}月{d.day}日" for d in days)
    return ",".join(f"{d.year}/{d.month}/{d.day}" for d in days)


def _base(schools: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Return a compliant profile for every school."""
    n = len(schools)
    boarding = (schools["是否寄宿"].astype(str) == "是").to_numpy()
    enrol = pd.to_numeric(schools["在校人数"], errors="coerce").fillna(100).to_numpy()
    guards = np.where(boarding, 8 + rng.integers(0, 3, n), 5 + rng.integers(0, 3, n))
    mid = _SEMESTER[0] + (_SEMESTER[1] - _SEMESTER[0]) / 2
    inspections = []
    for i in range(n):
        k = 2 + int(rng.integers(0, 2))
        days = [
            _day(rng, _SEMESTER[0], mid),
            *(_day(rng, mid + dt.timedelta(days=1), _SEMESTER[1]) for _ in range(k - 1)),
        ]
        inspections.append(_dates(days, i % 3))
    return pd.DataFrame(
        {
            "学校编号": schools["学校编号"].to_numpy(),
            "学校名称": schools["学校名称"].to_numpy(),
            "专职保安人数": [f"{g}人" if i % 7 == 3 else str(g) for i, g in enumerate(guards)],
            "高峰保安在岗人数": (4 + rng.integers(0, 2, n)).astype(str),
            "护校志愿者人数": (4 + rng.integers(0, 3, n)).astype(str),
            "监控摄像头数": (8 + enrol // 80 + rng.integers(0, 6, n)).astype(int).astype(str),
            "一键报警是否联网": [_LINKED[i % 3] for i in range(n)],
            "入侵报警": ["是"] * n,
            "电子巡更": ["有" if i % 4 else "是" for i in range(n)],
            "防冲撞设施": ["是"] * n,
            "最近督导检查日期": inspections,
        }
    )


def _plant(profile: pd.DataFrame, boarding: np.ndarray, rng: np.random.Generator) -> list[dict[str, str]]:
    """Plant the gaps in ``profile`` (in place); return one truth row per gap."""
    truth: list[dict[str, str]] = []

    def put(i: int, rule: str, column: str, value: str) -> None:
        profile.iat[i, profile.columns.get_loc(column)] = value
        truth.append(
            {"school_id": profile.iat[i, 0], "school_name": profile.iat[i, 1], "rule_id": rule, "planted": value}
        )

    big = int(np.flatnonzero(boarding)[0])
    put(big, "guards_boarding_8", "专职保安人数", "6")
    day = np.flatnonzero(~boarding)
    order = rng.permutation(day)
    pos = 0
    spring = (dt.date(2026, 3, 10), dt.date(2026, 6, 20))
    for rule, count in _PLANTS:
        for i in (int(v) for v in order[pos : pos + count]):
            if rule == "guards_day_5":
                put(i, rule, "专职保安人数", str(3 + int(rng.integers(0, 2))))
            elif rule == "peak_guards_4":
                put(i, rule, "高峰保安在岗人数", "2")
            elif rule == "volunteers_4":
                put(i, rule, "护校志愿者人数", str(1 + int(rng.integers(0, 3))))
            elif rule == "alarm_linked":
                put(i, rule, "一键报警是否联网", "未联网" if i % 2 else "公安")
            elif rule in ("intrusion_alarm", "e_patrol", "anti_ramming"):
                column = {"intrusion_alarm": "入侵报警", "e_patrol": "电子巡更", "anti_ramming": "防冲撞设施"}[rule]
                put(i, rule, column, "否")
            else:  # inspected once this semester, or never (only a spring inspection, or none at all)
                kind = pos % 3
                days = [_day(rng, *_SEMESTER)] if kind == 0 else [_day(rng, *spring)] if kind == 1 else []
                put(i, rule, "最近督导检查日期", _dates(days, 0))
            pos += 1
    return truth


def security_profiles(schools: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the demo security profiles and the truth table of the gaps planted in them.

    Parameters
    ----------
    schools
        The demo schools (file headers: 学校编号, 学校名称, 在校人数, 是否寄宿).
    seed
        The demo seed; the profiles draw from ``numpy.random.default_rng([seed, 17])``.

    Returns
    -------
    ``(profiles, truth)``: profiles with :data:`SECURITY_COLUMNS`; truth with
    :data:`SECURITY_TRUTH_COLUMNS`, one row per planted gap, ordered by school and rule.

    Examples
    --------
    >>> from hutan_geo.demo import generate_demo_district
    >>> profiles, truth = security_profiles(generate_demo_district().schools, 20261129)  # doctest: +SKIP
    """
    rng = np.random.default_rng([seed, 17])
    frame = pd.DataFrame(schools).sort_values("学校编号").reset_index(drop=True)
    profile = _base(frame, rng)
    boarding = (frame["是否寄宿"].astype(str) == "是").to_numpy()
    truth = pd.DataFrame(_plant(profile, boarding, rng), columns=SECURITY_TRUTH_COLUMNS)
    truth = truth.sort_values(["school_id", "rule_id"]).reset_index(drop=True)
    return profile, truth


def write_security_files(district: DemoDistrict, out_dir: Path) -> list[Path]:
    """Write ``schools/security.csv`` and ``truth/security_truth.csv`` for the demo district.

    Deterministic: the same district gives the same bytes.

    Examples
    --------
    >>> write_security_files(generate_demo_district(), Path("data"))  # doctest: +SKIP
    """
    profiles, truth = security_profiles(district.schools, district.seed)
    out = Path(out_dir)
    return [
        write_table_file(
            profiles, out / "schools/security.csv", encoding="utf-8-sig", title=f"{COUNTY}学校安保档案（{FICTIONAL}）"
        ),
        write_table_file(
            truth,
            out / "truth/security_truth.csv",
            encoding="utf-8",
            title=f"ground truth of the planted security gaps ({FICTIONAL}); skip this line when reading",
        ),
    ]
