"""Finding names of the gazetteer in address text: exact, one typo away, at the start."""

from __future__ import annotations

from typing import Any

import numpy as np

from hutan_geo.geocode.gazetteer import Gazetteer, _road_point

#: A gazetteer entry found in the text: ``(kind, key, factor)``.
Hit = tuple[str, str, float]


def _lookup(gaz: Gazetteer, text: str, kinds: tuple[str, ...], *, fuzzy: bool = True) -> list[Hit]:
    """Entries whose variant equals ``text`` (or is one edit away when ``fuzzy``)."""
    hits = [e for e in gaz.names.get(text, []) if e[0] in kinds]
    if hits or not fuzzy or len(text) < 3:
        return hits
    from rapidfuzz.distance import Levenshtein

    limit = 1 if len(text) <= 5 else 2
    found: dict[tuple[str, str], float] = {}
    for variant, entries in gaz.names.items():
        if abs(len(variant) - len(text)) > limit or variant[-1] != text[-1]:
            continue
        d = Levenshtein.distance(text, variant, score_cutoff=limit)
        if d <= limit:
            for kind, key, factor in entries:
                if kind in kinds:
                    f = factor * (0.85 if d == 1 else 0.75)
                    found[(kind, key)] = max(found.get((kind, key), 0.0), f)
    return [(k, kk, f) for (k, kk), f in found.items()]


def _prefix(gaz: Gazetteer, text: str, kinds: tuple[str, ...], *, fuzzy: bool = True) -> tuple[str, list[Hit]]:
    """Longest known name at the start of ``text`` (exact, then one typo)."""
    for n in range(min(len(text), 30), 1, -1):
        hits = _lookup(gaz, text[:n], kinds, fuzzy=False)
        if hits:
            return text[n:], hits
    if not fuzzy:
        return text, []
    for n in range(min(len(text), 30), 2, -1):
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
