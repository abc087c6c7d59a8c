"""Find Java and fetch the server's jars (and Neo4j Browser's) from Maven Central into the
cache."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

from graph import GraphError
from graph.server.config import MIN_JAVA, ServerConfig

__all__ = ["JavaMissing", "JavaTooOld", "MavenFailed", "java_version", "is_installed",
           "install", "is_browser_installed", "install_browser"]


class JavaMissing(GraphError):
    """No ``java`` on the PATH."""


class JavaTooOld(GraphError):
    """Java older than Neo4j 5 needs."""


class MavenFailed(GraphError):
    """Maven is missing, or could not fetch the server's jars."""


def _java(java_home: Path | str | None = None) -> str:
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


def _check_java(java_home: Path | str | None = None) -> str:
    java = _java(java_home)
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
  <artifactId>{artifact}-local</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>{group}</groupId>
      <artifactId>{artifact}</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def is_installed(config: ServerConfig) -> bool:
    return (config.install_dir / "installed.json").exists()


def install(config: ServerConfig, *, force: bool = False, echo=None) -> Path:
    """Fetch the server's jars from Maven Central into the cache; return the lib directory.

    Idempotent: an install that finished is not repeated unless ``force``.
    """
    _check_java(config.java_home)
    if is_installed(config) and not force:
        return config.lib_dir
    needed = {f"neo4j-{config.version}.jar", f"neo4j-bolt-{config.version}.jar",
              f"neo4j-kernel-{config.version}.jar"}
    if echo:
        echo(f"fetching Neo4j {config.version} and its dependencies from Maven Central ...")
    _fetch(config, config.install_dir, "org.neo4j", "neo4j", config.version, needed)
    return config.lib_dir


def is_browser_installed(config: ServerConfig) -> bool:
    return (config.browser_dir / "installed.json").exists()


def install_browser(config: ServerConfig, *, echo=None) -> Path:
    """Fetch the Neo4j Browser jar (``org.neo4j.client:neo4j-browser``) into the cache the
    way :func:`install` fetches the server; return its lib directory. Idempotent."""
    if is_browser_installed(config):
        return config.browser_dir / "lib"
    if echo:
        echo(f"fetching Neo4j Browser {config.browser_version} from Maven Central ...")
    needed = {f"neo4j-browser-{config.browser_version}.jar"}
    _fetch(config, config.browser_dir, "org.neo4j.client", "neo4j-browser",
           config.browser_version, needed)
    return config.browser_dir / "lib"


def _fetch(config: ServerConfig, folder: Path, group: str, artifact: str, version: str,
           needed: set[str]) -> None:
    """``group:artifact:version`` and its runtime dependencies into ``folder/lib``, checksums
    checked; ``folder/installed.json`` written last, so a half-done fetch is done again."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise MavenFailed(
            "Maven not found: it fetches Neo4j's jars from Maven Central "
            "(Debian/Ubuntu: apt-get install maven)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pom.xml").write_text(_POM.format(group=group, artifact=artifact,
                                                version=version))
    staging = folder / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    command = [
        # -C: a jar whose checksum does not match is an error, not a warning
        mvn, "-B", "-q", "-C", *config.maven_args, "-f", str(folder / "pom.xml"),
        "dependency:copy-dependencies", "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MavenFailed(_maven_reason(result.stdout + result.stderr, f"{group}:{artifact}",
                                        version))
    jars = {p.name for p in staging.glob("*.jar")}
    if not needed <= jars:
        raise MavenFailed(f"Maven finished but the jar set lacks {sorted(needed - jars)}")
    shutil.rmtree(folder / "lib", ignore_errors=True)
    staging.rename(folder / "lib")
    (folder / "installed.json").write_text(
        json.dumps({"version": version, "jars": len(jars), "installed_at": time.time()})
    )


def _maven_reason(output: str, coordinates: str, version: str) -> str:
    text = " ".join(output.split())
    what = "Neo4j" if coordinates == "org.neo4j:neo4j" else coordinates
    if re.search(r"(Could not transfer|Unknown host|UnknownHost|Connection refused|"
                 r"Network is unreachable|timed out|Could not resolve host)", text):
        return (f"Maven could not reach Maven Central to fetch {what} "
                f"{version}: {_first_error(output)}")
    if "Could not find artifact" in text or "could not be resolved" in text:
        return f"Maven could not resolve {coordinates}:{version}: {_first_error(output)}"
    return f"Maven failed to fetch {what} {version}: {_first_error(output)}"


def _first_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("[ERROR]") and line != "[ERROR]":
            return line.replace("[ERROR]", "").strip()[:300]
    for line in lines:  # a Java stack trace: its first line says what went wrong
        if re.search(r"(Exception|Error|Invalid|invalid)", line) and not line.startswith("at "):
            return line[:300]
    return lines[-1][:300] if lines else "no output"
