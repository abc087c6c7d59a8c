"""tracegraph flows [roundabout|surges]: growth, roundabout trade and surges from trade statistics."""

from __future__ import annotations

import click

from tracegraph.options import neo4j_options, output_options
from tracegraph.output import write_frame


def _months(ctx, param, value):
    from queries.flows import parse_months

    try:
        return parse_months(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _selection(command):
    """--hs, --year, --months, --level, --chart: the options every flows table takes."""
    for option in reversed((
        click.option("--hs", "hs", multiple=True, metavar="PREFIX",
                     help="HS/CN code prefix (repeatable); default: every heading."),
        click.option("--year", "years", multiple=True, type=int,
                     help="Year shown (repeatable); default: every year of the data."),
        click.option("--months", callback=_months, metavar="A-B",
                     help="Compare only months A to B of every year (e.g. 1-11 when the last "
                          "year ends in November)."),
        click.option("--level", type=click.Choice(["4", "6"]), default="4", show_default=True,
                     help="Headings (4 digits: the heading's total where given, else its "
                          "codes summed) or HS6 subheadings."),
        click.option("--chart", "chart", type=click.Path(dir_okay=False), default=None,
                     metavar="FILE.html",
                     help="Also write a self-contained HTML chart (monthly series per "
                          "partner, invasion day marked)."),
    )):
        command = option(command)
    return command


@click.group("flows", invoke_without_command=True)
@click.option("--reporter", "reporters", multiple=True, metavar="C",
              help="Reporting country: ISO code or group EU27, CCA (repeatable); default all.")
@click.option("--partner", "partners", multiple=True, metavar="C",
              help="Partner country: ISO code or group (repeatable); default all.")
@click.option("--by-reporter", is_flag=True,
              help="One row per reporter instead of their sum (reporter *).")
@_selection
@output_options()
@neo4j_options
@click.pass_context
def flows_group(ctx, reporters, partners, by_reporter, hs, years, months, level, chart, fmt,
                out, graph) -> None:
    """Trade statistics loaded with a trade_flows profile: one row per heading x reporter
    (* when summed) x partner x year, with the value, the year before's over the same
    months, the growth and the share of months with figures.

    Load the statistics first, e.g. tracegraph load FILE --profile eurostat-comext.

    \b
    Example:
        tracegraph flows --hs 8542 --reporter EU27 --partner KG --months 1-11 --year 2022
        tracegraph flows roundabout --hs 8542 --months 1-11 --year 2022 --format table
        tracegraph flows surges --partner CCA --factor 5 --companies --format table
    """
    if ctx.invoked_subcommand is not None:
        return  # the subcommand connects with its own options
    from tracegraph.jobs.flows import growth, write_chart

    table = growth(graph, hs=hs, reporters=reporters, partners=partners, years=years,
                   months=months, level=int(level), by_reporter=by_reporter)
    if chart:
        write_chart(graph, chart, hs=hs, reporters=reporters or ("EU27",), partners=partners,
                    level=int(level))
    write_frame(table, fmt, out)


@flows_group.command("roundabout")
@click.option("--origin", multiple=True, default=("EU27",), show_default=True, metavar="C",
              help="Exporting countries or group (repeatable).")
@click.option("--destination", "destinations", multiple=True, default=("RU", "BY"),
              show_default=True, metavar="C", help="Countries whose imports fell (repeatable).")
@click.option("--transit", multiple=True, default=("CCA",), show_default=True, metavar="C",
              help="Transit countries or group (repeatable).")
@click.option("--base-year", type=int, default=None,
              help="Year compared with (default: the year before each year shown).")
@_selection
@output_options()
@neo4j_options
def roundabout_command(origin, destinations, transit, base_year, hs, years, months, level,
                       chart, fmt, out, graph) -> None:
    """Roundabout trade: for each heading and year, the fall in origin -> destination
    exports and the growth of origin -> transit exports over the same months, and the
    substitution ratio (transit growth / destination fall), largest first.

    \b
    Example:
        tracegraph flows roundabout --hs 8542 --months 1-11 --year 2022 --format table
    """
    from tracegraph.jobs.flows import roundabout, write_chart

    table = roundabout(graph, hs=hs, origin=origin, destinations=destinations,
                       transit=transit, years=years, base_year=base_year, months=months,
                       level=int(level))
    if chart:
        write_chart(graph, chart, hs=hs, reporters=origin,
                    partners=(*destinations, *transit), level=int(level),
                    roundabout_table=table)
    write_frame(table, fmt, out)


@flows_group.command("surges")
@click.option("--origin", multiple=True, default=("EU27",), show_default=True, metavar="C",
              help="Exporting countries or group (repeatable).")
@click.option("--partner", "transit", multiple=True, default=("CCA",), show_default=True,
              metavar="C", help="Transit countries or group (repeatable).")
@click.option("--base-year", type=int, default=None,
              help="Year the growth is measured from (default: the first year of the data).")
@click.option("--factor", type=click.FloatRange(min=1), default=5.0, show_default=True,
              help="Least growth listed: value / base-year value.")
@click.option("--companies", is_flag=True,
              help="Instead of the surges, the shipments and companies in the graph behind "
                   "each surging heading and country (canned query flows-companies-behind).")
@click.option("--since", default="2022-02-24", show_default=True,
              help="With --companies: shipments from this day.")
@_selection
@output_options()
@neo4j_options
def surges_command(origin, transit, base_year, factor, companies, since, hs, years, months,
                   level, chart, fmt, out, graph) -> None:
    """Headings whose exports from the origin to a transit country grew by --factor or more
    since the base year, with the absolute change (largest first). A heading with nothing in
    the base year is listed with its note (e.g. 8806 drones exist only from HS 2022).

    \b
    Example:
        tracegraph flows surges --partner KG --partner KZ --months 1-11 --format table
        tracegraph flows surges --hs 8542 --companies --format table
    """
    from tracegraph.jobs.flows import companies_behind, surges, write_chart

    table = surges(graph, hs=hs, origin=origin, transit=transit, base_year=base_year,
                   years=years, factor=factor, months=months, level=int(level))
    if chart:
        write_chart(graph, chart, hs=hs, reporters=origin, partners=transit, level=int(level))
    if companies:
        table = companies_behind(graph, table, since=since)
    write_frame(table, fmt, out)


COMMANDS = [flows_group]
