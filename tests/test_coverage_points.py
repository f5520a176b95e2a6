"""points_covered: the coverage decision that add_coverage draws."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from hutan_geo.analysis.coverage import points_covered
from hutan_geo.errors import InputError


def _points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["inside", "edge", "outside", "nowhere"]},
        geometry=[shapely.Point(113.30, 27.60), shapely.Point(113.32, 27.60), shapely.Point(113.40, 27.60), None],
        index=[10, 20, 30, 40],
        crs=4326,
    )


def _areas() -> gpd.GeoDataFrame:
    square = shapely.box(113.28, 27.58, 113.32, 27.62)
    return gpd.GeoDataFrame({"limit_s": [300, 600]}, geometry=[square, None], crs=4326)


def test_points_covered_is_topological_and_aligned_on_the_index():
    covered = points_covered(_points(), _areas())
    assert isinstance(covered, pd.Series)
    assert covered.name == "covered"
    assert covered.dtype == bool
    assert covered.index.tolist() == [10, 20, 30, 40]
    assert covered.tolist() == [True, True, False, False]  # the edge counts; no geometry is not covered


def test_points_covered_compares_other_crs_in_wgs84():
    metric_areas = _areas().to_crs(32649)
    assert points_covered(_points(), metric_areas).tolist() == [True, True, False, False]
    both_metric = points_covered(_points().to_crs(32649), metric_areas)
    assert both_metric.loc[[10, 30, 40]].tolist() == [True, False, False]


def test_points_covered_checks_its_inputs():
    with pytest.raises(InputError, match="areas must be a GeoDataFrame"):
        points_covered(_points(), [shapely.box(0, 0, 1, 1)])
    with pytest.raises(InputError, match="points must be a GeoDataFrame"):
        points_covered(pd.DataFrame({"x": [1]}), _areas())
    empty = _areas().iloc[:0]
    assert not points_covered(_points(), empty).any()
