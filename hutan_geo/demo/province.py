"""A fictional province (示例省（虚构）, 虚构示例数据): the demo generator run per county, written as a dataset.

:func:`generate_province` writes a folder that the province code reads::

    province.json          format, name, size, seed, counts, pool
    counties.parquet       one row per county (ID, name, seed, tiles, counts, UTM EPSG, WGS84 box, folder)
    schools.parquet  campuses.parquet  gates.parquet  stations.parquet
                           GeoParquet EPSG:4326, the columns of load_district's layers, county_id first
    hazards/county_id=C001/part-000.parquet ...
                           GeoParquet EPSG:4326, the hazard records of the campaigns 2022-2026,
                           hive-partitioned by county, <= 250,000 rows per file, row groups of 50,000
    counties/C001/         a district folder (the demo's layout) that load_district opens

:func:`read_province` reads it back as a :class:`ProvinceInfo`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
import shapely.affinity

from hutan_geo.demo.content import COUNTY
from hutan_geo.demo.county import _finalise
from hutan_geo.demo.province_tiles import (
    CountyPlan,
    TilePool,
    assemble,
    county_names,
    pack_counties,
    tile_counts,
    tile_offsets,
    tile_outline,
    to_local_transform,
)
from hutan_geo.demo.records import generate_records
from hutan_geo.demo.residences import write_residence_files
from hutan_geo.demo.security import write_security_files
from hutan_geo.demo.writers import write_demo_files
from hutan_geo.errors import InputError
from hutan_geo.io import load

LOGGER = logging.getLogger("hutan_geo")

#: Default seed of the province.
PROVINCE_SEED: int = 20261218

#: The format string in ``province.json``.
PROVINCE_FORMAT = "hutan_geo.province/1"

PROVINCE_NAME = "示例省（虚构）"

#: The named sizes: counties, tiles per county (None: drawn), records per school, tile pool.
SIZES: dict[str, dict[str, Any]] = {
    "small": {"counties": 3, "tiles": [1, 1, 2], "records_per_school": 125, "pool": None},
    "full": {"counties": 120, "tiles": None, "records_per_school": 400, "pool": 32},
}

MAX_ROWS_PER_FILE = 250_000
ROW_GROUP_SIZE = 50_000

#: Layers written province-wide (GeoParquet) from every county folder: name -> dataset kind.
LAYERS = {"schools": "schools", "campuses": "campuses", "gates": "gates", "stations": "stations"}

_MANAGED = ("province.json", "counties.parquet", "hazards", "counties", *(f"{k}.parquet" for k in LAYERS))


@dataclass(frozen=True)
class ProvinceInfo:
    """A province dataset on disk (see :func:`generate_province`).

    Attributes
    ----------
    path
        The dataset folder.
    name, size, seed, pool
        As written in ``province.json`` (``size``: ``"small"``, ``"full"`` or a dict).
    counties
        ``counties.parquet``: one row per county (county_id, name, seed, tiles,
        n_schools, n_records, epsg, lon_min, lat_min, lon_max, lat_max, path).
    n_schools, n_records
        Totals over the counties.
    """

    path: Path
    name: str
    size: Any
    seed: int
    pool: int
    counties: pd.DataFrame
    n_schools: int
    n_records: int

    def county_path(self, county_id: str) -> Path:
        """Return the district folder of a county.

        Examples
        --------
        >>> info.county_path("C001")  # doctest: +SKIP
        PosixPath('.../counties/C001')
        """
        row = self.counties.loc[self.counties["county_id"] == county_id]
        if row.empty:
            msg = f"no county {county_id!r} in {self.path}; expected one of {', '.join(self.counties['county_id'])}"
            raise InputError(msg)
        return self.path / str(row["path"].iloc[0])

    @property
    def hazards_path(self) -> Path:
        """The folder of the hive-partitioned hazard records."""
        return self.path / "hazards"


def _resolve_size(size: Any, pool: int | None) -> dict[str, Any]:
    """Check ``size`` and return its spec (counties, tiles, records_per_school, pool)."""
    if isinstance(size, str):
        if size not in SIZES:
            msg = f"size must be 'small', 'full' or a dict {{'counties': n, 'records_per_school': r}}; got {size!r}"
            raise InputError(msg)
        spec = dict(SIZES[size])
    elif isinstance(size, dict):
        unknown = set(size) - {"counties", "records_per_school"}
        n, r = size.get("counties"), size.get("records_per_school")
        if unknown or not isinstance(n, int) or not isinstance(r, int) or not 1 <= n <= 999 or r < 1:
            msg = f"size dict must be {{'counties': n (1..999), 'records_per_school': r (>= 1)}}; got {size!r}"
            raise InputError(msg)
        spec = {"counties": n, "tiles": None, "records_per_school": r, "pool": 32}
    else:
        msg = f"size must be 'small', 'full' or a dict; got {type(size).__name__}"
        raise InputError(msg)
    if pool is not None:
        if not isinstance(pool, int) or pool < 1:
            msg = f"pool must be a positive number of tile seeds; got {pool!r}"
            raise InputError(msg)
        spec["pool"] = pool
    return spec


def plan_province(
    size: Any = "small", *, seed: int = PROVINCE_SEED, pool: int | None = None
) -> tuple[list[CountyPlan], list[int]]:
    """Plan the province: counties (ID, name, seed, tiles) and the seeds of the tile pool.

    Parameters
    ----------
    size, seed, pool
        As :func:`generate_province`.

    Returns
    -------
    The county plans and the pool's tile seeds.

    Examples
    --------
    >>> plans, seeds = plan_province("small")
    >>> [len(p.tiles) for p in plans], len(seeds)
    ([1, 1, 2], 4)
    """
    spec = _resolve_size(size, pool)
    rng = np.random.default_rng([seed, 1])
    n = spec["counties"]
    tiles = spec["tiles"] or tile_counts(n, rng)
    total = sum(tiles)
    n_pool = min(spec["pool"] or total, total)
    tile_seeds = [int(s) for s in np.random.SeedSequence([seed, 2]).generate_state(n_pool)]
    names = county_names(n, rng)
    county_seeds = np.random.SeedSequence([seed, 3]).generate_state(n)
    used = np.zeros(n_pool, dtype=int)
    plans = []
    for i in range(n):
        # the least used pool tiles, distinct within the county, ties broken at random
        pick = np.resize(np.lexsort((rng.random(n_pool), used)), tiles[i])
        np.add.at(used, pick, 1)
        plans.append(CountyPlan(f"C{i + 1:03d}", names[i], int(county_seeds[i]), tuple(int(t) for t in pick)))
    return plans, tile_seeds


def _prepare_out(out: Path) -> None:
    """Create ``out``; clear a previous province dataset; refuse any other non-empty folder."""
    if out.exists() and not out.is_dir():
        msg = f"{out} is a file; give a folder for the province dataset"
        raise InputError(msg)
    if out.is_dir() and any(out.iterdir()):
        try:
            meta = json.loads((out / "province.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        if not isinstance(meta, dict) or meta.get("format") != PROVINCE_FORMAT:
            msg = f"{out} is not empty and is not a province dataset (no province.json); give an empty or new folder"
            raise InputError(msg)
        for name in _MANAGED:
            p = out / name
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the UTM zone (northern hemisphere) of a point."""
    return (32600 if lat >= 0 else 32700) + math.floor((lon + 180.0) / 6.0) + 1


def _retitle(paths: list[Path], name: str, header: str) -> None:
    """Put the county's name into the title line of the written CSV files, and ``header`` atop the README."""
    encodings = {"hazards.csv": "gbk"}
    for p in paths:
        if p.suffix not in (".csv", ".md"):
            continue
        enc = encodings.get(p.name, "utf-8-sig" if p.read_bytes()[:3] == b"\xef\xbb\xbf" else "utf-8")
        text = p.read_text(encoding=enc)
        if p.suffix == ".md":
            text = header + text.replace(COUNTY, name)
        else:
            first, _, rest = text.partition("\n")
            text = first.replace(COUNTY, name) + "\n" + rest
        with p.open("w", encoding=enc, newline="") as fh:
            fh.write(text)


def _county_layers(folder: Path) -> dict[str, gpd.GeoDataFrame]:
    """Load the county folder's layers that the province files and the records need."""
    files = {
        "schools": ("schools/schools.csv", "schools"),
        "campuses": ("schools/campuses.geojson", "campuses"),
        "gates": ("schools/gates.csv", "gates"),
        "stations": ("police/stations.csv", "stations"),
        "places": ("places/places.csv", "places"),
        "hazards": ("hazards/hazards.csv", "hazards"),
    }
    return {k: load(folder / rel, kind).valid for k, (rel, kind) in files.items()}


def _write_geoparquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write GeoParquet without timestamps (zstd, row groups of :data:`ROW_GROUP_SIZE`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False, compression="zstd", row_group_size=ROW_GROUP_SIZE)


def _write_records(records: gpd.GeoDataFrame, folder: Path) -> None:
    """Write a county's records in parts of at most :data:`MAX_ROWS_PER_FILE` rows."""
    folder.mkdir(parents=True, exist_ok=True)
    n_parts = max(1, math.ceil(len(records) / MAX_ROWS_PER_FILE))
    for i in range(n_parts):
        part = records.iloc[i * MAX_ROWS_PER_FILE : (i + 1) * MAX_ROWS_PER_FILE]
        _write_geoparquet(part, folder / f"part-{i:03d}.parquet")


def _make_county(
    plan: CountyPlan,
    tiles: list[dict[str, Any]],
    offsets: np.ndarray,
    shift: np.ndarray,
    out: Path,
    spec: dict[str, Any],
) -> dict[str, Any]:
    """Assemble, write and load one county; write its records; return its counties.parquet row and layers."""
    frames, n_links = assemble(plan, tiles, offsets, to_local_transform(shift))
    district = _finalise(frames, plan.seed, float(len(plan.tiles)))
    folder = out / "counties" / plan.county_id
    paths = write_demo_files(district, folder)
    paths += write_security_files(district, folder)
    paths += write_residence_files(district, folder)
    header = (
        f"# {plan.name} ({plan.county_id}, {PROVINCE_NAME}): 虚构示例数据\n\n"
        f"Written by `hutan_geo.demo.generate_province` ({len(plan.tiles)} demo tile(s) side by side, moved into "
        "the fictional province; tile IDs and names suffixed -002, -003, ...; school, station and guard-post IDs "
        f"prefixed with {plan.county_id}-; the tiles' road networks joined by {n_links} two-way county_road "
        f"link(s), road_id {plan.county_id}-L001 ...). The demo folder's README follows.\n\n"
    )
    _retitle(paths, plan.name, header)
    layers = _county_layers(folder)
    layers["roads"] = district.roads[["name", "road_class", "geometry"]]
    bounds = district.district.total_bounds
    centre = ((bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0)
    epsg = _utm_epsg(*centre)
    n_schools = len(layers["schools"])
    records = generate_records(
        layers,
        county_id=plan.county_id,
        name=plan.name,
        n_records=n_schools * spec["records_per_school"],
        seed=plan.seed,
        crs=pyproj.CRS.from_epsg(epsg),
    )
    template = layers["hazards"]
    records = records.astype({c: template[c].dtype for c in records.columns if c != "geometry"})
    _write_records(records, out / "hazards" / f"county_id={plan.county_id}")
    LOGGER.info(
        "province: %s %s, %d tiles, %d road links, %d schools, %d records",
        plan.county_id,
        plan.name,
        len(plan.tiles),
        n_links,
        n_schools,
        len(records),
    )
    row = {
        "county_id": plan.county_id,
        "name": plan.name,
        "seed": plan.seed,
        "tiles": len(plan.tiles),
        "n_schools": n_schools,
        "n_records": len(records),
        "epsg": epsg,
        "lon_min": float(bounds[0]),
        "lat_min": float(bounds[1]),
        "lon_max": float(bounds[2]),
        "lat_max": float(bounds[3]),
        "path": f"counties/{plan.county_id}",
    }
    return {"row": row, "layers": {k: layers[k] for k in LAYERS}}


def generate_province(
    out: str | Path,
    *,
    size: Any = "small",
    seed: int = PROVINCE_SEED,
    pool: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> ProvinceInfo:
    """Generate the fictional province 示例省（虚构） (虚构示例数据) into the folder ``out``.

    Each county is 1 to 8 demo-district tiles (:func:`~hutan_geo.demo.generate_demo_district`'s
    generator) side by side, IDs and names made unique, road networks joined
    into one, moved to its place on a grid of counties a few hundred metres
    apart over lon 108.8-114.6, lat 24.6-30.1 (UTM zones 49N and 50N); its
    hazard records of the campaigns 2022-2026 are generated around its school
    gates, roads and places.

    Tiles come from a pool of distinct seeds: one seed per tile for
    ``"small"`` and custom sizes up to 32 tiles, and 32 seeds for ``"full"``
    (its ~420 tiles at several seconds each would take far too long; each
    pooled tile is placed several times, each time elsewhere and renamed).

    Parameters
    ----------
    out
        Folder to write (created). A non-empty folder that is not a province
        dataset is refused; an existing province dataset is replaced.
    size
        ``"small"`` (3 counties of 1, 1 and 2 tiles: about 240 schools and
        30,000 hazard records), ``"full"`` (120 counties: about 25,000 schools
        and 10,000,000 records) or ``{"counties": n, "records_per_school": r}``.
    seed
        Seed of the province; the same seed and size give byte-identical Parquet files.
    pool
        Number of distinct tile seeds (default: see above).
    progress
        Called as ``progress(done_counties, total)`` after each county.
    workers
        Processes generating the tile pool (default: up to 2; ``1``: in this process).

    Returns
    -------
    The dataset, as :func:`read_province` gives it.

    Examples
    --------
    >>> info = generate_province("/tmp/province_small")  # doctest: +SKIP
    >>> info.n_schools, len(info.counties)  # doctest: +SKIP
    (244, 3)
    """
    out = Path(out)
    spec = _resolve_size(size, pool)
    plans, seeds = plan_province(size, seed=seed, pool=pool)
    _prepare_out(out)
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    LOGGER.info(
        "province: %d counties, %d tiles from %d seeds", len(plans), sum(len(p.tiles) for p in plans), len(seeds)
    )
    outlines = [tile_outline(s) for s in seeds]
    offsets, polys = [], []
    for plan in plans:
        off = tile_offsets([outlines[t] for t in plan.tiles])
        offsets.append(off)
        polys.append(
            shapely.union_all(
                [shapely.affinity.translate(outlines[t], *o) for t, o in zip(plan.tiles, off, strict=True)]
            )
        )
    shifts = pack_counties(polys)
    rows: list[dict[str, Any]] = []
    layers: dict[str, list[gpd.GeoDataFrame]] = {k: [] for k in LAYERS}
    order = list(dict.fromkeys(t for plan in plans for t in plan.tiles))
    with TilePool(seeds, order, n_workers) as pool_:
        for i, plan in enumerate(plans):
            tiles = [pool_.get(t) for t in plan.tiles]
            res = _make_county(plan, tiles, offsets[i], shifts[i], out, spec)
            rows.append(res["row"])
            for k, frame in res["layers"].items():
                frame = frame.copy()
                frame.insert(0, "county_id", plan.county_id)
                layers[k].append(frame)
            if progress is not None:
                progress(i + 1, len(plans))
    for k, frames in layers.items():
        _write_geoparquet(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326"), out / f"{k}.parquet")
    counties = pd.DataFrame(rows)
    counties.to_parquet(out / "counties.parquet", index=False)
    meta = {
        "format": PROVINCE_FORMAT,
        "name": PROVINCE_NAME,
        "size": size,
        "seed": seed,
        "counties": len(counties),
        "schools": int(counties["n_schools"].sum()),
        "hazard_records": int(counties["n_records"].sum()),
        "pool": len(seeds),
    }
    (out / "province.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return read_province(out)


def read_province(path: str | Path) -> ProvinceInfo:
    """Read a province dataset's ``province.json`` and ``counties.parquet``.

    Parameters
    ----------
    path
        The dataset folder written by :func:`generate_province`.

    Raises
    ------
    InputError
        The folder, ``province.json`` or ``counties.parquet`` is missing or not of this format.

    Examples
    --------
    >>> info = read_province("/tmp/province_small")  # doctest: +SKIP
    """
    root = Path(path)
    fix = f"make one with `hutan-geo province-data --out {root}` (or hutan_geo.demo.generate_province)"
    meta_path = root / "province.json"
    if not meta_path.is_file():
        msg = f"{root}: not a province dataset (no province.json); {fix}"
        raise InputError(msg)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        msg = f"{meta_path} is not valid JSON ({exc}); {fix}"
        raise InputError(msg) from exc
    if not isinstance(meta, dict) or meta.get("format") != PROVINCE_FORMAT:
        got = meta.get("format") if isinstance(meta, dict) else None
        msg = f"{meta_path} has format {got!r}, expected {PROVINCE_FORMAT!r}; {fix}"
        raise InputError(msg)
    table = root / "counties.parquet"
    if not table.is_file():
        msg = f"{table} not found: the province dataset is incomplete; {fix}"
        raise InputError(msg)
    counties = pd.read_parquet(table)
    return ProvinceInfo(
        path=root,
        name=str(meta.get("name", "")),
        size=meta.get("size"),
        seed=int(meta.get("seed", 0)),
        pool=int(meta.get("pool", 0)),
        counties=counties,
        n_schools=int(meta.get("schools", 0)),
        n_records=int(meta.get("hazard_records", 0)),
    )
