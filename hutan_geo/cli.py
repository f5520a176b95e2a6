"""The ``hutan-geo`` command line: argparse over :mod:`hutan_geo.pipeline`.

Messages are Simplified Chinese by default (``--lang en`` for English).
Errors in the input print one clear message and exit with status 2, never a
traceback. Each command calls the pipeline (or one public function of a part)
and prints what it returns; the work and the files are the pipeline's.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hutan_geo._i18n import check_lang, tr
from hutan_geo.errors import HutanError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hutan_geo.pipeline import Outputs, Written

__all__ = ["main"]

_LANGS = ("zh", "en")
#: Search time per window of ``hutan-geo patrol`` when neither --seconds nor --iterations is given.
_DEFAULT_SECONDS = 20.0


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _out_written(written: Iterable[Written], lang: str) -> None:
    for what, path in written:
        _out(f"  {tr('cli.written', lang)} {what}: {path}")


def _cmd_demo(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    district = pipeline.open_district("demo", lang=args.lang)
    _out(district.summary(args.lang))
    out = Path(args.out)
    steps = (*pipeline.DEMO_STEPS, pipeline.Step("packet", pipeline.write_demo_packet))
    outputs = pipeline.write_outputs(district, out, lang=args.lang, png=not args.no_png, title="demo", steps=steps)
    _out_outputs(outputs, out, args.lang)
    _out_index(outputs, args.lang)
    return 0


def _out_index(outputs: Outputs, lang: str) -> None:
    """Print where the packet's front page is (the last index.html written)."""
    from hutan_geo.pipeline import PACKET_INDEX

    index = [w.path for w in outputs.written if w.path.name == PACKET_INDEX]
    if index:
        _out(tr("cli.packet_ready", lang, path=index[-1].resolve()))


def _out_outputs(outputs: Outputs, out: Path, lang: str) -> None:
    for line in outputs.messages:
        _out(line)
    _out_written(outputs.written, lang)
    for line in dict.fromkeys(outputs.notes):  # the same note from two steps is printed once
        _out(line)
    _out(f"{tr('cli.done', lang)}: {out.resolve()}")


class _Progress:
    """One updating line on stderr while the solver runs: iteration, best cost, elapsed seconds."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.shown = False

    def __call__(self, iteration: int, cost: float | None, seconds: float) -> None:
        best = "-" if cost is None else f"{cost:,.0f}"
        line = (
            f"{tr('cli.solving', self.lang)} · {tr('cli.iteration', self.lang)} {iteration} · "
            f"{tr('cli.best_cost', self.lang)} {best} · {seconds:.1f} {tr('cli.seconds', self.lang)}"
        )
        sys.stderr.write("\r" + line + "\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def step(self, title: str) -> None:
        """Show which part is being made."""
        sys.stderr.write("\r" + tr("cli.step", self.lang, title=title) + "\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _progress(args: argparse.Namespace) -> _Progress | None:
    """Return a progress line on stderr when it is a terminal and ``--quiet`` is not given."""
    return _Progress(args.lang) if sys.stderr.isatty() and not args.quiet else None


def _budget(args: argparse.Namespace, window: str) -> Any:
    """Return the patrol budget the arguments give (``--seconds`` / ``--iterations``, ``--seed``, ``--clusters``)."""
    from hutan_geo import pipeline

    seconds = args.seconds if args.seconds is not None or args.iterations is not None else _DEFAULT_SECONDS
    return pipeline.PatrolBudget(
        window, seconds=seconds, iterations=args.iterations, seed=args.seed, clusters=args.clusters
    )


def _cmd_patrol(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    district = pipeline.open_district(args.district, lang=args.lang)
    budget, plan = _plan(args, pipeline, district)
    out = Path(args.out)
    _out_outputs(pipeline.write_patrol_plan(district, plan, out, budget=budget, lang=args.lang), out, args.lang)
    return 0


def _plan(args: argparse.Namespace, pipeline: Any, district: Any) -> tuple[Any, Any]:
    """Plan the patrols of ``args.window`` at the budget the arguments give, with a progress line on a terminal."""
    budget = _budget(args, args.window)
    show = _progress(args)
    try:
        return budget, pipeline.plan_district_patrols(district, budget, progress=show, lang=args.lang)
    finally:
        if show is not None:
            show.close()


def _cmd_coverage(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    district = pipeline.open_district(args.district, lang=args.lang)
    budget, plan = _plan(args, pipeline, district)
    result = pipeline.coverage_for_district(district, plan, limits_min=args.limits, posts=args.posts, lang=args.lang)
    out = Path(args.out)
    outputs = pipeline.write_coverage_report(district, result, out, lang=args.lang)
    _out(budget.describe(args.lang))
    _out_outputs(outputs, out, args.lang)
    return 0


def _cmd_zones(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    district = pipeline.open_district(args.district, lang=args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _out_outputs(pipeline.write_zones(pipeline.Run(district, out, lang=args.lang)), out, args.lang)
    return 0


def _cmd_security(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    norms = pipeline.security_norms(args.norms)  # a bad norms file fails before the district is loaded
    district = pipeline.open_district(args.district, lang=args.lang)
    check = pipeline.security_for_district(district, norms=norms, lang=args.lang)
    out = Path(args.out)
    heading = pipeline.Heading(pipeline.district_name(district))
    outputs = pipeline.write_security(district, check, out, norms=norms, lang=args.lang, heading=heading)
    _out_outputs(outputs, out, args.lang)
    return 0


def _cmd_routes(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    district = pipeline.open_district(args.district, lang=args.lang)
    check = pipeline.student_routes_for_district(district, lang=args.lang)
    out = Path(args.out)
    heading = pipeline.Heading(pipeline.district_name(district))
    _out_outputs(pipeline.write_student_routes(district, check, out, lang=args.lang, heading=heading), out, args.lang)
    return 0


def _heading(args: argparse.Namespace, pipeline: Any, district: Any) -> Any:
    """Return the maps' title block from ``--marking`` and ``--as-of`` (the demo's report date for the demo)."""
    as_of = _reg_date(args.as_of, "--as-of", args.lang)
    if as_of is None:
        as_of = pipeline.DEMO_REGISTER_TODAY if args.district == "demo" else pipeline.data_as_of(district)
    return pipeline.Heading(pipeline.district_name(district), as_of, args.marking)


def _cmd_map(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    district = pipeline.open_district(args.district, lang=args.lang)
    out = Path(args.out)
    run = pipeline.Run(district, out, lang=args.lang, png=args.png, heading=_heading(args, pipeline, district))
    kinds = pipeline.MAP_KINDS if args.kind == "all" else (args.kind,)
    _out_outputs(pipeline.write_maps(run, kinds), out, args.lang)
    return 0


def _cmd_packet(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    district = pipeline.open_district(args.district, lang=args.lang)
    heading = _heading(args, pipeline, district)
    out = Path(args.out)
    show = _progress(args)
    try:
        outputs = pipeline.write_packet(
            district,
            out,
            windows=args.windows,
            budget=_budget(args, args.windows[0]),
            marking=heading.marking,
            as_of=heading.as_of,
            png=not args.no_png,
            lang=args.lang,
            progress=show,
            on_step=show.step if show is not None else None,
        )
    finally:
        if show is not None:
            show.close()
    _out_outputs(outputs, out, args.lang)
    _out_index(outputs, args.lang)
    return 0


def _cmd_assets(args: argparse.Namespace) -> int:
    from hutan_geo import export

    cache = export.install_assets(args.cache, force=args.force)
    _out(f"{tr('cli.assets_ready', args.lang)}: {cache}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline

    done = pipeline.validate_file(
        args.file,
        args.kind,
        out=args.out,
        lang=args.lang,
        datum=args.datum,
        allow_swap=args.allow_swap,
        region=args.region,
        sheet=args.sheet,
        layer=args.layer,
        encoding=args.encoding,
    )
    _out(done.result.summary(args.lang))
    _out_written(done.written, args.lang)
    return 0 if len(done.result.rejected) == 0 or not args.strict else 1


def _cmd_geocode(args: argparse.Namespace) -> int:
    from hutan_geo import geocode, pipeline

    district = pipeline.open_district(args.district, lang=args.lang)
    res, results, review = geocode.geocode_file(
        args.file,
        geocode.build_gazetteer(district),
        column=args.column,
        out=args.out,
        min_confidence=args.min_confidence,
        sheet=args.sheet,
    )
    _out(res.summary())
    _out(f"  {tr('cli.written', args.lang)}: {results}")
    _out_written([(tr("pipeline.review", args.lang), review)], args.lang)
    return 0


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from hutan_geo import demo

    district = demo.generate_demo_district(seed=args.seed, scale=args.scale)
    for path in [
        *demo.write_demo_files(district, Path(args.out)),
        *demo.write_security_files(district, Path(args.out)),
        *demo.write_residence_files(district, Path(args.out)),
    ]:
        _out(str(path))
    return 0


def _add_common(cmd: argparse.ArgumentParser, out: str | None, *, district: bool = True) -> None:
    """Add the options every stage shares: --district, --out, --quiet, --lang."""
    if district:
        cmd.add_argument("--district", default="demo", help="district folder ('demo' for the bundled demo district)")
    where = f"(default: {out})" if out else "(default: beside the file)"
    cmd.add_argument("--out", default=out, help=f"output folder {where}")
    cmd.add_argument("--quiet", action="store_true", help="no progress line on the terminal")
    cmd.add_argument("--lang", choices=_LANGS, default="zh", help="language of files and messages (default zh)")


def _add_heading(cmd: argparse.ArgumentParser) -> None:
    from hutan_geo.maps import DEFAULT_MARKING

    cmd.add_argument("--marking", default=DEFAULT_MARKING, help=f"marking on every map (default {DEFAULT_MARKING})")
    cmd.add_argument("--as-of", default=None, help="date of the data, YYYY-MM-DD (default: the latest hazard found)")


def _add_demo(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="run the pipeline on the bundled demo district (虚构示例) and write its packet")
    _add_common(demo, "outputs/demo", district=False)
    demo.add_argument("--no-png", action="store_true", help="skip the PNGs of the maps (need Chromium)")
    demo.set_defaults(func=_cmd_demo)


def _add_security(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser(
        "security", help="school security profiles against the norms (安保达标), inspections per semester (tables, map)"
    )
    cmd.add_argument("--norms", default=None, help="norms table, CSV/XLSX (default: the package's security_norms.csv)")
    _add_common(cmd, "outputs/security")
    cmd.set_defaults(func=_cmd_security)


def _add_routes(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser(
        "routes", help="student routes home: high-risk stretches, highway crossings, remote pupils without a bus"
    )
    _add_common(cmd, "outputs/routes")
    cmd.set_defaults(func=_cmd_routes)


def _add_zones(sub: argparse._SubParsersAction) -> None:
    zones = sub.add_parser("zones", help="rule check, risk ranking, hazards per school zone and township (tables)")
    _add_common(zones, "outputs/zones")
    zones.set_defaults(func=_cmd_zones)


def _add_map(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("map", help="the overview / analysis map of a district as offline HTML (PNG with --png)")
    _add_common(cmd, "outputs/map")
    cmd.add_argument("--kind", choices=("overview", "analysis", "all"), default="all", help="which map (default all)")
    cmd.add_argument("--png", action="store_true", help="also render each map to PNG (needs Chromium)")
    _add_heading(cmd)
    cmd.set_defaults(func=_cmd_map)


def _add_packet(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("packet", help="the meeting packet: every map and table, linked from index.html (offline)")
    _add_common(cmd, "outputs/packet")
    cmd.add_argument(
        "--windows", nargs="+", choices=("am", "noon", "pm"), default=["am", "noon", "pm"], help="patrol windows"
    )
    _add_budget(cmd)
    _add_heading(cmd)
    cmd.add_argument("--no-png", action="store_true", help="skip the PNGs of the maps (need Chromium)")
    cmd.set_defaults(func=_cmd_packet)


def _add_assets(sub: argparse._SubParsersAction) -> None:
    assets = sub.add_parser("assets", help="fetch the offline map assets (npm packages) once into the local cache")
    assets.add_argument("--cache", default=None, help="cache folder (default: $HUTAN_GEO_ASSETS or ~/.cache/...)")
    assets.add_argument("--force", action="store_true", help="fetch again even when already verified")
    assets.add_argument("--lang", choices=_LANGS, default="zh")
    assets.set_defaults(func=_cmd_assets)


def _add_validate(sub: argparse._SubParsersAction) -> None:
    from hutan_geo.model import SPECS

    val = sub.add_parser("validate", help="validate a schools/hazards/... file; write valid rows and a review table")
    val.add_argument("kind", choices=sorted(SPECS))
    val.add_argument("file")
    val.add_argument("--datum", default="wgs84", help="wgs84 (GPS), gcj02 (Gaode/Tencent), bd09 (Baidu), cgcs2000")
    val.add_argument("--allow-swap", action="store_true", help="swap back evidently swapped 经度/纬度")
    val.add_argument("--region", choices=("china", "world"), default="china")
    val.add_argument("--sheet", default=None, help="worksheet name of an .xlsx file")
    val.add_argument("--layer", default=None, help="layer of a GeoPackage")
    val.add_argument("--encoding", default=None, help="force a CSV encoding (detected otherwise)")
    val.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected")
    _add_common(val, None, district=False)
    val.set_defaults(func=_cmd_validate)


def _add_geocode(sub: argparse._SubParsersAction) -> None:
    geo = sub.add_parser("geocode", help="geocode the address column of a CSV/XLSX offline; write results and review")
    geo.add_argument("file")
    geo.add_argument("--column", default=None, help="address column (default: 地址/详细地址/address ...)")
    geo.add_argument("--min-confidence", type=float, default=0.6, help="below this a row goes to review")
    geo.add_argument("--sheet", default=None, help="worksheet name of an .xlsx file")
    _add_common(geo, None)
    geo.set_defaults(func=_cmd_geocode)


def _add_patrol(sub: argparse._SubParsersAction) -> None:
    pat = sub.add_parser("patrol", help="plan peak-hour patrols (护学岗巡逻); write the duty roster, GPX/KML and a map")
    pat.add_argument("--window", choices=("am", "noon", "pm", "day"), default="am", help="peak window, or the day")
    _add_budget(pat)
    _add_common(pat, "outputs/patrol")
    pat.set_defaults(func=_cmd_patrol)


def _add_budget(cmd: argparse.ArgumentParser) -> None:
    budget = cmd.add_mutually_exclusive_group()
    budget.add_argument(
        "--seconds", type=float, default=None, help=f"search time per window (default {_DEFAULT_SECONDS:g})"
    )
    budget.add_argument("--iterations", type=int, default=None, help="iterations per window (reproducible)")
    cmd.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    cmd.add_argument(
        "--clusters", type=int, default=5, help="hazard clusters offered as stops on the way (default 5; 0 for none)"
    )


def _add_coverage(sub: argparse._SubParsersAction) -> None:
    cov = sub.add_parser(
        "coverage", help="coverage of a patrol window: who is covered when, response bands, where posts help most"
    )
    cov.add_argument("--window", choices=("am", "noon", "pm"), default="am", help="peak window")
    _add_budget(cov)
    cov.add_argument(
        "--limits", type=float, nargs="+", default=[1.0, 3.0, 5.0], help="response bands in minutes (default 1 3 5)"
    )
    cov.add_argument("--posts", type=int, default=None, help="posts of the optimum layout (default: current posts)")
    _add_common(cov, "outputs/coverage")
    cov.set_defaults(func=_cmd_coverage)


def _add_demo_data(sub: argparse._SubParsersAction) -> None:
    from hutan_geo.demo import DEMO_SEED

    gen = sub.add_parser("demo-data", help="(re)generate the demo district files")
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=DEMO_SEED)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.set_defaults(func=_cmd_demo_data)


def _reg_date(value: str | None, option: str, lang: str) -> Any:
    """Return the ``YYYY-MM-DD`` option as a date (None when not given), or an InputError naming the option."""
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(tr("cli.reg.bad_date", lang, option=option, value=value)) from None


def _reg_init(args: argparse.Namespace, reg: Any, today: Any) -> None:
    from hutan_geo import pipeline

    if args.demo:
        from hutan_geo.demo import load_demo

        pipeline.register_from_hazards(args.register, load_demo().hazards, today=today or pipeline.DEMO_REGISTER_TODAY)
    else:
        names: list[str] = []
        if args.departments:
            path = Path(args.departments)
            if not path.is_file():
                raise InputError(tr("cli.reg.no_departments", args.lang, path=path))
            names = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
        reg.init(departments=names)
    _out(tr("cli.reg.summary", args.lang, target=args.register, hazards=len(reg.hazards()), batches=len(reg.batches())))


def _reg_import(args: argparse.Namespace, reg: Any, today: Any) -> None:
    from datetime import date

    from hutan_geo.analysis import Batch

    day = _reg_date(args.date, "--date", args.lang) or today or date.today()
    schools = tuple(s.strip() for s in args.schools.split(",") if s.strip()) if args.schools else ()
    batch = Batch(day, team=args.team, schools=schools, inspectors=args.inspectors, person_times=args.person_times)
    result = reg.import_file(args.file, batch, today=today)
    _out(tr("cli.reg.imported", args.lang, batch=result.batch_id, records=len(result.records), **result.counts))
    if args.out:
        from hutan_geo.io import write_table

        _out_written([(tr("cli.written", args.lang), write_table(result.records, args.out))], args.lang)


def _reg_advance(args: argparse.Namespace, reg: Any, today: Any) -> None:
    from datetime import date

    from hutan_geo.model.schema import STATUSES, label

    when = _reg_date(args.date, "--date", args.lang) or today or date.today()
    if args.status not in ("reopen", "重新交办"):
        args.status = STATUSES.parse(args.status) or args.status  # 汇总, 交办 ... are accepted as well as the codes
    if args.status in ("reopen", "重新交办"):
        status = reg.reopen(args.hazard_id, reason=args.note, when=when, who=args.who, today=today)
    else:
        status = reg.advance(args.hazard_id, args.status, when=when, department=args.department, note=args.note,
                             who=args.who, today=today, lang=args.lang)  # fmt: skip
    _out(tr("cli.reg.advanced", args.lang, hazard=args.hazard_id, status=label(STATUSES, status, args.lang)))


def _reg_lists(args: argparse.Namespace, reg: Any, today: Any) -> None:
    """Print the overdue list or the open review records."""
    lang = args.lang
    if args.action == "overdue":
        late = reg.overdue(today)
        for r in late.itertuples(index=False):
            dept = r.department or "-"
            _out(tr("cli.reg.overdue_row", lang, hazard=r.hazard_id, department=dept, deadline=r.deadline,
                    days=r.days_overdue))  # fmt: skip
        _out(tr("cli.reg.overdue_total", lang, n=len(late)))
        return
    rev = reg.open_reviews()
    for r in rev.itertuples(index=False):
        reason = tr("cli.reg.possible_repeat", lang) if r.reason == "possible repeat sighting" else r.reason
        score = "-" if r.score is None or r.score != r.score else f"{r.score:.0f}"
        _out(tr("cli.reg.review_row", lang, id=r.review_id, batch=r.batch_id, row=r.source_row, reason=reason,
                candidate=r.candidate_id or "-", score=score))  # fmt: skip
    _out(tr("cli.reg.review_total", lang, n=len(rev)))


def _reg_resolve(args: argparse.Namespace, reg: Any, today: Any) -> None:
    try:
        review_id = int(args.review_id)
    except ValueError:
        raise InputError(tr("cli.reg.bad_review_id", args.lang, value=args.review_id)) from None
    when = _reg_date(args.date, "--date", args.lang)
    hazard = reg.resolve(review_id, args.how, hazard_id=args.hazard, when=when, who=args.who, note=args.note,
                         today=today)  # fmt: skip
    key = {"merge": "cli.reg.merged", "new": "cli.reg.new"}.get(args.how, "cli.reg.dismissed")
    _out(tr(key, args.lang, id=review_id, hazard=hazard))


def _cmd_register(args: argparse.Namespace) -> int:
    from hutan_geo import pipeline
    from hutan_geo.analysis import open_register

    reg = open_register(args.register)
    today = _reg_date(args.today, "--today", args.lang)
    if args.action == "init":
        _reg_init(args, reg, today)
    elif args.action == "import":
        _reg_import(args, reg, today)
    elif args.action == "advance":
        _reg_advance(args, reg, today)
    elif args.action == "resolve":
        _reg_resolve(args, reg, today)
    elif args.action == "report":
        start, end = _reg_date(args.start, "--start", args.lang), _reg_date(args.end, "--end", args.lang)
        report, files = pipeline.register_outputs(reg, args.out, start=start, end=end, lang=args.lang)
        _out(report.bulletin())
        _out_written(list(files.items()), args.lang)
    else:
        _reg_lists(args, reg, today)
    return 0


_REGISTER_ACTIONS = ("init", "import", "advance", "report", "overdue", "review", "resolve")


def _add_register(sub: argparse._SubParsersAction) -> None:
    reg = sub.add_parser(
        "register", help="the hazard register (隐患台账): init, import, advance, report, overdue, review, resolve"
    )
    reg.add_argument("action", choices=_REGISTER_ACTIONS)
    reg.add_argument("register", help="the register: a .gpkg file or a postgresql:// connection string")
    reg.add_argument(
        "args",
        nargs="*",
        help="import: FILE; advance: HAZARD_ID STATUS (or reopen); resolve: REVIEW_ID merge|new|dismiss",
    )
    reg.add_argument("--lang", choices=_LANGS, default="zh")
    reg.add_argument("--today", help="the date checks take as today (YYYY-MM-DD; default the clock's)")
    reg.add_argument("--demo", action="store_true", help="init: fill the register with the demo district's hazards")
    reg.add_argument("--departments", help="init: a text file of department names, one a line")
    reg.add_argument("--date", help="import: batch date; advance, resolve: the date of the step")
    reg.add_argument("--team", default="", help="import: inspection team")
    reg.add_argument("--schools", help="import: schools visited, comma-separated")
    reg.add_argument("--inspectors", type=int, default=0, help="import: people in the team")
    reg.add_argument("--person-times", type=int, help="import: person-times (default inspectors x inspections)")
    reg.add_argument("--department", help="advance: responsible department (needed to assign)")
    reg.add_argument("--hazard", help="resolve: the hazard to merge into, or the new hazard's ID")
    reg.add_argument("--note", default="", help="advance, resolve: note (the reason when reopening or dismissing)")
    reg.add_argument("--who", default="", help="advance, resolve: who did it")
    reg.add_argument("--start", help="report: first day (default the first hazard's)")
    reg.add_argument("--end", help="report: last day (default the last event's)")
    reg.add_argument("--out", help="report: output folder; import: the per-record report (.csv/.xlsx)")
    reg.set_defaults(func=_cmd_register_args)


def _cmd_register_args(args: argparse.Namespace) -> int:
    need = {"import": 1, "advance": 2, "resolve": 2}.get(args.action, 0)
    if len(args.args) != need or (args.action == "report" and not args.out):
        raise InputError(tr("cli.reg.usage", args.lang))
    if args.action == "import":
        args.file = args.args[0]
    if args.action == "advance":
        args.hazard_id, args.status = args.args
    if args.action == "resolve":
        args.review_id, args.how = args.args
    return _cmd_register(args)


def _add_province(sub: argparse._SubParsersAction) -> None:
    from hutan_geo.province.commands import add_province_commands

    add_province_commands(sub)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hutan-geo", description="护校安园 school-surroundings safety maps and plans")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress messages")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (
        _add_demo,
        _add_assets,
        _add_validate,
        _add_geocode,
        _add_zones,
        _add_security,
        _add_routes,
        _add_patrol,
        _add_coverage,
        _add_register,
        _add_map,
        _add_packet,
        _add_demo_data,
        _add_province,
    ):
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when ``validate --strict`` found rejected rows, 2 on an input error
        (a bad file, folder or argument; one message on stderr, never a traceback).
    """
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    lang = check_lang(getattr(args, "lang", "zh"))
    try:
        return int(args.func(args))
    except (HutanError, OSError) as exc:  # OSError: a file or folder that cannot be read or written
        sys.stderr.write(f"{tr('cli.error', lang)}: {' '.join(str(exc).split())}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
