"""Build a :class:`~hutan_geo.analysis.patrol.problem.PatrolProblem` from a District or plain frames.

One task per school needing cover in the window, at its main gate (or the
gate chosen with ``gates_chosen=``), with the dwell of the rule in
:class:`~hutan_geo.analysis.patrol.params.PatrolParams` and a priority (by
default the school's risk score over the highest); schools whose window a
guard post covers are listed in ``covered`` and not routed; optional hazard
clusters become prize stops. Units: every station's ``patrol_cars`` (cars,
on the driving network in the window's profile), plus optional foot or
e-bike teams (``teams=``) on the walking network at their own speed. Every
station is a depot (also one without cars: the minimum-fleet search may add
cars there). Travel times come from the network (one snap per point set:
:class:`~hutan_geo.network.DistanceService`), rounded up to whole seconds.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo.analysis.patrol.params import WINDOWS, PatrolParams
from hutan_geo.analysis.patrol.problem import UNREACHABLE, PatrolProblem
from hutan_geo.errors import InputError
from hutan_geo.model.timefmt import clock

if TYPE_CHECKING:
    from hutan_geo.io.district import District
    from hutan_geo.network import RoadNetwork

__all__ = ["build_problem", "district_frames", "network_for", "risk_priority"]

log = logging.getLogger("hutan_geo")

#: Default speeds (km/h) of teams that are not cars.
TEAM_SPEEDS_KPH: Mapping[str, float] = {"foot": 4.3, "ebike": 15.0}
_DEPOT_DAY = (0, 48 * 3600)


def district_frames(district: District) -> dict[str, Any]:
    """Return the layers the planner reads from ``district`` (missing ones as None)."""
    layers = district.layers
    keys = ("schools", "gates", "stations", "guard_posts", "hazards", "roads", "campuses")
    return {k: layers.get(k) for k in keys}


def network_for(district: District | None = None, *, roads: gpd.GeoDataFrame | None = None) -> RoadNetwork:
    """Return the road network of ``district`` (or of ``roads``), built once and kept on the district.

    Raises
    ------
    InputError
        No roads to build it from.
    """
    from hutan_geo.network import network_from_roads

    if district is not None:
        cached = district.results.get("patrol_network") if isinstance(district.results, dict) else None
        if cached is not None:
            return cached
        roads = district.layers.get("roads")
    if roads is None or len(roads) == 0:
        msg = "the patrol planner needs the road network: add roads/roads.geojson to the district or pass network="
        raise InputError(msg)
    net = network_from_roads(roads)
    if district is not None and isinstance(district.results, dict):
        district.results["patrol_network"] = net
    return net


def _school_label(row: Any) -> str:
    return f"{row.school_id} {row.name}"


def _windows(schools: pd.DataFrame, window: str) -> pd.DataFrame:
    """Schools with a window (start/end minutes); refuse a window that ends before it starts."""
    start_col, end_col = f"{window}_start_min", f"{window}_end_min"
    missing = [c for c in ("school_id", "name", start_col, end_col) if c not in schools.columns]
    if missing:
        msg = (
            f"schools: missing columns {missing} needed for the {window} window; "
            f"the schools list needs {start_col}/{end_col}"
        )
        raise InputError(msg)
    s = schools.loc[schools[start_col].notna() & schools[end_col].notna()].copy()
    s["ws"], s["we"] = s[start_col].astype(float), s[end_col].astype(float)
    bad = s[s["we"] <= s["ws"]]
    if len(bad):
        r = bad.iloc[0]
        msg = (
            f"school {r.school_id} {r['name']}: the {window} window ends ({clock(r.we)}) before it starts "
            f"({clock(r.ws)}); fix {start_col}/{end_col} in the schools list"
            + (f" ({len(bad) - 1} more schools alike)" if len(bad) > 1 else "")
        )
        raise InputError(msg)
    return s


def _guarded(guard_posts: pd.DataFrame | None, window: str) -> dict[str, str]:
    """School id -> guard post id for posts covering ``window``."""
    if guard_posts is None or len(guard_posts) == 0:
        return {}
    out: dict[str, str] = {}
    for row in guard_posts.itertuples(index=False):
        wins = {w.strip() for w in str(getattr(row, "windows", "") or "").replace("；", ";").split(";")}
        if window in wins:
            out.setdefault(str(row.school_id), str(getattr(row, "post_id", "")))
    return out


def _gate_points(
    routed: pd.DataFrame, gates: gpd.GeoDataFrame | None, chosen: Mapping[str, str] | None
) -> tuple[list[Any], list[str]]:
    """Gate point and gate name per routed school: chosen gate, else main gate, else first, else the school point."""
    chosen = dict(chosen or {})
    by_school = {} if gates is None or len(gates) == 0 else dict(iter(gates.to_crs(4326).groupby("school_id")))
    points, names = [], []
    for row in routed.itertuples(index=False):
        g = by_school.get(row.school_id)
        want = chosen.get(row.school_id)
        if want is not None:
            if g is None or want not in set(g["gate_name"]):
                have = sorted(g["gate_name"]) if g is not None else []
                msg = (
                    f"school {_school_label(row)}: gate {want!r} is not in the gates list "
                    f"(it has {have or 'no gates'}); "
                    "fix gates_chosen or add the gate to gates.csv"
                )
                raise InputError(msg)
            pick = g[g["gate_name"] == want].iloc[0]
        elif g is not None:
            main = g[g["is_main"].fillna(False).astype(bool)] if "is_main" in g else g.iloc[:0]
            pick = (main if len(main) else g).iloc[0]
        else:
            pick = None
        if pick is not None and pick.geometry is not None and not pick.geometry.is_empty:
            points.append(pick.geometry)
            names.append(str(pick["gate_name"]))
        elif row.geometry is not None and not row.geometry.is_empty:
            log.info("school %s has no gate row: its own point stands for its main gate", row.school_id)
            points.append(row.geometry)
            names.append("")
        else:
            msg = f"school {_school_label(row)} has no gate and no location; add its gate to gates.csv"
            raise InputError(msg)
    return points, names


def _dwell(routed: pd.DataFrame, params: PatrolParams, dwell: Mapping[str, float] | None, window: str) -> np.ndarray:
    """Dwell minutes per routed school; refuse one longer than its window."""
    dwell = dict(dwell or {})
    enrol = routed["enrolment"].fillna(0).to_numpy(float) if "enrolment" in routed else np.zeros(len(routed))
    out = np.array(
        [float(dwell.get(sid, params.dwell_for(e))) for sid, e in zip(routed["school_id"], enrol, strict=True)]
    )
    length = routed["we"].to_numpy() - routed["ws"].to_numpy()
    bad = np.flatnonzero((out > length) | (out < 0))
    if len(bad):
        r = routed.iloc[bad[0]]
        msg = (
            f"school {r.school_id} {r['name']}: dwell {out[bad[0]]:g} min is longer than its {window} window "
            f"{clock(r.ws)}-{clock(r.we)} ({length[bad[0]]:g} min); shorten it (dwell={{'{r.school_id}': ...}} or "
            "PatrolParams(dwell_rule=...)) or widen the window"
        )
        raise InputError(msg)
    return out


def _cars(stations: gpd.GeoDataFrame, extra_cars: Mapping[str, int] | None) -> np.ndarray:
    """Cars per station (``patrol_cars`` plus ``extra_cars`` by station id or name)."""
    if "patrol_cars" not in stations:
        msg = "stations: missing column patrol_cars (number of patrol cars of each station)"
        raise InputError(msg)
    cars = pd.to_numeric(stations["patrol_cars"], errors="coerce").fillna(0).to_numpy(float)
    bad = np.flatnonzero((cars < 0) | (cars != np.round(cars)))
    if len(bad):
        r = stations.iloc[bad[0]]
        msg = f"station {r.station_id} {r['name']}: patrol_cars must be a whole number >= 0; got {r.patrol_cars!r}"
        raise InputError(msg)
    cars = cars.astype(int)
    for key, n in dict(extra_cars or {}).items():
        hit = np.flatnonzero(
            (stations["station_id"].astype(str) == str(key)) | (stations["name"].astype(str) == str(key))
        )
        if not len(hit):
            msg = f"extra_cars: no station {key!r}; use a station_id or name of the stations list"
            raise InputError(msg)
        cars[hit[0]] += int(n)
    return cars


def _clusters(clusters: int | gpd.GeoDataFrame | None, hazards: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Hazard-cluster stops: ``cluster_id``, ``name``, ``weight`` (0..1), geometry (EPSG:4326)."""
    empty = gpd.GeoDataFrame({"cluster_id": [], "name": [], "weight": []}, geometry=[], crs=4326)
    if clusters is None or (isinstance(clusters, int) and clusters <= 0):
        return empty
    if isinstance(clusters, gpd.GeoDataFrame):
        c = clusters.to_crs(4326).reset_index(drop=True)
        return gpd.GeoDataFrame(
            {
                "cluster_id": c["cluster_id"].astype(str) if "cluster_id" in c else [f"C{i}" for i in range(len(c))],
                "name": c["name"].astype(str) if "name" in c else [f"聚集点{i + 1}" for i in range(len(c))],
                "weight": c["weight"].astype(float).clip(0, 1) if "weight" in c else 1.0,
            },
            geometry=shapely.centroid(c.geometry.to_numpy()),
            crs=4326,
        )
    if hazards is None or len(hazards) == 0:
        msg = "clusters=k needs the hazards layer; pass hazards or a GeoDataFrame of cluster points"
        raise InputError(msg)
    from hutan_geo.analysis import dbscan_clusters

    cl = dbscan_clusters(hazards).clusters
    if len(cl) == 0:
        return empty
    cl = cl.sort_values(["n_open", "n_hazards"], ascending=False, kind="stable").head(int(clusters))
    pts = gpd.GeoSeries(shapely.points(cl["centroid_x"], cl["centroid_y"]), crs=cl.crs).to_crs(4326)
    top = max(float(cl["n_open"].max()), 1.0)
    weight = np.maximum(cl["n_open"].to_numpy(float), 0.5) / top
    near = cl["nearest_school_name"].astype(str).tolist() if "nearest_school_name" in cl else [""] * len(cl)
    return gpd.GeoDataFrame(
        {
            "cluster_id": [f"C{int(k)}" for k in cl["cluster"]],
            "name": [
                f"隐患聚集点{int(k) + 1}" + (f"（{n}附近）" if n else "")
                for k, n in zip(cl["cluster"], near, strict=True)
            ],
            "weight": np.clip(weight, 0, 1),
        },
        geometry=pts.to_numpy(),
        crs=4326,
    )


def risk_priority(hazards: Any, schools: Any, campuses: Any, gates: Any) -> dict[str, float]:
    """Return school id -> priority: the risk score over the highest one (empty when there are no hazards)."""
    if hazards is None or len(hazards) == 0:
        return {}
    from hutan_geo.analysis import prepare_sites, risk_scores

    sites = prepare_sites(schools, campuses, gates)
    scores = risk_scores(hazards, sites).schools
    top = float(scores["score"].max()) if len(scores) else 0.0
    if top <= 0:
        return {}
    return dict(zip(scores["school_id"].astype(str), scores["score"].astype(float) / top, strict=True))


def _teams(teams: pd.DataFrame | None, stations: pd.DataFrame) -> pd.DataFrame:
    """Foot / e-bike teams: ``station_row``, ``kind``, ``count``, ``speed_kph``."""
    cols = ["station_row", "kind", "count", "speed_kph"]
    if teams is None or len(teams) == 0:
        return pd.DataFrame(columns=cols)
    rows = []
    for t in pd.DataFrame(teams).itertuples(index=False):
        key = str(t.station)
        hit = np.flatnonzero((stations["station_id"].astype(str) == key) | (stations["name"].astype(str) == key))
        if not len(hit):
            msg = f"teams: no station {key!r}; use a station_id or name of the stations list"
            raise InputError(msg)
        kind = str(t.kind)
        speed = float(getattr(t, "speed_kph", np.nan)) if hasattr(t, "speed_kph") else np.nan
        if not math.isfinite(speed):
            if kind not in TEAM_SPEEDS_KPH:
                msg = f"teams: kind {kind!r} needs a speed_kph (known kinds: {', '.join(TEAM_SPEEDS_KPH)})"
                raise InputError(msg)
            speed = TEAM_SPEEDS_KPH[kind]
        if speed <= 0 or int(t.count) < 0:
            msg = f"teams: station {key!r} {kind}: count must be >= 0 and speed_kph > 0"
            raise InputError(msg)
        if int(t.count):
            rows.append({"station_row": int(hit[0]), "kind": kind, "count": int(t.count), "speed_kph": speed})
    return pd.DataFrame(rows, columns=cols)


def _snap_check(svc: Any, places: pd.DataFrame, mode: str, limit_m: float) -> None:
    """Refuse a station, gate or cluster that does not snap to the network, naming it and the fix."""
    snaps = svc.snaps("places", mode=mode)
    far = snaps["snap_dist_m"].to_numpy(float) > limit_m
    bad = np.flatnonzero(~snaps["snapped"].to_numpy(bool) | far)
    if not len(bad):
        return
    r = places.iloc[bad[0]]
    reason = snaps["reason"].iat[bad[0]]
    if pd.isna(reason):
        reason = f"{snaps['snap_dist_m'].iat[bad[0]]:.0f} m from the nearest road (limit {limit_m:g} m)"
    what = {"station": "station", "gate": "the gate of school", "cluster": "hazard cluster"}[r["kind"]]
    msg = (
        f"{what} {r['ref']} {r['name']} does not snap to the {mode} network: {reason}; "
        "fix its coordinates (WGS84? GCJ-02 points are 0.3-0.7 km off) or raise PatrolParams(max_snap_m=...)"
        + (f" ({len(bad) - 1} more places alike)" if len(bad) > 1 else "")
    )
    raise InputError(msg)


def _matrices(
    net: RoadNetwork, places: gpd.GeoDataFrame, profile: str, teams: pd.DataFrame, params: PatrolParams
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Integer seconds and metres: profile 0 driving, then one walking-network profile per team speed."""
    from hutan_geo.network import DistanceService

    svc = DistanceService(net)
    svc.add("places", places)
    for mode in ("drive", *(["walk"] if len(teams) else [])):
        _snap_check(svc, places, mode, params.max_snap_m)
    durs, dists, names = [], [], []
    m = svc.matrix("places", mode="drive", profile=profile, with_distance=True)
    durs.append(m.travel_s)
    dists.append(m.dist_m)
    names.append(f"drive:{profile}")
    if len(teams):
        w = svc.matrix("places", mode="walk", with_distance=True)
        walk_kph = net.params.walk_speed_mps * 3.6
        for speed in sorted(set(teams["speed_kph"])):
            durs.append(w.travel_s * walk_kph / speed)
            dists.append(w.dist_m)
            names.append(f"walk:{speed:g}kph")
    dur = np.stack(durs)
    dist = np.stack(dists)
    bad = ~np.isfinite(dur) | ~np.isfinite(dist)
    dur_i = np.where(bad, UNREACHABLE, np.ceil(np.where(bad, 0, dur))).astype(np.int64)
    dist_i = np.where(bad, UNREACHABLE, np.round(np.where(bad, 0, dist))).astype(np.int64)
    return dur_i, dist_i, names


def build_problem(
    district: District | None = None,
    window: str = "arrival",
    *,
    schools: gpd.GeoDataFrame | None = None,
    gates: gpd.GeoDataFrame | None = None,
    stations: gpd.GeoDataFrame | None = None,
    guard_posts: pd.DataFrame | None = None,
    hazards: gpd.GeoDataFrame | None = None,
    campuses: gpd.GeoDataFrame | None = None,
    network: RoadNetwork | None = None,
    params: PatrolParams | None = None,
    priority: Mapping[str, float] | None = None,
    dwell: Mapping[str, float] | None = None,
    gates_chosen: Mapping[str, str] | None = None,
    clusters: int | gpd.GeoDataFrame | None = None,
    teams: pd.DataFrame | None = None,
    extra_cars: Mapping[str, int] | None = None,
) -> PatrolProblem:
    """Build the patrol problem of one window from a District or plain frames.

    Parameters
    ----------
    district
        A loaded district (its layers fill any frame not given).
    window
        ``"arrival"``, ``"noon"`` or ``"dismissal"``.
    schools, gates, stations, guard_posts, hazards, campuses
        Plain frames in the district layout (override the district's).
    network
        The road network; default built from the district's roads.
    params
        Rules (dwell, shifts, profiles, prizes); default :class:`PatrolParams`.
    priority
        School id -> priority in 0..1; default the risk score over the
        highest (0 without hazards).
    dwell
        School id -> dwell minutes, overriding the rule.
    gates_chosen
        School id -> gate name to serve instead of the main gate.
    clusters
        Number of hazard clusters (largest by open hazards) to offer as
        prize stops, or a GeoDataFrame of cluster points (``cluster_id``,
        ``name``, ``weight``).
    teams
        Foot/e-bike teams: ``station`` (id or name), ``kind`` (``foot``,
        ``ebike``), ``count``, optional ``speed_kph``.
    extra_cars
        Station id or name -> cars added to ``patrol_cars``.

    Returns
    -------
    PatrolProblem

    Raises
    ------
    InputError
        Unknown window; a window that ends before it starts; a dwell longer
        than its window; a chosen gate that is missing; a station or gate
        that does not snap to the network; no units at all. The message
        names the school or station and the fix.
    """
    if window not in WINDOWS:
        msg = f"window must be one of {', '.join(WINDOWS)} (or 'day' for plan_patrols); got {window!r}"
        raise InputError(msg)
    params = params or PatrolParams()
    given = {"schools": schools, "gates": gates, "stations": stations, "guard_posts": guard_posts}
    given |= {"hazards": hazards, "campuses": campuses}
    frames = district_frames(district) if district is not None else {}
    f = _resolve_frames(given, frames)
    net = network if network is not None else network_for(district, roads=frames.get("roads"))
    all_schools = _windows(f["schools"].to_crs(4326), window)
    routed, covered = _split_covered(all_schools, _guarded(f["guard_posts"], window), window)
    dwell_min = _dwell(routed, params, dwell, window)
    gate_pts, gate_names = _gate_points(routed, f["gates"], gates_chosen)
    st = _located_stations(f["stations"])
    cars = _cars(st, extra_cars)
    team = _teams(teams, st)
    if cars.sum() + team["count"].sum() == 0:
        msg = (
            "no patrol units: every station has patrol_cars = 0 and no teams were given; "
            "set patrol_cars >= 1 in stations.csv"
        )
        raise InputError(msg)
    cl = _clusters(clusters, f["hazards"])
    places = _places(st, routed, gate_pts, cl)
    dur, dist, profiles = _matrices(net, places, params.profiles[window], team, params)
    if priority is None:
        priority = risk_priority(f["hazards"], f["schools"], f["campuses"], f["gates"])
    shift = params.shifts[window]
    stations_info = pd.DataFrame(
        {"station_id": st["station_id"].astype(str), "name": st["name"].astype(str), "cars": cars}
    )
    return PatrolProblem(
        duration=dur,
        distance=dist,
        locations=_locations(places),
        depots=_depots(st),
        tasks=_task_frame(routed, cl, window, dwell_min, gate_names, dict(priority), params, len(st)),
        units=_unit_frame(st, cars, team, shift, profiles),
        covered=covered,
        window=window,
        profiles=tuple(profiles),
        time_scale_s=1.0,
        network=net,
        info={"params": params, "stations": stations_info, "shift": shift, "n_needing": len(all_schools)},
    )


def _resolve_frames(given: dict[str, Any], frames: Mapping[str, Any]) -> dict[str, Any]:
    """Given frames over the district's; refuse a problem without schools or stations."""
    f = {k: (v if v is not None else frames.get(k)) for k, v in given.items()}
    if f["schools"] is None or f["stations"] is None or len(f["stations"]) == 0:
        msg = "the patrol planner needs the schools and the police stations (police/stations.csv)"
        raise InputError(msg)
    return f


def _split_covered(
    all_schools: pd.DataFrame, posts: Mapping[str, str], window: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the schools of a window into those to route and those a guard post covers (with the post)."""
    ids = all_schools["school_id"].astype(str)
    is_covered = ids.isin(posts)
    routed = all_schools.loc[~is_covered].reset_index(drop=True)
    covered = pd.DataFrame(
        {
            "school_id": ids[is_covered].to_numpy(),
            "name": all_schools.loc[is_covered, "name"].to_numpy(),
            "window": window,
            "post_id": [posts[s] for s in ids[is_covered]],
        }
    )
    return routed, covered


def _located_stations(stations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Stations in EPSG:4326 (index reset); refuse one without a location."""
    st = stations.to_crs(4326).reset_index(drop=True)
    for r in st.itertuples(index=False):
        if r.geometry is None or r.geometry.is_empty:
            msg = f"station {r.station_id} {r.name} has no location; add its coordinates to stations.csv"
            raise InputError(msg)
    return st


def _places(st: gpd.GeoDataFrame, routed: pd.DataFrame, gate_pts: list[Any], cl: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every location of the problem in matrix order: stations, then school gates, then clusters."""
    return gpd.GeoDataFrame(
        {
            "kind": ["station"] * len(st) + ["gate"] * len(routed) + ["cluster"] * len(cl),
            "ref": [*st["station_id"].astype(str), *routed["school_id"].astype(str), *cl["cluster_id"]],
            "name": [*st["name"].astype(str), *routed["name"].astype(str), *cl["name"]],
        },
        geometry=[*st.geometry, *gate_pts, *cl.geometry],
        crs=4326,
    )


def _locations(places: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the problem's location table: name, kind, ref, lon, lat."""
    return pd.DataFrame(
        {
            "name": places["name"],
            "kind": places["kind"],
            "ref": places["ref"],
            "lon": places.geometry.x.to_numpy(),
            "lat": places.geometry.y.to_numpy(),
        }
    )


def _depots(st: pd.DataFrame) -> pd.DataFrame:
    """One depot per station (open all day: the units' shifts bound the routes)."""
    return pd.DataFrame(
        {"name": st["name"].astype(str), "loc": np.arange(len(st)), "tw_early": _DEPOT_DAY[0], "tw_late": _DEPOT_DAY[1]}
    )


def _task_frame(
    routed: pd.DataFrame,
    cl: gpd.GeoDataFrame,
    window: str,
    dwell_min: np.ndarray,
    gate_names: list[str],
    prio: Mapping[str, float],
    params: PatrolParams,
    n_st: int,
) -> pd.DataFrame:
    """School tasks (optional, large prize scaled by priority) then cluster tasks (optional, small prize)."""
    ids = routed["school_id"].astype(str).to_numpy()
    p = np.clip(np.array([float(prio.get(s, 0.0)) for s in ids]), 0, 1)
    ws, we = routed["ws"].to_numpy() * 60, routed["we"].to_numpy() * 60
    service = np.round(dwell_min * 60).astype(np.int64)
    late = we - service if params.dwell_inside_window else we
    shift = params.shifts[window]
    schools = pd.DataFrame(
        {
            "task_id": [f"{s}@{window}" for s in ids],
            "loc": n_st + np.arange(len(ids)),
            "kind": "school",
            "name": routed["name"].astype(str).to_numpy(),
            "ref": ids,
            "window": window,
            "tw_early": np.round(ws).astype(np.int64),
            "tw_late": np.round(late).astype(np.int64),
            "service": service,
            "required": False,
            "prize": np.round(params.school_prize * (1 + p)).astype(np.int64),
            "load": 0,
            "priority": p,
            "gate_name": gate_names,
        }
    )
    k = len(cl)
    clusters = pd.DataFrame(
        {
            "task_id": [f"{c}@{window}" for c in cl["cluster_id"]],
            "loc": n_st + len(ids) + np.arange(k),
            "kind": "cluster",
            "name": cl["name"].astype(str).to_numpy(),
            "ref": cl["cluster_id"].astype(str).to_numpy(),
            "window": window,
            "tw_early": shift[0] * 60,
            "tw_late": shift[1] * 60,
            "service": round(params.cluster_dwell_min * 60),
            "required": False,
            "prize": np.round(params.cluster_prize_m * cl["weight"].to_numpy(float)).astype(np.int64),
            "load": 0,
            "priority": cl["weight"].to_numpy(float),
            "gate_name": "",
        }
    )
    return pd.concat([schools, clusters], ignore_index=True) if k else schools


def _unit_frame(
    st: pd.DataFrame, cars: np.ndarray, team: pd.DataFrame, shift: tuple[int, int], profiles: list[str]
) -> pd.DataFrame:
    """One unit type per station with cars, and one per team (walking-network profile of its speed)."""
    rows = []
    for i, n in enumerate(cars):
        if n > 0:
            rows.append(
                {
                    "unit_type": str(st["name"].iat[i]),
                    "kind": "car",
                    "station": str(st["name"].iat[i]),
                    "start_depot": i,
                    "end_depot": i,
                    "num": int(n),
                    "profile": 0,
                }
            )
    for t in team.itertuples(index=False):
        prof = profiles.index(f"walk:{t.speed_kph:g}kph")
        name = f"{st['name'].iat[t.station_row]}·{t.kind}"
        rows.append(
            {
                "unit_type": name,
                "kind": t.kind,
                "station": str(st["name"].iat[t.station_row]),
                "start_depot": t.station_row,
                "end_depot": t.station_row,
                "num": int(t.count),
                "profile": prof,
            }
        )
    units = pd.DataFrame(rows)
    units["tw_early"], units["tw_late"], units["capacity"] = shift[0] * 60, shift[1] * 60, 0
    return units
