"""Names: transliteration and keying slips, the parts company and person names are made of."""

from __future__ import annotations

import random

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
