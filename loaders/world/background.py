"""Background trade: the lanes ordinary rows are drawn from, and the plain, mirrored,
duplicated and bad rows the truth cites."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from loaders.world.goods import (
    _BACKGROUND_CHPL_HS6,
    _BY_EXPORTS,
    _GOODS,
    _GOODS_INDEX,
    _RU_EXPORTS,
    _SUPPLIER_ORDINARY,
    _TRANSIT_EXPORTS,
    _Goods,
)
from loaders.world.model import _Company
from loaders.world.scope import (
    _WESTERN,
    DESTINATION_COUNTRIES,
    FIRST_DAY,
    INVASION_DAY,
    LAST_DAY,
    _n,
)


class _Background:
    """Plans the background lanes and the plain rows (a part of ``_World``: it needs ``rng``,
    ``companies``, the background importers and exporters, and the declarations)."""

    def _plan_lanes(self) -> None:
        """Who ships what to whom in the background: exporter, importer, goods, lot, price."""
        rng = self.rng
        by_class: dict[str, list[_Company]] = {"supplier": [], "transit": [], "RU": [], "BY": []}
        for c in self.bg_exporters:
            if c.role == "supplier":
                by_class["supplier"].append(c)
            elif c.country in ("RU", "BY"):
                by_class[c.country].append(c)
            else:
                by_class["transit"].append(c)
        first, last = 0, (LAST_DAY - FIRST_DAY).days
        sanctions = (INVASION_DAY - FIRST_DAY).days
        lanes = []
        for imp in self.bg_importers:
            n = rng.randint(2, 6) if imp.role == "defence_buyer" else rng.randint(1, 4)
            for _ in range(n):
                if imp.country == "RU":
                    pools = ("supplier", "supplier", "supplier", "transit", "BY")
                elif imp.country == "BY":
                    pools = ("supplier", "supplier", "transit", "RU", "RU")
                else:
                    pools = ("supplier", "supplier", "supplier", "RU", "BY", "transit")
                cls = rng.choice(pools)
                if not by_class[cls]:
                    continue
                for _ in range(20):  # a customs record crosses a border
                    exp = rng.choice(by_class[cls])
                    if exp.country != imp.country:
                        break
                else:
                    continue
                if cls == "supplier":
                    chpl_p = 0.6 if imp.role == "defence_buyer" else 0.2
                    hs6 = (rng.choice(_BACKGROUND_CHPL_HS6) if rng.random() < chpl_p
                           else rng.choice(_SUPPLIER_ORDINARY))
                elif cls == "transit":
                    hs6 = rng.choice(_TRANSIT_EXPORTS)
                else:
                    hs6 = rng.choice(_RU_EXPORTS if cls == "RU" else _BY_EXPORTS)
                goods = self._goods(hs6)
                lo_q, hi_q = goods.qty
                lot = math.exp(rng.uniform(math.log(lo_q), math.log(hi_q)))
                hi = last
                if exp.country in _WESTERN and imp.country in DESTINATION_COUNTRIES:
                    hi = sanctions  # western exporters stopped shipping direct in 2022
                lanes.append((exp.idx, imp.idx, _GOODS_INDEX[hs6], lot,
                              rng.uniform(*goods.price), first, hi,
                              math.exp(rng.gauss(0, 1))))
        arr = np.array([lane[:7] for lane in lanes], dtype=float)
        self.lane_exp = arr[:, 0].astype(np.int64)
        self.lane_imp = arr[:, 1].astype(np.int64)
        self.lane_goods = arr[:, 2].astype(np.int64)
        self.lane_lot = arr[:, 3]
        self.lane_price = arr[:, 4]
        self.lane_lo = arr[:, 5].astype(np.int64)
        self.lane_hi = arr[:, 6].astype(np.int64)
        w = np.array([lane[7] for lane in lanes])
        self.lane_p = w / w.sum()
        # lanes drawing standard lot sizes (the hubs'): first and last index into _STD_LOTS
        self.lane_std = np.full((len(lanes), 2), -1, dtype=np.int64)

    def _plain_lane(self, registry_only: bool = False) -> tuple[_Company, _Company, _Goods]:
        rng = self.rng
        while True:
            i = rng.randrange(len(self.lane_exp))
            exp = self.companies[int(self.lane_exp[i])]
            imp = self.companies[int(self.lane_imp[i])]
            if registry_only and not exp.in_registry:
                continue
            return exp, imp, _GOODS[int(self.lane_goods[i])]

    def _plain(self, exp: _Company, imp: _Company, goods: _Goods, *, mirror: bool = False,
               after: date = FIRST_DAY) -> dict:
        rng = self.rng
        hi = LAST_DAY - timedelta(days=6)
        if exp.country in _WESTERN and imp.country in DESTINATION_COUNTRIES:
            hi = INVASION_DAY
        q = int(rng.uniform(*goods.qty))
        row, _ = self._ship(exp, imp, self._day(after, hi), goods, q,
                            q * rng.uniform(*goods.price), mirror=mirror)
        return row

    def _plan_plain_rows(self) -> None:
        """Direct trade rows the truth cites: business-centre trade, mirrors, duplicates."""
        rng = self.rng
        for c in self.business_centre:
            rows = []
            for _ in range(2):
                if c in self.bc_importers:
                    exp = rng.choice([s for s in self.suppliers if s.country != c.country])
                    goods = self._goods(rng.choice(_SUPPLIER_ORDINARY))
                    rows.append(self._plain(exp, c, goods))
                else:
                    imp = rng.choice(self.bg_importers[: _n(50, self.scale, 8)])
                    goods = self._goods(rng.choice(_TRANSIT_EXPORTS))
                    rows.append(self._plain(c, imp, goods))
            self.lookalikes.append(("business_centre", c, rows))
        for _ in range(_n(3, self.scale, 2)):
            exp, imp, goods = self._plain_lane()
            self._plain(exp, imp, goods, mirror=True)
        plain = []
        for _ in range(_n(10, self.scale, 4)):
            exp, imp, goods = self._plain_lane()
            plain.append(self._plain(exp, imp, goods))
        self.duplicates = rng.sample(plain, _n(4, self.scale, 2))

    def _plan_bad_rows(self) -> None:
        """Rows a loader must reject, each with the reason it should give."""
        rng = self.rng
        kinds = []
        missing = ("exporter_name", "importer_name", "importer_country", "date", "hs_code",
                   "record_id")
        per_kind = _n(6, self.scale, 2)
        for i in range(per_kind):
            kinds.append(("missing_required", missing[i % len(missing)]))
            kinds.append(("bad_date", "date"))
            kinds.append(("bad_hs_code", "hs_code"))
            kinds.append(("negative_quantity", "quantity"))
            kinds.append(("no_amount", "quantity"))
            kinds.append(("unknown_country", rng.choice(("exporter_country", "importer_country"))))
        bad_dates = ("31.02.2023", "yesterday", "2023-13-45", "2022-02-30", "n/a", "32/01/2021")
        bad_hs = ("ABC", "12", "8542.3A", "00", "HS-CODE", "85423190123456")
        for n, (reason, column) in enumerate(kinds):
            exp, imp, goods = self._plain_lane(registry_only=True)
            row = self._plain(exp, imp, goods)
            if reason == "missing_required":
                row[column] = ""
            elif reason == "bad_date":
                row["date"] = bad_dates[n % len(bad_dates)]
            elif reason == "bad_hs_code":
                row["hs_code"] = bad_hs[n % len(bad_hs)]
            elif reason == "negative_quantity":
                row["quantity"] = f"-{row['quantity']}"
            elif reason == "no_amount":
                row["quantity"] = row["net_weight_kg"] = row["value_usd"] = ""
            else:
                row[column] = rng.choice(("Atlantis", "Atlantis", "Narnia", "Zz"))
            self.bad_shipments.append((row, reason, column))
