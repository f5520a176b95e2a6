"""Coverage recomputed straight from the travel-time matrix, independent of any solver.

Every siting solve (:mod:`~hutan_geo.analysis.coverage.siting`) is checked
with :func:`check_siting`: the gates the chosen sites reach within the limit,
recomputed from the matrix, must match what the optimiser reports (the
covered weight equals its objective, every gate it counts covered is
covered, the number of sites is what was asked).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hutan_geo.errors import HutanError

__all__ = ["SitingCheck", "check_siting", "coverage_from_matrix"]


def coverage_from_matrix(cost_s: np.ndarray, chosen: np.ndarray | list[int], limit_s: float) -> np.ndarray:
    """Tell, per demand row (gate), whether one of the ``chosen`` columns (sites) reaches it within ``limit_s``.

    Parameters
    ----------
    cost_s
        Seconds, shape (gates, sites); ``inf`` where unreachable.
    chosen
        Column positions of the chosen sites.
    limit_s
        The time limit (a gate exactly at the limit is covered).

    Returns
    -------
    ndarray
        Booleans, one per gate.

    Examples
    --------
    >>> cost = np.array([[30.0, 200.0], [400.0, 90.0], [np.inf, 500.0]])
    >>> coverage_from_matrix(cost, [0], 180).tolist()
    [True, False, False]
    >>> coverage_from_matrix(cost, [0, 1], 180).tolist()
    [True, True, False]
    """
    cost = np.asarray(cost_s, dtype=float)
    idx = np.asarray(chosen, dtype=np.int64)
    if idx.size == 0:
        return np.zeros(cost.shape[0], dtype=bool)
    return (cost[:, idx] <= limit_s).any(axis=1)


@dataclass(frozen=True)
class SitingCheck:
    """The independent check of one solve.

    Attributes
    ----------
    ok
        No problem found.
    covered
        Gates covered, recomputed from the matrix.
    weight
        Weight covered, recomputed.
    problems
        What disagrees, in words.
    """

    ok: bool
    covered: np.ndarray = field(repr=False)
    weight: float
    problems: tuple[str, ...] = ()

    def raise_if_failed(self) -> SitingCheck:
        """Return self, or raise :class:`~hutan_geo.errors.HutanError` listing the problems."""
        if not self.ok:
            msg = "siting check failed: " + "; ".join(self.problems)
            raise HutanError(msg)
        return self


def check_siting(
    cost_s: np.ndarray,
    chosen: np.ndarray | list[int],
    limit_s: float,
    *,
    weights: np.ndarray | None = None,
    reported_covered: np.ndarray | None = None,
    reported_weight: float | None = None,
    n_sites: int | None = None,
    must_cover: np.ndarray | None = None,
) -> SitingCheck:
    """Recompute the coverage of ``chosen`` from the matrix and compare it with what a solver reported.

    Parameters
    ----------
    cost_s, chosen, limit_s
        As for :func:`coverage_from_matrix`.
    weights
        Demand weight per gate (default 1 each).
    reported_covered
        Gates the solver says are covered: each must be covered.
    reported_weight
        The solver's covered weight (its objective): must equal the recomputed one.
    n_sites
        The number of sites asked for.
    must_cover
        Gates that must all be covered (the set-cover constraint).

    Returns
    -------
    SitingCheck

    Examples
    --------
    >>> cost = np.array([[30.0, 200.0], [400.0, 90.0]])
    >>> check_siting(cost, [1], 180, reported_weight=1.0, n_sites=1).ok
    True
    >>> check_siting(cost, [1], 180, reported_weight=2.0).problems
    ('covered weight 1 recomputed from the matrix differs from the reported 2',)
    """
    cost = np.asarray(cost_s, dtype=float)
    w = np.ones(cost.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    covered = coverage_from_matrix(cost, chosen, limit_s)
    weight = float(w[covered].sum())
    problems = []
    idx = np.asarray(chosen, dtype=np.int64)
    if len(np.unique(idx)) != len(idx) or (idx.size and (idx.min() < 0 or idx.max() >= cost.shape[1])):
        problems.append(f"chosen sites {idx.tolist()} repeat or fall outside 0..{cost.shape[1] - 1}")
    if n_sites is not None and len(idx) != n_sites:
        problems.append(f"{len(idx)} sites chosen, {n_sites} asked for")
    if reported_weight is not None and not np.isclose(weight, reported_weight, rtol=1e-9, atol=1e-6):
        problems.append(
            f"covered weight {weight:g} recomputed from the matrix differs from the reported {reported_weight:g}"
        )
    if reported_covered is not None:
        false = np.flatnonzero(np.asarray(reported_covered, dtype=bool) & ~covered)
        if len(false):
            problems.append(f"gates {false[:5].tolist()} reported covered are not within the limit of a chosen site")
    if must_cover is not None:
        miss = np.flatnonzero(np.asarray(must_cover, dtype=bool) & ~covered)
        if len(miss):
            problems.append(f"gates {miss[:5].tolist()} must be covered and are not")
    return SitingCheck(ok=not problems, covered=covered, weight=weight, problems=tuple(problems))
