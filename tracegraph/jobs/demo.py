"""The whole job on a generated world: generate, load, detect, write results and maps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graph.connection import Graph
from graph.views import foreign_source_count
from loaders.world import generate_world
from queries.reference import chpl_tiers, cover_headings, parts_subheadings
from tracegraph.jobs import maps
from tracegraph.jobs.detect import detect_chains, detect_fronts
from tracegraph.jobs.load import load_files
from tracegraph.output import save_frame
from viz import write_map

__all__ = ["run_demo", "DemoRefused", "DemoResult", "TOP"]

TOP = 5  # chains mapped (and shown by the command)

# the Source property that marks a file loaded by a demo: only such data is replaced silently
_DEMO_TAG = "demo"


class DemoRefused(Exception):
    """The graph holds data the demo did not load, and wiping it was not asked for."""


@dataclass
class DemoResult:
    out: Path
    seed: int
    data_dir: Path
    report: dict
    chains: pd.DataFrame
    fronts: pd.DataFrame
    maps: list[Path] = field(default_factory=list)

    @property
    def maps_dir(self) -> Path:
        return self.out / "maps"


def _hs_info() -> dict[str, dict]:
    return {hs6: {"chpl_tier": tier} for hs6, tier in chpl_tiers().items()}


def _write_maps(graph: Graph, result: DemoResult) -> None:
    for chain_id in result.chains["chain_id"].head(TOP):
        g, title, focus = maps.chain_map(graph, result.chains, chain_id)
        result.maps.append(write_map(result.maps_dir / f"chain-{chain_id}.html", g,
                                     title=title, parameters={"chain": chain_id}, focus=focus))
    if len(result.fronts):
        g, title, focus = maps.fronts_map(graph)
        result.maps.append(write_map(result.maps_dir / "fronts.html", g, title=title,
                                     parameters={"fronts": "FrontSuspect"}, focus=focus))


def run_demo(graph: Graph, out_dir: str | Path, seed: int = 0, reset: bool = False
             ) -> DemoResult:
    """Generate a sample world with planted schemes into ``out_dir/data``, load it, find
    chains and fronts, write ``chains.csv``, ``fronts.csv``, ``load-report.json`` and HTML
    maps (``out_dir/maps``).

    An earlier demo's data is replaced; a graph holding other data is wiped only with
    ``reset`` (else :class:`DemoRefused`).
    """
    out = Path(out_dir)
    foreign = foreign_source_count(graph, _DEMO_TAG)
    if foreign and not reset:
        raise DemoRefused(
            f"the graph at {graph.settings.uri} holds {foreign} loaded file(s) that are not "
            "from a demo: run with --reset to wipe it, or point --uri at another server")
    graph.reset()
    # the cover-heading chains of the world are declared under the pairs and the parts
    # subheadings detection knows
    paths = generate_world(out / "data", seed=seed, cover_headings=cover_headings(),
                           parts_subheadings=parts_subheadings())
    report = load_files(graph, [paths.companies, paths.officers, paths.watchlist,
                                paths.shipments], report_path=out / "load-report.json",
                        hs_info=_hs_info(), source_tags={_DEMO_TAG: True})
    result = DemoResult(out=out, seed=seed, data_dir=Path(paths.out_dir), report=report,
                        chains=detect_chains(graph).chains, fronts=detect_fronts(graph))
    save_frame(result.chains, "csv", out / "chains.csv")
    save_frame(result.fronts, "csv", out / "fronts.csv")
    _write_maps(graph, result)
    return result
