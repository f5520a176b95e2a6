"""The deterministic demo district generator (fictional county 青岚县)."""

from hutan_geo.demo._demo import (
    DEMO_SEED,
    LOGGER,
    DemoDistrict,
    generate_demo_district,
    write_demo_files,
)
from hutan_geo.demo.data import demo_data_dir, load_demo

__all__ = [
    "DEMO_SEED",
    "LOGGER",
    "DemoDistrict",
    "demo_data_dir",
    "generate_demo_district",
    "load_demo",
    "write_demo_files",
]
