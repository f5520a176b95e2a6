"""hutan_geo: school-surroundings safety (护校安园) planning on maps.

Load schools and hazard lists, place every hazard on the map, see which
hazards fall in which school's zone, plan peak-hour patrols, measure coverage
and follow each hazard through its rectification loop.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger("hutan_geo").addHandler(logging.NullHandler())
