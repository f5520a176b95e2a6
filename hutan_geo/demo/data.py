"""Where the bundled demo district lives, and loading it in one call."""

from __future__ import annotations

import logging
from pathlib import Path

from hutan_geo.demo.county import DEMO_SEED, generate_demo_district
from hutan_geo.demo.residences import write_residence_files
from hutan_geo.demo.security import write_security_files
from hutan_geo.demo.writers import write_demo_files
from hutan_geo.io.district import LAYOUT, District, load_district

__all__ = ["demo_data_dir", "load_demo"]

log = logging.getLogger("hutan_geo")


def demo_data_dir() -> Path:
    """Return the folder of the bundled demo district, generating it if needed.

    In a source checkout this is the committed ``data/`` folder; in an
    installed package without it, the demo is generated once into the user's
    cache folder (deterministic, so the files are the same).
    """
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / LAYOUT["schools"][0]).exists():
        return checkout
    from hutan_geo import __version__

    cache = Path.home() / ".cache" / "hutan_geo" / f"demo-{__version__}-{DEMO_SEED}"
    if not (cache / LAYOUT["schools"][0]).exists():
        log.info("generating the demo district into %s", cache)
        district = generate_demo_district()
        write_demo_files(district, cache)
        write_security_files(district, cache)
        write_residence_files(district, cache)
    return cache


def load_demo(*, lang: str = "zh") -> District:
    """Load the bundled fictional demo district (青岚县, 虚构示例数据).

    Examples
    --------
    >>> demo = load_demo()
    >>> len(demo.schools) > 50, demo.hazards.crs.to_epsg()
    (True, 4326)
    """
    return load_district(demo_data_dir(), lang=lang)
