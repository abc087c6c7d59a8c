"""Headless Chromium for the map tests and bench/maps.py, driven through Selenium.

Selenium rather than raw DevTools-over-websocket: it is already the project's
test extra, starts and stops chromedriver for us (no fixed debugging port),
and still gives CDP commands (``execute_cdp_cmd``) for offline emulation and
the alert trap, plus the performance log for every network request. The
driver and browser paths are given explicitly so Selenium Manager never runs
(it would try to download a driver).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "CHROMEDRIVER", "unavailable_reason", "Browser", "BrowserError"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    "--hide-scrollbars",
)

# Runs before any script of the page: counts dialogs, then lets them open so
# the driver can see them too.
_DIALOG_TRAP = """
(function () {
  window.__dialogs = [];
  ["alert", "confirm", "prompt"].forEach(function (name) {
    var original = window[name];
    window[name] = function (message) {
      window.__dialogs.push(name + ":" + String(message));
      return original.apply(window, arguments);
    };
  });
})();
"""

# Counts canvas pixels that differ from the page background (white).
_CANVAS_INK = """
var canvas = document.querySelector('#tg-map canvas');
if (!canvas) { return -1; }
var ctx = canvas.getContext('2d');
var img = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
var ink = 0;
for (var i = 0; i < img.length; i += 4) {
  var a = img[i + 3];
  if (a > 16 && (img[i] < 235 || img[i + 1] < 235 || img[i + 2] < 235)) { ink++; }
}
return ink;
"""


_WAIT_STABILIZED = """
var done = arguments[arguments.length - 1];
(function check() {
  if (window.__tracegraph && window.__tracegraph.stabilized) { done(true); }
  else { setTimeout(check, 10); }
})();
"""


class BrowserError(RuntimeError):
    """The browser could not be started or a page did not behave."""


def unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if not CHROMEDRIVER.is_file():
        return f"{CHROMEDRIVER} is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install 'tracegraph[test]')"
    return None


class Browser:
    """One headless Chromium with the network cut off and every request recorded.

    Use as a context manager::

        with Browser() as b:
            b.open(path)
            b.wait_stabilized()
    """

    def __init__(self, width: int = 1400, height: int = 900, offline: bool = True):
        reason = unavailable_reason()
        if reason:
            raise BrowserError(reason)
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self._profile = tempfile.mkdtemp(prefix="tracegraph-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in _FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self._profile}")
        options.add_argument(f"--window-size={width},{height}")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        # Leave dialogs open so a test can see them instead of having them dismissed.
        options.unhandled_prompt_behavior = "ignore"
        try:
            self.driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        except Exception as e:
            shutil.rmtree(self._profile, ignore_errors=True)
            raise BrowserError(f"cannot start headless Chromium: {e}") from e
        self.driver.set_script_timeout(60)
        self.driver.execute_cdp_cmd("Network.enable", {})
        if offline:
            self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
                "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1,
            })
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _DIALOG_TRAP})
        self._requests: list[str] = []
        self._console: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)

    # -- pages

    def open(self, path: Path) -> str:
        """Load a local file; returns its ``file://`` URL. Earlier logs are collected first."""
        self._drain()
        self._requests.clear()
        self._console.clear()
        url = Path(path).resolve().as_uri()
        self.driver.get(url)
        return url

    def wait_stabilized(self, timeout: float = 30.0) -> float:
        """Seconds from now until ``window.__tracegraph.stabilized`` is true.

        The page itself polls (one driver round trip instead of one per check),
        so waiting costs the browser next to nothing.
        """
        from selenium.common.exceptions import TimeoutException

        start = time.perf_counter()
        self.driver.set_script_timeout(timeout)
        try:
            self.driver.execute_async_script(_WAIT_STABILIZED)
        except TimeoutException as e:
            raise BrowserError(f"map did not stabilise within {timeout:.0f} s") from e
        finally:
            self.driver.set_script_timeout(60)
        return time.perf_counter() - start

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    # -- what happened

    def _drain(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                self._requests.append(message["params"]["request"]["url"])
        self._console.extend(self.driver.get_log("browser"))

    def requests(self) -> list[str]:
        """Every URL the page requested since :meth:`open`."""
        self._drain()
        return list(self._requests)

    def console_errors(self) -> list[str]:
        """Console messages of level SEVERE since :meth:`open` (script errors, CSP violations)."""
        self._drain()
        return [c["message"] for c in self._console if c.get("level") == "SEVERE"]

    def dialog_open(self) -> str | None:
        """Text of an open alert/confirm/prompt, or ``None``."""
        from selenium.common.exceptions import NoAlertPresentException

        try:
            return self.driver.switch_to.alert.text
        except NoAlertPresentException:
            return None

    def dialogs_trapped(self) -> list[str]:
        return list(self.js("return window.__dialogs || [];"))

    def hover_node(self, node_id: str, wait: float = 0.6) -> str | None:
        """Move the mouse onto a node as a user would; the text of vis-network's popup, if shown."""
        x, y = self.js(
            "var n = window.__tracegraph.network; var p = n.canvasToDOM(n.getPosition(arguments[0]));"
            "var r = document.querySelector('#tg-map canvas').getBoundingClientRect();"
            "return [p.x + r.left, p.y + r.top];", node_id)
        self.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        time.sleep(wait)  # vis-network's tooltip delay
        return self.js("var t = document.querySelector('div.vis-tooltip');"
                       "return t && t.style.visibility === 'visible' ? t.textContent : null;")

    def canvas_ink(self) -> int:
        """Pixels of the map canvas that are not background; -1 when there is no canvas."""
        return int(self.js(_CANVAS_INK))

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by chromedriver and every browser process under it (Linux only).

        On a shared machine wall time says little; this is what the page cost.
        """
        root = getattr(getattr(self.driver, "service", None), "process", None)
        proc = Path("/proc")
        if root is None or not proc.is_dir():
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        parents: dict[int, int] = {}
        usage: dict[int, int] = {}
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # the command name in parentheses may hold spaces: split after it
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(entry.name)] = int(fields[1])
            usage[int(entry.name)] = int(fields[11]) + int(fields[12])
        family = {root.pid}
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in family and pid not in family:
                    family.add(pid)
                    grew = True
        return sum(usage.get(pid, 0) for pid in family) / ticks

    def screenshot(self, path: Path) -> Path:
        path = Path(path)
        self.driver.save_screenshot(str(path))
        return path
