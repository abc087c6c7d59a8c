"""Benchmark of chain detection on a loaded graph, against the naive pure-Cypher path query.

Not a test: run it by hand after changing queries/chains.py, queries/detect.py or
graph/read.py:

    /tmp/venv/bin/python bench/detect.py                       # 100k and 1M shipments
    /tmp/venv/bin/python bench/detect.py --rows 100000 --naive qpp,varlength

For each size a seeded world is generated once (kept under --data-dir) and loaded with
``tracegraph.jobs.load.load_files`` into a fresh managed server (the load is not timed here: see
bench/load.py). Then, on the same graph in the same run:

fast
    ``tracegraph.jobs.detect.detect_chains(graph)`` as ``tracegraph chains`` runs it: read what chain
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

Targets: 1M shipments in <= 60 s, and >= 10x faster than the naive query (or the naive query
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


def _truth_links(paths) -> set[tuple[str, str]]:
    truth = json.loads(Path(paths.truth).read_text(encoding="utf-8"))
    mirror = {b: a for a, b in truth["mirrors"]}
    return {(mirror.get(a, a), mirror.get(b, b)) for chain in truth["chains"]
            for a, b in chain["links"]}, mirror


def _found_links(record_id_lists, mirror) -> set[tuple[str, str]]:
    found = set()
    for steps in record_id_lists:
        for a, b in zip(steps, steps[1:]):
            for x in a.split(";"):
                for y in b.split(";"):
                    found.add((mirror.get(x, x), mirror.get(y, y)))
    return found


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
    args = parser.parse_args(argv)
    _common.use_code(None)
    from tracegraph.jobs.load import load_files

    print(f"command: {_common.command_line()}")
    print(f"date: {_common.now()}  cpus: {os.cpu_count()}  load: {_common.load_now()}")
    results = []
    for rows in [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]:
        paths, _ = _common.world(rows, args.seed, Path(args.data_dir))
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
            truth, mirror = _truth_links(paths)
            fast = None
            for kind, full_read in (("fast", False), ("fast-full", True)):
                run = run_fast(graph, status.pid, full_read)
                found = _found_links(run.pop("record_ids"), mirror)
                result = run.pop("result")
                run.update(kind=kind, rows=rows, shipments=shipments,
                           planted_links_found=f"{len(truth & found)}/{len(truth)}")
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
            graph.close()
    print("\n" + _common.table(
        [{**r, "load": r["load_before"][0], "split": (
            f"read {r['read_frames_s']} / find {r['find_chains_s']} / write "
            f"{r['write_back_s']:.2f}" if r["kind"].startswith("fast") else "")}
         for r in results],
        ["rows", "kind", "wall_s", "cpu_s", "server_cpu_s", "split", "chains", "paths",
         "finished", "same_chains", "vs_fast", "load"]))
    if args.json:
        Path(args.json).write_text(json.dumps({"command": _common.command_line(),
                                               "date": _common.now(), "results": results},
                                              indent=1, default=str))


if __name__ == "__main__":
    main()
