"""Streaming the shipments: planted rows in their places, background rows drawn around them."""

from __future__ import annotations

from datetime import timedelta
from typing import Iterator

import numpy as np

from loaders.columns import SHIPMENTS
from loaders.world.goods import _GOODS, _STD_LOTS
from loaders.world.scope import (
    _COUNTRY_CODES,
    _COUNTRY_FORM_P,
    _COUNTRY_INDEX,
    _CYRILLIC_COUNTRIES,
    COUNTRY_FORMS,
    FIRST_DAY,
    LAST_DAY,
)

_CHUNK_ROWS = 20_000


class _Stream:
    """Yields the shipment rows in file order, a chunk at a time (a part of ``_World``: it
    needs ``seed``, ``n_rows``, the planted, bad and duplicated rows and the lanes)."""

    def _place(self) -> None:
        """Give every planted row its place in the file and its record id."""
        nprng = np.random.default_rng([self.seed, 1])
        bad_rows = [r for r, _, _ in self.bad_shipments]
        bad_ids = {id(r) for r in bad_rows}
        rows = [r for r in self.planted if id(r) not in bad_ids] + bad_rows
        copies = [dict(r, _copy_of=r) for r in self.duplicates]
        placed = rows + copies
        order = list(range(len(placed)))
        self.rng.shuffle(order)
        positions = np.sort(nprng.choice(self.n_rows, size=len(placed), replace=False)).tolist()
        pos_of = {}
        for slot, k in enumerate(order):
            pos_of[k] = positions[slot]
        # a copy comes after its original (either order would be identical text)
        index = {id(r): k for k, r in enumerate(placed)}
        for k, copy in enumerate(copies, start=len(rows)):
            orig = index[id(copy["_copy_of"])]
            if pos_of[k] < pos_of[orig]:
                pos_of[k], pos_of[orig] = pos_of[orig], pos_of[k]
        for k, row in enumerate(placed):
            row["_pos"] = pos_of[k]
        for row in rows:
            if row.get("record_id") is None:
                row["record_id"] = f"{row['_prefix']}{row['_pos'] + 1:07d}"
        for row, reason, column in self.bad_shipments:
            if column == "record_id" and reason == "missing_required":
                row["record_id"] = ""
        for copy in copies:
            for col in SHIPMENTS.columns:
                copy[col] = copy["_copy_of"][col]
        self.placed = sorted(placed, key=lambda r: r["_pos"])

    def _tables(self) -> None:
        """Lookup arrays the background chunks index into."""
        comps = self.companies
        n_variants = 9
        names = np.empty((len(comps), n_variants), dtype=object)
        for c in comps:
            spellings = (c.variants_cyr + c.variants_lat) if c.cyrillic else c.variants_lat
            spellings = spellings + (spellings[0],) * (n_variants - len(spellings))
            names[c.idx] = spellings
        self.t_names = names
        self.t_cyr = np.array([c.cyrillic for c in comps])
        # spelling weights: Cyrillic companies (4 Cyrillic + 5 Latin), Latin companies (5)
        cyr_w = np.array([30, 10, 6, 3, 20, 14, 6, 6, 5], dtype=float)
        lat_w = np.array([45, 20, 15, 12, 8, 0, 0, 0, 0], dtype=float)
        self.t_cdf = np.stack([np.cumsum(lat_w / lat_w.sum()), np.cumsum(cyr_w / cyr_w.sum())])
        self.t_country = np.array([_COUNTRY_INDEX[c.country] for c in comps])
        self.t_trade_id = np.array([c.trade_id for c in comps], dtype=object)
        forms = np.empty((len(_COUNTRY_CODES), 5), dtype=object)
        for i, code in enumerate(_COUNTRY_CODES):
            forms[i] = (code,) + COUNTRY_FORMS[code]
        self.t_cforms = forms
        self.t_codes = np.array(_COUNTRY_CODES, dtype=object)
        self.t_country_cyr = np.array([c in _CYRILLIC_COUNTRIES for c in _COUNTRY_CODES])
        hs = np.empty((len(_GOODS), 5), dtype=object)
        for i, g in enumerate(_GOODS):
            h = g.hs6
            hs[i] = (h, f"{h[:4]}.{h[4:]}", f"{h}0000", f"{h[:4]}.{h[4:]}.90",
                     f"{h[:4]} {h[4:]} 00")
        self.t_hs = hs
        self.t_desc = np.array([(g.en, g.ru) for g in _GOODS], dtype=object)
        self.t_unit = np.array([g.unit for g in _GOODS], dtype=object)
        self.t_kg = np.array([g.kg for g in _GOODS])
        self.t_days = np.array([(FIRST_DAY + timedelta(days=d)).isoformat()
                                for d in range((LAST_DAY - FIRST_DAY).days + 1)], dtype=object)

    def _background(self, rng: np.random.Generator, positions: np.ndarray
                    ) -> tuple[list[tuple], np.ndarray, np.ndarray]:
        k = len(positions)
        lane = rng.choice(len(self.lane_p), size=k, p=self.lane_p)
        exp, imp, g = self.lane_exp[lane], self.lane_imp[lane], self.lane_goods[lane]
        lo, hi = self.lane_lo[lane], self.lane_hi[lane]
        day = lo + (rng.random(k) * (hi - lo + 1)).astype(np.int64)
        qty = np.maximum(1, np.rint(self.lane_lot[lane] * np.exp(rng.normal(0, 0.35, k))))
        # hubs ship standard lots: one of the sizes their lane deals in, smaller ones oftener
        lo_std, hi_std = self.lane_std[lane, 0], self.lane_std[lane, 1]
        std = lo_std >= 0
        pick = lo_std + np.floor((rng.random(k) ** 1.5) * (hi_std - lo_std + 1)).astype(np.int64)
        qty = np.where(std, _STD_LOTS[np.clip(pick, 0, len(_STD_LOTS) - 1)], qty)
        value = qty * self.lane_price[lane] * np.exp(rng.normal(0, 0.08, k))
        weight = qty * self.t_kg[g] * np.exp(rng.normal(0, 0.05, k))
        imp_side = rng.random(k) < 0.8
        reporter = np.where(imp_side, self.t_country[imp], self.t_country[exp])

        def spelling(who: np.ndarray) -> np.ndarray:
            u = rng.random(k)
            cdf = self.t_cdf[self.t_cyr[who].astype(np.int64)]
            slot = np.minimum((u[:, None] > cdf).sum(axis=1), 8)
            return self.t_names[who, slot]

        def country(who: np.ndarray) -> np.ndarray:
            form = rng.choice(5, size=k, p=_COUNTRY_FORM_P)
            return self.t_cforms[self.t_country[who], form]

        def ident(who: np.ndarray) -> np.ndarray:
            return np.where(rng.random(k) < 0.85, self.t_trade_id[who], "")

        exp_name, imp_name = spelling(exp), spelling(imp)
        exp_country, imp_country = country(exp), country(imp)
        exp_id, imp_id = ident(exp), ident(imp)
        hs = self.t_hs[g, rng.choice(5, size=k, p=[0.5, 0.15, 0.15, 0.1, 0.1])]
        desc = self.t_desc[g, self.t_country_cyr[reporter].astype(np.int64)]
        origin = np.where(rng.random(k) < 0.9, self.t_codes[self.t_country[exp]], "")
        qty_text = np.where(rng.random(k) < 0.03, "", qty.astype(np.int64).astype(str))
        weight_text = [f"{w:.1f}" for w in weight.tolist()]
        weight_text = np.where(rng.random(k) < 0.1, "", np.array(weight_text, dtype=object))
        value_text = [f"{v:.2f}" for v in value.tolist()]
        rep_codes = self.t_codes[reporter].tolist()
        sides = np.where(imp_side, "IM", "EX").tolist()
        record_ids = [f"{r}-{s}-{p + 1:07d}" for r, s, p in zip(rep_codes, sides,
                                                               positions.tolist())]
        sources = [f"customs-{r.lower()}" for r in rep_codes]
        rows = list(zip(record_ids, self.t_days[day].tolist(), exp_name.tolist(),
                        exp_country.tolist(), imp_name.tolist(), imp_country.tolist(),
                        hs.tolist(), exp_id.tolist(), imp_id.tolist(), desc.tolist(),
                        origin.tolist(), qty_text.tolist(), self.t_unit[g].tolist(),
                        weight_text.tolist(), value_text, rep_codes, sources))
        return rows, exp, imp

    def iter_shipment_chunks(self) -> Iterator[tuple[list[tuple], np.ndarray, np.ndarray]]:
        """Shipment rows in file order, a chunk at a time, with each row's true exporter and
        importer (indices into ``self.companies``)."""
        if not hasattr(self, "placed"):
            self._place()
            self._tables()
        # own rng per pass, so a second pass yields the same rows
        rng = np.random.default_rng([self.seed, 2])
        columns = SHIPMENTS.columns
        pointer = 0
        placed = self.placed
        for start in range(0, self.n_rows, _CHUNK_ROWS):
            end = min(self.n_rows, start + _CHUNK_ROWS)
            here = []
            while pointer < len(placed) and placed[pointer]["_pos"] < end:
                here.append(placed[pointer])
                pointer += 1
            taken = np.zeros(end - start, dtype=bool)
            taken[[r["_pos"] - start for r in here]] = True
            free = np.arange(start, end)[~taken]
            rows, exp, imp = self._background(rng, free)
            exp, imp = exp.tolist(), imp.tolist()
            for r in here:  # ascending positions: each lands at its final offset
                offset = r["_pos"] - start
                rows.insert(offset, tuple(r[c] for c in columns))
                exp.insert(offset, r["_exp"])
                imp.insert(offset, r["_imp"])
            yield rows, np.asarray(exp, dtype=np.int64), np.asarray(imp, dtype=np.int64)
