"""The schools of a whole province, and the ones near a group of hazards, in the county's metric CRS.

A province join never measures in degrees: each partition of hazard records
(one county, or part of one) is measured in the metric CRS the single-machine
analysis would choose for that county's schools (:func:`county_crs`), against
the schools of that county *and* of any neighbouring county whose school lies
close enough to matter (:meth:`ProvinceSites.near`), so pairs across a county
border are found too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from hutan_geo import analysis
from hutan_geo.errors import InputError
from hutan_geo.model.crs import local_metric_crs

if TYPE_CHECKING:
    import numpy as np
    import pyproj

__all__ = ["SITE_LAYERS", "ProvinceSites", "county_crs", "read_layer"]

#: The province-wide site layers (GeoParquet files at the dataset root).
SITE_LAYERS = ("schools", "campuses", "gates")

_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


def read_layer(root: str | Path, name: str, columns: list[str] | None = None) -> gpd.GeoDataFrame:
    """Read the province layer ``name`` (``schools.parquet`` …) with a clear error when it is missing."""
    path = Path(root) / f"{name}.parquet"
    if not path.is_file():
        msg = f"{path}: the province dataset has no {name} layer; generate it with `hutan-geo province-data`"
        raise InputError(msg)
    return gpd.read_parquet(path, columns=columns)


def county_crs(schools: gpd.GeoDataFrame) -> pyproj.CRS:
    """Return the metric CRS the single-machine analysis picks for these schools (their local UTM zone)."""
    return local_metric_crs(schools)


@dataclass(frozen=True)
class ProvinceSites:
    """Schools, campus polygons and gates of every county, in WGS84, with each school's extent.

    Attributes
    ----------
    schools, campuses, gates
        The province layers (``county_id`` first), EPSG:4326.
    extent
        Per school (same order as ``schools``): ``school_id``, ``county_id`` and
        the WGS84 bounds of its point, campus and gates together
        (``minx``, ``miny``, ``maxx``, ``maxy``).
    """

    schools: gpd.GeoDataFrame
    campuses: gpd.GeoDataFrame
    gates: gpd.GeoDataFrame
    extent: pd.DataFrame

    @classmethod
    def read(cls, root: str | Path) -> ProvinceSites:
        """Read the site layers of a province dataset."""
        schools, campuses, gates = (read_layer(root, name) for name in SITE_LAYERS)
        return cls.from_frames(schools, campuses, gates)

    @classmethod
    def from_frames(
        cls, schools: gpd.GeoDataFrame, campuses: gpd.GeoDataFrame, gates: gpd.GeoDataFrame
    ) -> ProvinceSites:
        """Build from the three layers (any order of rows); computes each school's extent."""
        for name, frame in (("schools", schools), ("campuses", campuses), ("gates", gates)):
            missing = [c for c in ("county_id", "school_id") if c not in frame.columns]
            if missing:
                msg = f"province {name} layer lacks columns {missing}; regenerate the dataset"
                raise InputError(msg)
        bounds = [
            pd.DataFrame(f.geometry.bounds.to_numpy(), columns=["minx", "miny", "maxx", "maxy"]).assign(
                school_id=f["school_id"].to_numpy()
            )
            for f in (schools, campuses, gates)
            if len(f)
        ]
        both = pd.concat(bounds, ignore_index=True).dropna()
        ext = both.groupby("school_id", sort=False).agg(
            minx=("minx", "min"), miny=("miny", "min"), maxx=("maxx", "max"), maxy=("maxy", "max")
        )
        extent = ext.reindex(schools["school_id"].to_numpy()).reset_index()
        extent.insert(1, "county_id", schools["county_id"].to_numpy())
        return cls(schools, campuses, gates, extent)

    def county(self, county_id: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """Return the schools, campuses and gates of one county."""
        return tuple(f[f["county_id"] == county_id].drop(columns="county_id") for f in self.layers())  # type: ignore[return-value]

    def layers(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """Return the three layers, schools first."""
        return self.schools, self.campuses, self.gates

    def near(self, bounds: tuple[float, float, float, float], margin_m: float) -> np.ndarray:
        """Return a mask of the schools whose extent lies within ``margin_m`` of the WGS84 ``bounds``.

        The margin is turned into degrees generously (at the bounds' most
        poleward latitude, times 1.5), so no school within ``margin_m`` metres
        is missed; the join then measures exactly in metres.
        """
        minx, miny, maxx, maxy = bounds
        lat = max(abs(miny), abs(maxy))
        dlat = 1.5 * margin_m / _M_PER_DEG_LAT
        dlon = 1.5 * margin_m / (_M_PER_DEG_LON_EQUATOR * max(math.cos(math.radians(min(lat + dlat, 89.0))), 0.01))
        e = self.extent
        return (
            (e["maxx"].to_numpy() >= minx - dlon)
            & (e["minx"].to_numpy() <= maxx + dlon)
            & (e["maxy"].to_numpy() >= miny - dlat)
            & (e["miny"].to_numpy() <= maxy + dlat)
        )

    def prepare(self, mask: np.ndarray, crs: pyproj.CRS) -> analysis.SchoolSites | None:
        """Prepare the masked schools (with their campuses and gates) in ``crs``; None when no school is left."""
        if not mask.any():
            return None
        schools = self.schools[mask].drop(columns="county_id")
        ids = set(schools["school_id"])
        campuses = self.campuses[self.campuses["school_id"].isin(ids)].drop(columns="county_id")
        gates = self.gates[self.gates["school_id"].isin(ids)].drop(columns="county_id")
        return analysis.prepare_sites(schools, campuses, gates, metric_crs=crs)
