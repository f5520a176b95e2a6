"""The generator state as tables of records (local metric frame)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from shapely import Point

from hutan_geo.demo.content import COUNTY, FICTIONAL
from hutan_geo.model.roads import DEFAULT_SPEED_KPH

if TYPE_CHECKING:
    from datetime import date

    from hutan_geo.demo.state import County


def _fmt_date(d: date | None, fmt: str) -> str:
    """Write a date as the register row does (``iso``, ``slash`` or ``cn``)."""
    if d is None:
        return ""
    if fmt == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if fmt == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def county_tables(county: County) -> dict[str, Any]:
    """Return the county's tables as lists of records with file column names (local metric frame).

    Parameters
    ----------
    county
        A county whose generation steps have all run.

    Returns
    -------
    Table name to list of records with a ``geometry`` (``roads``: a DataFrame;
    ``hazards``: records with the true and observed points as arrays).
    """
    t: dict[str, Any] = {}
    _school_tables(county, t)
    _police_tables(county, t)
    t["places"] = [
        {"名称": p["name"], "类型": p["kind"], "乡镇": county.township_of(*p["pos"]), "geometry": Point(p["pos"])}
        for p in county.places
        if not p.get("hidden")
    ]
    t["roads"] = _road_table(county)
    _boundary_tables(county, t)
    t["hazards"] = [_hazard_record(h) for h in county.hazards]
    return t


def _school_tables(county: County, t: dict[str, Any]) -> None:
    """Add the schools, campuses and gates tables to ``t``."""
    schools = []
    for sc in county.schools:
        arr, noon, dis = sc["windows"]
        g = sc["gates"][0]["pt"]
        schools.append(
            {
                "学校编号": sc["id"],
                "学校名称": sc["name"],
                "学段": sc["level"],
                "地址": sc["address"],
                "在校人数": sc["enrol"],
                "寄宿生人数": sc["boarders"],
                "是否寄宿": "是" if sc["boarders"] else "否",
                "乡镇": sc["township"],
                "派出所": sc["station"],
                "到校时段": arr,
                "午间放学时段": noon,
                "下午放学时段": dis,
                "geometry": Point(g),
            }
        )
    t["schools"] = schools
    t["campuses"] = [
        {"学校编号": sc["id"], "学校名称": sc["name"], "说明": FICTIONAL, "geometry": sc["poly"]}
        for sc in county.schools
    ]
    t["gates"] = [
        {
            "学校编号": sc["id"],
            "校门名称": g["name"],
            "是否主门": "是" if g["main"] else "否",
            "geometry": Point(g["pt"]),
        }
        for sc in county.schools
        for g in sc["gates"]
    ]


def _police_tables(county: County, t: dict[str, Any]) -> None:
    """Add the stations and guard-post tables to ``t``."""
    t["stations"] = [
        {
            "派出所编号": s["id"],
            "派出所名称": s["name"],
            "地址": s["address"],
            "巡逻车数量": s["cars"],
            "民警人数": s["officers"],
            "geometry": Point(s["pos"]),
        }
        for s in county.stations
    ]
    t["guard_posts"] = [
        {
            "护学岗编号": p["id"],
            "学校编号": p["school"],
            "校门名称": p["gate"],
            "时段": p["windows"],
            "派出所": p["station"],
            "geometry": Point(p["pos"]),
        }
        for p in county.guard_posts
    ]


def _road_table(county: County) -> pd.DataFrame:
    """Return the noded road network as the roads table."""
    net = county.net
    return pd.DataFrame(
        {
            "road_id": [f"R{i + 1:05d}" for i in range(len(net))],
            "name": net["name"].to_numpy(),
            "ref": net["ref"].to_numpy(),
            "road_class": net["cls"].to_numpy(),
            "speed_kph": net["cls"].map(dict(DEFAULT_SPEED_KPH)).to_numpy().astype(int),
            "oneway": net["oneway"].to_numpy().astype(int),
            "bridge": net["bridge"].to_numpy().astype(int),
            "lanes": net["lanes"].to_numpy().astype(int),
            "note": FICTIONAL,
            "geometry": net["geom"].to_numpy(),
        }
    )


def _boundary_tables(county: County, t: dict[str, Any]) -> None:
    """Add the district, township, precinct and river tables to ``t``."""
    t["district"] = [
        {
            "名称": COUNTY,
            "类型": "县",
            "编码": "QL000",
            "上级": "",
            "说明": FICTIONAL,
            "geometry": county.district_final,
        }
    ]
    t["townships"] = [
        {"名称": n, "类型": "乡镇", "编码": f"QL{k + 1:03d}", "上级": COUNTY, "说明": FICTIONAL, "geometry": p}
        for k, (n, p) in enumerate(zip(county.township_names, county.township_polys, strict=True))
    ]
    t["precincts"] = [
        {
            "名称": f"{n}辖区",
            "类型": "派出所辖区",
            "编码": f"QL{101 + k}",
            "上级": f"{COUNTY}公安局",
            "说明": FICTIONAL,
            "派出所": n,
            "geometry": p,
        }
        for k, (n, p) in enumerate(county.precinct_polys.items())
    ]
    t["rivers"] = [{"名称": "青岚河", "类型": "河流", "说明": FICTIONAL, "geometry": county.river}]


def _hazard_record(h: dict[str, Any]) -> dict[str, Any]:
    """Return one hazard as a register row plus the truth and position columns."""
    d = h["dates"]
    fmt = h["date_fmt"]
    return {
        "隐患编号": h["id"],
        "隐患类别": h["cat"],
        "隐患描述": h["desc"],
        "地址": h["addr"],
        "坐标系": h["datum"],
        "严重程度": h["severity"],
        "整改状态": h["status"],
        "责任单位": h["dept"],
        "发现日期": "三月初" if h["defect"] == "bad_date" else _fmt_date(d["found"], fmt),
        "汇总日期": _fmt_date(d["cons"], fmt),
        "交办日期": _fmt_date(d["assigned"], fmt),
        "整改期限": _fmt_date(d["deadline"], fmt),
        "整改完成日期": _fmt_date(d["rectified"], fmt),
        "销号日期": _fmt_date(d["closed"], fmt),
        "关联学校": h["school"],
        "检查组": h["team"],
        "obs": h["obs"],
        "swap": h["defect"] == "swapped_lonlat",
        "true": h["true"],
        "address_kind": h["kind"],
        "anchor": h["anchor"],
        "ambiguous": h["amb"],
        "defect": h["defect"],
        "intent": h["intent"],
    }


def to_frames(t: dict[str, Any]) -> dict[str, Any]:
    """Turn lists of records (local metric) into (Geo)DataFrames (still local metric)."""
    out: dict[str, Any] = {}
    for k, v in t.items():
        if k == "hazards":
            out[k] = pd.DataFrame(v)
        elif isinstance(v, pd.DataFrame):
            out[k] = gpd.GeoDataFrame(v, geometry="geometry")
        else:
            out[k] = gpd.GeoDataFrame(pd.DataFrame(v), geometry="geometry")
    return out
