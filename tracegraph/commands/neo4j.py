"""tracegraph neo4j install|start|stop|status: the managed local server."""

from __future__ import annotations

import json

import click

from graph import GraphError, server
from tracegraph.settings import server_config


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def _print_status(st: server.ServerStatus, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(st.as_dict(), indent=2))
        return
    click.echo(f"running:   {'yes' if st.running else 'no'}")
    if st.running:
        click.echo(f"bolt uri:  {st.uri}")
        click.echo(f"version:   Neo4j {st.version} Community")
        click.echo(f"pid:       {st.pid}")
    click.echo(f"data dir:  {st.data_dir}")
    click.echo(f"store:     {st.store_bytes / 1e6:.1f} MB")
    if not st.installed:
        click.echo("installed: no (run 'tracegraph neo4j install')")
    for note in st.notes:
        click.echo(f"note:      {note}")


@click.group("neo4j")
def neo4j_group() -> None:
    """Manage the local Neo4j Community server that tracegraph runs for you.

    Jars come from Maven Central into ~/.cache/tracegraph (TRACEGRAPH_CACHE); data,
    logs and the generated password live in ~/.local/share/tracegraph (TRACEGRAPH_HOME).
    The server listens on 127.0.0.1 only.

    \b
    Example:
        tracegraph neo4j start && tracegraph neo4j status
    """


@neo4j_group.command("install")
@click.option("--force", is_flag=True, help="Fetch the jars again even if installed.")
def install_command(force: bool) -> None:
    """Fetch Neo4j Community 5.26 from Maven Central (needs Java 17+ and Maven).

    \b
    Example:
        tracegraph neo4j install
    """
    config = server_config()
    try:
        lib = server.install(config, force=force, echo=_echo_err)
    except GraphError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Neo4j {config.version} installed in {lib.parent}")


@neo4j_group.command("start")
def start_command() -> None:
    """Start the server in the background; returns when Bolt answers.

    \b
    Example:
        tracegraph neo4j start
    """
    try:
        st = server.start(server_config(), echo=_echo_err)
    except GraphError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Neo4j {st.version} running on {st.uri} (pid {st.pid})")


@neo4j_group.command("stop")
def stop_command() -> None:
    """Stop the server cleanly; harmless when it is not running. A pid file that names
    another program (its pid reused after a crash) is removed, that program left alone.

    \b
    Example:
        tracegraph neo4j stop
    """
    was_running = server.stop(server_config(), echo=_echo_err)
    click.echo("Neo4j stopped" if was_running else "Neo4j was not running")


@neo4j_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_command(as_json: bool) -> None:
    """Say whether the server runs, its Bolt URI, version, pid, data directory and size.

    \b
    Example:
        tracegraph neo4j status --json
    """
    _print_status(server.status(server_config()), as_json)


COMMANDS = [neo4j_group]
