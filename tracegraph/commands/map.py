"""tracegraph map: a self-contained HTML network map of a chain, an entity, a query or the fronts."""

from __future__ import annotations

import datetime as dt

import click

from queries import QueryError
from tracegraph.options import chain_options, neo4j_options
from tracegraph.params import KEY_VALUE, pairs_dict
from tracegraph.progress import TerminalProgress


@click.command("map")
@click.option("--chain", "chain_id", metavar="ID", help="A chain id from 'tracegraph chains'.")
@click.option("--entity", "entity_id", metavar="ID", help="An entity id: its neighbourhood.")
@click.option("--query", "query_name", metavar="NAME", help="A catalogued query's result.")
@click.option("--fronts", is_flag=True, help="The front-company suspects and what links them.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", type=KEY_VALUE,
              help="A parameter of --query (repeat).")
@click.option("--depth", type=click.IntRange(1, 4), default=2, show_default=True,
              help="Hops around --entity.")
@click.option("--max-nodes", type=click.IntRange(min=10), default=500, show_default=True,
              help="Nodes drawn; the rest are folded into summary nodes.")
@click.option("--out", type=click.Path(dir_okay=False), default="map.html", show_default=True,
              help="The HTML file to write.")
@chain_options
@neo4j_options
def map_command(chain_id, entity_id, query_name, fronts, params, depth, max_nodes, out,
                chain_params, graph) -> None:
    """Write an HTML network map that opens offline in any browser.

    Colour by role, shape by kind, size by traded value; click a node or a link for the
    evidence (record ids, source file and row, reasons and scores). A chain is found again
    under the chain options given (--window-days, --tolerance, --hs, ...): pass the ones
    'tracegraph chains' listed it under.

    \b
    Example:
        tracegraph map --fronts --out fronts.html
        tracegraph map --entity co-1a2b... --depth 2 --out neighbourhood.html
    """
    from tracegraph.jobs import maps
    from viz import write_map

    chosen = [bool(chain_id), bool(entity_id), bool(query_name), fronts]
    if sum(chosen) != 1:
        raise click.UsageError("give exactly one of --chain, --entity, --query, --fronts")
    values = pairs_dict(params)
    try:
        if chain_id:
            from tracegraph.jobs.detect import detect_chains

            with TerminalProgress() as progress:
                chains = detect_chains(graph, min_score=0.0, write=False, progress=progress,
                                       **chain_params).chains
            g, title, focus = maps.chain_map(graph, chains, chain_id)
            shown = {"chain": chain_id, "window_days": chain_params["window_days"],
                     "tolerance": chain_params["tolerance"]}
        elif entity_id:
            g, title, focus = maps.entity_map(graph, entity_id, depth)
            shown = {"entity": entity_id, "depth": depth}
        elif query_name:
            g, title, focus = maps.query_map(graph, query_name, values)
            shown = {"query": query_name, **values}
        else:
            g, title, focus = maps.fronts_map(graph)
            shown = {"fronts": "FrontSuspect"}
    except QueryError as error:
        raise click.ClickException(str(error)) from error
    path = write_map(out, g, title=title, subtitle=graph.settings.uri, parameters=shown,
                     focus=focus, max_nodes=max_nodes)
    click.echo(f"wrote {path} ({g.number_of_nodes()} nodes, {g.number_of_edges()} links)")


COMMANDS = [map_command]
