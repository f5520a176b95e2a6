"""Finding names of the gazetteer in address text: exact, one typo away, at the start."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from hutan_geo.geocode.fold import same_sound
from hutan_geo.geocode.gazetteer import Gazetteer, _road_point

#: A gazetteer entry found in the text: ``(kind, key, factor)``.
Hit = tuple[str, str, float]


_NUMERALS = frozenset("零〇一二两三四五六七八九十百0123456789第")
#: Characters that say what kind of place a name is: an edit on them names another place.
_KINDS = frozenset("中小学校院园站局所村路街巷道镇乡县馆场店吧厅室心队东南西北")


def _typo_ok(text: str, variant: str) -> bool:
    """Whether ``text`` can be ``variant`` mistyped: no numeral edited, no kind changed.

    ``城管一小`` → ``城关一小`` and ``汽车占`` → ``汽车站`` (a homophone of the kind
    character) are typos; ``县九中`` → ``县一中`` (a number that does not exist),
    ``城关一中`` → ``城关一小`` or ``县医院`` → ``中医院`` (another institution) are not.
    """
    from rapidfuzz.distance import Levenshtein

    numbered = any(c in _NUMERALS for c in variant)
    for op in Levenshtein.editops(text, variant):
        a = text[op.src_pos] if op.tag in ("replace", "delete") else ""
        b = variant[op.dest_pos] if op.tag in ("replace", "insert") else ""
        if a in _NUMERALS or b in _NUMERALS:
            return False
        if numbered and op.tag == "replace" and not same_sound(a, b):
            return False  # 城东三小 is not 城关三小: a numbered short name allows homophones only
        if op.tag != "replace":
            if (a or b) in _KINDS:
                return False
        elif (a in _KINDS or b in _KINDS) and not same_sound(a, b):
            return False
    return True


def _by_length(gaz: Gazetteer) -> dict[int, list[str]]:
    """Name variants grouped by length (built once per gazetteer) for the fuzzy stage."""
    cached = gaz.cache.get("by_length")
    if cached is None:
        cached = defaultdict(list)
        for variant in gaz.names:
            cached[len(variant)].append(variant)
        gaz.cache["by_length"] = cached
    return cached


def _longest(gaz: Gazetteer) -> int:
    """Length of the longest name variant (no longer start of a text can be a name)."""
    return max(_by_length(gaz), default=0)


def _lookup(gaz: Gazetteer, text: str, kinds: tuple[str, ...], *, fuzzy: bool = True) -> list[Hit]:
    """Entries whose variant equals ``text`` (or is one edit away when ``fuzzy``)."""
    entries = gaz.names.get(text)
    hits = [e for e in entries if e[0] in kinds] if entries else []
    if hits or not fuzzy or len(text) < 3:
        return hits
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    limit = 1 if len(text) <= 5 else 2
    found: dict[tuple[str, str], float] = {}
    by_length = _by_length(gaz)
    for n in range(len(text) - limit, len(text) + limit + 1):
        choices = by_length.get(n)
        if not choices:
            continue
        for variant, d, _ in process.extract(
            text, choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
        ):
            if not _typo_ok(text, variant):
                continue
            for kind, key, factor in gaz.names[variant]:
                if kind in kinds:
                    f = factor * (0.85 if d == 1 else 0.75)
                    found[(kind, key)] = max(found.get((kind, key), 0.0), f)
    return [(k, kk, f) for (k, kk), f in found.items()]


def _prefix(gaz: Gazetteer, text: str, kinds: tuple[str, ...], *, fuzzy: bool = True) -> tuple[str, list[Hit]]:
    """Longest known name at the start of ``text`` (exact, then one typo)."""
    longest, names = _longest(gaz), gaz.names
    for n in range(min(len(text), longest), 1, -1):
        entries = names.get(text[:n])
        hits = [e for e in entries if e[0] in kinds] if entries else None
        if hits:
            return text[n:], hits
    if not fuzzy:
        return text, []
    for n in range(min(len(text), longest + 2), 2, -1):
        hits = _lookup(gaz, text[:n], kinds, fuzzy=True)
        if hits:
            return text[n:], hits
    return text, []


def _xy_of(gaz: Gazetteer, kind: str, key: str) -> tuple[float, float] | None:
    """Metric point of an entry (the middle of a road)."""
    if kind == "road":
        return _road_point(gaz, key)
    return gaz.points.get((kind, key))


def _cands(gaz: Gazetteer, hits: list[Hit]) -> list[dict[str, Any]]:
    """Return the five best entries as candidate dicts (name, kind, lon, lat, score)."""
    out = []
    for kind, key, factor in sorted(hits, key=lambda h: -h[2])[:5]:
        xy = _xy_of(gaz, kind, key)
        lon, lat = gaz.lonlat(*xy) if xy is not None else (np.nan, np.nan)
        out.append({"name": gaz.label(kind, key), "kind": kind, "lon": lon, "lat": lat, "score": round(factor, 3)})
    return out
