"""The hazard register in the pipeline: build one from a district, report on it.

:func:`register_from_district` fills a new register with a district's hazards
as inspection batches (one per found date and team); :func:`register_outputs`
writes the report files; the step :func:`write_register` (in ``DEMO_STEPS``)
does both for a run: a register 隐患台账.gpkg in the output folder, the
整改清单 workbook, the monthly chart and the bulletin text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from hutan_geo._i18n import tr
from hutan_geo.analysis import Batch, Register, RegisterReport, open_register, register_report, write_report
from hutan_geo.pipeline.outputs import Outputs, Written

if TYPE_CHECKING:
    import geopandas as gpd

    from hutan_geo.pipeline.district import Run

__all__ = [
    "DEMO_REGISTER_TODAY",
    "DEMO_TEAM_SIZE",
    "build_register_report",
    "register_from_hazards",
    "register_outputs",
    "write_register",
]

#: Inspectors per team in the demo batches (fictional: the demo sheets do not say).
DEMO_TEAM_SIZE = 4
#: The day the demo register is built and judged on (the demo campaign's report date).
DEMO_REGISTER_TODAY = date(2026, 11, 29)


def register_from_hazards(
    target: str | Path,
    hazards: gpd.GeoDataFrame,
    *,
    today: date | None = None,
    team_size: int = DEMO_TEAM_SIZE,
) -> Register:
    """Create a register at ``target`` from a hazards frame: its departments, then one batch per found date and team.

    Each batch lists the schools its records name; its inspections default to
    one per school (at least one) and its person-times to ``team_size`` per inspection.
    """
    reg = open_register(target)
    reg.init(departments=sorted(hazards["department"].dropna().astype(str).unique()))
    frame = hazards.sort_values(["found_date", "hazard_id"], kind="stable")
    team = frame["team"].fillna("") if "team" in frame else pd.Series("", index=frame.index)
    for (day, name), part in frame.groupby([pd.to_datetime(frame["found_date"]).dt.date, team], sort=True):
        schools = tuple(sorted(part["school_name"].dropna().astype(str).unique())) if "school_name" in part else ()
        reg.import_batch(part, Batch(day, team=name, schools=schools, inspectors=team_size), today=today)
    return reg


def register_outputs(
    register: Register,
    folder: str | Path,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    schools: pd.DataFrame | None = None,
    lang: str = "zh",
) -> tuple[RegisterReport, dict[str, Path]]:
    """Make the report of ``register`` for the range and write its files; return both."""
    report = register_report(register, start, end, schools=schools, lang=lang)
    return report, write_report(report, folder)


def build_register_report(run: Run) -> tuple[RegisterReport, Outputs]:
    """Build a register from the run's hazards in its folder and write its report; return the report and the files.

    The register file (隐患台账.gpkg) is made anew each run; the report covers
    the whole campaign (its workbook 整改清单.xlsx, the monthly chart, the
    bulletin text) and the bulletin is the message. Deadlines are judged on
    the run's data date (:attr:`Run.heading`), else :data:`DEMO_REGISTER_TODAY`.
    """
    Path(run.out).mkdir(parents=True, exist_ok=True)
    path = Path(run.out) / tr("pipeline.register.file", run.lang)
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    today = run.heading.day if run.heading is not None and run.heading.day is not None else DEMO_REGISTER_TODAY
    reg = register_from_hazards(path, run.district.hazards, today=today)
    report, files = register_outputs(reg, run.out, schools=run.district.schools, lang=run.lang)
    labels = {"workbook": "pipeline.register.workbook", "chart": "pipeline.register.chart",
              "bulletin": "pipeline.register.bulletin"}  # fmt: skip
    written = (
        Written(tr("pipeline.register.written", run.lang), path),
        *(Written(tr(labels[k], run.lang), files[k]) for k in labels if k in files),
    )
    message = tr("pipeline.register.message", run.lang, bulletin=report.bulletin())
    return report, Outputs(written=written, messages=(message,))


def write_register(run: Run) -> Outputs:
    """Step: a register built from the run's hazards in the output folder, and its report written.

    See :func:`build_register_report`.
    """
    return build_register_report(run)[1]
