"""The gazetteer: every name variant of a district and the point or line it names.

Built once per district by :func:`build_gazetteer` from the schools (with short
forms such as ``一中`` or ``城关一小``), their gates and campuses, villages and
POIs, roads (with ``G207``-style refs), the crossings of named roads, house
numbers known from school addresses and optional user tables. All geometry is
kept in the district's local metric CRS.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import Point
from shapely.ops import linemerge

from hutan_geo.errors import InputError
from hutan_geo.geocode.fold import PinyinIndex
from hutan_geo.geocode.normalise import normalise_address

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["Gazetteer", "build_gazetteer"]

logger = logging.getLogger("hutan_geo")

#: Normalised variant -> ``(kind, key, factor)`` entries.
Names = dict[str, list[tuple[str, str, float]]]

_ORDINAL = re.compile(r"第([一二三四五六七八九十]+)(中学|小学|幼儿园|中心小学)$")
_SHORT = {"中学": "中", "小学": "小"}
_REF_KINDS = {"G": "国道", "S": "省道", "X": "县道", "Y": "乡道", "Z": "专用公路", "C": "村道"}
_PLACE_KINDS = ("村庄", "社区", "集镇", "place", "village")


@dataclass
class _School:
    school_id: str
    name: str
    xy: tuple[float, float]
    gates: dict[str, tuple[float, float]]
    campus: Any  # shapely polygon in metric, or None

    @cached_property
    def centre(self) -> Point:
        """Centroid of the campus (the school point without one), computed once."""
        return self.campus.centroid if self.campus is not None else Point(self.xy)


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
        used by :func:`~hutan_geo.geocode.reverse_geocode`.
    township_of
        ``(kind, key)`` -> township of a school or place (when the layer says),
        to catch an address whose township contradicts the matched name.
    cache
        Look-up structures built on first use (names by length, pinyin index).
    """

    names: Names
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
    township_of: dict[tuple[str, str], str] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _to_wgs: Any = field(default=None, repr=False)

    @property
    def pinyin(self) -> PinyinIndex:
        """The name variants keyed by tone-free pinyin and initials (built on first use)."""
        index = self.cache.get("pinyin")
        if index is None:
            index = self.cache["pinyin"] = PinyinIndex.build(self.names)
        return index

    def lonlat_many(self, xs: Sequence[float], ys: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """Return WGS84 longitudes and latitudes of metric points, in one transform."""
        if self._to_wgs is None:
            self._to_wgs = pyproj.Transformer.from_crs(self.metric_crs, 4326, always_xy=True)
        lon, lat = self._to_wgs.transform(np.asarray(xs, float), np.asarray(ys, float))
        return np.asarray(lon, float), np.asarray(lat, float)

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


def _road_point(gaz: Gazetteer, road: str) -> tuple[float, float]:
    """Metric point standing for a whole road: its middle (or a point on it)."""
    geom = gaz.roads[road]
    p = geom.interpolate(0.5, normalized=True) if geom.geom_type == "LineString" else geom.representative_point()
    return (p.x, p.y)


# --- name variants -----------------------------------------------------------


def _add(names: Names, variant: str, kind: str, key: str, factor: float) -> None:
    """Record ``variant`` for ``(kind, key)``, keeping the best factor of a repeat."""
    variant = normalise_address(variant)
    if len(variant) < 2:
        return
    entries = names.setdefault(variant, [])
    for i, (k, kk, f) in enumerate(entries):
        if k == kind and kk == key:
            entries[i] = (k, kk, max(f, factor))
            return
    entries.append((kind, key, factor))


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
    """Return the spellings of a road: its ref (``G207``, ``207国道`` …) and its name without 路/街."""
    out = [(name, 1.0)]
    m = re.fullmatch(r"([GSXYZC])(\d+)", ref or "")
    if m:
        kind = _REF_KINDS[m.group(1)]
        num = m.group(2)
        out += [(ref, 1.0), (f"{num}{kind}", 1.0), (f"{kind}{num}", 1.0), (f"{ref}{kind}", 1.0)]
    stem = re.sub(r"(大道|大街|公路|路|街|巷|道)$", "", name)
    if stem != name and len(stem) >= 2:
        out.append((stem, 0.85))  # missing 路/街
    return out


def _county_of(names: Iterable[str]) -> str:
    """Return the most frequent county prefix (``青岚县``) of school names."""
    counts: dict[str, int] = defaultdict(int)
    for n in names:
        m = re.match(r"^(.{1,4}?[县区市旗])", str(n))
        if m:
            counts[m.group(1)] += 1
    return max(counts, key=counts.get) if counts else ""  # type: ignore[arg-type]


def _townships(layers: dict[str, gpd.GeoDataFrame]) -> tuple[str, ...]:
    """Township names of the schools and places layers, longest first."""
    townships: set[str] = set()
    for key in ("schools", "places"):
        g = layers.get(key)
        if g is not None and "township" in g:
            townships |= {str(t) for t in g["township"].dropna() if str(t).endswith(("镇", "乡", "街道"))}
    return tuple(sorted(townships, key=lambda t: (-len(t), t)))  # ties by name: the same order every run


# --- the builder -------------------------------------------------------------


@dataclass
class _Draft:
    """What :func:`build_gazetteer` collects, layer after layer."""

    metric: pyproj.CRS
    county: str
    townships: tuple[str, ...]
    names: Names = field(default_factory=dict)
    points: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    schools: dict[str, _School] = field(default_factory=dict)
    hull_parts: list[Any] = field(default_factory=list)
    township_of: dict[tuple[str, str], str] = field(default_factory=dict)

    def note_townships(self, kind: str, keys: Iterable[str], frame: gpd.GeoDataFrame) -> None:
        """Remember the township of each entry when the layer has one."""
        if "township" in frame:
            for key, township in zip(keys, frame["township"], strict=False):
                if isinstance(township, str) and township:
                    self.township_of[(kind, key)] = township

    def add_schools(self, schools_gdf: gpd.GeoDataFrame, layers: dict[str, gpd.GeoDataFrame]) -> None:
        """Schools with their gates, campus and short forms."""
        sm = schools_gdf.to_crs(self.metric)
        campuses = layers.get("campuses")
        campus_by_id = {}
        if campuses is not None and not campuses.empty:
            cm = campuses.to_crs(self.metric)
            campus_by_id = dict(zip(cm["school_id"].astype(str), cm.geometry, strict=False))
        gates_by_id = self._gates(layers.get("gates"))
        self.note_townships("school", sm["school_id"].astype(str), sm)
        for sid, name, geom in zip(sm["school_id"].astype(str), sm["name"].astype(str), sm.geometry, strict=False):
            if geom is None or geom.is_empty:
                continue
            self.schools[sid] = _School(
                sid, name, (geom.x, geom.y), dict(gates_by_id.get(sid, {})), campus_by_id.get(sid)
            )
            self.points[("school", sid)] = (geom.x, geom.y)
            self.hull_parts.append(geom)
            for variant, factor in _school_variants(name, self.county, self.townships):
                _add(self.names, variant, "school", sid, factor)

    def _gates(self, gates: gpd.GeoDataFrame | None) -> dict[str, dict[str, tuple[float, float]]]:
        """School id -> gate name -> metric xy (the first gate of a name wins)."""
        gates_by_id: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
        if gates is not None and not gates.empty:
            gm = gates.to_crs(self.metric)
            for sid, gname, geom in zip(
                gm["school_id"].astype(str), gm["gate_name"].astype(str), gm.geometry, strict=False
            ):
                if geom is not None and not geom.is_empty:
                    gates_by_id[sid].setdefault(gname, (geom.x, geom.y))
        return gates_by_id

    def add_places(self, places: gpd.GeoDataFrame) -> None:
        """Villages and communities (``place``) and other named places (``poi``)."""
        gm = places.to_crs(self.metric)
        kinds = gm["kind"].astype(str) if "kind" in gm else pd.Series("place", index=gm.index)
        for name, kind, geom, i in zip(gm["name"].astype(str), kinds, gm.geometry, range(len(gm)), strict=False):
            if geom is None or geom.is_empty:
                continue
            k = "place" if kind in _PLACE_KINDS else "poi"
            self.note_townships(k, [name], gm.iloc[[i]])
            pt = geom.representative_point()
            self.points[(k, name)] = (pt.x, pt.y)
            self.hull_parts.append(pt)
            clean = re.sub(r"\(.*?\)", "", normalise_address(name))
            _add(self.names, clean, k, name, 1.0)
            for prefix in (self.county, *self.townships):
                if prefix and clean.startswith(prefix) and len(clean) > len(prefix) + 1:
                    _add(self.names, clean[len(prefix) :], k, name, 0.9)
                    if prefix == self.county:
                        _add(self.names, "县" + clean[len(prefix) :], k, name, 0.95)  # 县人民医院
                    if prefix in self.townships:
                        _add(self.names, prefix[:-1] + clean[len(prefix) :], k, name, 0.9)

    def add_extra(self, extra: pd.DataFrame) -> None:
        """Add a user table of ``name``, ``lon``, ``lat`` and optional ``kind``."""
        missing = {"name", "lon", "lat"} - set(extra.columns)
        if missing:
            msg = f"build_gazetteer: extra table lacks columns {sorted(missing)}; expected name, lon, lat[, kind]"
            raise InputError(msg)
        lon = pd.to_numeric(extra["lon"], errors="coerce")
        lat = pd.to_numeric(extra["lat"], errors="coerce")
        ok = lon.between(-180, 180) & lat.between(-90, 90)
        to_m = pyproj.Transformer.from_crs(4326, self.metric, always_xy=True)
        xs, ys = to_m.transform(lon[ok].to_numpy(), lat[ok].to_numpy())
        kinds = extra["kind"] if "kind" in extra else pd.Series("place", index=extra.index)
        for name, kind, x, y in zip(extra.loc[ok, "name"].astype(str), kinds[ok].astype(str), xs, ys, strict=False):
            k = kind if kind in ("poi", "place") else "place"
            self.points[(k, name)] = (float(x), float(y))
            self.hull_parts.append(Point(x, y))
            _add(self.names, name, k, name, 1.0)
        if (~ok).any():
            logger.warning("build_gazetteer: %d extra rows without valid lon/lat skipped", int((~ok).sum()))


def _road_parts(
    lines: gpd.GeoDataFrame,
) -> tuple[dict[str, list[Any]], dict[tuple[float, float], set[str]], dict[str, str]]:
    """Line parts by normalised road name, the names at each vertex, and the refs."""
    by_name: dict[str, list[Any]] = defaultdict(list)
    vertex_names: dict[tuple[float, float], set[str]] = defaultdict(set)
    refs: dict[str, str] = {}
    ref_col = lines["ref"] if "ref" in lines else pd.Series("", index=lines.index)
    for name, ref, geom in zip(lines["name"], ref_col, lines.geometry, strict=False):
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
    return by_name, vertex_names, refs


def _add_roads(
    draft: _Draft, lines: gpd.GeoDataFrame | None
) -> tuple[dict[str, Any], dict[str, set[tuple[float, float]]], list[tuple[float, float, tuple[str, ...]]]]:
    """Named roads (merged), their spellings, junctions and crossings."""
    roads: dict[str, Any] = {}
    junctions: dict[str, set[tuple[float, float]]] = defaultdict(set)
    crossings: list[tuple[float, float, tuple[str, ...]]] = []
    if lines is None or lines.empty:
        return roads, junctions, crossings
    lm = lines.to_crs(draft.metric) if lines.crs is not None and lines.crs != draft.metric else lines
    by_name, vertex_names, refs = _road_parts(lm)
    for name, parts in by_name.items():
        roads[name] = linemerge(parts) if len(parts) > 1 else parts[0]
        for variant, factor in _road_variants(name, refs.get(name, "")):
            _add(draft.names, variant, "road", name, factor)
        draft.hull_parts.append(roads[name].centroid)
    for xy, ns in vertex_names.items():
        if len(ns) > 1:
            crossings.append((xy[0], xy[1], tuple(sorted(ns))))
            for n in ns:
                junctions[n].add(xy)
    return roads, junctions, crossings


def _house_numbers(
    schools_gdf: gpd.GeoDataFrame | None, schools: dict[str, _School], roads: dict[str, Any]
) -> dict[str, list[tuple[int, float, float]]]:
    """House numbers known from school addresses (``人民路128号``), at the main gate."""
    house_numbers: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    if schools_gdf is None or "address" not in schools_gdf:
        return house_numbers
    for sid, addr in zip(schools_gdf["school_id"].astype(str), schools_gdf["address"], strict=False):
        if sid not in schools or not isinstance(addr, str):
            continue
        m = re.search(r"([^镇乡县区市]+?)(\d+)号", normalise_address(addr))
        if m and m.group(1) in roads:
            xy = schools[sid].gates.get("正门", schools[sid].xy)
            house_numbers[m.group(1)].append((int(m.group(2)), xy[0], xy[1]))
    return house_numbers


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
        A :class:`~hutan_geo.io.District` (e.g. ``load_demo()``); the
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
        The name variants and geometry of the district.

    Raises
    ------
    InputError
        The district has neither schools nor roads, or ``extra`` lacks a column.

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
    schools_gdf = layers.get("schools")
    county = _county_of(schools_gdf["name"]) if schools_gdf is not None else ""
    draft = _Draft(district.metric_crs, county, _townships(layers))
    if schools_gdf is not None and not schools_gdf.empty:
        draft.add_schools(schools_gdf, layers)
    places = layers.get("places")
    if places is not None and not places.empty:
        draft.add_places(places)
    if extra is not None and not extra.empty:
        draft.add_extra(extra)
    lines = network.edges if network is not None else layers.get("roads")
    roads, junctions, crossings = _add_roads(draft, lines)
    house_numbers = _house_numbers(schools_gdf, draft.schools, roads)

    hull = draft.hull_parts
    area = shapely.MultiPoint([(p.x, p.y) for p in hull]).convex_hull.buffer(5000) if hull else None
    logger.info(
        "gazetteer: %d name variants, %d schools, %d roads, %d house-number anchors",
        len(draft.names),
        len(draft.schools),
        len(roads),
        sum(len(v) for v in house_numbers.values()),
    )
    return Gazetteer(
        names=draft.names,
        points=draft.points,
        schools=draft.schools,
        roads=roads,
        junctions=dict(junctions),
        house_numbers=dict(house_numbers),
        metric_crs=draft.metric,
        area=area,
        county=county,
        townships=draft.townships,
        crossings=crossings,
        township_of=draft.township_of,
    )
