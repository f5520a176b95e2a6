"""The zones step: hazards per school zone and per township, beside the rule check and the risk ranking.

:func:`zone_tables` returns the planner tables of an analysis (hazards within
200 m of each school, hazards and violations per township);
:func:`write_zones` writes them with the analysis tables (geocoding review,
violations, risk ranking) and no map: the tables of ``hutan-geo zones``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hutan_geo import analysis, io
from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.pipeline.district import AnalysisResult, Run, analysis_tables
from hutan_geo.pipeline.outputs import Outputs, Table, write_table_files

__all__ = ["ZONE_DISTANCE_M", "write_zones", "zone_tables"]

if TYPE_CHECKING:
    import pandas as pd

#: The school zone of the per-school hazard table, in metres from the campus boundary.
ZONE_DISTANCE_M = 200.0


def zone_tables(
    district: io.District, result: AnalysisResult, *, distance_m: float = ZONE_DISTANCE_M, lang: Lang = "zh"
) -> list[Table]:
    """Return the hazard tables per school (within ``distance_m``) and per township (when the district has them).

    Parameters
    ----------
    district
        The district the analysis was run on.
    result
        From :func:`~hutan_geo.pipeline.run_analysis` (its geocoded hazards are counted).
    distance_m
        The school zone, in metres from the campus boundary.
    lang
        Language of headers and file names.

    Returns
    -------
    list of Table
        Per school (every school, most hazards first), then per township.

    Examples
    --------
    >>> from hutan_geo.pipeline import open_district, run_analysis
    >>> d = open_district("demo")
    >>> [t.filename for t in zone_tables(d, run_analysis(d), lang="en")]
    ['hazards_by_school.csv', 'hazards_by_township.csv']
    """
    check_lang(lang)
    counts = analysis.school_counts(result.hazards, result.sites, distance_m=distance_m)
    by_school = counts.table.sort_values(["n_open", "n_hazards"], ascending=False, kind="stable")
    tables = [_table("by_school", analysis.export_table(by_school, lang=lang), lang)]
    if "townships" in district.layers:
        areas = analysis.area_summary(result.hazards, result.sites, district.townships, rule_check=result.rules)
        tables.append(_table("by_township", analysis.export_table(areas.table, lang=lang), lang))
    return tables


def _table(key: str, frame: pd.DataFrame, lang: Lang) -> Table:
    return Table(tr(f"pipeline.zones.{key}", lang), tr(f"pipeline.file.{key}", lang), frame)


def write_zones(run: Run) -> Outputs:
    """Step: the geocoding review, violations, risk ranking and the hazard tables per school and township."""
    result = run.analysis
    tables = analysis_tables(result, lang=run.lang) + zone_tables(run.district, result, lang=run.lang)
    return Outputs(written=write_table_files(run.out, tables), messages=result.messages(run.lang))
