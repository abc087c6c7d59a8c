"""Neo4j Browser served by the managed server: its configuration lines and whether it answers.

The Browser is the ``org.neo4j.client:neo4j-browser`` jar (fetched by
:func:`graph.server.install.install_browser`) on the server's class path; the server serves
it at ``/browser/`` when its HTTP connector is on. tracegraph turns HTTP on only when asked
(``tracegraph neo4j start --browser``), on 127.0.0.1 and with the Browser as the only web
module: no HTTP Cypher endpoint, the page talks Bolt to the advertised Bolt port.
"""

from __future__ import annotations

import urllib.error
import urllib.request

__all__ = ["conf_lines", "browser_url", "answers"]

# The page may load and connect to nothing but this server: its own HTTP origin for the
# app, the Bolt websocket for queries. Neo4j's default policy also admits segment.io,
# canny.io, Google fonts and guides.neo4j.com; this one shuts those out, so the Browser
# cannot phone home even where the server has no setting for it (5.26 knows no
# browser.allow_outgoing_connections, and strict validation refuses unknown names).
_CSP = ("default-src 'self'; script-src 'self'; img-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; font-src 'self' data:; base-uri 'none'; "
        "object-src 'none'; frame-ancestors 'none'; "
        # the Bolt port over HTTP too: the connect form probes its URL for discovery first
        "connect-src 'self' ws://127.0.0.1:{bolt} http://127.0.0.1:{bolt}")


def conf_lines(bolt_port: int, http_port: int | None) -> list[str]:
    """``neo4j.conf`` lines for the HTTP connector: off when ``http_port`` is None, else on
    127.0.0.1 serving the Browser only, telemetry off."""
    if http_port is None:
        return ["server.http.enabled=false"]
    return [
        "server.http.enabled=true",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.http_enabled_modules=BROWSER",
        "client.allow_telemetry=false",
        # the discovery document is for the Browser's own page, not for any web site
        f"dbms.security.http_access_control_allow_origin=http://127.0.0.1:{http_port}",
        f"dbms.security.http_static_content_security_policy_header={_CSP.format(bolt=bolt_port)}",
    ]


def browser_url(http_port: int) -> str:
    return f"http://127.0.0.1:{http_port}/browser/"


def answers(url: str, timeout: float = 3.0) -> bool:
    """Whether ``url`` serves the Browser's page (status 200, Neo4j Browser's HTML)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return response.status == 200 and b"Neo4j Browser" in response.read(65536)
    except (urllib.error.URLError, OSError, ValueError):
        return False
