"""Patrol exports: roster Excel and HTML, GeoJSON, GPX, KML."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest

from hutan_geo.analysis.patrol import plan_patrols
from hutan_geo.analysis.patrol.export import (
    roster_html,
    write_geojson,
    write_gpx,
    write_kml,
    write_roster_excel,
)


@pytest.fixture(scope="module")
def day(demo, net):
    sch = demo.schools[demo.schools["township"] == "城关镇"].head(8).copy()
    sch.loc[sch.index[-1], "name"] = '=HYPERLINK("x")<b>校</b>'  # hostile text
    plan = plan_patrols(demo, "day", iterations=100, network=net, schools=sch, priority={})
    plan.check()
    return plan


def test_roster_excel_one_sheet_per_window_and_summary(day, tmp_path):
    path = write_roster_excel(day, tmp_path / "巡逻勤务表.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["早高峰（入校）", "午高峰", "晚高峰（放学）", "汇总"]
    ws = wb["早高峰（入校）"]
    assert [c.value for c in ws[1]][:4] == ["巡逻单位", "所属派出所", "顺序", "地点"]
    values = [c.value for row in wb.worksheets[0].iter_rows() for c in row] + [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
    ]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    english = write_roster_excel(day, tmp_path / "roster.xlsx", lang="en")
    assert openpyxl.load_workbook(english).sheetnames[-1] == "summary"


def test_roster_html_escapes_user_text(day):
    page = roster_html(day)
    assert "<b>校</b>" not in page
    assert "&lt;b&gt;校&lt;/b&gt;" in page
    assert "巡逻勤务表" in page
    assert "午高峰" in page


def test_geojson_gpx_kml_keep_chinese_names(day, tmp_path):
    gj = json.loads(write_geojson(day, tmp_path / "plan.geojson").read_text(encoding="utf-8"))
    layers = pd.Series([f["properties"]["layer"] for f in gj["features"]])
    assert {"route", "stop"} <= set(layers)
    assert any("派出所" in f["properties"].get("unit", "") for f in gj["features"])
    import gpxpy

    gpx = gpxpy.parse(write_gpx(day, tmp_path / "plan.gpx", day=dt.date(2026, 9, 1)).read_text(encoding="utf-8"))
    assert len(gpx.tracks) == len(day.routes)
    assert gpx.waypoints
    assert gpx.waypoints[0].time.date() == dt.date(2026, 9, 1)
    assert "派出所" in gpx.tracks[0].name
    kml = write_kml(day, tmp_path / "plan.kml").read_text(encoding="utf-8")
    assert "<LineString" in kml
    assert "派出所" in kml
