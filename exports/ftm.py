"""FollowTheMoney entities (JSON lines, for Aleph / OpenAleph and ``ftm`` tools) from a graph.

What maps to what
-----------------
- ``Company``, ``Person``, ``Address`` nodes: the FtM schemata of the same names; a company's
  ``REGISTERED_AT`` address is its ``addressEntity`` (and its text its ``address``).
- ``OFFICER_OF`` edges: ``Directorship`` (director, organization, role, dates);
  ``OWNS`` edges: ``Ownership`` (owner, asset, percentage, dates).
- ``Listing`` nodes with their ``LISTED_AS`` edges: ``Sanction`` (entity, authority = the
  list, program, listingDate, reason = the category).
- A trade record (a ``SHIPMENT`` edge): ``EconomicActivity``, FtM's schema for a customs
  declaration of foreign trade: sender, receiver, ``ccdNumber`` (the record id, the customs
  declaration number where the source is customs), ``recordId`` (every record id, mirror
  declarations included), ``vedCode`` (the HS code), goodsDescription, date, origin,
  departure and destination countries, ``customsAmount`` (value, ``USD``). FtM has no
  ``Trade`` schema; ``Payment`` is money between a payer and a beneficiary, which the records
  do not show.
- ``TRADES_WITH`` summaries are derived data: left out, the shipments behind them carry it.

Provenance: every entity carries the files it came from in ``publisher`` (the file names)
and the rows in ``summary`` (``"from shipments.csv line 17; companies.csv line 4"``);
nodes carry them as the attribute ``sources`` (``"file:line"`` texts), shipments as
``source`` and ``row``. Red flags (roles, front score and reasons, chain score) go to
``notes``.

Ids: ``make_id("tracegraph", <kind>, <our id>)``, a hash of our stable ids, so two exports
of the same data give the same FtM ids and an entity keeps its id across collections.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
from followthemoney import model
from followthemoney.proxy import EntityProxy

from exports import ExportError
from exports.cells import SHIPMENT, scalar

__all__ = ["ftm_entities", "write_ftm", "ftm_id"]

_SCHEMA = {"Company": "Company", "Person": "Person", "Address": "Address"}
_PREFIX = "tracegraph"


def ftm_id(*parts) -> str:
    """The FtM id of one of our entities or links: a hash of its kind and our ids.

    >>> ftm_id("Company", "co-1") == ftm_id("Company", "co-1") != ftm_id("Person", "co-1")
    True
    """
    return model.make_entity("Thing").make_id(_PREFIX, *parts)


def _list(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple, set)) else str(value).split(";")
    return [str(scalar(v)) for v in items if scalar(v) is not None]


def _provenance(proxy: EntityProxy, sources: list[str]) -> None:
    """``publisher``: the file names; ``summary``: where in them (``file line N``)."""
    places = []
    for text in sources:
        name, _, line = text.rpartition(":")
        name, line = (name, line) if name and line.isdigit() else (text, "")
        proxy.add("publisher", name)
        places.append(f"{name} line {line}" if line else name)
    if places:
        proxy.add("summary", "from " + "; ".join(places))


def _red_flags(attrs: dict) -> list[str]:
    notes = []
    roles = _list(attrs.get("roles"))
    if roles:
        notes.append("roles: " + ", ".join(roles))
    if attrs.get("score") is not None:
        notes.append(f"front score {attrs['score']}: {scalar(attrs.get('reasons')) or ''}".strip())
    if attrs.get("chain_score") is not None:
        notes.append(f"chain score {attrs['chain_score']}: "
                     f"{scalar(attrs.get('chain_reasons')) or ''}".strip())
    return notes


def _node_entity(node_id: str, attrs: dict) -> EntityProxy | None:
    kind = attrs.get("kind")
    if kind not in _SCHEMA:
        return None
    proxy = model.make_entity(_SCHEMA[kind])
    proxy.id = ftm_id(kind, node_id)
    name = attrs.get("name") or attrs.get("text")
    if kind == "Address":
        proxy.add("full", name)
    else:
        proxy.add("name", name)
        proxy.add("alias", [n for n in _list(attrs.get("names")) if n != name])
    proxy.add("country", attrs.get("country"))
    if kind == "Company":
        proxy.add("jurisdiction", attrs.get("country"))
        proxy.add("registrationNumber", attrs.get("registration_number"))
        proxy.add("taxNumber", attrs.get("tax_id"))
        proxy.add("incorporationDate", scalar(attrs.get("incorporation_date")))
        proxy.add("dissolutionDate", scalar(attrs.get("dissolution_date")))
        proxy.add("status", attrs.get("status"))
        proxy.add("legalForm", attrs.get("legal_form"))
        proxy.add("address", attrs.get("address"))
    if kind != "Address":
        proxy.add("notes", _red_flags(attrs))
    _provenance(proxy, _list(attrs.get("sources")))
    return proxy


def _shipment(g: nx.MultiDiGraph, u: str, v: str, attrs: dict) -> EntityProxy:
    records = _list(attrs.get("record_ids"))
    proxy = model.make_entity("EconomicActivity")
    proxy.id = ftm_id("Shipment", attrs.get("shipment_id") or "", *records, u, v,
                      scalar(attrs.get("date")))
    proxy.add("sender", ftm_id(g.nodes[u].get("kind", "Company"), u))
    proxy.add("receiver", ftm_id(g.nodes[v].get("kind", "Company"), v))
    proxy.add("ccdNumber", records[:1])
    proxy.add("recordId", records)
    proxy.add("vedCode", attrs.get("hs_code"))
    proxy.add("goodsDescription", attrs.get("description"))
    proxy.add("date", scalar(attrs.get("date")))
    proxy.add("originCountry", attrs.get("origin_country"))
    proxy.add("departureCountry", g.nodes[u].get("country"))
    proxy.add("destinationCountry", g.nodes[v].get("country"))
    if attrs.get("value_usd") is not None:
        proxy.add("customsAmount", f"{attrs['value_usd']} USD")
    amount = [f"{attrs[k]} {unit}" for k, unit in (("quantity", attrs.get("unit") or "units"),
                                                   ("net_weight_kg", "kg net"))
              if attrs.get(k) is not None]
    proxy.add("description", "; ".join(amount) or None)
    if attrs.get("source"):
        row = attrs.get("row")
        _provenance(proxy, [f"{attrs['source']}:{row}" if row is not None else attrs["source"]])
    return proxy


def _edge_entity(g: nx.MultiDiGraph, u: str, v: str, attrs: dict) -> EntityProxy | None:
    kind = attrs.get("type")
    if kind == SHIPMENT:
        return _shipment(g, u, v, attrs)
    source, target = g.nodes[u], g.nodes[v]
    if kind in ("OFFICER_OF", "OWNS"):
        schema, (a, b) = (("Directorship", ("director", "organization")) if kind == "OFFICER_OF"
                          else ("Ownership", ("owner", "asset")))
        proxy = model.make_entity(schema)
        proxy.id = ftm_id(kind, u, v, attrs.get("role") or "")
        proxy.add(a, ftm_id(source.get("kind", "Person"), u))
        proxy.add(b, ftm_id(target.get("kind", "Company"), v))
        proxy.add("role", attrs.get("role"))
        proxy.add("startDate", scalar(attrs.get("start_date")))
        proxy.add("endDate", scalar(attrs.get("end_date")))
        if kind == "OWNS" and attrs.get("share_pct") is not None:
            proxy.add("percentage", str(attrs["share_pct"]))
        _provenance(proxy, _list(source.get("sources")))
        return proxy
    if kind == "LISTED_AS" and target.get("kind") == "Listing":
        proxy = model.make_entity("Sanction")
        proxy.id = ftm_id("Listing", v, u)
        proxy.add("entity", ftm_id(source.get("kind", "Company"), u))
        proxy.add("authority", target.get("list"))
        proxy.add("program", target.get("program"))
        proxy.add("listingDate", scalar(target.get("listed_on")))
        proxy.add("reason", target.get("category"))
        _provenance(proxy, _list(target.get("sources")))
        return proxy
    return None


def ftm_entities(g: nx.MultiDiGraph) -> Iterator[EntityProxy]:
    """The FtM entities of ``g``: its companies, persons and addresses, then its links."""
    addresses: dict[str, list[str]] = {}
    for u, v, attrs in g.edges(data=True):
        if attrs.get("type") == "REGISTERED_AT" and g.nodes[v].get("kind") == "Address":
            addresses.setdefault(u, []).append(ftm_id("Address", v))
    for node_id in sorted(g.nodes, key=str):
        proxy = _node_entity(str(node_id), g.nodes[node_id])
        if proxy is not None:
            if proxy.schema.is_a("Company"):
                proxy.add("addressEntity", addresses.get(node_id, []))
            yield proxy
    seen: set[str] = set()
    for u, v, attrs in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        proxy = _edge_entity(g, u, v, attrs)
        if proxy is not None and proxy.id not in seen:
            seen.add(proxy.id)
            yield proxy


def write_ftm(g: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write the FtM entities of ``g`` as JSON lines to ``path``; return the path.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("co-1", kind="Company", name="Radiokom", country="ru",
    ...            sources=["companies.csv:4"])
    >>> out = write_ftm(g, Path(tempfile.mkdtemp()) / "entities.ftm.json")
    >>> entity = model.get_proxy(json.loads(out.read_text()))
    >>> entity.schema.name, entity.get("summary"), entity.get("publisher")
    ('Company', ['from companies.csv line 4'], ['companies.csv'])
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            for proxy in ftm_entities(g):
                handle.write(json.dumps(proxy.to_dict(), ensure_ascii=False,
                                        sort_keys=True) + "\n")
    except OSError as e:
        raise ExportError(f"cannot write {target}: {e}") from e
    return target
