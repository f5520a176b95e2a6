"""hutan_geo: school-surroundings safety (护校安园) planning on maps.

Load schools and hazard lists, place every hazard on the map, see which
hazards fall in which school's zone, plan peak-hour patrols, measure coverage
and follow each hazard through its rectification loop.

The calls a notebook needs most are shortcuts here (``hg.load_demo()``,
``hg.check_rules(...)``); each is the function of the part that owns it
(``hutan_geo.io``, ``hutan_geo.analysis`` …), imported on first use so that
``import hutan_geo`` stays light.

Examples
--------
>>> import hutan_geo as hg
>>> from hutan_geo import analysis
>>> hg.check_rules is analysis.check_rules
True
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

logging.getLogger("hutan_geo").addHandler(logging.NullHandler())

#: Shortcut (each name of ``__all__``) → the part that owns it, in the order of the data flow.
_SHORTCUTS: dict[str, str] = {
    "load_demo": "hutan_geo.demo",
    "load_district": "hutan_geo.io",
    "load_schools": "hutan_geo.io",
    "load_hazards": "hutan_geo.io",
    "load_stations": "hutan_geo.io",
    "export_frame": "hutan_geo.io",
    "write_table": "hutan_geo.io",
    "build_gazetteer": "hutan_geo.geocode",
    "geocode_hazards": "hutan_geo.geocode",
    "network_from_roads": "hutan_geo.network",
    "travel_time_matrix": "hutan_geo.network",
    "shortest_path": "hutan_geo.network",
    "service_areas": "hutan_geo.network",
    "prepare_sites": "hutan_geo.analysis",
    "check_rules": "hutan_geo.analysis",
    "risk_scores": "hutan_geo.analysis",
    "overview_map": "hutan_geo.maps",
    "export_html": "hutan_geo.export",
    "export_png": "hutan_geo.export",
    "open_district": "hutan_geo.pipeline",
    "run_analysis": "hutan_geo.pipeline",
    "analysis_map": "hutan_geo.pipeline",
    "write_outputs": "hutan_geo.pipeline",
}

__all__ = [
    "analysis_map",
    "build_gazetteer",
    "check_rules",
    "export_frame",
    "export_html",
    "export_png",
    "geocode_hazards",
    "load_demo",
    "load_district",
    "load_hazards",
    "load_schools",
    "load_stations",
    "network_from_roads",
    "open_district",
    "overview_map",
    "prepare_sites",
    "risk_scores",
    "run_analysis",
    "service_areas",
    "shortest_path",
    "travel_time_matrix",
    "write_outputs",
    "write_table",
]


def __getattr__(name: str) -> Any:
    """Import a shortcut from the part that owns it on first use (PEP 562)."""
    owner = _SHORTCUTS.get(name)
    if owner is None:
        msg = f"module 'hutan_geo' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(owner), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    """List the module's names with the shortcuts."""
    return sorted({*globals(), *_SHORTCUTS})
