"""The ordered steps of a run (:data:`STEPS`, :data:`DEMO_STEPS`) and :func:`write_outputs`, which runs them.

Examples
--------
>>> DEMO_STEPS[: len(STEPS)] == STEPS, len(DEMO_STEPS) - len(STEPS)
(True, 3)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hutan_geo.pipeline.coverage import write_coverage
from hutan_geo.pipeline.district import (
    Run,
    write_analysis,
    write_geopackage,
    write_overview_map,
    write_overview_png,
    write_tables,
)
from hutan_geo.pipeline.outputs import Outputs
from hutan_geo.pipeline.patrols import write_patrols
from hutan_geo.pipeline.register import write_register

if TYPE_CHECKING:
    from collections.abc import Callable

    from hutan_geo import io
    from hutan_geo._i18n import Lang

__all__ = ["DEMO_STEPS", "STEPS", "Step", "write_outputs"]


class Step(NamedTuple):
    """One named step of the pipeline: a function of the :class:`Run` that writes and reports."""

    name: str
    run: Callable[[Run], Outputs]


#: The steps of :func:`write_outputs`, in order.
STEPS: tuple[Step, ...] = (
    Step("tables", write_tables),
    Step("geopackage", write_geopackage),
    Step("overview_map", write_overview_map),
    Step("analysis", write_analysis),
    Step("overview_png", write_overview_png),
)

#: The steps of ``hutan-geo demo``: :data:`STEPS`, then the morning patrols at :data:`DEMO_PATROL` and their
#: coverage (the same plan, planned once), then the hazard register and its campaign report.
DEMO_STEPS: tuple[Step, ...] = (
    *STEPS,
    Step("patrols", write_patrols),
    Step("coverage", write_coverage),
    Step("register", write_register),
)


def write_outputs(
    district: io.District,
    out: str | Path,
    *,
    lang: Lang = "zh",
    png: bool = True,
    title: str = "demo",
    steps: tuple[Step, ...] = STEPS,
) -> Outputs:
    """Run the steps on a district and write their files into ``out``.

    Parameters
    ----------
    district, out, lang, png, title
        As the attributes of :class:`Run` (without Chromium, ``png=True``
        gives a note instead of the image).
    steps
        The steps to run, in order (default :data:`STEPS`).

    Returns
    -------
    Outputs
        Every file written with its label, the report lines and the notes.

    Raises
    ------
    AssetError
        The offline map assets are not installed (``hutan-geo assets``).
    """
    run = Run(district, Path(out), lang=lang, png=png, title=title)
    run.out.mkdir(parents=True, exist_ok=True)
    outputs = Outputs()
    for step in steps:
        outputs += step.run(run)
    return outputs
