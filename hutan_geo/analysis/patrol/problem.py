"""The routing problem in plain numbers: matrices, depots, tasks and unit types.

:class:`PatrolProblem` is the one layer the solver sees. The district path
(:func:`~hutan_geo.analysis.patrol.build.build_problem`) fills it from
schools, gates, stations and the road network; any other source (the Solomon
benchmark, a matrix from elsewhere) fills it with :func:`problem_from_matrix`.
Everything downstream (model building, solving, the plan, its check, the
reasons for unserved tasks) works on this object only.

Times are integers in ``time_scale_s`` seconds (1 for a district: seconds
after midnight), distances integers (metres for a district).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from hutan_geo.errors import InputError

__all__ = ["UNREACHABLE", "PatrolProblem", "problem_from_matrix"]

#: Duration and distance standing for "no path" (large, but far from overflowing when summed).
UNREACHABLE = 10**9

_TASK_DEFAULTS: dict[str, Any] = {
    "kind": "client",
    "name": "",
    "ref": "",
    "window": "",
    "service": 0,
    "required": True,
    "prize": 0,
    "load": 0,
    "priority": 0.0,
    "gate_name": "",
}
_UNIT_DEFAULTS: dict[str, Any] = {"kind": "vehicle", "station": "", "capacity": 0, "profile": 0}


@dataclass(frozen=True)
class PatrolProblem:
    """A rich VRPTW: several depots, unit types with shifts, optional prize stops, per-unit profiles.

    Attributes
    ----------
    duration, distance
        Integer arrays of shape (profiles, locations, locations):
        ``duration[p, i, j]`` is the time from location ``i`` to ``j`` for a
        unit of profile ``p``; :data:`UNREACHABLE` where no path exists.
    locations
        One row per location: ``name``, ``kind``, ``lon``, ``lat`` (or any
        x/y for non-geographic problems).
    depots
        One row per depot: ``name``, ``loc``, ``tw_early``, ``tw_late``.
    tasks
        One row per task (a PyVRP client): ``task_id`` (unique), ``loc``,
        ``kind`` (``school``, ``cluster``, ``client``), ``name``, ``ref``
        (school or cluster id), ``window``, ``tw_early``, ``tw_late`` (bounds
        of the start of service), ``service``, ``required``, ``prize``,
        ``load``, ``priority``, ``gate_name``.
    units
        One row per unit type: ``unit_type`` (unique name), ``kind``,
        ``station``, ``start_depot``, ``end_depot`` (rows of ``depots``),
        ``num``, ``tw_early``, ``tw_late`` (the shift), ``capacity`` (0 =
        no capacity constraint), ``profile``.
    covered
        School tasks covered by guard posts (not routed).
    window
        The window name, or ``""``.
    profiles
        A name per profile (``"drive:am_peak"``, ``"walk"``).
    time_scale_s
        Seconds per time unit (1 for a district).
    network
        The road network (for route lines), or None.
    info
        Anything the builder wants to keep (the parameters, the stations).
    """

    duration: np.ndarray
    distance: np.ndarray
    locations: pd.DataFrame
    depots: pd.DataFrame
    tasks: pd.DataFrame
    units: pd.DataFrame
    covered: pd.DataFrame = field(default_factory=pd.DataFrame)
    window: str = ""
    profiles: tuple[str, ...] = ("base",)
    time_scale_s: float = 1.0
    network: Any = field(default=None, compare=False, repr=False)
    info: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Check shapes, indices and windows: every later step trusts them."""
        n_loc = len(self.locations)
        for name in ("duration", "distance"):
            arr = np.asarray(getattr(self, name))
            if arr.ndim == 2:
                arr = arr[None, :, :]
            if arr.ndim != 3 or arr.shape[1:] != (n_loc, n_loc) or arr.shape[0] != len(self.profiles):
                msg = (
                    f"{name} must have shape (profiles, locations, locations) = "
                    f"({len(self.profiles)}, {n_loc}, {n_loc}); got {np.shape(getattr(self, name))}"
                )
                raise InputError(msg)
            if not np.issubdtype(arr.dtype, np.integer):
                msg = f"{name} must hold integers (scale and round times and distances first); got {arr.dtype}"
                raise InputError(msg)
            if (arr < 0).any():
                msg = f"{name} has negative entries"
                raise InputError(msg)
            object.__setattr__(self, name, np.ascontiguousarray(arr, dtype=np.int64))
        self._check_rows()

    def _check_rows(self) -> None:
        tasks, units, depots = self.tasks, self.units, self.depots
        n_loc = len(self.locations)
        if len(depots) == 0 or not depots["loc"].between(0, n_loc - 1).all():
            msg = "depots: at least one depot, each at a location index in range"
            raise InputError(msg)
        if len(tasks) and not tasks["loc"].between(0, n_loc - 1).all():
            msg = "tasks: 'loc' must index a location"
            raise InputError(msg)
        if tasks["task_id"].duplicated().any():
            dup = tasks.loc[tasks["task_id"].duplicated(), "task_id"].tolist()[:5]
            msg = f"tasks: task_id must be unique; repeated: {dup}"
            raise InputError(msg)
        bad = tasks[(tasks["tw_early"] > tasks["tw_late"]) | (tasks["service"] < 0)]
        if len(bad):
            msg = f"tasks: window ends before it starts or negative service for {bad['task_id'].tolist()[:5]}"
            raise InputError(msg)
        if len(units) == 0 or int(units["num"].sum()) < 1:
            msg = "no units: give at least one unit type with num >= 1"
            raise InputError(msg)
        if (units["num"] < 1).any():
            msg = f"units: num must be >= 1 (drop unit types without units); got {units['num'].tolist()}"
            raise InputError(msg)
        for col in ("start_depot", "end_depot"):
            if not units[col].between(0, len(depots) - 1).all():
                msg = f"units: {col} must index a depot"
                raise InputError(msg)
        if not units["profile"].between(0, len(self.profiles) - 1).all():
            msg = "units: profile must index a profile"
            raise InputError(msg)
        if units["unit_type"].duplicated().any():
            msg = "units: unit_type names must be unique"
            raise InputError(msg)

    # -- derived views ----------------------------------------------------------------------------------------

    @property
    def vehicles(self) -> pd.DataFrame:
        """One row per vehicle.

        Columns: ``unit`` (``"<unit_type>-<k>"``), ``unit_type`` (row of
        :attr:`units`), ``station``, ``kind``.
        """
        rows = []
        for t, u in enumerate(self.units.itertuples(index=False)):
            for k in range(int(u.num)):
                name = u.unit_type if bool(getattr(u, "named", False)) else f"{u.unit_type}-{k + 1}"
                rows.append({"unit": name, "unit_type": t, "number": k, "station": u.station, "kind": u.kind})
        return pd.DataFrame(rows, columns=["unit", "unit_type", "number", "station", "kind"])

    def to_minutes(self, value: float | np.ndarray) -> Any:
        """Convert problem time units to minutes (after midnight for a district)."""
        return np.asarray(value, dtype=float) * self.time_scale_s / 60.0

    def with_units(self, units: pd.DataFrame) -> PatrolProblem:
        """Return a copy with other unit types (same matrices and tasks)."""
        return replace(self, units=units.reset_index(drop=True))

    def with_tasks(self, tasks: pd.DataFrame) -> PatrolProblem:
        """Return a copy with other tasks (same matrices and units)."""
        return replace(self, tasks=tasks.reset_index(drop=True))


def _frame(rows: pd.DataFrame, defaults: dict[str, Any], required: tuple[str, ...], what: str) -> pd.DataFrame:
    missing = [c for c in required if c not in rows.columns]
    if missing:
        msg = f"{what}: missing columns {missing}; expected {list(required)} and optionally {list(defaults)}"
        raise InputError(msg)
    out = pd.DataFrame(rows).reset_index(drop=True).copy()
    for col, value in defaults.items():
        if col not in out.columns:
            out[col] = value
    return out


def problem_from_matrix(
    duration: np.ndarray,
    distance: np.ndarray | None,
    tasks: pd.DataFrame,
    units: pd.DataFrame,
    depots: pd.DataFrame,
    *,
    locations: pd.DataFrame | None = None,
    profiles: tuple[str, ...] | None = None,
    time_scale_s: float = 1.0,
    window: str = "",
) -> PatrolProblem:
    """Build a :class:`PatrolProblem` from plain matrices and frames.

    Parameters
    ----------
    duration
        Integer travel times, shape (locations, locations) or (profiles,
        locations, locations).
    distance
        Integer distances of the same shape; None: the durations.
    tasks
        ``task_id``, ``loc``, ``tw_early``, ``tw_late`` and optionally the
        other task columns of :class:`PatrolProblem` (defaults: required, no
        prize, no service, no load).
    units
        ``unit_type``, ``start_depot``, ``end_depot``, ``num``, ``tw_early``,
        ``tw_late`` and optionally ``kind``, ``station``, ``capacity``,
        ``profile``.
    depots
        ``name``, ``loc``, ``tw_early``, ``tw_late``.
    locations
        ``name``, ``kind``, ``lon``, ``lat``; default: numbered, no coordinates.
    profiles
        Profile names; default one per matrix.
    time_scale_s
        Seconds per time unit.
    window
        A window name to carry.

    Returns
    -------
    PatrolProblem

    Examples
    --------
    >>> d = np.array([[0, 5, 7], [5, 0, 3], [7, 3, 0]])
    >>> p = problem_from_matrix(
    ...     d, None,
    ...     pd.DataFrame({"task_id": ["a", "b"], "loc": [1, 2], "tw_early": [0, 0], "tw_late": [20, 20]}),
    ...     pd.DataFrame({"unit_type": ["car"], "start_depot": [0], "end_depot": [0], "num": [1],
    ...                   "tw_early": [0], "tw_late": [100]}),
    ...     pd.DataFrame({"name": ["depot"], "loc": [0], "tw_early": [0], "tw_late": [100]}),
    ... )
    >>> p.duration.shape, p.vehicles["unit"].tolist()
    ((1, 3, 3), ['car-1'])
    """
    dur = np.asarray(duration)
    if dur.ndim == 2:
        dur = dur[None]
    dist = dur if distance is None else np.asarray(distance)
    if dist.ndim == 2:
        dist = dist[None]
    n = dur.shape[-1]
    if locations is None:
        locations = pd.DataFrame({"name": [str(i) for i in range(n)], "kind": "", "lon": np.nan, "lat": np.nan})
    t = _frame(tasks, _TASK_DEFAULTS, ("task_id", "loc", "tw_early", "tw_late"), "tasks")
    u = _frame(units, _UNIT_DEFAULTS, ("unit_type", "start_depot", "end_depot", "num", "tw_early", "tw_late"), "units")
    dp = _frame(depots, {}, ("name", "loc", "tw_early", "tw_late"), "depots")
    return PatrolProblem(
        duration=dur,
        distance=dist,
        locations=locations.reset_index(drop=True),
        depots=dp,
        tasks=t,
        units=u,
        window=window,
        profiles=profiles or tuple(f"p{i}" for i in range(dur.shape[0])),
        time_scale_s=time_scale_s,
    )
