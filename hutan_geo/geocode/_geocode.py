"""Offline geocoding of Chinese hazard addresses.

A :class:`Gazetteer` is built from a district (schools and their gates,
campuses, places, roads with their ``ref``) and optional user tables; then
:func:`geocode` turns address text such as ``"人民路与207国道交叉口"``,
``"城关一小东门外50米"``, ``"人民路128号"`` or ``"西门村村口"`` into points with
a ``match_type``, a ``confidence`` in 0..1, the matched name and the
candidates. Rows below ``min_confidence`` are never placed silently: they go
to the ``review`` table with their candidates.

All distances are measured in the district's local metric CRS.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import linemerge, nearest_points

from hutan_geo.errors import InputError
from hutan_geo.model.schema import chinese_number, normalise_text

logger = logging.getLogger("hutan_geo")

MATCH_TYPES = ("gate", "poi", "intersection", "relative_offset", "road", "place", "unmatched")
MAX_ADDRESS_CHARS = 200

_DIRECTIONS = {"东": (1.0, 0.0), "西": (-1.0, 0.0), "南": (0.0, -1.0), "北": (0.0, 1.0)}
_CN_NUM = re.compile(r"[零〇一二两三四五六七八九十百千]+(?=号|米|组|弄)")
_JUNK = re.compile(r"[\s\"'“”‘’,，。;；:：!！?？()（）\[\]【】<>《》]+")
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


def normalise_address(text: object) -> str:
    """Return address text in the form used for matching.

    Full width folded to half width, spaces and punctuation removed (the
    separators ``/`` and ``、`` are kept), Chinese numerals before 号/米/组
    turned into digits, ``G207``-style prefixes kept upper case and
    ``路口``/``交汇处`` spellings left for :func:`geocode` to parse.

    Examples
    --------
    >>> normalise_address(" 人民路 一百二十八号 ")
    '人民路128号'
    >>> normalise_address("解放路／青年路 路口")
    '解放路/青年路路口'
    """
    value = normalise_text(text)
    value = _JUNK.sub("", value).upper()
    value = value.replace("－", "-").replace("＆", "&")
    return _CN_NUM.sub(lambda m: str(chinese_number(m.group(0))), value)


@dataclass
class _School:
    school_id: str
    name: str
    xy: tuple[float, float]
    gates: dict[str, tuple[float, float]]
    campus: Any  # shapely polygon in metric, or None


@dataclass
class Gazetteer:
    """Name variants of a district and what they point to.

    Attributes
    ----------
    names
        Normalised name variant -> list of ``(kind, key, factor)``; ``kind`` is
        ``school``, ``poi``, ``place`` or ``road``, ``key`` the canonical name
        (or school id) and ``factor`` the confidence factor of the variant
        (1 for the full name, lower for short forms).
    points
        ``(kind, key)`` -> metric ``(x, y)`` for schools, POIs and places.
    schools
        School id -> gates, main point and campus (metric).
    roads
        Road name -> merged metric geometry.
    junctions
        Road name -> {junction xy rounded to 0.1 m}: where two roads share a vertex.
    house_numbers
        Road name -> list of ``(number, x, y)`` known from addresses.
    metric_crs
        The local metric CRS of the district.
    area
        Metric hull of the district (buffered) used to reject far points.
    county
        The county name (e.g. ``青岚县``) stripped as an administrative prefix.
    townships
        Township names stripped as administrative prefixes.
    crossings
        Metric ``(x, y, road names)`` of every point where named roads meet,
        used by :func:`reverse_geocode`.
    """

    names: dict[str, list[tuple[str, str, float]]]
    points: dict[tuple[str, str], tuple[float, float]]
    schools: dict[str, _School]
    roads: dict[str, Any]
    junctions: dict[str, set[tuple[float, float]]]
    house_numbers: dict[str, list[tuple[int, float, float]]]
    metric_crs: pyproj.CRS
    area: Any
    county: str = ""
    townships: tuple[str, ...] = ()
    crossings: list[tuple[float, float, tuple[str, ...]]] = field(default_factory=list)
    _to_wgs: Any = field(default=None, repr=False)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """Return WGS84 ``(lon, lat)`` of a metric point."""
        if self._to_wgs is None:
            self._to_wgs = pyproj.Transformer.from_crs(self.metric_crs, 4326, always_xy=True)
        lon, lat = self._to_wgs.transform(x, y)
        return float(lon), float(lat)

    def label(self, kind: str, key: str) -> str:
        """Return the display name of an entry (school id -> school name)."""
        if kind == "school" and key in self.schools:
            return self.schools[key].name
        return key


def _add(names: dict[str, list[tuple[str, str, float]]], variant: str, kind: str, key: str, factor: float) -> None:
    variant = normalise_address(variant)
    if len(variant) < 2:
        return
    entries = names.setdefault(variant, [])
    for i, (k, kk, f) in enumerate(entries):
        if k == kind and kk == key:
            entries[i] = (k, kk, max(f, factor))
            return
    entries.append((kind, key, factor))


_ORDINAL = re.compile(r"第([一二三四五六七八九十]+)(中学|小学|幼儿园|中心小学)$")
_SHORT = {"中学": "中", "小学": "小"}


def _school_variants(name: str, county: str, townships: Sequence[str]) -> list[tuple[str, float]]:
    """Return short forms of a school name with a confidence factor."""
    out = [(name, 1.0)]
    base = name
    for prefix in (county, *townships):
        if prefix and base.startswith(prefix) and len(base) > len(prefix) + 1:
            stripped = base[len(prefix) :]
            out.append((stripped, 0.97))
            if prefix in townships:
                out.append((prefix[:-1] + stripped, 0.95))  # 龙岗镇中学 -> 龙岗中学
            base = stripped
    m = _ORDINAL.search(base)
    if m:
        num, kind = m.group(1), m.group(2)
        head = base[: m.start()]
        if kind in _SHORT:
            short = num + _SHORT[kind]  # 一中, 一小
            out += [(short, 0.9), ("县" + short, 0.95), (head + short, 0.97)]
    if base.endswith("实验小学"):
        out += [("实小", 0.85), ("县实小", 0.92)]
    if base.endswith("职业中专"):
        out += [("职中", 0.9), ("职专", 0.9), ("县职中", 0.92)]
    return out


def _road_variants(name: str, ref: str) -> list[tuple[str, float]]:
    out = [(name, 1.0)]
    m = re.fullmatch(r"([GSXYZC])(\d+)", ref or "")
    if m:
        kind = {"G": "国道", "S": "省道", "X": "县道", "Y": "乡道", "Z": "专用公路", "C": "村道"}[m.group(1)]
        num = m.group(2)
        out += [(ref, 1.0), (f"{num}{kind}", 1.0), (f"{kind}{num}", 1.0), (f"{ref}{kind}", 1.0)]
    stem = re.sub(r"(大道|大街|公路|路|街|巷|道)$", "", name)
    if stem != name and len(stem) >= 2:
        out.append((stem, 0.85))  # missing 路/街
    return out


def _county_of(names: Iterable[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for n in names:
        m = re.match(r"^(.{1,4}?[县区市旗])", str(n))
        if m:
            counts[m.group(1)] += 1
    return max(counts, key=counts.get) if counts else ""  # type: ignore[arg-type]


def build_gazetteer(
    district: Any,
    network: Any = None,
    *,
    extra: pd.DataFrame | None = None,
) -> Gazetteer:
    """Build a :class:`Gazetteer` from a district and optional user tables.

    Parameters
    ----------
    district
        A :class:`~hutan_geo.io.district.District` (e.g. ``load_demo()``); the
        layers ``schools``, ``gates``, ``campuses``, ``places`` and ``roads``
        are used when present.
    network
        A :class:`~hutan_geo.network.RoadNetwork`; when given its named edges
        are used for roads and junctions instead of the ``roads`` layer.
    extra
        A user table with columns ``name``, ``lon``, ``lat`` and optionally
        ``kind`` (``place`` by default; ``poi`` and ``school`` are accepted).

    Returns
    -------
    Gazetteer

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> gaz = build_gazetteer(load_demo())
    >>> "207国道" in gaz.names and "G207" in gaz.names
    True
    """
    layers: dict[str, gpd.GeoDataFrame] = getattr(district, "layers", {})
    if "schools" not in layers and "roads" not in layers:
        msg = "build_gazetteer: district has neither a 'schools' nor a 'roads' layer; load one with load_district()"
        raise InputError(msg)
    metric = district.metric_crs
    names: dict[str, list[tuple[str, str, float]]] = {}
    points: dict[tuple[str, str], tuple[float, float]] = {}
    schools: dict[str, _School] = {}

    schools_gdf = layers.get("schools")
    townships: set[str] = set()
    for key in ("schools", "places"):
        g = layers.get(key)
        if g is not None and "township" in g:
            townships |= {str(t) for t in g["township"].dropna() if str(t).endswith(("镇", "乡", "街道"))}
    county = _county_of(schools_gdf["name"]) if schools_gdf is not None else ""
    town_tuple = tuple(sorted(townships, key=len, reverse=True))
    hull_parts = []

    if schools_gdf is not None and not schools_gdf.empty:
        sm = schools_gdf.to_crs(metric)
        campuses = layers.get("campuses")
        campus_by_id = {}
        if campuses is not None and not campuses.empty:
            cm = campuses.to_crs(metric)
            campus_by_id = dict(zip(cm["school_id"].astype(str), cm.geometry, strict=False))
        gates_by_id: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
        gates = layers.get("gates")
        if gates is not None and not gates.empty:
            gm = gates.to_crs(metric)
            for sid, gname, geom in zip(
                gm["school_id"].astype(str), gm["gate_name"].astype(str), gm.geometry, strict=False
            ):
                if geom is not None and not geom.is_empty:
                    gates_by_id[sid].setdefault(gname, (geom.x, geom.y))
        for sid, name, geom in zip(sm["school_id"].astype(str), sm["name"].astype(str), sm.geometry, strict=False):
            if geom is None or geom.is_empty:
                continue
            schools[sid] = _School(sid, name, (geom.x, geom.y), dict(gates_by_id.get(sid, {})), campus_by_id.get(sid))
            points[("school", sid)] = (geom.x, geom.y)
            hull_parts.append(geom)
            for variant, factor in _school_variants(name, county, town_tuple):
                _add(names, variant, "school", sid, factor)

    for key, default_kind in (("places", "place"),):
        g = layers.get(key)
        if g is None or g.empty:
            continue
        gm = g.to_crs(metric)
        kinds = gm["kind"].astype(str) if "kind" in gm else pd.Series(default_kind, index=gm.index)
        for name, kind, geom in zip(gm["name"].astype(str), kinds, gm.geometry, strict=False):
            if geom is None or geom.is_empty:
                continue
            k = "place" if kind in ("村庄", "社区", "集镇", "place", "village") else "poi"
            pt = geom.representative_point()
            points[(k, name)] = (pt.x, pt.y)
            hull_parts.append(pt)
            clean = re.sub(r"\(.*?\)", "", normalise_address(name))
            _add(names, clean, k, name, 1.0)
            for prefix in (county, *town_tuple):
                if prefix and clean.startswith(prefix) and len(clean) > len(prefix) + 1:
                    _add(names, clean[len(prefix) :], k, name, 0.9)
                    if prefix in town_tuple:
                        _add(names, prefix[:-1] + clean[len(prefix) :], k, name, 0.9)

    if extra is not None and not extra.empty:
        missing = {"name", "lon", "lat"} - set(extra.columns)
        if missing:
            msg = f"build_gazetteer: extra table lacks columns {sorted(missing)}; expected name, lon, lat[, kind]"
            raise InputError(msg)
        lon = pd.to_numeric(extra["lon"], errors="coerce")
        lat = pd.to_numeric(extra["lat"], errors="coerce")
        ok = lon.between(-180, 180) & lat.between(-90, 90)
        to_m = pyproj.Transformer.from_crs(4326, metric, always_xy=True)
        xs, ys = to_m.transform(lon[ok].to_numpy(), lat[ok].to_numpy())
        kinds = extra["kind"] if "kind" in extra else pd.Series("place", index=extra.index)
        for name, kind, x, y in zip(extra.loc[ok, "name"].astype(str), kinds[ok].astype(str), xs, ys, strict=False):
            k = kind if kind in ("poi", "place") else "place"
            points[(k, name)] = (float(x), float(y))
            hull_parts.append(Point(x, y))
            _add(names, name, k, name, 1.0)
        if (~ok).any():
            logger.warning("build_gazetteer: %d extra rows without valid lon/lat skipped", int((~ok).sum()))

    roads: dict[str, Any] = {}
    junctions: dict[str, set[tuple[float, float]]] = defaultdict(set)
    crossings: list[tuple[float, float, tuple[str, ...]]] = []
    lines = network.edges if network is not None else layers.get("roads")
    if lines is not None and not lines.empty:
        lm = lines.to_crs(metric) if lines.crs is not None and lines.crs != metric else lines
        by_name: dict[str, list[Any]] = defaultdict(list)
        vertex_names: dict[tuple[float, float], set[str]] = defaultdict(set)
        refs: dict[str, str] = {}
        ref_col = lm["ref"] if "ref" in lm else pd.Series("", index=lm.index)
        for name, ref, geom in zip(lm["name"], ref_col, lm.geometry, strict=False):
            if geom is None or geom.is_empty or not isinstance(name, str) or not name.strip():
                continue
            name = normalise_address(name)
            if isinstance(ref, str) and ref.strip():
                refs[name] = normalise_address(ref)
            parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
            for part in parts:
                by_name[name].append(part)
                for x, y in np.asarray(part.coords)[:, :2]:
                    vertex_names[(round(float(x), 1), round(float(y), 1))].add(name)
        for name, parts in by_name.items():
            roads[name] = linemerge(parts) if len(parts) > 1 else parts[0]
            for variant, factor in _road_variants(name, refs.get(name, "")):
                _add(names, variant, "road", name, factor)
            hull_parts.append(roads[name].centroid)
        for xy, ns in vertex_names.items():
            if len(ns) > 1:
                crossings.append((xy[0], xy[1], tuple(sorted(ns))))
                for n in ns:
                    junctions[n].add(xy)

    house_numbers: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    if schools_gdf is not None and "address" in schools_gdf:
        for sid, addr in zip(schools_gdf["school_id"].astype(str), schools_gdf["address"], strict=False):
            if sid not in schools or not isinstance(addr, str):
                continue
            m = re.search(r"([^镇乡县区市]+?)(\d+)号", normalise_address(addr))
            if m and m.group(1) in roads:
                xy = schools[sid].gates.get("正门", schools[sid].xy)
                house_numbers[m.group(1)].append((int(m.group(2)), xy[0], xy[1]))

    area = shapely.MultiPoint([(p.x, p.y) for p in hull_parts]).convex_hull.buffer(5000) if hull_parts else None
    logger.info(
        "gazetteer: %d name variants, %d schools, %d roads, %d house-number anchors",
        len(names),
        len(schools),
        len(roads),
        sum(len(v) for v in house_numbers.values()),
    )
    return Gazetteer(
        names=names,
        points=points,
        schools=schools,
        roads=roads,
        junctions=dict(junctions),
        house_numbers=dict(house_numbers),
        metric_crs=metric,
        area=area,
        county=county,
        townships=town_tuple,
        crossings=crossings,
    )


@dataclass
class _Match:
    match_type: str
    xy: tuple[float, float] | None
    confidence: float
    matched: str = ""
    reason: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)


def _lookup(gaz: Gazetteer, text: str, kinds: tuple[str, ...], *, fuzzy: bool = True) -> list[tuple[str, str, float]]:
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


def _prefix(
    gaz: Gazetteer, text: str, kinds: tuple[str, ...], *, fuzzy: bool = True
) -> tuple[str, list[tuple[str, str, float]]]:
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


def _cands(gaz: Gazetteer, hits: list[tuple[str, str, float]], xy_of: Any) -> list[dict[str, Any]]:
    out = []
    for kind, key, factor in sorted(hits, key=lambda h: -h[2])[:5]:
        xy = xy_of(kind, key)
        lon, lat = gaz.lonlat(*xy) if xy is not None else (np.nan, np.nan)
        out.append({"name": gaz.label(kind, key), "kind": kind, "lon": lon, "lat": lat, "score": round(factor, 3)})
    return out


def _road_point(gaz: Gazetteer, road: str) -> tuple[float, float]:
    geom = gaz.roads[road]
    p = geom.interpolate(0.5, normalized=True) if geom.geom_type == "LineString" else geom.representative_point()
    return (p.x, p.y)


def _intersection(gaz: Gazetteer, a: str, b: str) -> _Match | None:
    ha = _lookup(gaz, a, ("road",))
    hb = _lookup(gaz, b, ("road",))
    if not ha or not hb:
        return None
    best: _Match | None = None
    for _, ra, fa in ha:
        for _, rb, fb in hb:
            common = gaz.junctions.get(ra, set()) & gaz.junctions.get(rb, set())
            if not common:
                continue
            pts = np.array(sorted(common))
            clusters: list[list[np.ndarray]] = []
            for p in pts:
                for c in clusters:
                    if np.hypot(*(c[0] - p)) < 80:
                        c.append(p)
                        break
                else:
                    clusters.append([p])
            centres = [tuple(np.mean(c, axis=0)) for c in clusters]
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
                m = _Match(
                    "intersection",
                    centres[0],
                    0.4 * min(fa, fb),
                    name,
                    f"{len(centres)} crossings of {ra} and {rb}: ambiguous",
                    cands,
                )
            else:
                m = _Match("intersection", centres[0], conf, name, "", cands)
            if best is None or m.confidence > best.confidence:
                best = m
    if best is None:
        return _Match("unmatched", None, 0.0, "", f"roads {ha[0][1]} and {hb[0][1]} do not meet in the road data")
    return best


def _house_number(gaz: Gazetteer, road: str, num: int, factor: float) -> _Match:
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


def _relative(gaz: Gazetteer, sid: str, factor: float, rest: str) -> _Match:
    school = gaz.schools[sid]
    m = _RELATIVE.match(rest)
    assert m is not None  # every group is optional
    gate_word = m.group("gate")
    centre = school.campus.centroid if school.campus is not None else Point(school.xy)
    gate_name = {"大门": "正门", "校门": "正门"}.get(gate_word or "", gate_word or "")
    gate_xy = school.gates.get(gate_name) if gate_name else None
    fallback = 1.0
    if gate_word and gate_xy is None:
        gate_xy = school.gates.get("正门", school.xy)
        fallback = 0.85
    name = school.name + (gate_name if gate_name else "")
    base_xy = gate_xy or school.gates.get("正门", school.xy)

    def out_dir(xy: tuple[float, float]) -> tuple[float, float]:
        v = np.array(xy) - np.array([centre.x, centre.y])
        norm = float(np.hypot(*v))
        return (float(v[0] / norm), float(v[1] / norm)) if norm > 1 else (0.0, -1.0)

    if m.group("d1"):
        d = float(m.group("d1"))
        u = out_dir(base_xy)
        return _Match(
            "relative_offset",
            (base_xy[0] + u[0] * d, base_xy[1] + u[1] * d),
            0.85 * factor * fallback,
            f"{name}外{int(d)}米",
        )
    if m.group("dir"):
        u = _DIRECTIONS[m.group("dir")]
        d = float(m.group("d2"))
        if gate_word:
            xy = _snap_along(gaz, base_xy, u, d)
            return _Match("relative_offset", xy, 0.8 * factor * fallback, f"{name}往{m.group('dir')}{int(d)}米")
        if school.campus is not None:
            far = Point(centre.x + u[0] * 5000, centre.y + u[1] * 5000)
            hit = LineString([centre, far]).intersection(school.campus.exterior)
            edge = shapely.get_point(hit, 0) if hit.geom_type == "MultiPoint" else hit
            if edge is not None and not edge.is_empty and edge.geom_type == "Point":
                xy = (edge.x + u[0] * d, edge.y + u[1] * d)
                x0, y0, x1, y1 = school.campus.bounds
                half_side = ((x1 - x0) if u[1] else (y1 - y0)) / 2  # where along that side is unknown
                conf = float(np.clip(0.85 - half_side / 300, 0.3, 0.75)) * factor
                why = f"campus boundary; position along a {2 * half_side:.0f} m side unknown"
                return _Match("relative_offset", xy, conf, f"{school.name}{m.group('dir')}侧{int(d)}米", why)
        xy = (school.xy[0] + u[0] * d, school.xy[1] + u[1] * d)
        return _Match(
            "relative_offset",
            xy,
            0.6 * factor,
            f"{school.name}{m.group('dir')}侧{int(d)}米",
            "no campus: from the school point",
        )
    if m.group("opp"):
        u = out_dir(base_xy)
        xy = (base_xy[0] + u[0] * 20, base_xy[1] + u[1] * 20)
        return _Match("relative_offset", xy, 0.8 * factor * fallback, f"{name}对面")
    if m.group("near"):
        return _Match("relative_offset", base_xy, 0.7 * factor, f"{name}旁")
    if rest.startswith(("校内", "院内", "内")) and school.campus is not None:
        return _Match("place", (centre.x, centre.y), 0.55 * factor, f"{school.name}校内", "inside the campus: centroid")
    conf = 0.95 if gate_xy is not None or m.group("door") else 0.8
    return _Match("gate", base_xy, conf * factor * fallback, name or school.name)


def _outside(gaz: Gazetteer, text: str) -> str:
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


def _geocode_one(gaz: Gazetteer, raw: object) -> _Match:
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return _Match("unmatched", None, 0.0, reason="empty address")
    text = normalise_address(raw)
    if not text:
        return _Match("unmatched", None, 0.0, reason="empty address")
    if len(text) > MAX_ADDRESS_CHARS:
        return _Match("unmatched", None, 0.0, reason=f"address longer than {MAX_ADDRESS_CHARS} characters")
    if not re.search(r"[\u4e00-\u9fff]", text) and not re.fullmatch(r"[GSX]\d+", text):
        return _Match("unmatched", None, 0.0, reason="no Chinese text in the address")
    reason = _outside(gaz, text)
    if reason:
        return _Match("unmatched", None, 0.0, reason=reason)
    text = _strip_admin(gaz, text)

    def xy_of(kind: str, key: str) -> tuple[float, float] | None:
        if kind == "road":
            return _road_point(gaz, key)
        return gaz.points.get((kind, key))

    cross = _CROSS.match(text)
    if cross:
        m = _intersection(gaz, cross.group("a"), cross.group("b"))
        if m is not None:
            return m

    num = _NUMBER.match(text)
    if num:
        hits = _lookup(gaz, num.group("road"), ("road",))
        rest_hits = _lookup(gaz, num.group("rest"), ("poi",), fuzzy=False) if num.group("rest") else []
        if rest_hits:
            kind, key, f = rest_hits[0]
            return _Match("poi", gaz.points[(kind, key)], 0.9 * f, key)
        if len(hits) == 1:
            return _house_number(gaz, hits[0][1], int(num.group("num")), hits[0][2])
        if len(hits) > 1:
            cands = _cands(gaz, hits, xy_of)
            return _Match("road", None, 0.3, hits[0][1], "road name matches several roads", cands)

    rest, hits = _prefix(gaz, text, ("school", "poi", "place"))
    if hits:
        top = max(h[2] for h in hits)
        best = [h for h in hits if h[2] >= top - 1e-9]
        uniq = {(k, kk) for k, kk, _ in best}
        cands = _cands(gaz, hits, xy_of)
        if len(uniq) > 1:
            kind, key, f = best[0]
            mtype = "gate" if kind == "school" else kind
            return _Match(mtype, None, 0.35, gaz.label(kind, key), f"{len(uniq)} entries share this name", cands)
        kind, key, f = best[0]
        tail = _RELATIVE.match(rest)
        _, poi_hits = _prefix(gaz, tail.group("rest"), ("poi",), fuzzy=False) if tail else ("", [])
        if kind == "school" and poi_hits and len(poi_hits) == 1:
            pk, pkey, pf = poi_hits[0]
            return _Match("poi", gaz.points[(pk, pkey)], 0.9 * pf, pkey, f"named POI near {gaz.label(kind, key)}")
        if kind == "school":
            m = _relative(gaz, key, f, rest)
        else:
            if kind == "poi":
                m = _Match("poi", gaz.points[(kind, key)], 0.9 * f, key)
            else:
                m = _Match(
                    "place", gaz.points[(kind, key)], 0.5 * f, key, "village or place level: an area, not a point"
                )
        m.candidates = cands if len(hits) > 1 else m.candidates
        return m

    hits = _lookup(gaz, text, ("road",))
    if not hits:
        for n in range(len(text) - 1, 1, -1):
            hits = _lookup(gaz, text[:n], ("road",), fuzzy=False)
            if hits:
                break
    if hits:
        kind, key, f = max(hits, key=lambda h: h[2])
        return _Match(
            "road",
            _road_point(gaz, key),
            0.3 * f,
            key,
            "road only: no house number or crossing",
            _cands(gaz, hits, xy_of),
        )
    return _Match("unmatched", None, 0.0, reason="no known road, school, place or POI in the address")


@dataclass
class GeocodeResult:
    """Result of :func:`geocode`.

    Attributes
    ----------
    results
        One row per input address (same index): ``address``, ``geometry``
        (WGS84 point, empty when not accepted), ``lon``/``lat`` of the best
        guess, ``match_type``, ``confidence``, ``matched``, ``reason``,
        ``candidates`` (list of dicts) and ``accepted``.
    review
        The rows below ``min_confidence`` or unmatched, with a Chinese reason
        column ``复核原因`` and the candidates as text, for a planner to check.
    min_confidence
        The threshold used.
    """

    results: gpd.GeoDataFrame
    review: pd.DataFrame
    min_confidence: float

    def summary(self) -> str:
        """Return a one-line account: how many accepted, by type, to review."""
        r = self.results
        counts = r.loc[r["accepted"], "match_type"].value_counts().to_dict()
        return f"{int(r['accepted'].sum())}/{len(r)} geocoded {counts}; {len(self.review)} to review"


def geocode(
    gazetteer: Gazetteer,
    addresses: Sequence[object] | pd.Series,
    *,
    min_confidence: float = 0.6,
) -> GeocodeResult:
    """Geocode address strings offline against a gazetteer.

    Parameters
    ----------
    gazetteer
        From :func:`build_gazetteer`.
    addresses
        Address strings; any value (``None``, numbers, very long text) is
        accepted and bad ones come back ``unmatched`` with a reason.
    min_confidence
        Rows below this confidence are not placed (``accepted`` is False,
        geometry empty) and are listed in ``review``.

    Returns
    -------
    GeocodeResult

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> gaz = build_gazetteer(load_demo())
    >>> res = geocode(gaz, ["城关一小东门口", ""])
    >>> res.results["match_type"].tolist()
    ['gate', 'unmatched']
    """
    if not 0.0 <= min_confidence <= 1.0:
        msg = f"min_confidence must be in 0..1; got {min_confidence!r}"
        raise InputError(msg)
    series = addresses if isinstance(addresses, pd.Series) else pd.Series(list(addresses), dtype=object)
    rows = []
    for value in series:
        try:
            m = _geocode_one(gazetteer, value)
        except Exception as exc:  # never let one odd address stop a batch
            logger.exception("geocode: failed on %r", str(value)[:50])
            m = _Match("unmatched", None, 0.0, reason=f"internal error: {type(exc).__name__}")
        if m.xy is not None and gazetteer.area is not None and not gazetteer.area.contains(Point(m.xy)):
            m = _Match("unmatched", None, 0.0, reason="point outside the district")
        lon, lat = gazetteer.lonlat(*m.xy) if m.xy is not None else (np.nan, np.nan)
        if m.match_type == "unmatched":
            m.confidence = 0.0
        rows.append(
            {
                "address": value,
                "lon": lon,
                "lat": lat,
                "match_type": m.match_type,
                "confidence": round(float(min(max(m.confidence, 0.0), 1.0)), 3),
                "matched": m.matched,
                "reason": m.reason,
                "candidates": m.candidates,
            }
        )
    frame = pd.DataFrame(rows, index=series.index)
    if frame.empty:
        frame = pd.DataFrame(
            columns=["address", "lon", "lat", "match_type", "confidence", "matched", "reason", "candidates"]
        )
    frame["accepted"] = (frame["match_type"] != "unmatched") & (frame["confidence"] >= min_confidence)
    geom = [Point(x, y) if a else None for x, y, a in zip(frame["lon"], frame["lat"], frame["accepted"], strict=False)]
    results = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geom, index=frame.index, crs=4326), crs=4326)
    review = _review_table(results)
    logger.info(
        "geocode: %d addresses, %d accepted, %d to review", len(results), int(results["accepted"].sum()), len(review)
    )
    return GeocodeResult(results, review, min_confidence)


def geocode_hazards(
    district: Any,
    *,
    gazetteer: Gazetteer | None = None,
    min_confidence: float = 0.6,
) -> GeocodeResult:
    """Geocode the hazards flagged ``needs_geocoding`` and keep the others.

    Parameters
    ----------
    district
        A district with a ``hazards`` layer (``address`` and ``needs_geocoding``).
    gazetteer
        Built with :func:`build_gazetteer` when not given.
    min_confidence
        See :func:`geocode`.

    Returns
    -------
    GeocodeResult
        ``results`` is the full hazards table: rows that needed geocoding and
        were accepted get their point and ``needs_geocoding`` False; the
        others keep their geometry; ``match_type`` is ``"given"`` for rows that
        already had coordinates; ``accepted`` is True for every placed row. ``review`` holds the rows still to place.
    """
    hazards = district.layers.get("hazards")
    if hazards is None or "address" not in hazards:
        msg = "geocode_hazards: district has no 'hazards' layer with an 'address' column"
        raise InputError(msg)
    gaz = gazetteer or build_gazetteer(district)
    todo = (
        hazards["needs_geocoding"].fillna(False).astype(bool)
        if "needs_geocoding" in hazards
        else hazards.geometry.isna()
    )
    res = geocode(gaz, hazards.loc[todo, "address"], min_confidence=min_confidence)
    out = hazards.copy()
    for col in ("match_type", "confidence", "matched", "reason"):
        out[col] = res.results[col].reindex(out.index)
    out.loc[~todo, "match_type"] = "given"
    out.loc[~todo, "confidence"] = 1.0
    ok = res.results.index[res.results["accepted"]]
    out.loc[ok, "geometry"] = res.results.loc[ok, "geometry"].to_crs(out.crs)
    out["needs_geocoding"] = todo.copy()
    out.loc[ok, "needs_geocoding"] = False
    out["accepted"] = ~out["needs_geocoding"]
    review = res.review.copy()
    if "hazard_id" in out:
        review.insert(0, "隐患编号", out.loc[review.index, "hazard_id"])
    return GeocodeResult(gpd.GeoDataFrame(out, geometry="geometry", crs=hazards.crs), review, min_confidence)


ADDRESS_COLUMNS = ("地址", "隐患地址", "详细地址", "位置", "地点", "address")


def geocode_file(
    path: str | Path,
    gazetteer: Gazetteer,
    *,
    column: str | None = None,
    out: str | Path | None = None,
    min_confidence: float = 0.6,
    sheet: str | int | None = None,
) -> tuple[GeocodeResult, Path, Path]:
    """Geocode the address column of a CSV or XLSX file and write two tables.

    Writes ``<stem>_地理编码.csv`` (every input row with 经度, 纬度, 匹配类型,
    置信度, 匹配名称, 说明, 是否采用) and ``<stem>_地理编码待复核.csv`` (rows
    below ``min_confidence`` with their candidates).

    Parameters
    ----------
    path
        A ``.csv`` (any common Chinese encoding) or ``.xlsx`` file.
    gazetteer
        From :func:`build_gazetteer`.
    column
        The address column; found among :data:`ADDRESS_COLUMNS` when omitted.
    out
        Output folder (default: beside the file).
    min_confidence
        See :func:`geocode`.
    sheet
        Worksheet of an ``.xlsx`` file (the first by default).

    Returns
    -------
    tuple
        ``(result, results_path, review_path)``.
    """
    from io import StringIO

    from hutan_geo.io.readers import decode_text, write_table

    path = Path(path)
    if not path.exists():
        msg = f"{path.name}: no such file ({path})"
        raise FileNotFoundError(msg)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        text, _ = decode_text(path.read_bytes(), source=path.name)
        table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    elif suffix == ".xlsx":
        table = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
    else:
        msg = f"{path.name}: geocode reads .csv or .xlsx; got {suffix!r}"
        raise InputError(msg)
    table.columns = [normalise_text(c) for c in table.columns]
    if column is None:
        column = next((c for c in ADDRESS_COLUMNS if c in table.columns), None)
    if column is None or column not in table.columns:
        msg = (
            f"{path.name}: no address column {column or ''!r}; found {list(table.columns)}, "
            f"expected one of {list(ADDRESS_COLUMNS)} or pass column="
        )
        raise InputError(msg)
    res = geocode(gazetteer, table[column], min_confidence=min_confidence)
    r = res.results
    full = table.copy()
    full["经度"] = r["lon"].round(6).where(r["accepted"])
    full["纬度"] = r["lat"].round(6).where(r["accepted"])
    full["匹配类型"] = r["match_type"].map(MATCH_LABELS)
    full["置信度"] = r["confidence"]
    full["匹配名称"] = r["matched"]
    full["说明"] = r["reason"]
    full["是否采用"] = r["accepted"].map({True: "是", False: "否（待复核）"})
    folder = Path(out) if out is not None else path.parent
    extra = res.review.drop(columns=["地址"])
    extra.columns = [f"{c}_复核" if c in table.columns else c for c in extra.columns]
    review = pd.concat([table.loc[res.review.index], extra], axis=1)
    results_path = write_table(full, folder / f"{path.stem}_地理编码.csv")
    review_path = write_table(review, folder / f"{path.stem}_地理编码待复核.csv")
    logger.info("geocode_file: %s", res.summary())
    return res, results_path, review_path


MATCH_LABELS = {
    "gate": "校门",
    "poi": "兴趣点",
    "intersection": "路口",
    "relative_offset": "相对位置",
    "road": "道路",
    "place": "地名",
    "unmatched": "未匹配",
}


_SECTORS = ("东", "东北", "北", "西北", "西", "西南", "南", "东南")


def _bearing_word(dx: float, dy: float) -> str:
    """Chinese compass word (8 sectors) for a metric offset; east is 0 degrees."""
    angle = np.degrees(np.arctan2(dy, dx)) % 360
    return _SECTORS[int(((angle + 22.5) % 360) // 45)]


def _describe(name: str, dx: float, dy: float) -> tuple[str, float]:
    d = float(np.hypot(dx, dy))
    if d < 10:
        return f"{name}处", d
    return f"{name}{_bearing_word(dx, dy)}约{int(round(d, -1) if d >= 15 else round(d))}米", d


def reverse_geocode(
    gazetteer: Gazetteer,
    points: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[tuple[float, float]],
    *,
    gate_m: float = 50.0,
    crossing_m: float = 100.0,
    road_m: float = 200.0,
) -> pd.DataFrame:
    """Describe points by their nearest gate, road crossing, road or place.

    For map popups and duty rosters: ``"贵生路与207国道交叉口东北约30米"``.
    A school gate within ``gate_m`` wins, then a crossing within ``crossing_m``,
    then the nearest road within ``road_m`` (``"人民路北侧约40米"``), then the
    nearest village, POI or school at any distance (``"西门村东约300米"``).

    Parameters
    ----------
    gazetteer
        From :func:`build_gazetteer`.
    points
        A GeoSeries/GeoDataFrame of points with a CRS, or WGS84 ``(lon, lat)`` pairs.
    gate_m, crossing_m, road_m
        Search radii in metres.

    Returns
    -------
    pandas.DataFrame
        ``description`` (Chinese), ``anchor_kind`` (gate, intersection, road,
        place, poi, school or none), ``anchor``, ``distance_m``; same index as
        a GeoSeries input. Points without coordinates read ``无坐标``, points
        far outside the district ``超出辖区范围``.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> gaz = build_gazetteer(load_demo())
    >>> res = geocode(gaz, ["城关一小东门口"]).results
    >>> reverse_geocode(gaz, res.geometry)["description"].iloc[0]
    '城关第一小学东门处'
    """
    from scipy.spatial import cKDTree

    if isinstance(points, gpd.GeoDataFrame):
        points = points.geometry
    if isinstance(points, gpd.GeoSeries):
        if points.crs is None:
            msg = "reverse_geocode: points have no CRS; set one (e.g. points.set_crs(4326))"
            raise InputError(msg)
        index = points.index
        metric = points.to_crs(gazetteer.metric_crs)
        xy = [(g.x, g.y) if g is not None and not g.is_empty else (np.nan, np.nan) for g in metric]
    else:
        pairs = np.asarray(list(points), dtype=float).reshape(-1, 2)
        index = pd.RangeIndex(len(pairs))
        tr = pyproj.Transformer.from_crs(4326, gazetteer.metric_crs, always_xy=True)
        xs, ys = tr.transform(pairs[:, 0], pairs[:, 1])
        xy = list(zip(np.atleast_1d(xs), np.atleast_1d(ys), strict=True))

    gates = [(gx, gy, s.name + gname) for s in gazetteer.schools.values() for gname, (gx, gy) in s.gates.items()]
    gate_tree = cKDTree([(g[0], g[1]) for g in gates]) if gates else None
    named = [c for c in gazetteer.crossings if len(c[2]) >= 2]
    cross_tree = cKDTree([(c[0], c[1]) for c in named]) if named else None
    spots = [(x, y, kind, key) for (kind, key), (x, y) in gazetteer.points.items()]
    spot_tree = cKDTree([(s[0], s[1]) for s in spots]) if spots else None
    road_names = list(gazetteer.roads)
    road_geoms = gpd.GeoSeries([gazetteer.roads[n] for n in road_names])
    road_index = road_geoms.sindex if road_names else None

    rows = []
    for x, y in xy:
        row: dict[str, Any] = {"description": "", "anchor_kind": "none", "anchor": "", "distance_m": np.nan}
        if not (np.isfinite(x) and np.isfinite(y)):
            row["description"] = "无坐标"
            rows.append(row)
            continue
        if gazetteer.area is not None and not gazetteer.area.contains(Point(x, y)):
            row["description"] = "超出辖区范围"
            rows.append(row)
            continue
        if gate_tree is not None:
            d, i = gate_tree.query((x, y))
            if d <= gate_m:
                gx, gy, name = gates[i]
                row.update(anchor_kind="gate", anchor=name)
                row["description"], row["distance_m"] = _describe(name, x - gx, y - gy)
                rows.append(row)
                continue
        if cross_tree is not None:
            d, i = cross_tree.query((x, y))
            if d <= crossing_m:
                cx, cy, names = named[i]
                name = "与".join(names[:2]) + "交叉口"
                row.update(anchor_kind="intersection", anchor=name)
                row["description"], row["distance_m"] = _describe(name, x - cx, y - cy)
                rows.append(row)
                continue
        if road_index is not None:
            near = road_index.query(Point(x, y).buffer(road_m))
            if len(near):
                here = Point(x, y)
                j = min(near, key=lambda k: road_geoms.iloc[k].distance(here))
                geom = road_geoms.iloc[j]
                d = geom.distance(here)
                if d <= road_m:
                    foot = nearest_points(geom, here)[0]
                    name = road_names[j]
                    side = _bearing_word(x - foot.x, y - foot.y)
                    text = f"{name}上" if d < 10 else f"{name}{side}侧约{int(round(d, -1) if d >= 15 else round(d))}米"
                    row.update(anchor_kind="road", anchor=name, description=text, distance_m=d)
                    rows.append(row)
                    continue
        if spot_tree is not None:
            d, i = spot_tree.query((x, y))
            sx, sy, kind, key = spots[i]
            name = gazetteer.label(kind, key)
            row.update(anchor_kind=kind, anchor=name)
            row["description"], row["distance_m"] = _describe(name, x - sx, y - sy)
        rows.append(row)
    out = pd.DataFrame(rows, index=index, columns=["description", "anchor_kind", "anchor", "distance_m"])
    out["distance_m"] = out["distance_m"].astype(float).round(1)
    return out


__all__ = [
    "ADDRESS_COLUMNS",
    "MATCH_LABELS",
    "MATCH_TYPES",
    "Gazetteer",
    "GeocodeResult",
    "build_gazetteer",
    "geocode",
    "geocode_file",
    "geocode_hazards",
    "normalise_address",
    "reverse_geocode",
]


# --- optional online back ends (issue item 6) --------------------------------

ONLINE_BACKENDS = {"nominatim": "wgs84", "baidu": "bd09"}
"""Online back ends provided through geopy and the datum of their results.

geopy (2.4, 2.5) has no Gaode/Amap geocoder, so none is offered here.
"""


@dataclass(frozen=True)
class OnlineGeocoder:
    """Settings of an optional online geocoder (off unless passed to :func:`geocode_online`).

    Attributes
    ----------
    backend
        ``"nominatim"`` (OpenStreetMap, WGS84 results) or ``"baidu"``
        (geopy ``BaiduV3``, BD-09 results; needs ``api_key``).
    api_key
        Key of the service (Baidu ``ak``).
    user_agent
        Sent with every request (Nominatim's usage policy requires one).
    cache_path
        An sqlite3 file caching answers by backend + normalised query (found
        and not-found answers; service errors are not cached). ``None``: no cache.
    min_delay_s
        Least time between two requests (geopy ``RateLimiter``); Nominatim's
        policy is one request per second.
    datum
        Datum of the service's coordinates (``wgs84``, ``gcj02`` or ``bd09``);
        by default that of the backend (see :data:`ONLINE_BACKENDS`). Results
        are always converted to WGS84 with :func:`hutan_geo.model.crs.to_wgs84`.
    confidence
        Confidence given to an online answer when the service reports none
        (Nominatim). Baidu's ``confidence`` (0..100) is used divided by 100.
    region
        Text put in front of queries that do not start with it (e.g. ``"湖南省青岚县"``).
    timeout_s, max_retries, error_wait_s
        Per-request timeout, retries after a service error and wait between them.
    client
        A geopy-like geocoder (any object with ``geocode(query, exactly_one=True)``);
        built from ``backend`` when ``None``. Used by tests to avoid the network.
    """

    backend: str = "nominatim"
    api_key: str | None = None
    user_agent: str = "hutan_geo"
    cache_path: str | Path | None = None
    min_delay_s: float = 1.0
    datum: str | None = None
    confidence: float = 0.7
    region: str = ""
    timeout_s: float = 10.0
    max_retries: int = 1
    error_wait_s: float = 5.0
    client: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.backend not in ONLINE_BACKENDS:
            msg = f"OnlineGeocoder: backend {self.backend!r} not supported; choose one of {sorted(ONLINE_BACKENDS)}"
            raise InputError(msg)
        if self.backend == "baidu" and not self.api_key and self.client is None:
            msg = "OnlineGeocoder: backend 'baidu' needs api_key (the Baidu Maps 'ak')"
            raise InputError(msg)
        if self.min_delay_s < 0 or not 0.0 <= self.confidence <= 1.0:
            msg = "OnlineGeocoder: min_delay_s must be >= 0 and confidence in 0..1"
            raise InputError(msg)

    @property
    def result_datum(self) -> str:
        """Datum of the service's coordinates."""
        return self.datum or ONLINE_BACKENDS[self.backend]

    def make_client(self) -> Any:
        """Return the geopy geocoder (or the injected ``client``)."""
        if self.client is not None:
            return self.client
        try:
            from geopy.geocoders import BaiduV3, Nominatim
        except ImportError as exc:  # pragma: no cover - depends on the install
            msg = "online geocoding needs geopy: pip install 'hutan_geo[online]'"
            raise ImportError(msg) from exc
        if self.backend == "baidu":
            return BaiduV3(api_key=self.api_key, user_agent=self.user_agent, timeout=self.timeout_s)
        return Nominatim(user_agent=self.user_agent, timeout=self.timeout_s)

    def rate_limited(self, client: Any) -> Any:
        """Wrap ``client.geocode`` in geopy's ``RateLimiter`` (errors are raised, not swallowed)."""
        try:
            from geopy.extra.rate_limiter import RateLimiter
        except ImportError as exc:  # pragma: no cover - depends on the install
            msg = "online geocoding needs geopy: pip install 'hutan_geo[online]'"
            raise ImportError(msg) from exc
        return RateLimiter(
            client.geocode,
            min_delay_seconds=self.min_delay_s,
            max_retries=self.max_retries,
            error_wait_seconds=self.error_wait_s,
            swallow_exceptions=False,
        )


class _OnlineCache:
    """sqlite3 cache: (backend, query) -> JSON answer."""

    def __init__(self, path: str | Path | None) -> None:
        import sqlite3

        self.con = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.con = sqlite3.connect(str(path))
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS answers"
                " (backend TEXT, query TEXT, answer TEXT, PRIMARY KEY (backend, query))"
            )

    def get(self, backend: str, query: str) -> dict | None:
        if self.con is None:
            return None
        row = self.con.execute("SELECT answer FROM answers WHERE backend=? AND query=?", (backend, query)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, backend: str, query: str, answer: dict) -> None:
        if self.con is not None:
            self.con.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                (backend, query, json.dumps(answer, ensure_ascii=False)),
            )
            self.con.commit()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()


def _ask_online(online: OnlineGeocoder, ask: Any, query: str) -> dict:
    """One request: ``{"found": bool, "lon", "lat" (WGS84), "matched", "confidence"}``."""
    from hutan_geo.model.crs import to_wgs84

    loc = ask(query, exactly_one=True)
    if loc is None:
        return {"found": False}
    if isinstance(loc, list | tuple) and loc and not isinstance(loc[0], int | float):
        loc = loc[0]
    lon, lat = to_wgs84(float(loc.longitude), float(loc.latitude), online.result_datum)
    raw = getattr(loc, "raw", None) or {}
    conf = online.confidence
    if online.backend == "baidu" and isinstance(raw.get("confidence"), int | float):
        conf = float(min(max(raw["confidence"] / 100.0, 0.0), 1.0))
    return {
        "found": True,
        "lon": float(lon),
        "lat": float(lat),
        "matched": str(getattr(loc, "address", "") or ""),
        "confidence": conf,
    }


def _review_table(results: pd.DataFrame) -> pd.DataFrame:
    """Return the review table of :func:`geocode` for the rows not accepted."""
    bad = results.loc[~results["accepted"]]
    return pd.DataFrame(
        {
            "地址": bad["address"],
            "匹配类型": bad["match_type"],
            "置信度": bad["confidence"],
            "最佳匹配": bad["matched"],
            "经度": bad["lon"],
            "纬度": bad["lat"],
            "复核原因": [
                r or ("置信度低于阈值" if t != "unmatched" else "未匹配")
                for r, t in zip(bad["reason"], bad["match_type"], strict=False)
            ],
            "候选": ["；".join(f"{c['name']}({c['score']})" for c in cs) for cs in bad["candidates"]],
        },
        index=bad.index,
    )


def _note(results: pd.DataFrame, idx: Any, text: str) -> None:
    """Add ``text`` to the reason of a row, keeping the offline reason."""
    old = results.at[idx, "reason"]
    results.at[idx, "reason"] = f"{old}; {text}" if isinstance(old, str) and old else text


def geocode_online(
    addresses: Sequence[object] | pd.Series,
    online: OnlineGeocoder,
    *,
    gazetteer: Gazetteer | None = None,
    min_confidence: float = 0.6,
) -> GeocodeResult:
    """Geocode offline first, then ask an online service for the rows left over.

    Online geocoding is never used by :func:`geocode`; call this function with
    an :class:`OnlineGeocoder` to opt in. With a ``gazetteer`` the offline
    geocoder runs first and only its rows not accepted are sent online
    (addresses leave the machine: check this is allowed). Without one every
    row is sent.

    Online answers get ``match_type="online"``, ``matched`` = ``"<backend>: <address>"``,
    the confidence of the service (see :class:`OnlineGeocoder`) and are still
    sent to review below ``min_confidence``, or when they fall outside the
    gazetteer's district. Service errors and empty answers give ``unmatched``
    rows with a reason, never an exception.
    """
    if not 0.0 <= min_confidence <= 1.0:
        msg = f"min_confidence must be in 0..1; got {min_confidence!r}"
        raise InputError(msg)
    series = addresses if isinstance(addresses, pd.Series) else pd.Series(list(addresses), dtype=object)
    if gazetteer is not None:
        results = geocode(gazetteer, series, min_confidence=min_confidence).results.copy()
    else:
        results = gpd.GeoDataFrame(
            {
                "address": series,
                "lon": np.nan,
                "lat": np.nan,
                "match_type": "unmatched",
                "confidence": 0.0,
                "matched": None,
                "reason": "",
                "candidates": [[] for _ in range(len(series))],
                "accepted": False,
            },
            index=series.index,
            geometry=gpd.GeoSeries([None] * len(series), index=series.index, crs=4326),
            crs=4326,
        )
    todo = results.index[~results["accepted"].astype(bool)]
    to_metric = (
        pyproj.Transformer.from_crs(4326, gazetteer.metric_crs, always_xy=True) if gazetteer is not None else None
    )
    cache = _OnlineCache(online.cache_path)
    ask = None
    try:
        for idx in todo:
            value = results.at[idx, "address"]
            query = normalise_address(value)[:MAX_ADDRESS_CHARS]
            if len(query) < 2:
                results.at[idx, "reason"] = results.at[idx, "reason"] or "empty address"
                continue
            if online.region and not query.startswith(online.region):
                query = online.region + query
            answer = cache.get(online.backend, query)
            if answer is None:
                if ask is None:
                    ask = online.rate_limited(online.make_client())
                try:
                    answer = _ask_online(online, ask, query)
                except Exception as exc:  # any service failure -> unmatched row with a reason
                    logger.warning("geocode_online: %s failed on %r: %s", online.backend, query[:50], exc)
                    _note(results, idx, f"online {online.backend} error: {type(exc).__name__}")
                    continue
                cache.put(online.backend, query, answer)
            if not answer.get("found"):
                _note(results, idx, f"online {online.backend}: not found")
                continue
            lon, lat = answer["lon"], answer["lat"]
            if to_metric is not None and gazetteer.area is not None:
                x, y = to_metric.transform(lon, lat)
                if not gazetteer.area.contains(Point(x, y)):
                    _note(results, idx, f"online {online.backend}: point outside the district")
                    continue
            results.at[idx, "lon"] = lon
            results.at[idx, "lat"] = lat
            results.at[idx, "match_type"] = "online"
            results.at[idx, "confidence"] = round(float(answer["confidence"]), 3)
            results.at[idx, "matched"] = f"{online.backend}: {answer['matched']}"
            results.at[idx, "reason"] = ""
            results.at[idx, "candidates"] = []
    finally:
        cache.close()
    online_rows = results["match_type"] == "online"
    results.loc[online_rows, "accepted"] = results.loc[online_rows, "confidence"] >= min_confidence
    results["accepted"] = results["accepted"].astype(bool)
    results = results.set_geometry(
        gpd.GeoSeries(
            [
                Point(x, y) if a else None
                for x, y, a in zip(results["lon"], results["lat"], results["accepted"], strict=False)
            ],
            index=results.index,
            crs=4326,
        )
    )
    review = _review_table(results)
    logger.info(
        "geocode_online: %d addresses, %d online answers, %d to review",
        len(results),
        int(online_rows.sum()),
        len(review),
    )
    return GeocodeResult(results, review, min_confidence)


__all__ += ["ONLINE_BACKENDS", "OnlineGeocoder", "geocode_online"]
MATCH_LABELS.setdefault("online", "在线地理编码")
