"""Writing the map page: our Jinja2 template, with vis-network, our script and styles inlined.

Nothing in the page is fetched: the scripts are inline and allowed by their
hashes in the Content-Security-Policy, and the data travels as JSON that cannot
end its ``<script>`` element. pyvis's own template links a CDN and writes titles
as HTML, so it is not used.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.resources
import json
import re
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from viz.errors import MapAssetError

__all__ = ["render_page"]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def render_page(header: Mapping[str, Any], legend: Mapping[str, Any], payload: Any) -> str:
    """The HTML document: ``header`` values and ``legend`` in the template, ``payload`` as JSON."""
    vis_js, vis_css, vis_version = _vis_assets()
    map_js, map_css = _own_assets()
    html = _template().render(
        **header,
        legend=legend,
        payload=Markup(_script_json(payload)),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        map_js=Markup(map_js),
        map_css=Markup(map_css),
        vis_version=vis_version,
        # base64 hashes in quotes, made here: nothing from the data
        csp_scripts=Markup(" ".join((_csp_hash(vis_js), _csp_hash(map_js)))),
    )
    # Lone surrogates (text decoded with surrogateescape) cannot be written as UTF-8.
    return _LONE_SURROGATE.sub("\ufffd", html)


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", name))


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str, str]:
    """vis-network's standalone JS and CSS as shipped by pyvis, and its version.

    pyvis is a dependency anyway and ships the standalone UMD build (vis-data
    included) with its licence header, so nothing is vendored into this package.
    """
    try:
        lib = importlib.resources.files("pyvis") / "templates" / "lib"
        candidates = [d for d in lib.iterdir() if d.name.startswith("vis-")
                      and (d / "vis-network.min.js").is_file() and (d / "vis-network.css").is_file()]
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError) as e:
        raise MapAssetError(f"cannot find vis-network inside the installed pyvis: {e}") from e
    if not candidates:
        raise MapAssetError("the installed pyvis ships no vis-network build (templates/lib/vis-*/)")
    newest = max(candidates, key=lambda d: _version_key(d.name))
    js = (newest / "vis-network.min.js").read_text(encoding="utf-8")
    css = (newest / "vis-network.css").read_text(encoding="utf-8")
    _check_inlinable(js, "script", newest.name)
    _check_inlinable(css, "style", newest.name)
    return js, css, newest.name.removeprefix("vis-")


@functools.lru_cache(maxsize=1)
def _own_assets() -> tuple[str, str]:
    static = importlib.resources.files("viz") / "static"
    try:
        js = (static / "map.js").read_text(encoding="utf-8")
        css = (static / "map.css").read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise MapAssetError(f"viz/static is incomplete: {e}") from e
    _check_inlinable(js, "script", "map.js")
    _check_inlinable(css, "style", "map.css")
    return js, css


def _check_inlinable(text: str, tag: str, name: str) -> None:
    # Inside <script>/<style> only these sequences can end or confuse the element.
    lowered = text.lower()
    if f"</{tag}" in lowered or (tag == "script" and "<!--" in lowered):
        raise MapAssetError(f"{name} cannot be inlined: it contains '</{tag}' or '<!--'")


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("viz", "templates"),
        autoescape=True,  # every {{ }} is HTML-escaped unless marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    try:
        return env.get_template("map.html.j2")
    except jinja2.TemplateNotFound as e:
        raise MapAssetError(f"viz/templates/{e.name} is missing") from e


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _script_json(obj: Any) -> str:
    """JSON safe inside ``<script type="application/json">``.

    These characters only occur inside JSON strings, where the ``\\uXXXX`` form
    means the same, so ``</script>`` or ``<!--`` in a name cannot end the block.
    """
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], raw)
