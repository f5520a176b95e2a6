"""Patrol coverage of a plan: per school and window, covered by a post, served by a car, or not covered.

:func:`patrol_coverage` reads a :class:`~hutan_geo.analysis.patrol.Plan` (one
window) or a :class:`~hutan_geo.analysis.patrol.DayPlan` (every window) and
the schools list, and returns a :class:`PatrolCoverage`:

- :attr:`PatrolCoverage.schools`: one row per school and window (points in
  EPSG:4326 at the school's main gate) with ``status`` (``post``, ``car``,
  ``none``), the post, the unit(s), the first arrival and the minutes present
  inside the school's window, and a boolean ``covered``: what a map layer
  colours;
- :attr:`PatrolCoverage.clusters`: per hazard cluster offered to the planner,
  the passes during the window;
- :meth:`PatrolCoverage.shares`: shares of schools and of students covered by
  township, precinct or school level.

A post covers its school for the whole window; a car covers it from its
arrival to its departure (the minutes counted are those inside the window).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis.coverage.common import labelled, level_label, school_targets
from hutan_geo.analysis.patrol import DayPlan, Plan
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["PatrolCoverage", "patrol_coverage"]

Group = Literal["township", "precinct", "level"]
_GROUPS = ("township", "precinct", "level")
_SCHOOL_COLS = {
    "school_id": "cov.col.school_id",
    "name": "cov.col.name",
    "window_text": "cov.col.window",
    "status_text": "cov.col.status",
    "post_id": "cov.col.post_id",
    "unit": "cov.col.unit",
    "first_arrival_clock": "cov.col.first_arrival",
    "minutes_present": "cov.col.minutes_present",
}
_SHARE_COLS = {
    "window_text": "cov.col.window",
    "group": "cov.col.group",
    "n_schools": "cov.col.n_schools",
    "n_covered": "cov.col.n_covered",
    "share": "cov.col.share",
    "students": "cov.col.students",
    "students_covered": "cov.col.students_covered",
    "share_students": "cov.col.share_students",
}


@dataclass(frozen=True)
class PatrolCoverage:
    """Who is covered when, for one plan or a day of plans.

    Attributes
    ----------
    schools
        One row per school needing cover and window: ``school_id``, ``name``,
        ``township``, ``precinct``, ``level``, ``enrolment``, ``window``,
        ``window_start``, ``window_end`` (minutes after midnight), ``status``
        (``post``, ``car``, ``none``), ``status_text``, ``covered``,
        ``post_id``, ``unit``, ``first_arrival`` (minutes, NaN if not
        covered), ``first_arrival_clock``, ``minutes_present`` (inside the
        window), ``window_text``; points in EPSG:4326.
    clusters
        One row per hazard cluster and window: ``cluster_id``, ``name``,
        ``window``, ``passes``, ``units``, ``first_pass`` (minutes).
    lang
        Label language.
    """

    schools: gpd.GeoDataFrame
    clusters: pd.DataFrame
    lang: Lang = "zh"

    def shares(self, by: Group | None = None, *, lang: Lang | None = None) -> pd.DataFrame:
        """Shares of schools and of students covered, per window and group (all schools first).

        Parameters
        ----------
        by
            ``"township"``, ``"precinct"``, ``"level"`` or None (totals only).
        lang
            Language of the group names (default the result's).

        Returns
        -------
        DataFrame
            ``window``, ``window_text``, ``group``, ``n_schools``,
            ``n_covered``, ``share``, ``students``, ``students_covered``,
            ``share_students`` (shares in 0..1, NaN without students).
        """
        lang = check_lang(lang or self.lang)
        if by is not None and by not in _GROUPS:
            msg = f"by must be one of {', '.join(_GROUPS)} or None; got {by!r}"
            raise InputError(msg)
        s = pd.DataFrame(self.schools.drop(columns="geometry"))
        s["students_covered"] = s["enrolment"] * s["covered"]
        frames = [_share_rows(s, None, tr("cov.by.all", lang))]
        if by is not None:
            keys = s[by].map(lambda v: level_label(v, lang)) if by == "level" else s[by]
            frames.append(_share_rows(s.assign(_key=keys), "_key", None))
        out = pd.concat(frames, ignore_index=True)
        order = {w: i for i, w in enumerate(dict.fromkeys(s["window"]))}
        return out.sort_values("window", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)

    def table(self, lang: Lang | None = None) -> pd.DataFrame:
        """Return the school table a planner reads, headers in ``lang`` (default the result's)."""
        return labelled(self.schools, _SCHOOL_COLS, check_lang(lang or self.lang))

    def share_table(self, by: Group | None = None, lang: Lang | None = None) -> pd.DataFrame:
        """Return the shares table a planner reads (shares in percent, one decimal), headers in ``lang``."""
        lang = check_lang(lang or self.lang)
        out = self.shares(by, lang=lang)
        for col in ("share", "share_students"):
            out[col] = (out[col] * 100).round(1)
        return labelled(out, _SHARE_COLS, lang)


def _share_rows(s: pd.DataFrame, key: str | None, name: str | None) -> pd.DataFrame:
    """Return counts and shares per window (and per ``key`` when given)."""
    keys = ["window", "window_text"] + ([key] if key else [])
    g = s.groupby(keys, sort=False)
    out = pd.DataFrame(
        {
            "n_schools": g.size(),
            "n_covered": g["covered"].sum().astype(int),
            "students": g["enrolment"].sum(),
            "students_covered": g["students_covered"].sum(),
        }
    ).reset_index()
    out["group"] = out.pop(key) if key else name
    out["share"] = out["n_covered"] / out["n_schools"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_students"] = np.where(out["students"] > 0, out["students_covered"] / out["students"], np.nan)
    cols = ["window", "window_text", "group", "n_schools", "n_covered", "share", "students"]
    return out[[*cols, "students_covered", "share_students"]]


def _plans(plan: Plan | DayPlan) -> dict[str, Plan]:
    """Window -> plan."""
    if isinstance(plan, DayPlan):
        return dict(plan.plans)
    if isinstance(plan, Plan):
        return {plan.problem.window: plan}
    msg = f"plan must be a Plan or DayPlan (from plan_patrols); got {type(plan).__name__}"
    raise InputError(msg)


def _window_rows(plan: Plan, targets: gpd.GeoDataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """One row per school needing cover in the plan's window, with its status."""
    p, w = plan.problem, plan.problem.window
    tasks = p.tasks[p.tasks["kind"] == "school"]
    start_col, end_col = f"{w}_start_min", f"{w}_end_min"
    if start_col in schools and end_col in schools:
        win = schools.set_index(schools["school_id"].astype(str))[[start_col, end_col]].astype(float)
        win.columns = ["ws", "we"]
    else:  # no window columns: the tasks' start of service bounds and dwell give the window
        win = pd.DataFrame(
            {
                "ws": p.to_minutes(tasks["tw_early"].to_numpy()),
                "we": p.to_minutes((tasks["tw_late"] + tasks["service"]).to_numpy()),
            },
            index=tasks["ref"].astype(str),
        )
    posts = dict(zip(p.covered.get("school_id", []), p.covered.get("post_id", []), strict=True))
    need = [*tasks["ref"].astype(str), *posts]
    rows = targets.set_index("school_id").reindex([s for s in dict.fromkeys(need) if s in set(targets["school_id"])])
    rows = rows.join(win).reset_index()
    it = plan.itinerary
    visits = it[it["kind"] == "school"]
    status, post_id, unit, first, present = [], [], [], [], []
    for r in rows.itertuples(index=False):
        v = visits[visits["ref"] == r.school_id]
        if r.school_id in posts:
            status.append("post")
            post_id.append(str(posts[r.school_id]))
            unit.append("")
            first.append(r.ws)
            present.append(r.we - r.ws)
        elif len(v):
            status.append("car")
            post_id.append("")
            unit.append("、".join(dict.fromkeys(v["unit"].astype(str))))
            first.append(float(v["arrive"].min()))
            lo = np.maximum(v["arrive"].to_numpy(float), r.ws)
            hi = np.minimum(v["leave"].to_numpy(float), r.we)
            present.append(float(np.clip(hi - lo, 0, None).sum()))
        else:
            status.append("none")
            post_id.append("")
            unit.append("")
            first.append(np.nan)
            present.append(0.0)
    rows["window"] = w
    rows["status"], rows["post_id"], rows["unit"] = status, post_id, unit
    rows["first_arrival"], rows["minutes_present"] = first, np.round(present, 2)
    return rows.rename(columns={"ws": "window_start", "we": "window_end"})


def _cluster_rows(plan: Plan) -> pd.DataFrame:
    """Return the passes per hazard cluster offered in the plan's window."""
    p = plan.problem
    cl = p.tasks[p.tasks["kind"] == "cluster"]
    it = plan.itinerary
    stops = it[it["kind"] == "cluster"]
    rows = []
    for c in cl.itertuples(index=False):
        v = stops[stops["ref"] == c.ref]
        rows.append(
            {
                "cluster_id": str(c.ref),
                "name": str(c.name),
                "window": p.window,
                "passes": len(v),
                "units": "、".join(dict.fromkeys(v["unit"].astype(str))),
                "first_pass": float(v["start"].min()) if len(v) else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["cluster_id", "name", "window", "passes", "units", "first_pass"])


def patrol_coverage(
    plan: Plan | DayPlan,
    schools: gpd.GeoDataFrame,
    *,
    gates: gpd.GeoDataFrame | None = None,
    windows: Iterable[str] | None = None,
    lang: Lang = "zh",
) -> PatrolCoverage:
    """Tell, per school and window, whether a guard post covers it, a car serves it, or nobody does.

    Parameters
    ----------
    plan
        A plan of one window or of the day (:func:`~hutan_geo.analysis.patrol.plan_patrols`).
    schools
        The schools list (``school_id``, ``name``, and for the shares
        ``township``, ``station`` (precinct), ``level``, ``enrolment``; the
        window columns ``<window>_start_min``/``_end_min``).
    gates
        The gates list: the rows are placed at each school's main gate.
    windows
        Only these windows of a day plan (default all).
    lang
        Label language.

    Returns
    -------
    PatrolCoverage

    Raises
    ------
    InputError
        ``plan`` is not a plan, ``schools`` is not a GeoDataFrame with
        ``school_id`` and ``name``, or an unknown window is asked for.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.analysis.patrol import plan_patrols
    >>> d = load_demo()
    >>> cov = patrol_coverage(plan_patrols(d, "arrival", iterations=100, seed=1, priority={}), d.schools, gates=d.gates)
    >>> cov.schools["status"].value_counts().to_dict()
    {'car': 53, 'post': 7}
    """
    lang = check_lang(lang)
    plans = _plans(plan)
    if windows is not None:
        unknown = [w for w in windows if w not in plans]
        if unknown:
            msg = f"windows: {unknown} not in the plan; it has {list(plans)}"
            raise InputError(msg)
        plans = {w: plans[w] for w in windows}
    targets = school_targets(schools, gates)
    frame = pd.DataFrame(schools.drop(columns="geometry", errors="ignore"))
    frame["school_id"] = frame["school_id"].astype(str)
    parts = [_window_rows(p, targets, frame) for p in plans.values()]
    rows = pd.concat(parts, ignore_index=True) if parts else targets.iloc[:0].assign(window="", status="")
    rows["covered"] = rows["status"] != "none"
    rows["status_text"] = [tr(f"cov.status.{s}", lang) for s in rows["status"]]
    rows["window_text"] = [tr(f"patrol.window.{w}", lang) for w in rows["window"]]
    from hutan_geo.model import clock

    rows["first_arrival_clock"] = [clock(v) if np.isfinite(v) else "" for v in rows["first_arrival"].astype(float)]
    clusters = pd.concat([_cluster_rows(p) for p in plans.values()], ignore_index=True)
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    return PatrolCoverage(schools=gdf, clusters=clusters, lang=lang)
