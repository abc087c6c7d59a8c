"""The planted schemes: front clusters, dormant shells woken up, and the chains they carry."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from loaders.world.goods import _CHAIN_HS6, _GOODS, _GOODS_INDEX, _Goods
from loaders.world.model import _Chain, _Company, _Intermediary
from loaders.world.names import _LEGAL
from loaders.world.scope import _CYRILLIC_COUNTRIES, _TRADER_ACTIVITY, FIRST_DAY, LAST_DAY, _n


def _pair_load(pair: tuple[_Intermediary, _Intermediary]) -> int:
    return pair[0].chains + pair[1].chains


@dataclass
class _ChainDraft:
    """A chain being planned: its parties and goods, then its hops, checked before any row
    is written."""

    kind: str  # 2hop | 3hop | split
    route: list[_Intermediary]
    supplier: _Company
    buyer: _Company
    goods: _Goods
    qty: int  # the lot that leaves the supplier
    # (exporter, importer, departure, quantity, days in transit) per hop
    hops: list[tuple[_Company, _Company, date, int, int]] = field(default_factory=list)
    arrivals: list[date] = field(default_factory=list)  # at each intermediary, then the buyer
    pieces: list[tuple[int, date]] = field(default_factory=list)  # a split's onward shipments


class _Schemes:
    """Plants the front companies, the dormant shells and the transshipment chains through
    them (a part of ``_World``: it needs ``rng``, ``intermediaries``, ``chains``, the
    suppliers and buyers, and the declarations)."""

    def _plan_fronts(self) -> None:
        rng = self.rng
        cluster_countries = ("KG", "HK", "KZ", "AM", "AE", "UZ")
        n_clusters = _n(3, self.scale, 2)
        for k in range(n_clusters):
            country = cluster_countries[k % len(cluster_countries)]
            cluster = f"F{k + 1}"
            base = self._address(country)
            size = rng.randint(3, 6)
            for j in range(size):
                inc = self._day(date(2022, 3, 1), date(2024, 9, 30))
                forms = _LEGAL[country]
                c = self._company(country, "front", inc, legal=forms[j % len(forms)],
                                  activity=rng.choice(_TRADER_ACTIVITY),
                                  address=base.render(j % 4 if country in _CYRILLIC_COUNTRIES
                                                      else j % 3))
                start = inc + timedelta(days=rng.randint(20, 150))
                end = LAST_DAY - timedelta(days=60)
                if rng.random() < 0.5:
                    dissolved = inc + timedelta(days=rng.randint(330, 700))
                    if dissolved < LAST_DAY - timedelta(days=20):
                        c.dissolved = dissolved
                        end = dissolved - timedelta(days=30)
                if end - start < timedelta(days=120):
                    c.dissolved = None
                    end = LAST_DAY - timedelta(days=60)
                self.intermediaries.append(_Intermediary(c, "new_cluster", cluster, start, end))

    def _plan_dormant(self) -> None:
        rng = self.rng
        countries = ("KZ", "AM", "GE", "TR", "AE")
        for k in range(_n(2, self.scale, 1)):
            country = countries[k % len(countries)]
            inc = self._day(date(2008, 1, 1), date(2016, 12, 31))
            c = self._company(country, "dormant", inc, activity=rng.choice(_TRADER_ACTIVITY))
            # renamed when it was taken over: the old name stays as an alias
            old_core, _, _ = self._core(country, "dormant")
            c.aliases = (f"{c.legal[0]} «{old_core}»" if c.cyrillic
                         else f"{old_core} {c.legal[0]}")
            start = self._day(date(2022, 3, 1), date(2023, 9, 30))
            self.intermediaries.append(_Intermediary(c, "dormant_shell", f"D{k + 1}", start,
                                                     LAST_DAY - timedelta(days=60)))

    # -- chains ------------------------------------------------------------------------------------

    def _pick(self, candidates: list[_Intermediary]) -> _Intermediary | None:
        if not candidates:
            return None
        low = min(i.chains for i in candidates)
        return self.rng.choice([i for i in candidates if i.chains == low])

    def _route(self, job: str, forced: _Intermediary | None = None) -> list[_Intermediary] | None:
        """Intermediaries for a job: ``3hop-hk`` runs CN > HK > X, ``3hop-kz`` X > KZ."""
        inters = self.intermediaries
        if not job.startswith("3hop"):
            first = forced or self._pick(inters)
            return [first] if first else None
        hk = [i for i in inters if i.company.country == "HK"]
        kz = [i for i in inters if i.company.country == "KZ"]
        if hk and (job == "3hop-hk" or not kz):
            firsts, seconds = hk, [i for i in inters if i.company.country != "HK"]
        else:
            firsts = [i for i in inters if i.company.country != "HK"]
            seconds = kz or inters
        # pairs in two countries whose active years overlap long enough for a chain
        pairs = [(a, b) for a in firsts for b in seconds
                 if a.company.country != b.company.country
                 and (min(a.end, b.end) - max(a.start, b.start)).days >= 150]
        if not pairs:
            return None
        low = min(a.chains + b.chains for a, b in pairs)
        return list(self.rng.choice([p for p in pairs if _pair_load(p) <= low + 1]))

    def _plan_chains(self) -> None:
        rng = self.rng
        s = self.scale
        jobs = (["2hop"] * _n(18, s, 3) + ["split"] * _n(5, s, 2)
                + [("3hop-hk", "3hop-kz")[k % 2] for k in range(_n(6, s, 2))])
        # every front must trade: add 2-hop jobs until there are enough slots
        slots = len(jobs) + sum(job.startswith("3hop") for job in jobs)
        jobs += ["2hop"] * max(0, len(self.intermediaries) - slots)
        rng.shuffle(jobs)
        # the fronts' first trades are the simple chains; 3-hop routes then join traders
        jobs.sort(key=lambda job: job.startswith("3hop"))
        for job in jobs:
            for _ in range(80):
                if self._try_chain(job):
                    break
        for inter in self.intermediaries:
            for _ in range(80):
                if inter.chains or self._try_chain("2hop", forced=inter):
                    break

    def _try_chain(self, job: str, forced: _Intermediary | None = None) -> bool:
        """Plant one chain for ``job`` through ``forced`` or a route of the least used
        intermediaries; False, with nothing written, when the route drawn cannot carry it."""
        kind = "3hop" if job.startswith("3hop") else job
        route = self._route(job, forced)
        if route is None:
            return False
        draft = self._chain_draft(kind, route)
        if draft is None or not self._chain_fits(draft):
            return False
        self._write_chain(draft)
        return True

    def _chain_parties(self, kind: str, route: list[_Intermediary]
                       ) -> tuple[_Company, _Company, _Goods]:
        """The supplier, the buyer and the goods of a chain along ``route``."""
        rng = self.rng
        first = route[0].company
        if kind == "3hop" and first.country == "HK":
            pool = [c for c in self.chain_suppliers if c.country == "CN"]
        else:
            pool = [c for c in self.chain_suppliers if c.country != first.country]
        supplier = rng.choice(pool or self.chain_suppliers)
        if rng.random() < 0.75:
            buyer = rng.choice(self.defence_buyers)
        else:
            buyer = rng.choice(self.wholesale_buyers)
        return supplier, buyer, _GOODS[_GOODS_INDEX[rng.choice(_CHAIN_HS6)]]

    def _first_arrival(self, route: list[_Intermediary]) -> date | None:
        """The arrival at the first intermediary: soon after its first possible trade when it
        has not traded yet ("trading within months of incorporation"); None when the route's
        active years leave no room."""
        rng = self.rng
        fresh = [i for i in route if i.chains == 0]
        if fresh:
            return max(i.start for i in fresh) + timedelta(days=rng.randint(0, 30))
        lo = max(i.start for i in route)
        hi = min(i.end for i in route) - timedelta(days=50 * len(route))
        if hi < lo:
            return None
        return self._day(lo, hi)

    def _chain_draft(self, kind: str, route: list[_Intermediary]) -> _ChainDraft | None:
        """Parties, goods, quantities and dates along the path, or None when it would start
        before the world does."""
        rng = self.rng
        supplier, buyer, goods = self._chain_parties(kind, route)
        arrive = self._first_arrival(route)
        if arrive is None:
            return None
        transit = rng.randint(0, 5)
        depart = arrive - timedelta(days=transit)
        if depart < FIRST_DAY:
            return None
        lo_q, hi_q = goods.qty
        qty = int(math.exp(rng.uniform(math.log(max(lo_q, 50)), math.log(hi_q))))
        draft = _ChainDraft(kind, route, supplier, buyer, goods, qty,
                            hops=[(supplier, route[0].company, depart, qty, transit)],
                            arrivals=[arrive])
        self._plan_hops(draft)
        if kind == "split":
            draft.pieces = self._split_pieces(qty, arrive)
        return draft

    def _plan_hops(self, draft: _ChainDraft) -> None:
        """The onward hops: each leaves 3-40 days after the goods arrived, in about the same
        quantity; a split stops before its last hop, which goes in pieces."""
        rng = self.rng
        route, buyer, arrivals = draft.route, draft.buyer, draft.arrivals
        q = draft.qty
        for k, inter in enumerate(route):
            nxt = route[k + 1].company if k + 1 < len(route) else buyer
            onward = arrivals[-1] + timedelta(days=rng.randint(3, 40))
            if draft.kind == "split" and nxt is buyer:
                break
            q = q if rng.random() < 0.3 else max(1, int(round(q * rng.uniform(0.9, 1.1))))
            t = rng.randint(0, 5)
            draft.hops.append((inter.company, nxt, onward, q, t))
            arrivals.append(onward + timedelta(days=t))

    def _split_pieces(self, qty: int, arrive: date) -> list[tuple[int, date]]:
        """Two or three onward shipments that add up to the arrival, give or take 5 %."""
        rng = self.rng
        n = rng.choice((2, 3))
        total = int(round(qty * rng.uniform(0.95, 1.05)))
        shares = [rng.uniform(0.7, 1.3) for _ in range(n)]
        amounts = [int(total * x / sum(shares)) for x in shares]
        amounts[-1] = total - sum(amounts[:-1])
        lags = sorted(rng.sample(range(3, 41), n))
        return [(a, arrive + timedelta(days=lag)) for a, lag in zip(amounts, lags)]

    def _chain_fits(self, draft: _ChainDraft) -> bool:
        """True when every intermediary is active on its days, trades nothing else in the
        goods around them, and the chain ends inside the world."""
        pieces, hops = draft.pieces, draft.hops
        for k, inter in enumerate(draft.route):
            in_day = draft.arrivals[k]
            out_days = ([d for _, d in pieces] if draft.kind == "split"
                        else [hops[k + 1][2]])
            if in_day < inter.start or max(out_days) > inter.end:
                return False
            if inter.chains == 0 and in_day > inter.start + timedelta(days=45):
                return False  # a front's first trade comes within months of incorporation
            if not self._free(inter.company, draft.goods.hs6,
                              [in_day - timedelta(days=5), *out_days]):
                return False
        return max(draft.arrivals[-1:] + [d for _, d in pieces]) <= LAST_DAY - timedelta(days=5)

    def _write_chain(self, draft: _ChainDraft) -> None:
        """The chain's rows, marked up at every hop, and its record in ``chains``."""
        rng = self.rng
        kind, goods, hops, qty = draft.kind, draft.goods, draft.hops, draft.qty
        origin = draft.supplier.country if rng.random() < 0.5 else rng.choice(
            ("US", "TW", "JP", "KR", "CN", "DE", "NL"))
        value = qty * rng.uniform(*goods.price)
        cited: list[dict] = []
        for k, (exp, imp, day, hq, t) in enumerate(hops):
            prev_q = hops[k - 1][3] if k else hq
            value = value * hq / prev_q * (1 + rng.uniform(0.10, 0.60)) if k else value
            last = k == len(hops) - 1 and kind != "split"
            mirror = rng.random() < (0.4 if last else 0.15)
            row, _ = self._ship(exp, imp, day, goods, hq, value, mirror=mirror, origin=origin,
                                transit=t)
            cited.append(row)
        links = [(cited[k], cited[k + 1]) for k in range(len(cited) - 1)]
        if kind == "split":
            seller = draft.route[-1].company
            for amount, day in draft.pieces:
                piece_value = value * amount / qty * (1 + rng.uniform(0.10, 0.60))
                row, _ = self._ship(seller, draft.buyer, day, goods, amount, piece_value,
                                    origin=origin)
                links.append((cited[-1], row))
        for inter in draft.route:
            inter.chains += 1
        self.chains.append(_Chain(kind, goods.hs6, [draft.supplier]
                                  + [i.company for i in draft.route] + [draft.buyer], links))
