"""Stable ids: hashes of the identifying parts of a company, person, address or trade record.

Like FollowTheMoney's ``make_entity_id``, the same input gives the same id in every process,
so a second load of a file changes nothing. The parts are normalised first (country codes,
identifiers, name keys), so that spellings of one company or person share an id.

Examples
--------
>>> company_id("Russia", "1027700132195") == company_id("RU", None, "1027700132195")
True
>>> make_id("sh", "KG-IM-17")[:3]
'sh-'
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from typing import Any

from loaders import LoaderError
from loaders.normalize import (
    NULL_WORDS,
    address_key,
    cell_text,
    name_key,
    normalize_country,
    normalize_identifier,
    person_key,
)

__all__ = [
    "ResolveError",
    "make_id",
    "company_id",
    "listing_id",
    "list_entry_key",
    "person_id",
    "address_id",
    "shipment_id",
    "shipment_ids",
    "record_digests",
]


class ResolveError(LoaderError):
    """Resolution asked for something that cannot be: an empty id, inconsistent thresholds."""


def _part(value: Any) -> str:
    if value.__class__ is str:
        # the common case, a record id or a key, without the general cell_text's detours:
        # every shipment row asks for an id
        text = value.strip()
        if not text or text.casefold() in NULL_WORDS:
            return ""
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    text = cell_text(value)
    return "" if text is None else unicodedata.normalize("NFC", text)


def make_id(kind: str, *parts: Any) -> str:
    """Deterministic id: the kind tag, a dash and the sha1 of the kind and parts.

    Parts should already be normalised by the caller (keys, ISO codes); here they are only
    trimmed and NFC-composed. Missing parts count as empty, but not all of them may be.

    Examples
    --------
    >>> make_id("sh", "KG-IM-17") == make_id("sh", " KG-IM-17 ")
    True
    >>> make_id("sh", "KG-IM-17")[:3]
    'sh-'
    """
    if not kind or not kind.isalnum():
        raise ResolveError(f"id kind must be a short alphanumeric tag, got {kind!r}")
    texts = [_part(p) for p in parts]
    if not any(texts):
        raise ResolveError(f"cannot make a {kind!r} id from nothing: all parts are empty")
    # the unit separator cannot occur in data, so ("a b", "c") and ("a", "b c") differ
    digest = hashlib.sha1("\x1f".join([kind, *texts]).encode("utf-8")).hexdigest()
    return f"{kind}-{digest}"


def company_id(
    country: Any,
    registration_number: Any = None,
    tax_id: Any = None,
    name: Any = None,
) -> str | None:
    """Id of a company: from (country, registration number), else (country, tax id), else
    (country, name key); None when none of them is usable.

    Registration and tax numbers share one id space, because a trade record's
    ``exporter_id`` / ``importer_id`` may be either: a trade party whose id is a company's
    registration number gets the very id of that registry company.

    Examples
    --------
    >>> company_id("Russia", "1027700132195") == company_id("RU", None, "1027700132195")
    True
    >>> company_id("RU", name="ООО «Радиоком»") == company_id("RUS", name="Radiokom LLC")
    True
    >>> company_id("RU") is None
    True
    """
    code = normalize_country(country) or ""
    for number in (registration_number, tax_id):
        ident = normalize_identifier(number)
        if ident:
            return make_id("co", code, "id", ident)
    key = name_key(name)
    if key:
        return make_id("co", code, "name", key)
    return None


def listing_id(list_name: Any, program: Any, category: Any, entity_id: Any) -> str:
    """Id of a listing: one list's entry (list, programme, category) for one entity.

    Examples
    --------
    >>> listing_id("EU-833", None, "entity", "co-1") == listing_id("EU-833", "", "entity", "co-1")
    True
    """
    return make_id("li", list_name, program, category, entity_id)


def list_entry_key(list_name: Any, name: Any, country: Any, entry_id: Any = None) -> str:
    """Key of one entry of a list as the list writes it: its own number where it has one
    (OFAC's entity number), else its name as written and country. A reload finds the entry
    by it, whatever else the graph learned since.

    Examples
    --------
    >>> list_entry_key("OFAC-SDN", "PROFFLAB", "KG", "48847") == list_entry_key(
    ...     "OFAC-SDN", "Profflab LLC", "KG", "48847")
    True
    """
    if _part(entry_id):
        return make_id("le", list_name, "#", entry_id)
    return make_id("le", list_name, name, country)


def person_id(name: Any, country: Any = None, officer_id: Any = None) -> str | None:
    """Id of a person: from the officer's own id when known, else (name key, country).

    The name key is word-order free, so a nominee director written ``Иванов Иван`` in one
    registry and ``Ivan Ivanov`` in another is one node on all the boards he sits on.

    Examples
    --------
    >>> person_id("Иванов Иван Иванович", "RU") == person_id("IVAN IVANOVICH IVANOV", "RUS")
    True
    >>> person_id("Ivan Ivanov", officer_id="AB 123456") == person_id("I. Ivanov", None, "AB123456")
    True
    """
    ident = normalize_identifier(officer_id)
    if ident:
        return make_id("pe", "id", ident)
    key = person_key(name)
    if key:
        return make_id("pe", normalize_country(country) or "", "name", key)
    return None


def address_id(text: Any, country: Any) -> str | None:
    """Id of an address from its :func:`address_key` and country; None for an empty address.

    Examples
    --------
    >>> address_id("г. Бишкек, ул. Киевская, д. 77", "KG") == address_id(
    ...     "Bishkek city, Kievskaya str. 77", "Kyrgyzstan")
    True
    """
    key = address_key(text)
    if key is None:
        return None
    return make_id("ad", normalize_country(country) or "", key)


def shipment_id(record_id: Any, source: Any = None) -> str:
    """Id of a trade record from the source's own line id (and the source, when record ids
    are only unique within one source).

    Examples
    --------
    >>> shipment_id("KG-IM-17") == shipment_id("KG-IM-17")
    True
    """
    if source is None:
        return make_id("sh", record_id)
    return make_id("sh", source, record_id)


def shipment_ids(record_ids: Sequence[Any], sources: Sequence[Any] | None = None) -> list[str]:
    """:func:`shipment_id` of each (record id, source) pair: the same ids, made a column at a
    time.

    A column of plain record ids (text, trimmed, ASCII, no placeholder among them) is hashed
    as it is, with the source's part made once per distinct source; other columns go value
    by value through :func:`make_id`.

    Examples
    --------
    >>> shipment_ids(["KG-IM-17", "KG-IM-18"], ["kg.csv", "kg.csv"]) == [
    ...     shipment_id("KG-IM-17", "kg.csv"), shipment_id("KG-IM-18", "kg.csv")]
    True
    """
    record_ids = list(record_ids)
    sources = [None] * len(record_ids) if sources is None else list(sources)
    if len(sources) != len(record_ids):
        raise ResolveError(f"{len(record_ids)} record ids but {len(sources)} sources")
    plain = all(r.__class__ is str for r in record_ids) and "".join(record_ids).isascii() \
        and all(map(str.__eq__, record_ids, map(str.strip, record_ids))) \
        and NULL_WORDS.isdisjoint(map(str.casefold, record_ids))  # "" is a null word too
    if not plain:
        return [shipment_id(r, s) for r, s in zip(record_ids, sources)]
    sha1 = hashlib.sha1
    # the text make_id hashes is "sh" and the parts joined by the unit separator
    prefixes = {s: "sh\x1f" if s is None else f"sh\x1f{_part(s)}\x1f" for s in set(sources)}
    if len(prefixes) == 1:
        prefix = next(iter(prefixes.values()))
        return [f"sh-{sha1((prefix + r).encode()).hexdigest()}" for r in record_ids]
    return [f"sh-{sha1((prefixes[s] + r).encode()).hexdigest()}"
            for r, s in zip(record_ids, sources)]



def record_digests(rows, columns: Sequence[str]) -> list[str]:
    """A fingerprint of each row's content in ``columns`` (canonical, normalised values):
    16 hex digits of a sha1, equal content, equal digest, in every process.

    What tells a record loaded again (same id, same digest) from another record under a
    taken id (same id, other digest).

    Examples
    --------
    >>> import pandas as pd
    >>> a, b = record_digests(pd.DataFrame({"q": [1.0, 2.0], "u": ["kg", "kg"]}), ["q", "u"])
    >>> a == record_digests(pd.DataFrame({"q": [1.0], "u": ["kg"]}), ["q", "u"])[0], a == b
    (True, False)
    """
    present = [c for c in columns if c in rows]
    texts = ["\x1f".join(parts) for parts in zip(*(
        ["" if v is None or v != v else str(v) for v in rows[c].tolist()] for c in present))]
    if not present:
        texts = [""] * len(rows)
    sha1 = hashlib.sha1
    return [sha1(t.encode("utf-8")).hexdigest()[:16] for t in texts]
