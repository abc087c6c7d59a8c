"""Files other tools read, made from plain NetworkX graphs. Imports nothing else of ours.

- :mod:`exports.gexf` (Gephi) and :mod:`exports.graphml` (yEd, Cytoscape): NetworkX's
  writers on the graph flattened by :mod:`exports.cells`;
- :mod:`exports.ftm`: FollowTheMoney JSON lines (Aleph, OpenAleph, ``ftm``);
- :mod:`exports.tables`: CSV node and edge tables (spreadsheets, ``neo4j-admin import``);
- :mod:`exports.dossier`: a printable HTML dossier of a company.

The modules are imported where used, not here: ``exports.cells`` is on the path of every
CSV result tracegraph writes, and need not load followthemoney or Jinja2.
"""


class ExportError(Exception):
    """Base of the exports package's errors: a file that cannot be written."""


__all__ = ["ExportError"]
