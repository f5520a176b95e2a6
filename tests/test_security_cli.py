"""``hutan-geo security``: the tables and the map written, the headline printed, hostile text escaped, bad input."""

from __future__ import annotations

import shutil

import pandas as pd
from maphtml import HOSTILE, assert_escaped, features

from hutan_geo.cli import main
from hutan_geo.demo import demo_data_dir


def _schools(path):
    """Return the school points of a written security map (the roads are lines)."""
    return [f for f in features(path.read_text(encoding="utf-8")) if f["geometry"]["type"] == "Point"]


def test_security_writes_tables_and_map(tmp_path, capsys, offline_assets):
    out = tmp_path / "sec"
    assert main(["security", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "60 所学校中 35 所安保全部达标" in printed
    assert "最常见缺口：每学期督导检查不少于2次 6" in printed
    assert "督导检查少于 2 次的学校：6 所" in printed
    sheets = pd.read_excel(out / "安保达标情况.xlsx", sheet_name=None)
    assert list(sheets) == ["各校安保缺口", "缺口清单", "按规范", "按乡镇", "督导检查"]
    per_school = sheets["各校安保缺口"]
    assert list(per_school.columns) == ["学校编号", "学校名称", "乡镇", "寄宿制", "缺口数", "缺口项目"]
    assert len(per_school) == 60
    assert int((per_school["缺口数"] == 0).sum()) == 35
    assert len(sheets["缺口清单"]) == int(sheets["按规范"]["存在缺口学校数"].sum())
    assert int((sheets["督导检查"]["少于规定次数"] == "是").sum()) == 6
    schools = _schools(out / "安全达标.html")
    assert len(schools) == 60
    first = next(f["properties"] for f in schools if f["properties"]["t"].startswith("青岚县第一中学"))
    assert first["t"] == "青岚县第一中学 · 缺口1项"
    rule, text = first["p"][-1]
    assert rule == "寄宿制学校专职保安8至10人"
    assert text.startswith("要求 &gt;= 8；实际 6；依据：校园安全专项行动方案")


def test_security_map_escapes_a_hostile_school_name(tmp_path, capsys, offline_assets):
    district = tmp_path / "district"
    shutil.copytree(demo_data_dir(), district)
    path = district / "schools" / "schools.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[1].split(",")
    row = lines[2].split(",")
    row[header.index("学校名称")] = HOSTILE
    path.write_text("\n".join([*lines[:2], ",".join(row), *lines[3:]]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["security", "--district", str(district), "--out", str(out), "--lang", "en"]) == 0
    html = (out / "security_compliance.html").read_text(encoding="utf-8")
    assert_escaped(html)
    assert any(
        f["properties"]["t"].startswith("&lt;script&gt;alert(1)") for f in _schools(out / "security_compliance.html")
    )


def test_bad_norms_file_is_one_message(tmp_path, capsys):
    norms = tmp_path / "norms.csv"
    norms.write_text("rule_id,field,operator,value,source\nx,guards,~,5,县通知\n", encoding="utf-8")
    assert main(["security", "--norms", str(norms), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "operator" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
    assert main(["security", "--norms", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")]) == 2
    assert main(["security", "--district", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_district_without_profiles_is_one_message(tmp_path, capsys):
    district = tmp_path / "district"
    shutil.copytree(demo_data_dir(), district)
    (district / "schools" / "security.csv").unlink()
    assert main(["security", "--district", str(district), "--out", str(tmp_path / "o"), "--lang", "en"]) == 2
    assert "has no school security profiles" in capsys.readouterr().err
