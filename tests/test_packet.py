"""The meeting packet (hutan_geo.pipeline.packet), the map title block, and the stage commands zones, map, packet."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import folium
import pytest
from maphtml import HOSTILE, assert_escaped, render

from hutan_geo import maps, pipeline
from hutan_geo.cli import main
from hutan_geo.errors import InputError
from hutan_geo.export.offline import asset_urls

BUDGET = pipeline.PatrolBudget("am", iterations=40, seed=1)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _links(page: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    return parser.links


def _requests(page: str) -> list[str]:
    """Return every http(s) URL the page would fetch: src attributes, style sheet links, CSS url(), the assets.

    A link the reader may follow (``<a href>``, e.g. the map attribution) is text, not a request.
    """
    src = re.findall(r"""\ssrc\s*=\s*["']?(https?://[^"'\s>]+)""", page, flags=re.IGNORECASE)
    links = re.findall(r"""<link[^>]*href\s*=\s*["']?(https?://[^"'\s>]+)""", page, flags=re.IGNORECASE)
    css = re.findall(r"""url\(\s*["']?(https?://[^)"']+)""", page, flags=re.IGNORECASE)
    return src + links + css + asset_urls(page)


@pytest.fixture(scope="module")
def hostile(demo):
    """The demo district named with a hostile text."""
    layers = {**demo.layers, "district": demo.layers["district"].assign(name=HOSTILE)}
    return dataclasses.replace(demo, layers=layers)


@pytest.fixture(scope="module")
def packet(hostile, tmp_path_factory, offline_assets):
    out = tmp_path_factory.mktemp("packet")
    outputs = pipeline.write_packet(
        hostile, out, windows=("am", "noon"), budget=BUDGET, marking=HOSTILE, as_of="2026-11-29", png=False
    )
    return out, outputs


def test_packet_writes_every_part(packet):
    out, outputs = packet
    assert all(w.path.exists() for w in outputs.written)
    assert outputs.written[-1].path == out / "index.html"
    names = {w.path.relative_to(out).as_posix() for w in outputs.written}
    for name in (
        "概览地图.html",
        "分析地图.html",
        "违规清单.csv",
        "学校风险排名.csv",
        "各校周边隐患.csv",
        "各乡镇隐患.csv",
        "巡逻_早高峰/巡逻勤务表.xlsx",
        "巡逻_早高峰/巡逻路线.html",
        "巡逻_午高峰/巡逻勤务表.html",
        "巡逻_午高峰/巡逻路线.gpx",
        "覆盖/覆盖情况.xlsx",
        "覆盖/覆盖分析.html",
        "整改/整改清单.xlsx",
        "整改/每月发现与销号.png",
        "整改/通报段落.txt",
    ):
        assert name in names, name
    assert not (out / "巡逻_晚高峰").exists()  # only the windows asked for
    assert any(line.startswith("巡逻计划·午高峰") for line in outputs.messages)
    assert len(outputs.messages) == len(set(outputs.messages))


def test_index_links_resolve_and_nothing_is_fetched(packet):
    out, outputs = packet
    page = (out / "index.html").read_text(encoding="utf-8")
    links = _links(page)
    assert len(links) >= len(outputs.written) - 1
    for link in links:
        assert not link.startswith(("http:", "https:", "//", "/")), link
        assert (out / unquote(link)).is_file(), link
    for w in outputs.written:
        if w.path.suffix == ".html":
            assert _requests(w.path.read_text(encoding="utf-8")) == [], w.path
    assert "<script" not in page
    assert "隐患台账通报" not in page  # the bulletin is shown as a paragraph, once
    assert "共排查学校" in page


def test_title_block_on_every_map_and_escaped(packet):
    out, outputs = packet
    maps_written = [w.path for w in outputs.written if w.path.suffix == ".html" and w.path.name != "index.html"]
    maps_written = [p for p in maps_written if "勤务表" not in p.name]
    assert len(maps_written) == 5  # overview, analysis, two patrol windows, coverage
    for path in maps_written:
        html = path.read_text(encoding="utf-8")
        assert "hutan-title-block" in html, path
        assert "数据截至 2026-11-29" in html
        assert_escaped(html)
    assert "护学巡逻路线·午高峰" in (out / "巡逻_午高峰" / "巡逻路线.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert_escaped(index)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_overview_map_is_drawn_after_geocoding(packet):
    out, _ = packet
    html = (out / "概览地图.html").read_text(encoding="utf-8")
    assert "21 待地理编码，未上图" in html
    assert "69 待地理编码" not in html


def test_add_title_block_is_text_only():
    m = maps.add_title_block(folium.Map(), HOSTILE, district=HOSTILE, as_of="2026-11-29", marking=HOSTILE, lang="en")
    html = render(m)
    assert_escaped(html)
    assert "data as of 2026-11-29" in html
    assert "textContent" in html
    with pytest.raises(InputError, match="as_of"):
        maps.add_title_block(folium.Map(), "x", district="y", as_of="yesterday")


def test_packet_rejects_unknown_windows(demo, tmp_path):
    with pytest.raises(InputError, match="am"):
        pipeline.write_packet(demo, tmp_path, windows=("evening",), budget=BUDGET, png=False)


def test_district_name_and_data_date(demo):
    assert pipeline.district_name(demo) == "青岚县"
    assert pipeline.data_as_of(demo).isoformat() == "2026-11-20"


def test_run_at_shares_what_is_computed(demo, tmp_path):
    run = pipeline.Run(demo, tmp_path / "a", patrol=BUDGET)
    analysis = run.analysis
    other = run.at(tmp_path / "b", heading=pipeline.Heading("青岚县", "2026-11-29"))
    assert other.analysis is analysis
    assert other.out == tmp_path / "b"
    assert other.heading.day.isoformat() == "2026-11-29"


# -- the stage commands --------------------------------------------------------------------------------------


def test_packet_command(tmp_path, capsys, offline_assets):
    out = tmp_path / "p"
    args = ["packet", "--out", str(out), "--windows", "pm", "--iterations", "30", "--no-png", "--lang", "en"]
    assert main([*args, "--marking", "Restricted", "--as-of", "2026-11-29"]) == 0
    printed = capsys.readouterr().out
    assert (out / "index.html").is_file()
    assert (out / "patrol_pm" / "patrol_map.html").is_file()
    assert f"meeting packet front page: {(out / 'index.html').resolve()}" in printed
    assert "Restricted" in (out / "overview_map.html").read_text(encoding="utf-8")
    assert main(["packet", "--out", str(out), "--as-of", "soon", "--no-png"]) == 2
    err = capsys.readouterr().err
    assert "--as-of" in err
    assert len(err.strip().splitlines()) == 1


def test_zones_command(tmp_path, capsys):
    out = tmp_path / "z"
    assert main(["zones", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name in ("违规清单.csv", "学校风险排名.csv", "各校周边隐患.csv", "各乡镇隐患.csv"):
        assert (out / name).is_file(), name
        assert name in printed
    assert "规则核查：55 条违规" in printed
    assert main(["zones", "--district", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_map_command(tmp_path, capsys, offline_assets):
    out = tmp_path / "m"
    assert main(["map", "--kind", "overview", "--out", str(out), "--marking", HOSTILE]) == 0
    assert "概览地图.html" in capsys.readouterr().out
    html = (out / "概览地图.html").read_text(encoding="utf-8")
    assert "hutan-title-block" in html
    assert_escaped(html)
    assert not (out / "分析地图.html").exists()
    assert main(["map", "--kind", "analysis", "--out", str(out), "--lang", "en"]) == 0
    assert (out / "analysis_map.html").is_file()
    (tmp_path / "empty").mkdir()
    assert main(["map", "--district", str(tmp_path / "empty"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "schools" in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as usage:
        main(["map", "--kind", "nope"])
    assert usage.value.code == 2


def test_every_stage_has_a_command():
    from hutan_geo.cli import _parser

    sub = next(a for a in _parser()._actions if a.dest == "command")
    stages = {"validate", "geocode", "zones", "patrol", "coverage", "register", "map", "packet"}
    assert stages <= set(sub.choices)
    for name in stages - {"register"}:
        options = {o for a in sub.choices[name]._actions for o in a.option_strings}
        assert {"--out", "--lang", "--quiet"} <= options, name
        if name != "validate":
            assert "--district" in options, name


def test_readme_packet_paths_exist(packet):
    out, _ = packet
    assert Path(out, "index.html").read_text(encoding="utf-8").startswith("<!doctype html>")
