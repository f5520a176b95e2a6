"""The hazard register: the same suite against the GeoPackage and a throwaway PostGIS cluster."""

from __future__ import annotations

import glob
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from hutan_geo.analysis.register import (
    SCHEMA_VERSION,
    Batch,
    GpkgBackend,
    RegisterBusyError,
    TransitionError,
    open_register,
    register_report,
)
from hutan_geo.errors import InputError

TODAY = date(2026, 11, 30)
DEPTS = {"县公安局交警大队": 15, "县市场监督管理局": None}
ROOT = Path(__file__).resolve().parents[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    ok = glob.glob("/usr/share/postgresql/*/extension/postgis.control")
    return Path(found[-1]).parent if found and ok else None


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster with PostGIS under a temp dir; yields a function making fresh databases."""
    if _pg_bin() is None:
        subprocess.run(["bash", str(ROOT / "scripts/install_postgis.sh")], check=False)
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip(
            "PostgreSQL/PostGIS packages could not be installed (scripts/install_postgis.sh needs root and apt)"
        )
    pytest.importorskip("psycopg", reason="psycopg 3 is not installed")
    base = Path(tempfile.mkdtemp(prefix="hutan_pg_"))
    data = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(base, 0o755)
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)  # fmt: skip
    port = 55432 + os.getpid() % 1000
    opts = f"-k {base} -p {port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    pg_ctl = str(bindir / "pg_ctl")
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-o", opts, "-w", "-l", str(base / "log"), "start"],
                   check=True, capture_output=True)  # fmt: skip
    import psycopg

    admin = f"host={base} port={port} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE DATABASE tmpl")
    with psycopg.connect(f"host={base} port={port} user=postgres dbname=tmpl", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    counter = iter(range(10**6))

    def fresh() -> str:
        name = f"reg{next(counter)}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE tmpl")
        return f"host={base} port={port} user=postgres dbname={name}"

    yield fresh
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False,
                   capture_output=True)  # fmt: skip
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["gpkg", "postgis"])
def target(request, tmp_path):
    if request.param == "gpkg":
        return str(tmp_path / "register.gpkg")
    return request.getfixturevalue("pg_cluster")()


@pytest.fixture
def reg(target):
    r = open_register(target, timeout_s=0.3)
    r.init(departments=DEPTS, category_deadlines={"food_safety": 10})
    return r


def records(n: int = 3, *, start: int = 1, status: str = "found", x0: float = 113.30, **cols) -> gpd.GeoDataFrame:
    data = {
        "hazard_id": [f"H{start + k:04d}" for k in range(n)],
        "category": ["traffic"] * n,
        "description": [f"第{start + k}号路口无斑马线标志" for k in range(n)],
        "school_name": ["城关第一小学"] * n,
        "status": [status] * n,
        "found_date": ["2026-03-02"] * n,
        "team": ["第一检查组"] * n,
    }
    data.update(cols)
    pts = gpd.points_from_xy([x0 + 0.01 * k for k in range(n)], [27.6] * n)
    return gpd.GeoDataFrame(data, geometry=pts, crs="EPSG:4326")


def batch(day: str = "2026-03-02", **kw) -> Batch:
    return Batch(date.fromisoformat(day), team="第一检查组", schools=("城关第一小学",), inspectors=4, **kw)


def test_init_is_idempotent_and_versioned(reg):
    assert reg.init() == SCHEMA_VERSION == 3
    assert reg.departments()["name"].tolist() == sorted(DEPTS)


def test_import_accounts_for_every_record(reg):
    first = reg.import_batch(records(3), batch(), today=TODAY)
    assert first.counts == {"new": 3, "matched": 0, "review": 0, "rejected": 0}
    again = records(4, start=10)
    again.loc[0, "description"] = "第1号路口无斑马线标志"  # 10 m from H0001: a repeat sighting
    again.loc[1, "description"] = "路口缺少斑马线"  # near H0002, a weaker likeness: review
    again.loc[3, "description"] = again.loc[2, "description"]  # repeat within the batch
    again.geometry = gpd.points_from_xy([113.3001, 113.3101, 113.5, 113.5001], [27.6] * 4)
    rejected = pd.DataFrame({"source_row": [9], "reason": ["坐标超出范围"], "经度": ["200"]})
    res = reg.import_batch(again, batch("2026-03-05"), rejected=rejected, today=TODAY)
    assert res.counts == {"new": 1, "matched": 2, "review": 1, "rejected": 1}
    assert len(res.records) == 5
    assert res.records.set_index("source_row").loc[1, "hazard_id"] == "H0001"
    assert res.records.set_index("source_row").loc[4, "hazard_id"] == "H0012"
    hz = reg.hazards().set_index("hazard_id")
    assert sorted(hz.index) == ["H0001", "H0002", "H0003", "H0012"]
    assert hz.loc["H0001", "sightings"] == 2
    assert len(reg.sightings()) == 2
    assert sorted(reg.review()["reason"]) == ["possible repeat sighting", "坐标超出范围"]
    b = reg.batches().iloc[-1]
    assert (b["n_records"], b["n_new"], b["n_matched"], b["n_review"], b["n_rejected"]) == (5, 1, 2, 1, 1)


def test_loop_transitions_history_and_reopen(reg):
    reg.import_batch(records(1), batch(), today=TODAY)
    with pytest.raises(TransitionError, match="allowed next: 汇总"):
        reg.advance("H0001", "closed", when=date(2026, 3, 3), today=TODAY)
    reg.advance("H0001", "consolidated", when=date(2026, 3, 3), today=TODAY)
    with pytest.raises(InputError, match="department"):
        reg.advance("H0001", "assigned", when=date(2026, 3, 4), today=TODAY)
    reg.advance("H0001", "assigned", when=date(2026, 3, 4), department="县公安局交警大队", today=TODAY)
    assert reg.hazards()["deadline"].iat[0] == "2026-03-19"  # the department's 15 days
    assert len(reg.overdue(TODAY)) == 1
    assert reg.overdue(date(2026, 3, 10)).empty
    reg.advance("H0001", "rectified", when=date(2026, 3, 10), who="张三", note="已施划斑马线", today=TODAY)
    reg.advance("H0001", "closed", when=date(2026, 3, 12), today=TODAY)
    with pytest.raises(TransitionError, match="allowed next: -"):
        reg.advance("H0001", "closed", when=date(2026, 3, 13), today=TODAY)
    with pytest.raises(InputError, match="reason"):
        reg.reopen("H0001", reason=" ", when=date(2026, 3, 20), today=TODAY)
    reg.reopen("H0001", reason="复查发现标线被覆盖", when=date(2026, 3, 20), today=TODAY)
    hist = reg.history("H0001")
    assert hist["status"].tolist() == ["found", "consolidated", "assigned", "rectified", "closed", "assigned"]
    assert hist["who"].iat[3] == "张三"
    assert "复查" in hist["note"].iat[-1]
    hz = reg.hazards().iloc[0]
    assert (hz["status"], hz["reopened"], hz["closed_date"]) == ("assigned", 1, None)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"hazard_id": ["H0001", "H0001"]}, "duplicate hazard_id in the batch"),
        ({"found_date": ["2026-12-25", "2026-03-02"]}, "in the future"),
        ({"status": ["consolidated"] * 2, "consolidated_date": ["2026-03-01"] * 2}, "out of order"),
        ({"status": ["assigned"] * 2, "department": ["县教育局"] * 2}, "unknown department"),
        ({"hazard_id": ["H0001", "H0100"], "category": ["traffic", "bogus"]}, "category"),
    ],
)
def test_bad_input_writes_nothing(reg, change, match):
    reg.import_batch(records(1, x0=113.0), batch(), today=TODAY)
    before = reg.store.snapshot()
    bad = records(2, start=50)
    for col, values in change.items():
        bad[col] = values
    with pytest.raises(InputError, match=match):
        reg.import_batch(bad, batch(), today=TODAY)
    with pytest.raises(InputError, match="duplicate hazard_id: the register already holds H0001"):
        reg.import_batch(records(1, x0=114.0), batch(), today=TODAY)
    with pytest.raises(InputError, match="in the future"):
        reg.advance("H0001", "consolidated", when=date(2027, 1, 1), today=TODAY)
    with pytest.raises(InputError, match="out of order"):
        reg.advance("H0001", "consolidated", when=date(2026, 3, 1), today=TODAY)
    _same(reg.store.snapshot(), before)


def _same(a: dict, b: dict) -> None:
    for name in b:
        pd.testing.assert_frame_equal(pd.DataFrame(a[name]), pd.DataFrame(b[name]), obj=name)


def test_killed_imports_leave_the_register_as_before(reg):
    reg.import_batch(records(5), batch(), today=TODAY)
    rng = random.Random(13)
    recs = records(40, start=100, x0=112.0)
    recs.loc[::3, "status"] = "assigned"
    recs.loc[::3, "department"] = "县市场监督管理局"
    recs.loc[::3, "assigned_date"] = "2026-03-04"
    before = reg.store.snapshot()
    for _ in range(50):
        kill_at = rng.randint(1, 25)
        pid = os.fork()
        if pid == 0:  # the child imports and SIGKILLs itself at a random statement of the transaction
            seen = [0]

            def trace(sql: str, seen=seen, kill_at=kill_at) -> None:
                seen[0] += 1
                if seen[0] >= kill_at or sql == "COMMIT":
                    os.kill(os.getpid(), signal.SIGKILL)

            reg.store.trace = trace
            try:
                reg.import_batch(recs, batch("2026-03-06"), today=TODAY)
            finally:
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status)
        assert os.WTERMSIG(status) == signal.SIGKILL
        _same(reg.store.snapshot(), before)
    assert reg.import_batch(recs, batch("2026-03-06"), today=TODAY).counts["new"] == 40


def _paused_writer(reg, recs):
    """Start an import in a thread that stops before COMMIT until released; return (thread, paused, release, errs)."""
    paused, release, errs = threading.Event(), threading.Event(), []
    writer = open_register(reg.backend)

    def trace(sql: str) -> None:
        if sql == "COMMIT":
            paused.set()
            release.wait(10)

    writer.store.trace = trace

    def run() -> None:
        try:
            writer.import_batch(recs, batch("2026-03-06"), today=TODAY)
        except Exception as exc:
            errs.append(exc)

    th = threading.Thread(target=run)
    th.start()
    assert paused.wait(10)
    return th, release, errs


def test_reader_sees_old_or_new_and_second_writer_is_busy(reg):
    reg.import_batch(records(2), batch(), today=TODAY)
    th, release, errs = _paused_writer(reg, records(3, start=20, x0=113.0))
    try:
        assert len(reg.hazards()) == 2  # the write is half done: a reader still sees the old register
        with pytest.raises(RegisterBusyError, match="busy"):
            reg.import_batch(records(1, start=90, x0=112.0), batch(), today=TODAY)
    finally:
        release.set()
        th.join(10)
    assert not errs
    assert len(reg.hazards()) == 5
    assert len(reg.batches()) == 2


def test_migrates_a_version_1_register(target):
    reg = open_register(target)
    reg.init(departments=DEPTS)
    with reg.store.write() as tx:
        tx.run("ALTER TABLE review DROP COLUMN resolved")
        tx.run("DROP TABLE category_deadlines")
        tx.run("UPDATE register_meta SET value = '1' WHERE key = 'schema_version'")
    with pytest.raises(Exception, match="schema version 1"):
        reg.hazards()
    assert reg.init() == 1
    assert reg.hazards().empty
    assert "resolved" in reg.review().columns


@pytest.fixture(scope="module")
def demo():
    from hutan_geo.demo import load_demo

    return load_demo()


def test_demo_report_equals_counts_from_the_demo_data(target, demo):
    from hutan_geo.pipeline import register_from_hazards

    hz = demo.hazards
    reg = register_from_hazards(target, hz, today=TODAY)
    rep = register_report(reg, schools=demo.schools)
    t = rep.totals
    assert t["found"] == len(hz)
    assert t["closed"] == int((hz["status"] == "closed").sum())
    assert t["rectified"] == int(hz["status"].isin(["rectified", "closed"]).sum())
    assert rep.by_category.set_index("category")["found"].to_dict() == hz["category"].value_counts().to_dict()
    assert rep.by_status.set_index("status")["count"].to_dict() == {
        s: int((hz["status"] == s).sum()) for s in ("found", "consolidated", "assigned", "rectified", "closed")
    }
    dept = rep.by_department.set_index("department")["found"]
    assert dept.drop("-", errors="ignore").to_dict() == hz["department"].value_counts().to_dict()
    groups = hz.groupby([hz["found_date"].dt.date, hz["team"]])
    assert t["batches"] == groups.ngroups
    assert t["person_times"] == 4 * t["inspections"]
    assert t["schools"] == hz["school_name"].nunique()
    assert rep.monthly["found"].sum() == len(hz)
    assert rep.monthly["closed"].sum() == t["closed"]
    assert len(rep.rectification_list) == len(hz) - t["closed"]
    assert rep.bulletin().startswith(
        f"2026年3月1日至2026年11月20日，共排查学校{t['schools']}所，发现各类隐患{len(hz)}处，其中交通安全隐患"
    )


def test_geopackage_opens_as_a_point_layer(tmp_path):
    import pyogrio

    reg = open_register(tmp_path / "r.gpkg")
    reg.init(departments=DEPTS)
    reg.import_batch(records(2), batch(), today=TODAY)
    layers = dict(pyogrio.list_layers(tmp_path / "r.gpkg"))
    assert layers["hazards"] == "Point"
    back = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="hazards")
    assert back.crs.to_epsg() == 4326
    assert back["hazard_id"].tolist() == ["H0001", "H0002"]
    assert isinstance(reg.backend, GpkgBackend)


def _with_review(reg):
    reg.import_batch(records(2), batch(), today=TODAY)
    again = records(2, start=10)
    again.loc[0, "description"] = "路口缺少斑马线"  # near H0001, a weaker likeness: review
    again.geometry = gpd.points_from_xy([113.3001, 113.8], [27.6] * 2)
    rejected = pd.DataFrame({"source_row": [9], "reason": ["坐标超出范围"], "经度": ["200"]})
    res = reg.import_batch(again, batch("2026-03-05"), rejected=rejected, today=TODAY)
    assert res.counts == {"new": 1, "matched": 0, "review": 1, "rejected": 1}
    return reg.open_reviews()


def test_resolve_review_merge_new_and_dismiss(reg):
    open_ = _with_review(reg)
    assert open_["candidate_id"].iat[0] == "H0001"
    assert pd.isna(open_["candidate_id"].iat[1])
    rid, rej = (int(v) for v in open_["review_id"])
    before = reg.store.snapshot()
    with pytest.raises(InputError, match="no such hazard"):
        reg.resolve(rid, "merge", hazard_id="H9999", today=TODAY)
    with pytest.raises(InputError, match="unknown; use one of merge, new, dismiss"):
        reg.resolve(rid, "split", today=TODAY)
    with pytest.raises(InputError, match="fix the row in the source file"):
        reg.resolve(rej, "new", today=TODAY)
    with pytest.raises(InputError, match="already holds H0001"):
        reg.resolve(rid, "new", hazard_id="H0001", today=TODAY)
    _same(reg.store.snapshot(), before)
    assert reg.resolve(rid, "merge", when=date(2026, 3, 6), who="李四", today=TODAY) == "H0001"
    hz = reg.hazards().set_index("hazard_id")
    assert hz.loc["H0001", "sightings"] == 2
    last = reg.history("H0001").iloc[-1]
    assert (last["status"], last["event_date"], last["who"]) == ("sighting", "2026-03-06", "李四")
    assert "review" in last["note"]
    with pytest.raises(InputError, match="already resolved"):
        reg.resolve(rid, "new", today=TODAY)
    with pytest.raises(InputError, match="needs a note"):
        reg.resolve(rej, "dismiss", today=TODAY)
    assert reg.resolve(rej, "dismiss", note="已更正后重新导入", today=TODAY) == ""
    assert reg.open_reviews().empty
    assert reg.review()["resolved"].str.startswith(("merged into H0001", "dismissed")).all()


def test_resolve_review_as_a_new_hazard(reg):
    rid = int(_with_review(reg)["review_id"].iat[0])
    assert reg.resolve(rid, "new", today=TODAY) == "H0010"
    hz = reg.hazards().set_index("hazard_id")
    assert hz.loc["H0010", "status"] == "found"
    assert reg.history("H0010")["note"].iat[0].startswith("review")
    assert len(reg.open_reviews()) == 1
