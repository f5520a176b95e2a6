"""The exact pair kernel: every (hazard, site) pair within a distance, decided on the true distance.

Candidate pairs come from a :class:`shapely.STRtree` over the hazards queried
with each site's envelope grown by the distance, and every candidate is
decided on its exact distance, never on a polygonised buffer: GEOS's
point-to-segment formula evaluated in numpy, operation for operation (the
same numbers as ``shapely.distance``, which is used for anything else), so
the pairs are those of ``STRtree.query(predicate="dwithin")``.
"""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely

from hutan_geo.errors import InputError

__all__ = ["check_distance", "check_n_jobs", "nearest_gate_per_school", "pairs_within"]

#: Polygons with at most this many edges get their distances in numpy (GEOS's formula), others from GEOS.
_NUMPY_MAX_SEGMENTS = 512
#: Point-to-edge evaluations per numpy batch (memory: about 100 bytes each).
_NUMPY_BATCH = 1_000_000


@dataclass(frozen=True)
class _Edges:
    """The boundary edges (every ring: shells and holes) of polygon sites, grouped by site."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    count: np.ndarray  # edges per site (0: not handled in numpy)
    start: np.ndarray  # first edge of each site

    @classmethod
    def of(cls, site_geoms: np.ndarray) -> _Edges:
        n = len(site_geoms)
        polygonal = np.flatnonzero(np.isin(shapely.get_type_id(site_geoms), (3, 6)))
        parts, part_site = shapely.get_parts(site_geoms[polygonal], return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same = coord_ring[1:] == coord_ring[:-1]
        edge_site = polygonal[part_site[ring_part[coord_ring[:-1][same]]]]
        count = np.bincount(edge_site, minlength=n)
        count[count > _NUMPY_MAX_SEGMENTS] = 0
        keep = count[edge_site] > 0
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        return cls(
            coords[:-1, 0][same][keep],
            coords[:-1, 1][same][keep],
            coords[1:, 0][same][keep],
            coords[1:, 1][same][keep],
            count,
            start,
        )

    def distance(self, px: np.ndarray, py: np.ndarray, site: np.ndarray) -> np.ndarray:
        """Distance of each point to its site's polygon (0 inside), as GEOS computes it.

        Per edge, GEOS's ``Distance::pointToSegment`` in the same operation
        order; the minimum over the edges; 0 when an even-odd ray crossing
        count puts the point inside (shells and holes alike).
        """
        out = np.empty(len(site))
        counts = self.count[site]
        total = np.cumsum(counts)
        cuts = np.searchsorted(total, np.arange(_NUMPY_BATCH, int(total[-1]) if len(total) else 0, _NUMPY_BATCH))
        bounds = np.unique(np.concatenate([[0], cuts, [len(site)]]))
        for lo, hi in itertools.pairwise(bounds.tolist()):
            sel = slice(lo, hi)
            c = counts[sel]
            first = np.cumsum(c) - c
            pair = np.repeat(np.arange(hi - lo), c)
            k = self.start[site[sel]][pair] + (np.arange(int(c.sum())) - first[pair])
            ax, ay, bx, by = self.x0[k], self.y0[k], self.x1[k], self.y1[k]
            qx, qy = px[sel][pair], py[sel][pair]
            ex, ey = bx - ax, by - ay
            len2 = ex * ex + ey * ey
            dxa, dya = qx - ax, qy - ay
            dxb, dyb = qx - bx, qy - by
            with np.errstate(divide="ignore", invalid="ignore"):
                r = (dxa * ex + dya * ey) / len2
                s = ((ay - qy) * ex - (ax - qx) * ey) / len2
                crosses = ((ay > qy) != (by > qy)) & (qx < ex * (qy - ay) / ey + ax)
            d = np.where(
                (len2 == 0) | (r <= 0.0),
                np.sqrt(dxa * dxa + dya * dya),
                np.where(r >= 1.0, np.sqrt(dxb * dxb + dyb * dyb), np.abs(s) * np.sqrt(len2)),
            )
            nearest = np.minimum.reduceat(d, first)
            inside = np.add.reduceat(crosses.astype(np.int64), first) % 2 == 1
            out[sel] = np.where(inside, 0.0, nearest)
        return out


def pairs_within(
    hazard_geoms: np.ndarray,
    site_geoms: np.ndarray,
    distance_m: float,
    *,
    offsets: np.ndarray | None = None,
    n_jobs: int = 1,
    chunk: int = 2048,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every (hazard, site) pair with ``distance - offset <= distance_m``, exactly.

    An STRtree over the hazards is queried with each site's envelope grown by
    ``distance_m + offset``; each candidate is decided on its exact distance:
    for point hazards, in numpy for point sites and for polygons of up to
    :data:`_NUMPY_MAX_SEGMENTS` edges (GEOS's own formula, operation for
    operation), otherwise ``shapely.distance``.

    Parameters
    ----------
    hazard_geoms, site_geoms
        Shapely geometries in one metric CRS.
    distance_m
        Pairs at a distance ``<= distance_m`` (after the offset) count.
    offsets
        Per site, metres subtracted from its distances (a disc standing in
        for a missing campus); none: 0.
    n_jobs
        Threads (shapely releases the GIL).
    chunk
        Sites per query batch.

    Returns
    -------
    Hazard positions, site positions and distances (offset subtracted,
    floored at 0), sorted by hazard then site.

    Examples
    --------
    >>> h = shapely.points([0, 5, 50], [0, 0, 0])
    >>> hi, si, d = pairs_within(h, shapely.points([0], [3]), 10)
    >>> hi.tolist(), si.tolist(), d.round(3).tolist()
    ([0, 1], [0, 0], [3.0, 5.831])
    """
    n_h, n_s = len(hazard_geoms), len(site_geoms)
    if n_h == 0 or n_s == 0:
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0, float)
    reach = np.full(n_s, float(distance_m)) if offsets is None else distance_m + offsets
    tree = shapely.STRtree(hazard_geoms)
    b = shapely.bounds(site_geoms)
    boxes = shapely.box(b[:, 0] - reach, b[:, 1] - reach, b[:, 2] + reach, b[:, 3] + reach)
    site_type = shapely.get_type_id(site_geoms)
    hxy = shapely.get_coordinates(hazard_geoms)
    hazard_points = len(hxy) == n_h and bool((shapely.get_type_id(hazard_geoms) == 0).all())
    site_is_point = site_type == 0
    sxy = np.full((n_s, 2), np.nan)
    if site_is_point.any():
        sxy[site_is_point] = shapely.get_coordinates(site_geoms[site_is_point])
    edges = _Edges.of(site_geoms) if hazard_points and np.isin(site_type, (3, 6)).any() else None
    in_numpy = np.zeros(n_s, bool) if edges is None else edges.count > 0

    def job(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        stop = min(n_s, start + chunk)
        si, hi = tree.query(boxes[start:stop])
        si = si + start
        d = np.empty(len(si))
        point = site_is_point[si] if hazard_points else np.zeros(len(si), bool)
        if point.any():
            dx = hxy[hi[point], 0] - sxy[si[point], 0]
            dy = hxy[hi[point], 1] - sxy[si[point], 1]
            d[point] = np.sqrt(dx * dx + dy * dy)
        poly = in_numpy[si]
        if poly.any() and edges is not None:
            d[poly] = edges.distance(hxy[hi[poly], 0], hxy[hi[poly], 1], si[poly])
        rest = ~(point | poly)
        if rest.any():
            d[rest] = shapely.distance(hazard_geoms[hi[rest]], site_geoms[si[rest]])
        if offsets is not None:
            d = np.maximum(d - offsets[si], 0.0)
        keep = d <= distance_m
        return hi[keep], si[keep], d[keep]

    starts = range(0, n_s, chunk)
    if n_jobs > 1 and n_s > chunk:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            parts = list(pool.map(job, starts))
    else:
        parts = [job(s) for s in starts]
    hi = np.concatenate([p[0] for p in parts])
    si = np.concatenate([p[1] for p in parts])
    d = np.concatenate([p[2] for p in parts])
    order = np.argsort(hi.astype(np.int64) * n_s + si)  # keys are unique: by hazard, then site
    return hi[order], si[order], d[order]


def check_n_jobs(n_jobs: int | None) -> int:
    """Return the number of threads asked for: ``None`` means every core.

    Raises
    ------
    InputError
        Not a positive integer.
    """
    if n_jobs is None:
        return os.cpu_count() or 1
    if not isinstance(n_jobs, int) or n_jobs < 1:
        msg = f"n_jobs must be a positive integer or None (all cores); got {n_jobs!r}"
        raise InputError(msg)
    return n_jobs


def check_distance(value: float, name: str) -> float:
    """Return ``value`` as a float after checking it is a finite distance in metres >= 0.

    Raises
    ------
    InputError
        Named ``name`` in the message when it is not.
    """
    if not isinstance(value, (int, float, np.floating, np.integer)) or not math.isfinite(value) or value < 0:
        msg = f"{name} must be a distance in metres >= 0; got {value!r}"
        raise InputError(msg)
    return float(value)


def nearest_gate_per_school(
    hi: np.ndarray, si: np.ndarray, d: np.ndarray, gi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keep, of (hazard, school, distance, gate) pairs, the nearest gate of each (hazard, school).

    Returns the kept pairs sorted by hazard, then school.

    Examples
    --------
    >>> hi, si, d, gi = (np.array(v) for v in ([0, 0, 1], [0, 0, 0], [5.0, 3.0, 1.0], [0, 1, 0]))
    >>> [a.tolist() for a in nearest_gate_per_school(hi, si, d, gi)]
    [[0, 1], [0, 0], [3.0, 1.0], [1, 0]]
    """
    order = np.lexsort((d, si, hi))
    hi, si, d, gi = hi[order], si[order], d[order], gi[order]
    first = np.ones(len(hi), bool)
    first[1:] = (hi[1:] != hi[:-1]) | (si[1:] != si[:-1])
    return hi[first], si[first], d[first], gi[first]
