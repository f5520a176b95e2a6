"""Offline export: asset table, install step (no network: a fake npm), inlining, errors that name the fix."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
from pathlib import Path

import folium
import folium.plugins as plugins
import pytest

from hutan_geo.errors import AssetError
from hutan_geo.export import assets, offline
from hutan_geo.export.offline import (
    ASSETS,
    INSTALL_COMMAND,
    PACKAGES,
    NpmPackage,
    asset_urls,
    inline_html,
    install_assets,
    missing_assets,
    to_html,
)
from hutan_geo.maps import add_hazards, add_map_controls, base_map, export_html

PLUGINS = [
    folium.Map,
    plugins.MarkerCluster,
    plugins.MiniMap,
    plugins.Fullscreen,
    plugins.MeasureControl,
    plugins.HeatMap,
    plugins.GroupedLayerControl,
    folium.RegularPolygonMarker,
]


def test_every_url_of_the_plugins_used_has_an_npm_source():
    for cls in PLUGINS:
        for _, url in [*getattr(cls, "default_js", []), *getattr(cls, "default_css", [])]:
            assert url in ASSETS, f"{cls.__name__}: {url}"
    for asset in ASSETS.values():
        assert asset.package in PACKAGES or asset.package in ("builtin", "folium"), asset


def test_asset_urls_finds_scripts_and_stylesheets_in_order():
    html = (
        '<script src="https://a.org/x.js"></script><link rel="icon" href="i.png">'
        "<link rel='stylesheet' href='https://b.org/y.css'/><script>inline()</script>"
    )
    assert asset_urls(html) == [("js", "https://a.org/x.js"), ("css", "https://b.org/y.css")]


def test_unknown_url_names_it_and_the_fix(tmp_path):
    html = '<html><head><script src="https://evil.example.com/x.js"></script></head></html>'
    with pytest.raises(AssetError, match=r"evil\.example\.com/x\.js") as err:
        inline_html(html, cache_dir=tmp_path)
    assert "hutan-geo assets" in str(err.value)


def test_missing_asset_names_the_package_and_the_install_command(tmp_path):
    with pytest.raises(AssetError, match=r"leaflet@1\.9\.3") as err:
        to_html(folium.Map(tiles=None), cache_dir=tmp_path / "empty")
    assert INSTALL_COMMAND in str(err.value)
    assert missing_assets(tmp_path / "empty") == list(PACKAGES)


def test_cdn_mode_keeps_links(tmp_path, demo_hazards):
    path = export_html(add_hazards(demo_hazards), tmp_path / "cdn.html", offline=False)
    html = path.read_text(encoding="utf-8")
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in html
    assert "L.hutanStore(" in html  # our own code is always inline


@pytest.fixture(scope="module")
def demo_hazards():
    from hutan_geo.demo import load_demo

    return load_demo().hazards


def _tarball(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_install_verifies_checksums_and_is_idempotent(tmp_path, monkeypatch):
    data = _tarball({"dist/a.js": b"var a = 1;", "dist/a.css": b".a{}", "README.md": b"skip me"})
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    fake = NpmPackage("fake-lib", "1.0.0", integrity)
    monkeypatch.setattr(assets, "PACKAGES", {fake.spec: fake})
    calls = []

    def pack(spec: str, dest: Path) -> Path:
        calls.append(spec)
        out = dest / "fake-lib-1.0.0.tgz"
        out.write_bytes(data)
        return out

    cache = install_assets(tmp_path / "cache", pack=pack)
    assert (cache / "fake-lib@1.0.0" / "dist" / "a.js").read_text() == "var a = 1;"
    assert not (cache / "fake-lib@1.0.0" / "README.md").exists()  # only what the export needs
    install_assets(tmp_path / "cache", pack=pack)
    assert calls == ["fake-lib@1.0.0"]  # second run: already verified, nothing fetched
    assert missing_assets(tmp_path / "cache") == []

    tampered = NpmPackage("fake-lib", "1.0.0", "sha512-" + base64.b64encode(b"x" * 64).decode())
    monkeypatch.setattr(assets, "PACKAGES", {tampered.spec: tampered})
    with pytest.raises(AssetError, match="checksum"):
        install_assets(tmp_path / "cache2", pack=pack)
    assert not (tmp_path / "cache2" / "fake-lib@1.0.0").exists()


def test_install_without_npm_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(assets.shutil, "which", lambda _name: None)
    with pytest.raises(AssetError, match="npm"):
        install_assets(tmp_path, npm="npm-not-here")


def test_css_urls_become_data_uris_and_woff2_is_preferred(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "f.woff2").write_bytes(b"woff2-bytes")
    (tmp_path / "fonts" / "f.ttf").write_bytes(b"ttf-bytes")
    (tmp_path / "img.png").write_bytes(b"\x89PNG")
    css_file = tmp_path / "s.css"
    css = (
        '@font-face{font-family:"X";src:url(fonts/f.woff2) format("woff2"),url(fonts/f.ttf) format("truetype")}'
        '@font-face{font-family:"Alias";src:url(fonts/f.woff2) format("woff2")}'
        ".a{background:url('img.png?v=1')}.b{background:url(data:image/png;base64,AA==)}"
    )
    out = offline._inline_css_urls(css, css_file, "test", drop_font_families=("Alias",))
    assert "data:font/woff2;base64," + base64.b64encode(b"woff2-bytes").decode() in out
    assert "ttf" not in out
    assert "Alias" not in out
    assert "data:image/png;base64," + base64.b64encode(b"\x89PNG").decode() in out
    with pytest.raises(AssetError, match="another host"):
        offline._inline_css_urls(".c{background:url(https://x.org/a.png)}", css_file, "test")
    with pytest.raises(AssetError, match="not in the asset cache"):
        offline._inline_css_urls(".c{background:url(missing.png)}", css_file, "test")


def test_rotate_classes_are_generated():
    css = offline._rotate_css()
    assert css.count(".fa-rotate-") == 360
    assert ".fa-rotate-359{" in css


def test_inlined_map_has_no_external_reference(offline_assets, demo_hazards):
    m = add_map_controls(add_hazards(demo_hazards, cluster=True))
    plugins.HeatMap([[27.6, 113.3]]).add_to(m)
    folium.Marker([27.6, 113.3], icon=folium.Icon(icon="car", prefix="fa", angle=30)).add_to(m)
    folium.Marker([27.61, 113.31]).add_to(m)  # Leaflet's default icon
    folium.RegularPolygonMarker([27.62, 113.32]).add_to(m)
    html = to_html(m)
    assert asset_urls(html) == []
    assert not re.search(r"""<(script|link|img)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:|//|\.\./)", html)
    for label in ("leaflet@1.9.3/dist/leaflet.js", "leaflet.markercluster@1.1.0", "builtin/glyphicons"):
        assert f'data-offline="{label}' in html
    assert "data:font/woff2;base64," in html
    assert "L.Icon.Default.imagePath=''" in html
    # no inlined file can close its <script> early
    for body in re.findall(r'<script data-offline="[^"]+">(.*?)</script>', html, flags=re.DOTALL):
        assert "</script" not in body.lower()


def test_every_pinned_file_is_in_the_cache(offline_assets):
    for url, asset in ASSETS.items():
        if asset.package in PACKAGES:
            assert (offline_assets / PACKAGES[asset.package].folder / asset.path).is_file(), url


def test_explore_maps_can_be_made_offline_too(offline_assets, demo_hazards):
    pytest.importorskip("mapclassify")
    placed = demo_hazards[demo_hazards.geometry.notna()][["hazard_id", "category", "geometry"]]
    html = inline_html(placed.explore(column="category", tiles=None).get_root().render())
    assert asset_urls(html) == []


def test_base_map_alone_exports(offline_assets, tmp_path):
    path = export_html(base_map((113.2, 27.5, 113.5, 27.8)), tmp_path / "empty.html")
    assert path.stat().st_size > 100_000
