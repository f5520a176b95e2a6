"""The ``hutan-geo province`` and ``hutan-geo province-data`` commands (added to the command line by the cli).

``hutan-geo province DATASET --out OUT`` starts a local cluster of
``--workers`` processes (or joins ``--scheduler tcp://host:8786``), prints the
Dask dashboard link, runs :func:`~hutan_geo.province.run.run_province` with a
progress line per finished task, and prints the failed counties and the
files written. The exit status is 0 when every county finished, 1 when some
failed after their retries (listed, and in 未完成县区.csv), 2 on bad input.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hutan_geo._i18n import check_lang, tr
from hutan_geo.errors import InputError
from hutan_geo.province.cluster import connect
from hutan_geo.province.counties import PROVINCE_BUDGET, PROVINCE_WINDOWS
from hutan_geo.province.run import run_province, select_counties

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

__all__ = ["add_province_commands"]

_STAGES = {"zones": "prov.msg.stage.zones", "counties": "prov.msg.stage.counties"}


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _progress(lang: str, quiet: bool) -> Callable[[str, int, int], None]:
    """Return a progress printer: one line per finished task (every tenth of the stage on long stages)."""

    def report(stage: str, done: int, total: int) -> None:
        step = max(1, total // 10) if total > 20 else 1
        if quiet or (done % step and done != total):
            return
        _out(tr("prov.msg.stage", lang, stage=tr(_STAGES.get(stage, stage), lang), done=done, total=total))

    return report


def _counties(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


def _cmd_province(args: argparse.Namespace) -> int:
    lang = check_lang(args.lang)
    root = Path(args.dataset)
    out = Path(args.out) if args.out else root.parent / f"{root.name}_outputs"
    for flag, value, least in (("--workers", args.workers, 1), ("--iterations", args.iterations, 1)):
        if value < least:
            msg = f"{flag} must be at least {least}; got {value}"
            raise InputError(msg)
    if args.retries < 0:
        msg = f"--retries must be 0 or more; got {args.retries}"
        raise InputError(msg)
    select_counties(root, _counties(args.counties))  # a wrong folder or county id, before any cluster starts
    budget = dataclasses.replace(PROVINCE_BUDGET, iterations=args.iterations, seed=args.seed)
    if not logging.getLogger().isEnabledFor(logging.INFO):  # -v shows the cluster's own messages
        logging.getLogger("distributed").setLevel(logging.ERROR)
    client = connect(args.scheduler, workers=args.workers)
    try:
        n = len(client.scheduler_info(n_workers=-1).get("workers", {}))
        _out(tr("prov.msg.cluster", lang, workers=n, where=args.scheduler or "LocalCluster"))
        _out(tr("prov.msg.dashboard", lang, link=client.dashboard_link))
        result = run_province(
            root,
            out,
            client,
            counties=_counties(args.counties),
            zones=not args.no_zones,
            plans=not args.no_plans,
            budget=budget,
            windows=tuple(args.windows),
            lang=lang,
            retries=args.retries,
            progress=_progress(lang, args.quiet),
        )
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()
    failed = result.counties.failed if result.counties is not None else None
    if failed is not None:
        for row in failed.itertuples(index=False):
            _out(tr("prov.msg.failed", lang, county=row.county_id, error=str(row.error).splitlines()[0]))
    done = int((result.by_county["status"] == "done").sum())
    index = result.written[-1]
    _out(tr("prov.msg.done", lang, done=done, total=len(result.by_county), seconds=result.seconds["total"], path=index))
    for path in result.written:
        _out(f"  {tr('cli.written', lang)}: {path}")
    return 1 if failed is not None and len(failed) else 0


def _cmd_province_data(args: argparse.Namespace) -> int:
    from hutan_geo.demo import generate_province

    lang = check_lang(args.lang)
    seed = {} if args.seed is None else {"seed": args.seed}
    info = generate_province(Path(args.out), size=args.size, **seed)
    _out(
        tr(
            "prov.msg.generated",
            lang,
            counties=len(info.counties),
            schools=info.n_schools,
            records=info.n_records,
            path=args.out,
        )
    )
    return 0


def add_province_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``province`` and ``province-data`` to the command line's subcommands."""
    cmd = sub.add_parser(
        "province",
        help="run every county of a province dataset on Dask: joins, plans, coverage, packets and a summary",
    )
    cmd.add_argument("dataset", help="the province dataset folder (from `hutan-geo province-data`)")
    cmd.add_argument("--out", help="output folder (default: <dataset>_outputs beside it)")
    cmd.add_argument("--scheduler", help="address of a running Dask scheduler (default: start a local cluster)")
    cmd.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
    cmd.add_argument("--counties", help="only these county ids, comma-separated (e.g. C001,C002)")
    cmd.add_argument("--no-zones", action="store_true", help="skip the hazard-school joins")
    cmd.add_argument("--no-plans", action="store_true", help="skip the county plans, coverage and packets")
    cmd.add_argument("--iterations", type=int, default=PROVINCE_BUDGET.iterations, help="solver iterations per window")
    cmd.add_argument("--seed", type=int, default=PROVINCE_BUDGET.seed, help="solver seed")
    cmd.add_argument(
        "--windows",
        nargs="+",
        choices=PROVINCE_WINDOWS,
        default=list(PROVINCE_WINDOWS),
        help="patrol windows planned per county (default: am noon pm; coverage is of the first)",
    )
    cmd.add_argument("--retries", type=int, default=2, help="extra attempts for a failed county (default 2)")
    cmd.add_argument("--quiet", action="store_true", help="no progress lines")
    cmd.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of files and messages")
    cmd.set_defaults(func=_cmd_province)
    gen = sub.add_parser("province-data", help="generate the fictional demo province dataset (虚构示例数据)")
    gen.add_argument("--out", required=True, help="the dataset folder to write")
    gen.add_argument("--size", choices=("small", "full"), default="small", help="small (3 counties) or full (120)")
    gen.add_argument("--seed", type=int, help="generator seed (default: the demo province's)")
    gen.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of messages")
    gen.set_defaults(func=_cmd_province_data)
