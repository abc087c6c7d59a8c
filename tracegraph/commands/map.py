"""tracegraph map: a self-contained HTML network map of a chain, an entity, a query, the
fronts or the whole graph."""

from __future__ import annotations

import click

from queries import QueryError
from tracegraph.options import chain_options, neo4j_options, selection_options
from tracegraph.progress import TerminalProgress


@click.command("map")
@selection_options
@click.option("--max-nodes", type=click.IntRange(min=10), default=500, show_default=True,
              help="Nodes drawn; the rest are folded into summary nodes.")
@click.option("--out", type=click.Path(dir_okay=False), default="map.html", show_default=True,
              help="The HTML file to write.")
@chain_options
@neo4j_options
def map_command(selection, max_nodes, out, chain_params, graph) -> None:
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
    from tracegraph.jobs.maps import select
    from viz import write_map

    try:
        with TerminalProgress() as progress:
            chosen = select(graph, **selection, chain_params=chain_params, progress=progress)
    except QueryError as error:
        raise click.ClickException(str(error)) from error
    g = chosen.graph
    path = write_map(out, g, title=chosen.title, subtitle=graph.settings.uri,
                     parameters=chosen.parameters, focus=chosen.focus, max_nodes=max_nodes)
    click.echo(f"wrote {path} ({g.number_of_nodes()} nodes, {g.number_of_edges()} links)")


COMMANDS = [map_command]
