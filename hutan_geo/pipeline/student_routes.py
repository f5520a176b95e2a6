"""The student-routes step: the routes students walk, the risks on them, and remote pupils without a bus.

:func:`student_routes_for_district` builds the walking network of a district
with ``NetworkParams(walk_excluded=())`` (students do walk along and across
national highways: that danger is what is measured), walks from each school
gate to each residence (:func:`~hutan_geo.analysis.student_routes`) and, when
the district has bus stops, checks the remote villages
(:func:`~hutan_geo.analysis.remote_access`). :func:`student_routes_headline`
gives the lines to print, :func:`student_routes_tables` the planner tables,
:func:`student_routes_map` the map, and :func:`write_student_routes` writes
上下学路线.xlsx and the offline map 上下学路线.html (``hutan-geo routes``; not
part of ``make demo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from hutan_geo import analysis, export, io, maps, network
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.errors import InputError
from hutan_geo.model import RESIDENCE_KINDS
from hutan_geo.model.schema import CATEGORIES, ROAD_CLASSES, STATUSES
from hutan_geo.pipeline.outputs import Heading, Outputs, Written, district_map, finish_map, titled

if TYPE_CHECKING:
    from collections.abc import Sequence

    import folium

__all__ = [
    "RouteCheck",
    "student_routes_for_district",
    "student_routes_headline",
    "student_routes_map",
    "student_routes_tables",
    "write_student_routes",
]


@dataclass(frozen=True)
class RouteCheck:
    """The student routes of a district and the bus access of its remote villages.

    Attributes
    ----------
    routes
        From :func:`~hutan_geo.analysis.student_routes`.
    remote
        From :func:`~hutan_geo.analysis.remote_access`; None when the district has no bus stops.
    """

    routes: analysis.StudentRoutes
    remote: analysis.RemoteAccess | None


def student_routes_for_district(
    district: io.District,
    *,
    hazard_within_m: float = 50.0,
    walk_limit_m: float = 2000.0,
    reach_m: float = 500.0,
    lang: Lang = "zh",
) -> RouteCheck:
    """Walk every student's route from the school gate home, and check the bus access of remote villages.

    Parameters
    ----------
    district
        A loaded district with ``residences`` (``places/residences.csv``),
        ``schools``, ``roads``, optionally ``gates``, ``hazards`` and
        ``bus_stops`` (``transport/bus_stops.csv``).
    hazard_within_m
        Hazards at most this far from a route are on it.
    walk_limit_m
        Villages farther than this on foot from their school are remote.
    reach_m
        A bus stop within this walk of a gate or village is within reach.
    lang
        Language of the reasons.

    Returns
    -------
    RouteCheck

    Raises
    ------
    InputError
        The district has no residences or no roads, or a distance is not positive.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> check = student_routes_for_district(open_district("demo"))
    >>> int(check.routes.routes["students"].sum()), check.remote.students_unserved > 0
    (3270, True)
    """
    lang = check_lang(lang)
    layers = district.layers
    source = district.folder_name or "district"
    if layers.get("residences") is None or not len(layers["residences"]):
        raise InputError(tr("pipeline.sr.no_residences", lang, source=source))
    if layers.get("roads") is None:
        msg = f"{source} has no roads (roads/roads.*): student routes need the road network"
        raise InputError(msg)
    net = network.network_from_roads(layers["roads"], params=network.NetworkParams(walk_excluded=()))
    routes = analysis.student_routes(district, net, hazard_within_m=hazard_within_m, lang=lang)
    remote = None
    if layers.get("bus_stops") is not None:
        remote = analysis.remote_access(district, net, walk_limit_m=walk_limit_m, reach_m=reach_m, lang=lang)
    return RouteCheck(routes, remote)


def _share(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.0%}"


def student_routes_headline(check: RouteCheck, *, lang: Lang = "zh") -> tuple[str, ...]:
    """Return the headline lines: students on high-risk routes, national-highway crossings, remote pupils.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> lines = student_routes_headline(student_routes_for_district(open_district("demo")), lang="en")
    >>> lines[0]
    '853 of 3270 routed students (26%) walk a route with a high-risk stretch'
    """
    lang = check_lang(lang)
    result = check.routes
    routes = result.routes
    routed = int(routes["students"].sum()) if len(routes) else 0
    risky = int(routes.loc[routes["high_risk"].astype(bool), "students"].sum()) if len(routes) else 0
    lines = [tr("pipeline.sr.high_risk", lang, n=risky, routed=routed, share=_share(result.share_high_risk))]
    national = result.crossings[result.crossings["road_class"] == "national_highway"] if len(result.crossings) else None
    places = 0 if national is None else len({(round(g.x, 5), round(g.y, 5)) for g in national.geometry})
    crossing = routes["crosses_national_highway"].astype(bool) if len(routes) else pd.Series(dtype=bool)
    students = int(routes.loc[crossing, "students"].sum()) if len(routes) else 0
    lines.append(tr("pipeline.sr.crossings", lang, n=places, students=students))
    if check.remote is None:
        lines.append(tr("pipeline.sr.no_bus_stops", lang))
    else:
        remote = check.remote
        lines.append(
            tr(
                "pipeline.sr.remote",
                lang,
                n=len(remote.unserved),
                villages=len(remote.villages),
                students=remote.students_unserved,
            )
        )
    return tuple(lines)


def _labelled(frame: pd.DataFrame, columns: Sequence[str], lang: Lang) -> pd.DataFrame:
    """Return the ``columns`` of ``frame`` there are, renamed to their labels ``pipeline.sr.col.<column>``."""
    keep = [c for c in columns if c in frame.columns]
    return io.plain_frame(frame)[keep].rename(columns={c: tr(f"pipeline.sr.col.{c}", lang) for c in keep})


#: The columns of each sheet, in order (a column a frame lacks is left out).
_SHEETS: dict[str, tuple[str, ...]] = {
    "routes": (
        "residence_id",
        "school_id",
        "school",
        "residence",
        "kind",
        "students",
        "gate",
        "length_m",
        "walk_min",
        "straight_m",
        "n_hazards",
        "n_open_hazards",
        "n_crossings",
        "crosses_national_highway",
        "arterial_m",
        "high_risk_m",
        "high_risk",
    ),
    "summary": (
        "school_id",
        "school",
        "residences",
        "students",
        "students_routed",
        "students_high_risk",
        "share_high_risk",
    ),
    "hazards": ("residence_id", "school_id", "hazard_id", "category", "status", "open", "distance_m"),
    "crossings": ("residence_id", "school_id", "road_class", "road", "lon", "lat"),
    "remote": (
        "residence_id",
        "school_id",
        "school",
        "village",
        "students",
        "walk_m",
        "gate_stops",
        "village_stops",
        "routes",
        "served",
        "reason",
    ),
    "unrouted": ("residence_id", "school_id", "school", "reason"),
}


def student_routes_tables(
    check: RouteCheck, *, schools: pd.DataFrame | None = None, lang: Lang = "zh"
) -> dict[str, pd.DataFrame]:
    """Return the planner tables by sheet name: routes, by school, hazards on routes, crossings, remote villages.

    Parameters
    ----------
    check
        From :func:`student_routes_for_district`.
    schools
        The district's schools (``school_id``, ``name``): adds the school names.
    lang
        Language of sheet names, headers and values.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> d = open_district("demo")
    >>> list(student_routes_tables(student_routes_for_district(d), schools=d.schools))
    ['上下学路线', '按学校', '沿途隐患', '穿越道路', '偏远村庄', '未能规划']
    """
    lang = check_lang(lang)
    result = check.routes
    names = dict(zip(schools["school_id"], schools["name"], strict=True)) if schools is not None else {}

    def named(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(school=frame["school_id"].map(names)) if names and "school_id" in frame else frame

    yes_no = io.yes_no
    routes = result.routes.sort_values(["high_risk", "students"], ascending=False, kind="stable")
    crossings = result.crossings
    frames = {
        "routes": named(routes).assign(
            kind=io.vocab_labels(routes["kind"], RESIDENCE_KINDS, lang, strict=False),
            crosses_national_highway=yes_no(routes["crosses_national_highway"], lang),
            high_risk=yes_no(routes["high_risk"], lang),
        ),
        "summary": named(result.summary) if len(result.summary) else result.summary,
        "hazards": result.hazards.assign(
            category=io.vocab_labels(result.hazards["category"], CATEGORIES, lang, strict=False),
            status=io.vocab_labels(result.hazards["status"], STATUSES, lang, strict=False),
            open=yes_no(result.hazards["open"], lang),
        )
        if len(result.hazards)
        else result.hazards,
        "crossings": crossings.assign(
            road_class=io.vocab_labels(crossings["road_class"], ROAD_CLASSES, lang, strict=False),
            lon=crossings.geometry.x.round(6),
            lat=crossings.geometry.y.round(6),
        )
        if len(crossings)
        else crossings,
        "remote": named(check.remote.villages).assign(served=lambda f: yes_no(f["served"], lang))
        if check.remote is not None and len(check.remote.villages)
        else pd.DataFrame(),
        "unrouted": named(result.unrouted),
    }
    return {tr(f"pipeline.sr.sheet.{k}", lang): _labelled(frames[k], cols, lang) for k, cols in _SHEETS.items()}


def student_routes_map(district: io.District, check: RouteCheck, *, lang: Lang = "zh") -> folium.Map:
    """Draw the routes by risk, the hazards on them, crossings and villages without a bus, over the roads.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> d = open_district("demo")
    >>> type(student_routes_map(d, student_routes_for_district(d))).__name__
    'Map'
    """
    m = district_map(district, lang=lang)
    maps.add_schools(district.schools, m, lang=lang)
    maps.add_student_routes(check.routes, m, remote=check.remote, lang=lang)
    items = [
        (maps.ROUTE_RISK_COLOURS["high"], tr("map.sr.high", lang), "line"),
        (maps.ROUTE_RISK_COLOURS["other"], tr("map.sr.other", lang), "line"),
    ]
    maps.add_legend(m, items, title=tr("map.sr.legend", lang))
    return finish_map(m, lang=lang)


def write_student_routes(
    district: io.District,
    check: RouteCheck,
    out: str | Path,
    *,
    lang: Lang = "zh",
    heading: Heading | None = None,
) -> Outputs:
    """Write 上下学路线.xlsx (routes, by school, hazards, crossings, remote villages) and the map 上下学路线.html.

    Parameters
    ----------
    district
        The district the routes were walked in (the map's background, school names).
    check
        From :func:`student_routes_for_district`.
    out
        The output folder (created when missing).
    lang
        Language of file names, sheet names, headers and labels.
    heading
        The title block of the map (None: none).

    Returns
    -------
    Outputs
        The two files and the headline lines (:func:`student_routes_headline`).
    """
    lang = check_lang(lang)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = student_routes_tables(check, schools=district.schools, lang=lang)
    m = titled(student_routes_map(district, check, lang=lang), heading, tr("pipeline.title.routes", lang), lang)
    written = (
        Written(tr("pipeline.sr_xlsx", lang), io.write_sheets(tables, out / tr("pipeline.file.sr_xlsx", lang))),
        Written(
            tr("pipeline.sr_map", lang),
            export.export_html(m, out / tr("pipeline.file.sr_map", lang), offline=True),
        ),
    )
    return Outputs(written=written, messages=student_routes_headline(check, lang=lang))
