"""Self-contained offline HTML: every script, style sheet, font and icon inlined.

A folium map loads Leaflet, its plugins, Bootstrap, jQuery and Font Awesome
from CDNs; opened in a meeting room with no internet it is a blank page
("L is not defined"). :func:`export_html` renders the map, replaces every
``<script src>`` and ``<link rel="stylesheet" href>`` with the file's content,
and turns the images and fonts the style sheets refer to into ``data:`` URIs,
so the page makes no request to any host when opened.

The files come from the packages' own releases on the npm registry
(:data:`PACKAGES`, pinned by version and ``sha512`` integrity), fetched once by
an explicit step -- ``hutan-geo assets`` or ``python -m hutan_geo.offline
install`` (``make demo`` and ``make test`` run it) -- into a cache folder
outside the repository (``~/.cache/hutan_geo/assets``, or ``$HUTAN_GEO_ASSETS``).
Nothing is fetched while a map is exported: a file that is not in the cache,
or a URL that :data:`ASSETS` does not know, raises :class:`~hutan_geo.errors.AssetError`
naming it and the install command.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from hutan_geo.errors import AssetError

if TYPE_CHECKING:
    from collections.abc import Callable

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

#: What to run when an asset is missing.
INSTALL_COMMAND = "hutan-geo assets  (or: python -m hutan_geo.offline install; make assets)"


@dataclass(frozen=True)
class NpmPackage:
    """One release on the npm registry, pinned by its ``sha512`` integrity.

    Parameters
    ----------
    name
        The npm package name, e.g. ``"leaflet"`` or ``"@fortawesome/fontawesome-free"``.
    version
        The exact version.
    integrity
        The registry's ``dist.integrity`` (``sha512-...``) of the tarball.
    keep
        Folders (or files) of the package to unpack; the rest is skipped.
    """

    name: str
    version: str
    integrity: str
    keep: tuple[str, ...] = ("dist/",)

    @property
    def spec(self) -> str:
        """``name@version`` as given to ``npm pack``."""
        return f"{self.name}@{self.version}"

    @property
    def folder(self) -> str:
        """The package's folder name inside the cache."""
        return f"{self.name.replace('/', '__')}@{self.version}"


#: Every npm release the offline export reads from, by short key.
PACKAGES: dict[str, NpmPackage] = {
    p.spec: p
    for p in (
        NpmPackage(
            "leaflet",
            "1.9.3",
            "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
        ),
        NpmPackage(
            "jquery",
            "3.7.1",
            "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        ),
        NpmPackage(
            "bootstrap",
            "5.2.2",
            "sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ==",
            ("dist/css/bootstrap.min.css", "dist/js/bootstrap.bundle.min.js"),
        ),
        NpmPackage(
            "bootstrap",
            "3.4.1",
            "sha512-yN5oZVmRCwe5aKwzRj6736nSmKDX7pLYwsXiCj/EYmo16hODaBiT4En5btW/jhBF/seV+XMx3aYwukYC3A49DA==",
            ("dist/css/bootstrap.css", "dist/fonts/"),
        ),
        NpmPackage(
            "@fortawesome/fontawesome-free",
            "6.2.0",
            "sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ==",
            ("css/all.min.css", "webfonts/"),
        ),
        NpmPackage(
            "leaflet.awesome-markers",
            "2.0.5",
            "sha512-Ne/xDjkGyaujwNVVkv2tyXQUV0ZW7gZ0Mo0FuQY4jp2qWrvXi0hwDBvmZyF/8YOvybyMabTMM/mFWCTd1jZIQA==",
        ),
        NpmPackage(
            "leaflet.markercluster",
            "1.1.0",
            "sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
        ),
        NpmPackage(
            "leaflet-minimap",
            "3.6.1",
            "sha512-6px8f6cfv1rKB6ACpL6bbUFGxipZOq4KsntJgBj9nOcW1RYa5+xFp8emOZwks9X+VtVVsQEwWwfgT1kTTL/LzA==",
        ),
        NpmPackage(
            "leaflet.fullscreen",
            "3.0.0",
            "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
            ("Control.FullScreen.css", "Control.FullScreen.js", "icon-fullscreen.svg"),
        ),
        NpmPackage(
            "leaflet-measure",
            "2.1.7",
            "sha512-IvoHIoVTIQSXUgaNnAMF17qXFB+dF5ICdwmY8BHyq/Hh33/xeGqQUUYlz0pRMzFN9NUcjsT6JBhCr1ia0CG5ug==",
        ),
        NpmPackage(
            "leaflet-groupedlayercontrol",
            "0.6.1",
            "sha512-xkGeH6ygcryFQI0FUWn6Bz93zlwrOSpeXgJQ3jLRoUQJ5h/Qgrz+GqR9nhBFfikjUKtC1sCKL3eDR9wNTWhLlA==",
        ),
        NpmPackage(
            "jquery-ui",
            "1.13.2",
            "sha512-wBZPnqWs5GaYJmo1Jj0k/mrSkzdQzKDwhXNtHKcBdAcKVxMM3KNYFq+iJ2i1rwiG53Z8M4mTn3Qxrm17uH1D4Q==",
            ("dist/jquery-ui.min.js",),
        ),
        NpmPackage(
            "leaflet-dvf",
            "0.3.0",
            "sha512-SpfD7aYximE8lQWWl7KHF8caIN0lkOLsfM8F0/58P/Bgq+JD/ya5ugkvrjZVm/e9KdE/W8pSriTFOtkn/2B2RQ==",
            ("dist/leaflet-dvf.markers.min.js",),
        ),
    )
}


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

_STAMP = ".hutan-verified"


# --------------------------------------------------------------------------------------
# the cache and the install step
# --------------------------------------------------------------------------------------


def assets_dir(cache_dir: str | Path | None = None) -> Path:
    """Return the asset cache folder.

    ``cache_dir`` if given, else ``$HUTAN_GEO_ASSETS``, else
    ``~/.cache/hutan_geo/assets`` (``$XDG_CACHE_HOME`` respected). It lies
    outside the repository: assets are fetched, never committed.
    """
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("HUTAN_GEO_ASSETS")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hutan_geo" / "assets"


def _package_root(package: NpmPackage, cache: Path) -> Path:
    return cache / package.folder


def _is_installed(package: NpmPackage, cache: Path) -> bool:
    stamp = _package_root(package, cache) / _STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == package.integrity


def missing_assets(cache_dir: str | Path | None = None) -> list[str]:
    """Return the ``name@version`` of every pinned package not (or not verifiably) in the cache."""
    cache = assets_dir(cache_dir)
    return [spec for spec, package in PACKAGES.items() if not _is_installed(package, cache)]


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _npm_pack(spec: str, dest: Path, npm: str) -> Path:
    """Fetch the tarball of ``spec`` from the npm registry into ``dest`` with ``npm pack``."""
    exe = shutil.which(npm)
    if exe is None:
        msg = (
            f"npm ({npm!r}) was not found; it fetches the map's script libraries from the npm registry. "
            "Install Node.js and npm (Debian: apt-get install npm), then run: " + INSTALL_COMMAND
        )
        raise AssetError(msg)
    result = subprocess.run(
        [exe, "pack", spec, "--json", "--silent", "--pack-destination", str(dest)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        msg = f"`npm pack {spec}` failed (exit {result.returncode}): {result.stderr.strip()[-400:]}"
        raise AssetError(msg)
    try:
        filename = json.loads(result.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError):
        tarballs = sorted(dest.glob("*.tgz"))
        if not tarballs:
            msg = f"`npm pack {spec}` wrote no tarball into {dest}"
            raise AssetError(msg) from None
        return tarballs[-1]
    # npm names scoped packages "scope-name-version.tgz"
    return dest / filename.replace("@", "").replace("/", "-")


def _unpack(tarball: Path, package: NpmPackage, target: Path) -> None:
    wanted = tuple(f"package/{k}" for k in package.keep)
    with tarfile.open(tarball, "r:gz") as tar:
        members = [
            m
            for m in tar.getmembers()
            if m.isfile()
            and (m.name.startswith(wanted) or m.name in wanted)
            and ".." not in PurePosixPath(m.name).parts
        ]
        if not members:
            msg = f"{package.spec}: none of {list(package.keep)} is in the tarball"
            raise AssetError(msg)
        for member in members:
            out = target / PurePosixPath(member.name).relative_to("package")
            out.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            out.write_bytes(source.read())


def install_assets(
    cache_dir: str | Path | None = None,
    *,
    force: bool = False,
    npm: str = "npm",
    pack: Callable[[str, Path], Path] | None = None,
) -> Path:
    """Fetch every pinned npm package once into the asset cache, verified.

    Each package is fetched with ``npm pack name@version`` (the registry's
    own tarball), its ``sha512`` is checked against the integrity pinned in
    :data:`PACKAGES`, and the files the export needs are unpacked into
    ``<cache>/<name>@<version>/``. Packages already verified are skipped, so a
    second run is fast and needs no network.

    Parameters
    ----------
    cache_dir
        The cache folder (default: :func:`assets_dir`).
    force
        Fetch and unpack again even when verified.
    npm
        The npm executable.
    pack
        Replaces ``npm pack`` (``pack(spec, folder) -> tarball``); for tests.

    Returns
    -------
    The cache folder.

    Raises
    ------
    AssetError
        npm is missing, a fetch failed, or a tarball's checksum differs from the pin.
    """
    cache = assets_dir(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    fetch = pack or (lambda spec, dest: _npm_pack(spec, dest, npm))
    for package in PACKAGES.values():
        if not force and _is_installed(package, cache):
            continue
        log.info("fetching %s from the npm registry", package.spec)
        with tempfile.TemporaryDirectory(prefix="hutan-npm-") as tmp:
            tarball = fetch(package.spec, Path(tmp))
            data = tarball.read_bytes()
            got = _sri(data)
            if got != package.integrity:
                msg = (
                    f"{package.spec}: the tarball's checksum {got[:30]}... differs from the pinned "
                    f"{package.integrity[:30]}...; the download is corrupt or the release changed. "
                    "Nothing was installed; check the registry and run the install again."
                )
                raise AssetError(msg)
            root = _package_root(package, cache)
            staging = cache / f".{package.folder}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            _unpack(tarball, package, staging)
            (staging / _STAMP).write_text(package.integrity + "\n", encoding="utf-8")
            shutil.rmtree(root, ignore_errors=True)
            staging.rename(root)
    return cache


# --------------------------------------------------------------------------------------
# reading assets
# --------------------------------------------------------------------------------------


def _missing(what: str, cache: Path) -> AssetError:
    msg = f"offline asset {what} is not in the asset cache {cache}; fetch the assets once with: {INSTALL_COMMAND}"
    return AssetError(msg)


def _package_file(spec: str, path: str, cache: Path) -> Path:
    package = PACKAGES[spec]
    if not _is_installed(package, cache):
        msg = f"{spec} ({path})"
        raise _missing(msg, cache)
    file = _package_root(package, cache) / path
    if not file.is_file():
        msg = f"{spec}/{path}"
        raise _missing(msg, cache)
    return file


def _glyphicons_css(cache: Path) -> tuple[str, Path]:
    """Cut the glyphicon rules (font face and icon classes) out of bootstrap 3.4.1."""
    file = _package_file("bootstrap@3.4.1", "dist/css/bootstrap.css", cache)
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
    file = _package_file(asset.package, asset.path, cache)
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
        key: _data_uri(_package_file("leaflet@1.9.3", f"dist/images/{name}", cache))
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


def _lookup(url: str) -> Asset:
    asset = ASSETS.get(_norm_url(url))
    if asset is None:
        msg = (
            f"no offline copy is known for {url!r}: add it to hutan_geo.export.offline.ASSETS (npm package and file) "
            f"and PACKAGES, then run: {INSTALL_COMMAND}; or export with offline=False to keep CDN links"
        )
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
        asset = _lookup(url)
        if asset.kind != "js":
            msg = f"{url!r} is loaded as a script but {asset.label} is a style sheet"
            raise AssetError(msg)
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
        asset = _lookup(url)
        if asset.kind != "css":
            msg = f"{url!r} is loaded as a style sheet but {asset.label} is a script"
            raise AssetError(msg)
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


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m hutan_geo.offline", description="fetch the offline map assets from the npm registry"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help="fetch and verify every pinned package into the asset cache")
    inst.add_argument("--cache", default=None, help="cache folder (default: $HUTAN_GEO_ASSETS or ~/.cache/...)")
    inst.add_argument("--force", action="store_true", help="fetch again even when verified")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        cache = install_assets(args.cache, force=args.force)
    except AssetError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(f"offline map assets ready in {cache}\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
