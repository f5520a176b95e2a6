"""Reading, validating and writing the user's tables; the District."""

from hutan_geo.io.district import (
    LAYOUT,
    District,
    load_district,
)
from hutan_geo.io.readers import (
    EXCEL_SUFFIXES,
    SPATIAL_SUFFIXES,
    TABLE_SUFFIXES,
    RawTable,
    decode_text,
    export_frame,
    load,
    load_boundaries,
    load_campuses,
    load_frame,
    load_gates,
    load_guard_posts,
    load_hazards,
    load_places,
    load_roads,
    load_schools,
    load_stations,
    read_raw,
    write_table,
)
from hutan_geo.io.validate import (
    LoadResult,
)

__all__ = [
    "EXCEL_SUFFIXES",
    "LAYOUT",
    "SPATIAL_SUFFIXES",
    "TABLE_SUFFIXES",
    "District",
    "LoadResult",
    "RawTable",
    "decode_text",
    "export_frame",
    "load",
    "load_boundaries",
    "load_campuses",
    "load_district",
    "load_frame",
    "load_gates",
    "load_guard_posts",
    "load_hazards",
    "load_places",
    "load_roads",
    "load_schools",
    "load_stations",
    "read_raw",
    "write_table",
]
