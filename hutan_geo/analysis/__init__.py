"""Analysis: school sites, proximity joins, distance rules, risk, hotspots.

Everything measures in metres in one metric CRS, chosen once per dataset by
:func:`prepare_sites` (or :func:`metric_frame`); inputs in any CRS are
projected to it. The modules, in import order:

- :mod:`~hutan_geo.analysis.kernel`: the exact (hazard, site) pair kernel;
- :mod:`~hutan_geo.analysis.sites`: :class:`SchoolSites` (campus or gates, one CRS);
- :mod:`~hutan_geo.analysis.hazards`: placed hazards and the skipped ones, open/closed;
- :mod:`~hutan_geo.analysis.rules`: the distance rules table (data);
- :mod:`~hutan_geo.analysis.network_pairs`: walking and road distances between hazards and gates;
- :mod:`~hutan_geo.analysis.proximity`: :func:`hazards_within`, :func:`nearest_schools`;
- :mod:`~hutan_geo.analysis.summaries`: :func:`school_counts`, :func:`area_summary`;
- :mod:`~hutan_geo.analysis.zones`: zone polygons for maps;
- :mod:`~hutan_geo.analysis.rulecheck`: :func:`check_rules`;
- :mod:`~hutan_geo.analysis.risk`: :func:`risk_scores`;
- :mod:`~hutan_geo.analysis.hotspots`: clusters, density, Gi* hot spots;
- :mod:`~hutan_geo.analysis.tables`: :func:`export_table` for planners;
- :mod:`~hutan_geo.analysis.coverage`: who is covered when (:func:`patrol_coverage`,
  :func:`unit_timeline`), response bands (:func:`response_coverage`), minute by
  minute (:func:`moving_coverage`), guard-post siting (:func:`site_guard_posts`).

Patrol planning lives in :mod:`hutan_geo.analysis.patrol` (imported as ``analysis.patrol``);
the hazard register (隐患台账: :func:`open_register`, :class:`Register`,
:func:`register_report`) in :mod:`hutan_geo.analysis.register`.
"""

from hutan_geo.analysis.coverage import (
    CJK_FONT,
    TIMELINE_COLOURS,
    MovingCoverage,
    PatrolCoverage,
    ResponseCoverage,
    SiteSolution,
    Siting,
    SitingCheck,
    candidate_sites,
    chart_font,
    check_siting,
    coverage_from_matrix,
    gain_curve,
    moving_coverage,
    patrol_coverage,
    points_covered,
    response_coverage,
    response_sources,
    save_png,
    school_targets,
    site_guard_posts,
    siting_matrix,
    solve_lscp,
    solve_mclp,
    unit_positions,
    unit_timeline,
)
from hutan_geo.analysis.hazards import CLOSED_STATUSES, OPEN_STATUSES, open_mask, split_placed
from hutan_geo.analysis.hotspots import (
    HOTSPOT_LABELS,
    Clusters,
    DensitySurface,
    HotspotGrid,
    dbscan_clusters,
    getis_ord,
    kernel_density,
)
from hutan_geo.analysis.network_pairs import NetworkPairs
from hutan_geo.analysis.proximity import HazardPairs, NearestSchools, hazards_within, nearest_schools, nearest_site
from hutan_geo.analysis.register import (
    Batch,
    ImportResult,
    MatchRules,
    Register,
    RegisterReport,
    match_records,
    monthly_chart,
    next_statuses,
    open_register,
    register_report,
    write_report,
)
from hutan_geo.analysis.remote_access import RemoteAccess, remote_access
from hutan_geo.analysis.risk import RiskParams, RiskScores, risk_scores
from hutan_geo.analysis.rulecheck import RuleCheck, check_rules
from hutan_geo.analysis.rules import (
    FACILITIES,
    KINDS,
    MEASURES,
    NETWORK_MEASURES,
    RULE_COLUMNS,
    RULES_SPEC,
    default_rules_path,
    facility_levels,
    load_rules,
    match_hazards,
    merge_rules,
    rules_table,
    select_rules,
    validate_rules,
)
from hutan_geo.analysis.security import (
    NORM_COLUMNS,
    OPERATORS,
    SecurityCheck,
    autumn_semester,
    check_security,
    default_norms_path,
    inspection_dates,
    inspection_regularity,
    load_security_norms,
    merge_security_norms,
)
from hutan_geo.analysis.sites import SchoolSites, prepare_sites
from hutan_geo.analysis.student_routes import StudentRoutes, night_study_routes, student_routes
from hutan_geo.analysis.summaries import AreaSummary, SchoolCounts, area_summary, school_counts
from hutan_geo.analysis.tables import export_table
from hutan_geo.analysis.zones import school_zones, walking_zones
from hutan_geo.model.frames import metric_frame

__all__ = [
    "CJK_FONT",
    "CLOSED_STATUSES",
    "FACILITIES",
    "HOTSPOT_LABELS",
    "KINDS",
    "MEASURES",
    "NETWORK_MEASURES",
    "NORM_COLUMNS",
    "OPEN_STATUSES",
    "OPERATORS",
    "RULES_SPEC",
    "RULE_COLUMNS",
    "TIMELINE_COLOURS",
    "AreaSummary",
    "Batch",
    "Clusters",
    "DensitySurface",
    "HazardPairs",
    "HotspotGrid",
    "ImportResult",
    "MatchRules",
    "MovingCoverage",
    "NearestSchools",
    "NetworkPairs",
    "PatrolCoverage",
    "Register",
    "RegisterReport",
    "RemoteAccess",
    "ResponseCoverage",
    "RiskParams",
    "RiskScores",
    "RuleCheck",
    "SchoolCounts",
    "SchoolSites",
    "SecurityCheck",
    "SiteSolution",
    "Siting",
    "SitingCheck",
    "StudentRoutes",
    "area_summary",
    "autumn_semester",
    "candidate_sites",
    "chart_font",
    "check_rules",
    "check_security",
    "check_siting",
    "coverage_from_matrix",
    "dbscan_clusters",
    "default_norms_path",
    "default_rules_path",
    "export_table",
    "facility_levels",
    "gain_curve",
    "getis_ord",
    "hazards_within",
    "inspection_dates",
    "inspection_regularity",
    "kernel_density",
    "load_rules",
    "load_security_norms",
    "match_hazards",
    "match_records",
    "merge_rules",
    "merge_security_norms",
    "metric_frame",
    "monthly_chart",
    "moving_coverage",
    "nearest_schools",
    "nearest_site",
    "next_statuses",
    "night_study_routes",
    "open_mask",
    "open_register",
    "patrol_coverage",
    "points_covered",
    "prepare_sites",
    "register_report",
    "remote_access",
    "response_coverage",
    "response_sources",
    "risk_scores",
    "rules_table",
    "save_png",
    "school_counts",
    "school_targets",
    "school_zones",
    "select_rules",
    "site_guard_posts",
    "siting_matrix",
    "solve_lscp",
    "solve_mclp",
    "split_placed",
    "student_routes",
    "unit_positions",
    "unit_timeline",
    "validate_rules",
    "walking_zones",
    "write_report",
]
