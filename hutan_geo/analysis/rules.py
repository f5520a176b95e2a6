"""Regulatory distance rules for school surroundings, shipped as data.

A rule says: hazards of some kind (a category plus keywords) must not be
within some distance of a school or kindergarten (``kind="prohibited"``), or
fall inside a zone where a standard applies (``kind="zone"``, e.g. the school
traffic zone of GB 5768.8-2018). Each rule records how the distance is
measured and its legal source, so that every violation can cite both.

The default table lives in the package (``hutan_geo/data/rules.csv``);
:func:`load_rules` reads it, or a user's own table (CSV in UTF-8 or GBK,
or XLSX, with English or Chinese headers), and validates every cell.
:func:`merge_rules` adds rules and overrides fields of existing ones.

Columns of a rules table
------------------------
``rule_id`` (规则编号)
    Unique identifier.
``preset`` (预设)
    ``national`` for national law and standards, otherwise the name of a
    local preset (``guangdong``, ``suqian``, ``hefei`` in the default table).
``enabled`` (默认启用)
    Whether :func:`load_rules` keeps the rule when no ``presets`` are named.
``kind`` (规则类型)
    ``prohibited`` (禁止设置: a matching hazard within the distance is a
    violation) or ``zone`` (管控区域: a matching hazard within the distance
    lies in a zone where the cited standard applies).
``name_zh``, ``name_en`` (规则名称, 英文名称)
    What planners read.
``category`` (隐患类别)
    Hazard category codes or labels separated by ``;`` (e.g.
    ``cultural_market;public_order``); empty means every category.
``match`` (关键词)
    Keywords separated by ``|`` (or ``、``); a hazard matches when any keyword
    occurs in its ``subtype`` or ``description`` (after full-width folding,
    case-insensitive). Empty means every hazard of the categories.
``exclude`` (排除词)
    Keywords that exclude a hazard that would otherwise match.
``facility`` (适用对象)
    ``school`` (中小学: every level but kindergarten), ``kindergarten``
    (幼儿园), ``any`` (全部), or level codes separated by ``;``.
``distance_m`` (距离（米）)
    The distance in metres; a hazard at a distance ``<= distance_m`` is hit.
``measure`` (测量方式)
    ``boundary`` (straight line from the campus boundary; a hazard inside
    the campus is at 0 m), ``gate`` (straight line from the nearest gate),
    ``walk`` (walking distance along the road network from the nearest
    gate) or ``road`` (distance along the road from the nearest gate).
``source``, ``source_en`` (依据, 英文依据)
    The legal source text.
``note_zh``, ``note_en`` (说明, 英文说明)
    Free notes (what the zone requires, how it is measured).
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hutan_geo._i18n import lang_index, tr
from hutan_geo.errors import EmptyInputError, InputError
from hutan_geo.io import map_headers, read_raw, vocab_labels, yes_no
from hutan_geo.model.schema import CATEGORIES, LEVELS, Column, DatasetSpec, Vocab, normalise_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "FACILITIES",
    "KINDS",
    "MEASURES",
    "NETWORK_MEASURES",
    "RULES_SPEC",
    "RULE_COLUMNS",
    "default_rules_path",
    "facility_levels",
    "load_rules",
    "match_hazards",
    "merge_rules",
    "rules_table",
    "validate_rules",
]

log = logging.getLogger("hutan_geo")

MEASURES = Vocab(
    "measure",
    {
        "boundary": ("校园边界直线距离", "straight line from the campus boundary"),
        "gate": ("校门直线距离", "straight line from a gate"),
        "walk": ("自校门步行距离", "walking distance along roads from a gate"),
        "road": ("自校门沿道路距离", "distance along the road from a gate"),
    },
    {
        "boundary": ("边界", "校园边界", "围墙", "直线距离", "直线", "campus boundary", "straight_boundary"),
        "gate": ("校门", "校门直线", "自校门直线距离", "半径", "gate radius", "straight_gate"),
        "walk": ("步行", "步行距离", "步行路径", "walking", "walking distance", "network_walk"),
        "road": ("沿道路", "道路距离", "沿路", "along road", "along the road"),
    },
)

#: Measures that need the road network.
NETWORK_MEASURES: tuple[str, ...] = ("walk", "road")

KINDS = Vocab(
    "rule_kind",
    {
        "prohibited": ("禁止设置", "prohibited"),
        "zone": ("管控区域", "zone"),
    },
    {
        "prohibited": ("禁止", "不得设置", "违规", "violation"),
        "zone": ("区域", "管控", "学校区域", "zone rule"),
    },
)

FACILITIES = Vocab(
    "facility",
    {
        "school": ("中小学", "primary and secondary schools"),
        "kindergarten": ("幼儿园", "kindergartens"),
        "any": ("学校和幼儿园", "schools and kindergartens"),
    },
    {
        "school": ("学校", "中小学校", "schools"),
        "kindergarten": ("幼儿园", "kindergarten"),
        "any": ("全部", "所有", "all", "中小学和幼儿园", "中小学幼儿园", "学校、幼儿园"),
    },
)

#: Canonical columns of a rules table, in order.
RULE_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "preset",
    "enabled",
    "kind",
    "name_zh",
    "name_en",
    "category",
    "match",
    "exclude",
    "facility",
    "distance_m",
    "measure",
    "source",
    "source_en",
    "note_zh",
    "note_en",
)

#: Header spellings accepted in a user's rules table (read with the loaders' header finder).
RULES_SPEC = DatasetSpec(
    "rules",
    "距离规则",
    "distance rules",
    (
        Column("rule_id", "id", "规则编号", "rule id", ("编号", "规则代码", "id"), required=True),
        Column("preset", "text", "预设", "preset", ("适用地区", "地区", "规则来源地")),
        Column("enabled", "bool", "默认启用", "enabled", ("启用", "是否启用")),
        Column("kind", "text", "规则类型", "kind", ("类型",)),
        Column("name_zh", "text", "规则名称", "name", ("名称", "规则")),
        Column("name_en", "text", "英文名称", "name (English)", ("name_english",)),
        Column("category", "text", "隐患类别", "category", ("类别", "适用类别")),
        Column("match", "text", "关键词", "keywords", ("匹配关键词", "场所关键词", "keyword")),
        Column("exclude", "text", "排除词", "exclude", ("排除关键词",)),
        Column("facility", "text", "适用对象", "facility", ("学校类型", "适用学校", "对象")),
        Column("distance_m", "float", "距离（米）", "distance (m)", ("距离", "距离米", "distance", "限制距离")),
        Column("measure", "text", "测量方式", "measured", ("测量方法", "量算方式", "how measured")),
        Column("source", "text", "依据", "legal source", ("法律依据", "来源", "依据文件", "source_zh")),
        Column("source_en", "text", "英文依据", "source (English)", ()),
        Column("note_zh", "text", "说明", "note", ("备注",)),
        Column("note_en", "text", "英文说明", "note (English)", ()),
    ),
    geometry="point",  # unused: a rules table has no geometry
    id_column="rule_id",
)

_REQUIRED_FOR_NEW = ("distance_m", "measure", "facility", "source")
_KEYWORD_SPLIT = re.compile(r"[|｜、]+")
_LIST_SPLIT = re.compile(r"[;；,，、]+")
_TRUE = {"1", "true", "yes", "y", "是", "启用", "t"}
_FALSE = {"0", "false", "no", "n", "否", "不启用", "停用", "f"}


def default_rules_path() -> Path:
    """Return the path of the rules table shipped with the package.

    Examples
    --------
    >>> default_rules_path().name
    'rules.csv'
    """
    return Path(str(resources.files("hutan_geo").joinpath("data", "rules.csv")))


def facility_levels(facility: str) -> frozenset[str]:
    """Return the school levels a (validated) ``facility`` value covers.

    Examples
    --------
    >>> sorted(facility_levels("kindergarten"))
    ['kindergarten']
    >>> "kindergarten" in facility_levels("school"), len(facility_levels("any"))
    (False, 7)
    """
    if facility == "any":
        return frozenset(LEVELS.codes)
    if facility == "school":
        return frozenset(c for c in LEVELS.codes if c != "kindergarten")
    return frozenset(p for p in facility.split(";") if p)


class _Problems:
    """Collect cell problems; raise one error naming file, row and column of each."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, row: int, header: str, message: str) -> None:
        self.items.append(f"row {row}, column {header!r}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = "; ".join(self.items[:10])
            more = f" (and {len(self.items) - 10} more)" if len(self.items) > 10 else ""
            msg = f"{self.source}: the rules table has {len(self.items)} invalid cell(s): {shown}{more}"
            raise InputError(msg)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return normalise_text(value)


#: Columns shown to planners as written (only trimmed: full-width punctuation kept).
_DISPLAY = frozenset({"name_zh", "name_en", "source", "source_en", "note_zh", "note_en"})


def _display(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _parse_codes(raw: str, vocab: Vocab) -> tuple[list[str], list[str]]:
    codes, bad = [], []
    for part in _LIST_SPLIT.split(raw):
        part = part.strip()
        if not part:
            continue
        code = vocab.parse(part)
        (codes if code is not None else bad).append(code if code is not None else part)
    return codes, bad


def _parse_keywords(raw: str) -> str:
    words = [w.strip() for w in _KEYWORD_SPLIT.split(raw) if w.strip()]
    return "|".join(dict.fromkeys(words))


def _facility(facility: str, report: Callable[[str, str], None]) -> str | None:
    """Return a facility cell as a facility code or ``;``-joined level codes; report it when invalid."""
    fac = FACILITIES.parse(facility) if facility else None
    if fac is None and facility:
        levels, bad = _parse_codes(facility, LEVELS)
        if bad or not levels:
            report(
                "facility",
                f"{facility!r} is not a facility; accepted: school (中小学), kindergarten (幼儿园), "
                f"any (全部), or school levels separated by ';' ({', '.join(LEVELS.codes)})",
            )
        fac = ";".join(sorted(set(levels), key=LEVELS.codes.index))
    elif fac is None:
        report("facility", "empty; write school (中小学), kindergarten (幼儿园) or any (全部)")
    return fac


def _rule_row(cell: dict[str, str], report: Callable[[str, str], None]) -> dict[str, Any]:
    """Return one rule's canonical values (all but ``rule_id``) from its cells.

    ``report(column, message)`` is called for each invalid cell, in column order.
    """
    rid = cell["rule_id"]
    out: dict[str, Any] = {"preset": cell["preset"] or "custom"}
    enabled = cell["enabled"].lower()
    out["enabled"] = enabled in _TRUE or not enabled
    if not out["enabled"] and enabled not in _FALSE:
        report("enabled", f"{cell['enabled']!r} is not yes/no; write 1/0 or 是/否")
    kind = KINDS.parse(cell["kind"]) if cell["kind"] else "prohibited"
    if kind is None:
        report("kind", f"{cell['kind']!r} is not a rule kind; accepted: {KINDS.accepted('en')}")
    out["kind"] = kind
    out["name_zh"] = cell["name_zh"] or cell["name_en"] or rid
    out["name_en"] = cell["name_en"] or cell["name_zh"] or rid
    codes, bad = _parse_codes(cell["category"], CATEGORIES)
    if bad:
        report("category", f"unknown categories {bad}; accepted: {CATEGORIES.accepted('en')} (or empty: all)")
    out["category"] = ";".join(dict.fromkeys(codes))
    out["match"] = _parse_keywords(cell["match"])
    out["exclude"] = _parse_keywords(cell["exclude"])
    out["facility"] = _facility(cell["facility"], report)
    try:
        dist = float(cell["distance_m"].removesuffix("米").removesuffix("m").strip())
    except ValueError:
        dist = float("nan")
    if not np.isfinite(dist) or dist <= 0:
        report("distance_m", f"{cell['distance_m']!r} is not a positive distance in metres; write a number such as 200")
    out["distance_m"] = dist
    measure = MEASURES.parse(cell["measure"]) if cell["measure"] else None
    if measure is None:
        report("measure", f"{cell['measure']!r} is not a way of measuring; accepted: {MEASURES.accepted('en')}")
    out["measure"] = measure
    if not cell["source"]:
        report("source", "the legal source is empty; cite the law, standard or local notice (依据)")
    out["source"] = cell["source"]
    out["source_en"] = cell["source_en"] or cell["source"]
    out["note_zh"] = cell["note_zh"]
    out["note_en"] = cell["note_en"] or cell["note_zh"]
    return out


def validate_rules(
    frame: pd.DataFrame,
    *,
    source: str = "<rules table>",
    row_numbers: Sequence[int] | None = None,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Check and normalise a rules table with canonical column names.

    Parameters
    ----------
    frame
        One row per rule, columns named as :data:`RULE_COLUMNS` (missing
        optional columns are filled with defaults).
    source
        Name of the file or table, used in error messages.
    row_numbers
        Row number of each rule in the source (as a spreadsheet shows it);
        defaults to 2, 3, ... (header on row 1).
    headers
        ``canonical column -> header in the file``, for error messages.

    Returns
    -------
    The table with :data:`RULE_COLUMNS` in order plus ``source_row``:
    ``category``, ``facility`` as ``;``-joined codes, ``match``/``exclude``
    as ``|``-joined keywords, ``distance_m`` as float, ``enabled`` as bool,
    ``kind``/``measure`` as codes.

    Raises
    ------
    EmptyInputError
        The table has no rules.
    InputError
        A cell is invalid; the message names the source, row and column of
        every invalid cell (up to ten) and what is accepted.

    Examples
    --------
    >>> rules = validate_rules(pd.DataFrame([{"rule_id": "r1", "category": "文化市场", "match": "网吧、网咖",
    ...     "facility": "中小学", "distance_m": "200", "measure": "校园边界", "source": "条例第九条"}]))
    >>> rules.loc[0, ["category", "match", "facility", "measure", "kind"]].tolist(), float(rules.loc[0, "distance_m"])
    (['cultural_market', '网吧|网咖', 'school', 'boundary', 'prohibited'], 200.0)
    """
    if len(frame) == 0:
        msg = f"{source}: the rules table has no rows; add at least one rule or use the default table"
        raise EmptyInputError(msg)
    if "rule_id" not in frame.columns:
        msg = f"{source}: the rules table has no rule_id (规则编号) column; columns found: {list(frame.columns)}"
        raise InputError(msg)
    headers = dict(headers or {})
    numbers = list(row_numbers) if row_numbers is not None else list(range(2, len(frame) + 2))
    problems = _Problems(source)
    out: dict[str, list[Any]] = {c: [] for c in RULE_COLUMNS}
    seen: dict[str, int] = {}

    def head(col: str) -> str:
        return headers.get(col, col)

    for pos, (_, row) in enumerate(frame.iterrows()):
        n = numbers[pos]
        cell = {
            c: (_text(row[c]) if c not in _DISPLAY else _display(row[c])) if c in frame.columns else ""
            for c in RULE_COLUMNS
        }
        rid = cell["rule_id"]
        if not rid:
            problems.add(n, head("rule_id"), "empty; give every rule an id such as 'internet_cafe_200'")
        elif rid in seen:
            problems.add(n, head("rule_id"), f"{rid!r} is repeated (also row {seen[rid]}); make rule ids unique")
        else:
            seen[rid] = n
        out["rule_id"].append(rid)
        for col, value in _rule_row(cell, lambda col, message, n=n: problems.add(n, head(col), message)).items():
            out[col].append(value)
    problems.raise_if_any()
    rules = pd.DataFrame(out)
    rules["distance_m"] = rules["distance_m"].astype(float)
    rules["enabled"] = rules["enabled"].astype(bool)
    rules["source_row"] = numbers
    return rules


def load_rules(path: str | Path | None = None, *, presets: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Load a rules table: the package's default one, or a user's file.

    Parameters
    ----------
    path
        A CSV (UTF-8 or GBK, a title row above the header is skipped) or
        XLSX file with the columns described in this module (English or
        Chinese headers). ``None`` loads the default table shipped with the
        package.
    presets
        Which rules to keep: ``None`` keeps the rules with ``enabled`` set;
        ``"all"`` keeps every rule; a list of preset names (e.g.
        ``["national", "hefei"]``) keeps the rules of those presets whether
        enabled or not.

    Returns
    -------
    The validated table (see :func:`validate_rules`) with ``source_file``.

    Raises
    ------
    InputError
        A cell is invalid (the message names file, row and column), a
        preset is unknown, or required columns are missing.

    Examples
    --------
    >>> rules = load_rules()
    >>> rule = rules.set_index("rule_id").loc["internet_cafe_200"]
    >>> float(rule["distance_m"]), rule["measure"], rule["facility"]
    (200.0, 'boundary', 'school')
    >>> sorted(load_rules(presets=["hefei"])["rule_id"])
    ['tobacco_lottery_50']
    """
    file = default_rules_path() if path is None else Path(path)
    raw = read_raw(file, RULES_SPEC)
    mapping = map_headers(list(raw.frame.columns), RULES_SPEC, source=raw.source)
    frame = raw.frame[list(mapping)].rename(columns=mapping)
    rules = validate_rules(
        frame,
        source=raw.source,
        row_numbers=raw.row_numbers.tolist(),
        headers={v: k for k, v in mapping.items()},
    )
    rules["source_file"] = raw.source
    return select_rules(rules, presets=presets)


def select_rules(rules: pd.DataFrame, *, presets: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Keep the enabled rules (``presets=None``), all rules (``"all"``) or those of named presets.

    Examples
    --------
    >>> rules = load_rules(presets="all")
    >>> len(select_rules(rules)) < len(rules)
    True
    """
    if presets is None:
        return rules[rules["enabled"]].reset_index(drop=True)
    if isinstance(presets, str):
        if presets == "all":
            return rules.reset_index(drop=True)
        presets = [presets]
    wanted = list(presets)
    known = set(rules["preset"])
    unknown = [p for p in wanted if p not in known]
    if unknown:
        msg = f"presets={unknown} are not in the rules table; presets there: {', '.join(sorted(known))}"
        raise InputError(msg)
    return rules[rules["preset"].isin(wanted)].reset_index(drop=True)


def merge_rules(rules: pd.DataFrame, changes: pd.DataFrame | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Add rules, or override fields of existing ones.

    Parameters
    ----------
    rules
        A validated rules table (from :func:`load_rules`).
    changes
        Rows with a ``rule_id``. For an existing id, the fields given (not
        empty) replace the rule's fields, e.g. ``{"rule_id":
        "internet_cafe_200", "distance_m": 300}``; a new id adds a rule and
        needs at least ``distance_m``, ``measure``, ``facility`` and
        ``source``. Values may be codes or Chinese labels.

    Returns
    -------
    The merged, re-validated table (changed rules keep their position; new
    rules come last). Overridden rules get ``preset="custom"`` unless the
    change names a preset.

    Examples
    --------
    >>> rules = merge_rules(load_rules(), [{"rule_id": "internet_cafe_200", "distance_m": 300}])
    >>> float(rules.set_index("rule_id").loc["internet_cafe_200", "distance_m"])
    300.0
    """
    change = pd.DataFrame(list(changes)) if not isinstance(changes, pd.DataFrame) else changes.copy()
    if len(change) == 0:
        return rules.copy()
    if "rule_id" not in change.columns:
        msg = f"changes need a rule_id column naming the rule to add or override; got columns {list(change.columns)}"
        raise InputError(msg)
    base = rules.copy()
    keep_cols = [c for c in RULE_COLUMNS if c in base.columns]
    merged = base[keep_cols].astype(object).copy()
    index = {rid: i for i, rid in enumerate(merged["rule_id"])}
    new_rows: list[dict[str, Any]] = []
    for pos, (_, row) in enumerate(change.iterrows()):
        rid = _text(row["rule_id"])
        given = {c: row[c] for c in change.columns if c in RULE_COLUMNS and _text(row[c]) != ""}
        if rid in index:
            i = index[rid]
            if "preset" not in given:
                given["preset"] = "custom"
            for col, value in given.items():
                merged.at[i, col] = value
        else:
            lacking = [c for c in _REQUIRED_FOR_NEW if c not in given]
            if lacking:
                msg = (
                    f"change row {pos + 1}: rule {rid!r} is not in the table, so it is a new rule and needs "
                    f"{', '.join(lacking)}; existing rule ids: {', '.join(merged['rule_id'])}"
                )
                raise InputError(msg)
            given.setdefault("enabled", True)
            new_rows.append(given)
    if new_rows:
        merged = pd.concat([merged, pd.DataFrame(new_rows)], ignore_index=True)
    for col in RULE_COLUMNS:
        if col not in merged.columns:
            merged[col] = ""
    merged["enabled"] = merged["enabled"].map(lambda v: "1" if v is True else "0" if v is False else v)
    rows = list(base["source_row"]) if "source_row" in base else list(range(2, len(base) + 2))
    rows += [0] * (len(merged) - len(rows))
    out = validate_rules(merged, source="merged rules", row_numbers=rows)
    out["source_file"] = [*(base["source_file"] if "source_file" in base else [""] * len(base)), *[""] * len(new_rows)]
    return out


def match_hazards(hazards: pd.DataFrame, rule: Mapping[str, Any] | pd.Series) -> np.ndarray:
    """Return a boolean mask of the hazards a rule applies to.

    A hazard matches when its ``category`` is one of the rule's categories
    (or the rule names none) and, if the rule has keywords, one of them
    occurs in ``subtype`` or ``description`` (full-width folded,
    case-insensitive), and no ``exclude`` keyword does.

    Examples
    --------
    >>> hz = pd.DataFrame({"category": ["cultural_market", "traffic"], "description": ["网吧接纳未成年人", "无减速带"]})
    >>> rule = load_rules().set_index("rule_id").loc["internet_cafe_200"]
    >>> match_hazards(hz, rule).tolist()
    [True, False]
    """
    n = len(hazards)
    mask = np.ones(n, dtype=bool)
    cats = [c for c in str(rule["category"]).split(";") if c]
    if cats:
        if "category" not in hazards.columns:
            msg = "hazards have no 'category' column; load them with hutan_geo.io.load_hazards"
            raise InputError(msg)
        mask &= hazards["category"].isin(cats).to_numpy()
    words = str(rule.get("match", "") or "")
    excl = str(rule.get("exclude", "") or "")
    if not (words or excl) or not mask.any():
        return mask
    text = _hazard_text(hazards)
    if words:
        mask &= text.str.contains(_keyword_regex(words), regex=True).to_numpy()
    if excl:
        mask &= ~text.str.contains(_keyword_regex(excl), regex=True).to_numpy()
    return mask


def _keyword_regex(words: str) -> str:
    return "|".join(re.escape(normalise_text(w).lower()) for w in words.split("|") if w)


def _hazard_text(hazards: pd.DataFrame) -> pd.Series:
    parts = [hazards[c] for c in ("subtype", "description") if c in hazards.columns]
    if not parts:
        return pd.Series([""] * len(hazards), index=hazards.index, dtype=object)
    text = parts[0].fillna("").astype(str)
    for p in parts[1:]:
        text = text + " " + p.fillna("").astype(str)
    # NFKC per distinct value (hazard sheets repeat the same descriptions)
    uniques = pd.unique(text)
    folded = {u: normalise_text(u).lower() for u in uniques}
    return text.map(folded)


def rules_table(rules: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Return the rules as a table for planners (labelled headers and values).

    Headers are the ``an.rules.<column>`` labels of :data:`hutan_geo._i18n.LABELS`.

    Examples
    --------
    >>> list(rules_table(load_rules(), lang="en").columns)[:4]
    ['rule id', 'preset', 'enabled', 'kind']
    """
    i = lang_index(lang)
    sep = tr("an.list_sep", lang)

    def cats(v: str) -> str:
        if not v:
            return tr("an.all", lang)
        return sep.join(CATEGORIES.labels[c][i] for c in v.split(";"))

    def fac(v: str) -> str:
        if v in FACILITIES.labels:
            return FACILITIES.labels[v][i]
        return sep.join(LEVELS.labels[c][i] for c in v.split(";"))

    out = {
        "rule_id": rules["rule_id"],
        "preset": rules["preset"],
        "enabled": yes_no(rules["enabled"], lang),
        "kind": vocab_labels(rules["kind"], KINDS, lang),
        "name": rules["name_zh" if lang == "zh" else "name_en"],
        "category": rules["category"].map(cats),
        "match": rules["match"].str.replace("|", sep, regex=False),
        "facility": rules["facility"].map(fac),
        "distance_m": rules["distance_m"],
        "measure": vocab_labels(rules["measure"], MEASURES, lang),
        "source": rules["source" if lang == "zh" else "source_en"],
        "note": rules["note_zh" if lang == "zh" else "note_en"],
    }
    return pd.DataFrame({tr(f"an.rules.{k}", lang): v.to_numpy() for k, v in out.items()})
