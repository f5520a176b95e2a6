"""Static response coverage: network travel time from every station and guard post to every school gate.

:func:`response_coverage` computes, in the window's network profile, the
time from each responder (police stations, and the guard posts staffed in the
window) to each gate; a school's time is that to its nearest gate. It reports
the share of schools and of students within each band (1, 3 and 5 minutes by
default), the schools outside the last band with their nearest responder and
time, and the reachable areas (:func:`hutan_geo.network.service_areas`, one
polygon per band with ``limit_s``) for the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from hutan_geo._i18n import Lang, check_lang, tr
from hutan_geo.analysis.coverage.common import labelled
from hutan_geo.analysis.patrol import DEFAULT_PROFILES
from hutan_geo.errors import InputError
from hutan_geo.model.frames import check_frame

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hutan_geo.network import RoadNetwork

__all__ = ["ResponseCoverage", "response_coverage", "response_sources"]

_TABLE = {
    "school_id": "cov.col.school_id",
    "name": "cov.col.name",
    "band_text": "cov.col.band",
    "nearest": "cov.col.nearest",
    "time_min": "cov.col.time_min",
}


@dataclass(frozen=True)
class ResponseCoverage:
    """Response bands of every school.

    Attributes
    ----------
    schools
        One row per school: ``school_id``, ``name``, ``enrolment``,
        ``time_s``, ``time_min`` (to its nearest gate; NaN unreachable),
        ``nearest``, ``nearest_kind``, ``band_min`` (first band reached, NaN
        beyond the last), ``band_text``, ``covered`` (within the last band);
        points in EPSG:4326 at the school's gate.
    summary
        Per band: ``band_min``, ``n_within``, ``share``, ``students_within``,
        ``share_students`` (cumulative: within 3 min includes within 1 min).
    areas
        :func:`~hutan_geo.network.service_areas` of all responders together,
        one polygon per band (``limit_s``), or None when not asked.
    bands_min, window, profile, lang
        What was computed.
    """

    schools: gpd.GeoDataFrame
    summary: pd.DataFrame
    areas: gpd.GeoDataFrame | None
    bands_min: tuple[float, ...]
    window: str
    profile: str
    lang: Lang = "zh"

    @property
    def outside(self) -> gpd.GeoDataFrame:
        """Schools beyond the last band (or unreachable), slowest first."""
        out = self.schools[~self.schools["covered"]]
        return out.sort_values("time_s", ascending=False, na_position="first", kind="stable")

    def table(self, lang: Lang | None = None) -> pd.DataFrame:
        """Return the school table a planner reads, headers in ``lang``."""
        return labelled(self.schools, _TABLE, check_lang(lang or self.lang))


def response_sources(
    stations: gpd.GeoDataFrame | None, guard_posts: gpd.GeoDataFrame | None = None, *, window: str | None = None
) -> gpd.GeoDataFrame:
    """Responders as points (EPSG:4326): stations, then the guard posts staffed in ``window`` (all if None).

    Returns
    -------
    GeoDataFrame
        ``source_id``, ``name``, ``kind`` (``station`` or ``post``).
    """
    rows = []
    if stations is not None and len(stations):
        st = check_frame(stations, "stations").to_crs(4326)
        ids = st.get("station_id", pd.Series(st.index, index=st.index))
        names = st.get("name", ids)
        rows.append(gpd.GeoDataFrame({"source_id": ids, "name": names, "kind": "station"}, geometry=st.geometry.values))
    if guard_posts is not None and len(guard_posts):
        gp = check_frame(guard_posts, "guard_posts").to_crs(4326)
        if window is not None and "windows" in gp:
            staffed = gp["windows"].fillna("").astype(str).str.replace("；", ";").str.split(";")
            gp = gp[[window in {w.strip() for w in ws} for ws in staffed]]
        ids = gp.get("post_id", pd.Series(gp.index, index=gp.index))
        rows.append(gpd.GeoDataFrame({"source_id": ids, "name": ids, "kind": "post"}, geometry=gp.geometry.values))
    if not rows:
        msg = "response coverage needs responders: give stations (police/stations.csv) or guard_posts"
        raise InputError(msg)
    out = pd.concat(rows, ignore_index=True)
    out["source_id"] = out["source_id"].astype(str)
    out["name"] = out["name"].astype(str)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def _bands(bands_min: Iterable[float]) -> tuple[float, ...]:
    try:
        bands = tuple(sorted({float(b) for b in bands_min}))
    except (TypeError, ValueError):
        bands = ()
    if not bands or bands[0] <= 0 or not np.isfinite(bands[-1]):
        msg = f"bands_min must be minutes > 0, e.g. (1, 3, 5); got {bands_min!r}"
        raise InputError(msg)
    return bands


def response_coverage(
    network: RoadNetwork,
    sources: gpd.GeoDataFrame,
    schools: gpd.GeoDataFrame,
    *,
    gates: gpd.GeoDataFrame | None = None,
    window: str = "arrival",
    profile: str | None = None,
    bands_min: Iterable[float] = (1, 3, 5),
    areas: bool = True,
    lang: Lang = "zh",
) -> ResponseCoverage:
    """Share of schools and of students a station or post reaches within each band, by network travel time.

    Parameters
    ----------
    network
        The road network.
    sources
        Responders (see :func:`response_sources`): ``name``, ``kind``, points.
    schools
        Schools (``school_id``, ``name``, ``enrolment``).
    gates
        Gates (``school_id``); a school counts from its nearest gate. Without
        gates the school point stands for its gate.
    window
        The window, which picks the network profile (:data:`~hutan_geo.analysis.patrol.DEFAULT_PROFILES`).
    profile
        A profile overriding the window's.
    bands_min
        Band limits in minutes.
    areas
        Also compute the reachable areas for the map.
    lang
        Label language.

    Returns
    -------
    ResponseCoverage

    Examples
    --------
    >>> from hutan_geo.demo import load_demo
    >>> from hutan_geo.analysis.patrol import network_for
    >>> d = load_demo()
    >>> src = response_sources(d.stations, d.guard_posts, window="arrival")
    >>> r = response_coverage(network_for(d), src, d.schools, gates=d.gates, areas=False)
    >>> r.summary["band_min"].tolist()
    [1.0, 3.0, 5.0]
    """
    from hutan_geo.network import travel_time_matrix

    lang = check_lang(lang)
    bands = _bands(bands_min)
    profile = profile or DEFAULT_PROFILES.get(window, "am_peak")
    sources = check_frame(sources, "sources").to_crs(4326).reset_index(drop=True)
    schools = check_frame(schools, "schools", columns=("school_id", "name")).to_crs(4326).reset_index(drop=True)
    sid = schools["school_id"].astype(str)
    if gates is not None and len(gates):
        g = check_frame(gates, "gates", columns=("school_id",)).to_crs(4326).reset_index(drop=True)
        g = g[g["school_id"].astype(str).isin(set(sid))]
        pts, owner = g.geometry, g["school_id"].astype(str).to_numpy()
    else:
        pts, owner = schools.geometry, sid.to_numpy()
    m = travel_time_matrix(network, sources, gpd.GeoDataFrame(geometry=pts.values, crs=4326), profile=profile)
    t = m.travel_s
    best_src = np.argmin(np.where(np.isfinite(t), t, np.inf), axis=0)
    best_t = t[best_src, np.arange(t.shape[1])]
    per_gate = pd.DataFrame({"school_id": owner, "time_s": best_t, "src": best_src, "gate": np.arange(len(owner))})
    per_gate = per_gate.sort_values(["school_id", "time_s"], kind="stable").drop_duplicates("school_id")
    per = per_gate.set_index("school_id").reindex(sid)
    time_s = per["time_s"].to_numpy(float)
    time_s = np.where(np.isfinite(time_s), time_s, np.nan)
    src = per["src"].to_numpy()
    ok = ~np.isnan(time_s)
    band_idx = np.searchsorted(np.array(bands) * 60, np.nan_to_num(time_s, nan=np.inf), side="left")
    band = np.where(ok & (band_idx < len(bands)), np.array([*bands, np.nan])[band_idx], np.nan)
    enrol = pd.to_numeric(schools.get("enrolment", 0), errors="coerce").fillna(0).to_numpy(float) * np.ones(len(sid))
    last = bands[-1]
    geoms = [
        pts.iloc[int(gi)] if pd.notna(gi) else schools.geometry.iloc[i] for i, gi in enumerate(per["gate"].to_numpy())
    ]
    out = pd.DataFrame(
        {
            "school_id": sid,
            "name": schools["name"].astype(str),
            "enrolment": enrol,
            "time_s": time_s,
            "time_min": np.round(time_s / 60, 2),
            "nearest": [sources["name"].iat[int(s)] if o else "" for s, o in zip(src, ok, strict=True)],
            "nearest_kind": [sources["kind"].iat[int(s)] if o else "" for s, o in zip(src, ok, strict=True)],
            "band_min": band,
            "band_text": [
                tr("cov.band.within", lang, m=b) if np.isfinite(b) else tr("cov.band.outside", lang, m=last)
                for b in band
            ],
            "covered": np.isfinite(band),
        }
    )
    summary = pd.DataFrame(
        [
            {
                "band_min": b,
                "n_within": int((time_s <= b * 60).sum()),
                "share": float((time_s <= b * 60).mean()) if len(sid) else np.nan,
                "students_within": float(enrol[time_s <= b * 60].sum()),
                "share_students": float(enrol[time_s <= b * 60].sum() / enrol.sum()) if enrol.sum() > 0 else np.nan,
            }
            for b in bands
        ]
    )
    area = None
    if areas:
        from hutan_geo.network import service_areas

        area = service_areas(network, sources, [b * 60 for b in bands], profile=profile, dissolve=True)
    gdf = gpd.GeoDataFrame(out, geometry=geoms, crs=4326)
    return ResponseCoverage(gdf, summary, area, bands, window, profile, lang)
