"""Person resolution: one node per real officer, owner or listed person, whatever the spelling.

A person is joined by his own id (passport, INN, IIN...) in any country, else by his
:func:`~loaders.normalize.person_key` in his country, with or without the patronymic; the
order of the rules is told in :meth:`loaders.resolve.Resolver.resolve_person`, which asks
this class.
"""

from __future__ import annotations

import re
from typing import Any

from loaders.ids import person_id
from loaders.memo import memoised
from loaders.normalize import normalize_country, normalize_identifier, person_key

__all__ = ["PersonResolver"]


class PersonResolver:
    """Joins people seen in registries, officer lists and sanctions lists into persons.

    Results are cached per (name, country, id); with the same calls in the same order, two
    resolvers give the same ids.
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
        self._cache: dict[tuple[Any, Any, Any], str | None] = {}

    def resolve(self, name: Any, country: Any = None, officer_id: Any = None) -> str | None:
        """Person id of a name, country and own id; None when both the name and the id are
        junk (see :meth:`loaders.resolve.Resolver.resolve_person`)."""
        return memoised(self._cache, (name, country, officer_id),
                        self._resolve, name, country, officer_id)

    def _resolve(self, name: Any, country: Any, officer_id: Any) -> str | None:
        code = normalize_country(country) or ""
        key = person_key(name)
        ident = normalize_identifier(officer_id)
        if key is None and ident is None:
            return None
        if ident and ident in self._by_id:
            person = self._by_id[ident]
            self._add_key(person, code, key)
            return person
        if key is not None:
            holders = self._by_key.get((code, key)) or self._short_form_holders(code, key)
            if not holders and not code:
                # no country given: the name in whatever country it is known, if in one only
                holders = self._by_key_anywhere.get(key, [])
            if len(holders) == 1:
                person = holders[0]
                known = self._ids[person]
                if not (ident and known and ident not in known):
                    return self._attach(person, code, key, ident)
        person = person_id(name, code, ident)
        assert person is not None  # there is a key or an id
        self._ids.setdefault(person, set())
        self._keys.setdefault(person, set())
        return self._attach(person, code, key, ident)

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

    def _attach(self, person: str, code: str, key: str | None, ident: str | None) -> str:
        if ident:
            owner = self._by_id.setdefault(ident, person)
            if owner == person:
                self._ids[person].add(ident)
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
