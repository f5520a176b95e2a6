"""A patrol plan on the map: its routes with numbered stops, and the schools it leaves out with the reason.

The plan decides; these builders only draw the frames it hands over
(:mod:`hutan_geo.analysis.patrol.plan`): ``plan.routes`` (the route frame of
:mod:`hutan_geo.analysis.routes`, drawn by
:func:`~hutan_geo.maps.routes.add_patrol_routes`: a colour per unit, numbered
stops with arrival times) and ``plan.unserved`` (one row per school left out:
``name``, ``reason`` / ``reason_text``, ``window``, ``earliest``,
``latest``, ``lon``, ``lat``), drawn by :func:`add_unserved`.
:func:`add_patrol_plan` draws both, for one window (a ``Plan``) or the whole
day (a ``DayPlan``: one set of layers per window). Every user text goes
through :func:`~hutan_geo.maps._safe.safe_text`; popups are text nodes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import LABELS, check_lang, tr
from hutan_geo.maps._display import display_xy, feature_collection
from hutan_geo.maps._elements import VectorLayer
from hutan_geo.maps._safe import popup_rows, safe_text
from hutan_geo.maps._state import count, register, t, unique_name
from hutan_geo.maps.basemaps import ensure_map, use_datum
from hutan_geo.maps.routes import add_patrol_routes
from hutan_geo.model.timefmt import clock

if TYPE_CHECKING:
    import folium

__all__ = ["add_patrol_plan", "add_unserved"]

#: Marker style per unserved reason: unreachable in its window (dark red), short of units (orange), other.
_REASON_STYLES: dict[str, dict[str, Any]] = {
    "unreachable": {"radius": 11, "color": "#67001f", "weight": 3, "fillColor": "#d6604d", "fillOpacity": 0.55},
    "units": {"radius": 11, "color": "#e66101", "weight": 3, "fillColor": "#fdb863", "fillOpacity": 0.55},
    "other": {"radius": 11, "color": "#4d4d4d", "weight": 3, "fillColor": "#bababa", "fillOpacity": 0.55},
}


def _label(key: str, lang: str, fallback: object = "") -> str:
    """Return the label ``key`` in ``lang`` when the label table has it, else ``fallback`` as text."""
    return tr(key, lang) if key in LABELS else ("" if fallback is None else str(fallback))


def _time(value: object, lang: str) -> str:
    """Return ``HH:MM`` of a minute count; the "never" label for an infinite one; empty when missing."""
    try:
        minutes = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if math.isinf(minutes):
        return t("never", lang)
    return clock(minutes)


def _reason_text(row: pd.Series, lang: str) -> str:
    """Return the reason of an unserved row in ``lang`` (from its code), else the plan's own text."""
    code = str(row.get("reason", ""))
    return _label(f"patrol.reason.{code}", lang, row.get("reason_text", code))


def add_unserved(
    unserved: pd.DataFrame,
    m: folium.Map | None = None,
    *,
    name_col: str = "name",
    lang: str = "zh",
) -> folium.Map:
    """Mark the schools a plan leaves out, with the reason in the tooltip and popup.

    Parameters
    ----------
    unserved
        The plan's ``unserved`` frame: ``lon``/``lat`` (WGS84) or a point
        geometry, ``name``, ``reason`` (``unreachable`` or ``units``) and
        optionally ``reason_text``, ``window``, ``earliest`` and ``latest``
        (minutes after midnight). Rows without a location are left out.
    m
        The map (default: a new one fitted to the schools).
    name_col
        Column naming each school.
    lang
        Language of labels and reasons.

    Returns
    -------
    folium.Map
        The map, with one layer ``未能覆盖的学校（n）`` (nothing added when
        the frame is empty).
    """
    lang = check_lang(lang)
    points = _unserved_points(unserved)
    if len(points) == 0:
        return m if m is not None else ensure_map(None, points)
    m = ensure_map(m, points)
    lon, lat = display_xy(points.geometry.to_numpy(), use_datum(m))
    codes = list(_REASON_STYLES)
    geoms, props = [], []
    for i, (_, row) in enumerate(points.iterrows()):
        reason = _reason_text(row, lang)
        name = row.get(name_col, "")
        window = row.get("window")
        geoms.append(shapely.Point(round(float(lon[i]), 6), round(float(lat[i]), 6)))
        code = str(row.get("reason", ""))
        props.append(
            {
                "s": codes.index(code) if code in codes else codes.index("other"),
                "t": safe_text(f"{name} · {reason}" if safe_text(name) else reason),
                "p": popup_rows(
                    [
                        (t("school", lang), name),
                        (t("reason", lang), reason),
                        (t("window", lang), _label(f"patrol.window.{window}", lang, window) if window else ""),
                        (t("earliest", lang), _time(row.get("earliest"), lang)),
                        (t("latest", lang), _time(row.get("latest"), lang)),
                    ]
                ),
            }
        )
    layer = VectorLayer(
        feature_collection(np.asarray(geoms, dtype=object), props),
        [_REASON_STYLES[c] for c in codes],
        name=unique_name(m, count(t("unserved", lang), len(geoms), lang)),
    )
    layer.add_to(m)
    register(m, "patrol", layer)
    return m


def _unserved_points(unserved: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the unserved rows as WGS84 points (from ``lon``/``lat`` or the geometry), unplaced rows dropped."""
    if isinstance(unserved, gpd.GeoDataFrame) and unserved.geometry.name in unserved:
        gdf = unserved.to_crs(4326) if unserved.crs is not None else unserved.set_crs(4326)
    else:
        frame = pd.DataFrame(unserved)
        lon = pd.to_numeric(frame.get("lon", pd.Series(np.nan, index=frame.index)), errors="coerce")
        lat = pd.to_numeric(frame.get("lat", pd.Series(np.nan, index=frame.index)), errors="coerce")
        gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    keep = gdf.geometry.notna() & ~gdf.geometry.is_empty
    keep &= np.isfinite(gdf.geometry.x.fillna(np.nan)) & np.isfinite(gdf.geometry.y.fillna(np.nan))
    return gdf.loc[keep].reset_index(drop=True)


def _window_plans(plan: Any) -> list[tuple[str | None, Any]]:
    """Return ``(window or None, plan)`` pairs: one per window of a day plan, else the plan itself."""
    plans = getattr(plan, "plans", None)
    if plans is None:
        return [(None, plan)]
    return list(plans.items())


def add_patrol_plan(
    plan: Any,
    m: folium.Map | None = None,
    *,
    lang: str = "zh",
    arrow_every_m: float = 600.0,
) -> folium.Map:
    """Draw a patrol plan: a route per unit (own colour, arrows, numbered stops with times) and the unserved schools.

    Parameters
    ----------
    plan
        A ``Plan`` of :mod:`hutan_geo.analysis.patrol` (its ``routes`` and
        ``unserved`` frames), or a ``DayPlan`` (its ``plans`` by window: each
        window's units are named ``window · unit``).
    m
        The map (default: a new one fitted to the routes and schools).
    lang
        Language of labels.
    arrow_every_m
        Spacing of direction arrows along each route, in metres.

    Returns
    -------
    folium.Map
        The map with the plan's layers (under the patrol theme of the layer control).
    """
    lang = check_lang(lang)
    parts = []
    for window, one in _window_plans(plan):
        routes = one.routes
        if window is not None:
            prefix = _label(f"patrol.window.{window}", lang, window)
            routes = routes.assign(unit=[f"{prefix} · {u}" for u in routes["unit"]])
        parts.append((routes, one.unserved))
    if m is None:
        extent = [r.geometry for r, _ in parts] + [_unserved_points(u).geometry for _, u in parts]
        m = ensure_map(None, gpd.GeoDataFrame(geometry=pd.concat(extent, ignore_index=True), crs=4326))
    for routes, unserved in parts:
        if len(routes):
            add_patrol_routes(routes, m, lang=lang, arrow_every_m=arrow_every_m)
        add_unserved(unserved, m, lang=lang)
    return m
