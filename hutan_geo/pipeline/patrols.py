"""The patrol steps: plan a window (or the day) under a :class:`PatrolBudget`, draw it, write the duty roster."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hutan_geo import export, io, maps
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis import patrol
from hutan_geo.errors import InputError
from hutan_geo.pipeline.outputs import Heading, Outputs, Written, district_map, finish_map, titled

if TYPE_CHECKING:
    from collections.abc import Callable

    import folium

    from hutan_geo.analysis.patrol import DayPlan, Plan
    from hutan_geo.pipeline.district import Run

__all__ = [
    "DEMO_PATROL",
    "PATROL_WINDOWS",
    "PatrolBudget",
    "patrol_kpi_lines",
    "patrol_map",
    "plan_district_patrols",
    "window_plans",
    "write_patrol_plan",
    "write_patrols",
]

#: Patrol windows by their command-line name (``am``, ``noon``, ``pm``, ``day``) or the planner's own.
PATROL_WINDOWS: dict[str, str] = {
    "am": "arrival",
    "noon": "noon",
    "pm": "dismissal",
    "day": "day",
    "arrival": "arrival",
    "dismissal": "dismissal",
}


@dataclass(frozen=True)
class PatrolBudget:
    """Which patrol window to plan and how long to search.

    Attributes
    ----------
    window
        ``"am"`` (arrival), ``"noon"``, ``"pm"`` (dismissal) or ``"day"``
        (the three in turn, same units and shifts); the planner's names
        ``"arrival"`` and ``"dismissal"`` are accepted too.
    seconds
        Stop each window's search after this time (interactive use).
    iterations
        Stop after this many iterations (reproducible); 2000 when neither is given.
    seed
        Random seed: same seed and iterations, same plan.
    clusters
        How many hazard clusters (DBSCAN on the open hazards, the largest
        first) are offered to the units as optional stops on the way, each
        worth a detour in proportion to its open hazards; 0 for none.

    Examples
    --------
    >>> PatrolBudget("am", iterations=500).describe("en").split(";")[0]
    'patrol solve: 500 iterations per window, seed 1 (reproducible)'
    """

    window: str = "am"
    seconds: float | None = None
    iterations: int | None = None
    seed: int = 1
    clusters: int = 0

    def __post_init__(self) -> None:
        if self.seconds is None and self.iterations is None:
            object.__setattr__(self, "iterations", 2000)
        if isinstance(self.clusters, bool) or not isinstance(self.clusters, int) or self.clusters < 0:
            msg = f"clusters must be a whole number >= 0 (hazard clusters offered as stops); got {self.clusters!r}"
            raise InputError(msg)

    def planner_window(self, lang: Lang = "zh") -> str:
        """Return the planner's name of the window (``"arrival"`` for ``"am"``).

        Raises
        ------
        InputError
            An unknown window.
        """
        if self.window not in PATROL_WINDOWS:
            raise InputError(tr("pipeline.patrol_window", lang, window=self.window))
        return PATROL_WINDOWS[self.window]

    def describe(self, lang: Lang = "zh") -> str:
        """Return the line that states the budget (and that the plan was checked)."""
        if self.seconds is not None and self.iterations is None:
            return tr("pipeline.patrol_budget_seconds", lang, seconds=self.seconds, seed=self.seed)
        return tr("pipeline.patrol_budget_iterations", lang, iterations=self.iterations, seed=self.seed)


#: The demo's patrols: the morning window, a short fixed iteration budget, a fixed seed (same plan every run),
#: and the five largest hazard clusters offered as stops on the way.
DEMO_PATROL = PatrolBudget(window="am", iterations=2000, seed=1, clusters=5)


def plan_district_patrols(
    district: io.District,
    budget: PatrolBudget = DEMO_PATROL,
    *,
    progress: Callable[[int, float | None, float], None] | None = None,
    lang: Lang = "zh",
) -> Plan | DayPlan:
    """Plan the patrols of a district for one window or the whole day, and check the plan independently.

    Parameters
    ----------
    district
        A loaded district with schools, gates, stations (``patrol_cars``),
        guard posts and roads.
    budget
        Window, time or iteration budget and seed.
    progress
        Called while solving with (iteration, best cost, elapsed seconds).
    lang
        Language of labels and reasons.

    Returns
    -------
    Plan or DayPlan
        The plan of :func:`hutan_geo.analysis.patrol.plan_patrols`, already
        checked (every arrival recomputed from the matrix).

    Raises
    ------
    InputError
        Bad input (a window that ends before it starts, a station off the
        network, no units …): the message names the school or station and the fix.
    InfeasiblePlanError
        The independent check found a violation.
    """
    check_lang(lang)
    plan = patrol.plan_patrols(
        district,
        budget.planner_window(lang),
        seconds=budget.seconds,
        iterations=budget.iterations,
        seed=budget.seed,
        progress=progress,
        lang=lang,
        clusters=budget.clusters or None,
    )
    plan.check()
    return plan


def window_plans(plan: Plan | DayPlan) -> dict[str, Plan]:
    """Return the plans by window: those of a day plan, or the one window of a plan."""
    plans = getattr(plan, "plans", None)
    return dict(plans) if plans is not None else {plan.problem.window: plan}


def patrol_kpi_lines(plan: Plan | DayPlan, *, lang: Lang = "zh") -> tuple[str, ...]:
    """Return one line of key figures per window, and where extra cars would come from when units are short."""
    lines = []
    for window, one in window_plans(plan).items():
        lines.append(tr("pipeline.patrol_kpis", lang, window=tr(f"patrol.window.{window}", lang), **one.kpis()))
        if one.fleet is not None and one.fleet.n_extra:
            extra = one.fleet.extra
            where = ("、" if lang == "zh" else ", ").join(
                f"{r.station} +{int(r.extra)}" for r in extra.itertuples(index=False) if r.extra
            )
            lines.append(tr("pipeline.patrol_fleet", lang, extra=one.fleet.n_extra, where=where))
    return tuple(lines)


def patrol_map(district: io.District, plan: Plan | DayPlan, *, lang: Lang = "zh") -> folium.Map:
    """Draw the plan over the district: roads, schools, stations, the routes with numbered stops, unserved schools."""
    layers = district.layers
    m = district_map(district, lang=lang)
    maps.add_schools(layers["schools"], m, lang=lang)
    if "stations" in layers:
        maps.add_stations(layers["stations"], m, lang=lang)
    maps.add_patrol_plan(plan, m, lang=lang)
    return finish_map(m, lang=lang)


def write_patrol_plan(
    district: io.District,
    plan: Plan | DayPlan,
    out: str | Path,
    *,
    budget: PatrolBudget = DEMO_PATROL,
    lang: Lang = "zh",
    heading: Heading | None = None,
) -> Outputs:
    """Write a plan: duty roster 巡逻勤务表 (.xlsx, .html), routes as GeoJSON, GPX and KML, the offline map.

    Parameters
    ----------
    district
        The district the plan was made for (the map's background).
    plan
        From :func:`plan_district_patrols`.
    out
        The output folder (created when missing).
    budget
        The budget the plan was made with (stated in the messages).
    lang
        Language of file names, headers and labels.
    heading
        The title block of the map (None: none).

    Returns
    -------
    Outputs
        The files, the budget line and one line of key figures per window.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    def path(key: str) -> Path:
        return out / tr(f"pipeline.file.{key}", lang)

    written = (
        Written(tr("pipeline.roster_xlsx", lang), patrol.write_roster_excel(plan, path("roster_xlsx"), lang=lang)),
        Written(tr("pipeline.roster_html", lang), patrol.write_roster_html(plan, path("roster_html"), lang=lang)),
        Written(tr("pipeline.patrol_geojson", lang), patrol.write_geojson(plan, path("patrol_geojson"))),
        Written(tr("pipeline.patrol_gpx", lang), patrol.write_gpx(plan, path("patrol_gpx"))),
        Written(tr("pipeline.patrol_kml", lang), patrol.write_kml(plan, path("patrol_kml"))),
        Written(
            tr("pipeline.patrol_map", lang),
            export.export_html(
                titled(patrol_map(district, plan, lang=lang), heading, _plan_title(plan, lang), lang),
                path("patrol_map"),
                offline=True,
            ),
        ),
    )
    return Outputs(written=written, messages=(budget.describe(lang), *patrol_kpi_lines(plan, lang=lang)))


def _plan_title(plan: Plan | DayPlan, lang: Lang) -> str:
    """Return the title of a plan's map: the patrol routes and the plan's windows."""
    names = ("、" if lang == "zh" else ", ").join(tr(f"patrol.window.{w}", lang) for w in window_plans(plan))
    return tr("pipeline.title.patrol", lang, window=names)


def write_patrols(run: Run) -> Outputs:
    """Step: write the run's patrol plan (:attr:`Run.patrol_plan`, planned once) at its budget."""
    return write_patrol_plan(
        run.district, run.patrol_plan, run.out, budget=run.patrol_budget, lang=run.lang, heading=run.heading
    )
