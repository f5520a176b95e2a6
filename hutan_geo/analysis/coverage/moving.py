"""Moving response coverage: minute by minute, the travel time from the nearest unit to every school.

During a planned window each unit is somewhere: at its station before it
leaves and after it returns, at a gate while it waits or dwells, or on the
street path between two stops (placed along the path in metres, in proportion
to the time elapsed on the leg). :func:`moving_coverage` puts every unit of
the plan (unused ones stay at their station) at its position each minute,
computes the network travel time from every position to every school's gate
(:func:`hutan_geo.network.travel_time_matrix`, the window's profile) and
keeps the nearest unit's. It reports the share of schools within
``limit_min`` over time, the worst minute and the schools uncovered then,
and draws the curve (:meth:`MovingCoverage.chart`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis.coverage.common import chart_style, finish, new_figure, school_targets, window_label
from hutan_geo.analysis.patrol import Plan
from hutan_geo.errors import HutanError, InputError
from hutan_geo.model import clock

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MovingCoverage", "moving_coverage", "unit_positions"]


@dataclass(frozen=True, eq=False)
class MovingCoverage:
    """Response coverage minute by minute.

    Attributes
    ----------
    minutes
        One row per minute: ``minute`` (after midnight), ``clock``,
        ``n_within``, ``n_schools``, ``share``.
    times_s
        Seconds from the nearest unit, one row per minute (index ``minute``),
        one column per school (``school_id``); NaN where no unit can reach it.
    positions
        Every unit each minute: ``minute``, ``unit``, ``state``
        (``station``, ``driving``, ``gate``, ``post``); points in EPSG:4326.
    worst_minute
        The first minute with the lowest share.
    uncovered
        The schools beyond ``limit_min`` at the worst minute, with
        ``time_min``; points in EPSG:4326 (a map layer).
    limit_min, window, lang
        What was computed.
    """

    minutes: pd.DataFrame
    times_s: pd.DataFrame = field(repr=False)
    positions: gpd.GeoDataFrame = field(repr=False)
    worst_minute: float
    uncovered: gpd.GeoDataFrame
    limit_min: float
    window: str
    lang: Lang = "zh"

    def chart(self, lang: Lang | None = None) -> Figure:
        """Draw the share within ``limit_min`` over the window, the worst minute marked."""
        lang = check_lang(lang or self.lang)
        m = self.minutes
        with chart_style():
            fig = new_figure(9, 3.6)
            ax = fig.add_subplot()
            ax.step(m["minute"], m["share"], where="post", color="#1f77b4")
            ax.fill_between(m["minute"], m["share"], step="post", alpha=0.15, color="#1f77b4")
            worst = m.loc[m["minute"] == self.worst_minute, "share"].iat[0]
            ax.axvline(self.worst_minute, color="#d62728", linestyle="--")
            text = tr("cov.moving.worst", lang, clock=clock(self.worst_minute), share=worst)
            ax.annotate(text, (self.worst_minute, worst), xytext=(5, 10), textcoords="offset points", color="#d62728")
            ax.set_ylim(0, 1.05)
            ax.set_ylabel(tr("cov.moving.ylabel", lang))
            ax.set_xlabel(tr("cov.timeline.xlabel", lang))
            ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
            ax.xaxis.set_major_formatter(lambda v, _: clock(v))
            ax.set_title(tr("cov.moving.title", lang, window=window_label(self.window, lang), m=self.limit_min))
            ax.grid(alpha=0.3)
            return finish(fig)


def _leg_line(plan: Plan, a: int, b: int, profile: str) -> shapely.LineString:
    """Return the street path between two locations of the plan (a straight line when there is none)."""
    from hutan_geo.network import shortest_path

    loc = plan.problem.locations
    pa = (float(loc["lon"].iat[a]), float(loc["lat"].iat[a]))
    pb = (float(loc["lon"].iat[b]), float(loc["lat"].iat[b]))
    if plan.problem.network is not None:
        try:
            return shortest_path(plan.problem.network, pa, pb, profile=profile).geometry
        except HutanError:
            pass
    return shapely.LineString([pa, pb])


def unit_positions(plan: Plan, minutes: np.ndarray) -> gpd.GeoDataFrame:
    """Where every unit of the plan is at each minute (unused units at their station).

    Returns
    -------
    GeoDataFrame
        ``minute``, ``unit``, ``state`` (``station``, ``driving``, ``gate``); points in EPSG:4326.
    """
    p = plan.problem
    net = p.network
    to_m = pyproj.Transformer.from_crs(4326, net.metric_crs, always_xy=True) if net is not None else None
    to_w = pyproj.Transformer.from_crs(net.metric_crs, 4326, always_xy=True) if net is not None else None
    lon, lat = p.locations["lon"].to_numpy(float), p.locations["lat"].to_numpy(float)
    profile = p.profiles[0].partition(":")[2] or "am_peak"
    it = plan.itinerary
    rows: list[tuple[float, str, str, Any]] = []
    for unit, r in it.groupby("unit", sort=False):
        r = r.reset_index(drop=True)
        locs, arrive, leave = r["loc"].to_numpy(int), r["arrive"].to_numpy(float), r["leave"].to_numpy(float)
        legs = []
        for k, (a, b) in enumerate(itertools.pairwise(locs)):
            line = _leg_line(plan, int(a), int(b), profile)
            metric = (
                shapely.transform(line, lambda xy: np.column_stack(to_m.transform(xy[:, 0], xy[:, 1])))
                if to_m
                else line
            )
            legs.append((leave[k], arrive[k + 1], metric))
        for t in minutes:
            pos, state = _position(t, locs, arrive, leave, legs, lon, lat, to_w)
            rows.append((float(t), str(unit), state, pos))
    used = set(it["unit"])
    depot_loc = p.depots["loc"].to_numpy(int)
    for v in p.vehicles.itertuples(index=False):
        if v.unit not in used:
            d = depot_loc[int(p.units["start_depot"].iat[int(v.unit_type)])]
            rows += [(float(t), str(v.unit), "station", shapely.Point(lon[d], lat[d])) for t in minutes]
    frame = pd.DataFrame(rows, columns=["minute", "unit", "state", "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)


def _position(
    t: float,
    locs: np.ndarray,
    arrive: np.ndarray,
    leave: np.ndarray,
    legs: list[tuple[float, float, Any]],
    lon: np.ndarray,
    lat: np.ndarray,
    to_w: Any,
) -> tuple[Any, str]:
    """Return the point and state of one unit at minute ``t``."""
    if t <= leave[0] or t >= arrive[-1]:
        i = 0 if t <= leave[0] else len(locs) - 1
        return shapely.Point(lon[locs[i]], lat[locs[i]]), "station"
    for k, (t0, t1, line) in enumerate(legs):
        if t0 < t < t1:
            pt = line.interpolate((t - t0) / (t1 - t0), normalized=True)
            if to_w is not None:
                x, y = to_w.transform(pt.x, pt.y)
                pt = shapely.Point(x, y)
            return pt, "driving"
        if t1 <= t <= leave[k + 1]:
            return shapely.Point(lon[locs[k + 1]], lat[locs[k + 1]]), "gate"
    return shapely.Point(lon[locs[-1]], lat[locs[-1]]), "station"


def moving_coverage(
    plan: Plan,
    schools: gpd.GeoDataFrame,
    *,
    gates: gpd.GeoDataFrame | None = None,
    posts: gpd.GeoDataFrame | None = None,
    limit_min: float = 3.0,
    step_min: float = 1.0,
    start: float | None = None,
    end: float | None = None,
    lang: Lang = "zh",
) -> MovingCoverage:
    """Minute by minute, the travel time from the nearest unit to every school, and the share within ``limit_min``.

    Parameters
    ----------
    plan
        The plan of one window (with its road network).
    schools
        The schools to reach (``school_id``, ``name``).
    gates
        Gates: each school is reached at its main gate.
    posts
        Static responders present all along (the guard posts staffed in
        the window, e.g. ``response_sources(None, guard_posts, window=...)``).
    limit_min
        The response limit in minutes.
    step_min
        Minutes between samples.
    start, end
        Minutes after midnight (default: the first window opening and the
        last window closing of the plan's schools).
    lang
        Label language.

    Returns
    -------
    MovingCoverage

    Raises
    ------
    InputError
        Not a one-window plan, a plan without a road network, bad limits or times.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.analysis.patrol import plan_patrols
    >>> d = load_demo()
    >>> plan = plan_patrols(d, "arrival", iterations=100, seed=1, priority={})
    >>> mc = moving_coverage(plan, d.schools.head(10), gates=d.gates, step_min=10)
    >>> bool(0 <= mc.minutes["share"].min() <= 1)
    True
    """
    from hutan_geo.network import travel_time_matrix

    lang = check_lang(lang)
    if not isinstance(plan, Plan):
        msg = (
            "plan must be the Plan of one window (for a day plan pass plan.plans['arrival']); "
            f"got {type(plan).__name__}"
        )
        raise InputError(msg)
    if plan.problem.network is None:
        msg = "plan has no road network: plan it from a district or with network= to measure response times"
        raise InputError(msg)
    for name, v in (("limit_min", limit_min), ("step_min", step_min)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v <= 0:
            msg = f"{name} must be a number of minutes > 0; got {v!r}"
            raise InputError(msg)
    tasks = plan.problem.tasks
    if (tasks["kind"] == "school").any():  # the schools' windows, not the clusters' shift
        tasks = tasks[tasks["kind"] == "school"]
    t0 = float(plan.problem.to_minutes(tasks["tw_early"].min())) if start is None else float(start)
    t1 = float(plan.problem.to_minutes((tasks["tw_late"] + tasks["service"]).max())) if end is None else float(end)
    if not (np.isfinite(t0) and np.isfinite(t1) and t1 >= t0):
        msg = f"start and end must be minutes after midnight with start <= end; got {t0!r}, {t1!r}"
        raise InputError(msg)
    minutes = np.arange(t0, t1 + 1e-9, step_min)
    targets = school_targets(schools, gates)
    pos = unit_positions(plan, minutes)
    if posts is not None and len(posts):
        fixed = posts.to_crs(4326).geometry.to_numpy()
        extra = pd.DataFrame(
            {
                "minute": np.repeat(minutes.astype(float), len(fixed)),
                "unit": np.tile([f"post-{i + 1}" for i in range(len(fixed))], len(minutes)),
                "state": "post",
                "geometry": np.tile(fixed, len(minutes)),
            }
        )
        pos = gpd.GeoDataFrame(pd.concat([pos, extra], ignore_index=True), geometry="geometry", crs=4326)
    profile = plan.problem.profiles[0].partition(":")[2] or "am_peak"
    m = travel_time_matrix(plan.problem.network, pos, targets, profile=profile, with_distance=False)
    t = pd.DataFrame(m.travel_s, columns=targets["school_id"]).assign(minute=pos["minute"].to_numpy())
    best = t.groupby("minute", sort=True).min()
    best = best.where(np.isfinite(best))
    within = (best <= limit_min * 60).sum(axis=1)
    frame = pd.DataFrame(
        {
            "minute": best.index.to_numpy(float),
            "clock": [clock(v) for v in best.index],
            "n_within": within.to_numpy(int),
            "n_schools": len(targets),
        }
    )
    frame["share"] = frame["n_within"] / max(len(targets), 1)
    worst = float(frame["minute"].iat[int(np.argmin(frame["share"].to_numpy()))])
    row = best.loc[worst]
    bad = ~(row.to_numpy(float) <= limit_min * 60)
    unc = targets[bad].copy()
    unc["time_min"] = np.round(row.to_numpy(float)[bad] / 60, 2)
    return MovingCoverage(frame, best, pos, worst, unc, float(limit_min), plan.problem.window, lang)
