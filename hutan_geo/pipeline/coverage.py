"""The coverage step: who is covered when, response bands, minute by minute, and where guard posts help most.

:func:`coverage_for_district` returns the four analyses of one window of a
patrol plan (:class:`CoverageResult`); :func:`coverage_map` draws them;
:func:`write_coverage_report` writes the tables 覆盖情况.xlsx (one sheet per
table), the unit timeline and minute-by-minute charts (PNG) and the offline
map 覆盖分析.html; the step :func:`write_coverage` does both for a
:class:`~hutan_geo.pipeline.district.Run`, reusing its patrol plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hutan_geo import analysis, export, io, maps
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis import patrol
from hutan_geo.errors import InputError
from hutan_geo.model import clock
from hutan_geo.pipeline.outputs import Heading, Outputs, Written, district_map, finish_map, titled
from hutan_geo.pipeline.patrols import DEMO_PATROL, PATROL_WINDOWS, PatrolBudget, plan_district_patrols, window_plans

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import folium
    import pandas as pd

    from hutan_geo.analysis.patrol import DayPlan, Plan
    from hutan_geo.pipeline.district import Run

__all__ = [
    "COVERAGE_LIMITS_MIN",
    "CoverageResult",
    "coverage_for_district",
    "coverage_map",
    "write_coverage",
    "write_coverage_report",
]

#: The response bands of the coverage step, in minutes; the middle one is the moving and siting limit.
COVERAGE_LIMITS_MIN: tuple[float, ...] = (1.0, 3.0, 5.0)


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """The coverage of one window of a patrol plan.

    Attributes
    ----------
    window
        The planner's window name (``"arrival"``, ``"noon"``, ``"dismissal"``).
    plan
        The plan of that window.
    patrol
        Who is covered by a post, a car, or nobody (:func:`~hutan_geo.analysis.patrol_coverage`).
    response
        Static response bands from stations and the window's guard posts
        (:func:`~hutan_geo.analysis.response_coverage`).
    moving
        Minute by minute from where the units are (:func:`~hutan_geo.analysis.moving_coverage`).
    siting
        Current posts against the optimum, and the gain of each added post
        (:func:`~hutan_geo.analysis.site_guard_posts`).
    limit_min
        The limit of the moving coverage and the siting (the middle band).
    lang
        Label language.
    """

    window: str
    plan: Plan
    patrol: analysis.PatrolCoverage
    response: analysis.ResponseCoverage
    moving: analysis.MovingCoverage
    siting: analysis.Siting
    limit_min: float
    lang: Lang = "zh"

    def headline(self, lang: Lang | None = None) -> tuple[str, ...]:
        """Return the report lines: patrol coverage, response bands, the worst minute, posts against the optimum."""
        lang = check_lang(lang or self.lang)
        win = tr(f"patrol.window.{self.window}", lang)
        s = self.patrol.shares().iloc[0]
        n = self.patrol.schools["status"].value_counts()
        lines = [
            tr(
                "pipeline.cov.patrol",
                lang,
                window=win,
                n=int(s["n_schools"]),
                post=int(n.get("post", 0)),
                car=int(n.get("car", 0)),
                none=int(n.get("none", 0)),
                share=float(s["share"]),
                students=_number(s["share_students"]),
            )
        ]
        sep = "；" if lang == "zh" else "; "
        bands = [
            tr("pipeline.cov.band", lang, m=r.band_min, n=r.n_within, share=r.share, students=_number(r.share_students))
            for r in self.response.summary.itertuples(index=False)
        ]
        bands.append(tr("pipeline.cov.outside", lang, m=self.response.bands_min[-1], n=len(self.response.outside)))
        lines.append(tr("pipeline.cov.bands", lang, window=win, bands=sep.join(bands)))
        worst = self.moving.minutes.loc[self.moving.minutes["minute"] == self.moving.worst_minute].iloc[0]
        lines.append(
            tr(
                "pipeline.cov.moving",
                lang,
                m=self.moving.limit_min,
                clock=worst["clock"],
                share=float(worst["share"]),
                n=len(self.moving.uncovered),
            )
        )
        lines += self._siting_lines(lang)
        return tuple(lines)

    def _siting_lines(self, lang: Lang) -> list[str]:
        s = self.siting
        current = s.current
        line = tr(
            "pipeline.cov.siting",
            lang,
            m=self.limit_min,
            current=current.n_sites if current else 0,
            current_share=_number(current.share) if current else 0.0,
            p=s.mclp.n_sites,
            best_share=_number(s.mclp.share),
            lscp=s.lscp.n_sites,
        )
        gains = s.gains["share"].diff().iloc[1:].dropna()  # what each added post adds to the share
        if not len(gains):
            return [line]
        text = ("、" if lang == "zh" else ", ").join(f"+{v:.1%}" for v in gains)
        return [line, tr("pipeline.cov.gains", lang, gains=text)]

    def tables(self, lang: Lang | None = None) -> dict[str, pd.DataFrame]:
        """Return the planner tables by sheet name (headers in ``lang``), in the order of the workbook."""
        lang = check_lang(lang or self.lang)

        def sheet(key: str) -> str:
            return tr(f"pipeline.cov.sheet.{key}", lang)

        out = {sheet("patrol"): self.patrol.table(lang)}
        for by in ("township", "precinct", "level"):
            out[sheet(by)] = self.patrol.share_table(by, lang)
        clusters = self.patrol.clusters.assign(
            window=[tr(f"patrol.window.{w}", lang) for w in self.patrol.clusters["window"]],
            first_pass=[clock(v) if np.isfinite(v) else "" for v in self.patrol.clusters["first_pass"].astype(float)],
        )
        out[sheet("clusters")] = _labelled(
            clusters,
            {
                "name": "cov.col.cluster",
                "window": "cov.col.window",
                "passes": "cov.col.passes",
                "units": "cov.col.unit",
                "first_pass": "pipeline.cov.col.first_pass",
            },
            lang,
        )
        summary = self.response.summary.assign(
            share=(self.response.summary["share"] * 100).round(1),
            share_students=(self.response.summary["share_students"] * 100).round(1),
        )
        out[sheet("bands")] = _labelled(
            summary,
            {
                "band_min": "pipeline.cov.col.band_min",
                "n_within": "pipeline.cov.col.n_within",
                "share": "cov.col.share",
                "students_within": "pipeline.cov.col.students_within",
                "share_students": "cov.col.share_students",
            },
            lang,
        )
        out[sheet("response")] = self.response.table(lang)
        minutes = self.moving.minutes.assign(share=(self.moving.minutes["share"] * 100).round(1))
        out[sheet("minutes")] = _labelled(
            minutes,
            {
                "clock": "pipeline.cov.col.clock",
                "n_within": "pipeline.cov.col.n_within",
                "n_schools": "cov.col.n_schools",
                "share": "cov.col.share",
            },
            lang,
        )
        out[sheet("worst")] = _labelled(
            self.moving.uncovered,
            {"school_id": "cov.col.school_id", "name": "cov.col.name", "time_min": "cov.col.time_min"},
            lang,
        )
        out.update(self._siting_tables(lang, sheet))
        return out

    def _siting_tables(self, lang: Lang, sheet) -> dict[str, pd.DataFrame]:
        comp = self.siting.comparison()
        comp = comp.assign(
            model=[tr(f"pipeline.cov.model.{m}", lang) for m in comp["model"]], share=(comp["share"] * 100).round(1)
        )
        gains = self.siting.gains.assign(share=(self.siting.gains["share"] * 100).round(1))
        sites = self.siting.sites
        chosen = sites[sites["current"] | sites["lscp"] | sites["mclp"]]
        chosen = chosen.assign(**{c: io.yes_no(chosen[c], lang) for c in ("current", "lscp", "mclp")})
        return {
            sheet("siting"): _labelled(
                comp,
                {
                    "model": "pipeline.cov.col.model",
                    "posts": "pipeline.cov.col.posts",
                    "gates_covered": "pipeline.cov.col.gates_covered",
                    "weight": "pipeline.cov.col.weight",
                    "share": "pipeline.cov.col.weight_share",
                },
                lang,
            ),
            sheet("gains"): _labelled(
                gains,
                {
                    "added": "pipeline.cov.col.added",
                    "sites": "pipeline.cov.col.posts",
                    "weight": "pipeline.cov.col.weight",
                    "share": "pipeline.cov.col.weight_share",
                    "gain": "pipeline.cov.col.gain",
                },
                lang,
            ),
            sheet("sites"): _labelled(
                chosen,
                {
                    "site_id": "pipeline.cov.col.site_id",
                    "name": "pipeline.cov.col.site_name",
                    "kind_text": "pipeline.cov.col.kind",
                    "current": "pipeline.cov.col.current",
                    "lscp": "LSCP",
                    "mclp": "MCLP",
                },
                lang,
            ),
        }


def _number(value: object) -> float:
    """Return a share as a float, 0 when missing (no students, no weight)."""
    v = float(value)  # type: ignore[arg-type]
    return v if np.isfinite(v) else 0.0


def _labelled(frame: pd.DataFrame, columns: Mapping[str, str], lang: Lang) -> pd.DataFrame:
    """Return the ``columns`` of ``frame`` renamed to their labels (a key that is no label stays as it is)."""
    keep = [c for c in columns if c in frame.columns]
    names = {c: tr(columns[c], lang) if "." in columns[c] else columns[c] for c in keep}
    return io.plain_frame(frame)[keep].rename(columns=names)


def _limits(limits_min: Iterable[float], lang: Lang) -> tuple[float, ...]:
    try:
        limits = tuple(sorted({float(v) for v in limits_min}))
    except (TypeError, ValueError):
        limits = ()
    if not limits or limits[0] <= 0 or not np.isfinite(limits[-1]):
        raise InputError(tr("pipeline.cov.limits", lang, limits=list(limits_min)))
    return limits


def _one_window(plan: Plan | DayPlan, window: str | None, lang: Lang) -> Plan:
    """Return the plan of ``window`` (command-line or planner name; default a day plan's first window)."""
    plans = window_plans(plan)
    if window is None:
        return next(iter(plans.values()))
    name = PATROL_WINDOWS.get(window, window)
    if name not in plans:
        raise InputError(tr("pipeline.patrol_window", lang, window=window))
    return plans[name]


def coverage_for_district(
    district: io.District,
    plan: Plan | DayPlan | None = None,
    *,
    budget: PatrolBudget = DEMO_PATROL,
    window: str | None = None,
    limits_min: Iterable[float] = COVERAGE_LIMITS_MIN,
    posts: int | None = None,
    lang: Lang = "zh",
) -> CoverageResult:
    """Compute the coverage of one window: patrol coverage, response bands, minute by minute, guard-post siting.

    Parameters
    ----------
    district
        A loaded district (schools, gates, stations, guard posts, roads).
    plan
        A patrol plan (:func:`~hutan_geo.pipeline.plan_district_patrols`);
        planned with ``budget`` when None.
    budget
        The patrol budget used when no plan is given.
    window
        The window of a day plan (``am``, ``noon``, ``pm`` or the planner's
        name; default the plan's first window).
    limits_min
        The response bands in minutes; the middle one is the limit of the
        minute-by-minute coverage and of the guard-post siting.
    posts
        Posts for the optimum layout (MCLP; default as many as the current posts).
    lang
        Language of labels.

    Returns
    -------
    CoverageResult

    Raises
    ------
    InputError
        Bad limits, an unknown window, a district without roads or schools,
        more posts than candidate sites …: one message with the fix.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> d = open_district("demo")
    >>> res = coverage_for_district(d, budget=PatrolBudget("am", iterations=100))
    >>> res.window, res.limit_min, len(res.patrol.schools)
    ('arrival', 3.0, 60)
    """
    check_lang(lang)
    limits = _limits(limits_min, lang)
    if plan is None:
        plan = plan_district_patrols(district, budget, lang=lang)
    one = _one_window(plan, window, lang)
    name = one.problem.window
    layers = district.layers
    schools, gates = layers["schools"], layers.get("gates")
    net = one.problem.network if one.problem.network is not None else patrol.network_for(district)
    profile = patrol.DEFAULT_PROFILES.get(name, "am_peak")
    limit = limits[len(limits) // 2]
    sources = analysis.response_sources(layers.get("stations"), layers.get("guard_posts"), window=name)
    staffed = sources[sources["kind"] == "post"]
    return CoverageResult(
        window=name,
        plan=one,
        patrol=analysis.patrol_coverage(one, schools, gates=gates, lang=lang),
        response=analysis.response_coverage(
            net, sources, schools, gates=gates, window=name, bands_min=limits, lang=lang
        ),
        moving=analysis.moving_coverage(
            one, schools, gates=gates, posts=staffed if len(staffed) else None, limit_min=limit, lang=lang
        ),
        siting=analysis.site_guard_posts(
            net,
            gates if gates is not None and len(gates) else schools,
            schools=schools,
            posts=staffed if len(staffed) else None,
            limit_min=limit,
            p=posts,
            profile=profile,
            uncoverable="skip",
            lang=lang,
        ),
        limit_min=limit,
        lang=lang,
    )


def coverage_map(district: io.District, result: CoverageResult, *, lang: Lang = "zh") -> folium.Map:
    """Draw the four coverage layers over the district: response bands, patrol coverage, worst-minute gaps, siting."""
    layers = district.layers
    m = district_map(district, lang=lang)
    if "stations" in layers:
        maps.add_stations(layers["stations"], m, lang=lang)
    maps.add_response_coverage(result.response, m, lang=lang)
    maps.add_patrol_coverage(result.patrol, m, lang=lang)
    maps.add_moving_gaps(result.moving, m, lang=lang)
    maps.add_siting(result.siting, m, lang=lang)
    return finish_map(m, lang=lang)


def write_coverage_report(
    district: io.District,
    result: CoverageResult,
    out: str | Path,
    *,
    lang: Lang = "zh",
    heading: Heading | None = None,
) -> Outputs:
    """Write 覆盖情况.xlsx (one sheet per table), the timeline and minute-by-minute PNGs and 覆盖分析.html.

    Parameters
    ----------
    district
        The district (the map's background).
    result
        From :func:`coverage_for_district`.
    out
        The output folder (created when missing).
    lang
        Language of file names, sheet names, headers and labels.
    heading
        The title block of the map (None: none).

    Returns
    -------
    Outputs
        The files and the headline lines (:meth:`CoverageResult.headline`).
    """
    check_lang(lang)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    def path(key: str) -> Path:
        return out / tr(f"pipeline.file.{key}", lang)

    written = (
        Written(tr("pipeline.cov_xlsx", lang), io.write_sheets(result.tables(lang), path("cov_xlsx"))),
        Written(
            tr("pipeline.cov_timeline", lang),
            analysis.save_png(analysis.unit_timeline(result.plan, lang=lang), path("cov_timeline")),
        ),
        Written(tr("pipeline.cov_moving", lang), analysis.save_png(result.moving.chart(lang), path("cov_moving"))),
        Written(
            tr("pipeline.cov_map", lang),
            export.export_html(
                titled(
                    coverage_map(district, result, lang=lang),
                    heading,
                    tr("pipeline.title.coverage", lang, window=tr(f"patrol.window.{result.window}", lang)),
                    lang,
                ),
                path("cov_map"),
                offline=True,
            ),
        ),
    )
    return Outputs(written=written, messages=result.headline(lang))


def write_coverage(run: Run) -> Outputs:
    """Step: the coverage of the run's patrol plan (:attr:`Run.coverage`, not planned or computed again), written."""
    return write_coverage_report(run.district, run.coverage, run.out, lang=run.lang, heading=run.heading)
