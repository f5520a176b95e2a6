"""The pinned npm packages behind the offline map export, and the step that installs them.

The files come from the packages' own releases on the npm registry
(:data:`PACKAGES`, pinned by version and ``sha512`` integrity), fetched once by
an explicit step -- ``hutan-geo assets`` or ``python -m hutan_geo.export
install`` (``make demo`` and ``make test`` run it) -- into a cache folder
outside the repository (``~/.cache/hutan_geo/assets``, or ``$HUTAN_GEO_ASSETS``).
Nothing is fetched while a map is exported (see :mod:`hutan_geo.export.offline`).

Examples
--------
>>> PACKAGES["leaflet@1.9.3"].folder
'leaflet@1.9.3'
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from hutan_geo.errors import AssetError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "INSTALL_COMMAND",
    "PACKAGES",
    "NpmPackage",
    "assets_dir",
    "install_assets",
    "missing_assets",
    "package_file",
]

log = logging.getLogger("hutan_geo")

#: What to run when an asset is missing.
INSTALL_COMMAND = "hutan-geo assets  (or: python -m hutan_geo.export install; make assets)"


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
# files of installed packages
# --------------------------------------------------------------------------------------


def _missing(what: str, cache: Path) -> AssetError:
    msg = f"offline asset {what} is not in the asset cache {cache}; fetch the assets once with: {INSTALL_COMMAND}"
    return AssetError(msg)


def package_file(spec: str, path: str, cache: Path) -> Path:
    """Return the file ``path`` of the pinned package ``spec`` (``name@version``) in the cache ``cache``.

    Raises
    ------
    AssetError
        The package is not installed (or not verified), or lacks the file; the
        message names the install command.
    """
    package = PACKAGES[spec]
    if not _is_installed(package, cache):
        msg = f"{spec} ({path})"
        raise _missing(msg, cache)
    file = _package_root(package, cache) / path
    if not file.is_file():
        msg = f"{spec}/{path}"
        raise _missing(msg, cache)
    return file


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``install [--cache DIR] [--force]``; return the exit status."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m hutan_geo.export", description="fetch the offline map assets from the npm registry"
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
