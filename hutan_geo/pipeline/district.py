"""The district steps: load, analyse (geocoding, rules, risk, response areas), tables, maps, GeoPackage, PNG.

Functions that return data (:func:`open_district`, :func:`run_analysis`,
:func:`district_tables`, :func:`analysis_tables`, :func:`analysis_map`), the
:class:`Run` the steps share, and the steps that write files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hutan_geo import analysis, demo, export, geocode, io, maps, network
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.pipeline.coverage import CoverageResult, coverage_for_district
from hutan_geo.pipeline.outputs import (
    PNG_SIZE,
    Heading,
    Outputs,
    Table,
    Written,
    district_map,
    finish_map,
    map_png,
    titled,
    write_table_files,
)
from hutan_geo.pipeline.patrols import DEMO_PATROL, PatrolBudget, plan_district_patrols

if TYPE_CHECKING:
    from collections.abc import Callable

    import folium
    import geopandas as gpd

    from hutan_geo.analysis.patrol import DayPlan, Plan
    from hutan_geo.network import RoadNetwork

__all__ = [
    "PNG_SIZE",
    "RESPONSE_LIMITS_S",
    "RESPONSE_PROFILE",
    "RING_DISTANCES_M",
    "TABLE_LAYERS",
    "AnalysisResult",
    "Run",
    "Validation",
    "analysis_map",
    "analysis_tables",
    "district_tables",
    "open_district",
    "run_analysis",
    "validate_file",
    "write_analysis",
    "write_geopackage",
    "write_overview_map",
    "write_overview_png",
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
    m = district_map(district, lang=lang, roads=result.network is not None)
    if "townships" in layers:
        maps.add_boundaries(layers["townships"], m, name=tr("pipeline.townships", lang), colour="#777777", dash="6 4")
    maps.add_schools(layers["schools"], m, campuses=layers.get("campuses"), lang=lang)
    maps.add_rings(layers.get("campuses", layers["schools"]), m, distances_m=RING_DISTANCES_M, lang=lang)
    if result.response_areas is not None:
        maps.add_isochrones(result.response_areas, m, origin_col="source", lang=lang)
        maps.add_stations(layers["stations"], m, lang=lang)
    maps.add_hazards(result.hazards, m, lang=lang)
    maps.add_category_legend(m, lang=lang)
    return finish_map(m, lang=lang)


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
    heading
        The title block put on every map the steps write (None: no title block).
    progress
        Called while the patrols are solved with (iteration, best cost, elapsed seconds).
    """

    district: io.District
    out: Path
    lang: Lang = "zh"
    png: bool = True
    title: str = "demo"
    patrol: PatrolBudget | None = None
    heading: Heading | None = None
    progress: Callable[[int, float | None, float], None] | None = field(default=None, compare=False, repr=False)
    _plans: dict[str, Plan | DayPlan] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_lang(self.lang)
        object.__setattr__(self, "out", Path(self.out))

    def at(self, out: str | Path, *, heading: Heading | None = None) -> Run:
        """Return the same run writing into ``out`` (with ``heading`` when given), sharing what is computed.

        The analysis, the patrol plans and the coverage already computed are
        not computed again by the new run, nor the other way round for the plans.
        """
        new = dataclasses.replace(self, out=Path(out), heading=heading or self.heading)
        for key in ("analysis", "patrol_budget", "patrol_plan", "coverage"):
            if key in self.__dict__:
                new.__dict__[key] = self.__dict__[key]
        return new

    @cached_property
    def analysis(self) -> AnalysisResult:
        """The :func:`run_analysis` result, computed once."""
        return run_analysis(self.district)

    @cached_property
    def patrol_budget(self) -> PatrolBudget:
        """The patrol window and budget of the run (:attr:`patrol`, default :data:`DEMO_PATROL`)."""
        return self.patrol or DEMO_PATROL

    @cached_property
    def patrol_plan(self) -> Plan | DayPlan:
        """The checked patrol plan of :attr:`patrol_budget`, planned once, shared by the patrol and coverage steps."""
        return plan_district_patrols(self.district, self.patrol_budget, progress=self.progress, lang=self.lang)

    def plan_for(self, window: str) -> Plan | DayPlan:
        """Return the checked plan of ``window`` at the run's budget, planned once (:attr:`patrol_plan` reused)."""
        if window == self.patrol_budget.window:
            return self.patrol_plan
        if window not in self._plans:
            budget = dataclasses.replace(self.patrol_budget, window=window)
            self._plans[window] = plan_district_patrols(self.district, budget, progress=self.progress, lang=self.lang)
        return self._plans[window]

    @cached_property
    def coverage(self) -> CoverageResult:
        """The coverage of :attr:`patrol_plan` (one window), computed once."""
        return coverage_for_district(self.district, self.patrol_plan, lang=self.lang)

    def titled(self, m: folium.Map, key: str, **fields: Any) -> folium.Map:
        """Put the run's title block on ``m``, titled by label ``pipeline.title.<key>``; return ``m``."""
        return titled(m, self.heading, tr(f"pipeline.title.{key}", self.lang, **fields), self.lang)

    def path(self, key: str) -> Path:
        """Return the output path of a file by its label key (``"overview_map"`` → ``out/概览地图.html``)."""
        return self.out / tr(f"pipeline.file.{key}", self.lang)


def write_tables(run: Run) -> Outputs:
    """Step: write the review table and the planner tables of schools, hazards and stations."""
    return Outputs(written=write_table_files(run.out, district_tables(run.district, lang=run.lang)))


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
    m = maps.overview_map(run.district, hazards=run.analysis.hazards, lang=run.lang)  # after geocoding
    export.export_html(run.titled(m, "overview"), path, offline=True)
    return Outputs(
        written=(Written(tr("pipeline.map", run.lang), path),), notes=(tr("pipeline.offline_note", run.lang),)
    )


def write_analysis(run: Run) -> Outputs:
    """Step: write the geocoding review, violations and risk tables and the offline analysis map."""
    result = run.analysis
    written = write_table_files(run.out, analysis_tables(result, lang=run.lang))
    path = run.path("analysis_map")
    export.export_html(run.titled(analysis_map(run.district, result, lang=run.lang), "analysis"), path, offline=True)
    written += (Written(tr("pipeline.analysis_map", run.lang), path),)
    return Outputs(written=written, messages=result.messages(run.lang))


def write_overview_png(run: Run) -> Outputs:
    """Step: render the overview map to PNG; without Chromium, a note says why and how to fix it."""
    if not run.png:
        return Outputs()
    return map_png(run.path("overview_map"), tr("pipeline.png", run.lang), run.lang)


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
