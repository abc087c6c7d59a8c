"""Names of companies and people: the display form, and the keys that match one name written
many ways (scripts, legal forms, transliteration variants, a place the name opens with)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA
from rigour.text.normalize import normalize

from loaders.normalize.cells import CACHE_SIZE, cell_text
from loaders.normalize.countries import _territory_code, normalize_country
from loaders.normalize.legal_forms import (
    _ENTERPRISE_WORDS,
    _EXTRA_FORMS,
    _NAME_FLAGS,
    _glue_hyphenated,
    _strip_forms,
)
from loaders.normalize.scripts import _ascii_word, fold_homoglyphs

__all__ = [
    "MAX_NAME_CHARS",
    "clean_name",
    "name_key",
    "latin_key",
    "split_place",
    "person_key",
    "compact_key",
    "ENTERPRISE_KEYS",
]

_QUOTES = "\"'«»“”„‟‘’‚‛‹›`´"
_APOSTROPHES = re.compile(r"['’ʼ`´ʹ]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
# a letter or digit: what str.isalnum() accepts, found in C rather than a character at a time
_ALNUM = re.compile(r"[^\W_]")

#: Characters a name may have: no company or person is called by more, and a longer cell is a
#: broken record (a stray quote that swallowed rows) or a name built to slow the matching down.
MAX_NAME_CHARS = 1_000


def _too_long(value: Any) -> bool:
    return isinstance(value, str) and len(value) > MAX_NAME_CHARS


def clean_name(text: Any) -> str | None:
    """Display form of a name: trimmed, spaces collapsed, surrounding quotes removed.

    Examples
    --------
    >>> clean_name('  "ООО  «Радиоком»" ')
    'ООО «Радиоком»'
    >>> clean_name("«»") is None
    True
    >>> clean_name("A-" * 600) is None   # over MAX_NAME_CHARS: rejected, never matched
    True
    """
    value = cell_text(text)
    if value is None or len(value) > MAX_NAME_CHARS:
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
    if not _ALNUM.search(value):
        return None
    return value


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


@lru_cache(maxsize=CACHE_SIZE)
def _fold_token(token: str) -> str:
    if len(token) <= 5 and not _VOWELS.search(token):
        # an abbreviation is spelled letter by letter: folding its letter pairs as if they
        # were sounds would make ЦКБ (tskb) the КБ (kb) of another enterprise
        return token
    token = _fold_spelling(token)
    return _LOANWORDS.get(token, token)


# the enterprise words as they stand in a name key
ENTERPRISE_KEYS = frozenset(_fold_token(word) for word in _ENTERPRISE_WORDS if word.isascii())
# The words that only say "company" (None in _EXTRA_FORMS), as folded; the short ones (co) are
# left out, since their folded form is a real word elsewhere.
_FOLDED_NOISE = frozenset(_fold_token(word) for word, form in _EXTRA_FORMS.items()
                          if form is None and " " not in word and len(word) >= 5)


@lru_cache(maxsize=CACHE_SIZE)
def _is_noise(token: str) -> bool:
    if token in _FOLDED_NOISE:
        return True
    # one slip away from a long noise word is that word: no name is spelled Tradng
    return len(token) >= 6 and any(
        OSA.distance(token, noise, score_cutoff=1) <= 1 for noise in _FOLDED_NOISE)


def _name_tokens(text: Any, strip_forms: bool, fold: bool = True) -> list[str] | None:
    value = cell_text(text)
    if value is None or _too_long(value):
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


@lru_cache(maxsize=CACHE_SIZE)
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


@lru_cache(maxsize=CACHE_SIZE)
def compact_key(text: Any) -> str | None:
    """The whole name, legal form included, transliterated, lower-case, with nothing but its
    letters and digits: the form where a space moved into or out of a word, or a slip inside
    the legal form, is one edit (``SHINWA SYSTEMS C OLTD`` / ``Shinwa Systems Co., Ltd``,
    ``INVEST FCZO`` / ``Invest FZCO``).

    Examples
    --------
    >>> compact_key("SHINWA SYSTEMS C OLTD") == compact_key("Shinwa Systems Co., Ltd")
    True
    >>> compact_key("ОсОО «Систем Нова Ордо»")
    'osoosistemnovaordo'
    """
    tokens = _name_tokens(text, strip_forms=False, fold=False)
    return "".join(tokens) if tokens else None


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


@lru_cache(maxsize=CACHE_SIZE)
def _is_place_of(words: str, code: str) -> bool:
    if code == "CN" and words in _CN_CITIES:
        return True
    territory = _territory_code(words)
    # the country itself or a region or city of it (Hong Kong, Shanghai, Dubai, Moscow); a
    # territory of another country (a Yugoslavia for "Yug", south) is a word of the name
    return territory is not None and territory.split("-")[0].upper() == code


@lru_cache(maxsize=CACHE_SIZE)
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


@lru_cache(maxsize=CACHE_SIZE)
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
