"""Coverage on the map: patrol coverage, response bands, the worst minute's gaps, guard-post siting.

The analysis decides (:mod:`hutan_geo.analysis.coverage`); these builders only
draw the frames its results hand over:

- :func:`add_patrol_coverage`: a :class:`~hutan_geo.analysis.PatrolCoverage`'s
  ``schools`` coloured by ``status`` (guard post, patrol car with its first
  arrival, not covered), one layer per status (and window);
- :func:`add_response_coverage`: a :class:`~hutan_geo.analysis.ResponseCoverage`'s
  band areas (``areas`` with ``limit_s``, drawn by
  :func:`~hutan_geo.maps.routes.add_isochrones`) and its ``schools`` coloured
  by ``band_min``, the schools outside the last band marked;
- :func:`add_moving_gaps`: a :class:`~hutan_geo.analysis.MovingCoverage`'s
  ``uncovered`` schools at the worst minute;
- :func:`add_siting`: a :class:`~hutan_geo.analysis.Siting`'s current posts,
  LSCP and MCLP sites (distinct markers) and the gates.

Every user text goes through :func:`~hutan_geo.maps._safe.safe_text`; popups
are text nodes. Layers go under the patrol theme of the layer control.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import LABELS, check_lang, tr
from hutan_geo.maps._display import check_layer, display_xy, feature_collection
from hutan_geo.maps._elements import VectorLayer
from hutan_geo.maps._safe import popup_rows, safe_text
from hutan_geo.maps._state import count, register, sep, t, unique_name
from hutan_geo.maps.basemaps import ensure_map, use_datum
from hutan_geo.maps.routes import add_isochrones
from hutan_geo.maps.styles import ISO_COLOURS
from hutan_geo.model.timefmt import clock

if TYPE_CHECKING:
    from collections.abc import Iterable

    import folium
    import geopandas as gpd

__all__ = ["add_moving_gaps", "add_patrol_coverage", "add_response_coverage", "add_siting"]

#: Marker style per patrol coverage status.
_STATUS_STYLES: dict[str, dict[str, Any]] = {
    "post": {"radius": 9, "color": "#00441b", "weight": 2, "fillColor": "#1a9850", "fillOpacity": 0.85},
    "car": {"radius": 9, "color": "#08306b", "weight": 2, "fillColor": "#4292c6", "fillOpacity": 0.85},
    "none": {"radius": 10, "color": "#d73027", "weight": 3, "fill": False, "dashArray": "3 3"},
}
#: Schools beyond the last response band, and schools uncovered at the worst minute.
_OUTSIDE = {"radius": 10, "color": "#67001f", "weight": 3, "fillColor": "#d73027", "fillOpacity": 0.6}
#: Siting markers: current posts (yellow dots), LSCP and MCLP sites (rings lettered L and M).
_SITE_STYLES: dict[str, dict[str, Any]] = {
    "current": {"radius": 8, "color": "#000000", "weight": 2, "fillColor": "#ffd92f", "fillOpacity": 0.95},
    "lscp": {"color": "#6a3d9a"},
    "mclp": {"color": "#e7298a"},
}
_GATE_STYLES = [
    {"radius": 4, "color": "#1a9850", "weight": 1, "fillColor": "#1a9850", "fillOpacity": 0.8},
    {"radius": 5, "color": "#d73027", "weight": 2, "fillColor": "#ffffff", "fillOpacity": 0.8},
]


def _label(key: str, lang: str, fallback: object = "", **fields: object) -> str:
    """Return the label ``key`` in ``lang`` when the label table has it, else ``fallback`` as text."""
    return tr(key, lang, **fields) if key in LABELS else ("" if fallback is None else str(fallback))


def _finite(value: object) -> float | None:
    """Return ``value`` as a float, or None when it is missing, not a number or not finite."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def _minutes(value: object) -> str:
    """Return a number of minutes with at most one decimal, empty when missing or not finite."""
    v = _finite(value)
    return "" if v is None else f"{v:.1f}"


def _clock(value: object) -> str:
    """Return minutes after midnight as ``HH:MM``, empty when missing or not finite."""
    v = _finite(value)
    return "" if v is None else clock(v)


def _add_points(
    m: folium.Map,
    points: gpd.GeoDataFrame,
    props: list[dict[str, Any]],
    styles: list[dict[str, Any]],
    name: str,
) -> None:
    """Add one vector layer of points (WGS84, placed) with their properties, under the patrol theme."""
    lon, lat = display_xy(points.geometry.to_numpy(), use_datum(m))
    geoms = np.array(
        [shapely.Point(round(float(x), 6), round(float(y), 6)) for x, y in zip(lon, lat, strict=True)], dtype=object
    )
    layer = VectorLayer(feature_collection(geoms, props), styles, name=unique_name(m, name))
    layer.add_to(m)
    register(m, "patrol", layer)


def _placed(gdf: gpd.GeoDataFrame, what: str, columns: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Return the rows of ``gdf`` with a point, in WGS84."""
    gdf = check_layer(gdf, what, columns)
    keep = gdf.geometry.notna() & ~gdf.geometry.is_empty
    return gdf.loc[keep].reset_index(drop=True)


def _tooltip(name: object, text: str) -> str:
    return safe_text(f"{name} · {text}" if safe_text(name) else text)


def _school_props(
    schools: pd.DataFrame,
    text: str,
    extra: Iterable[list[tuple[str, object]]],
    lang: str,
    style: int | None = None,
) -> list[dict[str, Any]]:
    """Return each school's feature properties: style index ``s`` (when given), tooltip and popup.

    The tooltip is ``name · text``; the popup lists the school's name, then
    the school's ``(label, value)`` rows (``extra``: one list per school, in order).
    """
    props = []
    for (_, r), rows in zip(schools.iterrows(), extra, strict=True):
        prop: dict[str, Any] = {} if style is None else {"s": style}
        prop["t"] = _tooltip(r.get("name", ""), text)
        prop["p"] = popup_rows([(t("school", lang), r.get("name", "")), *rows])
        props.append(prop)
    return props


def _time_row(r: pd.Series, lang: str) -> tuple[str, object]:
    """Return the popup row of a school's response time in minutes (``never`` when no unit reaches it)."""
    return (t("time_min", lang), _minutes(r.get("time_min")) or t("never", lang))


def add_patrol_coverage(result: Any, m: folium.Map | None = None, *, lang: str | None = None) -> folium.Map:
    """Draw a plan's patrol coverage: schools by status (guard post, patrol car, not covered).

    Parameters
    ----------
    result
        A :class:`~hutan_geo.analysis.PatrolCoverage` (its ``schools``:
        ``name``, ``status``, ``window``, ``post_id``, ``unit``,
        ``first_arrival``, ``minutes_present``; points in WGS84).
    m
        The map (default: a new one fitted to the schools).
    lang
        Language of labels (default the result's).

    Returns
    -------
    folium.Map
        The map with one layer per status (per window when there are several),
        e.g. ``巡逻覆盖：巡逻车到岗（53）``.
    """
    lang = check_lang(lang or getattr(result, "lang", "zh"))
    schools = _placed(result.schools, "coverage schools", ("status",))
    m = ensure_map(m, schools)
    codes = list(_STATUS_STYLES)
    windows = list(dict.fromkeys(schools["window"])) if "window" in schools else [None]
    for window in windows:
        rows = schools if window is None else schools[schools["window"] == window]
        for code in codes:
            part = rows[rows["status"] == code].reset_index(drop=True)
            if not len(part):
                continue
            status = _label(f"cov.status.{code}", lang, code)
            win = _label(f"patrol.window.{window}", lang, window) if window is not None else ""
            extra = [
                [
                    (t("window", lang), win),
                    (t("coverage", lang), status),
                    (t("guard_post", lang), r.get("post_id", "")),
                    (t("unit", lang), r.get("unit", "")),
                    (t("first_arrival", lang), _clock(r.get("first_arrival")) if code == "car" else ""),
                    (t("minutes_present", lang), _minutes(r.get("minutes_present"))),
                ]
                for _, r in part.iterrows()
            ]
            props = _school_props(part, status, extra, lang, codes.index(code))
            prefix = f"{t('patrol_coverage', lang)}{sep(lang)}" + (f"{win} · " if len(windows) > 1 else "")
            _add_points(m, part, props, list(_STATUS_STYLES.values()), count(f"{prefix}{status}", len(part), lang))
    return m


def _band_colour(k: int, n: int) -> str:
    """Return the colour :func:`~hutan_geo.maps.routes.add_isochrones` gives the ``k``-th of ``n`` limits."""
    last = len(ISO_COLOURS) - 1
    return ISO_COLOURS[min(last, round(k * last / max(1, n - 1)))]


def add_response_coverage(result: Any, m: folium.Map | None = None, *, lang: str | None = None) -> folium.Map:
    """Draw static response coverage: the band areas, schools coloured by band, schools outside marked.

    Parameters
    ----------
    result
        A :class:`~hutan_geo.analysis.ResponseCoverage` (``areas`` with
        ``limit_s`` or None; ``schools`` with ``name``, ``band_min``,
        ``time_min``, ``nearest``; ``bands_min``).
    m
        The map (default: a new one fitted to the schools).
    lang
        Language of labels (default the result's).

    Returns
    -------
    folium.Map
        The map with the band areas (``可达范围：3 分钟``), one layer of schools
        per band (``响应覆盖：3分钟内（n）``) and the schools outside the last band.
    """
    lang = check_lang(lang or getattr(result, "lang", "zh"))
    schools = _placed(result.schools, "response schools", ("band_min",))
    m = ensure_map(m, schools)
    if result.areas is not None and len(result.areas):
        add_isochrones(result.areas, m, origin_col=None, lang=lang)
    bands = [float(b) for b in result.bands_min]
    band = pd.to_numeric(schools["band_min"], errors="coerce").to_numpy(float)
    styles = [
        {"radius": 7, "color": "#333333", "weight": 1, "fillColor": _band_colour(k, len(bands)), "fillOpacity": 0.9}
        for k in range(len(bands))
    ] + [_OUTSIDE]
    for k, b in enumerate([*bands, None]):
        mask = ~np.isfinite(band) if b is None else band == b
        part = schools[mask].reset_index(drop=True)
        if not len(part):
            continue
        text = tr("cov.band.outside", lang, m=bands[-1]) if b is None else tr("cov.band.within", lang, m=b)
        extra = [
            [(t("band", lang), text), (t("nearest", lang), r.get("nearest", "")), _time_row(r, lang)]
            for _, r in part.iterrows()
        ]
        props = _school_props(part, text, extra, lang, k)
        _add_points(m, part, props, styles, count(f"{t('response_coverage', lang)}{sep(lang)}{text}", len(part), lang))
    return m


def add_moving_gaps(result: Any, m: folium.Map | None = None, *, lang: str | None = None) -> folium.Map:
    """Mark the schools no unit reaches within the limit at the worst minute of a window.

    Parameters
    ----------
    result
        A :class:`~hutan_geo.analysis.MovingCoverage` (``uncovered``:
        ``name``, ``time_min``; ``worst_minute``, ``limit_min``).
    m
        The map (default: a new one fitted to the schools).
    lang
        Language of labels (default the result's).

    Returns
    -------
    folium.Map
        The map with one layer ``最差时刻 07:20 未覆盖学校（n）`` (nothing
        added when every school is covered then).
    """
    lang = check_lang(lang or getattr(result, "lang", "zh"))
    gaps = _placed(result.uncovered, "uncovered schools")
    m = ensure_map(m, gaps)
    if not len(gaps):
        return m
    when = _clock(result.worst_minute)
    props = _school_props(gaps, when, ([_time_row(r, lang)] for _, r in gaps.iterrows()), lang)
    _add_points(m, gaps, props, [_OUTSIDE], count(tr("map.moving_gaps", lang, clock=when), len(gaps), lang))
    return m


def _site_props(sites: gpd.GeoDataFrame, kind: str, lang: str) -> list[dict[str, Any]]:
    """Tooltip, popup and (for the LSCP and MCLP sites) the letter of each chosen site."""
    props = []
    for _, r in sites.iterrows():
        chosen = [name for name, col in (("LSCP", "lscp"), ("MCLP", "mclp")) if bool(r.get(col, False))]
        prop: dict[str, Any] = {
            "t": _tooltip(r.get("name", ""), t(f"sites_{kind}", lang)),
            "p": popup_rows(
                [
                    (t("site_kind", lang), r.get("kind_text", r.get("kind", ""))),
                    (t("chosen_by", lang), " · ".join(chosen)),
                ]
            ),
        }
        if kind != "current":
            prop["n"] = "L" if kind == "lscp" else "M"
        props.append(prop)
    return props


def add_siting(result: Any, m: folium.Map | None = None, *, lang: str | None = None) -> folium.Map:
    """Draw guard-post siting: the gates, the current posts, the LSCP and the MCLP sites.

    Parameters
    ----------
    result
        A :class:`~hutan_geo.analysis.Siting` (``sites`` with ``name``,
        ``kind_text``, ``current``, ``lscp``, ``mclp``; ``gates`` with
        ``covered_current``, ``covered_mclp``, ``covered_lscp``, ``best_s``).
    m
        The map (default: a new one fitted to the gates).
    lang
        Language of labels (default the result's).

    Returns
    -------
    folium.Map
        The map with the gates (green when the current posts cover them, red
        rings otherwise), the current posts (yellow), the LSCP sites (rings
        marked ``L``) and the MCLP sites (rings marked ``M``).
    """
    lang = check_lang(lang or getattr(result, "lang", "zh"))
    gates = _placed(result.gates, "siting gates")
    sites = _placed(result.sites, "siting sites")
    m = ensure_map(m, gates)
    covered = gates["covered_current"].astype(bool).to_numpy() if "covered_current" in gates else np.ones(len(gates))
    gate_props = []
    for i, (_, r) in enumerate(gates.iterrows()):
        by = [name for name, col in (("LSCP", "covered_lscp"), ("MCLP", "covered_mclp")) if bool(r.get(col, False))]
        if covered[i] and "covered_current" in gates:
            by.insert(0, t("sites_current", lang))
        name = f"{r.get('school_id', '')} {r.get('gate_name', '')}".strip()
        best = r.get("best_s")
        gate_props.append(
            {
                "s": 0 if covered[i] else 1,
                "t": _tooltip(name, t("covered" if covered[i] else "not_covered", lang)),
                "p": popup_rows(
                    [
                        (t("gates", lang), name),
                        (t("covered_by", lang), " · ".join(by)),
                        (t("best_site_min", lang), _minutes(float(best) / 60) if best is not None else ""),
                    ]
                ),
            }
        )
    _add_points(m, gates, gate_props, _GATE_STYLES, count(t("gates", lang), len(gates), lang))
    for kind in ("current", "lscp", "mclp"):
        part = sites[sites[kind].astype(bool)].reset_index(drop=True) if kind in sites else sites.iloc[:0]
        if len(part):
            label = count(t(f"sites_{kind}", lang), len(part), lang)
            _add_points(m, part, _site_props(part, kind, lang), [_SITE_STYLES[kind]], label)
    return m
