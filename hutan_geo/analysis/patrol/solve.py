"""PyVRP model building and solving for a :class:`~hutan_geo.analysis.patrol.problem.PatrolProblem`.

One path for every source: the district planner and the Solomon benchmark
both go through :func:`to_data` and :func:`solve_problem`. The problem data is
built directly from the matrices (:class:`pyvrp.ProblemData`), which is the
same data :class:`pyvrp.Model` would build, without a Python loop over edges.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hutan_geo.errors import InputError

if TYPE_CHECKING:
    import pyvrp

    from hutan_geo.analysis.patrol.problem import PatrolProblem

__all__ = ["SolveResult", "feasible_routes", "make_stop", "solution_from_routes", "solve_problem", "to_data"]

log = logging.getLogger("hutan_geo")

#: Progress callback: (iteration, best cost so far or None, elapsed seconds).
Progress = Callable[[int, float | None, float], None]


def _pyvrp() -> Any:
    try:
        import pyvrp
    except ImportError as exc:  # pragma: no cover - a dependency
        msg = "the patrol planner needs PyVRP 0.14: pip install 'pyvrp>=0.14.1,<0.15'"
        raise ImportError(msg) from exc
    return pyvrp


def to_data(problem: PatrolProblem) -> pyvrp.ProblemData:
    """Return the :class:`pyvrp.ProblemData` of ``problem``.

    Depots come first (PyVRP's order), then one client per task in the
    order of ``problem.tasks``; vehicle type ``k`` is row ``k`` of
    ``problem.units``; profile ``p`` is ``problem.duration[p]``.
    """
    pv = _pyvrp()
    loc = problem.locations
    xs = loc["lon"].to_numpy(float) if "lon" in loc else np.zeros(len(loc))
    ys = loc["lat"].to_numpy(float) if "lat" in loc else np.zeros(len(loc))
    names = loc["name"].astype(str).tolist() if "name" in loc else [""] * len(loc)
    locations = [
        pv.Location(x=float(np.nan_to_num(x)), y=float(np.nan_to_num(y)), name=n)
        for x, y, n in zip(xs, ys, names, strict=True)
    ]
    depots = [
        pv.Depot(int(d.loc), tw_early=int(d.tw_early), tw_late=int(d.tw_late), name=str(d.name))
        for d in problem.depots.itertuples(index=False)
    ]
    with_load = bool((problem.tasks["load"] != 0).any() or (problem.units["capacity"] != 0).any())
    clients = [
        pv.Client(
            int(t.loc),
            delivery=[int(t.load)] if with_load else [],
            service_duration=int(t.service),
            tw_early=int(t.tw_early),
            tw_late=int(t.tw_late),
            prize=int(t.prize),
            required=bool(t.required),
            name=str(t.task_id),
        )
        for t in problem.tasks.itertuples(index=False)
    ]
    vtypes = [
        pv.VehicleType(
            num_available=int(u.num),
            capacity=[int(u.capacity) if u.capacity else 2**40] if with_load else [],
            start_depot=int(u.start_depot),
            end_depot=int(u.end_depot),
            tw_early=int(u.tw_early),
            tw_late=int(u.tw_late),
            profile=int(u.profile),
            name=str(u.unit_type),
        )
        for u in problem.units.itertuples(index=False)
    ]
    return pv.ProblemData(locations, clients, depots, vtypes, list(problem.distance), list(problem.duration))


class _Watch:
    """A stopping criterion that reports progress every ``every`` iterations, then asks ``stop``."""

    def __init__(self, stop: Any, progress: Progress, every: int = 100) -> None:
        import time

        self._stop, self._progress, self._every = stop, progress, every
        self._it, self._t0, self._time = 0, time.perf_counter(), time.perf_counter

    def __call__(self, best_cost: float) -> bool:
        self._it += 1
        if self._it % self._every == 0:
            cost = None if not np.isfinite(best_cost) else float(best_cost)
            self._progress(self._it, cost, self._time() - self._t0)
        return bool(self._stop(best_cost))


def make_stop(*, seconds: float | None = None, iterations: int | None = None) -> Any:
    """Return a PyVRP stopping criterion: by iterations (tests, reproducible) or by time (interactive).

    Both given: whichever comes first. Neither: 2000 iterations.

    Raises
    ------
    InputError
        A non-positive limit.
    """
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    crit = []
    if iterations is not None:
        if isinstance(iterations, bool) or int(iterations) < 1:
            msg = f"iterations must be an integer >= 1; got {iterations!r}"
            raise InputError(msg)
        crit.append(MaxIterations(int(iterations)))
    if seconds is not None:
        if not float(seconds) > 0:
            msg = f"seconds must be > 0; got {seconds!r}"
            raise InputError(msg)
        crit.append(MaxRuntime(float(seconds)))
    if not crit:
        crit.append(MaxIterations(2000))
    return crit[0] if len(crit) == 1 else MultipleCriteria(crit)


@dataclass(frozen=True)
class SolveResult:
    """What one solve returned.

    Attributes
    ----------
    routes
        Per used vehicle: ``(unit_type, [task rows in visit order])``; always
        keeping every window and shift (see :func:`feasible_routes`).
    result
        The :class:`pyvrp.Result`.
    data
        The :class:`pyvrp.ProblemData` solved.
    dropped
        Task rows the solver's best solution visited too late (or past the
        shift or capacity), taken off its routes; 0 when it was feasible.
    """

    routes: list[tuple[int, list[int]]]
    result: Any
    data: Any
    dropped: list[int] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        """True when the best solution breaks no window or capacity."""
        return bool(self.result.best.is_feasible())


def solution_from_routes(
    problem: PatrolProblem, routes: Sequence[tuple[int, Sequence[int]]], data: pyvrp.ProblemData | None = None
) -> pyvrp.Solution:
    """Return a :class:`pyvrp.Solution` of ``problem`` from ``(unit_type, [task rows])`` routes (a warm start).

    Routes beyond a unit type's number of units, and tasks repeated, are dropped.
    """
    pv = _pyvrp()
    data = data if data is not None else to_data(problem)
    used: dict[int, int] = {}
    seen: set[int] = set()
    out = []
    n_tasks = len(problem.tasks)
    for vt, visits in routes:
        if not 0 <= vt < len(problem.units) or used.get(vt, 0) >= int(problem.units["num"].iat[vt]):
            continue
        keep = [int(v) for v in visits if 0 <= int(v) < n_tasks and int(v) not in seen]
        if not keep:
            continue
        seen.update(keep)
        used[vt] = used.get(vt, 0) + 1
        out.append(pv.Route(data, keep, vt))
    return pv.Solution(data, out)


def solve_problem(
    problem: PatrolProblem,
    *,
    seconds: float | None = None,
    iterations: int | None = None,
    stop: Any = None,
    seed: int = 1,
    display: bool = False,
    progress: Progress | None = None,
    initial: Sequence[tuple[int, Sequence[int]]] | None = None,
) -> SolveResult:
    """Solve ``problem`` with PyVRP.

    Parameters
    ----------
    problem
        The problem.
    seconds, iterations
        Stop after this time (interactive use) or this many iterations
        (tests: reproducible); see :func:`make_stop`.
    stop
        A ready PyVRP stopping criterion instead of ``seconds``/``iterations``.
    seed
        Random seed: same seed, same iterations, same plan.
    display
        Let PyVRP print its progress table.
    progress
        Called every 100 iterations with (iteration, best cost, seconds).
    initial
        A warm start: ``(unit_type, [task rows])`` routes, e.g. a previous plan's.

    Returns
    -------
    SolveResult
    """
    pv = _pyvrp()
    data = to_data(problem)
    crit = stop if stop is not None else make_stop(seconds=seconds, iterations=iterations)
    if progress is not None:
        crit = _Watch(crit, progress)
    init = solution_from_routes(problem, initial, data) if initial else None
    if len(problem.tasks) == 0:
        return SolveResult([], pv.solve(data, pv.stop.MaxIterations(1), seed=seed, display=False), data)
    result = pv.solve(data, crit, seed=int(seed), display=display, initial_solution=init)
    routes = [
        (int(r.vehicle_type()), [int(a.idx) for a in r.schedule() if a.is_client()]) for r in result.best.routes()
    ]
    feasible = result.best.is_feasible()
    log.info("patrol solve: %d routes, cost %s, feasible %s", len(routes), result.cost(), feasible)
    dropped: list[int] = []
    if not feasible:  # a short budget on a large county can end on an infeasible best: keep what is on time
        routes, dropped = feasible_routes(problem, routes)
        log.info("patrol solve: %d late visits taken off the routes", len(dropped))
    return SolveResult(routes, result, data, dropped)


def feasible_routes(
    problem: PatrolProblem, routes: Sequence[tuple[int, Sequence[int]]]
) -> tuple[list[tuple[int, list[int]]], list[int]]:
    """Take off every visit that breaks its window, the shift or the capacity; return the routes kept and those taken.

    Each route is timed as the plan times it (leave the station as late as
    the first window allows, drive by the unit's matrix, wait for a window to
    open, dwell): the first visit that starts after its window closes is taken
    off and the route timed again; then, while the unit is back after its
    shift or over its capacity, the last visit is taken off. The route is timed
    again after every visit taken off, so what is kept is on time; the visits
    taken off are left for the plan to list as unserved with their reason.

    Examples
    --------
    >>> from hutan_geo.analysis.patrol.problem import problem_from_matrix
    >>> import pandas as pd
    >>> p = problem_from_matrix(
    ...     [[0, 10, 20], [10, 0, 10], [20, 10, 0]], None,
    ...     pd.DataFrame({"task_id": ["a", "b"], "loc": [1, 2], "tw_early": [0, 0], "tw_late": [100, 5],
    ...                   "service": [5, 5]}),
    ...     pd.DataFrame({"unit_type": ["car"], "start_depot": [0], "end_depot": [0], "num": [1],
    ...                   "tw_early": [0], "tw_late": [1000]}),
    ...     pd.DataFrame({"name": ["depot"], "loc": [0], "tw_early": [0], "tw_late": [1000]}))
    >>> feasible_routes(p, [(0, [0, 1])])
    ([(0, [0])], [1])
    """
    tasks = problem.tasks
    early = tasks["tw_early"].to_numpy(np.int64)
    late = tasks["tw_late"].to_numpy(np.int64)
    service = tasks["service"].to_numpy(np.int64)
    loc = tasks["loc"].to_numpy(np.int64)
    load = tasks["load"].to_numpy(np.int64) if "load" in tasks else np.zeros(len(tasks), np.int64)
    depot_loc = problem.depots["loc"].to_numpy(np.int64)
    kept: list[tuple[int, list[int]]] = []
    dropped: list[int] = []
    for vt, visits in routes:
        u = problem.units.iloc[int(vt)]
        dur = problem.duration[int(u.profile)]
        home, back = int(depot_loc[int(u.start_depot)]), int(depot_loc[int(u.end_depot)])
        cap = int(u.capacity) if "capacity" in u and u.capacity else None
        todo = [int(v) for v in visits]
        while todo:
            leave = max(int(u.tw_early), int(early[todo[0]]) - int(dur[home, loc[todo[0]]]))
            prev, late_at = home, None
            for i, t in enumerate(todo):
                start = max(leave + int(dur[prev, loc[t]]), int(early[t]))
                if start > late[t]:
                    late_at = i
                    break
                leave, prev = start + int(service[t]), int(loc[t])
            if late_at is not None:
                dropped.append(todo.pop(late_at))
            elif leave + int(dur[prev, back]) > int(u.tw_late) or (cap is not None and load[todo].sum() > cap):
                dropped.append(todo.pop())
            else:
                break
        if todo:
            kept.append((int(vt), todo))
    return kept, dropped
