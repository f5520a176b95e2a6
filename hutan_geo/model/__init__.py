"""Data model: canonical columns and vocabularies, coordinate systems, frame checks, road classes, clock times.

Parts: :mod:`~hutan_geo.model.schema` (vocabularies, dataset specs, header
aliases), :mod:`~hutan_geo.model.security` (the school security profile),
:mod:`~hutan_geo.model.crs` (GCJ-02/BD-09, local metric CRS),
:mod:`~hutan_geo.model.frames` (checking and projecting frames),
:mod:`~hutan_geo.model.roads` (road-class speeds and profiles),
:mod:`~hutan_geo.model.timefmt` (minutes after midnight and ``HH:MM``).
"""

from hutan_geo.model import crs
from hutan_geo.model.crs import DATUMS, in_china, local_metric_crs, parse_datum, to_wgs84
from hutan_geo.model.frames import check_crs, check_frame, check_metric_crs, is_metric, metric_frame, placed
from hutan_geo.model.residences import BUS_STOPS, RESIDENCE_KINDS, RESIDENCES
from hutan_geo.model.schema import (
    CATEGORIES,
    LEVELS,
    SEVERITIES,
    SPECS,
    STATUSES,
    WINDOWS,
    Column,
    DatasetSpec,
    Vocab,
    label,
    normalise_header,
    normalise_text,
    spec_for,
)
from hutan_geo.model.security import ALARM_LINKS, SECURITY
from hutan_geo.model.timefmt import clock, minutes

__all__ = [
    "ALARM_LINKS",
    "BUS_STOPS",
    "CATEGORIES",
    "DATUMS",
    "LEVELS",
    "RESIDENCES",
    "RESIDENCE_KINDS",
    "SECURITY",
    "SEVERITIES",
    "SPECS",
    "STATUSES",
    "WINDOWS",
    "Column",
    "DatasetSpec",
    "Vocab",
    "check_crs",
    "check_frame",
    "check_metric_crs",
    "clock",
    "crs",
    "in_china",
    "is_metric",
    "label",
    "local_metric_crs",
    "metric_frame",
    "minutes",
    "normalise_header",
    "normalise_text",
    "parse_datum",
    "placed",
    "spec_for",
    "to_wgs84",
]
