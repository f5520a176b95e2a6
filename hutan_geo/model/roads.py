"""Road classes, their default speeds and peak-hour congestion factors, and the OSM mapping: stated once.

The road-class vocabulary itself (codes, Chinese and English labels, the
aliases the loaders accept) is :data:`hutan_geo.model.schema.ROAD_CLASSES`;
this module holds the numbers the network and the demo generator use.

Examples
--------
>>> DEFAULT_SPEED_KPH["arterial"], DEFAULT_CONGESTION["am_peak"]["arterial"]
(50.0, 0.55)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["DEFAULT_CONGESTION", "DEFAULT_SPEED_KPH", "MODES", "OSM_HIGHWAY_CLASSES", "PROFILES", "WALK_SPEED_MPS"]

#: Time-of-day profiles: free flow, morning arrival, noon, afternoon dismissal.
PROFILES: tuple[str, ...] = ("free", "am_peak", "noon", "pm_peak")
#: Travel modes.
MODES: tuple[str, ...] = ("drive", "walk")
#: Walking speed (m/s) used for walking distances and times.
WALK_SPEED_MPS = 1.2

#: Speed (km/h) of a road with no speed of its own, by road class.
DEFAULT_SPEED_KPH: Mapping[str, float] = MappingProxyType(
    {
        "national_highway": 60.0,
        "provincial_highway": 60.0,
        "arterial": 50.0,
        "collector": 40.0,
        "local": 30.0,
        "county_road": 60.0,
        "village_road": 30.0,
    }
)
_FACTORS = {
    #                    am_peak noon  pm_peak
    "national_highway": (0.65, 0.80, 0.60),
    "provincial_highway": (0.65, 0.80, 0.60),
    "arterial": (0.55, 0.75, 0.50),
    "collector": (0.60, 0.80, 0.55),
    "local": (0.70, 0.85, 0.65),
    "county_road": (0.80, 0.90, 0.75),
    "village_road": (0.90, 0.95, 0.85),
}
#: Congestion factor (speed multiplier in (0, 1]) per profile and road class.
DEFAULT_CONGESTION: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "free": MappingProxyType(dict.fromkeys(_FACTORS, 1.0)),
        **{
            profile: MappingProxyType({cls: f[i] for cls, f in _FACTORS.items()})
            for i, profile in enumerate(("am_peak", "noon", "pm_peak"))
        },
    }
)

#: OSM ``highway`` values kept for the driving network, mapped to road classes.
OSM_HIGHWAY_CLASSES: Mapping[str, str] = MappingProxyType(
    {
        "motorway": "national_highway",
        "motorway_link": "national_highway",
        "trunk": "national_highway",
        "trunk_link": "national_highway",
        "primary": "provincial_highway",
        "primary_link": "provincial_highway",
        "secondary": "arterial",
        "secondary_link": "arterial",
        "tertiary": "collector",
        "tertiary_link": "collector",
        "residential": "local",
        "unclassified": "local",
        "living_street": "local",
        "road": "local",
        "busway": "local",
        "service": "village_road",
        "track": "village_road",
    }
)
