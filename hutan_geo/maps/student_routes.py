"""Student routes on the map: routes coloured by risk, hazards on them, main-road crossings, villages without a bus.

Draws what :func:`hutan_geo.analysis.student_routes` returns (a
:class:`~hutan_geo.analysis.StudentRoutes`: its ``routes``, ``hazards`` and
``crossings``) and, optionally, the ``unserved`` villages of
:func:`hutan_geo.analysis.remote_access`; it decides nothing. Layers:

- the routes, high-risk ones red, the others blue (one layer each);
- the hazards within reach of a route (one point per hazard, open ones
  darker);
- the crossings of national highways (dark red) and arterials (orange);
- the remote villages with no bus line within reach (purple).

Popups are text nodes; every user text goes through
:func:`~hutan_geo.maps._safe.safe_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo._i18n import check_lang, tr
from hutan_geo.maps._display import check_layer, display_geoms, feature_collection
from hutan_geo.maps._elements import VectorLayer
from hutan_geo.maps._safe import popup_rows, safe_text
from hutan_geo.maps._state import count, register, sep, t, unique_name
from hutan_geo.maps.basemaps import ensure_map, use_datum
from hutan_geo.model import RESIDENCE_KINDS
from hutan_geo.model.schema import CATEGORIES, ROAD_CLASSES, STATUSES, label

if TYPE_CHECKING:
    import folium

__all__ = ["ROUTE_RISK_COLOURS", "add_student_routes"]

#: Line colour of a route: high-risk (red), other (blue).
ROUTE_RISK_COLOURS: dict[str, str] = {"high": "#d7301f", "other": "#2b8cbe"}
_CROSSING_STYLES = [  # national highway, arterial
    {"radius": 6, "color": "#67001f", "weight": 2, "fillColor": "#b2182b", "fillOpacity": 0.9},
    {"radius": 5, "color": "#b35806", "weight": 2, "fillColor": "#fdb863", "fillOpacity": 0.9},
]
_HAZARD_STYLES = [  # open, closed
    {"radius": 5, "color": "#7f2704", "weight": 1, "fillColor": "#f16913", "fillOpacity": 0.9},
    {"radius": 4, "color": "#737373", "weight": 1, "fillColor": "#d9d9d9", "fillOpacity": 0.6},
]
_VILLAGE_STYLE = {"radius": 9, "color": "#3f007d", "weight": 3, "fillColor": "#9e9ac8", "fillOpacity": 0.7}


def _sr(key: str, lang: str) -> str:
    return tr(f"map.sr.{key}", lang)


def _vocab(vocab: Any, value: object, lang: str) -> object:
    """Return the label of a code in ``vocab``; any other value as it is."""
    return label(vocab, value, lang) if isinstance(value, str) and value in vocab.labels else value


def _add(
    m: folium.Map, geoms: Any, props: list[dict[str, Any]], styles: list[dict[str, Any]], name: str, lang: str
) -> None:
    """Add one vector layer (display datum, snapped) under the patrol theme; nothing when there is no feature."""
    if not props:
        return
    data = feature_collection(display_geoms(np.asarray(geoms, dtype=object), use_datum(m)), props)
    layer = VectorLayer(data, styles, name=unique_name(m, count(name, len(props), lang)))
    layer.add_to(m)
    register(m, "patrol", layer)


def _route_layers(routes: gpd.GeoDataFrame, m: folium.Map, lang: str) -> None:
    """Add one line layer for the high-risk routes (red), one for the others (blue)."""
    high = (
        routes["high_risk"].fillna(False).astype(bool).to_numpy()
        if "high_risk" in routes
        else np.zeros(len(routes), bool)
    )
    for key, mask in (("other", ~high), ("high", high)):  # high-risk drawn on top
        part = routes[mask]
        props = []
        for _, r in part.iterrows():
            name = r.get("residence", r.get("residence_id", ""))
            rows = [
                (_sr("residence", lang), name),
                (_sr("school", lang), r.get("school_id")),
                (_sr("kind", lang), _vocab(RESIDENCE_KINDS, r.get("kind"), lang)),
                (_sr("students", lang), r.get("students")),
                (_sr("length", lang), r.get("length_m")),
                (_sr("minutes", lang), r.get("walk_min")),
                (_sr("n_hazards", lang), f"{r.get('n_hazards', 0)} ({r.get('n_open_hazards', 0)})"),
                (_sr("n_crossings", lang), r.get("n_crossings")),
                (_sr("high_m", lang), r.get("high_risk_m")),
            ]
            props.append({"t": safe_text(f"{name} · {_sr(key, lang)}"), "p": popup_rows(rows)})
        style = {"color": ROUTE_RISK_COLOURS[key], "weight": 5 if key == "high" else 3, "opacity": 0.85}
        _add(m, part.geometry.to_numpy(), props, [style], f"{_sr('layer', lang)}{sep(lang)}{_sr(key, lang)}", lang)


def _hazard_layer(hazards: gpd.GeoDataFrame, m: folium.Map, lang: str) -> None:
    """Add one point per hazard near a route (its smallest distance to any route in the popup)."""
    if not len(hazards):
        return
    nearest = hazards.sort_values("distance_m", kind="stable").drop_duplicates("hazard_id")
    props = []
    for _, r in nearest.iterrows():
        category = _vocab(CATEGORIES, r.get("category"), lang)
        rows = [
            (t("hazard_id", lang), r.get("hazard_id")),
            (t("category", lang), category),
            (t("status", lang), _vocab(STATUSES, r.get("status"), lang)),
            (_sr("distance", lang), r.get("distance_m")),
        ]
        props.append(
            {
                "s": 0 if bool(r.get("open")) else 1,
                "t": safe_text(f"{r.get('hazard_id')} · {category}"),
                "p": popup_rows(rows),
            }
        )
    _add(m, nearest.geometry.to_numpy(), props, _HAZARD_STYLES, _sr("hazards", lang), lang)


def _crossing_layer(crossings: gpd.GeoDataFrame, m: folium.Map, lang: str) -> None:
    """Add one point per crossing place and road (routes sharing a crossing share the point)."""
    if not len(crossings):
        return
    key = [
        f"{c}|{n}|{g.x:.5f}|{g.y:.5f}"
        for c, n, g in zip(crossings["road_class"], crossings["road"], crossings.geometry, strict=True)
    ]
    unique = crossings.assign(_key=key).drop_duplicates("_key")
    props = []
    for _, r in unique.iterrows():
        cls = _vocab(ROAD_CLASSES, r["road_class"], lang)
        rows = [(_sr("road", lang), r.get("road")), (_sr("road_class", lang), cls)]
        props.append(
            {
                "s": 0 if r["road_class"] == "national_highway" else 1,
                "t": safe_text(f"{r.get('road')} · {cls}"),
                "p": popup_rows(rows),
            }
        )
    _add(m, unique.geometry.to_numpy(), props, _CROSSING_STYLES, _sr("crossings", lang), lang)


def _village_layer(unserved: gpd.GeoDataFrame, m: folium.Map, lang: str) -> None:
    """Mark the remote villages with no bus line within reach, with the reason."""
    props = []
    for _, r in unserved.iterrows():
        walk = r.get("walk_m")
        rows = [
            (_sr("village", lang), r.get("village")),
            (_sr("school", lang), r.get("school_id")),
            (_sr("students", lang), r.get("students")),
            (_sr("walk_m", lang), _sr("unreachable", lang) if pd.isna(walk) else walk),
            (_sr("reason", lang), r.get("reason")),
        ]
        props.append({"t": safe_text(f"{r.get('village')} · {r.get('reason')}"), "p": popup_rows(rows)})
    _add(m, unserved.geometry.to_numpy(), props, [_VILLAGE_STYLE], _sr("unserved", lang), lang)


def add_student_routes(result: Any, m: folium.Map | None = None, *, remote: Any = None, lang: str = "zh") -> folium.Map:
    """Draw student routes by risk, the hazards on them, their main-road crossings and villages without a bus.

    Parameters
    ----------
    result
        A :class:`~hutan_geo.analysis.StudentRoutes` (its ``routes``: lines
        with ``residence``, ``school_id``, ``students``, ``high_risk`` …;
        ``hazards``: points with ``hazard_id``, ``category``, ``status``,
        ``open``, ``distance_m``; ``crossings``: points with ``road_class``,
        ``road``).
    m
        The map (default: a new one fitted to the routes).
    remote
        A :class:`~hutan_geo.analysis.RemoteAccess` (its ``unserved``
        villages are marked), or None.
    lang
        Language of labels.

    Returns
    -------
    folium.Map
        The map, with layers such as ``上下学路线：高风险（n）`` (under the
        patrol theme of the layer control).

    Examples
    --------
    >>> import hutan_geo as hg
    >>> from hutan_geo.analysis import student_routes
    >>> demo = hg.load_demo()
    >>> result = student_routes(demo, hg.network_from_roads(demo.roads))
    >>> from hutan_geo.maps import add_layer_control
    >>> m = add_layer_control(add_student_routes(result, lang="en"), lang="en")
    >>> "student routes: high risk" in m.get_root().render()
    True
    """
    lang = check_lang(lang)
    routes = check_layer(result.routes, "student routes", ("residence_id", "high_risk"))
    routes = routes[routes.geometry.notna() & ~routes.geometry.is_empty].reset_index(drop=True)
    unserved = None
    if remote is not None and len(remote.unserved):
        unserved = check_layer(remote.unserved, "remote villages")
        unserved = unserved[unserved.geometry.notna() & ~unserved.geometry.is_empty]
    extent = [routes.geometry] + ([unserved.geometry] if unserved is not None else [])
    m = ensure_map(m, gpd.GeoDataFrame(geometry=pd.concat(extent, ignore_index=True), crs=4326))
    _route_layers(routes, m, lang)
    if len(result.hazards):
        _hazard_layer(check_layer(result.hazards, "route hazards", ("hazard_id", "distance_m")), m, lang)
    if len(result.crossings):
        _crossing_layer(check_layer(result.crossings, "crossings", ("road_class", "road")), m, lang)
    if unserved is not None and len(unserved):
        _village_layer(unserved, m, lang)
    return m
