"""Install, start, stop and inspect the managed local Neo4j Community server.

The server is Neo4j's own jars from Maven Central (artifact ``org.neo4j:neo4j`` and its
runtime dependencies) started with ``org.neo4j.server.CommunityEntryPoint``: no tarball,
no Docker, nothing but Java 17 and Maven on the machine. Where it lives and how big it may
grow is a :class:`ServerConfig` that the application fills (``tracegraph.settings``).

- :mod:`graph.server.config`: paths, ports, memory and version (ServerConfig);
- :mod:`graph.server.install`: Java, and the jars fetched by Maven (the server's, and Neo4j
  Browser's for ``start --browser``);
- :mod:`graph.server.browser`: the HTTP connector that serves Neo4j Browser, when asked;
- :mod:`graph.server.process`: start, stop, status, the pid file (checked to name our server
  before any signal), and what a killed bulk load leaves;
- :mod:`graph.server.password`: the password, made once, kept 0600, never on a command line;
- :mod:`graph.server.importer`: the offline importer (``neo4j-admin database import``).
"""

from __future__ import annotations

from graph.server.config import (
    ADMIN_CLASS,
    BROWSER_VERSION,
    MAIN_CLASS,
    MIN_JAVA,
    NEO4J_VERSION,
    USER,
    ServerConfig,
)
from graph.server.importer import BulkImportFailed, admin_import
from graph.server.install import (
    JavaMissing,
    JavaTooOld,
    MavenFailed,
    _java,
    install,
    install_browser,
    is_browser_installed,
    is_installed,
    java_version,
)
from graph.server.password import PasswordFileExists, create_password_file
from graph.server.process import (
    BrowserNeedsRestart,
    PortInUse,
    ServerStartFailed,
    ServerStatus,
    drop_database,
    mark_bulk_load,
    read_password,
    recover_unfinished_bulk_load,
    start,
    status,
    stop,
    unmark_bulk_load,
)

__all__ = [
    "NEO4J_VERSION",
    "BROWSER_VERSION",
    "BrowserNeedsRestart",
    "install_browser",
    "is_browser_installed",
    "MAIN_CLASS",
    "ADMIN_CLASS",
    "MIN_JAVA",
    "USER",
    "ServerConfig",
    "ServerStatus",
    "JavaMissing",
    "JavaTooOld",
    "MavenFailed",
    "PortInUse",
    "ServerStartFailed",
    "java_version",
    "install",
    "is_installed",
    "start",
    "stop",
    "status",
    "read_password",
    "create_password_file",
    "PasswordFileExists",
    "BulkImportFailed",
    "mark_bulk_load",
    "unmark_bulk_load",
    "recover_unfinished_bulk_load",
    "drop_database",
    "admin_import",
]
