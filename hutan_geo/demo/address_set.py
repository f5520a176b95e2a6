"""A larger geocoding test set for the demo district, written the way clerks write addresses.

:func:`build_address_set` builds about 1,000 addresses of the demo district
(``data/truth/address_set.csv``, written by :func:`write_address_set`) with
their true point, from the district's own layers and never from the
geocoder's look-ups:

- the demo hazard addresses of kinds a point can be given for (gates, offsets
  from a gate, crossings, house numbers next to a known one, villages), with
  the hazard truth points (``data/truth/hazards_truth.csv``), each also in
  traditional characters, with the county and township in front, with a
  homophone of the county (``青兰县``), in pinyin and with Arabic digits;
- every school: gate words, an offset after a gate or landmark word measured
  along the road from the main gate (``城关一小门口往西八十米``), short forms with
  Arabic digits (``县1中``), a typo in the last character (``小学`` → ``小雪``),
  mixed pinyin (``chengguanyixiao东门口``);
- crossings of named roads that meet once (road names with 和 among them),
  in every wording (``与 和 跟 、``, ``交口``, no connector, ``交叉口东北角``);
- points of interest, with an offset after the gate word;
- made-up places (a second people's hospital, a branch campus, a school in
  the wrong township, a number that does not exist) and generic names
  (``县医院``): their truth is that they must **not** be accepted.

Columns: ``address_id``, ``address``, ``kind`` (what the address is),
``variant`` (how it is written), ``expect`` (``point``: a real place with a
true point; ``area``: a village, a real place without one point; ``reject``:
made-up or generic, must not be accepted), ``true_lon``/``true_lat`` (WGS84,
empty for ``reject``) and ``source`` (``hazard_truth`` or ``layers``).

Examples
--------
>>> table = build_address_set()
>>> len(table) > 900, sorted(table["expect"].unique())
(True, ['area', 'point', 'reject'])
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import Point
from shapely.ops import linemerge

from hutan_geo.demo.data import demo_data_dir, load_demo

__all__ = ["ADDRESS_SET_FILE", "ADDRESS_SET_SEED", "build_address_set", "write_address_set"]

#: Where the set lives, relative to the demo data folder.
ADDRESS_SET_FILE = "truth/address_set.csv"
#: Seed of the choices (directions, distances, wordings).
ADDRESS_SET_SEED = 16

_CN = {10: "十", 20: "二十", 30: "三十", 40: "四十", 50: "五十", 60: "六十", 80: "八十", 100: "一百"}
_ORD = dict(zip("一二三四五六七八九", "123456789", strict=True))
#: Homophone typos of a name's last character (what a pinyin keyboard offers first).
_TYPO = {"站": "占", "院": "苑", "场": "厂", "园": "元", "学": "雪", "府": "付", "局": "菊", "点": "典", "专": "砖"}
_COLUMNS = ["address_id", "address", "kind", "variant", "expect", "true_lon", "true_lat", "source"]


class _Layers:
    """The demo layers in metres (EPSG:32649), with roads merged by name."""

    def __init__(self) -> None:
        demo = load_demo()
        self.crs = 32649
        self.schools = demo.schools.to_crs(self.crs)
        gates = demo.layers["gates"].to_crs(self.crs)
        self.gates = {
            (str(s), str(g)): (p.x, p.y)
            for s, g, p in zip(gates.school_id, gates.gate_name, gates.geometry, strict=True)
        }
        places = demo.layers["places"].to_crs(self.crs)
        self.pois = [
            (n, g.representative_point())
            for n, k, g in zip(places.name, places.kind, places.geometry, strict=True)
            if k != "村庄"
        ]
        roads = demo.roads.to_crs(self.crs)
        named = roads[roads["name"].fillna("").str.len() > 0]
        self.roads = {n: linemerge(list(g.geometry)) for n, g in named.groupby("name")}
        self.hazards = demo.hazards[["hazard_id", "address"]]
        self._tr = pyproj.Transformer.from_crs(self.crs, 4326, always_xy=True)

    def lonlat(self, xy: tuple[float, float]) -> tuple[float, float]:
        """WGS84 of a metric point, rounded to 1e-7 degrees."""
        lon, lat = self._tr.transform(xy[0], xy[1])
        return round(float(lon), 7), round(float(lat), 7)

    def along(self, q: tuple[float, float], dist: float, rng: np.random.Generator) -> tuple[str, tuple] | None:
        """Return the point ``dist`` m along the road at ``q`` and its direction word (straight roads only)."""
        origin = Point(q)
        near = [(g.distance(origin), n) for n, g in self.roads.items() if g.distance(origin) < 40]
        if not near:
            return None
        geom = self.roads[min(near)[1]]
        line = min(shapely.get_parts(geom), key=lambda g: g.distance(origin))
        s0 = line.project(origin)
        sign = 1 if rng.random() < 0.5 else -1
        s = s0 + sign * dist
        if not 0 <= s <= line.length:
            s = s0 - sign * dist
            if not 0 <= s <= line.length:
                return None
        p = line.interpolate(s)
        dx, dy = p.x - q[0], p.y - q[1]
        if max(abs(dx), abs(dy)) < 0.8 * dist:
            return None  # a bend: a clerk would not give one direction
        word = ("东" if dx > 0 else "西") if abs(dx) >= abs(dy) else ("北" if dy > 0 else "南")
        return word, (p.x, p.y)


def _short_forms(name: str) -> list[str]:
    """Short forms a clerk writes for a school name (``青岚县第一中学`` → ``县一中``, ``县1中``)."""
    out = []
    m = re.match(r"^(青岚县|城关)第([一二三四五六七八九])(中学|小学)$", name)
    if m:
        head = "县" if m.group(1) == "青岚县" else "城关"
        kind = m.group(3)[0]
        out += [f"{head}{m.group(2)}{kind}", f"{head}{_ORD[m.group(2)]}{kind}"]
    for town in ("龙岗镇", "石桥镇", "白沙乡", "城关镇"):
        if name.startswith(town) and len(name) > len(town) + 2:
            out.append(name[len(town) :])
    if name.startswith("青岚县") and not m:
        out.append(name[3:])
    return out


def _row(kind: str, variant: str, address: str, expect: str, lonlat: Any, source: str = "layers") -> dict:
    lon, lat = lonlat if lonlat is not None else (np.nan, np.nan)
    return {
        "address": address,
        "kind": kind,
        "variant": variant,
        "expect": expect,
        "true_lon": lon,
        "true_lat": lat,
        "source": source,
    }


def _pinyin(text: str, sep: str = " ") -> str:
    """Tone-free pinyin of Chinese text (digits kept), syllables joined by ``sep``."""
    from pypinyin import lazy_pinyin

    return sep.join(lazy_pinyin(text)).replace("  ", " ")


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _arabic(text: str) -> str:
    """``城关一小`` → ``城关1小``, ``县二中`` → ``县2中`` (the short forms clerks type)."""
    return re.sub(r"([一二三四五六七八九])(?=[中小](?!心|学))", lambda m: _ORD[m.group(1)], text)


def _hazard_rows(layers: _Layers) -> list[dict]:
    """Every demo hazard address, and variants of the placeable ones, with the hazard truth."""
    truth = pd.read_csv(demo_data_dir() / "truth" / "hazards_truth.csv", skiprows=1)
    table = layers.hazards.merge(truth, on="hazard_id")
    known = _known_numbers(layers)
    township = dict(zip(layers.schools["name"], layers.schools["township"], strict=False))
    rows = []
    for addr, kind, anchor, amb, lon, lat in zip(
        table.address, table.address_kind, table.anchor, table.ambiguous, table.true_lon, table.true_lat, strict=False
    ):
        ll = (float(lon), float(lat))
        expect = "area" if kind == "place" and ":" not in anchor and anchor.endswith("村") else "point"
        rows.append(_row(kind, "original", addr, expect, ll, "hazard_truth"))
        if amb or (kind == "relative_offset" and ":" not in anchor and "|" not in anchor) or kind == "place":
            continue  # ambiguous, or a side of a campus / an area: reviewed by design, no variants
        if kind == "road_number" and not _number_known(addr, known):
            continue  # no house number known near this one
        town = township.get(anchor.split(":")[0].split("|")[0], "")
        variants = {
            "traditional": _traditional(addr),
            "county_prefix": f"青岚县{town}{addr}",
            "county_homophone": f"青兰县{town}{addr}",
            "pinyin": _pinyin(addr),
            "arabic_digits": _arabic(addr),
        }
        for variant, text in variants.items():
            if text != addr:
                rows.append(_row(kind, variant, text, "point", ll, "hazard_truth"))
    return rows


def _known_numbers(layers: _Layers) -> dict[str, list[int]]:
    """House numbers given in the school addresses, by road."""
    known: dict[str, list[int]] = {}
    for addr in layers.schools["address"].dropna():
        m = re.search(r"(?:镇|乡)([^镇乡]+?)(\d+)号$", str(addr))
        if m:
            known.setdefault(m.group(1), []).append(int(m.group(2)))
    return known


def _number_known(addr: str, known: dict[str, list[int]]) -> bool:
    m = re.match(r"^(.+?)(\d+)号", addr)
    road = (m.group(1).replace("人名路", "人民路")) if m else ""
    return bool(m) and any(abs(n - int(m.group(2))) <= 4 for n in known.get(road, []))


def _school_rows(layers: _Layers, rng: np.random.Generator) -> list[dict]:
    """Gate words, offsets after a gate or landmark word, short forms, typos and pinyin of every school."""
    rows = []
    shorts = [f for n in layers.schools["name"] for f in _short_forms(n)]
    unique = {f for f in shorts if shorts.count(f) == 1}
    for sid, name in zip(layers.schools["school_id"].astype(str), layers.schools["name"], strict=False):
        main = layers.gates.get((sid, "正门"))
        if main is None:
            continue
        forms = [f for f in _short_forms(name) if f in unique]
        short = forms[0] if forms else name
        rows.append(_row("gate", "original", f"{name}门口", "point", layers.lonlat(main)))
        for f in forms:
            rows.append(
                _row(
                    "gate",
                    "arabic_digits" if re.search(r"\d", f) else "short_form",
                    f"{f}门口",
                    "point",
                    layers.lonlat(main),
                )
            )
        for (s, gname), xy in layers.gates.items():
            if s == sid and gname != "正门":
                rows.append(_row("gate", "gate_word", f"{short}{gname}口", "point", layers.lonlat(xy)))
        d = int(rng.choice([30, 50, 80, 100]))
        moved = layers.along(main, d, rng)
        if moved is not None:
            word, xy = moved
            gate_word = str(rng.choice(["门口", "校门口", "大门口", "校门"]))
            rows.append(
                _row(
                    "relative_offset",
                    "offset_after_gate_word",
                    f"{short}{gate_word}往{word}{_CN[d]}米",
                    "point",
                    layers.lonlat(xy),
                )
            )
            rows.append(
                _row(
                    "relative_offset", "offset_after_gate_word", f"{name}门口向{word}{d}米", "point", layers.lonlat(xy)
                )
            )
        if name[-1] in _TYPO:
            rows.append(
                _row("gate", "last_char_typo", f"{name[:-1]}{_TYPO[name[-1]]}门口", "point", layers.lonlat(main))
            )
        sep = "" if rng.random() < 0.5 else " "
        rows.append(_row("gate", "mixed_pinyin", f"{_pinyin(short, sep)}门口", "point", layers.lonlat(main)))
    return rows


def _crossing_rows(layers: _Layers, rng: np.random.Generator) -> list[dict]:
    """Crossings of two named roads that meet once, in every wording (road names with 和 included)."""
    at: dict[tuple[float, float], set[str]] = {}
    for name, geom in layers.roads.items():
        for part in shapely.get_parts(geom):
            for x, y in np.asarray(part.coords)[:, :2]:
                at.setdefault((round(float(x), 1), round(float(y), 1)), set()).add(name)
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for xy, names in at.items():
        for a in names:
            for b in names:
                if a < b:
                    pairs.setdefault((a, b), []).append(xy)
    once = sorted(
        (a, b, pts[0])
        for (a, b), pts in pairs.items()
        if np.ptp(np.array(pts), axis=0).max() < 1 and not re.search(r"村道|公路|国道|县道", a + b)
    )
    connector = [p for p in once if "和" in p[0] or "和" in p[1]]
    rest = [p for p in once if p not in connector]
    chosen = connector + [rest[i] for i in rng.choice(len(rest), size=min(len(rest), 70), replace=False)]
    wordings = [
        "{a}与{b}交叉口",
        "{a}和{b}交叉口",
        "{a}跟{b}交叉口",
        "{a}、{b}十字路口",
        "{a}{b}交口",
        "{a}{b}路口",
        "{a}与{b}交叉口东北角",
        "{a}和{b}交叉口西南角",
        "{a}/{b}路口",
        "{a}{b}",
    ]
    rows = []
    for i, (a, b, xy) in enumerate(chosen):
        if rng.random() < 0.5:
            a, b = b, a
        template = wordings[i % len(wordings)] if (a, b) not in connector else "{a}与{b}交叉口"
        text = template.format(a=a, b=b)
        rows.append(
            _row("intersection", "corner" if "角" in template else "crossing_wording", text, "point", layers.lonlat(xy))
        )
    return rows


def _poi_rows(layers: _Layers, rng: np.random.Generator) -> list[dict]:
    """Points of interest: gate and landmark words, offsets after them, last-character typos."""
    rows = []
    for name, pt in layers.pois:
        if "(" in name:
            continue
        short = "县" + name[3:] if name.startswith("青岚县") else name
        rows.append(_row("poi", "original", f"{short}门口", "point", layers.lonlat((pt.x, pt.y))))
        if name[-1] in _TYPO:
            rows.append(
                _row("poi", "last_char_typo", f"{name[:-1]}{_TYPO[name[-1]]}", "point", layers.lonlat((pt.x, pt.y)))
            )
        moved = layers.along((pt.x, pt.y), int(rng.choice([30, 50])), rng)
        if moved is not None:
            word, xy = moved
            d = round(float(np.hypot(xy[0] - pt.x, xy[1] - pt.y)) / 10) * 10
            rows.append(
                _row(
                    "relative_offset", "offset_after_landmark", f"{short}门口往{word}{d}米", "point", layers.lonlat(xy)
                )
            )
    return rows


#: Made-up places and generic names: none of them may be accepted.
_REJECT = [
    "青岚县第二人民医院",
    "县第二人民医院",
    "县人民医院分院",
    "县中医院分院",
    "青岚县第三中学分校",
    "县一中分校",
    "城关一小东校区",
    "县二中新校区",
    "县第九中学",
    "县七中",
    "县六中门口",
    "城关第八小学",
    "城关七小门口",
    "城关6小",
    "县5中",
    "龙岗镇第二中学",
    "石桥镇第二中心小学",
    "白沙乡第三中学",
    "石桥镇城关一小门口",
    "龙岗镇城东小学门口",
    "白沙乡西门小学",
    "石桥镇滨江小学门口",
    "城关镇龙岗中学门口",
    "龙岗镇南城学校",
    "县医院门口",
    "县医院",
    "镇卫生院",
    "镇中学门口",
    "乡中学",
    "青岚县第二汽车站",
    "龙岗镇第二卫生院",
    "城东三小",
    "城东3小门口",
    "城西小学",
    "城南小学门口",
    "县第二实验小学",
    "青岚县第二幼儿园",
    "石桥镇第二幼儿园",
    "县实验中学",
    "青岚县第四中学",
    "县4中正门",
    "城关第六小学门口",
    "白沙乡第二中心小学",
    "龙岗镇第三中学门口",
    "县职中分校",
    "石桥镇城北小学",
    "白沙乡城关中学",
    "龙岗镇白沙乡中学",
]


def _reject_rows() -> list[dict]:
    rows = []
    for text in _REJECT:
        kind = "generic" if re.match(r"^[县镇乡](?:医院|卫生院|中学)", text) else "made_up"
        rows.append(_row(kind, "original", text, "reject", None))
        rows.append(_row(kind, "traditional", _traditional(text), "reject", None))
    return rows


def build_address_set(seed: int = ADDRESS_SET_SEED) -> pd.DataFrame:
    """Build the geocoding test set of the demo district (deterministic for a seed).

    Parameters
    ----------
    seed
        Seed of the random choices (directions, distances, wordings, crossings).

    Returns
    -------
    pandas.DataFrame
        One row per address with the columns described in the module docstring.

    Examples
    --------
    >>> build_address_set().groupby("expect").size().to_dict()["reject"] > 50
    True
    """
    rng = np.random.default_rng(seed)
    layers = _Layers()
    rows = _hazard_rows(layers) + _school_rows(layers, rng) + _crossing_rows(layers, rng)
    rows += _poi_rows(layers, rng) + _reject_rows()
    table = pd.DataFrame(rows).drop_duplicates("address").reset_index(drop=True)
    table.insert(0, "address_id", [f"AS{i + 1:04d}" for i in range(len(table))])
    return table[_COLUMNS]


#: First line of the file: every demo file says it is fictional (readers skip it: ``skiprows=1``).
ADDRESS_SET_TITLE = "address test set of the fictional demo district (虚构示例数据); skip this line when reading"


def write_address_set(path: str | Path | None = None, *, seed: int = ADDRESS_SET_SEED) -> Path:
    """Write :func:`build_address_set` as UTF-8 CSV under a title line (``data/truth/address_set.csv`` by default).

    Parameters
    ----------
    path
        Target file; the demo data folder's ``truth/address_set.csv`` when omitted.
    seed
        See :func:`build_address_set`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_address_set(pathlib.Path(tempfile.mkdtemp()) / "set.csv")
    >>> out.read_text(encoding="utf-8").splitlines()[1]
    'address_id,address,kind,variant,expect,true_lon,true_lat,source'
    """
    target = Path(path) if path is not None else demo_data_dir() / ADDRESS_SET_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    table = build_address_set(seed).to_csv(index=False, lineterminator="\n", float_format="%.7f")
    target.write_text(ADDRESS_SET_TITLE + "\n" + table, encoding="utf-8")
    return target


if __name__ == "__main__":  # python -m hutan_geo.demo.address_set
    print(write_address_set())
