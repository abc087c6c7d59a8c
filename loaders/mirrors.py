"""Find mirror declarations: one physical shipment declared by the customs on both sides.

Two shipment rows are mirrors when they carry the same goods (HS6), the same parties
(resolved exporter and importer), the same quantity (or weight, or value, when quantity is
missing), dates at most a few days apart, and were reported by different countries, the
export declaration not later than the import one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["find_mirrors", "pair_mirrors", "MIRROR_COLUMNS", "MIRROR_MAX_DAYS",
           "MIRROR_TOLERANCE"]

MIRROR_MAX_DAYS = 7
# declarations round differently on each side (units, weights to the kilogram)
MIRROR_TOLERANCE = 0.02
# how many later declarations of the same parties and goods a declaration is compared with
MIRROR_NEIGHBOURS = 8

# what mirror pairing looks at: fewer columns read, held and shifted than the whole row
MIRROR_COLUMNS = ("shipment_id", "record_id", "date", "hs6", "quantity", "net_weight_kg",
                  "value_usd", "reporter", "exporter_entity_id", "exporter_country",
                  "importer_entity_id", "importer_country")
_MIRROR_CODES = (("exporter_entity_id", "importer_entity_id"), ("hs6",),
                 ("reporter", "exporter_country", "importer_country"))


def _measure(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The amount compared and which kind of amount it is, per row."""
    kind = pd.Series("", index=frame.index, dtype=object)
    amount = pd.Series(np.nan, index=frame.index, dtype=float)
    for column in ("value_usd", "net_weight_kg", "quantity"):  # last wins: quantity first
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce")
            has = values.notna() & (values > 0)
            amount = amount.where(~has, values)
            kind = kind.where(~has, column)
    return amount, kind


def _side(frame: pd.DataFrame) -> pd.Series:
    """Whose customs declared the row: "export", "import" or "" when the reporter is neither."""
    side = pd.Series("", index=frame.index, dtype=object)
    if "exporter_country" in frame:
        side = side.mask(frame["reporter"] == frame["exporter_country"], "export")
    if "importer_country" in frame:
        side = side.mask(frame["reporter"] == frame["importer_country"], "import")
    return side


def find_mirrors(shipments: pd.DataFrame, max_days: int = MIRROR_MAX_DAYS,
                 tolerance: float = MIRROR_TOLERANCE) -> pd.DataFrame:
    """Pair mirror declarations one to one.

    Parameters
    ----------
    shipments : DataFrame
        RESOLVED ``shipments`` columns (shipment_id, record_id, date, hs6, quantity,
        net_weight_kg, value_usd, reporter, exporter_entity_id, importer_entity_id).
    max_days : int
        Largest gap between the two declarations' dates.
    tolerance : float
        Largest relative difference of the compared amounts.

    Returns
    -------
    DataFrame
        Columns ``shipment_id`` (the declaration kept for analysis: the earlier one, then
        the smaller record id) and ``mirror_id`` (its twin, counted once through it).

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "shipment_id": ["a", "b"], "record_id": ["KG-1", "RU-9"],
    ...     "date": pd.to_datetime(["2023-05-01", "2023-05-03"]), "hs6": ["854231"] * 2,
    ...     "quantity": [1000, 1000], "reporter": ["KG", "RU"],
    ...     "exporter_entity_id": ["x", "x"], "importer_entity_id": ["y", "y"]})
    >>> find_mirrors(rows).to_dict(orient="records")
    [{'shipment_id': 'a', 'mirror_id': 'b'}]
    """
    columns = ["shipment_id", "mirror_id"]
    needed = {"shipment_id", "date", "hs6", "reporter", "exporter_entity_id",
              "importer_entity_id"}
    if shipments is None or shipments.empty or not needed <= set(shipments.columns):
        return pd.DataFrame(columns=columns)
    frame = shipments[shipments["reporter"].notna() & (shipments["reporter"] != "")].copy()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["amount"], frame["measure"] = _measure(frame)
    frame["day"] = pd.to_datetime(frame["date"], errors="coerce")
    frame = frame.dropna(subset=["amount", "day", "hs6"])
    if "record_id" not in frame:
        frame["record_id"] = frame["shipment_id"]
    keys = ["exporter_entity_id", "importer_entity_id", "hs6", "measure"]
    frame = frame.sort_values(keys + ["day", "record_id"]).reset_index(drop=True)
    # Twins are days apart, so each row is compared with the next few rows of the same
    # parties and goods only: linear in the number of shipments, where a self-join on the
    # keys would be quadratic in the busiest trade relationship. Compared as numpy arrays:
    # keys as codes (a missing key, code -1, equals nothing), dates as nanoseconds.
    n = len(frame)
    codes = [pd.factorize(frame[key])[0] for key in keys]
    reporter = pd.factorize(frame["reporter"])[0]
    side = _side(frame).to_numpy(dtype=object)
    exported, imported = side == "export", side == "import"
    day = frame["day"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    amount = frame["amount"].to_numpy(dtype=float)
    ids, records = frame["shipment_id"].to_numpy(), frame["record_id"].to_numpy()
    same_group = np.ones(n, dtype=bool)
    candidates = []
    for step in range(1, MIRROR_NEIGHBOURS + 1):
        if step >= n:
            break
        a, b = slice(0, n - step), slice(step, n)  # each row and the row ``step`` later
        same_group[n - step:] = False  # the last rows have no row ``step`` later
        for code in codes:
            same_group[a] &= (code[a] == code[b]) & (code[a] >= 0)
        if not same_group.any():
            break
        gap = np.zeros(n, dtype=np.int64)
        gap[a] = (day[b] - day[a]) // 86_400_000_000_000  # whole days, as Timedelta.days
        close = np.zeros(n, dtype=bool)
        close[a] = np.abs(amount[a] - amount[b]) <= tolerance * np.maximum(amount[a], amount[b])
        # goods are declared for export before (or on the day) they are declared on arrival
        import_first = np.zeros(n, dtype=bool)
        import_first[a] = imported[a] & exported[b] & (gap[a] > 0)
        other_reporter = np.zeros(n, dtype=bool)
        other_reporter[a] = reporter[a] != reporter[b]
        hit = np.flatnonzero(same_group & (gap <= max_days) & close & ~import_first
                             & other_reporter)
        candidates.append(pd.DataFrame({
            "shipment_id_a": ids[hit], "shipment_id_b": ids[hit + step],
            "record_id_a": records[hit], "record_id_b": records[hit + step],
            "gap": gap[hit],
        }))
        same_group &= gap <= max_days
    pairs = pd.concat(candidates) if candidates else None
    if pairs is None or pairs.empty:
        return pd.DataFrame(columns=columns)
    # one to one: closest in date first, each declaration used once
    pairs = pairs.sort_values(["gap", "record_id_a", "record_id_b"])
    used: set[str] = set()
    out = []
    for kept, twin in zip(pairs["shipment_id_a"], pairs["shipment_id_b"]):
        if kept in used or twin in used:
            continue
        used.update((kept, twin))
        out.append((kept, twin))
    return pd.DataFrame(out, columns=columns)


def _coded(frame: pd.DataFrame, groups) -> pd.DataFrame:
    """``frame`` with text columns replaced by integer codes (missing stays missing).

    Columns of one group share their codes, so they still compare with each other. Mirror
    pairing compares and sorts ids, HS codes and countries only for equality and order;
    integers do both many times faster than Python strings.
    """
    frame = frame.copy()
    for group in groups:
        codes, _ = pd.factorize(pd.concat([frame[c] for c in group], ignore_index=True))
        codes = np.where(codes < 0, np.nan, codes)
        for k, column in enumerate(group):
            frame[column] = codes[k * len(frame):(k + 1) * len(frame)]
    return frame


def pair_mirrors(reported: pd.DataFrame) -> pd.DataFrame:
    """:func:`find_mirrors` on shipments with a reporter, ids and countries compared as codes.

    ``reported`` holds at least :data:`MIRROR_COLUMNS`; the pairs are those of
    :func:`find_mirrors` on the same rows.
    """
    return find_mirrors(_coded(reported, _MIRROR_CODES))
