"""What a map remembers between builders, and the map labels.

Builders keep their bookkeeping in ``m._hutan`` (see :func:`map_state`): the
display datum, the basemap, layers grouped by theme for the layer control,
layer names already used, and what the legend and minimap need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hutan_geo._i18n import tr

if TYPE_CHECKING:
    import folium
    from folium.map import Layer

__all__ = ["THEMES", "count", "map_state", "register", "sep", "t", "unique_name"]

#: Themes of the layer control, in order (labels ``map.theme_<theme>``).
THEMES = ("base", "schools", "zones", "hazards", "patrol", "other")


def t(key: str, lang: str) -> str:
    """Return the map label ``map.<key>`` in ``lang`` (see :data:`hutan_geo._i18n.LABELS`)."""
    return tr(f"map.{key}", lang)


def sep(lang: str) -> str:
    """Return the label separator: full-width colon in Chinese, ``": "`` in English."""
    return "：" if lang == "zh" else ": "


def count(text: str, n: int, lang: str) -> str:
    """Return ``text（n）`` in Chinese, ``text (n)`` in English."""
    return f"{text}（{n}）" if lang == "zh" else f"{text} ({n})"


def map_state(m: folium.Map) -> dict[str, Any]:
    """Return the builders' state kept on the map (created on first use)."""
    state = m.__dict__.get("_hutan")
    if state is None:
        state = {"datum": None, "data_datum": None, "basemap": None, "groups": {}, "flags": set()}
        m.__dict__["_hutan"] = state
    return state


def register(m: folium.Map, theme: str, layer: Layer) -> Layer:
    """Note ``layer`` under ``theme`` for :func:`hutan_geo.maps.add_layer_control`."""
    groups: dict[str, list[Layer]] = map_state(m)["groups"]
    groups.setdefault(theme, []).append(layer)
    return layer


def unique_name(m: folium.Map, name: str) -> str:
    """Return ``name``, or ``name 2``, ``name 3`` … when the map already has a layer of that name."""
    used: set[str] = map_state(m).setdefault("names", set())
    out, k = name, 2
    while out in used:
        out = f"{name} {k}"
        k += 1
    used.add(out)
    return out
