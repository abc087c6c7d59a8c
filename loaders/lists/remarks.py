"""Identifiers, dates, aliases and links written as text inside sanctions-list entries.

One parser for every list: OFAC's remarks (``Tax ID No. 01703202210110 (Kyrgyzstan);
Registration Number 204218-3300-OOO (Kyrgyzstan); Organization Established Date 17 Mar 2022;
Linked To: ...``), and the identifier cells of the EU lists whose labels are glued to the
numbers (``7726700943KPP772601001``, ``3525023010OKPO07500548KPP352501001``,
``TAXPAYERIDENTIFICATIONNUMBER1828020110``, ``3159395TAXIDINN``, ``04343841UNITEDKINGDOM``).

Each identifier is typed by its label (:data:`SCHEMES`): INN, BIN, Tax ID -> the ``tax_id``
column; OGRN, USCC, Registration Number -> ``registration_number``; KPP and OKPO keep columns
of their own and are never glued to the INN. Where python-stdnum knows the scheme (Russian
INN and OGRN, Chinese USCC) the check digits are verified (:func:`checked`).

Incorporation dates are read from identifiers that encode them (:func:`date_from_identifier`):
a Kyrgyz legal-entity INN (digit 1 = kind ``0``, digits 2-9 = registration date DDMMYYYY), a
Kazakh BIN (digits 1-4 = YYMM, digit 5 = 4, 5 or 6 for a legal entity) and a Russian OGRN
(digit 1 = ``1`` or ``5``, digits 2-3 = year).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from loaders.normalize.countries import normalize_country

__all__ = ["Identifier", "SCHEMES", "TARGET", "parse_remarks", "split_identifier_cell",
           "checked", "date_from_identifier", "Remarks"]

#: label (upper-case, no blanks) -> scheme
SCHEMES = {
    "INN": "INN", "TAXID": "TAX_ID", "TAXIDINN": "INN", "TAXIDNO": "TAX_ID", "TIN": "TAX_ID",
    "TAXPAYERIDENTIFICATIONNUMBER": "TAX_ID", "TAXIDENTIFICATIONNUMBER": "TAX_ID",
    "KPP": "KPP", "OKPO": "OKPO", "OGRN": "OGRN", "BIN": "BIN", "USCC": "USCC",
    "UNIFIEDSOCIALCREDITCODE": "USCC", "UNIFIEDSOCIALCREDITCODEUSCC": "USCC",
    "REGISTRATIONNUMBER": "REGISTRATION", "REGISTRATIONID": "REGISTRATION",
    "REGISTRATIONNO": "REGISTRATION", "COMPANYNUMBER": "REGISTRATION",
    "BUSINESSREGISTRATIONNUMBER": "REGISTRATION", "COMMERCIALREGISTRYNUMBER": "REGISTRATION",
    "GOVERNMENTGAZETTENUMBER": "REGISTRATION", "STATEREGISTRATIONNUMBER": "OGRN",
}
#: scheme -> the column it fills
TARGET = {"INN": "tax_id", "TAX_ID": "tax_id", "BIN": "tax_id", "KPP": "kpp", "OKPO": "okpo",
          "OGRN": "registration_number", "USCC": "registration_number",
          "REGISTRATION": "registration_number"}


@dataclass(frozen=True)
class Identifier:
    scheme: str               # INN, KPP, OKPO, OGRN, BIN, USCC, TAX_ID, REGISTRATION
    value: str
    country: str | None = None  # ISO alpha-2 when the text names it
    valid: bool | None = None   # check digits: True / False, None where no scheme checks them

    @property
    def target(self) -> str:
        return TARGET[self.scheme]


@dataclass
class Remarks:
    """What a remarks text says beside its prose."""

    identifiers: list[Identifier]
    incorporation_date: dt.date | None = None
    aliases: list[str] | None = None
    links: list[str] | None = None


_MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
_LABELLED = re.compile(
    r"(?P<label>Tax ID No\.|Tax ID|Taxpayer Identification Number|Registration Number|"
    r"Registration ID|Registration No\.|Company Number|Business Registration Number|"
    r"Commercial Registry Number|Government Gazette Number|"
    r"Unified Social Credit Code \(USCC\)|Unified Social Credit Code|"
    r"State Registration Number|INN|KPP|OKPO|OGRN|BIN|USCC|TIN)\s*:?\s*"
    r"(?P<value>[0-9A-Z][0-9A-Z\-./]{3,})(?:\s*\((?P<country>[^()]{2,40})\))?")
_ESTABLISHED = re.compile(
    r"(?:Organization Established Date|Established Date|Date of Registration)\s+"
    r"(?:(?P<d>\d{1,2})\s+)?(?:(?P<m>[A-Za-z]{3})[a-z]*\s+)?(?P<y>\d{4})")
_AKA = re.compile(r"\b[afn]\.k\.a\.,?\s+'([^']+)'")
_LINKED = re.compile(r"Linked To:\s*([^;]+?)\.?\s*(?:;|$)")


def _scheme(label: str) -> str | None:
    return SCHEMES.get(re.sub(r"[^A-Z]", "", label.upper()).replace("NO", "NO", 1))


def checked(scheme: str, value: str, country: str | None = None) -> bool | None:
    """The identifier's check digits by python-stdnum: True / False, None where it has no
    module for the scheme (Kyrgyz INN, Kazakh BIN, KPP, OKPO)."""
    try:
        if scheme == "INN" or (scheme == "TAX_ID" and country == "RU"):
            from stdnum.ru import inn
            return bool(inn.is_valid(value))
        if scheme == "OGRN" or (scheme == "REGISTRATION" and country == "RU"
                                and len(value) in (13, 15)):
            from stdnum.ru import ogrn
            return bool(ogrn.is_valid(value))
        if scheme == "USCC" or (scheme == "REGISTRATION" and country == "CN"
                                and len(value) == 18):
            from stdnum.cn import uscc
            return bool(uscc.is_valid(value))
    except ImportError:  # an older python-stdnum
        return None
    return None


def _make(scheme: str, value: str, country_text: str | None) -> Identifier:
    country = normalize_country(country_text) if country_text else None
    value = re.sub(r"[^0-9A-Z]", "", value.upper()) if scheme not in ("REGISTRATION",) \
        else value.strip(".-/ ")
    if scheme == "TAX_ID" and country == "RU" and len(value) in (10, 12):
        scheme = "INN"
    if scheme == "REGISTRATION" and country == "RU" and len(value) in (13, 15):
        scheme = "OGRN"
    return Identifier(scheme, value, country, checked(scheme, value, country))


def parse_remarks(text: str | None) -> Remarks:
    """Identifiers, the founding date, aliases and ``Linked To`` names in a remarks text.

    >>> r = parse_remarks("Tax ID No. 01703202210047 (Kyrgyzstan); Registration Number "
    ...                   "204218-3300-OOO (Kyrgyzstan); Organization Established Date 17 Mar 2022.")
    >>> [(i.scheme, i.value, i.country) for i in r.identifiers], r.incorporation_date
    ([('TAX_ID', '01703202210047', 'KG'), ('REGISTRATION', '204218-3300-OOO', 'KG')], datetime.date(2022, 3, 17))
    """
    if not text:
        return Remarks([])
    found = []
    for m in _LABELLED.finditer(text):
        scheme = _scheme(m["label"])
        if scheme is None or not any(ch.isdigit() for ch in m["value"]):
            continue
        country = m["country"] if m["country"] and not m["country"][0].isdigit() else None
        found.append(_make(scheme, m["value"], country))
    date = None
    m = _ESTABLISHED.search(text)
    if m:
        try:
            month = _MONTHS.get((m["m"] or "").upper()[:3], 1)
            date = dt.date(int(m["y"]), month, int(m["d"] or 1)) if m["d"] or not m["m"] \
                else dt.date(int(m["y"]), month, 1)
        except ValueError:
            date = None
    aliases = [a.strip() for a in _AKA.findall(text) if a.strip()]
    links = [s.strip() for s in _LINKED.findall(text) if s.strip()]
    return Remarks(found, date, aliases or None, links or None)


_GLUED_COUNTRIES = {"UNITEDKINGDOM": "GB", "UNITEDARABEMIRATES": "AE", "HONGKONG": "HK",
                    "RUSSIANFEDERATION": "RU", "UNITEDSTATES": "US", "SOUTHAFRICA": "ZA"}
_GLUE_LABELS = sorted(SCHEMES, key=len, reverse=True)
_GLUE = re.compile(r"(\d{4,})|(" + "|".join(_GLUE_LABELS) + r")|([A-Z]{4,})")


def split_identifier_cell(text: str | None, column: str) -> list[Identifier]:
    """Split an identifier cell whose labels are glued to the numbers.

    ``column`` (``tax_id`` or ``registration_number``) types a number that carries no label
    of its own. A label after a number names it when no label stands before it
    (``3159395TAXIDINN``); a label before a number names that number (``KPP772601001``); a
    country after a number gives its country (``04343841UNITEDKINGDOM``).

    >>> [(i.scheme, i.value) for i in split_identifier_cell("7726700943KPP772601001", "tax_id")]
    [('INN', '7726700943'), ('KPP', '772601001')]
    >>> [(i.scheme, i.value) for i in split_identifier_cell(
    ...     "TAXPAYERIDENTIFICATIONNUMBER1828020110", "registration_number")]
    [('INN', '1828020110')]
    """
    if not text:
        return []
    flat = re.sub(r"[^0-9A-Z]", "", str(text).upper())
    tokens = [(m.lastindex, m.group(m.lastindex)) for m in _GLUE.finditer(flat)]
    out: list[Identifier] = []
    pending: str | None = None       # a label waiting for its number
    last: list | None = None         # [scheme or None, value, country] of the last number
    items: list[list] = []
    for kind, token in tokens:
        if kind == 1:
            last = [pending, token, None]
            items.append(last)
            pending = None
        elif kind == 2 and last is not None and last[0] is None and pending is None \
                and SCHEMES[token] not in ("KPP", "OKPO"):
            last[0] = SCHEMES[token]  # label after its number
        elif kind == 2:
            pending = SCHEMES[token]
        elif kind == 3 and last is not None:
            last[2] = _GLUED_COUNTRIES.get(token) or normalize_country(token) or last[2]
    default = "TAX_ID" if column == "tax_id" else "REGISTRATION"
    for scheme, value, country in items:
        scheme = scheme or default
        if scheme == "TAX_ID" and len(value) in (10, 12) and country in (None, "RU") \
                and checked("INN", value):
            scheme = "INN"
        if scheme == "REGISTRATION" and len(value) in (13, 15) and country in (None, "RU") \
                and checked("OGRN", value):
            scheme = "OGRN"
        out.append(Identifier(scheme, value, country, checked(scheme, value, country)))
    return out


def date_from_identifier(scheme: str, value: str, country: str | None
                         ) -> tuple[dt.date, str] | None:
    """The registration date an identifier encodes, and what it was read from.

    >>> date_from_identifier("TAX_ID", "01703202210047", "KG")
    (datetime.date(2022, 3, 17), 'kg_inn')
    >>> date_from_identifier("BIN", "220340015320", "KZ")
    (datetime.date(2022, 3, 1), 'kz_bin')
    >>> date_from_identifier("OGRN", "1237700341801", "RU")
    (datetime.date(2023, 1, 1), 'ru_ogrn_year')
    """
    try:
        if country == "KG" and len(value) == 14 and value.isdigit() and value[0] == "0":
            return dt.date(int(value[5:9]), int(value[3:5]), int(value[1:3])), "kg_inn"
        if (country == "KZ" or scheme == "BIN") and len(value) == 12 and value.isdigit() \
                and value[4] in "456":
            year = 2000 + int(value[:2])
            if year > dt.date.today().year:
                year -= 100
            return dt.date(year, int(value[2:4]), 1), "kz_bin"
        if scheme == "OGRN" and len(value) == 13 and value[0] in "15" \
                and checked("OGRN", value):
            year = 2000 + int(value[1:3])
            if year > dt.date.today().year:
                year -= 100
            return dt.date(year, 1, 1), "ru_ogrn_year"
    except ValueError:
        return None
    return None
