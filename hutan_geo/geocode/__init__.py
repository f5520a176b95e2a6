"""Offline geocoding of Chinese address text, optional online back ends.

A :class:`Gazetteer` is built from a district (schools and their gates,
campuses, places, roads with their ``ref``) and optional user tables; then
:func:`geocode` turns address text such as ``"人民路与207国道交叉口"``,
``"城关一小东门外50米"``, ``"人民路128号"`` or ``"西门村村口"`` into points with
a ``match_type``, a ``confidence`` in 0..1, the matched name and the
candidates. Rows below ``min_confidence`` are never placed silently: they go
to the ``review`` table with their candidates. All distances are measured in
the district's local metric CRS.

Modules, in import order: ``normalise`` (address text), ``gazetteer`` (names
of a district), ``lookup`` (names in text), ``match`` (one address, form by
form), ``offline`` (:func:`geocode`, :func:`geocode_hazards`,
:func:`geocode_file`), ``reverse`` (:func:`reverse_geocode`) and ``online``
(:func:`geocode_online`).
"""

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
from hutan_geo.geocode.reverse import reverse_geocode

__all__ = [
    "ADDRESS_COLUMNS",
    "MATCH_LABELS",
    "MATCH_TYPES",
    "MAX_ADDRESS_CHARS",
    "ONLINE_BACKENDS",
    "Gazetteer",
    "GeocodeResult",
    "OnlineGeocoder",
    "build_gazetteer",
    "geocode",
    "geocode_file",
    "geocode_hazards",
    "geocode_online",
    "normalise_address",
    "reverse_geocode",
]
