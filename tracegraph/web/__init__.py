"""The investigator workbench: a local web app (``tracegraph serve``) over the same jobs the
command line runs: search, entity pages, graph view, lists, canned questions and triage."""

from tracegraph.web.app import Workbench, create_app

__all__ = ["Workbench", "create_app"]
