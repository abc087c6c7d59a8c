"""Planted declarations: customs records of a shipment, on one side of a border or both."""

from __future__ import annotations

from datetime import date, timedelta

from loaders.world.goods import _GOODS, _GOODS_INDEX, _Goods
from loaders.world.model import _Company
from loaders.world.scope import _COUNTRY_FORM_P, _CYRILLIC_COUNTRIES, COUNTRY_FORMS


class _Declarations:
    """Writes the planted shipment rows (a part of ``_World``: it needs ``rng``, ``planted``,
    ``mirrors`` and the record of who traded what when)."""

    def _hs_text(self, hs6: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            return hs6
        if r < 0.65:
            return f"{hs6[:4]}.{hs6[4:]}"
        if r < 0.8:
            return f"{hs6}{rng.choice(('0000', '9000', '1000'))}"
        if r < 0.9:
            return f"{hs6[:4]}.{hs6[4:]}.{rng.choice(('00', '90', '10'))}"
        return f"{hs6[:4]} {hs6[4:]} {rng.choice(('00', '90'))}"

    def _country_text(self, country: str) -> str:
        form = self.rng.choices(range(5), _COUNTRY_FORM_P)[0]
        return country if form == 0 else COUNTRY_FORMS[country][form - 1]

    def _party_name(self, c: _Company, script: str) -> str:
        """A spelling of ``c`` for a row: ``cyr`` or ``lat`` script, or ``any``."""
        rng = self.rng
        if c.cyrillic and (script == "cyr" or (script == "any" and rng.random() < 0.5)):
            return rng.choices(c.variants_cyr, (60, 20, 12, 8))[0]
        weights = (45, 20, 15, 12, 8) if c.cyrillic else (45, 20, 15, 12, 8)
        return rng.choices(c.variants_lat, weights)[0]

    def _row(self, exp: _Company, imp: _Company, day: date, goods: _Goods, qty: int | None,
             value: float, side: str, *, script: str | None = None, origin: str | None = None,
             ids: bool = True, declared: _Goods | None = None, measure: str = "count") -> dict:
        """One planted declaration; its record id is set once rows have their places.

        ``declared`` is the heading the goods are declared under when it is not their own (a
        cover heading: its code and description, with the goods' own weight); ``measure`` says
        how the quantity is stated: ``count`` in the goods' unit, ``weight`` in kg (the net
        weight), ``none`` left out.
        """
        rng = self.rng
        shown = declared or goods
        reporter = imp.country if side == "IM" else exp.country
        if script is None:
            script = "cyr" if reporter in ("RU", "BY") and rng.random() < 0.8 else (
                "any" if reporter in _CYRILLIC_COUNTRIES else "lat")
        weight = qty * goods.kg * rng.uniform(0.97, 1.03) if qty else value / goods.price[1]
        row = {
            "record_id": None,
            "date": day.isoformat(),
            "exporter_name": self._party_name(exp, script),
            "exporter_country": self._country_text(exp.country),
            "importer_name": self._party_name(imp, script),
            "importer_country": self._country_text(imp.country),
            "hs_code": self._hs_text(shown.hs6),
            "exporter_id": exp.trade_id if ids and rng.random() < 0.85 else "",
            "importer_id": imp.trade_id if ids and rng.random() < 0.85 else "",
            "description": shown.ru if reporter in _CYRILLIC_COUNTRIES else shown.en,
            "origin_country": origin if origin is not None else exp.country,
            "quantity": str(qty) if qty is not None else "",
            "unit": shown.unit,
            "net_weight_kg": f"{weight:.1f}",
            "value_usd": f"{value:.2f}",
            "reporter": reporter,
            "source": f"customs-{reporter.lower()}",
            "_prefix": f"{reporter}-{side}-",
            "_exp": exp.idx,
            "_imp": imp.idx,
        }
        if measure == "weight":
            row["quantity"], row["unit"] = row["net_weight_kg"], "kg"
        elif measure == "none":
            row["quantity"], row["unit"] = "", ""
        self.planted.append(row)
        return row

    def _ship(self, exp: _Company, imp: _Company, depart: date, goods: _Goods, qty: int,
              value: float, *, mirror: bool = False, origin: str | None = None,
              transit: int | None = None, declared: _Goods | None = None,
              measure: str = "count") -> tuple[dict, date]:
        """A physical shipment: one declaration, or two when ``mirror``; returns the row
        detection should cite (the importer's when mirrored) and the arrival date.
        ``declared`` and ``measure`` as in :meth:`_row` (both declarations alike)."""
        rng = self.rng
        arrive = depart + timedelta(days=rng.randint(0, 5) if transit is None else transit)
        shown = {"declared": declared, "measure": measure}
        for company in (exp, imp):
            for hs6 in dict.fromkeys((goods.hs6, (declared or goods).hs6)):
                self._activity.setdefault((company.idx, hs6), []).extend((depart, arrive))
        if mirror:
            cited = self._row(exp, imp, arrive, goods, qty, value * rng.uniform(1.0, 1.04), "IM",
                              script="cyr" if imp.country in _CYRILLIC_COUNTRIES else "lat",
                              origin=origin, **shown)
            other = self._row(exp, imp, depart, goods, qty, value, "EX", script="lat",
                              origin=origin, **shown)
            self.mirrors.append((cited, other))
            return cited, arrive
        if rng.random() < 0.8:
            return self._row(exp, imp, arrive, goods, qty, value, "IM", origin=origin,
                             **shown), arrive
        return self._row(exp, imp, depart, goods, qty, value, "EX", origin=origin,
                         **shown), arrive

    def _free(self, company: _Company, hs6: str, days: list[date], gap: int = 120) -> bool:
        """True when ``company`` has no other trade in ``hs6`` within ``gap`` days of ``days``."""
        seen = self._activity.get((company.idx, hs6), ())
        return all(abs((d - s).days) > gap for d in days for s in seen)

    def _goods(self, hs6: str) -> _Goods:
        return _GOODS[_GOODS_INDEX[hs6]]
