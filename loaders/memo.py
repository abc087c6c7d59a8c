"""Apply a function once per distinct value and map the results back.

Trade columns repeat the same few thousand names, dates and countries over many rows, and a
resolver is asked about the same party again and again; each answer is worked out once.
:func:`memoised` is the one look-up all the others go through: a value that cannot be a
dictionary key (a list from a spreadsheet cell, say) is computed every time instead.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["memoised", "map_unique", "memo_map", "memo_map_missing", "MEMO_LIMIT"]

#: Distinct values :func:`memo_map` keeps per function and arguments, across calls; past it the
#: memory is emptied, so that a file of endless distinct values does not grow it without end.
MEMO_LIMIT = 400_000
_MEMOS: dict[tuple[Any, tuple[Any, ...]], dict[Any, Any]] = {}


def memoised(cache: dict[Any, Any], key: Any, func: Callable[..., Any], /,
             *args: Any, **kwargs: Any) -> Any:
    """``cache[key]``, else ``func(*args, **kwargs)``, kept there under ``key``.

    A key that cannot be hashed is computed every time.

    Examples
    --------
    >>> cache = {}
    >>> memoised(cache, "ru", str.upper, "ru"), cache
    ('RU', {'ru': 'RU'})
    >>> memoised(cache, ["ru"], len, ["ru"]), cache
    (1, {'ru': 'RU'})
    """
    try:
        return cache[key]
    except (KeyError, TypeError):
        pass
    value = func(*args, **kwargs)
    try:
        cache[key] = value
    except TypeError:
        pass
    return value


def map_unique(values: Iterable[Any], func: Callable[..., Any], *args: Any,
               **kwargs: Any) -> list[Any]:
    """Apply a normaliser once per distinct value of a column and map the results back.

    Missing values (None, NaN) are passed to ``func`` like any other; nothing is kept after
    the call.

    Examples
    --------
    >>> from loaders.normalize import normalize_country
    >>> map_unique(["RU", "Russia", "RU", None], normalize_country)
    ['RU', 'RU', 'RU', None]
    """
    seen: dict[Any, Any] = {}
    return [memoised(seen, value, func, value, *args, **kwargs) for value in values]


def memo_map(values: pd.Series, func: Callable[..., Any], *args: Hashable,
             key: Hashable = None) -> np.ndarray:
    """``func(value, *args)`` once per distinct value, as an object array aligned with
    ``values``; missing values (None, NaN, NA) give None without a call.

    Results are kept across calls, per ``key`` (default: the function's qualified name) and
    ``args``, so that the chunks of one file, and the files of one load, share them.

    Examples
    --------
    >>> import pandas as pd
    >>> memo_map(pd.Series(["RU", "Russia", "RU"]), str.upper).tolist()
    ['RU', 'RUSSIA', 'RU']
    """
    codes, results = _distinct_results(values, func, args, key)
    return results[codes]


def memo_map_missing(values: pd.Series, func: Callable[..., Any], *args: Hashable,
                     key: Hashable = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`memo_map` and, per value, whether the result is missing (None, NaN), told once
    per distinct value.

    Examples
    --------
    >>> import pandas as pd
    >>> from loaders.normalize import normalize_country
    >>> codes, missing = memo_map_missing(pd.Series(["RU", "Atlantis", None]), normalize_country)
    >>> codes.tolist(), missing.tolist()
    (['RU', None, None], [False, True, True])
    """
    import pandas as pd

    codes, results = _distinct_results(values, func, args, key)
    return results[codes], pd.isna(results)[codes]


def _distinct_results(values: pd.Series, func: Callable[..., Any], args: tuple[Any, ...],
                      key: Hashable) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the values and ``func``'s result per distinct value (the last one None, for
    the NA code -1)."""
    # imported here: the normalisers, which re-export map_unique, load without pandas
    import numpy as np
    import pandas as pd

    cache = _MEMOS.setdefault((key or getattr(func, "__qualname__", repr(func)), args), {})
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(cache) + len(uniques) > MEMO_LIMIT:
        cache.clear()
    results = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        results[i] = memoised(cache, value, func, value, *args)
    results[-1] = None  # the NA sentinel (-1) picks the last slot
    return codes, results
