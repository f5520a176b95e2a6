"""School security compliance on the map: schools coloured by their number of gaps against the norms.

Draws what :func:`hutan_geo.analysis.check_security` returns (a
:class:`~hutan_geo.analysis.SecurityCheck`: its ``schools`` with ``n_gaps``,
and its ``gaps`` with the rule, the required and actual values and the source)
and decides nothing. One layer per number of gaps, green (every norm met) to
red (3 or more gaps); each school's popup lists its gaps. Popups are text
nodes; every user text goes through :func:`~hutan_geo.maps._safe.safe_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from hutan_geo._i18n import check_lang, tr
from hutan_geo.maps._display import check_layer, display_xy, feature_collection
from hutan_geo.maps._elements import VectorLayer
from hutan_geo.maps._safe import popup_rows, safe_text
from hutan_geo.maps._state import count, register, sep, unique_name
from hutan_geo.maps.basemaps import ensure_map, use_datum

if TYPE_CHECKING:
    import folium

__all__ = ["SECURITY_COLOURS", "add_security", "security_bucket"]

#: Fill colour by number of gaps: 0 (every norm met), 1, 2, 3 or more.
SECURITY_COLOURS: tuple[str, ...] = ("#1a9850", "#fee08b", "#fc8d59", "#d73027")


def security_bucket(n_gaps: int) -> int:
    """Return the colour class of a school with ``n_gaps`` gaps: 0, 1, 2, or 3 for 3 or more.

    Examples
    --------
    >>> [security_bucket(n) for n in (0, 1, 2, 3, 7)]
    [0, 1, 2, 3, 3]
    """
    return min(max(int(n_gaps), 0), len(SECURITY_COLOURS) - 1)


def _bucket_text(k: int, lang: str) -> str:
    """Return the name of colour class ``k`` (``全部达标``, ``缺口1项`` … ``缺口3项及以上``)."""
    if k == 0:
        return tr("map.sec.none", lang)
    if k == len(SECURITY_COLOURS) - 1:
        return tr("map.sec.many", lang, n=k)
    return tr("map.sec.some", lang, n=k)


def _style(k: int) -> dict[str, Any]:
    return {"radius": 7 + k, "color": "#333333", "weight": 1, "fillColor": SECURITY_COLOURS[k], "fillOpacity": 0.9}


def _gap_rows(gaps: pd.DataFrame | None, lang: str) -> list[tuple[str, object]]:
    """Return one popup row per gap: the rule, then what is required, what the school has, and the source."""
    if gaps is None:
        return []
    return [
        (r.rule, tr("map.sec.gap", lang, required=r.required, actual=r.actual, source=r.source))
        for r in gaps.itertuples(index=False)
    ]


def add_security(check: Any, m: folium.Map | None = None, *, lang: str = "zh") -> folium.Map:
    """Draw each school coloured by its number of security gaps, the gaps listed in its popup.

    Parameters
    ----------
    check
        A :class:`~hutan_geo.analysis.SecurityCheck` (its ``schools``: points,
        ``school_id``, ``name``, ``township``, ``n_gaps``; its ``gaps``:
        ``school_id``, ``rule``, ``required``, ``actual``, ``source``).
    m
        The map (default: a new one fitted to the schools).
    lang
        Language of labels (the gap texts are in the language of the check).

    Returns
    -------
    folium.Map
        The map with one layer per number of gaps, e.g. ``安保达标：缺口1项（12）``.

    Examples
    --------
    >>> from hutan_geo.analysis import check_security
    >>> from hutan_geo.demo import load_demo
    >>> html = add_security(check_security(load_demo())).get_root().render()
    >>> "全部达标" in html
    True
    """
    lang = check_lang(lang)
    schools = check_layer(check.schools, "security schools", ("school_id", "n_gaps"))
    schools = schools[schools.geometry.notna() & ~schools.geometry.is_empty].reset_index(drop=True)
    m = ensure_map(m, schools)
    gaps = dict(iter(check.gaps.groupby("school_id"))) if len(check.gaps) else {}
    styles = [_style(k) for k in range(len(SECURITY_COLOURS))]
    bucket = np.array([security_bucket(n) for n in pd.to_numeric(schools["n_gaps"]).fillna(0)], dtype=int)
    for k in range(len(SECURITY_COLOURS)):
        part = schools[bucket == k].reset_index(drop=True)
        if not len(part):
            continue
        text = _bucket_text(k, lang)
        props = []
        for _, r in part.iterrows():
            name = r.get("name", r["school_id"])
            rows = [
                (tr("map.sec.school", lang), name),
                (tr("map.sec.township", lang), r.get("township")),
                (tr("map.sec.n_gaps", lang), int(r["n_gaps"])),
                *_gap_rows(gaps.get(r["school_id"]), lang),
            ]
            props.append({"s": k, "t": safe_text(f"{name} · {text}"), "p": popup_rows(rows)})
        lon, lat = display_xy(part.geometry.to_numpy(), use_datum(m))
        geoms = np.array([shapely.Point(round(float(x), 6), round(float(y), 6)) for x, y in zip(lon, lat, strict=True)])
        name = count(f"{tr('map.sec.layer', lang)}{sep(lang)}{text}", len(part), lang)
        layer = VectorLayer(feature_collection(geoms, props), styles, name=unique_name(m, name))
        layer.add_to(m)
        register(m, "schools", layer)
    return m
