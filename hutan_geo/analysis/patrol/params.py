"""Settings of the patrol planner: windows, shifts, the dwell rule, prizes.

Every default is a rule a planner can read and change:

- **dwell** (minutes a unit stays at the gate) by enrolment:
  under 300 students 5 min, 300-999 8 min, 1000-1999 10 min, 2000 and more
  15 min (:attr:`PatrolParams.dwell_rule`); per school overrides with
  ``dwell={"SCH0001": 20}``.
- **presence inside the window**: the unit arrives no earlier than the
  window start (it waits if early) and stays its whole dwell inside the
  window, so service starts at the latest at ``window end - dwell``
  (``dwell_inside_window=False`` only asks it to arrive by the window end).
- **priority and prize**: a school task is optional for the solver, with a
  prize of ``school_prize × (1 + priority)`` metres of driving (priority in
  0..1, by default the school's risk score over the highest one): the solver
  serves every school it can (one school is worth far more than any detour)
  and, when units are short, a high-risk school counts up to two low-risk
  ones. A school left out is then explained exactly (see ``Plan.unserved``).
- **hazard clusters** are optional stops with a prize of
  ``cluster_prize_m × weight`` metres (weight in 0..1 from the open hazards
  of the cluster): a unit passes one when the detour is shorter than that.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from hutan_geo.errors import InputError

__all__ = ["DEFAULT_PROFILES", "DEFAULT_SHIFTS", "WINDOWS", "PatrolParams"]

#: The three peak windows of a school day, in order.
WINDOWS: tuple[str, ...] = ("arrival", "noon", "dismissal")
#: Road-network profile used for each window's travel times.
DEFAULT_PROFILES: Mapping[str, str] = MappingProxyType({"arrival": "am_peak", "noon": "noon", "dismissal": "pm_peak"})
#: Shift of every unit in each window (minutes after midnight): 06:30-09:00, 11:00-12:45, 15:30-18:30.
DEFAULT_SHIFTS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"arrival": (390, 540), "noon": (660, 765), "dismissal": (930, 1110)}
)


def _number(value: object, name: str, *, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < low:
        msg = f"{name} must be a number >= {low:g}; got {value!r}"
        raise InputError(msg)
    return float(value)


@dataclass(frozen=True)
class PatrolParams:
    """Rules of the patrol plan; each checks itself.

    Parameters
    ----------
    dwell_rule
        ``(minimum enrolment, dwell minutes)`` steps, increasing; a school
        stays the dwell of the last step its enrolment reaches.
    shifts
        Window -> ``(start, end)`` of every unit's shift, minutes after
        midnight; windows not given keep :data:`DEFAULT_SHIFTS`.
    profiles
        Window -> network profile of the travel times.
    dwell_inside_window
        True: the whole dwell lies inside the window; False: the unit only
        has to arrive by the window end.
    school_prize
        Prize of a school of priority 0, in metres of driving.
    cluster_prize_m
        Prize of a hazard cluster of weight 1, in metres of driving.
    cluster_dwell_min
        Minutes a unit stays at a hazard cluster.
    max_snap_m
        Stations and gates farther than this from a road are refused.

    Examples
    --------
    >>> PatrolParams().dwell_for(1500)
    10.0
    >>> PatrolParams(dwell_rule=((100, 5),))
    Traceback (most recent call last):
    ...
    hutan_geo.errors.InputError: dwell_rule must start at enrolment 0 with increasing enrolments; ...
    """

    dwell_rule: tuple[tuple[int, float], ...] = ((0, 5.0), (300, 8.0), (1000, 10.0), (2000, 15.0))
    shifts: Mapping[str, tuple[int, int]] = field(default_factory=lambda: dict(DEFAULT_SHIFTS))
    profiles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PROFILES))
    dwell_inside_window: bool = True
    school_prize: int = 10_000_000
    cluster_prize_m: int = 3_000
    cluster_dwell_min: float = 2.0
    max_snap_m: float = 150.0

    def __post_init__(self) -> None:
        """Check every rule and fill windows not given with the defaults."""
        rule = tuple((int(a), _number(b, "dwell_rule minutes")) for a, b in self.dwell_rule)
        starts = [a for a, _ in rule]
        if not rule or starts[0] != 0 or any(b <= a for a, b in itertools.pairwise(starts)):
            msg = (
                f"dwell_rule must start at enrolment 0 with increasing enrolments; got {self.dwell_rule!r} "
                "(e.g. ((0, 5), (300, 8), (1000, 10)))"
            )
            raise InputError(msg)
        object.__setattr__(self, "dwell_rule", rule)
        shifts = {**DEFAULT_SHIFTS}
        for window, (start, end) in dict(self.shifts).items():
            if window not in WINDOWS:
                msg = f"shifts: unknown window {window!r}; expected one of {', '.join(WINDOWS)}"
                raise InputError(msg)
            if not 0 <= start < end <= 48 * 60:
                msg = (
                    f"shifts[{window!r}] must be (start, end) minutes after midnight with start < end; "
                    f"got {(start, end)}"
                )
                raise InputError(msg)
            shifts[window] = (int(start), int(end))
        object.__setattr__(self, "shifts", MappingProxyType(shifts))
        profiles = {**DEFAULT_PROFILES, **dict(self.profiles)}
        object.__setattr__(self, "profiles", MappingProxyType(profiles))
        for name in ("school_prize", "cluster_prize_m"):
            object.__setattr__(self, name, int(_number(getattr(self, name), name)))
        _number(self.cluster_dwell_min, "cluster_dwell_min")
        _number(self.max_snap_m, "max_snap_m", low=1e-9)

    def dwell_for(self, enrolment: float) -> float:
        """Return the dwell minutes the rule gives a school of ``enrolment`` students."""
        minutes = self.dwell_rule[0][1]
        for start, dwell in self.dwell_rule:
            if enrolment >= start:
                minutes = dwell
        return float(minutes)
