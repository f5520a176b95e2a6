"""Network settings: road-class speeds, congestion factors, walking and snapping; checked once.

Default speeds (km/h) and congestion factors (speed multipliers per profile),
from :mod:`hutan_geo.model.roads`:

==================  =====  ====  =======  ====  =======
road class          speed  free  am_peak  noon  pm_peak
==================  =====  ====  =======  ====  =======
national_highway    60     1     0.65     0.80  0.60
provincial_highway  60     1     0.65     0.80  0.60
arterial            50     1     0.55     0.75  0.50
collector           40     1     0.60     0.80  0.55
local               30     1     0.70     0.85  0.65
county_road         60     1     0.80     0.90  0.75
village_road        30     1     0.90     0.95  0.85
==================  =====  ====  =======  ====  =======

The speed applies only where a road has no speed of its own (``speed_kph``
column, OSM ``maxspeed``); the factors always apply. Override either per road
class with :class:`NetworkParams`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from hutan_geo.errors import InputError
from hutan_geo.model.roads import DEFAULT_CONGESTION, DEFAULT_SPEED_KPH, PROFILES, WALK_SPEED_MPS
from hutan_geo.model.schema import ROAD_CLASSES
from hutan_geo.network import _core as core

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["NetworkParams"]


def _class_key(value: str, what: str) -> str:
    """Return the road-class code of ``value`` (code, Chinese name or OSM highway value); refuse others."""
    code = core.road_class_of(value)
    if code is None:
        msg = (
            f"{what}: unknown road class {value!r}; expected one of {', '.join(ROAD_CLASSES.codes)} "
            "(Chinese names such as 主干路 and OSM highway values such as primary are accepted)"
        )
        raise InputError(msg)
    return code


def _positive(value: object, what: str, *, upper: float | None = None) -> float:
    """Return ``value`` as a float above 0 (and at most ``upper``); refuse anything else, naming ``what``."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        out = math.nan
    if not math.isfinite(out) or out <= 0 or (upper is not None and out > upper):
        bound = f" and at most {upper:g}" if upper is not None else ""
        msg = f"{what} must be a number above 0{bound}; got {value!r}"
        raise InputError(msg)
    return out


@dataclass(frozen=True)
class NetworkParams:
    """Speeds, congestion factors, walking and snapping settings; checks itself.

    Parameters
    ----------
    speed_kph
        Speed by road class for roads without a speed of their own; a partial
        mapping overrides :data:`DEFAULT_SPEED_KPH` for the classes given.
        Keys may be class codes, Chinese names (``主干路``) or OSM highway values.
    congestion
        ``{profile: {road class: factor}}``; factors multiply the speed, in
        (0, 1]. Partial mappings override :data:`DEFAULT_CONGESTION`.
        ``free`` is always 1.
    walk_speed_mps
        Walking speed in m/s (default 1.2).
    walk_excluded
        Road classes closed to pedestrians (default: national highways, which
        include OSM motorways and trunks).
    max_snap_m
        Points farther than this from every road are flagged, not snapped.
    default_class
        Class given to roads whose class is missing or unknown (counted).

    Examples
    --------
    >>> p = NetworkParams(congestion={"am_peak": {"主干路": 0.5}}, max_snap_m=100)
    >>> p.congestion["am_peak"]["arterial"], p.congestion["am_peak"]["local"], p.speed_kph["collector"]
    (0.5, 0.7, 40.0)
    >>> NetworkParams(congestion={"am_peak": {"arterial": 1.5}})
    Traceback (most recent call last):
    ...
    hutan_geo.errors.InputError: congestion['am_peak']['arterial'] must be in (0, 1] (a speed multiplier); got 1.5
    """

    speed_kph: Mapping[str, float] = field(default_factory=dict)
    congestion: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    walk_speed_mps: float = WALK_SPEED_MPS
    walk_excluded: tuple[str, ...] = ("national_highway",)
    max_snap_m: float = 150.0
    default_class: str = "local"

    def __post_init__(self) -> None:
        """Merge partial mappings over the defaults and check every value."""
        speeds = dict(DEFAULT_SPEED_KPH)
        for key, value in dict(self.speed_kph).items():
            speeds[_class_key(key, "speed_kph")] = _positive(value, f"speed_kph[{key!r}]", upper=200)
        congestion = _merged_congestion(self.congestion)
        object.__setattr__(self, "speed_kph", MappingProxyType(speeds))
        object.__setattr__(
            self, "congestion", MappingProxyType({p: MappingProxyType(c) for p, c in congestion.items()})
        )
        object.__setattr__(self, "walk_speed_mps", _positive(self.walk_speed_mps, "walk_speed_mps", upper=3.0))
        object.__setattr__(self, "max_snap_m", _positive(self.max_snap_m, "max_snap_m"))
        if isinstance(self.walk_excluded, str):
            msg = f"walk_excluded must be a tuple of road classes; got the string {self.walk_excluded!r}"
            raise InputError(msg)
        object.__setattr__(self, "walk_excluded", tuple(_class_key(c, "walk_excluded") for c in self.walk_excluded))
        object.__setattr__(self, "default_class", _class_key(self.default_class, "default_class"))


def _merged_congestion(overrides: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Congestion factors per profile and road class: the defaults with ``overrides`` checked and applied."""
    congestion = {p: dict(DEFAULT_CONGESTION[p]) for p in PROFILES}
    for profile, factors in dict(overrides).items():
        if profile not in PROFILES or profile == "free":
            msg = f"congestion: unknown profile {profile!r}; expected one of {', '.join(PROFILES[1:])}"
            raise InputError(msg)
        for key, value in dict(factors).items():
            code = _class_key(key, f"congestion[{profile!r}]")
            try:
                factor = float(value)
            except (TypeError, ValueError):
                factor = math.nan
            if not (0 < factor <= 1):
                msg = f"congestion[{profile!r}][{key!r}] must be in (0, 1] (a speed multiplier); got {value!r}"
                raise InputError(msg)
            congestion[profile][code] = factor
    return congestion
