"""Exports of a plan: the duty roster 巡逻勤务表 (Excel, printable HTML), GeoJSON, GPX and KML.

Every export takes a :class:`~hutan_geo.analysis.patrol.plan.Plan` or a
:class:`~hutan_geo.analysis.patrol.planner.DayPlan`; labels are Chinese by
default (``lang="en"`` for English). Spreadsheet cells that would start a
formula (``= + - @``, tab, carriage return) are written as text by
:func:`hutan_geo.io.write_sheets`; HTML escapes every user text;
names stay in UTF-8 so Chinese shows intact in phone navigation apps.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.io import write_sheets
from hutan_geo.model.timefmt import clock

if TYPE_CHECKING:
    from hutan_geo.analysis.patrol.plan import Plan
    from hutan_geo.analysis.patrol.planner import DayPlan

__all__ = [
    "roster_html",
    "roster_tables",
    "write_geojson",
    "write_gpx",
    "write_kml",
    "write_roster_excel",
    "write_roster_html",
]

_CST = dt.timezone(dt.timedelta(hours=8), "CST")


def _plans(plan: Plan | DayPlan) -> dict[str, Plan]:
    plans = getattr(plan, "plans", None)
    return dict(plans) if plans is not None else {plan.problem.window or "plan": plan}


def _window_label(window: str, lang: Lang) -> str:
    key = f"patrol.window.{window}"
    from hutan_geo._i18n import LABELS

    return tr(key, lang) if key in LABELS else window


def roster_tables(plan: Plan | DayPlan, *, lang: Lang = "zh") -> dict[str, pd.DataFrame]:
    """Return the roster as tables: one per window (sheet name -> rows) and the summary last.

    Times are ``HH:MM``; kinds and headers in ``lang``. Cells hold the plain
    text: :func:`write_roster_excel` (through :func:`hutan_geo.io.write_sheets`)
    neutralises text a spreadsheet would run as a formula, :func:`roster_html`
    escapes it.
    """
    lang = check_lang(lang)
    out: dict[str, pd.DataFrame] = {}
    summary = []
    for window, p in _plans(plan).items():
        it = p.itinerary
        table = pd.DataFrame(
            {
                tr("patrol.head.unit", lang): it["unit"],
                tr("patrol.head.station", lang): it["station"],
                tr("patrol.head.order", lang): it["order"],
                tr("patrol.head.place", lang): it["place"],
                tr("patrol.head.kind", lang): [tr(f"patrol.kind.{k}", lang) for k in it["kind"]],
                tr("patrol.head.arrive", lang): [clock(v) for v in it["arrive"]],
                tr("patrol.head.start", lang): [clock(v) for v in it["start"]],
                tr("patrol.head.leave", lang): [clock(v) for v in it["leave"]],
                tr("patrol.head.wait", lang): it["wait"].round(1),
                tr("patrol.head.drive_min", lang): it["drive_min"].round(1),
                tr("patrol.head.km", lang): it["km"].round(2),
            }
        )
        out[_window_label(window, lang)[:31]] = table
        k = p.kpis()
        summary.append(
            {tr("patrol.head.window", lang): _window_label(window, lang)}
            | {tr(f"patrol.kpi.{n}", lang): v for n, v in k.items()}
        )
        un = p.unserved
        for r in un.itertuples(index=False):
            summary.append(
                {
                    tr("patrol.head.window", lang): _window_label(window, lang),
                    tr("patrol.head.school", lang): r.name,
                    tr("patrol.head.reason", lang): r.reason_text,
                    tr("patrol.head.earliest", lang): clock(r.earliest),
                    tr("patrol.head.latest", lang): clock(r.latest),
                }
            )
        if p.fleet is not None:
            for r in p.fleet.extra.itertuples(index=False):
                summary.append(
                    {
                        tr("patrol.head.window", lang): _window_label(window, lang),
                        tr("patrol.head.station", lang): r.station,
                        tr("patrol.head.cars", lang): r.cars,
                        tr("patrol.head.extra", lang): r.extra,
                    }
                )
    out[tr("patrol.sheet.summary", lang)] = pd.DataFrame(summary)
    return out


def write_roster_excel(plan: Plan | DayPlan, path: str | Path, *, lang: Lang = "zh") -> Path:
    """Write the duty roster 巡逻勤务表 as ``.xlsx``: one sheet per window and a summary sheet.

    Written by :func:`hutan_geo.io.write_sheets`: text a spreadsheet would run
    as a formula gets a leading ``'``, and no cell is a formula.
    """
    return write_sheets(roster_tables(plan, lang=lang), path)


_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:1.5em}"
    "table{border-collapse:collapse;margin-bottom:1.5em;width:100%}"
    "th,td{border:1px solid #444;padding:2px 6px;font-size:10.5pt}th{background:#eee}"
    "h2{page-break-before:always}h2:first-of-type{page-break-before:avoid}"
    "@media print{body{margin:0}}"
)


def roster_html(plan: Plan | DayPlan, *, lang: Lang = "zh", title: str | None = None) -> str:
    """Return the duty roster as one printable HTML page (every text escaped)."""
    lang = check_lang(lang)
    title = title or tr("patrol.title", lang)
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>",
    ]
    for sheet, table in roster_tables(plan, lang=lang).items():
        parts.append(f"<h2>{html.escape(str(sheet))}</h2><table><thead><tr>")
        parts.extend(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
        parts.append("</tr></thead><tbody>")
        for row in table.itertuples(index=False):
            cells = ("" if pd.isna(v) else str(v).removeprefix("'") for v in row)
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def write_roster_html(plan: Plan | DayPlan, path: str | Path, *, lang: Lang = "zh") -> Path:
    """Write :func:`roster_html` to ``path`` (UTF-8)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(roster_html(plan, lang=lang), encoding="utf-8")
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def write_geojson(plan: Plan | DayPlan, path: str | Path) -> Path:
    """Write routes (LineStrings), served stops and unserved schools (Points) as one GeoJSON FeatureCollection."""
    import shapely

    features = []
    for window, p in _plans(plan).items():
        for r in p.routes.itertuples(index=False):
            props = {
                "layer": "route",
                "window": window,
                "unit": r.unit,
                "station": r.station,
                "km": r.km,
                "drive_min": r.drive_min,
                "stops": [{k: _plain(v) for k, v in s.items()} for s in r.stops],
            }
            features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(r.geometry)})
        for s in p.stops.itertuples(index=False):
            props = {
                "layer": "stop",
                "window": window,
                "unit": s.unit,
                "order": int(s.order),
                "name": s.name,
                "kind": s.kind,
                "arrive": clock(s.arrive),
                "leave": clock(s.leave),
            }
            features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(s.geometry)})
        for u in p.unserved.itertuples(index=False):
            props = {
                "layer": "unserved",
                "window": window,
                "school_id": u.ref,
                "name": u.name,
                "reason": u.reason,
                "reason_text": u.reason_text,
            }
            geom = {"type": "Point", "coordinates": [float(u.lon), float(u.lat)]}
            features.append({"type": "Feature", "properties": props, "geometry": geom})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=_plain)
    path.write_text(text, encoding="utf-8")
    return path


def _when(day: dt.date, minutes: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=_CST) + dt.timedelta(minutes=float(minutes))


def write_gpx(plan: Plan | DayPlan, path: str | Path, *, day: dt.date | None = None) -> Path:
    """Write a GPX file: one track per unit and window, one waypoint per stop with its arrival time (China time).

    Parameters
    ----------
    plan
        The plan.
    path
        The ``.gpx`` file.
    day
        The date of the times (default today).
    """
    import gpxpy.gpx

    day = day or dt.date.today()
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "hutan_geo"
    for window, p in _plans(plan).items():
        for r in p.routes.itertuples(index=False):
            track = gpxpy.gpx.GPXTrack(name=f"{r.unit} {window}")
            seg = gpxpy.gpx.GPXTrackSegment()
            seg.points.extend(gpxpy.gpx.GPXTrackPoint(lat, lon) for lon, lat in r.geometry.coords)
            track.segments.append(seg)
            gpx.tracks.append(track)
            for k, s in enumerate(r.stops, start=1):
                gpx.waypoints.append(
                    gpxpy.gpx.GPXWaypoint(
                        s["lat"],
                        s["lon"],
                        time=_when(day, s["arrival"]),
                        name=f"{r.unit} {k}. {s['name']}",
                        description=f"{clock(s['arrival'])}-{clock(s['departure'])}",
                    )
                )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gpx.to_xml(), encoding="utf-8")
    return path


def write_kml(plan: Plan | DayPlan, path: str | Path) -> Path:
    """Write a KML file: a folder per window, a line per unit, a numbered placemark per stop."""
    import simplekml

    kml = simplekml.Kml(name="巡逻勤务")
    for window, p in _plans(plan).items():
        folder = kml.newfolder(name=window)
        for r in p.routes.itertuples(index=False):
            line = folder.newlinestring(name=r.unit, coords=list(r.geometry.coords))
            line.description = f"{r.station} {r.km:.1f} km"
            for k, s in enumerate(r.stops, start=1):
                pt = folder.newpoint(name=f"{k}. {s['name']}", coords=[(s["lon"], s["lat"])])
                pt.description = f"{r.unit} {clock(s['arrival'])}-{clock(s['departure'])}"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    kml.save(str(path))
    return path
