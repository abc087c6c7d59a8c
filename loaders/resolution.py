"""Resolution: canonical chunks in, RESOLVED frames out, with one Resolver for the whole load.

Each chunk of :mod:`loaders.accounting` (companies, FtM persons, officers, watchlist,
shipments) becomes the frames of :data:`loaders.columns.RESOLVED` its rows describe; stable
ids come from :mod:`loaders.resolve`. :meth:`Resolution.finish` gives what only the whole
load knows (the SAME_AS_CANDIDATE pairs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from loaders import LoaderError
from loaders.columns import (INPUT_TABLES, LINE_NUMBER, RECORD_DIGEST, RESOLVED,
                             WATCHLIST_ENTITY_COLUMNS, extra_property)
from loaders.mapping import with_columns
from loaders.memo import memo_map
from loaders.normalize import cell_text
from loaders.validate import OWNER_ROLES, tidy_frame

if TYPE_CHECKING:
    from loaders.accounting import CanonicalChunk

__all__ = ["Resolution"]

_FOUNDER_ROLES = frozenset({"founder", "co_founder", "учредитель"})


def _none(values: Any) -> np.ndarray:
    """An object array with None for every missing value (NaN, NaT, None)."""
    array = np.asarray(values, dtype=object)
    missing = pd.isna(array)
    if missing.any():
        array = array.copy()
        array[missing] = None
    return array


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A canonical column as an object array (canonical rows hold None where empty)."""
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)


def _set(frame: pd.DataFrame, name: str, values: Any) -> None:
    """Assign a text column keeping ``object`` dtype and None (see :func:`_frame`)."""
    frame[name] = pd.Series(_objects(values, len(frame)), index=frame.index, dtype=object)


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    """A frame whose text columns stay ``object`` with None (pandas would infer its string
    dtype and turn None into NaN); float and bool arrays keep their dtype, scalars repeat."""
    n = max((len(v) for v in columns.values() if isinstance(v, (list, np.ndarray, pd.Series))),
            default=0)
    out = {}
    for name, values in columns.items():
        if isinstance(values, (np.ndarray, pd.Series)) and values.dtype.kind in "fbi":
            out[name] = pd.Series(np.asarray(values), dtype=values.dtype)
            continue
        out[name] = pd.Series(_objects(values, n), dtype=object)
    return pd.DataFrame(out)


def _with_extras(frame: pd.DataFrame, extras: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the file's extra columns beside the resolved ones, as ``src_<column>``
    (no graph key)."""
    return with_columns(frame, {extra_property(column): pd.Series(
        _objects(_none(extras[column].to_numpy(dtype=object)), len(frame)),
        index=frame.index, dtype=object) for column in extras.columns})


def _objects(values: Any, n: int) -> np.ndarray:
    """An object array of ``n`` items: the values one by one (lists stay lists), or a scalar."""
    array = np.empty(n, dtype=object)
    if isinstance(values, (list, tuple)):
        for i, value in enumerate(values):
            array[i] = value
    elif isinstance(values, (np.ndarray, pd.Series)):
        array[:] = np.asarray(values, dtype=object)
    else:
        array[:] = values
    return array


@dataclass
class _Officers:
    """The officer side of an officers chunk; an officer without a country of his own takes
    his company's."""

    name: np.ndarray
    country: np.ndarray
    ident: np.ndarray
    ref: np.ndarray
    is_company: np.ndarray

    @classmethod
    def of(cls, rows: pd.DataFrame) -> _Officers:
        own = _col(rows, "officer_country")
        return cls(
            name=_col(rows, "officer_name"),
            country=np.where(pd.isna(own), _col(rows, "company_country"), own),
            ident=_col(rows, "officer_id"),
            ref=_col(rows, "officer_ftm_id"),
            is_company=_col(rows, "officer_type") == "company",
        )


class Resolution:
    """Turns canonical chunks into RESOLVED frames, with one Resolver for the whole load.

    Ids
    ---
    Companies (registry rows): :meth:`Resolver.add_company` — (country, registration
    number) > (country, tax id) > name key; a registry row whose country is unknown gets
    :func:`company_id` without a country. Trade parties, corporate officers and listed
    companies without an identifier: :meth:`Resolver.resolve_company`, so a registry
    company loaded earlier in the same load is joined. Listed companies with an identifier
    are added like registry companies (the list describes them). Persons:
    :meth:`Resolver.resolve_person`: the officer's own id, else the name (with or without
    patronymic) within the country; an officer without
    ``officer_country`` takes the company's country (directors mostly live where their
    company is registered; a foreign nominee without a stated country may then split from
    his other boards, which is the safer error). Trade parties' identifiers are kept as
    ``tax_id`` (INN / BIN / VAT numbers are what customs records carry). Shipment ids are
    :func:`shipment_id` of (record id, source), the source defaulting to the file name.

    Officers: ``rel`` is ``OWNS`` for the roles shareholder, beneficial_owner, owner,
    participant and member, and for a founder with a ``share_pct`` (a founder of a Russian
    or Central Asian LLC holds its shares); every other role is ``OFFICER_OF``. An officer
    of type company is resolved like a trade party, in the officer's country.

    Frames carry only what a row knows (None elsewhere, which the writer must not write
    over existing values); a company or person already sent in this load is sent again only
    when new name variants appeared, with its ``names`` so far.
    """

    def __init__(self, resolver=None, list_entries: dict[str, str] | None = None):
        from loaders.resolve import Resolver

        self.resolver = resolver if resolver is not None else Resolver()
        # list entry key -> the entity an earlier load gave the entry (list_entry_key)
        self._list_entries = dict(list_entries or {})
        self._names: dict[str, set[str]] = {}  # entity id -> names already sent
        self._addresses: set[str] = set()
        self._ftm: dict[str, str] = {}  # FtM id -> entity id

    def to_resolved(self, chunk: CanonicalChunk) -> dict[str, pd.DataFrame]:
        """RESOLVED frames (plus extra columns and ``line_number``) for one chunk."""
        rows = chunk.rows
        if rows.empty:
            return {}
        handler = {
            "companies": self._companies, "officers": self._officers,
            "watchlist": self._watchlist, "shipments": self._shipments,
            "persons": self._persons,
        }.get(chunk.kind)
        if handler is None:
            raise LoaderError(f"no resolution for chunks of kind {chunk.kind!r}")
        frames = handler(rows.reset_index(drop=True))
        return {k: _complete(k, v) for k, v in frames.items() if v is not None and len(v)}

    def finish(self) -> dict[str, pd.DataFrame]:
        """What only the whole load knows: the SAME_AS_CANDIDATE pairs."""
        return {"candidates": self.resolver.candidates()}

    # -- shared helpers -----------------------------------------------------------------------

    def _new_names(self, entity_id: str, names: Iterable[str | None]) -> list[str] | None:
        """All names of an entity if some are new to this load, else None."""
        sent = self._names.get(entity_id)
        fresh = [n for n in names if n]
        if sent is not None and sent.issuperset(fresh):
            return None
        if sent is None:
            sent = self._names[entity_id] = set()
        sent.update(fresh)
        return sorted(sent)

    def _address_frame(self, text: np.ndarray, country: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
        from loaders.resolve import address_id

        pairs = pd.Series([f"{t}\x1f{c or ''}" if t else None for t, c in zip(text, country)],
                          dtype=object)
        ids = memo_map(pairs, lambda p: address_id(*p.split("\x1f")) if p else None,
                       key="address_id")
        new = []
        for i, aid in enumerate(ids):
            if aid and aid not in self._addresses:
                self._addresses.add(aid)
                new.append((aid, text[i], country[i]))
        return ids, tidy_frame(pd.DataFrame(new, columns=list(RESOLVED["addresses"])))

    @staticmethod
    def _extras(rows: pd.DataFrame, used: Iterable[str]) -> pd.DataFrame:
        used = set(used) | {LINE_NUMBER}
        return rows[[c for c in rows.columns if c not in used]]

    def _company_rows(self, rows: pd.DataFrame, ids: np.ndarray, names: list[list[str]],
                      from_registry: bool, extras: pd.DataFrame | None) -> pd.DataFrame:
        from loaders.normalize import legal_form, name_key

        country = _col(rows, "country")
        out = _frame({
            "entity_id": ids,
            "name": _col(rows, "name"),
            "names": names,
            "country": country,
            "registration_number": _col(rows, "registration_number"),
            "tax_id": _col(rows, "tax_id"),
            "incorporation_date": _col(rows, "incorporation_date"),
            "dissolution_date": _col(rows, "dissolution_date"),
            "status": _col(rows, "status"),
            "address_id": None,
            "legal_form": _col(rows, "legal_form"),
            "activity_code": _col(rows, "activity_code"),
        })
        forms = memo_map(pd.Series(out["name"], dtype=object), legal_form)
        _set(out, "legal_form", np.where(pd.isna(out["legal_form"]), forms, out["legal_form"]))
        _set(out, "name_key", memo_map(pd.Series(out["name"], dtype=object), name_key))
        out["from_registry"] = from_registry
        if extras is not None and not extras.empty:
            out = _with_extras(out, extras)
        out[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        for i, eid in enumerate(ids):
            self._new_names(eid, names[i])
        return out

    def _with_addresses(self, out: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
        address_ids, addresses = self._address_frame(_col(rows, "address"), _col(rows, "country"))
        _set(out, "address_id", address_ids)
        # namesakes on boards registered at one address are one person (resolve_person)
        for eid, aid in zip(out["entity_id"], address_ids):
            self.resolver.note_company_address(eid, aid)
        return addresses

    # -- kinds --------------------------------------------------------------------------------

    def _companies(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        ids = self.resolver.add_companies(rows).to_numpy(dtype=object)
        ids = self._fallback_ids(rows, ids)
        if "ftm_id" in rows.columns:
            self._remember_ftm(rows["ftm_id"], ids)
        names = _name_lists(rows)
        used = set(INPUT_TABLES["companies"].columns) | {"ftm_id", "schema"}
        out = self._company_rows(rows, ids, names, True, self._extras(rows, used))
        addresses = self._with_addresses(out, rows)
        keep = pd.notna(out["entity_id"])
        return {"addresses": addresses, "companies": out[keep]}

    def _fallback_ids(self, rows: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
        from loaders.resolve import company_id

        missing = pd.isna(ids)
        if missing.any():
            country, reg, tax, name = (_col(rows, c) for c in
                                       ("country", "registration_number", "tax_id", "name"))
            ids = ids.copy()
            for i in np.flatnonzero(missing):
                ids[i] = company_id(country[i], reg[i], tax[i], name[i])
        return ids

    def _remember_ftm(self, ftm_ids: pd.Series, ids: Iterable[str | None]) -> None:
        for ftm_id, eid in zip(ftm_ids, ids):
            if ftm_id and eid:
                self._ftm[str(ftm_id)] = eid

    def _persons(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        name, country, ident = _col(rows, "name"), _col(rows, "country"), _col(rows, "id")
        ids = np.array([self.resolver.resolve_person(n, c, i)
                        for n, c, i in zip(name, country, ident)], dtype=object)
        if "ftm_id" in rows.columns:
            self._remember_ftm(rows["ftm_id"], ids)
        names = _name_lists(rows)
        used = {"name", "country", "aliases", "id", "ftm_id", "schema"}
        persons = self._person_rows(ids, name, names, country, rows[LINE_NUMBER].to_numpy(),
                                    self._extras(rows, used))
        return {"persons": persons}

    def _person_rows(self, ids, name, names, country, lines, extras=None) -> pd.DataFrame:
        from loaders.normalize import person_key

        out = _frame({"entity_id": ids, "name": name, "names": names, "country": country})
        _set(out, "name_key", memo_map(pd.Series(name, dtype=object), person_key))
        if extras is not None:
            out = _with_extras(out, extras)
        out[LINE_NUMBER] = lines
        # a person already sent goes again only with new spellings, carrying all of them
        updated = [self._new_names(eid, n) if eid else None for eid, n in zip(ids, names)]
        _set(out, "names", updated)
        keep = np.array([u is not None for u in updated], dtype=bool)
        return out[keep]

    def _officers(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        company_ids = self._officer_company_ids(rows)
        officer = _Officers.of(rows)
        officer_ids = self._officer_ids(officer, company_ids)
        officers = self._officer_relations(rows, officer_ids, officer.is_company, company_ids)
        companies = self._officer_company_stubs(rows, company_ids, officer_ids, officer)
        people = np.flatnonzero(~officer.is_company)
        persons = self._person_rows(
            officer_ids[people], officer.name[people], [[x] for x in officer.name[people]],
            officer.country[people], rows[LINE_NUMBER].to_numpy()[people],
        ) if len(people) else None
        return {"companies": companies, "persons": persons, "officers": officers}

    def _officer_company_ids(self, rows: pd.DataFrame) -> np.ndarray:
        """The company of each officer row: by FtM id, else by registration number (a company
        not known yet gets its id from country and number)."""
        from loaders.resolve import company_id

        country, reg, ref = (_col(rows, c) for c in
                             ("company_country", "company_registration_number", "company_ftm_id"))
        ids = np.empty(len(rows), dtype=object)
        memo: dict[tuple, str | None] = {}
        for i in range(len(rows)):
            key = (country[i], reg[i], ref[i])
            if key not in memo:
                eid = self._ftm.get(ref[i]) if ref[i] else None
                if eid is None and reg[i]:
                    eid = self.resolver.resolve_company(None, country[i], reg[i])
                    eid = eid or company_id(country[i], reg[i])
                memo[key] = eid
            ids[i] = memo[key]
        return ids

    def _officer_ids(self, officer: _Officers, company_ids: np.ndarray) -> np.ndarray:
        """Each officer's entity: by FtM id, else a corporate officer like a trade party and a
        person by :meth:`Resolver.resolve_person`."""
        from loaders.resolve import company_id

        name, country, oid, ref = officer.name, officer.country, officer.ident, officer.ref
        ids = np.empty(len(name), dtype=object)
        memo: dict[tuple, str | None] = {}
        for i in range(len(name)):
            is_company = bool(officer.is_company[i])
            key = (name[i], country[i], oid[i], is_company, ref[i], company_ids[i])
            if key not in memo:
                eid = self._ftm.get(ref[i]) if ref[i] else None
                if eid is None and is_company:
                    eid = self.resolver.resolve_company(name[i], country[i], oid[i])
                    eid = eid or company_id(country[i], oid[i], name=name[i])
                elif eid is None:
                    eid = self.resolver.resolve_person(name[i], country[i], oid[i],
                                                       company=company_ids[i])
                memo[key] = eid
            ids[i] = memo[key]
        return ids

    def _officer_relations(self, rows: pd.DataFrame, officer_ids: np.ndarray,
                           is_company: np.ndarray, company_ids: np.ndarray) -> pd.DataFrame:
        """One OWNS or OFFICER_OF row per officer row whose two ends resolved."""
        n = len(rows)
        role = _col(rows, "role")
        share = rows["share_pct"].to_numpy(dtype=float) if "share_pct" in rows else np.full(n, np.nan)
        owns = np.isin(role, list(OWNER_ROLES)) | (np.isin(role, list(_FOUNDER_ROLES)) & ~np.isnan(share))
        officers = _frame({
            "officer_entity_id": officer_ids,
            "officer_kind": np.where(is_company, "Company", "Person"),
            "company_entity_id": company_ids,
            "rel": np.where(owns, "OWNS", "OFFICER_OF"),
            "role": role,
            "share_pct": _none(np.where(np.isnan(share), None, share)),
            "start_date": _col(rows, "start_date"),
            "end_date": _col(rows, "end_date"),
        })
        used = set(INPUT_TABLES["officers"].columns) | {"officer_ftm_id", "company_ftm_id", "ftm_id"}
        officers = _with_extras(officers, self._extras(rows, used))
        officers[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        return officers[pd.notna(officers["officer_entity_id"])
                        & pd.notna(officers["company_entity_id"])]

    def _officer_company_stubs(self, rows: pd.DataFrame, company_ids: np.ndarray,
                               officer_ids: np.ndarray, officer: _Officers) -> pd.DataFrame | None:
        """The Company nodes the relationships need: companies seen first here, and corporate
        officers (again when they bring a new name)."""
        company_country = _col(rows, "company_country")
        company_reg = _col(rows, "company_registration_number")
        lines = rows[LINE_NUMBER].to_numpy()
        stubs = []
        for i in range(len(rows)):
            eid = company_ids[i]
            if eid and eid not in self._names:
                self._names[eid] = set()
                stubs.append({"entity_id": eid, "country": company_country[i],
                              "registration_number": company_reg[i], "names": [],
                              LINE_NUMBER: lines[i]})
        name, country = officer.name, officer.country
        for i in np.flatnonzero(officer.is_company):
            eid = officer_ids[i]
            names = self._new_names(eid, [name[i]]) if eid else None
            if names is not None:
                stubs.append({"entity_id": eid, "name": self.resolver.display_name(eid) or name[i],
                              "names": names, "country": country[i], "tax_id": officer.ident[i],
                              LINE_NUMBER: lines[i]})
        if not stubs:
            return None
        companies = tidy_frame(pd.DataFrame(stubs))
        companies["from_registry"] = False
        return companies

    def _watchlist(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        from loaders.lists.rows import retype_identifiers

        rows = retype_identifiers(rows)  # labels glued to numbers in the lists' text
        kind = _col(rows, "entity_kind")
        kind = np.where(pd.isna(kind), "Company", kind)
        ids = self._listed_ids(rows, kind)
        names = _name_lists(rows)
        is_person = kind == "Person"
        frames = self._listed_companies(rows, ids, names, is_person)
        persons_at = np.flatnonzero(is_person)
        if len(persons_at):
            frames["persons"] = self._person_rows(
                ids[persons_at], _col(rows, "name")[persons_at], [names[i] for i in persons_at],
                _col(rows, "country")[persons_at], rows[LINE_NUMBER].to_numpy()[persons_at],
            )
        frames["listings"] = self._listings(rows, ids, kind)
        return frames

    def _listed_ids(self, rows: pd.DataFrame, kind: np.ndarray) -> np.ndarray:
        """The listed entity of each row: by FtM id; a person by name and identifier; a company
        with a registration or tax number added like a registry company; else resolved like a
        trade party."""
        from loaders.resolve import company_id

        name, country, ident = _col(rows, "name"), _col(rows, "country"), _col(rows, "id")
        reg, tax = _col(rows, "registration_number"), _col(rows, "tax_id")
        latin, aliases = _col(rows, "name_latin"), _col(rows, "aliases")
        ref = _col(rows, "entity_ftm_id")
        entries = _entry_keys(rows)
        ids = np.empty(len(rows), dtype=object)
        for i in range(len(rows)):
            eid = self._ftm.get(ref[i]) if ref[i] else None
            if eid is None and kind[i] != "Person":
                # a company entry loaded before stays with its company, whatever the graph
                # learned since (a person resolves by name and id alone, the same each time)
                eid = self._list_entries.get(entries[i])
                if eid is not None:
                    self.resolver.add_names(eid, [name[i], latin[i], *_split(aliases[i])])
            if eid is None and kind[i] == "Person":
                eid = self.resolver.resolve_person(name[i], country[i],
                                                   tax[i] or reg[i] or ident[i])
            elif eid is None and (reg[i] or tax[i]):
                eid = self.resolver.add_company(country[i], name[i], reg[i], tax[i], latin[i], aliases[i])
                eid = eid or company_id(country[i], reg[i], tax[i], name[i])
            elif eid is None:
                eid = self.resolver.resolve_company(name[i], country[i], ident[i])
                eid = eid or company_id(country[i], ident[i], name=name[i])
            ids[i] = eid
        return ids

    def _listed_companies(self, rows: pd.DataFrame, ids: np.ndarray, names: list[list[str]],
                          is_person: np.ndarray) -> dict[str, pd.DataFrame]:
        """Addresses and companies of the listed companies."""
        # a listed company gets a full row when the list describes it or it is new to the
        # load; one already known (registry, earlier listing) only its new name variants
        details = np.zeros(len(rows), dtype=bool)
        for column in WATCHLIST_ENTITY_COLUMNS:
            if column != "entity_kind" and column in rows.columns:
                details |= pd.notna(rows[column].to_numpy(dtype=object))
        fresh = np.array([eid is not None and eid not in self._names for eid in ids], dtype=bool)
        full_at = np.flatnonzero(~is_person & (details | fresh))
        frames: dict[str, pd.DataFrame] = {}
        parts = []
        if len(full_at):
            sub = rows.iloc[full_at].reset_index(drop=True)
            out = self._company_rows(sub, ids[full_at], [names[i] for i in full_at], False, None)
            frames["addresses"] = self._with_addresses(out, sub)
            parts.append(out[pd.notna(out["entity_id"])])
        lines = rows[LINE_NUMBER].to_numpy()
        renamed = []
        for i in np.flatnonzero(~is_person & ~(details | fresh)):
            updated = self._new_names(ids[i], names[i]) if ids[i] else None
            if updated is not None:
                renamed.append({"entity_id": ids[i], "names": updated, LINE_NUMBER: lines[i]})
        if renamed:
            parts.append(tidy_frame(pd.DataFrame(renamed)).assign(from_registry=False))
        if parts:
            frames["companies"] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return frames

    def _listings(self, rows: pd.DataFrame, ids: np.ndarray, kind: np.ndarray) -> pd.DataFrame:
        from loaders.ids import listing_id

        lists, program, category = _col(rows, "list"), _col(rows, "program"), _col(rows, "category")
        listings = _frame({
            "listing_id": [listing_id(lists[i], program[i], category[i], ids[i])
                           if ids[i] else None for i in range(len(rows))],
            "entity_id": ids,
            "entity_kind": kind,
            "list": lists,
            "program": program,
            "listed_on": _col(rows, "listed_on"),
            "category": category,
            # names of other entries of the list (OFAC's "Linked To:"), joined after the load
            "linked_to": [_link_names(v) for v in _col(rows, "linked_to")],
            "entries": [[key] for key in _entry_keys(rows)],
        })
        entity_columns = set(WATCHLIST_ENTITY_COLUMNS) | {"name", "country", "id"}
        used = (set(INPUT_TABLES["watchlist"].columns) | entity_columns
                | {"entity_ftm_id", "ftm_id", "linked_to", "source_entity_id"})
        listings = _with_extras(listings, self._extras(rows, used))
        listings[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        return listings[pd.notna(listings["listing_id"])]

    def _shipments(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        from loaders.resolve import shipment_ids

        companies = []
        resolved = {}
        lines = rows[LINE_NUMBER].to_numpy()
        for side in ("exporter", "importer"):
            name, country, ident = (_col(rows, f"{side}_{c}") for c in ("name", "country", "id"))
            # the distinct parties in order of first appearance, each resolved once
            codes, first = _distinct_rows(name, country, ident)
            names_u, countries_u, idents_u = (c[first].tolist() for c in (name, country, ident))
            resolve = self.resolver.resolve_company
            ids = np.empty(len(first), dtype=object)
            ids[:] = [resolve(*party) for party in zip(names_u, countries_u, idents_u)]
            resolved[side] = ids[codes]
            # one company row per party entity that is new to this load or has new names
            by_entity: dict[str, list[int]] = {}
            for j, eid in enumerate(ids.tolist()):
                if eid:
                    by_entity.setdefault(eid, []).append(j)
            for eid, parts in by_entity.items():
                spellings = [names_u[j] for j in parts]
                known = eid in self._names
                names = self._new_names(eid, spellings)
                if names is None:
                    continue
                j = parts[0]
                row = {"entity_id": eid, "names": names, LINE_NUMBER: lines[first[j]]}
                if not known:
                    row.update(name=self.resolver.display_name(eid) or spellings[0],
                               country=countries_u[j], tax_id=idents_u[j])
                companies.append(row)
        record_id = _col(rows, "record_id")
        ids = (rows["shipment_id"].tolist() if "shipment_id" in rows  # the loader's RecordLedger
               else shipment_ids(record_id, _col(rows, "source")))
        ship = _frame({"shipment_id": ids, "record_id": record_id})
        for column in RESOLVED["shipments"][2:]:
            if column in ("exporter_entity_id", "importer_entity_id"):
                _set(ship, column, resolved[column.split("_")[0]])
            elif column in ("quantity", "net_weight_kg", "value_usd"):
                ship[column] = rows[column].to_numpy(dtype=float) if column in rows else np.nan
            else:
                _set(ship, column, _col(rows, column))
        if RECORD_DIGEST in rows:
            _set(ship, RECORD_DIGEST, rows[RECORD_DIGEST].to_numpy(dtype=object))
        used = set(INPUT_TABLES["shipments"].columns) | {"hs6", "shipment_id", RECORD_DIGEST}
        ship = _with_extras(ship, self._extras(rows, used))
        ship[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        frames = {"shipments": ship}
        if companies:
            frame = tidy_frame(pd.DataFrame(companies))
            frame["from_registry"] = False
            frames["companies"] = frame
        return frames


def _split(aliases: Any) -> list[str]:
    """The names of an aliases cell (``;``-separated, or a list)."""
    if isinstance(aliases, (list, tuple)):
        return [a.strip() for a in aliases if isinstance(a, str) and a.strip()]
    text = cell_text(aliases)
    return [a.strip() for a in text.split(";") if a.strip()] if text else []


def _entry_keys(rows: pd.DataFrame) -> list[str]:
    """:func:`~loaders.ids.list_entry_key` of each watchlist row."""
    from loaders.ids import list_entry_key

    return [list_entry_key(*parts) for parts in zip(
        _col(rows, "list"), _col(rows, "name"), _col(rows, "country"),
        _col(rows, "source_entity_id"))]


def _link_names(value: Any) -> list[str] | None:
    """The ``;``-separated names of a ``linked_to`` cell; None when it names none."""
    return _split(value) or None


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the columns taken together: a code per row (0, 1, ... in order of first
    appearance) and the position of each code's first row. Missing values (None) are values
    like any other."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        # renumbered after each column, so the combined key stays below rows x values
        key = pd.factorize(key * len(uniques) + codes)[0]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    # np.unique orders by key; number the rows by first appearance instead
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(first), dtype=np.int64)
    rank[order] = np.arange(len(first))
    return rank[inverse.reshape(-1)], first[order]


def _complete(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every RESOLVED column of its kind (None where the rows do not say),
    those first, then the extras and ``line_number``."""
    frame = frame.reset_index(drop=True)
    for column in RESOLVED[name]:
        if column not in frame.columns:
            frame[column] = pd.Series([None] * len(frame), dtype=object)
    first = list(RESOLVED[name])
    return frame[first + [c for c in frame.columns if c not in first]]


def _name_lists(rows: pd.DataFrame) -> list[list[str]]:
    """Per row: name, Latin name and the ``;``-separated aliases, cleaned and de-duplicated."""
    from loaders.normalize import clean_name

    name, latin, aliases = _col(rows, "name"), _col(rows, "name_latin"), _col(rows, "aliases")
    cache: dict[str, str | None] = {}

    def clean(text: str) -> str | None:
        if text not in cache:
            cache[text] = clean_name(text)
        return cache[text]

    out = []
    for n, l, a in zip(name, latin, aliases):
        seen: list[str] = []
        for variant in [n, l, *(a.split(";") if a else [])]:
            value = clean(variant) if variant else None
            if value and value not in seen:
                seen.append(value)
        out.append(seen)
    return out
