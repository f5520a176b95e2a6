"""The routes students really walk: from each school gate to where they live, and the risks on the way.

:func:`student_routes` walks the network (``mode="walk"``: one-way rules
ignored, national highways not walked along) from the nearest gate of each
school to each of its residences (rental clusters and villages, with student
counts), then, in the network's metric CRS:

- finds every hazard within ``hazard_within_m`` of each route, exactly
  (:func:`~hutan_geo.analysis.kernel.pairs_within` on the route line, not
  only the gate);
- lists the route's pieces along arterials and its crossings of national
  highways and arterials (a crossing: the route meets such a road at a point
  other than its own ends, without walking along it there);
- cuts each route into stretches of ``stretch_m`` metres. A stretch is
  **high-risk** when at least ``min_open_hazards`` open hazards lie within
  ``hazard_within_m`` of it, or a national-highway crossing lies on it;
- gives the share of students whose route has a high-risk stretch.

:func:`night_study_routes` does the same for schools with evening self-study
(complete and senior middle schools and boarding schools), walking home
after 21:30: a stretch farther than ``cover_m`` from every patrol stop is
flagged ``uncovered`` and counts as high-risk at night (with no patrol stops
given, no stretch is covered). The data has no street lighting, so lit roads
are not judged.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from hutan_geo._i18n import check_lang, tr
from hutan_geo.analysis.hazards import open_mask, split_placed
from hutan_geo.analysis.kernel import pairs_within
from hutan_geo.errors import InputError, NetworkError
from hutan_geo.model.frames import check_frame
from hutan_geo.network import RoadNetwork, shortest_path

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CROSSING_CLASSES",
    "NIGHT_LEVELS",
    "StudentRoutes",
    "night_study_routes",
    "route_frames",
    "school_gates",
    "student_routes",
]

log = logging.getLogger("hutan_geo")

#: Road classes whose crossings (and walking along) are reported.
CROSSING_CLASSES: tuple[str, ...] = ("national_highway", "arterial")
#: School levels with evening self-study (besides any boarding school).
NIGHT_LEVELS: tuple[str, ...] = ("complete_middle", "senior")

_SAME_CROSSING_M = 40.0  # crossings of one road closer than this are one crossing

_ROUTE_COLUMNS = [
    "residence_id",
    "school_id",
    "residence",
    "kind",
    "students",
    "gate",
    "length_m",
    "walk_min",
    "straight_m",
    "n_hazards",
    "n_open_hazards",
    "n_crossings",
    "crosses_national_highway",
    "arterial_m",
    "high_risk_m",
    "high_risk",
]


@dataclass(frozen=True)
class StudentRoutes:
    """Walking routes from school gates to residences, with the hazards and crossings on them.

    Attributes
    ----------
    routes
        One row per routed residence (EPSG:4326 LineString from the gate to
        the residence): ``residence_id``, ``school_id``, ``residence``,
        ``kind``, ``students``, ``gate``, ``length_m``, ``walk_min``,
        ``straight_m`` (gate to residence in a straight line),
        ``n_hazards``, ``n_open_hazards``, ``n_crossings``,
        ``crosses_national_highway``, ``arterial_m`` (walked along
        arterials), ``high_risk_m`` (length of high-risk stretches),
        ``high_risk``; night variants add ``uncovered_m``.
    stretches
        The routes cut into stretches (EPSG:4326): ``residence_id``, ``seq``,
        ``length_m``, ``n_open_hazards``, ``national_crossing``,
        ``covered`` (night only), ``high_risk``.
    hazards
        One row per (route, hazard) pair within the distance:
        ``residence_id``, ``school_id``, ``hazard_id``, ``category``,
        ``status``, ``open``, ``distance_m``, point geometry (EPSG:4326).
    crossings
        Points where a route crosses a national highway or arterial:
        ``residence_id``, ``school_id``, ``road_class``, ``road``, geometry.
    unrouted
        Residences without a route: ``residence_id``, ``school_id``,
        ``reason``.
    skipped
        Hazards without a location, with the reason (never dropped silently).
    summary
        Per school: ``school_id``, ``residences``, ``students``,
        ``students_routed``, ``students_high_risk``, ``share_high_risk``.
    share_high_risk
        Students whose route has a high-risk stretch / students routed (NaN
        when none is routed).
    settings
        The distances and thresholds used.
    """

    routes: gpd.GeoDataFrame
    stretches: gpd.GeoDataFrame
    hazards: gpd.GeoDataFrame
    crossings: gpd.GeoDataFrame
    unrouted: pd.DataFrame
    skipped: pd.DataFrame
    summary: pd.DataFrame
    share_high_risk: float
    settings: dict[str, Any]


def route_frames(data: Any) -> dict[str, gpd.GeoDataFrame]:
    """Return the layers routes need (``residences``, ``schools``, ``gates``, ``hazards``, ``bus_stops``).

    Parameters
    ----------
    data
        A :class:`~hutan_geo.io.District` (its ``layers``) or a mapping of
        layer name to frame. ``gates``, ``hazards`` and ``bus_stops`` may be
        missing.

    Examples
    --------
    >>> sorted(route_frames({"residences": "r", "schools": "s", "roads": "x"}))
    ['residences', 'schools']
    """
    layers: Mapping[str, Any] = getattr(data, "layers", data)
    if not hasattr(layers, "get"):
        msg = (
            f"expected a District or a dict of frames (residences, schools, gates, hazards); got {type(data).__name__}"
        )
        raise InputError(msg)
    names = ("residences", "schools", "gates", "hazards", "bus_stops")
    return {name: layers[name] for name in names if layers.get(name) is not None}


def _need(frames: dict[str, gpd.GeoDataFrame], name: str, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    if name not in frames:
        msg = f"no {name!r} layer: give a District with {name} or a dict with a {name!r} frame"
        raise InputError(msg)
    return check_frame(frames[name], name, columns=columns, geometry="point")


def school_gates(frames: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Return the gates per school (``school_id``, ``gate``, EPSG:4326 point); a school without gates uses its point.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> s = gpd.GeoDataFrame({"school_id": ["S1"]}, geometry=[shapely.Point(113.3, 27.6)], crs=4326)
    >>> school_gates({"schools": s})["school_id"].tolist()
    ['S1']
    """
    schools = _need(frames, "schools", ("school_id",))
    parts = []
    if "gates" in frames and len(frames["gates"]):
        gates = check_frame(frames["gates"], "gates", columns=("school_id",), geometry="point").to_crs(4326)
        name = gates["gate_name"] if "gate_name" in gates else pd.Series(["gate"] * len(gates), index=gates.index)
        parts.append(gpd.GeoDataFrame({"school_id": gates["school_id"], "gate": name}, geometry=gates.geometry))
    have = set(parts[0]["school_id"]) if parts else set()
    rest = schools[~schools["school_id"].isin(have)].to_crs(4326)
    parts.append(gpd.GeoDataFrame({"school_id": rest["school_id"], "gate": ""}, geometry=rest.geometry))
    out = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def _best_path(net: RoadNetwork, gates: gpd.GeoDataFrame, point: shapely.Point) -> tuple[Any, str, str]:
    """Shortest walking path from any of ``gates`` to ``point``: (path or None, gate name, failure reason)."""
    best, gate_name, reason = None, "", "no_gate"
    for gate, geom in zip(gates["gate"], gates.geometry, strict=True):
        try:
            path = shortest_path(net, geom, point, mode="walk", profile="free")
        except NetworkError as exc:  # a point off the network (NoRouteError is a NetworkError too)
            reason = "no_route" if type(exc).__name__ == "NoRouteError" else "not_on_network"
            continue
        if best is None or path.length_m < best.length_m:
            best, gate_name = path, str(gate)
    return best, gate_name, reason


def _walk(frames: dict[str, gpd.GeoDataFrame], net: RoadNetwork, lang: str) -> tuple[list[dict[str, Any]], list]:
    """Route every residence from the nearest gate of its school; return routed rows and unrouted rows."""
    res = _need(frames, "residences", ("school_id", "students")).to_crs(4326)
    gates = school_gates(frames)
    rows, lost = [], []
    for _, r in res.iterrows():
        own = gates[gates["school_id"] == r["school_id"]]
        path, gate, reason = _best_path(net, own, r.geometry) if len(own) else (None, "", "unknown_school")
        if path is None:
            lost.append(
                {
                    "residence_id": r.get("residence_id"),
                    "school_id": r["school_id"],
                    "reason": tr(f"an.sr.{reason}", lang),
                }
            )
            continue
        origin = own.geometry.iloc[list(own["gate"].astype(str)).index(gate)]
        rows.append(
            {
                "residence_id": r.get("residence_id"),
                "school_id": r["school_id"],
                "residence": r.get("name"),
                "kind": r.get("kind"),
                "students": int(r["students"]) if pd.notna(r["students"]) else 0,
                "gate": gate,
                "length_m": round(path.length_m, 1),
                "walk_min": round(path.travel_s / 60.0, 1),
                "origin": origin,
                "geometry": path.geometry,
            }
        )
    return rows, lost


def _main_roads(net: RoadNetwork) -> gpd.GeoDataFrame:
    edges = net.edges[net.edges["road_class"].isin(CROSSING_CLASSES) & net.edges["forward"].astype(bool)]
    return edges[["road_class", "name", "geometry"]].to_crs(net.metric_crs).reset_index(drop=True)


def _crossings(route: shapely.LineString, main: gpd.GeoDataFrame) -> tuple[list[tuple[str, str, shapely.Point]], float]:
    """Crossing points of ``route`` (metric) with main roads, and the metres walked along arterials."""
    ends = shapely.MultiPoint([route.coords[0], route.coords[-1]])
    hits = main.sindex.query(route, predicate="intersects")
    points: list[tuple[str, str, shapely.Point]] = []
    overlaps: list[shapely.Geometry] = []
    along = 0.0
    for i in hits:
        inter = route.intersection(main.geometry.iat[i])
        parts = list(getattr(inter, "geoms", [inter]))
        lines = [p for p in parts if p.geom_type == "LineString" and p.length > 0]
        overlaps.extend(lines)
        along += sum(p.length for p in lines) if main["road_class"].iat[i] == "arterial" else 0.0
        cls, name = str(main["road_class"].iat[i]), str(main["name"].iat[i])
        points.extend((cls, name, p) for p in parts if p.geom_type == "Point" and p.distance(ends) >= 1.0)
    walked = shapely.union_all(overlaps) if overlaps else None
    unique: list[tuple[str, str, shapely.Point]] = []
    for cls, name, p in points:  # not where the route walks along the road; one per junction area
        if walked is not None and p.distance(walked) < 1.0:
            continue
        if not any(c == cls and n == name and p.distance(q) < _SAME_CROSSING_M for c, n, q in unique):
            unique.append((cls, name, p))
    return unique, along


def _stretches(route: shapely.LineString, stretch_m: float) -> list[shapely.LineString]:
    n = max(1, int(np.ceil(route.length / stretch_m)))
    cuts = np.linspace(0.0, route.length, n + 1)
    return [substring(route, a, b) for a, b in itertools.pairwise(cuts)]


def _check_numbers(hazard_within_m: float, min_open_hazards: int, stretch_m: float) -> None:
    for name, value in (("hazard_within_m", hazard_within_m), ("stretch_m", stretch_m)):
        if not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
            msg = f"{name} must be a positive number of metres; got {value!r}"
            raise InputError(msg)
    if not isinstance(min_open_hazards, (int, np.integer)) or min_open_hazards < 1:
        msg = f"min_open_hazards must be a positive integer; got {min_open_hazards!r}"
        raise InputError(msg)


def _hazard_pairs(
    frames: dict[str, gpd.GeoDataFrame], net: RoadNetwork, lines: np.ndarray, within: float, lang: str
) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Placed hazards (metric), and the (hazard, line, distance) pairs within ``within`` metres."""
    empty = np.zeros(0, np.int64)
    if "hazards" not in frames or not len(frames["hazards"]):
        return gpd.GeoDataFrame(geometry=[], crs=net.metric_crs), empty, empty, np.zeros(0), pd.DataFrame()
    hazards = check_frame(frames["hazards"], "hazards", columns=("hazard_id",))
    placed, skipped = split_placed(hazards, net.metric_crs, lang=lang)
    hi, li, d = pairs_within(np.asarray(placed.geometry.to_numpy()), lines, within)
    return placed, hi, li, d, skipped


def _stretch_frame(
    routes: gpd.GeoDataFrame, cross: gpd.GeoDataFrame, placed: gpd.GeoDataFrame, settings: dict[str, Any]
) -> gpd.GeoDataFrame:
    """Cut every route into stretches and judge each (open hazards, national crossing, patrol cover)."""
    rows = []
    for rid, geom in zip(routes["residence_id"], routes.geometry, strict=True):
        for k, piece in enumerate(_stretches(geom, settings["stretch_m"])):
            rows.append({"residence_id": rid, "seq": k, "length_m": round(piece.length, 1), "geometry": piece})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=routes.crs)
    lines = np.asarray(out.geometry.to_numpy())
    counts = np.zeros(len(out), np.int64)
    if len(placed):
        keep = open_mask(placed)
        hi, si, _ = pairs_within(np.asarray(placed.geometry.to_numpy()), lines, settings["hazard_within_m"])
        np.add.at(counts, si[keep[hi]], 1)
    out["n_open_hazards"] = counts
    national = np.zeros(len(out), bool)
    nat = cross[cross["road_class"] == "national_highway"]
    for rid, p in zip(nat["residence_id"], nat.geometry, strict=True):
        own = np.flatnonzero(out["residence_id"].to_numpy() == rid)
        near = own[shapely.distance(lines[own], p) < 0.5]
        national[near[:1]] = True
    out["national_crossing"] = national
    risky = (counts >= settings["min_open_hazards"]) | national
    if settings["night"]:
        out["covered"] = _covered(lines, settings)
        risky |= ~out["covered"].to_numpy()
    out["high_risk"] = risky
    return out


def _covered(lines: np.ndarray, settings: dict[str, Any]) -> np.ndarray:
    stops = settings.get("patrol_points")
    if stops is None or not len(stops):
        return np.zeros(len(lines), bool)
    _, si, _ = pairs_within(stops, lines, settings["cover_m"])
    covered = np.zeros(len(lines), bool)
    covered[si] = True
    return covered


def _empty_result(unrouted: pd.DataFrame, skipped: pd.DataFrame, settings: dict[str, Any]) -> StudentRoutes:
    frame = gpd.GeoDataFrame({c: [] for c in _ROUTE_COLUMNS}, geometry=[], crs=4326)
    return StudentRoutes(
        frame,
        frame.iloc[:, :0],
        frame.iloc[:, :0],
        frame.iloc[:, :0],
        unrouted,
        skipped,
        pd.DataFrame(),
        np.nan,
        settings,
    )


def _summary(routes: pd.DataFrame, residences: pd.DataFrame) -> pd.DataFrame:
    res = pd.DataFrame(residences.drop(columns="geometry", errors="ignore"))
    res["students"] = pd.to_numeric(res["students"], errors="coerce").fillna(0).astype(int)
    base = res.groupby("school_id").agg(residences=("students", "size"), students=("students", "sum"))
    routed = routes.groupby("school_id")["students"].sum().rename("students_routed")
    risky = routes[routes["high_risk"]].groupby("school_id")["students"].sum().rename("students_high_risk")
    out = base.join(routed).join(risky).fillna(0).astype(int).reset_index()
    share = out["students_high_risk"] / out["students_routed"].where(out["students_routed"] > 0)
    out["share_high_risk"] = share.round(3)
    return out


def student_routes(
    data: Any,
    network: RoadNetwork,
    *,
    hazard_within_m: float = 50.0,
    min_open_hazards: int = 2,
    stretch_m: float = 100.0,
    lang: str = "zh",
    _night: dict[str, Any] | None = None,
) -> StudentRoutes:
    """Walk from school gates to where students live; find the hazards, crossings and high-risk stretches.

    Parameters
    ----------
    data
        A :class:`~hutan_geo.io.District` or a dict of frames: ``residences``
        (points with ``school_id``, ``students``, optional ``residence_id``,
        ``name``, ``kind``), ``schools`` (points with ``school_id``), and
        optionally ``gates`` (points with ``school_id``, ``gate_name``) and
        ``hazards`` (with ``hazard_id``, ``category``, ``status``).
    network
        The road network (:func:`~hutan_geo.network.network_from_roads`).
    hazard_within_m
        Hazards at most this far from a route (metres, exact) are on it.
    min_open_hazards
        Open hazards within the distance that make a stretch high-risk.
    stretch_m
        Length of the stretches a route is judged by.
    lang
        Language of the reasons.

    Returns
    -------
    StudentRoutes

    Raises
    ------
    InputError
        A missing layer or column, a network that is not a ``RoadNetwork``,
        or a distance that is not a positive number.

    Examples
    --------
    >>> import hutan_geo as hg
    >>> demo = hg.load_demo()
    >>> result = student_routes(demo, hg.network_from_roads(demo.roads))  # doctest: +SKIP
    >>> bool(result.routes["crosses_national_highway"].any())  # doctest: +SKIP
    True
    """
    lang = check_lang(lang)
    if not isinstance(network, RoadNetwork):
        msg = f"network must be a RoadNetwork (build one with network_from_roads); got {type(network).__name__}"
        raise InputError(msg)
    _check_numbers(hazard_within_m, min_open_hazards, stretch_m)
    settings = {
        "hazard_within_m": float(hazard_within_m),
        "min_open_hazards": int(min_open_hazards),
        "stretch_m": float(stretch_m),
        "night": False,
        **(_night or {}),
    }
    frames = route_frames(data)
    rows, lost = _walk(frames, network, lang)
    unrouted = pd.DataFrame(lost, columns=["residence_id", "school_id", "reason"])
    if not rows:
        return _empty_result(unrouted, pd.DataFrame(), settings)
    routes = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326).to_crs(network.metric_crs)
    origins = gpd.GeoSeries(routes["origin"], crs=4326).to_crs(network.metric_crs)
    ends = gpd.GeoSeries(shapely.points([g.coords[-1] for g in routes.geometry]), crs=network.metric_crs)
    routes["straight_m"] = origins.distance(ends).round(1).to_numpy()
    routes = routes.drop(columns="origin")
    lines = np.asarray(routes.geometry.to_numpy())
    placed, hi, li, d, skipped = _hazard_pairs(frames, network, lines, settings["hazard_within_m"], lang)
    hz = _pair_frame(routes, placed, hi, li, d)
    routes["n_hazards"] = np.bincount(li, minlength=len(routes))
    routes["n_open_hazards"] = hz.groupby("route")["open"].sum().reindex(range(len(routes)), fill_value=0).to_numpy()
    cross = _cross_frame(routes, _main_roads(network))
    routes["n_crossings"] = cross.groupby("route").size().reindex(range(len(routes)), fill_value=0).to_numpy()
    nat = cross[cross["road_class"] == "national_highway"]
    routes["crosses_national_highway"] = routes.index.isin(nat["route"])
    stretches = _stretch_frame(routes, cross, placed, settings)
    risky = stretches[stretches["high_risk"]].groupby("residence_id")["length_m"].sum()
    routes["high_risk_m"] = routes["residence_id"].map(risky).fillna(0.0).round(1).to_numpy()
    routes["high_risk"] = routes["high_risk_m"] > 0
    if settings["night"]:
        bare = stretches[~stretches["covered"]].groupby("residence_id")["length_m"].sum()
        routes["uncovered_m"] = routes["residence_id"].map(bare).fillna(0.0).round(1).to_numpy()
    summary = _summary(routes, frames["residences"])
    routed = routes["students"].sum()
    share = float(routes.loc[routes["high_risk"], "students"].sum() / routed) if routed else np.nan
    cols = [*_ROUTE_COLUMNS, *(["uncovered_m"] if settings["night"] else []), "geometry"]
    return StudentRoutes(
        routes[cols].to_crs(4326),
        stretches.to_crs(4326),
        hz.drop(columns="route").to_crs(4326),
        cross.drop(columns="route").to_crs(4326),
        unrouted,
        skipped,
        summary,
        share,
        {k: v for k, v in settings.items() if k != "patrol_points"},
    )


def _pair_frame(
    routes: gpd.GeoDataFrame, placed: gpd.GeoDataFrame, hi: np.ndarray, li: np.ndarray, d: np.ndarray
) -> gpd.GeoDataFrame:
    """One row per (route, hazard) pair within the distance (metric CRS)."""
    if not len(hi):
        cols = ["route", "residence_id", "school_id", "hazard_id", "category", "status", "open", "distance_m"]
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=routes.crs)
    sub = placed.iloc[hi]
    return gpd.GeoDataFrame(
        {
            "route": li,
            "residence_id": routes["residence_id"].to_numpy()[li],
            "school_id": routes["school_id"].to_numpy()[li],
            "hazard_id": sub["hazard_id"].to_numpy(),
            "category": sub["category"].to_numpy() if "category" in sub else None,
            "status": sub["status"].to_numpy() if "status" in sub else None,
            "open": open_mask(sub),
            "distance_m": np.round(d, 1),
        },
        geometry=sub.geometry.to_numpy(),
        crs=placed.crs,
    ).sort_values(["route", "distance_m"], kind="stable")


def _cross_frame(routes: gpd.GeoDataFrame, main: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Crossing points of every route (metric CRS); sets ``arterial_m`` on ``routes``."""
    rows, along = [], []
    for k, (rid, sid, geom) in enumerate(
        zip(routes["residence_id"], routes["school_id"], routes.geometry, strict=True)
    ):
        found, metres = _crossings(geom, main) if len(main) else ([], 0.0)
        along.append(round(metres, 1))
        rows.extend(
            {"route": k, "residence_id": rid, "school_id": sid, "road_class": c, "road": n, "geometry": p}
            for c, n, p in found
        )
    routes["arterial_m"] = along
    cols = ["route", "residence_id", "school_id", "road_class", "road"]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=routes.crs)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=routes.crs)


def night_study_routes(
    data: Any,
    network: RoadNetwork,
    *,
    patrol_stops: gpd.GeoDataFrame | None = None,
    cover_m: float = 300.0,
    after: str = "21:30",
    hazard_within_m: float = 50.0,
    min_open_hazards: int = 2,
    stretch_m: float = 100.0,
    lang: str = "zh",
) -> StudentRoutes:
    """Routes home after evening self-study: schools with night study only, uncovered stretches flagged.

    Schools with evening self-study: levels in :data:`NIGHT_LEVELS` or
    ``boarding``. A stretch is ``covered`` when a patrol stop (e.g.
    ``plan.stops`` of a patrol plan) lies within ``cover_m`` of it; at night
    an uncovered stretch is high-risk. Without ``patrol_stops`` no stretch is
    covered.

    Parameters
    ----------
    patrol_stops
        Points (any CRS) where patrols stop after ``after``.
    cover_m
        Distance a patrol stop covers.
    after
        Clock time students walk home (for the record: ``settings["after"]``).
    data, network, hazard_within_m, min_open_hazards, stretch_m, lang
        As for :func:`student_routes`.

    Examples
    --------
    >>> import hutan_geo as hg
    >>> demo = hg.load_demo()
    >>> night = night_study_routes(demo, hg.network_from_roads(demo.roads))  # doctest: +SKIP
    """
    if not isinstance(cover_m, (int, float)) or not np.isfinite(cover_m) or cover_m <= 0:
        msg = f"cover_m must be a positive number of metres; got {cover_m!r}"
        raise InputError(msg)
    frames = route_frames(data)
    schools = _need(frames, "schools", ("school_id",))
    level = schools["level"].astype(str) if "level" in schools else pd.Series("", index=schools.index)
    boarding = schools["boarding"].fillna(False).astype(bool) if "boarding" in schools else False
    night_ids = set(schools.loc[level.isin(NIGHT_LEVELS) | boarding, "school_id"])
    res = _need(frames, "residences", ("school_id", "students"))
    frames["residences"] = res[res["school_id"].isin(night_ids)]
    points = None
    if patrol_stops is not None:
        stops = check_frame(patrol_stops, "patrol_stops", geometry="point")
        points = np.asarray(stops.to_crs(network.metric_crs).geometry.to_numpy())
    night = {"night": True, "after": after, "cover_m": float(cover_m), "patrol_points": points}
    return student_routes(
        frames,
        network,
        hazard_within_m=hazard_within_m,
        min_open_hazards=min_open_hazards,
        stretch_m=stretch_m,
        lang=lang,
        _night=night,
    )
