"""Optional online back ends: geocode offline first, ask a service for what is left.

Never used unless :func:`geocode_online` is called with an :class:`OnlineGeocoder`
(addresses then leave the machine). Answers are converted to WGS84 and may be
cached in an sqlite3 file.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj
from shapely.geometry import Point

from hutan_geo._i18n import Lang, check_lang
from hutan_geo.errors import InputError
from hutan_geo.geocode.normalise import MAX_ADDRESS_CHARS, normalise_address
from hutan_geo.geocode.offline import (
    GeocodeResult,
    _accepted_points,
    _as_series,
    _check_min_confidence,
    _review_table,
    geocode,
)
from hutan_geo.model.crs import to_wgs84

if TYPE_CHECKING:
    import pandas as pd

    from hutan_geo.geocode.gazetteer import Gazetteer

__all__ = ["ONLINE_BACKENDS", "OnlineGeocoder", "geocode_online"]

logger = logging.getLogger("hutan_geo")

ONLINE_BACKENDS = {"nominatim": "wgs84", "baidu": "bd09"}
"""Online back ends provided through geopy and the datum of their results.

geopy (2.4, 2.5) has no Gaode/Amap geocoder, so none is offered here.
"""

_NEEDS_GEOPY = "online geocoding needs geopy: pip install 'hutan_geo[online]'"


@dataclass(frozen=True)
class OnlineGeocoder:
    """Settings of an optional online geocoder (off unless passed to :func:`geocode_online`).

    Attributes
    ----------
    backend
        ``"nominatim"`` (OpenStreetMap, WGS84 results) or ``"baidu"``
        (geopy ``BaiduV3``, BD-09 results; needs ``api_key``).
    api_key
        Key of the service (Baidu ``ak``).
    user_agent
        Sent with every request (Nominatim's usage policy requires one).
    cache_path
        An sqlite3 file caching answers by backend + normalised query (found
        and not-found answers; service errors are not cached). ``None``: no cache.
    min_delay_s
        Least time between two requests (geopy ``RateLimiter``); Nominatim's
        policy is one request per second.
    datum
        Datum of the service's coordinates (``wgs84``, ``gcj02`` or ``bd09``);
        by default that of the backend (see :data:`ONLINE_BACKENDS`). Results
        are always converted to WGS84 with :func:`hutan_geo.model.crs.to_wgs84`.
    confidence
        Confidence given to an online answer when the service reports none
        (Nominatim). Baidu's ``confidence`` (0..100) is used divided by 100.
    region
        Text put in front of queries that do not start with it (e.g. ``"湖南省青岚县"``).
    timeout_s, max_retries, error_wait_s
        Per-request timeout, retries after a service error and wait between them.
    client
        A geopy-like geocoder (any object with ``geocode(query, exactly_one=True)``);
        built from ``backend`` when ``None``. Used by tests to avoid the network.

    Examples
    --------
    >>> OnlineGeocoder("nominatim", cache_path=None).result_datum
    'wgs84'
    """

    backend: str = "nominatim"
    api_key: str | None = None
    user_agent: str = "hutan_geo"
    cache_path: str | Path | None = None
    min_delay_s: float = 1.0
    datum: str | None = None
    confidence: float = 0.7
    region: str = ""
    timeout_s: float = 10.0
    max_retries: int = 1
    error_wait_s: float = 5.0
    client: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.backend not in ONLINE_BACKENDS:
            msg = f"OnlineGeocoder: backend {self.backend!r} not supported; choose one of {sorted(ONLINE_BACKENDS)}"
            raise InputError(msg)
        if self.backend == "baidu" and not self.api_key and self.client is None:
            msg = "OnlineGeocoder: backend 'baidu' needs api_key (the Baidu Maps 'ak')"
            raise InputError(msg)
        if self.min_delay_s < 0 or not 0.0 <= self.confidence <= 1.0:
            msg = "OnlineGeocoder: min_delay_s must be >= 0 and confidence in 0..1"
            raise InputError(msg)

    @property
    def result_datum(self) -> str:
        """Datum of the service's coordinates."""
        return self.datum or ONLINE_BACKENDS[self.backend]

    def make_client(self) -> Any:
        """Return the geopy geocoder (or the injected ``client``)."""
        if self.client is not None:
            return self.client
        try:
            from geopy.geocoders import BaiduV3, Nominatim
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(_NEEDS_GEOPY) from exc
        if self.backend == "baidu":
            return BaiduV3(api_key=self.api_key, user_agent=self.user_agent, timeout=self.timeout_s)
        return Nominatim(user_agent=self.user_agent, timeout=self.timeout_s)

    def rate_limited(self, client: Any) -> Any:
        """Wrap ``client.geocode`` in geopy's ``RateLimiter`` (errors are raised, not swallowed)."""
        try:
            from geopy.extra.rate_limiter import RateLimiter
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(_NEEDS_GEOPY) from exc
        return RateLimiter(
            client.geocode,
            min_delay_seconds=self.min_delay_s,
            max_retries=self.max_retries,
            error_wait_seconds=self.error_wait_s,
            swallow_exceptions=False,
        )


class _OnlineCache:
    """sqlite3 cache: (backend, query) -> JSON answer."""

    def __init__(self, path: str | Path | None) -> None:
        self.con = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.con = sqlite3.connect(str(path))
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS answers"
                " (backend TEXT, query TEXT, answer TEXT, PRIMARY KEY (backend, query))"
            )

    def get(self, backend: str, query: str) -> dict | None:
        if self.con is None:
            return None
        row = self.con.execute("SELECT answer FROM answers WHERE backend=? AND query=?", (backend, query)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, backend: str, query: str, answer: dict) -> None:
        if self.con is not None:
            self.con.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                (backend, query, json.dumps(answer, ensure_ascii=False)),
            )
            self.con.commit()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()


def _ask_online(online: OnlineGeocoder, ask: Any, query: str) -> dict:
    """One request: ``{"found": bool, "lon", "lat" (WGS84), "matched", "confidence"}``."""
    loc = ask(query, exactly_one=True)
    if loc is None:
        return {"found": False}
    if isinstance(loc, list | tuple) and loc and not isinstance(loc[0], int | float):
        loc = loc[0]
    lon, lat = to_wgs84(float(loc.longitude), float(loc.latitude), online.result_datum)
    raw = getattr(loc, "raw", None) or {}
    conf = online.confidence
    if online.backend == "baidu" and isinstance(raw.get("confidence"), int | float):
        conf = float(min(max(raw["confidence"] / 100.0, 0.0), 1.0))
    return {
        "found": True,
        "lon": float(lon),
        "lat": float(lat),
        "matched": str(getattr(loc, "address", "") or ""),
        "confidence": conf,
    }


def _note(results: pd.DataFrame, idx: Any, text: str) -> None:
    """Add ``text`` to the reason of a row, keeping the offline reason."""
    old = results.at[idx, "reason"]
    results.at[idx, "reason"] = f"{old}; {text}" if isinstance(old, str) and old else text


def _blank_results(series: pd.Series) -> gpd.GeoDataFrame:
    """Every address unmatched: the start when no gazetteer is given."""
    return gpd.GeoDataFrame(
        {
            "address": series,
            "lon": np.nan,
            "lat": np.nan,
            "match_type": "unmatched",
            "confidence": 0.0,
            "matched": None,
            "reason": "",
            "candidates": [[] for _ in range(len(series))],
            "accepted": False,
        },
        index=series.index,
        geometry=gpd.GeoSeries([None] * len(series), index=series.index, crs=4326),
        crs=4326,
    )


class _Asker:
    """Answers for one batch: from the cache, else from the service (client made on first need)."""

    def __init__(self, online: OnlineGeocoder, gazetteer: Gazetteer | None) -> None:
        self.online = online
        self.gazetteer = gazetteer
        self.cache = _OnlineCache(online.cache_path)
        self.ask: Any = None
        self.to_metric = (
            pyproj.Transformer.from_crs(4326, gazetteer.metric_crs, always_xy=True) if gazetteer is not None else None
        )

    def query_of(self, value: object) -> str:
        """Return the query sent for an address: normalised, cut, with the region in front."""
        query = normalise_address(value)[:MAX_ADDRESS_CHARS]
        if len(query) < 2:
            return ""
        if self.online.region and not query.startswith(self.online.region):
            query = self.online.region + query
        return query

    def answer(self, results: gpd.GeoDataFrame, idx: Any, query: str) -> dict | None:
        """Return the cached or fresh answer; ``None`` (and a note on the row) after a service error, not cached."""
        online = self.online
        answer = self.cache.get(online.backend, query)
        if answer is None:
            if self.ask is None:
                self.ask = online.rate_limited(online.make_client())
            try:
                answer = _ask_online(online, self.ask, query)
            except Exception as exc:  # any service failure -> unmatched row with a reason
                logger.warning("geocode_online: %s failed on %r: %s", online.backend, query[:50], exc)
                _note(results, idx, f"online {online.backend} error: {type(exc).__name__}")
                return None
            self.cache.put(online.backend, query, answer)
        return answer

    def outside(self, lon: float, lat: float) -> bool:
        """Whether a WGS84 point falls outside the gazetteer's district."""
        if self.to_metric is None or self.gazetteer.area is None:  # type: ignore[union-attr]
            return False
        x, y = self.to_metric.transform(lon, lat)
        return not self.gazetteer.area.contains(Point(x, y))  # type: ignore[union-attr]

    def fill(self, results: gpd.GeoDataFrame, idx: Any) -> None:
        """Ask for one row and write the answer (or the reason there is none) into ``results``."""
        backend = self.online.backend
        query = self.query_of(results.at[idx, "address"])
        if not query:
            results.at[idx, "reason"] = results.at[idx, "reason"] or "empty address"
            return
        answer = self.answer(results, idx, query)
        if answer is None:
            return
        if not answer.get("found"):
            _note(results, idx, f"online {backend}: not found")
            return
        lon, lat = answer["lon"], answer["lat"]
        if self.outside(lon, lat):
            _note(results, idx, f"online {backend}: point outside the district")
            return
        results.at[idx, "lon"] = lon
        results.at[idx, "lat"] = lat
        results.at[idx, "match_type"] = "online"
        results.at[idx, "confidence"] = round(float(answer["confidence"]), 3)
        results.at[idx, "matched"] = f"{backend}: {answer['matched']}"
        results.at[idx, "reason"] = ""
        results.at[idx, "candidates"] = []


def geocode_online(
    addresses: Sequence[object] | pd.Series,
    online: OnlineGeocoder,
    *,
    gazetteer: Gazetteer | None = None,
    min_confidence: float = 0.6,
    lang: Lang = "zh",
) -> GeocodeResult:
    """Geocode offline first, then ask an online service for the rows left over.

    Online geocoding is never used by :func:`~hutan_geo.geocode.geocode`; call this function with
    an :class:`OnlineGeocoder` to opt in. With a ``gazetteer`` the offline
    geocoder runs first and only its rows not accepted are sent online
    (addresses leave the machine: check this is allowed). Without one every
    row is sent.

    Online answers get ``match_type="online"``, ``matched`` = ``"<backend>: <address>"``,
    the confidence of the service (see :class:`OnlineGeocoder`) and are still
    sent to review below ``min_confidence``, or when they fall outside the
    gazetteer's district. Service errors and empty answers give ``unmatched``
    rows with a reason, never an exception.

    Parameters
    ----------
    addresses
        Address strings (any values, as for :func:`~hutan_geo.geocode.geocode`).
    online
        The service and its settings.
    gazetteer
        Geocode offline first with it, and reject online points outside its district.
    min_confidence
        Rows below this confidence are not placed and go to ``review``.
    lang
        Language of the ``review`` table (``"zh"`` or ``"en"``).

    Returns
    -------
    GeocodeResult
        As :func:`~hutan_geo.geocode.geocode`, with ``online`` rows.

    Raises
    ------
    InputError
        ``min_confidence`` outside 0..1.
    """
    _check_min_confidence(min_confidence)
    lang = check_lang(lang)
    series = _as_series(addresses)
    if gazetteer is not None:
        results = geocode(gazetteer, series, min_confidence=min_confidence).results.copy()
    else:
        results = _blank_results(series)
    todo = results.index[~results["accepted"].astype(bool)]
    asker = _Asker(online, gazetteer)
    try:
        for idx in todo:
            asker.fill(results, idx)
    finally:
        asker.cache.close()
    online_rows = results["match_type"] == "online"
    results.loc[online_rows, "accepted"] = results.loc[online_rows, "confidence"] >= min_confidence
    results["accepted"] = results["accepted"].astype(bool)
    results = results.set_geometry(_accepted_points(results["lon"], results["lat"], results["accepted"], results.index))
    review = _review_table(results, lang)
    logger.info(
        "geocode_online: %d addresses, %d online answers, %d to review",
        len(results),
        int(online_rows.sum()),
        len(review),
    )
    return GeocodeResult(results, review, min_confidence)
