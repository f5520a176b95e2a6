"""The patrol route frame: the format a patrol plan hands to maps and exports.

A route frame is a GeoDataFrame (WGS84), one row per route:

- geometry: a LineString in travel direction (first vertex where the unit
  sets off);
- ``unit``: the patrol unit driving it (巡逻单位), any text;
- ``stops`` (optional): the stops in visiting order, each a dict with
  ``name``, ``arrival`` and ``departure`` (minutes after midnight, a
  ``datetime.time`` or ``"HH:MM"`` text; departure may be left out) and,
  optionally, ``lon`` and ``lat`` (WGS84) of the stop; or a tuple with the
  same items in that order: ``(name, arrival, departure, lon, lat)``, the
  trailing ones optional.

:func:`normalise_stops` turns a ``stops`` cell into a list of dicts and
:func:`stop_label` writes one stop as ``07:20–07:28 实验小学``.

Examples
--------
>>> import datetime as dt
>>> stops = normalise_stops([("实验小学", 440, 448), {"name": "第一中学", "arrival": dt.time(7, 40)}])
>>> [stop_label(s) for s in stops]
['07:20–07:28 实验小学', '07:40 第一中学']
"""

from __future__ import annotations

import math
from typing import Any

from hutan_geo.model.timefmt import clock

__all__ = ["STOP_FIELDS", "normalise_stops", "stop_label"]

#: The items of a stop, in the order a tuple gives them.
STOP_FIELDS: tuple[str, ...] = ("name", "arrival", "departure", "lon", "lat")


def normalise_stops(value: object) -> list[dict[str, Any]]:
    """Return a route's stops as a list of dicts (see the module docstring for the format).

    Parameters
    ----------
    value
        A ``stops`` cell: a list of dicts or tuples ``(name, arrival,
        departure, lon, lat)`` (trailing items optional); None or NaN for a
        route without stops.

    Returns
    -------
    list of dict
        One dict per stop, keyed by :data:`STOP_FIELDS` (dicts are kept as
        they are, tuples get the keys of the items they have).

    Examples
    --------
    >>> normalise_stops([("城东幼儿园", 470, 478)])
    [{'name': '城东幼儿园', 'arrival': 470, 'departure': 478}]
    >>> normalise_stops(None)
    []
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    out = []
    for item in list(value):  # type: ignore[call-overload]
        if isinstance(item, dict):
            out.append(item)
        else:
            out.append(dict(zip(STOP_FIELDS, list(item), strict=False)))
    return out


def stop_label(stop: dict[str, Any]) -> str:
    """Return ``arrival–departure name`` (``07:20–07:28 实验小学``); the departure only when known.

    Examples
    --------
    >>> stop_label({"name": "实验小学", "arrival": 440, "departure": "07:28"})
    '07:20–07:28 实验小学'
    """
    times = clock(stop.get("arrival"))
    if stop.get("departure") is not None:
        times += "–" + clock(stop.get("departure"))
    return f"{times} {stop.get('name', '')}".strip()
