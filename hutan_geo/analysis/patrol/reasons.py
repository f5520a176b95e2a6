"""Why a task was left out, decided exactly from the matrix, and the smallest fleet that serves the rest.

A school task is **unreachable** when no unit could serve it even with a car
of its own: for every station (and every unit type), leaving at the shift
start, the earliest start of service ``max(shift start + travel, window
start)`` is after the latest allowed start, or the unit cannot be back at
its station by the shift end. This is a yes/no fact of the matrix, not of the
solver. Any other school left out is short of **units**: the fleet search
(:func:`minimum_fleet`) adds one car at a time at the station nearest to the
highest-priority school still left out (among the stations from which a car
alone would serve it), re-solves warm-started, and then tries to take each
added car away again; what remains is the smallest fleet found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from hutan_geo.analysis.patrol.problem import PatrolProblem

__all__ = ["FleetResult", "alone_earliest", "minimum_fleet", "reachable_alone"]

log = logging.getLogger("hutan_geo")


def _candidates(problem: PatrolProblem) -> list[tuple[int, int, int, int, int]]:
    """(start depot, end depot, profile, shift start, shift end) of every unit type and of a car at every station."""
    out = {
        (int(u.start_depot), int(u.end_depot), int(u.profile), int(u.tw_early), int(u.tw_late))
        for u in problem.units.itertuples(index=False)
    }
    shift = problem.info.get("shift")
    if shift is not None:  # a district: a car of its own could come from any station
        for d in range(len(problem.depots)):
            out.add((d, d, 0, int(shift[0] * 60 / problem.time_scale_s), int(shift[1] * 60 / problem.time_scale_s)))
    return sorted(out)


def alone_earliest(problem: PatrolProblem, rows: Sequence[int] | None = None) -> pd.DataFrame:
    """For each task, the best a single unit could do: ``earliest_start``, ``feasible``, ``from_depot``.

    ``earliest_start`` is the earliest start of service over all candidate
    units (problem time units, inf when no path); ``feasible`` tells whether
    some candidate also starts by ``tw_late`` and is back by its shift end;
    ``from_depot`` is the nearest such depot (by travel time), -1 if none.
    """
    tasks = problem.tasks if rows is None else problem.tasks.iloc[list(rows)]
    loc = tasks["loc"].to_numpy(int)
    early, late = tasks["tw_early"].to_numpy(float), tasks["tw_late"].to_numpy(float)
    service = tasks["service"].to_numpy(float)
    depot_loc = problem.depots["loc"].to_numpy(int)
    best_start = np.full(len(tasks), np.inf)
    feasible = np.zeros(len(tasks), bool)
    best_travel = np.full(len(tasks), np.inf)
    from_depot = np.full(len(tasks), -1)
    big = np.iinfo(np.int64).max // 4
    for sd, ed, prof, a, b in _candidates(problem):
        dur = problem.duration[prof]
        go = dur[depot_loc[sd], loc].astype(float)
        back = dur[loc, depot_loc[ed]].astype(float)
        go[go >= big] = np.inf
        start = np.maximum(a + go, early)
        ok = (start <= late) & (start + service + back <= b)
        best_start = np.minimum(best_start, start)
        better = ok & (go < best_travel)
        best_travel[better] = go[better]
        from_depot[better] = sd
        feasible |= ok
    return pd.DataFrame(
        {
            "task_id": tasks["task_id"].to_numpy(),
            "earliest_start": best_start,
            "feasible": feasible,
            "from_depot": from_depot,
        },
        index=tasks.index,
    )


def reachable_alone(problem: PatrolProblem) -> np.ndarray:
    """Boolean per task: can a unit of its own serve it (see :func:`alone_earliest`)."""
    return alone_earliest(problem)["feasible"].to_numpy(bool)


@dataclass(frozen=True)
class FleetResult:
    """The smallest fleet found that serves every reachable school.

    Attributes
    ----------
    extra
        One row per station that needs more cars: ``station``, ``cars``
        (now), ``extra``, ``total``.
    routes
        The routes of the plan with that fleet: ``(unit_type name, [task ids])``.
    complete
        True when every reachable school is served with that fleet.
    solves
        Number of solves the search took.
    """

    extra: pd.DataFrame
    routes: list[tuple[str, list[str]]]
    complete: bool
    solves: int

    @property
    def n_extra(self) -> int:
        """Cars added in all."""
        return int(self.extra["extra"].sum()) if len(self.extra) else 0


def _with_extra(problem: PatrolProblem, extra: dict[int, int]) -> PatrolProblem:
    """Add ``extra[depot]`` cars at each depot (to its car unit type, or a new one at the end)."""
    units = problem.units.copy()
    shift = problem.info.get("shift", (0, 0))
    scale = 60 / problem.time_scale_s
    for depot, n in extra.items():
        if n <= 0:
            continue
        hit = np.flatnonzero((units["start_depot"] == depot) & (units["kind"] == "car") & (units["profile"] == 0))
        if len(hit):
            units.loc[units.index[hit[0]], "num"] += n
        else:
            name = str(problem.depots["name"].iat[depot])
            row = {
                "unit_type": name,
                "kind": "car",
                "station": name,
                "start_depot": depot,
                "end_depot": depot,
                "num": n,
                "profile": 0,
                "tw_early": int(shift[0] * scale),
                "tw_late": int(shift[1] * scale),
                "capacity": 0,
            }
            units = pd.concat([units, pd.DataFrame([row])], ignore_index=True)
    return problem.with_units(units)


def _served(routes: list[tuple[int, list[int]]]) -> set[int]:
    return {t for _, visits in routes for t in visits}


def _by_name(problem: PatrolProblem, routes: list[tuple[int, list[int]]]) -> list[tuple[str, list[str]]]:
    names, ids = problem.units["unit_type"].tolist(), problem.tasks["task_id"].tolist()
    return [(names[vt], [ids[t] for t in visits]) for vt, visits in routes]


def _from_names(problem: PatrolProblem, routes: Sequence[tuple[str, Sequence[str]]]) -> list[tuple[int, list[int]]]:
    vt_of = {n: i for i, n in enumerate(problem.units["unit_type"])}
    t_of = {n: i for i, n in enumerate(problem.tasks["task_id"])}
    return [(vt_of[u], [t_of[t] for t in ts if t in t_of]) for u, ts in routes if u in vt_of]


def minimum_fleet(
    problem: PatrolProblem,
    routes: list[tuple[int, list[int]]],
    solve: Callable[..., Any],
    *,
    max_extra: int | None = None,
) -> FleetResult:
    """Find the smallest fleet (cars added at stations) that serves every reachable school task.

    Parameters
    ----------
    problem
        The problem as planned.
    routes
        The plan's routes ``(unit_type, [task rows])``.
    solve
        ``solve(problem, initial=routes)`` returning an object with ``routes``
        (e.g. :func:`~hutan_geo.analysis.patrol.solve.solve_problem` with the
        stop already bound).
    max_extra
        Give up after adding this many cars (default: the number of
        reachable schools left out, plus 2).

    Returns
    -------
    FleetResult
    """
    alone = alone_earliest(problem)
    school = (problem.tasks["kind"] == "school").to_numpy()
    want = set(np.flatnonzero(school & alone["feasible"].to_numpy()))
    missing = want - _served(routes)
    limit = max_extra if max_extra is not None else len(missing) + 2
    extra: dict[int, int] = {}
    order: list[int] = []
    current, cur_routes, solves = problem, routes, 0
    prio = problem.tasks["priority"].to_numpy(float)
    while missing and len(order) < limit:
        target = max(missing, key=lambda t: (prio[t], -t))
        depot = int(alone["from_depot"].iat[target])
        extra[depot] = extra.get(depot, 0) + 1
        order.append(depot)
        nxt = _with_extra(problem, extra)
        res = solve(nxt, initial=_from_names(nxt, _by_name(current, cur_routes)))
        solves += 1
        current, cur_routes = nxt, res.routes
        missing = want - _served(cur_routes)
    complete = not missing
    if complete:  # take added cars away again while every reachable school stays served
        for depot in reversed(order):
            trial = {**extra, depot: extra[depot] - 1}
            cand = _with_extra(problem, trial)
            res = solve(cand, initial=_from_names(cand, _by_name(current, cur_routes)))
            solves += 1
            if not (want - _served(res.routes)):
                extra, current, cur_routes = trial, cand, res.routes
    cars = problem.info.get("stations")
    rows = []
    for depot, n in sorted(extra.items()):
        if n > 0:
            have = int(cars["cars"].iat[depot]) if cars is not None else 0
            rows.append(
                {"station": str(problem.depots["name"].iat[depot]), "cars": have, "extra": n, "total": have + n}
            )
    log.info(
        "minimum fleet: %d cars added (%s), %d solves",
        sum(extra.values()),
        "complete" if complete else "gave up",
        solves,
    )
    return FleetResult(
        pd.DataFrame(rows, columns=["station", "cars", "extra", "total"]),
        _by_name(current, cur_routes),
        complete,
        solves,
    )
