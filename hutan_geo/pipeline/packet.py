"""The meeting packet: every map and table of a district in one folder, opened from one ``index.html``.

:func:`write_packet` writes, for a district:

- the overview map (after geocoding) and the analysis map, each with its PNG;
- the rule violations, risk ranking, geocoding review, and the hazard tables
  per school and per township (:func:`~hutan_geo.pipeline.zones.zone_tables`);
- per patrol window a folder with the duty roster, the patrol map (and PNG),
  GPX, KML and GeoJSON;
- the coverage of the first window (tables, charts, map and PNG);
- the rectification report (register, workbook, monthly chart, bulletin);
- ``index.html``, which links all of it, shows the charts and the bulletin
  and opens offline (no script, no request: plain links and images).

Every map carries a title block (:class:`~hutan_geo.pipeline.outputs.Heading`:
district, what it shows, data as of, the marking 内部资料). The steps are the
pipeline's own, on one :class:`~hutan_geo.pipeline.district.Run`: the
analysis and each window's plan are computed once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

import pandas as pd

from hutan_geo import export, io, maps
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.errors import InputError
from hutan_geo.pipeline.coverage import coverage_for_district, write_coverage_report
from hutan_geo.pipeline.district import Run, analysis_map, write_analysis, write_overview_map
from hutan_geo.pipeline.outputs import Heading, Outputs, Written, map_png, write_table_files
from hutan_geo.pipeline.patrols import DEMO_PATROL, PatrolBudget, write_patrol_plan
from hutan_geo.pipeline.register import DEMO_REGISTER_TODAY, build_register_report
from hutan_geo.pipeline.zones import zone_tables

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "MAP_KINDS",
    "PACKET_INDEX",
    "PACKET_WINDOWS",
    "Section",
    "data_as_of",
    "district_name",
    "write_demo_packet",
    "write_index",
    "write_maps",
    "write_packet",
    "write_packet_run",
]

#: The patrol windows of a packet, by their command-line names.
PACKET_WINDOWS: tuple[str, ...] = ("am", "noon", "pm")
#: The packet's front page.
PACKET_INDEX = "index.html"
_WINDOW_KEYS = {"am": "am", "arrival": "am", "noon": "noon", "pm": "pm", "dismissal": "pm"}


class Section(NamedTuple):
    """One part of the packet: its heading on the front page, its files, its report lines, a paragraph."""

    title: str
    outputs: Outputs
    text: str = ""


def district_name(district: io.District) -> str:
    """Return the district's name: the ``name`` of its boundary layer, else its folder's name.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> district_name(open_district("demo"))
    '青岚县'
    """
    layer = district.layers.get("district")
    if layer is not None and "name" in layer and len(layer):
        names = layer["name"].dropna().astype(str).str.strip()
        if len(names) and names.iloc[0]:
            return names.iloc[0]
    return district.folder_name or "-"


def data_as_of(district: io.District) -> dt.date:
    """Return the date of a district's data: the latest date its hazards record (today when they record none).

    The dates are those of the loop (``found_date``, ``rectified_date``,
    ``closed_date`` …); deadlines are not counted.
    """
    hazards = district.layers.get("hazards")
    columns = [c for c in (hazards.columns if hazards is not None else ()) if str(c).endswith("_date")]
    latest = max((pd.to_datetime(hazards[c], errors="coerce").max() for c in columns), default=pd.NaT)
    return latest.date() if pd.notna(latest) else dt.date.today()


def _windows(windows: Iterable[str], lang: Lang) -> tuple[str, ...]:
    """Return the windows as command-line names, each once; an unknown window is an InputError."""
    out: list[str] = []
    for w in windows:
        if w not in _WINDOW_KEYS:
            raise InputError(tr("pipeline.packet.window", lang, window=w))
        if _WINDOW_KEYS[w] not in out:
            out.append(_WINDOW_KEYS[w])
    if not out:
        raise InputError(tr("pipeline.packet.window", lang, window=""))
    return tuple(out)


def write_packet(
    district: io.District,
    out: str | Path,
    *,
    windows: Iterable[str] = PACKET_WINDOWS,
    budget: PatrolBudget = DEMO_PATROL,
    marking: str = maps.DEFAULT_MARKING,
    as_of: dt.date | str | None = None,
    png: bool = True,
    lang: Lang = "zh",
    progress: Callable[[int, float | None, float], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Outputs:
    """Write the meeting packet of a district into ``out``; return what was written (``index.html`` last).

    Parameters
    ----------
    district
        A loaded district (schools, hazards, roads, stations …).
    out
        The packet folder (created when missing).
    windows
        The patrol windows (``am``, ``noon``, ``pm``); the coverage is of the first.
    budget
        The solver budget per window (its own window is ignored).
    marking
        The marking on every map and on the front page (default 内部资料).
    as_of
        The date of the data (default :func:`data_as_of`); also the day the
        register judges deadlines by.
    png
        Render every map to PNG too (headless Chromium; without it a note says why).
    lang
        Language of file names, headers, labels and the front page.
    progress
        Called while solving with (iteration, best cost, elapsed seconds).
    on_step
        Called with the title of each part before it is made.

    Returns
    -------
    Outputs
        Every file, the report lines and the notes; the last file is ``index.html``.

    Raises
    ------
    InputError
        An unknown window, a bad date, a district the steps cannot use.
    """
    check_lang(lang)
    wins = _windows(windows, lang)
    heading = Heading(district_name(district), as_of or data_as_of(district), marking)
    run = Run(
        district,
        Path(out),
        lang=lang,
        png=png,
        patrol=dataclasses.replace(budget, window=wins[0]),
        heading=heading,
        progress=progress,
    )
    return write_packet_run(run, wins, on_step=on_step)


def write_demo_packet(run: Run) -> Outputs:
    """Step: the packet of the run's district in ``<out>/packet``, sharing the run's analysis, plan and coverage."""
    heading = Heading(district_name(run.district), DEMO_REGISTER_TODAY)
    return write_packet_run(run.at(run.out / "packet", heading=heading), PACKET_WINDOWS)


def write_packet_run(
    run: Run, windows: Iterable[str] = PACKET_WINDOWS, *, on_step: Callable[[str], None] | None = None
) -> Outputs:
    """Write the packet of a :class:`Run` (its folder, language, heading, budget) and its ``index.html``."""
    wins = _windows(windows, run.lang)
    run.out.mkdir(parents=True, exist_ok=True)
    sections = []
    for key, make in (("overview", _overview), ("analysis", _analysis)):
        sections.append(_step(on_step, tr(f"pipeline.packet.{key}", run.lang), lambda t, make=make: make(run, t)))
    for w in wins:
        title = tr("pipeline.packet.patrol", run.lang, window=_window_label(w, run.lang))
        sections.append(_step(on_step, title, lambda t, w=w: _patrol(run, w, t)))
    cov_title = tr("pipeline.packet.coverage", run.lang, window=_window_label(wins[0], run.lang))
    sections.append(_step(on_step, cov_title, lambda t: _coverage(run, wins[0], t)))
    sections.append(_step(on_step, tr("pipeline.packet.register", run.lang), lambda t: _register(run, t)))
    index = write_index(run, sections)
    outputs = Outputs()
    for s in sections:
        outputs += s.outputs
    return Outputs(
        written=(*outputs.written, Written(tr("pipeline.packet.index", run.lang), index)),
        messages=tuple(dict.fromkeys(outputs.messages)),
        notes=tuple(dict.fromkeys(outputs.notes)),
    )


def _step(on_step: Callable[[str], None] | None, title: str, make: Callable[[str], Section]) -> Section:
    if on_step is not None:
        on_step(title)
    return make(title)


def _window_label(window: str, lang: Lang) -> str:
    return tr(f"patrol.window.{PatrolBudget(window).planner_window(lang)}", lang)


def _png(run: Run, html_path: Path) -> Outputs:
    """Return the PNG of a written map (for slides), or nothing when the run makes none."""
    return map_png(html_path, tr("pipeline.packet.png", run.lang), run.lang) if run.png else Outputs()


def _overview(run: Run, title: str) -> Section:
    return Section(title, write_overview_map(run) + _png(run, run.path("overview_map")))


def _analysis(run: Run, title: str) -> Section:
    outputs = write_analysis(run) + _png(run, run.path("analysis_map"))
    tables = write_table_files(run.out, zone_tables(run.district, run.analysis, lang=run.lang))
    return Section(title, outputs + Outputs(written=tables))


def _patrol(run: Run, window: str, title: str) -> Section:
    folder = run.out / tr(f"pipeline.packet.dir.{window}", run.lang)
    budget = dataclasses.replace(run.patrol_budget, window=window)
    outputs = write_patrol_plan(
        run.district, run.plan_for(window), folder, budget=budget, lang=run.lang, heading=run.heading
    )
    return Section(title, outputs + _png(run, folder / tr("pipeline.file.patrol_map", run.lang)))


def _coverage(run: Run, window: str, title: str) -> Section:
    if window == run.patrol_budget.window:
        result = run.coverage
    else:
        result = coverage_for_district(run.district, run.plan_for(window), lang=run.lang)
    folder = run.out / tr("pipeline.packet.dir.coverage", run.lang)
    outputs = write_coverage_report(run.district, result, folder, lang=run.lang, heading=run.heading)
    return Section(title, outputs + _png(run, folder / tr("pipeline.file.cov_map", run.lang)))


def _register(run: Run, title: str) -> Section:
    report, outputs = build_register_report(run.at(run.out / tr("pipeline.packet.dir.register", run.lang)))
    return Section(title, outputs, report.bulletin())


def _esc(text: str) -> str:
    """Escape a text for the front page (HTML entities, and ``$``, backticks, ``{{`` as for the maps)."""
    return maps.safe_text(text)


_STYLE = (
    "body{font:15px/1.6 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:980px;"
    "padding:0 1em;color:#222}h1{font-size:24px;margin-bottom:.2em}h2{font-size:18px;border-bottom:1px solid #ccc;"
    "padding-bottom:.2em;margin-top:1.6em}.mark{border:1px solid #b00;color:#b00;font-weight:bold;padding:0 .4em;"
    "margin-left:.6em}.meta{color:#555}.lines{color:#333;font-size:14px}.bulletin{background:#f6f6f6;"
    "padding:.6em 1em;border-left:4px solid #888}img{max-width:100%;border:1px solid #ddd;margin:.4em 0}"
    ".notes{color:#822;font-size:14px}@media print{a{color:#000;text-decoration:none}}"
)


def _link(run: Run, written: Written) -> str:
    rel = written.path.relative_to(run.out).as_posix()
    href, name = html.escape(quote(rel), quote=True), _esc(rel)
    item = f'<a href="{href}">{_esc(written.label)}</a> <span class="meta">{name}</span>'
    if written.path.suffix.lower() == ".png":
        item += f'<br><a href="{href}"><img src="{href}" alt="{_esc(written.label)}"></a>'
    return f"<li>{item}</li>"


def write_index(run: Run, sections: Iterable[Section]) -> Path:
    """Write ``index.html`` into the run's folder: a heading, then each section's files, lines and paragraph.

    Every text is escaped (:func:`hutan_geo.maps.safe_text`); links are relative to the folder, so the packet
    can be copied or zipped as it is, and the page makes no request of its own.
    """
    lang = run.lang
    h = run.heading or Heading(district_name(run.district))
    title = tr("pipeline.packet.title", lang, district=h.district)
    meta = tr("map.as_of", lang, date=h.day.isoformat()) if h.day else ""
    mark = f'<span class="mark">{_esc(h.marking)}</span>' if h.marking else ""
    parts = [
        f'<!doctype html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_esc(title)}</title>\n'
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<h1>{_esc(title)}</h1>\n"
        f'<p class="meta">{_esc(meta)}{mark}</p>\n<p>{_esc(tr("pipeline.packet.intro", lang))}</p>\n'
    ]
    notes: list[str] = []
    for s in sections:
        parts.append(f"<h2>{_esc(s.title)}</h2>\n")
        if s.text:
            parts.append(f'<p class="bulletin">{_esc(s.text)}</p>\n')
        lines = [line for line in s.outputs.messages if not s.text or s.text not in line]
        if lines:
            parts.append('<div class="lines">' + "".join(f"<p>{_esc(x)}</p>" for x in lines) + "</div>\n")
        parts.append("<ul>" + "".join(_link(run, w) for w in s.outputs.written) + "</ul>\n")
        notes += [n for n in s.outputs.notes if n not in notes]
    if notes:
        parts.append('<div class="notes">' + "".join(f"<p>{_esc(n)}</p>" for n in notes) + "</div>\n")
    parts.append("</body>\n</html>\n")
    path = run.out / PACKET_INDEX
    path.write_text("".join(parts), encoding="utf-8")
    return path


#: The maps of ``hutan-geo map``: the overview (after geocoding) and the analysis map.
MAP_KINDS: tuple[str, ...] = ("overview", "analysis")


def write_maps(run: Run, kinds: Iterable[str] = MAP_KINDS) -> Outputs:
    """Write the overview and/or analysis map of the run's district (offline HTML, title block, PNG when asked).

    Examples
    --------
    >>> sorted(MAP_KINDS)
    ['analysis', 'overview']
    """
    outputs = Outputs()
    for kind in kinds:
        if kind not in MAP_KINDS:
            msg = f"unknown map {kind!r}; use one of {', '.join(MAP_KINDS)}"
            raise InputError(msg)
    run.out.mkdir(parents=True, exist_ok=True)
    if "overview" in kinds:
        outputs += write_overview_map(run) + _png(run, run.path("overview_map"))
    if "analysis" in kinds:
        path = run.path("analysis_map")
        m = run.titled(analysis_map(run.district, run.analysis, lang=run.lang), "analysis")
        export.export_html(m, path, offline=True)
        written = Outputs(written=(Written(tr("pipeline.analysis_map", run.lang), path),))
        outputs += written + Outputs(messages=run.analysis.messages(run.lang)) + _png(run, path)
    return outputs
