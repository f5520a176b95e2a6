"""Optional online geocoding through geopy, with a fake service (no network)."""

from __future__ import annotations

import itertools
import time
from types import SimpleNamespace

import pytest

from hutan_geo.demo import load_demo
from hutan_geo.errors import InputError
from hutan_geo.geocode import OnlineGeocoder, build_gazetteer, geocode, geocode_online
from hutan_geo.model.crs import bd09_to_wgs84, wgs84_to_bd09

pytest.importorskip("geopy")


class FakeService:
    """A geopy-like geocoder answering every query with one fixed point."""

    def __init__(self, lon: float, lat: float, *, fail: Exception | None = None, raw: dict | None = None) -> None:
        self.lon, self.lat, self.fail, self.raw = lon, lat, fail, raw or {}
        self.calls: list[tuple[str, float]] = []

    def geocode(self, query, exactly_one=True, **kwargs):
        self.calls.append((query, time.monotonic()))
        if self.fail is not None:
            raise self.fail
        if "无此地" in query:
            return None
        return SimpleNamespace(longitude=self.lon, latitude=self.lat, address=f"fake {query}", raw=self.raw)


@pytest.fixture(scope="module")
def gaz():
    return build_gazetteer(load_demo())


def _inside(gaz) -> tuple[float, float]:
    x, y = gaz.area.representative_point().coords[0]
    return gaz.lonlat(x, y)


def test_baidu_bd09_answer_converted_to_wgs84(gaz):
    lon, lat = _inside(gaz)
    blon, blat = wgs84_to_bd09(lon, lat)
    fake = FakeService(blon, blat, raw={"confidence": 80})
    online = OnlineGeocoder("baidu", client=fake, min_delay_s=0.0)
    r = geocode_online(["某某小卖部"], online, gazetteer=gaz).results.iloc[0]
    want = bd09_to_wgs84(blon, blat)
    assert r["match_type"] == "online"
    assert r["matched"].startswith("baidu: ")
    assert r["lon"] == pytest.approx(want[0], abs=1e-9)
    assert r["lat"] == pytest.approx(want[1], abs=1e-9)
    assert abs(r["lon"] - lon) < 1e-5
    assert abs(r["lat"] - lat) < 1e-5
    assert r["confidence"] == 0.8  # Baidu confidence 80 / 100
    assert r["accepted"]
    assert r.geometry is not None


def test_nominatim_is_wgs84_with_fixed_confidence_and_low_confidence_goes_to_review(gaz):
    lon, lat = _inside(gaz)
    fake = FakeService(lon, lat)
    online = OnlineGeocoder("nominatim", client=fake, min_delay_s=0.0, confidence=0.5)
    res = geocode_online(["某某小卖部"], online, gazetteer=gaz)
    r = res.results.iloc[0]
    assert (r["lon"], r["lat"]) == pytest.approx((lon, lat))
    assert r["match_type"] == "online"
    assert r["confidence"] == 0.5
    assert not r["accepted"]
    assert r.geometry is None
    assert len(res.review) == 1


def test_cache_hit_on_second_call(gaz, tmp_path):
    lon, lat = _inside(gaz)
    fake = FakeService(lon, lat)
    online = OnlineGeocoder("nominatim", client=fake, min_delay_s=0.0, cache_path=tmp_path / "cache.sqlite")
    first = geocode_online(["某某小卖部"], online).results
    second = geocode_online([" 某某 小卖部 "], online).results  # same normalised query
    assert len(fake.calls) == 1
    assert first[["lon", "lat", "confidence"]].equals(second[["lon", "lat", "confidence"]])
    # another back end is another cache key
    fake2 = FakeService(lon, lat)
    geocode_online(["某某小卖部"], OnlineGeocoder("baidu", client=fake2, min_delay_s=0.0, cache_path=online.cache_path))
    assert len(fake2.calls) == 1


def test_rate_limiter_spaces_requests(gaz):
    lon, lat = _inside(gaz)
    fake = FakeService(lon, lat)
    online = OnlineGeocoder("nominatim", client=fake, min_delay_s=0.01)
    limiter = online.rate_limited(fake)
    assert limiter.min_delay_seconds == 0.01
    geocode_online(["甲地小卖部", "乙地小卖部", "丙地小卖部"], online)
    times = [t for _, t in fake.calls]
    assert len(times) == 3
    assert all(b - a >= 0.009 for a, b in itertools.pairwise(times))


def test_off_by_default_and_only_rows_not_accepted_go_online(gaz):
    lon, lat = _inside(gaz)
    fake = FakeService(lon, lat)
    offline = geocode(gaz, ["城关一小东门口", "某某小卖部"]).results
    assert "online" not in set(offline["match_type"])  # geocode() never goes online
    online = OnlineGeocoder("nominatim", client=fake, min_delay_s=0.0)
    r = geocode_online(["城关一小东门口", "某某小卖部"], online, gazetteer=gaz).results
    assert [q for q, _ in fake.calls] == ["某某小卖部"]
    assert r["match_type"].tolist() == ["gate", "online"]
    assert r.iloc[0]["lon"] == offline.iloc[0]["lon"]


@pytest.mark.parametrize("error", [TimeoutError("slow"), RuntimeError("quota"), ValueError("bad json")])
def test_service_errors_become_unmatched_rows(gaz, error):
    from geopy.exc import GeocoderServiceError

    fake = FakeService(0, 0, fail=error)
    online = OnlineGeocoder("baidu", client=fake, min_delay_s=0.0, max_retries=0)
    res = geocode_online(["某某小卖部", "", None], online, gazetteer=gaz)
    r = res.results
    assert r["match_type"].tolist() == ["unmatched"] * 3
    assert "online baidu error" in r.iloc[0]["reason"]
    assert not r["accepted"].any()
    assert len(res.review) == 3
    # geopy's own service error, with a retry
    fake = FakeService(0, 0, fail=GeocoderServiceError("503"))
    online = OnlineGeocoder("nominatim", client=fake, min_delay_s=0.0, max_retries=1, error_wait_s=0.0)
    r = geocode_online(["某某小卖部"], online).results.iloc[0]
    assert r["match_type"] == "unmatched"
    assert "GeocoderServiceError" in r["reason"]
    assert len(fake.calls) == 2


def test_not_found_and_outside_district_are_unmatched(gaz):
    online = OnlineGeocoder("nominatim", client=FakeService(116.4, 39.9), min_delay_s=0.0)  # Beijing
    r = geocode_online(["无此地", "某某小卖部"], online, gazetteer=gaz).results
    assert r["match_type"].tolist() == ["unmatched", "unmatched"]
    assert r.iloc[0]["reason"].endswith("online nominatim: not found")
    assert "outside the district" in r.iloc[1]["reason"]


def test_settings_checked():
    with pytest.raises(InputError, match="gaode"):
        OnlineGeocoder("gaode")
    with pytest.raises(InputError, match="api_key"):
        OnlineGeocoder("baidu")
    assert OnlineGeocoder("baidu", api_key="x").result_datum == "bd09"
    assert OnlineGeocoder("nominatim").result_datum == "wgs84"


def test_real_geopy_clients_built_without_network():
    from geopy.geocoders import BaiduV3, Nominatim

    assert isinstance(OnlineGeocoder("nominatim", user_agent="hutan_geo-test").make_client(), Nominatim)
    assert isinstance(OnlineGeocoder("baidu", api_key="x").make_client(), BaiduV3)


def test_offline_reason_kept_when_online_fails(gaz):
    fake = FakeService(0, 0, fail=RuntimeError("down"))
    online = OnlineGeocoder("nominatim", client=fake, min_delay_s=0.0, max_retries=0)
    offline = geocode(gaz, ["西门村"]).results.iloc[0]
    r = geocode_online(["西门村"], online, gazetteer=gaz).results.iloc[0]
    assert r["match_type"] == offline["match_type"]
    assert r["reason"].endswith("online nominatim error: RuntimeError")
    assert not r["accepted"]
