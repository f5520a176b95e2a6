"""What a pipeline step produces: the files it wrote (:class:`Written`), tables to write, report lines.

Also the :class:`Heading` (title block) a step puts on its maps, and :func:`map_png`, the picture of a
written map (headless Chromium) or the note that says why there is none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from hutan_geo import export, io, maps
from hutan_geo._i18n import Lang, tr
from hutan_geo.errors import BrowserError, InputError

if TYPE_CHECKING:
    from pathlib import Path

    import folium
    import pandas as pd

__all__ = [
    "PNG_SIZE",
    "Heading",
    "Outputs",
    "Table",
    "Written",
    "district_map",
    "finish_map",
    "map_png",
    "titled",
    "write_table_files",
]

#: Map image size in pixels.
PNG_SIZE: tuple[int, int] = (1600, 1000)


class Written(NamedTuple):
    """One file a step wrote: what it is (a label for planners) and where."""

    label: str
    path: Path


class Table(NamedTuple):
    """A table ready to write: its label, its file name and the frame."""

    label: str
    filename: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Outputs:
    """What one step (or the whole pipeline) produced.

    Attributes
    ----------
    written
        The files written, in order, each with its label.
    messages
        Lines that report results (e.g. how many rule violations).
    notes
        Lines printed after the list of files (e.g. why no PNG was made).
    """

    written: tuple[Written, ...] = ()
    messages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __add__(self, other: Outputs) -> Outputs:
        """Concatenate two outputs, keeping the order of each part."""
        return Outputs(self.written + other.written, self.messages + other.messages, self.notes + other.notes)


def write_table_files(out: Path, tables: list[Table]) -> tuple[Written, ...]:
    """Write each table into ``out`` under its file name; return what was written."""
    return tuple(Written(t.label, io.write_table(t.frame, out / t.filename)) for t in tables)


@dataclass(frozen=True)
class Heading:
    """The title block the steps put on their maps: the district, the data date, the marking.

    Attributes
    ----------
    district
        The district's name.
    as_of
        The date of the data (None: left out).
    marking
        The marking (default 内部资料).

    Examples
    --------
    >>> Heading("青岚县", "2026-11-29").day
    datetime.date(2026, 11, 29)
    """

    district: str
    as_of: dt.date | str | None = None
    marking: str = maps.DEFAULT_MARKING

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", self._parse(self.as_of))

    @staticmethod
    def _parse(value: dt.date | str | None) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            msg = f"as-of date {value!r} is not a date; write YYYY-MM-DD"
            raise InputError(msg) from None

    @property
    def day(self) -> dt.date | None:
        """The data date as a date (None when not given)."""
        return self.as_of  # type: ignore[return-value]


def titled(m: folium.Map, heading: Heading | None, title: str, lang: Lang) -> folium.Map:
    """Put the heading's title block on ``m`` (nothing when ``heading`` is None); return ``m``."""
    if heading is None:
        return m
    return maps.add_title_block(
        m, title, district=heading.district, as_of=heading.as_of, marking=heading.marking, lang=lang
    )


def map_png(html: Path, label: str, lang: Lang) -> Outputs:
    """Render a written map to ``<name>.png`` (:data:`PNG_SIZE`); without Chromium, a note says why and the fix."""
    try:
        png = export.export_png(html, html.with_suffix(".png"), width=PNG_SIZE[0], height=PNG_SIZE[1])
    except (ImportError, BrowserError) as exc:
        return Outputs(notes=(tr("pipeline.png_skipped", lang, reason=exc),))
    return Outputs(written=(Written(label, png),))


def district_map(district: io.District, *, lang: Lang = "zh", roads: bool = True) -> folium.Map:
    """Return a map fitted to the district, with its roads as the vector basemap when it has them."""
    layers = district.layers
    m = maps.base_map(tuple(layers["district"].total_bounds) if "district" in layers else None, lang=lang)
    if roads and "roads" in layers:
        maps.add_roads(layers["roads"], m, lang=lang)
    return m


def finish_map(m: folium.Map, *, lang: Lang = "zh") -> folium.Map:
    """Add the map controls and the grouped layer switcher, last (they list the layers drawn before)."""
    maps.add_map_controls(m, lang=lang)
    maps.add_layer_control(m, lang=lang)
    return m
