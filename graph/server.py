"""Install, start, stop and inspect the managed local Neo4j Community server.

The server is Neo4j's own jars from Maven Central (artifact ``org.neo4j:neo4j`` and its
runtime dependencies) started with ``org.neo4j.server.CommunityEntryPoint``: no tarball,
no Docker, nothing but Java 17 and Maven on the machine.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from graph import GraphError
from tracegraph.settings import cache_dir, home_dir

__all__ = [
    "NEO4J_VERSION",
    "ServerConfig",
    "ServerStatus",
    "JavaMissing",
    "JavaTooOld",
    "MavenFailed",
    "PortInUse",
    "ServerStartFailed",
    "install",
    "is_installed",
    "start",
    "stop",
    "status",
    "read_password",
    "BulkImportFailed",
    "mark_bulk_load",
    "unmark_bulk_load",
    "recover_unfinished_bulk_load",
    "drop_database",
    "admin_import",
]

NEO4J_VERSION = "5.26.30"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
MIN_JAVA = 17
USER = "neo4j"

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


class JavaMissing(GraphError):
    """No ``java`` on the PATH."""


class JavaTooOld(GraphError):
    """Java older than Neo4j 5 needs."""


class MavenFailed(GraphError):
    """Maven is missing, or could not fetch the server's jars."""


class PortInUse(GraphError):
    """The Bolt port asked for is taken by another program."""


class ServerStartFailed(GraphError):
    """The server process died or never answered on Bolt."""


class BulkImportFailed(GraphError):
    """``neo4j-admin database import`` refused the files or failed."""


@dataclass
class ServerConfig:
    """Where the managed server lives and how big it may grow.

    Every field can be overridden by an environment variable, so a test session or a user
    with a bigger machine changes nothing in code.
    """

    home: Path
    cache: Path
    version: str = NEO4J_VERSION
    port: int | None = None  # None: a free port chosen at the first start, then kept
    heap: str = "1g"
    pagecache: str = "512m"
    start_timeout: float = 180.0
    maven_args: tuple[str, ...] = ()  # e.g. ("-s", "settings.xml") for a mirror or proxy

    @classmethod
    def from_env(cls) -> "ServerConfig":
        port = os.environ.get("TRACEGRAPH_NEO4J_PORT")
        return cls(
            home=home_dir(),
            cache=cache_dir(),
            version=os.environ.get("TRACEGRAPH_NEO4J_VERSION", NEO4J_VERSION),
            port=int(port) if port else None,
            heap=os.environ.get("TRACEGRAPH_NEO4J_HEAP", "1g"),
            pagecache=os.environ.get("TRACEGRAPH_NEO4J_PAGECACHE", "512m"),
            start_timeout=float(os.environ.get("TRACEGRAPH_NEO4J_START_TIMEOUT", "180")),
            maven_args=tuple(shlex.split(os.environ.get("TRACEGRAPH_MAVEN_ARGS", ""))),
        )

    @property
    def install_dir(self) -> Path:
        return self.cache / f"neo4j-{self.version}"

    @property
    def lib_dir(self) -> Path:
        return self.install_dir / "lib"

    @property
    def neo4j_home(self) -> Path:
        return self.home / "neo4j"

    @property
    def conf_dir(self) -> Path:
        return self.neo4j_home / "conf"

    @property
    def data_dir(self) -> Path:
        return self.neo4j_home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.neo4j_home / "logs"

    @property
    def run_dir(self) -> Path:
        return self.neo4j_home / "run"

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "neo4j.pid"

    @property
    def state_file(self) -> Path:
        return self.neo4j_home / "server.json"

    @property
    def password_file(self) -> Path:
        return self.home / "neo4j-password"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    @property
    def bulk_marker(self) -> Path:
        """Present while a bulk load (graph.bulk) replaces the database: see
        :func:`recover_unfinished_bulk_load`."""
        return self.home / "bulk-load.json"


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
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# -- Java and Maven -------------------------------------------------------------------------


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise JavaMissing(
            "Java not found: Neo4j 5 needs Java 17 or newer "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
        )
    return found


def java_version(java: str | None = None) -> int:
    """Major version of the Java runtime that would run the server."""
    java = java or _java()
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        raise JavaMissing(f"cannot tell the version of {java}: {result.stderr.strip()[:200]}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0" style
        major = int(match.group(2))
    return major


def _check_java() -> str:
    java = _java()
    major = java_version(java)
    if major < MIN_JAVA:
        raise JavaTooOld(
            f"Java {major} found at {java}, Neo4j 5.26 needs Java {MIN_JAVA} or newer "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
        )
    return java


_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tracegraph.local</groupId>
  <artifactId>neo4j-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def is_installed(config: ServerConfig) -> bool:
    return (config.install_dir / "installed.json").exists()


def install(config: ServerConfig | None = None, *, force: bool = False, echo=None) -> Path:
    """Fetch the server's jars from Maven Central into the cache; return the lib directory.

    Idempotent: an install that finished is not repeated unless ``force``.
    """
    config = config or ServerConfig.from_env()
    _check_java()
    if is_installed(config) and not force:
        return config.lib_dir
    mvn = shutil.which("mvn")
    if not mvn:
        raise MavenFailed(
            "Maven not found: it fetches Neo4j's jars from Maven Central "
            "(Debian/Ubuntu: apt-get install maven)"
        )
    config.install_dir.mkdir(parents=True, exist_ok=True)
    (config.install_dir / "pom.xml").write_text(_POM.format(version=config.version))
    staging = config.install_dir / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    if echo:
        echo(f"fetching Neo4j {config.version} and its dependencies from Maven Central ...")
    command = [
        mvn, "-B", "-q", *config.maven_args, "-f", str(config.install_dir / "pom.xml"),
        "dependency:copy-dependencies", "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MavenFailed(_maven_reason(result.stdout + result.stderr, config.version))
    jars = {p.name for p in staging.glob("*.jar")}
    needed = {f"neo4j-{config.version}.jar", f"neo4j-bolt-{config.version}.jar",
              f"neo4j-kernel-{config.version}.jar"}
    if not needed <= jars:
        raise MavenFailed(f"Maven finished but the jar set lacks {sorted(needed - jars)}")
    shutil.rmtree(config.lib_dir, ignore_errors=True)
    staging.rename(config.lib_dir)
    (config.install_dir / "installed.json").write_text(
        json.dumps({"version": config.version, "jars": len(jars), "installed_at": time.time()})
    )
    return config.lib_dir


def _maven_reason(output: str, version: str) -> str:
    text = " ".join(output.split())
    if re.search(r"(Could not transfer|Unknown host|UnknownHost|Connection refused|"
                 r"Network is unreachable|timed out|Could not resolve host)", text):
        return ("Maven could not reach Maven Central to fetch Neo4j "
                f"{version}: {_first_error(output)}")
    if "Could not find artifact" in text or "could not be resolved" in text:
        return f"Maven could not resolve org.neo4j:neo4j:{version}: {_first_error(output)}"
    return f"Maven failed to fetch Neo4j {version}: {_first_error(output)}"


def _first_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("[ERROR]") and line != "[ERROR]":
            return line.replace("[ERROR]", "").strip()[:300]
    for line in lines:  # a Java stack trace: its first line says what went wrong
        if re.search(r"(Exception|Error|Invalid|invalid)", line) and not line.startswith("at "):
            return line[:300]
    return lines[-1][:300] if lines else "no output"


# -- state ---------------------------------------------------------------------------------


def read_password(config: ServerConfig | None = None) -> str:
    config = config or ServerConfig.from_env()
    try:
        return config.password_file.read_text().strip()
    except FileNotFoundError:
        raise GraphError(
            f"no password file at {config.password_file}: start the server with "
            "'tracegraph neo4j start' first"
        ) from None


def _read_state(config: ServerConfig) -> dict:
    try:
        return json.loads(config.state_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_state(config: ServerConfig, state: dict) -> None:
    config.state_file.parent.mkdir(parents=True, exist_ok=True)
    config.state_file.write_text(json.dumps(state, indent=2))


def _pid(config: ServerConfig) -> int | None:
    try:
        pid = int(config.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


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


# -- start / stop / status ------------------------------------------------------------------


def _write_conf(config: ServerConfig, port: int) -> None:
    config.conf_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        "# written by tracegraph at every start; edit TRACEGRAPH_* variables instead",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        "server.http.enabled=false",
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
    if (config.data_dir / "dbms" / "auth.ini").exists() and config.password_file.exists():
        return
    if (config.data_dir / "dbms" / "auth.ini").exists():
        raise ServerStartFailed(
            f"{config.data_dir} already has users but {config.password_file} is missing: "
            "restore the password file, or remove the data directory to start afresh"
        )
    # a leading "-" would make neo4j-admin read the password as an option
    password = "p" + secrets.token_urlsafe(24)
    config.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(config.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    env = dict(os.environ, NEO4J_HOME=str(config.neo4j_home), NEO4J_CONF=str(config.conf_dir))
    result = subprocess.run(
        [java, "-cp", str(config.lib_dir / "*"), ADMIN_CLASS, "dbms",
         "set-initial-password", password],
        capture_output=True, text=True, env=env, check=False,
    )
    if result.returncode != 0:
        config.password_file.unlink(missing_ok=True)
        raise ServerStartFailed(
            "could not set the initial password: " + _first_error(result.stdout + result.stderr)
        )


def _log_tail(config: ServerConfig, lines: int = 25) -> str:
    parts = []
    for path in (config.console_log, config.logs_dir / "neo4j.log"):
        if path.exists():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path} ---\n" + "\n".join(text))
    return "\n".join(parts)


def start(config: ServerConfig | None = None, *, echo=None) -> ServerStatus:
    """Start the server in the background; return when Bolt answers.

    Harmless when it already runs. Installs the server first when it is not installed.
    A database left by a bulk load that did not finish is dropped first
    (:func:`recover_unfinished_bulk_load`).
    """
    config = config or ServerConfig.from_env()
    recover_unfinished_bulk_load(config, echo=echo)
    current = status(config)
    if current.running:
        return current
    marker = _read_marker(config)
    if marker and marker.get("pid") != os.getpid():
        # recover_unfinished_bulk_load left it: its load is alive and may be importing
        raise ServerStartFailed(
            f"a bulk load (process {marker.get('pid')}) is replacing the database and will "
            "start the server when it is done: wait for it")
    java = _check_java()
    if not is_installed(config):
        install(config, echo=echo)
    for path in (config.data_dir, config.logs_dir, config.run_dir):
        path.mkdir(parents=True, exist_ok=True)
    config.home.chmod(0o700)

    state = _read_state(config)
    port = config.port or state.get("port") or _free_port()
    if not _port_free(port):
        if config.port:
            raise PortInUse(
                f"port {port} on 127.0.0.1 is in use by another program: "
                "set TRACEGRAPH_NEO4J_PORT to a free port, or unset it to pick one"
            )
        port = _free_port()  # the remembered port was taken meanwhile: pick another
    _write_conf(config, port)
    _set_initial_password(config, java)

    command = [
        java, f"-Xms{config.heap}", f"-Xmx{config.heap}", *_JVM_OPTIONS,
        "-cp", str(config.lib_dir / "*"), MAIN_CLASS,
        f"--home-dir={config.neo4j_home}", f"--config-dir={config.conf_dir}", "--console-mode",
    ]
    env = dict(os.environ, NEO4J_HOME=str(config.neo4j_home), NEO4J_CONF=str(config.conf_dir))
    with open(config.console_log, "ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, start_new_session=True, cwd=config.neo4j_home,
        )
    config.pid_file.write_text(str(process.pid))
    uri = f"bolt://127.0.0.1:{port}"
    _write_state(config, {"port": port, "pid": process.pid, "version": config.version,
                          "uri": uri})
    if echo:
        echo(f"starting Neo4j {config.version} on {uri} (pid {process.pid}) ...")

    password = read_password(config)
    deadline = time.monotonic() + config.start_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            config.pid_file.unlink(missing_ok=True)
            tail = _log_tail(config)
            if "Address already in use" in tail or "BindException" in tail:
                raise PortInUse(f"port {port} on 127.0.0.1 was taken while Neo4j started")
            raise ServerStartFailed(
                f"Neo4j exited at start with status {process.returncode}; log tail:\n{tail}"
            )
        if _bolt_answers(uri, password):
            return status(config)
        time.sleep(0.5)
    _terminate(process.pid, grace=10)
    config.pid_file.unlink(missing_ok=True)
    raise ServerStartFailed(
        f"Neo4j did not answer on {uri} within {config.start_timeout:.0f} s; "
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


def stop(config: ServerConfig | None = None, *, timeout: float = 60.0) -> bool:
    """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout``).

    Returns whether a server was running. Harmless when none is.
    """
    config = config or ServerConfig.from_env()
    pid = _pid(config)
    if pid is None:
        config.pid_file.unlink(missing_ok=True)
        return False
    _terminate(pid, grace=timeout)
    config.pid_file.unlink(missing_ok=True)
    return True


def status(config: ServerConfig | None = None) -> ServerStatus:
    config = config or ServerConfig.from_env()
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
    return ServerStatus(
        running=pid is not None and version is not None,
        uri=uri,
        version=version,
        pid=pid,
        data_dir=str(config.data_dir),
        store_bytes=_store_bytes(config.data_dir) if config.data_dir.exists() else 0,
        installed=is_installed(config),
        notes=notes,
    )


# -- bulk loads: the offline importer and what a killed one leaves --------------------------


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
    java = _check_java()
    command = [java, f"-Xmx{config.heap}", "-cp", str(config.lib_dir / "*"), ADMIN_CLASS,
               # the database first: a list-valued option at the end would swallow it
               "database", "import", "full", database, *arguments]
    env = dict(os.environ, NEO4J_HOME=str(config.neo4j_home), NEO4J_CONF=str(config.conf_dir))
    log = log or (config.logs_dir / "import.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w+b") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env, cwd=config.neo4j_home,
                                   preexec_fn=_die_with_parent)
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
