"""Shared fixtures: builders that write small (often malformed) input files at test time, and the demo district.

No binary fixtures are committed: every CSV, XLSX, GeoJSON, GeoPackage and
Shapefile a test reads is written into ``tmp_path`` by :class:`Builder`.
The demo district and its road network are read once per session
(:func:`demo`, :func:`net`); tests copy a frame before they change it.
:func:`morning_plan` plans its morning window with a given budget.
Map tests read rendered pages with the helpers of ``maphtml.py`` (this
folder is put on ``sys.path``, and pytest rewrites that module's asserts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pytest
import shapely

if TYPE_CHECKING:
    from collections.abc import Callable

    from hutan_geo.analysis.patrol import Plan
    from hutan_geo.geocode import Gazetteer
    from hutan_geo.io import District
    from hutan_geo.network import RoadNetwork

_TESTS = str(Path(__file__).parent)
if _TESTS not in sys.path:  # ``from maphtml import ...`` in the test modules, whatever the import mode
    sys.path.insert(0, _TESTS)
pytest.register_assert_rewrite("maphtml")

# A hazard ledger as planners keep it: Chinese headers, Chinese vocabulary.
HAZARD_HEADER = [
    "隐患编号",
    "隐患类别",
    "隐患描述",
    "经度",
    "纬度",
    "地址",
    "严重程度",
    "整改状态",
    "发现日期",
    "整改期限",
]
HAZARD_ROWS = [
    [
        "H001",
        "交通安全",
        "校门口无减速带",
        "113.301",
        "27.601",
        "城关镇学府路1号",
        "较大",
        "交办",
        "2026-03-05",
        "2026-04-05",
    ],
    ["H002", "食品安全", "流动摊贩占道经营", "113.302", "27.602", "城关镇学府路2号", "一般", "发现", "2026-03-06", ""],
    ["H003", "社会治安", "网吧接纳未成年人", "113.303", "27.603", "城关镇文化街8号", "重大", "销号", "2026-03-07", ""],
    [
        "H004",
        "文化市场",
        "周边出售违规读物",
        "113.304",
        "27.604",
        "城关镇书香路3号",
        "一般",
        "整改完成",
        "2026-03-08",
        "",
    ],
]
#: What the rows above must load as.
HAZARD_EXPECTED = {
    "hazard_id": ["H001", "H002", "H003", "H004"],
    "category": ["traffic", "food_safety", "public_order", "cultural_market"],
    "severity": ["medium", "low", "high", "low"],
    "status": ["assigned", "found", "closed", "rectified"],
    "lon": [113.301, 113.302, 113.303, 113.304],
    "lat": [27.601, 27.602, 27.603, 27.604],
}

SCHOOL_HEADER = ["学校编号", "学校名称", "学段", "经度", "纬度", "在校人数", "到校时段"]
SCHOOL_ROWS = [
    ["S001", "城关第一小学", "小学", "113.31", "27.61", "1200", "7:20~7:50"],
    ["S002", "城关中学", "初中", "113.32", "27.62", "980", "7:10-7:40"],
    ["S003", "阳光幼儿园", "幼儿园", "113.33", "27.63", "150", ""],
]

STATION_HEADER = ["派出所名称", "经度", "纬度", "巡逻车数量", "民警人数"]


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


class Builder:
    """Write input files for the loaders; every method returns the path written."""

    HAZARD_HEADER = HAZARD_HEADER
    HAZARD_ROWS = HAZARD_ROWS
    HAZARD_EXPECTED = HAZARD_EXPECTED
    SCHOOL_HEADER = SCHOOL_HEADER
    SCHOOL_ROWS = SCHOOL_ROWS
    STATION_HEADER = STATION_HEADER

    @staticmethod
    def csv(
        path: Path,
        rows: list[list[Any]],
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
        title: str | None = None,
        newline: str = "\n",
    ) -> Path:
        """Write ``rows`` (header first) as delimited text in ``encoding``; ``title`` goes on line 1."""
        buf = io.StringIO()
        if title is not None:
            buf.write(title + newline)
        writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
        for row in rows:
            writer.writerow([_as_text(v) for v in row])
        path.write_bytes(buf.getvalue().encode(encoding))
        return path

    @staticmethod
    def xlsx(path: Path, sheets: dict[str, list[list[Any]]], *, titles: dict[str, str] | None = None) -> Path:
        """Write one worksheet per entry; cells keep their Python types (numbers, datetimes)."""
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            sheet = book.create_sheet(name)
            if titles and name in titles:
                sheet.append([titles[name]])
            for row in rows:
                sheet.append(list(row))
        book.save(path)
        return path

    @staticmethod
    def points(
        path: Path,
        records: list[dict[str, Any]],
        xy: list[tuple[float, float]],
        *,
        crs: Any = 4326,
        layer: str | None = None,
        driver: str | None = None,
    ) -> Path:
        """Write a point layer (properties from ``records``) to GeoJSON/GPKG/SHP by suffix."""
        gdf = gpd.GeoDataFrame(records, geometry=[shapely.Point(x, y) for x, y in xy], crs=crs)
        kwargs: dict[str, Any] = {"engine": "pyogrio"}
        if layer is not None:
            kwargs["layer"] = layer
        if driver is not None:
            kwargs["driver"] = driver
        gdf.to_file(path, **kwargs)
        return path

    @staticmethod
    def shapes(path: Path, records: list[dict[str, Any]], geoms: list[Any], *, crs: Any = 4326) -> Path:
        """Write polygons (or any geometries) with properties."""
        gpd.GeoDataFrame(records, geometry=geoms, crs=crs).to_file(path, engine="pyogrio")
        return path

    @staticmethod
    def hazard_xlsx_rows() -> list[list[Any]]:
        """The reference ledger with typed cells: numbers as numbers, dates as datetimes."""
        out: list[list[Any]] = [HAZARD_HEADER]
        for row in HAZARD_ROWS:
            typed: list[Any] = list(row)
            typed[3], typed[4] = float(row[3]), float(row[4])
            typed[8] = dt.datetime.fromisoformat(row[8])
            typed[9] = dt.datetime.fromisoformat(row[9]) if row[9] else None
            out.append(typed)
        return out


@pytest.fixture(scope="session")
def build() -> Builder:
    """The file builder (session scoped so hypothesis tests can use it)."""
    return Builder()


@pytest.fixture
def hazard_csv(tmp_path: Path, build: Builder) -> Path:
    """The reference hazard ledger as a UTF-8 CSV."""
    return build.csv(tmp_path / "hazards.csv", [HAZARD_HEADER, *HAZARD_ROWS])


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``browser`` marker: tests in headless Chromium (``make test`` installs it and runs them)."""
    config.addinivalue_line("markers", "browser: runs in headless Chromium (skipped with a reason when it is absent)")


@pytest.fixture(scope="session")
def offline_assets() -> Path:
    """The offline asset cache; skip when it was not fetched (``make test`` fetches it first)."""
    from hutan_geo.export.offline import INSTALL_COMMAND, assets_dir, missing_assets

    missing = missing_assets()
    if missing:
        pytest.skip(f"offline map assets not fetched ({', '.join(missing[:3])}...); run: {INSTALL_COMMAND}")
    return assets_dir()


@pytest.fixture(scope="session")
def demo() -> District:
    """The bundled demo district, loaded once per session (copy a frame before changing it)."""
    from hutan_geo.demo import load_demo

    return load_demo()


@pytest.fixture(scope="session")
def net(demo: District) -> RoadNetwork:
    """The demo district's road network, built once (``network_for`` keeps it on the district)."""
    from hutan_geo.analysis.patrol import network_for

    return network_for(demo)


@pytest.fixture(scope="session")
def morning_plan(demo: District, net: RoadNetwork) -> Callable[..., Plan]:
    """Plan the demo's morning arrival window: ``morning_plan(iterations, **options)``.

    Seed 1, on the shared network, without hazard priority (``priority={}``);
    ``options`` go to ``plan_patrols`` as they are (``schools=``, ``clusters=`` ...).
    """
    from hutan_geo.analysis.patrol import plan_patrols

    def plan(iterations: int, **options: Any) -> Plan:
        return plan_patrols(demo, "arrival", iterations=iterations, seed=1, network=net, priority={}, **options)

    return plan


@pytest.fixture(scope="session")
def gaz(demo: District) -> Gazetteer:
    """The demo district's gazetteer, built once per test session."""
    from hutan_geo.geocode import build_gazetteer

    return build_gazetteer(demo)


@pytest.fixture(scope="session")
def small_province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fictional province (3 counties of 1, 1 and 2 tiles), generated once per session: its folder."""
    from hutan_geo.demo import generate_province

    path = tmp_path_factory.mktemp("province") / "small"
    generate_province(path, size="small")
    return path
