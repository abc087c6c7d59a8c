"""The world as a plan: every company, person and planted row, made in one seeded order."""

from __future__ import annotations

import math
import random
from datetime import date

from loaders.world.background import _Background
from loaders.world.declarations import _Declarations
from loaders.world.hubs import _Hubs
from loaders.world.lookalikes import _Lookalikes
from loaders.world.model import _Chain, _Company, _Intermediary, _Person
from loaders.world.names import _LEGAL
from loaders.world.parties import _Parties
from loaders.world.patterns import _Patterns
from loaders.world.registry import _Registers
from loaders.world.schemes import _Schemes
from loaders.world.scope import (
    _RETAIL_ACTIVITY,
    DEFENCE_ACTIVITY_CODES,
    TRANSIT_COUNTRIES,
    WorldError,
    _n,
)
from loaders.world.stream import _Stream

_ROWS_PER_EXTRA_COMPANY = 250  # bigger worlds get more background companies, not denser ones
_DEFAULT_ROWS = 4000
# when the background traders and the buyers were founded
_ESTABLISHED = (date(1998, 1, 1), date(2017, 12, 31))


class _World(_Parties, _Declarations, _Schemes, _Patterns, _Lookalikes, _Background, _Hubs,
             _Registers, _Stream):
    """Plans the whole world in memory except the background shipment rows, which stream.

    Each part of the plan is a mixin of its own module; this class holds the state they
    share and runs them in order.
    """

    def __init__(self, seed: int, scale: float, n_shipments: int | None,
                 cover_pairs: tuple[tuple[str, str], ...] = (),
                 parts: frozenset[str] = frozenset()) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise WorldError(f"seed must be a non-negative integer, not {seed!r}")
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise WorldError(f"scale must be a positive number, not {scale!r}")
        self.seed = seed
        self.scale = float(scale)
        self.cover_pairs = _cover_pairs(cover_pairs)
        self.parts = _parts(parts)
        default_rows = _n(_DEFAULT_ROWS, self.scale, 500)
        self.n_rows = default_rows if n_shipments is None else int(n_shipments)
        self.rng = random.Random(f"tracegraph-world-{seed}")
        self.pattern_streams: dict[str, random.Random] = {}  # the patterns' own, by name
        self.companies: list[_Company] = []
        self.persons: list[_Person] = []
        self._cores: set[str] = set()
        self._person_names: set[str] = set()
        self._ids: set[tuple[str, str]] = set()
        self.planted: list[dict] = []
        self.mirrors: list[tuple[dict, dict]] = []
        self.chains: list[_Chain] = []
        self.intermediaries: list[_Intermediary] = []
        self.lookalikes: list[tuple[str, _Company, list[dict]]] = []
        self.bad_shipments: list[tuple[dict, str, str]] = []
        self.duplicates: list[dict] = []
        self._activity: dict[tuple[int, str], list[date]] = {}
        self.officer_rows: list[dict] = []
        self.watchlist_rows: list[dict] = []
        self._directors: dict[int, _Person] = {}
        extra = max(0, self.n_rows - default_rows) // _ROWS_PER_EXTRA_COMPANY
        self._plan(extra)
        if self.n_rows < len(self.planted) + len(self.duplicates):
            raise WorldError(
                f"n_shipments={self.n_rows} is smaller than the {len(self.planted)} planted rows "
                f"of scale {self.scale}; ask for more rows or a smaller scale")

    # -- the plan --------------------------------------------------------------------------------

    def _plan(self, extra: int) -> None:
        """Plan everything but the background rows; each step draws from ``rng`` in turn, so
        the order of the steps is part of the seed's world."""
        importers, exporters = self._plan_traders(extra)
        self._plan_buyers()
        self._plan_business_centre()
        self.bg_importers = (importers + self.defence_buyers + self.wholesale_buyers
                             + self.retailers + self.bc_importers)
        self.bg_exporters = (self.suppliers + self.chain_suppliers + exporters
                             + self.bc_exporters)

        self._plan_fronts()
        self._plan_dormant()
        self._plan_chains()
        self._plan_patterns()
        self._plan_old_reexporters()
        self._plan_different_hs()
        self._plan_domestic_new()
        self._plan_ordinary_passthrough()
        self._plan_pattern_lookalikes()
        self._plan_lanes()
        self._plan_plain_rows()
        self._plan_bad_rows()
        self._plan_hubs()
        self._plan_officers()
        self._plan_watchlist()

    def _plan_traders(self, extra: int) -> tuple[list[_Company], list[_Company]]:
        """The suppliers (into ``suppliers`` and ``chain_suppliers``), and the background's
        pure importers and pure exporters (returned)."""
        s = self.scale
        rng = self.rng
        old = _ESTABLISHED

        # background traders: pure exporters and pure importers
        n_sup = _n(60, s, 10) + extra * 2 // 5
        n_imp_ru = _n(50, s, 8) + extra * 3 // 10
        n_imp_by = _n(10, s, 2) + extra // 20
        n_imp_tr = _n(40, s, 8) + extra // 5
        n_exp_tr = _n(20, s, 4) + extra // 20
        n_exp_ru = _n(15, s, 3) + extra // 40
        n_exp_by = _n(5, s, 1) + extra // 80
        sup_weights = (("CN", 40), ("US", 9), ("DE", 10), ("JP", 7), ("KR", 7), ("TW", 8),
                       ("NL", 4), ("FR", 4), ("GB", 4), ("IT", 4), ("HK", 5), ("TR", 3))
        countries, weights = zip(*sup_weights)
        self.suppliers = [self._company(c, "supplier", self._day(*old), registry=False)
                          for c in rng.choices(countries, weights, k=n_sup)]
        # suppliers the planted schemes use; they trade in the background too
        # the first is Chinese, so a 3-hop route through Hong Kong always has a supplier
        self.chain_suppliers = [
            self._company(c, "supplier", self._day(*old), registry=False)
            for c in ["CN"] + rng.choices(("CN", "CN", "HK", "US", "TW", "JP", "KR", "DE", "NL"),
                                          k=_n(10, s, 5) - 1)]
        importers = ([self._company("RU", "importer", self._day(*old)) for _ in range(n_imp_ru)]
                     + [self._company("BY", "importer", self._day(*old)) for _ in range(n_imp_by)]
                     + [self._company(rng.choice(TRANSIT_COUNTRIES), "importer", self._day(*old))
                        for _ in range(n_imp_tr)])
        exporters = ([self._company(rng.choice(TRANSIT_COUNTRIES), "exporter", self._day(*old))
                      for _ in range(n_exp_tr)]
                     + [self._company("RU", "exporter", self._day(*old)) for _ in range(n_exp_ru)]
                     + [self._company("BY", "exporter", self._day(*old)) for _ in range(n_exp_by)])
        return importers, exporters

    def _plan_buyers(self) -> None:
        """The buyers at the end of chains, the retailers, and the listed companies."""
        s = self.scale
        rng = self.rng
        old = _ESTABLISHED
        self.defence_buyers = (
            [self._company("RU", "defence_buyer", self._day(*old), legal=_LEGAL["RU"][1],
                           activity=rng.choice(DEFENCE_ACTIVITY_CODES)) for _ in range(_n(8, s, 3))]
            + [self._company("BY", "defence_buyer", self._day(*old), legal=_LEGAL["BY"][1],
                             activity=rng.choice(DEFENCE_ACTIVITY_CODES))
               for _ in range(_n(2, s, 1))])
        self.wholesale_buyers = [self._company("RU", "wholesale_buyer", self._day(*old),
                                               activity=rng.choice(("46.90", "46.52", "46.69")))
                                 for _ in range(_n(4, s, 2))]
        self.retailers = [self._company("RU", "retailer", self._day(*old),
                                        activity=rng.choice(_RETAIL_ACTIVITY))
                          for _ in range(_n(3, s, 2))]
        self.holdings = [self._company("RU", "holding", self._day(*old), legal=_LEGAL["RU"][1],
                                       activity="70.10") for _ in range(2)]
        self.listed_no_trade = [self._company("RU", "listed_only", self._day(*old),
                                              legal=_LEGAL["RU"][1],
                                              activity=rng.choice(DEFENCE_ACTIVITY_CODES))
                                for _ in range(3)]
        # one listed company that appears on the watchlist only
        self.watchlist_only = self._company("RU", "listed_only", self._day(*old),
                                            legal=_LEGAL["RU"][1], registry=False,
                                            activity=rng.choice(DEFENCE_ACTIVITY_CODES))


def _cover_pairs(pairs) -> tuple[tuple[str, str], ...]:
    """``(arrival HS prefix, onward HS prefix)`` pairs, checked: digits, 2 to 6 of them."""
    out = []
    try:
        for a, b in pairs:
            a, b = str(a).strip(), str(b).strip()
            if not (a.isdigit() and b.isdigit() and 2 <= len(a) <= 6 and 2 <= len(b) <= 6):
                raise ValueError
            out.append((a, b))
    except (TypeError, ValueError):
        raise WorldError("cover_headings must be (arrival HS prefix, onward HS prefix) pairs "
                         f"of 2 to 6 digits, not {pairs!r:.80}") from None
    return tuple(out)


def _parts(codes) -> frozenset[str]:
    """Parts subheadings as a set of HS6 codes, checked: a collection of six-digit codes."""
    try:
        if isinstance(codes, (str, bytes)):
            raise TypeError
        out = frozenset(str(c).strip() for c in codes)
        if not all(c.isdigit() and len(c) == 6 for c in out):
            raise ValueError
    except (TypeError, ValueError):
        raise WorldError("parts_subheadings must be a collection of six-digit HS codes, "
                         f"not {codes!r:.80}") from None
    return out
