"""Why an address went to review, in words a clerk can act on (Chinese by default).

The matcher records its reason in English (the ``reason`` column of
:func:`~hutan_geo.geocode.geocode`); :func:`review_reason` turns it into one
of a few kinds (no such name, ambiguous between named candidates, outside
the district, offset unreadable …) from ``_i18n.LABELS["geo.why.*"]``, with
the names involved, so the review table says what to fix.

Examples
--------
>>> review_reason("no known road, school, place or POI in the address", "unmatched", [])
'查无此名：辖区内没有这个学校、道路或地点'
>>> review_reason("3 entries share this name", "gate", [{"name": "A"}, {"name": "B"}], "en")
'ambiguous between named candidates: A, B'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from hutan_geo._i18n import Lang, check_lang, tr

__all__ = ["review_reason"]

#: English reason pattern -> kind (``geo.why.<kind>``); the first that matches wins.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"^empty address", "empty"),
        (r"^no Chinese text", "not_chinese"),
        (r"^address longer than (?P<n>\d+)", "too_long"),
        (r"^point outside the district", "outside_point"),
        (r"^outside the district: (?P<given>\S+) is not (?P<county>\S+)", "outside"),
        (r"^no such name: (?P<name>.+?) has no (?P<what>.+)$", "no_such_part"),
        (r"^no known road, school, place or POI", "no_such_name"),
        (r"^roads (?P<a>\S+) and (?P<b>\S+) do not meet", "roads_apart"),
        (r"^generic name (?P<name>\S+?):", "generic"),
        (r"^township contradicts the match: (?P<name>.+?) is in (?P<actual>\S+), not (?P<given>\S+)", "township"),
        (r"ambiguous|share this name|matches several roads", "ambiguous"),
        (r"^offset unreadable: (?P<detail>.*)$", "offset"),
        (r"^the road bends", "bend"),
        (r"^village or place level", "area"),
        (r"^campus boundary", "campus_side"),
        (r"^inside the campus", "inside_campus"),
        (r"^road only", "road_only"),
        (r"house number|numbers from known|extrapolated|interpolated|road level", "house_number"),
    )
)


def review_reason(reason: str, match_type: str, candidates: Sequence[dict[str, Any]], lang: Lang = "zh") -> str:
    """Return why a row went to review, in the planner's language.

    Parameters
    ----------
    reason
        The matcher's reason (English; may be empty).
    match_type
        The row's ``match_type``.
    candidates
        The row's candidates (dicts with a ``name``), named in the text of an
        ambiguous or generic match.
    lang
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
        The reason: a kind of failure and the names involved.

    Examples
    --------
    >>> review_reason("offset unreadable: 往西几10米", "relative_offset", [])
    '偏移无法识别：往西几10米'
    >>> review_reason("", "road", [])
    '置信度低于阈值'
    """
    lang = check_lang(lang)
    text = str(reason or "").split("; read from pinyin")[0]
    for pattern, kind in _RULES:
        m = pattern.search(text)
        if m:
            names = tr("geo.candidates.list_sep", lang).join(str(c.get("name", "")) for c in list(candidates)[:5])
            return tr(f"geo.why.{kind}", lang, cands=names or "-", **m.groupdict())
    fallback = tr("geo.reason.low_confidence" if match_type != "unmatched" else "geo.reason.unmatched", lang)
    return f"{fallback}（{text}）" if text and lang == "zh" else (f"{fallback}: {text}" if text else fallback)
