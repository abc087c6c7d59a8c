"""Benchmark of loading shipments end to end, against plain CREATE batches of the same rows.

Not a test: run it by hand after changing the load path (graph/load.py, graph/store.py,
loaders/):

    /tmp/venv/bin/python bench/load.py                          # 100k and 1M rows
    /tmp/venv/bin/python bench/load.py --rows 100000 --heap 2g --pagecache 1g

For each size a seeded world is generated once (kept under --data-dir), then:

real
    ``tracegraph.jobs.load.load_files`` on companies, officers, watchlist and shipments, as
    ``tracegraph load --no-bulk`` runs it: parse, validate, resolve, write (entities,
    shipments with EXPORTED / IMPORTED_BY / OF_GOODS / FROM_SOURCE), mirror pairing,
    TRADES_WITH rebuild: the transactional path.
bulk
    the same with ``bulk=True`` (``tracegraph load --bulk``): shipments to neo4j-admin
    import files while reading, server stopped, import, server started, entity writes
    replayed, mirrors and TRADES_WITH. Server CPU is summed over both server processes and
    the import tool.
baseline
    the same shipments.csv read with the csv module and written as
    ``UNWIND $rows AS row CREATE (s:Shipment) SET s += row`` in batches of the same size:
    no validation, resolution or relationships. What Cypher over Bolt costs at the least.
import-only (``--import-only``, optional, after bulk)
    the ceiling of the bulk path: the import files the bulk run wrote (every shipment
    with its four relationships, bare Company / HSCode / Source nodes) imported again by
    ``neo4j-admin database import full`` into a fresh server, no Python at all: what the
    bulk path would take if reading, checking and resolving cost nothing. Its CPU is the
    tool's, shown as server CPU.
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


class ServerCpu:
    """CPU seconds of the managed server across restarts, and of the import tool.

    A thread reads the server's pid file and its CPU every half second and keeps the last
    figure of each pid; the import tool is a waited-for child of this process.
    """

    def __init__(self, config, interval: float = 0.5):
        import threading

        self.config = config
        self.interval = interval
        self.last: dict[int, float] = {}
        self.first: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            pid = int(self.config.pid_file.read_text().strip())
            cpu = _common.process_cpu(pid)
        except (OSError, ValueError, IndexError):
            return
        self.first.setdefault(pid, cpu)
        self.last[pid] = cpu

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "ServerCpu":
        import resource

        self._children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        import resource

        self._stop.set()
        self._thread.join()
        self._sample()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.tool = (after.ru_utime + after.ru_stime - self._children.ru_utime
                     - self._children.ru_stime)

    def seconds(self) -> float:
        server = sum(self.last[p] - self.first[p] for p in self.last)
        return round(server + self.tool, 2)


def run_real(args, paths, bulk: bool = False) -> dict:
    from graph import server
    from tracegraph.jobs.load import load_files
    from queries.reference import chpl_tiers
    from tracegraph.settings import server_config

    graph = _common.connect_from_env()
    hs_info = {hs6: {"chpl_tier": tier} for hs6, tier in chpl_tiers().items()}
    pid = int(os.environ["BENCH_NEO4J_PID"])
    kwargs = {"chunk_rows": args.chunk_rows}
    import inspect

    if "bulk" in inspect.signature(load_files).parameters:  # not in older checkouts (--code)
        kwargs["bulk"] = bulk
    if args.batch_size:
        kwargs["batch_size"] = args.batch_size
    if args.parallel:
        kwargs["parallel"] = args.parallel
    with tempfile.TemporaryDirectory() as out:
        with _common.RssSampler() as rss, ServerCpu(server_config()) as cpu, \
                _common.Meter(None if bulk else pid) as meter:
            report = load_files(graph, _files(paths), report_path=Path(out) / "report.json",
                                hs_info=hs_info, **kwargs)
    stats = graph.stats()
    graph.close()
    shipments = next(f for f in report["files"] if f["kind"] == "shipments")
    measured = meter.as_dict()
    if bulk:
        measured["server_cpu_s"] = cpu.seconds()
    return {**measured, "peak_rss_mib": _common.max_rss_bytes() // 2**20, "path": report["path"],
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
    command = [server._java(config.java_home), "-cp", str(config.lib_dir / "*"),
               server.ADMIN_CLASS, "database", "import", "full", "--overwrite-destination=true",
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


def _keep_import_files(folder: Path) -> None:
    """Make the bulk path copy its import files to ``folder`` before removing them."""
    import shutil

    import tracegraph.jobs.load
    from graph.bulk import BulkWriter

    class KeepingBulkWriter(BulkWriter):
        def import_arguments(self):
            arguments = super().import_arguments()
            (folder / "arguments.json").write_text(json.dumps(
                [a.replace(str(self.folder), str(folder / "files")) for a in arguments]))
            return arguments

        def done(self):
            shutil.copytree(self.folder, folder / "files", dirs_exist_ok=True)
            super().done()

    tracegraph.jobs.load.BulkWriter = KeepingBulkWriter


def run_import_only(folder: Path, config) -> dict:
    """``neo4j-admin database import`` of the files a bulk run kept, timed alone."""
    import resource

    from graph import server

    arguments = json.loads((folder / "arguments.json").read_text())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with _common.Meter() as meter:
        server.admin_import(config, arguments, log=folder / "import-only.log")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = meter.as_dict()
    result["server_cpu_s"] = round(after.ru_utime + after.ru_stime
                                   - before.ru_utime - before.ru_stime, 2)
    result.update(peak_rss_mib="n/a", rss_deciles_mib=[])
    return result


def _worker(args) -> None:
    _common.use_code(args.code)
    paths, _ = _common.world(args.rows_one, args.seed, Path(args.data_dir))
    if os.environ.get("BENCH_KEEP_IMPORT") and args.worker == "bulk":
        _keep_import_files(Path(os.environ["BENCH_KEEP_IMPORT"]))
    if args.worker == "baseline":
        result = run_baseline(args, paths)
    else:
        result = run_real(args, paths, bulk=args.worker == "bulk")
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
    parser.add_argument("--no-bulk", action="store_true", help="skip the bulk path")
    parser.add_argument("--import-only", action="store_true",
                        help="also time neo4j-admin import alone on the bulk run's files")
    parser.add_argument("--no-real", action="store_true",
                        help="skip the transactional path (real)")
    parser.add_argument("--worker", choices=("real", "bulk", "baseline"), help=argparse.SUPPRESS)
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
        kinds = ([] if args.no_real else ["real"]) + ([] if args.no_bulk else ["bulk"])
        kinds += [] if args.no_baseline else ["baseline"]
        kinds += ["import-only"] if args.import_only and not args.no_bulk else []
        kinds += ["admin-import"] if args.admin_import else []
        kept = Path(tempfile.mkdtemp(prefix="tracegraph-bench-import-"))
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
                elif kind == "import-only":
                    from graph import server

                    server.stop(config)
                    result = run_import_only(kept, config)
                    status = server.start(config)
                    graph = _common.connect_to(config, status)
                    counts = graph.stats()
                    graph.close()
                    result["rows_loaded"] = counts["nodes"]["Shipment"]
                    result["relationships"] = sum(counts["relationships"].values())
                else:
                    # the bulk path restarts the server: with the same memory settings
                    env = {**_common.server_env(config, status),
                           "BENCH_NEO4J_PID": str(status.pid),
                           "TRACEGRAPH_NEO4J_HEAP": config.heap,
                           "TRACEGRAPH_NEO4J_PAGECACHE": config.pagecache}
                    if kind == "bulk" and args.import_only:
                        env["BENCH_KEEP_IMPORT"] = str(kept)
                    result = _run_worker(kind, rows, args, env)
            result.update(kind=kind, rows=rows, heap=config.heap, pagecache=config.pagecache,
                          rows_per_s=round(rows / result["wall_s"]))
            results.append(result)
            print(f"  {kind:12s} wall {result['wall_s']:7.1f} s  {result['rows_per_s']:7,} rows/s  "
                  f"cpu {result['cpu_s']:6.1f} s  server cpu {result['server_cpu_s']:6.1f} s  "
                  f"peak rss {result['peak_rss_mib']} MiB  load {result['load_before']}"
                  f" -> {result['load_after']}", flush=True)
            if kind in ("real", "bulk"):
                print(f"           path: {result['path']}  split (s): {result['timings']}")
                print(f"           rss by tenth of the run (MiB): {result['rss_deciles_mib']}")
        import shutil

        shutil.rmtree(kept, ignore_errors=True)
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
