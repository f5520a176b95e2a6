"""The hazard register on the map: hazards by loop stage, overdue ones marked, history in the popup.

Draws what :class:`hutan_geo.analysis.register.Register` returns
(``hazards()``, ``history()``, ``overdue()``) and decides nothing. One layer
per loop stage (发现, 汇总, 交办, 整改完成, 销号) coloured from red to green; an
overdue hazard gets a thick dark ring. Popups are text nodes; every user text
goes through :func:`~hutan_geo.maps._safe.safe_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from hutan_geo._i18n import check_lang, tr
from hutan_geo.maps._display import check_layer, display_xy, feature_collection
from hutan_geo.maps._elements import VectorLayer
from hutan_geo.maps._safe import date_text, popup_rows, safe_text
from hutan_geo.maps._state import count, register, sep, unique_name
from hutan_geo.maps.basemaps import ensure_map, use_datum
from hutan_geo.model.schema import CATEGORIES, STATUSES, label

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

__all__ = ["STAGE_COLOURS", "add_register"]

#: Fill colour per loop stage, red (just found) to green (closed).
STAGE_COLOURS: dict[str, str] = {
    "found": "#d73027",
    "consolidated": "#fc8d59",
    "assigned": "#fee08b",
    "rectified": "#91cf60",
    "closed": "#1a9850",
}


def _style(code: str, overdue: bool) -> dict[str, Any]:
    ring = {"color": "#67001f", "weight": 4} if overdue else {"color": "#333333", "weight": 1}
    return {"radius": 7, "fillColor": STAGE_COLOURS[code], "fillOpacity": 0.9, **ring}


def _history_text(events: pd.DataFrame | None, lang: str) -> str:
    if events is None or not len(events):
        return ""
    lines = []
    for r in events.itertuples(index=False):
        stage = label(STATUSES, r.status, lang) if r.status in STATUSES.codes else str(r.status)
        extra = " ".join(str(v) for v in (r.department, r.who, r.note) if isinstance(v, str) and v)
        lines.append(f"{r.event_date} {stage} {extra}".strip())
    return " / ".join(lines)


def add_register(
    hazards: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    history: pd.DataFrame | None = None,
    overdue: pd.DataFrame | None = None,
    lang: str = "zh",
) -> folium.Map:
    """Draw the register's hazards by loop stage; overdue ones ringed; history in the popup.

    Parameters
    ----------
    hazards
        ``Register.hazards()`` (``hazard_id``, ``category``, ``status``, ...; hazards without a point are skipped).
    m
        The map (default: a new one fitted to the hazards).
    history
        ``Register.history()``: each hazard's events go into its popup.
    overdue
        ``Register.overdue(today)``: these hazards are ringed.
    lang
        Language of labels.

    Returns
    -------
    folium.Map
        The map with one layer per stage, e.g. ``隐患台账：交办（30）``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"], "status": ["assigned"],
    ...                        "description": ["<b>违停</b>"]}, geometry=gpd.points_from_xy([113.3], [27.6]), crs=4326)
    >>> html = add_register(hz, overdue=hz).get_root().render()
    >>> "<b>违停" in html, "&lt;b&gt;违停" in html
    (False, True)
    """
    lang = check_lang(lang)
    hz = check_layer(hazards, "register hazards", ("hazard_id", "status"))
    hz = hz[hz.geometry.notna() & ~hz.geometry.is_empty].reset_index(drop=True)
    m = ensure_map(m, hz)
    late = set(overdue["hazard_id"]) if overdue is not None and len(overdue) else set()
    events = dict(iter(history.groupby("hazard_id"))) if history is not None and len(history) else {}
    codes = list(STATUSES.codes)
    styles = [_style(c, o) for c in codes for o in (False, True)]
    for code in codes:
        part = hz[hz["status"] == code].reset_index(drop=True)
        if not len(part):
            continue
        stage = label(STATUSES, code, lang)
        props = []
        for _, r in part.iterrows():
            late_here = r["hazard_id"] in late
            cat = label(CATEGORIES, r["category"], lang) if r.get("category") in CATEGORIES.codes else r.get("category")
            props.append(
                {
                    "s": codes.index(code) * 2 + int(late_here),
                    "t": safe_text(
                        f"{r['hazard_id']} · {stage}" + (f" · {tr('map.register_overdue', lang)}" if late_here else "")
                    ),
                    "p": popup_rows(
                        [
                            (tr("reg.col.hazard_id", lang), r["hazard_id"]),
                            (tr("reg.col.category", lang), cat),
                            (tr("reg.col.description", lang), r.get("description")),
                            (tr("reg.col.school_name", lang), r.get("school_name")),
                            (tr("reg.col.department", lang), r.get("department")),
                            (tr("reg.col.status", lang), stage),
                            (tr("reg.col.deadline", lang), date_text(r.get("deadline"))),
                            (tr("map.register_overdue", lang), tr("map.register_overdue", lang) if late_here else ""),
                            (tr("map.register_history", lang), _history_text(events.get(r["hazard_id"]), lang)),
                        ]
                    ),
                }
            )
        lon, lat = display_xy(part.geometry.to_numpy(), use_datum(m))
        geoms = np.array([shapely.Point(round(float(x), 6), round(float(y), 6)) for x, y in zip(lon, lat, strict=True)])
        name = count(f"{tr('map.register', lang)}{sep(lang)}{stage}", len(part), lang)
        layer = VectorLayer(feature_collection(geoms, props), styles, name=unique_name(m, name))
        layer.add_to(m)
        register(m, "hazards", layer)
    return m
