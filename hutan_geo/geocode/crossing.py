"""Crossings of two named roads in address text: every wording clerks use, and corners.

Road names are read first, longest known name at the start of the text, so a
road whose name holds a connector character (``和平路`` in ``解放路与和平路交叉口``)
is never split; then the connector (``与 和 跟 及 同 、 / &`` or none) and the
second road; the suffix is any of ``交叉口 十字路口 路口 交口 交汇处 交界处`` and
may end with a corner (``东北角``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from hutan_geo.geocode.found import _Match, _unmatched
from hutan_geo.geocode.lookup import Hit, _longest, _lookup

if TYPE_CHECKING:
    from hutan_geo.geocode.gazetteer import Gazetteer

_CONNECTORS = "与和跟及同、/&"
_SUFFIX = re.compile(
    r"(?P<suffix>十字路口|交叉路口|丁字路口|交叉口|交汇处|交界处|交口|路口)?"
    r"(?P<corner>[东南西北]{1,2}(?:角|侧|边))?(?:附近|处|旁)?$"
)
_SPLIT = re.compile(r"^(?P<a>[^与和跟及、/&]+?)(?:与|和|跟|及|、|/|&)(?P<b>[^与和跟及、/&]+?)$")


def _cluster_centres(common: set[tuple[float, float]]) -> list[tuple[float, ...]]:
    """Centres of the shared vertices of two roads, grouped within 80 m."""
    pts = np.array(sorted(common))
    clusters: list[list[np.ndarray]] = []
    for p in pts:
        for c in clusters:
            if np.hypot(*(c[0] - p)) < 80:
                c.append(p)
                break
        else:
            clusters.append([p])
    return [tuple(np.mean(c, axis=0)) for c in clusters]


def _crossing(gaz: Gazetteer, ra: str, fa: float, rb: str, fb: float) -> _Match | None:
    """Return the crossing of two known roads; ambiguous (low confidence) when they meet more than once."""
    common = gaz.junctions.get(ra, set()) & gaz.junctions.get(rb, set())
    if not common:
        return None
    centres = _cluster_centres(common)
    conf = 0.92 * min(fa, fb)
    name = f"{ra}与{rb}交叉口"
    lon, lat = gaz.lonlat_many([c[0] for c in centres], [c[1] for c in centres])
    cands = [
        {"name": f"{name}#{i + 1}", "kind": "intersection", "lon": float(x), "lat": float(y), "score": round(conf, 3)}
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]
    if len(centres) > 1:
        why = f"{len(centres)} crossings of {ra} and {rb}: ambiguous"
        return _Match("intersection", centres[0], 0.4 * min(fa, fb), name, why, cands)
    return _Match("intersection", centres[0], conf, name, "", cands)


def _best_crossing(gaz: Gazetteer, ha: list[Hit], hb: list[Hit]) -> _Match | None:
    """Return the most confident crossing of any road of ``ha`` with any road of ``hb``."""
    best: _Match | None = None
    for _, ra, fa in ha:
        for _, rb, fb in hb:
            if ra == rb:
                continue
            m = _crossing(gaz, ra, fa, rb, fb)
            if m is not None and (best is None or m.confidence > best.confidence):
                best = m
    return best


def _intersection(gaz: Gazetteer, a: str, b: str) -> _Match | None:
    """Best crossing of the roads named ``a`` and ``b``; ``None`` when either is unknown."""
    ha = _lookup(gaz, a, ("road",))
    hb = _lookup(gaz, b, ("road",))
    if not ha or not hb:
        return None
    best = _best_crossing(gaz, ha, hb)
    if best is None:
        return _unmatched(f"roads {ha[0][1]} and {hb[0][1]} do not meet in the road data")
    return best


def _second_road(gaz: Gazetteer, rest: str, suffix: str) -> list[Hit]:
    """Roads named by what follows the first road (``路口`` may have eaten the 路 of the name).

    With a crossing suffix a typo is allowed; without one (``人民路解放路``) only exact names.
    """
    tries = [rest, rest[1:]] if rest[:1] and rest[0] in _CONNECTORS else [rest]  # 和平路 or 和 + 平安路
    for text in tries:
        hits = _lookup(gaz, text, ("road",), fuzzy=False) if text else []
        if not hits and text and suffix == "路口":
            hits = _lookup(gaz, text + "路", ("road",), fuzzy=False)
        if hits:
            return hits
    text = tries[-1]
    return _lookup(gaz, text, ("road",)) if text and suffix else []  # no suffix: exact names only


def _roads_first(gaz: Gazetteer, body: str, suffix: str) -> _Match | None:
    """Longest known road at the start, then the second road: names with 和/与 stay whole."""
    names = gaz.names
    for n in range(min(len(body) - 1, _longest(gaz)), 1, -1):
        entries = names.get(body[:n])
        ha = [e for e in entries if e[0] == "road"] if entries else None
        if not ha:
            continue
        hb = _second_road(gaz, body[n:], suffix)
        if hb:
            best = _best_crossing(gaz, ha, hb)
            if best is not None:
                return best
            return _unmatched(f"roads {ha[0][1]} and {hb[0][1]} do not meet in the road data")
    return None


def _match_crossing(gaz: Gazetteer, text: str) -> _Match | None:
    """``A与B交叉口`` and its spellings (``A跟B交口``, ``AB路口``, ``A和B交叉口东北角`` …)."""
    tail = _SUFFIX.search(text)
    suffix, corner = (tail.group("suffix") or "", tail.group("corner") or "") if tail else ("", "")
    if corner and not suffix:
        return None  # ``一中东侧`` is a side of a school, not a corner
    body = text[: tail.start()] if tail else text
    if len(body) < 4 or not (suffix or any(c in body for c in _CONNECTORS)):
        if not suffix and len(body) >= 4:
            found = _roads_first(gaz, body, "")
            return found if found is not None and found.match_type == "intersection" else None
        return None
    found = _roads_first(gaz, body, suffix)
    if found is None:
        split = _SPLIT.match(body)
        found = _intersection(gaz, split.group("a"), split.group("b")) if split else None
    if found is not None and corner and found.match_type == "intersection":
        found.matched += corner
        found.confidence *= 0.95
    return found
