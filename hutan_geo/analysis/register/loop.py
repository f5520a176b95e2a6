"""The closed loop 发现→汇总→交办→整改→销号: allowed transitions, dates, deadlines, overdue.

Pure functions over codes and dates; the register calls them before it
writes anything, so a refused transition writes nothing.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo.errors import InputError, TransitionError
from hutan_geo.model.schema import STATUSES, label

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DATE_COLUMNS",
    "DEFAULT_DEADLINE_DAYS",
    "LOOP",
    "OPEN_STATUSES",
    "REOPEN_FROM",
    "REOPEN_TO",
    "TransitionError",
    "as_date",
    "check_transition",
    "deadline_for",
    "loop_events",
    "next_statuses",
    "overdue_mask",
]

#: The loop's status codes in order: found, consolidated, assigned, rectified, closed.
LOOP: tuple[str, ...] = tuple(STATUSES.codes)
#: The date column of each status.
DATE_COLUMNS: dict[str, str] = {
    "found": "found_date",
    "consolidated": "consolidated_date",
    "assigned": "assigned_date",
    "rectified": "rectified_date",
    "closed": "closed_date",
}
#: Statuses a hazard can be reopened from, and the status it returns to (整改 again).
REOPEN_FROM: tuple[str, ...] = ("rectified", "closed")
REOPEN_TO = "assigned"
#: Statuses still open (not yet rectified): they can be matched by a repeat sighting and fall overdue.
OPEN_STATUSES: tuple[str, ...] = ("found", "consolidated", "assigned")
#: Rectification deadline when neither the department nor the category has one.
DEFAULT_DEADLINE_DAYS = 30


@functools.lru_cache(maxsize=4096)
def _parse_date(text: str) -> date:
    """Parse date text once: a batch repeats the same few dates many times."""
    return pd.Timestamp(text).date()


def as_date(value: Any, what: str = "date") -> date | None:
    """Return ``value`` (date, timestamp or ISO text) as a date, None when missing.

    Examples
    --------
    >>> as_date("2026-03-01"), as_date(None)
    (datetime.date(2026, 3, 1), None)
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    try:
        return _parse_date(value) if isinstance(value, str) else pd.Timestamp(value).date()
    except (ValueError, TypeError) as exc:
        msg = f"{what}: {value!r} is not a date; write YYYY-MM-DD"
        raise InputError(msg) from exc


def next_statuses(status: str) -> tuple[str, ...]:
    """Return the statuses a hazard may move to from ``status`` (the next stage only).

    Examples
    --------
    >>> next_statuses("assigned"), next_statuses("closed")
    (('rectified',), ())
    """
    i = LOOP.index(status)
    return LOOP[i + 1 : i + 2]


def check_transition(hazard_id: str, current: str, target: str, lang: str = "zh") -> None:
    """Raise :class:`TransitionError` unless ``current → target`` is the loop's next step.

    Examples
    --------
    >>> check_transition("H1", "found", "consolidated")
    >>> check_transition("H1", "found", "closed", "en")
    Traceback (most recent call last):
    ...
    hutan_geo.errors.TransitionError: H1: cannot go from found to closed; allowed next: consolidated \
(or reopen from rectified/closed)
    """
    if target not in LOOP:
        names = ", ".join(f"{s} ({label(STATUSES, s, 'zh')})" for s in LOOP)
        msg = f"{hazard_id}: {target!r} is not a status; use one of {names}"
        raise TransitionError(msg)
    allowed = next_statuses(current)
    if target in allowed:
        return
    names = ", ".join(f"{label(STATUSES, s, lang)}" for s in allowed) or "-"
    msg = (
        f"{hazard_id}: cannot go from {label(STATUSES, current, lang)} to {label(STATUSES, target, lang)}; "
        f"allowed next: {names} (or reopen from rectified/closed)"
    )
    raise TransitionError(msg)


def loop_events(record: Mapping[str, Any], *, today: date) -> list[tuple[str, date, str]]:
    """Return the history events ``(status, date, note)`` a record's status and dates stand for.

    A stage passed without a date takes the next stage's date (noted). Raises
    :class:`~hutan_geo.errors.InputError` for a status outside the loop, a
    missing found date, dates out of order, or a date after ``today``.

    Examples
    --------
    >>> loop_events({"hazard_id": "H1", "status": "consolidated", "found_date": "2026-03-01",
    ...              "consolidated_date": "2026-03-04"}, today=date(2026, 4, 1))
    [('found', datetime.date(2026, 3, 1), ''), ('consolidated', datetime.date(2026, 3, 4), '')]
    """
    hid = record.get("hazard_id", "?")
    status = record.get("status") or "found"
    if status not in LOOP:
        msg = f"{hid}: status {status!r} is not in the loop; use one of {', '.join(LOOP)}"
        raise InputError(msg)
    stages = LOOP[: LOOP.index(status) + 1]
    dates = [as_date(record.get(DATE_COLUMNS[s]), f"{hid} {DATE_COLUMNS[s]}") for s in stages]
    if dates[0] is None:
        msg = f"{hid}: found_date is missing; every hazard needs the date it was found"
        raise InputError(msg)
    events: list[tuple[str, date, str]] = []
    for k, stage in enumerate(stages):
        when, note = dates[k], ""
        if when is None:
            when = next((d for d in dates[k + 1 :] if d is not None), None) or events[-1][1]
            note = "date not given: taken from the next stage"
        if events and when < events[-1][1]:
            msg = f"{hid}: dates out of order: {stage} {when} is before {events[-1][0]} {events[-1][1]}"
            raise InputError(msg)
        if when > today:
            msg = f"{hid}: {DATE_COLUMNS[stage]} {when} is in the future (today is {today})"
            raise InputError(msg)
        events.append((stage, when, note))
    return events


def deadline_for(
    assigned: date,
    department: str | None,
    category: str | None,
    department_days: Mapping[str, int | None],
    category_days: Mapping[str, int | None],
) -> date:
    """Return the rectification deadline: the department's days, else the category's, else 30.

    Examples
    --------
    >>> deadline_for(date(2026, 3, 1), "交警大队", "traffic", {"交警大队": 15}, {"traffic": 20})
    datetime.date(2026, 3, 16)
    >>> deadline_for(date(2026, 3, 1), "城管局", "traffic", {"城管局": None}, {"traffic": 20})
    datetime.date(2026, 3, 21)
    """
    days = department_days.get(department or "") or category_days.get(category or "") or DEFAULT_DEADLINE_DAYS
    return assigned + timedelta(days=int(days))


def overdue_mask(hazards: pd.DataFrame, today: date) -> pd.Series:
    """Return which hazards are overdue on ``today``: not yet rectified and past their deadline.

    Examples
    --------
    >>> f = pd.DataFrame({"status": ["assigned", "closed"], "deadline": ["2026-03-01", "2026-03-01"]})
    >>> overdue_mask(f, date(2026, 4, 1)).tolist()
    [True, False]
    """
    deadline = pd.to_datetime(hazards["deadline"], errors="coerce")
    return hazards["status"].isin(OPEN_STATUSES) & deadline.notna() & (deadline < pd.Timestamp(today))
