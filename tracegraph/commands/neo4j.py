"""tracegraph neo4j install|start|stop|status|browser-favorites: the managed local server,
and Neo4j Browser served by it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import click

from graph import GraphError, server
from queries import QueryError
from queries.catalog import CannedQuery, load_catalog
from tracegraph.settings import server_config

FAVORITES_FOLDER = "tracegraph"


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
    if st.browser_url:
        click.echo(f"browser:   {st.browser_url}")
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
@click.option("--browser", "browser_ui", is_flag=True,
              help="Also serve Neo4j Browser (HTTP on 127.0.0.1 only, fetched from Maven "
                   "Central the first time); without it HTTP stays off.")
def start_command(browser_ui: bool) -> None:
    """Start the server in the background; returns when Bolt answers.

    With --browser it also serves Neo4j Browser and writes the canned queries as a
    favourites file to drop onto the Browser's window (see browser-favorites).

    \b
    Example:
        tracegraph neo4j start --browser
    """
    config = server_config()
    try:
        st = server.start(config, browser_ui=browser_ui, echo=_echo_err)
    except GraphError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Neo4j {st.version} running on {st.uri} (pid {st.pid})")
    if st.browser_url:
        favorites = _write_favorites(config.neo4j_home / "browser-favorites.zip")
        click.echo(f"Neo4j Browser: {st.browser_url} (user {server.USER}, password in "
                   f"{config.password_file})")
        click.echo(f"canned queries for its Favorites: drop {favorites} onto the Browser")


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


@neo4j_group.command("browser-favorites")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("tracegraph-queries.zip"), show_default=True,
              help="The .zip file to write.")
def browser_favorites_command(output: Path) -> None:
    """Write the canned queries (tracegraph query list) as a Neo4j Browser favourites file.

    Drop the .zip onto the Browser's window: each query becomes a favourite in the
    folder "tracegraph", its parameters set by ':param' lines (the catalogue's defaults,
    to edit before running). 'start --browser' writes one beside the server's data.

    \b
    Example:
        tracegraph neo4j browser-favorites -o queries.zip
    """
    click.echo(f"wrote {_write_favorites(output)}")


def _write_favorites(path: Path) -> Path:
    try:
        catalog = load_catalog()
    except QueryError as error:
        raise click.ClickException(str(error)) from error
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(favorites_zip(catalog.values()))
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror or error}") \
            from error
    return path


def favorites_zip(queries) -> bytes:
    """A zip that Neo4j Browser's file drop turns into favourites: one
    ``tracegraph/<name>.cypher`` per query (the folder becomes a favourites folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for query in sorted(queries, key=lambda q: q.name):
            archive.writestr(f"{FAVORITES_FOLDER}/{query.name}.cypher", favorite_text(query))
    return buffer.getvalue()


def favorite_text(query: CannedQuery) -> str:
    """The favourite's text: its title first (the Browser names a favourite by its first
    line), the description, one ':param' per parameter with the catalogue's default, then
    the query as written; the Browser runs them in turn (multi-statement mode)."""
    lines = [f"// {query.title}"]
    lines += [f"// {line}" for line in query.description.splitlines()]
    lines += [f"// ${p.name}: {p.description}" for p in query.params]
    lines += [f":param {p.name} => {_cypher_literal(p.default)};" for p in query.params]
    lines.append(query.text + ";")
    return "\n".join(lines) + "\n"


def _cypher_literal(value) -> str:
    """A default as a Cypher literal for ':param' (the Browser evaluates it on the server)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_cypher_literal(item) for item in value) + "]"
    if hasattr(value, "isoformat"):
        return f"date({json.dumps(value.isoformat())})"
    # a JSON string is a Cypher string: same escapes, non-ASCII as \\uXXXX
    return json.dumps(str(value))


COMMANDS = [neo4j_group]
