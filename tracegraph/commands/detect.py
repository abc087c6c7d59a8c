"""tracegraph chains and fronts: the two detections, with their findings written back."""

from __future__ import annotations

import click

from queries import reference as ref
from tracegraph.options import chain_options, neo4j_options, output_options
from tracegraph.output import terminal_safe, write_frame
from tracegraph.params import KEY_NUMBER, pairs_dict
from tracegraph.progress import TerminalProgress


def _notice(message: str) -> None:
    """A read-only user or database: the findings are printed, not stored; say so."""
    click.echo(f"Note: {terminal_safe(message)}", err=True)


@click.command("chains")
@chain_options
@click.option("--min-score", type=click.FloatRange(0, 1), default=ref.CHAIN_MIN_SCORE,
              show_default=True, help="Leave out chains scoring below this.")
@output_options()
@neo4j_options
def chains_command(chain_params, min_score, fmt, out, graph) -> None:
    """Find transshipment chains: goods in, the same goods out to Russia days later.

    An arrival of one HS6 heading at a company in a transit country is matched to onward
    shipments of the same heading to a destination country within the window, in a
    quantity that agrees within the tolerance (several onward shipments may add up to one
    arrival); links join into longer paths. Matched links are stored as FORWARDED_AS and
    the companies labelled Supplier, Intermediary and DefenceBuyer.

    \b
    Example:
        tracegraph chains --hs 8542 --min-score 0.6 --format table
    """
    from tracegraph.jobs.detect import detect_chains

    with TerminalProgress() as progress:
        result = detect_chains(graph, min_score=min_score, progress=progress, notice=_notice,
                               **chain_params)
    write_frame(result.chains, fmt, out)


@click.command("fronts")
@click.option("--since", default=ref.INVASION_DATE, show_default=True, metavar="DATE",
              help="Companies incorporated after this date count as new.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=ref.FRONT_MIN_SCORE,
              show_default=True, help="Leave out companies scoring below this.")
@click.option("--suspect-score", type=click.FloatRange(0, 1), default=ref.FRONT_SUSPECT_SCORE,
              show_default=True, help="Label companies scoring at least this FrontSuspect.")
@click.option("--weight", "weights", multiple=True, metavar="FLAG=W", type=KEY_NUMBER,
              help="Override a red flag's weight, e.g. SHARED_ADDRESS=0.2 (repeat).")
@output_options()
@neo4j_options
def fronts_command(since, min_score, suspect_score, weights, fmt, out, graph) -> None:
    """Score companies that look created to pass goods through to Russia.

    Red flags, each with its figure in `reasons`: new or dormant-then-active, days from
    incorporation to first trade, no history in the goods, imports ≈ exports, exports to
    destination countries, CHPL share, mass-registration address, shared officers,
    liquidated soon after, transit jurisdiction, activity code that does not fit the goods.

    \b
    Example:
        tracegraph fronts --min-score 0.5 --format table
    """
    from tracegraph.jobs.detect import detect_fronts

    overrides = pairs_dict(weights)
    unknown = sorted(set(overrides) - set(ref.FRONT_WEIGHTS))
    if unknown:
        raise click.BadParameter(f"unknown flag {', '.join(unknown)}; flags: "
                                 f"{', '.join(sorted(ref.FRONT_WEIGHTS))}", param_hint="--weight")
    with TerminalProgress() as progress:
        fronts = detect_fronts(graph, since=since, min_score=min_score,
                               suspect_score=suspect_score, progress=progress,
                               notice=_notice,
                               weights={**ref.FRONT_WEIGHTS, **overrides} if overrides else None)
    write_frame(fronts, fmt, out)


COMMANDS = [chains_command, fronts_command]
