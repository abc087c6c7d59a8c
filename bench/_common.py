"""Shared plumbing of the benchmarks: a managed server in a temporary home, CPU and memory meters.

Not a test helper: benchmarks are scripts run by hand (see bench/README.md). Figures on a
shared 2-core machine are noisy, so every measurement carries the CPU time of this process
and of the Neo4j server and the load average when it was taken.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import resource
import shlex
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CONNECTION_VARS = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE",
                    "TRACEGRAPH_NEO4J_PORT")


def use_code(code_dir: str | None) -> Path:
    """Import tracegraph's packages from ``code_dir`` (an older checkout) or this repo."""
    root = Path(code_dir).resolve() if code_dir else REPO
    sys.path.insert(0, str(root))
    return root


def command_line() -> str:
    return shlex.join([sys.executable, *sys.argv])


def load_now() -> tuple[float, float, float]:
    return tuple(round(x, 2) for x in os.getloadavg())


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (the Neo4j server) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes() -> int:
    """Resident memory of this process now."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class RssSampler:
    """Samples this process's RSS every ``interval`` seconds in a daemon thread."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        start = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - start, rss_bytes()))
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((self.samples[-1][0] if self.samples else 0.0, rss_bytes()))

    def deciles(self) -> list[int]:
        """RSS (MiB) at 10 %, 20 %, ... 100 % of the run: flat means bounded by the chunk."""
        if not self.samples:
            return []
        end = self.samples[-1][0] or 1.0
        out = []
        for k in range(1, 11):
            t = end * k / 10
            out.append(max(rss for s, rss in self.samples if s <= t) // 2**20)
        return out


@dataclass
class Meter:
    """Wall time, this process's CPU time and the server's CPU time over a block."""

    server_pid: int | None = None
    wall: float = 0.0
    cpu: float = 0.0
    server_cpu: float = 0.0
    load_before: tuple = field(default_factory=tuple)
    load_after: tuple = field(default_factory=tuple)

    def __enter__(self) -> "Meter":
        self.load_before = load_now()
        self._server0 = process_cpu(self.server_pid) if self.server_pid else 0.0
        self._cpu0 = time.process_time()
        self._wall0 = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = time.process_time() - self._cpu0
        if self.server_pid:
            self.server_cpu = process_cpu(self.server_pid) - self._server0
        self.load_after = load_now()

    def as_dict(self) -> dict:
        return {"wall_s": round(self.wall, 2), "cpu_s": round(self.cpu, 2),
                "server_cpu_s": round(self.server_cpu, 2), "load_before": self.load_before,
                "load_after": self.load_after}


@contextlib.contextmanager
def managed_server(heap: str | None = None, pagecache: str | None = None, keep: bool = False):
    """A fresh managed Neo4j server in a temporary TRACEGRAPH_HOME; yields (config, status).

    Like tests/conftest.py: the jars come from the user's cache (installed once), the data
    directory is new, the port free; the server is stopped and its home removed at the end.
    """
    from graph import server
    from tracegraph.settings import server_config

    home = Path(tempfile.mkdtemp(prefix="tracegraph-bench-"))
    saved = {k: os.environ.get(k) for k in (*_CONNECTION_VARS, "TRACEGRAPH_HOME")}
    for name in _CONNECTION_VARS:
        os.environ.pop(name, None)
    os.environ["TRACEGRAPH_HOME"] = str(home)
    config = server_config()
    if heap:
        config.heap = heap
    if pagecache:
        config.pagecache = pagecache
    try:
        status = server.start(config)
        yield config, status
    finally:
        server.stop(config)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def connect_to(config, status):
    """A Graph on the benchmark's server, schema created."""
    from graph import server
    from graph.connection import ConnectionSettings, connect

    return connect(ConnectionSettings(status.uri, server.USER, server.read_password(config),
                                      None, managed=True, server_config=config))


def server_env(config, status) -> dict:
    """What a worker process needs to reach the server (see :func:`connect_from_env`)."""
    from graph import server

    return {"BENCH_NEO4J_URI": status.uri, "BENCH_NEO4J_PASSWORD": server.read_password(config)}


def connect_from_env():
    from graph import server
    from graph.connection import ConnectionSettings, connect
    from tracegraph.settings import server_config

    return connect(ConnectionSettings(os.environ["BENCH_NEO4J_URI"], server.USER,
                                      os.environ["BENCH_NEO4J_PASSWORD"], None, managed=True,
                                      server_config=server_config()))


def world(rows: int, seed: int, folder: Path):
    """A generated world of ``rows`` shipment rows, made once and reused from ``folder``."""
    from loaders.world import WorldPaths, generate_world

    target = folder / f"world-{seed}-{rows}"
    done = target / "done.json"
    if done.exists():
        return WorldPaths(target, target / "shipments.csv", target / "companies.csv",
                          target / "officers.csv", target / "watchlist.csv",
                          target / "truth.json"), json.loads(done.read_text())["seconds"]
    started = time.perf_counter()
    paths = generate_world(target, seed=seed, n_shipments=rows)
    seconds = time.perf_counter() - started
    done.write_text(json.dumps({"seconds": seconds}))
    return paths, seconds


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain-text table, columns as given."""
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.rjust(w) for c, w in zip(columns, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(out)
