"""``hutan-geo routes`` and its map: routes by risk, crossings, villages without a bus, hostile text escaped."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from maphtml import HOSTILE, assert_escaped, features, has, render

import hutan_geo as hg
from hutan_geo.analysis import remote_access, student_routes
from hutan_geo.cli import main
from hutan_geo.demo import demo_data_dir
from hutan_geo.maps import ROUTE_RISK_COLOURS, add_layer_control, add_student_routes
from hutan_geo.network import NetworkParams


@pytest.fixture(scope="module")
def demo():
    return hg.load_demo()


@pytest.fixture(scope="module")
def walked(demo):
    net = hg.network_from_roads(demo.roads, params=NetworkParams(walk_excluded=()))
    return student_routes(demo, net), remote_access(demo, net)


def test_map_draws_routes_by_risk_crossings_and_villages(walked) -> None:
    result, access = walked
    html = render(add_layer_control(add_student_routes(result, remote=access, lang="en"), lang="en"))
    found = features(html)
    lines = [f for f in found if f["geometry"]["type"] == "LineString"]
    assert len(lines) == len(result.routes)
    high = int(result.routes["high_risk"].sum())
    assert sum("high risk" in f["properties"]["t"] for f in lines) == high
    assert ROUTE_RISK_COLOURS["high"] in html
    assert has(html, f"student routes: high risk ({high})")
    assert has(html, "highway and arterial crossings")
    reasons = set(access.unserved["reason"])
    villages = [f for f in found if f["properties"].get("t", "").split(" · ")[-1] in reasons]
    assert len(villages) == len(access.unserved)


def _hostile_district(tmp_path):
    district = tmp_path / "district"
    shutil.copytree(demo_data_dir(), district)
    path = district / "places" / "residences.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[1].split(",")
    for k, line in enumerate(lines[2:], start=2):
        row = line.split(",")
        if row[0] in {"RS001", "RS006"}:  # a rental cluster (routed) and a village without a stop
            row[header.index("名称")] = HOSTILE
            lines[k] = ",".join(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return district


def test_routes_map_escapes_a_hostile_name(tmp_path, capsys, offline_assets) -> None:
    out = tmp_path / "out"
    assert main(["routes", "--district", str(_hostile_district(tmp_path)), "--out", str(out), "--lang", "en"]) == 0
    html = (out / "student_routes.html").read_text(encoding="utf-8")
    assert_escaped(html)
    hostile = [f for f in features(html) if f["properties"].get("t", "").startswith("&lt;script&gt;alert(1)")]
    assert {f["geometry"]["type"] for f in hostile} == {"LineString", "Point"}


def test_routes_command_writes_tables_and_map(tmp_path, capsys, offline_assets) -> None:
    out = tmp_path / "routes"
    assert main(["routes", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "已规划路线的 3270 名学生中 853 名（26%）的上下学路线有高风险路段" in printed
    assert "名学生需穿越国道" in printed
    assert "涉及学生 1518 名" in printed
    sheets = pd.read_excel(out / "上下学路线.xlsx", sheet_name=None)
    assert list(sheets) == ["上下学路线", "按学校", "沿途隐患", "穿越道路", "偏远村庄", "未能规划"]
    routes = sheets["上下学路线"]
    assert len(routes) == 39
    assert routes.loc[routes["高风险路线"] == "是", "学生人数"].sum() == 853
    assert (out / "上下学路线.html").stat().st_size > 0


def test_bad_input_is_one_message(tmp_path, capsys) -> None:
    assert main(["routes", "--district", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere" in capsys.readouterr().err
    district = tmp_path / "district"
    shutil.copytree(demo_data_dir(), district)
    (district / "places" / "residences.csv").unlink()
    assert main(["routes", "--district", str(district), "--out", str(tmp_path / "o"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "has no student residences" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
