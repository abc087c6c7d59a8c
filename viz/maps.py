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
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import hashlib
import importlib.resources
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import networkx as nx
from markupsafe import Markup

from viz import VizError, _values, style
from viz.fold import Folding, fold_graph
from viz.layout import radial_seed

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = [
    "MapInputError",
    "MapAssetError",
    "build_map",
    "write_map",
    "DEFAULT_MAX_NODES",
    "SUPERNODE_THRESHOLD",
]

DEFAULT_MAX_NODES = 500
# A node with this many leaf neighbours of one kind gets them folded.
SUPERNODE_THRESHOLD = 100
# More parallel links of one type between two nodes are drawn as one bundle.
_MAX_PARALLEL = 4
# Long lists in the side panel stop here, with a count of the rest.
_MAX_LISTED = 300
# Labels drawn on every edge cost frame time; above this they are left to the panel.
_EDGE_LABELS_UP_TO = 1500
# Above this many nodes the layout starts from radial_seed instead of vis's random placement.
_SEED_ABOVE = 150
# Physics iterations of a seeded map: this many node-steps, within [_MIN_ITERATIONS, 400].
_ITERATION_BUDGET = 100_000
_MIN_ITERATIONS = 40

_LABEL_SIZES = {"Listed": 22, "DefenceBuyer": 22, "FrontSuspect": 18, "Intermediary": 18, "Supplier": 15}

# On maps above this many nodes, up to 25 of this many ranked candidates keep readable labels.
_KEY_LABELS_ABOVE = 40
_KEY_LABELS = 60

_NODE_KEYS = {"kind", "name", "country", "roles", "value_usd", "score", "reasons",
              "registration_number", "evidence"}
_EDGE_KEYS = {"type", "hs_code", "first_date", "last_date", "date", "quantity", "unit",
              "value_usd", "record_ids", "record_id", "source", "row", "reasons", "score",
              "role", "share_pct"}
_SYMMETRIC_TYPES = {"SAME_AS_CANDIDATE", "MIRROR_OF"}


class MapInputError(VizError, ValueError):
    """The graph or a parameter given to :func:`build_map` cannot make a map."""


class MapAssetError(VizError):
    """vis-network or a template of this package is missing or unusable."""


# --------------------------------------------------------------------------- assets


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", name))


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str, str]:
    """vis-network's standalone JS and CSS as shipped by pyvis, and its version.

    pyvis is a dependency anyway and ships the standalone UMD build (vis-data
    included) with its licence header, so nothing is vendored into this package.
    """
    try:
        lib = importlib.resources.files("pyvis") / "templates" / "lib"
        candidates = [d for d in lib.iterdir() if d.name.startswith("vis-")
                      and (d / "vis-network.min.js").is_file() and (d / "vis-network.css").is_file()]
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError) as e:
        raise MapAssetError(f"cannot find vis-network inside the installed pyvis: {e}") from e
    if not candidates:
        raise MapAssetError("the installed pyvis ships no vis-network build (templates/lib/vis-*/)")
    newest = max(candidates, key=lambda d: _version_key(d.name))
    js = (newest / "vis-network.min.js").read_text(encoding="utf-8")
    css = (newest / "vis-network.css").read_text(encoding="utf-8")
    _check_inlinable(js, "script", newest.name)
    _check_inlinable(css, "style", newest.name)
    return js, css, newest.name.removeprefix("vis-")


@functools.lru_cache(maxsize=1)
def _own_assets() -> tuple[str, str]:
    static = importlib.resources.files("viz") / "static"
    try:
        js = (static / "map.js").read_text(encoding="utf-8")
        css = (static / "map.css").read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise MapAssetError(f"viz/static is incomplete: {e}") from e
    _check_inlinable(js, "script", "map.js")
    _check_inlinable(css, "style", "map.css")
    return js, css


def _check_inlinable(text: str, tag: str, name: str) -> None:
    # Inside <script>/<style> only these sequences can end or confuse the element.
    lowered = text.lower()
    if f"</{tag}" in lowered or (tag == "script" and "<!--" in lowered):
        raise MapAssetError(f"{name} cannot be inlined: it contains '</{tag}' or '<!--'")


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("viz", "templates"),
        autoescape=True,  # every {{ }} is HTML-escaped unless marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    try:
        return env.get_template("map.html.j2")
    except jinja2.TemplateNotFound as e:
        raise MapAssetError(f"viz/templates/{e.name} is missing") from e


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _script_json(obj: Any) -> str:
    """JSON safe inside ``<script type="application/json">``.

    These characters only occur inside JSON strings, where the ``\\uXXXX`` form
    means the same, so ``</script>`` or ``<!--`` in a name cannot end the block.
    """
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], raw)


# --------------------------------------------------------------------------- reading the graph


def _node_record(node: Hashable, attrs: Mapping[str, Any]) -> dict[str, Any]:
    roles: list[str] = []
    for r in _values.strings(attrs.get("roles")):
        role = style.canonical_role(r)
        if role and role not in roles:
            roles.append(role)
    roles.sort(key=style.role_priority)
    kind = style.canonical_kind(attrs.get("kind"))
    name = None
    for key in ("name", "text", "record_id", "code"):
        name = _values.text(attrs.get(key))
        if name:
            break
    country = _values.text(attrs.get("country"))
    if country and len(country) <= 3:
        country = country.upper()
    return {
        "id": str(node),
        "kind": kind,
        "name": name or str(node),
        "country": country,
        "roles": roles,
        "value": _values.number(attrs.get("value_usd")),
        "value_from_links": False,
        "score": _values.number(attrs.get("score")),
        "reasons": _values.strings(attrs.get("reasons")),
        "registration_number": _values.text(attrs.get("registration_number")),
        "evidence": _evidence(attrs.get("evidence")),
        "other": _other(attrs, _NODE_KEYS),
    }


def _evidence(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        value = [value]
    elif isinstance(value, str) or not isinstance(value, Iterable):
        note = _values.text(value)
        return [{"note": note}] if note else []
    rows = []
    for item in value:
        if isinstance(item, Mapping):
            row = {str(k): _values.text(v) for k, v in item.items()}
            row = {k: v for k, v in row.items() if v is not None}
        else:
            note = _values.text(item)
            row = {"note": note} if note else {}
        if row:
            rows.append(row)
    return rows


def _other(attrs: Mapping[str, Any], known: set[str]) -> list[list[str]]:
    out = []
    for key in sorted((k for k in attrs if k not in known), key=str):
        shown = _values.text(_values.jsonable(attrs[key]))
        if shown is not None:
            out.append([str(key), shown])
    return out


def _edges(graph: nx.Graph) -> Iterable[tuple[Hashable, Hashable, Hashable, Mapping[str, Any]]]:
    if graph.is_multigraph():
        yield from graph.edges(keys=True, data=True)
    else:
        for u, v, data in graph.edges(data=True):
            yield u, v, 0, data


def _edge_record(u: Hashable, v: Hashable, attrs: Mapping[str, Any]) -> dict[str, Any]:
    edge_type = _values.text(attrs.get("type"))
    edge_type = edge_type.upper().replace(" ", "_") if edge_type else None
    record_ids = _values.strings(attrs.get("record_ids"))
    for rid in _values.strings(attrs.get("record_id")):
        if rid not in record_ids:
            record_ids.append(rid)
    first = _values.text(attrs.get("first_date")) or _values.text(attrs.get("date"))
    return {
        "from": u,
        "to": v,
        "type": edge_type,
        "hs_code": _values.text(attrs.get("hs_code")),
        "first_date": first,
        "last_date": _values.text(attrs.get("last_date")),
        "quantity": _values.number(attrs.get("quantity")),
        "unit": _values.text(attrs.get("unit")),
        "value": _values.number(attrs.get("value_usd")),
        "record_ids": record_ids,
        "source": _values.text(attrs.get("source")),
        "row": _values.text(attrs.get("row")),
        "reasons": _values.strings(attrs.get("reasons")),
        "score": _values.number(attrs.get("score")),
        "role": _values.text(attrs.get("role")),
        "share_pct": _values.number(attrs.get("share_pct")),
        "other": _other(attrs, _EDGE_KEYS),
    }


# --------------------------------------------------------------------------- panel details


def _money(value: float | None) -> str | None:
    return None if value is None else "$" + _values.compact_number(value, exact=True)


def _fields(*pairs: tuple[str, Any]) -> list[list[Any]]:
    # Empty values are left out so the panel shows only what the data has.
    out = []
    for label, value in pairs:
        if value is None or value == [] or value == "":
            continue
        out.append([label, value])
    return out


def _score(value: float | None) -> str | None:
    return None if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def _node_detail(rec: dict[str, Any], focus: bool) -> dict[str, Any]:
    value = _money(rec["value"])
    if value and rec["value_from_links"]:
        value += " (sum of its links)"
    return {
        "kind": "node",
        "heading": _display_name(rec),
        "subheading": rec["kind"] or "entity",
        "fields": _fields(
            ("Name", rec["name"]),
            ("Entity id", rec["id"]),
            ("Kind", rec["kind"]),
            ("Country", rec["country"]),
            ("Roles", rec["roles"]),
            ("Registration number", rec["registration_number"]),
            ("Traded value", value),
            ("Score", _score(rec["score"])),
            ("Reasons", rec["reasons"]),
            ("Focus of this map", "yes" if focus else None),
        ),
        "evidence": rec["evidence"],
        "other": rec["other"],
    }


def _edge_fields(rec: dict[str, Any], names: Mapping[Hashable, str]) -> list[list[Any]]:
    quantity = None
    if rec["quantity"] is not None:
        quantity = _values.compact_number(rec["quantity"], exact=True)
        if rec["unit"]:
            quantity += f" {rec['unit']}"
    return _fields(
        ("From", names.get(rec["from"], str(rec["from"]))),
        ("To", names.get(rec["to"], str(rec["to"]))),
        ("Type", rec["type"]),
        ("HS code", rec["hs_code"]),
        ("First date" if rec["last_date"] else "Date", rec["first_date"]),
        ("Last date", rec["last_date"]),
        ("Quantity", quantity),
        ("Value", _money(rec["value"])),
        ("Record ids", rec["record_ids"]),
        ("Source", rec["source"]),
        ("Row", rec["row"]),
        ("Role", rec["role"]),
        ("Share", None if rec["share_pct"] is None else f"{_values.compact_number(rec['share_pct'], exact=True)}%"),
        ("Score", _score(rec["score"])),
        ("Reasons", rec["reasons"]),
    )


def _limited(items: list[str], what: str) -> list[str]:
    if len(items) <= _MAX_LISTED:
        return items
    return items[:_MAX_LISTED] + [f"\u2026 and {len(items) - _MAX_LISTED:,} more {what}"]


# --------------------------------------------------------------------------- vis records


def _display_name(rec: dict[str, Any]) -> str:
    return f"{rec['name']} ({rec['country']})" if rec["country"] else rec["name"]


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


# --------------------------------------------------------------------------- options


def _options(node_count: int, edge_count: int, directed: bool, seeded: bool) -> dict[str, Any]:
    # Bounded stabilisation. Small maps start from vis's own improved layout and
    # may use many iterations; large ones start from radial_seed and get a budget
    # of node-iterations, so 2,000 nodes settle within a few seconds (bench/maps.py).
    if not seeded:
        iterations = 500
    else:
        iterations = max(_MIN_ITERATIONS, min(400, _ITERATION_BUDGET // max(1, node_count)))
    return {
        "autoResize": True,
        "layout": {"improvedLayout": not seeded, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            # theta 1.0: coarser Barnes-Hut cells, several times cheaper per step
            # at 2,000 nodes than the default 0.5, and no visible difference here.
            "forceAtlas2Based": {
                "theta": 1.5 if seeded else 0.5,
                "gravitationalConstant": -70 if seeded else -160,
                "centralGravity": 0.008,
                # small maps carry edge labels and need room for them
                "springLength": 110 if seeded else 230,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 0.0 if seeded else 0.5,
            },
            "maxVelocity": 60,
            "minVelocity": 1.0,
            "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": iterations,
                              "updateInterval": 10, "fit": True},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 200,
            "hideEdgesOnDrag": edge_count > 800,
            "hideEdgesOnZoom": edge_count > 2500,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
            "navigationButtons": False,
        },
        "nodes": {
            "font": {"size": 13, "face": "system-ui,sans-serif", "color": "#1f2933",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 5}},
        },
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.55}},
            "smooth": {"enabled": edge_count <= 400, "type": "continuous", "roundness": 0.3},
            "font": {"size": 12, "face": "system-ui,sans-serif", "color": "#37474f",
                     "strokeWidth": 3, "strokeColor": "#ffffff", "align": "horizontal"},
            # per-edge colours set only "color"; selection and hover come from here
            "color": {"highlight": "#000000", "hover": "#000000", "inherit": False},
            "selectionWidth": 2,
            "hoverWidth": 1,
        },
    }


# --------------------------------------------------------------------------- the map


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
            self.names[n] = _display_name(rec)
            vis = _vis_node(rec, n in self.focus)
            label = vis.pop("label")
            shape = vis.pop("shape")
            color = vis.pop("color")
            self.net.add_node(rec["id"], label=label, shape=shape, color=color, **vis)
            self.details[rec["id"]] = _node_detail(rec, n in self.focus)
        for sid, summary in self.folding.summaries.items():
            self._add_summary(sid, summary)

    def _add_summary(self, sid: str, summary: Any) -> None:
        members = [self.records[m] for m in summary.members]
        count = len(members)
        what = style.group_plural(summary.group, count)
        label = f"+ {count:,} more {what}"
        self.names[sid] = label
        total = sum(r["value"] or 0 for r in members)
        anchor = self.names.get(summary.anchor) if summary.anchor is not None else None
        if anchor is None and summary.anchor is not None:
            anchor = _display_name(self.records[summary.anchor])
        if summary.reason == "supernode":
            why = f"{anchor} has {count:,} {what} linked to nothing else; they are folded to keep it readable"
        else:
            why = "the map is capped; these rank below the nodes shown (role, then traded value, then links)"
        self.net.add_node(
            sid, label=label, shape=style.SUMMARY_SHAPE,
            color={"background": style.SUMMARY_COLOUR, "border": "#7b8a95",
                   "highlight": {"background": "#ffffff", "border": "#000000"}},
            shapeProperties={"borderDashes": [4, 3]},
            font={"size": 18, "color": "#37474f"}, borderWidth=1.5,
            size=style.node_size(total), mass=1 + math.log10(count),
        )
        member_lines = []
        for r in members:
            line = f"{_display_name(r)} \u2014 {r['id']}"
            if r["value"]:
                line += f" \u2014 {_money(r['value'])}"
            member_lines.append(line)
        self.details[sid] = {
            "kind": "summary",
            "heading": label,
            "subheading": "summary of folded nodes",
            "fields": _fields(
                ("Folded", f"{count:,} {what}"),
                ("Linked to", anchor),
                ("Why folded", why),
                ("Their traded value", _money(total) if total else None),
            ),
            "members": _limited(member_lines, what),
            "evidence": [],
            "other": [],
        }

    # -- edges

    def _next_id(self) -> str:
        self._edge_seq += 1
        return f"e{self._edge_seq}"

    def add_edges(self, show_labels: bool) -> None:
        kept_groups: dict[tuple[Hashable, Hashable, str | None], list[dict[str, Any]]] = defaultdict(list)
        folded: dict[tuple[Hashable, Hashable], list[dict[str, Any]]] = defaultdict(list)
        rep = self.folding.representative
        for u, v, _key, attrs in _edges(self.graph):
            ru, rv = rep(u), rep(v)
            if ru == u and rv == v:
                rec = _edge_record(u, v, attrs)
                a, b = (u, v) if self.directed or str(u) <= str(v) else (v, u)
                kept_groups[(a, b, rec["type"])].append(rec)
            elif ru != rv:
                a, b = (ru, rv) if self.directed or str(ru) <= str(rv) else (rv, ru)
                folded[(a, b)].append(_edge_record(u, v, attrs))
            # links inside one summary are counted in its members, not drawn

        drawn: list[tuple[Hashable, Hashable, dict[str, Any], dict[str, Any]]] = []
        for (a, b, edge_type), recs in kept_groups.items():
            if len(recs) > _MAX_PARALLEL:
                drawn.append(self._bundle(a, b, edge_type, recs, show_labels))
            else:
                drawn.extend(self._single(rec, show_labels) for rec in recs)
        for (a, b), recs in folded.items():
            drawn.append(self._folded_link(a, b, recs, show_labels))

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
            edge_id = self._next_id()
            self.net.add_edge(str(a), str(b), id=edge_id, **vis)
            self.details[edge_id] = detail

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

    def _label(self, rec: dict[str, Any]) -> str:
        return style.edge_label(
            rec["type"], hs_code=rec["hs_code"], first_date=rec["first_date"],
            last_date=rec["last_date"], quantity=rec["quantity"], unit=rec["unit"],
            value_usd=rec["value"], role=rec["role"], share_pct=rec["share_pct"],
        )

    def _single(self, rec: dict[str, Any], show_labels: bool):
        vis = self._look(rec["type"], rec["value"])
        label = self._label(rec)
        if show_labels and label:
            vis["label"] = label
        detail = {
            "kind": "edge",
            "heading": f"{self.names[rec['from']]} \u2192 {self.names[rec['to']]}",
            "subheading": (rec["type"] or "link").replace("_", " ").lower(),
            "short": label,
            "fields": _edge_fields(rec, self.names),
            "evidence": [],
            "other": rec["other"],
        }
        return rec["from"], rec["to"], vis, detail

    def _bundle(self, a: Hashable, b: Hashable, edge_type: str | None,
                recs: list[dict[str, Any]], show_labels: bool):
        recs = sorted(recs, key=lambda r: (r["first_date"] or "", r["record_ids"]))
        total = sum(r["value"] or 0 for r in recs) or None
        hs = sorted({r["hs_code"] for r in recs if r["hs_code"]})
        dates = sorted(d for r in recs for d in (r["first_date"], r["last_date"]) if d)
        vis = self._look(edge_type, total)
        vis["width"] = min(8.0, vis["width"] + 1.5)
        parts = [f"{len(recs)} \u00d7 {(edge_type or 'link').replace('_', ' ').lower()}"]
        if len(hs) == 1:
            parts.append(f"HS {hs[0]}")
        if total:
            parts.append(_values.compact_money(total))
        label = " \u00b7 ".join(parts)
        if dates:
            label += "\n" + (f"{dates[0][:10]}\u2013{dates[-1][:10]}" if dates[0][:10] != dates[-1][:10] else dates[0][:10])
        if show_labels:
            vis["label"] = label
        record_ids = [rid for r in recs for rid in r["record_ids"]]
        detail = {
            "kind": "edge",
            "heading": f"{self.names[a]} \u2192 {self.names[b]}",
            "subheading": f"{len(recs)} parallel links drawn as one",
            "short": label,
            "fields": _fields(
                ("Links", str(len(recs))),
                ("Type", edge_type),
                ("HS codes", hs),
                ("Total value", _money(total)),
                ("Record ids", _limited(record_ids, "record ids")),
            ),
            "items": [{"short": self._label(r), "fields": _edge_fields(r, self.names), "other": r["other"]}
                      for r in recs[:_MAX_LISTED]],
            "evidence": [],
            "other": [],
        }
        return a, b, vis, detail

    def _folded_link(self, a: Hashable, b: Hashable, recs: list[dict[str, Any]], show_labels: bool):
        total = sum(r["value"] or 0 for r in recs) or None
        types = Counter((r["type"] or "link") for r in recs)
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
        record_ids = [rid for r in recs for rid in r["record_ids"]]
        lines = []
        for r in recs:
            line = (f"{self._member_name(r['from'])} \u2192 {self._member_name(r['to'])}: "
                    f"{(r['type'] or 'link').replace('_', ' ').lower()}")
            short = self._label(r).replace("\n", " \u00b7 ")
            if short:
                line += f" ({short})"
            if r["record_ids"]:
                line += f" [{'; '.join(r['record_ids'])}]"
            lines.append(line)
        detail = {
            "kind": "edge",
            "heading": f"{self.names[a]} \u2192 {self.names[b]}",
            "subheading": "links of folded nodes",
            "short": label,
            "fields": _fields(
                ("Links", f"{len(recs):,}"),
                ("Types", [f"{t.replace('_', ' ').lower()}: {c:,}" for t, c in types.most_common()]),
                ("Total value", _money(total)),
                ("Record ids", _limited(record_ids, "record ids")),
            ),
            "members": _limited(lines, "links"),
            "evidence": [],
            "other": [],
        }
        return a, b, vis, detail

    def _member_name(self, node: Hashable) -> str:
        return self.names.get(node) or _display_name(self.records[node])


def _legend(builder: _Builder, records: dict[Hashable, dict[str, Any]], kept: list[Hashable],
            has_summary: bool) -> dict[str, Any]:
    roles_seen: set[str] = set()
    kinds_seen: set[str] = set()
    two_roles = False
    for n in kept:
        rec = records[n]
        known = [r for r in rec["roles"] if r in style.ROLE_COLOURS]
        roles_seen.update(known)
        two_roles = two_roles or len(known) > 1
        kinds_seen.add(rec["kind"] or "")
    roles = [(style.ROLE_TITLES[r], style.ROLE_COLOURS[r]) for r in style.ROLES if r in roles_seen]
    if any(not any(r in style.ROLE_COLOURS for r in records[n]["roles"]) for n in kept):
        roles.append(("No flagged role", style.OTHER_COLOUR))
    kinds = [(k, style.KIND_SHAPES[k]) for k in style.KIND_SHAPES if k in kinds_seen]
    others = sorted(k for k in kinds_seen if k and k not in style.KIND_SHAPES)
    if others:
        kinds.append((", ".join(others), style.OTHER_SHAPE))
    if "" in kinds_seen:
        kinds.append(("Unknown kind", "dot"))
    edges = []
    for edge_type, count in sorted(builder.edge_types.items()):
        look = style.SUMMARY_EDGE if edge_type == "SUMMARY" else style.edge_style(
            None if edge_type == "OTHER" else edge_type)
        dash = " ".join(str(x) for x in look["dashes"]) if look["dashes"] else ""
        edges.append((look["title"], look["color"], dash))
    return {"roles": roles, "two_roles": two_roles, "kinds": kinds, "summary": has_summary, "edges": edges}


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
    if not isinstance(graph, nx.Graph):
        raise MapInputError(f"build_map needs a networkx graph, got {type(graph).__name__}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise MapInputError(f"max_nodes must be a positive integer, got {max_nodes!r}")
    if supernode_threshold is not None and (isinstance(supernode_threshold, bool)
                                            or not isinstance(supernode_threshold, int)):
        raise MapInputError(f"supernode_threshold must be an integer or None, got {supernode_threshold!r}")
    if parameters is not None and not isinstance(parameters, Mapping):
        raise MapInputError(f"parameters must be a mapping, got {type(parameters).__name__}")

    records: dict[Hashable, dict[str, Any]] = {}
    by_text: dict[str, Hashable] = {}
    for n, attrs in graph.nodes(data=True):
        rec = _node_record(n, attrs)
        if rec["id"] in by_text:
            raise MapInputError(f"node keys {by_text[rec['id']]!r} and {n!r} are the same text; ids must differ")
        by_text[rec["id"]] = n
        records[n] = rec
    _fill_values_from_links(graph, records)

    focus_list = list(focus) if not isinstance(focus, (str, bytes)) else [focus]
    focus_set = {f for f in focus_list if f in graph}
    missing_focus = [str(f) for f in focus_list if f not in graph]

    degree = dict(graph.degree())

    def rank(n: Hashable) -> tuple[Any, ...]:
        rec = records[n]
        return (style.role_priority(style.primary_role(rec["roles"])), -(rec["value"] or 0.0), -degree[n])

    groups = {n: style.group_of(rec["roles"], rec["kind"]) for n, rec in records.items()}
    folding = fold_graph(graph, max_nodes=max_nodes, focus=focus_set, group=groups.__getitem__,
                         rank=rank, supernode_threshold=supernode_threshold)

    builder = _Builder(graph, focus_set, folding, records)
    builder.add_nodes()
    estimated_edges = graph.number_of_edges()
    builder.add_edges(show_labels=estimated_edges <= _EDGE_LABELS_UP_TO)
    nodes, edges, _heading, _height, _width, options_json = _network_data(builder.net, folding, graph)

    meta = {
        "nodeCount": len(nodes),
        "edgeCount": len(edges),
        "graphNodes": graph.number_of_nodes(),
        "graphEdges": graph.number_of_edges(),
        "focus": sorted(str(f) for f in focus_set),
        "keyLabels": _key_labels(folding, focus_set, records, rank),
    }
    payload = {"nodes": nodes, "edges": edges, "options": json.loads(options_json),
               "details": builder.details, "meta": meta}

    vis_js, vis_css, vis_version = _vis_assets()
    map_js, map_css = _own_assets()
    made = (made_at or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
    folded_count = len(folding.folded_into)
    params = [(str(k), _values.text(_values.jsonable(v)) or "\u2014") for k, v in (parameters or {}).items()]
    html = _template().render(
        title=_values.text(title) or "tracegraph map",
        subtitle=_values.text(subtitle) or "",
        parameters=params,
        made=made.strftime("%Y-%m-%d %H:%M:%S UTC"),
        made_iso=made.strftime("%Y-%m-%dT%H:%M:%SZ"),
        shown_nodes=len(nodes),
        shown_edges=len(edges),
        graph_nodes=graph.number_of_nodes(),
        graph_edges=graph.number_of_edges(),
        folded=folded_count,
        summaries=len(folding.summaries),
        max_nodes=max_nodes,
        missing_focus=missing_focus,
        legend=_legend(builder, records, folding.kept, bool(folding.summaries)),
        edge_labels_shown=estimated_edges <= _EDGE_LABELS_UP_TO,
        payload=Markup(_script_json(payload)),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        map_js=Markup(map_js),
        map_css=Markup(map_css),
        vis_version=vis_version,
        # base64 hashes in quotes, made here: nothing from the data
        csp_scripts=Markup(" ".join((_csp_hash(vis_js), _csp_hash(map_js)))),
    )
    # Lone surrogates (text decoded with surrogateescape) cannot be written as UTF-8.
    return _LONE_SURROGATE.sub("\ufffd", html)


def _key_labels(folding: Folding, focus: set[Hashable], records: dict[Hashable, dict[str, Any]],
                rank: Any) -> list[str]:
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
    net.set_options(json.dumps(_options(folding.node_count, len(net.edges), graph.is_directed(), seeded)))
    return net.get_network_data()


def _fill_values_from_links(graph: nx.Graph, records: dict[Hashable, dict[str, Any]]) -> None:
    # Nodes without a traded value of their own are sized by what flows over their links.
    missing = {n for n, rec in records.items() if rec["value"] is None}
    if not missing:
        return
    sums: dict[Hashable, float] = defaultdict(float)
    for u, v, _k, attrs in _edges(graph):
        value = _values.number(attrs.get("value_usd"))
        if value:
            for n in {u, v}:
                if n in missing:
                    sums[n] += value
    for n, total in sums.items():
        records[n]["value"] = total
        records[n]["value_from_links"] = True


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
