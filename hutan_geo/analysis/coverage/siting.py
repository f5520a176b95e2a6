"""Guard-post siting with spopt on the network travel-time matrix: LSCP, MCLP, current posts, marginal gains.

Candidate sites (:func:`candidate_sites`) are the road junctions within
``within_m`` metres of a gate (straight line, a pre-filter only), the current
guard posts and the user's own candidates. The cost of a site for a gate is
the network travel time from the site to the gate in the window's profile
(:func:`siting_matrix`), never a distance in degrees. :func:`site_guard_posts`
then answers the meeting's questions:

- LSCP: the fewest posts that put every gate within ``limit_min`` minutes;
- MCLP: the best ``p`` posts, weighted by enrolment (or risk, or equally);
- the current posts against the optimum with as many posts;
- the marginal gain of each post added to the current ones (a curve).

Each solve goes through spopt's ``from_cost_matrix`` (PuLP, HiGHS by default,
CBC on request) and is checked against the matrix
(:func:`~hutan_geo.analysis.coverage.check.check_siting`). Bad input (no
candidates, gates nobody can reach, a limit so small nothing is covered, more
posts than candidates) raises :class:`~hutan_geo.errors.InputError` naming the
argument and the fix, never a solver traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis.coverage.check import check_siting
from hutan_geo.errors import InputError
from hutan_geo.model.frames import check_frame

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from hutan_geo.network import RoadNetwork

__all__ = [
    "SiteSolution",
    "Siting",
    "candidate_sites",
    "gain_curve",
    "site_guard_posts",
    "siting_matrix",
    "solve_lscp",
    "solve_mclp",
]

log = logging.getLogger("hutan_geo")

Solver = Literal["highs", "cbc"]


def _pulp_solver(name: str) -> Any:
    """Return a quiet PuLP solver: HiGHS (through highspy) or CBC."""
    import pulp

    if name == "highs":
        solver = pulp.HiGHS(msg=False)
        if solver.available():
            return solver
        log.warning("HiGHS (highspy) is not available; solving with CBC")
        return pulp.PULP_CBC_CMD(msg=False)
    if name == "cbc":
        return pulp.PULP_CBC_CMD(msg=False)
    msg = f"solver must be 'highs' or 'cbc'; got {name!r}"
    raise InputError(msg)


@dataclass(frozen=True, eq=False)
class SiteSolution:
    """One solve: the chosen sites and what they cover.

    Attributes
    ----------
    model
        ``"lscp"``, ``"mclp"`` or ``"given"`` (sites not optimised: the current posts).
    limit_s
        The time limit in seconds.
    chosen
        Column positions (sites) chosen, increasing.
    covered
        Per gate, reached within the limit by a chosen site (from the matrix).
    weight
        Weight covered; ``total_weight`` the weight of every gate.
    solver, seconds
        Solver used and time taken (build and solve).
    """

    model: str
    limit_s: float
    chosen: tuple[int, ...]
    covered: np.ndarray = field(repr=False)
    weight: float
    total_weight: float
    solver: str = ""
    seconds: float = 0.0

    @property
    def n_sites(self) -> int:
        """Number of sites chosen."""
        return len(self.chosen)

    @property
    def share(self) -> float:
        """Weight covered over the total weight (NaN without weight)."""
        return self.weight / self.total_weight if self.total_weight > 0 else float("nan")


def _check_limit(limit_s: float, cost: np.ndarray) -> None:
    """Refuse a non-positive limit, and one so small that no site reaches any gate."""
    if not np.isfinite(limit_s) or limit_s <= 0:
        msg = f"limit_min must be a number of minutes > 0; got {limit_s / 60:g}"
        raise InputError(msg)
    if cost.size == 0 or not (cost <= limit_s).any():
        best = float(np.min(cost)) if cost.size else np.inf
        hint = (
            f"the fastest site reaches a gate in {best / 60:.2f} min"
            if np.isfinite(best)
            else "no site reaches any gate"
        )
        msg = f"limit_min={limit_s / 60:g}: no candidate site reaches any gate within it ({hint}); raise limit_min"
        raise InputError(msg)


def _cost(cost_s: Any) -> np.ndarray:
    cost = np.asarray(cost_s, dtype=float)
    if cost.ndim != 2 or cost.shape[1] == 0:
        msg = (
            "candidates: no candidate sites; give candidate points (extra=), the current posts (posts=), "
            "or raise within_m so road junctions near the gates count"
        )
        raise InputError(msg)
    if cost.shape[0] == 0:
        msg = "gates: no gates to cover; give the gates list (school_id, gate points)"
        raise InputError(msg)
    return np.where(np.isnan(cost), np.inf, cost)


def _solution(
    model: str, cost: np.ndarray, chosen: list[int], limit_s: float, w: np.ndarray, **kw: Any
) -> SiteSolution:
    covered = (cost[:, chosen] <= limit_s).any(axis=1) if chosen else np.zeros(cost.shape[0], dtype=bool)
    return SiteSolution(model, limit_s, tuple(chosen), covered, float(w[covered].sum()), float(w.sum()), **kw)


def _distinct_sites(cover: np.ndarray, keep: list[int] | None = None) -> np.ndarray:
    """Candidate columns worth giving the solver: the first of each distinct coverage set, none that covers nothing.

    ``cover`` is (gates, sites) booleans. Sites with the same set of gates
    within the limit are interchangeable in LSCP and MCLP, and a site that
    covers no gate never helps, so the optimum over the columns returned is
    the optimum over all of them (``keep``, the predefined sites, always
    stay). spopt builds its PuLP model densely, gates x sites terms, so on a
    county with thousands of junctions this is what keeps the model small.
    """
    packed = np.packbits(cover, axis=0).T  # one row of bytes per site
    useful = cover.any(axis=0)
    _, first = np.unique(packed[useful], axis=0, return_index=True)
    cols = set(np.flatnonzero(useful)[first].tolist()) | set(keep or [])
    return np.array(sorted(cols), dtype=np.int64)


def solve_lscp(
    cost_s: Any,
    limit_s: float,
    *,
    solver: Solver = "highs",
    uncoverable: Literal["raise", "skip"] = "raise",
    gate_names: list[str] | None = None,
) -> SiteSolution:
    """Find the fewest sites that put every gate within ``limit_s`` (spopt LSCP), checked against the matrix.

    Parameters
    ----------
    cost_s
        Seconds, shape (gates, sites); ``inf`` where unreachable.
    limit_s
        The time limit in seconds.
    solver
        ``"highs"`` or ``"cbc"``.
    uncoverable
        Gates no site reaches within the limit: ``"raise"`` an
        :class:`InputError` naming them, or ``"skip"`` them (logged).
    gate_names
        Names for the messages (default the row positions).

    Returns
    -------
    SiteSolution

    Examples
    --------
    >>> cost = np.array([[30.0, 200.0, 60.0], [400.0, 90.0, 100.0]])
    >>> solve_lscp(cost, 120).chosen
    (2,)
    """
    from spopt.locate import LSCP

    cost = _cost(cost_s)
    _check_limit(limit_s, cost)
    reach = (cost <= limit_s).any(axis=1)
    if not reach.all():
        bad = np.flatnonzero(~reach)
        names = [gate_names[i] for i in bad] if gate_names else bad.tolist()
        near = np.min(cost[bad], axis=1) / 60
        what = ", ".join(
            f"{n} ({m:.1f} min)" if np.isfinite(m) else f"{n} (unreachable)" for n, m in zip(names, near, strict=True)
        )
        if uncoverable == "raise":
            msg = (
                f"limit_min={limit_s / 60:g}: {len(bad)} gate(s) cannot be reached within it from any candidate site: "
                f"{what[:400]}; raise limit_min, add candidates near them (extra=), or pass uncoverable='skip'"
            )
            raise InputError(msg)
        log.warning("LSCP: %d gate(s) no candidate reaches in time are left out: %s", len(bad), what[:400])
    rows = np.flatnonzero(reach)
    t0 = time.perf_counter()
    cols = _distinct_sites(cost[rows] <= limit_s)
    with _quiet():
        model = LSCP.from_cost_matrix(cost[np.ix_(rows, cols)], service_radius=float(limit_s))
        _run(model, solver)
    chosen = sorted(int(cols[j]) for j, v in enumerate(model.fac_vars) if v.value() is not None and v.value() > 0.5)
    sol = _solution("lscp", cost, chosen, limit_s, np.ones(len(cost)), solver=solver, seconds=time.perf_counter() - t0)
    objective = float(model.problem.objective.value())
    check_siting(cost, chosen, limit_s, n_sites=round(objective), must_cover=reach).raise_if_failed()
    return sol


def solve_mclp(
    cost_s: Any,
    weights: Any,
    limit_s: float,
    p: int,
    *,
    predefined: list[int] | None = None,
    solver: Solver = "highs",
) -> SiteSolution:
    """Find the ``p`` sites covering the most weight within ``limit_s`` (spopt MCLP), checked against the matrix.

    Parameters
    ----------
    cost_s
        Seconds, shape (gates, sites).
    weights
        Demand weight per gate (enrolment, risk, 1).
    limit_s
        The time limit in seconds.
    p
        Number of sites, predefined ones included.
    predefined
        Sites that must be kept (the current posts).
    solver
        ``"highs"`` or ``"cbc"``.

    Returns
    -------
    SiteSolution

    Examples
    --------
    >>> cost = np.array([[30.0, 200.0, 60.0], [400.0, 90.0, 100.0], [500.0, 100.0, 400.0]])
    >>> solve_mclp(cost, np.array([1.0, 1.0, 5.0]), 120, 1).chosen
    (1,)
    """
    from spopt.locate import MCLP

    cost = _cost(cost_s)
    w = np.asarray(weights, dtype=float)
    if w.shape != (cost.shape[0],):
        msg = f"weights must hold one value per gate ({cost.shape[0]}); got shape {w.shape}"
        raise InputError(msg)
    pre = sorted(set(predefined or []))
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < max(1, len(pre)):
        msg = f"p must be a whole number of posts >= {max(1, len(pre))} (the posts kept count too); got {p!r}"
        raise InputError(msg)
    if p > cost.shape[1]:
        msg = (
            f"p={p} is larger than the {cost.shape[1]} candidate sites; lower p or add candidates "
            "(extra=, or a larger within_m)"
        )
        raise InputError(msg)
    _check_limit(limit_s, cost)
    t0 = time.perf_counter()
    cols = _distinct_sites(cost <= limit_s, pre)
    if len(cols) < p:  # fewer distinct useful sites than posts: pad with the first others (they add nothing)
        cols = np.union1d(cols, np.setdiff1d(np.arange(cost.shape[1]), cols)[: p - len(cols)])
    arr = None
    if pre:
        arr = np.isin(cols, pre).astype(int)
    with _quiet():
        model = MCLP.from_cost_matrix(
            cost[:, cols], w, service_radius=float(limit_s), p_facilities=int(p), predefined_facilities_arr=arr
        )
        _run(model, solver)
    chosen = sorted(int(cols[j]) for j, v in enumerate(model.fac_vars) if v.value() is not None and v.value() > 0.5)
    sol = _solution("mclp", cost, chosen, limit_s, w, solver=solver, seconds=time.perf_counter() - t0)
    reported = np.array([v.value() is not None and v.value() > 0.5 for v in model.cli_vars])
    objective = float(model.problem.objective.value() or 0.0)
    check = check_siting(
        cost, chosen, limit_s, weights=w, reported_covered=reported, reported_weight=objective, n_sites=int(p)
    )
    check.raise_if_failed()
    return sol


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence a solve: PuLP 3.3's PuLP-4 migration warnings (raised inside spopt) and HiGHS's banner.

    HiGHS prints its banner the first time it runs even with ``msg=False``,
    from C straight to file descriptor 1, so both ``sys.stdout`` and fd 1 are
    pointed at the null device for the solve (and restored after it).
    """
    with warnings.catch_warnings(), _mute_stdout():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pulp\..*")
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=r".*PuLP 4")
        yield


def _flush_c_stdout() -> None:
    """Flush C's stdio buffers (what a C library printed but has not yet written)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).fflush(None)


@contextlib.contextmanager
def _mute_stdout() -> Iterator[None]:
    """Send ``sys.stdout`` and file descriptor 1 to the null device inside the block."""
    for stream in (sys.stdout, sys.__stdout__):  # what Python printed before goes out first
        with contextlib.suppress(Exception):
            stream.flush()
    with open(os.devnull, "w", encoding="utf-8") as null, contextlib.redirect_stdout(null):
        try:
            saved = os.dup(1)
        except (OSError, ValueError):  # no fd 1 (some embedded interpreters): Python-level muting only
            yield
            return
        try:
            os.dup2(null.fileno(), 1)
            yield
        finally:
            _flush_c_stdout()
            os.dup2(saved, 1)
            os.close(saved)


def _run(model: Any, solver: str) -> None:
    """Solve a spopt model; turn a solver failure into an InputError."""
    try:
        model.solve(_pulp_solver(solver), results=False)
    except RuntimeError as err:  # spopt's "Model is not solved: Infeasible"
        msg = f"the {solver} solver found no solution ({err}); check limit_min, p and the candidates"
        raise InputError(msg) from None


def candidate_sites(
    network: RoadNetwork,
    gates: gpd.GeoDataFrame,
    *,
    within_m: float = 300.0,
    posts: gpd.GeoDataFrame | None = None,
    extra: gpd.GeoDataFrame | None = None,
    at_gates: bool = True,
    min_degree: int = 2,
    lang: Lang = "zh",
) -> gpd.GeoDataFrame:
    """Candidate guard-post sites: junctions near the gates, the current posts, the user's own points.

    Parameters
    ----------
    network
        The road network (its nodes are the junctions).
    gates
        School gates (any CRS).
    within_m
        Junctions within this straight distance of a gate, in metres (0: none).
    posts
        The current guard posts (``post_id`` or ``source_id`` optional: the
        posts of :func:`response_sources` can be passed as they are).
    extra
        The user's candidates (``site_id`` or ``name`` optional).
    at_gates
        Each gate is a candidate too (a post at the gate itself).
    min_degree
        A junction joins at least this many road pieces (2: any shared vertex).
    lang
        Label language of ``kind_text``.

    Returns
    -------
    GeoDataFrame
        ``site_id``, ``name``, ``kind`` (``post``, ``user``, ``gate``, ``junction``),
        ``kind_text``, ``current`` (a current post); points in EPSG:4326;
        current posts first, then the user's, the gates, the junctions.

    Raises
    ------
    InputError
        No candidate at all.
    """
    gates = check_frame(gates, "gates")
    crs = network.metric_crs
    rows: list[dict[str, Any]] = []
    for kind, frame, id_col in (("post", posts, "post_id"), ("user", extra, "site_id")):
        if frame is None or len(frame) == 0:
            continue
        f = check_frame(frame, "posts" if kind == "post" else "extra").to_crs(4326).reset_index(drop=True)
        for i, r in f.iterrows():
            ids = [c for c in (id_col, "source_id") if c in f]  # source_id: posts as response_sources gives them
            sid = str(r[ids[0]]) if ids else f"{'P' if kind == 'post' else 'U'}{i + 1}"
            rows.append({"site_id": sid, "name": str(r.get("name", sid)), "kind": kind, "geometry": r.geometry})
    if at_gates:
        for i, r in gates.to_crs(4326).reset_index(drop=True).iterrows():
            sid = f"G{i + 1}"
            name = f"{r.get('school_id', '')} {r.get('gate_name', '')}".strip() or sid
            rows.append({"site_id": sid, "name": name, "kind": "gate", "geometry": r.geometry})
    if within_m > 0:
        rows += _junctions(network, gates.to_crs(crs), within_m, min_degree)
    if not rows:
        msg = (
            f"candidates: no candidate sites (no junction within within_m={within_m:g} m of a gate, no posts, "
            "no extra, at_gates=False); raise within_m, or pass posts= or extra= points"
        )
        raise InputError(msg)
    out = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=4326)
    out = out[~(out.geometry.isna() | out.geometry.is_empty)].reset_index(drop=True)
    out["kind_text"] = [tr(f"cov.site.kind.{k}", lang) for k in out["kind"]]
    out["current"] = out["kind"] == "post"
    return out[["site_id", "name", "kind", "kind_text", "current", "geometry"]]


def _junctions(network: RoadNetwork, gates_m: gpd.GeoDataFrame, within_m: float, min_degree: int) -> list[dict]:
    """Road junctions (distinct neighbours >= ``min_degree``) within ``within_m`` metres of a gate."""
    e = network.edges
    pairs = pd.DataFrame({"a": np.minimum(e["u"], e["v"]), "b": np.maximum(e["u"], e["v"])}).drop_duplicates()
    degree = np.bincount(np.concatenate([pairs["a"], pairs["b"]]), minlength=network.n_nodes)
    nodes = np.flatnonzero(degree >= min_degree)
    xy = network.nodes[["x", "y"]].to_numpy(float)[nodes]
    tree = shapely.STRtree(shapely.points(xy))
    g = gates_m.geometry.to_numpy()
    g = g[~(shapely.is_missing(g) | shapely.is_empty(g))]
    hit = np.unique(tree.query(g, predicate="dwithin", distance=within_m)[1])
    lonlat = network.nodes.geometry.to_numpy()[nodes[hit]]
    return [
        {"site_id": f"J{int(n)}", "name": f"J{int(n)}", "kind": "junction", "geometry": pt}
        for n, pt in zip(nodes[hit], lonlat, strict=True)
    ]


def siting_matrix(
    network: RoadNetwork, gates: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, *, profile: str = "am_peak"
) -> np.ndarray:
    """Seconds from every site to every gate on the driving network, shape (gates, sites); ``inf`` unreachable."""
    from hutan_geo.network import travel_time_matrix

    m = travel_time_matrix(network, sites, gates, profile=profile, with_distance=False)
    return np.ascontiguousarray(m.travel_s.T)


@dataclass(frozen=True, eq=False)
class Siting:
    """The siting answers for one time limit.

    Attributes
    ----------
    sites
        Every candidate (see :func:`candidate_sites`) with ``lscp``, ``mclp``
        (chosen by each), points in EPSG:4326: the chosen sites on the map.
    gates
        Gates with ``weight``, ``best_s`` (fastest candidate),
        ``covered_current``, ``covered_lscp``, ``covered_mclp``; points in EPSG:4326.
    cost_s
        The matrix, shape (gates, sites).
    lscp, mclp, current
        The solutions (``mclp`` None when not asked; ``current`` None without posts).
    gains
        The marginal gain curve: ``added``, ``sites``, ``weight``, ``share``, ``gain``.
    """

    sites: gpd.GeoDataFrame
    gates: gpd.GeoDataFrame
    cost_s: np.ndarray = field(repr=False)
    lscp: SiteSolution | None
    mclp: SiteSolution | None
    current: SiteSolution | None
    gains: pd.DataFrame
    lang: Lang = "zh"

    def comparison(self) -> pd.DataFrame:
        """Compare the current posts with the optimum as posts, gates covered, weight and share."""
        rows = []
        for name, s in (("current", self.current), ("mclp", self.mclp), ("lscp", self.lscp)):
            if s is not None:
                rows.append(
                    {
                        "model": name,
                        "posts": s.n_sites,
                        "gates_covered": int(s.covered.sum()),
                        "weight": s.weight,
                        "share": s.share,
                    }
                )
        return pd.DataFrame(rows, columns=["model", "posts", "gates_covered", "weight", "share"])


def gain_curve(
    cost_s: np.ndarray,
    weights: np.ndarray,
    limit_s: float,
    current: list[int],
    max_added: int,
    *,
    solver: Solver = "highs",
) -> pd.DataFrame:
    """Covered weight with the current posts plus 0, 1, … ``max_added`` optimal new posts (MCLP each time).

    Stops early once every gate a candidate can reach is covered.
    """
    cost = _cost(cost_s)
    reachable = float(weights[(cost <= limit_s).any(axis=1)].sum())
    base = _solution("given", cost, sorted(current), limit_s, weights)
    rows = [{"added": 0, "sites": base.n_sites, "weight": base.weight}]
    for k in range(1, max_added + 1):
        p = len(current) + k
        if p > cost.shape[1] or rows[-1]["weight"] >= reachable - 1e-9:
            break
        s = solve_mclp(cost, weights, limit_s, p, predefined=current or None, solver=solver)
        rows.append({"added": k, "sites": s.n_sites, "weight": s.weight})
    out = pd.DataFrame(rows)
    total = float(weights.sum())
    out["share"] = out["weight"] / total if total > 0 else np.nan
    out["gain"] = out["weight"].diff().fillna(0.0)
    return out


def _gate_weights(gates: gpd.GeoDataFrame, schools: pd.DataFrame | None, weights: Any) -> np.ndarray:
    """Weight per gate: the school's weight shared equally among its gates."""
    n = len(gates)
    if isinstance(weights, str) and weights == "equal":
        return np.ones(n)
    if not isinstance(weights, str) and not hasattr(weights, "get"):
        return np.asarray(weights, dtype=float)
    if "school_id" not in gates:
        msg = "gates need a school_id column for weights by school; or pass weights='equal'"
        raise InputError(msg)
    sid = gates["school_id"].astype(str)
    if isinstance(weights, str):
        if weights != "enrolment":
            msg = f"weights must be 'enrolment', 'equal', a school id -> weight mapping or an array; got {weights!r}"
            raise InputError(msg)
        if schools is None or "enrolment" not in schools:
            msg = "weights='enrolment' needs schools= with an enrolment column; or pass weights='equal'"
            raise InputError(msg)
        enrol = pd.to_numeric(schools["enrolment"], errors="coerce").fillna(0)
        per = dict(zip(schools["school_id"].astype(str), enrol, strict=True))
    else:
        per = {str(k): float(v) for k, v in weights.items()}
    n_gates = sid.map(sid.value_counts())
    return np.array([float(per.get(s, 0.0)) for s in sid]) / n_gates.to_numpy(float)


def site_guard_posts(
    network: RoadNetwork,
    gates: gpd.GeoDataFrame,
    *,
    schools: pd.DataFrame | None = None,
    posts: gpd.GeoDataFrame | None = None,
    extra: gpd.GeoDataFrame | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    within_m: float = 300.0,
    at_gates: bool = True,
    limit_min: float = 3.0,
    p: int | None = None,
    weights: str | Mapping[str, float] | Any = "enrolment",
    max_added: int = 5,
    profile: str = "am_peak",
    solver: Solver = "highs",
    uncoverable: Literal["raise", "skip"] = "raise",
    lang: Lang = "zh",
) -> Siting:
    """Where guard posts help most: LSCP, MCLP, the current posts against the optimum, the marginal gains.

    Parameters
    ----------
    network
        The road network.
    gates
        The gates to cover (``school_id`` for weights by school).
    schools
        The schools list (``school_id``, ``enrolment``) for enrolment weights.
    posts, extra, within_m, at_gates
        The current posts, the user's candidates, the junction radius and
        the gates as candidates (see :func:`candidate_sites`); ignored when
        ``candidates`` is given.
    candidates
        Ready candidate sites (a :func:`candidate_sites` frame or any points).
    limit_min
        A gate is covered by a post that reaches it within this many minutes.
    p
        Posts for the MCLP (default: as many as the current posts, else the LSCP's count).
    weights
        ``"enrolment"`` (split among a school's gates), ``"equal"``, a school
        id → weight mapping (e.g. risk), or one value per gate.
    max_added
        Length of the marginal gain curve (posts added to the current ones).
    profile
        Network time-of-day profile (the window's).
    solver
        ``"highs"`` (default) or ``"cbc"``.
    uncoverable
        Gates no candidate reaches in time: ``"raise"`` or ``"skip"`` them in the LSCP.
    lang
        Label language.

    Returns
    -------
    Siting

    Raises
    ------
    InputError
        No candidates; gates no candidate reaches (LSCP, ``uncoverable="raise"``);
        a limit so small nothing is covered; ``p`` larger than the candidates.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.analysis.patrol import network_for
    >>> d = load_demo()
    >>> s = site_guard_posts(network_for(d), d.gates, schools=d.schools, posts=d.guard_posts, limit_min=3, max_added=1)
    >>> bool(s.lscp.covered.all()), s.mclp.n_sites == len(d.guard_posts)
    (True, True)
    """
    lang = check_lang(lang)
    gates = check_frame(gates, "gates").to_crs(4326).reset_index(drop=True)
    if candidates is None:
        sites = candidate_sites(
            network, gates, within_m=within_m, posts=posts, extra=extra, at_gates=at_gates, lang=lang
        )
    else:
        sites = check_frame(candidates, "candidates").to_crs(4326).reset_index(drop=True)
        if "current" not in sites:
            sites["current"] = False
    limit_s = float(limit_min) * 60 if isinstance(limit_min, (int, float)) else float("nan")
    cost = siting_matrix(network, gates, sites, profile=profile) if len(sites) else np.zeros((len(gates), 0))
    w = _gate_weights(gates, schools, weights)
    if w.shape != (len(gates),) or not np.isfinite(w).all() or (w < 0).any():
        msg = f"weights must give one finite value >= 0 per gate ({len(gates)})"
        raise InputError(msg)
    names = [f"{r.get('school_id', '')} {r.get('gate_name', '')}".strip() or str(i) for i, r in gates.iterrows()]
    lscp = solve_lscp(cost, limit_s, solver=solver, uncoverable=uncoverable, gate_names=names)
    current_idx = np.flatnonzero(sites["current"].to_numpy(bool)).tolist()
    current = _solution("given", cost, current_idx, limit_s, w) if current_idx else None
    p = p if p is not None else (len(current_idx) or lscp.n_sites)
    mclp = solve_mclp(cost, w, limit_s, p, solver=solver)
    gains = gain_curve(cost, w, limit_s, current_idx, max_added, solver=solver)
    sites = sites.assign(
        lscp=np.isin(np.arange(len(sites)), lscp.chosen), mclp=np.isin(np.arange(len(sites)), mclp.chosen)
    )
    best = np.min(cost, axis=1)
    gates = gates.assign(
        weight=w,
        best_s=best,
        covered_current=current.covered if current else False,
        covered_lscp=lscp.covered,
        covered_mclp=mclp.covered,
    )
    return Siting(sites, gates, cost, lscp, mclp, current, gains, lang)
