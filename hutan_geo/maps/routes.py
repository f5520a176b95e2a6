"""Patrol layers: routes with direction arrows and stop times, isochrones, coverage of schools.

They draw what the analysis returns: a route frame in the format of
:mod:`hutan_geo.analysis.routes`, isochrone polygons with their travel-time
limits, and points with a ``covered`` column (or the coverage areas, tested by
:func:`hutan_geo.analysis.coverage.points_covered`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import check_lang
from hutan_geo.analysis.coverage import points_covered
from hutan_geo.analysis.routes import normalise_stops, stop_label
from hutan_geo.errors import InputError
from hutan_geo.maps._display import check_layer, display_geoms, display_xy, feature_collection
from hutan_geo.maps._elements import VectorLayer
from hutan_geo.maps._safe import popup_rows, safe_text
from hutan_geo.maps._state import count, map_state, register, sep, t, unique_name
from hutan_geo.maps.basemaps import ensure_map, use_datum
from hutan_geo.maps.styles import ISO_COLOURS, unit_colours
from hutan_geo.model import frames
from hutan_geo.model.timefmt import clock

if TYPE_CHECKING:
    import folium
    import pyproj

__all__ = ["add_coverage", "add_isochrones", "add_patrol_routes"]


def _bearing(x0: float, y0: float, x1: float, y1: float) -> float:
    """Return the screen bearing (degrees clockwise from north) of a short step in lon/lat."""
    dx = (x1 - x0) * math.cos(math.radians((y0 + y1) / 2))
    return math.degrees(math.atan2(dx, y1 - y0)) % 360


def _arrows(line_m: shapely.LineString, crs: pyproj.CRS, every_m: float, datum: str) -> list[list[float]]:
    """Return arrows ``[lat, lon, bearing]`` spaced along a metric line, pointing in the travel direction."""
    length = float(line_m.length)
    if length <= 0:
        return []
    arrows = []
    n = max(1, int(length // every_m))
    for pos in [(k + 0.5) * length / n for k in range(n)]:
        a = line_m.interpolate(max(0.0, pos - 5.0))
        b = line_m.interpolate(min(length, pos + 5.0))
        ab = gpd.GeoSeries([a, b, line_m.interpolate(pos)], crs=crs).to_crs(4326)
        (ax, bx, px), (ay, by, py) = display_xy(ab.to_numpy(), datum)
        arrows.append([round(float(py), 6), round(float(px), 6), round(_bearing(ax, ay, bx, by), 1)])
    return arrows


def _route_features(
    unit: str, stops: list[dict[str, Any]], line: Any, datum: str, lang: str
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Return the route line (tooltip: its stops) and a numbered marker per stop with coordinates (popup: its times)."""
    lines = [stop_label(s) for s in stops]
    tip = safe_text(unit)
    if lines:
        tip += " · " + safe_text(" → ".join(lines[:6]) + (" …" if len(lines) > 6 else ""))
    popup = popup_rows([(t("unit", lang), unit)] + [(f"{t('stop', lang)} {k + 1}", s) for k, s in enumerate(lines)])
    geoms: list[Any] = [line]
    props: list[dict[str, Any]] = [{"s": 0, "t": tip, "p": popup}]
    for k, s in enumerate(stops):
        if s.get("lon") is None or s.get("lat") is None:
            continue
        (slon,), (slat,) = display_xy([shapely.Point(float(s["lon"]), float(s["lat"]))], datum)
        geoms.append(shapely.Point(round(slon, 6), round(slat, 6)))
        props.append(
            {
                "s": 1,
                "n": k + 1,
                "t": safe_text(f"{unit} · {t('stop', lang)} {k + 1}: {lines[k]}"),
                "p": popup_rows(
                    [
                        (t("unit", lang), unit),
                        (t("stop", lang), s.get("name")),
                        (t("arrive", lang), clock(s.get("arrival"))),
                        (t("depart", lang), clock(s.get("departure"))),
                    ]
                ),
            }
        )
    return geoms, props


def add_patrol_routes(
    routes: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    unit_col: str = "unit",
    stops_col: str = "stops",
    lang: str = "zh",
    arrow_every_m: float = 600.0,
) -> folium.Map:
    """Draw patrol routes: a colour per unit, direction arrows, numbered stops with their times.

    Each unit gets its own colour (:func:`~hutan_geo.maps.styles.unit_colours`)
    and its own layer; each stop with coordinates is a marker showing its
    number in the visiting order, with the arrival and departure times in its
    tooltip and popup.

    Parameters
    ----------
    routes
        A route frame (see :mod:`hutan_geo.analysis.routes`): LineStrings
        (WGS84) in travel direction, one per route, with a unit column and,
        optionally, a stop list column: each stop a dict with ``name``,
        ``arrival`` and ``departure`` (minutes after midnight,
        ``datetime.time`` or ``"HH:MM"``) and optionally ``lon``/``lat``, or a
        tuple in that order.
    m
        The map (default: a new one fitted to the routes).
    unit_col, stops_col
        Column names.
    lang
        Language of labels.
    arrow_every_m
        Spacing of direction arrows along each route, in metres (at least one per route).
    """
    lang = check_lang(lang)
    routes = check_layer(routes, "routes", [unit_col])
    if not math.isfinite(arrow_every_m) or arrow_every_m <= 0:
        msg = f"arrow_every_m must be a positive distance in metres; got {arrow_every_m}"
        raise InputError(msg)
    m = ensure_map(m, routes)
    datum = use_datum(m)
    placed = frames.placed(routes)
    units = list(dict.fromkeys(str(u) for u in placed[unit_col]))
    colour = dict(zip(units, unit_colours(len(units)), strict=True))
    metric = frames.metric_frame(placed, name="routes")
    display = display_geoms(placed.geometry.to_numpy(), datum)
    for unit in units:
        styles = [
            {"color": colour[unit], "weight": 4, "opacity": 0.85},
            {"radius": 5, "color": colour[unit], "weight": 2, "fillColor": "#ffffff", "fillOpacity": 1.0},
        ]
        geoms: list[Any] = []
        props: list[dict[str, Any]] = []
        arrows: list[list[float]] = []
        for i in np.flatnonzero((placed[unit_col].astype(str) == unit).to_numpy()):
            stops = normalise_stops(placed.iloc[i].get(stops_col)) if stops_col in placed else []
            route_geoms, route_props = _route_features(unit, stops, display[i], datum, lang)
            geoms += route_geoms
            props += route_props
            arrows += _arrows(metric.geometry.iloc[i], metric.crs, arrow_every_m, datum)
        layer = VectorLayer(
            feature_collection(np.asarray(geoms, dtype=object), props),
            styles,
            name=unique_name(m, f"{t('routes', lang)}{sep(lang)}{safe_text(unit)}"),
            options={"arrows": arrows, "arrowColor": colour[unit]},
        )
        layer.add_to(m)
        register(m, "patrol", layer)
    map_state(m)["unit_colours"] = colour
    return m


def add_isochrones(
    isochrones: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    limit_col: str = "limit_s",
    origin_col: str | None = "origin",
    lang: str = "zh",
) -> folium.Map:
    """Draw isochrones (areas reachable within a travel time), one layer per time limit.

    Parameters
    ----------
    isochrones
        Polygons (WGS84) with ``limit_col`` in seconds and, optionally, the
        origin's name in ``origin_col``.
    m
        The map (default: a new one fitted to the polygons).
    limit_col, origin_col
        Column names.
    lang
        Language of labels.
    """
    lang = check_lang(lang)
    isochrones = check_layer(isochrones, "isochrones", [limit_col])
    m = ensure_map(m, isochrones)
    datum = use_datum(m)
    placed = frames.placed(isochrones)
    limits = pd.to_numeric(placed[limit_col], errors="coerce")
    if limits.isna().any() or (limits <= 0).any():
        bad = placed.index[limits.isna() | (limits <= 0)].tolist()[:5]
        msg = f"column {limit_col!r} must hold positive travel times in seconds; rows {bad} do not"
        raise InputError(msg)
    distinct = sorted(limits.unique())
    palette = list(ISO_COLOURS)
    for limit in reversed(distinct):  # largest first, smaller drawn on top
        k = distinct.index(limit)
        colour = palette[min(len(palette) - 1, round(k * (len(palette) - 1) / max(1, len(distinct) - 1)))]
        mask = (limits == limit).to_numpy()
        minutes = f"{limit / 60:g}"
        text = f"{minutes} {t('reachable', lang)}"
        origins = (
            placed[origin_col].to_numpy()[mask]
            if origin_col and origin_col in placed
            else np.array([""] * int(mask.sum()), dtype=object)
        )
        props = [
            {"t": safe_text(f"{o} · {text}" if safe_text(o) else text), "p": popup_rows([(t("origin", lang), o)])}
            for o in origins
        ]
        style = {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.25}
        data = feature_collection(display_geoms(placed.geometry.to_numpy()[mask], datum), props)
        layer = VectorLayer(
            data, [style], name=unique_name(m, f"{t('isochrones', lang)}{sep(lang)}{minutes} {t('minutes', lang)}")
        )
        layer.add_to(m)
        register(m, "patrol", layer)
    state = map_state(m)
    state["isochrone_legend"] = [
        (
            ISO_COLOURS[min(5, round(k * 5 / max(1, len(distinct) - 1)))],
            f"{limit / 60:g} {t('reachable', lang)}",
        )
        for k, limit in enumerate(distinct)
    ]
    return m


def add_coverage(
    points: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    covered_col: str = "covered",
    areas: gpd.GeoDataFrame | None = None,
    name_col: str = "name",
    lang: str = "zh",
) -> folium.Map:
    """Mark which points (schools, gates) are covered: green if covered, red rings if not.

    Parameters
    ----------
    points
        Points (WGS84) with a boolean ``covered_col``, or without it when
        ``areas`` is given.
    m
        The map (default: a new one fitted to the points).
    covered_col
        Boolean column.
    areas
        Coverage polygons (e.g. isochrones), used when the points have no
        ``covered_col``: a point is covered when it lies in one
        (:func:`hutan_geo.analysis.coverage.points_covered`).
    name_col
        Column naming each point.
    lang
        Language of labels.
    """
    lang = check_lang(lang)
    points = check_layer(points, "points")
    m = ensure_map(m, points)
    datum = use_datum(m)
    placed = frames.placed(points)
    if covered_col in placed:
        covered = placed[covered_col].fillna(False).astype(bool).to_numpy()
    elif areas is not None:
        covered = points_covered(placed, areas).to_numpy()  # the analysis decides; the map draws
    else:
        msg = f"points have no {covered_col!r} column; pass it or give areas= (coverage polygons)"
        raise InputError(msg)
    lon, lat = display_xy(placed.geometry.to_numpy(), datum)
    names = placed[name_col].tolist() if name_col in placed else [""] * len(placed)
    styles = [
        {"radius": 10, "color": "#1a9850", "weight": 3, "fill": False},
        {"radius": 10, "color": "#d73027", "weight": 3, "fill": False, "dashArray": "3 3"},
    ]
    for flag, key in ((True, "covered"), (False, "not_covered")):
        mask = covered == flag
        geoms = np.array([shapely.Point(round(x, 6), round(y, 6)) for x, y in zip(lon[mask], lat[mask], strict=True)])
        props = [
            {"s": 0 if flag else 1, "t": safe_text(f"{n} · {t(key, lang)}" if safe_text(n) else t(key, lang))}
            for n in np.asarray(names, dtype=object)[mask]
        ]
        layer = VectorLayer(
            feature_collection(geoms, props),
            styles,
            name=unique_name(m, count(f"{t('coverage', lang)}{sep(lang)}{t(key, lang)}", int(mask.sum()), lang)),
        )
        layer.add_to(m)
        register(m, "patrol", layer)
    return m
