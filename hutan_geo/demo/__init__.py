"""The deterministic generator of the fictional demo district 青岚县 (虚构示例数据).

The demo district is a made-up county in hilly south-central China (about
lon 113.2-113.5, lat 27.55-27.75). Everything is generated in metres in
UTM zone 49N (EPSG:32649) from one seeded :class:`numpy.random.Generator`
and converted to WGS84 at the end, so the same seed always gives the same
frames and, through :func:`write_demo_files`, the same bytes on disk.

What is in it
-------------
- A county seat of about 8 x 6 km: an old-town core of short irregular
  blocks around the county government, the national highway G207 along the
  western edge of town with few junctions, five arterials, collectors and
  local streets (a few one-way streets in the old town), the river 青岚河
  crossed by exactly three bridges, a newer district south of the river.
- Three townships (龙岗镇, 石桥镇, 白沙乡) 11-13 km out, each with a small
  street grid, joined by county roads (县道 X1xx) and village roads (村道).
- About 60 schools of every level with campus polygons and gates, police
  stations, precincts, existing 护学岗 guard posts, villages and points of
  interest, and 140 hazard records written the way inspectors write them,
  with a ground-truth table.

Road classes and speeds (km/h): ``national_highway`` 60, ``arterial`` 50,
``collector`` 40, ``local`` 30, ``county_road`` 60, ``village_road`` 30.
The network is noded: every feature runs between two junctions (or to a
dead end), features meet only at shared end points, and one-way features are
digitised in the direction of travel.

House numbers in addresses such as ``人民路128号`` follow one simple model:
along a named road (its pieces merged, in digitising order) numbers rise by
two every 20 m, odd on the left-hand side, even on the right-hand side. The
true point of every hazard is in the truth table regardless.

The ``scale`` knob replicates the county in a grid of copies (unique IDs
and names with a ``-NNN`` suffix; road names stay local, as in real
counties) so benchmarks can build province-sized data sets; from
``scale >= 18`` each copy also carries repeated inspection rounds so that
``scale`` of about 300 gives about a million hazard records.
"""

from hutan_geo.demo.county import DEMO_SEED, LOGGER, DemoDistrict, generate_demo_district
from hutan_geo.demo.data import demo_data_dir, load_demo
from hutan_geo.demo.province import PROVINCE_SEED, ProvinceInfo, generate_province, read_province
from hutan_geo.demo.residences import bus_stops, residences, write_residence_files
from hutan_geo.demo.security import security_profiles, write_security_files
from hutan_geo.demo.writers import write_demo_files

__all__ = [
    "DEMO_SEED",
    "LOGGER",
    "PROVINCE_SEED",
    "DemoDistrict",
    "ProvinceInfo",
    "bus_stops",
    "demo_data_dir",
    "generate_demo_district",
    "generate_province",
    "load_demo",
    "read_province",
    "residences",
    "security_profiles",
    "write_demo_files",
    "write_residence_files",
    "write_security_files",
]
