"""Remote-school access: villages beyond walking distance, the bus stops within reach, and who has none.

:func:`remote_access` measures, on the walking network, each village
residence's distance to the nearest gate of its school. Villages farther
than ``walk_limit_m`` (or not reachable on foot) depend on the bus: for each,
the bus stops within ``reach_m`` walking of the gate and of the village, the
bus lines serving both, and whether its pupils are served. Pupils of a
village with no stop within reach (or no line serving both ends) are counted
as having no stop within reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo._i18n import check_lang, tr
from hutan_geo.analysis.student_routes import route_frames, school_gates
from hutan_geo.errors import InputError
from hutan_geo.model.frames import check_frame
from hutan_geo.network import DistanceService, RoadNetwork

__all__ = ["RemoteAccess", "remote_access"]

_ROUTE_SPLIT = re.compile(r"\s*[;；、,，/]\s*")
_COLUMNS = [
    "residence_id",
    "school_id",
    "village",
    "students",
    "walk_m",
    "gate_stops",
    "village_stops",
    "routes",
    "served",
    "reason_code",
    "reason",
]


@dataclass(frozen=True)
class RemoteAccess:
    """Bus access of the villages beyond walking distance of their school.

    Attributes
    ----------
    villages
        One row per remote village (EPSG:4326 point): ``residence_id``,
        ``school_id``, ``village``, ``students``, ``walk_m`` (walking
        distance to the nearest gate; NaN when not reachable on foot),
        ``gate_stops`` and ``village_stops`` (stop ids within reach, ``;``
        separated), ``routes`` (lines serving both), ``served``,
        ``reason_code`` (``served``, ``no_village_stop``, ``no_gate_stop``,
        ``no_common_route``) and ``reason``.
    unserved
        The rows of ``villages`` not served.
    students_unserved
        Pupils of the unserved villages.
    settings
        ``walk_limit_m`` and ``reach_m``.
    """

    villages: gpd.GeoDataFrame
    unserved: gpd.GeoDataFrame
    students_unserved: int
    settings: dict[str, float]


def _routes_of(stops: gpd.GeoDataFrame) -> list[set[str]]:
    cells = stops["routes"] if "routes" in stops else pd.Series([None] * len(stops), index=stops.index)
    return [{r for r in _ROUTE_SPLIT.split(str(c)) if r} if pd.notna(c) else set() for c in cells]


def _positive(name: str, value: float) -> float:
    if not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
        msg = f"{name} must be a positive number of metres; got {value!r}"
        raise InputError(msg)
    return float(value)


def _walk_m(service: DistanceService, a: str, b: str) -> np.ndarray:
    """Return the walking metres between two registered point sets (NaN where not reachable)."""
    matrix = service.matrix(a, b, mode="walk", with_distance=True)
    return np.asarray(matrix.dist_m, dtype=float)


def _reason(gate_stops: list[int], village_stops: list[int], common: set[str]) -> str:
    if not village_stops:
        return "no_village_stop"
    if not gate_stops:
        return "no_gate_stop"
    return "served" if common else "no_common_route"


def remote_access(
    data: Any,
    network: RoadNetwork,
    *,
    walk_limit_m: float = 2000.0,
    reach_m: float = 500.0,
    lang: str = "zh",
) -> RemoteAccess:
    """Find the villages beyond walking distance of their school, and whether a bus line serves them.

    Parameters
    ----------
    data
        A :class:`~hutan_geo.io.District` or a dict of frames:
        ``residences`` (``school_id``, ``students``, ``kind``: only
        ``village`` rows count; without ``kind`` every row does),
        ``schools``, optionally ``gates``, and ``bus_stops`` (points with
        ``stop_id``, ``routes``).
    network
        The road network.
    walk_limit_m
        Villages farther than this (walking, from the nearest gate) are remote.
    reach_m
        A stop within this walk of a gate or village is within reach.
    lang
        Language of the reasons.

    Returns
    -------
    RemoteAccess

    Raises
    ------
    InputError
        A missing layer or column, or a distance that is not a positive number.

    Examples
    --------
    >>> import hutan_geo as hg
    >>> demo = hg.load_demo()
    >>> access = remote_access(demo, hg.network_from_roads(demo.roads))  # doctest: +SKIP
    >>> access.students_unserved > 0  # doctest: +SKIP
    True
    """
    lang = check_lang(lang)
    if not isinstance(network, RoadNetwork):
        msg = f"network must be a RoadNetwork (build one with network_from_roads); got {type(network).__name__}"
        raise InputError(msg)
    limit, reach = _positive("walk_limit_m", walk_limit_m), _positive("reach_m", reach_m)
    frames = route_frames(data)
    if "residences" not in frames or "bus_stops" not in frames:
        msg = "remote_access needs a 'residences' and a 'bus_stops' layer "
        msg += "(places/residences.csv, transport/bus_stops.csv)"
        raise InputError(msg)
    res = check_frame(frames["residences"], "residences", columns=("school_id", "students"), geometry="point")
    if "kind" in res:
        res = res[res["kind"].astype(str) == "village"]
    stops = check_frame(frames["bus_stops"], "bus_stops", geometry="point").reset_index(drop=True)
    gates = school_gates(frames).reset_index(drop=True)
    res = res.to_crs(4326).reset_index(drop=True)
    service = DistanceService(network)
    service.add("gates", gates)
    service.add("villages", res)
    service.add("stops", stops.to_crs(4326))
    gate_village = _walk_m(service, "gates", "villages") if len(res) and len(gates) else np.zeros((len(gates), 0))
    stop_gate = _walk_m(service, "stops", "gates") if len(stops) and len(gates) else np.zeros((len(stops), len(gates)))
    stop_village = (
        _walk_m(service, "stops", "villages") if len(stops) and len(res) else np.zeros((len(stops), len(res)))
    )
    lines = _routes_of(stops)
    ids = stops["stop_id"].astype(str).tolist() if "stop_id" in stops else [str(i) for i in range(len(stops))]
    rows = []
    for j, r in res.iterrows():
        own = np.flatnonzero(gates["school_id"].to_numpy() == r["school_id"])
        walk = np.nanmin(gate_village[own, j]) if len(own) and np.isfinite(gate_village[own, j]).any() else np.nan
        if np.isfinite(walk) and walk <= limit:
            continue
        near_gate = sorted({i for g in own for i in np.flatnonzero(stop_gate[:, g] <= reach)})
        near_village = [int(i) for i in np.flatnonzero(stop_village[:, j] <= reach)]
        common = set().union(*(lines[i] for i in near_gate)) & set().union(*(lines[i] for i in near_village))
        code = _reason(near_gate, near_village, common)
        rows.append(
            {
                "residence_id": r.get("residence_id"),
                "school_id": r["school_id"],
                "village": r.get("name"),
                "students": int(r["students"]) if pd.notna(r["students"]) else 0,
                "walk_m": round(float(walk), 1) if np.isfinite(walk) else np.nan,
                "gate_stops": ";".join(ids[i] for i in near_gate),
                "village_stops": ";".join(ids[i] for i in near_village),
                "routes": ";".join(sorted(common)),
                "served": code == "served",
                "reason_code": code,
                "reason": tr(f"an.sr.{code}", lang),
                "geometry": r.geometry,
            }
        )
    villages = gpd.GeoDataFrame(rows or {c: [] for c in _COLUMNS}, geometry="geometry" if rows else [], crs=4326)
    unserved = villages[~villages["served"].astype(bool)] if len(villages) else villages
    return RemoteAccess(
        villages,
        unserved,
        int(unserved["students"].sum()) if len(unserved) else 0,
        {"walk_limit_m": limit, "reach_m": reach},
    )
