"""The register as inspectors keep it: statuses, dates, address variants, coordinates and planted defects."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from hutan_geo.demo.content import CAMPAIGN_END

if TYPE_CHECKING:
    from hutan_geo.demo.state import County

_SEVERITY_P = {"一般": 0.6, "较大": 0.3, "重大": 0.1}

_ABBREV_TYPOS = {
    "人民路": "人名路",
    "建设大道": "建设大到",
    "青年路": "清年路",
    "滨江路": "宾江路",
    "新华街": "新化街",
    "文化路": "文华路",
    "解放路": "解放璐",
}

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def mutate_address(county: County, text: str, kind: str) -> tuple[str, str]:
    """Apply the variants real sheets have; return text and a note."""
    rng = county.rng
    note = ""
    r = rng.random()
    if r < 0.1 and any(ch.isdigit() for ch in text):
        text = text.translate(_FULLWIDTH)
        note = "full-width digits"
    elif r < 0.16:
        for good, bad in _ABBREV_TYPOS.items():
            if good in text:
                text = text.replace(good, bad, 1)
                note = "typo"
                break
    elif r < 0.22 and kind == "intersection":
        for sep in ("与", "/", "和"):
            if sep in text:
                head, tail = text.split(sep, 1)
                for suf in ("路", "街"):
                    if head.endswith(suf) and not head.endswith("大" + suf):
                        text = head[:-1] + sep + tail
                        note = "missing 路/街"
                        break
                break
    return text, note


def draw_dates(county: County, status: str, *, found_window: tuple[date, date] | None = None) -> dict[str, date | None]:
    """Draw the dates of a hazard's loop (found, consolidated, assigned, deadline, rectified, closed) for ``status``."""
    rng = county.rng

    def day(lo: date, hi: date) -> date:
        span = max((hi - lo).days, 0)
        return lo + timedelta(days=int(rng.integers(0, span + 1)))

    windows = {
        "已销号": (date(2026, 3, 1), date(2026, 9, 15)),
        "已整改": (date(2026, 6, 1), date(2026, 10, 20)),
        "已交办": (date(2026, 10, 12), date(2026, 11, 12)),
        "已汇总": (date(2026, 10, 25), date(2026, 11, 14)),
        "已发现": (date(2026, 11, 8), date(2026, 11, 20)),
    }
    for _ in range(200):
        window = found_window or windows[status]
        if status == "已交办" and found_window is None and rng.random() < 0.3:
            window = (date(2026, 5, 1), date(2026, 9, 25))  # older items still open: mostly overdue
        found = day(*window)
        out: dict[str, date | None] = {
            "found": found,
            "cons": None,
            "assigned": None,
            "deadline": None,
            "rectified": None,
            "closed": None,
        }
        if status != "已发现":
            out["cons"] = found + timedelta(days=int(rng.integers(1, 6)))
        if status in ("已交办", "已整改", "已销号"):
            out["assigned"] = out["cons"] + timedelta(days=int(rng.integers(1, 5)))
            out["deadline"] = out["assigned"] + timedelta(days=int(rng.choice([15, 20, 30, 30, 45, 60])))
        if status in ("已整改", "已销号"):
            late = rng.random() < 0.1
            span = (out["deadline"] - out["assigned"]).days
            days = int(rng.integers(3, span + 1)) + (int(rng.integers(1, 12)) if late else 0)
            out["rectified"] = out["assigned"] + timedelta(days=days)
        if status == "已销号":
            out["closed"] = out["rectified"] + timedelta(days=int(rng.integers(1, 11)))
        last = max(d for k, d in out.items() if d is not None and k != "deadline")
        if last <= CAMPAIGN_END:
            return out
    msg = "demo: could not draw consistent dates"
    raise RuntimeError(msg)


def finish_hazards(county: County, rows: list[dict[str, Any]]) -> None:
    """Give the drawn hazards statuses, dates, defects and coordinates, and write them as register rows."""
    rng = county.rng
    n = len(rows)
    # order: by found date later; assign statuses first
    statuses = rng.choice(["已销号", "已整改", "已交办", "已汇总", "已发现"], size=n, p=[0.5, 0.15, 0.22, 0.07, 0.06])
    for r, st in zip(rows, statuses, strict=True):
        r["status"] = str(st)
        if r["severity"] is None:
            r["severity"] = str(rng.choice(list(_SEVERITY_P), p=list(_SEVERITY_P.values())))
        if (
            r.get("school") is not None
            and r["school"]["level"] in ("小学", "幼儿园")
            and r["cat"] == "交通安全"
            and r["severity"] == "一般"
            and rng.random() < 0.2
        ):
            r["severity"] = "较大"
        if r["dept"] == "STATION":
            r["dept"] = county.station_at(r["true"])
        r["dates"] = draw_dates(county, r["status"])
        r["defect"] = ""
    # defects: one swapped lon/lat (traffic), one unparseable found date (food safety, early March)
    traffic = [i for i, r in enumerate(rows) if r["cat"] == "交通安全"]
    food = [i for i, r in enumerate(rows) if r["cat"] == "食品安全" and r["status"] == "已销号"]
    swap_i = traffic[int(rng.integers(len(traffic)))]
    date_i = food[int(rng.integers(len(food)))]
    rows[swap_i]["defect"] = "swapped_lonlat"
    rows[date_i]["defect"] = "bad_date"
    rows[date_i]["dates"] = draw_dates(county, "已销号", found_window=(date(2026, 3, 1), date(2026, 3, 9)))
    # coordinates for about half; a third of those GCJ-02 as copied from Gaode
    prefer = np.array([1.0 if r["kind"] in ("gate", "relative_offset") else 0.6 for r in rows])
    prefer[swap_i] = 0.0
    n_coord = n // 2
    others = rng.choice(
        np.delete(np.arange(n), swap_i),
        size=n_coord - 1,
        replace=False,
        p=np.delete(prefer, swap_i) / np.delete(prefer, swap_i).sum(),
    )
    with_coords = sorted([swap_i, *others.tolist()])
    gcj = set(rng.choice([i for i in with_coords if i != swap_i], size=n_coord // 3, replace=False).tolist())
    # order rows by found date (then category) as a register would be
    order = sorted(range(n), key=lambda i: (rows[i]["dates"]["found"], rows[i]["cat"], i))
    teams = {s["name"]: f"第{'一二三四五六'[k]}检查组" for k, s in enumerate(county.stations[:6])}
    county.hazards = []
    for seq, i in enumerate(order, start=1):
        r = rows[i]
        hid = f"YH2026-{seq:04d}"
        addr, note = mutate_address(county, r["addr"], r["kind"])
        obs = None
        datum = ""
        if i in with_coords:
            ang = rng.uniform(0, 2 * np.pi)
            obs = np.asarray(r["true"]) + rng.uniform(3.0, 15.0) * np.array([math.cos(ang), math.sin(ang)])
            datum = "GCJ-02" if i in gcj else "WGS84"
        fmt = rng.choice(["iso", "slash", "cn"], p=[0.9, 0.05, 0.05])
        sc = r.get("school")
        sname = ""
        if sc is not None and rng.random() < 0.9:
            sname = sc["name"] if rng.random() < 0.93 else sc["abbrs"][0]
        intent = r["intent"] + (f"; address variant: {note}" if note else "")
        if r["defect"] == "swapped_lonlat":
            intent += "; defect: 经度/纬度 swapped"
        if r["defect"] == "bad_date":
            intent += "; defect: 发现日期 written as 三月初"
        county.hazards.append(
            {
                "id": hid,
                "cat": r["cat"],
                "desc": r["desc"],
                "addr": addr,
                "obs": obs,
                "datum": datum,
                "severity": r["severity"],
                "status": r["status"],
                "dept": r["dept"],
                "dates": r["dates"],
                "date_fmt": str(fmt),
                "school": sname,
                "team": teams[county.station_at(r["true"]) if county.station_at(r["true"]) in teams else "城关派出所"],
                "true": np.asarray(r["true"], dtype=float),
                "kind": r["kind"],
                "anchor": r["anchor"],
                "amb": int(r["amb"]),
                "defect": r["defect"],
                "intent": intent,
            }
        )
