"""The hazard register (隐患台账) and its closed loop 发现→汇总→交办→整改→销号.

One GeoPackage file by default (it opens in QGIS: ``hazards`` is a point
layer), a PostGIS database when offices share one register, behind the same
API. Parts, in import order:

- :mod:`~.schema`: tables, schema version, migrations;
- :mod:`~.store`: the back-end interface, transactions and snapshots;
- :mod:`~.gpkg` and :mod:`~.postgis`: the two back ends;
- :mod:`~.loop`: allowed transitions, dates, deadlines, overdue;
- :mod:`~.matching`: repeat sightings (category, metres, rapidfuzz);
- :mod:`~.importer`: one inspection batch, all or nothing, every record accounted for;
- :mod:`~.review`: resolving the records kept for a person (merge, new, dismiss);
- :mod:`~.core`: :class:`Register` and :func:`open_register`;
- :mod:`~.reports`: counts, rates, effort, the monthly chart, the 整改清单 and the bulletin.

Its errors live in :mod:`hutan_geo.errors` (:class:`~hutan_geo.errors.RegisterError`,
:class:`~hutan_geo.errors.RegisterBusyError`, :class:`~hutan_geo.errors.TransitionError`)
and are re-exported here.
"""

from hutan_geo.analysis.register.core import Register, open_register
from hutan_geo.analysis.register.gpkg import GpkgBackend
from hutan_geo.analysis.register.importer import Batch, ImportResult
from hutan_geo.analysis.register.loop import LOOP, next_statuses
from hutan_geo.analysis.register.matching import MatchRules, match_records
from hutan_geo.analysis.register.reports import RegisterReport, monthly_chart, register_report, write_report
from hutan_geo.analysis.register.review import ACTIONS as REVIEW_ACTIONS
from hutan_geo.analysis.register.schema import SCHEMA_VERSION
from hutan_geo.analysis.register.store import Backend
from hutan_geo.errors import RegisterBusyError, RegisterError, TransitionError

__all__ = [
    "LOOP",
    "REVIEW_ACTIONS",
    "SCHEMA_VERSION",
    "Backend",
    "Batch",
    "GpkgBackend",
    "ImportResult",
    "MatchRules",
    "Register",
    "RegisterBusyError",
    "RegisterError",
    "RegisterReport",
    "TransitionError",
    "match_records",
    "monthly_chart",
    "next_statuses",
    "open_register",
    "register_report",
    "write_report",
]
