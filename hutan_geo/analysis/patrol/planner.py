"""The entry point: :func:`plan_patrols` plans one window or the whole day of a district.

This is what the ``hutan-geo patrol`` command and the pipeline call::

    plan = plan_patrols(district, "arrival", seconds=30, progress=callback)
    plan.routes      # route frame for maps.add_patrol_routes
    plan.unserved    # schools left out, with reasons
    plan.check()     # independent feasibility check
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from hutan_geo._i18n import Lang, check_lang
from hutan_geo.analysis.patrol.build import build_problem, network_for
from hutan_geo.analysis.patrol.params import WINDOWS, PatrolParams
from hutan_geo.analysis.patrol.plan import Plan, make_plan
from hutan_geo.analysis.patrol.reasons import minimum_fleet
from hutan_geo.analysis.patrol.solve import Progress, solve_problem
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    from hutan_geo.analysis.patrol.check import CheckReport
    from hutan_geo.analysis.patrol.problem import PatrolProblem
    from hutan_geo.io.district import District

__all__ = ["DayPlan", "plan_patrols", "solve_plan"]

log = logging.getLogger("hutan_geo")


def solve_plan(
    problem: PatrolProblem,
    *,
    seconds: float | None = None,
    iterations: int | None = None,
    seed: int = 1,
    display: bool = False,
    progress: Progress | None = None,
    fleet: bool = True,
    fleet_iterations: int | None = None,
    initial: list[tuple[int, list[int]]] | None = None,
    lang: Lang = "zh",
) -> Plan:
    """Solve ``problem`` and return its :class:`Plan`, with the minimum fleet when units were short.

    Parameters
    ----------
    problem
        A built problem.
    seconds, iterations
        Stop by time (interactive) or by iterations (reproducible).
    seed
        Random seed.
    display
        PyVRP's own progress table.
    progress
        Called every 100 iterations with (iteration, best cost, seconds).
    fleet
        Search the smallest fleet when a reachable school is left out.
    fleet_iterations
        Iterations per solve of the fleet search (default: ``iterations``,
        or 1000 when solving by time).
    initial
        Warm start routes ``(unit_type, [task rows])``.
    lang
        Label language of the plan.

    Returns
    -------
    Plan
    """
    res = solve_problem(
        problem, seconds=seconds, iterations=iterations, seed=seed, display=display, progress=progress, initial=initial
    )
    plan = make_plan(problem, res.routes, feasible=res.feasible, lang=check_lang(lang), solver=res.result)
    if fleet and (plan.unserved["reason"] == "units").any():
        per = fleet_iterations or iterations or 1000
        solve = functools.partial(solve_problem, iterations=per, seed=seed)
        plan.fleet = minimum_fleet(problem, plan.routes_idx, solve)
    return plan


@dataclass
class DayPlan:
    """The plans of the three windows of a day, with the same units and shifts.

    Attributes
    ----------
    plans
        Window -> :class:`Plan`.
    """

    plans: dict[str, Plan]

    def _cat(self, name: str) -> pd.DataFrame:
        frames = [getattr(p, name).assign(window=w) for w, p in self.plans.items()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @property
    def itinerary(self) -> pd.DataFrame:
        """Itineraries of all windows, with a ``window`` column."""
        return self._cat("itinerary")

    @property
    def unserved(self) -> pd.DataFrame:
        """Unserved schools of all windows."""
        return self._cat("unserved")

    @property
    def routes(self) -> gpd.GeoDataFrame:
        """Route frames of all windows (``window`` column)."""
        return gpd.GeoDataFrame(self._cat("routes"), geometry="geometry", crs=4326)

    @property
    def stops(self) -> gpd.GeoDataFrame:
        """Stop frames of all windows (``window`` column)."""
        return gpd.GeoDataFrame(self._cat("stops"), geometry="geometry", crs=4326)

    def kpis(self) -> pd.DataFrame:
        """One row per window, one column per KPI."""
        return pd.DataFrame({w: p.kpis() for w, p in self.plans.items()}).T

    def check(self, *, raise_on_error: bool = True) -> dict[str, CheckReport]:
        """Check every window's plan (see :meth:`Plan.check`)."""
        return {w: p.check(raise_on_error=raise_on_error) for w, p in self.plans.items()}


def plan_patrols(
    district: District | None = None,
    window: str = "arrival",
    *,
    seconds: float | None = None,
    iterations: int | None = None,
    seed: int = 1,
    display: bool = False,
    progress: Progress | None = None,
    fleet: bool = True,
    fleet_iterations: int | None = None,
    params: PatrolParams | None = None,
    lang: Lang = "zh",
    **build: Any,
) -> Plan | DayPlan:
    """Plan the patrols of a district for one window or the whole day.

    Parameters
    ----------
    district
        A loaded district (or None with plain frames in ``build``).
    window
        ``"arrival"``, ``"noon"``, ``"dismissal"`` or ``"day"`` (the three in turn).
    seconds, iterations
        Solver budget per window: by time (interactive) or iterations (tests).
    seed
        Random seed.
    display, progress
        PyVRP's progress table; a callback (iteration, best cost, seconds).
    fleet, fleet_iterations
        Search the smallest fleet when units are short (see :func:`solve_plan`).
    params
        Planner rules (:class:`PatrolParams`).
    lang
        Label language.
    **build
        Passed to :func:`~hutan_geo.analysis.patrol.build.build_problem`
        (frames, ``network``, ``priority``, ``dwell``, ``gates_chosen``,
        ``clusters``, ``teams``, ``extra_cars``).

    Returns
    -------
    Plan or DayPlan

    Raises
    ------
    InputError
        Bad input (see :func:`~hutan_geo.analysis.patrol.build.build_problem`).
    """
    check_lang(lang)
    windows = WINDOWS if window == "day" else (window,)
    if window != "day" and window not in WINDOWS:
        msg = f"window must be one of {', '.join(WINDOWS)} or 'day'; got {window!r}"
        raise InputError(msg)
    if build.get("network") is None:
        roads = build.pop("roads", None)
        build["network"] = network_for(district, roads=roads)
    if "priority" not in build and district is not None:
        from hutan_geo.analysis.patrol.build import district_frames, risk_priority

        f = district_frames(district)
        build["priority"] = risk_priority(f["hazards"], f["schools"], f["campuses"], f["gates"])
    plans = {}
    for w in windows:
        problem = build_problem(district, w, params=params, **build)
        plans[w] = solve_plan(
            problem,
            seconds=seconds,
            iterations=iterations,
            seed=seed,
            display=display,
            progress=progress,
            fleet=fleet,
            fleet_iterations=fleet_iterations,
            lang=lang,
        )
    return plans[window] if window != "day" else DayPlan(plans)
