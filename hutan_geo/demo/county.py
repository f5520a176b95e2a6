"""Generating the demo district: one county, its copies for larger scales, and WGS84 frames."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo.demo.boundaries import build_district
from hutan_geo.demo.content import HAZARD_COLUMNS, TABLE_COLUMNS
from hutan_geo.demo.geometry import local_to_wgs84
from hutan_geo.demo.hazards import build_hazards
from hutan_geo.demo.network import index_network, node_network
from hutan_geo.demo.places import build_places
from hutan_geo.demo.police import build_guard_posts, build_precincts, build_stations
from hutan_geo.demo.roads import (
    build_county_roads,
    build_river,
    build_town_skeleton,
    build_townships,
    build_villages,
    clip_raw,
)
from hutan_geo.demo.schools import make_gates, place_big_campuses, place_kindergartens, school_rows
from hutan_geo.demo.state import County
from hutan_geo.demo.streets import fill_streets
from hutan_geo.demo.tables import county_tables, to_frames
from hutan_geo.model.crs import wgs84_to_gcj02

LOGGER = logging.getLogger("hutan_geo")

#: Default seed of the demo district.
DEMO_SEED: int = 20261129


@dataclass(frozen=True)
class DemoDistrict:
    """The fictional demo district 青岚县, in true WGS84 (EPSG:4326).

    Every table carries the column headers of the file it is written to (see
    :func:`write_demo_files`); point tables are GeoDataFrames whose geometry
    equals their ``经度``/``纬度`` columns.

    Attributes
    ----------
    schools
        One row per school; geometry is the main gate.
    campuses
        Campus polygons.
    gates
        School gates (points on the campus boundary).
    hazards
        The inspection register as written by inspectors (plain DataFrame:
        coordinates may be GCJ-02, noisy, missing or deliberately wrong).
    hazards_truth
        True position and the generator's intent for every hazard.
    stations
        Police stations (派出所) and the traffic-police squad.
    guard_posts
        Existing 护学岗 posts at school gates.
    roads
        The noded road network (English columns).
    places
        Villages and points of interest.
    district
        The county polygon.
    townships
        Township polygons; they tile the district.
    precincts
        Police precinct polygons; they tile the district.
    rivers
        The river 青岚河 (a line; not part of the road network).
    seed, scale
        The arguments the district was generated with.
    """

    schools: gpd.GeoDataFrame
    campuses: gpd.GeoDataFrame
    gates: gpd.GeoDataFrame
    hazards: pd.DataFrame
    hazards_truth: pd.DataFrame
    stations: gpd.GeoDataFrame
    guard_posts: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    district: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    precincts: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame
    seed: int = DEMO_SEED
    scale: float = 1.0


_COPY_PITCH = (31_000.0, 23_000.0)

#: The generator's steps in order; each reads and extends the county and draws from its random generator.
_STEPS: tuple[Callable[[County], None], ...] = (
    build_district,
    build_river,
    build_town_skeleton,
    build_county_roads,
    build_townships,
    build_villages,
    clip_raw,
    place_big_campuses,
    fill_streets,
    node_network,
    index_network,
    place_kindergartens,
    make_gates,
    build_places,
    build_stations,
    build_precincts,
    school_rows,
    build_guard_posts,
    build_hazards,
)


def build_county(seed: int) -> dict[str, Any]:
    """Generate one county and return its tables of records (local metric frame).

    Parameters
    ----------
    seed
        Seed of the county's random generator.

    Returns
    -------
    Table name to list of records (roads: a DataFrame), as :func:`~hutan_geo.demo.tables.county_tables` gives.
    """
    county = County(seed)
    for step in _STEPS:
        step(county)
    LOGGER.info(
        "demo: %d road segments, %d schools, %d hazards", len(county.net), len(county.schools), len(county.hazards)
    )
    return county_tables(county)


def _suffix(values: pd.Series, suffix: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Append each row's copy suffix to ``values`` (only where ``mask`` is true)."""
    vals = values.astype(str).to_numpy()
    res = np.char.add(vals.astype("U"), suffix.astype("U"))
    if mask is not None:
        res = np.where(mask, res, vals)
    return res.astype(object)


def _replicate(frames: dict[str, Any], n_copies: int, rounds: int, seed: int) -> dict[str, Any]:
    """Tile the county ``n_copies`` times (offsets in metres); hazards get ``rounds`` rounds."""
    if n_copies == 1 and rounds == 1:
        return frames
    ncols = math.ceil(math.sqrt(n_copies))
    k = np.arange(n_copies)
    offsets = np.column_stack([-(k % ncols) * _COPY_PITCH[0], (k // ncols) * _COPY_PITCH[1]])
    sfx = np.array([""] + [f"-{i + 1:03d}" for i in range(1, n_copies)], dtype=object)
    out: dict[str, Any] = {}
    id_cols = {
        "schools": ["学校编号"],
        "campuses": ["学校编号"],
        "gates": ["学校编号"],
        "stations": ["派出所编号"],
        "guard_posts": ["护学岗编号", "学校编号"],
        "roads": ["road_id"],
        "district": ["编码"],
        "townships": ["编码"],
        "precincts": ["编码"],
        "rivers": [],
    }
    name_cols = {
        "schools": ["学校名称", "乡镇", "派出所"],
        "campuses": ["学校名称"],
        "stations": ["派出所名称"],
        "guard_posts": ["派出所"],
        "places": ["名称", "乡镇"],
        "district": ["名称"],
        "townships": ["名称", "上级"],
        "precincts": ["名称", "上级", "派出所"],
        "rivers": ["名称"],
    }
    for key, gdf in frames.items():
        if key == "hazards":
            continue
        n = len(gdf)
        rep = pd.concat([gdf] * n_copies, ignore_index=True)
        copy_of = np.repeat(k, n)
        geoms = rep.geometry.to_numpy()
        coords, idx = shapely.get_coordinates(geoms, return_index=True)
        coords = coords + offsets[copy_of[idx]]
        rep = rep.set_geometry(shapely.set_coordinates(shapely.transform(geoms, lambda x: x), coords))
        s = sfx[copy_of]
        for col in id_cols.get(key, []) + name_cols.get(key, []):
            mask = rep[col].astype(str).to_numpy() != ""
            rep[col] = _suffix(rep[col], s, mask)
        out[key] = rep
    hz = frames["hazards"]
    n = len(hz)
    reps = []
    for r in range(rounds):
        rng = np.random.default_rng([seed, r])
        block = pd.concat([hz] * n_copies, ignore_index=True)
        copy_of = np.repeat(k, n)
        true = np.vstack(block["true"].to_numpy()) + offsets[copy_of]
        obs_present = block["obs"].notna().to_numpy()
        obs = np.full((len(block), 2), np.nan)
        base_obs = np.vstack([o if o is not None else np.full(2, np.nan) for o in block["obs"]])
        if r == 0:
            obs = base_obs + offsets[copy_of]
        else:
            ang = rng.uniform(0, 2 * np.pi, len(block))
            dist = rng.uniform(3.0, 15.0, len(block))
            obs[obs_present] = (true + np.column_stack([np.cos(ang), np.sin(ang)]) * dist[:, None])[obs_present]
        block["true"] = list(true)
        block["obs"] = [o if p else None for o, p in zip(obs, obs_present, strict=True)]
        s = sfx[copy_of]
        block["关联学校"] = _suffix(block["关联学校"], s, block["关联学校"].astype(str).to_numpy() != "")
        block["copy"] = copy_of
        block["round"] = r
        reps.append(block)
    allhz = pd.concat(reps, ignore_index=True)
    width = max(4, len(str(len(allhz))))
    allhz["隐患编号"] = [f"YH2026-{i + 1:0{width}d}" for i in range(len(allhz))]
    out["hazards"] = allhz
    return out


def _finalise(frames: dict[str, Any], seed: int, scale: float) -> DemoDistrict:
    """Convert the frames to WGS84, write the observed hazard coordinates (GCJ-02, swapped) and order the columns."""
    out: dict[str, Any] = {}
    for key, gdf in frames.items():
        if key == "hazards":
            continue
        geoms = local_to_wgs84(gdf.geometry.to_numpy())
        if key in ("campuses", "district", "townships", "precincts"):
            bad = ~shapely.is_valid(geoms)
            if bad.any():
                geoms[bad] = shapely.make_valid(geoms[bad])
        g = gpd.GeoDataFrame(gdf.drop(columns="geometry"), geometry=geoms, crs="EPSG:4326")
        if key in ("schools", "gates", "stations", "guard_posts", "places"):
            g["经度"] = shapely.get_x(geoms)
            g["纬度"] = shapely.get_y(geoms)
        out[key] = g
    hz = frames["hazards"]
    true = local_to_wgs84(shapely.points(np.vstack(hz["true"].to_numpy())))
    tlon, tlat = shapely.get_x(true), shapely.get_y(true)
    present = hz["obs"].notna().to_numpy()
    lon = np.full(len(hz), np.nan)
    lat = np.full(len(hz), np.nan)
    if present.any():
        obs = local_to_wgs84(shapely.points(np.vstack(hz["obs"].to_numpy()[present])))
        olon, olat = shapely.get_x(obs), shapely.get_y(obs)
        gcj = hz["坐标系"].to_numpy()[present] == "GCJ-02"
        if gcj.any():
            glon, glat = wgs84_to_gcj02(olon[gcj], olat[gcj])
            olon[gcj], olat[gcj] = glon, glat
        lon[present], lat[present] = np.round(olon, 6), np.round(olat, 6)
    swap = hz["swap"].to_numpy().astype(bool)
    lon[swap], lat[swap] = lat[swap], lon[swap]
    hazards = hz[HAZARD_COLUMNS[:4] + HAZARD_COLUMNS[6:]].copy()
    hazards.insert(4, "经度", lon)
    hazards.insert(5, "纬度", lat)
    hazards = hazards[HAZARD_COLUMNS].reset_index(drop=True)
    truth = pd.DataFrame(
        {
            "hazard_id": hz["隐患编号"].to_numpy(),
            "true_lon": tlon,
            "true_lat": tlat,
            "address_kind": hz["address_kind"].to_numpy(),
            "anchor": hz["anchor"].to_numpy(),
            "ambiguous": hz["ambiguous"].to_numpy().astype(int),
            "defect": hz["defect"].to_numpy(),
            "intent": hz["intent"].to_numpy(),
        }
    )
    for key in out:
        out[key] = out[key][[*TABLE_COLUMNS[key], "geometry"]].reset_index(drop=True)
    return DemoDistrict(hazards=hazards, hazards_truth=truth, **out, seed=seed, scale=float(scale))


def generate_demo_district(*, seed: int = DEMO_SEED, scale: float = 1.0) -> DemoDistrict:
    """Generate the fictional demo district 青岚县.

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed gives identical frames.
    scale
        Size multiplier. ``1`` is one county (about 60 schools, 140 hazards,
        7 police units and a few thousand road segments, in a few seconds).
        Larger values tile ``round(scale)`` copies of the county in a grid
        (IDs and names get a ``-NNN`` suffix; the copies' road networks are
        separate), and from ``scale >= 18`` every copy carries
        ``round(scale / 12)`` inspection rounds of hazards, so that a scale of
        about 300 gives tens of thousands of schools, about a million
        hazards and a road network of several hundred thousand nodes.

    Returns
    -------
    The district, in true WGS84 coordinates rounded to 6 decimals.

    Examples
    --------
    >>> demo = generate_demo_district()  # doctest: +SKIP
    >>> demo.hazards["隐患类别"].value_counts()["交通安全"]  # doctest: +SKIP
    63
    """
    if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        msg = f"scale must be a positive number; got {scale!r}"
        raise ValueError(msg)
    n_copies = max(1, round(scale))
    rounds = max(1, round(scale / 12.0))
    LOGGER.info("demo: generating %d county cop%s (seed %d)", n_copies, "y" if n_copies == 1 else "ies", seed)
    frames = to_frames(build_county(seed))
    frames = _replicate(frames, n_copies, rounds, seed)
    return _finalise(frames, seed, scale)
