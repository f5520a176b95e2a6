"""Per-school risk scores from the hazards around each school, every component visible."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from hutan_geo.analysis.hazards import open_mask
from hutan_geo.analysis.proximity import hazards_within
from hutan_geo.analysis.sites import SchoolSites, as_sites, school_columns
from hutan_geo.errors import InputError
from hutan_geo.model.schema import CATEGORIES, SEVERITIES

if TYPE_CHECKING:
    from collections.abc import Mapping

    import geopandas as gpd

__all__ = ["RiskParams", "RiskScores", "risk_scores"]

_DEFAULT_CATEGORY_WEIGHTS = {
    "traffic": 1.0,
    "public_order": 0.8,
    "cultural_market": 0.8,
    "food_safety": 0.6,
    "other": 0.4,
}
_DEFAULT_SEVERITY_WEIGHTS = {"low": 1.0, "medium": 2.0, "high": 4.0}


@dataclass(frozen=True)
class RiskParams:
    """Weights of the per-school risk score (see :func:`risk_scores`).

    Parameters
    ----------
    radius_m
        Hazards within this straight-line distance of the campus boundary count.
    category_weights
        Weight per hazard category; categories not given keep the defaults
        (traffic 1.0, public_order 0.8, cultural_market 0.8, food_safety 0.6, other 0.4).
    severity_weights
        Weight per severity (defaults low 1, medium 2, high 4); a hazard
        without a severity counts as medium.
    closed_weight
        Weight of a closed hazard (整改完成/销号) relative to an open one (1).
    decay
        ``"linear"``: ``1 - d / radius_m``; ``"none"``: 1 within the radius.

    Examples
    --------
    >>> RiskParams(category_weights={"traffic": 2.0}).category_weights["traffic"]
    2.0
    >>> RiskParams(closed_weight=2)
    Traceback (most recent call last):
    ...
    hutan_geo.errors.InputError: closed_weight must be within [0, 1]; got 2
    """

    radius_m: float = 300.0
    category_weights: Mapping[str, float] = field(default_factory=lambda: dict(_DEFAULT_CATEGORY_WEIGHTS))
    severity_weights: Mapping[str, float] = field(default_factory=lambda: dict(_DEFAULT_SEVERITY_WEIGHTS))
    closed_weight: float = 0.1
    decay: Literal["linear", "none"] = "linear"

    def __post_init__(self) -> None:
        """Check every weight; fill categories and severities not given with the defaults."""
        if not isinstance(self.radius_m, (int, float)) or not math.isfinite(self.radius_m) or self.radius_m <= 0:
            msg = f"radius_m must be a distance in metres > 0; got {self.radius_m!r}"
            raise InputError(msg)
        for name, defaults, vocab in (
            ("category_weights", _DEFAULT_CATEGORY_WEIGHTS, CATEGORIES),
            ("severity_weights", _DEFAULT_SEVERITY_WEIGHTS, SEVERITIES),
        ):
            given = dict(getattr(self, name))
            unknown = set(given) - set(vocab.codes)
            if unknown:
                msg = f"{name} has unknown keys {sorted(unknown)}; expected some of {', '.join(vocab.codes)}"
                raise InputError(msg)
            bad = {k: v for k, v in given.items() if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0}
            if bad:
                msg = f"{name} must be numbers >= 0; got {bad}"
                raise InputError(msg)
            object.__setattr__(self, name, MappingProxyType({**defaults, **{k: float(v) for k, v in given.items()}}))
        if not isinstance(self.closed_weight, (int, float)) or not 0 <= self.closed_weight <= 1:
            msg = f"closed_weight must be within [0, 1]; got {self.closed_weight!r}"
            raise InputError(msg)
        if self.decay not in ("linear", "none"):
            msg = f"decay must be 'linear' or 'none'; got {self.decay!r}"
            raise InputError(msg)


@dataclass(frozen=True)
class RiskScores:
    """Per-school risk scores with every component visible.

    Attributes
    ----------
    schools
        One row per school: ``school_id``, ``name``, ``level``,
        ``township``, ``station``, ``campus_missing``, ``score``, ``rank``
        (1 = highest), ``n_hazards``, ``n_open``, ``score_<category>`` (the
        score's part from each category; they sum to ``score``).
    components
        One row per (hazard, school) within the radius: ``hazard_id``,
        ``school_id``, ``category``, ``severity``, ``status``, ``dist_m``,
        ``w_category``, ``w_severity``, ``w_decay``, ``w_status``,
        ``contribution`` (their product).
    skipped
        Hazards without a location.
    params
        The weights used.
    """

    schools: pd.DataFrame
    components: pd.DataFrame
    skipped: pd.DataFrame
    params: RiskParams


def risk_scores(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    params: RiskParams | None = None,
) -> RiskScores:
    r"""Score each school by the hazards around it.

    .. math::

        \text{score}(s) = \sum_{h:\, d(h,s) \le R} w_c(h)\, w_s(h)\, \delta(d(h,s))\, w_o(h)

    where :math:`d` is the straight-line distance from the campus boundary
    (0 inside; from the gates without a campus polygon), :math:`R` is
    ``params.radius_m``, :math:`w_c` the category weight, :math:`w_s` the
    severity weight, :math:`\delta(d) = 1 - d/R` (``decay="linear"``) or 1,
    and :math:`w_o` is 1 for an open hazard and ``params.closed_weight``
    for a closed one. A hazard near two schools counts for both.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import shapely
    >>> schools = gpd.GeoDataFrame({"school_id": ["S1"], "name": ["一小"], "level": ["primary"]},
    ...     geometry=[shapely.Point(500000, 3000000)], crs=32649)
    >>> hz = gpd.GeoDataFrame({"hazard_id": ["H1"], "category": ["traffic"], "severity": ["high"],
    ...     "status": ["found"]}, geometry=[shapely.Point(500000, 3000150)], crs=32649)
    >>> float(risk_scores(hz, schools).schools.loc[0, "score"])  # 1.0 * 4 * (1 - 150/300) * 1
    2.0
    """
    params = RiskParams() if params is None else params
    if not isinstance(params, RiskParams):
        msg = f"params must be a RiskParams; got {type(params).__name__}"
        raise InputError(msg)
    sites = as_sites(sites)
    found = hazards_within(hazards, sites, params.radius_m)
    hz = found.hazards
    hi, si, d = found.hazard_index, found.school_index, found.pairs["dist_m"].to_numpy()
    cat = hz["category"].to_numpy()[hi]
    sev = hz["severity"].to_numpy()[hi] if "severity" in hz else np.full(len(hi), None)
    status = hz["status"] if "status" in hz else pd.Series([None] * len(hz))
    opened = open_mask(hz)[hi]
    w_cat = pd.Series(cat).map(params.category_weights).fillna(0.0).to_numpy(float)
    w_sev = pd.Series(sev).map(params.severity_weights).fillna(params.severity_weights["medium"]).to_numpy(float)
    w_decay = np.clip(1.0 - d / params.radius_m, 0.0, 1.0) if params.decay == "linear" else np.ones(len(d))
    w_status = np.where(opened, 1.0, params.closed_weight)
    contribution = w_cat * w_sev * w_decay * w_status
    components = pd.DataFrame(
        {
            "hazard_id": found.pairs["hazard_id"].to_numpy(),
            "school_id": found.pairs["school_id"].to_numpy(),
            "category": cat,
            "severity": sev,
            "status": status.to_numpy()[hi],
            "dist_m": d,
            "w_category": w_cat,
            "w_severity": w_sev,
            "w_decay": w_decay,
            "w_status": w_status,
            "contribution": contribution,
        }
    )
    n = len(sites.schools)
    table = pd.DataFrame(school_columns(sites.schools))
    table["score"] = np.bincount(si, weights=contribution, minlength=n)
    table["rank"] = table["score"].rank(method="min", ascending=False).astype(int)
    table["n_hazards"] = np.bincount(si, minlength=n)
    table["n_open"] = np.bincount(si[opened], minlength=n)
    for code in CATEGORIES.codes:
        m = cat == code
        table[f"score_{code}"] = np.bincount(si[m], weights=contribution[m], minlength=n)
    return RiskScores(table, components, found.skipped, params)
