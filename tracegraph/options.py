"""Options shared by many commands, each group one decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from graph import GraphError
from graph.connection import Graph, connect, resolve_settings

FORMATS = ("csv", "jsonl", "table")


def neo4j_options(command: Callable) -> Callable:
    """Add --uri/--user/--password/--database; pass the command a connected ``graph``."""

    @click.option("--uri", envvar="NEO4J_URI", default=None, show_envvar=True,
                  help="Bolt or neo4j:// URI; default: the managed local server.")
    @click.option("--user", envvar="NEO4J_USER", default=None, show_envvar=True,
                  help="User name [default: neo4j].")
    @click.option("--password", envvar="NEO4J_PASSWORD", default=None, show_envvar=True,
                  help="Password; better read from the environment than typed.")
    @click.option("--database", envvar="NEO4J_DATABASE", default=None, show_envvar=True,
                  help="Database name; default: the server's default.")
    @functools.wraps(command)
    def wrapper(*args, uri, user, password, database, **kwargs):
        try:
            settings = resolve_settings(uri, user, password, database,
                                        echo=lambda m: click.echo(m, err=True))
            graph = connect(settings)
        except GraphError as error:
            raise click.ClickException(str(error)) from error
        with graph:
            try:
                return command(*args, graph=graph, **kwargs)
            except GraphError as error:
                raise click.ClickException(str(error)) from error

    return wrapper


def output_options(default_format: str = "csv") -> Callable:
    """Add --format and --out."""

    def decorator(command: Callable) -> Callable:
        command = click.option("--out", "out", type=click.Path(dir_okay=False, writable=True),
                               default=None, help="Write to FILE instead of standard output.")(command)
        command = click.option("--format", "fmt", type=click.Choice(FORMATS),
                               default=default_format, show_default=True,
                               help="Output format.")(command)
        return command

    return decorator


__all__ = ["neo4j_options", "output_options", "FORMATS", "Graph"]
