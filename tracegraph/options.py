"""Options shared by many commands, each group one decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from graph import GraphError
from graph.connection import Graph, connect
from tracegraph.settings import connection_settings

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
        graph = _LazyGraph(uri, user, password, database)
        try:
            return command(*args, graph=graph, **kwargs)
        except GraphError as error:
            raise click.ClickException(str(error)) from error
        finally:
            graph.close()

    return wrapper


class _LazyGraph:
    """Connects (starting the local server if need be) on first use, so a command can
    reject bad options before any server is touched."""

    def __init__(self, uri, user, password, database):
        self._settings = (uri, user, password, database)
        self._graph: Graph | None = None

    def _connect(self) -> Graph:
        if self._graph is None:
            self._graph = connect(connection_settings(*self._settings,
                                                      echo=lambda m: click.echo(m, err=True)))
        return self._graph

    def __getattr__(self, name):
        return getattr(self._connect(), name)

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()


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


def chain_options(command: Callable) -> Callable:
    """Add the chain-matching options (--hs, --window-days, --tolerance, --destination,
    --defence-code, --same-heading-only); the command gets them as one ``chain_params`` dict,
    ready for ``queries.detect.detect_chains``. Chain ids depend on these, so every command that names
    a chain by id takes them too."""
    from queries import reference as ref

    @click.option("--hs", "hs_prefix", metavar="PREFIX",
                  help="Only chains with goods that entered or left under an HS code "
                       "starting so (a cover-heading chain counts under both headings).")
    @click.option("--window-days", type=click.IntRange(min=1), default=ref.CHAIN_WINDOW_DAYS,
                  show_default=True, help="Longest wait between arrival and onward shipment.")
    @click.option("--tolerance", type=click.FloatRange(0, 1), default=ref.CHAIN_TOLERANCE,
                  show_default=True, help="Relative difference allowed between quantities.")
    @click.option("--destination", "destinations", multiple=True,
                  default=sorted(ref.DESTINATIONS), show_default=True,
                  help="Destination country (repeat for several).")
    @click.option("--defence-code", "defence_codes", multiple=True,
                  default=sorted(ref.DEFENCE_ACTIVITY_CODES), show_default=True,
                  help="Activity code that makes a buyer defence industry (repeat).")
    @click.option("--same-heading-only", is_flag=True, default=False,
                  help="Link only onward shipments of the arrival's own heading "
                       "(no cover headings).")
    @functools.wraps(command)
    def wrapper(*args, hs_prefix, window_days, tolerance, destinations, defence_codes,
                same_heading_only, **kwargs):
        chain_params = {"hs_prefix": hs_prefix, "window_days": window_days,
                        "tolerance": tolerance, "destinations": destinations,
                        "defence_codes": defence_codes, "same_heading_only": same_heading_only}
        return command(*args, chain_params=chain_params, **kwargs)

    return wrapper


SUBJECTS = "--chain, --entity, --query, --fronts, --all"


def selection_options(command: Callable) -> Callable:
    """Add what a map or an export shows (--chain, --entity, --depth, --query, --param,
    --fronts, --all); the command gets them as one ``selection`` dict, the keyword arguments
    of ``tracegraph.jobs.maps.select``. Exactly one subject, or a usage error before any
    server is touched."""
    from tracegraph.params import KEY_VALUE, pairs_dict

    @click.option("--chain", "chain", metavar="ID", help="A chain id from 'tracegraph chains'.")
    @click.option("--entity", "entity", metavar="ID", help="An entity id: its neighbourhood.")
    @click.option("--query", "query", metavar="NAME", help="A catalogued query's result.")
    @click.option("--fronts", is_flag=True, help="The front-company suspects and what links them.")
    @click.option("--all", "whole", is_flag=True,
                  help="Every company, person and address and the links among them.")
    @click.option("--param", "params", multiple=True, metavar="KEY=VALUE", type=KEY_VALUE,
                  help="A parameter of --query (repeat).")
    @click.option("--depth", type=click.IntRange(1, 4), default=2, show_default=True,
                  help="Hops around --entity.")
    @functools.wraps(command)
    def wrapper(*args, chain, entity, query, fronts, whole, params, depth, **kwargs):
        if sum((bool(chain), bool(entity), bool(query), fronts, whole)) != 1:
            raise click.UsageError(f"give exactly one of {SUBJECTS}")
        selection = {"chain": chain, "entity": entity, "depth": depth, "query": query,
                     "params": pairs_dict(params), "fronts": fronts, "all": whole}
        return command(*args, selection=selection, **kwargs)

    return wrapper


__all__ = ["neo4j_options", "output_options", "chain_options", "selection_options", "FORMATS",
           "SUBJECTS", "Graph"]
