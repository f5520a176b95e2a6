"""Parsing and matching one address against a :class:`~hutan_geo.geocode.Gazetteer`.

:func:`_geocode_one` tries the address forms in turn: a crossing of two roads
(``人民路与207国道交叉口``), a house number (``人民路128号``), a named school,
POI or place with what follows it (``城关一小东门外50米``), and last a road
alone. Each form returns a :class:`_Match` with a confidence in 0..1 and, when
it is unsure, the reason and the candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from hutan_geo.geocode.gazetteer import Gazetteer, _road_point, _School
from hutan_geo.geocode.lookup import Hit, _cands, _lookup, _prefix
from hutan_geo.geocode.normalise import MAX_ADDRESS_CHARS, normalise_address

__all__ = ["MATCH_TYPES"]

#: The ``match_type`` values of :func:`~hutan_geo.geocode.geocode` (``online``
#: is added by :func:`~hutan_geo.geocode.geocode_online`).
MATCH_TYPES = ("gate", "poi", "intersection", "relative_offset", "road", "place", "unmatched")

_DIRECTIONS = {"东": (1.0, 0.0), "西": (-1.0, 0.0), "南": (0.0, -1.0), "北": (0.0, 1.0)}
_CROSS_SUFFIX = r"(?:十字路口|交叉路口|交叉口|交汇处|交界处|路口)"
_CROSS = re.compile(rf"^(?P<a>[^与和、/&]+?)(?:与|和|、|/|&)(?P<b>[^与和、/&]+?){_CROSS_SUFFIX}?(?:附近)?$")
_NUMBER = re.compile(r"^(?P<road>.+?)(?P<num>\d+)号(?P<rest>.*)$")
_GATE = r"(?P<gate>[东南西北正大校]门|侧门|后门)?"
_RELATIVE = re.compile(
    rf"^{_GATE}(?:"
    r"(?P<out>外|口外|往外)(?:约)?(?P<d1>\d+)米"
    r"|往?(?P<dir>[东南西北])(?:侧|边|面|方向)?(?:约)?(?P<d2>\d+)米"
    r"|(?P<opp>对面|对门)"
    r"|(?P<door>口|门口|前|处)"
    r"|(?P<near>旁|旁边|附近|边上|周边)"
    r")?(?P<rest>.*)$"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Match:
    match_type: str
    xy: tuple[float, float] | None
    confidence: float
    matched: str = ""
    reason: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)


def _unmatched(reason: str) -> _Match:
    return _Match("unmatched", None, 0.0, reason=reason)


# --- crossings ---------------------------------------------------------------


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
    cands = [
        {
            "name": f"{name}#{i + 1}",
            "kind": "intersection",
            "lon": gaz.lonlat(*c)[0],
            "lat": gaz.lonlat(*c)[1],
            "score": round(conf, 3),
        }
        for i, c in enumerate(centres)
    ]
    if len(centres) > 1:
        why = f"{len(centres)} crossings of {ra} and {rb}: ambiguous"
        return _Match("intersection", centres[0], 0.4 * min(fa, fb), name, why, cands)
    return _Match("intersection", centres[0], conf, name, "", cands)


def _intersection(gaz: Gazetteer, a: str, b: str) -> _Match | None:
    """Best crossing of the roads named ``a`` and ``b``; ``None`` when either is unknown."""
    ha = _lookup(gaz, a, ("road",))
    hb = _lookup(gaz, b, ("road",))
    if not ha or not hb:
        return None
    best: _Match | None = None
    for _, ra, fa in ha:
        for _, rb, fb in hb:
            m = _crossing(gaz, ra, fa, rb, fb)
            if m is not None and (best is None or m.confidence > best.confidence):
                best = m
    if best is None:
        return _unmatched(f"roads {ha[0][1]} and {hb[0][1]} do not meet in the road data")
    return best


# --- house numbers -----------------------------------------------------------


def _house_number(gaz: Gazetteer, road: str, num: int, factor: float) -> _Match:
    """Place ``road`` + ``num``号 from the known house numbers: exact, interpolated, near or extrapolated."""
    anchors = sorted(gaz.house_numbers.get(road, []))
    geom = gaz.roads[road]
    label = f"{road}{num}号"
    nearest = min(anchors, key=lambda a: abs(a[0] - num)) if anchors else None
    if nearest is not None and nearest[0] == num:
        return _Match("road", nearest[1:], 0.9 * factor, label, "house number known")
    pos = [(n, geom.project(Point(x, y))) for n, x, y in anchors] if geom.geom_type == "LineString" else []
    lower = [p for p in pos if p[0] < num]
    upper = [p for p in pos if p[0] > num]
    if lower and upper:
        (n1, s1), (n2, s2) = lower[-1], upper[0]
        p = geom.interpolate(s1 + (num - n1) / (n2 - n1) * (s2 - s1))
        return _Match("road", (p.x, p.y), 0.75 * factor, label, "interpolated between known house numbers")
    if nearest is not None and abs(nearest[0] - num) <= 4:
        why = f"near known house number {road}{nearest[0]}号"
        return _Match("road", nearest[1:], 0.75 * factor, label, why)
    if len({n for n, _ in pos}) >= 2:
        (n1, s1), (n2, s2) = (pos[0], pos[1]) if not lower else (pos[-2], pos[-1])
        p = geom.interpolate(min(max(s1 + (num - n1) / (n2 - n1) * (s2 - s1), 0.0), geom.length))
        why = f"extrapolated beyond the known house numbers {road}{n1}-{n2}号"
        return _Match("road", (p.x, p.y), 0.5 * factor, label, why)
    if nearest is not None and abs(nearest[0] - num) <= 20:
        why = f"{abs(nearest[0] - num)} numbers from known {road}{nearest[0]}号"
        return _Match("road", nearest[1:], 0.45 * factor, label, why)
    return _Match("road", _road_point(gaz, road), 0.3 * factor, road, "no house numbers near this one: road level only")


# --- positions relative to a school ------------------------------------------


def _snap_along(
    gaz: Gazetteer, xy: tuple[float, float], direction: tuple[float, float], dist: float
) -> tuple[float, float]:
    """Move ``dist`` metres from ``xy`` along the nearest road, towards ``direction``."""
    origin = Point(xy)
    best = None
    for geom in gaz.roads.values():
        d = geom.distance(origin)
        if d < 40 and (best is None or d < best[0]):
            best = (d, geom)
    target = (xy[0] + direction[0] * dist, xy[1] + direction[1] * dist)
    if best is None:
        return target
    geom = best[1]
    parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
    line = min(parts, key=lambda g: g.distance(origin))
    s0 = line.project(origin)
    options = [line.interpolate(s0 + dist), line.interpolate(s0 - dist)]
    p = max(options, key=lambda q: (q.x - xy[0]) * direction[0] + (q.y - xy[1]) * direction[1])
    if (p.x - xy[0]) * direction[0] + (p.y - xy[1]) * direction[1] < 0.5 * dist:
        return target
    return (p.x, p.y)


@dataclass
class _Anchor:
    """The school point an offset is measured from: a named gate, else the main gate or the school."""

    school: _School
    factor: float
    gate_word: str
    gate_xy: tuple[float, float] | None
    fallback: float  # confidence factor when the named gate is unknown
    name: str
    base_xy: tuple[float, float]
    centre: Point

    @classmethod
    def of(cls, school: _School, factor: float, gate_word: str | None) -> _Anchor:
        centre = school.campus.centroid if school.campus is not None else Point(school.xy)
        gate_name = {"大门": "正门", "校门": "正门"}.get(gate_word or "", gate_word or "")
        gate_xy = school.gates.get(gate_name) if gate_name else None
        fallback = 1.0
        if gate_word and gate_xy is None:
            gate_xy = school.gates.get("正门", school.xy)
            fallback = 0.85
        name = school.name + (gate_name if gate_name else "")
        base_xy = gate_xy or school.gates.get("正门", school.xy)
        return cls(school, factor, gate_word or "", gate_xy, fallback, name, base_xy, centre)

    def outward(self, dist: float) -> tuple[float, float]:
        """Return the point ``dist`` metres out of the campus from the base point."""
        v = np.array(self.base_xy) - np.array([self.centre.x, self.centre.y])
        norm = float(np.hypot(*v))
        u = (float(v[0] / norm), float(v[1] / norm)) if norm > 1 else (0.0, -1.0)
        return (self.base_xy[0] + u[0] * dist, self.base_xy[1] + u[1] * dist)


def _towards(gaz: Gazetteer, a: _Anchor, word: str, dist: float) -> _Match:
    """``东门往东100米`` (along the road from the gate) or ``东侧80米`` (from the campus side)."""
    u = _DIRECTIONS[word]
    school, factor = a.school, a.factor
    if a.gate_word:
        xy = _snap_along(gaz, a.base_xy, u, dist)
        return _Match("relative_offset", xy, 0.8 * factor * a.fallback, f"{a.name}往{word}{int(dist)}米")
    label = f"{school.name}{word}侧{int(dist)}米"
    if school.campus is not None:
        centre = a.centre
        far = Point(centre.x + u[0] * 5000, centre.y + u[1] * 5000)
        hit = LineString([centre, far]).intersection(school.campus.exterior)
        edge = shapely.get_point(hit, 0) if hit.geom_type == "MultiPoint" else hit
        if edge is not None and not edge.is_empty and edge.geom_type == "Point":
            xy = (edge.x + u[0] * dist, edge.y + u[1] * dist)
            x0, y0, x1, y1 = school.campus.bounds
            half_side = ((x1 - x0) if u[1] else (y1 - y0)) / 2  # where along that side is unknown
            conf = float(np.clip(0.85 - half_side / 300, 0.3, 0.75)) * factor
            why = f"campus boundary; position along a {2 * half_side:.0f} m side unknown"
            return _Match("relative_offset", xy, conf, label, why)
    xy = (school.xy[0] + u[0] * dist, school.xy[1] + u[1] * dist)
    return _Match("relative_offset", xy, 0.6 * factor, label, "no campus: from the school point")


def _relative(gaz: Gazetteer, sid: str, factor: float, rest: str) -> _Match:
    """Place what follows a school name: a gate, an offset, ``对面``, ``旁``, ``校内``."""
    m = _RELATIVE.match(rest)
    assert m is not None  # every group is optional
    a = _Anchor.of(gaz.schools[sid], factor, m.group("gate"))
    school = a.school
    if m.group("d1"):
        d = float(m.group("d1"))
        return _Match("relative_offset", a.outward(d), 0.85 * factor * a.fallback, f"{a.name}外{int(d)}米")
    if m.group("dir"):
        return _towards(gaz, a, m.group("dir"), float(m.group("d2")))
    if m.group("opp"):
        return _Match("relative_offset", a.outward(20), 0.8 * factor * a.fallback, f"{a.name}对面")
    if m.group("near"):
        return _Match("relative_offset", a.base_xy, 0.7 * factor, f"{a.name}旁")
    if rest.startswith(("校内", "院内", "内")) and school.campus is not None:
        centre = a.centre
        return _Match("place", (centre.x, centre.y), 0.55 * factor, f"{school.name}校内", "inside the campus: centroid")
    conf = 0.95 if a.gate_xy is not None or m.group("door") else 0.8
    return _Match("gate", a.base_xy, conf * factor * a.fallback, a.name or school.name)


# --- administrative prefixes -------------------------------------------------


def _outside(gaz: Gazetteer, text: str) -> str:
    """Return a reason when the address names another county; else ``""``."""
    han = r"[\u4e00-\u9fff]"
    m = re.match(
        rf"^(?:{han}{{2,8}}?(?:省|自治区))?(?:{han}{{2,6}}?(?:市|自治州|地区|盟))?(?P<county>{han}{{1,6}}?(?:县|区|旗))",
        text,
    )
    if (
        m
        and gaz.county
        and m.group("county") != gaz.county
        and not m.group("county").endswith(gaz.county)
        and not _prefix(gaz, text, ("school", "poi", "place", "road"), fuzzy=False)[1]
    ):
        return f"outside the district: {m.group('county')} is not {gaz.county}"
    return ""


def _strip_admin(gaz: Gazetteer, text: str) -> str:
    """Drop the province, city, county and township of the district from the front.

    A prefix that belongs to a known name (``青岚县第一中学``, ``龙岗镇中学``) is kept.
    """
    text = re.sub(r"^.{2,8}?(?:省|自治区)", "", text)
    text = re.sub(r"^.{2,6}?(?:市|自治州)(?=.{0,6}?" + re.escape(gaz.county or "县") + ")", "", text)
    kinds = ("school", "poi", "place")
    for prefix in (gaz.county, *gaz.townships):
        if (
            prefix
            and text.startswith(prefix)
            and len(text) > len(prefix)
            and not _prefix(gaz, text, kinds, fuzzy=False)[1]
        ):
            text = text[len(prefix) :]
    return text


# --- one address, form by form -----------------------------------------------


def _clean(gaz: Gazetteer, raw: object) -> tuple[str, _Match | None]:
    """Return the normalised text without admin prefixes, or an ``unmatched`` result saying why not."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return "", _unmatched("empty address")
    text = normalise_address(raw)
    if not text:
        return "", _unmatched("empty address")
    if len(text) > MAX_ADDRESS_CHARS:
        return "", _unmatched(f"address longer than {MAX_ADDRESS_CHARS} characters")
    if not _HAN.search(text) and not re.fullmatch(r"[GSX]\d+", text):
        return "", _unmatched("no Chinese text in the address")
    reason = _outside(gaz, text)
    if reason:
        return "", _unmatched(reason)
    return _strip_admin(gaz, text), None


def _match_crossing(gaz: Gazetteer, text: str) -> _Match | None:
    """``A与B交叉口`` and its spellings."""
    cross = _CROSS.match(text)
    return _intersection(gaz, cross.group("a"), cross.group("b")) if cross else None


def _match_house_number(gaz: Gazetteer, text: str) -> _Match | None:
    """``人民路128号`` (or a named POI after the number)."""
    num = _NUMBER.match(text)
    if not num:
        return None
    hits = _lookup(gaz, num.group("road"), ("road",))
    rest_hits = _lookup(gaz, num.group("rest"), ("poi",), fuzzy=False) if num.group("rest") else []
    if rest_hits:
        kind, key, f = rest_hits[0]
        return _Match("poi", gaz.points[(kind, key)], 0.9 * f, key)
    if len(hits) == 1:
        return _house_number(gaz, hits[0][1], int(num.group("num")), hits[0][2])
    if len(hits) > 1:
        return _Match("road", None, 0.3, hits[0][1], "road name matches several roads", _cands(gaz, hits))
    return None


def _named_entry(gaz: Gazetteer, kind: str, key: str, f: float, rest: str) -> _Match:
    """Place a single school, POI or place found at the start of the address; ``rest`` follows it."""
    tail = _RELATIVE.match(rest)
    _, poi_hits = _prefix(gaz, tail.group("rest"), ("poi",), fuzzy=False) if tail else ("", [])
    if kind == "school" and poi_hits and len(poi_hits) == 1:
        pk, pkey, pf = poi_hits[0]
        return _Match("poi", gaz.points[(pk, pkey)], 0.9 * pf, pkey, f"named POI near {gaz.label(kind, key)}")
    if kind == "school":
        return _relative(gaz, key, f, rest)
    if kind == "poi":
        return _Match("poi", gaz.points[(kind, key)], 0.9 * f, key)
    return _Match("place", gaz.points[(kind, key)], 0.5 * f, key, "village or place level: an area, not a point")


def _match_named(gaz: Gazetteer, text: str) -> _Match | None:
    """Match a school, POI or place at the start of the address, and what follows it."""
    rest, hits = _prefix(gaz, text, ("school", "poi", "place"))
    if not hits:
        return None
    top = max(h[2] for h in hits)
    best = [h for h in hits if h[2] >= top - 1e-9]
    uniq = {(k, kk) for k, kk, _ in best}
    cands = _cands(gaz, hits)
    kind, key, f = best[0]
    if len(uniq) > 1:
        mtype = "gate" if kind == "school" else kind
        return _Match(mtype, None, 0.35, gaz.label(kind, key), f"{len(uniq)} entries share this name", cands)
    m = _named_entry(gaz, kind, key, f, rest)
    m.candidates = cands if len(hits) > 1 else m.candidates
    return m


def _match_road(gaz: Gazetteer, text: str) -> _Match:
    """Match a road alone (the whole text, else its longest known start): road level, low confidence."""
    hits: list[Hit] = _lookup(gaz, text, ("road",))
    if not hits:
        for n in range(len(text) - 1, 1, -1):
            hits = _lookup(gaz, text[:n], ("road",), fuzzy=False)
            if hits:
                break
    if not hits:
        return _unmatched("no known road, school, place or POI in the address")
    _, key, f = max(hits, key=lambda h: h[2])
    why = "road only: no house number or crossing"
    return _Match("road", _road_point(gaz, key), 0.3 * f, key, why, _cands(gaz, hits))


def _geocode_one(gaz: Gazetteer, raw: object) -> _Match:
    """Geocode one address: the first form that matches wins."""
    text, bad = _clean(gaz, raw)
    if bad is not None:
        return bad
    for form in (_match_crossing, _match_house_number, _match_named):
        m = form(gaz, text)
        if m is not None:
            return m
    return _match_road(gaz, text)
