"""Entity resolution: one node per real company or person, whatever the spelling.

The :class:`Resolver` joins trade parties to registry companies by registration or tax
number, then by name key (with or without the place a name opens with), then by a fuzzy name
match within the country (the pairwise decision of :mod:`loaders.resolve_pairs`); near
matches below the merge threshold are reported as ``SAME_AS_CANDIDATE`` pairs for a human,
never merged silently. It joins people by their own id, else by name within their country
(:mod:`loaders.resolve_persons`). Entities get the stable ids of :mod:`loaders.ids`.

Examples
--------
>>> import pandas as pd
>>> registry = pd.DataFrame([{"country": "RU", "name": "ООО «Радиоком»",
...                           "registration_number": "1027700132195", "tax_id": "7707083893"}])
>>> resolver = Resolver.from_companies(registry)
>>> a = resolver.resolve_company("RADIOKOM LLC", "Russia", "7707083893")
>>> b = resolver.resolve_company("OOO Radiokom", "RU")
>>> a == b == company_id("RU", "1027700132195")
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from loaders.columns import RESOLVED
from loaders.ids import (
    ResolveError,
    address_id,
    company_id,
    make_id,
    person_id,
    shipment_id,
    shipment_ids,
)
from loaders.memo import memoised
from loaders.normalize import (
    address_key,
    cell_text,
    clean_name,
    identifier_checksum_ok,
    latin_key,
    name_key,
    normalize_country,
    normalize_identifier,
    split_place,
)
from loaders.normalize.names import compact_key
from loaders.resolve_pairs import (
    CANDIDATE_THRESHOLD,
    MAX_TYPO_EDITS,
    MERGE_THRESHOLD,
    MIN_FUZZY_MERGE_LENGTH,
    NameBlocks,
    compact_match_ok,
    compare_keys,
    same_company,
)
from loaders.resolve_known import EarlierLoads
from loaders.resolve_persons import PersonResolver

__all__ = [
    "ResolveError",
    "MERGE_THRESHOLD",
    "CANDIDATE_THRESHOLD",
    "MIN_FUZZY_MERGE_LENGTH",
    "MAX_TYPO_EDITS",
    "make_id",
    "company_id",
    "person_id",
    "address_id",
    "address_key",
    "shipment_id",
    "shipment_ids",
    "same_company",
    "Resolver",
]

_FUZZY_LIMIT = 5  # near names to review looked at per missed name


@dataclass(slots=True)
class _Entity:
    entity_id: str
    country: str
    name: str | None
    in_registry: bool = False
    # no set of its own until there is something in it: the garbage collector walks every
    # set on each of its passes, and most trade companies have no identifier nor registry key
    identifiers: AbstractSet[str] = frozenset()
    names: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    # the keys of the names the registry gives (name, Latin name, aliases): stronger evidence
    # than the keys of trade spellings attached by identifier, which may hold a slip
    registry_keys: AbstractSet[str] = frozenset()

    def add_identifier(self, number: str) -> None:
        self.identifiers = self.identifiers | {number}

    def add_registry_key(self, key: str) -> None:
        self.registry_keys = self.registry_keys | {key}


class Resolver(EarlierLoads):
    """Joins registry companies and trade parties into resolved company entities.

    Build it from the registry (:meth:`from_companies` or :meth:`add_companies`), then ask it
    for each trade party (:meth:`resolve_company`). A party resolves, in this order, to

    1. the company whose registration or tax number, in the same country, is the party's id
       (an id failing its checksum is recorded in :meth:`identifier_problems` and not used);
    2. the one company whose name key (of its name, Latin name, aliases, or any name seen)
       equals the party's, or equals it with the spaces closed (``Lakeshor eSupply``);
    3. the one company known under the party's name with the place it opens with removed, or
       under the party's name after a place (``Ningbo Tianyu Co., Ltd.`` / ``Tianyu Co.,Ltd``,
       see :func:`~loaders.normalize.split_place`);
    4. the company whose name key scores at least ``merge_threshold`` against the party's in
       the same country (see :func:`same_company`);
    5. the one company with a spelling of the whole name, legal form included, a slip or two
       away: a space moved (``SHINWA SYSTEMS C OLTD``), a slip in the form (``Rubin ZCO``,
       ``OsO``), or the same letters once the forms are gone (``SistemTreid Meridian, SPY``),
       within the limits of :func:`~loaders.resolve_pairs.compact_match_ok`;
    6. otherwise a new company with :func:`company_id`, so trade-only parties spelled
       ``ООО «Радиоком»`` and ``OOO Radiokom`` still become one.

    Steps 4 and 5 look only at the names in the blocks of
    :class:`~loaders.resolve_pairs.NameBlocks` (segments and trigrams), never at all the names
    of a country, so resolving grows about linearly with the number of names.

    A name matching one company while the party's valid id contradicts that company's id of
    the same length becomes a separate company. A name held by several companies goes to the
    only one that owns it (:meth:`_owns`), else to none. Such pairs, names matching several
    companies,
    and fuzzy scores between ``candidate_threshold`` and ``merge_threshold`` are kept as
    candidates (:meth:`candidates`). Results are cached per (name, country, id), so calls for
    repeated parties are dictionary look-ups; with the same calls in the same order, two
    resolvers give the same ids.

    People (officers, owners, listed persons) resolve through :meth:`resolve_person`: by their
    own id, else by their name in their country, so that one nominee director written with
    his INN on one board and without it on the next is one person.

    Parameters
    ----------
    merge_threshold, candidate_threshold : float
        Fuzzy name scores (0..1) to merge at and to report a candidate from.
    """

    def __init__(
        self,
        merge_threshold: float = MERGE_THRESHOLD,
        candidate_threshold: float = CANDIDATE_THRESHOLD,
    ) -> None:
        if not 0.0 < candidate_threshold <= merge_threshold <= 1.0:
            raise ResolveError(
                "thresholds must satisfy 0 < candidate_threshold <= merge_threshold <= 1, got "
                f"{candidate_threshold} and {merge_threshold}"
            )
        self.merge_threshold = merge_threshold
        self.candidate_threshold = candidate_threshold
        self._entities: dict[str, _Entity] = {}
        self._by_id: dict[tuple[str, str], str] = {}
        # tuples rather than lists and sets here: the collector stops tracking a tuple of
        # strings, where it walks every list and set on each pass
        self._by_key: dict[tuple[str, str], tuple[str, ...]] = {}
        self._by_joined: dict[tuple[str, str], tuple[str, ...]] = {}
        # per country, the fuzzy search space in blocks (anchor keys, their Latin spellings,
        # compact names); per (country, key), the latin_key spellings behind it, for typos
        self._blocks: dict[str, NameBlocks] = {}
        self._latin: dict[tuple[str, str], tuple[str, ...]] = {}
        # per (country, name key without its opening place), the companies and their places
        self._by_rest: dict[tuple[str, str], dict[str, set[str]]] = {}
        self._cache: dict[tuple[Any, Any, Any], str | None] = {}
        # name-only companies a numbered one took over: gone id -> kept id (see _absorb)
        self._absorbed: dict[str, str] = {}
        # per pair of ids (sorted), the first reason given
        self._candidates: dict[tuple[str, str], tuple[str, str, float, str]] = {}
        self._problems: dict[tuple[str, str, str], dict[str, Any]] = {}
        # people: officers, owners and listed persons, a matcher of their own
        self._persons = PersonResolver()

    # -- building from the registry -----------------------------------------------------------

    @classmethod
    def from_companies(cls, frame: pd.DataFrame, **options: Any) -> Resolver:
        """A resolver holding the registry companies of a frame with the ``companies`` columns."""
        resolver = cls(**options)
        resolver.add_companies(frame)
        return resolver

    def add_companies(self, frame: pd.DataFrame) -> pd.Series:
        """Add registry companies; returns their entity ids aligned with the frame's index.

        Rows without a usable country, or with neither an id nor a name, get None.
        """
        def column(name: str) -> Iterable[Any]:
            return frame[name] if name in frame.columns else [None] * len(frame)

        ids = [
            self.add_company(country, name, registration_number, tax_id, name_latin, aliases)
            for country, name, registration_number, tax_id, name_latin, aliases in zip(
                column("country"), column("name"), column("registration_number"),
                column("tax_id"), column("name_latin"), column("aliases"),
            )
        ]
        return pd.Series(ids, index=frame.index, dtype=object, name="entity_id")

    def add_company(
        self,
        country: Any,
        name: Any,
        registration_number: Any = None,
        tax_id: Any = None,
        name_latin: Any = None,
        aliases: Any = None,
    ) -> str | None:
        """Add one registry company (``aliases`` may be a ``;``-separated string or a list)."""
        code = normalize_country(country)
        if code is None:
            return None
        numbers = [n for n in (normalize_identifier(registration_number),
                               normalize_identifier(tax_id)) if n]
        for number in numbers:
            if identifier_checksum_ok(number, code) is False:
                # the registry is the authority on its own numbers: note it, use it anyway
                self._problem(code, number, clean_name(name), "registry_checksum_failed", None)
        entity_id = next((self._by_id[(code, n)] for n in numbers if (code, n) in self._by_id),
                         None)
        if entity_id is None:
            entity_id = company_id(code, *numbers[:1], name=name)
            if entity_id is None:
                return None
        entity = self._entity(entity_id, code, clean_name(name))
        if not entity.in_registry:
            entity.in_registry = True
            entity.name = clean_name(name) or entity.name
        for number in numbers:
            owner = self._by_id.setdefault((code, number), entity_id)
            if owner != entity_id:
                self._problem(code, number, entity.name, "identifier_shared", entity_id)
                continue
            entity.add_identifier(number)
        own = {name_key(name), name_key(name_latin)}
        for variant in (name, name_latin, *_split_aliases(aliases)):
            key = self._add_name(entity, variant)
            if key is None:
                continue
            entity.add_registry_key(key)
            holders = self._by_key[(code, key)]
            others = [h for h in holders if h != entity_id]
            if len(others) == 1 and self._takes_over(entity, self._entities[others[0]], key):
                self._absorb(self._entities[others[0]], entity)
            elif len(holders) > 1 and holders[0] != entity_id and self._namesakes(
                    entity, self._entities[holders[0]], key, own):
                # namesakes in one registry are usually different companies: flag, don't merge
                self._candidate(entity_id, holders[0], 1.0, "name_exact")
        return entity_id

    # -- resolving trade parties --------------------------------------------------------------

    def resolve_company(self, name: Any, country: Any, identifier: Any = None) -> str | None:
        """Entity id of a trade party; None when the country or both name and id are junk."""
        if identifier is not None and not isinstance(identifier, str):
            identifier = None if cell_text(identifier) is None else identifier
        found = memoised(self._cache, (name, country, identifier),
                         self._resolve, name, country, identifier)
        # a cached answer may name a company taken over since
        return self._entities[found].entity_id if found else found

    def resolve_companies(
        self,
        names: Sequence[Any],
        countries: Sequence[Any],
        identifiers: Sequence[Any] | None = None,
    ) -> list[str | None]:
        """:meth:`resolve_company` over columns (e.g. ``exporter_name``, ``exporter_country``,
        ``exporter_id``)."""
        if identifiers is None:
            identifiers = [None] * len(names)
        return [self.resolve_company(n, c, i) for n, c, i in zip(names, countries, identifiers)]

    def _resolve(self, name: Any, country: Any, identifier: Any) -> str | None:
        code = normalize_country(country)
        if code is None:
            return None
        key = name_key(name)
        display = clean_name(name)
        ident = normalize_identifier(identifier)
        if ident and identifier_checksum_ok(ident, code) is False:
            self._problem(code, ident, display, "checksum_failed", None)
            ident = None
        if key is None and ident is None:
            return None

        if ident and (code, ident) in self._by_id:
            entity = self._entities[self._by_id[(code, ident)]]
            self._add_name(entity, name, display=display)
            return entity.entity_id
        if key is None:
            return self._new_entity(code, ident, name, display).entity_id

        # the exact key, else the key with its spaces closed ("Lakeshor eSupply"), else the
        # name with or without the place it opens with ("Ningbo Tianyu" / "Tianyu")
        method = "name_exact"
        holders = self._by_key.get((code, key)) or self._by_joined.get(
            (code, key.replace(" ", "")), [])
        if not holders:
            method = "name_place"
            holders = self._place_holders(code, name, key)
        if len(holders) == 1:
            entity = self._entities[holders[0]]
            if ident and self._contradicts(entity, ident):
                new = self._new_entity(code, ident, name, display)
                self._candidate(new.entity_id, entity.entity_id, 1.0, f"{method}_other_id")
                return new.entity_id
            return self._attach(entity, name, ident, display=display).entity_id
        owners = [h for h in holders if self._owns(self._entities[h], key)]
        if len(holders) > 1 and len(owners) == 1 and not (
                ident and self._contradicts(self._entities[owners[0]], ident)):
            # the others hold it without an identifier (earlier spellings not placed yet) or
            # by a trade spelling with a slip (ODO Kvant for Ordo Kvant)
            entity = self._entities[owners[0]]
            for other in holders:
                if other != entity.entity_id:
                    self._candidate(entity.entity_id, other, 1.0, f"{method}_ambiguous")
            return self._attach(entity, name, ident, display=display).entity_id
        if len(holders) > 1:
            # one name, several companies: do not guess which one traded
            new = self._new_entity(code, ident, name, display)
            for other in holders:
                if other != new.entity_id:
                    self._candidate(new.entity_id, other, 1.0, f"{method}_ambiguous")
            return new.entity_id

        matched, near = self._fuzzy(code, key, latin_key(name), ident)
        if matched is None:
            matched = self._compact_match(code, name, key, ident)
        # a name merged as a typo is no anchor for further typo merges, or a chain of one-letter
        # slips would walk from one company to another
        entity = self._attach(matched, name, ident, False, display) if matched else \
            self._new_entity(code, ident, name, display)
        for other_id, score in near:
            if other_id != entity.entity_id:
                self._candidate(entity.entity_id, other_id, score, "name_fuzzy")
        return entity.entity_id

    def _place_holders(self, code: str, name: Any, key: str) -> list[str]:
        """Companies known under this name with its opening place removed, or, for a name
        without a place, under this name after a place (see :func:`split_place`)."""
        split = split_place(name, code)
        if split is None:
            return list(self._by_rest.get((code, key), ()))
        place, rest = split
        places = self._by_rest.get((code, rest), {})
        # a company known under the same words after another place is another company
        return [h for h in self._by_key.get((code, rest), ()) if places.get(h, set()) <= {place}]

    def _fuzzy(self, code: str, key: str, latin: str | None, ident: str | None
               ) -> tuple[_Entity | None, list[tuple[str, float]]]:
        """The one entity to merge with (if any) and the near entities with their scores."""
        blocks = self._blocks.get(code)
        if blocks is None:
            return None, []
        found = blocks.fuzzy_keys(key, latin, self.candidate_threshold * 100,
                                  self.merge_threshold * 100, _FUZZY_LIMIT)
        merge_ids: dict[str, float] = {}
        near: dict[str, float] = {}
        for choice in found:
            merge, score = compare_keys(key, choice, self.merge_threshold,
                                        (latin,) if latin else (),
                                        self._latin.get((code, choice), ()))
            for holder in self._by_key[(code, choice)]:
                near[holder] = max(score, near.get(holder, 0.0))
                if merge:
                    merge_ids[holder] = max(score, merge_ids.get(holder, 0.0))
        if not merge_ids:
            return None, sorted(near.items())
        best = max(merge_ids.values())
        best_ids = [h for h, s in merge_ids.items() if s == best]
        if len(best_ids) > 1:
            return None, sorted(near.items())
        entity = self._entities[best_ids[0]]
        if ident and self._contradicts(entity, ident):
            return None, sorted(near.items())
        return entity, sorted(near.items())

    def _compact_match(self, code: str, name: Any, key: str, ident: str | None
                       ) -> _Entity | None:
        """The one entity with a spelling of the whole name, legal form included, within a
        slip or two of this one (:class:`~loaders.resolve_pairs.CompactIndex`): a space moved
        (``NIPPON DEVICE SCO LTD``), a slip in the form (``Rubin ZCO``, ``Co., td.``), or a
        slip in a long name and one in its form; or with the same letters once the legal forms
        are gone, wherever they stood (``SistemTreid Meridian, SPY``). The pair must pass
        :func:`~loaders.resolve_pairs.compact_match_ok`. None when none or several are near."""
        blocks = self._blocks.get(code)
        if blocks is None:
            return None
        passed: dict[str, int] = {}
        latin = latin_key(name)
        joined = key.replace(" ", "")
        for text in _compact_forms(name):
            for owner, (edits, spellings) in blocks.compact.search(text, joined).items():
                owner = self._entities[owner].entity_id  # the one that took it over, if any
                if any(compact_match_ok(key, their_key, edits, text, their, latin, their_latin)
                       for their, (their_key, their_latin) in spellings):
                    passed[owner] = min(edits, passed.get(owner, edits))
        if not passed:
            return None
        best = min(passed.values())
        best_ids = [eid for eid, edits in passed.items() if edits == best]
        if len(best_ids) != 1:
            return None
        entity = self._entities[best_ids[0]]
        if ident and self._contradicts(entity, ident):
            return None
        return entity

    # -- people ---------------------------------------------------------------------------------

    def resolve_person(self, name: Any, country: Any = None, officer_id: Any = None,
                       company: Any = None, address: Any = None) -> str | None:
        """Entity id of a person; None when both the name and the id are junk.

        ``company`` is the entity id of the company the person is an officer or owner of on
        this row, ``address`` his address as written; both are optional. A person resolves,
        in this order, to

        1. the person already seen with this id (passport, INN, IIN...), in any country;
        2. a person of the country whose :func:`~loaders.normalize.person_key` is this name's
           (or differs from it only by the patronymic, written in one and left out of the
           other: ``TOKTOGULOV AYBEK`` / ``Токтогулов Айбек Сагынбекович``) and who was seen
           at the same company, at the same address, or on a board registered at the same
           address as this company (:meth:`note_company_address`), unless both have ids and
           they differ;
        3. the one person of the country with this name when the name is rare
           (:func:`loaders.resolve_persons.rare_name`), or when one side gave no company nor
           address to compare (a sanctions list, an FtM Person file);
        4. when no country is given, the one person of any country with this name, on the
           same terms, so that a foreign nominee whose country an extract leaves out is not
           split from his other boards (the caller should pass None then, not guess the
           company's country);
        5. otherwise a new person with :func:`person_id` (made apart from a namesake's by
           the company or address).

        Two officers called ``Ivanov Sergey`` on two unrelated boards are two persons: the
        name is all they share. A name held by several persons joins none of them unless the
        company or address picks one. What holds each person together is
        :meth:`person_evidence`; :meth:`person_merge_counts` counts the joins. Results are
        cached per call arguments; with the same calls in the same order, two resolvers give
        the same ids.

        Examples
        --------
        >>> resolver = Resolver()
        >>> a = resolver.resolve_person("Иванов Иван Иванович", "RU", "771234567859")
        >>> b = resolver.resolve_person("Ivan Ivanovich Ivanov", "Russia")
        >>> c = resolver.resolve_person("IVANOV IVAN", "RU")
        >>> a == b == c == person_id(None, None, "771234567859")
        True
        >>> resolver.resolve_person("Ivanov Ivan Ivanovich", "RU", "500100732259") == a
        False
        >>> x = resolver.resolve_person("Ivanov Sergey", "RU", company="co-1")
        >>> resolver.resolve_person("IVANOV SERGEY", "RU", company="co-2") == x
        False
        >>> resolver.resolve_person("Sergey Ivanov", "RU", company="co-1") == x
        True
        """
        return self._persons.resolve(name, country, officer_id, company, address)

    def note_company_address(self, company: Any, address: Any) -> None:
        """Remember where a company (entity id) is registered (an address id), so that
        namesakes on boards registered at one address resolve as one person."""
        self._persons.note_company_address(company, address)

    def person_evidence(self) -> dict[str, str]:
        """Every person resolved so far and what holds his mentions together
        (:data:`loaders.resolve_persons.EVIDENCE`: ``identifier``, ``company``, ``address``,
        ``rare_name``, ``name`` or ``single``)."""
        return self._persons.all_evidence()

    def person_merge_counts(self) -> dict[str, int]:
        """Joins of a person mention to a person already seen, by evidence, with
        ``name_only`` those resting on the name alone."""
        return self._persons.merge_counts()

    # -- bookkeeping ----------------------------------------------------------------------------

    def _entity(self, entity_id: str, country: str, name: str | None) -> _Entity:
        entity = self._entities.get(entity_id)
        if entity is None:
            entity = self._entities[entity_id] = _Entity(entity_id, country, name)
        return entity

    def _new_entity(self, code: str, ident: str | None, name: Any, display: str | None
                    ) -> _Entity:
        entity_id = company_id(code, ident, name=name)
        assert entity_id is not None  # callers made sure there is an id or a key
        entity = self._entity(entity_id, code, display)
        return self._attach(entity, name, ident, display=display)

    def _attach(self, entity: _Entity, name: Any, ident: str | None,
                anchor: bool = True, display: str | None = None) -> _Entity:
        self._add_name(entity, name, anchor, display)
        if ident and not self._contradicts(entity, ident):
            owner = self._by_id.setdefault((entity.country, ident), entity.entity_id)
            if owner == entity.entity_id:
                entity.add_identifier(ident)
        return entity

    def _add_name(self, entity: _Entity, name: Any, anchor: bool = True,
                  display: str | None = None) -> str | None:
        """Record a name of an entity; its key then matches exactly, and, when the name is an
        anchor (not itself a fuzzy merge), fuzzily too. ``display`` is the name's
        :func:`clean_name` when the caller has it already."""
        display = display or clean_name(name)
        if display is None:
            return None
        entity.names.add(display)
        if entity.name is None:
            entity.name = display
        key = name_key(name)
        if key is None:
            return None
        if anchor:
            latin = latin_key(name)
            spellings = self._latin.get((entity.country, key), ())
            if latin and latin not in spellings:
                self._latin[(entity.country, key)] = spellings + (latin,)
            self._blocks.setdefault(entity.country, NameBlocks()).add(
                key, latin, entity.entity_id, _compact_forms(name))
        if key in entity.keys:
            return key
        entity.keys.add(key)
        for index, index_key in ((self._by_key, key), (self._by_joined, key.replace(" ", ""))):
            holders = index.get((entity.country, index_key), ())
            if entity.entity_id not in holders:
                index[(entity.country, index_key)] = holders + (entity.entity_id,)
        split = split_place(name, entity.country)
        if split is not None:
            place, rest = split
            self._by_rest.setdefault((entity.country, rest), {}).setdefault(
                entity.entity_id, set()).add(place)
        return key

    def _namesakes(self, entity: _Entity, other: _Entity, key: str, own: set) -> bool:
        """Whether two registry companies sharing the name key ``key`` are a question for a
        reviewer: yes when it is both their own names, or nothing tells them apart; no when
        it is an alias of one and each has a number of one kind the other lacks (two INNs are
        two legal entities: the EU list gives Zelenodolsk Design Bureau, INN 1648024290, the
        Russian name of the Zelenodolsk plant, INN 1648013442)."""
        if key in own and key == name_key(other.name):
            return True
        return not any(self._contradicts(other, number) for number in entity.identifiers)

    @staticmethod
    def _owns(entity: _Entity, key: str) -> bool:
        """A registry name of a registry company, or any name of a trade company known by its
        own identifier (a namesake with another valid id is another company)."""
        return key in entity.registry_keys if entity.in_registry else bool(entity.identifiers)

    @staticmethod
    def _contradicts(entity: _Entity, ident: str) -> bool:
        # same length, same country, different digits: another number of the same kind
        # (two INNs), so another company; a number of another kind (OGRN vs INN) is no proof
        return ident not in entity.identifiers and any(
            len(known) == len(ident) for known in entity.identifiers)

    def _candidate(self, entity_id: str, other_id: str, score: float, method: str) -> None:
        pair = (entity_id, other_id) if entity_id < other_id else (other_id, entity_id)
        if entity_id != other_id and pair not in self._candidates:
            self._candidates[pair] = (entity_id, other_id, round(float(score), 3), method)

    def _problem(self, code: str, ident: str, name: str | None, reason: str,
                 entity_id: str | None) -> None:
        self._problems.setdefault((code, ident, reason), {
            "country": code, "identifier": ident, "name": name, "reason": reason,
            "entity_id": entity_id,
        })

    # -- results ------------------------------------------------------------------------------

    def names_seen(self) -> dict[str, set[str]]:
        """Every display name seen per entity id (registry name, Latin name, aliases, trade
        spellings), for the node's ``names`` list."""
        return {eid: set(e.names) for eid, e in self._live()}

    def display_name(self, entity_id: str) -> str | None:
        """The registry name of an entity, else the first name it was seen under."""
        entity = self._entities.get(entity_id)
        return entity.name if entity else None

    def candidates(self) -> pd.DataFrame:
        """Possible duplicates for ``SAME_AS_CANDIDATE``: columns ``RESOLVED["candidates"]``,
        score 0..1, method ``name_fuzzy``, ``name_exact`` (namesakes in the registry),
        ``name_exact_ambiguous`` or ``name_exact_other_id``, and for names that match with
        or without the place they open with, ``name_place_ambiguous`` or
        ``name_place_other_id``."""
        rows: dict[frozenset[str], tuple] = {}
        for a, b, score, method in self._candidates.values():
            a, b = self._entities[a].entity_id, self._entities[b].entity_id
            if a != b:  # a pair one company took over is no longer a question
                rows.setdefault(frozenset((a, b)), (a, b, score, method))
        return pd.DataFrame(list(rows.values()), columns=list(RESOLVED["candidates"]))

    def identifier_problems(self) -> pd.DataFrame:
        """Identifiers that failed their checksum or were claimed by two registry companies:
        columns ``country, identifier, name, reason, entity_id``."""
        return pd.DataFrame(list(self._problems.values()),
                            columns=["country", "identifier", "name", "reason", "entity_id"])

    def entities(self) -> pd.DataFrame:
        """All resolved companies: ``entity_id, name, names, country, identifiers,
        in_registry`` (``names`` and ``identifiers`` are sorted lists)."""
        rows = [
            (e.entity_id, e.name, sorted(e.names), e.country, sorted(e.identifiers),
             e.in_registry)
            for _, e in self._live()
        ]
        return pd.DataFrame(rows, columns=["entity_id", "name", "names", "country",
                                           "identifiers", "in_registry"])

    def __len__(self) -> int:
        return sum(1 for _ in self._live())

    def _live(self) -> Iterable[tuple[str, _Entity]]:
        """(id, entity) of every company not taken over by another."""
        return ((eid, e) for eid, e in self._entities.items() if eid == e.entity_id)


def _compact_forms(name: Any) -> list[str]:
    """The compact name with its legal form, and the letters of the name without it."""
    forms = [compact_key(name), (latin_key(name) or "").replace(" ", "")]
    return [text for text in dict.fromkeys(forms) if text]


def _split_aliases(aliases: Any) -> list[Any]:
    if aliases is None:
        return []
    if isinstance(aliases, (list, tuple, set)):
        return list(aliases)
    text = cell_text(aliases)
    return [] if text is None else [a for a in text.split(";") if a.strip()]
