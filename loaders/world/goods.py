"""The goods the world trades: CHPL and ordinary headings, their prices, weights and lot sizes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


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
# Headings goods are declared under on the way on when they travel under a cover heading
# (the parts and general headings of queries/data/cover_headings.csv); which arrival heading
# may be declared as which comes from that table, passed to generate_world. The goods are also
# real trade of their own, for the look-alikes: sprayers, computer and radio parts are heavier
# per unit than the goods they may cover for.
_COVER_GOODS = (
    _Goods("842441", False, "pcs", "Agricultural or horticultural sprayers, portable",
           "Опрыскиватели сельскохозяйственные переносные", (40.0, 400.0), 6.0, (20, 2000)),
    _Goods("847330", False, "pcs", "Parts and accessories of computers",
           "Части и принадлежности вычислительных машин", (3.0, 150.0), 0.25, (100, 20000)),
    _Goods("852990", True, "pcs", "Parts of radio, television and radar apparatus",
           "Части аппаратуры радио-, теле- и радиолокационной", (2.0, 120.0), 0.6, (100, 10000)),
    _Goods("901390", False, "pcs", "Parts and accessories of optical devices",
           "Части и принадлежности приборов оптических", (5.0, 200.0), 1.2, (50, 5000)),
    _Goods("853690", True, "pcs", "Electrical apparatus for switching or connecting circuits",
           "Аппаратура электрическая для коммутации электрических цепей", (0.3, 15.0), 0.05,
           (500, 50000)),
)
# Goods of the parts route of the cover-heading pattern (CHPL goods declared on the way on as
# parts of another heading of their own chapter, which no table row names) and of its
# look-alike (goods off the CHPL declared so): oscilloscopes leave as parts of optical
# appliances, as in issue 17; electric ovens and the like as parts of switching apparatus.
# Which headings are parts subheadings comes from queries/data/hs_parts.csv, passed to
# generate_world. The pattern alone trades these goods, so the background draws what it drew
# before they existed.
_PARTS_GOODS = (
    _Goods("903020", True, "pcs", "Oscilloscopes and oscillographs",
           "Осциллографы", (400.0, 12000.0), 4.0, (50, 600)),
    _Goods("851660", False, "pcs", "Electric ovens, cookers and cooking plates",
           "Печи и плиты кухонные электрические", (30.0, 400.0), 15.0, (50, 3000)),
    _Goods("853890", False, "pcs", "Parts of electrical apparatus for switching or protecting "
           "circuits", "Части аппаратуры электрической для коммутации или защиты цепей",
           (0.5, 40.0), 0.1, (500, 50000)),
)
_GOODS = _CHPL_GOODS + _ORDINARY_GOODS + _COVER_GOODS + _PARTS_GOODS
_GOODS_INDEX = {g.hs6: i for i, g in enumerate(_GOODS)}

CHPL_HS6 = tuple(g.hs6 for g in _CHPL_GOODS + _PARTS_GOODS if g.chpl)
ORDINARY_HS6 = tuple(g.hs6 for g in _ORDINARY_GOODS)
# the CHPL goods of background trade
_BACKGROUND_CHPL_HS6 = tuple(g.hs6 for g in _CHPL_GOODS)

# Chains need lots big enough for a ±10 % tolerance to mean something.
_CHAIN_HS6 = tuple(g.hs6 for g in _CHPL_GOODS if g.qty[0] >= 50)
# what the parts route of the cover-heading pattern may carry
_PARTS_CHAIN_HS6 = _CHAIN_HS6 + tuple(g.hs6 for g in _PARTS_GOODS
                                      if g.chpl and g.qty[0] >= 50)
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

# the lot sizes trading houses deal in
_STD_LOTS = np.array([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000,
                      50_000, 100_000, 200_000, 500_000])


def _std_lots(goods: "_Goods") -> tuple[int, int]:
    """First and last index of the standard lot sizes within the goods' usual lots."""
    inside = np.flatnonzero((_STD_LOTS >= goods.qty[0]) & (_STD_LOTS <= goods.qty[1]))
    if len(inside) == 0:
        near = int(np.argmin(np.abs(np.log(_STD_LOTS) - math.log(max(goods.qty[0], 1)))))
        return near, near
    return int(inside[0]), int(inside[-1])
