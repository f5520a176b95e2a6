"""A whole district's data, loaded and cross-checked in one call.

A district folder follows one layout (the demo district's)::

    boundaries/district.geojson   boundaries/townships.geojson   boundaries/precincts.geojson
    schools/schools.csv           schools/campuses.geojson       schools/gates.csv
    schools/security.csv (optional: the school security profiles)
    hazards/hazards.csv           police/stations.csv            police/guard_posts.csv
    roads/roads.geojson           places/places.csv
    places/residences.csv, transport/bus_stops.csv (optional: where students live, bus stops)

:func:`load_district` loads every file present through the validating
loaders, then checks references between them (a gate, campus or guard post
naming a school that is not in the school list goes to the review table;
so does a security profile).
:func:`hutan_geo.demo.load_demo` does this for the bundled fictional demo district.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo._i18n import tr
from hutan_geo.errors import InputError
from hutan_geo.io.readers import load
from hutan_geo.model import crs as hcrs

if TYPE_CHECKING:
    import geopandas as gpd
    import pyproj

    from hutan_geo.io.validate import LoadResult

__all__ = ["LAYOUT", "District", "load_district"]

log = logging.getLogger("hutan_geo")

#: name -> (path inside the district folder, dataset kind, required)
LAYOUT: dict[str, tuple[str, str, bool]] = {
    "district": ("boundaries/district.geojson", "boundaries", False),
    "townships": ("boundaries/townships.geojson", "boundaries", False),
    "precincts": ("boundaries/precincts.geojson", "boundaries", False),
    "schools": ("schools/schools.csv", "schools", True),
    "campuses": ("schools/campuses.geojson", "campuses", False),
    "gates": ("schools/gates.csv", "gates", False),
    "security": ("schools/security.csv", "security", False),
    "hazards": ("hazards/hazards.csv", "hazards", True),
    "stations": ("police/stations.csv", "stations", False),
    "guard_posts": ("police/guard_posts.csv", "guard_posts", False),
    "roads": ("roads/roads.geojson", "roads", False),
    "places": ("places/places.csv", "places", False),
    "residences": ("places/residences.csv", "residences", False),
    "bus_stops": ("transport/bus_stops.csv", "bus_stops", False),
}

# which school-id references to check: dataset -> column
_SCHOOL_REFS = {
    "campuses": "school_id",
    "gates": "school_id",
    "guard_posts": "school_id",
    "security": "school_id",
    "residences": "school_id",
}


@dataclass
class District:
    """Every validated layer of a district, in EPSG:4326.

    Attributes
    ----------
    layers
        Dataset name (see :data:`LAYOUT`) -> valid rows.
    results
        Dataset name -> the loader's :class:`~hutan_geo.io.validate.LoadResult`.
    reference_rejects
        Rows that were valid on their own but name an unknown school.
    folder_name
        The district folder's name (not its full path).
    """

    layers: dict[str, gpd.GeoDataFrame]
    results: dict[str, LoadResult]
    reference_rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    folder_name: str = ""

    def __getattr__(self, name: str) -> gpd.GeoDataFrame:
        """Give each layer as an attribute: ``district.schools``, ``district.hazards``, ..."""
        layers = self.__dict__.get("layers", {})
        if name in layers:
            return layers[name]
        if name in LAYOUT:
            msg = f"the district has no {name!r} layer (file {LAYOUT[name][0]} was not found)"
            raise AttributeError(msg)
        msg = f"{type(self).__name__!r} object has no attribute {name!r}"
        raise AttributeError(msg)

    @property
    def metric_crs(self) -> pyproj.CRS:
        """The local metric CRS for distances in this district."""
        base = self.layers.get("district")
        if base is None or base.empty:
            base = self.layers["schools"]
        return hcrs.local_metric_crs(base)

    def review_table(self, lang: str = "zh") -> pd.DataFrame:
        """All rejected rows of all files, with the dataset named, for planners to fix."""
        frames = []
        for name, result in self.results.items():
            if len(result.rejected):
                part = result.rejected.copy()
                part.insert(0, "dataset", tr(f"io.dataset.{name}", lang))
                frames.append(part)
        if len(self.reference_rejects):
            frames.append(self.reference_rejects)
        if not frames:
            return pd.DataFrame(columns=["dataset", "source_file", "source_row", "columns", "reason_codes", "reason"])
        return pd.concat(frames, ignore_index=True)

    def summary(self, lang: str = "zh") -> str:
        """One line per file: rows read, valid, to review."""
        lines = [result.summary(lang) for result in self.results.values()]
        if len(self.reference_rejects):
            lines.append(tr("io.ref.summary", lang, n=len(self.reference_rejects)))
        return "\n".join(lines)


def _reference_check(layers: dict[str, gpd.GeoDataFrame], results: dict[str, LoadResult], lang: str) -> pd.DataFrame:
    schools = layers.get("schools")
    if schools is None:
        return pd.DataFrame()
    known = set(schools["school_id"].dropna())
    rejected = []
    for name, column in _SCHOOL_REFS.items():
        layer = layers.get(name)
        if layer is None or column not in layer:
            continue
        orphan = layer[column].notna() & ~layer[column].isin(known)
        if not orphan.any():
            continue
        label = tr("io.ref.school_id", lang)
        for _, row in layer[orphan].iterrows():
            reason = tr("io.ref.unknown_school", lang, label=label, value=row[column])
            rejected.append(
                {
                    "dataset": tr(f"io.dataset.{name}", lang),
                    "source_file": results[name].source,
                    "source_row": int(row["source_row"]),
                    "columns": label,
                    "reason_codes": "unknown_reference",
                    "reason": reason,
                }
            )
        layers[name] = layer[~orphan].reset_index(drop=True)
    return pd.DataFrame(rejected)


def load_district(
    folder: str | Path,
    *,
    datum: str = "wgs84",
    allow_swap: bool = False,
    lang: str = "zh",
    options: dict[str, dict[str, Any]] | None = None,
) -> District:
    """Load every file of a district folder laid out as :data:`LAYOUT`.

    Parameters
    ----------
    folder
        The district folder.
    datum
        Datum of coordinates in the tables (a ``坐标系`` column overrides it).
    allow_swap
        Swap evidently swapped 经度/纬度 back instead of rejecting the rows.
    lang
        Language of reasons and notes.
    options
        Per-dataset loader options overriding the above, e.g.
        ``{"hazards": {"datum": "gcj02"}}``.

    Raises
    ------
    InputError
        The folder is missing, or lacks the school or hazard list.
    """
    root = Path(folder)
    if not root.is_dir():
        msg = f"district folder {root.name!r} does not exist; create it with the layout in hutan_geo.io.district.LAYOUT"
        raise InputError(msg)
    options = options or {}
    unknown = set(options) - set(LAYOUT)
    if unknown:
        msg = f"options for unknown datasets {sorted(unknown)}; expected some of {', '.join(LAYOUT)}"
        raise InputError(msg)
    layers: dict[str, gpd.GeoDataFrame] = {}
    results: dict[str, LoadResult] = {}
    for name, (relative, kind, required) in LAYOUT.items():
        path = root / relative
        if not path.exists():
            if required:
                msg = f"district folder {root.name!r} has no {relative}; the {kind} list is required"
                raise InputError(msg)
            log.info("no %s in %s", relative, root.name)
            continue
        kwargs: dict[str, Any] = {"datum": datum, "allow_swap": allow_swap, "lang": lang}
        kwargs.update(options.get(name, {}))
        result = load(path, kind, **kwargs)
        results[name] = result
        layers[name] = result.valid
    reference_rejects = _reference_check(layers, results, lang)
    return District(layers=layers, results=results, reference_rejects=reference_rejects, folder_name=root.name)
