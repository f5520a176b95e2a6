"""Map controls: the layer control grouped by theme, legends, fullscreen, measure and the minimap."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from folium.map import Layer
from folium.plugins import Fullscreen, GroupedLayerControl, MeasureControl
from folium.template import Template

from hutan_geo._i18n import check_lang
from hutan_geo.errors import InputError
from hutan_geo.maps._display import display_geoms, feature_collection
from hutan_geo.maps._elements import VectorMiniMap
from hutan_geo.maps._safe import safe_text
from hutan_geo.maps._state import THEMES, map_state, sep, t
from hutan_geo.maps.basemaps import display_datum
from hutan_geo.maps.styles import CATEGORY_COLOURS, CATEGORY_ICONS, LEVEL_COLOURS
from hutan_geo.model.schema import CATEGORIES, LEVELS, label

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["add_category_legend", "add_layer_control", "add_legend", "add_map_controls"]


def add_layer_control(m: folium.Map, *, lang: str = "zh", collapsed: bool = False) -> folium.Map:
    """Add a layer control grouped by theme (basemap and boundaries, schools, surroundings, hazards, patrols).

    Layers added by the builders are grouped by their theme; any other
    overlay on the map goes under 其他图层 / other layers. Call it after the
    layers are added.
    """
    lang = check_lang(lang)
    state = map_state(m)
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
    for theme in THEMES:
        layers = list(groups.get(theme, [])) + (others if theme == "other" else [])
        if layers:
            ordered[t(f"theme_{theme}", lang)] = layers
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
    lang = check_lang(lang)
    state = map_state(m)
    items: list[tuple[str, ...]] = []
    if hazards:
        items += [
            (CATEGORY_COLOURS[c], label(CATEGORIES, c, lang), "circle", CATEGORY_ICONS[c][0]) for c in CATEGORIES.codes
        ]
    if schools:
        items += [
            (LEVEL_COLOURS[c], f"{t('schools', lang)}{sep(lang)}{label(LEVELS, c, lang)}", "circle")
            for c in LEVELS.codes
        ]
    if stations:
        items.append(("#2171b5", t("stations", lang), "square"))
    for unit, colour in state.get("unit_colours", {}).items():
        items.append((colour, f"{t('routes', lang)}{sep(lang)}{unit}", "line"))
    for colour, text in state.get("isochrone_legend", []):
        items.append((colour, text, "square"))
    parts = [t("closed_faded", lang)] if hazards else []
    pending = state.get("geocode_pending", 0)
    if pending:
        parts.append(f"{pending} {t('geocode_pending', lang)}")
    if note:
        parts.append(note)
    return add_legend(m, items, title=t("legend", lang), note=("；" if lang == "zh" else "; ").join(parts) or None)


def _minimap_data(m: folium.Map) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    state = map_state(m)
    datum = display_datum(m)
    geoms: list[Any] = []
    props: list[dict[str, Any]] = []
    outline = state.get("minimap_outline")
    if outline is not None and len(outline):
        simple = shapely.simplify(outline.geometry.to_numpy(), 0.001)
        geoms += list(display_geoms(simple, datum, grid=1e-4))
        props += [{"s": 0}] * len(simple)
    roads = state.get("minimap_roads")
    if roads:
        major = roads[0]
        simple = shapely.simplify(major.geometry.to_numpy(), 0.0005)
        geoms += list(display_geoms(simple, datum, grid=1e-4))
        props += [{"s": 1}] * len(simple)
    styles = [
        {"color": "#333333", "weight": 1.5, "fill": False},
        {"color": "#e8a33d", "weight": 1, "opacity": 0.9},
    ]
    return feature_collection(np.asarray(geoms, dtype=object), props), styles


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
    lang = check_lang(lang)
    if fullscreen:
        Fullscreen(
            position="topleft",
            title=t("fullscreen", lang),
            title_cancel=t("exit_fullscreen", lang),
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
        spec = map_state(m)["basemap"]
        data, styles = _minimap_data(m) if spec is None else (None, [])
        VectorMiniMap(
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
