"""Running a province on Dask: the client, the zone joins and the county runs, with retries and progress.

:func:`connect` gives a :class:`distributed.Client`: to a scheduler address
for a real cluster, else a new :class:`distributed.LocalCluster` of worker
*processes* (the solvers and shapely hold the GIL for long stretches). Every
task is submitted with ``retries``: a county whose worker died or raised is
run again; one that still fails is reported in :attr:`CountyRuns.failed`
with its error, never silently missing. A county's task has a fixed key, so
the scheduler runs it once at a time and its packet is moved into place
atomically (:func:`~hutan_geo.province.counties.county_work`).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hutan_geo.errors import InputError
from hutan_geo.province.counties import PROVINCE_BUDGET, PROVINCE_WINDOWS, CountySummary, county_work
from hutan_geo.province.joins import JOIN_COLUMNS, ProvinceZones, combine_partitions, partition_keys, zone_partition
from hutan_geo.province.sites import ProvinceSites

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import distributed

    from hutan_geo import pipeline
    from hutan_geo._i18n import Lang

__all__ = ["CountyRuns", "connect", "province_zones", "run_counties"]


def connect(
    scheduler: str | None = None,
    *,
    workers: int = 2,
    threads_per_worker: int = 1,
    memory_limit: str | float = "auto",
    dashboard: bool = True,
    timeout: str = "30s",
) -> distributed.Client:
    """Return a client: to ``scheduler`` (``tcp://host:8786``) when given, else to a new local cluster.

    Parameters
    ----------
    scheduler
        The address of a running Dask scheduler; None starts a :class:`~distributed.LocalCluster`.
    workers, threads_per_worker, memory_limit
        The local cluster's worker processes, threads each and memory limit per worker.
    dashboard
        Serve the local cluster's dashboard on a free port of 127.0.0.1 (``client.dashboard_link``).
    timeout
        How long to try to reach ``scheduler``; an :class:`InputError` naming it after that.
    """
    import distributed  # imported when a cluster is used, not with the command line

    if scheduler:
        try:
            return distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            msg = (
                f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}); check the address "
                "(tcp://host:8786) and that `dask scheduler` runs there, or leave out --scheduler for a local cluster"
            )
            raise InputError(msg) from exc
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        memory_limit=memory_limit,
        host="127.0.0.1",
        # the scheduler's HTTP server starts even without the dashboard: always on a free port, never
        # the default 8787 (taken by any other cluster on the machine)
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": bool(dashboard)},
    )
    return distributed.Client(cluster)


def _quiet(stage: str, done: int, total: int) -> None:
    del stage, done, total


def province_zones(
    root: str | Path,
    out: str | Path,
    client: distributed.Client,
    *,
    distance_m: float = 200.0,
    rules: pd.DataFrame | None = None,
    retries: int = 2,
    progress: Callable[[str, int, int], None] | None = None,
) -> ProvinceZones:
    """Join every hazard record of the province to the schools within the rule distances, on the cluster.

    Parameters
    ----------
    root
        The province dataset (``hazards/county_id=…`` GeoParquet and the site layers).
    out
        The output folder: ``pairs/`` and ``violations/`` Parquet datasets, one file per partition.
    client
        From :func:`connect`.
    distance_m
        The school zone of the pairs and per-school counts (straight line from the campus boundary).
    rules
        The straight-line rules (default: the enabled rules shipped with the package).
    retries
        Times a failed partition task is run again.
    progress
        Called with ``("zones", done, total)`` as partitions finish.

    Returns
    -------
    ProvinceZones
        The tables per school, county and category.
    """
    import dask
    import dask_geopandas

    progress = progress or _quiet
    sites = ProvinceSites.read(root)
    hazards = dask_geopandas.read_parquet(Path(root) / "hazards", columns=[*JOIN_COLUMNS, "county_id"])
    keys = partition_keys(hazards.npartitions)
    sites_future = client.scatter(sites, broadcast=True)
    tasks = [
        dask.delayed(zone_partition)(part, sites_future, key=key, out=str(out), distance_m=distance_m, rules=rules)
        for part, key in zip(hazards.to_delayed(), keys, strict=True)
    ]
    futures = client.compute(tasks, retries=retries)
    results = _gather("zones", futures, progress)
    return combine_partitions(results, sites, out, distance_m)


def _gather(stage: str, futures: Sequence[distributed.Future], progress: Callable[[str, int, int], None]) -> list:
    """Wait for every future (reporting progress); return their results in submission order; raise the first error."""
    import distributed

    progress(stage, 0, len(futures))
    for done, _ in enumerate(distributed.as_completed(futures), start=1):
        progress(stage, done, len(futures))
    return [f.result() for f in futures]


@dataclass(frozen=True)
class CountyRuns:
    """The county runs of a province.

    Attributes
    ----------
    summaries
        One :class:`CountySummary` per county that finished, in county order.
    failed
        Per county that failed after its retries: ``county_id``, ``error`` (the
        exception and its last lines of traceback).
    """

    summaries: list[CountySummary]
    failed: pd.DataFrame

    @property
    def county_ids(self) -> list[str]:
        """The counties that finished."""
        return [s.county_id for s in self.summaries]


def _error_text(future: distributed.Future) -> str:
    exc = future.exception()
    tb = "".join(traceback.format_tb(future.traceback())[-3:]) if future.traceback() is not None else ""
    return f"{type(exc).__name__}: {exc}\n{tb}".strip()


def run_counties(
    root: str | Path,
    out: str | Path,
    client: distributed.Client,
    county_ids: Sequence[str],
    *,
    budget: pipeline.PatrolBudget = PROVINCE_BUDGET,
    windows: tuple[str, ...] = PROVINCE_WINDOWS,
    lang: Lang = "zh",
    marking: str | None = None,
    retries: int = 2,
    progress: Callable[[str, int, int], None] | None = None,
    work: Callable[..., CountySummary] = county_work,
) -> CountyRuns:
    """Run every county on the cluster (network, matrices, plans per window, coverage, packet).

    A task that raises or whose worker dies is run again up to ``retries``
    times; a county that still fails is listed in :attr:`CountyRuns.failed`.
    Each county is one task with the key ``county-<id>``: it is never run
    twice at once, and its packet is moved into place atomically. The
    counties with the most schools are started first.

    Parameters
    ----------
    root, out, client
        The province dataset, the output folder and the client.
    county_ids
        The counties to run.
    budget, windows, lang, marking
        As for :func:`~hutan_geo.province.counties.county_work`.
    retries
        Extra attempts per county.
    progress
        Called with ``("counties", done, total)``.
    work
        The function run per county (tests inject failures through it).
    """
    import distributed

    from hutan_geo.demo import read_province

    progress = progress or _quiet
    # the largest counties first, so that the last task to start is a small one (the run ends sooner)
    size = read_province(root).counties.set_index("county_id")["n_schools"].reindex(list(county_ids)).fillna(0)
    futures = [
        client.submit(
            work,
            str(root),
            cid,
            str(out),
            budget=budget,
            windows=windows,
            lang=lang,
            marking=marking,
            key=f"county-{cid}",
            retries=retries,
            pure=False,
            priority=int(size[cid]),
        )
        for cid in county_ids
    ]
    progress("counties", 0, len(futures))
    for done, _ in enumerate(distributed.as_completed(futures), start=1):
        progress("counties", done, len(futures))
    summaries: list[CountySummary] = []
    failed: list[dict[str, Any]] = []
    for cid, fut in zip(county_ids, futures, strict=True):
        if fut.status == "finished":
            summaries.append(fut.result())
        else:
            failed.append({"county_id": cid, "error": _error_text(fut)})
        fut.release()
    return CountyRuns(summaries, pd.DataFrame(failed, columns=["county_id", "error"]))
