"""Places: cities and streets of the registries' countries, addresses as extracts write them."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.world.scope import _CYRILLIC_COUNTRIES, COUNTRY_FORMS

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

