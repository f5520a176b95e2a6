"""Coverage: which schools are covered, when, how fast help arrives, and where new guard posts help most.

- :mod:`~.points`: :func:`points_covered` (points inside coverage areas, for maps);
- :mod:`~.common`: school targets, labels, chart fonts, :func:`save_png`;
- :mod:`~.patrol`: :func:`patrol_coverage` of a patrol plan (post / car / none);
- :mod:`~.timeline`: :func:`unit_timeline`, the chart of every unit over a window;
- :mod:`~.response`: :func:`response_coverage`, static response bands from stations and posts;
- :mod:`~.moving`: :func:`moving_coverage`, minute by minute from where the units are;
- :mod:`~.check`: :func:`coverage_from_matrix` and :func:`check_siting`, independent of the solver;
- :mod:`~.siting`: :func:`candidate_sites`, :func:`site_guard_posts` (spopt LSCP / MCLP).
"""

from hutan_geo.analysis.coverage.check import SitingCheck, check_siting, coverage_from_matrix
from hutan_geo.analysis.coverage.common import CJK_FONT, chart_font, save_png, school_targets
from hutan_geo.analysis.coverage.moving import MovingCoverage, moving_coverage, unit_positions
from hutan_geo.analysis.coverage.patrol import PatrolCoverage, patrol_coverage
from hutan_geo.analysis.coverage.points import points_covered
from hutan_geo.analysis.coverage.response import ResponseCoverage, response_coverage, response_sources
from hutan_geo.analysis.coverage.siting import (
    SiteSolution,
    Siting,
    candidate_sites,
    gain_curve,
    site_guard_posts,
    siting_matrix,
    solve_lscp,
    solve_mclp,
)
from hutan_geo.analysis.coverage.timeline import TIMELINE_COLOURS, unit_timeline

__all__ = [
    "CJK_FONT",
    "TIMELINE_COLOURS",
    "MovingCoverage",
    "PatrolCoverage",
    "ResponseCoverage",
    "SiteSolution",
    "Siting",
    "SitingCheck",
    "candidate_sites",
    "chart_font",
    "check_siting",
    "coverage_from_matrix",
    "gain_curve",
    "moving_coverage",
    "patrol_coverage",
    "points_covered",
    "response_coverage",
    "response_sources",
    "save_png",
    "school_targets",
    "site_guard_posts",
    "siting_matrix",
    "solve_lscp",
    "solve_mclp",
    "unit_positions",
    "unit_timeline",
]
