"""Peak-hour patrol planning: PyVRP plans per window, itineraries, reasons, minimum fleet, exports.

The layers, bottom up: :mod:`~.params` (rules), :mod:`~.problem` (the
problem in plain matrices, also for non-district sources),
:mod:`~.build` (a District or plain frames -> problem), :mod:`~.solve`
(PyVRP), :mod:`~.plan` (itineraries, frames, KPIs), :mod:`~.reasons`
(unserved reasons, minimum fleet), :mod:`~.check` (independent check),
:mod:`~.replan`, :mod:`~.export`; :func:`plan_patrols` ties them together.
"""

from hutan_geo.analysis.patrol.build import build_problem, network_for, risk_priority
from hutan_geo.analysis.patrol.check import CheckReport, check_itinerary
from hutan_geo.analysis.patrol.export import (
    roster_html,
    roster_tables,
    write_geojson,
    write_gpx,
    write_kml,
    write_roster_excel,
    write_roster_html,
)
from hutan_geo.analysis.patrol.params import DEFAULT_PROFILES, DEFAULT_SHIFTS, WINDOWS, PatrolParams
from hutan_geo.analysis.patrol.plan import Plan, make_plan
from hutan_geo.analysis.patrol.planner import DayPlan, plan_patrols, solve_plan
from hutan_geo.analysis.patrol.problem import UNREACHABLE, PatrolProblem, problem_from_matrix
from hutan_geo.analysis.patrol.reasons import FleetResult, alone_earliest, minimum_fleet, reachable_alone
from hutan_geo.analysis.patrol.solve import (
    SolveResult,
    feasible_routes,
    make_stop,
    solution_from_routes,
    solve_problem,
    to_data,
)
from hutan_geo.errors import InfeasiblePlanError

__all__ = [
    "DEFAULT_PROFILES",
    "DEFAULT_SHIFTS",
    "UNREACHABLE",
    "WINDOWS",
    "CheckReport",
    "DayPlan",
    "FleetResult",
    "InfeasiblePlanError",
    "PatrolParams",
    "PatrolProblem",
    "Plan",
    "SolveResult",
    "alone_earliest",
    "build_problem",
    "check_itinerary",
    "feasible_routes",
    "make_plan",
    "make_stop",
    "minimum_fleet",
    "network_for",
    "plan_patrols",
    "problem_from_matrix",
    "reachable_alone",
    "risk_priority",
    "roster_html",
    "roster_tables",
    "solution_from_routes",
    "solve_plan",
    "solve_problem",
    "to_data",
    "write_geojson",
    "write_gpx",
    "write_kml",
    "write_roster_excel",
    "write_roster_html",
]
