"""Hotspots: DBSCAN in metres, kernel density, Getis-Ord Gi* (and when it is refused)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hutan_geo.analysis import SchoolSites, dbscan_clusters, getis_ord, kernel_density
from hutan_geo.demo import load_demo
from hutan_geo.errors import InputError, InsufficientDataError

UTM = 32649
X0, Y0 = 600_000.0, 3_000_000.0


def _points(xy: np.ndarray, *, status: str = "found", crs: int = UTM) -> gpd.GeoDataFrame:
    n = len(xy)
    return gpd.GeoDataFrame(
        {
            "hazard_id": [f"H{i:04d}" for i in range(n)],
            "category": np.where(np.arange(n) % 3 == 0, "food_safety", "traffic"),
            "status": status,
            "severity": "medium",
        },
        geometry=shapely.points(xy) if n else [],
        crs=crs,
    )


@pytest.fixture
def layout() -> gpd.GeoDataFrame:
    """Three tight clusters (40, 25, 12 points, 15 m spread) 2 km apart, plus 30 scattered points."""
    rng = np.random.default_rng(7)
    parts = [
        rng.normal([X0, Y0], 15, (40, 2)),
        rng.normal([X0 + 2000, Y0], 15, (25, 2)),
        rng.normal([X0, Y0 + 2000], 15, (12, 2)),
    ]
    noise = rng.uniform([X0 - 3000, Y0 - 3000], [X0 + 5000, Y0 + 5000], (30, 2))
    # keep the noise away from the clusters
    far = np.min([np.hypot(*(noise - c).T) for c in ([X0, Y0], [X0 + 2000, Y0], [X0, Y0 + 2000])], axis=0) > 400
    return _points(np.vstack([*parts, noise[far]]))


def test_dbscan_finds_the_three_clusters_by_size(layout):
    result = dbscan_clusters(layout, eps_m=40, min_samples=5)
    table = result.clusters
    assert table["n_hazards"].tolist() == [40, 25, 12]
    assert table["cluster"].tolist() == [0, 1, 2]
    labels = result.hazards["cluster"].to_numpy()
    assert (labels[:40] == 0).all()
    assert (labels[40:65] == 1).all()
    assert (labels[65:77] == 2).all()
    assert (labels[77:] == -1).all()
    centre = table.loc[0, ["centroid_x", "centroid_y"]].to_numpy(float)
    np.testing.assert_allclose(centre, [X0, Y0], atol=10)
    assert table.geometry.contains(shapely.Point(X0, Y0)).iloc[0]
    assert (table["n_open"] == table["n_hazards"]).all()
    assert (table[[f"cat_{c}" for c in ("traffic", "food_safety")]].sum(axis=1) == table["n_hazards"]).all()
    assert result.clusters.crs.to_epsg() == UTM


def test_dbscan_eps_is_in_metres_for_geographic_input(layout):
    wgs = layout.to_crs(4326)
    result = dbscan_clusters(wgs, eps_m=40, min_samples=5)
    assert result.clusters["n_hazards"].tolist() == [40, 25, 12]
    assert result.clusters.crs.to_epsg() == UTM  # projected, not degrees


def test_dbscan_on_the_demo_names_the_nearest_school():
    demo = load_demo()
    sites = SchoolSites.from_district(demo)
    result = dbscan_clusters(demo.hazards, eps_m=100, min_samples=3, sites=sites)
    assert len(result.skipped) == demo.hazards.geometry.isna().sum()
    assert len(result.clusters) >= 3
    assert result.clusters["nearest_school_dist_m"].lt(300).all()
    assert result.clusters["nearest_school_name"].notna().all()


def test_dbscan_empty_and_bad_parameters():
    empty = _points(np.empty((0, 2)))
    result = dbscan_clusters(empty)
    assert len(result.clusters) == 0
    assert len(result.hazards) == 0
    with pytest.raises(InputError, match="eps_m must be a number of metres > 0"):
        dbscan_clusters(empty, eps_m=0)
    with pytest.raises(InputError, match="min_samples must be an integer >= 1"):
        dbscan_clusters(empty, min_samples=0)


def test_kde_integrates_to_the_number_of_points(layout):
    surface = kernel_density(layout, cell_m=20, bandwidth_m=100)
    assert surface.total() == pytest.approx(len(layout), rel=1e-4)
    assert surface.n_points == len(layout)
    a, b, c, d, e, f = surface.transform
    assert (a, b, d, e) == (20.0, 0.0, 0.0, -20.0)
    # the densest cell is at the biggest cluster
    row, col = np.unravel_index(np.argmax(surface.values), surface.values.shape)
    x, y = c + a * (col + 0.5), f + e * (row + 0.5)
    assert np.hypot(x - X0, y - Y0) < 60
    cells = surface.to_geodataframe(min_value=1.0)
    assert cells.crs.to_epsg() == UTM
    assert len(cells) > 0
    weighted = kernel_density(layout.assign(w=2.0), cell_m=20, bandwidth_m=100, weight_column="w")
    assert weighted.total() == pytest.approx(2 * len(layout), rel=1e-4)
    scott = kernel_density(layout, cell_m=50, bandwidth_m="scott")
    assert scott.bandwidth_m > 100
    assert scott.total() == pytest.approx(len(layout), rel=1e-3)


def test_kde_refuses_empty_input_and_huge_grids(layout):
    empty = _points(np.empty((0, 2)))
    with pytest.raises(InsufficientDataError, match="no placed hazard"):
        kernel_density(empty)
    zero = kernel_density(empty, bounds=(X0, Y0, X0 + 1000, Y0 + 1000))
    assert zero.values.shape == (20, 20)
    assert zero.total() == 0
    with pytest.raises(InputError, match="max_cells"):
        kernel_density(layout, cell_m=1, max_cells=1000)


def test_getis_ord_refused_on_too_few_points(layout):
    few = layout.iloc[:29]
    with pytest.raises(InsufficientDataError, match=r"at least 30 placed hazards.*got 29"):
        getis_ord(few)
    unplaced = layout.copy()
    unplaced.loc[unplaced.index[10:], "geometry"] = None
    with pytest.raises(InsufficientDataError, match=r"got 10 \(\d+ more without location\)"):
        getis_ord(unplaced)


def test_getis_ord_marks_the_clusters_hot(layout):
    grid = getis_ord(layout, cell_m=200, band_m=300)
    cells = grid.cells
    assert cells["count"].sum() == len(layout)
    hot = cells[cells["hotspot"].str.startswith("hot")]
    centre_cell = cells[cells.geometry.contains(shapely.Point(X0, Y0))]
    assert centre_cell["hotspot"].iloc[0] == "hot_99"
    assert centre_cell["gi_z"].iloc[0] > 2.576
    assert hot["count"].sum() >= 40
    assert ((cells["p_value"] >= 0) & (cells["p_value"] <= 1)).all()
    perm = getis_ord(layout, cell_m=200, band_m=300, permutations=99)
    assert perm.cells["p_sim"].between(0, 1).all()
    np.testing.assert_allclose(perm.cells["gi_z"], cells["gi_z"])


def test_getis_ord_refuses_uniform_or_tiny_grids(layout):
    with pytest.raises(InsufficientDataError, match="at least 30 cells"):
        getis_ord(layout, cell_m=50_000)
    with pytest.raises(InputError, match=r"band_m .* must be at least cell_m"):
        getis_ord(layout, cell_m=200, band_m=100)
