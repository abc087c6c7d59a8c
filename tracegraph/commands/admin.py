"""tracegraph stats and reset: what the graph holds, and wiping it."""

from __future__ import annotations

import json

import click

from tracegraph.options import neo4j_options
from tracegraph.output import table_text


@click.command("stats")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table",
              show_default=True, help="Output format.")
@neo4j_options
def stats_command(fmt: str, graph) -> None:
    """Count nodes per label, relationships per type and listings per list.

    \b
    Example:
        tracegraph stats --format json
    """
    stats = graph.stats()
    if fmt == "json":
        click.echo(json.dumps(stats, indent=2))
        return
    kinds = {"nodes": "node", "relationships": "relationship", "listings": "listing"}
    rows = [(kind, name or "(no list)", f"{count:,}")
            for section, kind in kinds.items() for name, count in stats[section].items()]
    click.echo(table_text(rows, ("kind", "name", "count"), align=("left", "left", "right")),
               nl=False)


@click.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask before deleting.")
@neo4j_options
def reset_command(yes: bool, graph) -> None:
    """Delete every node and relationship of the graph (the schema stays).

    The server deletes in transactions of 10,000 relationships, then of 10,000 nodes, so a
    graph of millions needs no more memory than a small one.

    \b
    Example:
        tracegraph reset --yes
    """
    if not yes:
        click.confirm(f"Delete everything in {graph.settings.describe()}?", abort=True)
    deleted = graph.reset()
    click.echo(f"deleted {deleted:,} nodes")


COMMANDS = [stats_command, reset_command]
