"""School security profiles: the planted demo gaps, norms override, bad rows, inspection regularity."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from hutan_geo.analysis import check_security, inspection_regularity, load_security_norms, merge_security_norms
from hutan_geo.demo import demo_data_dir, load_demo
from hutan_geo.errors import InputError
from hutan_geo.io import load_security


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def test_planted_gaps_found_exactly(demo):
    truth = pd.read_csv(demo_data_dir() / "truth/security_truth.csv", skiprows=1)
    check = check_security(demo, lang="en")
    assert set(zip(check.gaps["school_id"], check.gaps["rule_id"], strict=True)) == set(
        zip(truth["school_id"], truth["rule_id"], strict=True)
    )
    big = check.gaps[check.gaps["rule_id"] == "guards_boarding_8"].iloc[0]
    assert big["actual"] == "6"
    assert big["required"] == ">= 8"
    assert check.by_rule["gaps"].sum() == len(truth)
    assert "meet every security norm" in check.headline("en")


def test_norms_override(demo):
    norms = merge_security_norms(load_security_norms(), [{"rule_id": "guards_day_5", "value": 0}])
    check = check_security(demo, norms)
    assert "guards_day_5" not in set(check.gaps["rule_id"])
    with pytest.raises(InputError, match="operator"):
        merge_security_norms(norms, [{"rule_id": "x", "field": "guards", "operator": "~", "value": 1, "source": "s"}])


def test_bad_profile_rows_go_to_review(tmp_path):
    path = tmp_path / "security.csv"
    path.write_text(
        "学校编号,专职保安人数,一键报警是否联网,最近督导检查日期\n"
        "S1,5,公安、教育,2026-09-01；2026-10-02\n"
        "S2,五个左右吧,公安,2026-09-01\n"
        "S3,5,也许,2026-09-01\n"
        "S4,5,公安,三月初\n",
        encoding="utf-8",
    )
    result = load_security(path, lang="en")
    assert result.valid["school_id"].tolist() == ["S1"]
    assert result.valid["inspections"].tolist() == ["2026-09-01;2026-10-02"]
    assert result.rejected["source_row"].tolist() == [3, 4, 5]


def test_inspection_regularity_small_list():
    log = pd.DataFrame(
        {"school_id": ["A", "A", "B", "C"], "date": ["2026-09-05", "2026-11-02", "2026-10-01", "2026-04-01"]}
    )
    schools = pd.DataFrame({"school_id": ["A", "B", "C", "D"], "name": ["a", "b", "c", "d"]})
    out = inspection_regularity(log, schools).set_index("school_id")
    assert out["inspections"].to_dict() == {"A": 2, "B": 1, "C": 0, "D": 0}
    assert out["below_minimum"].to_dict() == {"A": False, "B": True, "C": True, "D": True}
    assert out.loc["B", "days_since_last"] == 32
    assert pd.isna(out.loc["D", "days_since_last"])
    sem = (dt.date(2026, 3, 1), dt.date(2026, 7, 15))
    assert inspection_regularity(log, schools, semester=sem).set_index("school_id").loc["C", "inspections"] == 1
    batches = pd.DataFrame({"batch_date": ["2026-09-05", "2026-10-09"], "schools": ['["a", "b"]', '["a"]']})
    assert inspection_regularity(batches, schools).set_index("school_id")["inspections"].to_dict() == {
        "A": 2,
        "B": 1,
        "C": 0,
        "D": 0,
    }
