"""Interactive maps (folium) of a district, for screens and for meetings offline.

They draw what the analysis returns and decide nothing. Builders follow the
``GeoDataFrame.explore()`` mould: they take ``m=None`` (a new map fitted to the
data), add their layers and return the map, so they chain:
``add_hazards(hz, add_schools(sc, add_roads(roads)))``.

- **Layers** (:mod:`~hutan_geo.maps.layers`): :func:`add_boundaries`,
  :func:`add_roads` (the road network as a vector basemap), :func:`add_schools`
  (by level, with campus polygons), :func:`add_zones` / :func:`add_rings`,
  :func:`add_hazards` (by category, colour and icon, closed ones faded,
  canvas-drawn or clustered, searchable), :func:`add_heatmap`,
  :func:`add_stations`.
- **Patrols** (:mod:`~hutan_geo.maps.routes`): :func:`add_patrol_routes`,
  :func:`add_isochrones`, :func:`add_coverage`; a patrol plan
  (:mod:`~hutan_geo.maps.patrol`): :func:`add_patrol_plan` (routes with
  numbered stops, one colour per unit) and :func:`add_unserved` (schools left
  out, with the reason).
- **Coverage** (:mod:`~hutan_geo.maps.coverage`): :func:`add_patrol_coverage`
  (schools by post / car / not covered), :func:`add_response_coverage`
  (response bands), :func:`add_moving_gaps` (schools uncovered at the worst
  minute), :func:`add_siting` (current posts, LSCP and MCLP sites, gates).
- **Security** (:mod:`~hutan_geo.maps.security`): :func:`add_security`
  (schools coloured by their number of security gaps, the gaps in the popup).
- **Student routes** (:mod:`~hutan_geo.maps.student_routes`):
  :func:`add_student_routes` (routes coloured by risk, hazards on them,
  main-road crossings, villages with no bus stop within reach).
- **Register** (:mod:`~hutan_geo.maps.register`): :func:`add_register`
  (hazards by loop stage, overdue ones ringed, history in the popup).
- **Controls** (:mod:`~hutan_geo.maps.controls`): :func:`add_layer_control`
  (grouped by theme), :func:`add_category_legend` / :func:`add_legend`,
  :func:`add_map_controls` (fullscreen, measure, minimap; the scale bar comes
  with :func:`base_map`).
- **Basemaps** (:mod:`~hutan_geo.maps.basemaps`: :class:`Basemap`,
  :func:`base_map`, :func:`add_basemap`): none (the offline default),
  OpenStreetMap, Gaode (GCJ-02: every layer is shifted to GCJ-02 for display
  and the map says so), Tianditu (a key is needed), any XYZ URL with its
  attribution. A map never mixes datums.
- **Title block** (:mod:`~hutan_geo.maps.title`): :func:`add_title_block`
  (district, what the map shows, data as of, and a marking such as 内部资料
  for the meeting packet and slides).
- **Overview and export** (:mod:`~hutan_geo.maps.overview`):
  :func:`overview_map`, :func:`export_html` (one self-contained offline file,
  see :mod:`hutan_geo.export.offline`) and :func:`export_png` (headless
  Chromium).

Safety: every user string shown in a popup, tooltip, layer name or legend
goes through :func:`safe_text`. folium 0.20 puts popup and tooltip HTML inside
JavaScript template literals, so HTML escaping alone would still let
``${...}`` run; :func:`safe_text` also turns ``$``, backticks and backslashes
into entities. The compact layers built here (hazard points, vector layers)
go further: their popups are built from text nodes, so no user text is ever
parsed as HTML.
"""

from hutan_geo._i18n import Lang
from hutan_geo.export.browser import export_png
from hutan_geo.export.offline import export_html
from hutan_geo.maps._safe import safe_text
from hutan_geo.maps.basemaps import BASEMAPS, Basemap, add_basemap, base_map, display_datum
from hutan_geo.maps.controls import add_category_legend, add_layer_control, add_legend, add_map_controls
from hutan_geo.maps.coverage import add_moving_gaps, add_patrol_coverage, add_response_coverage, add_siting
from hutan_geo.maps.layers import (
    add_boundaries,
    add_hazards,
    add_heatmap,
    add_rings,
    add_roads,
    add_schools,
    add_stations,
    add_zones,
)
from hutan_geo.maps.overview import overview_map
from hutan_geo.maps.patrol import add_patrol_plan, add_unserved
from hutan_geo.maps.register import STAGE_COLOURS, add_register
from hutan_geo.maps.routes import add_coverage, add_isochrones, add_patrol_routes
from hutan_geo.maps.security import SECURITY_COLOURS, add_security, security_bucket
from hutan_geo.maps.student_routes import ROUTE_RISK_COLOURS, add_student_routes
from hutan_geo.maps.styles import CATEGORY_COLOURS, CATEGORY_ICONS, LEVEL_COLOURS, UNIT_COLOURS
from hutan_geo.maps.title import DEFAULT_MARKING, TitleBlock, add_title_block

__all__ = [
    "BASEMAPS",
    "CATEGORY_COLOURS",
    "CATEGORY_ICONS",
    "DEFAULT_MARKING",
    "LEVEL_COLOURS",
    "ROUTE_RISK_COLOURS",
    "SECURITY_COLOURS",
    "STAGE_COLOURS",
    "UNIT_COLOURS",
    "Basemap",
    "Lang",
    "TitleBlock",
    "add_basemap",
    "add_boundaries",
    "add_category_legend",
    "add_coverage",
    "add_hazards",
    "add_heatmap",
    "add_isochrones",
    "add_layer_control",
    "add_legend",
    "add_map_controls",
    "add_moving_gaps",
    "add_patrol_coverage",
    "add_patrol_plan",
    "add_patrol_routes",
    "add_register",
    "add_response_coverage",
    "add_rings",
    "add_roads",
    "add_schools",
    "add_security",
    "add_siting",
    "add_stations",
    "add_student_routes",
    "add_title_block",
    "add_unserved",
    "add_zones",
    "base_map",
    "display_datum",
    "export_html",
    "export_png",
    "overview_map",
    "safe_text",
    "security_bucket",
]
