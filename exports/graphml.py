"""GraphML for yEd and Cytoscape: NetworkX's writer on the flattened graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from exports import ExportError
from exports.cells import flat_graph

__all__ = ["write_graphml"]


def write_graphml(g: nx.MultiDiGraph, path: str | Path,
                  shipments_as_nodes: bool = False) -> Path:
    """Write ``g`` as GraphML to ``path``; return the path. A node's ``label`` is its name
    (yEd shows it).

    Examples
    --------
    >>> import tempfile
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("co-1", kind="Company", name="Radiokom", roles=["DefenceBuyer", "Listed"])
    >>> out = write_graphml(g, Path(tempfile.mkdtemp()) / "g.graphml")
    >>> dict(nx.read_graphml(out).nodes["co-1"])["roles"]
    'DefenceBuyer;Listed'
    """
    target = Path(path)
    flat = flat_graph(g, shipments_as_nodes)
    for n, attrs in flat.nodes(data=True):
        attrs["label"] = str(attrs.get("name", n))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        nx.write_graphml(flat, target)
    except OSError as e:
        raise ExportError(f"cannot write {target}: {e}") from e
    return target
