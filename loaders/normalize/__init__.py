"""Value normalisers: one per value type, each returning ``None`` for junk instead of raising.

The loaders call these on every cell; a ``None`` on a required field becomes a rejected row
with a reason. Names, countries and identifiers repeat thousands of times in trade data, so
the expensive normalisers are memoised.

One module per value type: :mod:`~loaders.normalize.names` (with
:mod:`~loaders.normalize.legal_forms` and :mod:`~loaders.normalize.scripts`),
:mod:`~loaders.normalize.countries`, :mod:`~loaders.normalize.hs_codes`,
:mod:`~loaders.normalize.dates`, :mod:`~loaders.normalize.amounts`,
:mod:`~loaders.normalize.identifiers` and :mod:`~loaders.normalize.addresses`, all starting
from :mod:`~loaders.normalize.cells`.

Examples
--------
>>> name_key("ООО «Радиоком»") == name_key("RADIOKOM LLC")
True
>>> normalize_country("Киргизия"), normalize_hs("8542.31.90"), hs6("8542.31.90")
('KG', '85423190', '854231')
>>> parse_amount("1 234,50", decimal_comma=True)
1234.5
"""

from __future__ import annotations

from loaders.memo import map_unique
from loaders.normalize.addresses import address_key
from loaders.normalize.amounts import parse_amount
from loaders.normalize.cells import NULL_WORDS, cell_text
from loaders.normalize.countries import normalize_country, use_cache_dir
from loaders.normalize.dates import parse_date
from loaders.normalize.hs_codes import hs6, normalize_hs
from loaders.normalize.identifiers import identifier_checksum_ok, normalize_identifier
from loaders.normalize.legal_forms import legal_form
from loaders.normalize.names import (
    ENTERPRISE_KEYS,
    clean_name,
    latin_key,
    name_key,
    person_key,
    split_place,
)
from loaders.normalize.scripts import fold_homoglyphs, transliterate

__all__ = [
    "clean_name",
    "name_key",
    "latin_key",
    "split_place",
    "person_key",
    "legal_form",
    "transliterate",
    "fold_homoglyphs",
    "normalize_country",
    "use_cache_dir",
    "normalize_hs",
    "hs6",
    "parse_date",
    "parse_amount",
    "normalize_identifier",
    "identifier_checksum_ok",
    "address_key",
    "cell_text",
    "NULL_WORDS",
    "ENTERPRISE_KEYS",
    "map_unique",
]
