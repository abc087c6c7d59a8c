"""Registration and tax numbers as each country writes them, check digits included.

Each check digit is computed here; tests validate them with python-stdnum.
"""

from __future__ import annotations

import random
from datetime import date

from loaders.world.scope import WorldError


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
