"""The end-to-end pipeline: a district in, tables, maps and a GeoPackage out.

Two kinds of functions live here, kept apart:

- functions that compute and **return data** (frames, maps, small frozen
  dataclasses) and write nothing: :func:`open_district`, :func:`run_analysis`,
  :func:`district_tables`, :func:`analysis_tables`, :func:`analysis_map`;
- **steps** that write files: each takes a :class:`Run` (the district, the
  output folder, the language) and returns :class:`Outputs` (what it wrote,
  with a label, and the lines to tell the user). :data:`STEPS` lists them in
  order and :func:`write_outputs` runs them.

A new stage (patrols, coverage, register, meeting packet) is one more
function that returns data plus one more :class:`Step` appended to
:data:`STEPS`; the command line prints whatever the steps return.

Patrols are such a stage: :func:`plan_district_patrols` returns the checked
plan of a window (or the whole day) under a :class:`PatrolBudget`,
:func:`patrol_map` draws it, :func:`write_patrol_plan` writes the duty roster
(Excel, printable HTML), GeoJSON, GPX, KML and the offline map, and the step
:func:`write_patrols` does both for a :class:`Run`. The demo runs
:data:`DEMO_STEPS` (:data:`STEPS` plus the morning patrols at the short,
deterministic budget :data:`DEMO_PATROL`).

The pipeline imports only the public names of the parts below it
(``io``, ``geocode``, ``network``, ``analysis``, ``maps``, ``export``,
``demo``) and is imported only by the command line and notebooks.

Examples
--------
>>> [step.name for step in STEPS]
['tables', 'geopackage', 'overview_map', 'analysis', 'overview_png']
>>> [step.name for step in DEMO_STEPS][-1]
'patrols'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hutan_geo import analysis, demo, export, geocode, io, maps, network
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis import patrol
from hutan_geo.errors import BrowserError, InputError

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from hutan_geo.analysis.patrol import DayPlan, Plan
    from hutan_geo.network import RoadNetwork

__all__ = [
    "DEMO_PATROL",
    "DEMO_STEPS",
    "PATROL_WINDOWS",
    "RESPONSE_LIMITS_S",
    "RESPONSE_PROFILE",
    "RING_DISTANCES_M",
    "STEPS",
    "AnalysisResult",
    "Outputs",
    "PatrolBudget",
    "Run",
    "Step",
    "Table",
    "Validation",
    "Written",
    "analysis_map",
    "analysis_tables",
    "district_tables",
    "open_district",
    "patrol_kpi_lines",
    "patrol_map",
    "plan_district_patrols",
    "run_analysis",
    "validate_file",
    "write_analysis",
    "write_geopackage",
    "write_outputs",
    "write_overview_map",
    "write_overview_png",
    "write_patrol_plan",
    "write_patrols",
    "write_tables",
]

#: The police-station response circles: 1, 3 and 5 minutes, in seconds.
RESPONSE_LIMITS_S: tuple[int, ...] = (60, 180, 300)
#: The travel-time profile of the response circles (morning peak).
RESPONSE_PROFILE = "am_peak"
#: The rings drawn around each campus on the analysis map, in metres.
RING_DISTANCES_M: tuple[float, ...] = (100.0, 200.0)
#: The district layers published as planner tables, in order.
TABLE_LAYERS: tuple[str, ...] = ("schools", "hazards", "stations")
#: Overview map image size in pixels.
PNG_SIZE: tuple[int, int] = (1600, 1000)


class Written(NamedTuple):
    """One file a step wrote: what it is (a label for planners) and where."""

    label: str
    path: Path


class Table(NamedTuple):
    """A table ready to write: its label, its file name and the frame."""

    label: str
    filename: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Outputs:
    """What one step (or the whole pipeline) produced.

    Attributes
    ----------
    written
        The files written, in order, each with its label.
    messages
        Lines that report results (e.g. how many rule violations).
    notes
        Lines printed after the list of files (e.g. why no PNG was made).
    """

    written: tuple[Written, ...] = ()
    messages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __add__(self, other: Outputs) -> Outputs:
        """Concatenate two outputs, keeping the order of each part."""
        return Outputs(self.written + other.written, self.messages + other.messages, self.notes + other.notes)


@dataclass(frozen=True)
class AnalysisResult:
    """The district analysed: hazards placed, rules checked, schools ranked, response areas.

    Attributes
    ----------
    geocoded
        The offline geocoding of the address-only hazards (``results`` is the
        full hazards table, ``review`` the rows still to place).
    sites
        The schools with their campuses and gates, in a metric CRS.
    rules
        The rule check (violations, per-rule summary, skipped hazards).
    risk
        The school risk scores and ranking.
    network
        The road network (None when the district has no roads).
    response_areas
        The stations' 1/3/5-minute response areas (None without roads or stations).
    """

    geocoded: geocode.GeocodeResult
    sites: analysis.SchoolSites
    rules: analysis.RuleCheck
    risk: analysis.RiskScores
    network: RoadNetwork | None
    response_areas: gpd.GeoDataFrame | None

    @property
    def hazards(self) -> gpd.GeoDataFrame:
        """The hazards table after geocoding (rows still without a point included)."""
        return self.geocoded.results

    @property
    def n_placed(self) -> int:
        """How many address-only hazards the offline geocoder placed."""
        results = self.geocoded.results
        return int((results["match_type"] != "given").sum() - len(self.geocoded.review))

    def messages(self, lang: Lang = "zh") -> tuple[str, str]:
        """Return the two report lines: geocoding, then the rule check."""
        return (
            tr("pipeline.geocoded", lang, placed=self.n_placed, review=len(self.geocoded.review)),
            tr(
                "pipeline.rule_check",
                lang,
                violations=len(self.rules.violations),
                skipped=len(self.rules.skipped),
            ),
        )


def open_district(source: str | Path, *, lang: Lang = "zh") -> io.District:
    """Load a district folder, or the bundled demo district when ``source`` is ``"demo"``.

    Parameters
    ----------
    source
        A district folder (see :data:`hutan_geo.io.LAYOUT`) or ``"demo"``.
    lang
        Language of the loaders' messages and review reasons.

    Returns
    -------
    District
        Every validated layer.

    Examples
    --------
    >>> open_district("demo").schools.shape[0]
    60
    """
    check_lang(lang)
    if str(source) == "demo":
        return demo.load_demo(lang=lang)
    return io.load_district(source, lang=lang)


def run_analysis(district: io.District) -> AnalysisResult:
    """Geocode the address-only hazards offline, check the rules, rank the schools, draw response areas.

    Nothing is written. The rule check measures along roads when the district
    has a ``roads`` layer; the response areas need roads and ``stations``.

    Parameters
    ----------
    district
        A loaded district with ``schools`` and ``hazards``.

    Returns
    -------
    AnalysisResult
        Everything the analysis tables and map are made of.

    Examples
    --------
    >>> result = run_analysis(open_district("demo"))
    >>> result.n_placed, len(result.geocoded.review), len(result.rules.violations)
    (48, 21, 55)
    """
    layers = district.layers
    net = network.network_from_roads(layers["roads"]) if "roads" in layers else None
    geocoded = geocode.geocode_hazards(district)  # offline: places what it can, the rest to review
    sites = analysis.SchoolSites.from_district(district)
    rules = analysis.check_rules(geocoded.results, sites, network=net)
    risk = analysis.risk_scores(geocoded.results, sites)
    areas = None
    if net is not None and "stations" in layers:
        areas = network.service_areas(net, layers["stations"], limits_s=RESPONSE_LIMITS_S, profile=RESPONSE_PROFILE)
    return AnalysisResult(geocoded, sites, rules, risk, net, areas)


def district_tables(district: io.District, *, lang: Lang = "zh") -> list[Table]:
    """Return the review table of rejected rows and the planner tables of the valid layers.

    Examples
    --------
    >>> [t.filename for t in district_tables(open_district("demo"), lang="en")]
    ['review.csv', 'schools.csv', 'hazards.csv', 'stations.csv']
    """
    tables = [Table(tr("pipeline.review", lang), tr("pipeline.file.review", lang), district.review_table(lang))]
    for name in TABLE_LAYERS:
        if name in district.layers:
            frame = io.export_frame(district.layers[name], name, lang=lang)
            tables.append(Table(tr("pipeline.valid", lang), tr(f"pipeline.file.{name}", lang), frame))
    return tables


def analysis_tables(result: AnalysisResult, *, lang: Lang = "zh") -> list[Table]:
    """Return the geocoding review, the rule violations and the school risk ranking as planner tables."""
    return [
        Table(tr("pipeline.geocode_review", lang), tr("pipeline.file.geocode_review", lang), result.geocoded.review),
        Table(
            tr("pipeline.violations", lang),
            tr("pipeline.file.violations", lang),
            analysis.export_table(result.rules.violations, lang=lang),
        ),
        Table(
            tr("pipeline.risk", lang),
            tr("pipeline.file.risk", lang),
            analysis.export_table(result.risk.schools.sort_values("rank"), lang=lang),
        ),
    ]


def analysis_map(district: io.District, result: AnalysisResult, *, lang: Lang = "zh") -> folium.Map:
    """Draw the analysis map: roads, townships, schools with 100/200 m rings, response areas, hazards.

    Parameters
    ----------
    district
        The district the analysis was run on.
    result
        From :func:`run_analysis`.
    lang
        Language of the layer names, legend and popups.

    Returns
    -------
    folium.Map
        The map, with legend, controls and layer switcher.
    """
    layers = district.layers
    m = maps.base_map(tuple(layers["district"].total_bounds) if "district" in layers else None, lang=lang)
    if result.network is not None:
        maps.add_roads(layers["roads"], m, lang=lang)
    if "townships" in layers:
        maps.add_boundaries(layers["townships"], m, name=tr("pipeline.townships", lang), colour="#777777", dash="6 4")
    maps.add_schools(layers["schools"], m, campuses=layers.get("campuses"), lang=lang)
    maps.add_rings(layers.get("campuses", layers["schools"]), m, distances_m=RING_DISTANCES_M, lang=lang)
    if result.response_areas is not None:
        maps.add_isochrones(result.response_areas, m, origin_col="source", lang=lang)
        maps.add_stations(layers["stations"], m, lang=lang)
    maps.add_hazards(result.hazards, m, lang=lang)
    maps.add_category_legend(m, lang=lang)
    maps.add_map_controls(m, lang=lang)
    maps.add_layer_control(m, lang=lang)
    return m


@dataclass(frozen=True)
class Run:
    """One run of the pipeline: its input, where it writes, and in which language.

    The analysis is computed the first time a step asks for it
    (:attr:`analysis`) and shared by the steps after it.

    Attributes
    ----------
    district
        The loaded district.
    out
        The output folder (created when missing).
    lang
        Language of file names, headers, labels and messages.
    png
        Whether the overview map is also rendered to PNG (needs Chromium).
    title
        Stem of the GeoPackage file name.
    patrol
        The patrol window and solver budget of :func:`write_patrols`
        (default :data:`DEMO_PATROL`).
    """

    district: io.District
    out: Path
    lang: Lang = "zh"
    png: bool = True
    title: str = "demo"
    patrol: PatrolBudget | None = None

    def __post_init__(self) -> None:
        check_lang(self.lang)
        object.__setattr__(self, "out", Path(self.out))

    @cached_property
    def analysis(self) -> AnalysisResult:
        """The :func:`run_analysis` result, computed once."""
        return run_analysis(self.district)

    def path(self, key: str) -> Path:
        """Return the output path of a file by its label key (``"overview_map"`` → ``out/概览地图.html``)."""
        return self.out / tr(f"pipeline.file.{key}", self.lang)


def _write_tables(out: Path, tables: list[Table]) -> tuple[Written, ...]:
    return tuple(Written(t.label, io.write_table(t.frame, out / t.filename)) for t in tables)


def write_tables(run: Run) -> Outputs:
    """Step: write the review table and the planner tables of schools, hazards and stations."""
    return Outputs(written=_write_tables(run.out, district_tables(run.district, lang=run.lang)))


def write_geopackage(run: Run) -> Outputs:
    """Step: write every layer of the district into ``<title>.gpkg`` (replaced if present)."""
    gpkg = run.out / f"{run.title}.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    for name, layer in run.district.layers.items():
        layer.copy().to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")
    return Outputs(written=(Written(tr("pipeline.gpkg", run.lang), gpkg),))


def write_overview_map(run: Run) -> Outputs:
    """Step: write the overview map as one self-contained offline HTML file."""
    path = run.path("overview_map")
    export.export_html(maps.overview_map(run.district, lang=run.lang), path, offline=True)
    return Outputs(
        written=(Written(tr("pipeline.map", run.lang), path),), notes=(tr("pipeline.offline_note", run.lang),)
    )


def write_analysis(run: Run) -> Outputs:
    """Step: write the geocoding review, violations and risk tables and the offline analysis map."""
    result = run.analysis
    written = _write_tables(run.out, analysis_tables(result, lang=run.lang))
    path = run.path("analysis_map")
    export.export_html(analysis_map(run.district, result, lang=run.lang), path, offline=True)
    written += (Written(tr("pipeline.analysis_map", run.lang), path),)
    return Outputs(written=written, messages=result.messages(run.lang))


def write_overview_png(run: Run) -> Outputs:
    """Step: render the overview map to PNG; without Chromium, a note says why and how to fix it."""
    if not run.png:
        return Outputs()
    html = run.path("overview_map")
    try:
        png = export.export_png(html, html.with_suffix(".png"), width=PNG_SIZE[0], height=PNG_SIZE[1])
    except (ImportError, BrowserError) as exc:
        return Outputs(notes=(tr("pipeline.png_skipped", run.lang, reason=exc),))
    return Outputs(written=(Written(tr("pipeline.png", run.lang), png),))


# -- patrols ----------------------------------------------------------------------------------------------------------

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

    Examples
    --------
    >>> PatrolBudget("am", iterations=500).describe("en").split(";")[0]
    'patrol solve: 500 iterations per window, seed 1 (reproducible)'
    """

    window: str = "am"
    seconds: float | None = None
    iterations: int | None = None
    seed: int = 1

    def __post_init__(self) -> None:
        if self.seconds is None and self.iterations is None:
            object.__setattr__(self, "iterations", 2000)

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


#: The demo's patrols: the morning window, a short fixed iteration budget, a fixed seed (same plan every run).
DEMO_PATROL = PatrolBudget(window="am", iterations=2000, seed=1)


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
    )
    plan.check()
    return plan


def _window_plans(plan: Plan | DayPlan) -> dict[str, Plan]:
    plans = getattr(plan, "plans", None)
    return dict(plans) if plans is not None else {plan.problem.window: plan}


def patrol_kpi_lines(plan: Plan | DayPlan, *, lang: Lang = "zh") -> tuple[str, ...]:
    """Return one line of key figures per window, and where extra cars would come from when units are short."""
    lines = []
    for window, one in _window_plans(plan).items():
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
    m = maps.base_map(tuple(layers["district"].total_bounds) if "district" in layers else None, lang=lang)
    if "roads" in layers:
        maps.add_roads(layers["roads"], m, lang=lang)
    maps.add_schools(layers["schools"], m, lang=lang)
    if "stations" in layers:
        maps.add_stations(layers["stations"], m, lang=lang)
    maps.add_patrol_plan(plan, m, lang=lang)
    maps.add_map_controls(m, lang=lang)
    maps.add_layer_control(m, lang=lang)
    return m


def write_patrol_plan(
    district: io.District,
    plan: Plan | DayPlan,
    out: str | Path,
    *,
    budget: PatrolBudget = DEMO_PATROL,
    lang: Lang = "zh",
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
            export.export_html(patrol_map(district, plan, lang=lang), path("patrol_map"), offline=True),
        ),
    )
    return Outputs(written=written, messages=(budget.describe(lang), *patrol_kpi_lines(plan, lang=lang)))


def write_patrols(run: Run) -> Outputs:
    """Step: plan the patrols of the run's window and budget (default :data:`DEMO_PATROL`) and write them."""
    budget = run.patrol or DEMO_PATROL
    plan = plan_district_patrols(run.district, budget, lang=run.lang)
    return write_patrol_plan(run.district, plan, run.out, budget=budget, lang=run.lang)


class Step(NamedTuple):
    """One named step of the pipeline: a function of the :class:`Run` that writes and reports."""

    name: str
    run: Callable[[Run], Outputs]


#: The steps of :func:`write_outputs`, in order.
STEPS: tuple[Step, ...] = (
    Step("tables", write_tables),
    Step("geopackage", write_geopackage),
    Step("overview_map", write_overview_map),
    Step("analysis", write_analysis),
    Step("overview_png", write_overview_png),
)

#: The steps of ``hutan-geo demo``: :data:`STEPS`, then the morning patrols at :data:`DEMO_PATROL`.
DEMO_STEPS: tuple[Step, ...] = (*STEPS, Step("patrols", write_patrols))


def write_outputs(
    district: io.District,
    out: str | Path,
    *,
    lang: Lang = "zh",
    png: bool = True,
    title: str = "demo",
    steps: tuple[Step, ...] = STEPS,
) -> Outputs:
    """Run the steps on a district and write their files into ``out``.

    Parameters
    ----------
    district, out, lang, png, title
        As the attributes of :class:`Run` (without Chromium, ``png=True``
        gives a note instead of the image).
    steps
        The steps to run, in order (default :data:`STEPS`).

    Returns
    -------
    Outputs
        Every file written with its label, the report lines and the notes.

    Raises
    ------
    AssetError
        The offline map assets are not installed (``hutan-geo assets``).
    """
    run = Run(district, Path(out), lang=lang, png=png, title=title)
    run.out.mkdir(parents=True, exist_ok=True)
    outputs = Outputs()
    for step in steps:
        outputs += step.run(run)
    return outputs


@dataclass(frozen=True)
class Validation:
    """A validated file: the loader's result and the two tables written."""

    result: io.LoadResult
    written: tuple[Written, ...]


def validate_file(
    path: str | Path, kind: str, *, out: str | Path | None = None, lang: Lang = "zh", **options: Any
) -> Validation:
    """Load and validate one file; write its valid rows (planner headers) and its review table.

    Parameters
    ----------
    path
        The file (CSV, XLSX, GeoJSON, GeoPackage, Shapefile).
    kind
        Its dataset kind (``"schools"``, ``"hazards"`` …).
    out
        The output folder (default: beside the file). Files are named
        ``<stem>_有效.csv`` and ``<stem>_待复核.csv`` (``_valid`` / ``_review`` in English).
    lang
        Language of headers, labels and reasons.
    **options
        Passed to :func:`hutan_geo.io.load` (``datum``, ``allow_swap``, ``sheet`` …).

    Returns
    -------
    Validation
        The load result and the files written (valid rows first, then the review table).
    """
    check_lang(lang)
    result = io.load(path, kind, lang=lang, **options)
    folder = Path(out) if out else Path(path).parent
    stem = Path(path).stem
    review = io.write_table(result.rejected, folder / f"{stem}_{tr('pipeline.file.review_suffix', lang)}.csv")
    table = io.export_frame(result.valid, kind, lang=lang)
    valid = io.write_table(table, folder / f"{stem}_{tr('pipeline.file.valid_suffix', lang)}.csv")
    return Validation(
        result, (Written(tr("pipeline.valid", lang), valid), Written(tr("pipeline.review", lang), review))
    )
