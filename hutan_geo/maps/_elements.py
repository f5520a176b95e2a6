"""The page elements of our own JavaScript (``static/hutan_map.js``): compact layers, popups, search, notes.

Each class renders a few lines calling a function of ``hutan_map.js``:
:class:`Store` (the hazard columns as a JSON block), :class:`PointLayer` and
:class:`ClusterLayer` (hazards on a canvas or clustered), :class:`VectorLayer`
(GeoJSON with a style per feature and text-node popups), :class:`ScaleBar`,
:class:`SearchControl`, :class:`Note` and :class:`VectorMiniMap`.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import MarkerCluster, MiniMap
from folium.template import Template

from hutan_geo.maps._safe import js_json
from hutan_geo.maps._state import map_state, t

if TYPE_CHECKING:
    import folium

__all__ = [
    "ClusterLayer",
    "Note",
    "PointLayer",
    "Raw",
    "ScaleBar",
    "SearchControl",
    "Store",
    "VectorLayer",
    "VectorMiniMap",
    "add_note",
    "ensure_static",
]


class Raw(Element):
    """Raw text placed in a section of the page (no template processing)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def _static_text(name: str) -> str:
    return resources.files("hutan_geo").joinpath("static", name).read_text(encoding="utf-8")


def ensure_static(m: folium.Map) -> None:
    """Put hutan_geo's own script and styles in the page once (before any layer uses them)."""
    root = m.get_root()
    if "hutan_static_js" in root.script._children:
        return
    root.header.add_child(Raw(f"<style>{_static_text('hutan_map.css')}</style>"), name="hutan_static_css")
    root.script.add_child(Raw(_static_text("hutan_map.js")), name="hutan_static_js")


class Store(MacroElement):
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
        self.payload = js_json(payload)


class PointLayer(Layer):
    """One group (hazard category) of a :class:`Store`, drawn as canvas points."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.hutanPoints({{ this.store.get_name() }}, {{ this.options|tojson }});
{{ this.get_name() }}._hutanMap = {{ this.map.get_name() }};
{% endmacro %}"""
    )

    _kind = "HutanPoints"

    def __init__(self, store: Store, m: folium.Map, *, name: str, group: int, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = self._kind
        self.store = store
        self.map = m
        self.options = {"group": group}


class ClusterLayer(JSCSSMixin, PointLayer):
    """One group (hazard category) of a :class:`Store`, drawn as clustered icon markers."""

    default_js: ClassVar[list[tuple[str, str]]] = list(MarkerCluster.default_js)
    default_css: ClassVar[list[tuple[str, str]]] = list(MarkerCluster.default_css)
    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.hutanCluster({{ this.store.get_name() }}, {{ this.options|tojson }});
{{ this.get_name() }}._hutanMap = {{ this.map.get_name() }};
if (!{{ this.map.get_name() }}.options.maxZoom) { {{ this.map.get_name() }}.options.maxZoom = 19; }
{% endmacro %}"""
    )
    _kind = "HutanCluster"


class VectorLayer(Layer):
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
        self.data = js_json(data)
        self.styles = styles
        self.options = options or {}


class ScaleBar(MacroElement):
    """A metric scale bar at the bottom left."""

    _template = Template(
        """{% macro script(this, kwargs) %}
L.control.scale({imperial: false, maxWidth: 160, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )


class SearchControl(MacroElement):
    """The search box over the hazards' searchable fields."""

    _template = Template(
        """{% macro script(this, kwargs) %}
L.control.hutanSearch({{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, *, placeholder: str, empty: str) -> None:
        super().__init__()
        self._name = "HutanSearch"
        self.options = {"placeholder": placeholder, "empty": empty, "position": "topleft"}


class Note(MacroElement):
    """A line of text in a box at the top right (set as text, never parsed as HTML)."""

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


def add_note(m: folium.Map, key: str, lang: str) -> None:
    """Add the note of map label ``key`` once per map."""
    flags = map_state(m)["flags"]
    if f"note:{key}" in flags:
        return
    flags.add(f"note:{key}")
    m.add_child(Note(t(key, lang)), name=f"hutan_note_{key}")


class VectorMiniMap(JSCSSMixin, MacroElement):
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
        self.data = js_json(data or {"type": "FeatureCollection", "features": []})
        self.styles = styles
        self.tiles = tiles
        self.tile_options = tile_options
        self.options = options
