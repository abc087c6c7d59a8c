"""Where the table reader hands a sanctions list over to its reader in :mod:`loaders.lists`."""

from __future__ import annotations

from collections.abc import Iterator

from loaders.lists import bis, ofac, opensanctions
from loaders.lists.rows import COLUMNS
from loaders.raw import RawChunk

__all__ = ["recognise_list", "open_list", "list_chunks"]


def recognise_list(head: bytes) -> str | None:
    """The list format of a file by its first bytes, or None for any other file."""
    if bis.recognise(head):
        return "bis-entity-list"
    if opensanctions.recognise(head):
        return "opensanctions-simple"
    return ofac.recognise(head)


def open_list(source, head: bytes) -> None:
    """Fill the opened source's columns (the canonical watchlist rows the reader makes)."""
    if source.compressed:
        from loaders.raw import UnreadableFile

        raise UnreadableFile(source.path, f"a compressed {source.format} file: unpack it first")
    source.columns = list(COLUMNS)
    source.encoding = ofac.ENCODING if source.format.startswith("ofac") else "utf-8-sig"
    if source.format in ofac.FORMATS:
        ofac.register(source.path, source.format)


def list_chunks(source, chunk_rows: int) -> Iterator[RawChunk]:
    if source.format in ofac.FORMATS:
        yield from ofac.ofac_chunks(source.path, source.format, chunk_rows)
    elif source.format == "bis-entity-list":
        yield from bis.bis_chunks(source.path, chunk_rows)
    else:
        yield from opensanctions.opensanctions_chunks(source.path, source.encoding, chunk_rows)
