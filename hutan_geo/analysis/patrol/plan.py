"""The plan of one window: itineraries, route and stop frames, KPIs, reasons, the minimum fleet.

A :class:`Plan` is built from a problem and the solver's routes
(:func:`make_plan`). Its frames are what maps and exports draw:

- :attr:`Plan.itinerary`: one row per unit and place (station, gates,
  clusters, station): ``unit``, ``order``, ``place``, ``kind``, ``task``,
  ``arrive``, ``start``, ``leave``, ``wait``, ``drive_min``, ``km``
  (times in minutes after midnight);
- :attr:`Plan.stops`: the served stops as points (numbered per unit);
- :attr:`Plan.routes`: the route frame of :mod:`hutan_geo.analysis.routes`
  (one LineString per unit along the streets, ``unit``, ``stops``);
- :attr:`Plan.unserved`: every school left out with its reason;
- :meth:`Plan.kpis` and :meth:`Plan.check`.

Schedule rule: a unit leaves its station as late as its first stop allows
(never before its shift starts), then starts each stay as soon as it arrives
and the window has opened.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis.patrol.check import CheckReport, check_itinerary
from hutan_geo.analysis.patrol.reasons import FleetResult, alone_earliest
from hutan_geo.model.timefmt import clock

if TYPE_CHECKING:
    from hutan_geo.analysis.patrol.problem import PatrolProblem

__all__ = ["Plan", "make_plan"]

log = logging.getLogger("hutan_geo")

_ITIN_COLS = [
    "unit",
    "unit_type",
    "station",
    "order",
    "place",
    "kind",
    "task",
    "ref",
    "loc",
    "arrive",
    "start",
    "leave",
    "wait",
    "drive_min",
    "km",
]


def _schedule(problem: PatrolProblem, vt: int, visits: list[int]) -> list[dict[str, Any]]:
    """Itinerary rows of one unit (times in problem units): station, stops, station."""
    u = problem.units.iloc[vt]
    dur, dist = problem.duration[int(u.profile)], problem.distance[int(u.profile)]
    tasks = problem.tasks
    start_loc = int(problem.depots["loc"].iat[int(u.start_depot)])
    end_loc = int(problem.depots["loc"].iat[int(u.end_depot)])
    locs = [int(tasks["loc"].iat[t]) for t in visits]
    first_travel = dur[start_loc, locs[0]] if locs else 0
    first_open = int(tasks["tw_early"].iat[visits[0]]) if visits else int(u.tw_early)
    leave = max(int(u.tw_early), first_open - int(first_travel))
    station = str(problem.depots["name"].iat[int(u.start_depot)])
    rows = [
        {
            "place": station,
            "kind": "station",
            "task": "",
            "ref": "",
            "loc": start_loc,
            "arrive": leave,
            "start": leave,
            "leave": leave,
            "wait": 0,
            "drive": 0,
            "dist": 0,
        }
    ]
    prev = start_loc
    for t, loc in zip(visits, locs, strict=True):
        arrive = leave + int(dur[prev, loc])
        start = max(arrive, int(tasks["tw_early"].iat[t]))
        leave = start + int(tasks["service"].iat[t])
        rows.append(
            {
                "place": str(tasks["name"].iat[t]),
                "kind": str(tasks["kind"].iat[t]),
                "task": str(tasks["task_id"].iat[t]),
                "ref": str(tasks["ref"].iat[t]),
                "loc": loc,
                "arrive": arrive,
                "start": start,
                "leave": leave,
                "wait": start - arrive,
                "drive": int(dur[prev, loc]),
                "dist": int(dist[prev, loc]),
            }
        )
        prev = loc
    arrive = leave + int(dur[prev, end_loc])
    rows.append(
        {
            "place": str(problem.depots["name"].iat[int(u.end_depot)]),
            "kind": "station",
            "task": "",
            "ref": "",
            "loc": end_loc,
            "arrive": arrive,
            "start": arrive,
            "leave": arrive,
            "wait": 0,
            "drive": int(dur[prev, end_loc]),
            "dist": int(dist[prev, end_loc]),
        }
    )
    return rows


def _vehicle_name(problem: PatrolProblem, vt: int, k: int) -> str:
    """Return ``<unit type>-<k>``, or the unit type itself for a named single unit (re-planning)."""
    u = problem.units.iloc[vt]
    if bool(u.get("named", False)):
        return str(u.unit_type)
    return f"{u.unit_type}-{k}"


@dataclass
class Plan:
    """A patrol plan for one window.

    Attributes
    ----------
    problem
        The problem it answers.
    routes_idx
        ``(unit_type, [task rows in order])`` per unit used.
    feasible
        The solver's verdict (windows and shifts kept).
    fleet
        The minimum-fleet result when some reachable school was left out
        (None when every reachable school is served, or not searched).
    lang
        Language of the labels (``"zh"`` default, ``"en"``).
    solver
        The solver's result object (PyVRP), for diagnostics.
    """

    problem: PatrolProblem
    routes_idx: list[tuple[int, list[int]]]
    feasible: bool = True
    fleet: FleetResult | None = None
    lang: Lang = "zh"
    solver: Any = field(default=None, repr=False)

    # -- tables --------------------------------------------------------------------------------------------------

    @cached_property
    def itinerary(self) -> pd.DataFrame:
        """One row per unit and place in order (times in minutes after midnight, km, driving minutes)."""
        p = self.problem
        count: dict[int, int] = {}
        frames = []
        for vt, visits in sorted(self.routes_idx, key=lambda r: (r[0], r[1])):
            count[vt] = count.get(vt, 0) + 1
            rows = pd.DataFrame(_schedule(p, vt, visits))
            rows.insert(0, "order", np.arange(len(rows)))
            rows.insert(0, "station", str(p.units["station"].iat[vt]))
            rows.insert(0, "unit_type", vt)
            rows.insert(0, "unit", _vehicle_name(p, vt, count[vt]))
            frames.append(rows)
        if not frames:
            return pd.DataFrame(columns=_ITIN_COLS)
        it = pd.concat(frames, ignore_index=True)
        scale = p.time_scale_s / 60.0
        for col in ("arrive", "start", "leave", "wait"):
            it[col] = it[col] * scale
        it["drive_min"] = it.pop("drive") * scale
        it["km"] = it.pop("dist") / 1000.0
        return it[_ITIN_COLS]

    @cached_property
    def unserved(self) -> pd.DataFrame:
        """Every task left out that needs explaining (schools and required tasks), with its reason.

        Columns: ``task_id``, ``ref`` (school id), ``name``, ``window``,
        ``reason`` (``unreachable`` or ``units``), ``reason_text``,
        ``earliest`` (earliest possible start by a unit of its own, minutes),
        ``latest`` (latest allowed start), ``lon``, ``lat``.
        """
        p = self.problem
        served = {t for _, v in self.routes_idx for t in v}
        need = (p.tasks["kind"] == "school") | p.tasks["required"].astype(bool)
        rows = [i for i in np.flatnonzero(need.to_numpy()) if i not in served]
        cols = ["task_id", "ref", "name", "window", "reason", "reason_text", "earliest", "latest", "lon", "lat"]
        if not rows:
            return pd.DataFrame(columns=cols)
        t = p.tasks.iloc[rows]
        alone = alone_earliest(p, rows)
        reason = np.where(alone["feasible"].to_numpy(), "units", "unreachable")
        loc = p.locations.iloc[t["loc"].to_numpy(int)]
        scale = p.time_scale_s / 60.0
        return pd.DataFrame(
            {
                "task_id": t["task_id"].to_numpy(),
                "ref": t["ref"].to_numpy(),
                "name": t["name"].to_numpy(),
                "window": t["window"].to_numpy(),
                "reason": reason,
                "reason_text": [tr(f"patrol.reason.{r}", self.lang) for r in reason],
                "earliest": alone["earliest_start"].to_numpy(float) * scale,
                "latest": t["tw_late"].to_numpy(float) * scale,
                "lon": loc["lon"].to_numpy(float) if "lon" in loc else np.nan,
                "lat": loc["lat"].to_numpy(float) if "lat" in loc else np.nan,
            },
            columns=cols,
        )

    @cached_property
    def stops(self) -> gpd.GeoDataFrame:
        """Served stops as points (EPSG:4326).

        Columns: ``unit``, ``order``, ``name``, ``kind``, ``task``, ``ref``,
        ``arrive``, ``start``, ``leave``, ``label``.
        """
        it = self.itinerary
        s = it[it["task"] != ""].copy()
        loc = self.problem.locations
        lon = loc["lon"].to_numpy(float)[s["loc"].to_numpy(int)] if len(s) else []
        lat = loc["lat"].to_numpy(float)[s["loc"].to_numpy(int)] if len(s) else []
        out = pd.DataFrame(
            {
                "unit": s["unit"].to_numpy(),
                "order": s["order"].to_numpy(int),
                "name": s["place"].to_numpy(),
                "kind": s["kind"].to_numpy(),
                "task": s["task"].to_numpy(),
                "ref": s["ref"].to_numpy(),
                "arrive": s["arrive"].to_numpy(float),
                "start": s["start"].to_numpy(float),
                "leave": s["leave"].to_numpy(float),
                "label": [
                    f"{o}. {clock(a)}-{clock(b)} {n}"
                    for o, a, b, n in zip(s["order"], s["start"], s["leave"], s["place"], strict=True)
                ],
            }
        )
        return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs=4326)

    @cached_property
    def routes(self) -> gpd.GeoDataFrame:
        """The route frame (see :mod:`hutan_geo.analysis.routes`): one LineString per unit along the streets.

        Columns: ``unit``, ``station``, ``kind``, ``window``, ``n_stops``,
        ``km``, ``drive_min``, ``stops`` (list of dicts ``name``,
        ``arrival``, ``departure``, ``lon``, ``lat``, ``task``, ``kind``).
        Without a road network the lines are straight between stops.
        """
        it = self.itinerary
        p = self.problem
        lon, lat = p.locations["lon"].to_numpy(float), p.locations["lat"].to_numpy(float)
        rows, geoms = [], []
        for unit, r in it.groupby("unit", sort=False):
            locs = r["loc"].to_numpy(int)
            geoms.append(self._line(locs, int(p.units["profile"].iat[int(r["unit_type"].iat[0])])))
            stops = [
                {
                    "name": s.place,
                    "arrival": float(s.arrive),
                    "departure": float(s.leave),
                    "lon": float(lon[s.loc]),
                    "lat": float(lat[s.loc]),
                    "task": s.task,
                    "kind": s.kind,
                }
                for s in r.itertuples(index=False)
                if s.task
            ]
            rows.append(
                {
                    "unit": unit,
                    "station": r["station"].iat[0],
                    "kind": str(p.units["kind"].iat[int(r["unit_type"].iat[0])]),
                    "window": p.window,
                    "n_stops": len(stops),
                    "km": float(r["km"].sum()),
                    "drive_min": float(r["drive_min"].sum()),
                    "stops": stops,
                }
            )
        cols = ["unit", "station", "kind", "window", "n_stops", "km", "drive_min", "stops"]
        return gpd.GeoDataFrame(pd.DataFrame(rows, columns=cols), geometry=geoms, crs=4326)

    def _line(self, locs: np.ndarray, profile: int) -> shapely.LineString:
        p = self.problem
        lon, lat = p.locations["lon"].to_numpy(float), p.locations["lat"].to_numpy(float)
        if p.network is None:
            return shapely.LineString(np.column_stack([lon[locs], lat[locs]]))
        from hutan_geo.errors import HutanError
        from hutan_geo.network import shortest_path

        name = p.profiles[profile]
        mode, _, prof = name.partition(":")
        coords: list[np.ndarray] = []
        for a, b in itertools.pairwise(locs):
            if a == b:
                continue
            try:
                path = shortest_path(
                    p.network,
                    (lon[a], lat[a]),
                    (lon[b], lat[b]),
                    profile=prof if mode == "drive" else "free",
                    mode=mode,
                )
                part = np.asarray(path.geometry.coords)
            except HutanError:
                part = np.array([[lon[a], lat[a]], [lon[b], lat[b]]])
            coords.append(part if not coords else part[1:])
        if not coords:
            return shapely.LineString([(lon[locs[0]], lat[locs[0]])] * 2)
        return shapely.LineString(np.vstack(coords))

    # -- figures --------------------------------------------------------------------------------------------------

    def kpis(self) -> dict[str, float]:
        """Return the key figures.

        Schools needing cover, covered by posts, served by units, unserved (by
        reason), cluster stops and prize, km, driving and idle minutes, units.
        """
        p, it, un = self.problem, self.itinerary, self.unserved
        stops = it[it["task"] != ""]
        served_school = int((stops["kind"] == "school").sum())
        cl = stops[stops["kind"] == "cluster"]
        prize = p.tasks.set_index("task_id").loc[cl["task"], "prize"].sum() if len(cl) else 0
        n_cov = len(p.covered)
        n_need = int(p.info.get("n_needing", n_cov + int((p.tasks["kind"] == "school").sum())))
        return {
            "schools_needing": n_need,
            "covered_by_posts": n_cov,
            "served_by_units": served_school,
            "unserved": len(un),
            "unreachable": int((un["reason"] == "unreachable").sum()),
            "short_of_units": int((un["reason"] == "units").sum()),
            "cluster_stops": len(cl),
            "cluster_prize": int(prize),
            "km": round(float(it["km"].sum()), 3),
            "drive_min": round(float(it["drive_min"].sum()), 2),
            "idle_min": round(float(it["wait"].sum()), 2),
            "units_used": int(it["unit"].nunique()),
            "units_available": int(p.units["num"].sum()),
            "extra_cars_needed": self.fleet.n_extra if self.fleet is not None else 0,
        }

    def kpi_table(self, lang: Lang | None = None) -> pd.DataFrame:
        """Return the KPIs as a two-column table with labels in ``lang`` (default the plan's)."""
        lang = check_lang(lang or self.lang)
        k = self.kpis()
        return pd.DataFrame(
            {
                tr("patrol.col.kpi", lang): [tr(f"patrol.kpi.{n}", lang) for n in k],
                tr("patrol.col.value", lang): list(k.values()),
            }
        )

    def unit_load(self) -> pd.DataFrame:
        """Return the load per unit.

        Columns: ``unit``, ``station``, ``stops``, ``schools``, ``clusters``,
        ``km``, ``drive_min``, ``idle_min``, ``out``, ``back``.
        """
        it = self.itinerary
        g = it.groupby("unit", sort=False)
        return pd.DataFrame(
            {
                "station": g["station"].first(),
                "stops": g["task"].apply(lambda s: int((s != "").sum())),
                "schools": g["kind"].apply(lambda s: int((s == "school").sum())),
                "clusters": g["kind"].apply(lambda s: int((s == "cluster").sum())),
                "km": g["km"].sum().round(3),
                "drive_min": g["drive_min"].sum().round(2),
                "idle_min": g["wait"].sum().round(2),
                "out": g["leave"].first(),
                "back": g["arrive"].last(),
            }
        ).reset_index()

    def check(self, *, raise_on_error: bool = True) -> CheckReport:
        """Check the plan independently of the solver (see :mod:`hutan_geo.analysis.patrol.check`).

        Raises
        ------
        InfeasiblePlanError
            A violation, when ``raise_on_error``.
        """
        report = check_itinerary(self.problem, self.itinerary, self.unserved["task_id"].tolist())
        return report.raise_if_failed() if raise_on_error else report

    def route_names(self) -> list[tuple[str, list[str]]]:
        """Routes as ``(unit_type name, [task ids])``: what a warm start of a changed problem needs."""
        names, ids = self.problem.units["unit_type"].tolist(), self.problem.tasks["task_id"].tolist()
        return [(names[vt], [ids[t] for t in v]) for vt, v in self.routes_idx]


def make_plan(problem: PatrolProblem, routes: list[tuple[int, list[int]]], **kwargs: Any) -> Plan:
    """Return the :class:`Plan` of ``problem`` for solver ``routes`` (empty routes dropped)."""
    return Plan(problem, [(int(vt), [int(t) for t in v]) for vt, v in routes if len(v)], **kwargs)
