"""Basemaps and datums: a map never mixes WGS84 and GCJ-02.

:func:`base_map` makes an empty map (no web tiles by default: the offline
vector map), :func:`add_basemap` adds web tiles under the layers:
OpenStreetMap, Gaode (GCJ-02: every layer is then shifted to GCJ-02 for
display and the map says so), Tianditu (a key is needed) or any XYZ URL with
its attribution (:class:`Basemap`). :func:`display_datum` tells the datum a
map draws in.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import folium
import numpy as np

from hutan_geo._i18n import check_lang
from hutan_geo.errors import CRSError, InputError
from hutan_geo.maps._elements import ScaleBar, add_note, ensure_static
from hutan_geo.maps._safe import safe_text
from hutan_geo.maps._state import map_state
from hutan_geo.model import crs as hcrs
from hutan_geo.model.frames import placed

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd

__all__ = ["BASEMAPS", "Basemap", "add_basemap", "base_map", "display_datum", "ensure_map", "use_datum"]

log = logging.getLogger("hutan_geo")

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
    """Return the :class:`Basemap` a name of :data:`BASEMAPS` stands for (a Basemap or None as it is)."""
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


def _tile_datum(url: str) -> str:
    """Return the datum of a tile URL's host (Gaode, Tencent: GCJ-02); refuse Baidu's."""
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
    state = map_state(m)
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
            add_note(m, "gcj_note", "zh")
    return state["datum"]


def use_datum(m: folium.Map) -> str:
    """Return the map's display datum and note that layers are now drawn in it (fixing the datum)."""
    datum = display_datum(m)
    map_state(m)["data_datum"] = datum
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
    lang = check_lang(lang)
    spec = _resolve_basemap(basemap, tianditu_key=tianditu_key)
    if spec is None:
        return m
    state = map_state(m)
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
        add_note(m, "gcj_note", lang)
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
    lang = check_lang(lang)
    spec = _resolve_basemap(basemap, tianditu_key=tianditu_key)
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=False, zoom_snap=0.25, max_zoom=19)
    ensure_static(m)
    m.add_child(ScaleBar(), name="hutan_scale")
    map_state(m)["datum"] = spec.datum if spec is not None else "wgs84"
    if spec is not None:
        add_basemap(m, spec, lang=lang)
    if bounds is not None:
        x0, y0, x1, y1 = (float(v) for v in bounds)
        if map_state(m)["datum"] == "gcj02":
            (x0, x1), (y0, y1) = hcrs.from_wgs84(np.array([x0, x1]), np.array([y0, y1]), "gcj02")
        m.fit_bounds([[float(y0), float(x0)], [float(y1), float(x1)]])
    return m


def ensure_map(m: folium.Map | None, gdf: gpd.GeoDataFrame) -> folium.Map:
    """Return ``m`` (with hutan_geo's script and styles), or a new map fitted to the placed rows of ``gdf``."""
    if m is not None:
        ensure_static(m)
        return m
    rows = placed(gdf)
    return base_map(tuple(rows.total_bounds) if len(rows) else None)
