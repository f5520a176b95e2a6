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


class RegisterError(HutanError):
    """A hazard register that cannot be used: missing, not a register, or of a newer schema.

    The message names the file or database and the fix (``hutan-geo register init``
    to create or migrate one, or a newer hutan_geo).
    """


class RegisterBusyError(RegisterError):
    """Another writer holds the hazard register; nothing was written. Try again when it has finished."""


class TransitionError(InputError):
    """A step the register's loop 发现→汇总→交办→整改→销号 does not allow from a hazard's current status.

    The message names the hazard, its status and the allowed next ones; nothing was written.
    """
