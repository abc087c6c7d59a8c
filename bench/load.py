"""Benchmark of loading shipments end to end, against plain CREATE batches of the same rows.

Not a test: run it by hand after changing the load path (graph/load.py, graph/store.py,
loaders/):

    /tmp/venv/bin/python bench/load.py                          # 100k and 1M rows
    /tmp/venv/bin/python bench/load.py --rows 100000 --heap 2g --pagecache 1g

For each size a seeded world is generated once (kept under --data-dir), then:

real
    ``graph.load.load_files`` on companies, officers, watchlist and shipments, as
    ``tracegraph load`` runs it: parse, validate, resolve, write (entities, shipments with
    EXPORTED / IMPORTED_BY / OF_GOODS / FROM_SOURCE), mirror pairing, TRADES_WITH rebuild.
baseline
    the same shipments.csv read with the csv module and written as
    ``UNWIND $rows AS row CREATE (s:Shipment) SET s += row`` in batches of the same size:
    no validation, resolution or relationships. What Cypher over Bolt costs at the least.
admin-import (``--admin-import``, optional)
    the same rows as bare :Shipment nodes through ``neo4j-admin database import full``
    (offline, the server stopped; record_id as import id, duplicate rows skipped), run from
    the managed install's jars. Its CPU is the import tool's, shown as server CPU.

Each runs in its own worker process (so peak RSS, ``ru_maxrss``, is that run's) against its
own fresh managed server in a temporary TRACEGRAPH_HOME (stopped and removed at the end).
Reported: wall time, rows/s (shipment rows in the file / wall), CPU seconds of the Python
process and of the Neo4j server, peak RSS and RSS at each tenth of the run (flat = memory
bounded by the chunk, not the file), the load average, the server's heap and page cache,
and for the real path the time split from the load report. Target: >= 20,000 rows/s end to
end on 2 cores, memory flat in file size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def _files(paths) -> list[str]:
    return [str(paths.companies), str(paths.officers), str(paths.watchlist),
            str(paths.shipments)]


def run_real(args, paths) -> dict:
    from graph.load import load_files
    from queries.reference import chpl_tiers

    graph = _common.connect_from_env()
    hs_info = {hs6: {"chpl_tier": tier} for hs6, tier in chpl_tiers().items()}
    pid = int(os.environ["BENCH_NEO4J_PID"])
    kwargs = {"chunk_rows": args.chunk_rows}
    if args.batch_size:
        kwargs["batch_size"] = args.batch_size
    if args.parallel:
        kwargs["parallel"] = args.parallel
    with tempfile.TemporaryDirectory() as out:
        with _common.RssSampler() as rss, _common.Meter(pid) as meter:
            report = load_files(graph, _files(paths), report_path=Path(out) / "report.json",
                                hs_info=hs_info, **kwargs)
    stats = graph.stats()
    graph.close()
    shipments = next(f for f in report["files"] if f["kind"] == "shipments")
    return {**meter.as_dict(), "peak_rss_mib": _common.max_rss_bytes() // 2**20,
            "rss_deciles_mib": rss.deciles(), "rows_read": shipments["rows_read"],
            "rows_loaded": shipments["rows_loaded"], "rows_rejected": shipments["rows_rejected"],
            "timings": report.get("timings", {}), "derived": report.get("derived", {}),
            "nodes": stats["nodes"], "relationships": stats["relationships"]}


def run_baseline(args, paths) -> dict:
    graph = _common.connect_from_env()
    pid = int(os.environ["BENCH_NEO4J_PID"])
    batch = args.batch_size or 5_000
    query = "UNWIND $rows AS row CREATE (s:Shipment) SET s += row"
    rows_read = 0
    with _common.RssSampler() as rss, _common.Meter(pid) as meter:
        with open(paths.shipments, newline="", encoding="utf-8") as fh, graph.session() as session:
            reader = csv.reader(fh)
            header = next(reader)
            rows: list[dict] = []
            for record in reader:
                rows.append(dict(zip(header, record)))
                if len(rows) >= batch:
                    session.execute_write(lambda tx, b=rows: tx.run(query, rows=b).consume())
                    rows_read += len(rows)
                    rows = []
            if rows:
                session.execute_write(lambda tx, b=rows: tx.run(query, rows=b).consume())
                rows_read += len(rows)
    created = graph.read("MATCH (s:Shipment) RETURN count(s) AS n")[0]["n"]
    graph.close()
    return {**meter.as_dict(), "peak_rss_mib": _common.max_rss_bytes() // 2**20,
            "rss_deciles_mib": rss.deciles(), "rows_read": rows_read, "rows_loaded": created}


def run_admin_import(args, paths, config) -> dict:
    """``neo4j-admin database import full`` of shipments.csv as bare :Shipment nodes.

    The server must be stopped (an offline import replaces the database). record_id is the
    import id; the planted duplicate rows are skipped.
    """
    import resource
    import subprocess as sp

    from graph import server

    header = Path(tempfile.mkdtemp()) / "shipments-header.csv"
    with open(paths.shipments, newline="", encoding="utf-8") as fh:
        columns = next(csv.reader(fh))
    header.write_text(",".join(f"{c}:ID" if c == "record_id" else c for c in columns) + "\n",
                      encoding="utf-8")
    command = [server._java(), "-cp", str(config.lib_dir / "*"), server.ADMIN_CLASS,
               "database", "import", "full", "--overwrite-destination=true",
               f"--nodes=Shipment={header},{paths.shipments}",
               "--skip-duplicate-nodes=true", "--skip-bad-relationships=true",
               "--bad-tolerance=1000000", "--threads=2", "--high-parallel-io=off", "neo4j"]
    env = dict(os.environ, NEO4J_HOME=str(config.neo4j_home), NEO4J_CONF=str(config.conf_dir))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    meter = _common.Meter()
    with meter:
        done = sp.run(command, env=env, capture_output=True, text=True, check=False,
                      cwd=config.neo4j_home)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"neo4j-admin import failed:\n{(done.stdout + done.stderr)[-3000:]}")
    result = meter.as_dict()
    result["server_cpu_s"] = round(after.ru_utime + after.ru_stime
                                   - before.ru_utime - before.ru_stime, 2)  # the import tool
    # ru_maxrss of the children would mix in the server's: no peak RSS for the tool
    result.update(peak_rss_mib="n/a", rss_deciles_mib=[],
                  command=" ".join(command[:3] + ["...", *command[3:]]))
    return result


def _worker(args) -> None:
    _common.use_code(args.code)
    paths, _ = _common.world(args.rows_one, args.seed, Path(args.data_dir))
    result = run_real(args, paths) if args.worker == "real" else run_baseline(args, paths)
    print("RESULT " + json.dumps(result, default=str))


def _run_worker(kind: str, rows: int, args, env: dict) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind,
               "--rows-one", str(rows), "--seed", str(args.seed), "--data-dir", args.data_dir,
               "--chunk-rows", str(args.chunk_rows)]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    if args.parallel:
        command += ["--parallel", str(args.parallel)]
    if args.code:
        command += ["--code", args.code]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True,
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{kind} worker for {rows:,} rows failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000",
                        help="comma-separated shipment row counts (default 100000,1000000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heap", help="Neo4j heap (default TRACEGRAPH_NEO4J_HEAP or 1g)")
    parser.add_argument("--pagecache",
                        help="Neo4j page cache (default TRACEGRAPH_NEO4J_PAGECACHE or 512m)")
    parser.add_argument("--batch-size", type=int, default=0,
                        help="rows per write transaction (default: load_files' default)")
    parser.add_argument("--chunk-rows", type=int, default=50_000)
    parser.add_argument("--parallel", type=int, default=0,
                        help="shipment transactions in flight (default: load_files' default)")
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir())
                                                  / "tracegraph-bench-worlds"),
                        help="where generated worlds are kept between runs")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--admin-import", action="store_true",
                        help="also time neo4j-admin database import of the rows as bare nodes "
                             "(offline; its CPU is reported as server CPU)")
    parser.add_argument("--code", help="import tracegraph from this checkout instead "
                                       "(to measure an older version with this script)")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--worker", choices=("real", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--rows-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args)
        return

    _common.use_code(args.code)
    print(f"command: {_common.command_line()}")
    print(f"date: {_common.now()}  cpus: {os.cpu_count()}  load: {_common.load_now()}")
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    results = []
    for rows in sizes:
        paths, gen_s = _common.world(rows, args.seed, Path(args.data_dir))
        size_mib = paths.shipments.stat().st_size / 2**20
        print(f"\n{rows:,} rows: {paths.shipments} ({size_mib:.0f} MiB, generated in "
              f"{gen_s:.0f} s)", flush=True)
        kinds = ["real"] + ([] if args.no_baseline else ["baseline"])
        kinds += ["admin-import"] if args.admin_import else []
        for kind in kinds:
            with _common.managed_server(args.heap, args.pagecache) as (config, status):
                if kind == "admin-import":
                    from graph import server

                    server.stop(config)
                    result = run_admin_import(args, paths, config)
                    status = server.start(config)
                    graph = _common.connect_to(config, status)
                    result["rows_loaded"] = graph.read(
                        "MATCH (s:Shipment) RETURN count(s) AS n")[0]["n"]
                    graph.close()
                else:
                    env = {**_common.server_env(config, status),
                           "BENCH_NEO4J_PID": str(status.pid)}
                    result = _run_worker(kind, rows, args, env)
            result.update(kind=kind, rows=rows, heap=config.heap, pagecache=config.pagecache,
                          rows_per_s=round(rows / result["wall_s"]))
            results.append(result)
            print(f"  {kind:12s} wall {result['wall_s']:7.1f} s  {result['rows_per_s']:7,} rows/s  "
                  f"cpu {result['cpu_s']:6.1f} s  server cpu {result['server_cpu_s']:6.1f} s  "
                  f"peak rss {result['peak_rss_mib']} MiB  load {result['load_before']}"
                  f" -> {result['load_after']}", flush=True)
            if kind == "real":
                print(f"           split (s): {result['timings']}")
                print(f"           rss by tenth of the run (MiB): {result['rss_deciles_mib']}")
    print("\n" + _common.table(_rows_for_table(results), [
        "rows", "kind", "wall_s", "rows_per_s", "cpu_s", "server_cpu_s", "cpu_us_per_row",
        "peak_rss_mib", "load", "heap", "pagecache", "vs_baseline"]))
    if args.json:
        Path(args.json).write_text(json.dumps({"command": _common.command_line(),
                                               "date": _common.now(), "results": results},
                                              indent=1, default=str))


def _rows_for_table(results: list[dict]) -> list[dict]:
    baseline = {r["rows"]: r for r in results if r["kind"] == "baseline"}
    out = []
    for r in results:
        base = baseline.get(r["rows"])
        out.append({**r, "load": r["load_before"][0],
                    "cpu_us_per_row": round(1e6 * (r["cpu_s"] + r["server_cpu_s"]) / r["rows"]),
                    "vs_baseline": (f"{r['wall_s'] / base['wall_s']:.2f}x wall"
                                    if base and r is not base else "")})
    return out


if __name__ == "__main__":
    main()
