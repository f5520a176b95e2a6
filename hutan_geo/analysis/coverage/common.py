"""Shared pieces of the coverage modules: school targets, window names, labelled tables, chart fonts.

Charts are drawn on a bare :class:`matplotlib.figure.Figure` (no pyplot
state) in the CJK font ``Noto Sans CJK SC`` (Debian ``fonts-noto-cjk``,
installed by ``scripts/install_browser.sh``); without it the chart falls
back to matplotlib's default font and logs a warning (Chinese labels then
show as boxes: use ``lang="en"``). :func:`save_png` is the one place a chart
is written to a file.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo._i18n import LABELS, Lang, tr
from hutan_geo.errors import InputError
from hutan_geo.model import LEVELS, label
from hutan_geo.model.frames import check_frame

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CJK_FONT", "chart_font", "chart_style", "save_png", "school_targets", "window_label"]

log = logging.getLogger("hutan_geo")

#: The font charts use for Chinese labels.
CJK_FONT = "Noto Sans CJK SC"
_FALLBACK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK TC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei")


@cache
def chart_font() -> str | None:
    """Return the CJK font family charts use, or None (logged once) when no CJK font is installed.

    Examples
    --------
    >>> chart_font() in (None, "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
    ...                  "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei")
    True
    """
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in (CJK_FONT, *_FALLBACK_FONTS):
        if name in names:
            if name != CJK_FONT:
                log.warning("font %s is not installed; charts use %s", CJK_FONT, name)
            return name
    log.warning(
        "no CJK font found (wanted %s: apt-get install fonts-noto-cjk, or run scripts/install_browser.sh); "
        "Chinese chart labels will show as boxes: use lang='en'",
        CJK_FONT,
    )
    return None


@contextlib.contextmanager
def chart_style() -> Iterator[None]:
    """Draw the texts created inside this block in the CJK font (matplotlib's rc settings, restored after)."""
    import matplotlib as mpl

    font = chart_font()
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with mpl.rc_context({"font.family": family, "axes.unicode_minus": False}):
        yield


def new_figure(width: float, height: float) -> Figure:
    """Return an empty figure (no pyplot state is touched); build it inside :func:`chart_style`."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def finish(fig: Figure) -> Figure:
    """Lay the figure out once inside :func:`chart_style`, so tick labels made later copy its font."""
    fig.draw_without_rendering()
    return fig


def save_png(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write a chart to a PNG file and return its path (parent folders are created).

    Examples
    --------
    >>> import tempfile
    >>> fig = new_figure(2, 1)
    >>> save_png(fig, Path(tempfile.mkdtemp()) / "a.png").suffix
    '.png'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, format="png")
    return path


def window_label(window: str, lang: Lang) -> str:
    """Return the planner's name of a window (``"arrival"`` → ``早高峰（入校）``); other names unchanged."""
    key = f"patrol.window.{window}"
    return tr(key, lang) if key in LABELS else str(window)


def level_label(code: object, lang: Lang) -> str:
    """Return the display name of a school level code (unknown codes unchanged)."""
    code = "" if code is None or (isinstance(code, float) and np.isnan(code)) else str(code)
    return label(LEVELS, code, lang) if code in LEVELS.labels else code


def school_targets(schools: gpd.GeoDataFrame, gates: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """One point per school in EPSG:4326: its main gate, else its first gate, else the school's own point.

    Parameters
    ----------
    schools
        Schools with ``school_id`` and ``name``; ``township``, ``station``
        (the responsible station: its precinct), ``level`` and ``enrolment``
        are carried when present.
    gates
        Gates with ``school_id``, ``gate_name`` and optionally ``is_main``.

    Returns
    -------
    GeoDataFrame
        ``school_id``, ``name``, ``township``, ``precinct``, ``level``,
        ``enrolment``, ``gate_name``; schools without any location are left out.

    Raises
    ------
    InputError
        ``schools`` is not a GeoDataFrame or lacks ``school_id``/``name``.
    """
    schools = check_frame(schools, "schools", columns=("school_id", "name"))
    s = schools.to_crs(4326).reset_index(drop=True)
    out = pd.DataFrame(
        {
            "school_id": s["school_id"].astype(str),
            "name": s["name"].astype(str),
            "township": s["township"].astype(str) if "township" in s else "",
            "precinct": s["station"].astype(str) if "station" in s else "",
            "level": s["level"].astype(str) if "level" in s else "",
            "enrolment": pd.to_numeric(s["enrolment"], errors="coerce").fillna(0.0) if "enrolment" in s else 0.0,
            "gate_name": "",
        }
    )
    geoms = list(s.geometry)
    if gates is not None and len(gates):
        g = check_frame(gates, "gates", columns=("school_id",)).to_crs(4326)
        g = g[~(g.geometry.isna() | g.geometry.is_empty)].copy()
        g["_main"] = g["is_main"].fillna(False).astype(bool) if "is_main" in g else False
        g = g.sort_values("_main", ascending=False, kind="stable").drop_duplicates("school_id")
        pick = dict(zip(g["school_id"].astype(str), zip(g.geometry, g.get("gate_name", ""), strict=True), strict=True))
        for i, sid in enumerate(out["school_id"]):
            if sid in pick:
                geoms[i], out.loc[i, "gate_name"] = pick[sid][0], str(pick[sid][1])
    frame = gpd.GeoDataFrame(out, geometry=geoms, crs=4326)
    return frame[~(frame.geometry.isna() | frame.geometry.is_empty)].reset_index(drop=True)


def labelled(frame: pd.DataFrame, columns: Mapping[str, str], lang: Lang) -> pd.DataFrame:
    """Return the ``columns`` of ``frame`` (column → label key) renamed to the planner's labels in ``lang``."""
    keep = [c for c in columns if c in frame.columns]
    return pd.DataFrame(frame[keep]).rename(columns={c: tr(columns[c], lang) for c in keep})


def weights_for(targets: pd.DataFrame, weights: str | Mapping[str, float] | Any) -> np.ndarray:
    """Demand weight per target row: ``"enrolment"``, ``"equal"``, a school id → weight mapping, or an array.

    Raises
    ------
    InputError
        An unknown name, an array of the wrong length, or negative weights.
    """
    n = len(targets)
    if isinstance(weights, str):
        if weights == "enrolment":
            w = targets["enrolment"].to_numpy(float) if "enrolment" in targets else np.ones(n)
        elif weights == "equal":
            w = np.ones(n)
        else:
            msg = f"weights must be 'enrolment', 'equal', a school id -> weight mapping or an array; got {weights!r}"
            raise InputError(msg)
    elif isinstance(weights, Mapping):
        w = np.array([float(weights.get(s, 0.0)) for s in targets["school_id"]])
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != (n,):
            msg = f"weights must hold one value per gate ({n}); got shape {w.shape}"
            raise InputError(msg)
    if not np.isfinite(w).all() or (w < 0).any():
        msg = "weights must be finite and >= 0"
        raise InputError(msg)
    return w
