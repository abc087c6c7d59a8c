"""Value normalisers: one per value type, each returning ``None`` for junk instead of raising.

The loaders call these on every cell; a ``None`` on a required field becomes a rejected row
with a reason. Names, countries and identifiers repeat thousands of times in trade data, so
the expensive normalisers are memoised.

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

import datetime as _dt
import importlib
import json
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import pycountry
from rapidfuzz.distance import OSA
from rigour.names import extract_org_types, remove_org_types
from rigour.text.normalize import Normalize, normalize
from rigour.text.translit import ascii_text, maybe_ascii

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
    "normalize_hs",
    "hs6",
    "parse_date",
    "parse_amount",
    "normalize_identifier",
    "identifier_checksum_ok",
    "address_key",
    "map_unique",
]

_CACHE_SIZE = 1 << 17

# Placeholders that sources write where they have no value; they are junk, not names.
_NULL_WORDS = frozenset({
    "", "-", "--", "---", "?", "n/a", "na", "n.a.", "nan", "none", "null", "nil", "#n/a",
    "unknown", "not available", "нет", "н/д", "н.д.", "не указано", "не известно", "неизвестно",
    "отсутствует", "nat", "<na>",
})


def _text(value: Any) -> str | None:
    """The value as a stripped string, or None for missing values and placeholders."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    else:
        if isinstance(value, float) and math.isnan(value):
            return None
        try:
            # pandas.NA / NaT / numpy.nan without importing pandas here
            if value != value:  # noqa: PLR0124 - NaN-like values are not equal to themselves
                return None
        except (TypeError, ValueError):
            return None
        text = str(value).strip()
    if text.casefold() in _NULL_WORDS:
        return None
    return text


# ---------------------------------------------------------------------------------------------
# names

_QUOTES = "\"'«»“”„‟‘’‚‛‹›`´"
_APOSTROPHES = re.compile(r"['’ʼ`´ʹ]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
_NAME_FLAGS = Normalize.CASEFOLD | Normalize.NAME


def clean_name(text: Any) -> str | None:
    """Display form of a name: trimmed, spaces collapsed, surrounding quotes removed.

    Examples
    --------
    >>> clean_name('  "ООО  «Радиоком»" ')
    'ООО «Радиоком»'
    >>> clean_name("«»") is None
    True
    """
    value = _text(text)
    if value is None:
        return None
    value = unicodedata.normalize("NFC", _INVISIBLE.sub("", value))
    value = _SPACES.sub(" ", value).strip()
    while len(value) >= 2 and value[0] in _QUOTES and value[-1] in _QUOTES:
        value = value[1:-1].strip()
    # a lone quote at one end, with no partner inside, is residue of a cut-off cell
    if value and value[0] in _QUOTES and not any(q in value[1:] for q in _QUOTES):
        value = value[1:].strip()
    if value and value[-1] in _QUOTES and not any(q in value[:-1] for q in _QUOTES):
        value = value[:-1].strip()
    if not any(ch.isalnum() for ch in value):
        return None
    return value


# Cyrillic and Latin letters that look alike: a scribe (or a typist switching keyboard layouts)
# mixes them inside one word, and the word then neither matches nor transliterates.
_CYR_TO_LAT = dict(zip(
    "АВЕКМНОРСТХУаеорсухкіјѕ",
    "ABEKMHOPCTXYaeopcyxkijs",
))
_LAT_TO_CYR = {lat: cyr for cyr, lat in _CYR_TO_LAT.items()}
_WORD = re.compile(r"\w+")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f]")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f"


def _script_counts(text: str) -> tuple[int, int]:
    """Letters that are unambiguously Cyrillic and unambiguously Latin."""
    cyr = lat = 0
    for ch in text:
        if _is_cyrillic(ch):
            cyr += ch not in _CYR_TO_LAT
        elif _is_latin(ch):
            lat += ch not in _LAT_TO_CYR
    return cyr, lat


def fold_homoglyphs(text: str) -> str:
    """Rewrite look-alike letters inside a word into the script of the rest of the word.

    A word with letters of both scripts takes the script of its unambiguous letters; a word
    made only of look-alikes (``ООО``, ``ТОО``) takes the script dominant in the whole text.

    Examples
    --------
    >>> fold_homoglyphs("Рaдиоком") == "Радиоком"   # Latin 'a' inside a Cyrillic word
    True
    >>> fold_homoglyphs("RАDIOKOM")                 # Cyrillic 'А' inside a Latin word
    'RADIOKOM'
    """
    if text.isascii() or not _CYRILLIC_RE.search(text) or not _LATIN_RE.search(text):
        return text
    whole_cyr, whole_lat = _script_counts(text)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if not _CYRILLIC_RE.search(word) or not _LATIN_RE.search(word):
            return word
        cyr, lat = _script_counts(word)
        if cyr == lat:
            cyr, lat = whole_cyr, whole_lat
        if cyr > lat:
            return "".join(_LAT_TO_CYR.get(ch, ch) for ch in word)
        if lat > cyr:
            return "".join(_CYR_TO_LAT.get(ch, ch) for ch in word)
        return word

    return _WORD.sub(fix, text)


_PLAIN_QUOTES = str.maketrans({q: '"' for q in "«»“”„‟"})


@lru_cache(maxsize=1)
def _letter_table() -> dict[int, str]:
    # rigour's spellings (Шевченко -> Shevchenko) letter by letter, for Cyrillic and accented
    # Latin. rigour takes a fraction of a millisecond per new word, too slow for a million
    # trade rows; asked once per letter it takes milliseconds in all. Its only rules beyond
    # single letters (the -ий ending, all-caps digraphs) are ironed out by the key's folding.
    letters = [chr(c) for c in (*range(0x00C0, 0x0250), *range(0x0400, 0x0530))
               if chr(c).isalpha()]
    return {ord(ch): maybe_ascii(ch) for ch in letters}


@lru_cache(maxsize=_CACHE_SIZE)
def _ascii_word(word: str) -> str:
    if word.isascii():
        return word
    out = word.translate(_letter_table())
    # other scripts (Han, Arabic, Georgian...) go through rigour and normality word by word,
    # so one foreign word does not switch the whole name to the fallback table
    return out if out.isascii() else ascii_text(word)


def transliterate(text: Any) -> str:
    """Latin (ASCII) spelling of a text in any script, homoglyphs folded first.

    Examples
    --------
    >>> transliterate("ООО «Технологии Центр»")
    'OOO "Tehnologii Tsentr"'
    >>> transliterate(None)
    ''
    """
    value = _text(text)
    if value is None:
        return ""
    value = fold_homoglyphs(unicodedata.normalize("NFC", value))
    value = value.translate(_PLAIN_QUOTES)
    return re.sub(r"\S+", lambda m: _ascii_word(m.group(0)), value)


# Legal forms that rigour's org-type table does not know, as (token sequence, generic form).
# Post-Soviet Central Asian forms, Latin look-alike spellings of Cyrillic abbreviations, and
# words that say "company" without naming a form; the generic form None means "noise for
# matching, but not a legal form".
_EXTRA_FORMS: dict[str, str | None] = {
    "осоо": "LLC", "osoo": "LLC", "ocoo": "LLC",
    "жчк": "LLC", "zhchk": "LLC", "жоопкерчилиги чектелген коом": "LLC",
    "too": "LLP", "жшс": "LLP", "zhshs": "LLP",
    "жауапкершілігі шектеулі серіктестігі": "LLP",
    "жауапкершілігі шектеулі серіктестік": "LLP",
    "aş": "JSC", "a ş": "JSC", "anonim sirketi": "JSC", "limited sirketi": "LLC",
    "ltdşti": "LLC", "ltd şti": "LLC", "ltdsti": "LLC", "ltd sti": "LLC",
    "fzc": "LLC", "nao": "JSC", "чп": "SP",
    # Belarus: a private unitary enterprise (ЧУП, written PUE in English) is a company with
    # one owner, the nearest generic form being LLC; ОДО, an additional-liability company
    "чуп": "LLC", "chup": "LLC", "pue": "LLC", "odo": "LLC",
    "corp": "CORP", "corporation": "CORP",
    "co": None, "company": None, "kompani": None, "trading": None, "treiding": None,
}


def _forms_regex(forms: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(r"(?<!\S)(" + alternatives + r")(?!\S)")


_EXTRA_FORMS_RE = _forms_regex(_EXTRA_FORMS)
_EXTRA_PHRASES_RE = _forms_regex(f for f in _EXTRA_FORMS if " " in f)


# Soviet and post-Soviet enterprise types: a design bureau (КБ, ОКБ), a research institute
# (НИИ, ЦНИИ), a research-and-production association or enterprise (НПО, НПП), a plant (Завод).
# They say what the enterprise is, not how it is incorporated, and they tell apart namesakes
# (НПО «Меридиан» and КБ «Меридиан» are two defence suppliers), so they stay in the name.
# rigour's table reads some of them as legal forms of elsewhere: KB as a Swedish
# kommanditbolag or a commercial bank, NPO as a non-profit organisation.
_ENTERPRISE_WORDS = frozenset({
    "кб", "окб", "скб", "цкб", "пкб", "нии", "цнии", "нпо", "нпп", "нпк", "нпф", "нпц", "нтц",
    "завод",
    "kb", "okb", "skb", "tskb", "ckb", "pkb", "nii", "tsnii", "cnii", "npo", "npp", "npk", "npf",
    "npts", "ntts", "zavod",
})
# Words that rigour's table holds as a legal form of some far-away jurisdiction but that name
# companies in the region: Turkish Ege (the Aegean) and Ay (the moon).
_KEPT_WORDS = _ENTERPRISE_WORDS | {"ege", "ay"}


def _strip_form_words(tokens: str) -> str:
    # Our multi-word forms go first: rigour knows a part of some ("sirketi" of "anonim
    # sirketi"). Our single words go last, so that they do not cut up rigour's multi-word
    # forms ("company" of "limited liability company").
    stripped = _EXTRA_PHRASES_RE.sub(" ", tokens)
    stripped = remove_org_types(stripped, " ", normalize_flags=_NAME_FLAGS)
    stripped = _EXTRA_FORMS_RE.sub(" ", stripped)
    return _SPACES.sub(" ", stripped).strip()


def _strip_forms(tokens: str) -> str:
    words = tokens.split()
    if not _KEPT_WORDS.intersection(words):
        return _strip_form_words(tokens)
    # the runs between kept words are stripped one by one, the words themselves kept
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if word in _KEPT_WORDS or not word:
            if run:
                out.append(_strip_form_words(" ".join(run)))
                run = []
            out.append(word)
        else:
            run.append(word)
    return _SPACES.sub(" ", " ".join(out)).strip()


@lru_cache(maxsize=4096)
def _is_form(part: str) -> bool:
    tokens = normalize(part, _NAME_FLAGS)
    return bool(tokens) and not _strip_forms(tokens)


_HYPHENATED = re.compile(r"\w+(?:[-‐‑–]\w+)+")


def _glue_hyphenated(text: str) -> str:
    """Join a hyphenated word in which some part looks like a legal form (Ала-Тоо, the Kyrgyz
    mountains, holds ТОО), so that the form removal leaves the name alone."""
    def glue(match: re.Match[str]) -> str:
        parts = re.split(r"[-‐‑–]", match.group(0))
        forms = [_is_form(p) for p in parts]
        # FZ-LLC is a form in its own right: only a mix of form and non-form parts is glued
        return "".join(parts) if any(forms) and not all(forms) else match.group(0)

    return _HYPHENATED.sub(glue, text)


# Spelling variants of the same Cyrillic sound in hand-made Latin transliterations; applied to
# ASCII tokens in this order (kh/h, tech/teh, x/ks, ts/tz/c, c/k, y/j/i, doubled letters).
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl) for pattern, repl in (
        ("shch", "sch"),
        ("zh", "j"),
        ("kh", "h"),
        ("^tech", "teh"),
        ("x", "ks"),
        ("tz", "ts"),
        ("ts", "c"),
        ("ck", "k"),
        ("c(?![eiyh])", "k"),
        ("ph", "f"),
        ("w", "v"),
        ("q", "k"),
        ("[yj]u", "iu"),
        ("[yj]a", "ia"),
        ("[yj][eo]", "e"),
        ("[yj]", "i"),
        (r"([a-z])\1+", r"\1"),
    )
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")




def _fold_spelling(token: str) -> str:
    for pattern, repl in _FOLDS:
        token = pattern.sub(repl, token)
    return token


# English loanwords in post-Soviet company names, as transliterated from Cyrillic and as
# written in English (Трейд / Trade, Сервис / Service); both sides are folded at import.
_LOANWORDS = {
    _fold_spelling(russian): _fold_spelling(english) for russian, english in (
        ("treid", "trade"), ("grupp", "group"), ("grup", "group"), ("servis", "service"),
        ("tehnolodzhi", "technology"), ("tehnolodzhis", "technologies"),
        ("enerdzhi", "energy"), ("konsalting", "consulting"), ("menedzhment", "management"),
        ("siti", "city"), ("sistemz", "systems"), ("elektrik", "electric"),
        ("logistik", "logistics"), ("mashineri", "machinery"), ("intl", "international"),
        # abbreviations that trade records write for the long word
        ("tech", "technology"), ("gen", "general"),
    )
}


_VOWELS = re.compile("[aeiouy]")


@lru_cache(maxsize=_CACHE_SIZE)
def _fold_token(token: str) -> str:
    if len(token) <= 5 and not _VOWELS.search(token):
        # an abbreviation is spelled letter by letter: folding its letter pairs as if they
        # were sounds would make ЦКБ (tskb) the КБ (kb) of another enterprise
        return token
    token = _fold_spelling(token)
    return _LOANWORDS.get(token, token)


# the enterprise words as they stand in a name key
_ENTERPRISE_KEYS = frozenset(_fold_token(word) for word in _ENTERPRISE_WORDS if word.isascii())
# The words that only say "company" (None in _EXTRA_FORMS), as folded; the short ones (co) are
# left out, since their folded form is a real word elsewhere.
_FOLDED_NOISE = frozenset(_fold_token(word) for word, form in _EXTRA_FORMS.items()
                          if form is None and " " not in word and len(word) >= 5)


def _is_noise(token: str) -> bool:
    if token in _FOLDED_NOISE:
        return True
    # one slip away from a long noise word is that word: no name is spelled Tradng
    return len(token) >= 6 and any(
        OSA.distance(token, noise, score_cutoff=1) <= 1 for noise in _FOLDED_NOISE)


def _name_tokens(text: Any, strip_forms: bool, fold: bool = True) -> list[str] | None:
    value = _text(text)
    if value is None:
        return None
    value = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", value))
    value = fold_homoglyphs(value)
    if strip_forms:
        value = _glue_hyphenated(value)
    tokens = normalize(value, _NAME_FLAGS)
    if not tokens:
        return None
    if strip_forms:
        tokens = _strip_forms(tokens) or tokens
    latin = " ".join(_ascii_word(word) for word in tokens.split()).lower()
    latin = _NON_ALNUM.sub(" ", latin).strip()
    if strip_forms:
        # forms spelled out in Latin transliteration only show up after transliterating
        latin = _strip_forms(latin) or latin
    if not fold:
        return latin.split() or None
    folded = [_fold_token(tok) for tok in latin.split()]
    return [tok for tok in folded if tok] or None


@lru_cache(maxsize=_CACHE_SIZE)
def _company_forms(text: Any) -> tuple[str, str] | None:
    """(latin_key, name_key) of a company name, computed together: they share all but the
    last step."""
    latin = _name_tokens(text, strip_forms=True, fold=False)
    if not latin:
        return None
    folded = [tok for tok in map(_fold_token, latin) if tok]
    # a noise word with a slip in it (Komppani, Tradng) is found only once folded
    kept = [tok for tok in folded if not _is_noise(tok)]
    folded = kept or folded
    return (" ".join(latin), " ".join(folded)) if folded else None


def name_key(text: Any) -> str | None:
    """Matching key of a company name: the same company written differently gets the same key.

    Case-folded, quotes and punctuation dropped, legal forms removed wherever they stand
    (Latin and Cyrillic), homoglyphs folded, Cyrillic transliterated and common spelling
    variants folded (kh/h, ts/c, yu/iu/ju, x/ks, -iy/-ij/-y). Tokens keep their order: word
    order is a real difference between company names more often than a spelling variant, and
    the resolver's fuzzy scorer is order-insensitive anyway. A name that is nothing but a legal
    form keeps its words rather than becoming empty.

    Examples
    --------
    >>> name_key("ООО «Радиоком»"), name_key("OOO Radiokom"), name_key("RADIOKOM LLC")
    ('radiokom', 'radiokom', 'radiokom')
    >>> name_key("Tsentr Tekhnologiy") == name_key("Centr Technologij")
    True
    >>> name_key("  --  ") is None
    True
    """
    forms = _company_forms(text)
    return forms[1] if forms else None


def latin_key(text: Any) -> str | None:
    """:func:`name_key` before the spelling variants are folded: legal forms removed,
    transliterated, lower-case. Typos are counted on this form, where one slip of the pen is
    one edit (folding turns ``zh`` into one letter, so a slip beside it can count twice).

    Examples
    --------
    >>> latin_key("ООО «Спецстроймонтаж»")
    'spetsstroimontazh'
    """
    forms = _company_forms(text)
    return forms[0] if forms else None


# Chinese company names open, by the registration rules, with the place of the registering
# authority (深圳 Shenzhen, 宁波 Ningbo...), and trade records often drop it. rigour's territory
# table knows the provinces and the four municipalities but not the prefecture-level cities;
# these are the cities, and the county-level cities, that register most exporters.
_CN_CITIES = frozenset("""
    anqing anshan anyang baoding baoji baotou beihai bengbu benxi binzhou changchun changde
    changsha changshu changzhou chaozhou chengdu chifeng chuzhou cixi dalian dandong danyang
    daqing datong deyang dezhou dongguan dongying foshan fuqing fushun fuyang fuzhou ganzhou
    guangzhou guilin guiyang haikou handan hangzhou harbin hefei hengyang heyuan heze hohhot
    huaian huaibei huainan huizhou huzhou jiamusi jiangmen jiangyin jiaozuo jiaxing jieyang
    jilin jinan jingdezhen jinhua jining jinjiang jinzhou jiujiang kaifeng kunming kunshan
    laiwu langfang lanzhou lhasa lianyungang liaocheng linyi lishui liuzhou longgang longyan
    luoyang maanshan maoming meizhou mianyang mudanjiang nanchang nanjing nanning nanping
    nantong nanyang ningbo ningde ordos pingdingshan pingxiang putian qingdao qingyuan
    qinhuangdao qiqihar quanzhou quzhou rizhao sanming sanya shangqiu shangrao shantou shanwei
    shaoguan shaoxing shenyang shenzhen shijiazhuang shishi siping suqian suzhou taian taiyuan
    taizhou tangshan tianjin tieling tonghua urumqi weifang weihai wenzhou wuhan wuhu wuxi
    xiamen xian xiangyang xianyang xining xinxiang xinyu xuchang xuzhou yancheng yangjiang
    yangzhou yantai yichang yichun yinchuan yingkou yiwu yixing yulin yunfu yuyao zaozhuang
    zhangjiagang zhangjiakou zhangzhou zhanjiang zhaoqing zhengzhou zhenjiang zhongshan zhoukou
    zhoushan zhuhai zhuzhou zibo zunyi
""".split())
# A name left without its place must still name something: (words, letters) at least. In
# China one word is enough, since the rules make the word after the place the company's own
# trade name (字号), distinct where it is registered (Shenzhen Kaida Trading: Kaida).
_MIN_REST = (2, 6)
_MIN_REST_BY_COUNTRY = {"CN": (1, 4)}


@lru_cache(maxsize=4096)
def _is_place_of(words: str, code: str) -> bool:
    if code == "CN" and words in _CN_CITIES:
        return True
    territory = _territory_code(words)
    # the country itself or a region or city of it (Hong Kong, Shanghai, Dubai, Moscow); a
    # territory of another country (a Yugoslavia for "Yug", south) is a word of the name
    return territory is not None and territory.split("-")[0].upper() == code


def _territory_code(text: str) -> str | None:
    """The code of the territory rigour's ``lookup_territory`` finds for ``text`` (exact,
    not fuzzy), or None.

    rigour builds its table of territory names on first use by transliterating some 30,000
    names, several seconds of every process that loads a file. The table (name -> code) is
    therefore kept on disk per rigour version (:func:`_territory_names`) and the lookup done
    here the way rigour does it: by code or QID first, then by normalised name.
    """
    from rigour.territories.lookup import lookup_by_identifier, normalize_territory_name

    names = _territory_names()
    if names is None:  # a rigour without the table we know: ask it
        from rigour.territories import lookup_territory

        territory = lookup_territory(text)
        return territory.code if territory is not None else None
    territory = lookup_by_identifier(text)
    if territory is not None:
        return territory.code
    return names.get(normalize_territory_name(text))


@lru_cache(maxsize=1)
def _territory_names() -> dict[str, str] | None:
    """rigour's territory name table as {normalised name: territory code}, read from the
    user's cache (tracegraph.settings.cache_dir) or built by rigour and written there; None
    when this rigour has no such table."""
    from importlib.metadata import version

    from rigour.territories import lookup as rigour_lookup

    build = getattr(rigour_lookup, "_get_territory_names", None)
    if build is None:
        return None
    from tracegraph.settings import cache_dir

    folder = cache_dir()
    path = folder / f"rigour-{version('rigour')}-territory-names.json"
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(names, dict):
            return names
    except (OSError, ValueError):
        pass
    names = {name: territory.code for name, territory in build().items()}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # written aside and renamed, so a process reading it never sees half a table
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(names, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass  # no writable cache: the table is built again by the next process
    return names


@lru_cache(maxsize=_CACHE_SIZE)
def split_place(text: Any, country: Any) -> tuple[str, str] | None:
    """(place, rest) of a company name that opens with a place of its own country: the place
    in Latin letters, and the :func:`name_key` of the name without it. None when the name does
    not open with a place, or when too little would be left to name a company.

    Trade records shorten ``Hong Kong Eastern Star Ltd`` to ``Eastern Star Ltd`` and
    ``Ningbo Tianyu Co., Ltd.`` to ``Tianyu Co.,Ltd``; the resolver uses the rest to join the
    two, as long as one company only holds that rest. Places are the country and its regions
    and cities as rigour knows them, and for China also the cities whose names open most
    Chinese company names.

    Examples
    --------
    >>> split_place("Ningbo Tianyu International Co., Ltd.", "CN")
    ('ningbo', 'tianiu international')
    >>> split_place("Hong Kong Eastern Star Electronics Limited", "HK")
    ('hong kong', 'eastern star elektroniks')
    >>> split_place("Hong Kong Star Limited", "HK") is None   # "Star" alone names nothing
    True
    >>> split_place("Moscow Radio Components", "KZ") is None   # not a place of Kazakhstan
    True
    """
    code = normalize_country(country)
    forms = _company_forms(text)
    if code is None or forms is None:
        return None
    latin, folded = forms[0].split(), forms[1].split()
    for size in (2, 1):
        place = " ".join(latin[:size])
        if len(latin) <= size or not _is_place_of(place, code):
            continue
        if [_fold_token(w) for w in latin[:size]] != folded[:size]:
            return None  # the folded key lost a word of the place: no safe way to cut it
        rest = folded[size:]
        min_words, min_letters = _MIN_REST_BY_COUNTRY.get(code, _MIN_REST)
        if len(rest) < min_words or sum(map(len, rest)) < min_letters:
            return None
        return place, " ".join(rest)
    return None


@lru_cache(maxsize=_CACHE_SIZE)
def person_key(text: Any) -> str | None:
    """Matching key of a person's name: like :func:`name_key`, no legal forms, tokens sorted.

    Sorted because registries write surname first and trade and sanctions data given name
    first; for people, word order carries no identity.

    Examples
    --------
    >>> person_key("Иванов Иван Иванович") == person_key("Ivan Ivanovich Ivanov")
    True
    """
    tokens = _name_tokens(text, strip_forms=False)
    return " ".join(sorted(tokens)) if tokens else None


@lru_cache(maxsize=_CACHE_SIZE)
def legal_form(text: Any) -> str | None:
    """The generic legal form found in a name (``LLC``, ``JSC``, ``LLP``, ...), or None.

    Examples
    --------
    >>> legal_form("ООО «Радиоком»"), legal_form("OsOO Beta"), legal_form("Radiokom")
    ('LLC', 'LLC', None)
    """
    value = _text(text)
    if value is None:
        return None
    value = _glue_hyphenated(fold_homoglyphs(unicodedata.normalize("NFKC", value)))
    tokens = normalize(value, _NAME_FLAGS)
    if not tokens:
        return None
    candidates: list[tuple[int, str]] = []
    found = extract_org_types(tokens, normalize_flags=_NAME_FLAGS, generic=True)
    for matched, generic in found:
        if matched in _KEPT_WORDS:
            continue
        candidates.append((_position(tokens, matched), generic.upper()))
    for match in _EXTRA_FORMS_RE.finditer(tokens):
        generic = _EXTRA_FORMS[match.group(1)]
        if generic:
            candidates.append((match.start(), generic))
    if not candidates:
        return None
    return min(candidates)[1]


def _position(tokens: str, matched: str) -> int:
    pos = tokens.find(matched)
    return pos if pos >= 0 else len(tokens)


# ---------------------------------------------------------------------------------------------
# countries

# Russian names the territory tables lack (checked against rigour's data), normalised by
# _country_text; and the most common names of the region's trade, so that a load does not wait
# seconds for rigour's full name table when pycountry and this list already know the answer.
_COUNTRY_NAMES = {
    "russia": "RU", "россия": "RU", "российская федерация": "RU", "рф": "RU",
    "turkey": "TR", "турция": "TR", "uk": "GB", "uae": "AE", "hong kong sar": "HK",
    "kyrgyz republic": "KG", "кыргызстан": "KG", "киргизия": "KG", "казахстан": "KZ",
    "армения": "AM", "беларусь": "BY", "узбекистан": "UZ", "грузия": "GE", "китай": "CN",
    "гонконг": "HK", "таджикистан": "TJ", "азербайджан": "AZ", "туркменистан": "TM",
    "иран": "IR", "индия": "IN", "сша": "US", "германия": "DE",
    "белоруссия": "BY",
    "кыргызская республика": "KG",
    "киргизская республика": "KG",
    "республика кыргызстан": "KG",
    "республика армения": "AM",
    "кнр": "CN",
    "сянган": "HK",
    "республика таджикистан": "TJ",
    "азербайджанская республика": "AZ",
    "оаэ": "AE",
    "южная корея": "KR",
}
_BRACKETS = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_ISO2 = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def _country_text(value: str) -> str:
    return _SPACES.sub(" ", re.sub(r"[.,]", " ", value.casefold().replace("ё", "е"))).strip()


def _lookup_country(value: str) -> str | None:
    known = _COUNTRY_NAMES.get(_country_text(value))
    if known:
        return known
    try:
        # codes and English names; cheap, where rigour's name table takes seconds to build
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        pass
    territory = _territory_code(value)
    if territory is None:
        text = _country_text(value)
        for prefix in ("republic of ", "the ", "республика "):
            if text.startswith(prefix):
                territory = _territory_code(text[len(prefix):])
                break
    if territory is None:
        return None
    # a region or city in a country column ("Dubai", "Moscow") stands for its country
    code = territory.split("-")[0].upper()
    return code if code in _ISO2 else None


@lru_cache(maxsize=4096)
def normalize_country(text: Any) -> str | None:
    """ISO 3166-1 alpha-2 code from a code (alpha-2/alpha-3) or an English/Russian name.

    Examples
    --------
    >>> [normalize_country(x) for x in ("RUS", "Российская Федерация", "Türkiye", "ОАЭ")]
    ['RU', 'RU', 'TR', 'AE']
    >>> normalize_country("Hong Kong SAR"), normalize_country("Atlantis")
    ('HK', None)
    """
    value = _text(text)
    if value is None:
        return None
    code = _lookup_country(value)
    if code is None and _BRACKETS.search(value):
        # "Гонконг (Сянган)", "Russia (RU)": try the text outside, then inside the brackets
        outside = _BRACKETS.sub(" ", value).strip()
        inside = [a or b for a, b in _BRACKETS.findall(value)]
        for part in (outside, *inside):
            if part and (code := _lookup_country(part)):
                break
    return code


# ---------------------------------------------------------------------------------------------
# HS codes

_HS_SEPARATORS = re.compile(r"[\s.\-]+")


def normalize_hs(text: Any) -> str | None:
    """HS / tariff code as 4 to 10 digits; dots, spaces and dashes in the input are dropped.

    A number read from a spreadsheet lost its leading zero (``101`` for heading ``0101``) and
    the trailing zero of its last pair (``8542.1`` for ``8542.10``); both are restored, since an
    HS code always has an even number of digits per level.

    Examples
    --------
    >>> normalize_hs("8542.31.90"), normalize_hs(8542.1), normalize_hs(101)
    ('85423190', '854210', '0101')
    >>> normalize_hs("85A2") is None, normalize_hs("123") is None
    (True, True)
    """
    if isinstance(value := text, bool):
        return None
    if isinstance(value, int):
        digits = str(value)
        if len(digits) % 2:
            digits = "0" + digits
    elif isinstance(value, float):
        value = float(value)  # numpy floats repr as "np.float64(...)"
        if math.isnan(value) or math.isinf(value) or value < 0 or "e" in repr(value):
            return None
        whole, _, frac = repr(value).partition(".")
        frac = "" if frac.strip("0") == "" else frac
        whole = whole.zfill(4) if frac else (whole if len(whole) % 2 == 0 else "0" + whole)
        if len(frac) % 2:
            frac += "0"
        digits = whole + frac
    else:
        value = _text(value)
        if value is None:
            return None
        digits = _HS_SEPARATORS.sub("", value)
    if not digits.isascii() or not digits.isdigit() or not 4 <= len(digits) <= 10:
        return None
    if int(digits[:2]) == 0 or int(digits[:2]) > 99:
        return None  # there is no chapter 00
    return digits


def hs6(code: Any) -> str | None:
    """The 6-digit HS subheading of a code, or None when the code has fewer than 6 digits.

    A 4-digit heading does not say which subheading the goods are in, and padding it with
    zeros would invent one, so it gives None.

    Examples
    --------
    >>> hs6("8542.31.90"), hs6("8542")
    ('854231', None)
    """
    digits = normalize_hs(code)
    if digits is None or len(digits) < 6:
        return None
    return digits[:6]


# ---------------------------------------------------------------------------------------------
# dates

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def _plausible(day: _dt.date) -> _dt.date | None:
    # 0001-01-01 and 9999-12-31 are placeholders of source systems, not dates
    return day if _MIN_YEAR <= day.year <= _MAX_YEAR else None


def parse_date(text: Any, formats: Sequence[str] | None = None) -> _dt.date | None:
    """A calendar date from ISO ``YYYY-MM-DD`` or one of the given ``strptime`` formats.

    Date and datetime objects (including pandas Timestamps) pass through; impossible dates
    (``2023-02-30``), years outside 1800..2200 and junk give None. ``%d`` and ``%m`` accept
    one digit, so ``%d.%m.%Y`` also reads ``1.2.2023``. A time after the date is ignored.

    Examples
    --------
    >>> parse_date("2023-05-01"), parse_date("1.2.2023", ["%d.%m.%Y"])
    (datetime.date(2023, 5, 1), datetime.date(2023, 2, 1))
    >>> parse_date("2023-02-30") is None
    True
    """
    if text is None:
        return None
    if isinstance(text, _dt.datetime):
        if text != text:  # NaT
            return None
        return _plausible(text.date())
    if isinstance(text, _dt.date):
        return _plausible(text)
    if type(text).__name__ == "datetime64":
        import pandas as pd

        stamp = pd.Timestamp(text)
        return None if stamp is pd.NaT else _plausible(stamp.date())
    value = _text(text)
    if value is None:
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return _plausible(_dt.date(*(int(g) for g in match.groups())))
        except ValueError:
            return None
    for fmt in formats or ():
        for candidate in (value, value.split()[0]):
            try:
                return _plausible(_dt.datetime.strptime(candidate, fmt).date())
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------------------------------------
# amounts

_AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']+")
_CURRENCY_SYMBOLS = "$€£¥₽₸₺"
_POINT_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$|^\.\d+$")
_COMMA_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?$|^,\d+$")


def parse_amount(text: Any, decimal_comma: bool = False) -> float | None:
    """A number from a quantity, weight or value cell.

    Thousands may be grouped with spaces (also no-break and thin spaces), apostrophes, or the
    separator that is not the decimal mark; groups must then have three digits, so ``1,5``
    without ``decimal_comma`` is junk rather than a guess. Negative numbers (``-5``, ``−5``,
    ``(5)``) come back negative; the loader decides what to do with them.

    Examples
    --------
    >>> parse_amount("1 234,50", decimal_comma=True), parse_amount("1,234.50")
    (1234.5, 1234.5)
    >>> parse_amount("(12.5)"), parse_amount("abc") is None
    (-12.5, True)
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        number = float(text)
        return number if math.isfinite(number) else None
    value = _text(text)
    if value is None:
        return None
    if not decimal_comma:
        try:  # fast path: most cells are plain numbers
            number = float(value)
            return number if math.isfinite(number) else None
        except ValueError:
            pass
    value = _AMOUNT_SPACES.sub("", value).strip(_CURRENCY_SYMBOLS)
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value[:1] in "-−":
        negative, value = not negative, value[1:]
    elif value[:1] == "+":
        value = value[1:]
    value = value.strip(_CURRENCY_SYMBOLS)
    if decimal_comma:
        if not _COMMA_AMOUNT.match(value):
            return None
        value = value.replace(".", "").replace(",", ".")
    else:
        if not _POINT_AMOUNT.match(value):
            return None
        value = value.replace(",", "")
    number = float(value)
    return -number if negative else number


# ---------------------------------------------------------------------------------------------
# identifiers

_ID_LABELS = re.compile(
    r"^(?:инн|inn|бин|bin|иин|iin|огрнип|ogrnip|огрн|ogrn|унп|unp|tin|vat|кпп|рег\s*№|reg\s*no)"
    r"[\s:.#№-]*",
    re.IGNORECASE,
)
_ID_KEEP = re.compile(r"[^0-9A-Z]+")


def normalize_identifier(text: Any) -> str | None:
    """Registration or tax number: letters and digits only, upper-case, labels dropped.

    Junk (no digit at all, fewer than 5 characters, all zeros) gives None. A number read from a
    spreadsheet as a float (``7707083893.0``) comes back as its digits.

    Examples
    --------
    >>> normalize_identifier("ИНН 7707-083-893"), normalize_identifier(7707083893.0)
    ('7707083893', '7707083893')
    >>> normalize_identifier("n/a") is None, normalize_identifier("000000") is None
    (True, True)
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, float):
        if not math.isfinite(text) or text != int(text):
            return None
        text = str(int(text))
    value = _text(text)
    if value is None:
        return None
    value = _ID_LABELS.sub("", unicodedata.normalize("NFKC", value))
    # a Cyrillic letter typed for its Latin twin (С for C) must not split one number in two
    value = "".join(_CYR_TO_LAT.get(ch, ch) for ch in value.upper())
    value = _ID_KEEP.sub("", value)
    if len(value) < 5 or not any(ch.isdigit() for ch in value) or not value.strip("0"):
        return None
    return value


# (country, kinds, lengths, stdnum module): which checksum applies to which identifier; the
# kind None means "the caller does not know", and the length decides.
_CHECKSUMS: dict[str, tuple[tuple[frozenset[str], frozenset[int], str], ...]] = {
    "RU": (
        (frozenset({"inn", "tax", "tax_id"}), frozenset({10, 12}), "stdnum.ru.inn"),
        (frozenset({"ogrn", "ogrnip", "registration", "registration_number"}),
         frozenset({13, 15}), "stdnum.ru.ogrn"),
    ),
    # Kazakh BIN/IIN: python-stdnum has no stdnum.kz yet; used automatically once it does.
    "KZ": (
        (frozenset({"bin", "iin", "tax", "tax_id", "registration", "registration_number"}),
         frozenset({12}), "stdnum.kz.bin"),
    ),
    "BY": ((frozenset({"unp", "tax", "tax_id", "registration", "registration_number"}),
            frozenset({9}), "stdnum.by.unp"),),
    "UA": (
        (frozenset({"edrpou", "registration", "registration_number"}), frozenset({8}),
         "stdnum.ua.edrpou"),
        (frozenset({"rntrc", "tax", "tax_id"}), frozenset({10}), "stdnum.ua.rntrc"),
    ),
    "TR": (
        (frozenset({"vkn", "tax", "tax_id"}), frozenset({10}), "stdnum.tr.vkn"),
        (frozenset({"tckimlik"}), frozenset({11}), "stdnum.tr.tckimlik"),
    ),
    "CN": ((frozenset({"uscc", "tax", "tax_id", "registration", "registration_number"}),
            frozenset({18}), "stdnum.cn.uscc"),),
}


@lru_cache(maxsize=64)
def _stdnum(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


@lru_cache(maxsize=_CACHE_SIZE)
def identifier_checksum_ok(value: Any, country: Any, kind: str | None = None) -> bool | None:
    """Whether an identifier passes its check digits; None when no check is known.

    Russian INN (10/12 digits) and OGRN/OGRNIP (13/15) are told apart by length when ``kind``
    is None. Other checks: Belarus UNP, Ukraine EDRPOU/RNTRC, Turkey VKN, China USCC, and
    Kazakh BIN/IIN once python-stdnum ships ``stdnum.kz``.

    Examples
    --------
    >>> identifier_checksum_ok("7707083893", "RU"), identifier_checksum_ok("7707083894", "RU")
    (True, False)
    >>> identifier_checksum_ok("12345", "DE") is None
    True
    """
    ident = normalize_identifier(value)
    code = normalize_country(country)
    if ident is None or code is None or code not in _CHECKSUMS:
        return None
    kind_key = kind.casefold() if kind else None
    for kinds, lengths, module_name in _CHECKSUMS[code]:
        if kind_key is not None and kind_key not in kinds:
            continue
        if kind_key is None and len(ident) not in lengths:
            continue
        module = _stdnum(module_name)
        if module is None:
            return None
        return bool(module.is_valid(ident))
    return None


# ---------------------------------------------------------------------------------------------
# addresses

# Words that only say what kind of place the next word is (street, house, office, city):
# written in a dozen ways and in any order, they carry nothing for matching, so they go.
_ADDRESS_MARKERS = frozenset({
    "ul", "ulica", "ulitsa", "ulitca", "street", "st", "str", "strasse", "sokak", "sk", "cad",
    "caddesi", "d", "dom", "house", "h", "bld", "bldg", "building", "zd", "zdanie",
    "stroenie", "korp", "korpus", "k", "of", "ofis", "office", "ofice", "kv", "kvartira",
    "apt", "apartment", "flat", "pom", "pomeshenie", "pomeschenie", "room", "rm", "suite",
    "unit", "g", "gor", "gorod", "city", "pr", "prosp", "prospekt", "prospect", "avenue",
    "ave", "av", "per", "pereulok", "lane", "mkr", "mikroraion", "mkrn", "pl", "ploshad",
    "ploschad", "square", "sh", "shosse", "highway", "no", "nomer", "obl", "oblast",
    "region", "r", "rn", "raion", "district", "resp", "respublika", "floor", "etaj", "et",
    "litera", "lit",
})
_ADDRESS_MARKER_KEYS = frozenset(_fold_token(word) for word in _ADDRESS_MARKERS)
_POSTCODE = re.compile(r"^\d{5,6}$")


@lru_cache(maxsize=_CACHE_SIZE)
def address_key(text: Any) -> str | None:
    """Matching key of an address: transliterated, marker words and a leading postcode dropped.

    Examples
    --------
    >>> address_key("720001, г. Бишкек, ул. Киевская, д. 77, офис 5")
    'bishkek kievskaia 77 5'
    >>> address_key("Bishkek city, Kievskaya street 77, office 5")
    'bishkek kievskaia 77 5'
    """
    tokens = _name_tokens(text, strip_forms=False)
    if not tokens:
        return None
    kept = [tok for tok in tokens if tok not in _ADDRESS_MARKER_KEYS]
    if kept and _POSTCODE.match(kept[0]) and len(kept) > 1:
        kept = kept[1:]
    return " ".join(kept) or None


# ---------------------------------------------------------------------------------------------
# vectorised use


def map_unique(values: Any, func: Any, *args: Any, **kwargs: Any) -> list[Any]:
    """Apply a normaliser once per distinct value of a column and map the results back.

    Trade columns repeat the same few thousand names, dates and countries over many rows,
    so this is much faster than calling the normaliser per row.

    Examples
    --------
    >>> map_unique(["RU", "Russia", "RU", None], normalize_country)
    ['RU', 'RU', 'RU', None]
    """
    seen: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            result = seen[value]
        except KeyError:
            result = seen[value] = func(value, *args, **kwargs)
        except TypeError:  # unhashable cell
            result = func(value, *args, **kwargs)
        out.append(result)
    return out
