"""Province scale on Dask: every county of a province, hazards joined out of core, county plans in parallel.

A provincial department runs the district analysis for every county at once:
tens of thousands of schools, millions of hazard records. This part runs it
on :mod:`dask.distributed` (a local cluster of worker processes by default,
any scheduler address for a real cluster) over a province dataset written by
:func:`hutan_geo.demo.generate_province` (or prepared the same way from real
data: ``counties/<id>/`` district folders, province site layers and
``hazards/county_id=<id>/`` GeoParquet records).

The modules, in import order:

- :mod:`~hutan_geo.province.sites`: :class:`ProvinceSites`, the province's schools and
  the ones near a group of hazards, in the county's metric CRS;
- :mod:`~hutan_geo.province.joins`: :func:`zone_partition`, one partition of records joined
  with the single-machine functions, and :class:`ProvinceZones`, the tables;
- :mod:`~hutan_geo.province.counties`: :func:`county_work`, one county's network,
  matrices, plans per window, coverage and packet, and its :class:`CountySummary`;
- :mod:`~hutan_geo.province.cluster`: :func:`connect`, :func:`province_zones` and
  :func:`run_counties` (retries, failed counties reported, progress);
- :mod:`~hutan_geo.province.run`: :func:`run_province`, the whole run and its summary files.
"""

from hutan_geo.province.cluster import CountyRuns, connect, province_zones, run_counties
from hutan_geo.province.counties import PROVINCE_BUDGET, PROVINCE_WINDOWS, CountySummary, county_work
from hutan_geo.province.joins import JOIN_COLUMNS, PartitionResult, ProvinceZones, straight_rules, zone_partition
from hutan_geo.province.run import ProvinceRun, read_manifest, run_province
from hutan_geo.province.sites import ProvinceSites, county_crs

__all__ = [
    "JOIN_COLUMNS",
    "PROVINCE_BUDGET",
    "PROVINCE_WINDOWS",
    "CountyRuns",
    "CountySummary",
    "PartitionResult",
    "ProvinceRun",
    "ProvinceSites",
    "ProvinceZones",
    "connect",
    "county_crs",
    "county_work",
    "province_zones",
    "read_manifest",
    "run_counties",
    "run_province",
    "straight_rules",
    "zone_partition",
]
