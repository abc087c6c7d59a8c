"""Seeded sample world: customs records, registries and a watchlist with known, planted schemes.

``generate_world`` writes the four canonical input tables of CONTRACT.md as CSV (UTF-8,
comma-delimited, column names from :mod:`loaders.columns`) plus ``truth.json``, the answer
key that tests, benchmarks and ``tracegraph demo`` score detection against. The same seed
always gives byte-identical files.

What the world holds
--------------------
Dates run from 2019-01-01 to 2025-12-31. Buyers sit in the destination countries (RU, BY),
intermediaries in the transit countries (KG, KZ, AM, AE, TR, HK, UZ, GE) and suppliers in CN,
US, DE, JP, KR, TW, NL, FR, GB, IT (and HK). Dual-use goods are real Common High Priority
List headings (:data:`CHPL_HS6`), ordinary goods are furniture, apparel, tea and the like
(:data:`ORDINARY_HS6`).

Background trade flows from a *pure exporter* to a *pure importer*, except for the *hubs*:
long-established trading houses in the transit countries that import the same few headings
by the thousand lots and sell them on, at home, to third countries and to each other, in
standard lot sizes (100, 500, 1,000, 5,000 pcs, ...), so that arrivals and onward shipments
of a hub agree in quantity all the time. Real customs data is heavy-tailed like this: hubs
take 15 % of the background rows, one more hub per 40,000 rows, the busiest many times the
quietest. Hubs also sell to RU and BY, but only goods bought at home (a heading they never
import), and their customers only buy, so the background cannot form a transshipment chain by
accident. Every company that both imports and exports was
planted on purpose and is recorded in the truth, as a scheme or as a look-alike (hubs
included).

Planted schemes: 2-hop and 3-hop chains, split onward shipments, the evasion patterns that
hide a chain's match (``patterns``: several arrivals consolidated into one consignment, an
onward shipment declared under a cover heading, among them CHPL goods declared as parts of
another heading of their chapter, a count stated as weight or left out), mirror
declarations, front-company clusters (shared address written with small variations, one
nominee director written in Cyrillic and in Latin, liquidation within two years), dormant
shells woken after 2022. Look-alikes that must not be detected: old re-exporters whose onward
quantities never match an arrival (or leave after more than 120 days), same quantity under a
different HS6, young companies that only import or only sell at home, ordinary goods passed
through to Russian retailers, a business-centre address shared by many old companies, the
hubs, and the coincidences the patterns must not turn into chains (genuine goods of a cover
heading sold in the count of an arrival; an onward declaration in kg carrying an arrival's
count; goods off the CHPL sold on as parts of their chapter).

truth.json
----------
``seed``, ``scale``, ``n_shipments``
    what was asked for.
``counts``
    ``companies``: true distinct companies appearing in any table (registry, officers,
    watchlist, valid shipment rows); ``persons``: true distinct people in officers and
    watchlist; ``shipments_valid_distinct``: shipment rows minus bad rows minus the extra
    copies of duplicated rows; also ``shipment_rows``, ``bad_shipment_rows``,
    ``duplicate_shipment_rows``.
``chains``
    ``chain_id`` (``T1``...), ``kind`` (``2hop``, ``3hop``, ``split``, ``consolidation``,
    ``cover_heading``, ``unit_switch``, ``no_quantity``), ``hs6`` (of the arrivals),
    ``hs6_out`` (``cover_heading`` only: the heading the onward shipment is declared under: a
    pair of the cover-heading table, another heading of the same HS4, or, for CHPL goods, a
    parts subheading of their chapter when ``generate_world`` was given the parts
    subheadings),
    ``countries`` (true ISO-2 along the path), ``links`` (``[arrival, onward]`` record id
    pairs; a split lists one pair per onward shipment, a consolidation one per arrival),
    ``entities`` (country and registration number along the path, supplier first, buyer
    last). Where a shipment was
    declared on both sides of a border, a link cites the *importer's* declaration (the
    first id of its ``mirrors`` pair); the exporter's declaration is equally correct.
``mirrors``
    ``[importer's declaration, exporter's declaration]`` of the same physical shipment.
``fronts``
    companies front detection should flag: ``kind`` ``new_cluster`` (``cluster`` ``F1``...)
    or ``dormant_shell`` (each its own ``cluster`` ``D1``...); ``shares_officer_with_buyer``.
``lookalikes``
    ``kind`` ``old_reexporter``, ``different_hs``, ``domestic_new``,
    ``ordinary_passthrough`` (a real pass-through of ordinary goods to an ordinary retailer:
    it must score below the chain threshold), ``cover_coincidence``, ``unit_coincidence``
    and ``ordinary_as_parts`` (an arrival and an onward shipment that must form no link at
    all; cover coincidences only when ``generate_world`` was given the cover-heading table,
    goods off the CHPL declared as parts of their chapter only when it was given the parts
    subheadings), ``business_centre``,
    ``hub`` (a busy
    legitimate distributor, see above); the company and the ``record_ids`` of its rows (for
    ``business_centre`` the planted rows only, as the company trades in the background too;
    for ``hub`` all its rows in and out).
``bad_rows``
    per table, rows a loader must reject: ``line`` is the 1-based physical line of the file
    with the header as line 1 (the first data row is line 2), ``row`` the 1-based data row
    (``line - 1``), ``reason`` one of ``missing_required``, ``bad_date``, ``bad_hs_code``,
    ``negative_quantity``, ``no_amount``, ``unknown_country``, ``no_identifier``, and
    ``column`` the field at fault. Bad registry and officer rows describe companies and people
    that also have valid rows, so they change no counts.
``duplicates``
    ``shipments``: record ids of rows that appear twice, identical in every field (counted
    as read twice, loaded once).

The package
-----------
``plan`` holds ``_World``, the state every part of the plan shares and the seeded order of its
steps; each step lives in a module of its own: ``parties`` (companies and people),
``declarations`` (planted rows), ``schemes`` (fronts, dormant shells, chains), ``patterns``
(evasion patterns and their coincidences), ``lookalikes``, ``background`` (lanes; plain,
mirrored, duplicated and bad rows), ``hubs``, ``registry`` (officers, watchlist) and
``stream`` (shipment rows in file order). ``writer``
writes the files and ``truth`` the answer key. ``scope`` (calendar, countries, trades),
``goods``, ``names``, ``places``, ``identifiers`` and ``model`` hold the data they draw on.
"""

from loaders.world.goods import CHPL_HS6, ORDINARY_HS6
from loaders.world.scope import (
    COUNTRY_FORMS,
    DEFENCE_ACTIVITY_CODES,
    DESTINATION_COUNTRIES,
    FIRST_DAY,
    INVASION_DAY,
    LAST_DAY,
    SUPPLIER_COUNTRIES,
    TRANSIT_COUNTRIES,
    WorldError,
)
from loaders.world.writer import WorldPaths, generate_world

__all__ = [
    "WorldError",
    "WorldPaths",
    "generate_world",
    "CHPL_HS6",
    "ORDINARY_HS6",
    "COUNTRY_FORMS",
    "DESTINATION_COUNTRIES",
    "TRANSIT_COUNTRIES",
    "SUPPLIER_COUNTRIES",
    "DEFENCE_ACTIVITY_CODES",
    "FIRST_DAY",
    "LAST_DAY",
    "INVASION_DAY",
]
