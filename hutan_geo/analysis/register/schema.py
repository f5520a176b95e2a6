"""The register's tables, its schema version and the migrations between versions.

Both back ends keep the same tables with the same columns; only the column
types and the geometry column differ (a GeoPackage geometry blob in
:mod:`~hutan_geo.analysis.register.gpkg`, a PostGIS ``geometry(Point, 4326)``
in :mod:`~hutan_geo.analysis.register.postgis`). Dates are ISO text
(``YYYY-MM-DD``) in both, so a register moves between them unchanged.

Tables
------
``register_meta``
    ``key``/``value``: ``schema_version``, ``created``.
``departments``
    Responsible departments (``name``) and their rectification deadline in days.
``category_deadlines``
    Deadline in days per hazard category (used when the department has none).
``batches``
    Inspection batches: date, team, schools visited (count and names),
    inspections, inspectors, person-times, and the import's accounting.
``hazards``
    One row per hazard (a point layer): the loop's status and dates, the
    department, sightings and reopenings.
``history``
    Every event of every hazard: status, date, department, note, who.
``sightings``
    Records matched to an existing hazard (repeat sightings), kept whole.
``review``
    Records that need a person: possible repeats and rows the loader rejected,
    kept whole with the reason.
"""

from __future__ import annotations

__all__ = [
    "HAZARD_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TABLES",
    "table_sql",
]

#: Version of the register's schema; :data:`MIGRATIONS` lead from any older one to it.
SCHEMA_VERSION = 3

#: Text columns of ``hazards`` in order (the geometry column ``geom`` and the numbers come after).
HAZARD_COLUMNS: tuple[str, ...] = (
    "hazard_id",
    "category",
    "subtype",
    "description",
    "address",
    "severity",
    "status",
    "department",
    "school_name",
    "team",
    "found_date",
    "consolidated_date",
    "assigned_date",
    "deadline",
    "rectified_date",
    "closed_date",
)

#: ``name -> [(column, type)]``; type ``id`` is the integer key, ``geom`` the point geometry.
TABLES: dict[str, list[tuple[str, str]]] = {
    "register_meta": [("key", "key"), ("value", "text")],
    "departments": [("name", "key"), ("deadline_days", "int")],
    "category_deadlines": [("category", "key"), ("deadline_days", "int")],
    "batches": [
        ("batch_id", "id"),
        ("batch_date", "text"),
        ("team", "text"),
        ("schools_visited", "int"),
        ("schools", "text"),
        ("inspections", "int"),
        ("inspectors", "int"),
        ("person_times", "int"),
        ("source", "text"),
        ("n_records", "int"),
        ("n_matched", "int"),
        ("n_new", "int"),
        ("n_review", "int"),
        ("n_rejected", "int"),
    ],
    "hazards": [
        ("fid", "id"),
        *[(c, "text") for c in HAZARD_COLUMNS],
        ("sightings", "int"),
        ("reopened", "int"),
        ("batch_id", "int"),
        ("lon", "real"),
        ("lat", "real"),
        ("geom", "geom"),
    ],
    "history": [
        ("event_id", "id"),
        ("hazard_id", "text"),
        ("seq", "int"),
        ("status", "text"),
        ("event_date", "text"),
        ("department", "text"),
        ("note", "text"),
        ("who", "text"),
        ("batch_id", "int"),
    ],
    "sightings": [
        ("sighting_id", "id"),
        ("hazard_id", "text"),
        ("batch_id", "int"),
        ("source_row", "int"),
        ("score", "real"),
        ("distance_m", "real"),
        ("record", "text"),
    ],
    "review": [
        ("review_id", "id"),
        ("batch_id", "int"),
        ("source_row", "int"),
        ("reason", "text"),
        ("candidate_id", "text"),
        ("score", "real"),
        ("distance_m", "real"),
        ("record", "text"),
        ("resolved", "text"),
    ],
}

#: Secondary indexes ``(table, column)``.
INDEXES: tuple[tuple[str, str], ...] = (
    ("hazards", "status"),
    ("hazards", "category"),
    ("hazards", "lon"),
    ("history", "hazard_id"),
    ("sightings", "hazard_id"),
)

#: ``from_version -> [statements]`` that bring a register one version up (``{geom}`` is the dialect's type).
#: Version 1 had no ``review.resolved`` column and no category deadlines; version 2 no index on the category
#: (an import loads the open hazards of its categories in one query).
MIGRATIONS: dict[int, list[str]] = {
    1: [
        "ALTER TABLE review ADD COLUMN resolved TEXT",
        "CREATE TABLE category_deadlines (category TEXT PRIMARY KEY, deadline_days INTEGER)",
    ],
    2: ["CREATE INDEX IF NOT EXISTS idx_hazards_category ON hazards (category)"],
}


def table_sql(types: dict[str, str], *, tables: dict[str, list[tuple[str, str]]] | None = None) -> list[str]:
    """Return the ``CREATE TABLE`` and ``CREATE INDEX`` statements for a dialect's column ``types``.

    Parameters
    ----------
    types
        ``{"id": ..., "key": ..., "text": ..., "int": ..., "real": ..., "geom": ...}``
        in the dialect's SQL.
    tables
        The tables (default :data:`TABLES`).

    Examples
    --------
    >>> sql = table_sql({"id": "INTEGER PRIMARY KEY", "key": "TEXT PRIMARY KEY", "text": "TEXT",
    ...                  "int": "INTEGER", "real": "REAL", "geom": "BLOB"})
    >>> sql[0]
    'CREATE TABLE register_meta (key TEXT PRIMARY KEY, value TEXT)'
    """
    out = []
    for name, cols in (tables or TABLES).items():
        body = ", ".join(f"{col} {types[kind]}" for col, kind in cols)
        if name == "hazards":
            body += ", UNIQUE (hazard_id)"
        out.append(f"CREATE TABLE {name} ({body})")
    out.extend(f"CREATE INDEX idx_{t}_{c} ON {t} ({c})" for t, c in INDEXES)
    return out
