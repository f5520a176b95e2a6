"""The ``hutan-geo`` command line.

Messages are Simplified Chinese by default (``--lang en`` for English).
Errors in the input print one clear message and exit with status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hutan_geo.errors import BrowserError, HutanError

__all__ = ["main"]

_MSG = {
    "valid": ("有效数据", "valid rows"),
    "violations": ("规则违规清单", "rule violations"),
    "geocode_review": ("地理编码待复核表", "geocoding review table"),
    "risk": ("学校风险排名", "school risk ranking"),
    "analysis_map": (
        "分析地图（校园周边100/200米、派出所1/3/5分钟响应圈）",
        "analysis map (100/200 m rings, 1/3/5-minute response)",
    ),
    "review": ("待复核表", "review table"),
    "map": ("概览地图", "overview map"),
    "gpkg": ("GeoPackage 图层", "GeoPackage layers"),
    "done": ("完成。输出目录", "Done. Outputs in"),
    "written": ("已写入", "written"),
    "error": ("错误", "error"),
    "png": ("概览地图图片", "overview map image"),
    "offline_note": (
        "注：概览地图为离线单文件（脚本、样式、字体均已内嵌），以本地道路矢量为底图，打开时不访问任何网络。",
        "Note: the overview map is one self-contained offline file (scripts, styles and fonts inlined) drawn on "
        "the district's own roads; it makes no network request when opened.",
    ),
    "png_skipped": (
        "注：未生成地图图片（{reason}）；运行 scripts/install_browser.sh 安装 Chromium 后重试。",
        "Note: no map image was written ({reason}); install Chromium with scripts/install_browser.sh and retry.",
    ),
    "assets_ready": ("离线地图资源已就绪", "offline map assets ready in"),
}


def _m(key: str, lang: str) -> str:
    return _MSG[key][0 if lang == "zh" else 1]


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _cmd_demo(args: argparse.Namespace) -> int:
    from hutan_geo.demo import load_demo

    district = load_demo(lang=args.lang)
    return _write_district_outputs(district, Path(args.out), args.lang, title="demo", png=not args.no_png)


def _cmd_assets(args: argparse.Namespace) -> int:
    from hutan_geo.export.offline import install_assets

    cache = install_assets(args.cache, force=args.force)
    _out(f"{_m('assets_ready', args.lang)}: {cache}")
    return 0


def _write_district_outputs(district: object, out: Path, lang: str, *, title: str, png: bool = True) -> int:
    from hutan_geo.io.district import District
    from hutan_geo.io.readers import export_frame, write_table
    from hutan_geo.maps._maps import export_html, export_png, overview_map

    assert isinstance(district, District)
    out.mkdir(parents=True, exist_ok=True)
    _out(district.summary(lang))
    written: list[tuple[str, Path]] = []
    review = district.review_table(lang)
    written.append((_m("review", lang), write_table(review, out / ("待复核.csv" if lang == "zh" else "review.csv"))))
    for name in ("schools", "hazards", "stations"):
        if name in district.layers:
            frame = export_frame(district.layers[name], name, lang=lang)
            filename = {
                "schools": ("学校", "schools"),
                "hazards": ("隐患", "hazards"),
                "stations": ("派出所", "stations"),
            }
            path = out / f"{filename[name][0 if lang == 'zh' else 1]}.csv"
            written.append((_m("valid", lang), write_table(frame, path)))
    gpkg = out / f"{title}.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    for name, layer in district.layers.items():
        plain = layer.copy()
        plain.to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")
    written.append((_m("gpkg", lang), gpkg))
    map_path = out / ("概览地图.html" if lang == "zh" else "overview_map.html")
    export_html(overview_map(district, lang=lang), map_path, offline=True)
    written.append((_m("map", lang), map_path))
    written += _write_analysis(district, out, lang)
    png_note = None
    if png:
        png_path = map_path.with_suffix(".png")
        try:
            export_png(map_path, png_path, width=1600, height=1000)
            written.append((_m("png", lang), png_path))
        except (ImportError, BrowserError) as exc:
            png_note = _m("png_skipped", lang).format(reason=exc)
    for what, path in written:
        _out(f"  {_m('written', lang)} {what}: {path}")
    _out(_m("offline_note", lang))
    if png_note:
        _out(png_note)
    _out(f"{_m('done', lang)}: {out.resolve()}")
    return 0


def _write_analysis(district: object, out: Path, lang: str) -> list[tuple[str, Path]]:
    """Rule violations, school risk and the 1/3/5-minute response circles (table and offline map)."""
    from hutan_geo.analysis import zones
    from hutan_geo.geocode._geocode import geocode_hazards
    from hutan_geo.io.district import District
    from hutan_geo.io.readers import write_table
    from hutan_geo.maps import _maps as maps
    from hutan_geo.network._network import network_from_roads, service_areas

    assert isinstance(district, District)
    zh = lang == "zh"
    layers = district.layers
    net = network_from_roads(layers["roads"]) if "roads" in layers else None
    geocoded = geocode_hazards(district)  # offline: places the address-only hazards it can, the rest to review
    hazards = geocoded.results
    sites = zones.SchoolSites.from_district(district)
    check = zones.check_rules(hazards, sites, network=net)
    risk = zones.risk_scores(hazards, sites)
    n_placed = int((geocoded.results["match_type"] != "given").sum() - len(geocoded.review))
    _out(
        f"地理编码：{n_placed} 条仅有地址的隐患已离线定位，{len(geocoded.review)} 条待人工复核"
        if zh
        else f"geocoding: {n_placed} address-only hazards placed offline, {len(geocoded.review)} to review"
    )
    written = [
        (
            _m("geocode_review", lang),
            write_table(geocoded.review, out / ("地理编码待复核.csv" if zh else "geocoding_review.csv")),
        ),
        (
            _m("violations", lang),
            write_table(
                zones.export_table(check.violations, lang=lang), out / ("违规清单.csv" if zh else "violations.csv")
            ),
        ),
        (
            _m("risk", lang),
            write_table(
                zones.export_table(risk.schools.sort_values("rank"), lang=lang),
                out / ("学校风险排名.csv" if zh else "school_risk.csv"),
            ),
        ),
    ]
    m = maps.base_map(tuple(layers["district"].total_bounds) if "district" in layers else None, lang=lang)
    if net is not None:
        maps.add_roads(layers["roads"], m, lang=lang)
    if "townships" in layers:
        maps.add_boundaries(layers["townships"], m, name="乡镇界" if zh else "townships", colour="#777777", dash="6 4")
    maps.add_schools(layers["schools"], m, campuses=layers.get("campuses"), lang=lang)
    rings_source = layers.get("campuses", layers["schools"])
    maps.add_rings(rings_source, m, distances_m=(100.0, 200.0), lang=lang)
    if net is not None and "stations" in layers:
        circles = service_areas(net, layers["stations"], limits_s=(60, 180, 300), profile="am_peak")
        maps.add_isochrones(circles, m, origin_col="source", lang=lang)
        maps.add_stations(layers["stations"], m, lang=lang)
    maps.add_hazards(hazards, m, lang=lang)
    maps.add_category_legend(m, lang=lang)
    maps.add_map_controls(m, lang=lang)
    maps.add_layer_control(m, lang=lang)
    path = out / ("分析地图.html" if zh else "analysis_map.html")
    maps.export_html(m, path, offline=True)
    written.append((_m("analysis_map", lang), path))
    _out(
        f"规则核查：{len(check.violations)} 条违规；{len(check.skipped)} 条隐患待地理编码，暂未核查"
        if zh
        else f"rule check: {len(check.violations)} violations; {len(check.skipped)} hazards to geocode, not yet checked"
    )
    return written


def _cmd_validate(args: argparse.Namespace) -> int:
    from hutan_geo.io.readers import export_frame, load, write_table

    result = load(
        args.file,
        args.kind,
        datum=args.datum,
        allow_swap=args.allow_swap,
        region=args.region,
        lang=args.lang,
        sheet=args.sheet,
        layer=args.layer,
        encoding=args.encoding,
    )
    _out(result.summary(args.lang))
    out = Path(args.out) if args.out else Path(args.file).parent
    stem = Path(args.file).stem
    review = write_table(result.rejected, out / f"{stem}_{'待复核' if args.lang == 'zh' else 'review'}.csv")
    table = export_frame(result.valid, args.kind, lang=args.lang)
    valid = write_table(table, out / f"{stem}_{'有效' if args.lang == 'zh' else 'valid'}.csv")
    _out(f"  {_m('written', args.lang)} {_m('valid', args.lang)}: {valid}")
    _out(f"  {_m('written', args.lang)} {_m('review', args.lang)}: {review}")
    return 0 if len(result.rejected) == 0 or not args.strict else 1


def _cmd_geocode(args: argparse.Namespace) -> int:
    from hutan_geo.demo import load_demo
    from hutan_geo.geocode._geocode import build_gazetteer, geocode_file
    from hutan_geo.io.district import load_district

    district = load_demo(lang=args.lang) if args.district == "demo" else load_district(args.district, lang=args.lang)
    res, results, review = geocode_file(
        args.file,
        build_gazetteer(district),
        column=args.column,
        out=args.out,
        min_confidence=args.min_confidence,
        sheet=args.sheet,
    )
    _out(res.summary())
    _out(f"  {_m('written', args.lang)}: {results}")
    _out(f"  {_m('written', args.lang)} {_m('review', args.lang)}: {review}")
    return 0


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from hutan_geo.demo._demo import generate_demo_district, write_demo_files

    paths = write_demo_files(generate_demo_district(seed=args.seed, scale=args.scale), Path(args.out))
    for path in paths:
        _out(str(path))
    return 0


def _parser() -> argparse.ArgumentParser:
    from hutan_geo.demo._demo import DEMO_SEED
    from hutan_geo.model.schema import SPECS

    parser = argparse.ArgumentParser(prog="hutan-geo", description="护校安园 school-surroundings safety maps and plans")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress messages")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the pipeline on the bundled demo district (虚构示例)")
    demo.add_argument("--out", default="outputs/demo", help="output folder (default: outputs/demo)")
    demo.add_argument("--lang", choices=("zh", "en"), default="zh")
    demo.add_argument("--no-png", action="store_true", help="skip the PNG of the overview map (needs Chromium)")
    demo.set_defaults(func=_cmd_demo)

    assets = sub.add_parser("assets", help="fetch the offline map assets (npm packages) once into the local cache")
    assets.add_argument("--cache", default=None, help="cache folder (default: $HUTAN_GEO_ASSETS or ~/.cache/...)")
    assets.add_argument("--force", action="store_true", help="fetch again even when already verified")
    assets.add_argument("--lang", choices=("zh", "en"), default="zh")
    assets.set_defaults(func=_cmd_assets)

    val = sub.add_parser("validate", help="validate a schools/hazards/... file; write valid rows and a review table")
    val.add_argument("kind", choices=sorted(SPECS))
    val.add_argument("file")
    val.add_argument("--datum", default="wgs84", help="wgs84 (GPS), gcj02 (Gaode/Tencent), bd09 (Baidu), cgcs2000")
    val.add_argument("--allow-swap", action="store_true", help="swap back evidently swapped 经度/纬度")
    val.add_argument("--region", choices=("china", "world"), default="china")
    val.add_argument("--sheet", default=None, help="worksheet name of an .xlsx file")
    val.add_argument("--layer", default=None, help="layer of a GeoPackage")
    val.add_argument("--encoding", default=None, help="force a CSV encoding (detected otherwise)")
    val.add_argument("--out", default=None, help="output folder (default: beside the file)")
    val.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected")
    val.add_argument("--lang", choices=("zh", "en"), default="zh")
    val.set_defaults(func=_cmd_validate)

    geo = sub.add_parser("geocode", help="geocode the address column of a CSV/XLSX offline; write results and review")
    geo.add_argument("file")
    geo.add_argument("--district", default="demo", help="district folder for the gazetteer ('demo' for the demo)")
    geo.add_argument("--column", default=None, help="address column (default: 地址/详细地址/address ...)")
    geo.add_argument("--min-confidence", type=float, default=0.6, help="below this a row goes to review")
    geo.add_argument("--sheet", default=None, help="worksheet name of an .xlsx file")
    geo.add_argument("--out", default=None, help="output folder (default: beside the file)")
    geo.add_argument("--lang", choices=("zh", "en"), default="zh")
    geo.set_defaults(func=_cmd_geocode)

    gen = sub.add_parser("demo-data", help="(re)generate the demo district files")
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=DEMO_SEED)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.set_defaults(func=_cmd_demo_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    lang = getattr(args, "lang", "zh")
    try:
        return int(args.func(args))
    except (HutanError, FileNotFoundError) as exc:
        sys.stderr.write(f"{_m('error', lang)}: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
