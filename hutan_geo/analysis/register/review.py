"""Resolving the records an import kept for a person: merge into a hazard, keep as new, or dismiss.

An import keeps two kinds of record in ``review``: possible repeat sightings
(a nearby hazard of the same category with a weaker description likeness)
and rows the loader rejected. A person looks at each and decides:

- ``merge``: the record is a repeat sighting of ``hazard_id`` (default the
  candidate the import found): it goes to ``sightings``, the hazard's count
  goes up and its history gets a ``sighting`` event;
- ``new``: the record is a hazard of its own: it is checked as an import
  checks it and added with its loop events;
- ``dismiss``: the record is dropped (a rejected row fixed and imported
  again, a duplicate entry), with the note kept.

Each resolution is one transaction: the review row is marked ``resolved``
(what was done, when, by whom) in the same transaction as the change it made.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from hutan_geo.analysis.register.importer import (
    check_departments,
    check_records,
    existing_ids,
    insert_hazards,
    insert_history,
    max_seqs,
)
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from hutan_geo.analysis.register.store import Tx

__all__ = ["ACTIONS", "open_review_mask", "resolve_review"]

#: What a person may do with a review record.
ACTIONS: tuple[str, ...] = ("merge", "new", "dismiss")


def _review_row(tx: Tx, review_id: int) -> dict[str, Any]:
    cols = [
        "review_id",
        "batch_id",
        "source_row",
        "reason",
        "candidate_id",
        "score",
        "distance_m",
        "record",
        "resolved",
    ]
    rows = tx.run(f"SELECT {', '.join(cols)} FROM review WHERE review_id = ?", (int(review_id),))
    if not rows:
        msg = f"review record {review_id}: no such record; list the open ones with `hutan-geo register review`"
        raise InputError(msg)
    row = dict(zip(cols, rows[0], strict=True))
    if row["resolved"]:
        msg = f"review record {review_id} is already resolved ({row['resolved']}); nothing was written"
        raise InputError(msg)
    return row


def _record_frame(row: dict[str, Any]) -> gpd.GeoDataFrame:
    """Return the kept record as a one-row frame (its point rebuilt from the WKT)."""
    data = json.loads(row["record"] or "{}")
    wkt = data.pop("wkt", None)
    geom = shapely.from_wkt(wkt) if wkt else None
    return gpd.GeoDataFrame({k: [v] for k, v in data.items()}, geometry=gpd.GeoSeries([geom], crs="EPSG:4326"))


def _merge(tx: Tx, row: dict[str, Any], hazard_id: str | None, when: date, who: str, note: str) -> str:
    target = hazard_id or row["candidate_id"]
    if not target:
        msg = f"review record {row['review_id']}: no candidate hazard; name one with hazard_id=... (--hazard)"
        raise InputError(msg)
    if not existing_ids(tx, [str(target)]):
        msg = f"review record {row['review_id']}: {target}: no such hazard in the register"
        raise InputError(msg)
    start = int(tx.run("SELECT COALESCE(MAX(sighting_id), 0) FROM sightings")[0][0]) + 1
    tx.run(
        "INSERT INTO sightings (sighting_id, hazard_id, batch_id, source_row, score, distance_m, record) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (start, target, row["batch_id"], row["source_row"], row["score"], row["distance_m"], row["record"]),
    )
    tx.run("UPDATE hazards SET sightings = sightings + 1 WHERE hazard_id = ?", (target,))
    seq = max_seqs(tx, [str(target)])[str(target)] + 1
    text = f"review {row['review_id']}: merged as a repeat sighting" + (f": {note}" if note else "")
    insert_history(tx, [(target, seq, "sighting", when.isoformat(), None, text, who, row["batch_id"])])
    return str(target)


def _new(tx: Tx, row: dict[str, Any], hazard_id: str | None, today: date, who: str, note: str) -> str:
    rec = _record_frame(row)
    if "category" not in rec or "found_date" not in rec:
        msg = (
            f"review record {row['review_id']} ({row['reason']}): the kept row has no category or found_date; "
            "fix the row in the source file and import it again, then dismiss this record"
        )
        raise InputError(msg)
    own = rec["hazard_id"].iat[0] if "hazard_id" in rec else None
    new_id = str(hazard_id or own or f"B{int(row['batch_id'] or 0):04d}-{int(row['source_row'] or 0):05d}")
    rec["hazard_id"] = new_id
    recs, events = check_records(rec, today)
    if existing_ids(tx, [new_id]):
        msg = f"review record {row['review_id']}: the register already holds {new_id}; give another with hazard_id=..."
        raise InputError(msg)
    dept_days, cat_days = check_departments(tx, recs)
    text = f"review {row['review_id']}: kept as a new hazard" + (f": {note}" if note else "")
    first = events[0]
    events[0] = [(first[0][0], first[0][1], "; ".join(t for t in (first[0][2], text) if t)), *first[1:]]
    insert_hazards(tx, recs, events, np.array([0]), np.array([new_id], dtype=object), row["batch_id"], who,
                   dept_days, cat_days)  # fmt: skip
    return new_id


def resolve_review(
    tx: Tx,
    review_id: int,
    action: str,
    *,
    hazard_id: str | None,
    when: date,
    today: date,
    who: str = "",
    note: str = "",
) -> str:
    """Resolve one review record in the open transaction ``tx``; return the hazard it now belongs to ("" if dismissed).

    Parameters
    ----------
    tx
        The write transaction (the resolution and the mark are written together).
    review_id
        The review record.
    action
        ``merge``, ``new`` or ``dismiss``.
    hazard_id
        ``merge``: the hazard it repeats (default the import's candidate);
        ``new``: the ID to give (default the record's own).
    when, today
        The date of the decision, and the date the checks take as today.
    who, note
        Who decided, and why.

    Raises
    ------
    InputError
        An unknown or already resolved record, an unknown action or hazard, or
        a record that does not pass the import's checks: nothing is written.
    """
    if action not in ACTIONS:
        msg = f"review action {action!r} unknown; use one of {', '.join(ACTIONS)}"
        raise InputError(msg)
    row = _review_row(tx, review_id)
    if action == "merge":
        out = _merge(tx, row, hazard_id, when, who, note)
        done = f"merged into {out}"
    elif action == "new":
        out = _new(tx, row, hazard_id, today, who, note)
        done = f"new hazard {out}"
    else:
        if not str(note).strip():
            msg = f"review record {review_id}: dismissing needs a note saying why"
            raise InputError(msg)
        out, done = "", "dismissed"
    stamp = ", ".join(t for t in (when.isoformat(), who, note) if t)
    tx.run("UPDATE review SET resolved = ? WHERE review_id = ?", (f"{done} ({stamp})", int(review_id)))
    return out


def open_review_mask(review: pd.DataFrame) -> pd.Series:
    """Return which review records are still open (not resolved).

    Examples
    --------
    >>> import pandas as pd
    >>> open_review_mask(pd.DataFrame({"resolved": [None, "dismissed (2026-03-05)"]})).tolist()
    [True, False]
    """
    return review["resolved"].isna() | (review["resolved"].astype(str).str.strip() == "")
