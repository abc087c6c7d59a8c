"""Legal forms in company names: found (``LLC``, ``JSC``, ``LLP``...), or stripped for matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rigour.names import extract_org_types, remove_org_types
from rigour.text.normalize import Normalize, normalize

from loaders.normalize.cells import CACHE_SIZE, cell_text
from loaders.normalize.scripts import fold_homoglyphs

__all__ = ["legal_form"]

_SPACES = re.compile(r"\s+")
_NAME_FLAGS = Normalize.CASEFOLD | Normalize.NAME

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
    "чуп": "LLC", "chup": "LLC", "pue": "LLC", "odo": "LLC", "alc": "LLC",
    # Armenia (ՍՊԸ, transliterated SPY) and Georgia (შპს, Shps): limited liability companies
    "սպը": "LLC", "spy": "LLC", "შპს": "LLC", "shps": "LLC",
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


_HYPHENATED = re.compile(r"(?<!\w)\w+(?:[-‐‑–]\w+)+")


def _glue_hyphenated(text: str) -> str:
    """Join a hyphenated word in which some part looks like a legal form (Ала-Тоо, the Kyrgyz
    mountains, holds ТОО), so that the form removal leaves the name alone."""
    def glue(match: re.Match[str]) -> str:
        parts = re.split(r"[-‐‑–]", match.group(0))
        forms = [_is_form(p) for p in parts]
        # FZ-LLC is a form in its own right: only a mix of form and non-form parts is glued
        return "".join(parts) if any(forms) and not all(forms) else match.group(0)

    return _HYPHENATED.sub(glue, text)


@lru_cache(maxsize=CACHE_SIZE)
def legal_form(text: Any) -> str | None:
    """The generic legal form found in a name (``LLC``, ``JSC``, ``LLP``, ...), or None.

    Examples
    --------
    >>> legal_form("ООО «Радиоком»"), legal_form("OsOO Beta"), legal_form("Radiokom")
    ('LLC', 'LLC', None)
    """
    value = cell_text(text)
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
