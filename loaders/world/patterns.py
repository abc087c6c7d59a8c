"""Evasion patterns: chains that hide their match, and the legitimate trade they resemble.

Each pattern chain runs supplier > intermediary (a front or a woken shell) > buyer in RU or
BY, like a 2-hop chain, with one twist:

``consolidation``
    two or three arrivals of one heading within three weeks leave as one onward consignment
    of about their summed quantity (none of the arrivals alone comes near it);
``cover_heading``
    the onward shipment is declared under another heading: a pair of the cover-heading table
    given to ``generate_world`` (UAV parts as agricultural sprayers, chips as computer parts,
    ...) or, without a table or now and then, another heading of the same HS4; and, when
    ``generate_world`` was given the parts subheadings, a few more whose goods leave as parts
    of another heading of their own chapter that no table row and no HS4 joins (oscilloscopes
    as parts of optical appliances, ball bearings as computer parts, chips as parts of
    switching apparatus); the count, the net weight (the goods' own) and the value move as
    goods do;
``unit_switch``
    one of the two declarations states the quantity in kg (its net weight) instead of pieces;
``no_quantity``
    one of the two declarations leaves the quantity (and its unit) out.

The goods are conserved as in any chain: the same count give or take 3 %, the weight within
packing noise, a mark-up of 5 to 40 % (a cover declaration that also hid the price would be
a different pattern). Look-alikes that must not match: ``cover_coincidence``, a dealer that
imports goods of one heading of a cover pair and sells the same count of genuine goods of the
other heading, whose weight and value per unit are nothing alike; ``unit_coincidence``, a
trader whose onward declaration in kg carries the same number as an arrival counted in
pieces; ``ordinary_as_parts`` (with the parts subheadings), a trader that sells goods off the
CHPL (refrigerators, electric ovens) on to a Russian wholesaler declared as parts of another
heading of their chapter, the goods conserved: no dual-use goods pass, and the parts route
joins CHPL goods only. All are long-established companies with an ordinary trading history.

Patterns are planted with a random stream of their own, after the other chains, so the
rest of the plan draws what it drew before they existed; the parts route and its look-alike
with another, after the rest of the patterns.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from loaders.world.goods import (
    _CHAIN_HS6,
    _COVER_GOODS,
    _ORDINARY_GOODS,
    _PARTS_CHAIN_HS6,
    _PARTS_GOODS,
    _SUPPLIER_ORDINARY,
    _Goods,
)
from loaders.world.model import _Chain, _Company, _Intermediary
from loaders.world.scope import INVASION_DAY, LAST_DAY, _n

PATTERN_KINDS = ("consolidation", "cover_heading", "unit_switch", "no_quantity")
_COUNTRIES = ("KZ", "AE", "TR", "AM", "KG", "UZ", "GE")


class _Patterns:
    """Plants the pattern chains and their look-alikes (a part of ``_World``: it needs
    ``seed``, ``scale``, ``cover_pairs``, ``parts``, ``pattern_streams``, the intermediaries,
    suppliers, buyers and the declarations)."""

    def _with_pattern_rng(self, step, stream: str = "patterns") -> None:
        """Run ``step`` drawing from the random stream ``stream`` of the patterns."""
        streams = self.pattern_streams
        if stream not in streams:
            streams[stream] = random.Random(f"tracegraph-{stream}-{self.seed}")
        main_rng, self.rng = self.rng, streams[stream]
        try:
            step()
        finally:
            self.rng = main_rng

    # -- chains ----------------------------------------------------------------------------------

    def _plan_patterns(self) -> None:
        self._with_pattern_rng(self._pattern_chains)
        if self.parts:
            self._with_pattern_rng(self._parts_chains, "parts")

    def _pattern_chains(self) -> None:
        n = _n(3, self.scale, 2)
        for kind in PATTERN_KINDS:
            for k in range(n):
                for attempt in range(120):
                    if self._try_pattern(kind, k, attempt):
                        break

    def _parts_chains(self) -> None:
        """Cover-heading chains by the parts route, one chapter after another (in a drawn
        order), so a world holds the route in every chapter it can. Their buyer is always
        defence industry: with its quantity evidence halved (CHAIN_COVER_FACTOR), a cover
        chain of tier 4 goods to a wholesaler cannot reach CHAIN_MIN_SCORE, and the route is
        here to show that such goods link, not how scoring weighs a wholesaler."""
        by_chapter: dict[str, list[str]] = {}
        for h in _PARTS_CHAIN_HS6:
            if self._cover_options(h, "parts"):
                by_chapter.setdefault(h[:2], []).append(h)
        chapters = sorted(by_chapter)
        self.rng.shuffle(chapters)
        for k in range(_n(3, self.scale, 2) if chapters else 0):
            headings = by_chapter[chapters[k % len(chapters)]]
            for attempt in range(120):
                if self._try_pattern("cover_heading", k, attempt, "parts", headings):
                    break

    def _in_table(self, hs6: str, out: str) -> bool:
        """True when a pair of the cover-heading table joins ``hs6`` to ``out``."""
        return any(hs6.startswith(a) and out.startswith(b) for a, b in self.cover_pairs)

    def _parts_of_chapter(self, hs6: str, out: str) -> bool:
        """True when ``out`` is a parts subheading of the chapter of ``hs6`` that no table row
        and no HS4 joins to it."""
        return (out in self.parts and out[:2] == hs6[:2] and out[:4] != hs6[:4]
                and not self._in_table(hs6, out))

    def _cover_options(self, hs6: str, route: str) -> list[_Goods]:
        """Headings goods of ``hs6`` may be declared under on the way on, by ``route``: the
        pairs of the cover-heading table (``table``), the other chain headings of its HS4
        (``hs4``), or, for CHPL goods, a parts subheading of their chapter that neither joins
        (``parts``)."""
        if route == "table":
            return [c for c in _COVER_GOODS if self._in_table(hs6, c.hs6)]
        if route == "parts":
            if not self._goods(hs6).chpl:
                return []
            return [c for c in _COVER_GOODS + _PARTS_GOODS
                    if self._parts_of_chapter(hs6, c.hs6)]
        return [self._goods(h) for h in _CHAIN_HS6 if h[:4] == hs6[:4] and h != hs6]

    def _try_pattern(self, kind: str, k: int, attempt: int, route: str | None = None,
                     headings: tuple[str, ...] | list[str] = _CHAIN_HS6) -> bool:
        """Plant the ``k``-th chain of ``kind``; False, with nothing written, when the draw
        does not fit (the intermediary busy with the goods, or out of its active days). A
        cover-heading chain takes goods of ``headings`` declared by ``route`` (by default
        the table for two of three when it gives any pair, else the HS4)."""
        rng = self.rng
        inters = self.intermediaries
        low = min(i.chains for i in inters)
        inter = rng.choice([i for i in inters if i.chains <= low + 1] if attempt < 60
                           else inters)
        declared = None
        if kind == "cover_heading":
            if route is None:
                table = k % 3 != 2 and any(self._cover_options(h, "table") for h in _CHAIN_HS6)
                route = "table" if table else "hs4"
            hs6 = rng.choice([h for h in headings if self._cover_options(h, route)])
            declared = rng.choice(self._cover_options(hs6, route))
        else:
            hs6 = rng.choice(_CHAIN_HS6)
        goods = self._goods(hs6)
        lo = max(inter.start, INVASION_DAY)
        hi = min(inter.end, LAST_DAY - timedelta(days=70))
        if hi <= lo:
            return False
        first = self._day(lo, hi - timedelta(days=60))
        n_in = rng.choice((2, 3)) if kind == "consolidation" else 1
        lags = sorted(rng.sample(range(0, 22), n_in))
        arrivals = [first + timedelta(days=d) for d in lags]
        onward = arrivals[-1] + timedelta(days=rng.randint(3, 30))
        if onward > inter.end:
            return False
        hs = [goods.hs6] + ([declared.hs6] if declared else [])
        days = [first - timedelta(days=5), *arrivals, onward]
        if not all(self._free(inter.company, h, days) for h in hs):
            return False
        self._write_pattern(kind, inter, goods, declared, arrivals, onward,
                            defence_only=route == "parts")
        return True

    def _write_pattern(self, kind: str, inter: _Intermediary, goods: _Goods,
                       declared: _Goods | None, arrivals: list[date], onward: date,
                       defence_only: bool = False) -> None:
        """Write the rows of a pattern chain; the buyer is defence industry three times in
        four, or always with ``defence_only``."""
        rng = self.rng
        supplier = rng.choice([c for c in self.chain_suppliers
                               if c.country != inter.company.country] or self.chain_suppliers)
        buyer = rng.choice(self.defence_buyers if defence_only or rng.random() < 0.75
                           else self.wholesale_buyers)
        lo_q, hi_q = goods.qty
        total = int(math.exp(rng.uniform(math.log(max(lo_q, 50)), math.log(hi_q))))
        if len(arrivals) > 1:
            shares = [rng.uniform(0.7, 1.3) for _ in arrivals]
            lots = [max(1, int(total * x / sum(shares))) for x in shares]
        else:
            lots = [total]
        price = rng.uniform(*goods.price)
        origin = supplier.country if rng.random() < 0.5 else rng.choice(
            ("US", "TW", "JP", "KR", "CN", "DE", "NL"))
        # which declaration hides the quantity: mostly the onward one
        twisted = 1 if rng.random() < 0.7 else 0
        measure = {"unit_switch": "weight", "no_quantity": "none"}.get(kind, "count")
        cited = []
        for lot, day in zip(lots, arrivals):
            t = rng.randint(0, 5)
            row, _ = self._ship(supplier, inter.company, day - timedelta(days=t), goods, lot,
                                lot * price, mirror=rng.random() < 0.15, origin=origin,
                                transit=t, measure=measure if twisted == 0 else "count")
            cited.append(row)
        q_in = sum(lots)
        q_out = q_in if rng.random() < 0.4 else max(1, int(round(q_in * rng.uniform(0.97, 1.03))))
        value = q_out * price * (1 + rng.uniform(0.05, 0.40))
        out, _ = self._ship(inter.company, buyer, onward, goods, q_out, value,
                            mirror=kind == "consolidation" and rng.random() < 0.4,
                            origin=origin, declared=declared,
                            measure=measure if twisted == 1 else "count")
        inter.chains += 1
        self.chains.append(_Chain(kind, goods.hs6, [supplier, inter.company, buyer],
                                  [(a, out) for a in cited],
                                  hs6_out=declared.hs6 if declared else None))

    # -- look-alikes -----------------------------------------------------------------------------

    def _plan_pattern_lookalikes(self) -> None:
        self._with_pattern_rng(self._pattern_lookalikes)
        if self.parts:
            self._with_pattern_rng(self._parts_lookalikes, "parts")

    def _pattern_lookalikes(self) -> None:
        pairs = [(self._goods(h), c) for h in _CHAIN_HS6 for c in _COVER_GOODS
                 if any(h.startswith(a) and c.hs6.startswith(b) for a, b in self.cover_pairs)]
        n = _n(2, self.scale, 2)
        for k in range(n if pairs else 0):
            c = self._old_trader(k, "cover_coincidence")
            arrival, onward = self._coincidence(c, *self.rng.choice(pairs))
            self.lookalikes.append(("cover_coincidence", c, [arrival, onward]))
        for k in range(n):
            c = self._old_trader(k + n, "unit_coincidence")
            goods = self._goods(self.rng.choice(
                [h for h in _CHAIN_HS6 if not 0.3 <= self._goods(h).kg <= 3.0]))
            arrival, onward = self._coincidence(c, goods, goods, in_kg=True)
            self.lookalikes.append(("unit_coincidence", c, [arrival, onward]))

    def _parts_lookalikes(self) -> None:
        """Goods off the CHPL sold on as parts of another heading of their chapter, one
        chapter after another."""
        by_chapter: dict[str, list[tuple[_Goods, _Goods]]] = {}
        for g in _ORDINARY_GOODS + _PARTS_GOODS:
            if g.chpl:
                continue
            for c in _COVER_GOODS + _PARTS_GOODS:
                if self._parts_of_chapter(g.hs6, c.hs6):
                    by_chapter.setdefault(g.hs6[:2], []).append((g, c))
        chapters = sorted(by_chapter)
        self.rng.shuffle(chapters)
        n = _n(2, self.scale, 2)
        for k in range(n if chapters else 0):
            # after the other pattern look-alikes' traders: countries further down the list
            c = self._old_trader(2 * n + k, "ordinary_as_parts")
            goods, declared = self.rng.choice(by_chapter[chapters[k % len(chapters)]])
            arrival, onward = self._sold_as_parts(c, goods, declared)
            self.lookalikes.append(("ordinary_as_parts", c, [arrival, onward]))

    def _old_trader(self, k: int, role: str) -> _Company:
        """A long-established trader with a few years of ordinary imports it never sends on."""
        rng = self.rng
        c = self._company(_COUNTRIES[k % len(_COUNTRIES)], role,
                          self._day(date(2005, 1, 1), date(2016, 12, 31)),
                          activity=rng.choice(("46.69", "46.52", "46.61")))
        for _ in range(rng.randint(3, 5)):
            goods = self._goods(rng.choice(_SUPPLIER_ORDINARY))
            q = int(rng.uniform(*goods.qty))
            self._ship(rng.choice(self.suppliers), c,
                       self._day(date(2019, 2, 1), date(2021, 12, 31)), goods, q,
                       q * rng.uniform(*goods.price))
        return c

    def _coincidence(self, c: _Company, got: _Goods, sold: _Goods, in_kg: bool = False
                     ) -> tuple[dict, dict]:
        """An arrival of ``got`` and, 5 to 40 days later, a sale to a Russian wholesaler of
        genuine ``sold`` whose stated quantity is the same number: the same count, or (with
        ``in_kg``) that number of kg."""
        rng = self.rng
        q = int(rng.uniform(max(got.qty[0], 100), got.qty[1]))
        day = self._day(date(2022, 6, 1), date(2025, 9, 30))
        arrival, landed = self._ship(rng.choice(self.chain_suppliers), c, day, got, q,
                                     q * rng.uniform(*got.price))
        sold_q = max(1, int(round(q / sold.kg))) if in_kg else q
        onward, _ = self._ship(c, rng.choice(self.wholesale_buyers),
                               landed + timedelta(days=rng.randint(5, 40)), sold, sold_q,
                               sold_q * rng.uniform(*sold.price),
                               measure="weight" if in_kg else "count")
        if in_kg:  # the number written is the arrival's count, to the kilogram
            onward["quantity"] = onward["net_weight_kg"] = f"{q:.1f}"
        return arrival, onward

    def _sold_as_parts(self, c: _Company, goods: _Goods, declared: _Goods) -> tuple[dict, dict]:
        """An arrival of ``goods`` and, 5 to 40 days later, the same goods sold to a Russian
        wholesaler declared as ``declared``: count, weight and value move as goods do."""
        rng = self.rng
        q = int(rng.uniform(max(goods.qty[0], 100), goods.qty[1]))
        price = rng.uniform(*goods.price)
        day = self._day(date(2022, 6, 1), date(2025, 9, 30))
        supplier = rng.choice([s for s in self.suppliers if s.country != c.country])
        arrival, landed = self._ship(supplier, c, day, goods, q, q * price)
        q_out = q if rng.random() < 0.4 else max(1, int(round(q * rng.uniform(0.97, 1.03))))
        onward, _ = self._ship(c, rng.choice(self.wholesale_buyers),
                               landed + timedelta(days=rng.randint(5, 40)), goods, q_out,
                               q_out * price * (1 + rng.uniform(0.05, 0.40)), declared=declared)
        return arrival, onward
