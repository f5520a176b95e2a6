"""Re-planning: pin a school to a unit, take a unit out at a minute, add or drop hazard clusters.

Each function takes a solved :class:`~hutan_geo.analysis.patrol.plan.Plan`,
changes its problem, re-solves warm-started from the previous routes, and
returns a :class:`Replan`: the new plan and a table of what changed.

Taking a unit out at minute ``t`` (a car breaks down at 07:10) re-plans the
rest of the window from where each unit is at ``t``: stays already started
are done; a unit driving to a stop finishes that stop (it is committed); a
unit still at its station may leave from ``t``; each unit then continues
from its current place and time and returns to its own station. The broken
unit's stays not yet started go back to the pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hutan_geo._i18n import tr
from hutan_geo.analysis.patrol.planner import solve_plan
from hutan_geo.analysis.patrol.problem import UNREACHABLE, PatrolProblem
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from hutan_geo.analysis.patrol.plan import Plan

__all__ = ["Replan", "change_clusters", "changes_table", "pin_schools", "take_out"]


@dataclass(frozen=True)
class Replan:
    """A re-planned window.

    Attributes
    ----------
    plan
        The new plan (of the changed problem; check it with ``plan.check()``).
    changes
        One row per task of either plan: ``task_id``, ``name``,
        ``old_unit``, ``old_start``, ``new_unit``, ``new_start``,
        ``change`` (code: unchanged, retimed, moved, dropped, added, done)
        and ``change_text``.
    done
        Stays already done (or committed) when a unit was taken out.
    """

    plan: Plan
    changes: pd.DataFrame
    done: pd.DataFrame


def _served(plan: Plan) -> pd.DataFrame:
    it = plan.itinerary
    return it[it["task"] != ""].set_index("task")[["unit", "start", "place"]]


def changes_table(old: Plan, new: Plan, done: Sequence[str] = ()) -> pd.DataFrame:
    """Compare two plans task by task (see :attr:`Replan.changes`)."""
    a, b = _served(old), _served(new)
    ids = list(dict.fromkeys([*old.problem.tasks["task_id"], *new.problem.tasks["task_id"]]))
    names = dict(zip(old.problem.tasks["task_id"], old.problem.tasks["name"], strict=True))
    names |= dict(zip(new.problem.tasks["task_id"], new.problem.tasks["name"], strict=True))
    rows = []
    for t in ids:
        ou, os_ = (a.at[t, "unit"], a.at[t, "start"]) if t in a.index else (None, np.nan)
        nu, ns = (b.at[t, "unit"], b.at[t, "start"]) if t in b.index else (None, np.nan)
        if t in done:
            code = "done"
        elif ou is None and nu is None:
            continue
        elif ou is None:
            code = "added"
        elif nu is None:
            code = "dropped"
        elif ou != nu:
            code = "moved"
        else:
            code = "unchanged" if abs(os_ - ns) < 1e-9 else "retimed"
        rows.append(
            {
                "task_id": t,
                "name": names.get(t, ""),
                "old_unit": ou,
                "old_start": os_,
                "new_unit": nu,
                "new_start": ns,
                "change": code,
                "change_text": tr(f"patrol.change.{code}", new.lang),
            }
        )
    cols = ["task_id", "name", "old_unit", "old_start", "new_unit", "new_start", "change", "change_text"]
    return pd.DataFrame(rows, columns=cols)


def _solve(plan: Plan, problem: PatrolProblem, initial: list[tuple[str, list[str]]], kw: Mapping[str, Any]) -> Plan:
    vt_of = {n: i for i, n in enumerate(problem.units["unit_type"])}
    t_of = {n: i for i, n in enumerate(problem.tasks["task_id"])}
    init = [(vt_of[u], [t_of[t] for t in ts if t in t_of]) for u, ts in initial if u in vt_of]
    opts = {"iterations": 1000, "seed": 1, "fleet": False} | dict(kw)
    return solve_plan(problem, initial=init, lang=plan.lang, **opts)


def _unit_names(plan: Plan) -> list[tuple[str, int, list[str]]]:
    """Return (unit name, unit type, [task ids]) per unit of the plan."""
    it = plan.itinerary
    return [(u, int(r["unit_type"].iat[0]), [t for t in r["task"] if t]) for u, r in it.groupby("unit", sort=False)]


def pin_schools(plan: Plan, pins: Mapping[str, str], **solve: Any) -> Replan:
    """Re-plan with schools pinned to units: ``{"SCH0009": "城东派出所-1"}`` (school id or task id -> unit).

    The unit gets a profile of its own; every other unit sees the pinned
    school as unreachable; the pinned task becomes required.

    Raises
    ------
    InputError
        An unknown school or unit, or a school the unit cannot serve in its window.
    """
    p = plan.problem
    tasks = p.tasks.copy()
    dur, dist = p.duration.copy(), p.distance.copy()
    profiles = list(p.profiles)
    units = _explode(p)
    all_units = {n: i for i, n in enumerate(units["unit_type"])}
    split: dict[str, int] = {}
    for key, unit in pins.items():
        hit = np.flatnonzero((tasks["task_id"] == key) | (tasks["ref"] == key))
        if not len(hit):
            msg = f"pin: no task for school {key!r} in the {p.window} window (covered by a guard post, or unknown id?)"
            raise InputError(msg)
        if unit not in all_units:
            msg = f"pin: no unit {unit!r}; units are {sorted(all_units)}"
            raise InputError(msg)
        if unit not in split:
            vt = all_units[unit]
            prof = int(units["profile"].iat[vt])
            profiles.append(f"{profiles[prof]}+{unit}")
            dur = np.concatenate([dur, dur[prof][None]])
            dist = np.concatenate([dist, dist[prof][None]])
            units.loc[units.index[vt], "profile"] = len(profiles) - 1
            split[unit] = len(profiles) - 1
        t = int(hit[0])
        loc = int(tasks["loc"].iat[t])
        others = [q for q in range(len(profiles)) if q != split[unit]]
        dur[others, :, loc] = UNREACHABLE
        dist[others, :, loc] = UNREACHABLE
        dur[others, loc, loc] = dist[others, loc, loc] = 0
        tasks.loc[tasks.index[t], "required"] = True
    new_p = replace(p, duration=dur, distance=dist, profiles=tuple(profiles), units=units, tasks=tasks)
    from hutan_geo.analysis.patrol.reasons import alone_earliest

    alone = alone_earliest(new_p)
    for key, unit in pins.items():
        t = int(np.flatnonzero((tasks["task_id"] == key) | (tasks["ref"] == key))[0])
        vt = int(np.flatnonzero(units["unit_type"] == unit)[0])
        u = units.iloc[vt]
        d = new_p.duration[int(u.profile)]
        s_loc = int(p.depots["loc"].iat[int(u.start_depot)])
        start = max(int(u.tw_early) + d[s_loc, int(tasks["loc"].iat[t])], int(tasks["tw_early"].iat[t]))
        if start > int(tasks["tw_late"].iat[t]) or not alone["feasible"].iat[t]:
            msg = (
                f"pin: unit {unit} cannot reach {tasks['name'].iat[t]} ({key}) inside its window; "
                "pin it to a nearer unit"
            )
            raise InputError(msg)
    new = _solve(plan, new_p, [(u, ts) for u, _, ts in _unit_names(plan)], solve)
    return Replan(new, changes_table(plan, new), pd.DataFrame())


def _explode(p: PatrolProblem) -> pd.DataFrame:
    """One named unit type per vehicle, named as the plan names them."""
    veh = p.vehicles
    units = p.units.iloc[veh["unit_type"].to_numpy()].reset_index(drop=True).copy()
    units["unit_type"], units["num"], units["named"] = veh["unit"].to_numpy(), 1, True
    return units


def _positions(plan: Plan, broken: str, at: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Where each unit is at minute ``at``: (continuing units, done stays, tasks back in the pool)."""
    it = plan.itinerary
    units, done, pool = [], [], []
    for unit, r in it.groupby("unit", sort=False):
        r = r.reset_index(drop=True)
        stops = r[r["task"] != ""]
        if unit == broken:
            done.extend(stops[stops["start"] <= at].to_dict("records"))
            pool.extend(stops.loc[stops["start"] > at, "task"])
            continue
        started = stops[stops["start"] <= at]
        nxt = r[(r.index > 0) & (r["start"] > at)]
        if r["leave"].iat[0] > at:  # still at the station: may leave from now on
            where, free, rest = 0, at, list(stops["task"])
        else:
            last = started.index.max() if len(started) else 0
            where = last
            if r["leave"].iat[last] <= at and len(nxt):  # driving on: committed to the next place
                where = int(nxt.index[0])
            commit = r.iloc[last + 1 : where + 1]
            started = pd.concat([started, commit[commit["task"] != ""]])
            free = float(r["leave"].iat[where])
            rest = [t for t in r["task"].iloc[where + 1 :] if t]
        done.extend(started.to_dict("records"))
        units.append(
            {
                "unit": unit,
                "unit_type": int(r["unit_type"].iat[0]),
                "loc": int(r["loc"].iat[where]),
                "place": r["place"].iat[where],
                "free": max(free, at),
                "rest": rest,
                "at_station": where == len(r) - 1,
            }
        )
    return units, done, pool


def take_out(plan: Plan, unit: str, at: float | str, **solve: Any) -> Replan:
    """Re-plan the rest of the window after ``unit`` drops out at minute ``at`` (or ``"07:10"``).

    Parameters
    ----------
    plan
        The plan being carried out.
    unit
        The unit that drops out (a name of ``plan.itinerary["unit"]``).
    at
        Minutes after midnight, or ``HH:MM``.
    **solve
        Solver options (``iterations``, ``seconds``, ``seed``).

    Returns
    -------
    Replan
        Its plan covers what is left of the window; :attr:`Replan.done` lists
        stays already done or committed.

    Raises
    ------
    InputError
        An unknown unit.
    """
    from hutan_geo.model.timefmt import minutes

    at = minutes(at)
    p = plan.problem
    if unit not in set(plan.itinerary["unit"]):
        msg = f"take_out: unit {unit!r} is not in the plan; units: {sorted(set(plan.itinerary['unit']))}"
        raise InputError(msg)
    moving, done, _pool = _positions(plan, unit, at)
    scale = 60.0 / p.time_scale_s
    done_ids = {d["task"] for d in done}
    depots, units = p.depots.copy(), []
    for m in moving:
        old = p.units.iloc[m["unit_type"]]
        depots = pd.concat(
            [
                depots,
                pd.DataFrame(
                    [{"name": m["place"], "loc": m["loc"], "tw_early": 0, "tw_late": int(p.depots["tw_late"].max())}]
                ),
            ],
            ignore_index=True,
        )
        units.append(
            {
                "unit_type": m["unit"],
                "kind": old.kind,
                "station": old.station,
                "start_depot": len(depots) - 1,
                "end_depot": int(old.end_depot),
                "num": 1,
                "profile": int(old.profile),
                "tw_early": round(m["free"] * scale),
                "tw_late": int(old.tw_late),
                "capacity": 0,
                "named": True,
            }
        )
    if not units:
        msg = f"take_out: no unit left after {unit} drops out"
        raise InputError(msg)
    tasks = p.tasks[~p.tasks["task_id"].isin(done_ids)]
    shift = p.info.get("shift")
    info = {**p.info, "shift": (at, shift[1]) if shift else None}
    new_p = replace(p, depots=depots, units=pd.DataFrame(units), tasks=tasks.reset_index(drop=True), info=info)
    new = _solve(plan, new_p, [(m["unit"], m["rest"]) for m in moving], solve)
    return Replan(new, changes_table(plan, new, done=sorted(done_ids)), pd.DataFrame(done))


def change_clusters(
    plan: Plan, *, add: gpd.GeoDataFrame | None = None, drop: Sequence[str] = (), **solve: Any
) -> Replan:
    """Re-plan with hazard clusters added (points with ``cluster_id``, ``name``, ``weight``) or dropped (by cluster id).

    Added clusters get travel times from the problem's road network in its profile.

    Raises
    ------
    InputError
        Adding without a road network, or dropping an unknown cluster.
    """
    p = plan.problem
    tasks = p.tasks
    unknown = set(drop) - set(tasks.loc[tasks["kind"] == "cluster", "ref"])
    if unknown:
        msg = f"change_clusters: no cluster {sorted(unknown)} in the plan"
        raise InputError(msg)
    tasks = tasks[~((tasks["kind"] == "cluster") & tasks["ref"].isin(list(drop)))]
    new_p = p.with_tasks(tasks)
    if add is not None and len(add):
        new_p = _add_clusters(new_p, add)
    new = _solve(plan, new_p, plan.route_names(), solve)
    return Replan(new, changes_table(plan, new), pd.DataFrame())


def _add_clusters(p: PatrolProblem, add: gpd.GeoDataFrame) -> PatrolProblem:
    import geopandas as gpd
    import shapely

    from hutan_geo.network import travel_time_matrix

    if p.network is None:
        msg = "change_clusters: adding clusters needs the road network the plan was built on"
        raise InputError(msg)
    add = add.to_crs(4326).reset_index(drop=True)
    pts = gpd.GeoSeries(shapely.centroid(add.geometry.to_numpy()), crs=4326)
    old = gpd.GeoDataFrame(geometry=gpd.points_from_xy(p.locations["lon"], p.locations["lat"]), crs=4326)
    both = pd.concat([old, gpd.GeoDataFrame(geometry=pts, crs=4326)], ignore_index=True)
    n_old, n = len(old), len(both)
    dur = np.empty((len(p.profiles), n, n), np.int64)
    dist = np.empty_like(dur)
    for q, name in enumerate(p.profiles):
        mode, _, prof = name.partition(":")
        if mode != "drive":
            prof = "free"
        m = travel_time_matrix(p.network, both, profile=prof, mode="drive" if mode == "drive" else "walk")
        bad = ~np.isfinite(m.travel_s)
        dur[q] = np.where(bad, UNREACHABLE, np.ceil(np.where(bad, 0, m.travel_s)))
        dist[q] = np.where(bad, UNREACHABLE, np.round(np.nan_to_num(m.dist_m)))
        dur[q, :n_old, :n_old], dist[q, :n_old, :n_old] = p.duration[q], p.distance[q]
    params = p.info.get("params")
    shift = p.info.get("shift", (0, 24 * 60))
    ids = add["cluster_id"].astype(str) if "cluster_id" in add else pd.Series([f"X{i}" for i in range(len(add))])
    weight = add["weight"].astype(float).clip(0, 1) if "weight" in add else pd.Series(1.0, index=add.index)
    new_tasks = pd.DataFrame(
        {
            "task_id": [f"{c}@{p.window}" for c in ids],
            "loc": n_old + np.arange(len(add)),
            "kind": "cluster",
            "name": add["name"].astype(str) if "name" in add else ids,
            "ref": ids.to_numpy(),
            "window": p.window,
            "tw_early": int(shift[0] * 60 / p.time_scale_s),
            "tw_late": int(shift[1] * 60 / p.time_scale_s),
            "service": round((params.cluster_dwell_min if params else 2) * 60 / p.time_scale_s),
            "required": False,
            "prize": np.round((params.cluster_prize_m if params else 3000) * weight.to_numpy()).astype(np.int64),
            "load": 0,
            "priority": weight.to_numpy(),
            "gate_name": "",
        }
    )
    locs = pd.concat(
        [
            p.locations,
            pd.DataFrame(
                {"name": new_tasks["name"], "kind": "cluster", "ref": ids.to_numpy(), "lon": pts.x, "lat": pts.y}
            ),
        ],
        ignore_index=True,
    )
    return replace(
        p, duration=dur, distance=dist, locations=locs, tasks=pd.concat([p.tasks, new_tasks], ignore_index=True)
    )
