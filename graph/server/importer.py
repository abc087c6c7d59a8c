"""Run ``neo4j-admin database import`` with the managed install, the server stopped."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

from graph import GraphError
from graph.server.config import ADMIN_CLASS, ServerConfig
from graph.server.install import _check_java
from graph.server.process import _child_env, _process_started, _read_marker, _write_marker

__all__ = ["BulkImportFailed", "admin_import"]


class BulkImportFailed(GraphError):
    """``neo4j-admin database import`` refused the files or failed."""


def _die_with_parent() -> None:
    # Linux: the importer is killed when the load that started it is (prctl PDEATHSIG)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def admin_import(config: ServerConfig, arguments: list[str], database: str = "neo4j",
                 *, log: Path | None = None) -> str:
    """Run ``neo4j-admin database import full ARGUMENTS DATABASE`` with the managed install.

    The server must be stopped. Returns the tool's output; raises BulkImportFailed with the
    reason the tool gave. The importer's pid goes into the bulk-load marker, so a load
    killed while it runs does not leave it writing into a database being dropped.
    """
    java = _check_java(config.java_home)
    command = [java, f"-Xmx{config.heap}", "-cp", str(config.lib_dir / "*"), ADMIN_CLASS,
               # the database first: a list-valued option at the end would swallow it
               "database", "import", "full", database, *arguments]
    log = log or (config.logs_dir / "import.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w+b") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=_child_env(config),
                                   cwd=config.neo4j_home, preexec_fn=_die_with_parent)
        marker = _read_marker(config)
        if marker:
            marker.update(import_pid=process.pid, import_started=_process_started(process.pid))
            _write_marker(config, marker)
        code = process.wait()
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    if code != 0:
        raise BulkImportFailed(f"neo4j-admin import failed: {_import_reason(output)} "
                               f"(full output in {log})")
    return output


def _import_reason(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if re.search(r"(Exception|ERROR|Error|error|Invalid|invalid|failed)", line) \
                and not line.startswith("at "):
            return line[:300]
    return lines[-1][:300] if lines else "no output"
