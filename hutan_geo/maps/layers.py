"""Map layers of the district's data: roads, boundaries, schools, hazards, heatmap, stations, zones, rings.

Each builder takes ``m=None`` (a new map fitted to the data), adds its layers
(registered under a theme for :func:`~hutan_geo.maps.add_layer_control`) and
returns the map. Every user text is escaped (:func:`~hutan_geo.maps.safe_text`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.plugins import HeatMap

from hutan_geo._i18n import check_lang
from hutan_geo.errors import InputError
from hutan_geo.maps._display import check_layer, display_geoms, display_xy, feature_collection
from hutan_geo.maps._elements import ClusterLayer, PointLayer, SearchControl, Store, VectorLayer
from hutan_geo.maps._safe import date_text, popup_table, safe_text
from hutan_geo.maps._state import count, map_state, register, sep, t, unique_name
from hutan_geo.maps.basemaps import ensure_map, use_datum
from hutan_geo.maps.styles import CATEGORY_COLOURS, CATEGORY_ICONS, LEVEL_COLOURS, ROAD_STYLE
from hutan_geo.model import frames
from hutan_geo.model.schema import CATEGORIES, LEVELS, SEVERITIES, STATUSES, label

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "add_boundaries",
    "add_hazards",
    "add_heatmap",
    "add_rings",
    "add_roads",
    "add_schools",
    "add_stations",
    "add_zones",
]


def add_roads(
    roads: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    lang: str = "zh",
    name: str | None = None,
    show: bool = True,
) -> folium.Map:
    """Draw the road network as the vector basemap: one layer, styled by road class, names as tooltips.

    Parameters
    ----------
    roads
        Road lines (WGS84) with ``road_class`` and optionally ``name``.
    m
        The map (default: a new one fitted to the roads).
    lang
        Language of the layer name.
    name
        Layer name (default 道路 / roads).
    show
        Shown when the map opens.
    """
    lang = check_lang(lang)
    roads = check_layer(roads, "roads")
    m = ensure_map(m, roads)
    datum = use_datum(m)
    placed = frames.placed(roads)
    classes = list(reversed(list(ROAD_STYLE)))  # minor roads first, major ones on top
    road_class = placed["road_class"] if "road_class" in placed else pd.Series("", index=placed.index)
    order = np.argsort([classes.index(c) if c in classes else -1 for c in road_class], kind="stable")
    placed = placed.iloc[order]
    road_class = road_class.iloc[order]
    styles = [{"color": "#cccccc", "weight": 1.0, "opacity": 0.9}] + [
        {"color": ROAD_STYLE[c][0], "weight": ROAD_STYLE[c][1], "opacity": 0.9} for c in classes
    ]
    names = placed["name"] if "name" in placed else pd.Series("", index=placed.index)
    props = []
    for cls, road_name in zip(road_class, names, strict=True):
        prop: dict[str, Any] = {"s": classes.index(cls) + 1 if cls in classes else 0}
        text = safe_text(road_name)
        if text:
            prop["t"] = text
        props.append(prop)
    data = feature_collection(display_geoms(placed.geometry.to_numpy(), datum), props)
    layer = VectorLayer(
        data, styles, name=unique_name(m, safe_text(name) if name else t("roads", lang)), show=show
    ).add_to(m)
    register(m, "base", layer)
    map_state(m)["minimap_roads"] = (placed[road_class.isin(["national_highway", "provincial_highway", "arterial"])],)
    return m


def add_boundaries(
    boundaries: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    name: str,
    colour: str = "#555555",
    dash: str | None = None,
    weight: float = 2.0,
    show: bool = True,
) -> folium.Map:
    """Draw boundary outlines (district, townships or precincts) with their names as tooltips.

    Parameters
    ----------
    boundaries
        Polygons (WGS84) with a ``name`` column.
    m
        The map (default: a new one fitted to the boundaries).
    name
        Layer name (escaped).
    colour, dash, weight
        Outline style (``dash`` as an SVG dash array such as ``"6 4"``).
    show
        Shown when the map opens.
    """
    boundaries = check_layer(boundaries, "boundaries")
    m = ensure_map(m, boundaries)
    datum = use_datum(m)
    placed = frames.placed(boundaries)
    names = placed["name"] if "name" in placed else pd.Series("", index=placed.index)
    props = [{"t": safe_text(v)} if safe_text(v) else {} for v in names]
    style = {"color": colour, "weight": weight, "fill": False, "dashArray": dash}
    data = feature_collection(display_geoms(placed.geometry.to_numpy(), datum), props)
    layer = VectorLayer(data, [style], name=unique_name(m, safe_text(name)), show=show, options={"sticky": True})
    layer.add_to(m)
    register(m, "base", layer)
    state = map_state(m)
    if "minimap_outline" not in state:
        state["minimap_outline"] = placed
    return m


def add_schools(
    schools: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    campuses: gpd.GeoDataFrame | None = None,
    lang: str = "zh",
    by_level: bool = True,
) -> folium.Map:
    """Draw schools coloured by level (one layer per level), with campus polygons when given.

    Parameters
    ----------
    schools
        School points (WGS84) with ``name`` and ``level``; ``enrolment`` and
        ``address`` are shown when present.
    m
        The map (default: a new one fitted to the schools).
    campuses
        Campus polygons (optional).
    lang
        Language of labels.
    by_level
        One layer per school level (True) or one layer for all.
    """
    lang = check_lang(lang)
    schools = check_layer(schools, "schools", ["name", "level"])
    m = ensure_map(m, schools)
    datum = use_datum(m)
    if campuses is not None and len(campuses):
        campuses = check_layer(campuses, "campuses")
        placed_c = frames.placed(campuses)
        cnames = placed_c["name"] if "name" in placed_c else pd.Series("", index=placed_c.index)
        data = feature_collection(
            display_geoms(placed_c.geometry.to_numpy(), datum),
            [{"t": safe_text(v)} if safe_text(v) else {} for v in cnames],
        )
        style = {"color": "#2b6cb0", "weight": 1, "fillColor": "#90cdf4", "fillOpacity": 0.35}
        layer = VectorLayer(data, [style], name=unique_name(m, t("campuses", lang)))
        layer.add_to(m)
        register(m, "schools", layer)
    placed = frames.placed(schools)
    lon, lat = display_xy(placed.geometry.to_numpy(), datum)
    levels = [c for c in LEVELS.codes if (placed["level"] == c).any()]
    other = placed["level"].isna() | ~placed["level"].isin(LEVELS.codes)
    buckets: list[tuple[str, np.ndarray]] = []
    if by_level:
        buckets = [(c, (placed["level"] == c).to_numpy()) for c in levels]
        if other.any():
            buckets.append(("", other.to_numpy()))
    else:
        buckets = [("all", np.ones(len(placed), dtype=bool))]
    for code, mask in buckets:
        if code == "all":
            layer_name = count(t("schools", lang), int(mask.sum()), lang)
        elif code:
            layer_name = count(f"{t('schools', lang)}{sep(lang)}{label(LEVELS, code, lang)}", int(mask.sum()), lang)
        else:
            layer_name = count(t("schools", lang), int(mask.sum()), lang)
        group = folium.FeatureGroup(name=unique_name(m, layer_name))
        for i in np.flatnonzero(mask):
            row = placed.iloc[i]
            level = label(LEVELS, row["level"], lang) if row["level"] in LEVELS.codes else ""
            popup = popup_table(
                [
                    ("", row["name"]),
                    (t("level", lang), level),
                    (t("enrolment", lang), row.get("enrolment")),
                    (t("address", lang), row.get("address")),
                ]
            )
            folium.CircleMarker(
                location=(round(float(lat[i]), 6), round(float(lon[i]), 6)),
                radius=7,
                color="#ffffff",
                weight=1.5,
                fill=True,
                fill_color=LEVEL_COLOURS.get(row["level"], "#333333"),
                fill_opacity=1.0,
                popup=folium.Popup(popup, max_width=320),
                tooltip=folium.Tooltip(f"{safe_text(row['name'])} ({safe_text(level)})"),
            ).add_to(group)
        group.add_to(m)
        register(m, "schools", group)
    return m


def _field_payload(label_text: str, values: Sequence[object]) -> dict[str, Any]:
    """Return a popup field: escaped strings, dictionary-encoded when values repeat."""
    texts = [safe_text(v) for v in values]
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object), sort=False)
    if len(uniques) <= max(1, len(texts) // 2):
        return {"label": safe_text(label_text), "dict": list(uniques), "index": codes.tolist()}
    return {"label": safe_text(label_text), "values": texts}


def _point_payload(
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    groups: list[dict[str, Any]],
    group_codes: np.ndarray,
    faded: np.ndarray | None,
    fields: list[tuple[str, Sequence[object]]],
    title: int,
    tip: int,
    search: list[int],
    decimals: int = 5,
) -> dict[str, Any]:
    """Columns for :js:`L.hutanStore`: integer coordinates (delta-encoded, sorted by x), codes, fields."""
    k = 10**decimals
    x0 = math.floor(float(lon.min()) * k) / k if len(lon) else 0.0
    y0 = math.floor(float(lat.min()) * k) / k if len(lat) else 0.0
    xi = np.rint((lon - x0) * k).astype(np.int64)
    yi = np.rint((lat - y0) * k).astype(np.int64)
    order = np.lexsort((yi, xi))
    xi, yi = xi[order], yi[order]
    payload: dict[str, Any] = {
        "n": len(xi),
        "k": k,
        "x0": x0,
        "y0": y0,
        "x": np.diff(xi, prepend=0).tolist(),
        "y": np.diff(yi, prepend=0).tolist(),
        "groups": groups,
        "g": np.asarray(group_codes)[order].astype(int).tolist(),
        "faded": np.asarray(faded)[order].astype(int).tolist() if faded is not None and np.any(faded) else None,
        "fields": [_field_payload(lbl, np.asarray(values, dtype=object)[order].tolist()) for lbl, values in fields],
        "title": title,
        "tip": tip,
        "search": search,
    }
    return payload


def _hazard_fields(placed: gpd.GeoDataFrame, lang: str) -> tuple[list[tuple[str, list[object]]], int, int, list[int]]:
    """Return the popup fields the hazards have, and the indexes of the title, tooltip and searchable fields."""

    def col(name: str, fmt: Any = None) -> list[object] | None:
        if name not in placed:
            return None
        values = placed[name].tolist()
        return [fmt(v) for v in values] if fmt else values

    def vocab(vocab_obj: Any) -> Any:
        return lambda v: label(vocab_obj, v, lang) if isinstance(v, str) and v in vocab_obj.labels else v

    spec: list[tuple[str, list[object] | None]] = [
        (t("hazard_id", lang), col("hazard_id")),
        (t("category", lang), col("category", vocab(CATEGORIES))),
        (t("description", lang), col("description")),
        (t("address", lang), col("address")),
        (t("severity", lang), col("severity", vocab(SEVERITIES))),
        (t("status", lang), col("status", vocab(STATUSES))),
        (t("department", lang), col("department")),
        (t("school", lang), col("school_name")),
        (t("found_date", lang), col("found_date", date_text)),
        (t("deadline", lang), col("deadline", date_text)),
    ]
    fields = [(lbl, values) for lbl, values in spec if values is not None]
    names = [lbl for lbl, _ in fields]
    title = names.index(t("hazard_id", lang)) if t("hazard_id", lang) in names else 0
    tip = names.index(t("description", lang)) if t("description", lang) in names else title
    search = [names.index(t(k, lang)) for k in ("hazard_id", "description", "address") if t(k, lang) in names]
    return fields, title, tip, search


def add_hazards(
    hazards: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    lang: str = "zh",
    cluster: bool = False,
    search: bool = True,
    decimals: int = 5,
) -> folium.Map:
    """Draw hazards by category: colour and icon per category, closed ones faded.

    All points sit in one compact column store (integer coordinates rounded
    to ``decimals`` decimals, repeated texts dictionary-encoded); each
    category is one layer drawn on a canvas (``cluster=False``, fast for
    50,000 points) or as clustered icon markers built in the browser
    (``cluster=True``, FastMarkerCluster style). A click shows every field;
    hovering shows the description. Hazards without coordinates (to geocode)
    are left out.

    Parameters
    ----------
    hazards
        Hazard points (WGS84) with ``category``; ``hazard_id``, ``description``,
        ``address``, ``severity``, ``status``, ``department``, ``school_name``,
        ``found_date`` and ``deadline`` are shown when present.
    m
        The map (default: a new one fitted to the hazards).
    lang
        Language of labels.
    cluster
        Clustered icon markers instead of canvas points.
    search
        Add a search box (name, id, address).
    decimals
        Coordinate decimals kept (5 is about 1 m).
    """
    lang = check_lang(lang)
    hazards = check_layer(hazards, "hazards", ["category"])
    if not 4 <= decimals <= 7:
        msg = f"decimals must be between 4 and 7 (5 is about 1 m); got {decimals}"
        raise InputError(msg)
    m = ensure_map(m, hazards)
    datum = use_datum(m)
    placed = frames.placed(hazards)
    if not len(placed):
        return m
    lon, lat = display_xy(placed.geometry.to_numpy(), datum)
    cats = [c for c in CATEGORIES.codes if (placed["category"] == c).any()]
    cat_index = {c: i for i, c in enumerate(cats)}
    codes = np.array([cat_index.get(c, -1) for c in placed["category"]])
    groups = [
        {
            "label": safe_text(label(CATEGORIES, c, lang)),
            "color": CATEGORY_COLOURS[c],
            "icon": CATEGORY_ICONS[c][0],
            "glyph": CATEGORY_ICONS[c][1],
        }
        for c in cats
    ]
    faded = (placed["status"] == "closed").to_numpy() if "status" in placed else None
    fields, title, tip, search_fields = _hazard_fields(placed, lang)
    payload = _point_payload(
        lon,
        lat,
        groups=groups,
        group_codes=codes,
        faded=faded,
        fields=fields,
        title=title,
        tip=tip,
        search=search_fields,
        decimals=decimals,
    )
    store = Store(payload)
    m.add_child(store)
    for i, c in enumerate(cats):
        n = int((codes == i).sum())
        layer_name = unique_name(m, count(f"{t('hazards', lang)}{sep(lang)}{label(CATEGORIES, c, lang)}", n, lang))
        cls = ClusterLayer if cluster else PointLayer
        layer = cls(store, m, name=layer_name, group=i)
        layer.add_to(m)
        register(m, "hazards", layer)
    state = map_state(m)
    if search and "search" not in state["flags"]:
        state["flags"].add("search")
        m.add_child(SearchControl(placeholder=t("search", lang), empty=t("no_match", lang)), name="hutan_search")
    state["geocode_pending"] = state.get("geocode_pending", 0) + (
        int(hazards["needs_geocoding"].fillna(False).astype(bool).sum()) if "needs_geocoding" in hazards else 0
    )
    return m


def add_heatmap(
    points: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    weight: str | None = None,
    lang: str = "zh",
    name: str | None = None,
    radius: int = 18,
    show: bool = False,
) -> folium.Map:
    """Draw a heatmap of points (hazards by default weighted by severity: 1, 2, 3).

    Parameters
    ----------
    points
        Points (WGS84).
    m
        The map (default: a new one fitted to the points).
    weight
        Numeric column of weights; default: ``severity`` (low 1, medium 2,
        high 3) when present, else 1.
    lang
        Language of the layer name.
    name
        Layer name (default 隐患热力图 / hazard heatmap).
    radius
        Radius of each point's heat, in pixels.
    show
        Shown when the map opens (off by default: switch it on in the layer control).
    """
    lang = check_lang(lang)
    points = check_layer(points, "points")
    m = ensure_map(m, points)
    datum = use_datum(m)
    placed = frames.placed(points)
    lon, lat = display_xy(placed.geometry.to_numpy(), datum)
    if weight is not None:
        if weight not in placed:
            msg = f"weight column {weight!r} is not in the points; columns: {', '.join(map(str, placed.columns))}"
            raise InputError(msg)
        w = pd.to_numeric(placed[weight], errors="coerce").fillna(0).to_numpy(dtype=float)
    elif "severity" in placed:
        w = placed["severity"].map({"low": 1.0, "medium": 2.0, "high": 3.0}).fillna(1.0).to_numpy(dtype=float)
    else:
        w = np.ones(len(placed))
    data = np.column_stack([np.round(lat, 5), np.round(lon, 5), w]).tolist()
    layer = HeatMap(
        data,
        name=unique_name(m, safe_text(name) if name else t("heatmap", lang)),
        radius=radius,
        blur=radius * 0.8,
        min_opacity=0.3,
        max_zoom=16,
        show=show,
        overlay=True,
    )
    layer.add_to(m)
    register(m, "hazards", layer)
    return m


def add_stations(stations: gpd.GeoDataFrame, m: folium.Map | None = None, *, lang: str = "zh") -> folium.Map:
    """Draw police stations as blue squares, with their patrol-car counts in the popup."""
    lang = check_lang(lang)
    stations = check_layer(stations, "stations", ["name"])
    m = ensure_map(m, stations)
    datum = use_datum(m)
    placed = frames.placed(stations)
    lon, lat = display_xy(placed.geometry.to_numpy(), datum)
    group = folium.FeatureGroup(name=unique_name(m, count(t("stations", lang), len(placed), lang)))
    for i in range(len(placed)):
        row = placed.iloc[i]
        folium.Marker(
            location=(round(float(lat[i]), 6), round(float(lon[i]), 6)),
            icon=folium.DivIcon(
                html='<div class="hutan-station"></div>',
                icon_size=(18, 18),
                icon_anchor=(9, 9),
                class_name="hutan-station-icon",
            ),
            popup=folium.Popup(
                popup_table([("", row["name"]), (t("patrol_cars", lang), row.get("patrol_cars"))]), max_width=300
            ),
            tooltip=folium.Tooltip(safe_text(row["name"])),
        ).add_to(group)
    group.add_to(m)
    register(m, "patrol", group)
    return m


def add_zones(
    zones: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    name_col: str = "name",
    ring_col: str | None = "ring_m",
    lang: str = "zh",
    name: str | None = None,
    colour: str = "#e6550d",
) -> folium.Map:
    """Draw school zones or distance rings (polygons): outlines, lighter for outer rings.

    Parameters
    ----------
    zones
        Polygons (WGS84); ``name_col`` names each one and ``ring_col`` (metres,
        optional) gives the ring's distance.
    m
        The map (default: a new one fitted to the zones).
    name_col, ring_col
        Columns for the tooltip.
    lang
        Language of labels.
    name
        Layer name (default 校园周边区域 / school zones).
    colour
        Outline colour.
    """
    lang = check_lang(lang)
    zones = check_layer(zones, "zones")
    m = ensure_map(m, zones)
    datum = use_datum(m)
    placed = frames.placed(zones)
    rings = (
        pd.to_numeric(placed[ring_col], errors="coerce")
        if ring_col and ring_col in placed
        else pd.Series(np.nan, index=placed.index)
    )
    distinct = sorted(v for v in rings.dropna().unique())
    styles = [{"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": 0.12, "dashArray": "4 3"}]
    for k, _ in enumerate(distinct):
        fade = 0.22 - 0.16 * (k / max(1, len(distinct) - 1))
        styles.append({"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": round(fade, 3)})
    names = placed[name_col] if name_col in placed else pd.Series("", index=placed.index)
    props = []
    for zone_name, ring in zip(names, rings, strict=True):
        text = safe_text(zone_name)
        if not pd.isna(ring):
            text = f"{text} · {int(ring)} {t('metres', lang)}" if text else f"{int(ring)} {t('metres', lang)}"
        props.append({"s": 0 if pd.isna(ring) else distinct.index(ring) + 1, "t": text})
    order = np.argsort(-rings.fillna(0).to_numpy(), kind="stable")  # outer rings first, inner on top
    data = feature_collection(display_geoms(placed.geometry.to_numpy()[order], datum), [props[i] for i in order])
    layer = VectorLayer(
        data, styles, name=unique_name(m, safe_text(name) if name else t("zones", lang)), options={"sticky": True}
    )
    layer.add_to(m)
    register(m, "zones", layer)
    return m


def add_rings(
    features: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    distances_m: Sequence[float] = (100.0, 200.0),
    name_col: str = "name",
    lang: str = "zh",
) -> folium.Map:
    """Draw distance rings (e.g. 100 m and 200 m) around campuses or gates, measured in metres.

    Buffers are computed in the district's local metric CRS
    (:func:`hutan_geo.model.crs.local_metric_crs`), never in degrees.
    """
    lang = check_lang(lang)
    features = check_layer(features, "features")
    distances = [float(d) for d in distances_m]
    if not distances or any(not math.isfinite(d) or d <= 0 for d in distances):
        msg = f"distances_m must be positive distances in metres; got {list(distances_m)}"
        raise InputError(msg)
    placed = frames.placed(features)
    metric = frames.metric_frame(placed, name="features")
    names = placed[name_col].tolist() if name_col in placed else [""] * len(placed)
    parts = []
    for d in sorted(distances):
        ring = gpd.GeoDataFrame(
            {"name": names, "ring_m": d}, geometry=metric.geometry.buffer(d, quad_segs=16).to_numpy(), crs=metric.crs
        )
        parts.append(ring.to_crs(4326))
    zones = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=4326)
    return add_zones(zones, m, lang=lang, name=t("rings", lang))
