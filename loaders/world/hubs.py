"""Hubs: long-established trading houses in the transit countries, busy but no scheme."""

from __future__ import annotations

import math
import random
from datetime import date

import numpy as np

from loaders.world.goods import _GOODS_INDEX, _Goods, _std_lots
from loaders.world.model import _Company
from loaders.world.scope import FIRST_DAY, LAST_DAY, _n

# Hubs: the trading houses of the transit countries, what they deal in, where they sell.
_HUB_COUNTRIES = ("KZ", "AE", "HK", "TR", "KG", "AM", "UZ", "GE")
_HUB_MARKETS = ("KZ", "KG", "UZ", "AM", "GE", "AE", "TR", "HK")
_HUB_HS6 = ("854231", "854232", "854239", "854233", "850440", "853224", "848210", "851762",
            "853400", "401110", "870899", "392690")
_HUB_ACTIVITY = ("46.52", "46.69", "46.90", "46.43")
# goods a hub buys at home and sells to RU and BY (a share of its rows); never one it imports
_HUB_LOCAL_HS6 = ("620342", "640399", "080510", "401110", "220421", "090240", "940360",
                  "330499", "721049")
_HUB_LOCAL_SHARE = 0.2
_HUB_SHARE = 0.15  # of the background rows
_ROWS_PER_HUB = 40_000  # one more hub per this many rows
# when hubs and their customers were founded
_HUB_FOUNDED = (date(1996, 1, 1), date(2015, 12, 31))

# (exporter, importer, goods, first lot, last lot, price, weight)
_HubLane = tuple[_Company, _Company, _Goods, int, int, float, float]


class _Hubs:
    """Plans the hubs and their lanes (a part of ``_World``: it needs ``seed``, ``scale``,
    ``n_rows``, the suppliers and the background lanes already planned)."""

    def _plan_hubs(self) -> None:
        """Trading houses in the transit countries that import and re-sell lots of the same
        headings by the thousand, in standard lot sizes, at home, to third countries and to
        each other: busy pass-through trade that is no scheme.

        Their rows are background rows drawn from lanes of their own (``_HUB_SHARE`` of all
        background rows, spread over the hubs with a heavy tail), so their number grows with
        ``n_shipments``. They sell to RU and BY too, but only goods bought at home, never a
        heading they import, and their customers only buy, so none of their trade can be a
        chain link towards a destination: a look-alike.
        """
        rng = random.Random(f"tracegraph-hubs-{self.seed}")
        main_rng, self.rng = self.rng, rng  # the other schemes stay as they were
        try:
            hub_goods = self._hub_houses()
            # activity per hub: a heavy tail, the first hubs the busiest
            n_hubs = len(self.hubs)
            size = np.array([1.0 / (k + 1) ** 1.2 for k in range(n_hubs)])
            size /= size.sum()
            lanes: list[_HubLane] = []
            for hub, goods, share in zip(self.hubs, hub_goods, size.tolist()):
                lanes += self._hub_lanes(hub, goods, share, hub_goods)
            if lanes:
                self._add_hub_lanes(lanes)
        finally:
            self.rng = main_rng

    def _hub_houses(self) -> list[list[_Goods]]:
        """The hubs (into ``hubs``), and the headings each deals in."""
        rng = self.rng
        n_hubs = _n(2, self.scale, 1) + self.n_rows // _ROWS_PER_HUB
        old = _HUB_FOUNDED
        self.hubs: list[_Company] = []
        hub_goods: list[list[_Goods]] = []
        for k in range(n_hubs):
            country = _HUB_COUNTRIES[k % len(_HUB_COUNTRIES)]
            hub = self._company(country, "hub", self._day(*old),
                                activity=rng.choice(_HUB_ACTIVITY))
            self.hubs.append(hub)
            headings = rng.sample(_HUB_HS6, rng.randint(2, 4))
            hub_goods.append([self._goods(h) for h in headings])
        return hub_goods

    def _hub_lanes(self, hub: _Company, goods: list[_Goods], share: float,
                   hub_goods: list[list[_Goods]]) -> list[_HubLane]:
        """One hub's lanes: its arrivals, its sales at home, abroad, to other hubs, and to
        Russia and Belarus; ``share`` of the hubs' rows are its."""
        rng = self.rng
        old = _HUB_FOUNDED
        suppliers = self.suppliers + self.chain_suppliers
        lanes: list[_HubLane] = []
        # customers: more for the busier hubs (about the square root of its rows, so a
        # small world stays small); they only buy
        n_customers = 3 + int(round(math.sqrt(share * _HUB_SHARE * self.n_rows) / 2))
        home = [self._company(hub.country, "hub_customer", self._day(*old))
                for _ in range(n_customers)]
        abroad = [self._company(rng.choice([c for c in _HUB_MARKETS if c != hub.country]),
                                "hub_customer", self._day(*old))
                  for _ in range(max(2, n_customers // 2))]
        peers = [h for h, g in zip(self.hubs, hub_goods) if h.country != hub.country
                 and {x.hs6 for x in g} & {x.hs6 for x in goods}]
        for g in goods:
            first, last = _std_lots(g)
            price = rng.uniform(*g.price)
            sources = rng.sample([s for s in suppliers if s.country != hub.country],
                                 rng.randint(2, 6))
            w = share * (1 - _HUB_LOCAL_SHARE) / len(goods)
            for s in sources:  # half the rows are arrivals
                lanes.append((s, hub, g, first, last, price, w * 0.5 / len(sources)))
            sold = [(c, 0.3) for c in home] + [(c, 0.15) for c in abroad]
            sold += [(h, 0.05) for h in peers
                     if g.hs6 in {x.hs6 for x in hub_goods[self.hubs.index(h)]}]
            total = sum(x for _, x in sold)
            for c, x in sold:
                lanes.append((hub, c, g, first, last, price * rng.uniform(1.1, 1.35),
                              w * 0.5 * x / total * math.exp(rng.gauss(0, 0.5))))
        return lanes + self._hub_local_lanes(hub, goods, share, n_customers)

    def _hub_local_lanes(self, hub: _Company, goods: list[_Goods], share: float,
                         n_customers: int) -> list[_HubLane]:
        """A hub's sales to Russia and Belarus."""
        rng = self.rng
        old = _HUB_FOUNDED
        lanes: list[_HubLane] = []
        # Russia and Belarus buy from the hub too, but goods it buys at home (not in
        # customs records), never a heading it imports: nothing it sends there can
        # be an arrival passed on
        imported = {x.hs6 for x in goods}
        local = [self._goods(h) for h in _HUB_LOCAL_HS6 if h not in imported]
        buyers = [self._company("RU" if rng.random() < 0.8 else "BY", "hub_customer",
                                self._day(*old)) for _ in range(max(2, n_customers // 2))]
        for g in rng.sample(local, 2):
            first, last = _std_lots(g)
            price = rng.uniform(*g.price)
            for c in buyers:
                lanes.append((hub, c, g, first, last, price,
                              share * _HUB_LOCAL_SHARE / 2 / len(buyers)
                              * math.exp(rng.gauss(0, 0.5))))
        return lanes

    def _add_hub_lanes(self, lanes: list[_HubLane]) -> None:
        """Append the hubs' lanes to the background's: ``_HUB_SHARE`` of the rows are theirs."""
        last_day = (LAST_DAY - FIRST_DAY).days
        n = len(lanes)
        w = np.array([lane[6] for lane in lanes])
        self.lane_exp = np.concatenate([self.lane_exp, [x[0].idx for x in lanes]])
        self.lane_imp = np.concatenate([self.lane_imp, [x[1].idx for x in lanes]])
        self.lane_goods = np.concatenate([self.lane_goods,
                                          [_GOODS_INDEX[x[2].hs6] for x in lanes]])
        self.lane_lot = np.concatenate([self.lane_lot, np.ones(n)])
        self.lane_price = np.concatenate([self.lane_price, [x[5] for x in lanes]])
        self.lane_lo = np.concatenate([self.lane_lo, np.zeros(n, dtype=np.int64)])
        self.lane_hi = np.concatenate([self.lane_hi, np.full(n, last_day, dtype=np.int64)])
        self.lane_std = np.concatenate([self.lane_std,
                                        np.array([[x[3], x[4]] for x in lanes])])
        self.lane_p = np.concatenate([self.lane_p * (1 - _HUB_SHARE),
                                      w / w.sum() * _HUB_SHARE])
