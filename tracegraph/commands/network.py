"""tracegraph network communities|brokers|exposure: NetworkX analytics on a projection."""

from __future__ import annotations

import click

from tracegraph.options import neo4j_options, output_options
from tracegraph.output import write_frame


@click.group("network")
def network_group() -> None:
    """Network analytics on a NetworkX projection of the graph.

    \b
    Example:
        tracegraph network brokers --top 20 --format table
    """


@network_group.command("communities")
@click.option("--all", "everyone", is_flag=True,
              help="Use every company, not only suspects and their direct links.")
@click.option("--resolution", type=float, default=1.0, show_default=True,
              help="Louvain resolution: above 1 gives more, smaller communities.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@output_options()
@neo4j_options
def communities_command(everyone, resolution, seed, fmt, out, graph) -> None:
    """Communities (Louvain) of suspects linked by trade, officers, owners and addresses.

    Run `tracegraph chains` and `tracegraph fronts` first: they label the suspects.

    \b
    Example:
        tracegraph network communities --format table
    """
    from tracegraph.jobs.detect import network_projection
    from queries.network import communities

    g = network_projection(graph, suspects_only=not everyone)
    write_frame(communities(g, seed=seed, resolution=resolution), fmt, out)


@network_group.command("brokers")
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True,
              help="Rows to return.")
@click.option("--sample", "k", type=click.IntRange(min=1), default=None,
              help="Pivots for sampled betweenness (default: exact on small graphs, "
                   "sampled on large ones).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@output_options()
@neo4j_options
def brokers_command(top, k, seed, fmt, out, graph) -> None:
    """Companies most trade has to pass through (betweenness on the trade graph).

    \b
    Example:
        tracegraph network brokers --top 20 --format table
    """
    from tracegraph.jobs.detect import network_projection
    from queries.network import brokers

    write_frame(brokers(network_projection(graph), k=k, seed=seed, top=top), fmt, out)


@network_group.command("exposure")
@click.option("--max-hops", type=click.IntRange(min=1, max=6), default=3, show_default=True,
              help="Farthest distance from a listed entity reported.")
@output_options()
@neo4j_options
def exposure_command(max_hops, fmt, out, graph) -> None:
    """Hops from each company to a listed entity through owners, officers and trade, and
    the share owned in aggregate by listed parties (50% rule).

    \b
    Example:
        tracegraph network exposure --max-hops 2 --format table
    """
    from tracegraph.jobs.detect import network_projection
    from queries.network import exposure

    write_frame(exposure(network_projection(graph), max_hops=max_hops), fmt, out)


COMMANDS = [network_group]
