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

Planted schemes: 2-hop and 3-hop chains, split onward shipments, mirror declarations,
front-company clusters (shared address written with small variations, one nominee director
written in Cyrillic and in Latin, liquidation within two years), dormant shells woken after
2022. Look-alikes that must not be detected: old re-exporters whose onward quantities never
match an arrival (or leave after more than 120 days), same quantity under a different HS6,
young companies that only import or only sell at home, ordinary goods passed through to
Russian retailers, a business-centre address shared by many old companies, and the hubs.

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
    ``chain_id`` (``T1``...), ``kind`` (``2hop``, ``3hop``, ``split``), ``hs6``,
    ``countries`` (true ISO-2 along the path), ``links`` (``[arrival, onward]`` record id
    pairs; a split lists one pair per onward shipment), ``entities`` (country and
    registration number along the path, supplier first, buyer last). Where a shipment was
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
    it must score below the chain threshold), ``business_centre``, ``hub`` (a busy
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
"""

from __future__ import annotations

import csv
import json
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

import numpy as np

from loaders import LoaderError
from loaders.columns import COMPANIES, OFFICERS, SHIPMENTS, WATCHLIST

# a listed person is told from a listed company by an extra column, which loaders keep
WATCHLIST_COLUMNS = (*WATCHLIST.columns, "entity_kind")

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


# ---------------------------------------------------------------------------------------------
# goods


@dataclass(frozen=True)
class _Goods:
    hs6: str
    chpl: bool
    unit: str
    en: str
    ru: str
    price: tuple[float, float]  # USD per unit
    kg: float  # net kg per unit
    qty: tuple[int, int]  # usual lot size


# CHPL headings copied from the EU Common High Priority List (shared/data/chpl.csv); the
# generator must not read ../shared at run time.
_CHPL_GOODS = (
    _Goods("854231", True, "pcs", "Integrated circuits: processors and controllers",
           "Микросхемы интегральные: процессоры и контроллеры", (1.5, 35.0), 0.003, (500, 40000)),
    _Goods("854232", True, "pcs", "Integrated circuits: memories",
           "Микросхемы интегральные: память", (0.8, 12.0), 0.002, (1000, 60000)),
    _Goods("854233", True, "pcs", "Integrated circuits: amplifiers",
           "Микросхемы интегральные: усилители", (0.5, 8.0), 0.002, (1000, 50000)),
    _Goods("854239", True, "pcs", "Integrated circuits, other",
           "Микросхемы интегральные прочие", (0.5, 20.0), 0.003, (1000, 50000)),
    _Goods("851762", True, "pcs", "Apparatus for reception and transmission of data, radio modules",
           "Аппаратура для приема и передачи данных, радиомодули", (40.0, 900.0), 0.4, (50, 2000)),
    _Goods("852691", True, "pcs", "Radio navigational aid apparatus, GNSS receivers",
           "Аппаратура радионавигационная, приемники ГНСС", (25.0, 400.0), 0.15, (50, 3000)),
    _Goods("853224", True, "pcs", "Multilayer ceramic capacitors",
           "Конденсаторы керамические многослойные", (0.01, 0.2), 0.0002, (10000, 900000)),
    _Goods("853400", True, "pcs", "Printed circuits", "Схемы печатные",
           (2.0, 40.0), 0.05, (200, 20000)),
    _Goods("847150", True, "pcs", "Processing units for data processing machines",
           "Блоки обработки данных для вычислительных машин", (150.0, 2500.0), 1.5, (50, 800)),
    _Goods("850440", True, "pcs", "Static converters, power supplies",
           "Преобразователи статические, блоки питания", (5.0, 150.0), 0.5, (100, 10000)),
    _Goods("852589", True, "pcs", "Television cameras, thermal imaging cameras",
           "Камеры телевизионные, тепловизионные", (150.0, 3000.0), 0.3, (50, 500)),
    _Goods("880730", True, "pcs", "Parts of unmanned aircraft",
           "Части беспилотных летательных аппаратов",
           (20.0, 500.0), 0.4, (50, 5000)),
    _Goods("901380", True, "pcs", "Optical devices, laser rangefinders",
           "Приборы оптические, лазерные дальномеры", (100.0, 2000.0), 0.4, (50, 800)),
    _Goods("848210", True, "pcs", "Ball bearings", "Подшипники шариковые",
           (0.5, 30.0), 0.1, (1000, 100000)),
    _Goods("854129", True, "pcs", "Transistors, dissipation rate 1 W or more",
           "Транзисторы мощностью рассеивания 1 Вт и более", (0.2, 5.0), 0.002, (1000, 100000)),
    _Goods("845961", True, "pcs", "Milling machines for metal, numerically controlled",
           "Станки фрезерные для металла с ЧПУ", (40000.0, 300000.0), 3500.0, (1, 8)),
)
_ORDINARY_GOODS = (
    _Goods("940360", False, "pcs", "Wooden furniture", "Мебель деревянная",
           (20.0, 400.0), 25.0, (50, 2000)),
    _Goods("620342", False, "pcs", "Men's cotton trousers", "Брюки мужские хлопчатобумажные",
           (3.0, 25.0), 0.5, (500, 20000)),
    _Goods("090240", False, "kg", "Black tea", "Чай черный", (2.0, 12.0), 1.0, (1000, 40000)),
    _Goods("401110", False, "pcs", "New pneumatic tyres for motor cars",
           "Шины пневматические новые для легковых автомобилей", (25.0, 120.0), 9.0, (100, 4000)),
    _Goods("330499", False, "kg", "Beauty and skin-care preparations", "Средства косметические",
           (5.0, 60.0), 1.0, (200, 10000)),
    _Goods("950300", False, "pcs", "Toys", "Игрушки", (1.0, 20.0), 0.3, (500, 30000)),
    _Goods("640399", False, "pcs", "Footwear with leather uppers", "Обувь с верхом из кожи",
           (8.0, 60.0), 0.9, (200, 10000)),
    _Goods("870899", False, "pcs", "Parts of motor vehicles", "Части и принадлежности автомобилей",
           (5.0, 200.0), 2.0, (100, 10000)),
    _Goods("841810", False, "pcs", "Combined refrigerator-freezers", "Холодильники комбинированные",
           (150.0, 600.0), 60.0, (20, 500)),
    _Goods("392690", False, "kg", "Articles of plastics", "Изделия из пластмасс прочие",
           (2.0, 10.0), 1.0, (500, 20000)),
    _Goods("220421", False, "l", "Wine of fresh grapes", "Вино виноградное",
           (2.0, 15.0), 1.3, (500, 20000)),
    _Goods("080510", False, "kg", "Oranges", "Апельсины", (0.5, 1.5), 1.0, (5000, 40000)),
    _Goods("300490", False, "kg", "Medicaments, packaged for retail sale",
           "Лекарственные средства в упаковках", (20.0, 300.0), 1.0, (50, 5000)),
    _Goods("100199", False, "kg", "Wheat", "Пшеница", (0.2, 0.35), 1.0, (50000, 2000000)),
    _Goods("310210", False, "kg", "Urea", "Карбамид", (0.25, 0.6), 1.0, (20000, 2000000)),
    _Goods("721049", False, "kg", "Flat-rolled steel, zinc-coated", "Прокат плоский оцинкованный",
           (0.6, 1.2), 1.0, (10000, 500000)),
    _Goods("440710", False, "m3", "Coniferous sawn wood", "Лесоматериалы хвойные распиленные",
           (150.0, 400.0), 500.0, (20, 1000)),
)
_GOODS = _CHPL_GOODS + _ORDINARY_GOODS
_GOODS_INDEX = {g.hs6: i for i, g in enumerate(_GOODS)}

CHPL_HS6 = tuple(g.hs6 for g in _CHPL_GOODS)
ORDINARY_HS6 = tuple(g.hs6 for g in _ORDINARY_GOODS)

# Chains need lots big enough for a ±10 % tolerance to mean something.
_CHAIN_HS6 = tuple(g.hs6 for g in _CHPL_GOODS if g.qty[0] >= 50)
# Goods an ordinary pass-through company handles (the brief's furniture, apparel, tea...).
_PASSTHROUGH_HS6 = ("940360", "620342", "090240", "401110", "330499", "950300")
_SUPPLIER_ORDINARY = ("940360", "620342", "401110", "330499", "950300", "640399", "870899",
                      "841810", "392690", "090240", "300490", "220421")
_TRANSIT_EXPORTS = ("620342", "640399", "080510", "401110", "220421", "090240", "940360",
                    "330499", "721049")
_RU_EXPORTS = ("100199", "310210", "721049", "440710", "870899")
_BY_EXPORTS = ("940360", "870899", "440710", "310210")
# An arrival of the first heading leaves as the second: same quantity, different HS6 (and a
# different HS4 and chapter, so no coarser matching joins them either).
_DIFFERENT_HS_PAIRS = (("854231", "847150"), ("852691", "901380"), ("853224", "850440"),
                       ("848210", "880730"), ("854232", "851762"), ("854129", "852589"))

# Hubs: the trading houses of the transit countries, what they deal in, where they sell.
_HUB_COUNTRIES = ("KZ", "AE", "HK", "TR", "KG", "AM", "UZ", "GE")
_HUB_MARKETS = ("KZ", "KG", "UZ", "AM", "GE", "AE", "TR", "HK")
_HUB_HS6 = ("854231", "854232", "854239", "854233", "850440", "853224", "848210", "851762",
            "853400", "401110", "870899", "392690")
_HUB_ACTIVITY = ("46.52", "46.69", "46.90", "46.43")
# goods a hub buys at home and sells to RU and BY (a share of its rows); never one it imports
_HUB_LOCAL_HS6 = ("620342", "640399", "080510", "401110", "220421", "090240", "940360",
                  "330499", "721049")
_HUB_LOCAL_SHARE = 0.2
_HUB_SHARE = 0.15  # of the background rows
_ROWS_PER_HUB = 40_000  # one more hub per this many rows
_STD_LOTS = np.array([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000,
                      50_000, 100_000, 200_000, 500_000])


def _std_lots(goods: "_Goods") -> tuple[int, int]:
    """First and last index of the standard lot sizes within the goods' usual lots."""
    inside = np.flatnonzero((_STD_LOTS >= goods.qty[0]) & (_STD_LOTS <= goods.qty[1]))
    if len(inside) == 0:
        near = int(np.argmin(np.abs(np.log(_STD_LOTS) - math.log(max(goods.qty[0], 1)))))
        return near, near
    return int(inside[0]), int(inside[-1])


_ORDINARY_ACTIVITY = ("46.90", "46.51", "47.11", "46.52", "46.43", "46.69", "46.49", "46.73",
                      "46.19", "47.19", "49.41", "52.29")
_RETAIL_ACTIVITY = ("47.11", "47.19", "46.47", "46.42")
_TRADER_ACTIVITY = ("46.90", "46.52", "46.69")
_BUSINESS_CENTRE_ACTIVITY = ("62.01", "69.20", "46.73", "41.20", "49.41", "73.11", "47.11",
                             "46.90", "56.10", "71.12", "46.46", "68.20")


# ---------------------------------------------------------------------------------------------
# names and transliteration

_TRANSLIT = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("g",), "д": ("d",), "е": ("e",),
    "ё": ("yo", "e"), "ж": ("zh", "j"), "з": ("z",), "и": ("i",), "й": ("y", "i"),
    "к": ("k",), "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",),
    "р": ("r",), "с": ("s",), "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("kh", "h"),
    "ц": ("ts", "c"), "ч": ("ch",), "ш": ("sh",), "щ": ("shch", "sch"), "ъ": ("",),
    "ы": ("y",), "ь": ("",), "э": ("e",), "ю": ("yu", "iu"), "я": ("ya", "ia"),
    "ә": ("a", "ae"), "ғ": ("g", "gh"), "қ": ("k", "q"), "ң": ("n", "ng"), "ө": ("o", "oe"),
    "ұ": ("u",), "ү": ("u", "ue"), "і": ("i",), "һ": ("h",),
}
# Cyrillic letters with a Latin twin; a record keyed in on a mixed keyboard swaps one.
_HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X",
}


def _translit(text: str, alternative: bool = False) -> str:
    """Latin spelling of a Cyrillic text; ``alternative`` takes the second spelling (h, c)."""
    out = []
    for i, ch in enumerate(text):
        options = _TRANSLIT.get(ch.lower())
        if options is None:
            out.append(ch)
            continue
        latin = options[1] if alternative and len(options) > 1 else options[0]
        if ch.isupper():
            nxt = text[i + 1] if i + 1 < len(text) else ""
            latin = latin.upper() if nxt.isupper() else latin.capitalize()
        out.append(latin)
    return "".join(out)


def _homoglyph(text: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(text) if ch in _HOMOGLYPHS]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + _HOMOGLYPHS[text[i]] + text[i + 1:]


def _typo(text: str, lo: int, hi: int, rng: random.Random) -> str:
    """One dropped, doubled or swapped letter somewhere in ``text[lo:hi]`` (not its first)."""
    spots = [i for i in range(lo + 1, min(hi, len(text)) - 1) if text[i].isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    op = rng.randrange(3)
    if op == 0:
        out = text[:i] + text[i + 1:]
    elif op == 1:
        out = text[:i] + text[i] + text[i:]
    else:
        out = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return out if out != text else text[:i] + text[i + 1:]


_RU_PREFIXES = (
    "Радио", "Электро", "Техно", "Микро", "Спец", "Прибор", "Пром", "Торг", "Энерго", "Авто",
    "Агро", "Строй", "Транс", "Инфо", "Хим", "Цвет", "Металл", "Сиб", "Урал", "Волга", "Нева",
    "Альфа", "Вектор", "Сигнал", "Импульс", "Квант", "Гранит", "Восток", "Север", "Кристалл",
    "Полюс", "Орбита", "Меридиан", "Зенит", "Азимут", "Горизонт", "Спектр", "Жемчуг", "Щит",
    "Ферро",
)
_RU_SUFFIXES = (
    "ком", "снаб", "торг", "сервис", "прибор", "систем", "техника", "лайн", "трейд", "импорт",
    "контракт", "поставка", "групп", "электроника", "комплект", "маркет", "логистик", "ресурс",
)
_RU_MODIFIERS = ("", " Плюс", "-М", " Групп", "-Юг", "-Центр", " Про", "-2000", " Интер")
_KG_ROOTS = ("Ала-Тоо", "Тянь-Шань", "Иссык", "Нарын", "Манас", "Талас", "Чуй", "Ак-Суу",
             "Кара-Балта", "Токмок")
_KZ_ROOTS = ("Алтын", "Дала", "Сункар", "Жулдыз", "Тулпар", "Барыс", "Арыс", "Көкше",
             "Қазына", "Ертіс")
_CENTRAL_ASIA_TAILS = (" Трейд", " Импэкс", " Снаб", " Логистик", " Групп", " Инвест",
                       " Компани", " Сервис")
_DEFENCE_KINDS = ("НПП", "НИИ", "КБ", "НПО", "Завод")
_DEFENCE_ROOTS = ("Сигнал", "Импульс", "Квант", "Азимут", "Спектр", "Гранит", "Полюс",
                  "Орбита", "Меридиан", "Зенит", "Горизонт", "Кристалл", "Вектор",
                  "Радиоприбор", "Электроприбор", "Луч", "Факел", "Стрела", "Рубин", "Алмаз",
                  "Прогресс", "Старт", "Темп", "Сапфир", "Циклон", "Эталон")

_LATIN_ROOTS = {
    "CN": ("Huaxin", "Jiayuan", "Xinda", "Zhongke", "Hengtai", "Xinghe", "Ruifeng", "Tianyu",
           "Jinhui", "Haoxiang", "Yuxin", "Kaida", "Shengda", "Lianfa", "Hongyuan", "Baolong",
           "Dexin", "Fuda", "Guangda", "Xinyuan", "Huatong", "Mingyang", "Chuangxin", "Zhixin",
           "Weida"),
    "HK": ("Grand Ocean", "Pacific Bright", "Golden Bridge", "Silver Harbour", "Eastern Star",
           "Victory Path", "Everwin", "Hopeful", "Treasure Link", "Dragon Pearl", "Wing Tai",
           "Kam Fung", "Lucky Way", "Jade Crest", "Harbour Sun"),
    "US": ("Apex", "Vertex", "Summit", "Pioneer", "Atlas", "Keystone", "Northstar", "Liberty",
           "Redwood", "Cascade", "Granite", "Sierra", "Bayview", "Lakeshore", "Frontier"),
    "DE": ("Rhein", "Elbe", "Nordlicht", "Bergmann", "Hoffmann", "Krause", "Becker", "Schulte",
           "Weser", "Alpen", "Taunus", "Donau"),
    "JP": ("Sakura", "Nikko", "Hoshi", "Yamato", "Kitano", "Aoyama", "Shinwa", "Daiko", "Tokiwa",
           "Kazan"),
    "KR": ("Hanbit", "Daejin", "Seyoung", "Mirae", "Hanul", "Jinsung", "Sejin", "Dongwon",
           "Saehan", "Woojin"),
    "TW": ("Yungfa", "Tachen", "Jinlong", "Fuhsing", "Kuanghua", "Minsheng", "Hengli", "Chiayi",
           "Taiyang", "Shengwei"),
    "NL": ("Van Dijk", "Oranje", "Delft", "Zuiderzee", "Maas", "Noordkaap", "Lindeboom",
           "Waterland"),
    "FR": ("Lumière", "Garonne", "Loire", "Provence", "Dupré", "Marchal", "Rivoli", "Azur"),
    "GB": ("Thames", "Pennine", "Albion", "Kingsway", "Westbury", "Harrow", "Cotswold", "Mersey"),
    "IT": ("Adriatica", "Lombarda", "Rossi", "Bianchi", "Toscana", "Vesuvio", "Dolomiti",
           "Brenta"),
    "AM": ("Ararat", "Sevan", "Arax", "Masis", "Nairi", "Hayk", "Arpa", "Vanadzor", "Aragats",
           "Zangezur"),
    "AE": ("Al Noor", "Al Safa", "Gulf Star", "Desert Rose", "Emirates Link", "Falcon Bay",
           "Palm Crest", "Al Waha", "Blue Creek", "Marina Gate", "Al Barsha", "Sahara Link"),
    "TR": ("Anadolu", "Boğaziçi", "Ege", "Marmara", "Yıldız", "Deniz", "Kartal", "Akdeniz",
           "Toros", "Kapadokya", "Pamukkale", "Karadeniz"),
    "UZ": ("Toshkent", "Samarqand", "Buxoro", "Farg'ona", "Navoiy", "Zarafshon", "Orzu",
           "Baraka", "Sharq", "Ipak Yo'li"),
    "GE": ("Kartli", "Mtkvari", "Kolkheti", "Iveria", "Rioni", "Lazika", "Svaneti", "Kakheti",
           "Mtatsminda", "Aragvi"),
}
_LATIN_TRADES = {
    "DE": ("Elektronik", "Technik", "Handelsgesellschaft", "Bauteile", "Messtechnik"),
    "TR": ("Elektronik", "Dış Ticaret", "Teknoloji", "Tekstil", "Lojistik"),
    "UZ": ("Savdo", "Trade", "Invest", "Tekstil", "Logistics"),
}
_DEFAULT_TRADES = ("Electronics", "Technology", "Components", "Trading", "Import & Export",
                   "International", "Logistics", "Supply", "Industrial", "Instruments",
                   "Devices", "Systems")
_LATIN_MODIFIERS = ("", " International", " Group", " Holdings", " Asia", " Europe", " Global",
                    " Plus", " One", " Pro")
_CN_CITIES = {"Shenzhen": "440300", "Guangzhou": "440100", "Dongguan": "441900",
              "Xiamen": "350200", "Ningbo": "330200", "Shanghai": "310000", "Suzhou": "320500",
              "Hangzhou": "330100", "Chengdu": "510100", "Wuhan": "420100"}

# (native, Latin, English) legal forms
_LEGAL = {
    "RU": (("ООО", "OOO", "LLC"), ("АО", "AO", "JSC")),
    "BY": (("ООО", "OOO", "LLC"), ("ОАО", "OAO", "OJSC"), ("ЧУП", "ChUP", "PUE")),
    "KG": (("ОсОО", "OsOO", "LLC"),),
    "KZ": (("ТОО", "TOO", "LLP"),),
    "AM": (("LLC", "LLC", "Limited Liability Company"), ("CJSC", "CJSC", "Closed JSC")),
    "AE": (("FZE", "FZE", "FZE"), ("FZCO", "FZCO", "FZCO"), ("LLC", "L.L.C.", "LLC")),
    "TR": (("Ltd. Şti.", "Ltd. Sti.", "Ltd"), ("A.Ş.", "A.S.", "Inc")),
    "HK": (("Limited", "Ltd", "Limited"), ("Co., Limited", "Co., Ltd", "Company Limited")),
    "UZ": (("MChJ", "MChJ", "LLC"),),
    "GE": (("LLC", "Ltd", "LLC"),),
    "CN": (("Co., Ltd.", "Co.,Ltd", "Company Limited"),),
    "US": (("Inc.", "Inc", "Incorporated"), ("LLC", "L.L.C.", "LLC"),
           ("Corp.", "Corp", "Corporation")),
    "DE": (("GmbH", "GmbH", "GmbH"), ("GmbH & Co. KG", "GmbH & Co KG", "GmbH & Co. KG")),
    "JP": (("Co., Ltd.", "Co.,Ltd", "Company Limited"), ("Corporation", "Corp.", "Corporation")),
    "KR": (("Co., Ltd.", "Co.,Ltd", "Company Limited"),),
    "TW": (("Co., Ltd.", "Co.,Ltd", "Company Limited"), ("Corp.", "Corp", "Corporation")),
    "NL": (("B.V.", "BV", "B.V."),),
    "FR": (("SAS", "S.A.S.", "SAS"), ("SARL", "S.A.R.L.", "SARL")),
    "GB": (("Ltd", "Limited", "Ltd"), ("Limited", "Ltd", "Limited")),
    "IT": (("S.r.l.", "SRL", "S.r.l."), ("S.p.A.", "SPA", "S.p.A.")),
}

# people
_RU_SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Федоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семенов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьев", "Борисов", "Яковлев", "Григорьев", "Романов", "Сергеев",
    "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королев", "Гусев", "Киселев", "Ильин",
    "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалев", "Белов", "Медведев", "Антонов",
    "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов",
    "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов", "Крылов",
    "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов", "Казаков",
    "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов",
    "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышев", "Быков",
    "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарев",
    "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлев", "Овчинников",
    "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов",
    "Никифоров", "Грачев", "Котов", "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов",
    "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков", "Горбунов",
    "Цветков", "Хохлов", "Шарапов", "Шубин", "Харитонов", "Князев", "Воронцов", "Фадеев",
)
_RU_MALE = (
    "Александр", "Алексей", "Андрей", "Антон", "Артем", "Борис", "Вадим", "Валерий", "Виктор",
    "Виталий", "Владимир", "Владислав", "Вячеслав", "Геннадий", "Георгий", "Глеб", "Григорий",
    "Денис", "Дмитрий", "Евгений", "Егор", "Иван", "Игорь", "Илья", "Кирилл", "Константин",
    "Леонид", "Максим", "Михаил", "Никита", "Николай", "Олег", "Павел", "Петр", "Роман",
    "Руслан", "Сергей", "Станислав", "Степан", "Тимур", "Федор", "Юрий", "Ярослав",
)
_RU_FEMALE = ("Анна", "Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Светлана", "Марина",
              "Юлия", "Екатерина", "Мария", "Галина", "Людмила", "Оксана", "Ксения")
_RU_PATRONYMICS = (
    "Александров", "Алексеев", "Андреев", "Борисов", "Викторов", "Владимиров", "Геннадьев",
    "Дмитриев", "Евгеньев", "Иванов", "Игорев", "Михайлов", "Николаев", "Олегов", "Павлов",
    "Петров", "Сергеев", "Юрьев", "Анатольев", "Васильев", "Григорьев", "Константинов",
    "Леонидов", "Валерьев", "Федоров", "Романов",
)
_KG_SURNAMES = ("Асанов", "Жумабеков", "Токтогулов", "Садыков", "Осмонов", "Мамытов",
                "Турдубаев", "Абдыкадыров", "Бейшеналиев", "Касымов", "Иманалиев", "Сулайманов",
                "Эсенбаев", "Орозбеков", "Акматов", "Бакиров", "Ниязов", "Темиров", "Кочкоров",
                "Үсөнов")
_KG_FIRST = ("Бакыт", "Нурлан", "Азамат", "Эрлан", "Улан", "Марат", "Талант", "Чынгыз", "Айбек",
             "Нурбек", "Бектур", "Урмат", "Канат", "Эмиль", "Алмаз", "Жыргалбек", "Мирлан",
             "Тилек")
_KG_PATRONYMICS = ("Жумабеков", "Асанов", "Токтогулов", "Кадырбеков", "Бакытов", "Маратов",
                   "Нурланов", "Алымбеков", "Сагынбеков", "Эсенов")
_KZ_SURNAMES = ("Ахметов", "Нурланов", "Жаксыбеков", "Омаров", "Серикбаев", "Каиров", "Абенов",
                "Тлеубаев", "Сейткалиев", "Мухаметжанов", "Байжанов", "Кенжебаев", "Ермеков",
                "Әлиев", "Құдайбергенов", "Сәрсенбаев")
_KZ_FIRST = ("Ерлан", "Нурсултан", "Асхат", "Даурен", "Жанибек", "Серик", "Бауыржан", "Айдос",
             "Ержан", "Қайрат", "Мұрат", "Ғалым")
_KZ_PATRONYMICS = ("Серикулы", "Болатулы", "Муратулы", "Ерланулы", "Кайратулы", "Асылбекулы")
_LATIN_PEOPLE = {
    "AM": (("Hakobyan", "Petrosyan", "Sargsyan", "Grigoryan", "Harutyunyan", "Khachatryan",
            "Avetisyan", "Gevorgyan", "Mkrtchyan", "Vardanyan"),
           ("Aram", "Armen", "Tigran", "Davit", "Gor", "Hayk", "Narek", "Vahe", "Karen", "Levon")),
    "GE": (("Beridze", "Kapanadze", "Gelashvili", "Maisuradze", "Tsiklauri", "Lomidze",
            "Giorgadze", "Kvaratskhelia", "Mamaladze", "Abashidze"),
           ("Giorgi", "Davit", "Levan", "Irakli", "Nikoloz", "Zurab", "Tornike", "Lasha", "Luka",
            "Beka")),
    "UZ": (("Karimov", "Rashidov", "Usmonov", "Yusupov", "Saidov", "Nazarov", "Mirzayev",
            "Ergashev", "Xolmatov", "Tursunov"),
           ("Rustam", "Jasur", "Sardor", "Bekzod", "Otabek", "Sherzod", "Dilshod", "Aziz", "Bobur",
            "Ulugbek")),
    "TR": (("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
            "Özdemir", "Arslan", "Doğan"),
           ("Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat", "Emre",
            "Burak", "Serkan", "Kemal")),
    "HK": (("Chan", "Wong", "Leung", "Lau", "Cheung", "Lee", "Ho", "Ng", "Lam", "Tsang", "Yip",
            "Chow"),
           ("Tai Man", "Ka Fai", "Wing Kei", "Siu Ming", "Chi Keung", "Kwok Wah", "Mei Ling",
            "Hoi Yan", "Yuk Lan", "Chun Kit")),
    "AE": (("Al Mansoori", "Al Hashimi", "Al Falasi", "Al Suwaidi", "Al Marri", "Al Nuaimi",
            "Al Shamsi", "Al Ketbi", "Nair", "Menon", "Sharma", "Pillai"),
           ("Ahmed", "Mohammed", "Khalid", "Omar", "Saeed", "Rashid", "Yousef", "Hamdan", "Rajesh",
            "Suresh", "Anil", "Vijay")),
}

# addresses: (city native, city Latin, RU region code or "")
_CITIES = {
    "RU": (("Москва", "Moscow", "77"), ("Санкт-Петербург", "Saint Petersburg", "78"),
           ("Екатеринбург", "Yekaterinburg", "66"), ("Новосибирск", "Novosibirsk", "54"),
           ("Тула", "Tula", "71"), ("Ижевск", "Izhevsk", "18"), ("Казань", "Kazan", "16"),
           ("Нижний Новгород", "Nizhny Novgorod", "52"), ("Ростов-на-Дону", "Rostov-on-Don", "61"),
           ("Пермь", "Perm", "59"), ("Самара", "Samara", "63")),
    "BY": (("Минск", "Minsk", "1"), ("Гомель", "Gomel", "3"), ("Брест", "Brest", "2"),
           ("Витебск", "Vitebsk", "4")),
    "KG": (("Бишкек", "Bishkek", ""), ("Ош", "Osh", "")),
    "KZ": (("Алматы", "Almaty", ""), ("Астана", "Astana", ""), ("Шымкент", "Shymkent", "")),
    "AM": (("Yerevan", "Yerevan", ""), ("Gyumri", "Gyumri", "")),
    "AE": (("Dubai", "Dubai", ""), ("Sharjah", "Sharjah", "")),
    "TR": (("İstanbul", "Istanbul", ""), ("Ankara", "Ankara", ""), ("Mersin", "Mersin", "")),
    "HK": (("Hong Kong", "Hong Kong", ""),),
    "UZ": (("Tashkent", "Tashkent", ""), ("Samarkand", "Samarkand", "")),
    "GE": (("Tbilisi", "Tbilisi", ""), ("Batumi", "Batumi", "")),
}
_STREETS = {
    "RU": ("Ленина", "Профсоюзная", "Садовая", "Мира", "Гагарина", "Пушкина", "Советская",
           "Промышленная", "Заводская", "Некрасова", "Чкалова", "Щорса"),
    "BY": ("Притыцкого", "Сурганова", "Кальварийская", "Тимирязева", "Немига", "Козлова"),
    "KG": ("Токтогула", "Манаса", "Киевская", "Ибраимова", "Московская", "Исанова"),
    "KZ": ("Абая", "Достык", "Сейфуллина", "Толе би", "Жибек жолы", "Кабанбай батыра"),
    "AM": ("Tigran Mets Ave.", "Mashtots Ave.", "Abovyan St.", "Koryun St.", "Arshakunyats Ave."),
    "AE": ("Sheikh Zayed Road", "Al Maktoum Road", "Baniyas Road", "Al Khaleej Road"),
    "TR": ("Büyükdere Cad.", "Atatürk Bulvarı", "İstiklal Cad.", "Cumhuriyet Cad."),
    "HK": ("Des Voeux Road Central", "Nathan Road", "Queen's Road Central", "Hennessy Road",
           "Canton Road"),
    "UZ": ("Amir Temur St.", "Navoi St.", "Mustaqillik Ave.", "Shota Rustaveli St."),
    "GE": ("Rustaveli Ave.", "Chavchavadze Ave.", "Aghmashenebeli Ave.", "Kazbegi Ave."),
}
_BUILDINGS = {
    "HK": ("Golden Harvest Commercial Building", "Wing Fat Centre", "Prosperity Tower",
           "Fortune Plaza", "Kowloon Trade Centre"),
    "AE": ("Jumeirah Bay Tower X2, JLT", "Business Bay Tower B", "Al Attar Business Tower",
           "Smart Desk Centre, IFZA"),
}


# ---------------------------------------------------------------------------------------------
# identifiers (each check digit computed here; tests validate them with python-stdnum)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _ru_company_ids(rng: random.Random, incorporated: date, region: str) -> tuple[str, str]:
    """OGRN (13 digits) and INN (10 digits) of a Russian legal entity."""
    ogrn = f"1{incorporated.year % 100:02d}{region}{_digits(rng, 7)}"
    ogrn += str(int(ogrn) % 11 % 10)
    inn = f"{region}{_digits(rng, 7)}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    inn += str(sum(w * int(d) for w, d in zip(weights, inn)) % 11 % 10)
    return ogrn, inn


def _ru_person_inn(rng: random.Random, region: str) -> str:
    inn = f"{region}{_digits(rng, 8)}"
    w11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    inn += str(sum(w * int(d) for w, d in zip(w11, inn)) % 11 % 10)
    w12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    inn += str(sum(w * int(d) for w, d in zip(w12, inn)) % 11 % 10)
    return inn


def _by_unp(rng: random.Random, region: str) -> str:
    weights = (29, 23, 19, 17, 13, 7, 5, 3)
    while True:
        body = f"{region}{_digits(rng, 7)}"
        check = sum(w * int(d) for w, d in zip(weights, body)) % 11
        if check < 10:
            return body + str(check)


def _kz_check(body: str) -> int | None:
    check = sum(w * int(d) for w, d in zip(range(1, 12), body)) % 11
    if check == 10:
        check = sum(w * int(d) for w, d in zip((3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), body)) % 11
    return None if check == 10 else check


def _kz_number(rng: random.Random, head: str) -> str:
    """BIN (companies) or IIN (people): ``head`` then random digits up to 11, then a check."""
    while True:
        body = head + _digits(rng, 11 - len(head))
        check = _kz_check(body)
        if check is not None:
            return body + str(check)


def _luhn_complete(body: str) -> str:
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return body + str((10 - total % 10) % 10)


def _cn_uscc(rng: random.Random, region: str) -> str:
    from stdnum.cn import uscc

    body = f"91{region}{_digits(rng, 9)}"
    return body + uscc.calc_check_digit(body)


def _tr_vkn(rng: random.Random) -> str:
    from stdnum.tr import vkn

    body = _digits(rng, 9)
    return body + vkn.calc_check_digit(body)


def _company_ids(rng: random.Random, country: str, incorporated: date, region: str,
                 free_zone: bool) -> tuple[str, str]:
    """(registration_number, tax_id) as the country's registry and customs write them."""
    if country == "RU":
        return _ru_company_ids(rng, incorporated, region)
    if country == "BY":
        unp = _by_unp(rng, region or "1")
        return unp, unp
    if country == "KZ":
        bin_ = _kz_number(rng, f"{incorporated.year % 100:02d}{incorporated.month:02d}40")
        return bin_, bin_
    if country == "KG":
        reg = f"{rng.randrange(100000, 400000)}-{rng.randrange(3300, 3320)}"
        return reg, f"0{incorporated:%d%m%Y}{_digits(rng, 5)}"
    if country == "AM":
        reg = f"{rng.randrange(100, 300)}.{rng.randrange(100, 200)}.{rng.randrange(10**5, 10**7)}"
        return reg, f"0{_digits(rng, 7)}"
    if country == "AE":
        reg = f"DMCC-{_digits(rng, 6)}" if free_zone else f"{rng.randrange(10**6, 10**7)}"
        return reg, f"100{_digits(rng, 12)}"
    if country == "TR":
        return f"0{_digits(rng, 15)}", _tr_vkn(rng)
    if country == "HK":
        return f"{rng.randrange(10**6, 4 * 10**6)}", f"{rng.randrange(3 * 10**7, 8 * 10**7)}"
    if country == "UZ":
        stir = f"{rng.choice('23')}{_digits(rng, 8)}"
        return stir, stir
    if country == "GE":
        code = f"4{_digits(rng, 8)}"
        return code, code
    # supplier countries: the one number their export declarations carry; no registry extract
    if country == "CN":
        return _cn_uscc(rng, region), ""
    if country == "US":
        return f"{rng.randrange(10, 99)}-{_digits(rng, 7)}", ""
    if country == "DE":
        return f"DE{rng.randrange(1, 10)}{_digits(rng, 8)}", ""
    if country == "JP":
        return f"{rng.randrange(1, 10)}{_digits(rng, 12)}", ""
    if country == "KR":
        return f"{rng.randrange(100, 900)}-{_digits(rng, 2)}-{_digits(rng, 5)}", ""
    if country == "TW":
        return f"{rng.randrange(10**7, 10**8)}", ""
    if country == "NL":
        return f"NL{_digits(rng, 9)}B01", ""
    if country == "FR":
        return _luhn_complete(f"{rng.randrange(3, 9)}{_digits(rng, 7)}"), ""
    if country == "GB":
        return f"{rng.randrange(10**6, 2 * 10**7):08d}", ""
    if country == "IT":
        return f"{_digits(rng, 11)}", ""
    raise WorldError(f"no identifier scheme for country {country!r}")


# ---------------------------------------------------------------------------------------------
# the model


@dataclass
class _Address:
    country: str
    city: str
    city_latin: str
    street: str
    house: str
    office: str = ""
    building: str = ""

    def render(self, style: int = 0) -> str:
        """The address as one registry extract or another would write it."""
        c, s, h, o, b = self.city, self.street, self.house, self.office, self.building
        if self.country in _CYRILLIC_COUNTRIES:
            country_ru = COUNTRY_FORMS[self.country][3]
            if style == 0:
                text = f"г. {c}, ул. {s}, д. {h}" + (f", оф. {o}" if o else "")
            elif style == 1:
                text = f"{c}, ул. {s} {h}" + (f", офис {o}" if o else "")
            elif style == 2:
                text = f"г.{c}, ул.{s}, {h}" + (f"-{o}" if o else "")
            else:
                text = f"{country_ru}, г. {c}, ул. {s}, дом {h}" + (f", помещение {o}" if o else "")
            if b:
                text += f", {b}" if style != 2 else f" ({b})"
            return text
        if self.country == "HK":
            floor = o[:-2] if len(o) > 2 else "1"
            if style == 1:
                return f"RM {o} {floor}/F {b.upper()} {h} {s.upper()} HK"
            if style == 2:
                return f"Unit {o}, {floor}th Floor, {b}, No. {h} {s}, Hong Kong"
            return f"Room {o}, {floor}/F, {b}, {h} {s}, {c}"
        parts = ([f"Office {o}"] if o else []) + ([b] if b else []) + [f"{h} {s}", c]
        if style == 1:
            return ", ".join(parts).upper()
        if style == 2:
            return ", ".join([f"{s} {h}"] + ([f"office {o}"] if o else []) + ([b] if b else [])
                             + [c])
        return ", ".join(parts)


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


@dataclass(frozen=True)
class WorldPaths:
    """Where ``generate_world`` wrote each file."""

    out_dir: Path
    shipments: Path
    companies: Path
    officers: Path
    watchlist: Path
    truth: Path


def _pair_load(pair: tuple[_Intermediary, _Intermediary]) -> int:
    return pair[0].chains + pair[1].chains


def _n(base: float, scale: float, lo: int = 1) -> int:
    return max(lo, int(round(base * scale)))


_CHUNK_ROWS = 20_000
_ROWS_PER_EXTRA_COMPANY = 250  # bigger worlds get more background companies, not denser ones
_DEFAULT_ROWS = 4000


class _World:
    """Plans the whole world in memory except the background shipment rows, which stream."""

    def __init__(self, seed: int, scale: float, n_shipments: int | None) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise WorldError(f"seed must be a non-negative integer, not {seed!r}")
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise WorldError(f"scale must be a positive number, not {scale!r}")
        self.seed = seed
        self.scale = float(scale)
        default_rows = _n(_DEFAULT_ROWS, self.scale, 500)
        self.n_rows = default_rows if n_shipments is None else int(n_shipments)
        self.rng = random.Random(f"tracegraph-world-{seed}")
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

    # -- companies and people ------------------------------------------------------------------

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

    # -- the plan --------------------------------------------------------------------------------

    def _plan(self, extra: int) -> None:
        s = self.scale
        rng = self.rng
        old = (date(1998, 1, 1), date(2017, 12, 31))

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

        # buyers at the end of chains
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

        self._plan_business_centre()
        self.bg_importers = (importers + self.defence_buyers + self.wholesale_buyers
                             + self.retailers + self.bc_importers)
        self.bg_exporters = (self.suppliers + self.chain_suppliers + exporters
                             + self.bc_exporters)

        self._plan_fronts()
        self._plan_dormant()
        self._plan_chains()
        self._plan_old_reexporters()
        self._plan_different_hs()
        self._plan_domestic_new()
        self._plan_ordinary_passthrough()
        self._plan_lanes()
        self._plan_plain_rows()
        self._plan_bad_rows()
        self._plan_hubs()
        self._plan_officers()
        self._plan_watchlist()

    def _plan_business_centre(self) -> None:
        rng = self.rng
        country = "KZ"
        self.bc_address = _Address(country, "Алматы", "Almaty", "Аль-Фараби", "77/7",
                                   building="БЦ «Алатау Плаза»")
        self.bc_importers: list[_Company] = []
        self.bc_exporters: list[_Company] = []
        self.business_centre: list[_Company] = []
        for i in range(_n(12, self.scale, 10)):
            c = self._company(country, "business_centre",
                              self._day(date(2001, 1, 1), date(2014, 12, 31)),
                              activity=_BUSINESS_CENTRE_ACTIVITY[i % 12],
                              address=self.bc_address.render(rng.choice((0, 0, 1, 2))))
            self.business_centre.append(c)
            (self.bc_importers if i % 3 else self.bc_exporters).append(c)

    def _plan_fronts(self) -> None:
        rng = self.rng
        cluster_countries = ("KG", "HK", "KZ", "AM", "AE", "UZ")
        n_clusters = _n(3, self.scale, 2)
        for k in range(n_clusters):
            country = cluster_countries[k % len(cluster_countries)]
            cluster = f"F{k + 1}"
            base = self._address(country)
            size = rng.randint(3, 6)
            for j in range(size):
                inc = self._day(date(2022, 3, 1), date(2024, 9, 30))
                forms = _LEGAL[country]
                c = self._company(country, "front", inc, legal=forms[j % len(forms)],
                                  activity=rng.choice(_TRADER_ACTIVITY),
                                  address=base.render(j % 4 if country in _CYRILLIC_COUNTRIES
                                                      else j % 3))
                start = inc + timedelta(days=rng.randint(20, 150))
                end = LAST_DAY - timedelta(days=60)
                if rng.random() < 0.5:
                    dissolved = inc + timedelta(days=rng.randint(330, 700))
                    if dissolved < LAST_DAY - timedelta(days=20):
                        c.dissolved = dissolved
                        end = dissolved - timedelta(days=30)
                if end - start < timedelta(days=120):
                    c.dissolved = None
                    end = LAST_DAY - timedelta(days=60)
                self.intermediaries.append(_Intermediary(c, "new_cluster", cluster, start, end))

    def _plan_dormant(self) -> None:
        rng = self.rng
        countries = ("KZ", "AM", "GE", "TR", "AE")
        for k in range(_n(2, self.scale, 1)):
            country = countries[k % len(countries)]
            inc = self._day(date(2008, 1, 1), date(2016, 12, 31))
            c = self._company(country, "dormant", inc, activity=rng.choice(_TRADER_ACTIVITY))
            # renamed when it was taken over: the old name stays as an alias
            old_core, _, _ = self._core(country, "dormant")
            c.aliases = (f"{c.legal[0]} «{old_core}»" if c.cyrillic
                         else f"{old_core} {c.legal[0]}")
            start = self._day(date(2022, 3, 1), date(2023, 9, 30))
            self.intermediaries.append(_Intermediary(c, "dormant_shell", f"D{k + 1}", start,
                                                     LAST_DAY - timedelta(days=60)))

    # -- shipments -------------------------------------------------------------------------------

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
             ids: bool = True) -> dict:
        """One planted declaration; its record id is set once rows have their places."""
        rng = self.rng
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
            "hs_code": self._hs_text(goods.hs6),
            "exporter_id": exp.trade_id if ids and rng.random() < 0.85 else "",
            "importer_id": imp.trade_id if ids and rng.random() < 0.85 else "",
            "description": goods.ru if reporter in _CYRILLIC_COUNTRIES else goods.en,
            "origin_country": origin if origin is not None else exp.country,
            "quantity": str(qty) if qty is not None else "",
            "unit": goods.unit,
            "net_weight_kg": f"{weight:.1f}",
            "value_usd": f"{value:.2f}",
            "reporter": reporter,
            "source": f"customs-{reporter.lower()}",
            "_prefix": f"{reporter}-{side}-",
            "_exp": exp.idx,
            "_imp": imp.idx,
        }
        self.planted.append(row)
        return row

    def _ship(self, exp: _Company, imp: _Company, depart: date, goods: _Goods, qty: int,
              value: float, *, mirror: bool = False, origin: str | None = None,
              transit: int | None = None) -> tuple[dict, date]:
        """A physical shipment: one declaration, or two when ``mirror``; returns the row
        detection should cite (the importer's when mirrored) and the arrival date."""
        rng = self.rng
        arrive = depart + timedelta(days=rng.randint(0, 5) if transit is None else transit)
        for company in (exp, imp):
            self._activity.setdefault((company.idx, goods.hs6), []).extend((depart, arrive))
        if mirror:
            cited = self._row(exp, imp, arrive, goods, qty, value * rng.uniform(1.0, 1.04), "IM",
                              script="cyr" if imp.country in _CYRILLIC_COUNTRIES else "lat",
                              origin=origin)
            other = self._row(exp, imp, depart, goods, qty, value, "EX", script="lat",
                              origin=origin)
            self.mirrors.append((cited, other))
            return cited, arrive
        if rng.random() < 0.8:
            return self._row(exp, imp, arrive, goods, qty, value, "IM", origin=origin), arrive
        return self._row(exp, imp, depart, goods, qty, value, "EX", origin=origin), arrive

    def _free(self, company: _Company, hs6: str, days: list[date], gap: int = 120) -> bool:
        """True when ``company`` has no other trade in ``hs6`` within ``gap`` days of ``days``."""
        seen = self._activity.get((company.idx, hs6), ())
        return all(abs((d - s).days) > gap for d in days for s in seen)

    # -- chains ------------------------------------------------------------------------------------

    def _pick(self, candidates: list[_Intermediary]) -> _Intermediary | None:
        if not candidates:
            return None
        low = min(i.chains for i in candidates)
        return self.rng.choice([i for i in candidates if i.chains == low])

    def _route(self, job: str, forced: _Intermediary | None = None) -> list[_Intermediary] | None:
        """Intermediaries for a job: ``3hop-hk`` runs CN > HK > X, ``3hop-kz`` X > KZ."""
        inters = self.intermediaries
        if not job.startswith("3hop"):
            first = forced or self._pick(inters)
            return [first] if first else None
        hk = [i for i in inters if i.company.country == "HK"]
        kz = [i for i in inters if i.company.country == "KZ"]
        if hk and (job == "3hop-hk" or not kz):
            firsts, seconds = hk, [i for i in inters if i.company.country != "HK"]
        else:
            firsts = [i for i in inters if i.company.country != "HK"]
            seconds = kz or inters
        # pairs in two countries whose active years overlap long enough for a chain
        pairs = [(a, b) for a in firsts for b in seconds
                 if a.company.country != b.company.country
                 and (min(a.end, b.end) - max(a.start, b.start)).days >= 150]
        if not pairs:
            return None
        low = min(a.chains + b.chains for a, b in pairs)
        return list(self.rng.choice([p for p in pairs if _pair_load(p) <= low + 1]))

    def _plan_chains(self) -> None:
        rng = self.rng
        s = self.scale
        jobs = (["2hop"] * _n(18, s, 3) + ["split"] * _n(5, s, 2)
                + [("3hop-hk", "3hop-kz")[k % 2] for k in range(_n(6, s, 2))])
        # every front must trade: add 2-hop jobs until there are enough slots
        slots = len(jobs) + sum(job.startswith("3hop") for job in jobs)
        jobs += ["2hop"] * max(0, len(self.intermediaries) - slots)
        rng.shuffle(jobs)
        # the fronts' first trades are the simple chains; 3-hop routes then join traders
        jobs.sort(key=lambda job: job.startswith("3hop"))
        for job in jobs:
            for _ in range(80):
                if self._try_chain(job):
                    break
        for inter in self.intermediaries:
            for _ in range(80):
                if inter.chains or self._try_chain("2hop", forced=inter):
                    break

    def _try_chain(self, job: str, forced: _Intermediary | None = None) -> bool:
        rng = self.rng
        kind = "3hop" if job.startswith("3hop") else job
        route = self._route(job, forced)
        if route is None:
            return False
        first = route[0].company
        if kind == "3hop" and first.country == "HK":
            pool = [c for c in self.chain_suppliers if c.country == "CN"]
        else:
            pool = [c for c in self.chain_suppliers if c.country != first.country]
        supplier = rng.choice(pool or self.chain_suppliers)
        if rng.random() < 0.75:
            buyer = rng.choice(self.defence_buyers)
        else:
            buyer = rng.choice(self.wholesale_buyers)
        goods = _GOODS[_GOODS_INDEX[rng.choice(_CHAIN_HS6)]]

        # the arrival at the first intermediary: soon after its first possible trade when it
        # has not traded yet ("trading within months of incorporation")
        fresh = [i for i in route if i.chains == 0]
        if fresh:
            arrive = max(i.start for i in fresh) + timedelta(days=rng.randint(0, 30))
        else:
            lo = max(i.start for i in route)
            hi = min(i.end for i in route) - timedelta(days=50 * len(route))
            if hi < lo:
                return False
            arrive = self._day(lo, hi)
        transit = rng.randint(0, 5)
        depart = arrive - timedelta(days=transit)
        if depart < FIRST_DAY:
            return False

        # quantities and dates along the path, checked before any row is written
        lo_q, hi_q = goods.qty
        qty = int(math.exp(rng.uniform(math.log(max(lo_q, 50)), math.log(hi_q))))
        hops = [(supplier, route[0].company, depart, qty, transit)]
        arrivals = [arrive]
        q = qty
        for k, inter in enumerate(route):
            nxt = route[k + 1].company if k + 1 < len(route) else buyer
            onward = arrivals[-1] + timedelta(days=rng.randint(3, 40))
            if kind == "split" and nxt is buyer:
                break
            q = q if rng.random() < 0.3 else max(1, int(round(q * rng.uniform(0.9, 1.1))))
            t = rng.randint(0, 5)
            hops.append((inter.company, nxt, onward, q, t))
            arrivals.append(onward + timedelta(days=t))
        pieces: list[tuple[int, date]] = []
        if kind == "split":
            n = rng.choice((2, 3))
            total = int(round(qty * rng.uniform(0.95, 1.05)))
            shares = [rng.uniform(0.7, 1.3) for _ in range(n)]
            amounts = [int(total * x / sum(shares)) for x in shares]
            amounts[-1] = total - sum(amounts[:-1])
            lags = sorted(rng.sample(range(3, 41), n))
            pieces = [(a, arrive + timedelta(days=lag)) for a, lag in zip(amounts, lags)]
        for k, inter in enumerate(route):
            in_day = arrivals[k]
            out_days = ([d for _, d in pieces] if kind == "split"
                        else [hops[k + 1][2]])
            if in_day < inter.start or max(out_days) > inter.end:
                return False
            if inter.chains == 0 and in_day > inter.start + timedelta(days=45):
                return False  # a front's first trade comes within months of incorporation
            if not self._free(inter.company, goods.hs6, [in_day - timedelta(days=5), *out_days]):
                return False
        if max(arrivals[-1:] + [d for _, d in pieces]) > LAST_DAY - timedelta(days=5):
            return False

        # write the rows
        origin = supplier.country if rng.random() < 0.5 else rng.choice(
            ("US", "TW", "JP", "KR", "CN", "DE", "NL"))
        value = qty * rng.uniform(*goods.price)
        cited: list[dict] = []
        for k, (exp, imp, day, hq, t) in enumerate(hops):
            prev_q = hops[k - 1][3] if k else hq
            value = value * hq / prev_q * (1 + rng.uniform(0.10, 0.60)) if k else value
            last = k == len(hops) - 1 and kind != "split"
            mirror = rng.random() < (0.4 if last else 0.15)
            row, _ = self._ship(exp, imp, day, goods, hq, value, mirror=mirror, origin=origin,
                                transit=t)
            cited.append(row)
        links = [(cited[k], cited[k + 1]) for k in range(len(cited) - 1)]
        if kind == "split":
            inter = route[-1].company
            for amount, day in pieces:
                piece_value = value * amount / qty * (1 + rng.uniform(0.10, 0.60))
                row, _ = self._ship(inter, buyer, day, goods, amount, piece_value, origin=origin)
                links.append((cited[-1], row))
        for inter in route:
            inter.chains += 1
        self.chains.append(_Chain(kind, goods.hs6, [supplier] + [i.company for i in route]
                                  + [buyer], links))
        return True

    # -- look-alikes -----------------------------------------------------------------------------

    def _goods(self, hs6: str) -> _Goods:
        return _GOODS[_GOODS_INDEX[hs6]]

    def _plan_old_reexporters(self) -> None:
        rng = self.rng
        n = _n(3, self.scale, 2)
        countries = ("AE", "TR", "KZ", "AM", "GE", "UZ")
        for k in range(n):
            c = self._company(countries[k % len(countries)], "old_reexporter",
                              self._day(date(2003, 1, 1), date(2014, 12, 31)),
                              activity=rng.choice(("46.52", "46.90")))
            rows: list[dict] = []
            slow = k == n - 1  # the last one sells its lots on, but only after 130-200 days
            for hs6 in rng.sample(_CHAIN_HS6, 2 if not slow else 1):
                goods = self._goods(hs6)
                base = int(math.exp(rng.uniform(math.log(max(goods.qty[0], 200) * 5),
                                                math.log(goods.qty[1] * 5))))
                price = rng.uniform(*goods.price)
                day = FIRST_DAY + timedelta(days=rng.randint(20, 90))
                if slow:
                    while True:
                        sup = rng.choice(self.chain_suppliers)
                        q = int(base * rng.uniform(0.8, 1.2))
                        row, arrive = self._ship(sup, c, day, goods, q, q * price)
                        rows.append(row)
                        out = arrive + timedelta(days=rng.randint(130, 200))
                        if out > LAST_DAY:
                            break
                        q2 = int(round(q * rng.uniform(0.97, 1.03)))
                        row, landed = self._ship(c, rng.choice(self.wholesale_buyers), out, goods,
                                                 q2, q2 * price * rng.uniform(1.1, 1.3))
                        rows.append(row)
                        day = landed + timedelta(days=rng.randint(70, 120))
                        if day > LAST_DAY:
                            break
                    continue
                # big lots in every 120-200 days, small lots out every 40-70 days: no onward
                # shipment, nor all of them within 120 days together, comes near an arrival
                next_out = day + timedelta(days=rng.randint(10, 40))
                while day <= LAST_DAY - timedelta(days=10):
                    sup = rng.choice(self.chain_suppliers + self.suppliers[:5])
                    q = int(base * rng.uniform(0.8, 1.2))
                    row, _ = self._ship(sup, c, day, goods, q, q * price)
                    rows.append(row)
                    day += timedelta(days=rng.randint(120, 200))
                    while next_out < min(day, LAST_DAY - timedelta(days=10)):
                        q2 = max(1, int(base * rng.uniform(0.04, 0.12)))
                        buyer = rng.choice(self.wholesale_buyers + self.defence_buyers[:1])
                        row, _ = self._ship(c, buyer, next_out, goods, q2,
                                            q2 * price * rng.uniform(1.15, 1.5))
                        rows.append(row)
                        next_out += timedelta(days=rng.randint(40, 70))
            self.lookalikes.append(("old_reexporter", c, rows))

    def _plan_different_hs(self) -> None:
        rng = self.rng
        countries = ("KZ", "AE", "TR", "AM", "KG", "UZ")
        for k in range(_n(2, self.scale, 2)):
            c = self._company(countries[k % len(countries)], "different_hs",
                              self._day(date(2010, 1, 1), date(2018, 12, 31)),
                              activity="46.52")
            # a trading history of ordinary imports it never sends on
            for _ in range(rng.randint(3, 5)):
                goods = self._goods(rng.choice(_SUPPLIER_ORDINARY))
                q = int(rng.uniform(*goods.qty))
                self._ship(rng.choice(self.suppliers), c,
                           self._day(date(2019, 2, 1), date(2021, 12, 31)), goods, q,
                           q * rng.uniform(*goods.price))
            pairs = rng.sample(_DIFFERENT_HS_PAIRS, 2)
            for a, b in pairs:
                ga, gb = self._goods(a), self._goods(b)
                day = self._day(date(2022, 6, 1), date(2025, 9, 30))
                q = int(rng.uniform(max(ga.qty[0], 100), ga.qty[1]))
                arrival, landed = self._ship(rng.choice(self.chain_suppliers), c, day, ga, q,
                                             q * rng.uniform(*ga.price))
                q2 = q if rng.random() < 0.6 else int(round(q * rng.uniform(0.98, 1.02)))
                onward, _ = self._ship(c, rng.choice(self.defence_buyers + self.wholesale_buyers),
                                       landed + timedelta(days=rng.randint(5, 40)), gb, q2,
                                       q2 * rng.uniform(*gb.price))
                self.lookalikes.append(("different_hs", c, [arrival, onward]))

    def _plan_domestic_new(self) -> None:
        rng = self.rng
        countries = ("KG", "KZ", "AM", "UZ", "GE", "AE")
        for k in range(_n(3, self.scale, 2)):
            country = countries[k % len(countries)]
            inc = self._day(date(2022, 6, 1), date(2024, 6, 30))
            c = self._company(country, "domestic_new", inc, activity=rng.choice(_TRADER_ACTIVITY))
            rows: list[dict] = []
            day = inc + timedelta(days=rng.randint(30, 120))
            sells_at_home = k % 2 == 0
            local = (self._company(country, "importer", self._day(date(2000, 1, 1),
                                                                  date(2015, 12, 31)))
                     if sells_at_home else None)
            if local is not None:
                self.bg_importers.append(local)  # a pure importer; fine in the background
            for hs6 in rng.sample(_CHAIN_HS6, 3):
                goods = self._goods(hs6)
                q = int(rng.uniform(max(goods.qty[0], 100), goods.qty[1]))
                row, landed = self._ship(rng.choice(self.chain_suppliers), c, day, goods, q,
                                         q * rng.uniform(*goods.price))
                rows.append(row)
                if local is not None:
                    # sold on at home: same quantity, the buyer is in the same country
                    row, _ = self._ship(c, local, landed + timedelta(days=rng.randint(3, 30)),
                                        goods, q, q * rng.uniform(*goods.price) * 1.3, transit=0)
                    rows.append(row)
                day += timedelta(days=rng.randint(60, 150))
                if day > LAST_DAY - timedelta(days=60):
                    break
            self.lookalikes.append(("domestic_new", c, rows))

    def _plan_ordinary_passthrough(self) -> None:
        rng = self.rng
        countries = ("KZ", "KG", "UZ", "AM", "GE")
        for k in range(_n(3, self.scale, 2)):
            c = self._company(countries[k % len(countries)], "ordinary_passthrough",
                              self._day(date(2010, 1, 1), date(2018, 12, 31)),
                              activity=rng.choice(("46.90", "46.49", "46.41")))
            for hs6 in rng.sample(_PASSTHROUGH_HS6, 3):
                goods = self._goods(hs6)
                day = self._day(date(2020, 1, 1), date(2025, 9, 30))
                q = int(rng.uniform(*goods.qty))
                sup = rng.choice([s for s in self.suppliers if s.country in ("CN", "TR", "IT")]
                                 or self.suppliers)
                arrival, landed = self._ship(sup, c, day, goods, q, q * rng.uniform(*goods.price))
                q2 = q if rng.random() < 0.5 else int(round(q * rng.uniform(0.95, 1.05)))
                onward, _ = self._ship(c, rng.choice(self.retailers),
                                       landed + timedelta(days=rng.randint(5, 30)), goods, q2,
                                       q2 * rng.uniform(*goods.price) * 1.25)
                self.lookalikes.append(("ordinary_passthrough", c, [arrival, onward]))

    # -- background trade ------------------------------------------------------------------------

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
                    hs6 = (rng.choice(CHPL_HS6) if rng.random() < chpl_p
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

    # -- hubs: legitimate distributors in the transit countries -----------------------------------

    def _plan_hubs(self) -> None:
        """Trading houses in the transit countries that import and re-sell lots of the same
        headings by the thousand, in standard lot sizes, at home, to third countries and to
        each other: busy pass-through trade that is no scheme.

        Their rows are background rows drawn from lanes of their own (``_HUB_SHARE`` of all
        background rows, spread over the hubs with a heavy tail), so their number grows with
        ``n_shipments``. They sell to RU and BY too, but only goods bought at home, never a
        heading they import, and their customers only buy, so none of their trade can be a
        chain link towards a destination: a look-alike.
        """
        rng = random.Random(f"tracegraph-hubs-{self.seed}")
        main_rng, self.rng = self.rng, rng  # the other schemes stay as they were
        try:
            n_hubs = _n(2, self.scale, 1) + self.n_rows // _ROWS_PER_HUB
            old = (date(1996, 1, 1), date(2015, 12, 31))
            self.hubs: list[_Company] = []
            hub_goods: list[list[_Goods]] = []
            for k in range(n_hubs):
                country = _HUB_COUNTRIES[k % len(_HUB_COUNTRIES)]
                hub = self._company(country, "hub", self._day(*old),
                                    activity=rng.choice(_HUB_ACTIVITY))
                self.hubs.append(hub)
                headings = rng.sample(_HUB_HS6, rng.randint(2, 4))
                hub_goods.append([self._goods(h) for h in headings])
            # activity per hub: a heavy tail, the first hubs the busiest
            size = np.array([1.0 / (k + 1) ** 1.2 for k in range(n_hubs)])
            size /= size.sum()
            lanes = []  # (exporter, importer, goods, first lot, last lot, price, weight)
            suppliers = self.suppliers + self.chain_suppliers
            for hub, goods, share in zip(self.hubs, hub_goods, size.tolist()):
                # customers: more for the busier hubs (about the square root of its rows, so a
                # small world stays small); they only buy
                n_customers = 3 + int(round(math.sqrt(share * _HUB_SHARE * self.n_rows) / 2))
                home = [self._company(hub.country, "hub_customer", self._day(*old))
                        for _ in range(n_customers)]
                abroad = [self._company(rng.choice([c for c in _HUB_MARKETS if c != hub.country]),
                                        "hub_customer", self._day(*old))
                          for _ in range(max(2, n_customers // 2))]
                peers = [h for h, g in zip(self.hubs, hub_goods) if h.country != hub.country
                         and {x.hs6 for x in g} & {x.hs6 for x in goods}]
                for g in goods:
                    first, last = _std_lots(g)
                    price = rng.uniform(*g.price)
                    sources = rng.sample([s for s in suppliers if s.country != hub.country],
                                         rng.randint(2, 6))
                    w = share * (1 - _HUB_LOCAL_SHARE) / len(goods)
                    for s in sources:  # half the rows are arrivals
                        lanes.append((s, hub, g, first, last, price, w * 0.5 / len(sources)))
                    sold = [(c, 0.3) for c in home] + [(c, 0.15) for c in abroad]
                    sold += [(h, 0.05) for h in peers
                             if g.hs6 in {x.hs6 for x in hub_goods[self.hubs.index(h)]}]
                    total = sum(x for _, x in sold)
                    for c, x in sold:
                        lanes.append((hub, c, g, first, last, price * rng.uniform(1.1, 1.35),
                                      w * 0.5 * x / total * math.exp(rng.gauss(0, 0.5))))
                # Russia and Belarus buy from the hub too, but goods it buys at home (not in
                # customs records), never a heading it imports: nothing it sends there can
                # be an arrival passed on
                imported = {x.hs6 for x in goods}
                local = [self._goods(h) for h in _HUB_LOCAL_HS6 if h not in imported]
                buyers = [self._company("RU" if rng.random() < 0.8 else "BY", "hub_customer",
                                        self._day(*old)) for _ in range(max(2, n_customers // 2))]
                for g in rng.sample(local, 2):
                    first, last = _std_lots(g)
                    price = rng.uniform(*g.price)
                    for c in buyers:
                        lanes.append((hub, c, g, first, last, price,
                                      share * _HUB_LOCAL_SHARE / 2 / len(buyers)
                                      * math.exp(rng.gauss(0, 0.5))))
            if not lanes:
                return
            last_day = (LAST_DAY - FIRST_DAY).days
            n = len(lanes)
            w = np.array([lane[6] for lane in lanes])
            self.lane_exp = np.concatenate([self.lane_exp, [x[0].idx for x in lanes]])
            self.lane_imp = np.concatenate([self.lane_imp, [x[1].idx for x in lanes]])
            self.lane_goods = np.concatenate([self.lane_goods,
                                              [_GOODS_INDEX[x[2].hs6] for x in lanes]])
            self.lane_lot = np.concatenate([self.lane_lot, np.ones(n)])
            self.lane_price = np.concatenate([self.lane_price, [x[5] for x in lanes]])
            self.lane_lo = np.concatenate([self.lane_lo, np.zeros(n, dtype=np.int64)])
            self.lane_hi = np.concatenate([self.lane_hi, np.full(n, last_day, dtype=np.int64)])
            self.lane_std = np.concatenate([self.lane_std,
                                            np.array([[x[3], x[4]] for x in lanes])])
            self.lane_p = np.concatenate([self.lane_p * (1 - _HUB_SHARE),
                                          w / w.sum() * _HUB_SHARE])
        finally:
            self.rng = main_rng

    # -- registry, officers, watchlist -----------------------------------------------------------

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

    # -- streaming the shipments -----------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# writing


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([tuple(r[c] for c in columns) for r in rows])


def _with_bad_rows(rng: random.Random, rows: list[dict], bad: list[tuple[dict, str, str]],
                   key: str) -> tuple[list[dict], list[dict]]:
    """``rows`` with the ``bad`` ones slotted in at random places, and the truth about them."""
    out = list(rows)
    for row, _, _ in bad:
        out.insert(rng.randrange(len(out) + 1), row)
    where = {id(r): i for i, r in enumerate(out)}
    truth = [{key: row.get(key, ""), "line": where[id(row)] + 2, "row": where[id(row)] + 1,
              "reason": reason, "column": column} for row, reason, column in bad]
    truth.sort(key=lambda t: t["line"])
    return out, truth


def _company_row(c: _Company) -> dict:
    return {
        "country": c.country, "name": c.name, "registration_number": c.registration_number,
        "name_latin": c.name_latin, "aliases": c.aliases, "tax_id": c.tax_id,
        "incorporation_date": c.incorporated.isoformat(),
        "dissolution_date": c.dissolved.isoformat() if c.dissolved else "",
        "status": "liquidated" if c.dissolved else "active", "address": c.address,
        "legal_form": c.legal[1], "activity_code": c.activity_code,
        "source": f"registry-{c.country.lower()}",
    }


def generate_world(out_dir: str | Path, seed: int = 0, scale: float = 1.0,
                   n_shipments: int | None = None) -> WorldPaths:
    """Write a seeded sample world: four canonical input tables and its answer key.

    Parameters
    ----------
    out_dir : str or Path
        Directory to write into (created if missing); existing files of the same names are
        overwritten.
    seed : int, default 0
        Same seed, byte-identical files.
    scale : float, default 1.0
        Multiplies the number of companies and planted schemes; 1.0 gives a few hundred
        companies and about 4,000 shipment rows.
    n_shipments : int, optional
        Exact number of data rows in ``shipments.csv``; background trade fills whatever the
        planted rows leave. Rows stream to disk in chunks, so a million rows need little
        memory.

    Returns
    -------
    WorldPaths
        The paths of ``shipments.csv``, ``companies.csv``, ``officers.csv``,
        ``watchlist.csv`` and ``truth.json``.

    Raises
    ------
    WorldError
        On a negative seed, a non-positive scale, or fewer rows than the planted ones.

    Examples
    --------
    >>> import tempfile, json
    >>> paths = generate_world(tempfile.mkdtemp(), seed=1, scale=0.5)
    >>> truth = json.loads(paths.truth.read_text(encoding="utf-8"))
    >>> sorted({c["kind"] for c in truth["chains"]})
    ['2hop', '3hop', 'split']
    """
    world = _World(seed, scale, n_shipments)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = WorldPaths(out, out / "shipments.csv", out / "companies.csv", out / "officers.csv",
                       out / "watchlist.csv", out / "truth.json")
    layout_rng = random.Random(f"tracegraph-layout-{seed}")

    # registry: companies in the registries' countries, in registry order (shuffled)
    registry = [c for c in world.companies if c.in_registry]
    layout_rng.shuffle(registry)
    company_rows = [_company_row(c) for c in registry]
    bad_companies = []
    for column, reason in (("name", "missing_required"), ("country", "missing_required"),
                           ("registration_number", "no_identifier")):
        row = dict(_company_row(layout_rng.choice(registry)))
        row[column] = ""
        if column == "registration_number":
            row["tax_id"] = ""
        bad_companies.append((row, reason, column))
    company_rows, bad_company_truth = _with_bad_rows(layout_rng, company_rows, bad_companies,
                                                     "registration_number")
    _write_csv(paths.companies, COMPANIES.columns, company_rows)

    officer_rows, bad_officer_truth = _with_bad_rows(layout_rng, world.officer_rows,
                                                     world.bad_officers,
                                                     "company_registration_number")
    _write_csv(paths.officers, OFFICERS.columns, officer_rows)
    _write_csv(paths.watchlist, WATCHLIST_COLUMNS, world.watchlist_rows)

    used = np.zeros(len(world.companies), dtype=bool)
    bad_positions = set()
    hub_idx = np.array([h.idx for h in world.hubs], dtype=np.int64)
    hub_rows: dict[int, list[str]] = {int(h): [] for h in hub_idx}
    with paths.shipments.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(SHIPMENTS.columns)
        for rows, exp, imp in world.iter_shipment_chunks():
            writer.writerows(rows)
            used[exp] = True
            used[imp] = True
            for side in (exp, imp):
                for i in np.flatnonzero(np.isin(side, hub_idx)).tolist():
                    hub_rows[int(side[i])].append(rows[i][0])
    for row, _, _ in world.bad_shipments:
        bad_positions.add(row["_pos"])

    # -- the answer key
    present = set(np.flatnonzero(used).tolist())
    present.update(c.idx for c in registry)
    persons = set()
    for row in world.officer_rows:
        officer = row["_officer"]
        if isinstance(officer, _Company):
            present.add(officer.idx)
        else:
            persons.add(officer.idx)
    for row in world.watchlist_rows:
        entity = row["_entity"]
        if isinstance(entity, _Company):
            present.add(entity.idx)
        else:
            persons.add(entity.idx)

    chains = []
    for n, chain in enumerate(world.chains, start=1):
        chains.append({
            "chain_id": f"T{n}", "kind": chain.kind, "hs6": chain.hs6,
            "countries": [c.country for c in chain.route],
            "links": [[a["record_id"], b["record_id"]] for a, b in chain.links],
            "entities": [c.key for c in chain.route],
        })
    fronts = [{**i.company.key, "kind": i.kind, "cluster": i.cluster,
               "shares_officer_with_buyer": i.shares_officer} for i in world.intermediaries]
    lookalikes = [{"kind": kind, **c.key, "record_ids": [r["record_id"] for r in rows]}
                  for kind, c, rows in world.lookalikes]
    lookalikes += [{"kind": "hub", **h.key, "record_ids": hub_rows[h.idx]} for h in world.hubs]
    truth = {
        "seed": seed,
        "scale": world.scale,
        "n_shipments": world.n_rows,
        "counts": {
            "companies": len(present),
            "persons": len(persons),
            "shipments_valid_distinct": world.n_rows - len(world.bad_shipments)
            - len(world.duplicates),
            "shipment_rows": world.n_rows,
            "bad_shipment_rows": len(world.bad_shipments),
            "duplicate_shipment_rows": len(world.duplicates),
        },
        "chains": chains,
        "mirrors": [[a["record_id"], b["record_id"]] for a, b in world.mirrors],
        "fronts": fronts,
        "lookalikes": lookalikes,
        "bad_rows": {
            "shipments": sorted(
                ({"record_id": row["record_id"], "line": row["_pos"] + 2, "row": row["_pos"] + 1,
                  "reason": reason, "column": column}
                 for row, reason, column in world.bad_shipments), key=lambda t: t["line"]),
            "companies": bad_company_truth,
            "officers": bad_officer_truth,
        },
        "duplicates": {"shipments": sorted(r["record_id"] for r in world.duplicates)},
    }
    paths.truth.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                           encoding="utf-8")
    return paths
