"""Interactive maps (folium) of a district.

Builders follow the ``GeoDataFrame.explore()`` mould: they take ``m=None``,
add their layers and return the map. The default basemap is the district's
own roads drawn as vectors (no web tiles: a fictional district must not sit
on top of a real place, and meeting rooms often have no internet).

Every user-provided string shown in a popup or tooltip goes through
:func:`safe_text`: folium 0.20 puts popup and tooltip HTML inside JavaScript
template literals, so HTML escaping alone would still let ``${...}`` run.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement, Template

from hutan_geo.schema import CATEGORIES, LEVELS, STATUSES, label

if TYPE_CHECKING:
    from hutan_geo.district import District

__all__ = [
    "CATEGORY_COLOURS",
    "LEVEL_COLOURS",
    "add_boundaries",
    "add_hazards",
    "add_legend",
    "add_roads",
    "add_schools",
    "add_stations",
    "base_map",
    "overview_map",
    "safe_text",
]

CATEGORY_COLOURS: dict[str, str] = {
    "traffic": "#d62728",
    "food_safety": "#ff7f0e",
    "public_order": "#6a3d9a",
    "cultural_market": "#1f78b4",
    "other": "#7f7f7f",
}

LEVEL_COLOURS: dict[str, str] = {
    "kindergarten": "#f781bf",
    "primary": "#4daf4a",
    "nine_year": "#00a087",
    "junior": "#377eb8",
    "senior": "#984ea3",
    "complete_middle": "#e41a1c",
    "vocational": "#a65628",
}

_ROAD_STYLE: dict[str, tuple[str, float]] = {
    "national_highway": ("#e8a33d", 4.0),
    "provincial_highway": ("#e8b85d", 3.5),
    "arterial": ("#9a9a9a", 3.0),
    "county_road": ("#b0a27a", 2.5),
    "collector": ("#b5b5b5", 2.0),
    "local": ("#cfcfcf", 1.3),
    "village_road": ("#d8cfb8", 1.0),
}

_TEXT = {
    "roads": ("道路", "roads"),
    "boundaries": ("行政区划", "boundaries"),
    "townships": ("乡镇界", "townships"),
    "precincts": ("派出所辖区", "police precincts"),
    "schools": ("学校", "schools"),
    "campuses": ("校园范围", "campuses"),
    "stations": ("派出所", "police stations"),
    "hazards": ("隐患", "hazards"),
    "legend": ("图例", "Legend"),
    "closed_faded": ("浅色：已销号", "faded: closed"),
    "patrol_cars": ("巡逻车", "patrol cars"),
    "enrolment": ("在校人数", "enrolment"),
    "level": ("学段", "level"),
    "status": ("整改状态", "status"),
    "address": ("地址", "address"),
    "department": ("责任单位", "department"),
    "description": ("隐患描述", "description"),
    "found_date": ("发现日期", "found"),
    "deadline": ("整改期限", "deadline"),
    "geocode_pending": ("待地理编码，未上图", "to geocode, not on the map"),
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key][0 if lang == "zh" else 1]


def safe_text(value: object) -> str:
    """Escape user text for folium popups and tooltips.

    HTML special characters become entities, and so do ``$``, backticks and
    backslashes, which would otherwise act inside the JavaScript template
    literals folium wraps popups and tooltips in.

    Examples
    --------
    >>> safe_text("<b>${alert(1)}</b> `x`")
    '&lt;b&gt;&#36;{alert(1)}&lt;/b&gt; &#96;x&#96;'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("$", "&#36;").replace("`", "&#96;").replace("\\", "&#92;")


def _table(rows: list[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{safe_text(k)}</th><td>{safe_text(v)}</td></tr>"
        for k, v in rows
        if safe_text(v)
    )
    return f"<table style='font-size:12px'>{cells}</table>"


def _date(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def base_map(bounds: tuple[float, float, float, float] | None = None, *, basemap: str | None = None) -> folium.Map:
    """Return an empty map fitted to WGS84 ``bounds``; no web tiles unless ``basemap`` is given.

    ``basemap="openstreetmap"`` adds OSM tiles (WGS84, internet needed).
    """
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True)
    if basemap is not None:
        if basemap.lower() != "openstreetmap":
            msg = f"basemap must be None (vector roads only) or 'openstreetmap'; got {basemap!r}"
            raise ValueError(msg)
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        m.fit_bounds([[y0, x0], [y1, x1]])
    return m


def _ensure_map(m: folium.Map | None, gdf: gpd.GeoDataFrame) -> folium.Map:
    if m is not None:
        return m
    placed = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    return base_map(tuple(placed.total_bounds) if len(placed) else None)


def add_roads(roads: gpd.GeoDataFrame, m: folium.Map | None = None, *, lang: str = "zh") -> folium.Map:
    """Draw roads as the vector basemap, one layer per road class (minor ones first)."""
    m = _ensure_map(m, roads)
    group = folium.FeatureGroup(name=_t("roads", lang), control=True)
    for road_class in reversed(list(_ROAD_STYLE)):
        part = roads[roads["road_class"] == road_class]
        if part.empty:
            continue
        colour, weight = _ROAD_STYLE[road_class]
        data = gpd.GeoDataFrame(
            {"name": [safe_text(v) for v in part["name"]]},
            geometry=part.geometry.set_precision(1e-6).to_numpy(),
            crs=4326,
        )
        folium.GeoJson(
            data.to_json(drop_id=True),
            style_function=lambda _f, c=colour, w=weight: {"color": c, "weight": w, "opacity": 0.9},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            smooth_factor=1.0,
        ).add_to(group)
    rest = roads[~roads["road_class"].isin(list(_ROAD_STYLE))]
    if not rest.empty:
        folium.GeoJson(
            gpd.GeoDataFrame(geometry=rest.geometry.to_numpy(), crs=4326).to_json(drop_id=True),
            style_function=lambda _f: {"color": "#cccccc", "weight": 1.0},
        ).add_to(group)
    group.add_to(m)
    return m


def add_boundaries(
    boundaries: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    name: str,
    colour: str = "#555555",
    dash: str | None = None,
) -> folium.Map:
    """Draw boundary outlines (district, townships or precincts) with their names as tooltips."""
    m = _ensure_map(m, boundaries)
    data = gpd.GeoDataFrame(
        {"name": [safe_text(v) for v in boundaries["name"]]},
        geometry=boundaries.geometry.set_precision(1e-6).to_numpy(),
        crs=4326,
    )
    style = {"color": colour, "weight": 2, "fill": False, "dashArray": dash}
    folium.GeoJson(
        data.to_json(drop_id=True),
        name=name,
        style_function=lambda _f: style,
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False, sticky=True),
    ).add_to(m)
    return m


def add_schools(
    schools: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    campuses: gpd.GeoDataFrame | None = None,
    lang: str = "zh",
) -> folium.Map:
    """Draw schools coloured by level, with campus polygons when given."""
    m = _ensure_map(m, schools)
    if campuses is not None and len(campuses):
        folium.GeoJson(
            gpd.GeoDataFrame(geometry=campuses.geometry.set_precision(1e-6).to_numpy(), crs=4326).to_json(drop_id=True),
            name=_t("campuses", lang),
            style_function=lambda _f: {"color": "#2b6cb0", "weight": 1, "fillColor": "#90cdf4", "fillOpacity": 0.35},
        ).add_to(m)
    group = folium.FeatureGroup(name=_t("schools", lang))
    for row in schools[schools.geometry.notna()].itertuples(index=False):
        level = label(LEVELS, row.level, lang) if isinstance(row.level, str) else ""
        popup = _table(
            [
                ("", row.name),
                (_t("level", lang), level),
                (_t("enrolment", lang), getattr(row, "enrolment", None)),
                (_t("address", lang), getattr(row, "address", None)),
            ]
        )
        folium.CircleMarker(
            location=(row.geometry.y, row.geometry.x),
            radius=7,
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=LEVEL_COLOURS.get(row.level, "#333333"),
            fill_opacity=1.0,
            popup=folium.Popup(popup, max_width=320),
            tooltip=folium.Tooltip(f"{safe_text(row.name)} ({safe_text(level)})"),
        ).add_to(group)
    group.add_to(m)
    return m


def add_hazards(hazards: gpd.GeoDataFrame, m: folium.Map | None = None, *, lang: str = "zh") -> folium.Map:
    """Draw hazards, one layer per category; closed ones faded. Unplaced rows are skipped."""
    m = _ensure_map(m, hazards)
    placed = hazards[hazards.geometry.notna() & ~hazards.geometry.is_empty]
    for category in CATEGORIES.codes:
        part = placed[placed["category"] == category]
        if part.empty:
            continue
        name = (
            f"{_t('hazards', lang)}：{label(CATEGORIES, category, lang)}（{len(part)}）"
            if lang == "zh"
            else f"{_t('hazards', lang)}: {label(CATEGORIES, category, lang)} ({len(part)})"
        )
        group = folium.FeatureGroup(name=name)
        for row in part.itertuples(index=False):
            closed = row.status == "closed"
            popup = _table(
                [
                    ("", row.hazard_id),
                    (_t("description", lang), row.description),
                    (_t("address", lang), row.address),
                    (_t("status", lang), label(STATUSES, row.status, lang)),
                    (_t("department", lang), row.department),
                    (_t("found_date", lang), _date(row.found_date)),
                    (_t("deadline", lang), _date(row.deadline)),
                ]
            )
            folium.CircleMarker(
                location=(row.geometry.y, row.geometry.x),
                radius=5,
                color=CATEGORY_COLOURS[category],
                weight=1,
                opacity=0.35 if closed else 1.0,
                fill=True,
                fill_color=CATEGORY_COLOURS[category],
                fill_opacity=0.25 if closed else 0.9,
                popup=folium.Popup(popup, max_width=360),
                tooltip=folium.Tooltip(safe_text(row.description or row.address or row.hazard_id)),
            ).add_to(group)
        group.add_to(m)
    return m


def add_stations(stations: gpd.GeoDataFrame, m: folium.Map | None = None, *, lang: str = "zh") -> folium.Map:
    """Draw police stations as squares-in-circles with their patrol-car counts."""
    m = _ensure_map(m, stations)
    group = folium.FeatureGroup(name=_t("stations", lang))
    for row in stations[stations.geometry.notna()].itertuples(index=False):
        cars = getattr(row, "patrol_cars", None)
        folium.RegularPolygonMarker(
            location=(row.geometry.y, row.geometry.x),
            number_of_sides=4,
            radius=9,
            color="#08306b",
            fill_color="#2171b5",
            fill_opacity=1.0,
            weight=2,
            popup=folium.Popup(_table([("", row.name), (_t("patrol_cars", lang), cars)]), max_width=300),
            tooltip=folium.Tooltip(safe_text(row.name)),
        ).add_to(group)
    group.add_to(m)
    return m


_LEGEND = Template(
    """
{% macro html(this, kwargs) %}
<div style="position: fixed; bottom: 24px; left: 12px; z-index: 9999; background: rgba(255,255,255,0.92);
            padding: 8px 10px; border: 1px solid #999; border-radius: 4px; font-size: 12px; line-height: 18px;">
  <div style="font-weight: bold; margin-bottom: 4px;">{{ this.title }}</div>
  {% for colour, text, shape in this.items %}
  <div><span style="display:inline-block;width:11px;height:11px;margin-right:5px;background:{{ colour }};
        border-radius:{{ '50%' if shape == 'circle' else '1px' }};vertical-align:middle;"></span>{{ text }}</div>
  {% endfor %}
  {% if this.note %}<div style="color:#666;margin-top:3px;">{{ this.note }}</div>{% endif %}
</div>
{% endmacro %}
"""
)


def add_legend(m: folium.Map, items: list[tuple[str, str, str]], *, title: str, note: str | None = None) -> folium.Map:
    """Add a fixed categorical legend: ``items`` are ``(colour, text, "circle"|"square")``."""
    legend = MacroElement()
    legend._template = _LEGEND
    legend.title = safe_text(title)
    legend.items = [(safe_text(c), safe_text(t), s) for c, t, s in items]
    legend.note = safe_text(note) if note else None
    m.get_root().add_child(legend)
    return m


def overview_map(district: District, *, lang: str = "zh", basemap: str | None = None) -> folium.Map:
    """Overview of a district: roads, boundaries, campuses, schools, stations, hazards, legend.

    Parameters
    ----------
    district
        A loaded district (see :func:`hutan_geo.district.load_district`).
    lang
        ``"zh"`` (default) or ``"en"`` for layer names, popups and legend.
    basemap
        None (the district's own roads only) or ``"openstreetmap"``.
    """
    layers = district.layers
    extent_source = layers.get("district")
    if extent_source is None or extent_source.empty:
        extent_source = layers["schools"]
    m = base_map(tuple(extent_source.total_bounds), basemap=basemap)
    if "roads" in layers:
        add_roads(layers["roads"], m, lang=lang)
    if "district" in layers:
        add_boundaries(layers["district"], m, name=_t("boundaries", lang), colour="#333333")
    if "townships" in layers:
        add_boundaries(layers["townships"], m, name=_t("townships", lang), colour="#777777", dash="6 4")
    if "precincts" in layers:
        add_boundaries(layers["precincts"], m, name=_t("precincts", lang), colour="#2171b5", dash="2 4")
    add_schools(layers["schools"], m, campuses=layers.get("campuses"), lang=lang)
    if "stations" in layers:
        add_stations(layers["stations"], m, lang=lang)
    hazards = layers["hazards"]
    add_hazards(hazards, m, lang=lang)
    items = [(CATEGORY_COLOURS[c], label(CATEGORIES, c, lang), "circle") for c in CATEGORIES.codes]
    sep = "：" if lang == "zh" else ": "
    items += [(LEVEL_COLOURS[c], f"{_t('schools', lang)}{sep}{label(LEVELS, c, lang)}", "circle") for c in LEVELS.codes]
    items.append(("#2171b5", _t("stations", lang), "square"))
    pending = int(hazards["needs_geocoding"].sum()) if "needs_geocoding" in hazards else 0
    note = _t("closed_faded", lang)
    if pending:
        note += (
            f"；{pending} {_t('geocode_pending', lang)}"
            if lang == "zh"
            else f"; {pending} {_t('geocode_pending', lang)}"
        )
    add_legend(m, items, title=_t("legend", lang), note=note)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
