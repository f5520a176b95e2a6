"""The security step: each school's security profile against the norms, inspection regularity, tables and a map.

:func:`security_for_district` returns the compliance check of a district
(:class:`~hutan_geo.analysis.SecurityCheck`) against the default norms or a
jurisdiction's own table; :func:`security_inspections` counts each school's
inspections in the check's semester; :func:`security_tables` turns both into
planner tables (Chinese headers by default); :func:`security_map` draws the
schools by number of gaps; :func:`write_security` writes 安保达标情况.xlsx
(one sheet per table) and the offline map 安全达标.html, and returns the
headline lines (``hutan-geo security``). Not part of ``make demo``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from hutan_geo import analysis, export, io, maps
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.errors import InputError
from hutan_geo.pipeline.outputs import Heading, Outputs, Written, district_map, finish_map, titled

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    import folium

__all__ = [
    "INSPECTIONS_PER_SEMESTER",
    "inspection_minimum",
    "security_for_district",
    "security_headline",
    "security_inspections",
    "security_map",
    "security_norms",
    "security_tables",
    "write_security",
]

#: Inspections required per semester when the norms have no ``count_in_semester`` rule on ``inspections``.
INSPECTIONS_PER_SEMESTER = 2
#: Names listed in the inspection headline before "…".
_NAMES_SHOWN = 10


def security_norms(norms: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Return the norms: the package's default table (None), a file's (CSV/XLSX), or a loaded table as it is.

    A file is read and validated by :func:`~hutan_geo.analysis.load_security_norms`
    (a bad one raises :class:`~hutan_geo.errors.InputError`, a missing one ``FileNotFoundError``).

    Examples
    --------
    >>> security_norms()["rule_id"].iloc[0]
    'guards_day_5'
    """
    if norms is None or isinstance(norms, (str, Path)):
        return analysis.load_security_norms(norms)
    return norms


def inspection_minimum(norms: pd.DataFrame) -> int:
    """Return the inspections a semester requires: the norms' ``count_in_semester`` rule on ``inspections``.

    Examples
    --------
    >>> inspection_minimum(security_norms())
    2
    """
    rule = norms[(norms["operator"] == "count_in_semester") & (norms["field"] == "inspections")]
    return int(float(rule["value"].iloc[0])) if len(rule) else INSPECTIONS_PER_SEMESTER


def security_for_district(
    district: io.District,
    *,
    norms: pd.DataFrame | str | Path | None = None,
    semester: tuple[dt.date, dt.date] | None = None,
    lang: Lang = "zh",
) -> analysis.SecurityCheck:
    """Check every school of a district against the security norms.

    Parameters
    ----------
    district
        A loaded district with ``schools`` and ``security`` (``schools/security.csv``).
    norms
        The norms: None for the package's table, a CSV/XLSX file or a loaded table.
    semester
        ``(first day, last day)`` for the inspection norm (default: the autumn semester of the data).
    lang
        Language of rule names, values and messages.

    Returns
    -------
    SecurityCheck
        The gaps, the per-school table and the summaries by rule and township.

    Raises
    ------
    InputError
        The district has no security profiles, or the norms are not valid.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> check = security_for_district(open_district("demo"), lang="en")
    >>> int((check.schools["n_gaps"] == 0).sum()), len(check.schools)
    (35, 60)
    """
    lang = check_lang(lang)
    if district.layers.get("security") is None:
        source = district.folder_name or "district"
        raise InputError(tr("pipeline.sec.no_profiles", lang, source=source))
    return analysis.check_security(district, security_norms(norms), semester=semester, lang=lang)


def security_inspections(
    district: io.District,
    check: analysis.SecurityCheck,
    *,
    inspections: pd.DataFrame | None = None,
    minimum: int = INSPECTIONS_PER_SEMESTER,
) -> pd.DataFrame:
    """Count each school's inspections in the check's semester (:func:`~hutan_geo.analysis.inspection_regularity`).

    Parameters
    ----------
    district
        The district (its ``schools``; its ``security`` profiles when ``inspections`` is None).
    check
        From :func:`security_for_district` (its ``semester``).
    inspections
        A register's batches or a plain ``(school_id or school_name, date)`` list
        (default: the dates in the security profiles).
    minimum
        Inspections required in the semester.

    Returns
    -------
    pandas.DataFrame
        One row per school, with its ``name``; ``attrs`` keep the semester and ``as_of``.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> d = open_district("demo")
    >>> int(security_inspections(d, security_for_district(d))["below_minimum"].sum())
    6
    """
    source = district.security if inspections is None else inspections
    out = analysis.inspection_regularity(source, district.schools, semester=check.semester, minimum=minimum)
    names = dict(zip(district.schools["school_id"], district.schools["name"], strict=True))
    out.insert(1, "name", out["school_id"].map(names))
    return out


def security_headline(check: analysis.SecurityCheck, regularity: pd.DataFrame, *, lang: Lang = "zh") -> tuple[str, ...]:
    """Return the headline lines: schools fully compliant and the most common gaps; schools inspected too rarely.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> d = open_district("demo")
    >>> check = security_for_district(d, lang="en")
    >>> security_headline(check, security_inspections(d, check), lang="en")[1][:45]
    '6 schools inspected fewer than 2 times this s'
    """
    lang = check_lang(lang)
    below = regularity[regularity["below_minimum"]]
    names = [str(n) for n in below["name"].fillna(below["school_id"])]
    listed = tr("an.sec.list_sep", lang).join(names[:_NAMES_SHOWN]) + ("…" if len(names) > _NAMES_SHOWN else "")
    start, end = regularity.attrs.get("semester", check.semester)
    minimum = regularity.attrs.get("minimum", INSPECTIONS_PER_SEMESTER)
    line = tr(
        "pipeline.sec.inspections",
        lang,
        start=start,
        end=end,
        minimum=minimum,
        n=len(below),
        names=(("：" if lang == "zh" else ": ") + listed) if names else "",
    )
    return (check.headline(lang), line)


def _labelled(frame: pd.DataFrame, columns: Sequence[str], lang: Lang) -> pd.DataFrame:
    """Return the ``columns`` of ``frame`` there are, renamed to their labels ``pipeline.sec.col.<column>``."""
    keep = [c for c in columns if c in frame.columns]
    return io.plain_frame(frame)[keep].rename(columns={c: tr(f"pipeline.sec.col.{c}", lang) for c in keep})


#: The columns of each sheet, in order (a column a frame lacks is left out).
_SHEETS: dict[str, tuple[str, ...]] = {
    "schools": ("school_id", "name", "township", "boarding", "n_gaps", "gaps"),
    "gaps": ("school_id", "name", "township", "rule_id", "rule", "required", "actual", "source"),
    "rules": ("rule_id", "rule", "applies", "compliant", "with_gap"),
    "townships": ("township", "schools", "all_met", "gaps_total"),
    "inspections": ("school_id", "name", "inspections", "last_inspection", "days_since_last", "below_minimum"),
}


def security_tables(
    check: analysis.SecurityCheck, regularity: pd.DataFrame, *, lang: Lang = "zh"
) -> dict[str, pd.DataFrame]:
    """Return the planner tables by sheet name: per school, the gaps, by norm, by township, inspections.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> d = open_district("demo")
    >>> check = security_for_district(d)
    >>> tables = security_tables(check, security_inspections(d, check))
    >>> list(tables), list(tables["各校安保缺口"].columns)[:3]
    (['各校安保缺口', '缺口清单', '按规范', '按乡镇', '督导检查'], ['学校编号', '学校名称', '乡镇'])
    """
    lang = check_lang(lang)
    schools = check.schools.sort_values(["n_gaps", "school_id"], ascending=[False, True], kind="stable")
    frames = {
        "schools": schools.assign(boarding=io.yes_no(schools["boarding"], lang)),
        "gaps": check.gaps,
        "rules": check.by_rule.rename(columns={"gaps": "with_gap"}),
        "townships": check.by_township.rename(columns={"compliant": "all_met", "gaps": "gaps_total"}),
        "inspections": regularity.sort_values(  # too few inspections first, the fewest first
            ["below_minimum", "inspections", "school_id"], ascending=[False, True, True], kind="stable"
        ).assign(
            below_minimum=lambda f: io.yes_no(f["below_minimum"], lang),
            last_inspection=lambda f: [None if pd.isna(d) else str(d) for d in f["last_inspection"]],
        ),
    }
    return {tr(f"pipeline.sec.sheet.{k}", lang): _labelled(frames[k], cols, lang) for k, cols in _SHEETS.items()}


def security_map(district: io.District, check: analysis.SecurityCheck, *, lang: Lang = "zh") -> folium.Map:
    """Draw the schools by number of security gaps over the district's boundary and roads, with a legend.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district
    >>> d = open_district("demo")
    >>> type(security_map(d, security_for_district(d))).__name__
    'Map'
    """
    m = district_map(district, lang=lang)
    maps.add_security(check, m, lang=lang)
    n = len(maps.SECURITY_COLOURS)
    texts = [tr("map.sec.none", lang)] + [
        tr("map.sec.many" if k == n - 1 else "map.sec.some", lang, n=k) for k in range(1, n)
    ]
    items = [(colour, text, "circle") for colour, text in zip(maps.SECURITY_COLOURS, texts, strict=True)]
    maps.add_legend(m, items, title=tr("map.sec.legend", lang))
    return finish_map(m, lang=lang)


def write_security(
    district: io.District,
    check: analysis.SecurityCheck,
    out: str | Path,
    *,
    norms: pd.DataFrame | str | Path | None = None,
    inspections: pd.DataFrame | None = None,
    lang: Lang = "zh",
    heading: Heading | None = None,
) -> Outputs:
    """Write 安保达标情况.xlsx (per school, gaps, by norm, by township, inspections) and the offline map 安全达标.html.

    Parameters
    ----------
    district
        The district that was checked (the map's background, the inspections).
    check
        From :func:`security_for_district`.
    out
        The output folder (created when missing).
    norms
        The norms the check used (their inspection rule sets the minimum; default the package's).
    inspections
        Inspection batches or list (default: the dates in the security profiles).
    lang
        Language of file names, sheet names, headers and labels.
    heading
        The title block of the map (None: none).

    Returns
    -------
    Outputs
        The two files and the headline lines (:func:`security_headline`).
    """
    lang = check_lang(lang)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    minimum = inspection_minimum(security_norms(norms))
    regularity = security_inspections(district, check, inspections=inspections, minimum=minimum)
    regularity.attrs["minimum"] = minimum
    m = titled(security_map(district, check, lang=lang), heading, tr("pipeline.title.security", lang), lang)
    written = (
        Written(
            tr("pipeline.sec_xlsx", lang),
            io.write_sheets(security_tables(check, regularity, lang=lang), out / tr("pipeline.file.sec_xlsx", lang)),
        ),
        Written(
            tr("pipeline.sec_map", lang),
            export.export_html(m, out / tr("pipeline.file.sec_map", lang), offline=True),
        ),
    )
    return Outputs(written=written, messages=security_headline(check, regularity, lang=lang))
