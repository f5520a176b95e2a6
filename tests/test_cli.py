"""The hutan-geo command line."""

from __future__ import annotations

import sys

import pandas as pd

from hutan_geo.cli import main
from hutan_geo.export.browser import chromium_path
from hutan_geo.export.offline import asset_urls


def test_demo_writes_outputs(tmp_path, capsys, offline_assets):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    names = ["待复核.csv", "学校.csv", "隐患.csv", "派出所.csv", "demo.gpkg", "概览地图.html"]
    names += ["地理编码待复核.csv", "违规清单.csv", "学校风险排名.csv", "分析地图.html"]
    if chromium_path() is not None:
        names.append("概览地图.png")
    for name in names:
        assert (out / name).exists(), name
        assert name in printed
    assert asset_urls((out / "概览地图.html").read_text(encoding="utf-8")) == []  # self-contained
    assert "离线单文件" in printed
    assert "暂从网络加载" not in printed
    assert asset_urls((out / "分析地图.html").read_text(encoding="utf-8")) == []
    violations = pd.read_csv(out / "违规清单.csv", encoding="utf-8-sig")
    cafe = violations[violations["隐患编号"] == "YH2026-0128"]
    assert cafe["规则编号"].tolist() == ["internet_cafe_200"]
    assert cafe["依据"].str.contains("第九条").all()
    risk = pd.read_csv(out / "学校风险排名.csv", encoding="utf-8-sig")
    assert risk["风险排名"].tolist() == sorted(risk["风险排名"])
    assert "规则核查" in printed
    assert "地理编码" in printed
    review = pd.read_csv(out / "待复核.csv", encoding="utf-8-sig")
    assert len(review) == 2
    hazards = pd.read_csv(out / "隐患.csv", encoding="utf-8-sig")
    assert "隐患类别" in hazards.columns
    assert set(hazards["隐患类别"]) <= {"交通安全", "食品安全", "社会治安", "文化市场", "其他"}


def test_demo_in_english(tmp_path, capsys, offline_assets):
    out = tmp_path / "en"
    assert main(["demo", "--out", str(out), "--lang", "en", "--no-png"]) == 0
    assert (out / "overview_map.html").exists()
    assert not (out / "overview_map.png").exists()
    assert "rows read" in capsys.readouterr().out


def test_assets_command_is_quick_when_cached(offline_assets, capsys):
    assert main(["assets"]) == 0
    assert str(offline_assets) in capsys.readouterr().out


def test_missing_assets_is_one_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HUTAN_GEO_ASSETS", str(tmp_path / "no-cache"))
    assert main(["demo", "--out", str(tmp_path / "d"), "--no-png"]) == 2
    err = capsys.readouterr().err
    assert "leaflet@1.9.3" in err
    assert "hutan-geo assets" in err
    assert "Traceback" not in err


def test_validate_writes_valid_and_review(tmp_path, capsys):
    src = tmp_path / "台账.csv"
    src.write_text(
        "隐患编号,隐患类别,地址,经度,纬度\nA1,交通安全,人民路,113.3,27.6\nA2,火灾,人民路,113.3,27.6\n",
        encoding="gbk",
    )
    assert main(["validate", "hazards", str(src), "--out", str(tmp_path / "out"), "--datum", "gcj02"]) == 0
    printed = capsys.readouterr().out
    assert "有效 1 行" in printed
    valid = pd.read_csv(tmp_path / "out" / "台账_有效.csv", encoding="utf-8-sig")
    assert list(valid["隐患编号"]) == ["A1"]
    assert valid["经度"].iloc[0] != 113.3  # converted from GCJ-02
    review = pd.read_csv(tmp_path / "out" / "台账_待复核.csv", encoding="utf-8-sig")
    assert review["source_row"].tolist() == [3]
    assert main(["validate", "hazards", str(src), "--out", str(tmp_path / "o2"), "--strict"]) == 1


def test_bad_input_is_one_message_not_a_traceback(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("名字,别的\n甲,乙\n", encoding="utf-8")
    assert main(["validate", "schools", str(src)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err
    assert "学段" in err
    assert "Traceback" not in err
    assert main(["validate", "schools", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err


def test_patrol_writes_roster_routes_and_map(tmp_path, capsys, offline_assets):
    out = tmp_path / "patrol"
    assert main(["patrol", "--iterations", "200", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    printed = captured.out
    names = ["巡逻勤务表.xlsx", "巡逻勤务表.html", "巡逻路线.geojson", "巡逻路线.gpx", "巡逻路线.kml", "巡逻路线.html"]
    for name in names:
        assert (out / name).exists(), name
        assert name in printed
    assert "200 次迭代" in printed
    assert "巡逻计划·早高峰（入校）：需护学 60 所，护学岗覆盖 7 所" in printed
    assert "巡逻求解中" not in captured.err  # no progress line when stderr is not a terminal
    sheets = pd.read_excel(out / "巡逻勤务表.xlsx", sheet_name=None)
    assert list(sheets) == ["早高峰（入校）", "汇总"]
    assert "巡逻单位" in sheets["早高峰（入校）"].columns
    assert asset_urls((out / "巡逻路线.html").read_text(encoding="utf-8")) == []  # self-contained


def test_patrol_shows_progress_on_a_terminal(tmp_path, capsys, monkeypatch, offline_assets):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    args = ["patrol", "--window", "noon", "--iterations", "200", "--seed", "2", "--lang", "en"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    captured = capsys.readouterr()
    assert "solving patrols · iteration 200 · best cost" in captured.err
    assert "patrol plan (noon)" in captured.out
    assert (tmp_path / "a" / "patrol_roster.xlsx").exists()
    assert main([*args, "--quiet", "--out", str(tmp_path / "b")]) == 0
    assert "solving" not in capsys.readouterr().err


def test_patrol_bad_district_is_one_message(tmp_path, capsys):
    assert main(["patrol", "--district", str(tmp_path / "nowhere"), "--iterations", "200"]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    (tmp_path / "empty").mkdir()
    assert main(["patrol", "--district", str(tmp_path / "empty"), "--iterations", "200"]) == 2
    assert "schools" in capsys.readouterr().err


def test_coverage_writes_tables_charts_and_map(tmp_path, capsys, offline_assets):
    out = tmp_path / "cov"
    assert main(["coverage", "--iterations", "100", "--posts", "9", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name in ["覆盖情况.xlsx", "巡逻时间线.png", "逐分钟覆盖.png", "覆盖分析.html"]:
        assert (out / name).exists(), name
        assert name in printed
    assert "100 次迭代" in printed
    assert "巡逻覆盖·早高峰（入校）：需护学 60 所" in printed
    assert "1分钟内" in printed
    assert "超出5分钟" in printed
    assert "最差时刻" in printed
    assert "最优 9 个覆盖" in printed
    sheets = pd.read_excel(out / "覆盖情况.xlsx", sheet_name=None)
    assert list(sheets)[:2] == ["巡逻覆盖", "覆盖率（乡镇）"]
    assert "护学岗选址对比" in sheets
    assert sheets["巡逻覆盖"].columns[0] == "学校编号"
    assert len(sheets["巡逻覆盖"]) == 60
    assert (out / "巡逻时间线.png").read_bytes()[:4] == b"\x89PNG"
    html = (out / "覆盖分析.html").read_text(encoding="utf-8")
    assert asset_urls(html) == []  # self-contained
    assert "巡逻覆盖" in html or "\\u5de1\\u903b\\u8986\\u76d6" in html


def test_coverage_in_english_with_own_limits(tmp_path, capsys, offline_assets):
    out = tmp_path / "en"
    args = ["coverage", "--window", "pm", "--iterations", "60", "--limits", "2", "4", "--lang", "en", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "within 2 min" in printed
    assert "beyond 4 min" in printed
    assert (out / "coverage.xlsx").exists()
    assert (out / "coverage_map.html").exists()


def test_coverage_bad_input_is_one_message(tmp_path, capsys):
    for bad in (["--limits", "0"], ["--posts", "100000"]):
        assert main(["coverage", "--iterations", "60", *bad, "--out", str(tmp_path / "x")]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err
    assert main(["coverage", "--district", str(tmp_path / "nowhere"), "--iterations", "60"]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_coverage_tables_neutralise_formulas(tmp_path):
    from hutan_geo import io

    path = io.write_sheets({"表": pd.DataFrame({"=名称": ["=HYPERLINK(1)", "东门", "+1", "@x"]})}, tmp_path / "t.xlsx")
    back = pd.read_excel(path, sheet_name="表")
    assert back.columns[0] == "'=名称"
    assert back.iloc[:, 0].tolist() == ["'=HYPERLINK(1)", "东门", "'+1", "'@x"]


def test_exit_codes_documented_in_the_readme(tmp_path, capsys):
    """0 ok, 1 ``--strict`` with rejected rows, 2 bad input (one message), 2 for a usage error (argparse)."""
    import pytest

    good = tmp_path / "stations.csv"
    good.write_text("派出所名称,经度,纬度\n城关所,113.3,27.6\n", encoding="utf-8")
    assert main(["validate", "stations", str(good), "--out", str(tmp_path / "o")]) == 0
    mixed = tmp_path / "mixed.csv"
    mixed.write_text('派出所名称,经度,纬度\n"城关所,113.3,27.6\n河西所,999,27.6\n', encoding="utf-8")
    assert main(["validate", "stations", str(mixed), "--out", str(tmp_path / "o")]) == 0
    assert "第 2 行有未闭合的引号" in capsys.readouterr().out
    assert main(["validate", "stations", str(mixed), "--strict", "--out", str(tmp_path / "o")]) == 1
    capsys.readouterr()
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert main(["validate", "stations", str(folder), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "folder.csv: this is a folder, not a file" in err
    with pytest.raises(SystemExit) as usage:
        main(["validate", "no-such-kind", str(good)])
    assert usage.value.code == 2
