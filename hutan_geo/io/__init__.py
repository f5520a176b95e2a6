"""Reading, validating and writing the user's tables; the District.

Parts, in import order: :mod:`~hutan_geo.io.cells` (formula quotes in and out),
:mod:`~hutan_geo.io.parsers` (one cell value),
:mod:`~hutan_geo.io.checks` (row checks), :mod:`~hutan_geo.io.validate`
(a whole table), :mod:`~hutan_geo.io.sources` (broken quotes, two-row
headers, Shapefile encodings), :mod:`~hutan_geo.io.fastcsv` (plain CSV
bodies read by pyarrow), :mod:`~hutan_geo.io.readers` (files and loaders),
:mod:`~hutan_geo.io.export` (tables for planners),
:mod:`~hutan_geo.io.district` (a district folder).
"""

from hutan_geo.io.cells import restore_cell, restore_cells
from hutan_geo.io.district import LAYOUT, District, load_district
from hutan_geo.io.export import (
    EXTRA_COLUMNS,
    FORMULA_START,
    export_frame,
    plain_frame,
    safe_cell,
    safe_cells,
    vocab_labels,
    write_csv_text,
    write_sheets,
    write_table,
    yes_no,
)
from hutan_geo.io.readers import (
    EXCEL_SUFFIXES,
    SPATIAL_SUFFIXES,
    TABLE_SUFFIXES,
    RawTable,
    decode_text,
    load,
    load_boundaries,
    load_bus_stops,
    load_campuses,
    load_frame,
    load_gates,
    load_guard_posts,
    load_hazards,
    load_places,
    load_residences,
    load_roads,
    load_schools,
    load_security,
    load_stations,
    read_raw,
)
from hutan_geo.io.validate import REGIONS, LoadResult, map_headers, reason_label, validate_table

__all__ = [
    "EXCEL_SUFFIXES",
    "EXTRA_COLUMNS",
    "FORMULA_START",
    "LAYOUT",
    "REGIONS",
    "SPATIAL_SUFFIXES",
    "TABLE_SUFFIXES",
    "District",
    "LoadResult",
    "RawTable",
    "decode_text",
    "export_frame",
    "load",
    "load_boundaries",
    "load_bus_stops",
    "load_campuses",
    "load_district",
    "load_frame",
    "load_gates",
    "load_guard_posts",
    "load_hazards",
    "load_places",
    "load_residences",
    "load_roads",
    "load_schools",
    "load_security",
    "load_stations",
    "map_headers",
    "plain_frame",
    "read_raw",
    "reason_label",
    "restore_cell",
    "restore_cells",
    "safe_cell",
    "safe_cells",
    "validate_table",
    "vocab_labels",
    "write_csv_text",
    "write_sheets",
    "write_table",
    "yes_no",
]
