"""Province scale on Dask: joins exact against the single-machine functions, county runs on a LocalCluster.

The cluster tests start a :class:`distributed.LocalCluster` of two worker
processes on the small generated province (``small_province`` fixture, 3 counties).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import cloudpickle
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hutan_geo import analysis, cli
from hutan_geo.demo import read_province
from hutan_geo.errors import InputError
from hutan_geo.province import (
    JOIN_COLUMNS,
    PROVINCE_BUDGET,
    CountySummary,
    ProvinceSites,
    connect,
    county_work,
    province_zones,
    read_manifest,
    run_counties,
    run_province,
    straight_rules,
    zone_partition,
)
from hutan_geo.province.joins import combine_partitions, partition_keys

# the worker processes cannot import this test module: ship its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])

#: A short, reproducible solver budget for the tests (stops by iteration count).
BUDGET = dataclasses.replace(PROVINCE_BUDGET, iterations=60, clusters=0)
AM = ("am",)

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two worker processes, one thread each."""
    c = connect(workers=2, dashboard=False)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


def _hazard_files(root: Path) -> list[Path]:
    return sorted((root / "hazards").rglob("*.parquet"))


def _read_part(path: Path) -> gpd.GeoDataFrame:
    part = gpd.read_parquet(path, columns=JOIN_COLUMNS)
    part["county_id"] = path.parent.name.split("=", 1)[1]
    return part


def _single_machine(root: Path, county: str) -> tuple[set, set]:
    """The pairs and rule hits of one county by the single-machine functions on its own schools."""
    sites = ProvinceSites.read(root)
    schools, campuses, gates = sites.county(county)
    prepared = analysis.prepare_sites(schools, campuses, gates)
    hazards = gpd.read_parquet(root / "hazards" / f"county_id={county}")
    pairs = analysis.hazards_within(hazards, prepared, 200.0).pairs
    hits = analysis.check_rules(hazards, prepared, straight_rules()).violations
    return (
        {(h, s, round(d, 6)) for h, s, d in zip(pairs["hazard_id"], pairs["school_id"], pairs["dist_m"], strict=True)},
        {(h, s, r) for h, s, r in zip(hits["hazard_id"], hits["school_id"], hits["rule_id"], strict=True)},
    )


def _from_outputs(out: Path, county: str) -> tuple[set, set]:
    pairs = pd.read_parquet(out / "pairs")
    hits = pd.read_parquet(out / "violations")
    p = pairs[(pairs["county_id"] == county) & (pairs["school_county_id"] == county)]
    h = hits[(hits["county_id"] == county) & (hits["school_county_id"] == county)]
    return (
        {(a, s, round(d, 6)) for a, s, d in zip(p["hazard_id"], p["school_id"], p["dist_m"], strict=True)},
        {(a, s, r) for a, s, r in zip(h["hazard_id"], h["school_id"], h["rule_id"], strict=True)},
    )


def test_partitions_give_exactly_the_single_machine_pairs(small_province: Path, tmp_path: Path) -> None:
    sites = ProvinceSites.read(small_province)
    files = _hazard_files(small_province)
    results = [
        zone_partition(_read_part(f), sites, key=k, out=tmp_path)
        for f, k in zip(files, partition_keys(len(files)), strict=True)
    ]
    _, counties = read_manifest(small_province)
    for county in counties["county_id"]:
        want_pairs, want_hits = _single_machine(small_province, county)
        got_pairs, got_hits = _from_outputs(tmp_path, county)
        assert want_pairs, f"{county}: the generator put no hazard near a school"
        assert got_pairs == want_pairs
        assert got_hits == want_hits
    zones = combine_partitions(results, sites, tmp_path, 200.0)
    # every record is counted once: placed + not placed = records, per county and in all
    total = zones.by_county
    assert (total["n_placed"] + total["n_not_placed"] == total["n_records"]).all()
    assert int(total["n_records"].sum()) == sum(len(pd.read_parquet(f, columns=["hazard_id"])) for f in files)
    assert (total["n_not_placed"] > 0).all()
    # the per-school table adds up to the pairs, recomputed from the written pairs
    pairs = pd.read_parquet(tmp_path / "pairs")
    assert int(zones.by_school["n_hazards"].sum()) == len(pairs)
    by_school = pairs.groupby("school_id").size()
    got = zones.by_school.set_index("school_id")["n_hazards"]
    assert (got[by_school.index] == by_school).all()
    assert set(zones.by_school["school_id"]) == set(sites.schools["school_id"])


def test_a_hazard_across_a_county_border_is_joined_to_the_neighbour_school(
    small_province: Path, tmp_path: Path
) -> None:
    sites = ProvinceSites.read(small_province)
    other = sites.schools[sites.schools["county_id"] == "C002"].iloc[0]
    gate = sites.gates[sites.gates["school_id"] == other["school_id"]].geometry.iloc[0]
    # 60 m north of the C002 school's gate, but recorded by county C001's inspectors
    lat_step = 60.0 / 110_574.0
    part = gpd.GeoDataFrame(
        {
            "hazard_id": ["X-1"],
            "category": ["food_safety"],
            "subtype": [None],
            "description": ["流动摊贩"],
            "severity": ["low"],
            "status": ["found"],
            "needs_geocoding": [False],
            "county_id": ["C001"],
        },
        geometry=[shapely.Point(gate.x, gate.y + lat_step)],
        crs=4326,
    )
    result = zone_partition(part, sites, key="x", out=tmp_path)
    pairs = pd.read_parquet(tmp_path / "pairs" / "x.parquet")
    row = pairs[pairs["school_id"] == other["school_id"]]
    assert len(row) == 1
    assert row["school_county_id"].iloc[0] == "C002"
    assert row["county_id"].iloc[0] == "C001"
    assert row["dist_m"].iloc[0] <= 60.0 + 1e-6
    assert int(result.summary["n_in_zone"].sum()) == 1


def test_province_zones_on_two_processes_equal_the_single_process_path(
    small_province: Path, tmp_path: Path, client
) -> None:
    zones = province_zones(small_province, tmp_path / "cluster", client)
    sites = ProvinceSites.read(small_province)
    files = _hazard_files(small_province)
    assert zones.n_partitions == len(files)
    local = [
        zone_partition(_read_part(f), sites, key=k, out=tmp_path / "local")
        for f, k in zip(files, partition_keys(len(files)), strict=True)
    ]
    single = combine_partitions(local, sites, tmp_path / "local", 200.0)
    for name in ("by_school", "by_county", "by_category", "by_county_category"):
        pd.testing.assert_frame_equal(getattr(zones, name), getattr(single, name), check_dtype=False, obj=name)
    a = pd.read_parquet(tmp_path / "cluster" / "pairs").sort_values(["hazard_id", "school_id"], ignore_index=True)
    b = pd.read_parquet(tmp_path / "local" / "pairs").sort_values(["hazard_id", "school_id"], ignore_index=True)
    pd.testing.assert_frame_equal(a, b)


def _die_once(root: str, county: str, out: str, **kwargs):
    """County work whose worker process dies (os._exit) the first time it runs county C002, mid-run."""
    marker = Path(out) / f".killed-{county}"
    if county == "C002" and not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()))
        half = Path(out) / "counties" / f".{county}.tmp-{os.getpid()}" / "packet"
        half.mkdir(parents=True)  # a half-written packet left behind by the dead worker
        (half / "half.html").write_text("<p>half</p>")
        os._exit(1)
    return county_work(root, county, out, **kwargs)


def _always_fails(root: str, county: str, out: str, **kwargs):
    if county == "C003":
        msg = f"{county}: road network file is damaged (test)"
        raise InputError(msg)
    return county_work(root, county, out, **kwargs)


def _reported_checked(out: Path, county: str) -> None:
    """Every window's plan passed the independent check (Plan.check, recomputed from the matrix) on the worker."""
    summary = (out / "counties" / county / "summary.json").read_text(encoding="utf-8")
    assert '"check_ok": true' in summary
    assert '"check_ok": false' not in summary


def test_a_killed_worker_loses_no_county_and_duplicates_none(small_province: Path, tmp_path: Path, client) -> None:
    runs = run_counties(small_province, tmp_path, client, ["C001", "C002"], budget=BUDGET, windows=AM, work=_die_once)
    assert (tmp_path / ".killed-C002").exists(), "the worker was not killed"
    assert runs.county_ids == ["C001", "C002"]
    assert runs.failed.empty
    folders = sorted(p.name for p in (tmp_path / "counties").iterdir())
    assert folders == ["C001", "C002"], folders  # no half-written or duplicate folder left
    for county in ("C001", "C002"):
        assert (tmp_path / "counties" / county / "packet" / "index.html").is_file()
        _reported_checked(tmp_path, county)
    assert runs.summaries[1].worker != int((tmp_path / ".killed-C002").read_text())


def test_a_county_that_keeps_failing_is_reported_not_lost(small_province: Path, tmp_path: Path, client) -> None:
    runs = run_counties(
        small_province, tmp_path, client, ["C003"], budget=BUDGET, windows=AM, retries=1, work=_always_fails
    )
    assert runs.summaries == []
    assert runs.failed["county_id"].tolist() == ["C003"]
    assert "road network file is damaged" in runs.failed["error"].iloc[0]


def test_the_province_command_on_the_cluster_equals_the_single_process_run(
    small_province: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    args = ["--workers", "2", "--counties", "C001", "--iterations", "60", "--windows", "am", "--no-zones"]
    status = cli.main(["province", str(small_province), "--out", str(out), *args])
    text = capsys.readouterr().out
    assert status == 0, text
    assert "Dask 监控面板：http://127.0.0.1:" in text
    assert "各县区巡逻方案与覆盖：1/1" in text
    assert "全省完成：1/1个县区" in text
    frame = pd.read_csv(out / "全省各县区汇总.csv", encoding="utf-8-sig")
    assert frame["状态"].tolist() == ["完成"]
    assert frame["早高峰方案核验"].tolist() == ["通过"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "counties/C001/packet/index.html" in page
    assert (out / "counties" / "C001" / "packet" / "index.html").is_file()
    # the same county in this process, same budget: the same plan figures, coverage and unserved list
    on_cluster = CountySummary.from_json((out / "counties" / "C001" / "summary.json").read_text(encoding="utf-8"))
    cli_budget = dataclasses.replace(PROVINCE_BUDGET, iterations=60)  # the command keeps the province's clusters
    alone = county_work(small_province, "C001", tmp_path / "alone", budget=cli_budget, windows=AM)
    assert on_cluster.windows == alone.windows
    assert on_cluster.coverage == alone.coverage
    assert on_cluster.unserved == alone.unserved
    assert on_cluster.worker != os.getpid()


def test_the_province_data_command_reports_what_it_wrote(tmp_path: Path, capsys, monkeypatch) -> None:
    import hutan_geo.demo as demo

    real = demo.generate_province
    one_county = {"counties": 1, "records_per_school": 2}
    monkeypatch.setattr(demo, "generate_province", lambda out, size, **kw: real(out, size=one_county, **kw))
    status = cli.main(["province-data", "--out", str(tmp_path / "p"), "--size", "small"])
    text = capsys.readouterr().out
    assert status == 0, text
    info = read_province(tmp_path / "p")
    assert len(info.counties) == 1
    assert f"已生成示例省：1个县区，{info.n_schools}所学校，{info.n_records}条隐患记录" in text


def test_bad_province_input_gets_a_clear_message(tmp_path: Path, capsys) -> None:
    status = cli.main(["province", str(tmp_path), "--no-plans", "--workers", "1"])
    err = capsys.readouterr().err
    assert status == 2
    assert "not a province dataset" in err
    assert "province-data" in err
    (tmp_path / "province.json").write_text('{"format": "hutan_geo.province/1"}', encoding="utf-8")
    pd.DataFrame({"county_id": ["C001"]}).to_parquet(tmp_path / "counties.parquet")
    with pytest.raises(InputError, match="unknown county ids"):
        run_province(tmp_path, tmp_path / "o", None, counties=["C999"])


def test_bad_arguments_are_refused_before_a_cluster_starts(small_province: Path, capsys, monkeypatch) -> None:
    import hutan_geo.province.commands as commands

    monkeypatch.setattr(commands, "connect", lambda *a, **k: pytest.fail("a cluster started on bad input"))
    for extra, text in (
        (["--workers", "0"], "--workers must be at least 1; got 0"),
        (["--iterations", "0"], "--iterations must be at least 1; got 0"),
        (["--retries", "-1"], "--retries must be 0 or more; got -1"),
        (["--counties", "C001,C999"], "unknown county ids ['C999']"),
    ):
        assert cli.main(["province", str(small_province), *extra]) == 2
        assert text in capsys.readouterr().err


def test_an_unreachable_scheduler_gets_a_clear_message() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match=rf"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}.*--scheduler"):
        connect(f"tcp://127.0.0.1:{port}", timeout="1s")


def test_sites_near_never_misses_a_school_within_the_margin(small_province: Path) -> None:
    sites = ProvinceSites.read(small_province)
    gates = sites.gates.to_crs(32649)
    rng = np.random.default_rng(3)
    for i in rng.choice(len(gates), size=20, replace=False):
        g = gates.geometry.iloc[i]
        ang = rng.uniform(0, 2 * np.pi)
        p = gpd.GeoSeries([shapely.Point(g.x + 199 * np.cos(ang), g.y + 199 * np.sin(ang))], crs=32649).to_crs(4326)
        mask = sites.near(tuple(p.total_bounds), 200.0)
        assert gates["school_id"].iloc[i] in set(sites.schools.loc[mask, "school_id"])
