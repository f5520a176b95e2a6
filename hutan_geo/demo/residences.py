"""Where the demo district's students live, and the bus stops serving its remote schools.

``places/residences.csv`` holds one row per place students walk home to:
rental clusters (出租屋) in the villages beside the county middle school (the
first boarding school; about 400 students renting rooms in 西门村/北门村,
some of them across the national highway from the gate) and, for every
township middle school and central primary school, the villages of its
township with the number of its pupils living there.

``transport/bus_stops.csv`` holds the stops of the county's bus lines, one
line per township (县城—乡镇), with stops at the bus station, near the
township schools and at most villages; two villages per township are left
without a stop on purpose, so remote-access checks have pupils to find.

Both draw from their own random generator (``[seed, 18]``), so adding them
changes no other demo file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from hutan_geo.demo.content import COUNTY, FICTIONAL
from hutan_geo.demo.writers import write_table_file
from hutan_geo.model.crs import local_metric_crs

if TYPE_CHECKING:
    import geopandas as gpd

    from hutan_geo.demo.county import DemoDistrict

__all__ = ["BUS_STOP_COLUMNS", "RESIDENCE_COLUMNS", "bus_stops", "residences", "write_residence_files"]

#: Columns of ``places/residences.csv``.
RESIDENCE_COLUMNS = ["居住点编号", "学校编号", "居住类型", "名称", "学生人数", "经度", "纬度"]
#: Columns of ``transport/bus_stops.csv``.
BUS_STOP_COLUMNS = ["站点编号", "站点名称", "线路", "经度", "纬度"]

_RENTAL_STUDENTS = 400
_RENTAL_VILLAGES = (("西门村", 3), ("北门村", 2))  # village, clusters beside it
_VILLAGE_SHARE = {"初中": 0.7, "小学": 0.5}  # share of a township school's pupils living in its villages
_TOWN = "城关镇"
_NO_STOP = 2  # villages per township left without a bus stop


def _metric_points(frame: gpd.GeoDataFrame, crs: object) -> np.ndarray:
    return np.asarray(frame.geometry.to_crs(crs).to_numpy())


def _township_schools(schools: pd.DataFrame) -> pd.DataFrame:
    """Township middle schools and central primary schools (their pupils come from the villages)."""
    level = schools["学段"].astype(str)
    name = schools["学校名称"].astype(str)
    remote = schools["乡镇"].astype(str) != _TOWN
    keep = remote & ((level == "初中") | ((level == "小学") & name.str.contains("中心小学")))
    return schools[keep]


def _split(rng: np.random.Generator, total: int, parts: int) -> list[int]:
    """``total`` students over ``parts`` places, each at least one."""
    weights = rng.dirichlet(np.full(parts, 3.0))
    counts = rng.multinomial(max(total - parts, 0), weights) + 1
    return [int(c) for c in counts]


def _rentals(district: DemoDistrict, rng: np.random.Generator, crs: object) -> list[dict[str, object]]:
    schools = district.schools.sort_values("学校编号")
    boarding = schools[schools["是否寄宿"].astype(str) == "是"]
    if boarding.empty:
        return []
    school = boarding.iloc[0]
    places = district.places
    rows: list[dict[str, object]] = []
    counts = _split(rng, _RENTAL_STUDENTS, sum(n for _, n in _RENTAL_VILLAGES))
    roads = district.roads[district.roads["road_class"] != "national_highway"].to_crs(crs)
    streets = shapely.MultiLineString([g for geom in roads.geometry for g in getattr(geom, "geoms", [geom])])
    k = 0
    for village, clusters in _RENTAL_VILLAGES:
        match = places[places["名称"] == village]
        if match.empty:
            continue
        base = _metric_points(match.head(1), crs)[0]
        for j in range(clusters):
            angle, radius = rng.uniform(0, 2 * np.pi), rng.uniform(40, 160)
            near = shapely.Point(base.x + radius * np.cos(angle), base.y + radius * np.sin(angle))
            point = _on_road(streets, near, rng)
            rows.append(
                {
                    "school_id": school["学校编号"],
                    "kind": "出租屋",
                    "name": f"{village}出租屋{'一二三四五'[j]}片",
                    "students": counts[k],
                    "point": point,
                }
            )
            k += 1
    return rows


def _villages(district: DemoDistrict, rng: np.random.Generator, crs: object) -> list[dict[str, object]]:
    places = district.places[district.places["类型"].astype(str) == "村庄"]
    rows: list[dict[str, object]] = []
    for _, school in _township_schools(district.schools.sort_values("学校编号")).iterrows():
        own = places[places["乡镇"] == school["乡镇"]].sort_values("名称")
        if own.empty:
            continue
        share = _VILLAGE_SHARE["初中" if school["学段"] == "初中" else "小学"]
        enrol = int(pd.to_numeric(pd.Series([school["在校人数"]]), errors="coerce").fillna(100).iloc[0])
        counts = _split(rng, max(int(enrol * share), len(own)), len(own))
        points = _metric_points(own, crs)
        for (_, village), n, point in zip(own.iterrows(), counts, points, strict=True):
            row = {"school_id": school["学校编号"], "kind": "村庄", "name": village["名称"], "students": n}
            rows.append({**row, "point": point})
    return rows


def _wgs(points: list[shapely.Point], crs: object) -> tuple[np.ndarray, np.ndarray]:
    import geopandas as gpd

    geo = gpd.GeoSeries(points, crs=crs).to_crs(4326)
    return geo.x.round(6).to_numpy(), geo.y.round(6).to_numpy()


def residences(district: DemoDistrict) -> pd.DataFrame:
    """Return the demo residences table (:data:`RESIDENCE_COLUMNS`): rental clusters, then villages.

    Examples
    --------
    >>> from hutan_geo.demo import generate_demo_district
    >>> table = residences(generate_demo_district())  # doctest: +SKIP
    """
    crs = local_metric_crs(district.schools)
    rng = np.random.default_rng([district.seed, 18])
    rows = _rentals(district, rng, crs) + _villages(district, rng, crs)
    lon, lat = _wgs([r["point"] for r in rows], crs)
    return pd.DataFrame(
        {
            "居住点编号": [f"RS{i + 1:03d}" for i in range(len(rows))],
            "学校编号": [r["school_id"] for r in rows],
            "居住类型": [r["kind"] for r in rows],
            "名称": [r["name"] for r in rows],
            "学生人数": [r["students"] for r in rows],
            "经度": [f"{v:.6f}" for v in lon],
            "纬度": [f"{v:.6f}" for v in lat],
        },
        columns=RESIDENCE_COLUMNS,
    )


def _on_road(roads: shapely.Geometry, point: shapely.Point, rng: np.random.Generator) -> shapely.Point:
    """Return a point on the nearest road to ``point``, moved up to 60 m along it."""
    line = min(roads.geoms, key=point.distance) if hasattr(roads, "geoms") else roads
    at = line.project(point) + rng.uniform(-60, 60)
    return line.interpolate(min(max(at, 0.0), line.length))


def bus_stops(district: DemoDistrict) -> pd.DataFrame:
    """Return the demo bus stops table (:data:`BUS_STOP_COLUMNS`): one line per township.

    Examples
    --------
    >>> from hutan_geo.demo import generate_demo_district
    >>> table = bus_stops(generate_demo_district())  # doctest: +SKIP
    """
    crs = local_metric_crs(district.schools)
    rng = np.random.default_rng([district.seed, 18, 1])
    roads = district.roads.to_crs(crs)
    outer = roads[roads["road_class"].isin(["county_road", "village_road", "provincial_highway"])]
    outer_lines = shapely.MultiLineString([g for geom in outer.geometry for g in getattr(geom, "geoms", [geom])])
    station = district.places[district.places["类型"].astype(str) == "车站"]
    villages = district.places[district.places["类型"].astype(str) == "村庄"]
    schools = _township_schools(district.schools.sort_values("学校编号"))
    townships = sorted(set(schools["乡镇"].astype(str)))
    lines = {t: f"{i + 1}路 县城—{t}" for i, t in enumerate(townships)}
    rows: list[tuple[str, str, shapely.Point]] = []
    if not station.empty:
        rows.append((str(station["名称"].iloc[0]), ";".join(lines.values()), _metric_points(station.head(1), crs)[0]))
    for town in townships:
        for _, school in schools[schools["乡镇"] == town].iterrows():
            gate = _metric_points(schools.loc[[school.name]], crs)[0]
            rows.append((f"{school['学校名称']}站", lines[town], _on_road(outer_lines, gate, rng)))
        own = villages[villages["乡镇"] == town].sort_values("名称")
        skip = set(rng.choice(len(own), size=min(_NO_STOP, len(own)), replace=False).tolist())
        for i, ((_, village), point) in enumerate(zip(own.iterrows(), _metric_points(own, crs), strict=True)):
            if i not in skip:
                rows.append((f"{village['名称']}站", lines[town], _on_road(outer_lines, point, rng)))
    lon, lat = _wgs([r[2] for r in rows], crs)
    return pd.DataFrame(
        {
            "站点编号": [f"BS{i + 1:03d}" for i in range(len(rows))],
            "站点名称": [r[0] for r in rows],
            "线路": [r[1] for r in rows],
            "经度": [f"{v:.6f}" for v in lon],
            "纬度": [f"{v:.6f}" for v in lat],
        },
        columns=BUS_STOP_COLUMNS,
    )


def write_residence_files(district: DemoDistrict, out_dir: Path) -> list[Path]:
    """Write ``places/residences.csv`` and ``transport/bus_stops.csv`` for the demo district.

    Deterministic: the same district gives the same bytes.

    Examples
    --------
    >>> write_residence_files(generate_demo_district(), Path("data"))  # doctest: +SKIP
    """
    out = Path(out_dir)
    return [
        write_table_file(
            residences(district),
            out / "places/residences.csv",
            encoding="utf-8-sig",
            title=f"{COUNTY}学生居住点（出租屋与村庄，{FICTIONAL}）",
        ),
        write_table_file(
            bus_stops(district),
            out / "transport/bus_stops.csv",
            encoding="utf-8-sig",
            title=f"{COUNTY}农村客运班线站点（{FICTIONAL}）",
        ),
    ]
