"""Offline geocoding of Chinese address text, optional online back ends.

A :class:`Gazetteer` is built from a district (schools and their gates,
campuses, places, roads with their ``ref``) and optional user tables; then
:func:`geocode` turns address text such as ``"人民路与207国道交叉口"``,
``"城关一小东门外50米"``, ``"人民路128号"`` or ``"西门村村口"`` into points with
a ``match_type``, a ``confidence`` in 0..1, the matched name and the
candidates. Rows below ``min_confidence`` are never placed silently: they go
to the ``review`` table with their candidates. All distances are measured in
the district's local metric CRS.

Modules, in import order: ``fold`` (traditional characters, digits, pinyin),
``normalise`` (address text), ``gazetteer`` (names of a district), ``lookup``
(names in text, typos), ``found`` (a match), ``crossing`` (two roads),
``match`` (one address, form by form), ``reasons`` (why a row is reviewed),
``offline`` (:func:`geocode`, :func:`geocode_hazards`, :func:`geocode_file`),
``evaluate`` (:func:`geocode_errors`, :func:`goal_summary`,
:func:`calibration_table`), ``reverse`` (:func:`reverse_geocode`) and
``online`` (:func:`geocode_online`).
"""

from hutan_geo.geocode.evaluate import CONFIDENCE_BANDS, calibration_table, geocode_errors, goal_summary
from hutan_geo.geocode.gazetteer import Gazetteer, build_gazetteer
from hutan_geo.geocode.match import MATCH_TYPES
from hutan_geo.geocode.normalise import MAX_ADDRESS_CHARS, normalise_address
from hutan_geo.geocode.offline import (
    ADDRESS_COLUMNS,
    MATCH_LABELS,
    GeocodeResult,
    geocode,
    geocode_file,
    geocode_hazards,
)
from hutan_geo.geocode.online import ONLINE_BACKENDS, OnlineGeocoder, geocode_online
from hutan_geo.geocode.reasons import review_reason
from hutan_geo.geocode.reverse import reverse_geocode

__all__ = [
    "ADDRESS_COLUMNS",
    "CONFIDENCE_BANDS",
    "MATCH_LABELS",
    "MATCH_TYPES",
    "MAX_ADDRESS_CHARS",
    "ONLINE_BACKENDS",
    "Gazetteer",
    "GeocodeResult",
    "OnlineGeocoder",
    "build_gazetteer",
    "calibration_table",
    "geocode",
    "geocode_errors",
    "geocode_file",
    "geocode_hazards",
    "geocode_online",
    "goal_summary",
    "normalise_address",
    "reverse_geocode",
    "review_reason",
]
