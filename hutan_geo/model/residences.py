"""Where students live (rental clusters, villages) and the bus stops serving remote schools.

``residences``: one row per place a school's students walk home to, with the
school (学校编号), the kind (出租屋 rental cluster or 村庄 village), a name,
the number of the school's students living there and a point.
``bus_stops``: one row per stop of the county bus lines (农村客运班线), with
the lines serving it (several separated by ``;``, ``；``, ``、`` or ``,``).

Importing this module registers :data:`RESIDENCES` and :data:`BUS_STOPS` in
:data:`hutan_geo.model.schema.SPECS`.

Examples
--------
>>> from hutan_geo.model.schema import spec_for
>>> spec_for("residences").column("students").zh, spec_for("bus_stops").column("routes").zh
('学生人数', '线路')
"""

from __future__ import annotations

from hutan_geo.model.schema import SPECS, Column, DatasetSpec, Vocab, _location_columns

__all__ = ["BUS_STOPS", "RESIDENCES", "RESIDENCE_KINDS"]

#: Kinds of residence: a cluster of rented rooms (出租屋) or a village (村庄).
RESIDENCE_KINDS = Vocab(
    "residence_kind",
    {"rental": ("出租屋", "rental rooms"), "village": ("村庄", "village")},
    {
        "rental": ("租房", "出租房", "出租屋片区", "租住", "rental", "rented rooms"),
        "village": ("村", "行政村", "自然村", "村组", "village"),
    },
)

RESIDENCES = DatasetSpec(
    "residences",
    "学生居住点",
    "student residences",
    (
        Column("residence_id", "id", "居住点编号", "residence id", ("编号", "id")),
        Column("school_id", "text", "学校编号", "school id", ("学校代码", "学校标识码"), required=True),
        Column("kind", "vocab", "居住类型", "kind", ("类型", "居住方式", "类别"), vocab=RESIDENCE_KINDS),
        Column("name", "text", "名称", "name", ("居住点名称", "村名", "地名", "place")),
        Column(
            "students",
            "int",
            "学生人数",
            "students",
            ("人数", "学生数", "居住学生数", "students"),
            required=True,
            min_value=0,
        ),
        *_location_columns(address=False),
    ),
    geometry="point",
    id_column="residence_id",
    id_prefix="RS",
    required_any=(("lon", "coordinates"),),
)

BUS_STOPS = DatasetSpec(
    "bus_stops",
    "公交站点",
    "bus stops",
    (
        Column("stop_id", "id", "站点编号", "stop id", ("编号", "站点代码", "id")),
        Column("name", "text", "站点名称", "name", ("站名", "名称", "站点")),
        Column("routes", "text", "线路", "routes", ("班线", "公交线路", "途经线路", "route")),
        *_location_columns(address=False),
    ),
    geometry="point",
    id_column="stop_id",
    id_prefix="BS",
    required_any=(("lon", "coordinates"),),
)

SPECS[RESIDENCES.kind] = RESIDENCES
SPECS[BUS_STOPS.kind] = BUS_STOPS
