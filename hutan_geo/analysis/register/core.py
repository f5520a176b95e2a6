"""The hazard register: one object over a back end, every write one transaction.

>>> import tempfile, pathlib
>>> from datetime import date
>>> import geopandas as gpd
>>> reg = open_register(pathlib.Path(tempfile.mkdtemp()) / "register.gpkg")
>>> reg.init(departments={"县公安局交警大队": 15})
0
>>> recs = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"], "description": ["校门口违停"],
...                          "status": ["found"], "found_date": ["2026-03-02"]},
...                         geometry=gpd.points_from_xy([113.3], [27.6]), crs=4326)
>>> reg.import_batch(recs, Batch(date(2026, 3, 2), team="第一检查组", inspectors=4), today=date(2026, 3, 2)).counts
{'new': 1, 'matched': 0, 'review': 0, 'rejected': 0}
>>> reg.advance("H1", "consolidated", when=date(2026, 3, 3), today=date(2026, 3, 3))
'consolidated'
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo.analysis.register.gpkg import GpkgBackend
from hutan_geo.analysis.register.importer import Batch, ImportResult, check_records, write_batch
from hutan_geo.analysis.register.loop import (
    DATE_COLUMNS,
    LOOP,
    REOPEN_FROM,
    REOPEN_TO,
    as_date,
    check_transition,
    deadline_for,
    overdue_mask,
)
from hutan_geo.analysis.register.matching import MatchRules
from hutan_geo.analysis.register.review import open_review_mask, resolve_review
from hutan_geo.analysis.register.store import Backend, Store, check_department_names
from hutan_geo.errors import InputError, TransitionError
from hutan_geo.model.schema import CATEGORIES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    import geopandas as gpd

    from hutan_geo.analysis.register.store import Tx

__all__ = ["Register", "open_register"]


def open_register(target: str | Path | Backend, *, timeout_s: float = 2.0) -> Register:
    """Open a register: a ``.gpkg`` path (the default back end) or a ``postgresql://`` connection string.

    Parameters
    ----------
    target
        The GeoPackage file, the PostGIS connection string, or a :class:`~.store.Backend`.
    timeout_s
        How long a writer waits for another writer before ``RegisterBusyError``.

    Examples
    --------
    >>> open_register("campaign.gpkg")
    Register(GpkgBackend('campaign.gpkg'))
    """
    if isinstance(target, Backend):
        return Register(target)
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")) or (" dbname=" in f" {text}"):
        from hutan_geo.analysis.register.postgis import PostgisBackend

        return Register(PostgisBackend(text, timeout_s=timeout_s))
    return Register(GpkgBackend(text, timeout_s=timeout_s))


def _today(today: date | None) -> date:
    return today or date.today()


def _check_not_future(when: date, today: date, what: str) -> None:
    if when > today:
        msg = f"{what} {when} is in the future (today is {today})"
        raise InputError(msg)


class Register:
    """The hazard register (隐患台账) and its loop 发现→汇总→交办→整改→销号.

    Parameters
    ----------
    backend
        Where it lives (:func:`open_register` picks one from a path or URL).

    Attributes
    ----------
    store
        The SQL layer (transactions, schema, reads); ``store.trace`` sees every statement.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.store = Store(backend)

    def __repr__(self) -> str:
        return f"Register({self.backend!r})"

    # -- schema and reference tables --

    def init(
        self,
        *,
        departments: Mapping[str, int | None] | Iterable[str] = (),
        category_deadlines: Mapping[str, int] | None = None,
    ) -> int:
        """Create the register (or migrate an older one), add departments; return the version found (0: new)."""
        found = self.store.init(datetime.now().isoformat(timespec="seconds"))
        if departments or category_deadlines:
            self.set_departments(departments, category_deadlines=category_deadlines)
        return found

    def set_departments(
        self,
        departments: Mapping[str, int | None] | Iterable[str],
        *,
        category_deadlines: Mapping[str, int] | None = None,
    ) -> None:
        """Add departments (with their deadline in days, or None) and category deadlines; one transaction."""
        items = dict(departments) if hasattr(departments, "items") else dict.fromkeys(departments)
        names = check_department_names(list(items))
        bad = sorted(set(category_deadlines or {}) - set(CATEGORIES.codes))
        if bad:
            msg = f"unknown categories {', '.join(bad)}; use {', '.join(CATEGORIES.codes)}"
            raise InputError(msg)
        with self.store.write() as tx:
            self.store.check_version(tx)
            for name, days in zip(names, items.values(), strict=True):
                tx.run("DELETE FROM departments WHERE name = ?", (name,))
                tx.run("INSERT INTO departments (name, deadline_days) VALUES (?, ?)", (name, days))
            for cat, days in (category_deadlines or {}).items():
                tx.run("DELETE FROM category_deadlines WHERE category = ?", (cat,))
                tx.run("INSERT INTO category_deadlines (category, deadline_days) VALUES (?, ?)", (cat, int(days)))

    # -- writes --

    def import_batch(
        self,
        records: gpd.GeoDataFrame,
        batch: Batch,
        *,
        rejected: pd.DataFrame | None = None,
        today: date | None = None,
        rules: MatchRules | None = None,
    ) -> ImportResult:
        """Import one inspection batch: match, add, keep for review; all or nothing.

        Parameters
        ----------
        records
            Valid hazard records as :func:`hutan_geo.io.load_hazards` returns them.
        batch
            The inspection batch (date, team, schools, inspectors, person-times).
        rejected
            The loader's rejected rows: kept in ``review`` with their reason.
        today
            The date checks take as today (default the clock's).
        rules
            Repeat-sighting thresholds.

        Raises
        ------
        InputError
            Bad input (categories, duplicate IDs, dates, unknown departments): nothing is written.
        RegisterBusyError
            Another writer holds the register: nothing is written.
        """
        today = _today(today)
        _check_not_future(batch.batch_date, today, "batch date")
        recs, events = check_records(records, today)
        with self.store.write() as tx:
            self.store.check_version(tx)
            return write_batch(tx, recs, events, batch, rejected=rejected, rules=rules or MatchRules())

    def import_file(
        self, path: str | Path, batch: Batch | None = None, *, today: date | None = None, **load_kw: Any
    ) -> ImportResult:
        """Load a hazards file with :func:`hutan_geo.io.load_hazards` and import it (rejected rows kept for review)."""
        from hutan_geo.io import load_hazards

        valid, rejected = load_hazards(path, **load_kw)
        if batch is None:
            found = pd.to_datetime(valid["found_date"]).max() if len(valid) else pd.NaT
            day = found.date() if pd.notna(found) else _today(today)
            batch = Batch(day, schools=tuple(sorted(set(valid.get("school_name", pd.Series()).dropna()))))
        if not batch.source:
            batch = Batch(**{**batch.__dict__, "source": Path(path).name})
        return self.import_batch(valid, batch, rejected=rejected, today=today)

    def _hazard(self, tx: Tx, hazard_id: str) -> dict[str, Any]:
        rows = tx.run(
            "SELECT status, category, department, "
            + ", ".join(DATE_COLUMNS.values())
            + " FROM hazards WHERE hazard_id = ?",
            (hazard_id,),
        )
        if not rows:
            msg = f"{hazard_id}: no such hazard in the register"
            raise InputError(msg)
        keys = ["status", "category", "department", *DATE_COLUMNS.values()]
        out = dict(zip(keys, rows[0], strict=True))
        last = tx.run("SELECT MAX(event_date), MAX(seq) FROM history WHERE hazard_id = ?", (hazard_id,))[0]
        out["last_date"], out["seq"] = as_date(last[0]), int(last[1] or 0)
        return out

    def _event(self, tx: Tx, hazard_id: str, seq: int, status: str, when: date, dept: Any, note: str, who: str) -> None:
        start = int(tx.run("SELECT COALESCE(MAX(event_id), 0) FROM history")[0][0]) + 1
        tx.run(
            "INSERT INTO history (event_id, hazard_id, seq, status, event_date, department, note, who, batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (start, hazard_id, seq, status, when.isoformat(), dept, note, who),
        )

    def _departments(self, tx: Tx) -> tuple[dict[str, Any], dict[str, Any]]:
        return dict(tx.run("SELECT name, deadline_days FROM departments")), dict(
            tx.run("SELECT category, deadline_days FROM category_deadlines")
        )

    def advance(
        self,
        hazard_id: str,
        status: str,
        *,
        when: date,
        department: str | None = None,
        deadline: date | None = None,
        note: str = "",
        who: str = "",
        today: date | None = None,
        lang: str = "zh",
    ) -> str:
        """Move a hazard one step along the loop; return its new status.

        Raises
        ------
        TransitionError
            ``status`` is not the next stage (the message names the allowed ones).
        InputError
            A date in the future or before the hazard's last event, an unknown
            department, or assigning without a department.
        """
        today = _today(today)
        _check_not_future(when, today, f"{hazard_id}: date")
        with self.store.write() as tx:
            self.store.check_version(tx)
            hz = self._hazard(tx, hazard_id)
            check_transition(hazard_id, hz["status"], status, lang)
            if hz["last_date"] and when < hz["last_date"]:
                msg = (
                    f"{hazard_id}: dates out of order: {status} on {when} is before the last event ({hz['last_date']})"
                )
                raise InputError(msg)
            dept_days, cat_days = self._departments(tx)
            dept = department or hz["department"]
            sets = {"status": status, DATE_COLUMNS[status]: when.isoformat()}
            if status == "assigned":
                if not dept:
                    msg = f"{hazard_id}: assigning needs a responsible department (department=...)"
                    raise InputError(msg)
                sets["deadline"] = (
                    deadline or deadline_for(when, dept, hz["category"], dept_days, cat_days)
                ).isoformat()
            if dept and dept not in dept_days:
                msg = f"{hazard_id}: unknown department {dept!r}; add it with set_departments first"
                raise InputError(msg)
            if dept:
                sets["department"] = dept
            assignments = ", ".join(f"{k} = ?" for k in sets)
            tx.run(f"UPDATE hazards SET {assignments} WHERE hazard_id = ?", (*sets.values(), hazard_id))
            self._event(tx, hazard_id, hz["seq"] + 1, status, when, dept, note, who)
        return status

    def reopen(self, hazard_id: str, *, reason: str, when: date, who: str = "", today: date | None = None) -> str:
        """Reopen a rectified or closed hazard (back to 交办, a new deadline) with a reason; return the new status."""
        today = _today(today)
        _check_not_future(when, today, f"{hazard_id}: date")
        if not str(reason).strip():
            msg = f"{hazard_id}: reopening needs a reason"
            raise InputError(msg)
        with self.store.write() as tx:
            self.store.check_version(tx)
            hz = self._hazard(tx, hazard_id)
            if hz["status"] not in REOPEN_FROM:
                msg = (
                    f"{hazard_id}: only a rectified or closed hazard can be reopened; it is {hz['status']}, "
                    f"allowed next: {', '.join(LOOP[LOOP.index(hz['status']) + 1 : LOOP.index(hz['status']) + 2])}"
                )
                raise TransitionError(msg)
            if hz["last_date"] and when < hz["last_date"]:
                msg = (
                    f"{hazard_id}: dates out of order: reopening on {when} is before the last event ({hz['last_date']})"
                )
                raise InputError(msg)
            dept_days, cat_days = self._departments(tx)
            deadline = deadline_for(when, hz["department"], hz["category"], dept_days, cat_days)
            tx.run(
                "UPDATE hazards SET status = ?, rectified_date = NULL, closed_date = NULL, deadline = ?, "
                "reopened = reopened + 1 WHERE hazard_id = ?",
                (REOPEN_TO, deadline.isoformat(), hazard_id),
            )
            self._event(tx, hazard_id, hz["seq"] + 1, REOPEN_TO, when, hz["department"], f"reopened: {reason}", who)
        return REOPEN_TO

    def resolve(
        self,
        review_id: int,
        action: str = "merge",
        *,
        hazard_id: str | None = None,
        when: date | None = None,
        who: str = "",
        note: str = "",
        today: date | None = None,
    ) -> str:
        """Resolve a record kept for review, in one transaction recorded in the history; return its hazard.

        Parameters
        ----------
        review_id
            The record (see :meth:`open_reviews`).
        action
            ``merge`` (a repeat sighting of ``hazard_id``, default the
            candidate the import found), ``new`` (a hazard of its own, named
            ``hazard_id`` or its own ID) or ``dismiss`` (dropped; needs a ``note``).
        hazard_id
            The hazard to merge into, or the new hazard's ID.
        when
            The date of the decision (default ``today``).
        who, note
            Who decided, and why.
        today
            The date checks take as today (default the clock's).

        Returns
        -------
        str
            The hazard the record now belongs to ("" when dismissed).

        Raises
        ------
        InputError
            An unknown or resolved record, an unknown action or hazard, a
            future date, or a record that fails the import's checks: nothing is written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> reg = open_register(pathlib.Path(tempfile.mkdtemp()) / "r.gpkg")
        >>> _ = reg.init()
        >>> reg.resolve(1, "merge", today=date(2026, 3, 5))
        Traceback (most recent call last):
        ...
        hutan_geo.errors.InputError: review record 1: no such record; list the open ones with \
`hutan-geo register review`
        """
        today = _today(today)
        when = when or today
        _check_not_future(when, today, f"review record {review_id}: date")
        with self.store.write() as tx:
            self.store.check_version(tx)
            return resolve_review(
                tx, review_id, action, hazard_id=hazard_id, when=when, today=today, who=who, note=note
            )

    # -- reads --

    def _read(self, fn: Callable[[Tx], Any]) -> Any:
        with self.store.read() as tx:
            self.store.check_version(tx)
            return fn(tx)

    def hazards(self) -> gpd.GeoDataFrame:
        """Return every hazard (points in EPSG:4326; missing points stay None)."""
        return self._read(lambda tx: tx.frame("hazards").drop(columns=["fid"]))

    def history(self, hazard_id: str | None = None) -> pd.DataFrame:
        """Return the history of one hazard, or of all, in order."""
        if hazard_id is None:
            return self._read(lambda tx: tx.frame("history"))
        return self._read(lambda tx: tx.frame("history", "hazard_id = ?", (hazard_id,)))

    def batches(self) -> pd.DataFrame:
        """Return the inspection batches with their effort and import accounting."""
        return self._read(lambda tx: tx.frame("batches"))

    def review(self) -> pd.DataFrame:
        """Return the records kept for review (possible repeats, rejected rows)."""
        return self._read(lambda tx: tx.frame("review"))

    def open_reviews(self) -> pd.DataFrame:
        """Return the review records not yet resolved (see :meth:`resolve`), oldest first."""
        rev = self.review()
        return rev[open_review_mask(rev)].reset_index(drop=True)

    def sightings(self) -> pd.DataFrame:
        """Return the repeat sightings matched to hazards."""
        return self._read(lambda tx: tx.frame("sightings"))

    def departments(self) -> pd.DataFrame:
        """Return the departments and their deadline days."""
        return self._read(lambda tx: tx.frame("departments"))

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return hazards, history, batches and departments read in one snapshot."""

        def read(tx: Tx) -> dict[str, pd.DataFrame]:
            return {
                "hazards": tx.frame("hazards").drop(columns=["fid"]),
                "history": tx.frame("history"),
                "batches": tx.frame("batches"),
                "departments": tx.frame("departments"),
            }

        return self._read(read)

    def overdue(self, today: date | None = None) -> gpd.GeoDataFrame:
        """Return hazards not yet rectified past their deadline, with ``days_overdue``, most overdue first."""
        today = _today(today)
        hz = self.hazards()
        out = hz[overdue_mask(hz, today)].copy()
        out["days_overdue"] = (pd.Timestamp(today) - pd.to_datetime(out["deadline"])).dt.days.astype(int)
        return out.sort_values(["days_overdue", "hazard_id"], ascending=[False, True]).reset_index(drop=True)
