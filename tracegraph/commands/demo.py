"""tracegraph demo: the whole job on a generated world, in one command."""

from __future__ import annotations

from pathlib import Path

import click

from tracegraph.options import neo4j_options


def _short(text, width: int = 90) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="demo-out",
              show_default=True, help="Folder for the data, results and maps.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the generated world.")
@click.option("--reset", is_flag=True,
              help="Wipe the graph first even if it holds data other than an earlier demo.")
@neo4j_options
def demo_command(out_dir, seed, reset, graph) -> None:
    """Generate a sample world with planted schemes, load it, detect, and write results.

    Starts the local Neo4j server when none is configured, writes the world's CSV files
    and truth.json to OUT/data, then chains.csv, fronts.csv, a load report and HTML maps
    (OUT/maps) of the top chains and the front-company suspects. An earlier demo's data
    is replaced; other data is never wiped without --reset.

    \b
    Example:
        tracegraph demo --out demo-out
    """
    from tracegraph.jobs.demo import TOP, DemoRefused, run_demo

    try:
        result = run_demo(graph, out_dir, seed=seed, reset=reset)
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    out = result.out
    click.echo(f"generated a sample world (seed {seed}) in {result.data_dir}")
    for entry in result.report["files"]:
        click.echo(f"  loaded {Path(entry['path']).name}: read {entry['rows_read']:,}, "
                   f"loaded {entry['rows_loaded']:,}, rejected {entry['rows_rejected']:,}")
    click.echo(f"\n{len(result.chains)} transshipment chains; the strongest:")
    for row in result.chains.head(TOP).itertuples():
        click.echo(f"  {row.score:.2f}  {row.countries:<12} HS {row.hs_code}  "
                   f"{_short(row.entity_names, 70)}")
        click.echo(f"        {_short(row.reasons)}")
    click.echo(f"\n{len(result.fronts)} companies with front-company flags; the strongest:")
    for row in result.fronts.head(TOP).itertuples():
        click.echo(f"  {row.score:.2f}  {row.country}  {_short(row.name, 60)}")
        click.echo(f"        {_short(row.reasons)}")
    click.echo(f"\nresults: {out / 'chains.csv'}, {out / 'fronts.csv'}, "
               f"{out / 'load-report.json'}")
    click.echo(f"maps ({len(result.maps)}): {result.maps_dir}/ — open any .html in a browser, "
               "offline")
    click.echo("browse, search, expand and triage the graph in a browser: tracegraph serve")


COMMANDS = [demo_command]
