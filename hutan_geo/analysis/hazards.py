"""Hazards as the analysis takes them: the placed ones projected, the others listed with a reason.

Hazards without a location (``needs_geocoding``, or no geometry) are never
dropped silently: every result carries a ``skipped`` table listing them
with the reason.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import lang_index, tr
from hutan_geo.model.frames import check_frame, metric_frame

if TYPE_CHECKING:
    import geopandas as gpd
    import pyproj

__all__ = ["CLOSED_STATUSES", "OPEN_STATUSES", "SKIP_REASONS", "open_mask", "split_placed"]

log = logging.getLogger("hutan_geo")

#: Statuses counted as open (not yet rectified): 发现, 汇总, 交办. A missing status counts as open.
OPEN_STATUSES: tuple[str, ...] = ("found", "consolidated", "assigned")
#: Statuses counted as closed: 整改完成, 销号.
CLOSED_STATUSES: tuple[str, ...] = ("rectified", "closed")
#: Codes of the reasons a hazard is skipped (labels: ``an.skip.<code>`` in :data:`hutan_geo._i18n.LABELS`).
SKIP_REASONS: tuple[str, ...] = ("needs_geocoding", "no_geometry")

_SKIPPED_COLUMNS = ["hazard_id", "category", "description", "address", "reason_code", "reason"]


def _skipped_table(lost: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """One row per hazard without a location, with the reason code and its label."""
    geo = (
        lost["needs_geocoding"].fillna(False).astype(bool).to_numpy()
        if "needs_geocoding" in lost
        else np.zeros(len(lost), bool)
    )
    code = np.where(geo, "needs_geocoding", "no_geometry")
    return pd.DataFrame(
        {
            "hazard_id": lost["hazard_id"].to_numpy(),
            "category": lost["category"].to_numpy(),
            "description": lost["description"].to_numpy() if "description" in lost else None,
            "address": lost["address"].to_numpy() if "address" in lost else None,
            "reason_code": code,
            "reason": [tr(f"an.skip.{c}", lang) for c in code],
        }
    )


def split_placed(
    hazards: gpd.GeoDataFrame, crs: pyproj.CRS | None = None, *, lang: str = "zh"
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Split hazards into those with a location (projected to ``crs``) and those skipped.

    Returns
    -------
    placed
        Hazards with a point, in ``crs`` (metric), index reset.
    skipped
        ``hazard_id``, ``category``, ``description``, ``address``,
        ``reason_code`` (``needs_geocoding`` or ``no_geometry``) and
        ``reason``, one row per hazard left out.

    Examples
    --------
    >>> import geopandas as gpd
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1", "H2"], "category": ["traffic", "other"],
    ...     "needs_geocoding": [False, True]}, geometry=[shapely.Point(113.3, 27.6), None], crs=4326)
    >>> placed, skipped = split_placed(hz)
    >>> len(placed), skipped["reason_code"].tolist()
    (1, ['needs_geocoding'])
    """
    lang_index(lang)
    check_frame(hazards, "hazards", columns=["hazard_id", "category"], geometry="point")
    geoms = hazards.geometry.to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if ok.all():
        placed = hazards
        skipped = pd.DataFrame({c: pd.Series(dtype=object) for c in _SKIPPED_COLUMNS})
    else:
        placed = hazards[ok]
        skipped = _skipped_table(hazards[~ok], lang)
        log.info("%d of %d hazards have no location and are skipped (listed in .skipped)", (~ok).sum(), len(hazards))
    if crs is not None and placed.crs != crs:
        placed = metric_frame(placed, crs, name="hazards") if len(placed) else placed.set_crs(crs, allow_override=True)
    index = placed.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        placed = placed.reset_index(drop=True)
    return placed, skipped


def open_mask(hazards: pd.DataFrame) -> np.ndarray:
    """Return, per hazard, whether it is open: its ``status`` is not closed (no status column: all open).

    Examples
    --------
    >>> open_mask(pd.DataFrame({"status": ["found", "closed", None]})).tolist()
    [True, False, True]
    """
    status = hazards["status"] if "status" in hazards else pd.Series([None] * len(hazards))
    return ~status.isin(CLOSED_STATUSES).to_numpy()
