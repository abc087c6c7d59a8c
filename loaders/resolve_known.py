"""Companies a resolver knows from earlier loads, and name-only companies a numbered one takes
over: the part of :class:`loaders.resolve.Resolver` that makes loads in any order, and loads
again, give the same companies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from loaders.normalize import (clean_name, name_key, normalize_country, normalize_identifier,
                               split_place)

if TYPE_CHECKING:
    from loaders.resolve import _Entity

__all__ = ["EarlierLoads"]


class EarlierLoads:
    """Mixin of :class:`~loaders.resolve.Resolver` (its indexes and ``_entity`` /
    ``_add_name``): seeding with companies of the graph, and takeovers."""

    def add_known(self, entity_id: str, country: Any, names: Iterable[Any],
                  identifiers: Iterable[Any] = ()) -> str | None:
        """Add a company already in the graph under its own id (a listed company of an
        earlier load), with every name it was seen under: later loads then join it as one
        load would have. One with an identifier owns its own (first) name as a registry
        company owns its names; a name the others share with a namesake stays ambiguous.

        Examples
        --------
        >>> from loaders.resolve import Resolver
        >>> resolver = Resolver()
        >>> resolver.add_known("co-earlier", "KG", ["PROFFLAB LLC"])
        'co-earlier'
        >>> resolver.resolve_company("Profflab", "Kyrgyzstan")
        'co-earlier'
        """
        code = normalize_country(country)
        if code is None or not entity_id:
            return None
        names = [n for n in names if clean_name(n)]
        entity = self._entity(entity_id, code, clean_name(names[0]) if names else None)
        numbers = [n for n in map(normalize_identifier, identifiers) if n]
        for number in numbers:
            if self._by_id.setdefault((code, number), entity_id) == entity_id:
                entity.add_identifier(number)
        entity.in_registry = entity.in_registry or bool(entity.identifiers)
        for position, variant in enumerate(names):
            key = self._add_name(entity, variant)
            # its own name, the one its list gave; the others may be other entries' aliases
            # that joined it, no proof that a namesake is this company
            if key is not None and entity.in_registry and position == 0:
                entity.add_registry_key(key)
        return entity_id

    def add_names(self, entity_id: str, names: Iterable[Any]) -> None:
        """More names of a company already known here (a list entry an earlier load placed)."""
        entity = self._entities.get(entity_id)
        if entity is not None:
            for name in names:
                self._add_name(entity, name)

    @staticmethod
    def _takes_over(kept: _Entity, other: _Entity, key: str) -> bool:
        """Whether a company with an identifier takes over ``other``, whose name has the key
        of one of its names: ``other`` is known by that name alone (a name-only list entry, a
        trade party of this load), so had the numbered company come first, ``other``'s name
        would have joined it. An alias ``other`` shares (``NAZ``, ``Dolgoprudny``) is no
        reason: resolving ``other`` never looked at its aliases."""
        return (other is not kept and bool(kept.identifiers) and not other.identifiers
                and not other.in_registry and name_key(other.name) == key)

    def _absorb(self, gone: _Entity, kept: _Entity) -> None:
        """Fold ``gone`` into ``kept``: its names and index entries become ``kept``'s and
        its id answers with ``kept`` from now on; :meth:`absorbed` lists the pair so the
        graph's node can be folded the same way."""
        for key in gone.keys:
            kept.keys.add(key)
            for index, index_key in ((self._by_key, key), (self._by_joined, key.replace(" ", ""))):
                holders = index.get((gone.country, index_key), ())
                index[(gone.country, index_key)] = tuple(dict.fromkeys(
                    kept.entity_id if h == gone.entity_id else h for h in holders))
        for name in gone.names:
            split = split_place(name, gone.country)
            if split is not None:
                places = self._by_rest.get((gone.country, split[1]), {})
                if gone.entity_id in places:
                    places.setdefault(kept.entity_id, set()).update(places.pop(gone.entity_id))
        kept.names |= gone.names
        for eid in [gone.entity_id, *(g for g, k in self._absorbed.items()
                                      if k == gone.entity_id)]:
            self._entities[eid] = kept
        self._absorbed = {g: (kept.entity_id if k == gone.entity_id else k)
                          for g, k in self._absorbed.items()}
        self._absorbed[gone.entity_id] = kept.entity_id

    def absorbed(self) -> dict[str, str]:
        """Companies known by a name alone that a numbered company took over: gone id ->
        kept id. Rows already resolved to a gone id are folded into the kept node after the
        load (``graph.judgements.merge_companies``)."""
        return dict(self._absorbed)
