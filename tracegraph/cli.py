"""The tracegraph command group; each command lives in tracegraph/commands/<package>.py."""

from __future__ import annotations

import importlib
import pkgutil

import click

from tracegraph import commands


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="tracegraph")
def cli() -> None:
    """tracegraph: trace dual-use goods through intermediaries to Russia's defence industry.

    Load customs records, company registries and sanctions lists into a Neo4j graph,
    find transshipment chains and front companies, and export HTML network maps.

    \b
    Example:
        tracegraph demo --out demo-out
    """
    from loaders.normalize import use_cache_dir
    from tracegraph.settings import cache_dir

    # rigour's territory table is built once per machine, not once per command
    use_cache_dir(cache_dir())


def _register_commands() -> None:
    # Every module in tracegraph.commands lists its click commands in COMMANDS.
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_register_commands()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
