"""Exceptions raised by hutan_geo.

Every error is a :class:`HutanError`; input problems are also ``ValueError``
so callers that catch the built-in keep working. Messages name the file, the
row, the column and the fix.
"""

from __future__ import annotations


class HutanError(Exception):
    """Base class of every error raised by hutan_geo."""


class InputError(HutanError, ValueError):
    """Input data that cannot be used as given (file, column or argument)."""


class EmptyInputError(InputError):
    """A file or table that holds no data rows."""


class MissingColumnsError(InputError):
    """Required columns are absent; the message lists found and accepted names."""


class UnsupportedFormatError(InputError):
    """A file whose format or encoding cannot be read."""


class CRSError(InputError):
    """A coordinate reference system that does not fit the operation."""


class NetworkError(InputError):
    """A road network, or a routing request on one, that cannot be used as given."""


class NoRouteError(NetworkError):
    """No path joins the requested origin and destination in the network."""


class InsufficientDataError(InputError):
    """Too few data (points, cells, variation) for a statistic to mean anything."""


class AssetError(HutanError):
    """An offline map asset (script, style sheet, font) is unknown or not in the local cache."""


class BrowserError(HutanError):
    """Headless Chromium is missing or a page could not be rendered."""


class InfeasiblePlanError(HutanError):
    """A patrol plan that breaks a time window, a dwell or a shift, or does a task twice.

    Raised by the patrol planner's independent check (``Plan.check``), which
    recomputes every arrival from the travel-time matrix; the message lists
    each violation with its unit and place.
    """
