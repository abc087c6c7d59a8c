"""Registers: who directs and owns the registry's companies, and who is on the watchlist."""

from __future__ import annotations

from datetime import date, timedelta

from loaders.world.model import _Company, _Intermediary, _Person
from loaders.world.names import _LATIN_PEOPLE
from loaders.world.scope import _CYRILLIC_COUNTRIES


class _Registers:
    """Plans the officer and watchlist rows, bad officer rows included (a part of ``_World``:
    it needs ``rng``, the companies, the schemes' intermediaries and chains, and the people
    it makes)."""

    def _officer_row(self, company: _Company, officer: _Person | _Company, role: str, *,
                     share: str = "", start: date | None = None, end: date | None = None,
                     form: str = "native", with_id: bool | None = None) -> dict:
        rng = self.rng
        if isinstance(officer, _Person):
            name = {"native": officer.native, "latin": officer.latin,
                    "short": officer.short}[form]
            kind, oid, country = "person", officer.officer_id, officer.country
        else:
            name = officer.name
            kind, oid, country = "company", officer.registration_number, officer.country
        if with_id is None:
            with_id = rng.random() < 0.6
        row = {
            "company_registration_number": company.registration_number,
            "company_country": company.country,
            "officer_name": name,
            "officer_type": kind,
            "officer_id": oid if with_id else "",
            "officer_country": country,
            "role": role,
            "share_pct": share,
            "start_date": start.isoformat() if start else "",
            "end_date": end.isoformat() if end else "",
            "_officer": officer,
        }
        self.officer_rows.append(row)
        return row

    def _nationality(self, company: _Company) -> str:
        if company.country in _LATIN_PEOPLE or company.country in _CYRILLIC_COUNTRIES:
            return company.country
        return "RU"

    def _plan_officers(self) -> None:
        rng = self.rng
        registry = [c for c in self.companies if c.in_registry]
        fronts = {i.company.idx: i for i in self.intermediaries}
        # the people behind the buyers are decided first: some also own a front
        for buyer in self.defence_buyers + self.wholesale_buyers:
            self._directors[buyer.idx] = self._person(buyer.country)
        clusters: dict[str, list[_Intermediary]] = {}
        for inter in self.intermediaries:
            clusters.setdefault(inter.cluster, []).append(inter)
        buyer_of: dict[int, list[_Company]] = {}
        for chain in self.chains:
            for c in chain.route[1:-1]:
                buyer_of.setdefault(c.idx, []).append(chain.route[-1])

        for cluster, members in clusters.items():
            if cluster.startswith("F"):
                self._cluster_officers(members, buyer_of)
            else:
                self._dormant_officers(members[0], buyer_of)

        for c in registry:
            if c.idx in fronts:
                continue
            start = c.incorporated
            if c.idx in self._directors:
                director = self._directors[c.idx]
            else:
                director = self._person(self._nationality(c))
            self._officer_row(c, director, "director", start=start)
            if c.role in ("defence_buyer", "listed_only") and self.holdings:
                holding = rng.choice(self.holdings)
                if rng.random() < 0.6:
                    self._officer_row(c, holding, "shareholder", share="100", start=start)
                else:
                    self._officer_row(c, holding, "shareholder", share="51", start=start)
                    self._officer_row(c, self._person("RU"), "shareholder", share="49",
                                      start=start)
                continue
            r = rng.random()
            if r < 0.45:
                self._officer_row(c, director, "founder", share="100", start=start)
            elif r < 0.8:
                split = rng.choice((50, 60, 51, 75))
                self._officer_row(c, self._person(self._nationality(c)), "founder",
                                  share=str(split), start=start)
                self._officer_row(c, self._person(self._nationality(c)), "founder",
                                  share=str(100 - split), start=start)
            else:
                # a foreign parent company; it may or may not trade itself
                parent = rng.choice(self.suppliers)
                self._officer_row(c, parent, "shareholder", share="100", start=start)

        self._plan_bad_officer_rows()

    def _cluster_officers(self, members: list[_Intermediary],
                          buyer_of: dict[int, list[_Company]]) -> None:
        rng = self.rng
        country = members[0].company.country
        # the nominee: a Cyrillic-named person (a local in KG/KZ, a Russian elsewhere), written
        # in Cyrillic in some extracts and in Latin in others
        nominee = self._person(country if country in ("KG", "KZ") else "RU")
        # one member is owned by the director of a Russian buyer it sells to
        sharer = next((m for m in members if buyer_of.get(m.company.idx)), None)
        for j, m in enumerate(members):
            c = m.company
            form = ("native", "latin")[j % 2] if j < 2 else rng.choice(("native", "latin", "short"))
            self._officer_row(c, nominee, "director", start=c.incorporated, form=form,
                              with_id=j == 0 or rng.random() < 0.4)
            if m is sharer:
                buyers = buyer_of[c.idx]
                buyer = max(buyers, key=lambda b: (buyers.count(b), -b.idx))
                owner = self._directors[buyer.idx]
                m.shares_officer = True
                self._officer_row(c, owner, "founder", share="100", start=c.incorporated,
                                  form="latin" if country not in _CYRILLIC_COUNTRIES else "native")
            elif rng.random() < 0.5:
                self._officer_row(c, nominee, "founder", share="100", start=c.incorporated,
                                  form=form)
            else:
                self._officer_row(c, self._person("RU"), "founder", share="100",
                                  start=c.incorporated, form=rng.choice(("native", "latin")))
            if c.dissolved:
                self._officer_row(c, self._person(self._nationality(c)), "liquidator",
                                  start=c.dissolved - timedelta(days=rng.randint(60, 120)))

    def _dormant_officers(self, inter: _Intermediary,
                          buyer_of: dict[int, list[_Company]]) -> None:
        rng = self.rng
        c = inter.company
        takeover = inter.start - timedelta(days=rng.randint(30, 90))
        old_director = self._person(self._nationality(c))
        self._officer_row(c, old_director, "director", start=c.incorporated, end=takeover)
        self._officer_row(c, old_director, "founder", share="100", start=c.incorporated,
                          end=takeover)
        new = self._person("RU")
        self._officer_row(c, new, "director", start=takeover,
                          form="native" if c.cyrillic else "latin")
        buyers = buyer_of.get(c.idx, [])
        if buyers and rng.random() < 0.5:
            owner = self._directors[buyers[0].idx]
            inter.shares_officer = True
        else:
            owner = new
        self._officer_row(c, owner, "founder", share="100", start=takeover,
                          form="native" if c.cyrillic else "latin")

    def _plan_bad_officer_rows(self) -> None:
        rng = self.rng
        self.bad_officers: list[tuple[dict, str, str]] = []
        persons = [r for r in self.officer_rows if r["officer_type"] == "person"]
        for column in ("officer_name", "role", "company_registration_number"):
            row = dict(rng.choice(persons))
            row[column] = ""
            self.bad_officers.append((row, "missing_required", column))

    def _plan_watchlist(self) -> None:
        rng = self.rng
        buyers = self.defence_buyers
        eu = set(rng.sample(range(len(buyers)), max(2, len(buyers) // 2)))
        dib = set(rng.sample(range(len(buyers)), max(2, len(buyers) // 2)))
        unlisted = [i for i in range(len(buyers)) if i not in eu and i not in dib]
        if not unlisted:  # at least one defence buyer stays off every list
            eu.discard(len(buyers) - 1)
            dib.discard(len(buyers) - 1)

        def listed_on() -> str:
            return self._day(date(2022, 3, 15), date(2024, 12, 16)).isoformat()

        def ident(c: _Company) -> str:
            r = rng.random()
            return c.tax_id if r < 0.6 else (c.registration_number if r < 0.8 else "")

        def add(name: str, country: str, id_: str, list_: str, program: str, when: str,
                category: str, entity: _Company | _Person) -> None:
            kind = "person" if isinstance(entity, _Person) else "company"
            self.watchlist_rows.append({"name": name, "country": country, "id": id_,
                                        "list": list_, "program": program, "listed_on": when,
                                        "category": category, "entity_kind": kind,
                                        "_entity": entity})

        for i, b in enumerate(buyers):
            if i in eu:
                add(f'{b.legal[2]} "{b.core_latin.upper()}"', b.country, ident(b), "EU",
                    "RUSSIA-269/2014", listed_on(), "sanctioned", b)
            if i in dib:
                add(b.name, b.country, b.tax_id, "defence-industry", "", "", "defence_industry", b)
        for c in self.listed_no_trade + [self.watchlist_only]:
            add(f'{c.legal[2]} "{c.core_latin.upper()}"', c.country, ident(c), "EU",
                "RUSSIA-269/2014", listed_on(), "sanctioned", c)
        person = self._directors[buyers[0].idx]
        add(person.latin, "RU", "", "EU", "RUSSIA-269/2014", listed_on(), "sanctioned", person)
        fronts = [i.company for i in self.intermediaries if i.kind == "new_cluster"]
        front = rng.choice(fronts)
        add(front.name_latin or front.name, front.country, front.trade_id, "OFAC-SDN",
            "RUSSIA-EO14024", self._day(date(2023, 5, 19), date(2025, 6, 30)).isoformat(),
            "sanctioned", front)
