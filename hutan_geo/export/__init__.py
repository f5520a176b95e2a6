"""Exports: one-file offline HTML, Chromium PNG.

Parts: :mod:`~hutan_geo.export.assets` (the pinned npm packages and their
install step), :mod:`~hutan_geo.export.offline` (inlining a rendered map into
one HTML file), :mod:`~hutan_geo.export.browser` (headless Chromium: PNG,
checks in a real browser).
"""

from hutan_geo.export.assets import (
    INSTALL_COMMAND,
    PACKAGES,
    NpmPackage,
    assets_dir,
    install_assets,
    missing_assets,
)
from hutan_geo.export.browser import CHROMIUM_ARGS, PageRun, chromium_path, export_png, open_page, wait_for_map
from hutan_geo.export.offline import ASSETS, Asset, asset_urls, export_html, inline_html, to_html

__all__ = [
    "ASSETS",
    "CHROMIUM_ARGS",
    "INSTALL_COMMAND",
    "PACKAGES",
    "Asset",
    "NpmPackage",
    "PageRun",
    "asset_urls",
    "assets_dir",
    "chromium_path",
    "export_html",
    "export_png",
    "inline_html",
    "install_assets",
    "missing_assets",
    "open_page",
    "to_html",
    "wait_for_map",
]
