"""Folding large graphs into a readable map: supernode leaves and the node cap.

A map of thousands of nodes is a hairball, and a company with four hundred
one-off customers hides everything around it. Folding keeps the important
nodes and replaces the rest by *summary nodes*, one per (group, anchor): "+ 37
more suppliers" hanging off the node they trade with. Nothing is lost: every
summary records its members, and the map's side panel lists them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

__all__ = ["Summary", "Folding", "fold_graph"]


@dataclass
class Summary:
    """One summary node: the members folded into it and the node it hangs off.

    Attributes
    ----------
    id : str
        Node id of the summary on the map; never equal to an entity id.
    group : str
        Role or kind shared by the members (``'Supplier'``, ``'Person'``...).
    anchor : hashable or None
        The kept node the members are linked to, ``None`` when they share none.
    members : list
        The folded graph nodes, most important first.
    reason : str
        ``'supernode'`` (leaves of a node with very many of them) or ``'cap'``.
    """

    id: str
    group: str
    anchor: Hashable | None
    members: list[Hashable] = field(default_factory=list)
    reason: str = "cap"


@dataclass
class Folding:
    """The result of :func:`fold_graph`.

    Attributes
    ----------
    kept : list
        Graph nodes drawn as themselves, in graph order.
    summaries : dict
        Summary id -> :class:`Summary`.
    folded_into : dict
        Folded graph node -> summary id.
    """

    kept: list[Hashable]
    summaries: dict[str, Summary]
    folded_into: dict[Hashable, str]

    def representative(self, node: Hashable) -> Hashable:
        """The node drawn for ``node``: itself when kept, else its summary id."""
        return self.folded_into.get(node, node)

    @property
    def node_count(self) -> int:
        """Nodes on the map: kept nodes plus summary nodes."""
        return len(self.kept) + len(self.summaries)


def _neighbours(graph: nx.Graph) -> dict[Hashable, set[Hashable]]:
    # Direction and parallel edges do not matter for "who is linked to whom".
    nbrs: dict[Hashable, set[Hashable]] = {n: set() for n in graph.nodes}
    for u, v in graph.edges():
        if u != v:
            nbrs[u].add(v)
            nbrs[v].add(u)
    return nbrs


def _summary_id(group: str, anchor: Hashable | None, taken: set[str]) -> str:
    base = f"summary:{group}:{'*' if anchor is None else anchor}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}#{n}"
    taken.add(candidate)
    return candidate


def _supernode_leaves(
    order: list[Hashable],
    nbrs: dict[Hashable, set[Hashable]],
    group: Callable[[Hashable], str],
    focus: set[Hashable],
    threshold: int,
) -> dict[Hashable, tuple[str, Hashable]]:
    folded: dict[Hashable, tuple[str, Hashable]] = {}
    for hub in order:
        if len(nbrs[hub]) < threshold:
            continue
        leaves: dict[str, list[Hashable]] = defaultdict(list)
        for x in nbrs[hub]:
            if len(nbrs[x]) == 1 and x not in focus:
                leaves[group(x)].append(x)
        for g, members in leaves.items():
            if len(members) >= threshold:
                for x in members:
                    folded[x] = (g, hub)
    return folded


def _bucket_dropped(
    dropped: list[Hashable],
    kept_rank: dict[Hashable, int],
    nbrs: dict[Hashable, set[Hashable]],
    group: Callable[[Hashable], str],
    anchored: bool,
) -> dict[Hashable, tuple[str, Hashable | None]]:
    keys: dict[Hashable, tuple[str, Hashable | None]] = {}
    for d in dropped:
        anchor = None
        if anchored:
            linked = [n for n in nbrs[d] if n in kept_rank]
            if linked:
                # Hang the member off the most important node it is linked to.
                anchor = min(linked, key=kept_rank.__getitem__)
        keys[d] = (group(d), anchor)
    if anchored:
        # A summary of one member takes a slot and says nothing: such members go
        # to their group's unanchored summary instead.
        sizes: dict[tuple[str, Hashable | None], int] = defaultdict(int)
        for key in keys.values():
            sizes[key] += 1
        for d, key in keys.items():
            if key[1] is not None and sizes[key] == 1:
                keys[d] = (key[0], None)
    return keys


def _cap_keys(
    remaining: list[Hashable],
    super_keys: set[tuple[str, Hashable]],
    floor: int,
    nbrs: dict[Hashable, set[Hashable]],
    group: Callable[[Hashable], str],
    max_nodes: int,
) -> dict[Hashable, tuple[str, Hashable | None]]:
    """The summary key of each node folded to fit the cap; ``remaining`` is in rank order.

    The top ``k`` nodes are kept, at least ``floor`` (the focus), and ``k`` is as
    large as lets kept nodes plus summaries fit in ``max_nodes``; anchored
    summaries are tried first, then summaries by group alone.
    """

    def attempt(k: int, anchored: bool) -> tuple[int, dict[Hashable, tuple[str, Hashable | None]]]:
        kept_rank = {n: i for i, n in enumerate(remaining[:k])}
        keys = _bucket_dropped(remaining[k:], kept_rank, nbrs, group, anchored)
        return k + len(super_keys | set(keys.values())), keys

    cap_keys: dict[Hashable, tuple[str, Hashable | None]] = {}
    for anchored in (True, False):
        # The largest k whose kept nodes and summaries fit: binary search,
        # since keeping fewer nodes also leaves fewer anchors to hang summaries on.
        lo, hi = floor, max(floor, max_nodes - len(super_keys))
        total, cap_keys = attempt(hi, anchored)
        if total > max_nodes:
            total, cap_keys = attempt(lo, anchored)
            while lo < hi - 1 and total <= max_nodes:
                mid = (lo + hi) // 2
                mid_total, mid_keys = attempt(mid, anchored)
                if mid_total <= max_nodes:
                    lo, cap_keys = mid, mid_keys
                else:
                    hi = mid
        if total <= max_nodes:
            break
    return cap_keys


def fold_graph(
    graph: nx.Graph,
    *,
    max_nodes: int = 500,
    focus: Iterable[Hashable] = (),
    group: Callable[[Hashable], str] | None = None,
    rank: Callable[[Hashable], Any] | None = None,
    supernode_threshold: int | None = 100,
) -> Folding:
    """Choose which nodes a map draws and fold the rest into summary nodes.

    Parameters
    ----------
    graph : networkx graph
        Any NetworkX graph; direction and parallel edges are ignored here.
    max_nodes : int
        Most nodes (kept plus summaries) on the map. Exceeded only when the
        focus nodes alone, or the groups of folded nodes, need more.
    focus : iterable
        Nodes always kept, never folded. Unknown nodes are ignored.
    group : callable, optional
        ``node -> str``: nodes are folded together only within one group
        (role or kind). Default: the node's ``group`` attribute or ``'entity'``.
    rank : callable, optional
        ``node -> sortable``: lower sorts first and is kept first. Default:
        highest degree first.
    supernode_threshold : int or None
        A node with at least this many leaf neighbours (linked to nothing else)
        of one group gets those leaves folded, whatever the cap. ``None`` or 0
        turns this off.

    Returns
    -------
    Folding
        Kept nodes, summaries and the node -> summary mapping.

    Notes
    -----
    Nodes are ranked by focus, then ``rank``; the top ``k`` are kept and each
    dropped node goes to the summary of (its group, its most important kept
    neighbour). ``k`` shrinks until kept nodes plus summaries fit in
    ``max_nodes``; if anchored summaries cannot fit, members are grouped by
    group alone.

    Examples
    --------
    >>> g = nx.star_graph(5)  # node 0 linked to 1..5
    >>> folding = fold_graph(g, max_nodes=3, focus=[0])
    >>> folding.kept
    [0, 1]
    >>> [(s.group, s.anchor, len(s.members)) for s in folding.summaries.values()]
    [('entity', 0, 4)]
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    if group is None:
        def group(n: Hashable) -> str:
            return str(graph.nodes[n].get("group") or "entity")
    if rank is None:
        def rank(n: Hashable) -> Any:
            return -graph.degree(n)

    nodes = list(graph.nodes)
    position = {n: i for i, n in enumerate(nodes)}
    focus_set = {n for n in focus if n in graph}
    nbrs = _neighbours(graph)
    order = sorted(nodes, key=lambda n: (n not in focus_set, rank(n), position[n]))

    folded: dict[Hashable, tuple[str, Hashable | None]] = {}
    reasons: dict[tuple[str, Hashable | None], str] = {}
    if supernode_threshold:
        folded = _supernode_leaves(order, nbrs, group, focus_set, supernode_threshold)
        reasons = {key: "supernode" for key in folded.values()}

    remaining = [n for n in order if n not in folded]
    super_keys = set(folded.values())
    if len(remaining) + len(super_keys) > max_nodes:
        floor = sum(1 for n in remaining if n in focus_set)
        for d, key in _cap_keys(remaining, super_keys, floor, nbrs, group, max_nodes).items():
            folded[d] = key
            reasons.setdefault(key, "cap")

    taken = {str(n) for n in nodes}
    summaries: dict[str, Summary] = {}
    ids: dict[tuple[str, Hashable | None], str] = {}
    folded_into: dict[Hashable, str] = {}
    for n in order:  # most important members first
        key = folded.get(n)
        if key is None:
            continue
        if key not in ids:
            ids[key] = _summary_id(key[0], key[1], taken)
            summaries[ids[key]] = Summary(ids[key], key[0], key[1], reason=reasons[key])
        summaries[ids[key]].members.append(n)
        folded_into[n] = ids[key]
    kept = [n for n in nodes if n not in folded_into]
    return Folding(kept=kept, summaries=summaries, folded_into=folded_into)
