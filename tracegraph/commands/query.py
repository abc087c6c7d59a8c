"""tracegraph query list|show|run: the canned Cypher catalogue."""

from __future__ import annotations

import click

from queries import QueryError
from tracegraph.options import neo4j_options, output_options
from tracegraph.output import table_text, write_frame
from tracegraph.params import KEY_VALUE, pairs_dict


def _catalog():
    from queries.catalog import load_catalog

    try:
        return load_catalog()
    except QueryError as error:
        raise click.ClickException(str(error)) from error


def _query(name: str):
    from queries.catalog import get_query

    try:
        return get_query(name, _catalog())
    except QueryError as error:
        raise click.ClickException(str(error)) from error


@click.group("query")
def query_group() -> None:
    """The canned Cypher questions in queries/cypher/, one question per file.

    \b
    Example:
        tracegraph query run new-intermediaries --param since=2022-02-24 --format table
    """


@query_group.command("list")
def list_command() -> None:
    """List the catalogued questions with their titles.

    \b
    Example:
        tracegraph query list
    """
    rows = [(name, query.title) for name, query in sorted(_catalog().items())]
    click.echo(table_text(rows, ("name", "title"), max_width=100), nl=False)


@query_group.command("show")
@click.argument("name")
def show_command(name: str) -> None:
    """Print a question's description, parameters, columns and Cypher text.

    \b
    Example:
        tracegraph query show pass-through-pairs
    """
    query = _query(name)
    click.echo(f"{query.name}: {query.title}\n\n{query.description}\n")
    if query.params:
        click.echo("parameters:")
        for p in query.params:
            default = p.default.isoformat() if hasattr(p.default, "isoformat") else p.default
            click.echo(f"  {p.name} ({p.type}, default {default!r}): {p.description}")
    click.echo("columns:")
    for c in query.columns:
        click.echo(f"  {c.name}: {c.description}")
    click.echo(f"\n{query.text.strip()}")


@query_group.command("run")
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", type=KEY_VALUE,
              help="A parameter value (repeat); the others take their defaults.")
@output_options()
@neo4j_options
def run_command(name, params, fmt, out, graph) -> None:
    """Run a question as a read transaction; values go to the server as parameters.

    \b
    Example:
        tracegraph query run within-hops-of-listed --param max_hops=2 --format table
    """
    from tracegraph.jobs.query import run_query

    values = pairs_dict(params)
    try:
        _query(name).bind(values)  # bad parameters are reported before any server starts
        frame = run_query(graph, name, values, catalog=_catalog())
    except QueryError as error:
        raise click.ClickException(str(error)) from error
    write_frame(frame, fmt, out)


COMMANDS = [query_group]
