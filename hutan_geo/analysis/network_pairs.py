"""Distances along the road network between hazards and school gates, for rules and nearest schools.

Two measures: ``walk`` (door to gate on foot) and ``road`` (along the road
between where gate and hazard meet it). The network part snaps and routes
(:class:`hutan_geo.network.DistanceService`: each point set snapped once per
mode); what a measure means (the snapping offsets of a walk, the shorter
direction of a road distance) and which pairs are routed at all (the
straight-line lower bound) is decided here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hutan_geo.analysis.kernel import nearest_gate_per_school, pairs_within
from hutan_geo.errors import InputError
from hutan_geo.network import DistanceService, RoadNetwork

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from hutan_geo.analysis.sites import SchoolSites

__all__ = ["NetworkPairs", "check_network"]


def check_network(network: object) -> RoadNetwork:
    """Return ``network`` if it is a :class:`hutan_geo.network.RoadNetwork`.

    Raises
    ------
    InputError
        Anything else, with how to build one.
    """
    if not isinstance(network, RoadNetwork):
        msg = (
            f"network must be a hutan_geo.network.RoadNetwork (e.g. network_from_roads(demo.roads)); "
            f"got {type(network).__name__}"
        )
        raise InputError(msg)
    return network


class NetworkPairs:
    """Network distances between placed hazards and school gates, snapping each point once per mode.

    ``walk``: walking distance door to gate: hazard to its nearest walkable
    road (straight), along roads (walking graph: both directions, no national
    highways), road to the gate; never shorter than the straight line from
    the gate. ``road``: distance along the road between the points where the
    gate and the hazard meet the road (driving graph, free flow, the shorter
    of the two directions, so one-way streets count both ways); the hazard
    must lie within the network's snapping limit of a road.

    Parameters
    ----------
    network
        The road network.
    placed
        The placed hazards (the sites' metric CRS), positions as in
        :func:`~hutan_geo.analysis.hazards.split_placed`.
    sites
        The school sites whose gates are measured to.
    """

    def __init__(self, network: RoadNetwork, placed: gpd.GeoDataFrame, sites: SchoolSites) -> None:
        self.net = network
        self.placed = placed
        self.sites = sites
        self.service = DistanceService(network)
        self.service.add("hazards", placed)
        self.service.add("gates", sites.gates)

    def hazard_snap(self, mode: str) -> pd.DataFrame:
        """Return the hazards snapped to the ``mode`` network (``snapped``, ``snap_dist_m`` ...), once per mode."""
        return self.service.snaps("hazards", mode=mode)

    def pair_dist(self, hi: np.ndarray, gi: np.ndarray, measure: str) -> np.ndarray:
        """Return the network distance of each (hazard position, gate position) pair; nan when not measurable.

        ``walk`` adds the two snapping offsets (hazard to its road, road to
        the gate) to the distance along the walking graph; ``road`` takes the
        shorter direction on the driving graph at free flow.
        """
        mode = "walk" if measure == "walk" else "drive"
        out = self.service.pair_distances("gates", gi, "hazards", hi, mode=mode, both_directions=measure == "road")
        if measure == "walk":
            # this order of additions (out += a + b) is the one the results were fixed with
            out += (
                self.service.snaps("hazards", mode="walk")["snap_dist_m"].to_numpy(float)[hi]
                + self.service.snaps("gates", mode="walk")["snap_dist_m"].to_numpy(float)[gi]
            )
        return out

    def rule_pairs(
        self, hazard_pos: np.ndarray, limit: float, school_mask: np.ndarray, measure: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """Return (hazard pos, school pos, distance, gate pos, hazards not measurable) within ``limit`` along roads.

        Only the gates of the schools in ``school_mask`` count, and only
        pairs within reach in a straight line are routed; of each (hazard,
        school), the nearest gate is kept.
        """
        gates = self.sites.gates
        gpos = gates["school_pos"].to_numpy()
        gsel = np.flatnonzero(school_mask[gpos])
        # straight line from the gate is a lower bound of the walking distance (road lengths are geodesic,
        # the straight line is in the map projection: 0.5 % covers its scale error); along the road, the
        # two snapping offsets may add up to twice the snapping limit
        reach = 1.005 * limit if measure == "walk" else 1.005 * limit + 2 * float(self.net.params.max_snap_m)
        geoms = self.placed.geometry.to_numpy()[hazard_pos]
        hi, gi, _ = pairs_within(geoms, gates.geometry.to_numpy()[gsel], reach)
        hi, gi = hazard_pos[hi], gsel[gi]
        d = self.pair_dist(hi, gi, measure)
        unmeasured = len(np.setdiff1d(hi[~np.isfinite(d)], hi[np.isfinite(d)]))
        keep = np.isfinite(d) & (d <= limit)
        hi, gi, d = hi[keep], gi[keep], d[keep]
        hi, si, d, gi = nearest_gate_per_school(hi, gpos[gi], d, gi)
        return hi, si, d, gi, unmeasured
