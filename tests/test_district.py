"""The district loader and the committed demo district."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from hutan_geo.demo import demo_data_dir, load_demo
from hutan_geo.errors import InputError
from hutan_geo.io.district import LAYOUT, load_district

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def test_demo_loads_every_layer(demo):
    assert set(demo.layers) == set(LAYOUT)
    for name, layer in demo.layers.items():
        assert len(layer) > 0, name
        assert layer.crs.to_epsg() == 4326, name


def test_demo_review_table_holds_exactly_the_planted_defects(demo):
    review = demo.review_table()
    assert set(review["dataset"]) == {"隐患"}
    assert sorted(review["reason_codes"]) == ["bad_date", "swapped_lonlat"]
    assert review["source_file"].eq("hazards.csv").all()
    # the rows named are the ones the generator marked as defects
    raw = demo.results["hazards"]
    assert raw.rows_read == len(raw.valid) + len(raw.rejected) + raw.blank_rows


def test_demo_hazard_mix_and_geocoding_flags(demo):
    hazards = demo.hazards
    counts = hazards["category"].value_counts()
    assert counts["traffic"] >= 60
    assert counts["food_safety"] >= 46
    assert counts["cultural_market"] == 2
    needs = hazards["needs_geocoding"]
    assert needs.sum() == hazards.geometry.isna().sum()
    assert 0.3 < needs.mean() < 0.7
    assert hazards["notes"].str.contains("GCJ-02").sum() > 10


def test_demo_schools_have_windows_and_levels(demo):
    schools = demo.schools
    assert 50 <= len(schools) <= 75
    assert {"kindergarten", "primary", "junior"} <= set(schools["level"])
    assert schools["arrival_start_min"].notna().all()
    assert (schools["arrival_end_min"] > schools["arrival_start_min"]).all()
    assert schools["school_id"].is_unique


def test_demo_metric_crs_is_utm_49n(demo):
    assert demo.metric_crs.to_epsg() == 32649


def test_committed_demo_matches_the_generator(tmp_path):
    from hutan_geo.demo import generate_demo_district, write_demo_files

    written = write_demo_files(generate_demo_district(), tmp_path)
    assert written
    for path in written:
        relative = path.relative_to(tmp_path)
        committed = DATA / relative
        assert committed.exists(), f"{relative} is generated but not committed; run `make demo-data`"
        assert filecmp.cmp(path, committed, shallow=False), (
            f"{relative} differs from the generator; run `make demo-data`"
        )


def test_orphan_references_go_to_the_review_table(tmp_path):
    folder = tmp_path / "county"
    shutil.copytree(demo_data_dir(), folder)
    gates = folder / LAYOUT["gates"][0]
    with gates.open("a", encoding="utf-8") as fh:
        fh.write("NO-SUCH-SCHOOL,东门,113.3,27.6,是\n")
    district = load_district(folder)
    review = district.review_table()
    orphan = review[review["reason_codes"] == "unknown_reference"]
    assert len(orphan) == 1
    assert orphan["dataset"].iloc[0] == "校门"
    assert "NO-SUCH-SCHOOL" in orphan["reason"].iloc[0]
    assert "NO-SUCH-SCHOOL" not in set(district.gates["school_id"])
    assert "引用检查" in district.summary()


def test_missing_required_file_is_named(tmp_path):
    (tmp_path / "schools").mkdir()
    shutil.copy(demo_data_dir() / LAYOUT["schools"][0], tmp_path / LAYOUT["schools"][0])
    with pytest.raises(InputError, match=r"hazards/hazards\.csv"):
        load_district(tmp_path)


def test_missing_folder_and_bad_options(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_district(tmp_path / "nowhere")
    with pytest.raises(InputError, match="unknown datasets"):
        load_district(demo_data_dir(), options={"hazardz": {}})


def test_missing_layer_attribute_says_which_file(tmp_path):
    folder = tmp_path / "county"
    shutil.copytree(demo_data_dir(), folder)
    (folder / LAYOUT["roads"][0]).unlink()
    district = load_district(folder)
    with pytest.raises(AttributeError, match="roads"):
        _ = district.roads
