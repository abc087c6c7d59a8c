"""Benchmark of chain detection on a loaded graph, against the naive pure-Cypher path query.

Not a test: run it by hand after changing queries/chains/, tracegraph/jobs/detect.py,
graph/read.py or Graph.reset:

    /tmp/venv/bin/python bench/detect.py                       # 100k and 1M shipments
    /tmp/venv/bin/python bench/detect.py --rows 100000 --naive qpp,varlength --no-reset

For each size a seeded world with the project's cover-heading table and parts subheadings
(as ``tracegraph demo`` makes it) is generated once (kept under --data-dir) and loaded with
``tracegraph.jobs.load.load_files`` into a fresh managed server (the load is not timed here:
see bench/load.py). Then, on the same graph in the same run:

fast
    ``tracegraph.jobs.detect.detect_chains(graph)`` with the defaults of ``tracegraph chains``
    (cover headings and consolidation on, the chain threshold): read what chain
    finding needs from Neo4j (``read_chain_frames``: only shipments into or out of companies
    that both import and export, the only ones that can be chain steps, and only the columns
    it looks at), ``find_chains`` (vectorised range join, split consignments, scoring), write
    FORWARDED_AS and the role labels back. The split of its time is measured by wrapping
    ``read_frames`` (and ``records_start``) and ``find_chains`` where detect_chains calls
    them.
fast-full
    the same on the full ``read_frames(graph)`` (every shipment, every column, as front
    scoring reads them). Checked to find the same chains and links as ``fast``.
naive
    one Cypher query an analyst would write: for each arrival at a company in a transit
    country, paths of 2 to 4 shipments through IMPORTED_BY / EXPORTED where each next
    shipment has the same HS6, leaves within the window and carries a quantity within the
    tolerance, ending at a buyer in a destination country. ``qpp`` writes it with a
    quantified path pattern (predicates prune while expanding, the best Cypher can do);
    ``varlength`` with a variable-length relationship and the predicates checked on the
    finished path (the classic form). Each runs as a transaction with a timeout of
    ``--timeout-factor`` (10) times the fast path's wall time; whether it finished, its
    time and the number of paths found are reported.

reset
    after the largest size (``--reset``, on by default): ``Graph.reset``, the call
    ``tracegraph reset --yes`` makes (server-side batches, ``CALL (n) { ... } IN
    TRANSACTIONS``), on the loaded graph, the server restarted first with ``--reset-heap``
    (default: the heap a user gets) when that differs from ``--heap``; wall and server CPU
    time, and the nodes and relationships left (must be 0).

The planted links found are counted against the world's ``truth.json``, per chain kind (the
evasion patterns among them); found links that were not planted, and those touching a
look-alike's records, are counted too.

Targets: 1M shipments in <= 30 s, and >= 10x faster than the naive query (or the naive query
does not finish within 10x the time).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

_HOPS = "{1,3}"  # links, so 2 to 4 shipments: reference.CHAIN_MAX_HOPS

NAIVE = {
    "qpp": (
        "MATCH (s1:Shipment)-[:IMPORTED_BY]->(m:Company) WHERE m.country IN $transit "
        "MATCH path = (s1) ((a:Shipment)-[:IMPORTED_BY]->(:Company)-[:EXPORTED]->(b:Shipment) "
        "  WHERE b.hs6 = a.hs6 AND a.date <= b.date <= a.date + duration({days: $window}) "
        "    AND abs(b.quantity - a.quantity) <= $tolerance * a.quantity)" + _HOPS + " "
        "  (last:Shipment)-[:IMPORTED_BY]->(buyer:Company) "
        "WHERE buyer.country IN $destinations "
        "RETURN [s IN nodes(path) WHERE s:Shipment | s.record_id] AS record_ids"
    ),
    "varlength": (
        "MATCH (s1:Shipment)-[:IMPORTED_BY]->(m:Company) WHERE m.country IN $transit "
        "MATCH path = (s1)-[:IMPORTED_BY|EXPORTED*2..6]->(last:Shipment)"
        "-[:IMPORTED_BY]->(buyer:Company) "
        "WHERE buyer.country IN $destinations "
        "WITH path, [n IN nodes(path) WHERE n:Shipment] AS ships "
        "WHERE all(k IN range(0, size(ships) - 2) WHERE "
        "  ships[k + 1].hs6 = ships[k].hs6 "
        "  AND ships[k].date <= ships[k + 1].date <= ships[k].date + duration({days: $window}) "
        "  AND abs(ships[k + 1].quantity - ships[k].quantity) <= $tolerance * ships[k].quantity) "
        "RETURN [s IN ships | s.record_id] AS record_ids"
    ),
}


def run_fast(graph, pid: int, full_read: bool = False) -> dict:
    import tracegraph.jobs.detect as detect

    split = {"read_frames_s": 0.0, "find_chains_s": 0.0}
    read_frames, find_chains = detect.read_frames, detect.find_chains
    records_start = detect.records_start

    def timed(fn, key):
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                split[key] += time.perf_counter() - started
        return wrapper

    # full_read: every shipment and column, instead of what chain finding asks for
    chosen_read = (lambda graph, *a, **k: read_frames(graph)) if full_read else read_frames
    detect.read_frames = timed(chosen_read, "read_frames_s")
    detect.records_start = timed(records_start, "read_frames_s")
    detect.find_chains = timed(find_chains, "find_chains_s")
    try:
        with _common.Meter(pid) as meter:
            result = detect.detect_chains(graph)
    finally:
        detect.read_frames, detect.find_chains = read_frames, find_chains
        detect.records_start = records_start
    split["write_back_s"] = meter.wall - split["read_frames_s"] - split["find_chains_s"]
    return {**meter.as_dict(), **{k: round(v, 2) for k, v in split.items()},
            "chains": len(result.chains), "links": len(result.links),
            "record_ids": [r.split(">") for r in result.chains["record_ids"]],
            "result": result}


def run_naive(graph, pid: int, variant: str, timeout: float) -> dict:
    import neo4j

    from graph.connection import QueryFailed

    from queries.reference import CHAIN_TOLERANCE, CHAIN_WINDOW_DAYS, DESTINATIONS, TRANSIT

    params = {"transit": sorted(TRANSIT), "destinations": sorted(DESTINATIONS),
              "window": CHAIN_WINDOW_DAYS, "tolerance": CHAIN_TOLERANCE}
    query = neo4j.Query(NAIVE[variant], timeout=timeout)
    finished, paths, error = True, [], None
    with _common.Meter(pid) as meter:
        try:
            with graph.session(default_access_mode="READ") as session:
                paths = [r["record_ids"] for r in session.run(query, params)]
        except QueryFailed as exc:  # a timeout among them: the query did not finish
            finished = False
            error = (exc.code or "") + ": " + str(exc)[:160]
    return {**meter.as_dict(), "variant": variant, "timeout_s": round(timeout, 1),
            "finished": finished, "paths": len(paths), "error": error}


def world(rows: int, seed: int, folder: Path):
    """A generated world of ``rows`` shipment rows with the project's cover-heading table and
    parts subheadings, as ``tracegraph demo`` makes it (cover-heading chains of every route
    and their look-alikes), made once and reused from ``folder``."""
    from loaders.world import WorldPaths, generate_world
    from queries.reference import cover_headings, parts_subheadings

    target = folder / f"world-{seed}-{rows}-covers"
    if not (target / "done.json").exists():
        generate_world(target, seed=seed, n_shipments=rows, cover_headings=cover_headings(),
                       parts_subheadings=parts_subheadings())
        (target / "done.json").write_text("{}")
    return WorldPaths(target, *(target / f for f in (
        "shipments.csv", "companies.csv", "officers.csv", "watchlist.csv", "truth.json")))


def _truth(paths) -> tuple[dict[str, set], dict[str, str], dict[str, set]]:
    """The planted links by chain kind (``2hop``, ``split``, ..., ``consolidation``,
    ``cover_heading``, ``unit_switch``, ``no_quantity``), the mirror map (either
    declaration of a shipment to the first) and the look-alikes' record ids by kind."""
    truth = json.loads(Path(paths.truth).read_text(encoding="utf-8"))
    mirror = {b: a for a, b in truth["mirrors"]}
    planted: dict[str, set] = {}
    for chain in truth["chains"]:
        planted.setdefault(chain["kind"], set()).update(
            (mirror.get(a, a), mirror.get(b, b)) for a, b in chain["links"])
    lookalikes: dict[str, set] = {}
    for item in truth["lookalikes"]:
        lookalikes.setdefault(item["kind"], set()).update(
            mirror.get(r, r) for r in item["record_ids"])
    return planted, mirror, lookalikes


def _found_links(record_id_lists, mirror) -> set[tuple[str, str]]:
    found = set()
    for steps in record_id_lists:
        for a, b in zip(steps, steps[1:]):
            for x in a.split(";"):
                for y in b.split(";"):
                    found.add((mirror.get(x, x), mirror.get(y, y)))
    return found


def score_links(found: set, planted: dict[str, set], lookalikes: dict[str, set]) -> dict:
    """Planted links found, overall and per chain kind; found links that are not planted,
    and those touching a look-alike's records (per look-alike kind)."""
    every = set().union(*planted.values())
    touched = {kind: sum(1 for a, b in found if a in ids or b in ids)
               for kind, ids in lookalikes.items()}
    return {"planted_links_found": f"{len(every & found)}/{len(every)}",
            "by_pattern": {kind: f"{len(links & found)}/{len(links)}"
                           for kind, links in planted.items()},
            "unplanted_links": len(found - every),
            "lookalike_links": {k: n for k, n in touched.items() if n}}


def run_reset(graph, config, heap: str) -> dict:
    """``tracegraph reset --yes`` on the loaded graph (``Graph.reset``, the call the command
    makes), the server restarted first with ``heap`` when it runs with another; then the
    nodes and relationships left are counted."""
    from graph import GraphError, server

    if heap != config.heap:
        server.stop(config)
        config.heap = heap
        server.start(config)
        graph.reconnect()
    pid = server.status(config).pid
    before = graph.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    error = None
    deleted = 0
    with _common.Meter(pid) as meter:
        try:
            deleted = graph.reset()
        except GraphError as exc:  # what the command line prints as its one line
            error = f"{type(exc).__name__}: {exc}"
    nodes = graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    relationships = graph.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return {**meter.as_dict(), "kind": "reset", "heap": config.heap,
            "pagecache": config.pagecache, "nodes_deleted": deleted,
            "relationships_before": before, "nodes_left": nodes,
            "relationships_left": relationships, "error": error}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heap", help="Neo4j heap (default TRACEGRAPH_NEO4J_HEAP or 1g)")
    parser.add_argument("--pagecache", help="Neo4j page cache (default 512m)")
    parser.add_argument("--naive", default="qpp",
                        help="naive variants to run: qpp, varlength (comma-separated)")
    parser.add_argument("--timeout-factor", type=float, default=10.0)
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir())
                                                  / "tracegraph-bench-worlds"))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--reset", action=argparse.BooleanOptionalAction, default=True,
                        help="after the largest size, time 'tracegraph reset --yes' on its "
                             "graph (default on)")
    parser.add_argument("--reset-heap", help="Neo4j heap for the reset (default: what a user "
                                             "gets, TRACEGRAPH_NEO4J_HEAP or 1g); the server "
                                             "is restarted with it when --heap differs")
    args = parser.parse_args(argv)
    _common.use_code(None)
    from tracegraph.jobs.load import load_files

    print(f"command: {_common.command_line()}")
    print(f"date: {_common.now()}  cpus: {os.cpu_count()}  load: {_common.load_now()}")
    results = []
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]
    for rows in sizes:
        paths = world(rows, args.seed, Path(args.data_dir))
        print(f"\n{rows:,} rows: {paths.shipments}", flush=True)
        with _common.managed_server(args.heap, args.pagecache) as (config, status):
            graph = _common.connect_to(config, status)
            with tempfile.TemporaryDirectory() as out:
                started = time.perf_counter()
                load_files(graph, [str(paths.companies), str(paths.officers),
                                   str(paths.watchlist), str(paths.shipments)],
                           report_path=Path(out) / "report.json")
            # a big load may go through the offline importer, which restarts the server:
            # the process to meter is the one running now
            from graph import server
            status = server.status(config)
            shipments = graph.stats()["nodes"]["Shipment"]
            print(f"  loaded {shipments:,} shipments in {time.perf_counter() - started:.0f} s "
                  f"(heap {config.heap}, page cache {config.pagecache})", flush=True)
            planted, mirror, lookalikes = _truth(paths)
            fast = None
            for kind, full_read in (("fast", False), ("fast-full", True)):
                run = run_fast(graph, status.pid, full_read)
                found = _found_links(run.pop("record_ids"), mirror)
                result = run.pop("result")
                run.update(kind=kind, rows=rows, shipments=shipments,
                           **score_links(found, planted, lookalikes))
                if fast is None:
                    fast, first = run, result
                else:  # the full read must not change what is found
                    run["same_chains"] = bool(result.chains.equals(first.chains)
                                              and result.links.equals(first.links))
                    run["vs_fast"] = f"{run['wall_s'] / fast['wall_s']:.2f}x"
                results.append(run)
                print(f"  {kind:12s} wall {run['wall_s']:7.1f} s  (read {run['read_frames_s']} s,"
                      f" find {run['find_chains_s']} s, write {run['write_back_s']:.2f} s)  "
                      f"cpu {run['cpu_s']} s  server cpu {run['server_cpu_s']} s  "
                      f"chains {run['chains']}  planted links {run['planted_links_found']}  "
                      f"same chains {run.get('same_chains', '-')}  load {run['load_before']}",
                      flush=True)
                print(f"  {'':12s} by pattern {run['by_pattern']}  unplanted links "
                      f"{run['unplanted_links']}  on look-alikes {run['lookalike_links']}",
                      flush=True)
            for variant in [v.strip() for v in args.naive.split(",") if v.strip()]:
                naive = run_naive(graph, status.pid, variant,
                                  args.timeout_factor * fast["wall_s"])
                naive.update(kind=f"naive-{variant}", rows=rows, shipments=shipments)
                naive["vs_fast"] = (f"{naive['wall_s'] / fast['wall_s']:.1f}x"
                                    + ("" if naive["finished"] else " (timed out)"))
                results.append(naive)
                print(f"  naive-{variant:9s} wall {naive['wall_s']:7.1f} s  finished "
                      f"{naive['finished']}  paths {naive['paths']}  timeout "
                      f"{naive['timeout_s']} s  server cpu {naive['server_cpu_s']} s  "
                      f"{naive['vs_fast']} the fast path  {naive['error'] or ''}", flush=True)
            if args.reset and rows == max(sizes):
                from tracegraph.settings import server_config

                reset = run_reset(graph, config, args.reset_heap or server_config().heap)
                reset.update(rows=rows, shipments=shipments)
                results.append(reset)
                print(f"  reset        wall {reset['wall_s']:7.1f} s  server cpu "
                      f"{reset['server_cpu_s']} s  heap {reset['heap']}  deleted "
                      f"{reset['nodes_deleted']:,} nodes ({reset['relationships_before']:,} "
                      f"relationships)  left {reset['nodes_left']} nodes, "
                      f"{reset['relationships_left']} relationships  load "
                      f"{reset['load_before']}  {reset['error'] or ''}", flush=True)
            graph.close()
    print("\n" + _common.table(
        [{**r, "load": r["load_before"][0], "split": (
            f"read {r['read_frames_s']} / find {r['find_chains_s']} / write "
            f"{r['write_back_s']:.2f}" if r["kind"].startswith("fast") else "")}
         for r in results],
        ["rows", "kind", "wall_s", "cpu_s", "server_cpu_s", "split", "chains", "paths",
         "finished", "same_chains", "vs_fast", "planted_links_found", "load"]))
    if args.json:
        Path(args.json).write_text(json.dumps({"command": _common.command_line(),
                                               "date": _common.now(), "results": results},
                                              indent=1, default=str))


if __name__ == "__main__":
    main()
