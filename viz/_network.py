"""The data the page draws: vis-network nodes and edges with their look, options and panel details.

pyvis assembles the nodes, edges and options; the page's own script draws them
from one JSON payload. Parallel links of one type are bundled, links of folded
nodes are drawn between their summaries, and large maps get seed positions.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from viz import _panel, _values, style
from viz._options import options
from viz._records import display_name, edge_record, edges
from viz.fold import Folding, Summary
from viz.layout import radial_seed

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = ["network_payload", "shows_edge_labels"]

# More parallel links of one type between two nodes are drawn as one bundle.
_MAX_PARALLEL = 4
# Labels drawn on every edge cost frame time; above this they are left to the panel.
_EDGE_LABELS_UP_TO = 1500
# Above this many nodes the layout starts from radial_seed instead of vis's random placement.
_SEED_ABOVE = 150

_LABEL_SIZES = {"Listed": 22, "DefenceBuyer": 22, "FrontSuspect": 18, "Intermediary": 18, "Supplier": 15}

# On maps above this many nodes, up to 25 of this many ranked candidates keep readable labels.
_KEY_LABELS_ABOVE = 40
_KEY_LABELS = 60

_SYMMETRIC_TYPES = {"SAME_AS_CANDIDATE", "MIRROR_OF"}

_Drawn = tuple[Hashable, Hashable, dict[str, Any], dict[str, Any]]


def shows_edge_labels(graph: nx.Graph) -> bool:
    """Whether links carry their labels on the map, or only in the panel."""
    return graph.number_of_edges() <= _EDGE_LABELS_UP_TO


def network_payload(graph: nx.Graph, focus: set[Hashable], folding: Folding,
                    records: dict[Hashable, dict[str, Any]],
                    rank: Callable[[Hashable], Any]) -> tuple[dict[str, Any], Counter[str]]:
    """The page's JSON payload, and how many links of each type it draws (for the legend)."""
    builder = _Builder(graph, focus, folding, records)
    builder.add_nodes()
    builder.add_edges(show_labels=shows_edge_labels(graph))
    nodes, links, _heading, _height, _width, options_json = _network_data(builder.net, folding, graph)
    meta = {
        "nodeCount": len(nodes),
        "edgeCount": len(links),
        "graphNodes": graph.number_of_nodes(),
        "graphEdges": graph.number_of_edges(),
        "focus": sorted(str(f) for f in focus),
        "keyLabels": _key_labels(folding, focus, records, rank),
    }
    payload = {"nodes": nodes, "edges": links, "options": json.loads(options_json),
               "details": builder.details, "meta": meta}
    return payload, builder.edge_types


def _key_labels(folding: Folding, focus: set[Hashable], records: dict[Hashable, dict[str, Any]],
                rank: Callable[[Hashable], Any]) -> list[str]:
    """Nodes whose labels the page keeps readable at any zoom: focus, then top roles.

    vis-network hides labels that get small when zoomed out; on a big map the
    overview would name nothing. A few names stay; the rest appear on zooming in.
    """
    if folding.node_count <= _KEY_LABELS_ABOVE:
        return []
    flagged = [n for n in folding.kept if n in focus or style.primary_role(records[n]["roles"])]
    flagged.sort(key=lambda n: (n not in focus, rank(n)))
    biggest = sorted(folding.summaries.values(), key=lambda s: -len(s.members))
    return ([records[n]["id"] for n in flagged] + [s.id for s in biggest])[:_KEY_LABELS]


def _network_data(net: Network, folding: Folding, graph: nx.Graph) -> tuple[Any, ...]:
    seeded = folding.node_count > _SEED_ABOVE
    if seeded:
        positions = radial_seed([n["id"] for n in net.nodes], [(e["from"], e["to"]) for e in net.edges])
        for node in net.nodes:
            node["x"], node["y"] = positions[node["id"]]
    net.set_options(json.dumps(options(folding.node_count, len(net.edges), graph.is_directed(), seeded)))
    return net.get_network_data()


def _vis_node(rec: dict[str, Any], focus: bool) -> dict[str, Any]:
    primary = style.primary_role(rec["roles"])
    fill = style.ROLE_COLOURS.get(primary, style.OTHER_COLOUR)
    others = [r for r in rec["roles"] if r in style.ROLE_COLOURS and r != primary]
    border = style.ROLE_COLOURS[others[0]] if others else "#4a5560"
    node = {
        "label": style.node_label(rec["name"], rec["country"]),
        "shape": style.KIND_SHAPES.get(rec["kind"], style.OTHER_SHAPE) if rec["kind"] else "dot",
        "color": {"background": fill, "border": border,
                  "highlight": {"background": fill, "border": "#000000"},
                  "hover": {"background": fill, "border": "#000000"}},
        "size": style.node_size(rec["value"]),
        "borderWidth": 4 if others else 1.5,
        "borderWidthSelected": 5 if others else 3,
    }
    # Important nodes get bigger labels, so zoomed out (where vis hides small
    # text) the overview still names the buyers and intermediaries.
    font = _LABEL_SIZES.get(primary, 13)
    if focus:
        node["shadow"] = {"enabled": True, "color": "rgba(0,0,0,0.45)", "size": 16, "x": 0, "y": 0}
        node["mass"] = 2
        font += 4
    node["font"] = {"size": font}
    return node


def _edge_width(value: float | None) -> float:
    if not value or value <= 0:
        return 1.2
    return round(min(6.0, 1.2 + 0.8 * math.log10(1.0 + value / 1000.0)), 2)


def _date_range(recs: list[dict[str, Any]]) -> str | None:
    dates = sorted(d for r in recs for d in (r["first_date"], r["last_date"]) if d)
    if not dates:
        return None
    return f"{dates[0][:10]}\u2013{dates[-1][:10]}" if dates[0][:10] != dates[-1][:10] else dates[0][:10]


class _IdList(list):
    """A list of node ids with set-speed membership, for pyvis's add_edge checks."""

    def __init__(self, ids: Iterable[str]):
        super().__init__(ids)
        self._members = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


class _Builder:
    """Collects vis nodes and edges into a pyvis Network and their panel details."""

    def __init__(self, graph: nx.Graph, focus: set[Hashable], folding: Folding,
                 records: dict[Hashable, dict[str, Any]]):
        self.graph = graph
        self.directed = graph.is_directed()
        self.focus = focus
        self.folding = folding
        self.records = records
        # pyvis pulls in IPython: imported here, not at import, to keep the CLI quick
        from pyvis.network import Network

        self.net = Network(directed=self.directed, cdn_resources="in_line")
        self.details: dict[str, dict[str, Any]] = {}
        self.names: dict[Hashable, str] = {}
        self.edge_types: Counter[str] = Counter()
        self._edge_seq = 0

    # -- nodes

    def add_nodes(self) -> None:
        for n in self.folding.kept:
            rec = self.records[n]
            self.names[n] = display_name(rec)
            vis = _vis_node(rec, n in self.focus)
            label = vis.pop("label")
            shape = vis.pop("shape")
            color = vis.pop("color")
            self.net.add_node(rec["id"], label=label, shape=shape, color=color, **vis)
            self.details[rec["id"]] = _panel.node_detail(rec, n in self.focus)
        for sid, summary in self.folding.summaries.items():
            self._add_summary(sid, summary)

    def _add_summary(self, sid: str, summary: Summary) -> None:
        members = [self.records[m] for m in summary.members]
        count = len(members)
        what = style.group_plural(summary.group, count)
        label = f"+ {count:,} more {what}"
        self.names[sid] = label
        total = sum(r["value"] or 0 for r in members)
        anchor = self.names.get(summary.anchor) if summary.anchor is not None else None
        if anchor is None and summary.anchor is not None:
            anchor = display_name(self.records[summary.anchor])
        self.net.add_node(
            sid, label=label, shape=style.SUMMARY_SHAPE,
            color={"background": style.SUMMARY_COLOUR, "border": "#7b8a95",
                   "highlight": {"background": "#ffffff", "border": "#000000"}},
            shapeProperties={"borderDashes": [4, 3]},
            font={"size": 18, "color": "#37474f"}, borderWidth=1.5,
            size=style.node_size(total), mass=1 + math.log10(count),
        )
        self.details[sid] = _panel.summary_detail(label, what, anchor, summary.reason, members, total)

    # -- edges

    def add_edges(self, show_labels: bool) -> None:
        drawn = self._drawn_links(show_labels)
        # pyvis checks both ends of every edge against a list of node ids; a set
        # makes that constant time (the nodes are all in by now).
        self.net.node_ids = _IdList(self.net.node_ids)

        # Parallel links between one pair are curved apart so none hides another.
        per_pair: dict[frozenset[str], int] = Counter(frozenset((str(x), str(y))) for x, y, _, _ in drawn)
        seen: Counter[frozenset[str]] = Counter()
        for a, b, vis, detail in drawn:
            pair = frozenset((str(a), str(b)))
            if per_pair[pair] > 1:
                i = seen[pair]
                seen[pair] += 1
                vis["smooth"] = {"enabled": True, "type": "curvedCW" if i % 2 == 0 else "curvedCCW",
                                 "roundness": round(0.12 + 0.14 * (i // 2), 2)}
            self._edge_seq += 1
            edge_id = f"e{self._edge_seq}"
            self.net.add_edge(str(a), str(b), id=edge_id, **vis)
            self.details[edge_id] = detail

    def _drawn_links(self, show_labels: bool) -> list[_Drawn]:
        """The links to draw: single links, bundles of parallel ones, links of summaries."""
        kept_groups: dict[tuple[Hashable, Hashable, str | None], list[dict[str, Any]]] = defaultdict(list)
        folded: dict[tuple[Hashable, Hashable], list[dict[str, Any]]] = defaultdict(list)
        rep = self.folding.representative
        for u, v, _key, attrs in edges(self.graph):
            ru, rv = rep(u), rep(v)
            if ru == u and rv == v:
                rec = edge_record(u, v, attrs)
                a, b = (u, v) if self.directed or str(u) <= str(v) else (v, u)
                kept_groups[(a, b, rec["type"])].append(rec)
            elif ru != rv:
                a, b = (ru, rv) if self.directed or str(ru) <= str(rv) else (rv, ru)
                folded[(a, b)].append(edge_record(u, v, attrs))
            # links inside one summary are counted in its members, not drawn

        drawn: list[_Drawn] = []
        for (a, b, edge_type), recs in kept_groups.items():
            if len(recs) > _MAX_PARALLEL:
                drawn.append(self._bundle(a, b, edge_type, recs, show_labels))
            else:
                drawn.extend(self._single(rec, show_labels) for rec in recs)
        for (a, b), recs in folded.items():
            drawn.append(self._folded_link(a, b, recs, show_labels))
        return drawn

    def _look(self, edge_type: str | None, value: float | None) -> dict[str, Any]:
        look = style.edge_style(edge_type)
        vis: dict[str, Any] = {
            "color": {"color": look["color"]},
            "width": _edge_width(value),
            "dashes": look["dashes"],
        }
        if edge_type in _SYMMETRIC_TYPES:
            vis["arrows"] = {"to": {"enabled": False}}
        self.edge_types[edge_type or "OTHER"] += 1
        return vis

    def _single(self, rec: dict[str, Any], show_labels: bool) -> _Drawn:
        vis = self._look(rec["type"], rec["value"])
        label = _panel.short_label(rec)
        if show_labels and label:
            vis["label"] = label
        return rec["from"], rec["to"], vis, _panel.link_detail(rec, self.names, label)

    def _bundle(self, a: Hashable, b: Hashable, edge_type: str | None,
                recs: list[dict[str, Any]], show_labels: bool) -> _Drawn:
        recs = sorted(recs, key=lambda r: (r["first_date"] or "", r["record_ids"]))
        total = sum(r["value"] or 0 for r in recs) or None
        hs = sorted({r["hs_code"] for r in recs if r["hs_code"]})
        vis = self._look(edge_type, total)
        vis["width"] = min(8.0, vis["width"] + 1.5)
        parts = [f"{len(recs)} \u00d7 {(edge_type or 'link').replace('_', ' ').lower()}"]
        if len(hs) == 1:
            parts.append(f"HS {hs[0]}")
        if total:
            parts.append(_values.compact_money(total))
        label = " \u00b7 ".join(parts)
        dates = _date_range(recs)
        if dates:
            label += "\n" + dates
        if show_labels:
            vis["label"] = label
        heading = f"{self.names[a]} \u2192 {self.names[b]}"
        return a, b, vis, _panel.bundle_detail(heading, edge_type, recs, hs, total, label, self.names)

    def _folded_link(self, a: Hashable, b: Hashable, recs: list[dict[str, Any]],
                     show_labels: bool) -> _Drawn:
        total = sum(r["value"] or 0 for r in recs) or None
        vis = {
            "color": {"color": style.SUMMARY_EDGE["color"]},
            "width": _edge_width(total),
            "dashes": style.SUMMARY_EDGE["dashes"],
        }
        self.edge_types["SUMMARY"] += 1
        label = f"{len(recs):,} link{'s' if len(recs) != 1 else ''}"
        if total:
            label += f" \u00b7 {_values.compact_money(total)}"
        if show_labels:
            vis["label"] = label
        heading = f"{self.names[a]} \u2192 {self.names[b]}"
        return a, b, vis, _panel.folded_link_detail(heading, recs, total, label, self._member_name)

    def _member_name(self, node: Hashable) -> str:
        return self.names.get(node) or display_name(self.records[node])
