"""One county's work on a worker: network, matrices, patrol plans per window, coverage, and its packet.

:func:`county_work` is what a Dask worker runs for one county. It loads the
county folder of the province dataset with the same loaders as any district
(:func:`hutan_geo.pipeline.open_district`), writes the county's meeting
packet with :func:`hutan_geo.pipeline.write_packet_run` (road network and
travel-time matrices, a checked patrol plan for every window, coverage of the
first window, the register report) into a temporary folder that is renamed
into place at the end, so a county retried after a worker died is written
once, never half and never twice. It returns a small :class:`CountySummary`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hutan_geo import pipeline
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    from hutan_geo._i18n import Lang

__all__ = ["PROVINCE_BUDGET", "PROVINCE_WINDOWS", "CountySummary", "county_work"]

#: The patrol windows planned for every county.
PROVINCE_WINDOWS: tuple[str, ...] = ("am", "noon", "pm")
#: The solver budget per window of a province run (reproducible: stops by iteration count).
PROVINCE_BUDGET = pipeline.PatrolBudget(window="am", iterations=300, seed=1, clusters=3)


@dataclass(frozen=True)
class CountySummary:
    """The figures of one county's run, for the province summary.

    Attributes
    ----------
    county_id, name
        The county.
    n_schools, n_hazards
        Schools and current hazards loaded.
    windows
        Per window (``am``, ``noon``, ``pm``): ``schools_needing``,
        ``covered_by_posts``, ``served_by_units``, ``unserved``,
        ``units_used``, ``units_available``, ``extra_cars_needed``,
        ``cars_needed`` (used plus the minimum extra), ``check_ok``.
    coverage
        Of the first window: ``share_covered`` (schools covered by a post or
        a car in their window), ``share_response`` (schools within the middle
        response band of a station or post).
    unserved
        Unserved schools of every window: ``window``, ``school_id``, ``name``, ``reason``.
    packet
        The packet's ``index.html``, relative to the output folder.
    seconds
        Per stage: ``load``, ``packet`` (network, matrices, plans, coverage, files), ``total``,
        and per part of the packet by its title (概览地图, 巡逻方案（早高峰）…).
    worker
        The worker's process id (one county, one worker run).
    """

    county_id: str
    name: str
    n_schools: int
    n_hazards: int
    windows: dict[str, dict[str, Any]]
    coverage: dict[str, float]
    unserved: list[dict[str, Any]] = field(default_factory=list)
    packet: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    worker: int = 0

    def to_json(self) -> str:
        """Return the summary as JSON (UTF-8 text)."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1, default=_plain)

    @classmethod
    def from_json(cls, text: str) -> CountySummary:
        """Read a summary written by :meth:`to_json`."""
        return cls(**json.loads(text))


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    msg = f"cannot write {type(value).__name__} to JSON"
    raise TypeError(msg)


def _window_figures(plan: Any) -> dict[str, Any]:
    kpis = plan.kpis()
    report = plan.check(raise_on_error=False)
    keys = (
        "schools_needing",
        "covered_by_posts",
        "served_by_units",
        "unserved",
        "units_used",
        "units_available",
        "extra_cars_needed",
    )
    out = {k: int(kpis[k]) for k in keys}
    out["cars_needed"] = out["units_used"] + out["extra_cars_needed"]
    out["check_ok"] = bool(report.ok)
    return out


def _coverage_figures(result: Any) -> dict[str, float]:
    shares = result.patrol.shares()
    covered = float(shares["share"].iloc[0]) if len(shares) else float("nan")
    schools = result.response.schools
    share_resp = float(schools["covered"].astype(bool).mean()) if len(schools) else float("nan")
    return {"share_covered": round(covered, 4), "share_response": round(share_resp, 4)}


def _unserved(run: pipeline.Run, windows: tuple[str, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for w in windows:
        un = run.plan_for(w).unserved
        rows += [
            {"window": w, "school_id": str(r.ref), "name": str(r.name), "reason": str(r.reason_text)}
            for r in un.itertuples(index=False)
        ]
    return rows


class _StageClock:
    """Seconds per part of the packet, from the ``on_step`` calls (a part ends when the next starts)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._title = ""
        self._t = time.perf_counter()

    def start(self, title: str) -> None:
        now = time.perf_counter()
        if self._title:
            self.seconds[self._title] = round(self.seconds.get(self._title, 0.0) + now - self._t, 3)
        self._title, self._t = title, now


def _replace_dir(tmp: Path, final: Path) -> None:
    """Move the finished ``tmp`` folder to ``final``, replacing an earlier complete run of the same county."""
    if final.exists():
        shutil.rmtree(final)
    tmp.replace(final)


def county_work(
    root: str | Path,
    county_id: str,
    out: str | Path,
    *,
    budget: pipeline.PatrolBudget = PROVINCE_BUDGET,
    windows: tuple[str, ...] = PROVINCE_WINDOWS,
    lang: Lang = "zh",
    marking: str | None = None,
) -> CountySummary:
    """Run one county of a province dataset and write its packet to ``out/counties/<county_id>``.

    Parameters
    ----------
    root
        The province dataset folder.
    county_id
        The county (``C001`` …).
    out
        The province output folder.
    budget
        The patrol solver budget per window (stops by iteration count: reproducible).
    windows
        The patrol windows; coverage is of the first.
    lang
        Language of the packet.
    marking
        The marking on the packet's maps (default 内部资料).

    Returns
    -------
    CountySummary
        Also written to ``out/counties/<county_id>/summary.json``.

    Raises
    ------
    InputError
        The county has no folder in the dataset.
    """
    t0 = time.perf_counter()
    folder = Path(root) / "counties" / county_id
    if not folder.is_dir():
        msg = f"{folder}: county {county_id} has no folder in the province dataset; regenerate the dataset"
        raise InputError(msg)
    district = pipeline.open_district(folder)
    t_load = time.perf_counter() - t0
    final = Path(out) / "counties" / county_id
    tmp = final.with_name(f".{county_id}.tmp-{os.getpid()}")
    for stale in final.parent.glob(f".{county_id}.tmp-*"):  # left by a worker that died on this county
        shutil.rmtree(stale)
    heading = pipeline.Heading(pipeline.district_name(district), pipeline.data_as_of(district), marking or "内部资料")
    run = pipeline.Run(
        district,
        tmp / "packet",
        lang=lang,
        png=False,
        patrol=dataclasses.replace(budget, window=windows[0]),
        heading=heading,
    )
    stages = _StageClock()
    pipeline.write_packet_run(run, windows, on_step=stages.start)
    stages.start("")
    t_packet = time.perf_counter() - t0 - t_load
    summary = CountySummary(
        county_id=county_id,
        name=pipeline.district_name(district),
        n_schools=len(district.layers["schools"]),
        n_hazards=len(district.layers["hazards"]),
        windows={w: _window_figures(run.plan_for(w)) for w in windows},
        coverage=_coverage_figures(run.coverage),
        unserved=_unserved(run, windows),
        packet=f"counties/{county_id}/packet/{pipeline.PACKET_INDEX}",
        seconds={
            "load": round(t_load, 3),
            "packet": round(t_packet, 3),
            "total": round(time.perf_counter() - t0, 3),
            **stages.seconds,
        },
        worker=os.getpid(),
    )
    (tmp / "summary.json").write_text(summary.to_json(), encoding="utf-8")
    _replace_dir(tmp, final)
    return summary


def summaries_frame(summaries: list[CountySummary], windows: tuple[str, ...] = PROVINCE_WINDOWS) -> pd.DataFrame:
    """One row per county: schools, per-window served/unserved/cars needed, coverage shares, seconds."""
    rows = []
    for s in summaries:
        row: dict[str, Any] = {"county_id": s.county_id, "name": s.name, "n_schools": s.n_schools}
        row["n_hazards"] = s.n_hazards
        for w in windows:
            fig = s.windows.get(w, {})
            for k in ("served_by_units", "covered_by_posts", "unserved", "cars_needed", "check_ok"):
                row[f"{w}_{k}"] = fig.get(k)
        row |= s.coverage
        row["seconds"] = s.seconds.get("total")
        rows.append(row)
    return pd.DataFrame(rows)
