"""The back-end interface of the hazard register and the register's reading side.

A :class:`Backend` knows one database (a GeoPackage file, a PostGIS
database): how to connect, how to start a write transaction that excludes
other writers (or fail at once with :class:`RegisterBusyError`), how to store a
point. :class:`Store` runs the SQL both back ends share through it: every
write is one transaction (``with store.write() as tx``), every read one
snapshot (``with store.read() as tx``), so a reader sees the register before
or after a write, never half of it.
"""

from __future__ import annotations

import abc
import contextlib
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from hutan_geo.analysis.register.schema import MIGRATIONS, SCHEMA_VERSION, TABLES, table_sql
from hutan_geo.errors import InputError, RegisterBusyError, RegisterError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = ["Backend", "RegisterBusyError", "RegisterError", "Store", "Tx"]


class Tx:
    """One open transaction: :meth:`run` statements written with ``?`` placeholders in either dialect."""

    def __init__(self, backend: Backend, conn: Any, trace: Callable[[str], None] | None) -> None:
        self.backend = backend
        self.conn = conn
        self.trace = trace

    def _sql(self, sql: str) -> str:
        if self.trace is not None:
            self.trace(sql)
        return sql if self.backend.param == "?" else sql.replace("?", "%s")

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows (empty for statements that return none)."""
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), tuple(params))
            return list(cur.fetchall()) if cur.description is not None else []
        finally:
            cur.close()

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for every row of ``rows``."""
        if not len(rows):
            return
        cur = self.conn.cursor()
        try:
            cur.executemany(self._sql(sql), rows)
        finally:
            cur.close()

    def frame(self, table: str, where: str = "", params: Sequence[Any] = ()) -> pd.DataFrame:
        """Read ``table`` (optionally ``WHERE ...``) as a frame; the geometry column comes back as shapely."""
        cols = [c for c, _ in TABLES[table]]
        sel = ", ".join(self.backend.geom_select(c) if kind == "geom" else c for c, kind in TABLES[table])
        key = cols[0]
        rows = self.run(f"SELECT {sel} FROM {table}{' WHERE ' + where if where else ''} ORDER BY {key}", params)
        out = pd.DataFrame.from_records(rows, columns=cols)
        if table == "hazards":
            geoms = [self.backend.decode_geom(v) for v in out["geom"]]
            out = gpd.GeoDataFrame(out.drop(columns="geom"), geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))
        return out


class Backend(abc.ABC):
    """Where a register lives; subclasses: GeoPackage (:mod:`.gpkg`) and PostGIS (:mod:`.postgis`).

    Attributes
    ----------
    target
        The file path or connection string.
    param
        The placeholder of the driver (``?`` or ``%s``).
    types
        Column types of the dialect for :func:`~hutan_geo.analysis.register.schema.table_sql`.
    """

    target: str
    param: str = "?"
    types: dict[str, str]

    @abc.abstractmethod
    def connect(self) -> Any:
        """Return a new connection in autocommit mode (transactions are begun explicitly)."""

    @abc.abstractmethod
    def begin_write(self, conn: Any) -> None:
        """Begin a write transaction that excludes other writers, or raise :class:`RegisterBusyError`."""

    @abc.abstractmethod
    def begin_read(self, conn: Any) -> None:
        """Begin a read-only snapshot."""

    @abc.abstractmethod
    def exists(self) -> bool:
        """Return whether the register has been created."""

    @abc.abstractmethod
    def create_extra(self, tx: Tx) -> None:
        """Create what the back end needs besides the register's tables (GeoPackage tables, PostGIS)."""

    @abc.abstractmethod
    def encode_geoms(self, geoms: Sequence[Any]) -> list[Any]:
        """Return one SQL parameter per geometry (None for a missing point)."""

    @abc.abstractmethod
    def decode_geom(self, value: Any) -> Any:
        """Return the shapely point of a stored value (None when missing)."""

    def geom_insert(self) -> str:
        """Return the placeholder expression of a geometry parameter."""
        return "?"

    def geom_select(self, column: str) -> str:
        """Return the expression that reads a geometry column as the stored value."""
        return column

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.target!r})"


class Store:
    """The register's SQL over one :class:`Backend`: transactions, schema, migrations and reads.

    Parameters
    ----------
    backend
        The back end.

    Attributes
    ----------
    trace
        Called with every statement before it runs (tests inject faults here).
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.trace: Callable[[str], None] | None = None

    @contextlib.contextmanager
    def write(self) -> Iterator[Tx]:
        """Open one write transaction: committed when the block ends, rolled back on any error."""
        conn = self.backend.connect()
        try:
            self.backend.begin_write(conn)
            tx = Tx(self.backend, conn, self.trace)
            try:
                yield tx
                tx._sql("COMMIT")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        """Open one read-only snapshot of the register."""
        if not self.backend.exists():
            msg = f"{self.backend.target}: no register here; create one with `hutan-geo register init` or init()"
            raise RegisterError(msg)
        conn = self.backend.connect()
        try:
            self.backend.begin_read(conn)
            yield Tx(self.backend, conn, None)
            conn.execute("ROLLBACK")
        finally:
            conn.close()

    def version(self, tx: Tx) -> int:
        """Return the schema version stored in the register (0 when the tables are missing)."""
        try:
            rows = tx.run("SELECT value FROM register_meta WHERE key = 'schema_version'")
        except Exception:
            return 0
        return int(rows[0][0]) if rows else 0

    def init(self, created: str) -> int:
        """Create the tables, or bring an older register up to :data:`SCHEMA_VERSION`; return the version found."""
        with self.write() as tx:
            found = self.version(tx) if self.backend.exists() else 0
            if found > SCHEMA_VERSION:
                msg = (
                    f"{self.backend.target}: register schema version {found} is newer than this hutan_geo "
                    f"({SCHEMA_VERSION}); update hutan_geo"
                )
                raise RegisterError(msg)
            if found == 0:
                self.backend.create_extra(tx)
                for sql in table_sql(self.backend.types):
                    tx.run(sql)
                tx.run("INSERT INTO register_meta (key, value) VALUES ('created', ?)", (created,))
                tx.run("INSERT INTO register_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                return 0
            for version in range(found, SCHEMA_VERSION):
                for sql in MIGRATIONS.get(version, []):
                    tx.run(sql)
            tx.run("UPDATE register_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            return found

    def check_version(self, tx: Tx) -> None:
        """Raise :class:`RegisterError` unless the register is at :data:`SCHEMA_VERSION`."""
        found = self.version(tx)
        if found != SCHEMA_VERSION:
            msg = (
                f"{self.backend.target}: register schema version {found}, this hutan_geo needs {SCHEMA_VERSION}; "
                "run `hutan-geo register init` on it to migrate"
            )
            raise RegisterError(msg)

    def snapshot(self) -> dict[str, pd.DataFrame]:
        """Return every table of the register as a frame (one snapshot), for comparisons."""
        with self.read() as tx:
            return {name: pd.DataFrame(tx.frame(name)) for name in TABLES}


def check_department_names(names: Sequence[str]) -> list[str]:
    """Return department names stripped, refusing empty ones."""
    out = [str(n).strip() for n in names]
    if any(not n for n in out):
        msg = "department names must not be empty"
        raise InputError(msg)
    return out


def points(geoms: Sequence[Any]) -> list[Any]:
    """Return the geometries as points or None (missing or empty)."""
    return [None if g is None or shapely.is_empty(g) else g for g in geoms]
