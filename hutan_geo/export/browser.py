"""Headless Chromium for map pages: open with the network blocked, wait for rendering, PNG export.

Chromium is Debian's package (``/usr/bin/chromium``; ``scripts/install_browser.sh``
installs it with the CJK fonts), driven through Playwright for Python
(``pip install 'hutan_geo[browser]'``; Playwright's own browser download is
never used). ``$HUTAN_GEO_CHROMIUM`` points at another Chromium build.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hutan_geo.errors import BrowserError, InputError
from hutan_geo.export.offline import export_html

if TYPE_CHECKING:
    from collections.abc import Iterator

    import folium

__all__ = ["CHROMIUM_ARGS", "PageRun", "chromium_path", "export_png", "open_page", "wait_for_map"]

log = logging.getLogger("hutan_geo")

#: Launch flags: no sandbox (root in CI), no GPU, and none of Chromium's own background traffic.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--metrics-recording-only",
    "--mute-audio",
)

_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_path() -> str | None:
    """Return the Chromium executable: ``$HUTAN_GEO_CHROMIUM``, else ``chromium`` on the PATH, else None."""
    env = os.environ.get("HUTAN_GEO_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        msg = "headless Chromium is driven with Playwright: pip install 'hutan_geo[browser]' (or playwright)"
        raise ImportError(msg) from exc
    return sync_playwright


@dataclass
class PageRun:
    """An open page and what happened while it loaded.

    Attributes
    ----------
    page
        The Playwright page.
    requests
        Every URL the page asked for, in order.
    blocked
        Requests to a host (not ``file:``/``data:``) that were refused.
    console_errors
        ``console.error`` messages and uncaught exceptions.
    dialogs
        Messages of ``alert``/``confirm``/``prompt`` dialogs (dismissed).
    """

    page: Any
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def open_page(
    target: str | Path,
    *,
    width: int = 1280,
    height: int = 800,
    allow_network: bool = False,
    timeout_s: float = 30.0,
    init_script: str | None = None,
) -> Iterator[PageRun]:
    """Open an HTML file in headless Chromium; yield the page and a record of its requests.

    Parameters
    ----------
    target
        An HTML file (or a ``file:`` URL).
    width, height
        Viewport in CSS pixels.
    allow_network
        False (default): every request that is not ``file:``/``data:``/``blob:``
        is refused and recorded in :attr:`PageRun.blocked`.
    timeout_s
        Timeout for loading.
    init_script
        JavaScript run in the page before any of its own scripts (e.g. to time rendering).

    Raises
    ------
    BrowserError
        Chromium is not installed.
    """
    exe = chromium_path()
    if exe is None:
        msg = "Chromium was not found; install it with scripts/install_browser.sh (Debian: apt-get install chromium)"
        raise BrowserError(msg)
    url = str(target) if str(target).startswith("file:") else Path(target).resolve().as_uri()
    sync_playwright = _playwright()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS), headless=True)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            run = PageRun(page=context.new_page())

            def route(r: Any) -> None:
                req_url = r.request.url
                if allow_network or req_url.startswith(_LOCAL_SCHEMES):
                    r.continue_()
                else:
                    run.blocked.append(req_url)
                    r.abort()

            context.route("**/*", route)
            run.page.on("request", lambda req: run.requests.append(req.url))
            run.page.on("console", lambda msg: run.console_errors.append(msg.text) if msg.type == "error" else None)
            run.page.on("pageerror", lambda exc: run.console_errors.append(f"uncaught: {exc}"))

            def dialog(d: Any) -> None:
                run.dialogs.append(d.message)
                d.dismiss()

            run.page.on("dialog", dialog)
            run.page.set_default_timeout(timeout_s * 1000)
            if init_script:
                run.page.add_init_script(init_script)
            run.page.goto(url, wait_until="load", timeout=timeout_s * 1000)
            yield run
        finally:
            browser.close()


def wait_for_map(page: Any, *, timeout_s: float = 30.0) -> float:
    """Wait until every Leaflet map on the page is loaded and drawn; return the time in ms since navigation start.

    Ready means: each map has loaded, no tile layer is still loading, every
    hutan_geo canvas layer has drawn, and two animation frames have passed
    (the browser has painted).
    """
    try:
        page.wait_for_function(
            "() => typeof window.hutanMapsReady === 'function' ? window.hutanMapsReady() : "
            "Object.keys(window).some(k => k.startsWith('map_') && window[k] && window[k]._loaded)",
            timeout=timeout_s * 1000,
            polling=50,
        )
    except Exception as exc:  # playwright's TimeoutError
        msg = f"the map did not finish drawing within {timeout_s:g} s: {exc}"
        raise BrowserError(msg) from exc
    return float(
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
        )
    )


def export_png(
    m_or_html: folium.Map | str | Path,
    png_path: str | Path,
    *,
    width: int = 1600,
    height: int = 1000,
    allow_network: bool = False,
    timeout_s: float = 60.0,
    cache_dir: str | Path | None = None,
) -> Path:
    """Render a map to a PNG (for written reports) in headless Chromium.

    Parameters
    ----------
    m_or_html
        A folium map (exported offline first) or an HTML file.
    png_path
        The PNG to write.
    width, height
        Image size in pixels.
    allow_network
        Let the page load web tiles (a basemap other than none needs it).
        Off by default: a map exported offline needs no network.
    timeout_s
        How long to wait for the map to draw.
    cache_dir
        The offline asset cache (for a folium map).

    Returns
    -------
    The PNG path.

    Raises
    ------
    BrowserError
        Chromium is missing, or the page failed to draw (the message lists script errors).
    """
    if width < 200 or height < 200 or width > 8000 or height > 8000:
        msg = f"width and height must be between 200 and 8000 pixels; got {width}x{height}"
        raise InputError(msg)
    out = Path(png_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hutan-png-") as tmp:
        if isinstance(m_or_html, str | Path):
            html_path = Path(m_or_html)
            if not html_path.is_file():
                msg = f"HTML file {html_path} does not exist"
                raise InputError(msg)
        else:
            html_path = export_html(m_or_html, Path(tmp) / "map.html", offline=True, cache_dir=cache_dir)
        started = time.perf_counter()
        with open_page(html_path, width=width, height=height, allow_network=allow_network, timeout_s=timeout_s) as run:
            wait_for_map(run.page, timeout_s=timeout_s)
            if run.console_errors:
                msg = f"the map page reported errors: {run.console_errors[:3]}"
                raise BrowserError(msg)
            run.page.screenshot(path=str(out), full_page=False)
        log.info("PNG written in %.1f s: %s", time.perf_counter() - started, out)
    return out
