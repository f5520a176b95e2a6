"""Tables for planners: the analysis results with labelled headers and values (Chinese by default)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from hutan_geo._i18n import LABELS, lang_index, pick, tr
from hutan_geo.analysis.rules import FACILITIES, KINDS, MEASURES
from hutan_geo.io import plain_frame, vocab_labels, yes_no
from hutan_geo.model.schema import CATEGORIES, LEVELS, SEVERITIES, STATUSES, Vocab

__all__ = ["export_table"]

_VOCAB_COLUMNS = {
    "category": CATEGORIES,
    "severity": SEVERITIES,
    "status": STATUSES,
    "level": LEVELS,
    "measure": MEASURES,
    "kind": KINDS,
    "facility": FACILITIES,
}
#: Count and score columns named by a prefix and a code: the vocabulary and the header's label key.
_PREFIXES: dict[str, tuple[Vocab, str]] = {
    "cat_": (CATEGORIES, "an.count_of"),
    "open_": (CATEGORIES, "an.open_of"),
    "sev_": (SEVERITIES, "an.count_of"),
    "status_": (STATUSES, "an.count_of"),
    "score_": (CATEGORIES, "an.score_of"),
}
#: Columns whose codes are labelled from ``an.<group>.<code>``.
_CODE_LABELS = {"measured_from": "an.from.", "origin": "an.from.", "reason_code": "an.skip."}


def _header(col: str, lang: str) -> str:
    """Return the planner's header of a column; unknown columns keep their names."""
    for prefix, (vocab, key) in _PREFIXES.items():
        code = col.removeprefix(prefix)
        if col.startswith(prefix) and code in vocab.labels:
            return tr(key, lang, label=pick(vocab.labels[code], lang))
    return pick(LABELS[f"an.head.{col}"], lang) if f"an.head.{col}" in LABELS else col


def _values(col: str, values: pd.Series, lang: str) -> pd.Series:
    """Return the planner's values of a column: labels for codes, 是/否, rounded distances and scores."""
    i = lang_index(lang)
    if col in _VOCAB_COLUMNS:
        values = vocab_labels(values, _VOCAB_COLUMNS[col], lang, strict=False)
    elif col in _CODE_LABELS:
        group = _CODE_LABELS[col]
        values = values.map(lambda v: LABELS[group + v][i] if isinstance(v, str) and group + v in LABELS else v)
    elif values.dtype == bool:
        values = yes_no(values, lang)
    elif col.endswith("_m") or col in ("score", "contribution", "area_m2") or col.startswith("score_"):
        values = values.round(1 if col.endswith("_m") or col == "area_m2" else 3)
    if col == "area":
        values = values.where(values.notna(), tr("an.outside_areas", lang))
    return values


def export_table(frame: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Return a zones/rules/risk table with headers and values for planners (Chinese by default).

    Codes become labels (交通安全, 销号, 校园边界直线距离 ...), yes/no columns
    是/否, count columns get their category/severity/status label, geometry
    is dropped. Columns this module does not know keep their names.

    Examples
    --------
    >>> export_table(pd.DataFrame({"category": ["traffic"], "cat_traffic": [3], "is_open": [True]})).columns.tolist()
    ['隐患类别', '交通安全（条）', '未整改']
    """
    lang_index(lang)
    plain = plain_frame(frame)
    out: dict[str, Any] = {_header(col, lang): _values(col, plain[col], lang).to_numpy() for col in plain.columns}
    return pd.DataFrame(out, index=range(len(plain)))
