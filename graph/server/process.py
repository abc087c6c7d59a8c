"""Start, stop and inspect the managed server process: its pid file, port, password, and
what a bulk load killed half-way leaves behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from graph import GraphError
from graph.server import browser
from graph.server.config import MAIN_CLASS, USER, ServerConfig
from graph.server.install import _check_java, _first_error, install, install_browser, is_installed
from graph.server.password import read_password, set_initial_password

__all__ = [
    "BrowserNeedsRestart",
    "PortInUse",
    "ServerStartFailed",
    "ServerStatus",
    "read_password",
    "start",
    "stop",
    "status",
    "mark_bulk_load",
    "unmark_bulk_load",
    "recover_unfinished_bulk_load",
    "drop_database",
]

# Options Neo4j's own launcher passes to the JVM; without the --add-opens Netty falls back
# to slower buffers and logs warnings.
_JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)


class PortInUse(GraphError):
    """The Bolt port asked for is taken by another program."""


class ServerStartFailed(GraphError):
    """The server process died or never answered on Bolt."""


class BrowserNeedsRestart(GraphError):
    """Neo4j Browser was asked of a server that already runs without it."""


@dataclass
class ServerStatus:
    """What ``tracegraph neo4j status`` prints."""

    running: bool
    uri: str | None
    version: str | None
    pid: int | None
    data_dir: str
    store_bytes: int
    installed: bool
    browser_url: str | None = None  # Neo4j Browser's page, when the server serves it
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# -- state ---------------------------------------------------------------------------------


def _read_state(config: ServerConfig) -> dict:
    try:
        return json.loads(config.state_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_state(config: ServerConfig, state: dict) -> None:
    config.state_file.parent.mkdir(parents=True, exist_ok=True)
    config.state_file.write_text(json.dumps(state, indent=2))


def _pid(config: ServerConfig) -> int | None:
    """The pid of our server when it runs: the pid file's, checked to be our Neo4j."""
    pid, _why = _pid_file(config)
    return pid


def _pid_file(config: ServerConfig) -> tuple[int | None, str | None]:
    """(pid, None) when the pid file names our running server; (None, why) when it names a
    live process that is not our Neo4j; (None, None) when it names nothing alive."""
    try:
        pid = int(config.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None, None
    if not _alive(pid):
        return None, None
    why = _not_ours(config, pid)
    return (None, why) if why else (pid, None)


def _not_ours(config: ServerConfig, pid: int) -> str | None:
    """Why process ``pid`` is not the server this configuration started, None when it is:
    its command line must run Neo4j's main class on our configuration directory, and its
    start time must be the one recorded at launch (a reused pid has another)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().decode(errors="replace").split("\0")
    except OSError:
        return "its command line cannot be read"
    if MAIN_CLASS not in argv or f"--config-dir={config.conf_dir}" not in argv:
        return f"it runs {' '.join(argv)[:80].strip() or 'something else'}"
    state = _read_state(config)
    recorded = state.get("started") if state.get("pid") == pid else None
    if recorded is not None and recorded != _process_started(pid):
        return "it started at another time than the server tracegraph launched"
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours still answers kill(0); treat it as gone
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bolt_answers(uri: str, password: str) -> str | None:
    """The server's version when Bolt accepts our credentials, else None."""
    import neo4j

    try:
        with neo4j.GraphDatabase.driver(uri, auth=(USER, password),
                                        connection_timeout=3) as driver:
            # an auto-commit run is not retried by the driver: a probe must fail fast
            with driver.session(database="system") as session:
                record = session.run(
                    "CALL dbms.components() YIELD versions RETURN versions[0] AS version"
                ).single()
            return record["version"]
    except neo4j.exceptions.AuthError as error:
        raise ServerStartFailed(
            f"the server at {uri} refused the stored password (does the password file "
            "belong to another data directory? check TRACEGRAPH_HOME)"
        ) from error
    except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired, OSError):
        return None


def _store_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).stat().st_size
            except OSError:
                pass
    return total


def _child_env(config: ServerConfig) -> dict:
    """The environment of a Java process of the install: ours (PATH, locale, ...) with the
    server's home and configuration added."""
    # os.environ is forwarded here, not read for settings: those come in ``config``
    return dict(os.environ, NEO4J_HOME=str(config.neo4j_home), NEO4J_CONF=str(config.conf_dir))


# -- start / stop / status ------------------------------------------------------------------


def _write_conf(config: ServerConfig, port: int, http_port: int | None = None) -> None:
    config.conf_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        "# written by tracegraph at every start; edit TRACEGRAPH_* variables instead",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        # what the server tells clients to connect to (Neo4j Browser asks): the real port
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        *browser.conf_lines(port, http_port),
        "server.https.enabled=false",
        f"server.memory.heap.initial_size={config.heap}",
        f"server.memory.heap.max_size={config.heap}",
        f"server.memory.pagecache.size={config.pagecache}",
        "dbms.usage_report.enabled=false",
        "dbms.security.auth_enabled=true",
        # the single-machine jobs are bulk loads: a bigger transaction log is cheaper
        "db.tx_log.rotation.retention_policy=2 files",
        # small machines and test sessions: do not preallocate 256 MB log files
        "db.tx_log.preallocate=false",
        f"server.directories.data={config.data_dir}",
        f"server.directories.logs={config.logs_dir}",
        f"server.directories.run={config.run_dir}",
        f"server.directories.lib={config.lib_dir}",
        f"server.directories.plugins={config.neo4j_home / 'plugins'}",
        f"server.directories.import={config.neo4j_home / 'import'}",
    ]
    (config.conf_dir / "neo4j.conf").write_text("\n".join(lines) + "\n")


def _set_initial_password(config: ServerConfig, java: str) -> None:
    try:
        set_initial_password(config, java, _child_env(config), _first_error)
    except GraphError as error:
        raise ServerStartFailed(str(error)) from error


def _log_tail(config: ServerConfig, lines: int = 25) -> str:
    parts = []
    for path in (config.console_log, config.logs_dir / "neo4j.log"):
        if path.exists():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path} ---\n" + "\n".join(text))
    return "\n".join(parts)


def start(config: ServerConfig, *, browser_ui: bool = False, echo=None) -> ServerStatus:
    """Start the server in the background; return when Bolt answers.

    Harmless when it already runs. Installs the server first when it is not installed.
    A database left by a bulk load that did not finish is dropped first
    (:func:`recover_unfinished_bulk_load`). ``browser_ui``: HTTP on (127.0.0.1 only) serving
    Neo4j Browser, fetched first when it is not in the cache; asked of a server that runs
    without it, :class:`BrowserNeedsRestart`.
    """
    recover_unfinished_bulk_load(config, echo=echo)
    current = status(config)
    if current.running:
        if browser_ui and not _read_state(config).get("http_port"):
            raise BrowserNeedsRestart(
                f"Neo4j already runs on {current.uri} without Neo4j Browser (HTTP off): "
                "restart it with 'tracegraph neo4j stop' then 'tracegraph neo4j start "
                "--browser'")
        return current
    marker = _read_marker(config)
    if marker and marker.get("pid") != os.getpid():
        # recover_unfinished_bulk_load left it: its load is alive and may be importing
        raise ServerStartFailed(
            f"a bulk load (process {marker.get('pid')}) is replacing the database and will "
            "start the server when it is done: wait for it")
    java = _check_java(config.java_home)
    if not is_installed(config):
        install(config, echo=echo)
    if browser_ui:
        install_browser(config, echo=echo)
    for path in (config.data_dir, config.logs_dir, config.run_dir):
        path.mkdir(parents=True, exist_ok=True)
    config.home.chmod(0o700)

    port = _choose_port(config)
    http_port = _choose_http_port(config, port) if browser_ui else None
    _write_conf(config, port, http_port)
    _set_initial_password(config, java)
    process = _launch(config, java, browser_ui)
    uri = f"bolt://127.0.0.1:{port}"
    earlier = _read_state(config)
    state = {"port": port, "pid": process.pid, "version": config.version, "uri": uri,
             "started": _process_started(process.pid)}
    if http_port:
        state["http_port"] = http_port
    elif earlier.get("http_port") or earlier.get("last_http_port"):
        # HTTP is off this time; the port is kept for the next --browser start
        state["last_http_port"] = earlier.get("http_port") or earlier.get("last_http_port")
    _write_state(config, state)
    if echo:
        echo(f"starting Neo4j {config.version} on {uri} (pid {process.pid}) ...")
    return _wait_for_bolt(config, process, uri, port)


def _choose_port(config: ServerConfig) -> int:
    """The port asked for, else the one of the last start, else a free one."""
    port = config.port or _read_state(config).get("port") or _free_port()
    if not _port_free(port):
        if config.port:
            raise PortInUse(
                f"port {port} on 127.0.0.1 is in use by another program: "
                "set TRACEGRAPH_NEO4J_PORT to a free port, or unset it to pick one"
            )
        port = _free_port()  # the remembered port was taken meanwhile: pick another
    return port


def _choose_http_port(config: ServerConfig, bolt_port: int) -> int:
    """The HTTP port of the last --browser start when still free, else a free one."""
    state = _read_state(config)
    port = state.get("http_port") or state.get("last_http_port")
    if not port or port == bolt_port or not _port_free(port):
        port = _free_port()
        while port == bolt_port:
            port = _free_port()
    return port


def _launch(config: ServerConfig, java: str, browser_ui: bool = False) -> subprocess.Popen:
    """The server's JVM in a session of its own, its output in the console log."""
    class_path = [str(config.lib_dir / "*")]
    if browser_ui:  # the server serves /browser/ from the jar found on its class path
        class_path.append(str(config.browser_dir / "lib" / "*"))
    command = [
        java, f"-Xms{config.heap}", f"-Xmx{config.heap}", *_JVM_OPTIONS,
        "-cp", os.pathsep.join(class_path), MAIN_CLASS,
        f"--home-dir={config.neo4j_home}", f"--config-dir={config.conf_dir}", "--console-mode",
    ]
    with open(config.console_log, "ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=_child_env(config), start_new_session=True, cwd=config.neo4j_home,
        )
    config.pid_file.write_text(str(process.pid))
    return process


def _wait_for_bolt(config: ServerConfig, process: subprocess.Popen, uri: str,
                   port: int) -> ServerStatus:
    """The status once Bolt answers (and the Browser's page, when asked for); the log's
    tail in the error when the server dies or stays silent past the start timeout (then it
    is stopped)."""
    password = read_password(config)
    http_port = _read_state(config).get("http_port")
    waiting_for = uri
    deadline = time.monotonic() + config.start_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            config.pid_file.unlink(missing_ok=True)
            tail = _log_tail(config)
            if "Address already in use" in tail or "BindException" in tail:
                ports = f"{port} or {http_port}" if http_port else f"{port}"
                raise PortInUse(f"port {ports} on 127.0.0.1 was taken while Neo4j started")
            raise ServerStartFailed(
                f"Neo4j exited at start with status {process.returncode}; log tail:\n{tail}"
            )
        if _bolt_answers(uri, password):
            current = status(config)
            # with the Browser asked for, HTTP must answer too (it may come up after Bolt)
            if current.browser_url or not http_port:
                return current
            waiting_for = browser.browser_url(http_port)
        time.sleep(0.5)
    _terminate(process.pid, grace=10)
    config.pid_file.unlink(missing_ok=True)
    raise ServerStartFailed(
        f"Neo4j did not answer on {waiting_for} within {config.start_timeout:.0f} s; "
        f"log tail:\n{_log_tail(config)}"
    )


def _terminate(pid: int, grace: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            _reap(pid)
            return
        _reap(pid)
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    _reap(pid)


def _reap(pid: int) -> None:
    # the server is our child when this process started it: collect its exit status
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(config: ServerConfig, *, timeout: float = 60.0, echo=None) -> bool:
    """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout``).

    Returns whether a server was running. Harmless when none is. A pid file naming a
    process that is not our Neo4j (the pid was reused after a crash) is removed and that
    process left alone; ``echo`` is told so in one line.
    """
    pid, why = _pid_file(config)
    if pid is None:
        if why and echo:
            echo(f"pid {config.pid_file.read_text().strip()} in {config.pid_file} is not "
                 f"our Neo4j ({why}): left alone")
        config.pid_file.unlink(missing_ok=True)
        return False
    _terminate(pid, grace=timeout)
    config.pid_file.unlink(missing_ok=True)
    return True


def status(config: ServerConfig) -> ServerStatus:
    pid = _pid(config)
    state = _read_state(config)
    uri = state.get("uri")
    version = None
    notes: list[str] = []
    if pid is not None and uri and config.password_file.exists():
        try:
            version = _bolt_answers(uri, read_password(config))
        except ServerStartFailed as error:
            notes.append(str(error))
        if version is None and not notes:
            notes.append("process is alive but Bolt does not answer yet")
    url = None
    if version is not None and state.get("http_port"):
        url = browser.browser_url(state["http_port"])
        if not browser.answers(url):
            notes.append(f"Neo4j Browser does not answer at {url}")
            url = None
    return ServerStatus(
        running=pid is not None and version is not None,
        uri=uri,
        version=version,
        pid=pid,
        data_dir=str(config.data_dir),
        store_bytes=_store_bytes(config.data_dir) if config.data_dir.exists() else 0,
        installed=is_installed(config),
        browser_url=url,
        notes=notes,
    )


# -- what a killed bulk load leaves ---------------------------------------------------------


def _process_started(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot), None when no such process: with the
    pid it names one process, even after the pid is reused."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def mark_bulk_load(config: ServerConfig, database: str, **details) -> None:
    """Say that this process is about to replace ``database`` by a bulk load.

    The database was empty before (bulk loads go only into an empty graph), so until
    :func:`unmark_bulk_load`, a database found with the marker of a process that is gone is
    the half-made result of a killed load and is dropped.
    """
    pid = os.getpid()
    config.home.mkdir(parents=True, exist_ok=True)
    _write_marker(config, {"pid": pid, "started": _process_started(pid), "database": database,
                           **details})


def _write_marker(config: ServerConfig, record: dict) -> None:
    temporary = config.bulk_marker.with_suffix(".tmp")
    temporary.write_text(json.dumps(record))
    temporary.replace(config.bulk_marker)


def unmark_bulk_load(config: ServerConfig) -> None:
    config.bulk_marker.unlink(missing_ok=True)


def _read_marker(config: ServerConfig) -> dict | None:
    try:
        return json.loads(config.bulk_marker.read_text())
    except FileNotFoundError:
        return None
    except json.JSONDecodeError:
        return {}  # written half when the process died: the load did not finish either


def drop_database(config: ServerConfig, database: str = "neo4j") -> None:
    """Delete the store and transaction logs of ``database``; the server must be stopped.

    The server makes an empty database of that name at its next start; constraints and
    indexes come back with the next connection (graph.connection.connect).
    """
    if _pid(config) is not None:
        raise GraphError(f"cannot drop database {database!r} while the server runs")
    for folder in ("databases", "transactions"):
        shutil.rmtree(config.data_dir / folder / database, ignore_errors=True)


def recover_unfinished_bulk_load(config: ServerConfig, *, echo=None) -> bool:
    """Drop the database of a bulk load whose process is gone; return whether one was.

    A bulk load in progress (its process alive) is left alone. The server is stopped for
    the drop; the caller starts it again.
    """
    marker = _read_marker(config)
    if marker is None:
        return False
    pid = marker.get("pid")
    if pid and marker.get("started") and _process_started(pid) == marker["started"]:
        return False
    importer = marker.get("import_pid")
    if importer and marker.get("import_started") == _process_started(importer):
        _terminate(importer, grace=10)  # an importer orphaned by a killed load
    stop(config)
    database = marker.get("database") or "neo4j"
    drop_database(config, database)
    unmark_bulk_load(config)
    message = (f"warning: a bulk load into database {database!r} did not finish; "
               "its partial data was dropped (the graph is empty again: load again)")
    (echo or (lambda line: print(line, file=sys.stderr)))(message)
    return True
