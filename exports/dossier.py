"""A printable HTML dossier of one company, from a plain dict (Jinja2, autoescape on).

Every name, note and line of a source file is text from investigators' files: the
template escapes it all, and the page loads nothing from anywhere.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

__all__ = ["render_dossier", "DOSSIER_KEYS"]

# what a dossier dict may hold; every key is optional but ``name`` and ``id``
DOSSIER_KEYS = ("id", "name", "names", "identifiers", "incorporation", "officers", "listings",
                "red_flags", "chains", "decisions", "sources", "generated")

_ENV = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)


def render_dossier(company: dict) -> str:
    """The dossier page of ``company`` (see :data:`DOSSIER_KEYS`).

    Examples
    --------
    >>> html = render_dossier({"id": "co-1", "name": "<b>ACME</b>",
    ...                        "identifiers": [("registration number", "123")]})
    >>> "&lt;b&gt;ACME&lt;/b&gt;" in html and "<b>ACME" not in html
    True
    """
    unknown = set(company) - set(DOSSIER_KEYS)
    if unknown:
        raise ValueError(f"dossier keys not known: {sorted(unknown)}")
    return _ENV.get_template("dossier.html").render(c=company)
