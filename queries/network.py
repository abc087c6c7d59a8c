"""Network analytics on the suspects' graph: communities, trade brokers and exposure to listed parties.

The functions take a NetworkX graph that ``graph/`` projects out of Neo4j, never a database
session, so they can be tested on graphs built by hand.

Graph contract
--------------
Nodes are keyed by entity id (Company, Person and Address ids of the graph model) and carry:

``kind``
    ``"Company"``, ``"Person"`` or ``"Address"``.
``name``
    display name (the id is shown when it is missing).
``country``
    ISO alpha-2 code or empty.
``listed``
    ``True`` when the entity is on a sanctions or defence-industry list (``LISTED_AS``).
``roles``
    list of role labels added by analysis (``Supplier``, ``Intermediary``, ``DefenceBuyer``,
    ``FrontSuspect``, ``Listed``).

Edges carry ``type``, one of ``TRADES_WITH`` (exporter -> importer, with ``value_usd`` and
``shipments``), ``OFFICER_OF`` (officer -> company, with ``role``), ``OWNS`` (owner -> company,
with ``share_pct`` in percent, 0 to 100) and ``REGISTERED_AT`` (company -> address). Edges of
other types are ignored. A ``MultiDiGraph`` is the natural container, since two entities can
trade and share an officer at once; a ``DiGraph``, ``Graph`` or ``MultiGraph`` is accepted
too. Missing attributes take neutral defaults (no name: the id; not listed; no roles; no
value).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable, Iterator

import networkx as nx
import pandas as pd

from queries import QueryError

__all__ = [
    "NetworkInputError",
    "suspect_subgraph",
    "TRADES_WITH",
    "OFFICER_OF",
    "OWNS",
    "REGISTERED_AT",
    "COMMUNITY_COLUMNS",
    "BROKER_COLUMNS",
    "EXPOSURE_COLUMNS",
    "communities",
    "brokers",
    "exposure",
]

TRADES_WITH = "TRADES_WITH"
OFFICER_OF = "OFFICER_OF"
OWNS = "OWNS"
REGISTERED_AT = "REGISTERED_AT"

FRONT_ROLE = "FrontSuspect"

COMMUNITY_COLUMNS = (
    "community", "community_size", "community_listed", "community_fronts",
    "entity_id", "kind", "name", "country", "listed", "roles",
)
BROKER_COLUMNS = (
    "entity_id", "name", "country", "betweenness", "in_degree", "out_degree",
    "value_in_usd", "value_out_usd", "roles",
)
EXPOSURE_COLUMNS = (
    "entity_id", "name", "country", "listed", "hops", "listed_entity_id", "listed_name",
    "path", "listed_ownership_pct", "owned_50pct_by_listed",
)

# Above this many trade nodes exact betweenness (O(n*m)) gets slow on two cores, so pivots
# are sampled; AUTO_PIVOTS sources keep the ranking of the strong brokers stable in practice.
AUTO_SAMPLE_ABOVE = 2000
AUTO_PIVOTS = 1000

# OFAC's 50 percent rule: an entity owned 50% or more, in aggregate, by blocked persons is
# itself blocked.
OWNERSHIP_THRESHOLD_PCT = 50.0

_COMMUNITY_TYPES = frozenset({TRADES_WITH, OFFICER_OF, OWNS, REGISTERED_AT})
_EXPOSURE_TYPES = frozenset({TRADES_WITH, OFFICER_OF, OWNS})


class NetworkInputError(QueryError):
    """The graph or a parameter handed to a network function is unusable."""


def communities(
    graph: nx.Graph,
    seed: int | None = 0,
    resolution: float = 1.0,
    weight: str | None = "weight",
) -> pd.DataFrame:
    """Split the suspects' graph into communities (Louvain).

    Trade, officer, ownership and address links are read as one undirected graph; parallel
    links between two entities add up, so a pair that trades *and* shares a director is held
    together more tightly than a pair that only trades.

    Parameters
    ----------
    graph : networkx graph
        Projection following the module's graph contract.
    seed : int or None, default 0
        Random seed of the Louvain heuristic; the same seed gives the same communities.
    resolution : float, default 1.0
        Louvain resolution: above 1 favours more, smaller communities.
    weight : str or None, default "weight"
        Edge attribute read as the strength of a link; links without it count 1. ``None``
        counts every link 1.

    Returns
    -------
    pandas.DataFrame
        One row per Company, Person or Address node with columns ``COMMUNITY_COLUMNS``:
        ``community`` (0 is the largest; ties broken by the smallest member id),
        ``community_size``, ``community_listed`` (listed members), ``community_fronts``
        (members with role ``FrontSuspect``), then the member's ``entity_id``, ``kind``,
        ``name``, ``country``, ``listed`` and ``roles`` (``;``-joined). Sorted by community,
        then entity id.

    Notes
    -----
    Entities without any link form communities of one and come last.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", type="TRADES_WITH")
    >>> g.add_edge("c", "d", type="OFFICER_OF")
    >>> communities(g)[["community", "entity_id"]].values.tolist()
    [[0, 'a'], [0, 'b'], [1, 'c'], [1, 'd']]
    """
    _check_graph(graph)
    if not math.isfinite(resolution) or resolution <= 0:
        raise NetworkInputError(f"resolution must be a positive number, got {resolution!r}")
    # a projection that carried Shipment or HSCode nodes along must not turn them into members
    members = [n for n in sorted(graph.nodes, key=str) if _kind(graph, n) in _MEMBER_KINDS]
    undirected = _undirected(graph, _COMMUNITY_TYPES, weight, nodes=members)
    if undirected.number_of_nodes() == 0:
        return pd.DataFrame(columns=list(COMMUNITY_COLUMNS))

    found = nx.community.louvain_communities(
        undirected, weight="weight", resolution=resolution, seed=seed
    )
    # Louvain's own order depends on its internals; numbering by size, then by the smallest
    # member id, keeps community 0 the same for the same data.
    ordered = sorted((sorted(c, key=str) for c in found), key=lambda c: (-len(c), str(c[0])))

    rows = []
    for number, group in enumerate(ordered):
        listed = sum(1 for n in group if _listed(graph, n))
        fronts = sum(1 for n in group if FRONT_ROLE in _roles(graph, n))
        for node in group:
            attrs = graph.nodes[node]
            rows.append({
                "community": number,
                "community_size": len(group),
                "community_listed": listed,
                "community_fronts": fronts,
                "entity_id": node,
                "kind": _kind(graph, node),
                "name": _name(graph, node),
                "country": attrs.get("country") or "",
                "listed": _listed(graph, node),
                "roles": ";".join(_roles(graph, node)),
            })
    return pd.DataFrame(rows, columns=list(COMMUNITY_COLUMNS))


def brokers(
    graph: nx.Graph,
    k: int | None = None,
    seed: int | None = 0,
    top: int | None = 50,
) -> pd.DataFrame:
    """Rank companies by how much trade has to pass through them (betweenness centrality).

    Only ``TRADES_WITH`` links count, in their direction (exporter -> importer): a broker
    sits on the shortest routes from suppliers to buyers.

    Parameters
    ----------
    graph : networkx graph
        Projection following the module's graph contract.
    k : int or None, default None
        Number of pivot nodes to sample. ``None`` computes exact betweenness up to
        ``AUTO_SAMPLE_ABOVE`` trade nodes and samples ``AUTO_PIVOTS`` pivots above that;
        a ``k`` at or above the number of trade nodes means exact.
    seed : int or None, default 0
        Seed for the pivot sample.
    top : int or None, default 50
        Number of rows to return; ``None`` returns every trading entity.

    Returns
    -------
    pandas.DataFrame
        Columns ``BROKER_COLUMNS``: ``entity_id``, ``name``, ``country``, ``betweenness``
        (normalised, 0 to 1), ``in_degree`` and ``out_degree`` (distinct suppliers and
        buyers), ``value_in_usd`` and ``value_out_usd`` (summed ``value_usd`` of incoming and
        outgoing trade links), ``roles``. Highest betweenness first, ties by entity id.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_edge("maker", "hub", type="TRADES_WITH", value_usd=100.0)
    >>> g.add_edge("hub", "buyer", type="TRADES_WITH", value_usd=120.0)
    >>> top = brokers(g).iloc[0]
    >>> top["entity_id"], float(top["betweenness"]), float(top["value_out_usd"])
    ('hub', 0.5, 120.0)
    """
    _check_graph(graph)
    if top is not None and (not isinstance(top, int) or top < 0):
        raise NetworkInputError(f"top must be a non-negative integer or None, got {top!r}")
    if k is not None and (not isinstance(k, int) or k < 1):
        raise NetworkInputError(f"k must be a positive integer or None, got {k!r}")

    trade = nx.DiGraph()
    value_in: dict[Hashable, float] = {}
    value_out: dict[Hashable, float] = {}
    for u, v, data in _typed_edges(graph, {TRADES_WITH}):
        if u == v:
            continue
        trade.add_edge(u, v)
        value = _number(data.get("value_usd"))
        value_out[u] = value_out.get(u, 0.0) + value
        value_in[v] = value_in.get(v, 0.0) + value
        if not graph.is_directed():
            # an undirected trade link says nothing about direction: count it both ways
            trade.add_edge(v, u)
            value_out[v] = value_out.get(v, 0.0) + value
            value_in[u] = value_in.get(u, 0.0) + value
    n = trade.number_of_nodes()
    if n == 0:
        return pd.DataFrame(columns=list(BROKER_COLUMNS))

    pivots = k if k is not None else (AUTO_PIVOTS if n > AUTO_SAMPLE_ABOVE else None)
    if pivots is not None and pivots >= n:
        pivots = None
    # betweenness_centrality samples pivots from node order; sorting makes it reproducible
    ordered = nx.DiGraph()
    ordered.add_nodes_from(sorted(trade.nodes, key=str))
    ordered.add_edges_from(sorted(trade.edges, key=lambda e: (str(e[0]), str(e[1]))))
    scores = nx.betweenness_centrality(ordered, k=pivots, normalized=True, seed=seed)

    rows = [
        {
            "entity_id": node,
            "name": _name(graph, node),
            "country": graph.nodes[node].get("country") or "",
            "betweenness": float(scores[node]),
            "in_degree": ordered.in_degree(node),
            "out_degree": ordered.out_degree(node),
            "value_in_usd": value_in.get(node, 0.0),
            "value_out_usd": value_out.get(node, 0.0),
            "roles": ";".join(_roles(graph, node)),
        }
        for node in ordered.nodes
    ]
    rows.sort(key=lambda r: (-r["betweenness"], str(r["entity_id"])))
    if top is not None:
        rows = rows[:top]
    return pd.DataFrame(rows, columns=list(BROKER_COLUMNS))


def exposure(graph: nx.Graph, max_hops: int = 3) -> pd.DataFrame:
    """How close each company sits to a listed entity, and how much of it listed parties own.

    Distance is the fewest links to a listed entity through ownership, officers and trade,
    in any direction (a company that sells to a listed buyer is as exposed as one that buys
    from a listed supplier). Ownership is aggregated in the manner of OFAC's 50 percent
    rule: the shares held by listed parties add up, a company owned 50% or more by them
    counts as listed for the companies it owns in turn, and so on down chains of ownership.

    Parameters
    ----------
    graph : networkx graph
        Projection following the module's graph contract.
    max_hops : int, default 3
        Search depth; companies further away get no distance.

    Returns
    -------
    pandas.DataFrame
        One row per Company node, columns ``EXPOSURE_COLUMNS``: ``entity_id``, ``name``,
        ``country``, ``listed``; ``hops`` (0 for a listed company, missing beyond
        ``max_hops``), ``listed_entity_id`` and ``listed_name`` of the nearest listed entity,
        ``path`` (entity ids from the company to it, ``>``-joined);
        ``listed_ownership_pct`` (the summed ``share_pct`` of owners that are listed or owned
        50% or more by listed parties) and ``owned_50pct_by_listed``. Sorted by hops (missing
        last), then entity id.

    Notes
    -----
    Ties between listed entities at the same distance go to the smallest id. Several
    ``OWNS`` links between the same owner and company (e.g. from two registries) count once,
    at the largest share; a missing share counts 0. Holdings through a company that is not
    itself 50%-owned by listed parties do not count, as under the OFAC rule.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("L", kind="Company", listed=True)
    >>> g.add_node("A", kind="Company")
    >>> g.add_edge("L", "A", type="OWNS", share_pct=60.0)
    >>> a = exposure(g).set_index("entity_id").loc["A"]
    >>> int(a["hops"]), a["path"], float(a["listed_ownership_pct"]), bool(a["owned_50pct_by_listed"])
    (1, 'A>L', 60.0, True)
    """
    _check_graph(graph)
    if isinstance(max_hops, bool) or not isinstance(max_hops, int) or max_hops < 0:
        raise NetworkInputError(f"max_hops must be a non-negative integer, got {max_hops!r}")

    listed = sorted((n for n in graph.nodes if _listed(graph, n)), key=str)
    links = _undirected(graph, _EXPOSURE_TYPES, weight=None)
    parent, source, hops = _multi_source_bfs(links, listed, max_hops)
    pct = _listed_ownership(graph, set(listed))

    rows = []
    for node in sorted(graph.nodes, key=str):
        if _kind(graph, node) != "Company":
            continue
        reached = node in hops
        share = pct.get(node, 0.0)
        rows.append({
            "entity_id": node,
            "name": _name(graph, node),
            "country": graph.nodes[node].get("country") or "",
            "listed": _listed(graph, node),
            "hops": hops[node] if reached else pd.NA,
            "listed_entity_id": source[node] if reached else "",
            "listed_name": _name(graph, source[node]) if reached else "",
            "path": ">".join(str(n) for n in _walk_back(parent, node)) if reached else "",
            "listed_ownership_pct": share,
            "owned_50pct_by_listed": share >= OWNERSHIP_THRESHOLD_PCT,
        })
    frame = pd.DataFrame(rows, columns=list(EXPOSURE_COLUMNS))
    frame["hops"] = frame["hops"].astype("Int64")
    frame["listed_ownership_pct"] = frame["listed_ownership_pct"].astype(float)
    frame["owned_50pct_by_listed"] = frame["owned_50pct_by_listed"].astype(bool)
    return frame.sort_values(["hops", "entity_id"], na_position="last", kind="stable").reset_index(
        drop=True
    )


_MEMBER_KINDS = frozenset({"Company", "Person", "Address", ""})


def _check_graph(graph: object) -> None:
    if not isinstance(graph, nx.Graph):
        raise NetworkInputError(
            f"expected a networkx graph, got {type(graph).__name__}"
        )


def _kind(graph: nx.Graph, node: Hashable) -> str:
    return graph.nodes[node].get("kind") or ""


def _name(graph: nx.Graph, node: Hashable) -> str:
    if node in graph:
        name = graph.nodes[node].get("name")
        if name:
            return str(name)
    return str(node)


def _listed(graph: nx.Graph, node: Hashable) -> bool:
    return bool(graph.nodes[node].get("listed"))


def _roles(graph: nx.Graph, node: Hashable) -> list[str]:
    if node not in graph:
        return []
    roles = graph.nodes[node].get("roles") or []
    if isinstance(roles, str):
        roles = [r for r in roles.split(";") if r]
    return sorted(str(r) for r in roles)


def _number(value: object) -> float:
    """A numeric attribute as float; missing or junk counts 0."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _typed_edges(graph: nx.Graph, types: Iterable[str]) -> Iterator[tuple[Hashable, Hashable, dict]]:
    wanted = set(types)
    for u, v, data in graph.edges(data=True):
        if data.get("type") in wanted:
            yield u, v, data


def _undirected(
    graph: nx.Graph,
    types: Iterable[str],
    weight: str | None,
    nodes: Iterable[Hashable] | None = None,
) -> nx.Graph:
    """A simple undirected graph of the links of the given types; parallel links add weights."""
    keep = None if nodes is None else set(nodes)
    result = nx.Graph()
    result.add_nodes_from(sorted(graph.nodes if keep is None else keep, key=str))
    for u, v, data in _typed_edges(graph, types):
        if u == v or (keep is not None and (u not in keep or v not in keep)):
            continue
        strength = 1.0 if weight is None else _number(data.get(weight, 1.0))
        if strength <= 0:
            continue
        if result.has_edge(u, v):
            result[u][v]["weight"] += strength
        else:
            result.add_edge(u, v, weight=strength)
    return result


def _multi_source_bfs(
    links: nx.Graph, sources: list[Hashable], max_hops: int
) -> tuple[dict, dict, dict]:
    """Breadth-first search from all sources at once.

    Returns the parent of each reached node (towards its source), the source it was reached
    from, and its distance. Visiting sources and neighbours in id order makes ties
    deterministic.
    """
    parent: dict[Hashable, Hashable | None] = {}
    source: dict[Hashable, Hashable] = {}
    hops: dict[Hashable, int] = {}
    queue: deque[Hashable] = deque()
    for s in sources:
        parent[s], source[s], hops[s] = None, s, 0
        queue.append(s)
    while queue:
        node = queue.popleft()
        if hops[node] == max_hops:
            continue
        for neighbour in sorted(links.neighbors(node), key=str):
            if neighbour in hops:
                continue
            parent[neighbour] = node
            source[neighbour] = source[node]
            hops[neighbour] = hops[node] + 1
            queue.append(neighbour)
    return parent, source, hops


def _walk_back(parent: dict, node: Hashable) -> list[Hashable]:
    path = [node]
    while parent[path[-1]] is not None:
        path.append(parent[path[-1]])
    return path


def _listed_ownership(graph: nx.Graph, listed: set[Hashable]) -> dict[Hashable, float]:
    """Share of each company held by listed or deemed-listed owners, at the fixed point."""
    owns = list(_typed_edges(graph, {OWNS}))
    if owns and not graph.is_directed():
        raise NetworkInputError("ownership needs a directed graph: OWNS runs owner -> company")
    holdings: dict[Hashable, dict[Hashable, float]] = {}
    for owner, company, data in owns:
        if owner == company:
            continue
        by_owner = holdings.setdefault(company, {})
        # the same holding reported twice (two registries, two loads) must not count twice
        by_owner[owner] = max(by_owner.get(owner, 0.0), _number(data.get("share_pct")))

    blocked = set(listed)
    while True:
        pct = {
            company: sum(share for owner, share in owners.items() if owner in blocked)
            for company, owners in holdings.items()
        }
        newly = {c for c, p in pct.items() if p >= OWNERSHIP_THRESHOLD_PCT and c not in blocked}
        if not newly:
            return pct
        blocked |= newly


_SUSPECT_ROLES = frozenset({"FrontSuspect", "Intermediary", "DefenceBuyer", "Listed"})


def suspect_subgraph(g: nx.MultiDiGraph, roles=_SUSPECT_ROLES) -> nx.MultiDiGraph:
    """The entities holding one of ``roles``, with the persons, addresses and companies
    directly linked to them: the graph in which communities of suspects are looked for.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A projection whose nodes carry ``roles`` (a list of role labels).
    roles : iterable of str
        The roles that make a node a suspect.

    Returns
    -------
    networkx.MultiDiGraph
        A copy holding the suspects and their direct neighbours, with the links among them.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("co-a", roles=["FrontSuspect"]); g.add_node("pe-x", roles=[])
    >>> g.add_node("co-far", roles=[]); g.add_node("co-b", roles=[])
    >>> g.add_edge("pe-x", "co-a"); g.add_edge("co-far", "co-b")
    0
    0
    >>> sorted(suspect_subgraph(g))
    ['co-a', 'pe-x']
    """
    roles = set(roles)
    core = {n for n, data in g.nodes(data=True) if roles & set(data.get("roles") or ())}
    keep = set(core)
    for n in core:
        keep.update(g.predecessors(n))
        keep.update(g.successors(n))
    return g.subgraph(keep).copy()
