"""GEXF 1.2 for Gephi: NetworkX's writer on the flattened graph.

GEXF reserves an edge's ``type`` (directed or not) and ``label``: our relationship type
goes to the attribute ``relation`` and is the edge's label; a node's label is its name.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from exports import ExportError
from exports.cells import flat_graph

__all__ = ["write_gexf", "gexf_graph"]


def gexf_graph(g: nx.MultiDiGraph, shipments_as_nodes: bool = False) -> nx.MultiDiGraph:
    """The flattened graph with GEXF's labels and without its reserved edge ``type``."""
    flat = flat_graph(g, shipments_as_nodes)
    for n, attrs in flat.nodes(data=True):
        attrs["label"] = str(attrs.get("name", n))
    for _, _, attrs in flat.edges(data=True):
        attrs["relation"] = attrs.pop("type", "LINK")
        attrs["label"] = attrs["relation"]
    return flat


def write_gexf(g: nx.MultiDiGraph, path: str | Path, shipments_as_nodes: bool = False) -> Path:
    """Write ``g`` as GEXF to ``path``; return the path.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("co-1", "co-2", type="SHIPMENT", record_ids=["KG-1"])
    0
    >>> out = write_gexf(g, Path(tempfile.mkdtemp()) / "g.gexf")
    >>> back = nx.read_gexf(out)
    >>> [(u, v, d["relation"], d["record_ids"]) for u, v, d in back.edges(data=True)]
    [('co-1', 'co-2', 'SHIPMENT', 'KG-1')]
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        nx.write_gexf(gexf_graph(g, shipments_as_nodes), target)
    except OSError as e:
        raise ExportError(f"cannot write {target}: {e}") from e
    return target
