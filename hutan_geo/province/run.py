"""A whole province run: the zone joins, every county's plans and packet, and the province summary.

:func:`run_province` is what ``hutan-geo province`` calls. It writes into the
output folder: the province tables (per county, per school, per category,
unserved schools, and the counties that failed with their error), one
packet per county under ``counties/<id>/packet/`` and an ``index.html``
linking them (all text escaped; opens offline).
"""

from __future__ import annotations

import html
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo import analysis, io
from hutan_geo._i18n import LABELS, Lang, check_lang, tr
from hutan_geo.demo import read_province
from hutan_geo.errors import InputError
from hutan_geo.province.cluster import CountyRuns, province_zones, run_counties
from hutan_geo.province.counties import PROVINCE_BUDGET, PROVINCE_WINDOWS, CountySummary

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import distributed

    from hutan_geo import pipeline
    from hutan_geo.province.joins import ProvinceZones

__all__ = ["ProvinceRun", "read_manifest", "run_province"]


def read_manifest(root: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """Read ``province.json`` (as a dict) and ``counties.parquet`` of a province dataset (see :func:`read_province`)."""
    info = read_province(root)
    return json.loads((info.path / "province.json").read_text(encoding="utf-8")), info.counties


def select_counties(root: str | Path, counties: Sequence[str] | None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Read the dataset's manifest and keep the rows of ``counties`` (all when None); refuse unknown ids."""
    info, table = read_manifest(root)
    if counties is None:
        return info, table
    unknown = sorted(set(counties) - set(table["county_id"]))
    if unknown:
        first, last = table["county_id"].iloc[0], table["county_id"].iloc[-1]
        msg = f"{root}: unknown county ids {unknown}; the dataset has {first}..{last} (see counties.parquet)"
        raise InputError(msg)
    return info, table[table["county_id"].isin(set(counties))].reset_index(drop=True)


@dataclass(frozen=True)
class ProvinceRun:
    """What a province run produced.

    Attributes
    ----------
    info
        The dataset's ``province.json``.
    zones
        The joins (None when skipped).
    counties
        The county runs (None when skipped).
    by_county
        The province summary, one row per county (English column names).
    written
        Every file written, the index last.
    seconds
        Wall time per stage (``zones``, ``counties``, ``total``).
    """

    info: dict[str, Any]
    zones: ProvinceZones | None
    counties: CountyRuns | None
    by_county: pd.DataFrame
    written: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _county_table(
    counties: pd.DataFrame, zones: ProvinceZones | None, runs: CountyRuns | None, windows: tuple[str, ...]
) -> pd.DataFrame:
    """One row per county: the dataset's figures, the joins' counts and the plans' figures."""
    base = counties[["county_id", "name", "n_schools", "n_records"]].copy()
    if zones is not None:
        z = zones.by_county.drop(columns=["n_records", "n_schools"], errors="ignore")
        base = base.merge(z, on="county_id", how="left")
    status = pd.Series("not_run", index=base["county_id"].to_numpy())
    if runs is not None:
        status[runs.county_ids] = "done"
        status[runs.failed["county_id"].tolist()] = "failed"
        plans = _plans_frame(runs.summaries, windows)
        base = base.merge(plans, on="county_id", how="left") if len(plans) else base
    base["status"] = status.reindex(base["county_id"].to_numpy()).to_numpy()
    return base


def _plans_frame(summaries: Sequence[CountySummary], windows: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    for s in summaries:
        row: dict[str, Any] = {"county_id": s.county_id, "n_hazards_current": s.n_hazards}
        for w in windows:
            fig = s.windows.get(w, {})
            row |= {f"{w}_served": fig.get("served_by_units"), f"{w}_posts": fig.get("covered_by_posts")}
            row |= {f"{w}_unserved": fig.get("unserved"), f"{w}_cars": fig.get("cars_needed")}
            row[f"{w}_check"] = fig.get("check_ok")
        row |= {**s.coverage, "seconds": s.seconds.get("total"), "packet": s.packet}
        rows.append(row)
    return pd.DataFrame(rows)


def _headers(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Return ``frame`` with planner headers (``prov.col.<name>``; ``am_served`` as 早高峰巡逻到校 …)."""
    names = {}
    for col in frame.columns:
        window, _, what = col.partition("_")
        if window in ("am", "noon", "pm") and what in ("served", "posts", "unserved", "cars", "check"):
            names[col] = tr(f"prov.col.{what}", lang, window=tr(f"prov.window.{window}", lang))
        else:
            names[col] = tr(f"prov.col.{col}", lang) if f"prov.col.{col}" in LABELS else col
    out = frame.copy()
    for col in ("category", "level"):
        if col in out and len(out):
            out[col] = analysis.export_table(out[[col]], lang=lang).iloc[:, 0].to_numpy()
    if "status" in out:
        out["status"] = [tr(f"prov.status.{s}", lang) for s in out["status"]]
    for col in [c for c in out.columns if c.endswith("_check")]:
        out[col] = [None if pd.isna(v) else tr("prov.yes" if v else "prov.no", lang) for v in out[col]]
    return out.rename(columns=names)


def _tables(
    by_county: pd.DataFrame, zones: ProvinceZones | None, runs: CountyRuns | None, lang: Lang
) -> list[tuple[str, pd.DataFrame]]:
    tables = [("by_county", by_county.drop(columns=["packet"], errors="ignore"))]
    if zones is not None:
        tables += [
            ("by_school", zones.by_school),
            ("by_category", zones.by_category),
            ("by_county_category", zones.by_county_category),
        ]
    if runs is not None:
        unserved = [dict(u, county_id=s.county_id) for s in runs.summaries for u in s.unserved]
        cols = ["county_id", "window", "school_id", "name", "reason"]
        frame = pd.DataFrame(unserved, columns=cols)
        frame["window"] = [tr(f"prov.window.{w}", lang) for w in frame["window"]]
        tables.append(("unserved", frame))
        if len(runs.failed):
            tables.append(("failed", runs.failed))
    return tables


def _index(out: Path, info: dict[str, Any], by_county: pd.DataFrame, files: list[tuple[str, Path]], lang: Lang) -> Path:
    """Write ``index.html``: the figures, links to the tables and to each county's packet (text escaped)."""
    e = html.escape
    n_done = int((by_county["status"] == "done").sum())
    n_failed = int((by_county["status"] == "failed").sum())
    title = tr("prov.index.title", lang, province=info.get("name", ""))
    figures = tr(
        "prov.index.figures",
        lang,
        counties=len(by_county),
        schools=int(by_county["n_schools"].sum()),
        records=int(by_county["n_records"].sum()),
        done=n_done,
        failed=n_failed,
    )
    links = "".join(f'<li><a href="{e(p.name)}">{e(label)}</a></li>' for label, p in files)
    rows = []
    for r in by_county.itertuples(index=False):
        status = tr(f"prov.status.{r.status}", lang)
        packet = getattr(r, "packet", None)
        name = e(f"{r.county_id} {r.name}")
        cell = f'<a href="{e(packet)}">{name}</a>' if isinstance(packet, str) and packet else name
        rows.append(f"<tr><td>{cell}</td><td>{int(r.n_schools)}</td><td>{e(status)}</td></tr>")
    head = f"<tr><th>{e(tr('prov.col.county', lang))}</th><th>{e(tr('prov.col.n_schools', lang))}</th>"
    head += f"<th>{e(tr('prov.col.status', lang))}</th></tr>"
    page = (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 8px}}</style>"
        f"</head><body><h1>{e(title)}</h1><p>{e(figures)}</p><h2>{e(tr('prov.index.tables', lang))}</h2>"
        f"<ul>{links}</ul><h2>{e(tr('prov.index.counties', lang))}</h2>"
        f"<table>{head}{''.join(rows)}</table></body></html>"
    )
    path = out / tr("prov.file.index", lang)
    path.write_text(page, encoding="utf-8")
    return path


def write_province_tables(
    out: Path,
    info: dict[str, Any],
    by_county: pd.DataFrame,
    zones: ProvinceZones | None,
    runs: CountyRuns | None,
    lang: Lang,
) -> list[Path]:
    """Write the province tables (formula cells neutralised, planner headers) and the index; return the paths."""
    files = []
    for key, frame in _tables(by_county, zones, runs, lang):
        path = io.write_table(_headers(frame, lang), out / tr(f"prov.file.{key}", lang))
        files.append((tr(f"prov.table.{key}", lang), Path(path)))
    index = _index(out, info, by_county, files, lang)
    return [p for _, p in files] + [index]


def run_province(
    root: str | Path,
    out: str | Path,
    client: distributed.Client,
    *,
    counties: Sequence[str] | None = None,
    zones: bool = True,
    plans: bool = True,
    budget: pipeline.PatrolBudget = PROVINCE_BUDGET,
    windows: tuple[str, ...] = PROVINCE_WINDOWS,
    lang: Lang = "zh",
    retries: int = 2,
    progress: Callable[[str, int, int], None] | None = None,
) -> ProvinceRun:
    """Run a province dataset on the cluster of ``client`` and write the summary, tables and county packets.

    Parameters
    ----------
    root
        The province dataset (from ``hutan-geo province-data``).
    out
        The output folder (created).
    client
        From :func:`~hutan_geo.province.cluster.connect`.
    counties
        Only these county ids (default: all).
    zones, plans
        Run the hazard-school joins / the county plans and packets.
    budget, windows, lang, retries, progress
        As for :func:`~hutan_geo.province.cluster.run_counties`.

    Returns
    -------
    ProvinceRun

    Raises
    ------
    InputError
        Not a province dataset, or an unknown county id.
    """
    check_lang(lang)
    t0 = time.perf_counter()
    info, table = select_counties(root, counties)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    joined = None
    if zones:
        joined = province_zones(root, out, client, retries=retries, progress=progress)
        seconds["zones"] = round(time.perf_counter() - t0, 2)
    runs = None
    if plans:
        t1 = time.perf_counter()
        ids = table["county_id"].tolist()
        runs = run_counties(
            root, out, client, ids, budget=budget, windows=windows, lang=lang, retries=retries, progress=progress
        )
        seconds["counties"] = round(time.perf_counter() - t1, 2)
    by_county = _county_table(table, joined, runs, windows)
    written = write_province_tables(out, info, by_county, joined, runs, lang)
    seconds["total"] = round(time.perf_counter() - t0, 2)
    return ProvinceRun(info, joined, runs, by_county, written, seconds)
