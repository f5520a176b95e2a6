"""The end-to-end pipeline (hutan_geo.pipeline) and the curated top-level API (hutan_geo.__init__)."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import hutan_geo
from hutan_geo import pipeline
from hutan_geo.errors import BrowserError
from hutan_geo.pipeline import Outputs, Run, Step, Written

PACKAGE = Path(hutan_geo.__file__).parent


@pytest.fixture(scope="module")
def district():
    return pipeline.open_district("demo")


@pytest.fixture(scope="module")
def result(district):
    return pipeline.run_analysis(district)


def test_run_analysis_places_checks_and_ranks(result):
    assert result.n_placed == 48
    assert len(result.geocoded.review) == 21
    assert len(result.rules.violations) == 55
    assert len(result.rules.skipped) == 21
    assert result.hazards is result.geocoded.results
    assert result.network is not None
    assert result.risk.schools["rank"].min() == 1


def test_response_areas_are_one_three_five_minutes_per_station(district, result):
    areas = result.response_areas
    assert areas is not None
    assert len(areas) == len(district.stations) * len(pipeline.RESPONSE_LIMITS_S)
    assert sorted(set(areas["limit_s"])) == [60.0, 180.0, 300.0]


def test_analysis_messages_in_both_languages(result):
    zh = result.messages("zh")
    assert zh[0].startswith("地理编码：48 条")
    assert zh[1] == "规则核查：55 条违规；21 条隐患待地理编码，暂未核查"
    en = result.messages("en")
    assert en == (
        "geocoding: 48 address-only hazards placed offline, 21 to review",
        "rule check: 55 violations; 21 hazards to geocode, not yet checked",
    )


def test_district_tables_name_files_and_labels(district):
    tables = pipeline.district_tables(district, lang="zh")
    assert [t.filename for t in tables] == ["待复核.csv", "学校.csv", "隐患.csv", "派出所.csv"]
    assert [t.label for t in tables] == ["待复核表", "有效数据", "有效数据", "有效数据"]
    assert len(tables[0].frame) == 2
    assert "隐患类别" in tables[2].frame.columns


def test_analysis_tables_are_planner_tables(result):
    review, violations, risk = pipeline.analysis_tables(result, lang="en")
    assert review.filename == "geocoding_review.csv"
    assert len(violations.frame) == len(result.rules.violations)
    assert violations.filename == "violations.csv"
    ranks = risk.frame.iloc[:, list(result.risk.schools.columns).index("rank")]
    assert ranks.is_monotonic_increasing


def test_analysis_map_draws_rings_response_and_townships(district, result):
    def layer(name: str) -> str:
        return json.dumps(name) + " : "

    html = pipeline.analysis_map(district, result, lang="zh").get_root().render()
    for name in ("乡镇界", "校园周边距离圈", "可达范围：1 分钟", "可达范围：5 分钟", "派出所（7）"):
        assert layer(name) in html, name
    html_en = pipeline.analysis_map(district, result, lang="en").get_root().render()
    assert layer("townships") in html_en


def test_run_computes_the_analysis_once(district, tmp_path):
    run = Run(district, tmp_path, lang="en")
    assert run.analysis is run.analysis
    assert run.path("violations") == tmp_path / "violations.csv"


def test_run_checks_lang(district, tmp_path):
    with pytest.raises(ValueError, match="lang must be"):
        Run(district, tmp_path, lang="fr")


def test_write_outputs_runs_the_chosen_steps(district, tmp_path):
    steps = tuple(s for s in pipeline.STEPS if s.name in ("tables", "geopackage"))
    outputs = pipeline.write_outputs(district, tmp_path / "o", lang="en", steps=steps)
    names = [p.name for _, p in outputs.written]
    assert names == ["review.csv", "schools.csv", "hazards.csv", "stations.csv", "demo.gpkg"]
    assert all(p.exists() for _, p in outputs.written)
    assert outputs.messages == ()
    assert outputs.notes == ()
    review = pd.read_csv(tmp_path / "o" / "review.csv", encoding="utf-8-sig")
    assert len(review) == 2


def test_a_new_step_is_one_more_entry(district, tmp_path):
    def count_schools(run: Run) -> Outputs:
        path = run.out / "n.txt"
        path.write_text(str(len(run.district.schools)), encoding="utf-8")
        return Outputs(written=(Written("count", path),), messages=("60 schools",))

    outputs = pipeline.write_outputs(district, tmp_path, steps=(Step("count", count_schools),))
    assert outputs.written == (Written("count", tmp_path / "n.txt"),)
    assert outputs.messages == ("60 schools",)
    assert (tmp_path / "n.txt").read_text(encoding="utf-8") == "60"


def test_write_outputs_writes_everything_offline(district, tmp_path, offline_assets):
    outputs = pipeline.write_outputs(district, tmp_path, lang="zh", png=False)
    names = [p.name for _, p in outputs.written]
    assert names == [
        "待复核.csv",
        "学校.csv",
        "隐患.csv",
        "派出所.csv",
        "demo.gpkg",
        "概览地图.html",
        "地理编码待复核.csv",
        "违规清单.csv",
        "学校风险排名.csv",
        "分析地图.html",
    ]
    assert all(p.exists() for _, p in outputs.written)
    assert outputs.messages[1].startswith("规则核查：")
    assert len(outputs.notes) == 1
    assert "离线单文件" in outputs.notes[0]


def test_png_step_explains_a_missing_browser(district, tmp_path, monkeypatch):
    def no_browser(*args, **kwargs):
        msg = "Chromium not found"
        raise BrowserError(msg)

    monkeypatch.setattr(pipeline.export, "export_png", no_browser)
    step = dict(pipeline.STEPS)["overview_png"]
    outputs = step(Run(district, tmp_path, lang="en"))
    assert outputs.written == ()
    assert outputs.notes == (
        "Note: no map image was written (Chromium not found); install Chromium with scripts/install_browser.sh "
        "and retry.",
    )
    assert step(Run(district, tmp_path, png=False)) == Outputs()


def test_validate_file_writes_valid_and_review(tmp_path):
    src = tmp_path / "ledger.csv"
    src.write_text(
        "隐患编号,隐患类别,地址,经度,纬度\nA1,交通安全,人民路,113.3,27.6\nA2,火灾,人民路,113.3,27.6\n", encoding="utf-8"
    )
    done = pipeline.validate_file(src, "hazards", lang="en")
    assert [(w.label, w.path.name) for w in done.written] == [
        ("valid rows", "ledger_valid.csv"),
        ("review table", "ledger_review.csv"),
    ]
    assert len(done.result.valid) == 1
    assert len(done.result.rejected) == 1


def test_open_district_reads_a_folder(tmp_path):
    with pytest.raises((FileNotFoundError, ValueError)):
        pipeline.open_district(tmp_path / "nowhere")


# -- the curated top-level API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", hutan_geo.__all__)
def test_every_public_name_resolves_and_is_documented(name):
    value = getattr(hutan_geo, name)
    assert callable(value)
    doc = inspect.getdoc(value)
    assert doc
    assert len(doc.splitlines()[0]) > 10
    assert name in dir(hutan_geo)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        hutan_geo.nope  # noqa: B018


def test_import_hutan_geo_stays_light():
    heavy = ("geopandas", "folium", "hutan_geo.pipeline")
    code = f"import sys, hutan_geo; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# the pipeline is a package (pipeline/__init__.py re-exports its modules); every module of it is checked
@pytest.mark.parametrize(
    "module", [*sorted(str(p.relative_to(PACKAGE)) for p in (PACKAGE / "pipeline").glob("*.py")), "cli.py"]
)
def test_top_of_the_stack_imports_only_public_names(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hutan_geo"):
            parts = node.module.split(".")[1:] + [alias.name for alias in node.names]
            private = [p for p in parts if p.startswith("_") and p != "_i18n"]
            assert not private, f"{module} line {node.lineno} imports {node.module}: {private}"
