"""Companies and people: unique names, their spellings, addresses and identifiers."""

from __future__ import annotations

from datetime import date, timedelta

from loaders.world.identifiers import _company_ids, _digits, _kz_number, _ru_person_inn
from loaders.world.model import _Company, _Person
from loaders.world.names import (
    _CENTRAL_ASIA_TAILS,
    _CN_CITIES,
    _DEFAULT_TRADES,
    _DEFENCE_KINDS,
    _DEFENCE_ROOTS,
    _KG_FIRST,
    _KG_PATRONYMICS,
    _KG_ROOTS,
    _KG_SURNAMES,
    _KZ_FIRST,
    _KZ_PATRONYMICS,
    _KZ_ROOTS,
    _KZ_SURNAMES,
    _LATIN_MODIFIERS,
    _LATIN_PEOPLE,
    _LATIN_ROOTS,
    _LATIN_TRADES,
    _LEGAL,
    _RU_FEMALE,
    _RU_MALE,
    _RU_MODIFIERS,
    _RU_PATRONYMICS,
    _RU_PREFIXES,
    _RU_SUFFIXES,
    _RU_SURNAMES,
    _homoglyph,
    _translit,
    _typo,
)
from loaders.world.places import _BUILDINGS, _CITIES, _STREETS, _Address
from loaders.world.scope import (
    _CYRILLIC_COUNTRIES,
    _ORDINARY_ACTIVITY,
    TRANSIT_COUNTRIES,
    WorldError,
)


class _Parties:
    """Makes the world's companies and people (a part of ``_World``: it needs ``rng``,
    ``companies``, ``persons`` and the sets of names and numbers already taken)."""

    def _core(self, country: str, role: str) -> tuple[str, str, str]:
        """A unique (core, core_latin, prefix) name for a new company."""
        rng = self.rng
        for attempt in range(200):
            prefix = ""
            if role in ("defence_buyer", "listed_only"):
                core = f"{rng.choice(_DEFENCE_KINDS)} {rng.choice(_DEFENCE_ROOTS)}"
            elif role == "holding":
                core = f"Концерн {rng.choice(_DEFENCE_ROOTS)}"
            elif country in ("KG", "KZ") and rng.random() < 0.5:
                roots = _KG_ROOTS if country == "KG" else _KZ_ROOTS
                core = rng.choice(roots) + rng.choice(_CENTRAL_ASIA_TAILS)
            elif country in _CYRILLIC_COUNTRIES:
                core = (rng.choice(_RU_PREFIXES) + rng.choice(_RU_SUFFIXES)
                        + rng.choice(_RU_MODIFIERS))
            else:
                trades = _LATIN_TRADES.get(country, _DEFAULT_TRADES)
                core = f"{rng.choice(_LATIN_ROOTS[country])} {rng.choice(trades)}"
                core += rng.choice(_LATIN_MODIFIERS) if attempt > 20 or rng.random() < 0.2 else ""
                if country == "CN":
                    prefix = rng.choice(tuple(_CN_CITIES)) + " "
                elif country == "HK" and rng.random() < 0.3:
                    prefix = "Hong Kong "
            if attempt > 100:
                core += f" {attempt}"
            if core.casefold() not in self._cores:
                self._cores.add(core.casefold())
                latin = _translit(core) if country in _CYRILLIC_COUNTRIES else core
                return core, latin, prefix
        raise WorldError("ran out of company names")  # pragma: no cover - 10^4 combinations

    def _address(self, country: str, office: bool = True) -> _Address:
        rng = self.rng
        city, city_latin, _ = rng.choice(_CITIES[country])
        building = rng.choice(_BUILDINGS[country]) if country in _BUILDINGS else ""
        return _Address(country, city, city_latin, rng.choice(_STREETS[country]),
                        str(rng.randrange(1, 180)),
                        f"{rng.randrange(1, 30)}{rng.randrange(1, 20):02d}" if office else "",
                        building)

    def _company(self, country: str, role: str, incorporated: date, *,
                 activity: str | None = None, registry: bool | None = None,
                 address: str | None = None, legal: tuple[str, str, str] | None = None,
                 region: str | None = None) -> _Company:
        rng = self.rng
        core, core_latin, prefix = self._core(country, role)
        if legal is None:
            forms = _LEGAL[country]
            legal = forms[0] if rng.random() < 0.7 else rng.choice(forms)
        if country in _CITIES:
            addr = self._address(country)
            region = region or next(r for c, _, r in _CITIES[country] if c == addr.city)
            address_text = address if address is not None else addr.render(0)
        else:
            address_text = address or ""
            region = region or (_CN_CITIES[prefix.strip()] if country == "CN" else "")
        if country == "RU" and not region:
            region = rng.choice(_CITIES["RU"])[2]
        free_zone = country == "AE" and legal[0] in ("FZE", "FZCO")
        for _ in range(100):
            reg, tax = _company_ids(rng, country, incorporated, region, free_zone)
            if (country, reg) not in self._ids and (country, tax) not in self._ids:
                break
        if registry is None:
            registry = country in _CYRILLIC_COUNTRIES or country in TRANSIT_COUNTRIES
        if not registry:
            # with no registry extract to tie a tax number to the company, its declarations
            # carry the registration number
            tax = ""
        self._ids.add((country, reg))
        if tax:
            self._ids.add((country, tax))
        company = _Company(
            idx=len(self.companies), country=country, core=core, core_latin=core_latin,
            legal=legal, prefix=prefix, registration_number=reg, tax_id=tax,
            incorporated=incorporated,
            activity_code=activity or rng.choice(_ORDINARY_ACTIVITY), address=address_text,
            in_registry=registry, role=role)
        self._name_variants(company)
        self.companies.append(company)
        return company

    def _name_variants(self, c: _Company) -> None:
        """The spellings shipment rows use: by script, canonical ones first."""
        rng = self.rng
        native, latin_form, english = c.legal
        if c.cyrillic:
            lat = f"{latin_form} {c.core_latin}"
            alt = _translit(c.core, alternative=True)
            c.variants_cyr = (
                c.name,
                f'{native} "{c.core}"',
                f"{c.core} {native}",
                _homoglyph(c.name, rng),
            )
            c.variants_lat = (
                lat,
                f"{c.core_latin.upper()} {english}",
                f'{latin_form} "{c.core_latin}"',
                f"{latin_form} {alt}" if alt != c.core_latin else f"{c.core_latin} {latin_form}",
                _typo(lat, len(latin_form) + 1, len(lat), rng),
            )
        else:
            name = c.name
            bare = f"{c.core} {c.legal[1]}"
            c.variants_lat = (
                name,
                name.upper(),
                "".join(ch for ch in f"{c.prefix}{c.core} {english}".upper() if ch not in ".,"),
                bare if c.prefix else f"{c.core} {english}",
                _typo(name, len(c.prefix), len(c.prefix) + len(c.core), rng),
            )

    def _person(self, country: str) -> _Person:
        rng = self.rng
        for attempt in range(500):
            if country in ("RU", "BY", "KG", "KZ"):
                if country == "KG" and rng.random() < 0.8:
                    sur, first, pat = (rng.choice(_KG_SURNAMES), rng.choice(_KG_FIRST),
                                       rng.choice(_KG_PATRONYMICS) + "ич")
                elif country == "KZ" and rng.random() < 0.8:
                    sur, first, pat = (rng.choice(_KZ_SURNAMES), rng.choice(_KZ_FIRST),
                                       rng.choice(_KZ_PATRONYMICS))
                elif rng.random() < 0.25:
                    sur = rng.choice(_RU_SURNAMES)
                    sur = sur + "а" if sur.endswith(("ов", "ев", "ин", "ын")) else sur
                    first, pat = rng.choice(_RU_FEMALE), rng.choice(_RU_PATRONYMICS) + "на"
                else:
                    sur, first, pat = (rng.choice(_RU_SURNAMES), rng.choice(_RU_MALE),
                                       rng.choice(_RU_PATRONYMICS) + "ич")
                native = f"{sur} {first} {pat}"
                latin = _translit(native)
                short = f"{_translit(sur)} {_translit(first)}".upper()
            else:
                surnames, firsts = _LATIN_PEOPLE[country]
                sur, first = rng.choice(surnames), rng.choice(firsts)
                if attempt > 30:  # a second given name when the short lists run out
                    first = f"{first} {rng.choice(firsts)}"
                if attempt > 200:
                    first = f"{first} {chr(65 + rng.randrange(26))}."
                native = f"{sur.upper()} {first}" if country == "HK" else f"{sur} {first}"
                latin = f"{sur} {first}"
                short = latin.upper()
            if native not in self._person_names:
                break
        else:  # pragma: no cover - thousands of combinations per country
            raise WorldError("ran out of person names")
        self._person_names.add(native)
        if country == "RU":
            officer_id = _ru_person_inn(rng, rng.choice(_CITIES["RU"])[2])
        elif country == "KG":
            born = date(rng.randrange(1960, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
            officer_id = f"{rng.choice('12')}{born:%d%m%Y}{_digits(rng, 5)}"
        elif country == "KZ":
            born = date(rng.randrange(1960, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
            officer_id = _kz_number(rng, f"{born:%y%m%d}3")
        else:
            officer_id = ""
        person = _Person(len(self.persons), country, native, latin, short, officer_id)
        self.persons.append(person)
        return person

    def _day(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randrange(max(1, (hi - lo).days + 1)))
