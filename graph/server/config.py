"""Where the managed Neo4j server lives, which version it runs and how big it may grow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["NEO4J_VERSION", "BROWSER_VERSION", "MAIN_CLASS", "ADMIN_CLASS", "MIN_JAVA", "USER",
           "ServerConfig"]

NEO4J_VERSION = "5.26.30"
# org.neo4j.client:neo4j-browser: the newest published; a 5.26 server serves it from its class
# path when HTTP is on (tracegraph neo4j start --browser)
BROWSER_VERSION = "5.24.0"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
MIN_JAVA = 17
USER = "neo4j"


@dataclass
class ServerConfig:
    """Where the managed server lives and how big it may grow.

    The application fills it (``tracegraph.settings.server_config`` reads the
    ``TRACEGRAPH_*`` variables), so a test session or a user with a bigger machine changes
    nothing in code.
    """

    home: Path
    cache: Path
    version: str = NEO4J_VERSION
    port: int | None = None  # None: a free port chosen at the first start, then kept
    heap: str = "1g"
    pagecache: str = "512m"
    start_timeout: float = 180.0
    maven_args: tuple[str, ...] = ()  # e.g. ("-s", "settings.xml") for a mirror or proxy
    java_home: Path | None = None  # None: the ``java`` on the PATH
    browser_version: str = BROWSER_VERSION

    @property
    def install_dir(self) -> Path:
        return self.cache / f"neo4j-{self.version}"

    @property
    def lib_dir(self) -> Path:
        return self.install_dir / "lib"

    @property
    def browser_dir(self) -> Path:
        return self.cache / f"neo4j-browser-{self.browser_version}"

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
        :func:`graph.server.recover_unfinished_bulk_load`."""
        return self.home / "bulk-load.json"
