"""The ``hutan-geo register`` command: init, import, advance, report, overdue, review and resolve."""

from __future__ import annotations

import pytest

from hutan_geo.cli import main

TODAY = ["--today", "2026-11-29"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["register", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_reg(tmp_path, capsys):
    path = str(tmp_path / "台账.gpkg")
    code, out, _ = run(capsys, "init", path, "--demo")
    assert code == 0
    assert "隐患 138 处，检查批次" in out
    return path


def test_init_with_departments_and_bad_files(tmp_path, capsys):
    depts = tmp_path / "depts.txt"
    depts.write_text("县公安局交警大队\n县市场监督管理局\n", encoding="utf-8")
    path = str(tmp_path / "r.gpkg")
    assert run(capsys, "init", path, "--departments", str(depts)) == (0, f"{path}：隐患 0 处，检查批次 0 个\n", "")
    code, _, err = run(capsys, "init", path, "--departments", str(tmp_path / "none.txt"))
    assert code == 2
    assert err.startswith("错误: ")
    assert "none.txt：部门名单文件不存在" in err
    code, _, err = run(capsys, "init", str(tmp_path / "r.txt"), "--lang", "en")
    assert code == 2
    assert "must end in .gpkg" in err


def test_import_a_csv_with_a_repeat_sighting(tmp_path, capsys):
    depts = tmp_path / "depts.txt"
    depts.write_text("县公安局交警大队\n", encoding="utf-8")
    path = str(tmp_path / "r.gpkg")
    run(capsys, "init", path, "--departments", str(depts))
    first = tmp_path / "first.csv"
    first.write_text(
        "隐患编号,隐患类别,隐患描述,关联学校,发现日期,经度,纬度\n"
        "A1,交通安全,校门口无斑马线,城关第一小学,2026-03-02,113.3000,27.6000\n"
        "A2,食品安全,无证流动摊贩,城关第一小学,2026-03-02,113.3200,27.6100\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", path, str(first), "--date", "2026-03-02", "--inspectors", "3", *TODAY)
    assert (code, err) == (0, "")
    assert out.startswith("第 1 批：共 2 条记录，新增隐患 2 处，重复发现 0 条")
    again = tmp_path / "again.csv"
    again.write_text(
        "隐患编号,隐患类别,隐患描述,关联学校,发现日期,经度,纬度\n"
        "B1,交通安全,校门口无斑马线,城关第一小学,2026-03-09,113.30005,27.6000\n",
        encoding="utf-8",
    )
    report = tmp_path / "import.csv"
    code, out, _ = run(capsys, "import", path, str(again), "--out", str(report), "--lang", "en", *TODAY)
    assert code == 0
    assert out.splitlines()[0] == "batch 2: 1 records: 0 new, 1 matched, 0 to review, 0 rejected"
    assert report.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "隐患编号,隐患类别,隐患描述,发现日期,责任单位,经度,纬度\nC1,文化市场,网吧接纳未成年人,2026-03-02,县教育局,113.5,27.5\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "import", path, str(bad), *TODAY)
    assert code == 2
    assert "unknown department(s): 县教育局; add them first" in err
    code, _, err = run(capsys, "import", path, str(tmp_path / "missing.csv"), *TODAY)
    assert code == 2
    assert "missing.csv" in err
    code, _, err = run(capsys, "import", path, str(first), "--date", "2026-3-2x", *TODAY)
    assert (code, err) == (2, "错误: --date 的日期 2026-3-2x 无法识别；请写成 YYYY-MM-DD\n")


def test_advance_allowed_and_refused(demo_reg, capsys):
    code, out, _ = run(capsys, "advance", demo_reg, "YH2026-0104", "整改", *TODAY, "--date", "2026-11-29")
    assert code == 2  # 整改 is not a status: the message lists them
    code, _, err = run(capsys, "advance", demo_reg, "YH2026-0104", "销号", *TODAY, "--date", "2026-11-29")
    assert code == 2
    assert "YH2026-0104: cannot go from 交办 to 销号; allowed next: 整改完成" in err
    code, out, _ = run(capsys, "advance", demo_reg, "YH2026-0104", "rectified", *TODAY, "--date", "2026-11-29")
    assert (code, out) == (0, "YH2026-0104：当前状态 整改完成\n")
    code, out, _ = run(
        capsys, "advance", demo_reg, "YH2026-0104", "销号", *TODAY, "--date", "2026-11-29", "--lang", "en"
    )
    assert (code, out) == (0, "YH2026-0104: now closed\n")
    code, _, err = run(capsys, "advance", demo_reg, "NOPE", "closed", *TODAY)
    assert (code, err) == (2, "错误: NOPE: no such hazard in the register\n")
    code, _, err = run(capsys, "advance", demo_reg, "YH2026-0104")
    assert code == 2
    assert "register 用法" in err


def test_report_prints_the_bulletin_and_writes_files(demo_reg, tmp_path, capsys):
    code, out, _ = run(capsys, "report", demo_reg, "--out", str(tmp_path / "rep"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2026年3月1日至2026年11月20日，共排查学校39所，发现各类隐患138处，其中交通安全隐患")
    assert "累计开展检查" in lines[0]
    for name in ("整改清单.xlsx", "每月发现与销号.png", "通报段落.txt"):
        assert (tmp_path / "rep" / name).exists()
    assert (tmp_path / "rep" / "通报段落.txt").read_text(encoding="utf-8").strip() == lines[0]
    code, _, _err = run(capsys, "report", demo_reg)
    assert code == 2


def test_overdue_lists_late_hazards(demo_reg, capsys):
    code, out, _ = run(capsys, "overdue", demo_reg, *TODAY)
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == f"逾期未整改隐患 {len(lines) - 1} 处"
    assert "逾期" in lines[0]
    assert "整改期限" in lines[0]
    code, out, _ = run(capsys, "overdue", demo_reg, "--today", "2026-03-01", "--lang", "en")
    assert out == "0 hazards overdue\n"


def test_review_and_resolve(tmp_path, capsys):
    path = str(tmp_path / "r.gpkg")
    run(capsys, "init", path)
    src = tmp_path / "a.csv"
    src.write_text(
        "隐患编号,隐患类别,隐患描述,关联学校,发现日期,经度,纬度\n"
        "A1,交通安全,第1号路口无斑马线标志,城关第一小学,2026-03-02,113.3000,27.6000\n",
        encoding="utf-8",
    )
    run(capsys, "import", path, str(src), *TODAY)
    src.write_text(
        "隐患编号,隐患类别,隐患描述,关联学校,发现日期,经度,纬度\n"
        "B1,交通安全,路口缺少斑马线,城关第一小学,2026-03-05,113.3001,27.6000\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import", path, str(src), *TODAY)
    assert "待复核 1 条" in out
    code, out, _ = run(capsys, "review", path)
    assert out.splitlines() == ["复核 1：第 2 批第 2 行，疑似重复发现，候选隐患 A1，相似度 56", "待复核记录 1 条"]
    code, _, err = run(capsys, "resolve", path, "x", "merge", *TODAY)
    assert code == 2
    assert "复核编号 x 不是数字" in err
    code, _, err = run(capsys, "resolve", path, "1", "split", *TODAY)
    assert code == 2
    assert "use one of merge, new, dismiss" in err
    code, out, _ = run(capsys, "resolve", path, "1", "merge", "--who", "李四", *TODAY)
    assert (code, out) == (0, "复核 1：已并入隐患 A1（重复发现）\n")
    code, _, err = run(capsys, "resolve", path, "1", "new", *TODAY)
    assert code == 2
    assert "already resolved" in err
    assert run(capsys, "review", path, "--lang", "en")[1] == "0 open review records\n"
