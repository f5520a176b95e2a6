"""Parsing and matching one address against a :class:`~hutan_geo.geocode.Gazetteer`.

:func:`_geocode_one` tries the address forms in turn: a crossing of two roads
(``人民路与207国道交叉口``), a house number (``人民路128号``), a named school,
POI or place with what follows it (``城关一小东门外50米``), and last a road
alone. Each form returns a :class:`_Match` with a confidence in 0..1 and, when
it is unsure, the reason and the candidates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from hutan_geo.geocode.crossing import _match_crossing
from hutan_geo.geocode.fold import same_sound
from hutan_geo.geocode.found import MATCH_TYPES, _Match, _unmatched
from hutan_geo.geocode.gazetteer import Gazetteer, _road_point, _School
from hutan_geo.geocode.lookup import Hit, _cands, _lookup, _prefix
from hutan_geo.geocode.normalise import MAX_ADDRESS_CHARS, normalise_address

__all__ = ["MATCH_TYPES", "_Match", "_geocode_one"]

_DIRECTIONS = {"东": (1.0, 0.0), "西": (-1.0, 0.0), "南": (0.0, -1.0), "北": (0.0, 1.0)}
_NUMBER = re.compile(r"^(?P<road>.+?)(?P<num>\d+)号(?P<rest>.*)$")
_GATE = r"(?P<gate>[东南西北正大校]门|侧门|后门)?"
_RELATIVE = re.compile(
    rf"^{_GATE}(?:"
    r"(?:门口|大门口)?(?P<out>外|口外|往外)(?:约)?(?P<d1>\d+)米"
    r"|(?P<at>门口|大门口|口|前|处|旁边|旁|附近|边上)?[往向朝]?(?P<dir>[东南西北])(?:侧|边|面|方向)?(?:约)?(?P<d2>\d+)米"
    r"|(?P<opp>对面|对门)"
    r"|(?P<door>口|门口|前|处)"
    r"|(?P<near>旁|旁边|附近|边上|周边)"
    r")?(?P<rest>.*)$"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")
#: What is left after a gate or landmark word when an offset could not be read (``往西几十米``).
_UNREADABLE = re.compile(r"[往向朝][东南西北]|米(?![粉线店业厂行])|^外|^约")
#: A name followed by one of these names another institution (a branch, a second campus).
_OTHER = re.compile(
    r"^(?:分校|分院|分部|新校区|老校区|[东南西北]校区|校区|附属|附中|附小|二部|初中部|高中部|小学|中学|幼儿园|医院|卫生院"
    r"|第[一二三四五六七八九十])"
)
_HAN_RE = r"[\u4e00-\u9fff]"
_COUNTY = re.compile(
    rf"^(?:{_HAN_RE}{{2,8}}?(?:省|自治区))?(?:{_HAN_RE}{{2,6}}?(?:市|自治州|地区|盟))?(?P<county>{_HAN_RE}{{1,6}}?(?:县|区|旗))"
)
#: A generic institution (``县医院``, ``镇卫生院``): never matched to one named place by itself.
_GENERIC = re.compile(
    r"^(?P<level>县|镇|乡|本县|本镇|本乡)?"
    r"(?P<kind>人民医院|中医院|医院|卫生院|中心小学|中心幼儿园|中学|小学|幼儿园|派出所|人民政府|政府|农贸市场|汽车站|车站|网吧)"
)


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


def _nearest_road(gaz: Gazetteer, xy: tuple[float, float], within: float = 40.0) -> Any:
    """Return the named road nearest to ``origin`` within ``within`` metres (STRtree, cached), else ``None``."""
    known = gaz.cache.setdefault("nearest_road", {})
    key = (xy[0], xy[1], within)
    if key in known:  # offsets are measured from a few hundred gates and POIs
        return known[key]
    origin = Point(xy)
    tree = gaz.cache.get("road_tree")
    if tree is None:
        geoms = list(gaz.roads.values())
        tree = gaz.cache["road_tree"] = (shapely.STRtree(geoms), geoms)
    found = tree[0].query_nearest(origin, max_distance=within, all_matches=False)
    known[key] = tree[1][int(found[0])] if len(found) else None
    return known[key]


def _snap_along(
    gaz: Gazetteer, xy: tuple[float, float], direction: tuple[float, float], dist: float
) -> tuple[tuple[float, float], bool]:
    """Move ``dist`` metres from ``xy`` along the nearest road, towards ``direction``.

    Returns the point and whether it is sure: the road runs that way, so the
    direction word picks one end; on a bend (or with no road) it is not,
    unless the step is short (30 m or less: a straight step is then near
    any reading of it).
    """
    geom = _nearest_road(gaz, xy)
    origin = Point(xy)
    target = (xy[0] + direction[0] * dist, xy[1] + direction[1] * dist)
    short = dist <= 30
    if geom is None:
        return target, short
    parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
    line = min(parts, key=lambda g: g.distance(origin))
    s0 = line.project(origin)
    # shapely counts a negative distance from the far end: keep to the line
    options = [line.interpolate(s) for s in (s0 + dist, s0 - dist) if 0.0 <= s <= line.length]
    if not options:
        return target, short
    gains = sorted(((q.x - xy[0]) * direction[0] + (q.y - xy[1]) * direction[1], i) for i, q in enumerate(options))
    gain, best = gains[-1]
    if gain < 0.5 * dist:
        return target, short
    sure = short or (gain >= 0.75 * dist and (len(gains) == 1 or gains[0][0] < 0.25 * dist))
    return (options[best].x, options[best].y), sure


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
        centre = school.centre
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
        xy, sure = _snap_along(gaz, a.base_xy, u, dist)
        conf = 0.8 * factor * a.fallback * (1.0 if sure else 0.7)
        why = "" if sure else f"the road bends: {int(dist)} m towards {word} is not one point"
        return _Match("relative_offset", xy, conf, f"{a.name}往{word}{int(dist)}米", why)
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
    school = gaz.schools[sid]
    other = _OTHER.match(rest)
    if other:
        why = f"no such name: {school.name} has no {rest[: other.end() + 2]}"
        return _Match("gate", None, 0.3 * factor, school.name, why)
    m = _RELATIVE.match(rest)
    assert m is not None  # every group is optional
    a = _Anchor.of(school, factor, m.group("gate") or ("校门" if m.group("at") else None))
    if _UNREADABLE.search(m.group("rest")):
        why = f"offset unreadable: {m.group('rest')}"
        return _Match("relative_offset", a.base_xy, 0.4 * factor, a.name or school.name, why)
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
    m = _COUNTY.match(text)
    if (
        m
        and gaz.county
        and m.group("county") != gaz.county
        and not m.group("county").endswith(gaz.county)
        and not _prefix(gaz, text, ("school", "poi", "place", "road"), fuzzy=False)[1]
    ):
        return f"outside the district: {m.group('county')} is not {gaz.county}"
    return ""


def _fold_county(gaz: Gazetteer, text: str) -> str:
    """Write a homophone of the district's county (``青兰县`` for ``青岚县``) as the county."""
    m = _COUNTY.match(text)
    if m and gaz.county and m.group("county") != gaz.county and same_sound(m.group("county"), gaz.county):
        return text[: m.start("county")] + gaz.county + text[m.end("county") :]
    return text


def _strip_admin(gaz: Gazetteer, text: str) -> tuple[str, str]:
    """Drop the province, city, county and township of the district from the front.

    A prefix that belongs to a known name (``青岚县第一中学``, ``龙岗镇中学``) is
    kept. Returns the text and the township it named (``""`` when none).
    """
    township = ""
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
            township = prefix if prefix != gaz.county else township
    return text, township


# --- one address, form by form -----------------------------------------------


def _clean(gaz: Gazetteer, text: str) -> tuple[str, str, _Match | None]:
    """Return the text without admin prefixes and its township, or an ``unmatched`` result saying why not."""
    if not text:
        return "", "", _unmatched("empty address")
    if len(text) > MAX_ADDRESS_CHARS:
        return "", "", _unmatched(f"address longer than {MAX_ADDRESS_CHARS} characters")
    if not _HAN.search(text) and not re.fullmatch(r"[GSX]\d+", text):
        return "", "", _unmatched("no Chinese text in the address")
    text = _fold_county(gaz, text)
    reason = _outside(gaz, text)
    if reason:
        return "", "", _unmatched(reason)
    return (*_strip_admin(gaz, text), None)


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
        m = _relative(gaz, key, f, rest)
    elif kind == "poi":
        m = _poi(gaz, key, f, rest)
    else:
        m = _Match("place", gaz.points[(kind, key)], 0.5 * f, key, "village or place level: an area, not a point")
    m.entry = (kind, key)
    return m


def _poi(gaz: Gazetteer, key: str, f: float, rest: str) -> _Match:
    """Place a POI and what follows it: an offset along the road (``农贸市场门口往北30米``) or nothing."""
    xy = gaz.points[("poi", key)]
    other = _OTHER.match(rest)
    if other:
        return _Match("poi", None, 0.3 * f, key, f"no such name: {key} has no {rest[: other.end() + 2]}")
    m = _RELATIVE.match(rest)
    assert m is not None  # every group is optional
    if m.group("dir"):
        word, dist = m.group("dir"), float(m.group("d2"))
        moved, sure = _snap_along(gaz, xy, _DIRECTIONS[word], dist)
        why = "" if sure else f"the road bends: {int(dist)} m towards {word} is not one point"
        return _Match("relative_offset", moved, 0.75 * f * (1.0 if sure else 0.7), f"{key}往{word}{int(dist)}米", why)
    if m.group("d1") or _UNREADABLE.search(m.group("rest")):
        why = f"offset unreadable: {rest}" if not m.group("d1") else f"offset unreadable: no direction in {rest}"
        return _Match("relative_offset", xy, 0.4 * f, key, why)
    return _Match("poi", xy, 0.9 * f, key)


def _match_named(gaz: Gazetteer, text: str, township: str = "") -> _Match | None:
    """Match a school, POI or place at the start of the address, and what follows it.

    The township the address named (``township``) chooses between places of
    the same name, and lets a typo in a name that starts with it be found.
    """
    kinds = ("school", "poi", "place")
    rest, hits = _prefix(gaz, text, kinds, fuzzy=False)
    if not hits:
        generic = _generic(gaz, text)
        if generic is not None:
            return generic
        rest, hits = _prefix(gaz, text, kinds)
    if not hits and township:
        rest, hits = _prefix(gaz, township + text, kinds)
    if not hits:
        return None
    top = max(h[2] for h in hits)
    best = [h for h in hits if h[2] >= top - 1e-9]
    if township and len(best) > 1:
        best = [h for h in best if gaz.township_of.get(h[:2]) == township] or best
    uniq = {(k, kk) for k, kk, _ in best}
    cands = _cands(gaz, hits)
    kind, key, f = best[0]
    if len(uniq) > 1:
        mtype = "gate" if kind == "school" else kind
        return _Match(mtype, None, 0.35, gaz.label(kind, key), f"{len(uniq)} entries share this name", cands)
    m = _named_entry(gaz, kind, key, f, rest)
    m.candidates = cands if len(hits) > 1 else m.candidates
    return m


def _generic(gaz: Gazetteer, text: str) -> _Match | None:
    """Send a generic name (``县医院``, ``镇卫生院``) to review with every place it could be."""
    g = _GENERIC.match(text)
    if g is None:
        return None
    level, word = g.group("level") or "", g.group("kind")
    word = {"人民医院": "医院", "中医院": "医院"}.get(word, word)
    found = [
        (kind, key, 0.4)
        for (kind, key) in gaz.points
        if kind in ("school", "poi")
        and gaz.label(kind, key).endswith(word)
        and (not level or _at_level(gaz, gaz.label(kind, key), level[-1]))
    ]
    if not found:
        return None
    name = text[: g.end()]
    mtype = "gate" if found[0][0] == "school" else "poi"
    why = f"generic name {name}: ambiguous between {len(found)} candidates" if len(found) > 1 else ""
    why = why or f"generic name {name}: only {gaz.label(*found[0][:2])} is known, not named in the address"
    return _Match(mtype, None, 0.35, name, why, _cands(gaz, found))


def _at_level(gaz: Gazetteer, label: str, level: str) -> bool:
    """Whether a name belongs to the county (``县``) or to a township of that kind (``镇``/``乡``)."""
    if level == "县":
        return bool(gaz.county) and label.startswith(gaz.county)
    return any(label.startswith(t) for t in gaz.townships if t.endswith(level))


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


def _match_text(gaz: Gazetteer, text: str) -> _Match:
    """Match normalised text: the first form that matches wins; a contradicting township lowers it."""
    text, township, bad = _clean(gaz, text)
    if bad is not None:
        return bad
    m = _match_crossing(gaz, text) or _match_house_number(gaz, text) or _match_named(gaz, text, township)
    m = m or _match_road(gaz, text)
    place_township = gaz.township_of.get(m.entry) if m.entry else None
    if township and place_township and place_township != township:
        m.reason = f"township contradicts the match: {m.matched} is in {place_township}, not {township}"
        m.confidence = min(m.confidence, 0.35)
        m.candidates = m.candidates or _cands(gaz, [(*m.entry, 0.35)])
    return m


def _geocode_one(gaz: Gazetteer, raw: object) -> _Match:
    """Geocode one address; text with pinyin is read back into Chinese when that matches better."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return _unmatched("empty address")
    text = normalise_address(raw)
    m = _match_text(gaz, text)
    if m.confidence < 0.6 and _LATIN.search(text) and len(text) <= MAX_ADDRESS_CHARS:
        read, ok = gaz.pinyin.read(unicodedata.normalize("NFKC", str(raw)))
        if ok and read != text.lower():
            again = _match_text(gaz, read)
            again.confidence *= 0.92
            if again.confidence > m.confidence:
                again.reason = f"{again.reason}; read from pinyin as {normalise_address(read)}".lstrip("; ")
                return again
    return m
