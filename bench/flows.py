"""Load time and peak memory of a trade-flow statistics file (the Eurostat Comext extract).

Three runs, each in a process of its own so that its peak RSS is its own:

- ``pandas``: ``pandas.read_csv`` of the file, nothing else: the floor (baseline);
- ``read``: loaders.flows read, check and aggregate (no server);
- ``load``: ``tracegraph load FILE --profile eurostat-comext`` into a fresh managed server
  (read, aggregate, TradeFlow nodes written), with the server's CPU time.

Usage::

    python bench/flows.py [--file PATH] [--profile eurostat-comext] [--json OUT.json]

Run it under the shared lock (``flock /tmp/tracegraph-neo4j.lock python bench/flows.py``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, Meter, command_line, connect_to, managed_server, now  # noqa: E402

EUROSTAT = (REPO.parent / "shared" / "data" / "trade"
            / "eurostat-eu27-exports-sanctioned-cn8-monthly-2020-2022.csv.gz")


def _worker(mode: str, path: str, profile: str) -> None:
    """One measured run in this process; prints its figures as JSON."""
    started = time.perf_counter()
    if mode == "pandas":
        import pandas as pd

        rows = len(pd.read_csv(path, dtype=str))
        out = {"rows": rows}
    elif mode == "read":
        sys.path.insert(0, str(REPO))
        from loaders.flows import aggregate_flows, read_flows

        load = read_flows(path, profile, chunk_rows=200_000)
        figures = aggregate_flows([aggregate_flows(chunk) for chunk in load.chunks()])
        out = {"rows": load.rows_read, "rejected": load.rows_rejected, "figures": len(figures)}
    else:
        with managed_server() as (config, status):
            sys.path.insert(0, str(REPO))
            from tracegraph.jobs.load import load_files

            graph = connect_to(config, status)
            with Meter(server_pid=status.pid) as meter:
                report = load_files(graph, [path], profile=profile)
            graph.close()
        out = {"rows": report["files"][0]["rows_read"], "nodes": report["entities"],
               "timings": report["timings"], **meter.as_dict()}
    out["wall_s"] = out.get("wall_s", round(time.perf_counter() - started, 2))
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out))


def _run(mode: str, path: str, profile: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", mode, "--file", path,
                           "--profile", profile], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", default=str(EUROSTAT))
    parser.add_argument("--profile", default="eurostat-comext")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--worker", choices=("pandas", "read", "load"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.file, args.profile)
        return
    result = {"command": command_line(), "at": now(), "file": args.file}
    for mode in ("pandas", "read", "load"):
        result[mode] = _run(mode, args.file, args.profile)
        print(f"{mode:7s} {json.dumps(result[mode])}", flush=True)
    base = result["pandas"]["wall_s"]
    result["ratios"] = {mode: round(result[mode]["wall_s"] / base, 1) for mode in ("read", "load")}
    print(f"wall time against pandas.read_csv alone: {result['ratios']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
