"""Campaign reports from the register: counts, rates, effort, the monthly chart, the 整改清单, the bulletin.

The state of each hazard is read from its history as it stood at the end of
the range, so a report for any past range is the same whenever it is made.
A hazard counts in a range when it was found in it; effort counts the
inspection batches dated in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo._i18n import check_lang, tr
from hutan_geo.analysis.coverage import chart_font, save_png
from hutan_geo.analysis.register.loop import LOOP, as_date, overdue_mask
from hutan_geo.io import write_sheets
from hutan_geo.model.schema import CATEGORIES, STATUSES, label

if TYPE_CHECKING:
    from hutan_geo.analysis.register.core import Register

__all__ = ["RegisterReport", "monthly_chart", "register_report", "write_report"]

_LIST_COLUMNS = (
    "hazard_id", "category", "description", "address", "school_name", "department", "status",
    "found_date", "assigned_date", "deadline", "rectified_date", "closed_date", "days_overdue",
)  # fmt: skip


@dataclass(frozen=True)
class RegisterReport:
    """A campaign report for one date range (every table has Chinese or English headers by ``lang``).

    Attributes
    ----------
    start, end
        The range (inclusive).
    totals
        ``found``, ``rectified`` (rectified or closed), ``closed``, ``overdue``,
        ``rectification_rate``, ``closure_rate`` (percent), ``schools``,
        ``inspections``, ``person_times``, ``batches``.
    by_category, by_status, by_department, by_township, by_school
        Counts per group: found, rectified, closed, overdue, the two rates.
    monthly
        ``month``, ``found``, ``closed`` (closures dated in the month).
    rectification_list
        The 整改清单: every hazard of the range not yet closed.
    """

    start: date
    end: date
    lang: str
    totals: dict[str, Any]
    by_category: pd.DataFrame = field(repr=False)
    by_status: pd.DataFrame = field(repr=False)
    by_department: pd.DataFrame = field(repr=False)
    by_township: pd.DataFrame = field(repr=False)
    by_school: pd.DataFrame = field(repr=False)
    monthly: pd.DataFrame = field(repr=False)
    rectification_list: pd.DataFrame = field(repr=False)

    def bulletin(self) -> str:
        """Return the bulletin paragraph (共排查学校…所，发现各类隐患…处，其中…) for the range."""
        return _bulletin(self)


def _state_at(history: pd.DataFrame, end: date) -> pd.DataFrame:
    """Each hazard's status and loop dates as they stood at ``end`` (from its history)."""
    ev = history[history["status"].isin(LOOP) & (history["event_date"] <= end.isoformat())]
    ev = ev.sort_values(["hazard_id", "seq"])
    last = ev.groupby("hazard_id", sort=False).tail(1).set_index("hazard_id")
    out = pd.DataFrame({"status_at_end": last["status"]})
    closed = ev[ev["status"] == "closed"].groupby("hazard_id")["event_date"].max()
    return out.join(closed.rename("closed_on"))


def _groups(frame: pd.DataFrame, key: str, name: str) -> pd.DataFrame:
    g = frame.groupby(key, dropna=False)
    out = pd.DataFrame(
        {
            "found": g.size(),
            "rectified": g["is_rectified"].sum(),
            "closed": g["is_closed"].sum(),
            "overdue": g["is_overdue"].sum(),
        }
    ).astype(int)
    out["rectification_rate"] = (100 * out["rectified"] / out["found"]).round(1)
    out["closure_rate"] = (100 * out["closed"] / out["found"]).round(1)
    out.index = out.index.astype(object).fillna("-")  # an all-missing group (no townships given) is float
    return out.rename_axis(name).reset_index().sort_values(["found", name], ascending=[False, True], ignore_index=True)


def _effort(batches: pd.DataFrame, start: date, end: date) -> dict[str, int]:
    b = batches[(batches["batch_date"] >= start.isoformat()) & (batches["batch_date"] <= end.isoformat())]
    names: set[str] = set()
    for text in b["schools"].dropna():
        names.update(json.loads(text))
    return {
        "schools": len(names),
        "inspections": int(pd.to_numeric(b["inspections"]).sum()),
        "person_times": int(pd.to_numeric(b["person_times"]).sum()),
        "batches": len(b),
    }


def register_report(
    register: Register,
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    schools: pd.DataFrame | None = None,
    lang: str = "zh",
) -> RegisterReport:
    """Make the campaign report of ``register`` for ``start``–``end`` (default: all it holds).

    Parameters
    ----------
    register
        The register.
    start, end
        The range (inclusive; dates or ``YYYY-MM-DD``).
    schools
        Schools with ``name`` and ``township``: gives the by-township counts.
    lang
        ``"zh"`` (default) or ``"en"``.
    """
    lang = check_lang(lang)
    t = register.tables()
    hz, hist = t["hazards"], t["history"]
    start = as_date(start) or as_date(hz["found_date"].min()) or date.today()
    end = as_date(end) or max(
        [as_date(v) for v in (hist["event_date"].max(), t["batches"]["batch_date"].max()) if as_date(v)] or [start]
    )
    hz = hz[(hz["found_date"] >= start.isoformat()) & (hz["found_date"] <= end.isoformat())].copy()
    hz = hz.join(_state_at(hist, end), on="hazard_id")
    hz["is_rectified"] = hz["status_at_end"].isin(["rectified", "closed"])
    hz["is_closed"] = hz["status_at_end"] == "closed"
    hz["is_overdue"] = overdue_mask(hz.assign(status=hz["status_at_end"]), end)
    town = dict(zip(schools["name"], schools["township"], strict=True)) if schools is not None else {}
    hz["township"] = hz["school_name"].map(town)
    effort = _effort(t["batches"], start, end)
    n = len(hz)
    totals = {
        "found": n,
        "rectified": int(hz["is_rectified"].sum()),
        "closed": int(hz["is_closed"].sum()),
        "overdue": int(hz["is_overdue"].sum()),
        "rectification_rate": round(100 * float(hz["is_rectified"].sum()) / n, 1) if n else 0.0,
        "closure_rate": round(100 * float(hz["is_closed"].sum()) / n, 1) if n else 0.0,
        **effort,
    }
    months = pd.period_range(start, end, freq="M")
    found_m = pd.to_datetime(hz["found_date"]).dt.to_period("M").value_counts()
    closed_m = pd.to_datetime(hz["closed_on"].dropna()).dt.to_period("M").value_counts()
    monthly = pd.DataFrame(
        {"month": months.astype(str), "found": [int(found_m.get(p, 0)) for p in months],
         "closed": [int(closed_m.get(p, 0)) for p in months]}
    )  # fmt: skip
    todo = hz[~hz["is_closed"]].copy()
    todo["status"] = todo["status_at_end"]
    todo["days_overdue"] = (pd.Timestamp(end) - pd.to_datetime(todo["deadline"])).dt.days.where(todo["is_overdue"])
    return RegisterReport(
        start=start,
        end=end,
        lang=lang,
        totals=totals,
        by_category=_groups(hz, "category", "category"),
        by_status=hz["status_at_end"].value_counts().reindex(LOOP, fill_value=0).rename_axis("status").reset_index(),
        by_department=_groups(hz, "department", "department"),
        by_township=_groups(hz, "township", "township"),
        by_school=_groups(hz, "school_name", "school_name"),
        monthly=monthly,
        rectification_list=todo.sort_values(["deadline", "hazard_id"])[list(_LIST_COLUMNS)].reset_index(drop=True),
    )


def _day(d: date, lang: str) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()


def _bulletin(r: RegisterReport) -> str:
    t, lang = r.totals, r.lang
    counts = r.by_category.set_index("category")["found"]
    cats = [c for c in CATEGORIES.codes if counts.get(c, 0)]
    if lang == "en":
        parts = ", ".join(f"{int(counts[c])} {label(CATEGORIES, c, 'en')}" for c in cats)
        closure = (
            "all rectified and closed"
            if t["closed"] == t["found"]
            else f"{t['rectified']} rectified and {t['closed']} closed ({t['closure_rate']}%)"
        )
        return (
            f"From {_day(r.start, lang)} to {_day(r.end, lang)}, {t['schools']} schools were inspected and "
            f"{t['found']} hazards found ({parts}); {closure}. {t['inspections']} inspections were made, "
            f"with {t['person_times']} person-times."
        )
    parts = "、".join(f"{label(CATEGORIES, c)}隐患{int(counts[c])}处" for c in cats)
    if t["found"] and t["closed"] == t["found"]:
        closure = "已全部整改销号"
    else:
        closure = (
            f"已整改{t['rectified']}处、销号{t['closed']}处，"
            f"整改率{t['rectification_rate']}%，销号率{t['closure_rate']}%"
        )
    return (
        f"{_day(r.start, lang)}至{_day(r.end, lang)}，共排查学校{t['schools']}所，发现各类隐患{t['found']}处，"
        f"其中{parts}，{closure}。累计开展检查{t['inspections']}次，出动{t['person_times']}人次。"
    )


def monthly_chart(report: RegisterReport, path: str | Path) -> Path:
    """Draw the monthly found-versus-closed bar chart (CJK font) to a PNG file; return its path."""
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    lang = report.lang
    font = chart_font()
    with mpl.rc_context({"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}):
        fig, ax = plt.subplots(figsize=(8, 4))
        m = report.monthly
        x = range(len(m))
        ax.bar([i - 0.2 for i in x], m["found"], width=0.4, label=tr("reg.found", lang), color="#d73027")
        ax.bar([i + 0.2 for i in x], m["closed"], width=0.4, label=tr("reg.closed", lang), color="#1a9850")
        ax.set_xticks(list(x), m["month"], rotation=45)
        ax.set_ylabel(tr("reg.count", lang))
        ax.set_title(tr("reg.chart_title", lang))
        ax.legend()
        fig.tight_layout()
        out = save_png(fig, path)
        plt.close(fig)
    return out


def _headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    for col, vocab in (("category", CATEGORIES), ("status", STATUSES)):
        if col in out:
            out[col] = [label(vocab, v, lang) if v in vocab.codes else v for v in out[col]]
    return out.rename(columns={c: tr(f"reg.col.{c}", lang) for c in out.columns})


def write_report(report: RegisterReport, folder: str | Path) -> dict[str, Path]:
    """Write the 整改清单 workbook (with the count sheets), the monthly chart and the bulletin text."""
    folder = Path(folder)
    lang = report.lang
    sheets = {
        tr("reg.sheet.list", lang): _headers(report.rectification_list, lang),
        tr("reg.sheet.category", lang): _headers(report.by_category, lang),
        tr("reg.sheet.status", lang): _headers(report.by_status.rename(columns={"count": "found"}), lang),
        tr("reg.sheet.department", lang): _headers(report.by_department, lang),
        tr("reg.sheet.township", lang): _headers(report.by_township, lang),
        tr("reg.sheet.school", lang): _headers(report.by_school, lang),
        tr("reg.sheet.monthly", lang): _headers(report.monthly, lang),
    }
    out = {
        "workbook": write_sheets(sheets, folder / f"{tr('reg.file.list', lang)}.xlsx"),
        "chart": monthly_chart(report, folder / f"{tr('reg.file.chart', lang)}.png"),
    }
    bulletin = folder / f"{tr('reg.file.bulletin', lang)}.txt"
    bulletin.write_text(report.bulletin() + "\n", encoding="utf-8")
    out["bulletin"] = bulletin
    return out
