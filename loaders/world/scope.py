"""The world's bounds: its error, calendar, countries (and how rows write them) and trades."""

from __future__ import annotations

from datetime import date

import numpy as np

from loaders import LoaderError


class WorldError(LoaderError, ValueError):
    """The sample world cannot be made with the arguments given."""


FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2025, 12, 31)
INVASION_DAY = date(2022, 2, 24)

DESTINATION_COUNTRIES = ("RU", "BY")
TRANSIT_COUNTRIES = ("KG", "KZ", "AM", "AE", "TR", "HK", "UZ", "GE")
SUPPLIER_COUNTRIES = ("CN", "US", "DE", "JP", "KR", "TW", "NL", "FR", "GB", "IT")
DEFENCE_ACTIVITY_CODES = ("25.40", "30.30", "30.40", "26.51")

# Countries whose registries and customs write names in Cyrillic.
_CYRILLIC_COUNTRIES = frozenset({"RU", "BY", "KG", "KZ"})
# Exporters that stopped shipping to RU/BY directly once sanctions came in.
_WESTERN = frozenset({"US", "DE", "JP", "KR", "TW", "NL", "FR", "GB", "IT"})

# ISO-3, two English names and a Russian name per country; rows write a country in any of
# these forms or as ISO-2.
COUNTRY_FORMS: dict[str, tuple[str, str, str, str]] = {
    "RU": ("RUS", "Russian Federation", "Russian Federation", "Россия"),
    "BY": ("BLR", "Belarus", "Republic of Belarus", "Беларусь"),
    "KG": ("KGZ", "Kyrgyzstan", "Kyrgyz Republic", "Кыргызстан"),
    "KZ": ("KAZ", "Kazakhstan", "Republic of Kazakhstan", "Казахстан"),
    "AM": ("ARM", "Armenia", "Republic of Armenia", "Армения"),
    "AE": ("ARE", "United Arab Emirates", "United Arab Emirates", "ОАЭ"),
    "TR": ("TUR", "Türkiye", "Republic of Türkiye", "Турция"),
    "HK": ("HKG", "Hong Kong", "Hong Kong SAR", "Гонконг"),
    "UZ": ("UZB", "Uzbekistan", "Republic of Uzbekistan", "Узбекистан"),
    "GE": ("GEO", "Georgia", "Georgia", "Грузия"),
    "CN": ("CHN", "China", "People's Republic of China", "Китай"),
    "US": ("USA", "United States", "United States of America", "США"),
    "DE": ("DEU", "Germany", "Germany", "Германия"),
    "JP": ("JPN", "Japan", "Japan", "Япония"),
    "KR": ("KOR", "South Korea", "Korea, Republic of", "Республика Корея"),
    "TW": ("TWN", "Taiwan", "Taiwan", "Тайвань"),
    "NL": ("NLD", "Netherlands", "Netherlands", "Нидерланды"),
    "FR": ("FRA", "France", "France", "Франция"),
    "GB": ("GBR", "United Kingdom", "United Kingdom", "Великобритания"),
    "IT": ("ITA", "Italy", "Italy", "Италия"),
}
_COUNTRY_CODES = tuple(COUNTRY_FORMS)
_COUNTRY_INDEX = {c: i for i, c in enumerate(_COUNTRY_CODES)}
# ISO-2, ISO-3, English, English (alternative), Russian
_COUNTRY_FORM_P = np.array([0.70, 0.10, 0.07, 0.03, 0.10])

# what companies do (NACE codes), by the part they play
_ORDINARY_ACTIVITY = ("46.90", "46.51", "47.11", "46.52", "46.43", "46.69", "46.49", "46.73",
                      "46.19", "47.19", "49.41", "52.29")
_RETAIL_ACTIVITY = ("47.11", "47.19", "46.47", "46.42")
_TRADER_ACTIVITY = ("46.90", "46.52", "46.69")
_BUSINESS_CENTRE_ACTIVITY = ("62.01", "69.20", "46.73", "41.20", "49.41", "73.11", "47.11",
                             "46.90", "56.10", "71.12", "46.46", "68.20")


def _n(base: float, scale: float, lo: int = 1) -> int:
    """How many of a thing a world of ``scale`` holds: ``base`` scaled, at least ``lo``."""
    return max(lo, int(round(base * scale)))
