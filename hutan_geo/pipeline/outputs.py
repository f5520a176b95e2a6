"""What a pipeline step produces: the files it wrote (:class:`Written`), tables to write, report lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from hutan_geo import io

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

__all__ = ["Outputs", "Table", "Written", "write_table_files"]


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
