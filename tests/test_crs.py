"""Chinese datums (GCJ-02, BD-09) and local metric CRSs; distances measured on the ellipsoid, never in degrees."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from hutan_geo.errors import CRSError, HutanError, InputError
from hutan_geo.model import crs

GEOD = pyproj.Geod(ellps="WGS84")
# Mainland-ish box well inside CHINA_BBOX: the formula switches off at the box edge.
MAINLAND = (73.0, 18.0, 135.0, 53.0)


def metres(lon0, lat0, lon1, lat1) -> np.ndarray:
    """Geodesic distance in metres between two sets of WGS84 points."""
    _, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    return np.asarray(dist)


def sample(n: int, seed: int, box: tuple[float, float, float, float] = MAINLAND) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(box[0], box[2], n), rng.uniform(box[1], box[3], n)


# --------------------------------------------------------------- GCJ-02 / BD-09


def test_gcj02_offset_statistics_in_china() -> None:
    lon, lat = sample(5000, seed=1)
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    d = metres(lon, lat, glon, glat)
    assert 380 < d.mean() < 430  # ≈ 405 m
    assert 620 < d.max() < 760  # ≈ 700 m
    assert d.min() > 5  # never a no-op inside China
    assert d.std() > 50  # not a constant shift


def test_gcj02_tiananmen_reference() -> None:
    lon, lat = crs.wgs84_to_gcj02(116.391275, 39.906217)
    # published GCJ-02 value by the public formula
    assert metres(lon, lat, 116.397520, 39.907620) < 1.0
    az, _, dist = GEOD.inv(116.391275, 39.906217, lon, lat)
    assert 530 < dist < 580  # about 556 m
    assert 60 < az < 90  # towards the east-north-east


def test_bd09_is_a_further_offset_from_gcj02() -> None:
    lon, lat = sample(2000, seed=2)
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    blon, blat = crs.wgs84_to_bd09(lon, lat)
    d = metres(glon, glat, blon, blat)
    assert d.min() > 400
    assert d.max() < 1300
    bglon, bglat = crs.bd09_to_gcj02(blon, blat)
    assert metres(glon, glat, bglon, bglat).max() < 0.01


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [(crs.wgs84_to_gcj02, crs.gcj02_to_wgs84), (crs.wgs84_to_bd09, crs.bd09_to_wgs84)],
    ids=["gcj02", "bd09"],
)
def test_round_trip_dense_sample(forward, inverse) -> None:
    lon, lat = sample(100_000, seed=3)
    back_lon, back_lat = inverse(*forward(lon, lat))
    assert metres(lon, lat, back_lon, back_lat).max() < 0.01


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    lon=st.floats(MAINLAND[0], MAINLAND[2], allow_nan=False),
    lat=st.floats(MAINLAND[1], MAINLAND[3], allow_nan=False),
)
def test_round_trip_property(lon: float, lat: float) -> None:
    for forward, inverse in ((crs.wgs84_to_gcj02, crs.gcj02_to_wgs84), (crs.wgs84_to_bd09, crs.bd09_to_wgs84)):
        back = inverse(*forward(lon, lat))
        assert metres(lon, lat, *back) < 0.01
    assert crs.from_wgs84(*crs.to_wgs84(lon, lat, "gcj02"), "gcj02") == pytest.approx((lon, lat), abs=1e-9)


OUTSIDE = [(-0.1276, 51.5072), (151.2093, -33.8688), (2.35, 48.85), (-74.0, 40.7), (0.0, 0.0), (140.0, 36.0)]
ALL_CONVERSIONS = [
    crs.wgs84_to_gcj02,
    crs.gcj02_to_wgs84,
    crs.gcj02_to_bd09,
    crs.bd09_to_gcj02,
    crs.wgs84_to_bd09,
    crs.bd09_to_wgs84,
]


@pytest.mark.parametrize("convert", ALL_CONVERSIONS, ids=lambda f: f.__name__)
def test_outside_china_unchanged_exactly(convert) -> None:
    for lon, lat in OUTSIDE:
        assert convert(lon, lat) == (lon, lat)
    lons = np.array([p[0] for p in OUTSIDE])
    lats = np.array([p[1] for p in OUTSIDE])
    out_lon, out_lat = convert(lons, lats)
    np.testing.assert_array_equal(out_lon, lons)
    np.testing.assert_array_equal(out_lat, lats)


def test_mixed_inside_and_outside() -> None:
    lon, lat = crs.wgs84_to_gcj02([113.3, -0.1276], [27.6, 51.5072])
    assert lon[1] == -0.1276
    assert lat[1] == 51.5072
    assert metres(113.3, 27.6, lon[0], lat[0]) > 100


@pytest.mark.parametrize("convert", ALL_CONVERSIONS, ids=lambda f: f.__name__)
def test_scalar_in_scalar_out_arrays_in_arrays_out(convert) -> None:
    out = convert(113.3, 27.6)
    assert isinstance(out, tuple)
    assert all(type(v) is float for v in out)
    out = convert(np.float64(113.3), np.float64(27.6))
    assert all(type(v) is float for v in out)
    lon, lat = convert([113.3, 113.4], [27.6, 27.7])
    assert isinstance(lon, np.ndarray)
    assert lon.shape == (2,)
    assert lat.shape == (2,)
    grid_lon, grid_lat = convert(np.full((2, 3), 113.3), np.full((2, 3), 27.6))
    assert grid_lon.shape == (2, 3)
    assert grid_lat.shape == (2, 3)


def test_shape_mismatch_raises() -> None:
    with pytest.raises(InputError, match=r"same shape; got \(2,\) and \(3,\)"):
        crs.wgs84_to_gcj02([113.3, 113.4], [27.6, 27.7, 27.8])


def test_nan_passes_through() -> None:
    lon, lat = crs.gcj02_to_wgs84([np.nan, 113.3], [np.nan, 27.6])
    assert np.isnan(lon[0])
    assert np.isnan(lat[0])
    assert np.isfinite(lon[1])


def test_to_and_from_wgs84_dispatch() -> None:
    assert crs.to_wgs84(113.3, 27.6, "高德") == crs.gcj02_to_wgs84(113.3, 27.6)
    assert crs.to_wgs84(113.3, 27.6, "BD-09") == crs.bd09_to_wgs84(113.3, 27.6)
    assert crs.to_wgs84(113.3, 27.6, "CGCS2000") == (113.3, 27.6)
    assert crs.from_wgs84(113.3, 27.6, "gcj02") == crs.wgs84_to_gcj02(113.3, 27.6)
    assert crs.from_wgs84(113.3, 27.6, "百度") == crs.wgs84_to_bd09(113.3, 27.6)


def test_in_china_box() -> None:
    assert crs.in_china([113.3, -0.12, 72.004, 137.8347], [27.6, 51.5, 0.8293, 55.8271]).tolist() == [
        True,
        False,
        True,
        True,
    ]


# --------------------------------------------------------------- parse_datum


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("WGS84", "wgs84"),
        ("wgs-84", "wgs84"),
        (" WGS 84 ", "wgs84"),
        ("EPSG:4326", "wgs84"),
        ("GPS", "wgs84"),
        ("天地图", "wgs84"),
        ("GCJ-02", "gcj02"),
        ("gcj02", "gcj02"),
        ("火星坐标系", "gcj02"),
        ("高德地图", "gcj02"),
        ("腾讯", "gcj02"),
        ("ＧＣＪ－０２", "gcj02"),  # full width
        ("BD-09", "bd09"),
        ("bd09ll", "bd09"),
        ("百度地图", "bd09"),
        ("CGCS2000", "cgcs2000"),
        ("EPSG:4490", "cgcs2000"),
        ("国家2000", "cgcs2000"),
    ],
)
def test_parse_datum_aliases(name: str, code: str) -> None:
    assert crs.parse_datum(name) == code
    assert code in crs.DATUMS


def test_parse_datum_unknown() -> None:
    with pytest.raises(InputError, match=r"unknown datum 'Xian80'; expected one of wgs84, gcj02, bd09, cgcs2000"):
        crs.parse_datum("Xian80")
    with pytest.raises(ValueError, match="GCJ-02/高德"):  # InputError is a ValueError too
        crs.parse_datum("")


# --------------------------------------------------------------- local metric CRS


@pytest.mark.parametrize(
    ("bounds", "epsg"),
    [
        ((113.2, 27.5, 113.5, 27.8), 32649),  # the demo county, UTM 49N
        ((116.8, 39.0, 117.2, 39.4), 32650),  # lon 117: UTM 50N
        ((150.9, -34.0, 151.3, -33.7), 32756),  # Sydney: southern hemisphere, 56S
        ((-0.5, 51.3, 0.3, 51.7), 32630),  # London straddles zone 30/31; centre decides
    ],
)
def test_local_metric_crs_utm(bounds, epsg: int) -> None:
    assert crs.local_metric_crs(bounds).to_epsg() == epsg


def test_local_metric_crs_from_geodataframe() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(113.25, 27.55), shapely.Point(113.45, 27.75)], crs=4326)
    assert crs.local_metric_crs(gdf).to_epsg() == 32649
    assert crs.local_metric_crs(gdf.geometry).to_epsg() == 32649
    # projected input is taken back to lon/lat first
    assert crs.local_metric_crs(gdf.to_crs(3857)).to_epsg() == 32649


def test_local_metric_crs_wide_data_gets_tmerc() -> None:
    chosen = crs.local_metric_crs((108.0, 24.0, 116.0, 30.0))
    assert chosen.to_epsg() is None
    operation = chosen.coordinate_operation
    assert operation.method_name == "Transverse Mercator"
    params = {p.name: p.value for p in operation.params}
    assert params["Longitude of natural origin"] == pytest.approx(112.0)
    assert chosen.axis_info[0].unit_name == "metre"


def test_local_metric_crs_refuses_very_wide_data() -> None:
    with pytest.raises(CRSError, match=r"spans 25\.0 degrees of longitude.*split the data"):
        crs.local_metric_crs((95.0, 25.0, 120.0, 40.0))


def test_local_metric_crs_needs_crs_and_geometry() -> None:
    no_crs = gpd.GeoDataFrame(geometry=[shapely.Point(113.3, 27.6)])
    with pytest.raises(CRSError, match=r"no CRS; set it first"):
        crs.local_metric_crs(no_crs)
    empty = gpd.GeoDataFrame(geometry=[shapely.Point()], crs=4326)
    with pytest.raises(CRSError, match="no geometry"):
        crs.local_metric_crs(empty)
    with pytest.raises(CRSError, match="not finite"):
        crs.local_metric_crs((np.nan, 27.0, 113.0, 28.0))
    with pytest.raises(HutanError, match="no CRS"):
        crs.to_metric(no_crs)


@pytest.mark.parametrize(
    "bounds",
    [(113.2, 27.5, 113.5, 27.8), (108.0, 24.0, 116.0, 30.0), (123.0, 45.0, 126.0, 48.0)],
    ids=["county", "wide-tmerc", "north-east"],
)
def test_to_metric_distances_match_geodesic(bounds) -> None:
    lon, lat = sample(40, seed=4, box=bounds)
    gdf = gpd.GeoDataFrame(geometry=shapely.points(lon, lat), crs=4326)
    metric = crs.to_metric(gdf)
    assert metric.crs.axis_info[0].unit_name == "metre"
    i, j = np.triu_indices(len(gdf), k=1)
    planar = metric.geometry.iloc[i].distance(metric.geometry.iloc[j], align=False).to_numpy()
    geodesic = metres(lon[i], lat[i], lon[j], lat[j])
    far = geodesic > 100
    np.testing.assert_allclose(planar[far], geodesic[far], rtol=0.005)


def test_to_metric_explicit_crs() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(113.3, 27.6)], crs=4326)
    assert crs.to_metric(gdf, pyproj.CRS.from_epsg(32649)).crs.to_epsg() == 32649
