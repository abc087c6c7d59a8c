"""Look-alikes: companies that trade like a scheme in one way or another, but are none."""

from __future__ import annotations

import math
from datetime import date, timedelta

from loaders.world.goods import (
    _CHAIN_HS6,
    _DIFFERENT_HS_PAIRS,
    _PASSTHROUGH_HS6,
    _SUPPLIER_ORDINARY,
)
from loaders.world.model import _Company
from loaders.world.places import _Address
from loaders.world.scope import (
    _BUSINESS_CENTRE_ACTIVITY,
    _TRADER_ACTIVITY,
    FIRST_DAY,
    LAST_DAY,
    _n,
)


class _Lookalikes:
    """Plants the look-alikes detection must not flag (a part of ``_World``: it needs
    ``rng``, ``lookalikes``, the suppliers and buyers, and the declarations). Hubs, the busiest
    look-alikes, have a module of their own."""

    def _plan_business_centre(self) -> None:
        rng = self.rng
        country = "KZ"
        self.bc_address = _Address(country, "Алматы", "Almaty", "Аль-Фараби", "77/7",
                                   building="БЦ «Алатау Плаза»")
        self.bc_importers: list[_Company] = []
        self.bc_exporters: list[_Company] = []
        self.business_centre: list[_Company] = []
        for i in range(_n(12, self.scale, 10)):
            c = self._company(country, "business_centre",
                              self._day(date(2001, 1, 1), date(2014, 12, 31)),
                              activity=_BUSINESS_CENTRE_ACTIVITY[i % 12],
                              address=self.bc_address.render(rng.choice((0, 0, 1, 2))))
            self.business_centre.append(c)
            (self.bc_importers if i % 3 else self.bc_exporters).append(c)

    def _plan_old_reexporters(self) -> None:
        rng = self.rng
        n = _n(3, self.scale, 2)
        countries = ("AE", "TR", "KZ", "AM", "GE", "UZ")
        for k in range(n):
            c = self._company(countries[k % len(countries)], "old_reexporter",
                              self._day(date(2003, 1, 1), date(2014, 12, 31)),
                              activity=rng.choice(("46.52", "46.90")))
            rows: list[dict] = []
            slow = k == n - 1  # the last one sells its lots on, but only after 130-200 days
            for hs6 in rng.sample(_CHAIN_HS6, 2 if not slow else 1):
                goods = self._goods(hs6)
                base = int(math.exp(rng.uniform(math.log(max(goods.qty[0], 200) * 5),
                                                math.log(goods.qty[1] * 5))))
                price = rng.uniform(*goods.price)
                day = FIRST_DAY + timedelta(days=rng.randint(20, 90))
                if slow:
                    while True:
                        sup = rng.choice(self.chain_suppliers)
                        q = int(base * rng.uniform(0.8, 1.2))
                        row, arrive = self._ship(sup, c, day, goods, q, q * price)
                        rows.append(row)
                        out = arrive + timedelta(days=rng.randint(130, 200))
                        if out > LAST_DAY:
                            break
                        q2 = int(round(q * rng.uniform(0.97, 1.03)))
                        row, landed = self._ship(c, rng.choice(self.wholesale_buyers), out, goods,
                                                 q2, q2 * price * rng.uniform(1.1, 1.3))
                        rows.append(row)
                        day = landed + timedelta(days=rng.randint(70, 120))
                        if day > LAST_DAY:
                            break
                    continue
                # big lots in every 120-200 days, small lots out every 40-70 days: no onward
                # shipment, nor all of them within 120 days together, comes near an arrival
                next_out = day + timedelta(days=rng.randint(10, 40))
                while day <= LAST_DAY - timedelta(days=10):
                    sup = rng.choice(self.chain_suppliers + self.suppliers[:5])
                    q = int(base * rng.uniform(0.8, 1.2))
                    row, _ = self._ship(sup, c, day, goods, q, q * price)
                    rows.append(row)
                    day += timedelta(days=rng.randint(120, 200))
                    while next_out < min(day, LAST_DAY - timedelta(days=10)):
                        q2 = max(1, int(base * rng.uniform(0.04, 0.12)))
                        buyer = rng.choice(self.wholesale_buyers + self.defence_buyers[:1])
                        row, _ = self._ship(c, buyer, next_out, goods, q2,
                                            q2 * price * rng.uniform(1.15, 1.5))
                        rows.append(row)
                        next_out += timedelta(days=rng.randint(40, 70))
            self.lookalikes.append(("old_reexporter", c, rows))

    def _plan_different_hs(self) -> None:
        rng = self.rng
        countries = ("KZ", "AE", "TR", "AM", "KG", "UZ")
        for k in range(_n(2, self.scale, 2)):
            c = self._company(countries[k % len(countries)], "different_hs",
                              self._day(date(2010, 1, 1), date(2018, 12, 31)),
                              activity="46.52")
            # a trading history of ordinary imports it never sends on
            for _ in range(rng.randint(3, 5)):
                goods = self._goods(rng.choice(_SUPPLIER_ORDINARY))
                q = int(rng.uniform(*goods.qty))
                self._ship(rng.choice(self.suppliers), c,
                           self._day(date(2019, 2, 1), date(2021, 12, 31)), goods, q,
                           q * rng.uniform(*goods.price))
            pairs = rng.sample(_DIFFERENT_HS_PAIRS, 2)
            for a, b in pairs:
                ga, gb = self._goods(a), self._goods(b)
                day = self._day(date(2022, 6, 1), date(2025, 9, 30))
                q = int(rng.uniform(max(ga.qty[0], 100), ga.qty[1]))
                arrival, landed = self._ship(rng.choice(self.chain_suppliers), c, day, ga, q,
                                             q * rng.uniform(*ga.price))
                q2 = q if rng.random() < 0.6 else int(round(q * rng.uniform(0.98, 1.02)))
                onward, _ = self._ship(c, rng.choice(self.defence_buyers + self.wholesale_buyers),
                                       landed + timedelta(days=rng.randint(5, 40)), gb, q2,
                                       q2 * rng.uniform(*gb.price))
                self.lookalikes.append(("different_hs", c, [arrival, onward]))

    def _plan_domestic_new(self) -> None:
        rng = self.rng
        countries = ("KG", "KZ", "AM", "UZ", "GE", "AE")
        for k in range(_n(3, self.scale, 2)):
            country = countries[k % len(countries)]
            inc = self._day(date(2022, 6, 1), date(2024, 6, 30))
            c = self._company(country, "domestic_new", inc, activity=rng.choice(_TRADER_ACTIVITY))
            rows: list[dict] = []
            day = inc + timedelta(days=rng.randint(30, 120))
            sells_at_home = k % 2 == 0
            local = (self._company(country, "importer", self._day(date(2000, 1, 1),
                                                                  date(2015, 12, 31)))
                     if sells_at_home else None)
            if local is not None:
                self.bg_importers.append(local)  # a pure importer; fine in the background
            for hs6 in rng.sample(_CHAIN_HS6, 3):
                goods = self._goods(hs6)
                q = int(rng.uniform(max(goods.qty[0], 100), goods.qty[1]))
                row, landed = self._ship(rng.choice(self.chain_suppliers), c, day, goods, q,
                                         q * rng.uniform(*goods.price))
                rows.append(row)
                if local is not None:
                    # sold on at home: same quantity, the buyer is in the same country
                    row, _ = self._ship(c, local, landed + timedelta(days=rng.randint(3, 30)),
                                        goods, q, q * rng.uniform(*goods.price) * 1.3, transit=0)
                    rows.append(row)
                day += timedelta(days=rng.randint(60, 150))
                if day > LAST_DAY - timedelta(days=60):
                    break
            self.lookalikes.append(("domestic_new", c, rows))

    def _plan_ordinary_passthrough(self) -> None:
        rng = self.rng
        countries = ("KZ", "KG", "UZ", "AM", "GE")
        for k in range(_n(3, self.scale, 2)):
            c = self._company(countries[k % len(countries)], "ordinary_passthrough",
                              self._day(date(2010, 1, 1), date(2018, 12, 31)),
                              activity=rng.choice(("46.90", "46.49", "46.41")))
            for hs6 in rng.sample(_PASSTHROUGH_HS6, 3):
                goods = self._goods(hs6)
                day = self._day(date(2020, 1, 1), date(2025, 9, 30))
                q = int(rng.uniform(*goods.qty))
                sup = rng.choice([s for s in self.suppliers if s.country in ("CN", "TR", "IT")]
                                 or self.suppliers)
                arrival, landed = self._ship(sup, c, day, goods, q, q * rng.uniform(*goods.price))
                q2 = q if rng.random() < 0.5 else int(round(q * rng.uniform(0.95, 1.05)))
                onward, _ = self._ship(c, rng.choice(self.retailers),
                                       landed + timedelta(days=rng.randint(5, 30)), goods, q2,
                                       q2 * rng.uniform(*goods.price) * 1.25)
                self.lookalikes.append(("ordinary_passthrough", c, [arrival, onward]))
