"""The end-to-end pipeline: a district in, tables, maps and a GeoPackage out.

Two kinds of functions live here, kept apart:

- functions that compute and **return data** (frames, maps, small frozen
  dataclasses) and write nothing: :func:`open_district`, :func:`run_analysis`,
  :func:`district_tables`, :func:`analysis_tables`, :func:`analysis_map`;
- **steps** that write files: each takes a :class:`Run` (the district, the
  output folder, the language) and returns :class:`Outputs` (what it wrote,
  with a label, and the lines to tell the user). :data:`STEPS` lists them in
  order and :func:`write_outputs` runs them.

A new stage (patrols, coverage, register, meeting packet) is one more
function that returns data plus one more :class:`Step` appended to
:data:`STEPS`; the command line prints whatever the steps return.

The modules, in import order:

- :mod:`~hutan_geo.pipeline.outputs`: :class:`Written`, :class:`Table`, :class:`Outputs`, the map
  :class:`Heading` (title block) and :func:`map_png`;
- :mod:`~hutan_geo.pipeline.patrols`: :func:`plan_district_patrols` returns the
  checked plan of a window (or the whole day) under a :class:`PatrolBudget`,
  :func:`patrol_map` draws it, :func:`write_patrol_plan` writes the duty
  roster (Excel, printable HTML), GeoJSON, GPX, KML and the offline map;
- :mod:`~hutan_geo.pipeline.district`: loading, the analysis, the :class:`Run`
  the steps share (its :attr:`Run.patrol_plan` is planned once) and the
  district steps;
- :mod:`~hutan_geo.pipeline.coverage`: :func:`coverage_for_district` (patrol
  coverage, response bands, minute by minute, guard-post siting of one
  window), :func:`coverage_map` and :func:`write_coverage_report`
  (覆盖情况.xlsx, two charts, 覆盖分析.html);
- :mod:`~hutan_geo.pipeline.steps`: :data:`STEPS`, :data:`DEMO_STEPS`
  (:data:`STEPS` plus the morning patrols at the short, deterministic budget
  :data:`DEMO_PATROL`, their coverage, and the hazard register with its
  campaign report) and :func:`write_outputs`;
- :mod:`~hutan_geo.pipeline.register`: a register built from a district's
  hazards (:func:`register_from_hazards`), its report written
  (:func:`register_outputs`) and the step :func:`write_register`;
- :mod:`~hutan_geo.pipeline.security`: :func:`security_for_district` (each
  school's security profile against the norms), :func:`security_inspections`
  and :func:`write_security` (安保达标情况.xlsx, 安全达标.html; ``hutan-geo security``,
  not a step of ``make demo``);
- :mod:`~hutan_geo.pipeline.student_routes`: :func:`student_routes_for_district`
  (walking routes from gates to residences, on a network where students may walk
  along highways, and the bus access of remote villages: a :class:`RouteCheck`),
  :func:`student_routes_map` and :func:`write_student_routes` (上下学路线.xlsx,
  上下学路线.html; ``hutan-geo routes``, not a step of ``make demo``);
- :mod:`~hutan_geo.pipeline.zones`: the hazard tables per school and per
  township (:func:`zone_tables`) and the step :func:`write_zones` (``hutan-geo zones``);
- :mod:`~hutan_geo.pipeline.packet`: the meeting packet (:func:`write_packet`:
  every map with a title block and its PNG, the tables, the rectification
  report, an ``index.html`` that links them), and the demo's
  :func:`write_demo_packet` (``hutan-geo demo`` writes it into ``<out>/packet``).

The pipeline imports only the public names of the parts below it
(``io``, ``geocode``, ``network``, ``analysis``, ``maps``, ``export``,
``demo``) and is imported only by the command line and notebooks.

Examples
--------
>>> [step.name for step in STEPS]
['tables', 'geopackage', 'overview_map', 'analysis', 'overview_png']
>>> [step.name for step in DEMO_STEPS][-3:]
['patrols', 'coverage', 'register']
"""

from hutan_geo import export
from hutan_geo.pipeline.coverage import (
    COVERAGE_LIMITS_MIN,
    CoverageResult,
    coverage_for_district,
    coverage_map,
    write_coverage,
    write_coverage_report,
)
from hutan_geo.pipeline.district import (
    PNG_SIZE,
    RESPONSE_LIMITS_S,
    RESPONSE_PROFILE,
    RING_DISTANCES_M,
    TABLE_LAYERS,
    AnalysisResult,
    Run,
    Validation,
    analysis_map,
    analysis_tables,
    district_tables,
    open_district,
    run_analysis,
    validate_file,
    write_analysis,
    write_geopackage,
    write_overview_map,
    write_overview_png,
    write_tables,
)
from hutan_geo.pipeline.outputs import Heading, Outputs, Table, Written, map_png, titled
from hutan_geo.pipeline.packet import (
    MAP_KINDS,
    PACKET_INDEX,
    PACKET_WINDOWS,
    Section,
    data_as_of,
    district_name,
    write_demo_packet,
    write_index,
    write_maps,
    write_packet,
    write_packet_run,
)
from hutan_geo.pipeline.patrols import (
    DEMO_PATROL,
    PATROL_WINDOWS,
    PatrolBudget,
    patrol_kpi_lines,
    patrol_map,
    plan_district_patrols,
    write_patrol_plan,
    write_patrols,
)
from hutan_geo.pipeline.register import (
    DEMO_REGISTER_TODAY,
    DEMO_TEAM_SIZE,
    build_register_report,
    register_from_hazards,
    register_outputs,
    write_register,
)
from hutan_geo.pipeline.security import (
    INSPECTIONS_PER_SEMESTER,
    inspection_minimum,
    security_for_district,
    security_headline,
    security_inspections,
    security_map,
    security_norms,
    security_tables,
    write_security,
)
from hutan_geo.pipeline.steps import DEMO_STEPS, STEPS, Step, write_outputs
from hutan_geo.pipeline.student_routes import (
    RouteCheck,
    student_routes_for_district,
    student_routes_headline,
    student_routes_map,
    student_routes_tables,
    write_student_routes,
)
from hutan_geo.pipeline.zones import ZONE_DISTANCE_M, write_zones, zone_tables

__all__ = [
    "COVERAGE_LIMITS_MIN",
    "DEMO_PATROL",
    "DEMO_REGISTER_TODAY",
    "DEMO_STEPS",
    "DEMO_TEAM_SIZE",
    "INSPECTIONS_PER_SEMESTER",
    "MAP_KINDS",
    "PACKET_INDEX",
    "PACKET_WINDOWS",
    "PATROL_WINDOWS",
    "PNG_SIZE",
    "RESPONSE_LIMITS_S",
    "RESPONSE_PROFILE",
    "RING_DISTANCES_M",
    "STEPS",
    "TABLE_LAYERS",
    "ZONE_DISTANCE_M",
    "AnalysisResult",
    "CoverageResult",
    "Heading",
    "Outputs",
    "PatrolBudget",
    "RouteCheck",
    "Run",
    "Section",
    "Step",
    "Table",
    "Validation",
    "Written",
    "analysis_map",
    "analysis_tables",
    "build_register_report",
    "coverage_for_district",
    "coverage_map",
    "data_as_of",
    "district_name",
    "district_tables",
    "export",
    "inspection_minimum",
    "map_png",
    "open_district",
    "patrol_kpi_lines",
    "patrol_map",
    "plan_district_patrols",
    "register_from_hazards",
    "register_outputs",
    "run_analysis",
    "security_for_district",
    "security_headline",
    "security_inspections",
    "security_map",
    "security_norms",
    "security_tables",
    "student_routes_for_district",
    "student_routes_headline",
    "student_routes_map",
    "student_routes_tables",
    "titled",
    "validate_file",
    "write_analysis",
    "write_coverage",
    "write_coverage_report",
    "write_demo_packet",
    "write_geopackage",
    "write_index",
    "write_maps",
    "write_outputs",
    "write_overview_map",
    "write_overview_png",
    "write_packet",
    "write_packet_run",
    "write_patrol_plan",
    "write_patrols",
    "write_register",
    "write_security",
    "write_student_routes",
    "write_tables",
    "write_zones",
    "zone_tables",
]
