"""Guard-post siting (spopt LSCP / MCLP on the network matrix), the independent check, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from hutan_geo.analysis.coverage import (
    candidate_sites,
    check_siting,
    coverage_from_matrix,
    site_guard_posts,
    siting_matrix,
    solve_lscp,
    solve_mclp,
)
from hutan_geo.errors import HutanError, InputError


@pytest.fixture(scope="module")
def town(demo):
    """The gates of the county seat (城关镇) and its schools."""
    ids = set(demo.schools.loc[demo.schools["township"] == "城关镇", "school_id"])
    return demo.gates[demo.gates["school_id"].isin(ids)].reset_index(drop=True)


@pytest.fixture(scope="module")
def siting(demo, net, town):
    return site_guard_posts(
        net, town, schools=demo.schools, posts=demo.guard_posts, within_m=150, limit_min=2, max_added=3
    )


def _check(cost, sol, weights=None):
    """Every solve is checked straight from the matrix, independent of the solver."""
    report = check_siting(cost, list(sol.chosen), sol.limit_s, weights=weights, reported_weight=sol.weight)
    assert report.ok, report.problems
    assert np.array_equal(report.covered, sol.covered)
    return report


def test_candidates_are_junctions_gates_and_posts(demo, net, town):
    c = candidate_sites(net, town, within_m=150, posts=demo.guard_posts)
    assert c.crs.to_epsg() == 4326
    assert c["kind"].iloc[: len(demo.guard_posts)].eq("post").all()
    assert c["current"].sum() == len(demo.guard_posts)
    assert (c["kind"] == "gate").sum() == len(town)
    assert (c["kind"] == "junction").sum() > 0
    junctions = c[c["kind"] == "junction"].to_crs(net.metric_crs)
    gates = town.to_crs(net.metric_crs)
    assert (junctions.geometry.apply(lambda p: gates.distance(p).min()) <= 150 + 1e-6).all()
    assert set(c["kind_text"]) >= {"路口", "现有护学岗", "校门"}


def test_lscp_and_mclp_check_against_the_matrix(demo, net, town, siting):
    cost = siting.cost_s
    assert cost.shape == (len(town), len(siting.sites))
    assert siting.lscp.covered.all()
    _check(cost, siting.lscp)
    w = siting.gates["weight"].to_numpy()
    _check(cost, siting.mclp, w)
    assert siting.mclp.n_sites == len(demo.guard_posts)
    assert siting.mclp.weight >= siting.current.weight  # the optimum is at least as good as today's posts
    _check(cost, siting.current, w)
    assert siting.sites["lscp"].sum() == siting.lscp.n_sites
    assert siting.gates["covered_mclp"].sum() == siting.mclp.covered.sum()
    comp = siting.comparison()
    assert comp["model"].tolist() == ["current", "mclp", "lscp"]
    # fewer posts than the LSCP's cannot cover every gate
    k = siting.lscp.n_sites - 1
    fewer = solve_mclp(cost, np.ones(len(cost)), 120, k)
    _check(cost, fewer)
    assert not fewer.covered.all()


def test_gain_curve_is_checked_and_never_falls(siting):
    g = siting.gains
    assert g["added"].tolist()[0] == 0
    assert g["weight"].is_monotonic_increasing
    assert (g["gain"] >= 0).all()
    assert g["weight"].iat[0] == pytest.approx(siting.current.weight)


def test_solvers_agree_on_the_optimum(siting):
    cost, w = siting.cost_s, siting.gates["weight"].to_numpy()
    for solver in ("highs", "cbc"):
        m = solve_mclp(cost, w, 120, 5, solver=solver)
        _check(cost, m, w)
        lscp = solve_lscp(cost, 120, solver=solver)
        _check(cost, lscp)
        assert lscp.n_sites == siting.lscp.n_sites
    assert solve_mclp(cost, w, 120, 5, solver="cbc").weight == pytest.approx(solve_mclp(cost, w, 120, 5).weight)


def test_check_catches_a_wrong_report():
    cost = np.array([[30.0, 200.0], [400.0, 90.0], [np.inf, 500.0]])
    assert coverage_from_matrix(cost, [0, 1], 120).tolist() == [True, True, False]
    bad = check_siting(cost, [0], 120, reported_covered=np.array([True, True, False]), n_sites=2)
    assert not bad.ok
    assert len(bad.problems) == 2
    with pytest.raises(HutanError, match="siting check failed"):
        bad.raise_if_failed()


def test_bad_input_says_what_to_fix(demo, net, town):
    cost = np.array([[30.0, 200.0], [400.0, 90.0], [np.inf, np.inf]])
    with pytest.raises(InputError, match=r"candidates: no candidate sites.*extra="):
        candidate_sites(net, town, within_m=0, at_gates=False)
    with pytest.raises(InputError, match=r"candidates: no candidate sites"):
        solve_lscp(np.zeros((3, 0)), 60)
    with pytest.raises(InputError, match=r"1 gate\(s\) cannot be reached.*2 \(unreachable\).*uncoverable='skip'"):
        solve_lscp(cost, 120)
    skipped = solve_lscp(cost, 120, uncoverable="skip")
    _check(cost, skipped)
    assert skipped.covered.tolist() == [True, True, False]
    with pytest.raises(InputError, match=r"limit_min=0.1: no candidate site reaches any gate.*0.50 min"):
        solve_mclp(cost, np.ones(3), 6, 1)
    with pytest.raises(InputError, match=r"p=3 is larger than the 2 candidate sites"):
        solve_mclp(cost, np.ones(3), 120, 3)
    with pytest.raises(InputError, match=r"p must be a whole number"):
        solve_mclp(cost, np.ones(3), 120, 0)
    with pytest.raises(InputError, match=r"limit_min must be a number of minutes > 0"):
        solve_lscp(cost, -60)
    with pytest.raises(InputError, match=r"weights must hold one value per gate"):
        solve_mclp(cost, np.ones(2), 120, 1)
    with pytest.raises(InputError, match=r"solver must be 'highs' or 'cbc'"):
        solve_lscp(cost, 120, uncoverable="skip", solver="gurobi")
    with pytest.raises(InputError, match=r"weights='enrolment' needs schools="):
        site_guard_posts(net, town, within_m=0, limit_min=3)


def test_unreachable_gate_far_from_the_roads(demo, net, town):
    far = town.head(3).copy()
    far.loc[far.index[2], "geometry"] = far.geometry.iloc[2].__class__(114.5, 28.5)  # ~120 km away: not snapped
    sites = candidate_sites(net, far.head(2), within_m=0)
    cost = siting_matrix(net, far, sites)
    assert np.isinf(cost[2]).all()
    with pytest.raises(InputError, match=r"cannot be reached"):
        site_guard_posts(net, far, candidates=sites, weights="equal", limit_min=3)


def test_a_siting_solve_prints_nothing(capfd):
    """HiGHS's banner (printed by C to fd 1 the first time it runs) never reaches the terminal."""
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from hutan_geo.analysis.coverage import solve_lscp, solve_mclp\n"
        "cost = np.array([[30.0, 200.0, 60.0], [400.0, 90.0, 100.0]])\n"
        "solve_lscp(cost, 120)\n"
        "solve_mclp(cost, np.ones(2), 120, 1)\n"
        "print('done')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # a fresh process: HiGHS runs for the first time
    cost = np.array([[30.0, 200.0, 60.0], [400.0, 90.0, 100.0]])
    assert solve_lscp(cost, 120).chosen == (2,)
    assert solve_mclp(cost, np.ones(2), 120, 1, solver="highs").chosen
    out, err = capfd.readouterr()
    assert out == "done\n"
    assert "HiGHS" not in err


def test_interchangeable_and_useless_sites_do_not_change_the_optimum():
    rng = np.random.default_rng(5)
    base = rng.uniform(0, 400, (30, 12))
    # every column four times (interchangeable sites), plus columns that reach nobody
    cost = np.hstack([base, base, base, base, np.full((30, 5), 1e6)])
    w = rng.uniform(1, 5, 30)
    small = solve_mclp(base, w, 120, 3)
    big = solve_mclp(cost, w, 120, 3)
    assert big.weight == pytest.approx(small.weight)
    assert all(j < cost.shape[1] for j in big.chosen)
    assert {j % 12 for j in big.chosen if j < 48} == {j % 12 for j in big.chosen}
    # a kept post among the duplicates stays itself, and a useless kept post stays too
    kept = solve_mclp(cost, w, 120, 4, predefined=[25, 50])
    assert {25, 50} <= set(kept.chosen)
    fewest = solve_lscp(base, 300, uncoverable="skip").n_sites
    assert solve_lscp(cost[:, :48], 300, uncoverable="skip").n_sites == fewest
