"""What the world is made of: companies, people, the intermediaries of the schemes, chains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from loaders.world.scope import _CYRILLIC_COUNTRIES


@dataclass
class _Company:
    idx: int
    country: str
    core: str  # the name without legal form, in the registry's script
    core_latin: str
    legal: tuple[str, str, str]  # native, Latin, English
    prefix: str  # a Chinese company's city, written before its name
    registration_number: str
    tax_id: str
    incorporated: date
    activity_code: str
    address: str
    in_registry: bool
    role: str
    dissolved: date | None = None
    aliases: str = ""
    variants_cyr: tuple[str, ...] = ()
    variants_lat: tuple[str, ...] = ()

    @property
    def cyrillic(self) -> bool:
        return self.country in _CYRILLIC_COUNTRIES

    @property
    def name(self) -> str:
        if self.cyrillic:
            return f"{self.legal[0]} «{self.core}»"
        return f"{self.prefix}{self.core} {self.legal[0]}"

    @property
    def name_latin(self) -> str:
        return f"{self.legal[1]} {self.core_latin}" if self.cyrillic else ""

    @property
    def trade_id(self) -> str:
        """The number customs declarations carry: the tax number where there is one."""
        return self.tax_id or self.registration_number

    @property
    def key(self) -> dict[str, str]:
        return {"country": self.country, "registration_number": self.registration_number}


@dataclass
class _Person:
    idx: int
    country: str
    native: str
    latin: str
    short: str
    officer_id: str


@dataclass
class _Intermediary:
    company: _Company
    kind: str  # new_cluster | dormant_shell
    cluster: str
    start: date  # earliest arrival
    end: date  # latest onward departure
    chains: int = 0
    shares_officer: bool = False


@dataclass
class _Chain:
    kind: str
    hs6: str
    route: list[_Company]
    links: list[tuple[dict, dict]]
    hs6_out: str | None = None  # the heading the onward shipment is declared under, if another

