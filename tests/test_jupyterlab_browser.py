"""The workbook in the planner's real environment: JupyterLab in headless Chromium runs notebook 04.

JupyterLab starts on a free local port (127.0.0.1 only, a random token) over a
temporary copy of ``notebooks/``; Chromium opens ``04_patrols.ipynb``, runs
every cell from the Run menu and waits until each code cell has run. The test
fails on any cell error (read back from the saved notebook) and passes only
when the patrol map's Leaflet map is drawn inside its output frame: a
``.leaflet-container`` with drawn route paths. Nothing leaves the machine: the
map's CDN scripts and style sheets are answered from the offline asset cache,
every other outside request is refused.

Skipped with the reason when Chromium, Playwright or the offline assets are
absent, like the other browser tests; ``make test`` installs all three first.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from hutan_geo.export import ASSETS, inline_html
from hutan_geo.export.browser import chromium_path

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "04_patrols.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")
#: The whole test (server start, kernel, every cell, the map) must finish within this.
BUDGET_S = 180.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
RUN_ALL = 'li.lm-Menu-item[data-command="runmenu:run-all"]'
SAVE = 'li.lm-Menu-item[data-command="docmanager:save"]'
#: Every code cell has run: its prompt shows a number, not "[ ]" or "[*]".
ALL_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
#: Run All has started: some code cell is running or has run.
STARTED = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
  .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
#: Inside the folium output frame: a Leaflet map with drawn vector paths (SVG) or a canvas layer.
MAP_DRAWN = """() => {
  const map = document.querySelector('.leaflet-container');
  if (!map) return 0;
  const paths = map.querySelectorAll('.leaflet-overlay-pane path[d]:not([d="M0 0"])').length;
  const canvases = map.querySelectorAll('.leaflet-overlay-pane canvas').length;
  return paths + canvases;
}"""


@pytest.fixture(scope="module")
def lab_ready(offline_assets: Path) -> Path:
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (run scripts/install_browser.sh; make test does)")
    pytest.importorskip("playwright", reason="Playwright for Python is not installed (pip install playwright)")
    if not JUPYTER.exists():
        pytest.skip(f"JupyterLab is not installed in this environment ({JUPYTER})")
    return offline_assets


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _asset_body(url: str) -> tuple[str, str] | None:
    """The offline copy of a CDN script or style sheet as (content type, text), or None when unknown."""
    asset = ASSETS.get(url.replace("http://", "https://", 1))
    if asset is None:
        return None
    if asset.kind == "js":
        page = inline_html(f'<script src="{url}"></script>')
        body = page[page.index(">") + 1 : page.rindex("</script>")]
        return "application/javascript", body.replace("<\\/script", "</script")
    page = inline_html(f'<link rel="stylesheet" href="{url}"/>')
    return "text/css", page[page.index(">") + 1 : page.rindex("</style>")].replace("<\\/style", "</style")


def _wait_for_server(url: str, proc: subprocess.Popen, deadline: float, log: Path) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"JupyterLab exited early with code {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail("JupyterLab did not answer within the time budget")


def _start_lab(root: Path, home: Path, port: int, token: str) -> subprocess.Popen:
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the DOM (no virtual scrolling), so the map frame exists while the test looks for it
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "PYTHONWARNINGS": "ignore",
    }
    cmd = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI runners often run as root
        cmd.append("--allow-root")
    with (home / "lab.log").open("wb") as log:  # the server keeps its own handle
        return subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _saved_outputs(path: Path, deadline: float) -> tuple[list[dict[str, Any]], list[Any]]:
    """The error outputs and the execution counts of the code cells of the saved notebook.

    Waits (until ``deadline``) for the save to land: every code cell with an execution count.
    """
    while True:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        counts = [c.get("execution_count") for c in code]
        if all(isinstance(n, int) for n in counts) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return errors, counts


#: Texts of the JupyterLab dialogs met on the way (accepted, then checked by the test).
DIALOGS: list[str] = []


def _dismiss_dialogs(page: Any) -> None:
    """Note and accept any open JupyterLab dialog (e.g. a kernel prompt while the machine is busy)."""
    dialogs = page.locator(".jp-Dialog")
    for _ in range(3):
        if not dialogs.count():
            return
        DIALOGS.append(" ".join(dialogs.first.inner_text().split()))
        accept = dialogs.first.locator(".jp-Dialog-button.jp-mod-accept")
        (accept if accept.count() else dialogs.first.locator(".jp-Dialog-button").last).click()
        page.wait_for_timeout(500)


def _click(page: Any, locator: Any, what: str) -> None:
    """Click ``locator``, accepting any dialog that comes in the way (a first kernel start can raise one)."""
    for _ in range(18):
        _dismiss_dialogs(page)
        try:
            locator.click(timeout=5_000)
        except Exception:  # playwright's TimeoutError: a dialog took the click; accept it and try again
            continue
        return
    msg = f"{what}: could not be clicked for 90 s; dialogs met: {DIALOGS}"
    raise AssertionError(msg)


def _menu(page: Any, menu: str, item: str) -> None:
    """Click ``item`` (a menu entry selector) of the menu bar's ``menu`` (accepting any open dialog)."""
    _click(page, page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{menu}$")), f"menu {menu}")
    _click(page, page.locator(item), f"menu entry {item}")


def _run_all(page: Any, timeout_ms: float) -> bool:
    """Run every cell from the Run menu, clicking once more if nothing started; True when every cell ran."""
    for _ in range(2):
        _menu(page, "Run", RUN_ALL)
        try:  # a click lost while the kernel was still starting shows no "[*]" and no number
            page.wait_for_function(STARTED, timeout=15_000, polling=250)
            break
        except Exception:  # playwright's TimeoutError: retry the menu once
            continue
    try:
        page.wait_for_function(ALL_RAN, timeout=timeout_ms, polling=500)
    except Exception:  # playwright's TimeoutError: reported by the caller with the execution counts
        return False
    return True


def _drawn_map(page: Any, deadline: float) -> tuple[bool, int]:
    """Wait for a frame of the page holding a drawn Leaflet map; return (found a map, drawn layers)."""
    best, seen_map = 0, False
    while True:
        for frame in page.frames:
            if frame is page.main_frame:
                continue
            try:
                drawn = int(frame.evaluate(MAP_DRAWN))
                seen_map = seen_map or frame.evaluate("() => !!document.querySelector('.leaflet-container')")
            except Exception:  # a frame detached or still loading
                continue
            best = max(best, drawn)
        if best > 0:
            return True, best
        if time.monotonic() > deadline:
            return seen_map, best
        time.sleep(0.5)


def test_notebook_04_runs_in_jupyterlab_and_draws_the_map(lab_ready, tmp_path):
    from playwright.sync_api import sync_playwright

    start = time.monotonic()
    deadline = start + BUDGET_S
    root = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    proc = _start_lab(root, tmp_path / "lab", port, token)
    outside: list[str] = []
    page_errors: list[str] = []
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_server(f"{base}/api/status?token={token}", proc, deadline, tmp_path / "lab" / "lab.log")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})

                def route(r: Any) -> None:
                    url = r.request.url
                    if url.startswith(LOCAL):
                        r.continue_()
                        return
                    body = _asset_body(url)
                    if body is None:
                        outside.append(url)
                        r.abort()
                    else:
                        r.fulfill(status=200, content_type=body[0], body=body[1])

                context.route("**/*", route)
                page = context.new_page()
                page.on("pageerror", lambda exc: page_errors.append(str(exc)))
                page.set_default_timeout(90_000)
                page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", wait_until="domcontentloaded")
                page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
                page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
                ran = _run_all(page, max(deadline - time.monotonic(), 1) * 1000)
                page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=30_000)
                found, drawn = _drawn_map(page, min(deadline, time.monotonic() + 60))
                for _ in range(2):  # File > Save, once more if the file did not change
                    _menu(page, "File", SAVE)
                    errors, counts = _saved_outputs(root / NOTEBOOK, min(deadline, time.monotonic() + 15))
                    if all(isinstance(c, int) for c in counts):
                        break
            finally:
                browser.close()
        dead = [d for d in DIALOGS if re.search(r"died|dead|error|失败|错误", d, re.IGNORECASE)]
        assert not dead, f"JupyterLab showed: {dead}"
        names = [f"{e.get('ename')}: {e.get('evalue')}" for e in errors]
        assert not errors, f"cell errors in {NOTEBOOK}: {names}"
        assert ran, f"not every cell of {NOTEBOOK} ran within {BUDGET_S:g} s (counts {counts}; dialogs {DIALOGS})"
        assert all(isinstance(c, int) for c in counts), f"cells without an execution count after saving: {counts}"
        assert found, f"no Leaflet map (.leaflet-container) in any output frame; page errors: {page_errors[:5]}"
        assert drawn > 0, "the Leaflet map is there but draws no route paths"
        assert not [u for u in outside if "leaflet" in u], f"map assets without an offline copy: {outside}"
        assert time.monotonic() - start < BUDGET_S
    finally:
        _stop(proc)
