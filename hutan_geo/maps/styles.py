"""Colours and icons of the map themes: hazard categories, school levels, patrol units, roads, isochrones."""

from __future__ import annotations

import colorsys

__all__ = [
    "CATEGORY_COLOURS",
    "CATEGORY_ICONS",
    "ISO_COLOURS",
    "LEVEL_COLOURS",
    "ROAD_STYLE",
    "UNIT_COLOURS",
    "unit_colours",
]

#: Colour per hazard category.
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

#: Colour per school level.
LEVEL_COLOURS: dict[str, str] = {
    "kindergarten": "#f781bf",
    "primary": "#4daf4a",
    "nine_year": "#00a087",
    "junior": "#377eb8",
    "senior": "#984ea3",
    "complete_middle": "#e41a1c",
    "vocational": "#a65628",
}

#: The first colours of patrol units, in order of first appearance (more units: see :func:`unit_colours`).
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

#: Isochrone fill colours, from the shortest travel time (green) to the longest (red).
ISO_COLOURS: tuple[str, ...] = ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027")

#: Line colour and width per road class, major roads first.
ROAD_STYLE: dict[str, tuple[str, float]] = {
    "national_highway": ("#e8a33d", 4.0),
    "provincial_highway": ("#e8b85d", 3.5),
    "arterial": ("#9a9a9a", 3.0),
    "county_road": ("#b0a27a", 2.5),
    "collector": ("#b5b5b5", 2.0),
    "local": ("#cfcfcf", 1.3),
    "village_road": ("#d8cfb8", 1.0),
}


def unit_colours(n: int) -> list[str]:
    """Return ``n`` distinct colours: :data:`UNIT_COLOURS` first, then hues spread by the golden angle.

    Examples
    --------
    >>> cols = unit_colours(40)
    >>> cols[:2], len(set(cols))
    (['#1f77b4', '#d62728'], 40)
    """
    out = list(UNIT_COLOURS[:n])
    seen = set(out)
    k = 0
    while len(out) < n:
        hue = (k * 137.508 + 20.0) % 360
        light = (0.38, 0.5, 0.3)[k % 3]
        colour = "#" + "".join(f"{round(255 * c):02x}" for c in colorsys.hls_to_rgb(hue / 360, light, 0.75))
        k += 1
        if colour not in seen:
            seen.add(colour)
            out.append(colour)
    return out
