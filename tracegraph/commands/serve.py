"""tracegraph serve: the investigator workbench in a browser."""

from __future__ import annotations

import click

from tracegraph.options import chain_options, neo4j_options


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines try "
                   "to reach the workbench (they still need the token).")
@click.option("--open/--no-open", "open_browser", default=True, show_default=True,
              help="Open the workbench in the default browser.")
@chain_options
@neo4j_options
def serve_command(port, host, open_browser, chain_params, graph) -> None:
    """Browse, search, expand and triage the graph in a browser.

    Prints the address to open, with a random token: without it every request is
    refused; with it the browser gets a session cookie. Search any spelling in any script,
    open a company, expand its network a step at a time, filter by date and HS code, see
    the evidence behind every link, and confirm or dismiss chains, fronts and duplicate
    candidates (the same decisions as `tracegraph review`). Stop with Ctrl-C.

    Chains are listed as `tracegraph chains` finds them with the same chain options (chain
    ids, and so decisions on chains, depend on them).

    \b
    Example:
        tracegraph serve
        tracegraph serve --port 8765 --no-open
    """
    from tracegraph.web.server import ServeError, is_loopback, serve

    if not is_loopback(host):
        click.echo(f"warning: listening on {host}, not loopback: other machines can reach "
                   "the workbench (the token still guards it)", err=True)
    graph.driver  # connect (and start the local server) before the address is printed
    try:
        serve(graph, host=host, port=port, open_browser=open_browser, chain_params=chain_params,
              echo=lambda line: click.echo(f"tracegraph workbench: {line}\n"
                                           "(Ctrl-C to stop)", nl=True))
    except ServeError as error:
        raise click.ClickException(str(error)) from error


COMMANDS = [serve_command]
