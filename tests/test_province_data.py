"""The fictional province generator: layout on disk, county folders, joined networks, hazard records."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
import shapely

from hutan_geo.demo import PROVINCE_SEED, generate_province, read_province
from hutan_geo.demo.province import MAX_ROWS_PER_FILE, ROW_GROUP_SIZE, plan_province
from hutan_geo.errors import InputError
from hutan_geo.io import load_district
from hutan_geo.model.crs import local_metric_crs
from hutan_geo.model.schema import CATEGORIES, SEVERITIES, STATUSES
from hutan_geo.network import connectivity_report, network_from_roads

LAYERS = ("schools", "campuses", "gates", "stations")
DATES = ["found_date", "consolidated_date", "assigned_date", "rectified_date", "closed_date"]


@pytest.fixture(scope="module")
def districts(small_province: Path) -> dict[str, object]:
    info = read_province(small_province)
    return {cid: load_district(info.county_path(cid)) for cid in info.counties["county_id"]}


@pytest.fixture(scope="module")
def records(small_province: Path) -> gpd.GeoDataFrame:
    return gpd.read_parquet(small_province / "hazards")


def test_counts_in_province_json_match_the_files(small_province: Path) -> None:
    meta = json.loads((small_province / "province.json").read_text(encoding="utf-8"))
    assert meta["format"] == "hutan_geo.province/1"
    assert meta["name"] == "示例省（虚构）"
    assert (meta["size"], meta["seed"], meta["pool"], meta["counties"]) == ("small", PROVINCE_SEED, 4, 3)
    counties = pd.read_parquet(small_province / "counties.parquet")
    assert list(counties["county_id"]) == ["C001", "C002", "C003"]
    assert list(counties["tiles"]) == [1, 1, 2]
    assert counties["name"].is_unique
    assert meta["schools"] == counties["n_schools"].sum() == len(gpd.read_parquet(small_province / "schools.parquet"))
    assert 200 <= meta["schools"] <= 260
    n_rows = pads.dataset(small_province / "hazards", partitioning="hive").count_rows()
    assert meta["hazard_records"] == counties["n_records"].sum() == n_rows
    assert 25_000 <= n_rows <= 35_000
    assert sorted(p.name for p in (small_province / "counties").iterdir()) == ["C001", "C002", "C003"]
    assert [p.name for p in (small_province / "hazards").iterdir()] == [f"county_id=C00{i}" for i in (1, 2, 3)]


def test_county_folders_load_without_rejects_of_the_generator(small_province: Path, districts: dict) -> None:
    counties = pd.read_parquet(small_province / "counties.parquet").set_index("county_id")
    for cid, d in districts.items():
        review = d.review_table()
        # only the demo sheet's two deliberate defects per tile (one swapped lon/lat, one unreadable date)
        assert sorted(review["reason_codes"]) == sorted(["bad_date", "swapped_lonlat"] * counties.loc[cid, "tiles"])
        assert set(review["dataset"]) == {"隐患"}
        assert d.reference_rejects.empty
        assert len(d.layers["schools"]) == counties.loc[cid, "n_schools"]
        assert d.layers["schools"]["school_id"].str.startswith(f"{cid}-").all()
        assert d.layers["district"]["name"].tolist() == [counties.loc[cid, "name"]]
        assert {"security", "residences", "bus_stops", "roads", "places", "guard_posts"} <= set(d.layers)
        # 虚构示例数据 is marked, the demo county's name is gone from the names
        assert (d.layers["district"]["说明"] == "虚构示例数据").all()
        assert not d.layers["schools"]["name"].str.contains("青岚").any()
        assert "青岚" not in (small_province / "counties" / cid / "schools" / "schools.csv").read_text("utf-8-sig")


def test_province_layers_have_load_districts_columns_and_dtypes(small_province: Path, districts: dict) -> None:
    for layer in LAYERS:
        frame = gpd.read_parquet(small_province / f"{layer}.parquet")
        assert frame.crs.to_epsg() == 4326
        assert frame.columns[0] == "county_id"
        assert list(frame["county_id"]) == sorted(frame["county_id"])
        parts = []
        for cid, d in districts.items():
            expected = d.layers[layer]
            got = frame[frame["county_id"] == cid].drop(columns="county_id").reset_index(drop=True)
            assert list(got.columns) == list(expected.columns)
            assert dict(got.dtypes) == dict(expected.dtypes), layer
            pd.testing.assert_frame_equal(
                pd.DataFrame(got.drop(columns="geometry")), pd.DataFrame(expected.drop(columns="geometry"))
            )
            assert got.geometry.geom_equals_exact(expected.geometry, 1e-9).all()
            parts.append(got)
        assert sum(len(p) for p in parts) == len(frame)


def test_each_county_network_is_one_strongly_connected_network(districts: dict) -> None:
    for cid, d in districts.items():
        roads = d.layers["roads"]
        report = connectivity_report(network_from_roads(roads))
        assert len(report) == 1, (cid, report)
        assert report["share_nodes"].iloc[0] == 1.0
    links = districts["C003"].layers["roads"]
    links = links[links["road_id"].str.startswith("C003-L")]
    assert 1 <= len(links) <= 2
    assert (links["road_class"] == "county_road").all()
    assert (~links["oneway"]).all()


def test_link_ends_are_existing_junctions(districts: dict) -> None:
    roads = districts["C003"].layers["roads"]
    links = roads["road_id"].str.startswith("C003-L")
    other = roads.geometry[~links].to_numpy()
    ends = shapely.get_coordinates(np.concatenate([shapely.get_point(other, 0), shapely.get_point(other, -1)]))
    known = {tuple(p) for p in ends}
    for line in roads.geometry[links]:
        xy = shapely.get_coordinates(line)
        assert tuple(xy[0]) in known
        assert tuple(xy[-1]) in known
        assert len(xy) == 2


def test_records_read_back_with_the_dtypes_of_load_district(
    small_province: Path, districts: dict, records: gpd.GeoDataFrame
) -> None:
    expected = districts["C001"].layers["hazards"]
    got = records.drop(columns="county_id")
    assert list(got.columns) == list(expected.columns)
    assert dict(got.dtypes) == dict(expected.dtypes)
    assert records.crs.to_epsg() == 4326
    table = pads.dataset(small_province / "hazards", partitioning="hive").to_table()
    assert table.num_rows == len(records)
    assert set(table.column("county_id").to_pylist()) == {"C001", "C002", "C003"}
    for part in (small_province / "hazards").rglob("*.parquet"):
        meta = pq.ParquetFile(part).metadata
        assert "county_id" not in pq.read_schema(part).names
        assert meta.num_rows <= MAX_ROWS_PER_FILE
        assert all(meta.row_group(i).num_rows <= ROW_GROUP_SIZE for i in range(meta.num_row_groups))
        assert b"geo" in pq.read_schema(part).metadata


def test_records_are_a_valid_register(records: gpd.GeoDataFrame) -> None:
    assert records["hazard_id"].is_unique
    assert records["hazard_id"].str.match(r"^C00[123]-20(2[2-6])-\d{6}$").all()
    assert set(records["category"]) == set(CATEGORIES.codes)
    assert set(records["severity"]) <= set(SEVERITIES.codes)
    assert set(records["status"]) == set(STATUSES.codes)
    assert records["found_date"].notna().all()
    years = records["found_date"].dt.year
    assert set(years) == {2022, 2023, 2024, 2025, 2026}
    dates = records[DATES]
    for a, b in itertools.pairwise(DATES):
        both = dates[a].notna() & dates[b].notna()
        assert (dates.loc[both, a] <= dates.loc[both, b]).all(), (a, b)
        assert (dates[b].isna() | dates[a].notna()).all(), f"{b} without {a}"
    assigned = records["assigned_date"].notna()
    assert (records.loc[assigned, "deadline"] > records.loc[assigned, "assigned_date"]).all()
    assert records.loc[~assigned, "deadline"].isna().all()
    # the status is the last step reached
    step = dates.notna().sum(axis=1) - 1
    assert (records["status"].map({c: i for i, c in enumerate(STATUSES.codes)}) == step).all()
    assert (dates.max(axis=1) <= pd.Timestamp("2026-11-29")).all()
    # older rounds mostly closed, the current year mixed
    closed = records["status"] == "closed"
    assert closed[years < 2026].mean() > 0.95
    assert 0.3 < closed[years == 2026].mean() < 0.9
    # about 1 % address only
    unplaced = records.geometry.isna()
    assert 0.005 < unplaced.mean() < 0.02
    assert (records["needs_geocoding"] == unplaced).all()
    assert (records.loc[unplaced, "address"].str.len() > 0).all()


def test_records_sit_around_school_gates_and_recur(
    small_province: Path, districts: dict, records: gpd.GeoDataFrame
) -> None:
    d = districts["C003"]
    crs = local_metric_crs(d.layers["district"])
    recs = records[(records["county_id"] == "C003") & records.geometry.notna()].to_crs(crs)
    gates = d.layers["gates"].to_crs(crs)
    _, dist = gates.sindex.nearest(recs.geometry, return_distance=True)
    near = pd.Series(dist, index=recs.index)
    gate_cats = recs["subtype"].isin(["校门口交通", "流动摊贩"])
    assert (near[gate_cats] <= 320).mean() > 0.95
    assert near[gate_cats].median() < 120
    venues = recs["subtype"] == "网吧"
    assert near[venues].between(20, 450).mean() > 0.9
    # each site is found again in later rounds, a few metres from where it was first found
    xy = shapely.get_coordinates(recs.geometry.to_numpy())
    cell = pd.Series(list(zip(*(np.floor(xy / 40.0).astype(int).T), strict=True)), index=recs.index)
    per_cell = recs.groupby(cell)["found_date"].nunique()
    assert (per_cell >= 2).mean() > 0.4


def test_counties_are_close_neighbours_in_two_utm_zones(small_province: Path, districts: dict) -> None:
    counties = pd.read_parquet(small_province / "counties.parquet")
    assert set(counties["epsg"]) == {32649, 32650}
    assert counties["lon_min"].min() > 108.0
    assert counties["lon_max"].max() < 115.0
    polys = gpd.GeoSeries([d.layers["district"].union_all() for d in districts.values()], crs=4326)
    metric = polys.to_crs(local_metric_crs(polys))
    for i in range(len(metric)):
        others = metric.drop(index=i)
        gap = others.distance(metric.iloc[i]).min()
        assert 250.0 < gap < 1000.0, (i, gap)
    bounds = np.array([d.layers["district"].total_bounds for d in districts.values()])
    np.testing.assert_allclose(bounds, counties[["lon_min", "lat_min", "lon_max", "lat_max"]].to_numpy(), atol=1e-6)


def test_same_seed_gives_the_same_bytes_and_rewriting_replaces(tmp_path: Path) -> None:
    size = {"counties": 1, "records_per_school": 5}
    first = generate_province(tmp_path / "a", size=size, seed=7, pool=1)
    assert first.n_records == 5 * first.n_schools
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    snapshot = {p: (tmp_path / "a" / p).read_bytes() for p in files}
    seen = []
    generate_province(tmp_path / "a", size=size, seed=7, pool=1, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(1, 1)]
    again = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert again == files
    assert all((tmp_path / "a" / p).read_bytes() == snapshot[p] for p in files)
    assert any(p.suffix == ".parquet" for p in files)


def test_bad_input_is_refused_with_the_fix(tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not empty and is not a province dataset"):
        generate_province(busy)
    with pytest.raises(InputError, match="size must be"):
        generate_province(tmp_path / "new", size="huge")
    with pytest.raises(InputError, match="size dict"):
        generate_province(tmp_path / "new", size={"counties": 0, "records_per_school": 5})
    with pytest.raises(InputError, match=r"not a province dataset \(no province\.json\).*generate_province"):
        read_province(busy)
    (busy / "province.json").write_text('{"format": "other/1"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"expected 'hutan_geo\.province/1'"):
        read_province(busy)
    (busy / "province.json").write_text('{"format": "hutan_geo.province/1"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"counties\.parquet not found"):
        read_province(busy)


def test_full_plan_has_realistic_county_sizes() -> None:
    plans, seeds = plan_province("full")
    tiles = np.array([len(p.tiles) for p in plans])
    assert len(plans) == 120
    assert len(seeds) == 32
    assert 3.3 <= tiles.mean() <= 3.8
    assert tiles.min() == 1
    assert tiles.max() == 8
    assert len({p.name for p in plans}) == 120
    # a county never uses one pool tile twice; the pool is used evenly
    assert all(len(set(p.tiles)) == len(p.tiles) for p in plans)
    used = np.bincount(np.concatenate([p.tiles for p in plans]), minlength=32)
    assert used.max() - used.min() <= 1
