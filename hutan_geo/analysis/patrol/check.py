"""An independent feasibility check of a plan, from the matrix alone.

It does not ask PyVRP anything: it walks each unit's itinerary, recomputes
every arrival from the problem's duration matrix (in whole time units), and
verifies that each start of service lies in its task's window, that each
stay lasts the task's dwell, that units leave and return inside their
shift, that no task is done twice, and that every task is either served,
covered by a guard post, or explained as unserved.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hutan_geo.errors import InfeasiblePlanError

if TYPE_CHECKING:
    import pandas as pd

    from hutan_geo.analysis.patrol.problem import PatrolProblem

__all__ = ["CheckReport", "check_itinerary"]

_TOL = 1e-6  # minutes: the itinerary holds minutes = integer units x scale / 60


@dataclass(frozen=True)
class CheckReport:
    """The result of :func:`check_itinerary`.

    Attributes
    ----------
    errors
        One sentence per violation (empty when the plan is feasible).
    n_units, n_stops
        Units and task stops checked.
    """

    errors: list[str] = field(default_factory=list)
    n_units: int = 0
    n_stops: int = 0

    @property
    def ok(self) -> bool:
        """True when no violation was found."""
        return not self.errors

    def raise_if_failed(self) -> CheckReport:
        """Raise :class:`InfeasiblePlanError` listing the violations; return self when there are none."""
        if self.errors:
            more = f" (+{len(self.errors) - 10} more)" if len(self.errors) > 10 else ""
            msg = "the plan is not feasible: " + "; ".join(self.errors[:10]) + more
            raise InfeasiblePlanError(msg)
        return self


def check_itinerary(problem: PatrolProblem, itinerary: pd.DataFrame, unserved_ids: list[str]) -> CheckReport:
    """Check ``itinerary`` (a plan's, see ``Plan.itinerary``) against ``problem``.

    Parameters
    ----------
    problem
        The problem the plan answers.
    itinerary
        Rows per unit in order: ``unit``, ``unit_type`` (row of
        ``problem.units``), ``order``, ``loc``, ``task`` (task id or empty
        for the station), ``arrive``, ``start``, ``leave`` (minutes).
    unserved_ids
        Task ids the plan lists as unserved.

    Returns
    -------
    CheckReport
    """
    errors: list[str] = []
    to_min = problem.time_scale_s / 60.0
    tasks = problem.tasks.set_index("task_id")
    units = problem.units
    depot_loc = problem.depots["loc"].to_numpy(int)
    seen: Counter[str] = Counter()
    per_type: Counter[int] = Counter()
    n_stops = 0
    for unit, rows in itinerary.groupby("unit", sort=False):
        rows = rows.sort_values("order")
        vt = int(rows["unit_type"].iat[0])
        per_type[vt] += 1
        u = units.iloc[vt]
        dur = problem.duration[int(u.profile)]
        first, last = rows.iloc[0], rows.iloc[-1]
        if int(first["loc"]) != depot_loc[int(u.start_depot)] or int(last["loc"]) != depot_loc[int(u.end_depot)]:
            errors.append(f"{unit}: does not start and end at its stations")
        if first["leave"] < u.tw_early * to_min - _TOL:
            errors.append(f"{unit}: leaves before its shift starts")
        prev_loc, prev_leave = int(first["loc"]), float(first["leave"])
        for r in rows.iloc[1:].itertuples(index=False):
            arrive = prev_leave + dur[prev_loc, int(r.loc)] * to_min
            if abs(arrive - r.arrive) > _TOL:
                errors.append(f"{unit} stop {r.order}: arrival {r.arrive:.2f} but the matrix gives {arrive:.2f}")
            task = str(r.task) if isinstance(r.task, str) else ""
            if task:
                n_stops += 1
                seen[task] += 1
                t = tasks.loc[task]
                if int(r.loc) != int(t["loc"]):
                    errors.append(f"{unit} stop {r.order}: task {task} at the wrong place")
                if r.start < arrive - _TOL:
                    errors.append(f"{unit} stop {r.order}: {task} starts before the unit arrives")
                if r.start < t["tw_early"] * to_min - _TOL or r.start > t["tw_late"] * to_min + _TOL:
                    errors.append(f"{unit} stop {r.order}: {task} starts outside its window")
                if abs(r.leave - r.start - t["service"] * to_min) > _TOL:
                    errors.append(f"{unit} stop {r.order}: {task} dwell differs from {t['service'] * to_min:g}")
                prev_leave = float(r.leave)
            else:
                prev_leave = arrive
            prev_loc = int(r.loc)
        if prev_leave > u.tw_late * to_min + _TOL:
            errors.append(f"{unit}: back at its station after its shift ends")
    for vt, n in per_type.items():
        if n > int(units["num"].iat[vt]):
            errors.append(f"unit type {units['unit_type'].iat[vt]}: {n} units used, {units['num'].iat[vt]} available")
    twice = [t for t, n in seen.items() if n > 1]
    if twice:
        errors.append(f"tasks done more than once: {twice[:5]}")
    both = set(seen) & set(unserved_ids)
    if both:
        errors.append(f"tasks both served and listed unserved: {sorted(both)[:5]}")
    forgotten = set(tasks.index) - set(seen) - set(unserved_ids)
    school_forgotten = [t for t in forgotten if tasks.at[t, "kind"] == "school" or bool(tasks.at[t, "required"])]
    if school_forgotten:
        errors.append(f"tasks neither served nor explained: {sorted(school_forgotten)[:5]}")
    return CheckReport(errors, int(itinerary["unit"].nunique()) if len(itinerary) else 0, n_stops)
