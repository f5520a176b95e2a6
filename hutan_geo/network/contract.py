"""Contracted "core" graphs: travel-time matrices on a smaller graph with the same answers.

Real road networks have many junctions of degree 2 (a road split where its
name, class or speed changes, a bridge, a village entrance) and many dead
ends (farm tracks, cul-de-sacs). Neither matters for the fastest path
between two other junctions, yet every Dijkstra search has to settle them.
:func:`_contraction` builds, once per network, mode and profile (cached on
the network), a *core* graph without them:

1. dead-end trees are pruned: nodes of undirected degree 1 are removed
   again and again (the 2-core of the road graph); every pruned node keeps
   its parent towards the rest of the network;
2. chains of nodes with exactly two neighbours left are collapsed into one
   arc per direction between their end junctions, carrying the summed time
   and summed length (a one-way chain gives one arc; a ring of such nodes
   keeps one of them);
3. every removed node keeps at most two *entries* (core node, time and
   length from it) and two *exits* (core node, time and length to it):
   the ends of its chain, through the tree it hangs in.

A search then runs :func:`scipy.sparse.csgraph.dijkstra` on the core graph
from virtual origins whose arcs are the exits of the origin's position, to a
sink per destination whose arcs come from its entries (the way in from each
end of its road piece, composed with that end's entries: up to four); the
sink's time is the least of them. Removed nodes form *regions* (connected
parts of removed nodes, bounded by core nodes); a path from an origin to a
destination of the same region may never touch the core, so those pairs are
searched again on the region's nodes only, and the faster answer is kept.

Why the answers are those of the full graph: every time computed is the
time of a real path; and a fastest path either stays inside one region
(the second search) or meets the core, first at some core node c1 and last
at some c2. Inside a region the only way from a node to a core node (and
back) is along its chain and up its tree (both ways round a ring), which
is what the exits and entries hold, and between core nodes the core graph
keeps every distance (a detour into a tree or back out of a chain only adds
time). Times agree up to the rounding of the summed chain times (about
1e-12 relative), and distances are summed along the same fastest path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hutan_geo.network import _core as core

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from hutan_geo.network.graph import RoadNetwork, _ModeGraph

__all__: list[str] = []


@dataclass
class _Contraction:
    """A core graph and, for every node of the full graph, how it is reached from and left to the core.

    ``ent_*``/``ext_*`` have shape (n, 2): core node ids (-1 where none),
    time and length from the core node to the node (entries) or from the
    node to the core node (exits). A core node has itself as its only entry
    and exit, at 0.
    """

    n: int
    full: core.Csr  # the graph contracted
    core_of: NDArray[np.int64]  # (n,) core id, -1 for a removed node
    nodes: NDArray[np.int64]  # (n_core,) full id of each core node
    csr: core.Csr
    matrix: Any
    region: NDArray[np.int64]  # (n,) region of a removed node, -1 for a core node
    reg_ptr: NDArray[np.int64]  # nodes of region r: reg_nodes[reg_ptr[r]:reg_ptr[r + 1]]
    reg_nodes: NDArray[np.int64]
    adj_ptr: NDArray[np.int64]  # undirected adjacency of the full graph
    adj: NDArray[np.int64]
    ent_node: NDArray[np.int64]
    ent_cost: NDArray[np.float64]
    ent_len: NDArray[np.float64]
    ext_node: NDArray[np.int64]
    ext_cost: NDArray[np.float64]
    ext_len: NDArray[np.float64]

    @property
    def n_core(self) -> int:
        """Number of core nodes."""
        return len(self.nodes)


def _contraction(net: RoadNetwork, g: _ModeGraph, key: tuple[str, str]) -> _Contraction:
    """Return the contraction of mode graph ``g`` (cached on ``net`` under ``key`` = (mode, profile))."""
    cache_key = ("core", *key)
    if cache_key not in net._cache:
        net._cache[cache_key] = _contract(g.csr)
    return net._cache[cache_key]


def _arc(csr: core.Csr, tail: NDArray[np.int64], head: NDArray[np.int64]) -> tuple[NDArray[np.float64], ...]:
    """Time and length of the arcs ``tail -> head`` (inf and 0 where there is none)."""
    if not len(tail):
        return np.zeros(0), np.zeros(0)
    e = csr.entry(tail, head)
    ok = e >= 0
    w = np.where(ok, csr.weight[np.maximum(e, 0)], np.inf)
    ln = np.where(ok, csr.length[np.maximum(e, 0)], 0.0)
    return w, ln


def _adjacency(csr: core.Csr) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Undirected simple adjacency (CSR pointer and neighbours, sorted) of a directed graph."""
    n = csr.n
    tails = np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr))
    heads = csr.indices.astype(np.int64)
    key = np.unique(np.concatenate([tails * n + heads, heads * n + tails]))
    a, b = key // max(n, 1), key % max(n, 1)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=ptr[1:])
    return ptr, b


def _entries(ptr: NDArray[np.int64], sel: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Flatten the CSR rows ``sel``: (position in ``sel``, entry index) per entry, rows in the order of ``sel``."""
    cnt = ptr[sel + 1] - ptr[sel]
    owner = np.repeat(np.arange(len(sel)), cnt)
    first = np.repeat(ptr[sel] - np.cumsum(cnt) + cnt, cnt)
    return owner, first + np.arange(int(cnt.sum()))


def _rows(ptr: NDArray[np.int64], nbr: NDArray[np.int64], sel: NDArray[np.int64]) -> tuple[NDArray[np.int64], ...]:
    """Flatten the adjacency rows of ``sel``: (position in ``sel``, neighbour) per entry."""
    owner, pos = _entries(ptr, sel)
    return owner, nbr[pos]


def _prune(
    ptr: NDArray[np.int64], nbr: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64], list[NDArray[np.int64]]]:
    """Remove leaves repeatedly; return removed mask, parent, degree left and the rounds of removal."""
    n = len(ptr) - 1
    deg = np.diff(ptr).astype(np.int64)
    removed = np.zeros(n, dtype=bool)
    parent = np.full(n, -1, dtype=np.int64)
    rounds: list[NDArray[np.int64]] = []
    frontier = np.flatnonzero(deg == 1)
    while len(frontier):
        owner, nb = _rows(ptr, nbr, frontier)
        alive = ~removed[nb]
        par = np.empty(len(frontier), dtype=np.int64)
        par[owner[alive]] = nb[alive]
        # two leaves joined to each other (a lone road piece): keep the smaller id as the root
        in_front = np.zeros(n, dtype=bool)
        in_front[frontier] = True
        keep = in_front[par] & (frontier < par)
        leaves, par = frontier[~keep], par[~keep]
        removed[leaves] = True
        parent[leaves] = par
        deg[leaves] = 0
        np.subtract.at(deg, par, 1)
        rounds.append(leaves)
        cand = np.unique(par)
        frontier = cand[(deg[cand] == 1) & ~removed[cand]]
    return removed, parent, deg, rounds


@dataclass
class _Walk:
    """Records of the chain walks: per visited chain node, its start core node and the costs both ways."""

    node: list[NDArray[np.int64]]
    start: list[NDArray[np.int64]]
    w_in: list[NDArray[np.float64]]
    w_out: list[NDArray[np.float64]]
    l_in: list[NDArray[np.float64]]
    l_out: list[NDArray[np.float64]]
    arcs: list[tuple[NDArray[np.int64], ...]]

    def cat(self, name: str) -> NDArray[Any]:
        """Concatenate one record field."""
        parts = getattr(self, name)
        return np.concatenate(parts) if parts else np.zeros(0)


def _walk(
    csr: core.Csr,
    nb2: NDArray[np.int64],
    is_core: NDArray[np.bool_],
    start: NDArray[np.int64],
    first: NDArray[np.int64],
    out: _Walk,
) -> None:
    """Walk from core nodes ``start`` into their chain neighbours ``first`` until a core node; record all."""
    prev, cur = start, first
    w_in, l_in = _arc(csr, start, first)
    w_out, l_out = _arc(csr, first, start)
    while len(cur):
        for name, val in zip(
            ("node", "start", "w_in", "w_out", "l_in", "l_out"), (cur, start, w_in, w_out, l_in, l_out), strict=True
        ):
            getattr(out, name).append(val)
        nxt = np.where(nb2[cur, 0] == prev, nb2[cur, 1], nb2[cur, 0])
        wf, lf = _arc(csr, cur, nxt)
        wb, lb = _arc(csr, nxt, cur)
        w_in, l_in = w_in + wf, l_in + lf
        w_out, l_out = wb + w_out, lb + l_out
        done = is_core[nxt]
        out.arcs.append((start[done], nxt[done], w_in[done], l_in[done]))
        go = ~done
        prev, cur, start = cur[go], nxt[go], start[go]
        w_in, l_in, w_out, l_out = w_in[go], l_in[go], w_out[go], l_out[go]


def _chains(
    csr: core.Csr, ptr: NDArray[np.int64], nbr: NDArray[np.int64], removed: NDArray[np.bool_], deg: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], _Walk]:
    """Collapse the chains of the 2-core; return the core mask and the walk records."""
    n = csr.n
    alive = ~removed
    chain = alive & (deg == 2)
    is_core = alive & ~chain
    sel = np.flatnonzero(chain)
    _, nb = _rows(ptr, nbr, sel)
    nb2 = np.full((n, 2), -1, dtype=np.int64)
    nb2[sel] = nb[alive[nb]].reshape(-1, 2)  # each chain node has exactly two live neighbours, in order
    out = _Walk([], [], [], [], [], [], [])
    starts = np.flatnonzero(is_core)
    while True:
        own, nb = _rows(ptr, nbr, starts)
        go = chain[nb] & ~is_core[nb]
        _walk(csr, nb2, is_core, starts[own[go]], nb[go], out)
        seen = np.zeros(n, dtype=bool)
        seen[out.cat("node").astype(np.int64)] = True
        ring = np.flatnonzero(chain & ~is_core & ~seen)
        if not len(ring):
            return is_core, out
        # rings of chain nodes with no junction: keep the smallest node of each ring
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components

        own, nb = _rows(ptr, nbr, ring)
        local = np.full(n, -1, dtype=np.int64)
        local[ring] = np.arange(len(ring))
        inside = local[nb] >= 0  # a ring node's other neighbours are pruned tree nodes
        m = csr_matrix((np.ones(int(inside.sum())), (own[inside], local[nb[inside]])), shape=(len(ring), len(ring)))
        _, lab = connected_components(m, directed=False)
        starts = ring[np.unique(lab, return_index=True)[1]]
        is_core[starts] = True


def _tree_offsets(csr: core.Csr, parent: NDArray[np.int64], rounds: list[NDArray[np.int64]]) -> tuple[NDArray, ...]:
    """Root (nearest 2-core node) of every node, and time and length from the root down and from the node up."""
    n = csr.n
    root = np.arange(n, dtype=np.int64)
    down, up, l_down, l_up = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    for leaves in reversed(rounds):
        p = parent[leaves]
        wd, ld = _arc(csr, p, leaves)
        wu, lu = _arc(csr, leaves, p)
        root[leaves] = root[p]
        down[leaves] = down[p] + wd
        l_down[leaves] = l_down[p] + ld
        up[leaves] = wu + up[p]
        l_up[leaves] = lu + l_up[p]
    return root, down, up, l_down, l_up


def _regions(
    ptr: NDArray[np.int64], nbr: NDArray[np.int64], is_core: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Label the connected parts of the removed nodes (-1 for core nodes) and group the nodes by part."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(ptr) - 1
    gone = np.flatnonzero(~is_core)
    region = np.full(n, -1, dtype=np.int64)
    if not len(gone):
        return region, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    own, nb = _rows(ptr, nbr, gone)
    keep = ~is_core[nb]
    local = np.full(n, -1, dtype=np.int64)
    local[gone] = np.arange(len(gone))
    m = csr_matrix((np.ones(int(keep.sum())), (own[keep], local[nb[keep]])), shape=(len(gone), len(gone)))
    k, lab = connected_components(m, directed=False)
    region[gone] = lab
    order = np.argsort(lab, kind="stable")
    reg_ptr = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(lab, minlength=k), out=reg_ptr[1:])
    return region, reg_ptr, gone[order]


def _contract(csr: core.Csr) -> _Contraction:
    """Build the contraction of a CSR graph (see the module docstring)."""
    n = csr.n
    ptr, nbr = _adjacency(csr)
    removed, parent, deg, rounds = _prune(ptr, nbr)
    is_core, walk = _chains(csr, ptr, nbr, removed, deg)
    nodes = np.flatnonzero(is_core)
    core_of = np.full(n, -1, dtype=np.int64)
    core_of[nodes] = np.arange(len(nodes))
    # core arcs: arcs between two core nodes, and one per walked chain and direction
    tails = np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr))
    heads = csr.indices.astype(np.int64)
    direct = is_core[tails] & is_core[heads]
    parts = [(tails[direct], heads[direct], csr.weight[direct], csr.length[direct]), *walk.arcs]
    a_t, a_h, a_w, a_l = (np.concatenate([p[i] for p in parts]) for i in range(4))
    fin = np.isfinite(a_w)
    ccsr = core.build_csr(len(nodes), core_of[a_t[fin]], core_of[a_h[fin]], a_w[fin], a_l[fin])
    # entries and exits: chain ends (two records per chain node), composed with the tree offsets
    rec_node = walk.cat("node").astype(np.int64)
    order = np.argsort(rec_node, kind="stable")
    rn = rec_node[order]
    if len(rn) and not (len(rn) % 2 == 0 and np.array_equal(rn[0::2], rn[1::2])):
        msg = "internal error: a chain node was not reached from both of its ends"
        raise AssertionError(msg)
    chain_nodes = rn[0::2]

    def pairs(name: str) -> NDArray[Any]:
        return walk.cat(name)[order].reshape(-1, 2)

    c_start = np.full((n, 2), -1, dtype=np.int64)
    c_in, c_out, c_lin, c_lout = (np.full((n, 2), np.inf), np.full((n, 2), np.inf), np.zeros((n, 2)), np.zeros((n, 2)))
    c_start[chain_nodes] = pairs("start").astype(np.int64)
    c_in[chain_nodes], c_out[chain_nodes] = pairs("w_in"), pairs("w_out")
    c_lin[chain_nodes], c_lout[chain_nodes] = pairs("l_in"), pairs("l_out")
    c_start[nodes, 0] = nodes
    c_in[nodes, 0] = c_out[nodes, 0] = 0.0
    root, down, up, l_down, l_up = _tree_offsets(csr, parent, rounds)
    r = root
    start = c_start[r]
    ent_node = np.where(start >= 0, core_of[np.maximum(start, 0)], -1)
    ent_cost = c_in[r] + down[:, None]
    ext_cost = up[:, None] + c_out[r]
    ent_node = np.where(np.isfinite(ent_cost), ent_node, -1)
    ext_node = np.where(np.isfinite(ext_cost), np.where(start >= 0, core_of[np.maximum(start, 0)], -1), -1)
    region, reg_ptr, reg_nodes = _regions(ptr, nbr, is_core)
    return _Contraction(
        n=n,
        full=csr,
        core_of=core_of,
        nodes=nodes,
        csr=ccsr,
        matrix=ccsr.matrix(),
        region=region,
        reg_ptr=reg_ptr,
        reg_nodes=reg_nodes,
        adj_ptr=ptr,
        adj=nbr,
        ent_node=ent_node,
        ent_cost=np.where(ent_node >= 0, ent_cost, np.inf),
        ent_len=c_lin[r] + l_down[:, None],
        ext_node=ext_node,
        ext_cost=np.where(ext_node >= 0, ext_cost, np.inf),
        ext_len=l_up[:, None] + c_lout[r],
    )


def _identity(net: RoadNetwork, g: _ModeGraph, key: tuple[str, str]) -> _Contraction:
    """Return the full graph seen as its own core (nothing removed): the reference the contraction must match."""
    cache_key = ("full", *key)
    if cache_key not in net._cache:
        n = g.csr.n
        ids = np.arange(n, dtype=np.int64)
        node = np.column_stack([ids, np.full(n, -1, dtype=np.int64)])
        cost = np.column_stack([np.zeros(n), np.full(n, np.inf)])
        empty = np.zeros(0, dtype=np.int64)
        net._cache[cache_key] = _Contraction(
            n=n,
            full=g.csr,
            core_of=ids,
            nodes=ids,
            csr=g.csr,
            matrix=g.matrix,
            region=np.full(n, -1, dtype=np.int64),
            reg_ptr=np.zeros(1, dtype=np.int64),
            reg_nodes=empty,
            adj_ptr=np.zeros(n + 1, dtype=np.int64),
            adj=empty,
            ent_node=node,
            ent_cost=cost,
            ent_len=np.zeros((n, 2)),
            ext_node=node,
            ext_cost=cost,
            ext_len=np.zeros((n, 2)),
        )
    return net._cache[cache_key]


@dataclass
class _Starts:
    """Where each origin of a chunk enters the graph: (full node, time, length) per start, rows by ``ptr``."""

    ptr: NDArray[np.int64]
    node: NDArray[np.int64]
    cost: NDArray[np.float64]
    length: NDArray[np.float64]

    @property
    def row(self) -> NDArray[np.int64]:
        """Origin row of each start."""
        return np.repeat(np.arange(len(self.ptr) - 1), np.diff(self.ptr))


@dataclass
class _Targets:
    """The destinations seen from a contraction: up to four (core node, time, length) ways in each.

    Column ``2 * s + k`` is entry ``k`` of the destination's way in ``s``
    (``s = 0`` from the piece's u, ``1`` from its v), so ties keep the order
    of the full graph (u first).
    """

    node: NDArray[np.int64]  # (D, 4) core ids, -1 where none
    cost: NDArray[np.float64]  # (D, 4)
    length: NDArray[np.float64]  # (D, 4)
    region: NDArray[np.int64]  # (D,) region of the removed ways in, -1 when none
    e_node: NDArray[np.int64]  # (D, 2) full ids of the ways in (from :func:`_egress`)
    e_cost: NDArray[np.float64]
    e_len: NDArray[np.float64]
    sink: tuple[core.Csr, Any] | None = None  # the core graph with the destinations as sinks (:func:`_with_sinks`)

    @classmethod
    def of(
        cls, cg: _Contraction, node: NDArray[np.int64], cost: NDArray[np.float64], length: NDArray[np.float64]
    ) -> _Targets:
        """Compose the ways in (node, cost, length), shape (D, 2), with the entries of their nodes."""
        safe = np.maximum(node, 0)
        c_node = np.where((node >= 0)[:, :, None], cg.ent_node[safe], -1)
        c_cost = np.where(c_node >= 0, cg.ent_cost[safe] + cost[:, :, None], np.inf)
        c_len = cg.ent_len[safe] + length[:, :, None]
        c_node = np.where(np.isfinite(c_cost), c_node, -1).reshape(-1, 4)
        reg = np.where(node >= 0, cg.region[safe], -1).max(axis=1) if len(node) else np.zeros(0, dtype=np.int64)
        return cls(
            node=c_node,
            cost=np.where(c_node >= 0, c_cost.reshape(-1, 4), np.inf),
            length=c_len.reshape(-1, 4),
            region=reg,
            e_node=node,
            e_cost=cost,
            e_len=length,
        )


def _compose(cg: _Contraction, st: _Starts) -> _Starts:
    """Compose starts on the full graph with the exits of their nodes: starts on the core graph."""
    k = len(st.ptr) - 1
    row = np.repeat(st.row[:, None], 2, axis=1).ravel()
    head = cg.ext_node[st.node].ravel()
    cost = (st.cost[:, None] + cg.ext_cost[st.node]).ravel()
    length = (st.length[:, None] + cg.ext_len[st.node]).ravel()
    ok = (head >= 0) & np.isfinite(cost)
    row, head, cost, length = row[ok], head[ok], cost[ok], length[ok]
    order = np.lexsort((cost, head, row))
    row, head, cost, length = row[order], head[order], cost[order], length[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (head[1:] != head[:-1])
    row, head, cost, length = row[first], head[first], cost[first], length[first]
    ptr = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=k), out=ptr[1:])
    return _Starts(ptr, head, cost, length)


def _run(
    csr: core.Csr, matrix: Any, st: _Starts, targets: NDArray[np.int64], *, with_distance: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """One Dijkstra call from every origin row of ``st``: times (and path lengths) to ``targets``.

    A row with a single start at time 0 starts at that node; any other row
    is a virtual node appended to the graph, with one arc per start.
    """
    from scipy.sparse.csgraph import dijkstra

    k = len(st.ptr) - 1
    cnt = np.diff(st.ptr)
    head0 = np.minimum(st.ptr[:-1], max(len(st.cost) - 1, 0))
    direct = (cnt == 1) & (st.cost[head0] == 0.0) if len(st.cost) else np.zeros(k, dtype=bool)
    virt = ~direct
    arc_virt = np.repeat(virt, cnt)
    vh, vc, vl = st.node[arc_virt], st.cost[arc_virt], st.length[arc_virt]
    vcnt = cnt[virt]
    vptr = np.concatenate([[0], np.cumsum(vcnt)]).astype(np.int64)
    indices = np.empty(k, dtype=np.int64)
    indices[direct] = st.node[st.ptr[:-1][direct]]
    indices[virt] = csr.n + np.arange(int(virt.sum()))
    mat = core.augment(csr, vh, vc, vcnt) if virt.any() else matrix
    if with_distance:
        dmat, pred = dijkstra(mat, directed=True, indices=indices, return_predecessors=True)
        return dmat[:, targets], core.tree_lengths(pred, csr, targets, vh, vl, vptr)
    dmat = dijkstra(mat, directed=True, indices=indices)
    return dmat[:, targets], None


def _with_sinks(cg: _Contraction, tg: _Targets) -> tuple[core.Csr, Any]:
    """Return the core graph plus one sink node per destination (``n_core + j``), reached by its ways in.

    One search then gives the best way into every destination directly, and
    distances are followed back from the sinks only. Built once per matrix
    (cached on ``tg``); of two ways in from the same core node the faster
    is kept (the first on a tie).
    """
    if tg.sink is not None:
        return tg.sink
    base = cg.csr
    n, d = base.n, len(tg.node)
    j = np.repeat(np.arange(d, dtype=np.int64), 4)
    c, w, ln = tg.node.ravel(), tg.cost.ravel(), tg.length.ravel()
    ok = c >= 0
    j, c, w, ln = j[ok], c[ok], w[ok], ln[ok]
    order = np.lexsort((w, j, c))
    j, c, w, ln = j[order], c[order], w[order], ln[order]
    first = np.ones(len(c), dtype=bool)
    first[1:] = (c[1:] != c[:-1]) | (j[1:] != j[:-1])
    j, c, w, ln = j[first], c[first], w[first], ln[first]
    old_cnt = np.diff(base.indptr).astype(np.int64)
    add_cnt = np.bincount(c, minlength=n)
    ptr = np.zeros(n + d + 1, dtype=np.int64)
    np.cumsum(old_cnt + add_cnt, out=ptr[1 : n + 1])
    ptr[n + 1 :] = ptr[n]
    nnz = int(ptr[-1])
    tails = np.repeat(np.arange(n, dtype=np.int64), old_cnt)
    pos_old = ptr[tails] + np.arange(len(tails)) - base.indptr[tails]
    pos_add = ptr[c] + old_cnt[c] + np.arange(len(c)) - np.searchsorted(c, c, side="left")
    indices = np.empty(nnz, dtype=np.int32)
    weight, length, arc = np.empty(nnz), np.empty(nnz), np.full(nnz, -1, dtype=np.int64)
    indices[pos_old], weight[pos_old], length[pos_old], arc[pos_old] = base.indices, base.weight, base.length, base.arc
    indices[pos_add], weight[pos_add], length[pos_add] = n + j, w, ln
    csr = core.Csr(n=n + d, indptr=ptr, indices=indices, weight=weight, length=length, arc=arc)
    tg.sink = (csr, csr.matrix())
    return tg.sink


def _search(
    cg: _Contraction, st: _Starts, tg: _Targets, *, with_distance: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Compute times (and lengths) from every origin row of ``st`` to every destination of ``tg``.

    One search on the core graph, then the pairs whose origin and destination
    touch the same region searched again inside it (:func:`_local`).
    """
    csr, matrix = _with_sinks(cg, tg)
    sinks = cg.n_core + np.arange(len(tg.node))
    best, best_len = _run(csr, matrix, _compose(cg, st), sinks, with_distance=with_distance)
    if (tg.region >= 0).any():
        o_reg = np.full(len(st.ptr) - 1, -1, dtype=np.int64)
        np.maximum.at(o_reg, st.row, cg.region[st.node])
        same_i, same_j = np.nonzero((o_reg[:, None] == tg.region[None, :]) & (o_reg[:, None] >= 0))
        if len(same_i):
            _local(cg, st, tg, o_reg, same_i, same_j, best, best_len)
    return best, best_len


def _local(
    cg: _Contraction,
    st: _Starts,
    tg: _Targets,
    o_reg: NDArray[np.int64],
    same_i: NDArray[np.int64],
    same_j: NDArray[np.int64],
    best: NDArray[np.float64],
    best_len: NDArray[np.float64] | None,
) -> None:
    """Improve, in place, the pairs (same_i, same_j) by paths that never leave their region.

    The graph searched is the full graph restricted to the regions involved
    (disjoint and never adjacent, so each origin stays in its own).
    """
    regions = np.unique(o_reg[same_i])
    members = np.sort(cg.reg_nodes[_entries(cg.reg_ptr, regions)[1]])
    full = cg.full
    own, pos = _entries(full.indptr.astype(np.int64), members)
    head = full.indices[pos].astype(np.int64)
    loc = np.searchsorted(members, head)
    inside = (loc < len(members)) & (members[np.minimum(loc, len(members) - 1)] == head)
    lcsr = core.build_csr(len(members), own[inside], loc[inside], full.weight[pos][inside], full.length[pos][inside])
    # origins: their starts inside the regions (a start at a core node is covered by the core search)
    rows = np.unique(same_i)
    sub = _subset(st, rows)
    s_loc = np.searchsorted(members, sub.node)
    s_in = (s_loc < len(members)) & (members[np.minimum(s_loc, len(members) - 1)] == sub.node)
    srow = sub.row[s_in]
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(srow, minlength=len(rows)), out=ptr[1:])
    lst = _Starts(ptr, s_loc[s_in], sub.cost[s_in], sub.length[s_in])
    # destinations: their ways in inside the regions
    e_node = tg.e_node[same_j]
    e_loc = np.searchsorted(members, e_node)
    e_in = (e_node >= 0) & (e_loc < len(members)) & (members[np.minimum(e_loc, len(members) - 1)] == e_node)
    targets, inv = np.unique(np.where(e_in, e_loc, 0), return_inverse=True)
    inv = inv.reshape(e_node.shape)
    dt, lt = _run(lcsr, lcsr.matrix(), lst, targets, with_distance=best_len is not None)
    r = np.searchsorted(rows, same_i)
    for s in range(2):
        t = np.where(e_in[:, s], dt[r, inv[:, s]] + tg.e_cost[same_j, s], np.inf)
        better = t < best[same_i, same_j]
        bi, bj = same_i[better], same_j[better]
        best[bi, bj] = t[better]
        if best_len is not None and lt is not None:
            best_len[bi, bj] = lt[r[better], inv[better, s]] + tg.e_len[bj, s]


def _subset(st: _Starts, rows: NDArray[np.int64]) -> _Starts:
    """Return the starts of origin rows ``rows`` only (renumbered 0..len(rows)-1)."""
    _, pos = _entries(st.ptr, rows)
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.diff(st.ptr)[rows], out=ptr[1:])
    return _Starts(ptr, st.node[pos], st.cost[pos], st.length[pos])
