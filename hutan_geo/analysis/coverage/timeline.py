"""The unit timeline of a plan: one row per unit over the window, driving, waiting and dwelling coloured.

:func:`unit_timeline` returns a matplotlib :class:`~matplotlib.figure.Figure`
(write it with :func:`~hutan_geo.analysis.coverage.save_png`); labels in
Chinese by default (font ``Noto Sans CJK SC``), English with ``lang="en"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis.coverage.common import chart_style, finish, new_figure, window_label
from hutan_geo.analysis.patrol import Plan
from hutan_geo.errors import InputError
from hutan_geo.model import clock

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["TIMELINE_COLOURS", "unit_timeline"]

#: Colour of each part of a unit's time.
TIMELINE_COLOURS = {"drive": "#9ecae1", "wait": "#d9d9d9", "dwell": "#31a354", "cluster": "#fd8d3c"}


def unit_timeline(plan: Plan, *, lang: Lang | None = None) -> Figure:
    """Draw every unit of a plan over its window: one row per unit, driving, waiting and dwelling coloured.

    Parameters
    ----------
    plan
        The plan of one window.
    lang
        Label language (default the plan's).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        Not a one-window plan.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.analysis.patrol import plan_patrols
    >>> plan = plan_patrols(load_demo(), "arrival", iterations=100, seed=1, priority={})
    >>> len(unit_timeline(plan, lang="en").axes[0].get_yticks()) == plan.itinerary["unit"].nunique()
    True
    """
    if not isinstance(plan, Plan):
        msg = (
            "plan must be the Plan of one window (for a day plan pass plan.plans['arrival']); "
            f"got {type(plan).__name__}"
        )
        raise InputError(msg)
    lang = check_lang(lang or plan.lang)
    it = plan.itinerary
    units = list(dict.fromkeys(it["unit"]))
    tasks = plan.problem.tasks
    if (tasks["kind"] == "school").any():  # the schools' windows, not the clusters' shift
        tasks = tasks[tasks["kind"] == "school"]
    with chart_style():
        fig = new_figure(10, 1.2 + 0.38 * max(len(units), 1))
        ax = fig.add_subplot()
        if len(tasks):
            lo = float(plan.problem.to_minutes(tasks["tw_early"].min()))
            hi = float(plan.problem.to_minutes((tasks["tw_late"] + tasks["service"]).max()))
            ax.axvspan(lo, hi, color="#fff7bc", alpha=0.6, label=tr("cov.timeline.window", lang), zorder=0)
        for row, unit in enumerate(units):
            r = it[it["unit"] == unit].reset_index(drop=True)
            spans: dict[str, list[tuple[float, float]]] = {k: [] for k in TIMELINE_COLOURS}
            for k in range(1, len(r)):
                leave_prev = float(r["leave"].iat[k - 1])
                spans["drive"].append((leave_prev, float(r["arrive"].iat[k]) - leave_prev))
                spans["wait"].append((float(r["arrive"].iat[k]), float(r["wait"].iat[k])))
                kind = "cluster" if r["kind"].iat[k] == "cluster" else "dwell"
                if r["kind"].iat[k] != "station":
                    spans[kind].append((float(r["start"].iat[k]), float(r["leave"].iat[k] - r["start"].iat[k])))
            for kind, bars in spans.items():
                bars = [b for b in bars if b[1] > 0]
                if bars:
                    ax.broken_barh(bars, (row - 0.35, 0.7), color=TIMELINE_COLOURS[kind])
        handles = [
            _patch(TIMELINE_COLOURS[k], tr(f"cov.timeline.{k}", lang)) for k in ("drive", "wait", "dwell", "cluster")
        ]
        ax.legend(handles=[*ax.get_legend_handles_labels()[0], *handles], loc="upper left", bbox_to_anchor=(1, 1))
        ax.set_yticks(range(len(units)), units)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(lambda v, _: clock(v))
        ax.set_xlabel(tr("cov.timeline.xlabel", lang))
        ax.set_title(tr("cov.timeline.title", lang, window=window_label(plan.problem.window, lang)))
        ax.grid(axis="x", alpha=0.3)
        return finish(fig)


def _patch(colour: str, text: str):
    from matplotlib.patches import Patch

    return Patch(color=colour, label=text)
