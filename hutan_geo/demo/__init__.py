"""The deterministic demo district generator (fictional county 青岚县)."""

from hutan_geo.demo._demo import (
    DEMO_SEED,
    LOGGER,
    DemoDistrict,
    generate_demo_district,
    write_demo_files,
)

__all__ = [
    "DEMO_SEED",
    "LOGGER",
    "DemoDistrict",
    "generate_demo_district",
    "write_demo_files",
]
