"""Benchmark of the Python side of a load: reading, checking and resolving, no Neo4j.

Not a test: run it by hand after changing loaders/ (read, validate, profiles, resolve,
pipeline):

    /tmp/venv/bin/python bench/parse.py                          # 100k and 1M rows
    /tmp/venv/bin/python bench/parse.py --rows 100000 --cprofile /tmp/parse.prof
    /tmp/venv/bin/python bench/parse.py --rows 100000 --compare /path/to/older/checkout

For each size a seeded world is generated once (``loaders.world.generate_world``, kept under
--data-dir), then, in a worker process of its own (so its peak RSS is its own), the loaders
run as ``tracegraph load`` drives them, without the writes: ``plan_load`` over companies,
officers, watchlist and shipments, ``FileLoad.chunks()`` and ``Resolution.to_resolved`` on
each chunk, ``Resolution.finish()`` at the end. The frames are dropped as they come.

Printed per size: wall and CPU seconds, CPU us per shipment row, peak RSS (``ru_maxrss``)
and RSS at each tenth of the run (flat = bounded by the chunk, not the file), and the
split: ``open`` (plan_load: sniffing, profiles), ``read_check`` (time spent inside the
chunk iterators: reading, profile mapping, validation, duplicates, rejects), ``resolve``
(``to_resolved``), per file kind, and ``finish``.

``--compare DIR`` runs the worker twice on the same world, once on DIR's code (an older
checkout, e.g. ``git worktree add /tmp/old HEAD~3``) and once on this one, with every
resolved frame, load counter and rejects file reduced to a digest, and says whether they
are identical (and where they first differ); timings of a compare run include the
digesting and are not figures. ``--code DIR`` times another checkout with this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

_KINDS = ("companies", "officers", "watchlist", "shipments")


def _files(paths) -> list[str]:
    return [str(paths.companies), str(paths.officers), str(paths.watchlist),
            str(paths.shipments)]


def _frame_digest(frame) -> str:
    """Digest of a frame's column names, dtypes and values (lists and dates by repr)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr([(str(c), str(frame[c].dtype)) for c in frame.columns]).encode())
    for column in frame.columns:
        for value in frame[column].tolist():
            digest.update(repr(value).encode("utf-8", "surrogatepass"))
            digest.update(b"\x1e")
        digest.update(b"\x1d")
    return digest.hexdigest()


def _file_digest(path: Path | None) -> str | None:
    if path is None or not Path(path).exists():
        return None
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def run(args, paths) -> dict:
    from loaders.pipeline import Resolution, load_report_entry, plan_load

    timings = {"open": [0.0, 0.0]}
    per_kind: dict[str, dict] = {}
    digests: list[list] = []
    shipment_rows = 0

    def clock():
        return time.perf_counter(), time.process_time()

    def add(key: str, kind: str, t0: tuple[float, float]) -> None:
        wall, cpu = time.perf_counter() - t0[0], time.process_time() - t0[1]
        for slot in (timings.setdefault(key, [0.0, 0.0]),
                     per_kind.setdefault(kind, {}).setdefault(key, [0.0, 0.0])):
            slot[0] += wall
            slot[1] += cpu

    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        with _common.RssSampler() as rss, _common.Meter() as meter:
            t0 = clock()
            loads = plan_load(_files(paths), report_path=report, chunk_rows=args.chunk_rows)
            timings["open"] = [time.perf_counter() - t0[0], time.process_time() - t0[1]]
            resolution = Resolution()
            entries = []
            for load in loads:
                chunks = load.chunks()
                while True:
                    t0 = clock()
                    chunk = next(chunks, None)
                    add("read_check", load.kind, t0)
                    if chunk is None:
                        break
                    t0 = clock()
                    frames = resolution.to_resolved(chunk)
                    add("resolve", load.kind, t0)
                    if args.digest:
                        digests.append([load.kind, "rows", _frame_digest(chunk.rows)])
                        digests.append([load.kind, "rejects", _frame_digest(chunk.rejects)])
                        for name in sorted(frames):
                            digests.append([load.kind, name, _frame_digest(frames[name])])
                    del frames, chunk
                entry = load_report_entry(load)
                if load.kind == "shipments":
                    shipment_rows += entry["rows_read"]
                if args.digest:
                    entry["rejects_digest"] = _file_digest(load.rejects_path)
                entries.append(entry)
            t0 = clock()
            final = resolution.finish()
            timings["finish"] = [time.perf_counter() - t0[0], time.process_time() - t0[1]]
            if args.digest:
                for name in sorted(final):
                    digests.append(["finish", name, _frame_digest(final[name])])
    for entry in entries:
        entry["path"] = Path(entry["path"]).name
        entry.pop("rejects_path", None)
    result = {**meter.as_dict(), "peak_rss_mib": _common.max_rss_bytes() // 2**20,
              "rss_deciles_mib": rss.deciles(), "shipment_rows": shipment_rows,
              "files": entries,
              "timings": {k: [round(v[0], 2), round(v[1], 2)] for k, v in timings.items()},
              "per_kind": {k: {s: [round(v[0], 2), round(v[1], 2)] for s, v in d.items()}
                           for k, d in per_kind.items()}}
    if args.digest:
        result["digests"] = digests
    return result


def _worker(args) -> None:
    _common.use_code(args.code)
    paths, _ = _common.world(args.rows_one, args.seed, Path(args.data_dir))
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        result = run(args, paths)
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    else:
        result = run(args, paths)
    print("RESULT " + json.dumps(result, default=str))


def _run_worker(rows: int, args, code: str | None, digest: bool = False) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker",
               "--rows-one", str(rows), "--seed", str(args.seed), "--data-dir", args.data_dir,
               "--chunk-rows", str(args.chunk_rows)]
    if code:
        command += ["--code", code]
    if digest:
        command += ["--digest"]
    if args.cprofile and not digest:
        command += ["--cprofile", args.cprofile]
    # the old checkout must not be shadowed by this one's editable install
    env = dict(os.environ, PYTHONPATH=code) if code else None
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"worker for {rows:,} rows failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def _compare(old: dict, new: dict) -> list[str]:
    """Differences between two digest runs, first ones first."""
    problems = []
    strip = ("sha256",)
    old_files = [{k: v for k, v in f.items() if k not in strip} for f in old["files"]]
    new_files = [{k: v for k, v in f.items() if k not in strip} for f in new["files"]]
    if old_files != new_files:
        problems.append(f"load report entries differ:\n  old {old_files}\n  new {new_files}")
    a, b = old["digests"], new["digests"]
    if len(a) != len(b):
        problems.append(f"{len(a)} frames before, {len(b)} now")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            problems.append(f"frame {i} differs: before {x}, now {y}")
            if len(problems) > 10:
                break
    return problems


def _show(rows: int, result: dict, label: str = "") -> None:
    us = 1e6 * result["cpu_s"] / max(rows, 1)
    print(f"  {label}wall {result['wall_s']:6.1f} s  cpu {result['cpu_s']:6.1f} s  "
          f"{us:5.1f} us/row (cpu)  peak rss {result['peak_rss_mib']} MiB  "
          f"load {result['load_before']} -> {result['load_after']}", flush=True)
    print(f"    split wall/cpu s: {result['timings']}")
    print(f"    per kind: {result['per_kind']}")
    print(f"    rss by tenth of the run (MiB): {result['rss_deciles_mib']}")
    shipments = [f for f in result["files"] if f["kind"] == "shipments"]
    for f in shipments:
        print(f"    shipments: read {f['rows_read']:,} loaded {f['rows_loaded']:,} "
              f"rejected {f['rows_rejected']:,} duplicate {f['rows_duplicate']:,}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000",
                        help="comma-separated shipment row counts (default 100000,1000000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chunk-rows", type=int, default=50_000)
    parser.add_argument("--data-dir", default="/tmp/bench/worlds-parse",
                        help="where generated worlds are kept between runs")
    parser.add_argument("--code", help="import tracegraph from this checkout instead")
    parser.add_argument("--compare", metavar="DIR",
                        help="check that DIR's code and this one give identical frames")
    parser.add_argument("--cprofile", metavar="FILE", help="write a cProfile dump of the run")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--digest", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args)
        return

    print(f"command: {_common.command_line()}")
    print(f"date: {_common.now()}  cpus: {os.cpu_count()}  load: {_common.load_now()}")
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    results = []
    failed = False
    for rows in sizes:
        # generated by this checkout's generator, so both sides of a compare read one world
        paths, gen_s = _common.world(rows, args.seed, Path(args.data_dir))
        size_mib = paths.shipments.stat().st_size / 2**20
        print(f"\n{rows:,} rows: {paths.shipments} ({size_mib:.0f} MiB, generated in "
              f"{gen_s:.0f} s)", flush=True)
        if args.compare:
            old = _run_worker(rows, args, args.compare, digest=True)
            new = _run_worker(rows, args, args.code, digest=True)
            problems = _compare(old, new)
            print(f"  {len(new['digests'])} frames compared: "
                  + ("identical" if not problems else "DIFFERENT"))
            for problem in problems:
                print("    " + problem)
            failed |= bool(problems)
            continue
        result = _run_worker(rows, args, args.code)
        result.update(rows=rows, us_per_row=round(1e6 * result["cpu_s"] / rows, 1))
        results.append(result)
        _show(rows, result)
    if results:
        print("\n" + _common.table([{**r, "read_check_s": r["timings"]["read_check"][1],
                                     "resolve_s": r["timings"]["resolve"][1],
                                     "open_s": r["timings"]["open"][1]} for r in results], [
            "rows", "wall_s", "cpu_s", "us_per_row", "open_s", "read_check_s", "resolve_s",
            "peak_rss_mib"]))
    if args.json:
        Path(args.json).write_text(json.dumps({"command": _common.command_line(),
                                               "date": _common.now(), "results": results},
                                              indent=1, default=str))
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
