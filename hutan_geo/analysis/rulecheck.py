"""Check hazards against distance rules; list each hit with its rule and legal source."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hutan_geo._i18n import lang_index, pick, tr
from hutan_geo.analysis.hazards import open_mask, split_placed
from hutan_geo.analysis.kernel import check_n_jobs
from hutan_geo.analysis.network_pairs import NetworkPairs, check_network
from hutan_geo.analysis.proximity import gate_pairs, site_pairs
from hutan_geo.analysis.rules import MEASURES, NETWORK_MEASURES, facility_levels, load_rules, match_hazards
from hutan_geo.analysis.sites import SchoolSites, as_sites
from hutan_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from hutan_geo.network import RoadNetwork

__all__ = ["RuleCheck", "check_rules"]

log = logging.getLogger("hutan_geo")


@dataclass(frozen=True)
class RuleCheck:
    """Result of checking hazards against distance rules.

    Attributes
    ----------
    violations
        One row per (hazard, school, rule) hit: ``hazard_id``, ``category``,
        ``description``, ``severity``, ``status``, ``is_open``, ``school_id``,
        ``school_name``, ``level``, ``rule_id``, ``rule`` (its name), ``kind``
        (``prohibited``: a violation; ``zone``: inside a zone where the
        standard applies), ``distance_m`` (measured), ``limit_m``,
        ``measure`` (code), ``measured`` (how, in words), ``measured_from``
        (``campus``; ``gate_fallback`` when a boundary rule had no campus
        polygon and measured from the gates; the gate's name for gate, walk
        and road rules), ``campus_missing``,
        ``source`` (legal source text), ``note``.
    by_rule
        One row per rule: ``rule_id``, ``rule``, ``checked``, ``reason``
        (why not, e.g. no road network), ``n_matching_hazards``, ``n_hits``,
        ``n_hazards_hit``, ``n_schools_hit``, ``n_candidates`` (hazards within
        the limit in straight line from a gate: for unchecked network rules,
        what a survey would have to verify), ``n_unmeasured`` (candidates
        too far from any road to measure along roads).
    skipped
        Hazards without a location.
    rules
        The rules table used.
    """

    violations: pd.DataFrame
    by_rule: pd.DataFrame
    skipped: pd.DataFrame
    rules: pd.DataFrame


_VIOLATION_COLUMNS = [
    "hazard_id",
    "category",
    "description",
    "severity",
    "status",
    "is_open",
    "school_id",
    "school_name",
    "level",
    "rule_id",
    "rule",
    "kind",
    "distance_m",
    "limit_m",
    "measure",
    "measured",
    "measured_from",
    "campus_missing",
    "source",
    "note",
]
_BY_RULE_COLUMNS = [
    "rule_id",
    "rule",
    "checked",
    "reason",
    "n_matching_hazards",
    "n_hits",
    "n_hazards_hit",
    "n_schools_hit",
    "n_candidates",
    "n_unmeasured",
]
_RULE_COLUMNS_NEEDED = ("rule_id", "category", "match", "facility", "distance_m", "measure")


@dataclass(frozen=True)
class _Context:
    """What every rule is checked against: placed hazards, sites, network distances, threads, language."""

    placed: gpd.GeoDataFrame
    sites: SchoolSites
    network: NetworkPairs | None
    n_jobs: int
    lang: str


def _hits(
    ctx: _Context, rule: pd.Series, hz_mask: np.ndarray, school_mask: np.ndarray, row: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the hits of one rule: positions within the matching hazards, school positions, distances, measured from.

    Fills ``row`` (the rule's ``by_rule`` row) with what the measure tells:
    candidates and unmeasured hazards for network rules, or why the rule
    was not checked.
    """
    sites, limit, measure = ctx.sites, float(rule["distance_m"]), rule["measure"]
    sub = ctx.placed[hz_mask]
    if measure == "boundary":
        hi, si, d = site_pairs(sub, sites, limit, school_mask=school_mask, n_jobs=ctx.n_jobs)
        return hi, si, d, np.where(sites.schools["campus_missing"].to_numpy()[si], "gate_fallback", "campus")
    if measure not in NETWORK_MEASURES:
        hi, si, d, gi = gate_pairs(sub, sites, limit, school_mask=school_mask, n_jobs=ctx.n_jobs)
        return hi, si, d, sites.gates["gate_name"].to_numpy()[gi]
    hi, si, _, _ = gate_pairs(sub, sites, limit, school_mask=school_mask, n_jobs=ctx.n_jobs)
    row["n_candidates"] = len(np.unique(hi))
    if ctx.network is None:
        row["checked"] = False
        row["reason"] = tr("an.rule_needs_network", ctx.lang)
        empty = np.empty(0, np.intp)
        return empty, empty, np.empty(0), np.empty(0, dtype=object)
    sub_pos = np.flatnonzero(hz_mask)
    hi, si, d, gi, row["n_unmeasured"] = ctx.network.rule_pairs(sub_pos, limit, school_mask, measure)
    hi = np.searchsorted(sub_pos, hi)  # positions within the matching hazards
    return hi, si, d, sites.gates["gate_name"].to_numpy()[gi]


def _violations(
    ctx: _Context, rule: pd.Series, name: str, hpos: np.ndarray, si: np.ndarray, d: np.ndarray, frm: np.ndarray
) -> pd.DataFrame:
    """Return the violation rows of one rule's hits (hazard positions ``hpos`` in the placed hazards)."""
    placed, sch, i = ctx.placed, ctx.sites.schools, lang_index(ctx.lang)
    status = placed["status"] if "status" in placed else pd.Series([None] * len(placed))
    return pd.DataFrame(
        {
            "hazard_id": placed["hazard_id"].to_numpy()[hpos],
            "category": placed["category"].to_numpy()[hpos],
            "description": placed["description"].to_numpy()[hpos] if "description" in placed else None,
            "severity": placed["severity"].to_numpy()[hpos] if "severity" in placed else None,
            "status": status.to_numpy()[hpos],
            "is_open": open_mask(placed)[hpos],
            "school_id": sch["school_id"].to_numpy()[si],
            "school_name": sch["name"].to_numpy()[si],
            "level": sch["level"].to_numpy()[si],
            "rule_id": rule["rule_id"],
            "rule": name,
            "kind": rule.get("kind", "prohibited"),
            "distance_m": d,
            "limit_m": float(rule["distance_m"]),
            "measure": rule["measure"],
            "measured": MEASURES.labels[rule["measure"]][i],
            "measured_from": frm,
            "campus_missing": sch["campus_missing"].to_numpy()[si],
            "source": rule["source"] if i == 0 else rule.get("source_en", rule["source"]),
            "note": rule.get("note_zh", "") if i == 0 else rule.get("note_en", ""),
        }
    )


def check_rules(
    hazards: gpd.GeoDataFrame,
    sites: SchoolSites | gpd.GeoDataFrame,
    rules: pd.DataFrame | None = None,
    *,
    network: RoadNetwork | None = None,
    lang: str = "zh",
    n_jobs: int | None = 1,
) -> RuleCheck:
    """Check every placed hazard against distance rules; list each hit with its rule and legal source.

    Parameters
    ----------
    hazards, sites
        As for :func:`~hutan_geo.analysis.proximity.hazards_within`.
    rules
        A rules table from :func:`hutan_geo.analysis.rules.load_rules` /
        :func:`~hutan_geo.analysis.rules.merge_rules`; default: the enabled rules
        shipped with the package.
    network
        A :class:`hutan_geo.network.RoadNetwork`, needed by ``walk`` and
        ``road`` rules. Without it those rules are not checked: ``by_rule``
        says so and counts the straight-line candidates.
    lang
        Language of ``rule``, ``measured``, ``source`` and ``note``.
    n_jobs
        Threads for the straight-line queries; ``None`` = all cores.

    Examples
    --------
    >>> from hutan_geo.analysis import SchoolSites
    >>> from hutan_geo.demo import load_demo
    >>> demo = load_demo()
    >>> check = check_rules(demo.hazards, SchoolSites.from_district(demo))
    >>> hit = check.violations.query("hazard_id == 'YH2026-0128'")
    >>> hit[["school_name", "rule_id", "limit_m"]].values.tolist()
    [['城关中学', 'internet_cafe_200', 200.0]]
    """
    lang_index(lang)
    sites = as_sites(sites)
    jobs = check_n_jobs(n_jobs)
    rules = load_rules() if rules is None else rules
    missing = [c for c in _RULE_COLUMNS_NEEDED if c not in rules]
    if missing:
        msg = f"rules lack columns {missing}; build them with hutan_geo.analysis.rules.load_rules or merge_rules"
        raise InputError(msg)
    placed, skipped = split_placed(hazards, sites.crs, lang=lang)
    pairs = None if network is None else NetworkPairs(check_network(network), placed, sites)
    ctx = _Context(placed, sites, pairs, jobs, lang)
    levels = sites.schools["level"].to_numpy()
    parts: list[pd.DataFrame] = []
    summary: list[dict[str, Any]] = []
    for _, rule in rules.iterrows():
        hz_mask = match_hazards(placed, rule)
        school_mask = np.isin(levels, list(facility_levels(rule["facility"])))
        name = pick((rule["name_zh"], rule["name_en"]), lang)
        row: dict[str, Any] = {
            "rule_id": rule["rule_id"],
            "rule": name,
            "checked": True,
            "reason": "",
            "n_matching_hazards": int(hz_mask.sum()),
            "n_candidates": 0,
            "n_unmeasured": 0,
        }
        hi, si, d, frm = _hits(ctx, rule, hz_mask, school_mask, row)
        row["n_hits"] = len(hi)
        row["n_hazards_hit"] = len(np.unique(hi))
        row["n_schools_hit"] = len(np.unique(si))
        summary.append(row)
        if len(hi):
            parts.append(_violations(ctx, rule, name, np.flatnonzero(hz_mask)[hi], si, d, frm))
    violations = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype=float if c.endswith("_m") else object) for c in _VIOLATION_COLUMNS})
    )
    by_rule = pd.DataFrame(summary, columns=_BY_RULE_COLUMNS)
    if not by_rule["checked"].all():
        log.warning(
            "rules %s measure along roads and were not checked: pass network=",
            ", ".join(by_rule.loc[~by_rule["checked"], "rule_id"]),
        )
    return RuleCheck(violations, by_rule, skipped, rules)
