"""School security profiles against the campaign norms, and how regularly schools are inspected.

The norms are data (``hutan_geo/data/security_norms.csv``), like the distance
rules: each row names the schools it applies to (``applies_to``: ``any``,
``boarding``, ``non_boarding``, ``kindergarten``, ``school`` or level codes
separated by ``;``), the profile ``field`` it checks, an ``operator``
(``>=``, ``<=``, ``==``, ``is_true``, ``includes``, ``count_in_semester``), the
``value`` required, the peak windows it concerns and its source text. The
default table cites the campus safety campaign documents this tool serves
(guards 5 / 8-10, 2+2 at the peaks, 4-6 volunteers, GB/T 29315 technical
protection, anti-ramming barriers, inspections twice a semester);
jurisdictions edit the table or override rows with :func:`merge_security_norms`.

:func:`check_security` returns the gaps school by school (rule, required,
actual, source), a per-school table and a summary per rule and township;
:func:`inspection_regularity` lists the schools inspected fewer than the
required times in a semester and the days since their last inspection.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from hutan_geo._i18n import check_lang, pick, tr
from hutan_geo.errors import InputError
from hutan_geo.io import map_headers, read_raw
from hutan_geo.model.schema import LEVELS, Column, DatasetSpec, normalise_text
from hutan_geo.model.security import ALARM_LINKS, SECURITY

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "NORM_COLUMNS",
    "OPERATORS",
    "SecurityCheck",
    "autumn_semester",
    "check_security",
    "default_norms_path",
    "inspection_dates",
    "inspection_regularity",
    "load_security_norms",
    "merge_security_norms",
]

#: Canonical columns of a norms table.
NORM_COLUMNS = (
    "rule_id",
    "applies_to",
    "field",
    "operator",
    "value",
    "peak",
    "name_zh",
    "name_en",
    "source",
    "source_en",
    "note",
)
#: Operators a norm may use.
OPERATORS = (">=", "<=", "==", "is_true", "includes", "count_in_semester")
_APPLIES = ("any", "boarding", "non_boarding", "kindergarten", "school")
_FIELDS = tuple(c.name for c in SECURITY.columns if c.name not in ("school_id", "name"))

NORMS_SPEC = DatasetSpec(
    "security_norms",
    "安保规范",
    "security norms",
    tuple(
        Column(name, "text", zh, en, aliases, required=name == "rule_id")
        for name, zh, en, aliases in (
            ("rule_id", "规则编号", "rule id", ("编号", "id")),
            ("applies_to", "适用对象", "applies to", ("适用学校", "对象")),
            ("field", "检查项", "field", ("字段", "项目")),
            ("operator", "比较方式", "operator", ("运算符", "条件")),
            ("value", "要求值", "value", ("标准值", "要求")),
            ("peak", "高峰时段", "peak", ("时段",)),
            ("name_zh", "规范名称", "name", ("名称",)),
            ("name_en", "英文名称", "name (English)", ()),
            ("source", "依据", "source", ("来源", "依据文件")),
            ("source_en", "英文依据", "source (English)", ()),
            ("note", "说明", "note", ("备注",)),
        )
    ),
    geometry="none",
    id_column="rule_id",
)


def default_norms_path() -> Path:
    """Return the path of the norms table shipped with the package.

    Examples
    --------
    >>> default_norms_path().name
    'security_norms.csv'
    """
    return Path(str(resources.files("hutan_geo").joinpath("data", "security_norms.csv")))


def _cell(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else normalise_text(value)


def _norm_problems(row: dict[str, str]) -> list[str]:
    """Return what is wrong with one norm (empty when it is valid)."""
    out = []
    applies = [p for p in row["applies_to"].split(";") if p]
    if not applies or any(p not in _APPLIES and p not in LEVELS.codes for p in applies):
        out.append(f"applies_to {row['applies_to']!r}: use {', '.join(_APPLIES)} or level codes joined by ';'")
    if row["field"] not in _FIELDS:
        out.append(f"field {row['field']!r}: use one of {', '.join(_FIELDS)}")
    if row["operator"] not in OPERATORS:
        out.append(f"operator {row['operator']!r}: use one of {', '.join(OPERATORS)}")
    elif row["operator"] == "includes":
        if not row["value"] or any(ALARM_LINKS.parse(p) is None for p in row["value"].split(";")):
            out.append(f"value {row['value']!r}: list platforms ({', '.join(ALARM_LINKS.codes)}) joined by ';'")
    elif row["operator"] != "is_true":
        try:
            float(row["value"])
        except ValueError:
            out.append(f"value {row['value']!r} is not a number")
    if not row["source"]:
        out.append("source is empty; cite the document the norm comes from (依据)")
    return out


def validate_security_norms(frame: pd.DataFrame, *, source: str = "<norms>") -> pd.DataFrame:
    """Check a norms table with canonical columns; raise one :class:`InputError` naming every bad row.

    Examples
    --------
    >>> validate_security_norms(pd.DataFrame([{"rule_id": "g", "applies_to": "any", "field": "guards",
    ...     "operator": ">=", "value": "3", "source": "县通知"}]))["value"].tolist()
    ['3']
    """
    if "rule_id" not in frame.columns or not len(frame):
        msg = f"{source}: the norms table needs rows and a rule_id (规则编号) column; columns: {list(frame.columns)}"
        raise InputError(msg)
    shown = ("name_zh", "name_en", "source", "source_en", "note")  # kept as written (full-width punctuation)
    rows = [
        {c: (_cell(r.get(c)) if c not in shown else _cell(r.get(c)) and str(r.get(c)).strip()) for c in NORM_COLUMNS}
        for r in frame.to_dict("records")
    ]
    problems = []
    for i, row in enumerate(rows):
        row["applies_to"] = row["applies_to"] or "any"
        row["name_zh"] = row["name_zh"] or row["name_en"] or row["rule_id"]
        row["name_en"] = row["name_en"] or row["name_zh"]
        row["source_en"] = row["source_en"] or row["source"]
        problems += [f"row {i + 2} ({row['rule_id'] or '?'}): {p}" for p in _norm_problems(row)]
    ids = [r["rule_id"] for r in rows]
    if "" in ids or len(set(ids)) != len(ids):
        problems.append("rule ids must be filled and unique")
    if problems:
        msg = f"{source}: invalid security norms: " + "; ".join(problems[:10])
        raise InputError(msg)
    return pd.DataFrame(rows, columns=list(NORM_COLUMNS))


def load_security_norms(path: str | Path | None = None) -> pd.DataFrame:
    """Load the security norms: the package's default table or a jurisdiction's own (CSV/XLSX, zh or en headers).

    Examples
    --------
    >>> norms = load_security_norms()
    >>> norms.set_index("rule_id").loc["guards_boarding_8", ["applies_to", "operator", "value"]].tolist()
    ['boarding', '>=', '8']
    """
    raw = read_raw(default_norms_path() if path is None else Path(path), NORMS_SPEC)
    mapping = map_headers(list(raw.frame.columns), NORMS_SPEC, source=raw.source)
    return validate_security_norms(raw.frame[list(mapping)].rename(columns=mapping), source=raw.source)


def merge_security_norms(norms: pd.DataFrame, changes: pd.DataFrame | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Override fields of existing norms (by ``rule_id``) and add new ones; the result is re-validated.

    Examples
    --------
    >>> norms = merge_security_norms(load_security_norms(), [{"rule_id": "guards_day_5", "value": 6}])
    >>> norms.set_index("rule_id").loc["guards_day_5", "value"]
    '6'
    """
    base = norms[list(NORM_COLUMNS)].astype(object).copy()
    index = {rid: i for i, rid in enumerate(base["rule_id"])}
    new = []
    for change in pd.DataFrame(list(changes) if not isinstance(changes, pd.DataFrame) else changes).to_dict("records"):
        given = {k: v for k, v in change.items() if k in NORM_COLUMNS and _cell(v) != ""}
        if given.get("rule_id") in index:
            for key, value in given.items():
                base.at[index[given["rule_id"]], key] = value
        else:
            new.append(given)
    merged = pd.concat([base, pd.DataFrame(new, columns=list(NORM_COLUMNS))], ignore_index=True) if new else base
    return validate_security_norms(merged, source="merged norms")


def autumn_semester(year: int) -> tuple[dt.date, dt.date]:
    """Return the autumn semester starting in ``year``: 1 September to 31 January.

    Examples
    --------
    >>> autumn_semester(2026)
    (datetime.date(2026, 9, 1), datetime.date(2027, 1, 31))
    """
    return dt.date(year, 9, 1), dt.date(year + 1, 1, 31)


def inspection_dates(source: pd.DataFrame, schools: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return inspections as rows of ``school_id``, ``date`` from any of three forms.

    ``source`` is a register's batches (``batch_date`` and ``schools``, the
    names visited as JSON), security profiles (``school_id``, ``inspections``
    as ``;``-joined dates) or a plain list (``school_id`` or ``school_name``,
    and ``date``). Names are matched to ids through ``schools`` (``name``).

    Examples
    --------
    >>> inspection_dates(pd.DataFrame({"school_id": ["S1"], "inspections": ["2026-09-03;2026-10-09"]}))["date"].tolist()
    [datetime.date(2026, 9, 3), datetime.date(2026, 10, 9)]
    """
    if {"batch_date", "schools"} <= set(source.columns):
        rows = [
            (n, d) for d, s in zip(source["batch_date"], source["schools"], strict=True) for n in json.loads(s or "[]")
        ]
        frame = pd.DataFrame(rows, columns=["school_name", "date"])
    elif "inspections" in source.columns:
        rows = [(i, d) for i, s in zip(source["school_id"], source["inspections"], strict=True) for d in _split(s)]
        frame = pd.DataFrame(rows, columns=["school_id", "date"])
    elif "date" in source.columns and ({"school_id", "school_name"} & set(source.columns)):
        frame = source[[c for c in ("school_id", "school_name", "date") if c in source.columns]].copy()
    else:
        msg = f"inspections need school_id (or school_name) and date columns; got {list(source.columns)}"
        raise InputError(msg)
    if "school_id" not in frame.columns:
        if schools is None:
            msg = "inspections name schools: pass the schools table (school_id, name) to match them"
            raise InputError(msg)
        frame["school_id"] = frame["school_name"].map(dict(zip(schools["name"], schools["school_id"], strict=True)))
    try:
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
    except (ValueError, TypeError) as exc:
        msg = f"inspection dates must be dates such as 2026-09-15: {exc}"
        raise InputError(msg) from exc
    return frame.dropna(subset=["school_id"])[["school_id", "date"]].reset_index(drop=True)


def _split(value: object) -> list[str]:
    text = _cell(value)
    return [p for p in text.split(";") if p]


def inspection_regularity(
    inspections: pd.DataFrame,
    schools: pd.DataFrame | None = None,
    *,
    semester: tuple[dt.date, dt.date] | None = None,
    as_of: dt.date | None = None,
    minimum: int = 2,
) -> pd.DataFrame:
    """Count each school's inspections in a semester; flag those below ``minimum``; days since the last one.

    Parameters
    ----------
    inspections
        Any form :func:`inspection_dates` reads.
    schools
        The schools (``school_id``, ``name``): every school gets a row, those never inspected too.
    semester
        ``(first day, last day)``; default the autumn semester of the data's
        year (the latest inspection's; a January date belongs to the previous autumn).
    as_of
        The day the gap is measured to; default the earlier of the semester's
        last day and the latest inspection.
    minimum
        Inspections required in the semester.

    Returns
    -------
    One row per school: ``school_id``, ``inspections`` (in the semester),
    ``last_inspection`` (any date), ``days_since_last`` (to ``as_of``; empty
    when never inspected), ``below_minimum``.

    Examples
    --------
    >>> log = pd.DataFrame({"school_id": ["A", "A", "B"], "date": ["2026-09-05", "2026-11-02", "2026-10-01"]})
    >>> inspection_regularity(log)[["school_id", "inspections", "days_since_last", "below_minimum"]].values.tolist()
    [['A', 2, 0, False], ['B', 1, 32, True]]
    """
    dates = inspection_dates(inspections, schools)
    latest = max(dates["date"], default=None)
    if semester is None:
        year = (latest.year - (latest.month == 1)) if latest is not None else dt.date.today().year
        semester = autumn_semester(year)
    start, end = semester
    as_of = as_of or min(end, latest or end)
    ids = list(schools["school_id"]) if schools is not None else sorted(dates["school_id"].unique())
    inside = dates[(dates["date"] >= start) & (dates["date"] <= end)]
    count = inside.groupby("school_id").size()
    last = dates[dates["date"] <= as_of].groupby("school_id")["date"].max()
    out = pd.DataFrame({"school_id": ids})
    out["inspections"] = out["school_id"].map(count).fillna(0).astype(int)
    out["last_inspection"] = out["school_id"].map(last)
    out["days_since_last"] = pd.array(
        [None if pd.isna(d) else (as_of - d).days for d in out["last_inspection"]], dtype="Int64"
    )
    out["below_minimum"] = out["inspections"] < minimum
    out.attrs.update(semester=(start, end), as_of=as_of)
    return out


@dataclass(frozen=True)
class SecurityCheck:
    """What :func:`check_security` returns.

    Attributes
    ----------
    gaps
        One row per school and rule not met: ``school_id``, ``name``,
        ``township``, ``rule_id``, ``rule``, ``required``, ``actual``, ``source``.
    schools
        One row per school (a GeoDataFrame when the schools have points):
        ``school_id``, ``name``, ``township``, ``boarding``, ``n_gaps``, ``gaps`` (rule names).
    by_rule
        Per rule: schools it applies to, compliant, with a gap.
    by_township
        Per township: schools, fully compliant, gaps.
    semester
        The semester inspections were counted in.
    """

    gaps: pd.DataFrame
    schools: pd.DataFrame
    by_rule: pd.DataFrame
    by_township: pd.DataFrame
    semester: tuple[dt.date, dt.date]

    def headline(self, lang: str = "zh") -> str:
        """One line: schools fully compliant, and the most common gaps."""
        top = self.by_rule.sort_values(["gaps", "rule_id"], ascending=[False, True])
        top = top[top["gaps"] > 0].head(3)
        common = tr("an.sec.list_sep", lang).join(f"{r} {n}" for r, n in zip(top["rule"], top["gaps"], strict=True))
        ok = int((self.schools["n_gaps"] == 0).sum())
        return tr("an.sec.headline", lang, ok=ok, n=len(self.schools), common=common or "-")


def _applies(norm: Mapping[str, str], level: pd.Series, boarding: pd.Series) -> pd.Series:
    mask = pd.Series(False, index=level.index)
    for part in norm["applies_to"].split(";"):
        mask |= {
            "any": pd.Series(True, index=level.index),
            "boarding": boarding,
            "non_boarding": ~boarding,
            "kindergarten": level == "kindergarten",
            "school": level != "kindergarten",
        }.get(part, level == part)
    return mask


def _meets(norm: Mapping[str, str], value: object, semester: tuple[dt.date, dt.date]) -> bool:
    op = norm["operator"]
    if op == "count_in_semester":
        days = [dt.date.fromisoformat(d) for d in _split(value)]
        return sum(semester[0] <= d <= semester[1] for d in days) >= float(norm["value"])
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return False
    if op == "is_true":
        return bool(value)
    if op == "includes":
        return set(norm["value"].split(";")) <= set(str(value).split(";"))
    number = float(value)  # type: ignore[arg-type]
    return {">=": number >= float(norm["value"]), "<=": number <= float(norm["value"])}.get(
        op, number == float(norm["value"])
    )


def _actual(norm: Mapping[str, str], value: object, semester: tuple[dt.date, dt.date], lang: str) -> str:
    if norm["operator"] == "count_in_semester":
        return str(sum(semester[0] <= dt.date.fromisoformat(d) <= semester[1] for d in _split(value)))
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return tr("an.sec.missing", lang)
    if norm["operator"] == "is_true":
        return tr("an.sec.yes" if value else "an.sec.no", lang)
    if norm["operator"] == "includes":
        return tr("an.sec.list_sep", lang).join(pick(ALARM_LINKS.labels[c], lang) for c in str(value).split(";"))
    return str(value)


def _required(norm: Mapping[str, str], lang: str) -> str:
    if norm["operator"] == "is_true":
        return tr("an.sec.yes", lang)
    if norm["operator"] == "includes":
        return tr("an.sec.list_sep", lang).join(pick(ALARM_LINKS.labels[c], lang) for c in norm["value"].split(";"))
    op = ">=" if norm["operator"] == "count_in_semester" else norm["operator"]
    return f"{op} {norm['value']}"


def _frames(data: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    layers = getattr(data, "layers", data)
    if not isinstance(layers, dict) or "schools" not in layers or layers.get("security") is None:
        msg = "check_security needs a District with schools/security.csv, or {'schools': ..., 'security': ...} frames"
        raise InputError(msg)
    for name, cols in (("schools", ("school_id", "level")), ("security", ("school_id",))):
        missing = [c for c in cols if c not in layers[name].columns]
        if missing:
            msg = f"the {name} table lacks columns {missing}; load it with hutan_geo.io.load_{name}"
            raise InputError(msg)
    return layers["schools"], layers["security"]


def check_security(
    data: Any,
    norms: pd.DataFrame | None = None,
    *,
    semester: tuple[dt.date, dt.date] | None = None,
    lang: str = "zh",
) -> SecurityCheck:
    """Check every school's security profile against the norms.

    Parameters
    ----------
    data
        A :class:`~hutan_geo.io.District` with a ``security`` layer, or a
        mapping ``{"schools": ..., "security": ...}`` of validated frames.
    norms
        The norms (default :func:`load_security_norms`).
    semester
        Semester for ``count_in_semester`` norms (default as in :func:`inspection_regularity`).
    lang
        Language of rule names, values and the ``gaps`` text.

    Returns
    -------
    SecurityCheck
        A school without a profile has a gap on every rule that applies to it.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> check = check_security(load_demo(), lang="en")
    >>> int(check.by_rule.set_index("rule_id").loc["guards_boarding_8", "gaps"])
    1
    """
    lang = check_lang(lang)
    norms = load_security_norms() if norms is None else norms
    schools, profiles = _frames(data)
    if semester is None:
        semester = inspection_regularity(profiles[["school_id", "inspections"]]).attrs["semester"]
    prof = (
        pd.DataFrame(profiles.drop(columns="geometry", errors="ignore"))
        .drop_duplicates("school_id")
        .set_index("school_id")
    )
    prof = prof.reindex(schools["school_id"])
    level = schools["level"].reset_index(drop=True)
    boarding = schools.get("boarding", pd.Series(False, index=schools.index)).fillna(False).astype(bool)
    if "boarders" in schools:
        boarding = boarding | (schools["boarders"].fillna(0) > 0)
    boarding = boarding.reset_index(drop=True)
    township = schools.get("township", pd.Series("", index=schools.index)).fillna("").reset_index(drop=True)
    names = schools.get("name", schools["school_id"]).reset_index(drop=True)
    gaps, rule_rows = [], []
    for norm in norms.to_dict("records"):
        applies = _applies(norm, level, boarding)
        values = prof[norm["field"]].tolist() if norm["field"] in prof else [None] * len(prof)
        rule = norm["name_zh" if lang == "zh" else "name_en"]
        n_gap = 0
        for i in (int(v) for v in applies[applies].index):
            if not _meets(norm, values[i], semester):
                n_gap += 1
                gaps.append(
                    {
                        "school_id": schools["school_id"].iloc[i],
                        "name": names.iloc[i],
                        "township": township.iloc[i],
                        "rule_id": norm["rule_id"],
                        "rule": rule,
                        "required": _required(norm, lang),
                        "actual": _actual(norm, values[i], semester, lang),
                        "source": norm["source" if lang == "zh" else "source_en"],
                    }
                )
        rule_rows.append({"rule_id": norm["rule_id"], "rule": rule, "applies": int(applies.sum()), "gaps": n_gap})
    gap_frame = pd.DataFrame(
        gaps, columns=["school_id", "name", "township", "rule_id", "rule", "required", "actual", "source"]
    )
    by_rule = pd.DataFrame(rule_rows)
    by_rule.insert(3, "compliant", by_rule["applies"] - by_rule["gaps"])
    per_school = _per_school(schools, gap_frame, names, township, boarding, lang)
    by_township = (
        per_school.groupby("township", sort=True)
        .agg(schools=("school_id", "size"), compliant=("n_gaps", lambda s: int((s == 0).sum())), gaps=("n_gaps", "sum"))
        .reset_index()
    )
    return SecurityCheck(gap_frame, per_school, by_rule, by_township, semester)


def _per_school(
    schools: pd.DataFrame, gaps: pd.DataFrame, names: pd.Series, township: pd.Series, boarding: pd.Series, lang: str
) -> pd.DataFrame:
    sep = tr("an.sec.list_sep", lang)
    listed = gaps.groupby("school_id")["rule"].agg(sep.join)
    out = pd.DataFrame(
        {
            "school_id": schools["school_id"].to_numpy(),
            "name": names.to_numpy(),
            "township": township.to_numpy(),
            "boarding": boarding.to_numpy(),
        }
    )
    out["n_gaps"] = out["school_id"].map(gaps.groupby("school_id").size()).fillna(0).astype(int)
    out["gaps"] = out["school_id"].map(listed).fillna("")
    if "geometry" in schools:
        return gpd.GeoDataFrame(out, geometry=schools.geometry.to_numpy(), crs=schools.crs)
    return out
