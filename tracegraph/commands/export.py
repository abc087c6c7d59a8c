"""tracegraph export and case: files other tools read, and a case file an editor can check."""

from __future__ import annotations

import click

from queries import QueryError
from tracegraph.options import chain_options, neo4j_options, selection_options
from tracegraph.progress import TerminalProgress

FORMATS = ("gexf", "graphml", "ftm", "csv")


@click.command("export")
@selection_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="gexf (Gephi), graphml (yEd, Cytoscape), ftm (FollowTheMoney JSON lines, "
                   "Aleph) or csv (node and edge tables, spreadsheets, neo4j-admin import).")
@click.option("--out", type=click.Path(dir_okay=False), required=True,
              help="The file to write; csv writes <stem>.nodes.csv and <stem>.edges.csv.")
@click.option("--shipments-as-nodes", is_flag=True,
              help="Each shipment a node between its companies (default: an edge).")
@chain_options
@neo4j_options
def export_command(selection, fmt, out, shipments_as_nodes, chain_params, graph) -> None:
    """Export what a map shows as GEXF, GraphML, FollowTheMoney or CSV tables.

    The same selections as 'tracegraph map', plus --all for the whole graph. Every entity
    carries the files and lines it came from; every shipment its record ids, date, HS code,
    quantity, value, source file and row.

    \b
    Example:
        tracegraph export --fronts --format gexf --out fronts.gexf
        tracegraph export --all --format ftm --out entities.ftm.json
    """
    from exports import ExportError
    from tracegraph.jobs.export import enrich, write_export
    from tracegraph.jobs.maps import select

    try:
        with TerminalProgress() as progress:
            chosen = select(graph, **selection, chain_params=chain_params, progress=progress)
        full = enrich(graph, chosen.graph, whole=selection["all"])
        paths = write_export(full, fmt, out, shipments_as_nodes)
    except (QueryError, ExportError) as error:
        raise click.ClickException(str(error)) from error
    nodes, links = full.number_of_nodes(), full.number_of_edges()
    if shipments_as_nodes and fmt != "ftm":  # each shipment edge became a node and two links
        shipments = sum(1 for _, _, t in full.edges(data="type") if t == "SHIPMENT")
        nodes, links = nodes + shipments, links + shipments
    click.echo(f"wrote {', '.join(str(p) for p in paths)} ({nodes} nodes, {links} links)")


@click.command("case")
@click.argument("subject", metavar="CHAIN_ID|ENTITY_ID")
@click.option("--out", type=click.Path(), required=True,
              help="The folder to write, or a file ending in .zip.")
@click.option("--depth", type=click.IntRange(1, 4), default=2, show_default=True,
              help="Hops around an entity.")
@chain_options
@neo4j_options
def case_command(subject, out, depth, chain_params, graph) -> None:
    """Write a case file of a chain or an entity that an editor can check line by line.

    The folder (or .zip) holds the HTML map; evidence.csv and evidence.jsonl, each record
    as it stands in its source file with the file's name, sha256 and line number (a file
    gone or changed since the load is said so); the GEXF, GraphML, FtM and CSV exports; a
    printable dossier per company; and manifest.json with every file's sha256.

    \b
    Example:
        tracegraph case ch-444c76ac041ad77e --out case-444c
        tracegraph case co-1a2b... --out case.zip
    """
    from exports import ExportError
    from tracegraph.jobs.case import build_case
    from viz import VizError

    try:
        with TerminalProgress() as progress:
            case = build_case(graph, subject, out, chain_params=chain_params, depth=depth,
                              progress=progress)
    except (QueryError, ExportError, VizError) as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"cannot write the case file {out}: {error}") from error
    click.echo(f"wrote {case.path} ({len(case.files)} files; {case.evidence_rows} evidence rows"
               f", {case.unverified_rows} not verified against their source)")


COMMANDS = [export_command, case_command]
