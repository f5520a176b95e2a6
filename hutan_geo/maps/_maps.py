"""Interactive maps (folium) of a district, for screens and for meetings offline.

Builders follow the ``GeoDataFrame.explore()`` mould: they take ``m=None``
(a new map fitted to the data), add their layers and return the map, so they
chain: ``add_hazards(hz, add_schools(sc, add_roads(roads)))``.

- **Layers**: :func:`add_boundaries`, :func:`add_roads` (the road network as a
  vector basemap), :func:`add_schools` (by level, with campus polygons),
  :func:`add_zones` / :func:`add_rings`, :func:`add_hazards` (by category,
  colour and icon, closed ones faded, canvas-drawn or clustered, searchable),
  :func:`add_heatmap`, :func:`add_stations`, :func:`add_patrol_routes`,
  :func:`add_isochrones`, :func:`add_coverage`.
- **Controls**: :func:`add_layer_control` (grouped by theme),
  :func:`add_category_legend` / :func:`add_legend`, :func:`add_map_controls`
  (scale bar, fullscreen, measure, minimap).
- **Basemaps** (:class:`Basemap`, :func:`base_map`, :func:`add_basemap`):
  none (the offline default), OpenStreetMap, Gaode (GCJ-02: every layer is
  shifted to GCJ-02 for display and the map says so), Tianditu (a key is
  needed), any XYZ URL with its attribution. A map never mixes datums.
- **Export**: :func:`export_html` (one self-contained offline file, see
  :mod:`hutan_geo.offline`) and :func:`export_png` (headless Chromium).

Safety: every user string shown in a popup, tooltip, layer name or legend
goes through :func:`safe_text`. folium 0.20 puts popup and tooltip HTML inside
JavaScript template literals, so HTML escaping alone would still let
``${...}`` run; :func:`safe_text` also turns ``$``, backticks and backslashes
into entities. The compact layers built here (hazard points, vector layers)
go further: their popups are built from text nodes, so no user text is ever
parsed as HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import urlparse

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import Fullscreen, GroupedLayerControl, HeatMap, MarkerCluster, MeasureControl, MiniMap
from folium.template import Template

from hutan_geo.errors import CRSError, InputError
from hutan_geo.model import crs as hcrs
from hutan_geo.model.schema import CATEGORIES, LEVELS, SEVERITIES, STATUSES, label

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from hutan_geo.io.district import District

__all__ = [
    "BASEMAPS",
    "CATEGORY_COLOURS",
    "CATEGORY_ICONS",
    "LEVEL_COLOURS",
    "UNIT_COLOURS",
    "Basemap",
    "add_basemap",
    "add_boundaries",
    "add_category_legend",
    "add_coverage",
    "add_hazards",
    "add_heatmap",
    "add_isochrones",
    "add_layer_control",
    "add_legend",
    "add_map_controls",
    "add_patrol_routes",
    "add_rings",
    "add_roads",
    "add_schools",
    "add_stations",
    "add_zones",
    "base_map",
    "display_datum",
    "export_html",
    "export_png",
    "overview_map",
    "safe_text",
]

log = logging.getLogger("hutan_geo")

Lang = Literal["zh", "en"]

CATEGORY_COLOURS: dict[str, str] = {
    "traffic": "#d62728",
    "food_safety": "#ff7f0e",
    "public_order": "#6a3d9a",
    "cultural_market": "#1f78b4",
    "other": "#7f7f7f",
}

#: Font Awesome 6 (solid) icon and its code point, per hazard category.
CATEGORY_ICONS: dict[str, tuple[str, str]] = {
    "traffic": ("fa-car", "\uf1b9"),
    "food_safety": ("fa-utensils", "\uf2e7"),
    "public_order": ("fa-shield-halved", "\uf3ed"),
    "cultural_market": ("fa-book", "\uf02d"),
    "other": ("fa-circle-exclamation", "\uf06a"),
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

#: One colour per patrol unit, in order of first appearance (cycled).
UNIT_COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
)

_ISO_COLOURS: tuple[str, ...] = ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027")

_ROAD_STYLE: dict[str, tuple[str, float]] = {
    "national_highway": ("#e8a33d", 4.0),
    "provincial_highway": ("#e8b85d", 3.5),
    "arterial": ("#9a9a9a", 3.0),
    "county_road": ("#b0a27a", 2.5),
    "collector": ("#b5b5b5", 2.0),
    "local": ("#cfcfcf", 1.3),
    "village_road": ("#d8cfb8", 1.0),
}

_TEXT: dict[str, tuple[str, str]] = {
    "roads": ("道路", "roads"),
    "boundaries": ("行政区划", "boundaries"),
    "district": ("县界", "district boundary"),
    "townships": ("乡镇界", "townships"),
    "precincts": ("派出所辖区", "police precincts"),
    "schools": ("学校", "schools"),
    "campuses": ("校园范围", "campuses"),
    "stations": ("派出所", "police stations"),
    "hazards": ("隐患", "hazards"),
    "heatmap": ("隐患热力图", "hazard heatmap"),
    "zones": ("校园周边区域", "school zones"),
    "rings": ("校园周边距离圈", "distance rings"),
    "routes": ("巡逻路线", "patrol routes"),
    "stops": ("巡逻停靠点", "patrol stops"),
    "isochrones": ("可达范围", "reachable areas"),
    "coverage": ("覆盖情况", "coverage"),
    "covered": ("已覆盖", "covered"),
    "not_covered": ("未覆盖", "not covered"),
    "legend": ("图例", "Legend"),
    "closed_faded": ("浅色：已销号", "faded: closed"),
    "patrol_cars": ("巡逻车", "patrol cars"),
    "enrolment": ("在校人数", "enrolment"),
    "level": ("学段", "level"),
    "status": ("整改状态", "status"),
    "severity": ("严重程度", "severity"),
    "category": ("隐患类别", "category"),
    "hazard_id": ("隐患编号", "hazard id"),
    "address": ("地址", "address"),
    "department": ("责任单位", "department"),
    "description": ("隐患描述", "description"),
    "school": ("关联学校", "school"),
    "found_date": ("发现日期", "found"),
    "deadline": ("整改期限", "deadline"),
    "geocode_pending": ("待地理编码，未上图", "to geocode, not on the map"),
    "search": ("搜索隐患名称、编号或地址", "Search hazards by name, id or address"),
    "no_match": ("无匹配结果", "No match"),
    "unit": ("巡逻单位", "patrol unit"),
    "stop": ("停靠点", "stop"),
    "arrive": ("到达", "arrive"),
    "depart": ("离开", "leave"),
    "minutes": ("分钟", "min"),
    "reachable": ("分钟可达", "min reachable"),
    "origin": ("出发点", "from"),
    "metres": ("米", "m"),
    "fullscreen": ("全屏", "Full screen"),
    "exit_fullscreen": ("退出全屏", "Exit full screen"),
    "gcj_note": ("坐标已转换为 GCJ-02 以匹配高德底图", "Coordinates shifted to GCJ-02 to match the Gaode basemap"),
    "theme_base": ("底图与区划", "Basemap and boundaries"),
    "theme_schools": ("学校", "Schools"),
    "theme_zones": ("校园周边", "School surroundings"),
    "theme_hazards": ("隐患", "Hazards"),
    "theme_patrol": ("巡逻与覆盖", "Patrols and coverage"),
    "theme_other": ("其他图层", "Other layers"),
    "route_line": ("巡逻路线（箭头示方向）", "patrol route (arrows show direction)"),
}

_THEMES = ("base", "schools", "zones", "hazards", "patrol", "other")


def _check_lang(lang: str) -> Lang:
    if lang not in ("zh", "en"):
        msg = f"lang must be 'zh' (Simplified Chinese) or 'en'; got {lang!r}"
        raise InputError(msg)
    return lang  # type: ignore[return-value]


def _t(key: str, lang: str) -> str:
    return _TEXT[key][0 if lang == "zh" else 1]


def _sep(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _count(text: str, n: int, lang: str) -> str:
    return f"{text}（{n}）" if lang == "zh" else f"{text} ({n})"


def safe_text(value: object) -> str:
    """Escape user text for folium popups, tooltips, layer names and legends.

    HTML special characters become entities, and so do ``$``, backticks and
    backslashes, which would otherwise act inside the JavaScript template
    literals folium wraps popups and tooltips in, and the ``{`` of ``{{``,
    ``{%`` and ``{#``: branca parses each element's rendered script again as
    a Jinja template, so user text must never carry a template tag.

    Examples
    --------
    >>> safe_text("<b>${alert(1)}</b> `x`")
    '&lt;b&gt;&#36;{alert(1)}&lt;/b&gt; &#96;x&#96;'
    >>> safe_text("{{ 7*7 }}")
    '&#123;{ 7*7 }}'
    """
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value), quote=True)
    text = text.replace("$", "&#36;").replace("`", "&#96;").replace("\\", "&#92;")
    return _JINJA_OPEN.sub("&#123;", text)


_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def _table(rows: list[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{safe_text(k)}</th><td>{safe_text(v)}</td></tr>"
        for k, v in rows
        if safe_text(v)
    )
    return f"<table style='font-size:12px'>{cells}</table>"


def _date(value: object) -> str:
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _js_json(obj: object) -> str:
    """JSON for a ``<script>`` element: compact, UTF-8, and unable to close the element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --------------------------------------------------------------------------------------
# basemaps and datums
# --------------------------------------------------------------------------------------

_GCJ_HOSTS = ("autonavi.com", "amap.com", "gtimg.com", "map.qq.com")
_BD_HOSTS = ("baidu.com", "bdimg.com", "bdstatic.com")
_URL_OK = re.compile(r"^https?://[^\s\"'<>`\\]+$")
_PLACEHOLDER = re.compile(r"\{(x|y|z|s|r|-y)\}")


@dataclass(frozen=True)
class Basemap:
    """A web tile basemap and the datum its tiles are drawn in.

    Parameters
    ----------
    name
        Name shown for the basemap.
    url
        XYZ tile URL with ``{x}``, ``{y}``, ``{z}`` (and ``{s}`` for subdomains).
    attribution
        The attribution the tile provider requires (shown on the map, escaped).
    datum
        ``"wgs84"`` (OpenStreetMap, Tianditu, most XYZ services) or ``"gcj02"``
        (Gaode, Tencent). When it is ``"gcj02"`` every layer is shifted to
        GCJ-02 for display. Baidu's BD-09 tiles use their own projection and
        are not supported.
    subdomains
        Letters or digits that ``{s}`` cycles through.
    max_zoom
        Highest zoom level the service has.
    labels_url
        Optional second tile layer drawn on top (Tianditu's annotation layer).

    Examples
    --------
    >>> Basemap.xyz("https://tiles.example.org/{z}/{x}/{y}.png", attribution="© Example").datum
    'wgs84'
    """

    name: str
    url: str
    attribution: str
    datum: str = "wgs84"
    subdomains: str = "abc"
    max_zoom: int = 18
    labels_url: str | None = None

    def __post_init__(self) -> None:
        """Check the URL, the attribution and the datum; refuse known datum mismatches."""
        for field_name, url in (("url", self.url), ("labels_url", self.labels_url)):
            if url is None:
                continue
            if not _URL_OK.match(url):
                msg = f"basemap {field_name} must be an http(s) tile URL without spaces or quotes; got {url!r}"
                raise InputError(msg)
            if not all(k in url for k in ("{x}", "{y}", "{z}")):
                msg = f"basemap {field_name} must contain {{x}}, {{y}} and {{z}}; got {url!r}"
                raise InputError(msg)
            if re.search(r"[{}]", _PLACEHOLDER.sub("", url)):
                msg = f"basemap {field_name} may use only the {{x}} {{y}} {{z}} {{s}} {{r}} placeholders; got {url!r}"
                raise InputError(msg)
        if not str(self.attribution).strip():
            msg = f"basemap {self.name!r} needs an attribution (the tile provider's copyright line)"
            raise InputError(msg)
        datum = hcrs.parse_datum(self.datum)
        datum = "wgs84" if datum == "cgcs2000" else datum
        object.__setattr__(self, "datum", datum)
        host = (urlparse(self.url).hostname or "").lower()
        if datum == "bd09" or any(host.endswith(h) for h in _BD_HOSTS):
            msg = (
                f"basemap {self.name!r}: Baidu tiles use BD-09 and Baidu's own projection, which Leaflet cannot "
                "line up with other layers; use Gaode (GCJ-02), Tianditu or OpenStreetMap instead"
            )
            raise CRSError(msg)
        if any(host.endswith(h) for h in _GCJ_HOSTS) and datum != "gcj02":
            msg = (
                f"basemap {self.name!r}: tiles from {host} are drawn in GCJ-02 but datum={self.datum!r} was given; "
                "pass datum='gcj02' so the data is shifted to line up with them"
            )
            raise CRSError(msg)

    @classmethod
    def xyz(
        cls,
        url: str,
        *,
        attribution: str,
        datum: str = "wgs84",
        name: str = "自定义底图",
        subdomains: str = "abc",
        max_zoom: int = 18,
    ) -> Basemap:
        """Any XYZ tile service; the attribution is required and the datum must be right."""
        return cls(
            name=name,
            url=url,
            attribution=safe_text(attribution),
            datum=datum,
            subdomains=subdomains,
            max_zoom=max_zoom,
        )


_TIANDITU = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)

#: Names accepted by ``basemap=`` (besides a :class:`Basemap`).
BASEMAPS: dict[str, str] = {
    "none": "none",
    "vector": "none",
    "openstreetmap": "osm",
    "osm": "osm",
    "gaode": "gaode",
    "amap": "gaode",
    "高德": "gaode",
    "tianditu": "tianditu",
    "天地图": "tianditu",
}


def _resolve_basemap(basemap: str | Basemap | None, *, tianditu_key: str | None) -> Basemap | None:
    if basemap is None or isinstance(basemap, Basemap):
        return basemap
    key = BASEMAPS.get(str(basemap).strip().lower())
    if key is None:
        msg = (
            f"unknown basemap {basemap!r}; expected one of none, openstreetmap, gaode (高德), tianditu (天地图) "
            "or a Basemap.xyz(url, attribution=..., datum=...)"
        )
        raise InputError(msg)
    if key == "none":
        return None
    if key == "osm":
        return Basemap(
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors",
            max_zoom=19,
            subdomains="abc",
        )
    if key == "gaode":
        return Basemap(
            "高德地图",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "&copy; 高德地图 AutoNavi",
            datum="gcj02",
            subdomains="1234",
        )
    if not tianditu_key:
        msg = "the Tianditu basemap needs your own key: base_map(..., basemap='tianditu', tianditu_key='...')"
        raise InputError(msg)
    if not re.fullmatch(r"[A-Za-z0-9]{8,64}", tianditu_key):
        msg = "tianditu_key must be the 32-character key from the Tianditu console (letters and digits only)"
        raise InputError(msg)
    return Basemap(
        "天地图",
        _TIANDITU.format(layer="vec", key=tianditu_key),
        "&copy; 天地图 Tianditu",
        datum="wgs84",
        subdomains="01234567",
        labels_url=_TIANDITU.format(layer="cva", key=tianditu_key),
    )


def _state(m: folium.Map) -> dict[str, Any]:
    state = m.__dict__.get("_hutan")
    if state is None:
        state = {"datum": None, "data_datum": None, "basemap": None, "groups": {}, "flags": set()}
        m.__dict__["_hutan"] = state
    return state


def _tile_datum(url: str) -> str:
    host = (urlparse(url).hostname or "").lower()
    if any(host.endswith(h) for h in _BD_HOSTS):
        msg = f"the map has Baidu tiles ({host}); BD-09 with Baidu's projection cannot be lined up, use another basemap"
        raise CRSError(msg)
    return "gcj02" if any(host.endswith(h) for h in _GCJ_HOSTS) else "wgs84"


def display_datum(m: folium.Map) -> str:
    """Return the datum the map's layers are drawn in: ``"wgs84"`` or ``"gcj02"``.

    Set by :func:`base_map`/:func:`add_basemap`; for a map made elsewhere it is
    read from its tile layers (Gaode/Tencent tiles mean GCJ-02).

    Examples
    --------
    >>> display_datum(base_map(basemap="gaode"))
    'gcj02'
    """
    state = _state(m)
    if state["datum"] is None:
        datums = {
            _tile_datum(str(child.tiles))
            for child in m._children.values()
            if isinstance(child, folium.TileLayer) and isinstance(getattr(child, "tiles", None), str)
        }
        if len(datums) > 1:
            msg = "the map has tile layers in both WGS84 and GCJ-02; keep one basemap so the data lines up"
            raise CRSError(msg)
        state["datum"] = datums.pop() if datums else "wgs84"
        if state["datum"] == "gcj02":
            log.warning("the map has GCJ-02 tiles: layers are shifted to GCJ-02 for display")
            _add_note(m, "gcj_note", "zh")
    return state["datum"]


def _use_datum(m: folium.Map) -> str:
    datum = display_datum(m)
    _state(m)["data_datum"] = datum
    return datum


def add_basemap(
    m: folium.Map,
    basemap: str | Basemap,
    *,
    tianditu_key: str | None = None,
    lang: str = "zh",
) -> folium.Map:
    """Add web tiles under the map's layers.

    Parameters
    ----------
    m
        The map; it must not yet show data in another datum.
    basemap
        ``"openstreetmap"``, ``"gaode"``, ``"tianditu"`` or a :class:`Basemap`.
    tianditu_key
        Your Tianditu key (needed for ``"tianditu"``).
    lang
        Language of the datum note.

    Raises
    ------
    CRSError
        The map already shows data (or tiles) in a different datum: layers
        would be off by several hundred metres. Choose the basemap first.
    """
    lang = _check_lang(lang)
    spec = _resolve_basemap(basemap, tianditu_key=tianditu_key)
    if spec is None:
        return m
    state = _state(m)
    current = state["data_datum"]  # layers already drawn; an empty map may still change datum
    if current is not None and current != spec.datum:
        msg = (
            f"the map already shows layers in {current.upper()} and {spec.name} tiles are {spec.datum.upper()}; "
            f"they would be off by about 500 m. Create the map with base_map(basemap=...) first, then add layers"
        )
        raise CRSError(msg)
    if state["basemap"] is not None:
        msg = f"the map already has the basemap {state['basemap'].name!r}; use one basemap per map"
        raise InputError(msg)
    folium.TileLayer(
        tiles=spec.url,
        attr=spec.attribution,
        name=safe_text(spec.name),
        subdomains=spec.subdomains,
        max_zoom=spec.max_zoom,
        max_native_zoom=spec.max_zoom,
        control=False,
        overlay=False,
    ).add_to(m)
    if spec.labels_url:
        folium.TileLayer(
            tiles=spec.labels_url,
            attr=spec.attribution,
            name=safe_text(spec.name) + " labels",
            subdomains=spec.subdomains,
            max_zoom=spec.max_zoom,
            overlay=True,
            control=False,
        ).add_to(m)
    state["basemap"] = spec
    state["datum"] = spec.datum
    if spec.datum == "gcj02":
        _add_note(m, "gcj_note", lang)
    return m


def base_map(
    bounds: Sequence[float] | None = None,
    *,
    basemap: str | Basemap | None = None,
    tianditu_key: str | None = None,
    lang: str = "zh",
) -> folium.Map:
    """Return an empty map fitted to WGS84 ``bounds``, with a scale bar; no web tiles by default.

    Parameters
    ----------
    bounds
        ``(min_lon, min_lat, max_lon, max_lat)`` in WGS84.
    basemap
        None or ``"none"`` (vector layers only; works offline), ``"openstreetmap"``,
        ``"gaode"`` (GCJ-02), ``"tianditu"`` (needs ``tianditu_key``) or a
        :class:`Basemap` (e.g. :meth:`Basemap.xyz`).
    tianditu_key
        Your Tianditu key.
    lang
        Language of notes on the map.

    Examples
    --------
    >>> m = base_map((113.2, 27.5, 113.5, 27.8))
    >>> display_datum(m)
    'wgs84'
    """
    lang = _check_lang(lang)
    spec = _resolve_basemap(basemap, tianditu_key=tianditu_key)
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=False, zoom_snap=0.25, max_zoom=19)
    _ensure_static(m)
    m.add_child(_ScaleBar(), name="hutan_scale")
    _state(m)["datum"] = spec.datum if spec is not None else "wgs84"
    if spec is not None:
        add_basemap(m, spec, lang=lang)
    if bounds is not None:
        x0, y0, x1, y1 = (float(v) for v in bounds)
        if _state(m)["datum"] == "gcj02":
            (x0, x1), (y0, y1) = hcrs.from_wgs84(np.array([x0, x1]), np.array([y0, y1]), "gcj02")
        m.fit_bounds([[float(y0), float(x0)], [float(y1), float(x1)]])
    return m


def _placed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]


def _ensure_map(m: folium.Map | None, gdf: gpd.GeoDataFrame) -> folium.Map:
    if m is not None:
        _ensure_static(m)
        return m
    placed = _placed(gdf)
    return base_map(tuple(placed.total_bounds) if len(placed) else None)


def _check_frame(gdf: object, what: str, columns: Iterable[str] = ()) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"{what} must be a GeoDataFrame; got {type(gdf).__name__}"
        raise InputError(msg)
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        msg = f"{what} has no column {', '.join(map(repr, missing))}; columns found: {', '.join(map(str, gdf.columns))}"
        raise InputError(msg)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def _display_geoms(geoms: Any, datum: str, *, grid: float = 1e-6) -> np.ndarray:
    """Geometries in the display datum, snapped to a grid of ``grid`` degrees (about 0.1 m)."""
    arr = np.asarray(geoms, dtype=object)
    if datum == "gcj02":
        arr = shapely.transform(arr, lambda xy: np.column_stack(hcrs.from_wgs84(xy[:, 0], xy[:, 1], "gcj02")))
    return shapely.set_precision(arr, grid)


def _display_xy(geoms: Any, datum: str) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(geoms, dtype=object)
    lon, lat = shapely.get_x(arr), shapely.get_y(arr)
    if datum == "gcj02":
        lon, lat = hcrs.from_wgs84(lon, lat, "gcj02")
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


# --------------------------------------------------------------------------------------
# elements (our own JavaScript: compact layers, text-node popups, search)
# --------------------------------------------------------------------------------------


class _Raw(Element):
    """Raw text placed in a section of the page (no template processing)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def _static_text(name: str) -> str:
    return resources.files("hutan_geo").joinpath("static", name).read_text(encoding="utf-8")


def _ensure_static(m: folium.Map) -> None:
    """Put hutan_geo's own script and styles in the page once (before any layer uses them)."""
    root = m.get_root()
    if "hutan_static_js" in root.script._children:
        return
    root.header.add_child(_Raw(f"<style>{_static_text('hutan_map.css')}</style>"), name="hutan_static_css")
    root.script.add_child(_Raw(_static_text("hutan_map.js")), name="hutan_static_js")


class _Store(MacroElement):
    """The hazard columns, as a JSON data block (``JSON.parse`` is several times faster than a JS literal)."""

    _template = Template(
        """{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.get_name() }}_data">{{ this.payload }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.hutanStore(JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent));
{% endmacro %}"""
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "HutanStore"
        self.payload = _js_json(payload)


class _PointLayer(Layer):
    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.hutanPoints({{ this.store.get_name() }}, {{ this.options|tojson }});
{{ this.get_name() }}._hutanMap = {{ this.map.get_name() }};
{% endmacro %}"""
    )

    def __init__(self, store: _Store, m: folium.Map, *, name: str, group: int, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "HutanPoints"
        self.store = store
        self.map = m
        self.options = {"group": group}


class _ClusterLayer(JSCSSMixin, Layer):
    default_js: ClassVar[list[tuple[str, str]]] = list(MarkerCluster.default_js)
    default_css: ClassVar[list[tuple[str, str]]] = list(MarkerCluster.default_css)
    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.hutanCluster({{ this.store.get_name() }}, {{ this.options|tojson }});
{{ this.get_name() }}._hutanMap = {{ this.map.get_name() }};
if (!{{ this.map.get_name() }}.options.maxZoom) { {{ this.map.get_name() }}.options.maxZoom = 19; }
{% endmacro %}"""
    )

    def __init__(self, store: _Store, m: folium.Map, *, name: str, group: int, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "HutanCluster"
        self.store = store
        self.map = m
        self.options = {"group": group}


class _VectorLayer(Layer):
    """A GeoJSON layer with a style per feature looked up by index and text-node tooltips/popups."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.hutanGeoJson({{ this.data }}, {{ this.styles|tojson }}, {{ this.options|tojson }});
{% endmacro %}"""
    )

    def __init__(
        self,
        data: dict[str, Any],
        styles: list[dict[str, Any]],
        *,
        name: str,
        show: bool = True,
        options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "HutanVector"
        self.data = _js_json(data)
        self.styles = styles
        self.options = options or {}


class _ScaleBar(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
L.control.scale({imperial: false, maxWidth: 160, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )


class _SearchControl(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
L.control.hutanSearch({{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, *, placeholder: str, empty: str) -> None:
        super().__init__()
        self._name = "HutanSearch"
        self.options = {"placeholder": placeholder, "empty": empty, "position": "topleft"}


class _Note(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  var note = L.control({position: "topright"});
  note.onAdd = function () {
    var div = L.DomUtil.create("div", "hutan-note");
    div.textContent = {{ this.text|tojson }};
    return div;
  };
  note.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "HutanNote"
        self.text = text


def _add_note(m: folium.Map, key: str, lang: str) -> None:
    flags = _state(m)["flags"]
    if f"note:{key}" in flags:
        return
    flags.add(f"note:{key}")
    m.add_child(_Note(_t(key, lang)), name=f"hutan_note_{key}")


class _VectorMiniMap(JSCSSMixin, MacroElement):
    """leaflet-minimap showing a vector layer (offline) or the basemap's tiles."""

    default_js: ClassVar[list[tuple[str, str]]] = list(MiniMap.default_js)
    default_css: ClassVar[list[tuple[str, str]]] = list(MiniMap.default_css)
    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }}_layer = {% if this.tiles -%}
  L.tileLayer({{ this.tiles|tojson }}, {{ this.tile_options|tojson }})
{%- else -%}
  L.geoJson({{ this.data }}, {
    style: function (f) { return {{ this.styles|tojson }}[f.properties.s || 0]; }, interactive: false})
{%- endif %};
var {{ this.get_name() }} = new L.Control.MiniMap({{ this.get_name() }}_layer, {{ this.options|tojson }});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(
        self,
        *,
        data: dict[str, Any] | None,
        styles: list[dict[str, Any]],
        tiles: str | None,
        tile_options: dict[str, Any],
        options: dict[str, Any],
    ) -> None:
        super().__init__()
        self._name = "HutanMiniMap"
        self.data = _js_json(data or {"type": "FeatureCollection", "features": []})
        self.styles = styles
        self.tiles = tiles
        self.tile_options = tile_options
        self.options = options


def _register(m: folium.Map, theme: str, layer: Layer) -> Layer:
    groups: dict[str, list[Layer]] = _state(m)["groups"]
    groups.setdefault(theme, []).append(layer)
    return layer


def _feature_collection(geoms: np.ndarray, props: list[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for geom, prop in zip(geoms, props, strict=True):
        if geom is None or shapely.is_empty(geom):
            continue
        features.append({"type": "Feature", "properties": prop, "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def _rows(pairs: Iterable[tuple[str, object]]) -> list[list[str]]:
    """Popup rows ``[label, value]`` (both escaped), empty values left out."""
    return [[safe_text(k), safe_text(v)] for k, v in pairs if safe_text(v)]


def _unique_name(m: folium.Map, name: str) -> str:
    used: set[str] = _state(m).setdefault("names", set())
    out, k = name, 2
    while out in used:
        out = f"{name} {k}"
        k += 1
    used.add(out)
    return out


# --------------------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------------------


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
    lang = _check_lang(lang)
    roads = _check_frame(roads, "roads")
    m = _ensure_map(m, roads)
    datum = _use_datum(m)
    placed = _placed(roads)
    classes = list(reversed(list(_ROAD_STYLE)))  # minor roads first, major ones on top
    road_class = placed["road_class"] if "road_class" in placed else pd.Series("", index=placed.index)
    order = np.argsort([classes.index(c) if c in classes else -1 for c in road_class], kind="stable")
    placed = placed.iloc[order]
    road_class = road_class.iloc[order]
    styles = [{"color": "#cccccc", "weight": 1.0, "opacity": 0.9}] + [
        {"color": _ROAD_STYLE[c][0], "weight": _ROAD_STYLE[c][1], "opacity": 0.9} for c in classes
    ]
    names = placed["name"] if "name" in placed else pd.Series("", index=placed.index)
    props = []
    for cls, road_name in zip(road_class, names, strict=True):
        prop: dict[str, Any] = {"s": classes.index(cls) + 1 if cls in classes else 0}
        text = safe_text(road_name)
        if text:
            prop["t"] = text
        props.append(prop)
    data = _feature_collection(_display_geoms(placed.geometry.to_numpy(), datum), props)
    layer = _VectorLayer(
        data, styles, name=_unique_name(m, safe_text(name) if name else _t("roads", lang)), show=show
    ).add_to(m)
    _register(m, "base", layer)
    _state(m)["minimap_roads"] = (placed[road_class.isin(["national_highway", "provincial_highway", "arterial"])],)
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
    boundaries = _check_frame(boundaries, "boundaries")
    m = _ensure_map(m, boundaries)
    datum = _use_datum(m)
    placed = _placed(boundaries)
    names = placed["name"] if "name" in placed else pd.Series("", index=placed.index)
    props = [{"t": safe_text(v)} if safe_text(v) else {} for v in names]
    style = {"color": colour, "weight": weight, "fill": False, "dashArray": dash}
    data = _feature_collection(_display_geoms(placed.geometry.to_numpy(), datum), props)
    layer = _VectorLayer(data, [style], name=_unique_name(m, safe_text(name)), show=show, options={"sticky": True})
    layer.add_to(m)
    _register(m, "base", layer)
    state = _state(m)
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
    lang = _check_lang(lang)
    schools = _check_frame(schools, "schools", ["name", "level"])
    m = _ensure_map(m, schools)
    datum = _use_datum(m)
    if campuses is not None and len(campuses):
        campuses = _check_frame(campuses, "campuses")
        placed_c = _placed(campuses)
        cnames = placed_c["name"] if "name" in placed_c else pd.Series("", index=placed_c.index)
        data = _feature_collection(
            _display_geoms(placed_c.geometry.to_numpy(), datum),
            [{"t": safe_text(v)} if safe_text(v) else {} for v in cnames],
        )
        style = {"color": "#2b6cb0", "weight": 1, "fillColor": "#90cdf4", "fillOpacity": 0.35}
        layer = _VectorLayer(data, [style], name=_unique_name(m, _t("campuses", lang)))
        layer.add_to(m)
        _register(m, "schools", layer)
    placed = _placed(schools)
    lon, lat = _display_xy(placed.geometry.to_numpy(), datum)
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
            layer_name = _count(_t("schools", lang), int(mask.sum()), lang)
        elif code:
            layer_name = _count(f"{_t('schools', lang)}{_sep(lang)}{label(LEVELS, code, lang)}", int(mask.sum()), lang)
        else:
            layer_name = _count(_t("schools", lang), int(mask.sum()), lang)
        group = folium.FeatureGroup(name=_unique_name(m, layer_name))
        for i in np.flatnonzero(mask):
            row = placed.iloc[i]
            level = label(LEVELS, row["level"], lang) if row["level"] in LEVELS.codes else ""
            popup = _table(
                [
                    ("", row["name"]),
                    (_t("level", lang), level),
                    (_t("enrolment", lang), row.get("enrolment")),
                    (_t("address", lang), row.get("address")),
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
        _register(m, "schools", group)
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
    lang = _check_lang(lang)
    hazards = _check_frame(hazards, "hazards", ["category"])
    if not 4 <= decimals <= 7:
        msg = f"decimals must be between 4 and 7 (5 is about 1 m); got {decimals}"
        raise InputError(msg)
    m = _ensure_map(m, hazards)
    datum = _use_datum(m)
    placed = _placed(hazards)
    if not len(placed):
        return m
    lon, lat = _display_xy(placed.geometry.to_numpy(), datum)
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

    def col(name: str, fmt: Any = None) -> list[object] | None:
        if name not in placed:
            return None
        values = placed[name].tolist()
        return [fmt(v) for v in values] if fmt else values

    def vocab(vocab_obj: Any) -> Any:
        return lambda v: label(vocab_obj, v, lang) if isinstance(v, str) and v in vocab_obj.labels else v

    spec: list[tuple[str, list[object] | None]] = [
        (_t("hazard_id", lang), col("hazard_id")),
        (_t("category", lang), col("category", vocab(CATEGORIES))),
        (_t("description", lang), col("description")),
        (_t("address", lang), col("address")),
        (_t("severity", lang), col("severity", vocab(SEVERITIES))),
        (_t("status", lang), col("status", vocab(STATUSES))),
        (_t("department", lang), col("department")),
        (_t("school", lang), col("school_name")),
        (_t("found_date", lang), col("found_date", _date)),
        (_t("deadline", lang), col("deadline", _date)),
    ]
    fields = [(lbl, values) for lbl, values in spec if values is not None]
    names = [lbl for lbl, _ in fields]
    title = names.index(_t("hazard_id", lang)) if _t("hazard_id", lang) in names else 0
    tip = names.index(_t("description", lang)) if _t("description", lang) in names else title
    search_fields = [names.index(_t(k, lang)) for k in ("hazard_id", "description", "address") if _t(k, lang) in names]
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
    store = _Store(payload)
    m.add_child(store)
    for i, c in enumerate(cats):
        n = int((codes == i).sum())
        layer_name = _unique_name(m, _count(f"{_t('hazards', lang)}{_sep(lang)}{label(CATEGORIES, c, lang)}", n, lang))
        cls = _ClusterLayer if cluster else _PointLayer
        layer = cls(store, m, name=layer_name, group=i)
        layer.add_to(m)
        _register(m, "hazards", layer)
    state = _state(m)
    if search and "search" not in state["flags"]:
        state["flags"].add("search")
        m.add_child(_SearchControl(placeholder=_t("search", lang), empty=_t("no_match", lang)), name="hutan_search")
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
    lang = _check_lang(lang)
    points = _check_frame(points, "points")
    m = _ensure_map(m, points)
    datum = _use_datum(m)
    placed = _placed(points)
    lon, lat = _display_xy(placed.geometry.to_numpy(), datum)
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
        name=_unique_name(m, safe_text(name) if name else _t("heatmap", lang)),
        radius=radius,
        blur=radius * 0.8,
        min_opacity=0.3,
        max_zoom=16,
        show=show,
        overlay=True,
    )
    layer.add_to(m)
    _register(m, "hazards", layer)
    return m


def add_stations(stations: gpd.GeoDataFrame, m: folium.Map | None = None, *, lang: str = "zh") -> folium.Map:
    """Draw police stations as blue squares, with their patrol-car counts in the popup."""
    lang = _check_lang(lang)
    stations = _check_frame(stations, "stations", ["name"])
    m = _ensure_map(m, stations)
    datum = _use_datum(m)
    placed = _placed(stations)
    lon, lat = _display_xy(placed.geometry.to_numpy(), datum)
    group = folium.FeatureGroup(name=_unique_name(m, _count(_t("stations", lang), len(placed), lang)))
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
                _table([("", row["name"]), (_t("patrol_cars", lang), row.get("patrol_cars"))]), max_width=300
            ),
            tooltip=folium.Tooltip(safe_text(row["name"])),
        ).add_to(group)
    group.add_to(m)
    _register(m, "patrol", group)
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
    lang = _check_lang(lang)
    zones = _check_frame(zones, "zones")
    m = _ensure_map(m, zones)
    datum = _use_datum(m)
    placed = _placed(zones)
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
            text = f"{text} · {int(ring)} {_t('metres', lang)}" if text else f"{int(ring)} {_t('metres', lang)}"
        props.append({"s": 0 if pd.isna(ring) else distinct.index(ring) + 1, "t": text})
    order = np.argsort(-rings.fillna(0).to_numpy(), kind="stable")  # outer rings first, inner on top
    data = _feature_collection(_display_geoms(placed.geometry.to_numpy()[order], datum), [props[i] for i in order])
    layer = _VectorLayer(
        data, styles, name=_unique_name(m, safe_text(name) if name else _t("zones", lang)), options={"sticky": True}
    )
    layer.add_to(m)
    _register(m, "zones", layer)
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
    lang = _check_lang(lang)
    features = _check_frame(features, "features")
    distances = [float(d) for d in distances_m]
    if not distances or any(not math.isfinite(d) or d <= 0 for d in distances):
        msg = f"distances_m must be positive distances in metres; got {list(distances_m)}"
        raise InputError(msg)
    placed = _placed(features)
    metric = hcrs.to_metric(placed)
    names = placed[name_col].tolist() if name_col in placed else [""] * len(placed)
    parts = []
    for d in sorted(distances):
        ring = gpd.GeoDataFrame(
            {"name": names, "ring_m": d}, geometry=metric.geometry.buffer(d, quad_segs=16).to_numpy(), crs=metric.crs
        )
        parts.append(ring.to_crs(4326))
    zones = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=4326)
    return add_zones(zones, m, lang=lang, name=_t("rings", lang))


def _clock(value: object) -> str:
    """``HH:MM`` from minutes after midnight, a ``datetime.time``/``datetime``, or a string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, int | float | np.integer | np.floating):
        total = round(float(value))
        return f"{total // 60 % 24:02d}:{total % 60:02d}"
    return str(value)


def _stops(value: object) -> list[dict[str, Any]]:
    """Normalise a stop list: dicts (``name``, ``arrival``, ``departure``, ``lon``, ``lat``) or tuples."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    out = []
    for item in list(value):  # type: ignore[call-overload]
        if isinstance(item, dict):
            out.append(item)
        else:
            seq = list(item)
            out.append(dict(zip(("name", "arrival", "departure", "lon", "lat"), seq, strict=False)))
    return out


def _stop_line(stop: dict[str, Any]) -> str:
    """``07:20–07:28 实验小学`` (arrival, departure when known, name)."""
    times = _clock(stop.get("arrival"))
    if stop.get("departure") is not None:
        times += "–" + _clock(stop.get("departure"))
    return f"{times} {stop.get('name', '')}".strip()


def _bearing(x0: float, y0: float, x1: float, y1: float) -> float:
    """Screen bearing (degrees clockwise from north) of a short step in lon/lat."""
    dx = (x1 - x0) * math.cos(math.radians((y0 + y1) / 2))
    return math.degrees(math.atan2(dx, y1 - y0)) % 360


def add_patrol_routes(
    routes: gpd.GeoDataFrame,
    m: folium.Map | None = None,
    *,
    unit_col: str = "unit",
    stops_col: str = "stops",
    lang: str = "zh",
    arrow_every_m: float = 600.0,
) -> folium.Map:
    """Draw patrol routes: a colour per unit, direction arrows, stop times in tooltips.

    Parameters
    ----------
    routes
        LineStrings (WGS84) in travel direction, one per route, with a unit
        column and, optionally, a stop list column: each stop a dict with
        ``name``, ``arrival`` and ``departure`` (minutes after midnight,
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
    lang = _check_lang(lang)
    routes = _check_frame(routes, "routes", [unit_col])
    if not math.isfinite(arrow_every_m) or arrow_every_m <= 0:
        msg = f"arrow_every_m must be a positive distance in metres; got {arrow_every_m}"
        raise InputError(msg)
    m = _ensure_map(m, routes)
    datum = _use_datum(m)
    placed = _placed(routes)
    units = list(dict.fromkeys(str(u) for u in placed[unit_col]))
    colour = {u: UNIT_COLOURS[i % len(UNIT_COLOURS)] for i, u in enumerate(units)}
    metric = hcrs.to_metric(placed)
    display = _display_geoms(placed.geometry.to_numpy(), datum)
    for unit in units:
        mask = (placed[unit_col].astype(str) == unit).to_numpy()
        styles = [
            {"color": colour[unit], "weight": 4, "opacity": 0.85},
            {"radius": 5, "color": colour[unit], "weight": 2, "fillColor": "#ffffff", "fillOpacity": 1.0},
        ]
        features_geoms: list[Any] = []
        props: list[dict[str, Any]] = []
        arrows: list[list[float]] = []
        for i in np.flatnonzero(mask):
            row = placed.iloc[i]
            stops = _stops(row.get(stops_col)) if stops_col in placed else []
            lines = [_stop_line(s) for s in stops]
            tip = safe_text(unit)
            if lines:
                tip += " · " + safe_text(" → ".join(lines[:6]) + (" …" if len(lines) > 6 else ""))
            popup_rows = _rows(
                [(_t("unit", lang), unit)] + [(f"{_t('stop', lang)} {k + 1}", line) for k, line in enumerate(lines)]
            )
            features_geoms.append(display[i])
            props.append({"s": 0, "t": tip, "p": popup_rows})
            # stops with coordinates become markers with their times
            for k, s in enumerate(stops):
                if s.get("lon") is None or s.get("lat") is None:
                    continue
                (slon,), (slat,) = _display_xy([shapely.Point(float(s["lon"]), float(s["lat"]))], datum)
                features_geoms.append(shapely.Point(round(slon, 6), round(slat, 6)))
                props.append(
                    {
                        "s": 1,
                        "t": safe_text(f"{unit} · {_t('stop', lang)} {k + 1}: {lines[k]}"),
                        "p": _rows(
                            [
                                (_t("unit", lang), unit),
                                (_t("stop", lang), s.get("name")),
                                (_t("arrive", lang), _clock(s.get("arrival"))),
                                (_t("depart", lang), _clock(s.get("departure"))),
                            ]
                        ),
                    }
                )
            # arrows: spaced along the line in metres, pointing in the travel direction
            line_m = metric.geometry.iloc[i]
            length = float(line_m.length)
            if length <= 0:
                continue
            count = max(1, int(length // arrow_every_m))
            positions = [(k + 0.5) * length / count for k in range(count)]
            for pos in positions:
                a = line_m.interpolate(max(0.0, pos - 5.0))
                b = line_m.interpolate(min(length, pos + 5.0))
                ab = gpd.GeoSeries([a, b, line_m.interpolate(pos)], crs=metric.crs).to_crs(4326)
                (ax, bx, px), (ay, by, py) = _display_xy(ab.to_numpy(), datum)
                arrows.append([round(float(py), 6), round(float(px), 6), round(_bearing(ax, ay, bx, by), 1)])
        layer_name = _unique_name(m, f"{_t('routes', lang)}{_sep(lang)}{safe_text(unit)}")
        layer = _VectorLayer(
            _feature_collection(np.asarray(features_geoms, dtype=object), props),
            styles,
            name=layer_name,
            options={"arrows": arrows, "arrowColor": colour[unit]},
        )
        layer.add_to(m)
        _register(m, "patrol", layer)
    _state(m)["unit_colours"] = colour
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
    lang = _check_lang(lang)
    isochrones = _check_frame(isochrones, "isochrones", [limit_col])
    m = _ensure_map(m, isochrones)
    datum = _use_datum(m)
    placed = _placed(isochrones)
    limits = pd.to_numeric(placed[limit_col], errors="coerce")
    if limits.isna().any() or (limits <= 0).any():
        bad = placed.index[limits.isna() | (limits <= 0)].tolist()[:5]
        msg = f"column {limit_col!r} must hold positive travel times in seconds; rows {bad} do not"
        raise InputError(msg)
    distinct = sorted(limits.unique())
    palette = list(_ISO_COLOURS)
    for limit in reversed(distinct):  # largest first, smaller drawn on top
        k = distinct.index(limit)
        colour = palette[min(len(palette) - 1, round(k * (len(palette) - 1) / max(1, len(distinct) - 1)))]
        mask = (limits == limit).to_numpy()
        minutes = f"{limit / 60:g}"
        text = f"{minutes} {_t('reachable', lang)}"
        origins = (
            placed[origin_col].to_numpy()[mask]
            if origin_col and origin_col in placed
            else np.array([""] * int(mask.sum()), dtype=object)
        )
        props = [
            {"t": safe_text(f"{o} · {text}" if safe_text(o) else text), "p": _rows([(_t("origin", lang), o)])}
            for o in origins
        ]
        style = {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.25}
        data = _feature_collection(_display_geoms(placed.geometry.to_numpy()[mask], datum), props)
        layer = _VectorLayer(
            data, [style], name=_unique_name(m, f"{_t('isochrones', lang)}{_sep(lang)}{minutes} {_t('minutes', lang)}")
        )
        layer.add_to(m)
        _register(m, "patrol", layer)
    state = _state(m)
    state["isochrone_legend"] = [
        (
            _ISO_COLOURS[min(5, round(k * 5 / max(1, len(distinct) - 1)))],
            f"{limit / 60:g} {_t('reachable', lang)}",
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
        Coverage polygons (e.g. isochrones): a point is covered when it lies in one.
    name_col
        Column naming each point.
    lang
        Language of labels.
    """
    lang = _check_lang(lang)
    points = _check_frame(points, "points")
    m = _ensure_map(m, points)
    datum = _use_datum(m)
    placed = _placed(points)
    if covered_col in placed:
        covered = placed[covered_col].fillna(False).astype(bool).to_numpy()
    elif areas is not None:
        areas = _check_frame(areas, "areas")
        union = shapely.union_all(_placed(areas).geometry.to_numpy())
        covered = shapely.covers(union, placed.geometry.to_numpy())  # topological test, no distance involved
    else:
        msg = f"points have no {covered_col!r} column; pass it or give areas= (coverage polygons)"
        raise InputError(msg)
    lon, lat = _display_xy(placed.geometry.to_numpy(), datum)
    names = placed[name_col].tolist() if name_col in placed else [""] * len(placed)
    styles = [
        {"radius": 10, "color": "#1a9850", "weight": 3, "fill": False},
        {"radius": 10, "color": "#d73027", "weight": 3, "fill": False, "dashArray": "3 3"},
    ]
    for flag, key in ((True, "covered"), (False, "not_covered")):
        mask = covered == flag
        geoms = np.array([shapely.Point(round(x, 6), round(y, 6)) for x, y in zip(lon[mask], lat[mask], strict=True)])
        props = [
            {"s": 0 if flag else 1, "t": safe_text(f"{n} · {_t(key, lang)}" if safe_text(n) else _t(key, lang))}
            for n in np.asarray(names, dtype=object)[mask]
        ]
        layer = _VectorLayer(
            _feature_collection(geoms, props),
            styles,
            name=_unique_name(m, _count(f"{_t('coverage', lang)}{_sep(lang)}{_t(key, lang)}", int(mask.sum()), lang)),
        )
        layer.add_to(m)
        _register(m, "patrol", layer)
    return m


# --------------------------------------------------------------------------------------
# controls and legend
# --------------------------------------------------------------------------------------


def add_layer_control(m: folium.Map, *, lang: str = "zh", collapsed: bool = False) -> folium.Map:
    """Add a layer control grouped by theme (basemap and boundaries, schools, surroundings, hazards, patrols).

    Layers added by the builders are grouped by their theme; any other
    overlay on the map goes under 其他图层 / other layers. Call it after the
    layers are added.
    """
    lang = _check_lang(lang)
    state = _state(m)
    if "layer_control" in state["flags"]:
        return m
    groups: dict[str, list[Layer]] = state["groups"]
    known = {id(layer) for layers in groups.values() for layer in layers}
    others = [
        child
        for child in m._children.values()
        if isinstance(child, Layer)
        and not isinstance(child, folium.TileLayer)
        and child.control
        and id(child) not in known
    ]
    ordered: dict[str, list[Layer]] = {}
    for theme in _THEMES:
        layers = list(groups.get(theme, [])) + (others if theme == "other" else [])
        if layers:
            ordered[_t(f"theme_{theme}", lang)] = layers
    if not ordered:
        return m
    state["flags"].add("layer_control")
    GroupedLayerControl(ordered, exclusive_groups=False, collapsed=collapsed, position="topright").add_to(m)
    return m


_LEGEND = Template(
    """
{% macro html(this, kwargs) %}
<div class="hutan-legend" style="position: fixed; bottom: 40px; left: 10px; z-index: 9999;">
  <div class="hutan-legend-title">{{ this.title }}</div>
  {% for colour, text, shape, icon in this.items %}
  <div>{% if shape == 'line' %}<span class="hutan-legend-line" style="border-top: 3px solid {{ colour }};"></span>
  {%- else %}<span class="hutan-legend-swatch" style="background:{{ colour }};
        border-radius:{{ '50%' if shape == 'circle' else '1px' }};">
        {%- if icon %}<i class="fa-solid {{ icon }}"></i>{% endif %}</span>
  {%- endif %}{{ text }}</div>
  {% endfor %}
  {% if this.note %}<div class="hutan-legend-note">{{ this.note }}</div>{% endif %}
</div>
{% endmacro %}
"""
)

_COLOUR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9.,\s%]+\))$")
_ICON_RE = re.compile(r"^fa-[a-z0-9-]+$")


def add_legend(
    m: folium.Map,
    items: Sequence[tuple[str, ...]],
    *,
    title: str,
    note: str | None = None,
) -> folium.Map:
    """Add a fixed categorical legend.

    Parameters
    ----------
    m
        The map.
    items
        ``(colour, text, shape)`` or ``(colour, text, shape, icon)``; shape is
        ``"circle"``, ``"square"`` or ``"line"``; icon a Font Awesome name
        such as ``"fa-car"``. Text is escaped.
    title
        Legend title (escaped).
    note
        A line under the items (escaped).
    """
    clean = []
    for item in items:
        colour, text, shape, *rest = (*item, None) if len(item) == 3 else item
        icon = rest[0] if rest else None
        if not _COLOUR_RE.match(str(colour)):
            msg = f"legend colour must be a CSS colour such as '#d62728'; got {colour!r}"
            raise InputError(msg)
        if shape not in ("circle", "square", "line"):
            msg = f"legend shape must be 'circle', 'square' or 'line'; got {shape!r}"
            raise InputError(msg)
        if icon is not None and not _ICON_RE.match(str(icon)):
            msg = f"legend icon must be a Font Awesome name such as 'fa-car'; got {icon!r}"
            raise InputError(msg)
        clean.append((colour, safe_text(text), shape, icon))
    legend = MacroElement()
    legend._template = _LEGEND
    legend.title = safe_text(title)
    legend.items = clean
    legend.note = safe_text(note) if note else None
    m.get_root().add_child(legend)
    return m


def add_category_legend(
    m: folium.Map,
    *,
    lang: str = "zh",
    hazards: bool = True,
    schools: bool = True,
    stations: bool = True,
    note: str | None = None,
) -> folium.Map:
    """Add the categorical legend of the map's themes in Simplified Chinese (``lang="en"``: English).

    Hazard categories with their icons, school levels, police stations, and
    patrol units and isochrone limits when the map has them; the note says
    that faded hazards are closed and how many hazards wait for geocoding.
    """
    lang = _check_lang(lang)
    state = _state(m)
    items: list[tuple[str, ...]] = []
    if hazards:
        items += [
            (CATEGORY_COLOURS[c], label(CATEGORIES, c, lang), "circle", CATEGORY_ICONS[c][0]) for c in CATEGORIES.codes
        ]
    if schools:
        items += [
            (LEVEL_COLOURS[c], f"{_t('schools', lang)}{_sep(lang)}{label(LEVELS, c, lang)}", "circle")
            for c in LEVELS.codes
        ]
    if stations:
        items.append(("#2171b5", _t("stations", lang), "square"))
    for unit, colour in state.get("unit_colours", {}).items():
        items.append((colour, f"{_t('routes', lang)}{_sep(lang)}{unit}", "line"))
    for colour, text in state.get("isochrone_legend", []):
        items.append((colour, text, "square"))
    parts = [_t("closed_faded", lang)] if hazards else []
    pending = state.get("geocode_pending", 0)
    if pending:
        parts.append(f"{pending} {_t('geocode_pending', lang)}")
    if note:
        parts.append(note)
    return add_legend(m, items, title=_t("legend", lang), note=("；" if lang == "zh" else "; ").join(parts) or None)


def _minimap_data(m: folium.Map) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    state = _state(m)
    datum = display_datum(m)
    geoms: list[Any] = []
    props: list[dict[str, Any]] = []
    outline = state.get("minimap_outline")
    if outline is not None and len(outline):
        simple = shapely.simplify(outline.geometry.to_numpy(), 0.001)
        geoms += list(_display_geoms(simple, datum, grid=1e-4))
        props += [{"s": 0}] * len(simple)
    roads = state.get("minimap_roads")
    if roads:
        major = roads[0]
        simple = shapely.simplify(major.geometry.to_numpy(), 0.0005)
        geoms += list(_display_geoms(simple, datum, grid=1e-4))
        props += [{"s": 1}] * len(simple)
    styles = [
        {"color": "#333333", "weight": 1.5, "fill": False},
        {"color": "#e8a33d", "weight": 1, "opacity": 0.9},
    ]
    return _feature_collection(np.asarray(geoms, dtype=object), props), styles


def add_map_controls(
    m: folium.Map,
    *,
    lang: str = "zh",
    fullscreen: bool = True,
    measure: bool = True,
    minimap: bool = True,
) -> folium.Map:
    """Add fullscreen, measure and minimap controls (the scale bar comes with :func:`base_map`).

    The minimap shows the basemap's tiles, or, with no web basemap, the
    district outline and major roads drawn as vectors (so it works offline).
    The measure tool's own texts are in English (leaflet-measure 2.1.7 has no
    Chinese translation); its units are metres and hectares.
    """
    lang = _check_lang(lang)
    if fullscreen:
        Fullscreen(
            position="topleft",
            title=_t("fullscreen", lang),
            title_cancel=_t("exit_fullscreen", lang),
            force_separate_button=True,
        ).add_to(m)
    if measure:
        MeasureControl(
            position="topleft",
            primary_length_unit="meters",
            secondary_length_unit="kilometers",
            primary_area_unit="sqmeters",
            secondary_area_unit="hectares",
        ).add_to(m)
    if minimap:
        spec = _state(m)["basemap"]
        data, styles = _minimap_data(m) if spec is None else (None, [])
        _VectorMiniMap(
            data=data,
            styles=styles,
            tiles=spec.url if spec is not None else None,
            tile_options={"subdomains": spec.subdomains, "attribution": ""} if spec is not None else {},
            options={
                "toggleDisplay": True,
                "position": "bottomright",
                "zoomLevelOffset": -4,
                "width": 160,
                "height": 130,
            },
        ).add_to(m)
    return m


# --------------------------------------------------------------------------------------
# the overview map, export
# --------------------------------------------------------------------------------------


def overview_map(
    district: District,
    *,
    lang: str = "zh",
    basemap: str | Basemap | None = None,
    tianditu_key: str | None = None,
    cluster: bool = False,
    heatmap: bool = True,
    controls: bool = True,
) -> folium.Map:
    """Overview of a district: roads, boundaries, campuses, schools, stations, hazards, heatmap, legend.

    Parameters
    ----------
    district
        A loaded district (see :func:`hutan_geo.io.district.load_district`).
    lang
        ``"zh"`` (default) or ``"en"`` for layer names, popups and legend.
    basemap
        None (the district's own roads only; works offline), ``"openstreetmap"``,
        ``"gaode"`` (data shifted to GCJ-02), ``"tianditu"`` or a :class:`Basemap`.
    tianditu_key
        Your Tianditu key (for ``basemap="tianditu"``).
    cluster
        Clustered hazard markers instead of canvas points.
    heatmap
        Add a hazard heatmap layer (off until switched on).
    controls
        Fullscreen, measure and minimap controls.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> m = overview_map(load_demo())
    >>> "学校" in m.get_root().render()
    True
    """
    lang = _check_lang(lang)
    layers = district.layers
    extent_source = layers.get("district")
    if extent_source is None or extent_source.empty:
        extent_source = layers["schools"]
    m = base_map(tuple(extent_source.total_bounds), basemap=basemap, tianditu_key=tianditu_key, lang=lang)
    if "roads" in layers:
        add_roads(layers["roads"], m, lang=lang)
    if "district" in layers:
        add_boundaries(layers["district"], m, name=_t("district", lang), colour="#333333", weight=2.5)
    if "townships" in layers:
        add_boundaries(layers["townships"], m, name=_t("townships", lang), colour="#777777", dash="6 4")
    if "precincts" in layers:
        add_boundaries(layers["precincts"], m, name=_t("precincts", lang), colour="#2171b5", dash="2 4", show=False)
    add_schools(layers["schools"], m, campuses=layers.get("campuses"), lang=lang)
    if "stations" in layers:
        add_stations(layers["stations"], m, lang=lang)
    hazards = layers["hazards"]
    add_hazards(hazards, m, lang=lang, cluster=cluster)
    if heatmap:
        add_heatmap(hazards, m, lang=lang)
    add_category_legend(m, lang=lang)
    if controls:
        add_map_controls(m, lang=lang)
    add_layer_control(m, lang=lang)
    return m


def export_html(
    m: folium.Map,
    path: str | Path,
    *,
    offline: bool = True,
    cache_dir: str | Path | None = None,
) -> Path:
    """Write the map as one HTML file; offline (default) inlines every script, style, font and icon.

    See :func:`hutan_geo.export.offline.export_html`.
    """
    from hutan_geo.export.offline import export_html as _export

    return _export(m, path, offline=offline, cache_dir=cache_dir)


def export_png(
    m_or_html: folium.Map | str | Path,
    png_path: str | Path,
    *,
    width: int = 1600,
    height: int = 1000,
    allow_network: bool = False,
    timeout_s: float = 60.0,
    cache_dir: str | Path | None = None,
) -> Path:
    """Render a map (or an exported HTML file) to a PNG in headless Chromium, for written reports.

    See :func:`hutan_geo.export.browser.export_png`.
    """
    from hutan_geo.export.browser import export_png as _png

    return _png(
        m_or_html,
        png_path,
        width=width,
        height=height,
        allow_network=allow_network,
        timeout_s=timeout_s,
        cache_dir=cache_dir,
    )
