"""The GeoPackage back end: one ``.gpkg`` file (SQLite), the embedded default; it opens in QGIS.

The file is a GeoPackage 1.3 (``application_id`` ``GPKG``, the
``gpkg_spatial_ref_sys``, ``gpkg_contents`` and ``gpkg_geometry_columns``
tables): ``hazards`` is a point layer in EPSG:4326 whose ``geom`` column holds
GeoPackage geometry blobs (the ``GP`` header, then little-endian WKB), and the
batches, history, sightings and review tables are attribute tables.

Writes take SQLite's write lock up front (``BEGIN IMMEDIATE``); a second
writer waits ``timeout_s`` and then gets :class:`~hutan_geo.errors.RegisterBusyError`.
The file is in WAL mode, so a reader keeps its snapshot while a writer works.
"""

from __future__ import annotations

import contextlib
import sqlite3
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from hutan_geo.analysis.register.store import Backend
from hutan_geo.errors import RegisterBusyError, RegisterError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hutan_geo.analysis.register.store import Tx

__all__ = ["GpkgBackend", "gpkg_blob", "gpkg_geometry"]

_APPLICATION_ID = 0x47504B47  # "GPKG"
_USER_VERSION = 10300  # GeoPackage 1.3.0
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]'
)
_CORE = [
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, "
    "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, "
    "description TEXT)",
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
    "identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT "
    "(strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, "
    "srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
    "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, "
    "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), "
    "CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
    "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
]
_SRS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees"),
]
#: Attribute tables listed in ``gpkg_contents`` (each has an integer primary key).
_ATTRIBUTE_TABLES = ("batches", "history", "sightings", "review")


def gpkg_blob(geom: Any) -> bytes | None:
    """Return the GeoPackage geometry blob of a point in EPSG:4326 (None for a missing one).

    Examples
    --------
    >>> blob = gpkg_blob(shapely.Point(113.3, 27.6))
    >>> blob[:2], gpkg_geometry(blob).wkt
    (b'GP', 'POINT (113.3 27.6)')
    """
    if geom is None:
        return None
    empty = shapely.is_empty(geom)
    flags = 0x01 | (0x10 if empty else 0)
    return b"GP" + bytes((0, flags)) + struct.pack("<i", 4326) + shapely.to_wkb(geom, byte_order=1)


def gpkg_geometry(blob: bytes | None) -> Any:
    """Return the shapely geometry of a GeoPackage geometry blob (None for NULL)."""
    if blob is None:
        return None
    blob = bytes(blob)
    if blob[:2] != b"GP":
        msg = "not a GeoPackage geometry blob"
        raise RegisterError(msg)
    flags = blob[3]
    start = 8 + _ENVELOPE_BYTES[(flags >> 1) & 0x07]
    return shapely.from_wkb(blob[start:])


class GpkgBackend(Backend):
    """A register in one GeoPackage file.

    Parameters
    ----------
    path
        The ``.gpkg`` file.
    timeout_s
        How long a writer waits for another writer before :class:`~hutan_geo.errors.RegisterBusyError`.
    """

    types = {  # noqa: RUF012 - a class constant
        "id": "INTEGER PRIMARY KEY",
        "key": "TEXT PRIMARY KEY",
        "text": "TEXT",
        "int": "INTEGER",
        "real": "REAL",
        "geom": "POINT",
    }

    def __init__(self, path: str | Path, *, timeout_s: float = 2.0) -> None:
        self.path = Path(path)
        self.target = str(self.path)
        self.timeout_s = timeout_s

    def connect(self) -> sqlite3.Connection:
        """Return a connection in autocommit mode, WAL journal, with the busy timeout set."""
        if self.path.suffix.lower() != ".gpkg":
            msg = f"{self.path}: a register file must end in .gpkg"
            raise RegisterError(msg)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None, check_same_thread=False)
        with contextlib.suppress(sqlite3.OperationalError):  # another connection is switching it; it stays WAL
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def begin_write(self, conn: sqlite3.Connection) -> None:
        """Take SQLite's write lock (``BEGIN IMMEDIATE``), or raise :class:`~hutan_geo.errors.RegisterBusyError`."""
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                msg = (
                    f"{self.path.name}: the register is busy: another import or update is writing to it; "
                    f"nothing was written, try again when it has finished ({exc})"
                )
                raise RegisterBusyError(msg) from exc
            raise

    def begin_read(self, conn: sqlite3.Connection) -> None:
        """Begin a deferred transaction: its first read fixes the snapshot (WAL)."""
        conn.execute("BEGIN")

    def exists(self) -> bool:
        """Return whether the file holds a register."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return False
        conn = sqlite3.connect(self.path, timeout=self.timeout_s)
        try:
            rows = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'register_meta'")
            return rows.fetchone() is not None
        except sqlite3.DatabaseError as exc:
            msg = f"{self.path}: not a GeoPackage/SQLite file ({exc})"
            raise RegisterError(msg) from exc
        finally:
            conn.close()

    def create_extra(self, tx: Tx) -> None:
        """Write the GeoPackage header and core tables, and list the register's tables in them."""
        tx.run(f"PRAGMA application_id = {_APPLICATION_ID}")
        tx.run(f"PRAGMA user_version = {_USER_VERSION}")
        have = {r[0] for r in tx.run("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "gpkg_contents" not in have:
            for sql in _CORE:
                tx.run(sql)
            tx.many(
                "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, "
                "definition, description) VALUES (?, ?, ?, ?, ?, ?)",
                _SRS,
            )
        tx.run(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES ('hazards', 'features', 'hazards', '隐患台账 hazard register', 4326)"
        )
        tx.run("INSERT INTO gpkg_geometry_columns VALUES ('hazards', 'geom', 'POINT', 4326, 0, 0)")
        tx.many(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
            [(t, t) for t in _ATTRIBUTE_TABLES],
        )

    def encode_geoms(self, geoms: Sequence[Any]) -> list[Any]:
        """Return GeoPackage blobs (None for missing points), the WKB made in one vectorised call."""
        arr = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
        if not len(arr):
            return []
        missing = np.array([g is None for g in arr], dtype=bool)
        empty = np.zeros(len(arr), dtype=bool)
        empty[~missing] = shapely.is_empty(arr[~missing])
        wkb = np.full(len(arr), None, dtype=object)
        wkb[~missing] = shapely.to_wkb(arr[~missing], byte_order=1)
        head = b"GP\x00\x01" + struct.pack("<i", 4326)
        head_empty = b"GP\x00\x11" + struct.pack("<i", 4326)
        return [None if m else (head_empty if e else head) + w for w, m, e in zip(wkb, missing, empty, strict=True)]

    def decode_geom(self, value: Any) -> Any:
        """Return the point of a GeoPackage blob."""
        return gpkg_geometry(value)
