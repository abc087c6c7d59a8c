"""tracegraph review list|merge|split|export|import: a person's decisions on candidate
duplicates, kept in TRACEGRAPH_HOME/judgements.jsonl and re-applied after every load."""

from __future__ import annotations

import click

from tracegraph.options import neo4j_options, output_options
from tracegraph.output import write_frame


@click.group("review")
def review_group() -> None:
    """Decide on possible duplicate companies (SAME_AS_CANDIDATE) once, for good.

    Decisions go to TRACEGRAPH_HOME/judgements.jsonl (author from TRACEGRAPH_AUTHOR, else
    your user name), are mirrored as Judgement nodes, and are applied again after every
    load, so a reload never undoes them. A decision that contradicts an earlier one is
    refused.

    \b
    Example:
        tracegraph review list --format table
        tracegraph review merge co-1a2b co-3c4d --note "same INN in the registry extract"
    """


@review_group.command("list")
@output_options()
@neo4j_options
def list_command(fmt, out, graph) -> None:
    """Candidate pairs awaiting a decision, with their evidence: names, identifiers,
    countries, addresses, shared officers and trading partners, score and method.

    \b
    Example:
        tracegraph review list --format table
    """
    from tracegraph.jobs.review import candidates

    write_frame(candidates(graph), fmt, out)


def _decide(graph, a: str, b: str, decision: str, note: str | None) -> None:
    from tracegraph.jobs.review import decide, judgements_path

    judgement, new = decide(graph, a, b, decision, note)
    if not new:
        click.echo(f"already decided: {judgement['decision']} {' '.join(judgement['subject'])} "
                   f"by {judgement['author']} at {judgement['at']}")
        return
    done = "merged into one company" if decision == "merge" else "kept apart"
    click.echo(f"{a} and {b} {done}; recorded in {judgements_path()}")


@review_group.command("merge")
@click.argument("a")
@click.argument("b")
@click.option("--note", default=None, help="Why: kept with the decision.")
@neo4j_options
def merge_command(a, b, note, graph) -> None:
    """Make companies A and B one (A keeps its id; B's names and relationships join it).

    \b
    Example:
        tracegraph review merge co-1a2b co-3c4d --note "same address and director"
    """
    _decide(graph, a, b, "merge", note)


@review_group.command("split")
@click.argument("a")
@click.argument("b")
@click.option("--note", default=None, help="Why: kept with the decision.")
@neo4j_options
def split_command(a, b, note, graph) -> None:
    """Keep companies A and B apart: their candidate is removed and not proposed again.

    \b
    Example:
        tracegraph review split co-1a2b co-3c4d --note "different BINs, different cities"
    """
    _decide(graph, a, b, "split", note)


@review_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export_command(file) -> None:
    """Write every judgement to FILE as JSON lines (CONTRACT.md "exports and judgements").

    \b
    Example:
        tracegraph review export judgements-anna.jsonl
    """
    from tracegraph.jobs.review import export_judgements

    count = export_judgements(file)
    click.echo(f"wrote {count} judgements to {file}")


@review_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@neo4j_options
def import_command(file, graph) -> None:
    """Add the judgements of FILE (JSON lines) to yours and apply them; ones you hold
    already are skipped, and one that contradicts yours refuses the whole file.

    \b
    Example:
        tracegraph review import judgements-anna.jsonl
    """
    from tracegraph.jobs.review import import_judgements

    added, skipped = import_judgements(file, graph)
    click.echo(f"imported {added} judgements from {file} ({skipped} held already)")


COMMANDS = [review_group]
