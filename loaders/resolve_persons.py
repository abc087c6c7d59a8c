"""Person resolution: one node per real officer, owner or listed person, and not one per name.

A person is joined by his own id (passport, INN, IIN...) in any country. Two mentions of the
same :func:`~loaders.normalize.person_key` in a country (with or without the patronymic) are
one person only when something else agrees: the same company, the same address (his own, or
the registered address of the boards he sits on: a nominee's companies are often registered
at one address), or a name rare enough to stand on its own (see :func:`rare_name`); two
different ids keep them apart.
Namesakes are common in Russian and Central Asian naming, and one "nominee" made of ten
namesakes would link ten unrelated boards. The order of the rules is told in
:meth:`loaders.resolve.Resolver.resolve_person`, which asks this class.

Each person remembers the evidence that holds its mentions together (:data:`EVIDENCE`, the
weakest join made), so that detections can rest on the persons the resolver is sure of.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from loaders.ids import make_id, person_id
from loaders.memo import memoised
from loaders.normalize import normalize_country, normalize_identifier, person_key
from loaders.normalize.addresses import address_key

__all__ = ["PersonResolver", "EVIDENCE", "NAME_ONLY", "rare_name"]

#: What holds a person's mentions together, strongest first: his own id, one company seen
#: twice, one address of his own, boards registered at one address, a rare name, and the
#: name alone (a caller that gave no company nor address to compare, as a sanctions list or
#: an FtM Person file does). ``single``: one mention only, nothing was joined.
EVIDENCE = ("single", "identifier", "company", "address", "company_address", "rare_name",
            "name")
#: The joins that rest on the name alone: counted in the load report, and not enough for a
#: detection that links companies through a person (``SHARED_OFFICER``).
NAME_ONLY = frozenset({"rare_name", "name"})
_RANK = {e: i for i, e in enumerate(EVIDENCE)}

# Words of a name that say nothing about who the person is (Arabic and Turkic particles,
# Dutch and German nobiliary particles); they do not count towards a rare name.
_PARTICLES = frozenset({"al", "el", "ul", "bin", "ibn", "bint", "abu", "abd", "uulu",
                        "van", "von", "der", "den", "de", "di", "da", "la", "le"})
#: Words a name key needs, besides particles, to be rare enough to join on its own.
RARE_NAME_WORDS = 3


def rare_name(key: str | None) -> bool:
    """Whether a person key is rare enough that two mentions of it in one country are one man.

    Measured on the name itself, not on the order rows come in: a name is rare when it has at
    least :data:`RARE_NAME_WORDS` words that are not particles (surname, given name AND
    patronymic or middle name, each at least two letters). ``Ivanov Sergey`` or
    ``Ahmed Al Suwaidi`` is borne by thousands; a full three-part name narrows it to few. A
    loader that read the whole population could measure better; a streaming resolver
    decides on the row in hand, and a decision that depended on what came before would give
    other ids for the same file cut into other chunks.

    Examples
    --------
    >>> rare_name("ivanov sergei"), rare_name("ahmed al suvaidi")
    (False, False)
    >>> rare_name("ivanov petrovich sergei")
    True
    """
    if not key:
        return False
    words = [w for w in key.split() if len(w) >= 2 and w not in _PARTICLES]
    return len(words) >= RARE_NAME_WORDS


class PersonResolver:
    """Joins people seen in registries, officer lists and sanctions lists into persons.

    Results are cached per (name, country, id, company, address); with the same calls in the
    same order, two resolvers give the same ids.
    """

    def __init__(self) -> None:
        # id -> person, (country, person key) -> persons, and per person its ids and keys;
        # (country, key without the patronymic) -> persons known under the full key
        self._by_id: dict[str, str] = {}
        self._by_key: dict[tuple[str, str], list[str]] = {}
        self._by_key_anywhere: dict[str, list[str]] = {}
        self._by_short: dict[tuple[str, str], list[str]] = {}
        self._ids: dict[str, set[str]] = {}
        self._keys: dict[str, set[str]] = {}
        # per person: the companies and addresses he was seen at, and what holds him together
        self._companies: dict[str, set[str]] = {}
        self._addresses: dict[str, set[str]] = {}
        self._boards_at: dict[str, set[str]] = {}
        # company -> its registered address (as told by note_company_address)
        self._registered_at: dict[str, str] = {}
        self._evidence: dict[str, str] = {}
        self._merges: Counter = Counter()
        self._cache: dict[tuple[Any, ...], str | None] = {}

    def resolve(self, name: Any, country: Any = None, officer_id: Any = None,
                company: Any = None, address: Any = None) -> str | None:
        """Person id of a name, country, own id and (when known) the company he is an officer
        or owner of and his address; None when both the name and the id are junk (see
        :meth:`loaders.resolve.Resolver.resolve_person`)."""
        return memoised(self._cache, (name, country, officer_id, company, address),
                        self._resolve, name, country, officer_id, company, address)

    def note_company_address(self, company: Any, address: Any) -> None:
        """Remember where ``company`` (an entity id) is registered (an address id or key):
        namesakes on two boards registered at one address are one person."""
        if company and address:
            self._registered_at[str(company)] = str(address)

    def evidence(self, person: str) -> str | None:
        """What holds the mentions of ``person`` together (one of :data:`EVIDENCE`, the
        weakest join made), None for a person this resolver has not made."""
        return self._evidence.get(person)

    def all_evidence(self) -> dict[str, str]:
        """Every person made so far and what holds him together."""
        return dict(self._evidence)

    def merge_counts(self) -> dict[str, int]:
        """Joins of a mention to a person already seen, by evidence, and
        ``name_only``: those resting on the name alone (:data:`NAME_ONLY`)."""
        counts = {e: int(self._merges[e]) for e in EVIDENCE[1:]}
        counts["name_only"] = sum(counts[e] for e in NAME_ONLY)
        return counts

    def _resolve(self, name: Any, country: Any, officer_id: Any, company: Any,
                 address: Any) -> str | None:
        code = normalize_country(country) or ""
        key = person_key(name)
        ident = normalize_identifier(officer_id)
        if key is None and ident is None:
            return None
        place = address_key(address) if address is not None else None
        company = str(company) if company else None
        seen = (company, f"{code}|{place}" if place else None, self._registered_at.get(company))
        if ident and ident in self._by_id:
            person = self._by_id[ident]
            return self._attach(person, code, key, ident, seen, "identifier")
        if key is not None:
            person, why = self._namesake(code, key, ident, seen)
            if person is not None:
                return self._attach(person, code, key, ident, seen, why)
        person = self._new_id(name, code, key, ident, seen)
        self._ids[person], self._keys[person] = set(), set()
        self._companies[person], self._addresses[person] = set(), set()
        self._boards_at[person] = set()
        self._evidence[person] = "identifier" if ident else "single"
        return self._attach(person, code, key, ident, seen, None)

    def _namesake(self, code: str, key: str, ident: str | None,
                  seen: tuple[str | None, ...]) -> tuple[str | None, str | None]:
        """The person of this name the mention joins, and why; (None, None) for none."""
        holders = self._by_key.get((code, key)) or self._short_form_holders(code, key)
        if not holders and not code:
            # no country given: the name in whatever country it is known, if in one only
            holders = self._by_key_anywhere.get(key, [])
        # two different ids are two people, whatever else agrees
        holders = [p for p in holders if not (ident and self._ids[p] and ident not in self._ids[p])]
        company, place, board_place = seen
        for why, value, known in (("company", company, self._companies),
                                  ("address", place, self._addresses),
                                  ("company_address", board_place, self._boards_at)):
            for person in holders:
                if value and value in known[person]:
                    return person, why
        if len(holders) != 1:
            return None, None
        person = holders[0]
        if rare_name(key):
            return person, "rare_name"
        if not (company or place) or not (self._companies[person] or self._addresses[person]):
            # one side gave nothing to compare (a list, an FtM Person): the name is all there is
            return person, "name"
        return None, None

    def _new_id(self, name: Any, code: str, key: str | None, ident: str | None,
                seen: tuple[str | None, ...]) -> str:
        """:func:`person_id`, made apart from a namesake's by the company or address it was
        seen at when that namesake holds it already."""
        person = person_id(name, code, ident)
        assert person is not None  # there is a key or an id
        context = [c for c in seen[:2] if c]
        while person in self._ids:
            person = make_id("pe", code, "name", key, "at", *context)
            context.append("again")
        return person

    def _short_form_holders(self, code: str, key: str) -> list[str]:
        """Persons known under this name with its patronymic added or taken away."""
        short = _without_patronymic(key)
        if short is None:
            # perhaps the short form of a full name seen before
            return self._by_short.get((code, key), [])
        # a full name: the person seen under its short form, unless seen under another
        # patronymic (Ivanov Ivan Petrovich is not Ivanov Ivan Sergeevich)
        return [p for p in self._by_key.get((code, short), [])
                if all(k in (key, short) or _without_patronymic(k) != short
                       for k in self._keys[p])]

    def _attach(self, person: str, code: str, key: str | None, ident: str | None,
                seen: tuple[str | None, ...], why: str | None) -> str:
        if why is not None:
            self._merges[why] += 1
            if _RANK[why] > _RANK[self._evidence[person]]:
                self._evidence[person] = why
        if ident:
            owner = self._by_id.setdefault(ident, person)
            if owner == person:
                self._ids[person].add(ident)
        for known, value in zip((self._companies, self._addresses, self._boards_at), seen):
            if value:
                known[person].add(value)
        self._add_key(person, code, key)
        return person

    def _add_key(self, person: str, code: str, key: str | None) -> None:
        if key is None or key in self._keys[person]:
            return
        self._keys[person].add(key)
        for holders in (self._by_key.setdefault((code, key), []),
                        self._by_key_anywhere.setdefault(key, [])):
            if person not in holders:
                holders.append(person)
        short = _without_patronymic(key)
        if short is not None:
            holders = self._by_short.setdefault((code, short), [])
            if person not in holders:
                holders.append(person)


# Patronymics as they end in a person key (folded Latin): Russian -ovich/-evich/-ich and
# -ovna/-evna/-ichna, Kazakh -uly/-kyzy, Azerbaijani -oglu/-ogly.
_PATRONYMIC = re.compile(r"(?:vich|vna|ichna|ich|uli|kizi|oglu|ogli)$")


def _without_patronymic(key: str) -> str | None:
    """The person key without its patronymic, when it has exactly one and two words stay."""
    words = key.split()
    patronymics = [w for w in words if _PATRONYMIC.search(w)]
    if len(words) < 3 or len(patronymics) != 1:
        return None
    words.remove(patronymics[0])
    return " ".join(words)
