"""Node and edge tables as CSV, for spreadsheets and ``neo4j-admin database import``.

The headers carry neo4j-admin's roles (``id:ID``, ``:LABEL``; ``:START_ID``, ``:END_ID``,
``:TYPE``); lists are joined with ``;`` (neo4j-admin's array delimiter), and every text cell
is spreadsheet-safe (:func:`exports.cells.spreadsheet_safe`), so a name that starts with
``=`` arrives with a leading ``'``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from exports import ExportError
from exports.cells import flat_graph, spreadsheet_safe

__all__ = ["write_csv_tables", "NODE_ID", "NODE_LABEL", "EDGE_START", "EDGE_END", "EDGE_TYPE"]

NODE_ID, NODE_LABEL = "id:ID", ":LABEL"
EDGE_START, EDGE_END, EDGE_TYPE = ":START_ID", ":END_ID", ":TYPE"


def _columns(rows: list[dict], first: list[str]) -> list[str]:
    seen = dict.fromkeys(first)
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _write(path: Path, rows: list[dict], first: list[str]) -> None:
    columns = _columns(rows, first)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        # CRLF ends a record (RFC 4180): a bare CR inside a cell is quoted too
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([spreadsheet_safe(row.get(c, "")) for c in columns])


def write_csv_tables(g: nx.MultiDiGraph, nodes_path: str | Path, edges_path: str | Path,
                     shipments_as_nodes: bool = False) -> tuple[Path, Path]:
    """Write the nodes and the edges of ``g`` as two CSV tables; return their paths.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("co-1", kind="Company", name="=cmd|' /C calc'!A0")
    >>> g.add_node("co-2", kind="Company", name="Radiokom")
    >>> g.add_edge("co-1", "co-2", type="SHIPMENT", record_ids=["A", "B"])
    0
    >>> folder = Path(tempfile.mkdtemp())
    >>> nodes, edges = write_csv_tables(g, folder / "nodes.csv", folder / "edges.csv")
    >>> for line in nodes.read_text(encoding="utf-8").splitlines():
    ...     print(line)
    id:ID,:LABEL,kind,name
    co-1,Company,Company,'=cmd|' /C calc'!A0
    co-2,Company,Company,Radiokom
    >>> print(edges.read_text(encoding="utf-8").splitlines()[1])
    co-1,co-2,SHIPMENT,A;B
    """
    flat = flat_graph(g, shipments_as_nodes)
    node_rows = [{NODE_ID: n, NODE_LABEL: attrs.get("kind", "Node"), **attrs}
                 for n, attrs in flat.nodes(data=True)]
    edge_rows = []
    for u, v, attrs in flat.edges(data=True):
        rest = {k: value for k, value in attrs.items() if k != "type"}
        edge_rows.append({EDGE_START: u, EDGE_END: v, EDGE_TYPE: attrs.get("type", "LINK"),
                          **rest})
    targets = Path(nodes_path), Path(edges_path)
    try:
        for target, rows, first in ((targets[0], node_rows, [NODE_ID, NODE_LABEL]),
                                    (targets[1], edge_rows, [EDGE_START, EDGE_END, EDGE_TYPE])):
            target.parent.mkdir(parents=True, exist_ok=True)
            _write(target, rows, first)
    except OSError as e:
        raise ExportError(f"cannot write the CSV tables: {e}") from e
    return targets
