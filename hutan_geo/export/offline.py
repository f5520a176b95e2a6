"""Self-contained offline HTML: every script, style sheet, font and icon inlined.

A folium map loads Leaflet, its plugins, Bootstrap, jQuery and Font Awesome
from CDNs; opened in a meeting room with no internet it is a blank page
("L is not defined"). :func:`export_html` renders the map, replaces every
``<script src>`` and ``<link rel="stylesheet" href>`` with the file's content,
and turns the images and fonts the style sheets refer to into ``data:`` URIs,
so the page makes no request to any host when opened.

The files come from the pinned npm packages that :mod:`hutan_geo.export.assets`
installs once into a cache folder (its names :data:`PACKAGES`,
:func:`install_assets`, :func:`assets_dir`, :func:`missing_assets` are
re-exported here). Nothing is fetched while a map is exported: a file that is not in the cache,
or a URL that :data:`ASSETS` does not know, raises :class:`~hutan_geo.errors.AssetError`
naming it and the install command.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from hutan_geo.errors import AssetError
from hutan_geo.export.assets import (
    INSTALL_COMMAND,
    PACKAGES,
    NpmPackage,
    assets_dir,
    install_assets,
    missing_assets,
    package_file,
)

if TYPE_CHECKING:
    import folium

__all__ = [
    "ASSETS",
    "INSTALL_COMMAND",
    "PACKAGES",
    "Asset",
    "NpmPackage",
    "asset_urls",
    "assets_dir",
    "export_html",
    "inline_html",
    "install_assets",
    "missing_assets",
    "to_html",
]

log = logging.getLogger("hutan_geo")


@dataclass(frozen=True)
class Asset:
    """Where the file behind one CDN URL comes from.

    Parameters
    ----------
    kind
        ``"js"`` or ``"css"``.
    package
        Key in :data:`PACKAGES` (``name@version``), ``"folium"`` for a file
        inside the installed folium wheel, or ``"builtin"`` for a file this
        module generates.
    path
        Path inside the package (or the generator's name).
    drop_font_families
        ``@font-face`` families to leave out (aliases of a font kept under its own name).
    """

    kind: Literal["js", "css"]
    package: str
    path: str
    drop_font_families: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``package/path``, as shown in messages and in the exported HTML."""
        return f"{self.package}/{self.path}"


_JSD = "https://cdn.jsdelivr.net/npm/"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs/"

#: Every CDN URL that folium 0.20 and the plugins hutan_geo uses put in a map,
#: and the file that replaces it.
ASSETS: dict[str, Asset] = {
    # folium.Map
    f"{_JSD}leaflet@1.9.3/dist/leaflet.js": Asset("js", "leaflet@1.9.3", "dist/leaflet.js"),
    f"{_JSD}leaflet@1.9.3/dist/leaflet.css": Asset("css", "leaflet@1.9.3", "dist/leaflet.css"),
    "https://code.jquery.com/jquery-3.7.1.min.js": Asset("js", "jquery@3.7.1", "dist/jquery.min.js"),
    f"{_JSD}bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": Asset(
        "js", "bootstrap@5.2.2", "dist/js/bootstrap.bundle.min.js"
    ),
    f"{_JSD}bootstrap@5.2.2/dist/css/bootstrap.min.css": Asset("css", "bootstrap@5.2.2", "dist/css/bootstrap.min.css"),
    # The 3.0.0 glyphicons sheet is not on npm: the same rules are cut from bootstrap 3.4.1.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": Asset(
        "css", "builtin", "glyphicons"
    ),
    # The "Font Awesome 5 ..." and "FontAwesome" faces are aliases of the same three font files
    # for old style sheets (v4/v5 shims, not loaded here); leaving them out saves 3 copies of each font.
    f"{_JSD}@fortawesome/fontawesome-free@6.2.0/css/all.min.css": Asset(
        "css",
        "@fortawesome/fontawesome-free@6.2.0",
        "css/all.min.css",
        ("Font Awesome 5 Brands", "Font Awesome 5 Free", "FontAwesome"),
    ),
    # npm has 2.0.5 of Leaflet.awesome-markers (2.0.2 is not published there; same API).
    f"{_CDNJS}Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": Asset(
        "js", "leaflet.awesome-markers@2.0.5", "dist/leaflet.awesome-markers.js"
    ),
    f"{_CDNJS}Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": Asset(
        "css", "leaflet.awesome-markers@2.0.5", "dist/leaflet.awesome-markers.css"
    ),
    # folium's rotation classes (fa-rotate-0 .. fa-rotate-359); the file is not in the folium wheel.
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": Asset(
        "css", "builtin", "awesome-rotate"
    ),
    # GeoDataFrame.explore()'s categorical legend (draggable); npm's 1.12.1 has no built file, 1.13.2 does.
    "https://code.jquery.com/ui/1.12.1/jquery-ui.js": Asset("js", "jquery-ui@1.13.2", "dist/jquery-ui.min.js"),
    # plugins
    f"{_CDNJS}leaflet.markercluster/1.1.0/leaflet.markercluster.js": Asset(
        "js", "leaflet.markercluster@1.1.0", "dist/leaflet.markercluster.js"
    ),
    f"{_CDNJS}leaflet.markercluster/1.1.0/MarkerCluster.css": Asset(
        "css", "leaflet.markercluster@1.1.0", "dist/MarkerCluster.css"
    ),
    f"{_CDNJS}leaflet.markercluster/1.1.0/MarkerCluster.Default.css": Asset(
        "css", "leaflet.markercluster@1.1.0", "dist/MarkerCluster.Default.css"
    ),
    f"{_CDNJS}leaflet-minimap/3.6.1/Control.MiniMap.js": Asset(
        "js", "leaflet-minimap@3.6.1", "dist/Control.MiniMap.min.js"
    ),
    f"{_CDNJS}leaflet-minimap/3.6.1/Control.MiniMap.css": Asset(
        "css", "leaflet-minimap@3.6.1", "dist/Control.MiniMap.min.css"
    ),
    f"{_JSD}leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": Asset(
        "js", "leaflet.fullscreen@3.0.0", "Control.FullScreen.js"
    ),
    f"{_JSD}leaflet.fullscreen@3.0.0/Control.FullScreen.css": Asset(
        "css", "leaflet.fullscreen@3.0.0", "Control.FullScreen.css"
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": Asset(
        "js", "leaflet-measure@2.1.7", "dist/leaflet-measure.min.js"
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": Asset(
        "css", "leaflet-measure@2.1.7", "dist/leaflet-measure.css"
    ),
    f"{_CDNJS}leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.js": Asset(
        "js", "leaflet-groupedlayercontrol@0.6.1", "dist/leaflet.groupedlayercontrol.min.js"
    ),
    f"{_CDNJS}leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.css": Asset(
        "css", "leaflet-groupedlayercontrol@0.6.1", "dist/leaflet.groupedlayercontrol.min.css"
    ),
    f"{_CDNJS}leaflet-dvf/0.3.0/leaflet-dvf.markers.min.js": Asset(
        "js", "leaflet-dvf@0.3.0", "dist/leaflet-dvf.markers.min.js"
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": Asset(
        "js", "folium", "templates/leaflet_heat.min.js"
    ),
}

_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
    ".otf": "font/otf",
}


def _glyphicons_css(cache: Path) -> tuple[str, Path]:
    """Cut the glyphicon rules (font face and icon classes) out of bootstrap 3.4.1."""
    file = package_file("bootstrap@3.4.1", "dist/css/bootstrap.css", cache)
    text = file.read_text(encoding="utf-8")
    kept = [
        block
        for selector, block in _css_blocks(text)
        if ("@font-face" in selector and "Glyphicons" in block)
        or (selector and all(s.strip().startswith(".glyphicon") for s in selector.split(",")))
    ]
    return "\n".join(kept), file


def _rotate_css() -> str:
    return "".join(f".fa-rotate-{a}{{-webkit-transform:rotate({a}deg);transform:rotate({a}deg)}}" for a in range(360))


def _css_blocks(text: str) -> list[tuple[str, str]]:
    """Split a style sheet into top-level ``(selector, whole block)`` pairs (comments dropped)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    blocks: list[tuple[str, str]] = []
    depth = 0
    start = 0
    brace = -1
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                brace = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                blocks.append((text[start:brace].strip(), text[start : i + 1].strip()))
                start = i + 1
    return blocks


def _read_asset(asset: Asset, cache: Path) -> tuple[str, Path | None]:
    """Return the asset's text and the file it was read from (for relative URLs)."""
    if asset.package == "builtin":
        if asset.path == "glyphicons":
            return _glyphicons_css(cache)
        if asset.path == "awesome-rotate":
            return _rotate_css(), None
        msg = f"unknown built-in asset {asset.path!r}"
        raise AssetError(msg)
    if asset.package == "folium":
        file = Path(str(resources.files("folium").joinpath(asset.path)))
        if not file.is_file():
            msg = f"offline asset folium/{asset.path} is not in the installed folium wheel; reinstall folium"
            raise AssetError(msg)
        return file.read_text(encoding="utf-8"), file
    if asset.package not in PACKAGES:
        msg = f"asset {asset.label}: package {asset.package!r} is not pinned in hutan_geo.export.offline.PACKAGES"
        raise AssetError(msg)
    file = package_file(asset.package, asset.path, cache)
    return file.read_text(encoding="utf-8"), file


_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_FONT_FACE_RE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_SRC_RE = re.compile(r"\bsrc\s*:\s*([^;}]*)[;]?", re.IGNORECASE)


def _prefer_woff2(css: str) -> str:
    """In each ``@font-face`` keep only the woff2 source when there is one (every current browser reads it)."""

    def fix(match: re.Match[str]) -> str:
        block = match.group(0)
        sources = [s.strip() for decl in _SRC_RE.findall(block) for s in decl.split(",")]
        woff2 = [s for s in sources if "woff2" in s.lower()]
        if not woff2:
            return block
        block = _SRC_RE.sub("", block)
        return block.rstrip("}").rstrip().rstrip(";") + f";src:{woff2[0]}}}"

    return _FONT_FACE_RE.sub(fix, css)


def _data_uri(file: Path) -> str:
    mime = _MIME.get(file.suffix.lower())
    if mime is None:
        msg = f"cannot inline {file.name}: unknown file type {file.suffix!r}"
        raise AssetError(msg)
    return f"data:{mime};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def _drop_font_faces(css: str, families: tuple[str, ...]) -> str:
    if not families:
        return css

    def keep(match: re.Match[str]) -> str:
        family = re.search(r"""font-family\s*:\s*["']?([^"';}]+)""", match.group(0))
        return "" if family and family.group(1).strip() in families else match.group(0)

    return _FONT_FACE_RE.sub(keep, css)


def _inline_css_urls(css: str, base: Path | None, label: str, *, drop_font_families: tuple[str, ...] = ()) -> str:
    """Replace every ``url(...)`` in a style sheet by a ``data:`` URI of the file it names."""
    css = _prefer_woff2(_drop_font_faces(css, drop_font_families))

    def repl(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")):
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", target, re.IGNORECASE):
            msg = f"style sheet {label} refers to {target!r} on another host; it cannot be inlined"
            raise AssetError(msg)
        if base is None:
            msg = f"style sheet {label} refers to {target!r} but has no folder to resolve it in"
            raise AssetError(msg)
        relative = target.split("?", 1)[0].split("#", 1)[0]
        file = (base.parent / relative).resolve()
        if not file.is_file():
            msg = f"style sheet {label} refers to {relative!r}, which is not in the asset cache; run: {INSTALL_COMMAND}"
            raise AssetError(msg)
        return f'url("{_data_uri(file)}")'

    css = _URL_RE.sub(repl, css)
    if re.search(r"@import\b", css):
        msg = f"style sheet {label} uses @import, which cannot be inlined"
        raise AssetError(msg)
    return css


def _leaflet_icon_shim(cache: Path) -> str:
    """Point Leaflet's default marker icon at data URIs (it derives a URL path from the CSS otherwise)."""
    images = {
        key: _data_uri(package_file("leaflet@1.9.3", f"dist/images/{name}", cache))
        for key, name in (
            ("iconUrl", "marker-icon.png"),
            ("iconRetinaUrl", "marker-icon-2x.png"),
            ("shadowUrl", "marker-shadow.png"),
        )
    }
    return "\nL.Icon.Default.imagePath='';L.Icon.Default.mergeOptions(" + json.dumps(images) + ");\n"


def _script_safe(code: str) -> str:
    """Keep inlined code from closing its ``<script>`` element early."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


# --------------------------------------------------------------------------------------
# rewriting rendered HTML
# --------------------------------------------------------------------------------------

_SCRIPT_SRC = re.compile(r"""<script\b[^>]*?\bsrc\s*=\s*(["'])(?P<url>[^"']+)\1[^>]*>\s*</script\s*>""", re.IGNORECASE)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])(?P<url>[^"']+)\1""", re.IGNORECASE)


def _norm_url(url: str) -> str:
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    return url.replace("http://", "https://", 1)


def _is_stylesheet(tag: str) -> bool:
    return re.search(r"""\brel\s*=\s*["']?stylesheet""", tag, re.IGNORECASE) is not None


def asset_urls(html: str) -> list[tuple[str, str]]:
    """Return ``(kind, url)`` for every external script and style sheet of a rendered page, in order.

    Examples
    --------
    >>> asset_urls('<script src="https://x.org/a.js"></script><link rel="stylesheet" href="b.css"/>')
    [('js', 'https://x.org/a.js'), ('css', 'b.css')]
    """
    found: list[tuple[int, str, str]] = [(m.start(), "js", m.group("url")) for m in _SCRIPT_SRC.finditer(html)]
    for tag in _LINK_TAG.finditer(html):
        href = _HREF.search(tag.group(0))
        if href and _is_stylesheet(tag.group(0)):
            found.append((tag.start(), "css", href.group("url")))
    return [(kind, url) for _, kind, url in sorted(found)]


_KIND_NAMES = {"js": "a script", "css": "a style sheet"}


def _lookup(url: str, kind: Literal["js", "css"]) -> Asset:
    """Return the asset behind ``url``, loaded in the page as ``kind``; refuse an unknown URL or a wrong kind."""
    asset = ASSETS.get(_norm_url(url))
    if asset is None:
        msg = (
            f"no offline copy is known for {url!r}: add it to hutan_geo.export.offline.ASSETS (npm package and file) "
            f"and PACKAGES, then run: {INSTALL_COMMAND}; or export with offline=False to keep CDN links"
        )
        raise AssetError(msg)
    if asset.kind != kind:
        msg = f"{url!r} is loaded as {_KIND_NAMES[kind]} but {asset.label} is {_KIND_NAMES[asset.kind]}"
        raise AssetError(msg)
    return asset


def inline_html(html: str, *, cache_dir: str | Path | None = None) -> str:
    """Inline every external script and style sheet of a rendered page.

    Parameters
    ----------
    html
        A whole HTML page (e.g. ``m.get_root().render()``).
    cache_dir
        The asset cache (default: :func:`assets_dir`).

    Returns
    -------
    The page with ``<script>``/``<style>`` elements in place of the links, and
    ``data:`` URIs for the fonts and images the style sheets use.

    Raises
    ------
    AssetError
        A URL has no known offline copy, or its file is not in the cache.
    """
    cache = assets_dir(cache_dir)
    texts: dict[str, str] = {}

    def script(match: re.Match[str]) -> str:
        url = match.group("url")
        asset = _lookup(url, "js")
        if url not in texts:
            code, _ = _read_asset(asset, cache)
            if asset.package == "leaflet@1.9.3" and asset.path == "dist/leaflet.js":
                code += _leaflet_icon_shim(cache)
            texts[url] = f'<script data-offline="{asset.label}">\n{_script_safe(code)}\n</script>'
        return texts[url]

    def link(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if not href or not _is_stylesheet(tag):
            return tag
        url = href.group("url")
        asset = _lookup(url, "css")
        if url not in texts:
            css, base = _read_asset(asset, cache)
            css = _inline_css_urls(css, base, asset.label, drop_font_families=asset.drop_font_families).replace(
                "</style", "<\\/style"
            )
            texts[url] = f'<style data-offline="{asset.label}">\n{css}\n</style>'
        return texts[url]

    out = _SCRIPT_SRC.sub(script, html)
    out = _LINK_TAG.sub(link, out)
    left = asset_urls(out)
    if left:
        msg = f"external assets remain after inlining: {left}"
        raise AssetError(msg)
    return out


def to_html(m: folium.Map, *, offline: bool = True, cache_dir: str | Path | None = None) -> str:
    """Render a map to one HTML page; ``offline=True`` inlines every asset (see :func:`inline_html`)."""
    html = m.get_root().render()
    return inline_html(html, cache_dir=cache_dir) if offline else html


def export_html(
    m: folium.Map,
    path: str | Path,
    *,
    offline: bool = True,
    cache_dir: str | Path | None = None,
) -> Path:
    """Write a map as one HTML file.

    Parameters
    ----------
    m
        The map.
    path
        The file to write (UTF-8).
    offline
        True (default): a self-contained file that makes no request to any
        host for its code, styles, fonts or icons (web tile basemaps, if the
        map has one, still need their tile server). False: keep folium's CDN
        links (smaller, needs the internet).
    cache_dir
        The asset cache (default: :func:`assets_dir`).

    Returns
    -------
    The path written.

    Raises
    ------
    AssetError
        An asset is unknown or not in the cache; the message names it and the install command.
    """
    html = to_html(m, offline=offline, cache_dir=cache_dir)
    if offline and re.search(r"L\.tileLayer\(\s*\"https?:", html):
        log.warning("the map has a web tile basemap: its tiles still load from the tile server when opened")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
