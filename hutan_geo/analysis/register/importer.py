"""Importing one inspection batch: check everything first, then write it all in one transaction.

Every record of the batch is accounted for: ``new`` (a hazard added),
``matched`` (a repeat sighting of a hazard already held, kept in
``sightings``), ``review`` (a possible repeat, kept in ``review`` for a
person) or ``rejected`` (a row the loader refused, kept in ``review`` with its
reason).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo.analysis.register.loop import DATE_COLUMNS, LOOP, OPEN_STATUSES, as_date, deadline_for, loop_events
from hutan_geo.analysis.register.matching import MatchRules, match_records
from hutan_geo.analysis.register.schema import HAZARD_COLUMNS
from hutan_geo.errors import InputError
from hutan_geo.model.schema import CATEGORIES

if TYPE_CHECKING:
    from hutan_geo.analysis.register.store import Tx

__all__ = [
    "Batch",
    "ImportResult",
    "check_departments",
    "check_records",
    "existing_ids",
    "insert_hazards",
    "insert_history",
    "max_seqs",
    "records_json",
    "write_batch",
]

_CHUNK = 900  # SQLite's default limit of bound parameters is 999


@dataclass(frozen=True)
class Batch:
    """One inspection batch: who inspected, when, where and with how many people.

    Attributes
    ----------
    batch_date
        Day of the inspection (the records' found dates may be earlier).
    team
        Inspection team (检查组).
    schools
        Names of the schools visited.
    inspections
        Inspections made (default: one per school visited, at least one).
    inspectors
        People in the team.
    person_times
        Person-times (人次) turned out (default ``inspectors × inspections``).
    source
        The file or sheet the records came from.
    """

    batch_date: date
    team: str = ""
    schools: tuple[str, ...] = ()
    inspections: int | None = None
    inspectors: int = 0
    person_times: int | None = None
    source: str = ""

    def effort(self) -> tuple[int, int]:
        """Return ``(inspections, person_times)`` with the defaults applied."""
        inspections = self.inspections if self.inspections is not None else max(1, len(self.schools))
        person_times = self.person_times if self.person_times is not None else self.inspectors * inspections
        return int(inspections), int(person_times)


@dataclass(frozen=True)
class ImportResult:
    """What an import did with every record.

    Attributes
    ----------
    batch_id
        The batch's number in the register.
    records
        One row per input record and per rejected row: ``source_row``,
        ``hazard_id`` (the new hazard, the hazard repeated, or the candidate to
        review), ``outcome`` (``new``, ``matched``, ``review``, ``rejected``),
        ``score``, ``distance_m``, ``reason``.
    """

    batch_id: int
    records: pd.DataFrame = field(repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """Records per outcome (every outcome listed, zeros included)."""
        vc = self.records["outcome"].value_counts()
        return {k: int(vc.get(k, 0)) for k in ("new", "matched", "review", "rejected")}

    def summary(self) -> str:
        """Return one line: records read and what became of them."""
        c = self.counts
        return (
            f"batch {self.batch_id}: {len(self.records)} records: {c['new']} new, {c['matched']} matched, "
            f"{c['review']} to review, {c['rejected']} rejected"
        )


def _clean(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def check_records(records: gpd.GeoDataFrame, today: date) -> tuple[gpd.GeoDataFrame, list[list[tuple]]]:
    """Check a batch before anything is written; return the records (canonical columns) and their events.

    Raises
    ------
    InputError
        A missing or unknown category, a duplicate ``hazard_id`` in the
        batch, a status outside the loop, dates out of order or after ``today``.
    """
    if not isinstance(records, gpd.GeoDataFrame):
        msg = f"records must be a GeoDataFrame (as load_hazards returns); got {type(records).__name__}"
        raise InputError(msg)
    recs = records.reset_index(drop=True).copy()
    if recs.crs is None:
        recs = recs.set_crs("EPSG:4326")
    recs = recs.to_crs("EPSG:4326")
    for col in HAZARD_COLUMNS:
        if col not in recs:
            recs[col] = None
    if "source_row" not in recs:
        recs["source_row"] = np.arange(len(recs)) + 1
    bad_cat = ~recs["category"].isin(CATEGORIES.codes)
    if bad_cat.any():
        row = recs.loc[bad_cat].iloc[0]
        msg = f"row {row['source_row']}: category {row['category']!r} unknown; use one of {', '.join(CATEGORIES.codes)}"
        raise InputError(msg)
    ids = recs["hazard_id"].dropna().astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        msg = f"duplicate hazard_id in the batch: {', '.join(sorted(set(dup))[:5])}; every record needs its own ID"
        raise InputError(msg)
    events = [
        loop_events(r, today=today) for r in recs[["hazard_id", "status", *DATE_COLUMNS.values()]].to_dict("records")
    ]
    for k, r in enumerate(recs[["hazard_id", "deadline"]].itertuples(index=False)):
        deadline = as_date(r.deadline, f"{r.hazard_id} deadline")
        assigned = next((d for s, d, _ in events[k] if s == "assigned"), None)
        if deadline is not None and assigned is not None and deadline < assigned:
            msg = f"{r.hazard_id}: dates out of order: deadline {deadline} is before assigned {assigned}"
            raise InputError(msg)
    return recs, events


def existing_ids(tx: Tx, ids: list[str]) -> set[str]:
    """Return which of ``ids`` the register already holds (queried in chunks)."""
    found: set[str] = set()
    for k in range(0, len(ids), _CHUNK):
        part = ids[k : k + _CHUNK]
        marks = ", ".join("?" * len(part))
        found.update(r[0] for r in tx.run(f"SELECT hazard_id FROM hazards WHERE hazard_id IN ({marks})", part))
    return found


def _open_hazards(tx: Tx, recs: gpd.GeoDataFrame, rules: MatchRules) -> gpd.GeoDataFrame:
    """Load the open hazards a batch may repeat in one query (its categories; near its points when all are placed).

    Only the columns matching needs are read, and the points are rebuilt from
    ``lon``/``lat`` in one vectorised call (no geometry blobs decoded).
    """
    statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    cats = sorted(set(recs["category"]))
    where = f"status IN ({statuses}) AND category IN ({', '.join('?' * len(cats))})"
    params: list[Any] = list(cats)
    placed = recs.geometry.notna() & ~recs.geometry.is_empty
    if len(recs) and placed.all():
        x0, y0, x1, y1 = recs.geometry.total_bounds
        pad = rules.distance_m / 90000.0  # degrees; generous at any latitude of China
        where += " AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
        params += [x0 - pad * 2, x1 + pad * 2, y0 - pad, y1 + pad]
    cols = ["hazard_id", "category", "description", "school_name", "lon", "lat"]
    rows = tx.run(f"SELECT {', '.join(cols)} FROM hazards WHERE {where} ORDER BY fid", params)
    out = pd.DataFrame.from_records(rows, columns=cols)
    lon, lat = out["lon"].to_numpy(dtype=float), out["lat"].to_numpy(dtype=float)
    has = ~(np.isnan(lon) | np.isnan(lat))
    geoms = np.full(len(out), None, dtype=object)
    geoms[has] = shapely.points(lon[has], lat[has])
    return gpd.GeoDataFrame(out.drop(columns=["lon", "lat"]), geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))


def check_departments(tx: Tx, recs: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the register's department and category deadlines; refuse records naming an unknown department.

    Raises
    ------
    InputError
        A department the register does not hold (the message names it and the fix).
    """
    dept_days = dict(tx.run("SELECT name, deadline_days FROM departments"))
    cat_days = dict(tx.run("SELECT category, deadline_days FROM category_deadlines"))
    depts = {d for d in recs["department"].dropna().astype(str) if d.strip()}
    unknown = sorted(depts - set(dept_days))
    if unknown:
        msg = (
            f"unknown department(s): {', '.join(unknown[:5])}; add them first "
            f"(register.set_departments or `hutan-geo register init --departments`); known: {len(dept_days)}"
        )
        raise InputError(msg)
    return dept_days, cat_days


def write_batch(
    tx: Tx,
    recs: gpd.GeoDataFrame,
    events: list[list[tuple]],
    batch: Batch,
    *,
    rejected: pd.DataFrame | None,
    rules: MatchRules,
) -> ImportResult:
    """Match the checked records and write the batch in the open transaction ``tx``.

    Raises
    ------
    InputError
        An unknown department, or a new record whose ``hazard_id`` the register already holds.
    """
    dept_days, cat_days = check_departments(tx, recs)
    batch_id = int(tx.run("SELECT COALESCE(MAX(batch_id), 0) FROM batches")[0][0]) + 1
    outcome = match_records(recs, _open_hazards(tx, recs, rules), rules)
    new_idx = np.flatnonzero(outcome["outcome"].to_numpy() == "new")
    ids = recs["hazard_id"].astype(object).to_numpy().copy()
    for k in new_idx:
        if _clean(ids[k]) is None:
            ids[k] = f"B{batch_id:04d}-{k + 1:05d}"
    clash = sorted(existing_ids(tx, [str(ids[k]) for k in new_idx]))
    if clash:
        msg = f"duplicate hazard_id: the register already holds {', '.join(clash[:5])}; give new records new IDs"
        raise InputError(msg)
    ids = ids.astype(str)
    batch_ref = np.array(outcome["hazard_id"].tolist(), dtype=object)
    for k, ref in enumerate(batch_ref):
        if isinstance(ref, str) and ref.startswith("batch:"):
            batch_ref[k] = ids[int(ref[6:])]
    outcome["hazard_id"] = batch_ref
    outcome.loc[outcome["outcome"] == "new", "hazard_id"] = ids[new_idx]
    insert_hazards(tx, recs, events, new_idx, ids, batch_id, batch.team, dept_days, cat_days)
    _insert_matches(tx, recs, events, outcome, batch_id)
    report = _insert_review(tx, recs, outcome, rejected, batch_id)
    inspections, person_times = batch.effort()
    counts = report["outcome"].value_counts()
    tx.run(
        "INSERT INTO batches (batch_id, batch_date, team, schools_visited, schools, inspections, inspectors, "
        "person_times, source, n_records, n_matched, n_new, n_review, n_rejected) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            batch_id,
            batch.batch_date.isoformat(),
            batch.team,
            len(batch.schools),
            json.dumps(list(batch.schools), ensure_ascii=False),
            inspections,
            int(batch.inspectors),
            person_times,
            batch.source,
            len(report),
            int(counts.get("matched", 0)),
            int(counts.get("new", 0)),
            int(counts.get("review", 0)),
            int(counts.get("rejected", 0)),
        ),
    )
    return ImportResult(batch_id, report)


def _strings(values: pd.Series) -> list[Any]:
    """Return a column as text, None for missing values (what the register stores)."""
    arr = values.astype(object).to_numpy()
    return [None if m else str(v) for v, m in zip(arr, pd.isna(arr), strict=True)]


def insert_hazards(
    tx: Tx,
    recs: gpd.GeoDataFrame,
    events: list[list[tuple]],
    idx: np.ndarray,
    ids: np.ndarray,
    batch_id: int | None,
    team: str,
    dept_days: dict[str, Any],
    cat_days: dict[str, Any],
) -> None:
    """Insert the records at ``idx`` as new hazards named ``ids[idx]``, with their loop events.

    Two ``executemany`` calls; the columns are converted once, not per record.
    ``team`` (the batch's) is who found them when given, else each record's team.
    """
    part = recs.iloc[idx]
    text = {c: _strings(part[c]) for c in HAZARD_COLUMNS}
    pts = part.geometry.to_numpy()
    placed = ~(pd.isna(pts) | shapely.is_empty(pts))
    x, y = np.full(len(pts), np.nan), np.full(len(pts), np.nan)
    x[placed], y[placed] = shapely.get_x(pts[placed]), shapely.get_y(pts[placed])
    geoms = tx.backend.encode_geoms([p if ok else None for p, ok in zip(pts, placed, strict=True)])
    assigned = LOOP.index("assigned")
    rows, hist = [], []
    for n, k in enumerate(idx):
        evs = events[k]
        rec = {c: text[c][n] for c in HAZARD_COLUMNS}
        deadline = as_date(rec["deadline"])
        if deadline is None and len(evs) > assigned:
            deadline = deadline_for(evs[assigned][1], rec["department"], rec["category"], dept_days, cat_days)
        rec.update(dict.fromkeys(DATE_COLUMNS.values()))
        rec.update({DATE_COLUMNS[s]: d.isoformat() for s, d, _ in evs})
        rec.update(hazard_id=str(ids[k]), status=evs[-1][0], deadline=deadline.isoformat() if deadline else None)
        lon, lat = (float(x[n]), float(y[n])) if placed[n] else (None, None)
        rows.append([*(rec[c] for c in HAZARD_COLUMNS), 1, 0, batch_id, lon, lat, geoms[n]])
        who = team or rec["team"]
        for seq, (status, when, note) in enumerate(evs, start=1):
            dept = rec["department"] if LOOP.index(status) >= assigned else None
            hist.append((rec["hazard_id"], seq, status, when.isoformat(), dept, note, who, batch_id))
    cols = [*HAZARD_COLUMNS, "sightings", "reopened", "batch_id", "lon", "lat"]
    marks = ", ".join(["?"] * len(cols) + [tx.backend.geom_insert()])
    tx.many(f"INSERT INTO hazards ({', '.join(cols)}, geom) VALUES ({marks})", rows)
    insert_history(tx, hist)


def max_seqs(tx: Tx, ids: list[str]) -> dict[str, int]:
    """Return the last history ``seq`` of each hazard in ``ids`` (0 for none)."""
    out = dict.fromkeys(ids, 0)
    for k in range(0, len(ids), _CHUNK):
        part = ids[k : k + _CHUNK]
        marks = ", ".join("?" * len(part))
        sql = f"SELECT hazard_id, MAX(seq) FROM history WHERE hazard_id IN ({marks}) GROUP BY hazard_id"
        out.update({h: int(v) for h, v in tx.run(sql, part)})
    return out


def insert_history(tx: Tx, rows: list[tuple]) -> None:
    """Append history events ``(hazard_id, seq, status, date, department, note, who, batch_id)``, numbered on."""
    start = int(tx.run("SELECT COALESCE(MAX(event_id), 0) FROM history")[0][0]) + 1
    tx.many(
        "INSERT INTO history (event_id, hazard_id, seq, status, event_date, department, note, who, batch_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(start + k, *r) for k, r in enumerate(rows)],
    )


def records_json(recs: gpd.GeoDataFrame, idx: np.ndarray) -> list[str]:
    """Return the records at ``idx`` whole as JSON text (values as text, the point as WKT), built column-wise."""
    part = recs.iloc[idx]
    geom = recs.geometry.name
    cols = {str(c): _strings(part[c]) for c in part.columns if c != geom}
    pts = part.geometry.to_numpy()
    missing = pd.isna(pts) | shapely.is_empty(pts)
    wkt = [None if m else shapely.to_wkt(p, rounding_precision=-1) for p, m in zip(pts, missing, strict=True)]
    names = list(cols)
    return [json.dumps({**{c: cols[c][n] for c in names}, "wkt": wkt[n]}, ensure_ascii=False) for n in range(len(idx))]


def _insert_matches(
    tx: Tx, recs: gpd.GeoDataFrame, events: list[list[tuple]], outcome: pd.DataFrame, batch_id: int
) -> None:
    """Keep repeat sightings whole, count them on their hazards and add a ``sighting`` event to each history."""
    idx = np.flatnonzero(outcome["outcome"].to_numpy() == "matched")
    if not len(idx):
        return
    start = int(tx.run("SELECT COALESCE(MAX(sighting_id), 0) FROM sightings")[0][0]) + 1
    hids = [str(h) for h in outcome["hazard_id"].to_numpy()[idx]]
    score = outcome["score"].to_numpy(dtype=float)[idx]
    dist = outcome["distance_m"].to_numpy(dtype=float)[idx]
    rows_n = recs["source_row"].to_numpy()[idx].astype(int)
    teams = _strings(recs["team"].iloc[idx])
    tx.many(
        "INSERT INTO sightings (sighting_id, hazard_id, batch_id, source_row, score, distance_m, record) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                start + n,
                hids[n],
                batch_id,
                int(rows_n[n]),
                float(score[n]),
                None if np.isnan(dist[n]) else float(dist[n]),
                rec,
            )
            for n, rec in enumerate(records_json(recs, idx))
        ],
    )
    per = pd.Series(hids).value_counts()
    tx.many("UPDATE hazards SET sightings = sightings + ? WHERE hazard_id = ?", [(int(v), h) for h, v in per.items()])
    seqs = max_seqs(tx, list(per.index))
    hist = []
    for n, k in enumerate(idx):
        hid = hids[n]
        seqs[hid] = int(seqs[hid] or 0) + 1
        note = f"repeat sighting (batch {batch_id}, row {int(rows_n[n])})"
        hist.append((hid, seqs[hid], "sighting", events[k][0][1].isoformat(), None, note, teams[n], batch_id))
    insert_history(tx, hist)


def _insert_review(
    tx: Tx, recs: gpd.GeoDataFrame, outcome: pd.DataFrame, rejected: pd.DataFrame | None, batch_id: int
) -> pd.DataFrame:
    """Keep review and rejected rows whole; return the import's per-record report."""
    start = int(tx.run("SELECT COALESCE(MAX(review_id), 0) FROM review")[0][0]) + 1
    idx = np.flatnonzero(outcome["outcome"].to_numpy() == "review")
    dist = outcome["distance_m"].to_numpy(dtype=float)[idx]
    rows: list[tuple] = [
        (int(row), "possible repeat sighting", cand, float(score), None if np.isnan(d) else float(d), rec)
        for row, cand, score, d, rec in zip(
            recs["source_row"].to_numpy()[idx],
            outcome["hazard_id"].to_numpy()[idx],
            outcome["score"].to_numpy(dtype=float)[idx],
            dist,
            records_json(recs, idx),
            strict=True,
        )
    ]
    report = pd.DataFrame(
        {
            "source_row": recs["source_row"].astype(int).to_numpy(),
            "hazard_id": outcome["hazard_id"].to_numpy(),
            "outcome": outcome["outcome"].to_numpy(),
            "score": outcome["score"].to_numpy(),
            "distance_m": outcome["distance_m"].to_numpy(),
            "reason": "",
        }
    )
    report.loc[report["outcome"] == "review", "reason"] = "possible repeat sighting"
    extra = []
    if rejected is not None and len(rejected):
        for _, r in rejected.iterrows():
            data = {str(c): (None if _clean(v) is None else str(v)) for c, v in r.items()}
            reason = str(r.get("reason", "rejected by the loader"))
            rows.append((int(r.get("source_row", 0)), reason, None, None, None, json.dumps(data, ensure_ascii=False)))
            extra.append(
                {
                    "source_row": int(r.get("source_row", 0)),
                    "hazard_id": None,
                    "outcome": "rejected",
                    "score": np.nan,
                    "distance_m": np.nan,
                    "reason": reason,
                }
            )
    tx.many(
        "INSERT INTO review (review_id, batch_id, source_row, reason, candidate_id, score, distance_m, record, "
        "resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [(start + n, batch_id, *r) for n, r in enumerate(rows)],
    )
    if extra:
        report = pd.concat([report, pd.DataFrame(extra)], ignore_index=True)
    return report
