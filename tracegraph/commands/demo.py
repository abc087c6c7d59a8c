"""tracegraph demo: the whole job on a generated world, in one command."""

from __future__ import annotations

from pathlib import Path

import click

from tracegraph.options import neo4j_options
from tracegraph.output import write_frame

TOP = 5


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
    from graph.load import load_files
    from loaders.world import generate_world
    from queries import maps
    from queries.detect import detect_chains, detect_fronts
    from queries.reference import chpl_tiers
    from viz import write_map

    out = Path(out_dir)
    foreign = graph.read("MATCH (s:Source) WHERE s.demo IS NULL RETURN count(s) AS n")[0]["n"]
    if foreign and not reset:
        raise click.ClickException(
            f"the graph at {graph.settings.uri} holds {foreign} loaded file(s) that are not "
            "from a demo: run with --reset to wipe it, or point --uri at another server")
    graph.reset()

    paths = generate_world(out / "data", seed=seed)
    click.echo(f"generated a sample world (seed {seed}) in {paths.out_dir}")
    hs_info = {hs6: {"chpl_tier": tier} for hs6, tier in chpl_tiers().items()}
    report = load_files(graph, [paths.companies, paths.officers, paths.watchlist,
                                paths.shipments], report_path=out / "load-report.json",
                        hs_info=hs_info, source_tags={"demo": True})
    for entry in report["files"]:
        click.echo(f"  loaded {Path(entry['path']).name}: read {entry['rows_read']:,}, "
                   f"loaded {entry['rows_loaded']:,}, rejected {entry['rows_rejected']:,}")

    chains = detect_chains(graph).chains
    fronts = detect_fronts(graph)
    write_frame(chains, "csv", out / "chains.csv")
    write_frame(fronts, "csv", out / "fronts.csv")

    click.echo(f"\n{len(chains)} transshipment chains; the strongest:")
    for row in chains.head(TOP).itertuples():
        click.echo(f"  {row.score:.2f}  {row.countries:<12} HS {row.hs_code}  "
                   f"{_short(row.entity_names, 70)}")
        click.echo(f"        {_short(row.reasons)}")
    click.echo(f"\n{len(fronts)} companies with front-company flags; the strongest:")
    for row in fronts.head(TOP).itertuples():
        click.echo(f"  {row.score:.2f}  {row.country}  {_short(row.name, 60)}")
        click.echo(f"        {_short(row.reasons)}")

    maps_dir = out / "maps"
    written = []
    for chain_id in chains["chain_id"].head(TOP):
        g, title, focus = maps.chain_map(graph, chains, chain_id)
        written.append(write_map(maps_dir / f"chain-{chain_id}.html", g, title=title,
                                 parameters={"chain": chain_id}, focus=focus))
    if len(fronts):
        g, title, focus = maps.fronts_map(graph)
        written.append(write_map(maps_dir / "fronts.html", g, title=title,
                                 parameters={"fronts": "FrontSuspect"}, focus=focus))
    click.echo(f"\nresults: {out / 'chains.csv'}, {out / 'fronts.csv'}, "
               f"{out / 'load-report.json'}")
    click.echo(f"maps ({len(written)}): {maps_dir}/ — open any .html in a browser, offline")


COMMANDS = [demo_command]
