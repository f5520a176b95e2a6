"""The overview map of a district, and thin wrappers over :mod:`hutan_geo.export` for writing maps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hutan_geo._i18n import check_lang
from hutan_geo.maps._state import t
from hutan_geo.maps.basemaps import base_map
from hutan_geo.maps.controls import add_category_legend, add_layer_control, add_map_controls
from hutan_geo.maps.layers import add_boundaries, add_hazards, add_heatmap, add_roads, add_schools, add_stations

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from hutan_geo.io.district import District
    from hutan_geo.maps.basemaps import Basemap

__all__ = ["overview_map"]


def overview_map(
    district: District,
    *,
    lang: str = "zh",
    basemap: str | Basemap | None = None,
    tianditu_key: str | None = None,
    cluster: bool = False,
    heatmap: bool = True,
    controls: bool = True,
    hazards: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Overview of a district: roads, boundaries, campuses, schools, stations, hazards, heatmap, legend.

    Parameters
    ----------
    district
        A loaded district (see :func:`hutan_geo.io.district.load_district`).
    lang
        ``"zh"`` (default) or ``"en"`` for layer names, popups and legend.
    basemap
        None (the district's own roads only; works offline), ``"openstreetmap"``,
        ``"gaode"`` (data shifted to GCJ-02), ``"tianditu"`` or a :class:`Basemap`.
    tianditu_key
        Your Tianditu key (for ``basemap="tianditu"``).
    cluster
        Clustered hazard markers instead of canvas points.
    heatmap
        Add a hazard heatmap layer (off until switched on).
    controls
        Fullscreen, measure and minimap controls.
    hazards
        The hazards to draw instead of the district's own, e.g. after
        geocoding (``geocode.geocode_hazards(district).results``), so that
        the points placed from an address are on the map and the legend
        counts only those still to geocode.

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> m = overview_map(load_demo())
    >>> "学校" in m.get_root().render()
    True
    """
    lang = check_lang(lang)
    layers = district.layers
    extent_source = layers.get("district")
    if extent_source is None or extent_source.empty:
        extent_source = layers["schools"]
    m = base_map(tuple(extent_source.total_bounds), basemap=basemap, tianditu_key=tianditu_key, lang=lang)
    if "roads" in layers:
        add_roads(layers["roads"], m, lang=lang)
    if "district" in layers:
        add_boundaries(layers["district"], m, name=t("district", lang), colour="#333333", weight=2.5)
    if "townships" in layers:
        add_boundaries(layers["townships"], m, name=t("townships", lang), colour="#777777", dash="6 4")
    if "precincts" in layers:
        add_boundaries(layers["precincts"], m, name=t("precincts", lang), colour="#2171b5", dash="2 4", show=False)
    add_schools(layers["schools"], m, campuses=layers.get("campuses"), lang=lang)
    if "stations" in layers:
        add_stations(layers["stations"], m, lang=lang)
    hazards = layers["hazards"] if hazards is None else hazards
    add_hazards(hazards, m, lang=lang, cluster=cluster)
    if heatmap:
        add_heatmap(hazards, m, lang=lang)
    add_category_legend(m, lang=lang)
    if controls:
        add_map_controls(m, lang=lang)
    add_layer_control(m, lang=lang)
    return m
