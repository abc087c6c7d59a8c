"""tracegraph load: files into the graph, with a report of every row."""

from __future__ import annotations

from pathlib import Path

import click

from loaders import LoaderError
from tracegraph.options import neo4j_options
from tracegraph.progress import TerminalProgress


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["shipments", "companies", "officers", "watchlist",
                                           "ftm", "trade_flows"]),
              help="What the files hold; recognised from the columns when absent.")
@click.option("--profile", metavar="NAME|PATH",
              help="Source profile mapping a foreign layout (eu-sanctions, ru-customs, or a "
                   "YAML file).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the load report as JSON here; rejected rows go beside it.")
@click.option("--sheet", metavar="NAME",
              help="Of a workbook, load this worksheet alone (default: every sheet with the "
                   "first sheet's header; the others are listed in the report).")
@click.option("--bulk/--no-bulk", default=None,
              help="First load of big files into an empty graph on the managed server: "
                   "through neo4j-admin import (the server restarts). Default: when the "
                   "graph is empty and the shipment files hold 50 MB or more.")
@neo4j_options
def load_command(files, kind, profile, report_path, sheet, bulk, graph) -> None:
    """Load trade records, registries, officers, watchlists or FtM files into the graph.

    Every row is accounted for: rows read = rows loaded + rows rejected, and rejected rows
    are written verbatim, with their line number and reason, to <file>.rejects.csv beside
    the report (else in TRACEGRAPH_HOME/rejects/<date-time>/); an existing file is never
    overwritten (the name gets -2, -3...). A fixed rejects file loads like any input.
    Loading a file twice changes nothing; a record id loaded before with other content is
    rejected, naming the source that holds it.

    A first load of big shipment files into the empty graph of the managed server goes
    through neo4j-admin import (--bulk): the server stops while the files are read and
    starts again on the same port. A bulk load killed on the way is dropped at the next
    start (the graph is empty again) and can simply be run again.

    \b
    Example:
        tracegraph load companies.csv officers.csv shipments.csv --report load.json
        tracegraph load eu-32014R0269.csv --profile eu-sanctions
        tracegraph load comext-cn8-monthly.csv.gz --profile eurostat-comext
        tracegraph load --bulk companies.csv shipments-2023.csv.gz
    """
    from tracegraph.jobs.load import load_files
    from queries.reference import chpl_tiers

    progress = TerminalProgress()
    hs_info = {hs6: {"chpl_tier": tier} for hs6, tier in chpl_tiers().items()}
    try:
        report = load_files(graph, files, kind=kind, profile=profile,
                            report_path=report_path, hs_info=hs_info, progress=progress,
                            bulk=bulk, echo=lambda line: click.echo(line, err=True),
                            sheet=sheet)
    except LoaderError as error:
        written = f" (report: {report_path})" if report_path and Path(report_path).is_file() else ""
        raise click.ClickException(f"{error}{written}") from error
    finally:
        progress.close()
    for entry in report["files"]:
        _echo_file(entry)
    entities = ", ".join(f"{label} {count:,}" for label, count in report["entities"].items())
    click.echo(f"graph now holds: {entities}")
    if report_path:
        click.echo(f"report: {report_path}")


def _echo_file(entry: dict) -> None:
    """A file's line of the summary, and one line per workbook sheet read or skipped."""
    rejects = f"  rejects: {entry['rejects_path']}" if entry["rejects_path"] else ""
    duplicates = (f", {entry['rows_duplicate']:,} of them duplicates"
                  if entry.get("rows_duplicate") else "")
    status = "" if entry.get("status", "loaded") == "loaded" else f" [{entry['status']}]"
    click.echo(f"{entry['path']} ({entry['kind']}): read {entry['rows_read']:,}, "
               f"loaded {entry['rows_loaded']:,}, rejected {entry['rows_rejected']:,} "
               f"({entry['lines_read']:,} lines{duplicates}){status}{rejects}")
    for sheet in entry.get("sheets", []):
        click.echo(f"  sheet {sheet['sheet']}: read {sheet['rows_read']:,}, "
                   f"loaded {sheet['rows_loaded']:,}, rejected {sheet['rows_rejected']:,}")
    for sheet in entry.get("skipped_sheets", []):
        click.echo(f"  sheet {sheet['sheet']}: not read ({sheet['reason']})")


COMMANDS = [load_command]
