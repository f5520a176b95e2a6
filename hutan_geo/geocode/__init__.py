"""Offline geocoding of Chinese address text, optional online back ends."""

from hutan_geo.geocode._geocode import (
    ADDRESS_COLUMNS,
    MATCH_LABELS,
    MATCH_TYPES,
    MAX_ADDRESS_CHARS,
    ONLINE_BACKENDS,
    Gazetteer,
    GeocodeResult,
    OnlineGeocoder,
    build_gazetteer,
    geocode,
    geocode_file,
    geocode_hazards,
    geocode_online,
    normalise_address,
    reverse_geocode,
)

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
