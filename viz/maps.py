"""Self-contained HTML network maps of a NetworkX graph, safe to hand to a colleague.

The map is one HTML file: vis-network, our script and styles are inlined, a
Content-Security-Policy forbids any request, and every piece of text taken
from the data travels as JSON and is shown with ``textContent``, never parsed
as HTML. pyvis assembles the nodes, edges and options; our own Jinja2 template
renders them (pyvis's template links a CDN and writes titles as HTML).

Attribute contract
------------------
The graph (``networkx.MultiDiGraph``; any NetworkX graph is accepted) is what
``graph/`` projects from Neo4j. Every attribute is optional: a missing or
unreadable value is left out of the map, never an error.

Node key: the entity id (shown in the side panel; summary node ids never
collide with it). Node attributes:

==================== ==========================================================
``kind``             ``Company``, ``Person``, ``Address``, ``Shipment``,
                     ``HSCode``, ``Listing``, ...: sets the shape
``name``             display name (fallbacks: ``text``, ``record_id``,
                     ``code``, the id)
``country``          ISO alpha-2, appended to the label: ``RADIOKOM LLC (RU)``
``roles``            list (or ``;`` string) of ``Supplier``, ``Intermediary``,
                     ``DefenceBuyer``, ``Listed``, ``FrontSuspect``: the most
                     important sets the fill colour, the next the ring
``value_usd``        traded value: node size (log scale) and rank under the
                     cap; when absent, the sum of ``value_usd`` on its edges
``score``            0..1, shown in the side panel
``reasons``          list or ``;`` string of reason codes
``registration_number``  shown in the side panel
``evidence``         list of dicts with free keys (``record_id``, ``source``,
                     ``row``...): a table in the side panel
anything else        listed in the side panel under "Other properties"
==================== ==========================================================

Edge attributes:

==================== ==========================================================
``type``             ``TRADES_WITH``, ``SHIPMENT``, ``FORWARDED_AS``,
                     ``OFFICER_OF``, ``OWNS``, ``REGISTERED_AT``,
                     ``LISTED_AS``, ...: colour and dashes
``hs_code``          goods heading, on the edge label
``first_date``, ``last_date`` (or ``date``)  on the edge label
``quantity``, ``unit``   on the edge label
``value_usd``        on the edge label and the edge width
``record_ids``       list (or ``;`` string) of the input ``record_id`` values;
                     ``record_id`` is read too
``source``, ``row``  provenance: file and row
``reasons``, ``score``   why a link was flagged
``role``, ``share_pct``  officer role / ownership share, on the edge label
anything else        listed in the side panel
==================== ==========================================================

Large graphs are folded (see :mod:`viz.fold`): at most ``max_nodes`` nodes are
drawn, the rest become summary nodes such as "+ 37 more suppliers". Maps of
more than 150 nodes start from :func:`viz.layout.radial_seed`; the physics
runs a bounded stabilisation, then is switched off so the map holds still.

In the page, ``window.__tracegraph`` holds ``stabilized``, ``nodeCount`` and
``edgeCount`` and, for tests, ``select(id)`` (a node or edge id; returns the
side panel text), ``edgesBetween(a, b)``, ``nodeIds()``, ``tooltipText(id)``,
``physicsEnabled()`` and ``positions()``.

The work is shared out: :mod:`viz._records` reads the graph by the contract
above, :mod:`viz.fold` chooses what is drawn, :mod:`viz._network` and
:mod:`viz._panel` make the payload the page draws (with the options of
:mod:`viz._options`), :mod:`viz._header` the header and legend, and
:mod:`viz._page` writes the HTML.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from viz import VizError, _header, style
from viz._network import network_payload, shows_edge_labels
from viz._page import _vis_assets, render_page
from viz._records import node_records
from viz.errors import MapAssetError, MapInputError
from viz.fold import Folding, fold_graph

__all__ = [
    "MapInputError",
    "MapAssetError",
    "build_map",
    "write_map",
    "map_payload",
    "vis_network_assets",
    "DEFAULT_MAX_NODES",
    "SUPERNODE_THRESHOLD",
]

DEFAULT_MAX_NODES = 500
# A node with this many leaf neighbours of one kind gets them folded.
SUPERNODE_THRESHOLD = 100


def build_map(
    graph: nx.MultiDiGraph,
    title: str,
    subtitle: str = "",
    parameters: Mapping[str, Any] | None = None,
    focus: Iterable[Hashable] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
    *,
    supernode_threshold: int | None = SUPERNODE_THRESHOLD,
    made_at: _dt.datetime | None = None,
) -> str:
    """Render ``graph`` as one self-contained HTML page and return its text.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Nodes and edges with the attributes of the contract in this module's
        docstring; any NetworkX graph is accepted.
    title, subtitle : str
        Shown as the page title and header (as text).
    parameters : mapping, optional
        What produced the map (query name, depth, window...), listed in the header.
    focus : iterable
        Node keys to highlight and never fold (a chain's entities, the entity
        asked about). Keys not in the graph are listed in the header.
    max_nodes : int
        Most nodes drawn; the rest are folded into summary nodes.
    supernode_threshold : int or None
        Fold the leaf neighbours of a node that has at least this many of one
        role or kind; ``None`` turns it off.
    made_at : datetime, optional
        Timestamp printed in the header; default now (UTC).

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    MapInputError
        ``graph`` is not a NetworkX graph, ``max_nodes`` is not a positive
        integer, or two node keys have the same text.
    MapAssetError
        vis-network or the template cannot be found.
    """
    _check_arguments(graph, max_nodes, supernode_threshold, parameters)
    focus_list = list(focus) if not isinstance(focus, (str, bytes)) else [focus]
    missing_focus = [str(f) for f in focus_list if f not in graph]
    records, folding, payload, edge_types = _drawn(graph, focus_list, max_nodes,
                                                   supernode_threshold)
    header = _header.header(graph, folding, payload, title=title, subtitle=subtitle, parameters=parameters,
                            made_at=made_at, max_nodes=max_nodes, missing_focus=missing_focus,
                            edge_labels_shown=shows_edge_labels(graph))
    legend = _header.legend(edge_types, records, folding.kept, bool(folding.summaries))
    return render_page(header, legend, payload)


def _drawn(graph: nx.Graph, focus: list[Hashable], max_nodes: int,
           supernode_threshold: int | None) -> tuple[Any, Folding, dict[str, Any], Any]:
    """Records, folding, the page's payload and the link types drawn: what a map draws."""
    records = node_records(graph)
    focus_set = {f for f in focus if f in graph}
    rank = _ranking(graph, records)
    groups = {n: style.group_of(rec["roles"], rec["kind"]) for n, rec in records.items()}
    folding = fold_graph(graph, max_nodes=max_nodes, focus=focus_set, group=groups.__getitem__,
                         rank=rank, supernode_threshold=supernode_threshold)
    payload, edge_types = network_payload(graph, focus_set, folding, records, rank)
    return records, folding, payload, edge_types


def map_payload(graph: nx.MultiDiGraph, focus: Iterable[Hashable] = (),
                max_nodes: int = DEFAULT_MAX_NODES,
                supernode_threshold: int | None = SUPERNODE_THRESHOLD) -> dict[str, Any]:
    """What a map page draws, as JSON-ready data: vis-network ``nodes``, ``edges`` and
    ``options`` with the maps' styling, panel ``details`` and ``meta``; for a page of its own
    (the workbench) that draws the same map with vis-network.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("c1", kind="Company", name="RADIOKOM LLC", country="RU")
    >>> [n["label"] for n in map_payload(g)["nodes"]]
    ['RADIOKOM LLC (RU)']
    """
    _check_arguments(graph, max_nodes, supernode_threshold, None)
    focus_list = list(focus) if not isinstance(focus, (str, bytes)) else [focus]
    return _drawn(graph, focus_list, max_nodes, supernode_threshold)[2]


def vis_network_assets() -> tuple[str, str, str]:
    """vis-network's JS and CSS (as shipped by pyvis, the files every map inlines) and its
    version, for a page that serves them as files.

    Raises
    ------
    MapAssetError
        vis-network cannot be found.
    """
    return _vis_assets()


def _check_arguments(graph: Any, max_nodes: Any, supernode_threshold: Any, parameters: Any) -> None:
    if not isinstance(graph, nx.Graph):
        raise MapInputError(f"build_map needs a networkx graph, got {type(graph).__name__}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise MapInputError(f"max_nodes must be a positive integer, got {max_nodes!r}")
    if supernode_threshold is not None and (isinstance(supernode_threshold, bool)
                                            or not isinstance(supernode_threshold, int)):
        raise MapInputError(f"supernode_threshold must be an integer or None, got {supernode_threshold!r}")
    if parameters is not None and not isinstance(parameters, Mapping):
        raise MapInputError(f"parameters must be a mapping, got {type(parameters).__name__}")


def _ranking(graph: nx.Graph, records: dict[Hashable, dict[str, Any]]) -> Callable[[Hashable], tuple[Any, ...]]:
    """Which nodes a capped map keeps first: top role, then traded value, then links."""
    degree = dict(graph.degree())

    def rank(n: Hashable) -> tuple[Any, ...]:
        rec = records[n]
        return (style.role_priority(style.primary_role(rec["roles"])), -(rec["value"] or 0.0), -degree[n])

    return rank


def write_map(path: str | Path, graph: nx.MultiDiGraph, **kw: Any) -> Path:
    """Write :func:`build_map` output to ``path`` (UTF-8) and return the path.

    Parent directories are created. Keyword arguments go to :func:`build_map`
    (``title`` defaults to the file name).

    Examples
    --------
    >>> import tempfile, networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("c1", kind="Company", name="RADIOKOM LLC", country="RU")
    >>> out = write_map(Path(tempfile.mkdtemp()) / "map.html", g, title="One company")
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    target = Path(path)
    kw.setdefault("title", target.stem)
    html = build_map(graph, **kw)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as e:
        raise VizError(f"cannot write map to {target}: {e}") from e
    return target
