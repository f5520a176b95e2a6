"""Road network: graph building, snapping, travel-time matrices, paths, service areas.

A :class:`RoadNetwork` is built from the district's road layer
(:func:`network_from_roads`), an OpenStreetMap extract (:func:`network_from_osm`,
``.osm.pbf`` or ``.osm`` XML), an osmnx GraphML file
(:func:`network_from_graphml`) or an osmnx download (:func:`network_from_place`).
Roads are split at every vertex they share (junctions), one-way roads give one
directed edge and two-way roads two; every edge carries its geodesic length,
its speed and a travel time per time-of-day profile (:data:`PROFILES`), plus a
walking time (walking ignores one-way rules and keeps off national highways).
Speeds and congestion factors per road class: :class:`NetworkParams`.

Points (school gates, hazards, stations, candidate posts) are snapped to the
nearest road at their projected point (:func:`snap_points`); points farther
than ``max_snap_m`` are flagged, never silently snapped. Travel times are exact
at the projected point: leaving it you pay the part of its edge up to the next
junction, and two points on the same edge are joined along it when the
direction allows.

:func:`travel_time_matrix` runs :func:`scipy.sparse.csgraph.dijkstra` from all
origins of a chunk at once (memory bounded by ``chunk_size``);
:class:`DistanceService` snaps each named point set once and serves matrices
and pair distances; :func:`shortest_path` gives node lists and line geometries
(:class:`NetworkPath`); :func:`service_areas` the area reachable within given
times (polygons from the reachable road pieces); :func:`largest_scc` and
:func:`connectivity_report` diagnose disconnected parts.

Modules, in import order: ``_core`` (native helpers: OSM parsing, noding,
geodesic lengths, sparse graphs), ``params``, ``graph`` (the network, mode
graphs, assembling), ``build``, ``snapping``, ``contract`` (contracted core
graphs for matrices), ``distance``, ``routing``, ``reach``.
"""

from hutan_geo.model.roads import DEFAULT_CONGESTION, DEFAULT_SPEED_KPH, MODES, OSM_HIGHWAY_CLASSES, PROFILES
from hutan_geo.network.build import (
    network_from_graphml,
    network_from_osm,
    network_from_place,
    network_from_roads,
    to_networkx,
    write_graphml,
)
from hutan_geo.network.distance import DistanceService, TravelMatrix, travel_time_matrix
from hutan_geo.network.graph import RoadNetwork
from hutan_geo.network.params import NetworkParams
from hutan_geo.network.reach import connectivity_report, largest_scc, service_areas
from hutan_geo.network.routing import NetworkPath, shortest_path
from hutan_geo.network.snapping import snap_points

__all__ = [
    "DEFAULT_CONGESTION",
    "DEFAULT_SPEED_KPH",
    "MODES",
    "OSM_HIGHWAY_CLASSES",
    "PROFILES",
    "DistanceService",
    "NetworkParams",
    "NetworkPath",
    "RoadNetwork",
    "TravelMatrix",
    "connectivity_report",
    "largest_scc",
    "network_from_graphml",
    "network_from_osm",
    "network_from_place",
    "network_from_roads",
    "service_areas",
    "shortest_path",
    "snap_points",
    "to_networkx",
    "travel_time_matrix",
    "write_graphml",
]
