"""docs/methodology.md explains every reason code of chains and fronts, and no other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from queries import fronts
from queries.chains import scoring

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "methodology.md"
COLUMNS = 5  # code, what, figure, default weight / threshold, guidance


def _table_rows(section: str) -> dict[str, list[str]]:
    """Rows of the table under ``## section``, by the code in their first cell."""
    text = DOC.read_text(encoding="utf-8")
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        code = re.fullmatch(r"`([A-Z][A-Z_]+)`", cells[0]) if line.startswith("|") else None
        if code:
            rows[code.group(1)] = cells
    return rows


def _emitted(source: str) -> set[str]:
    """Reason codes a module writes: ``f"CODE(..."``, ``"CODE"`` appended to reasons, and
    the flag names handed to ``_flags``."""
    codes = set(re.findall(r'f"([A-Z][A-Z_]{2,})\(', source))
    codes |= set(re.findall(r'reasons\.append\("([A-Z][A-Z_]{2,})"\)', source))
    codes |= set(re.findall(r'_flags\([^,]+, "([A-Z][A-Z_]{2,})"', source))
    return codes


@pytest.mark.parametrize("section, declared, module", [
    ("Chains", scoring.REASON_CODES, scoring),
    ("Fronts", fronts.FLAGS, fronts),
])
def test_doc_and_code_name_the_same_reason_codes(section, declared, module):
    rows = _table_rows(section)
    assert set(rows) == set(declared), (
        f"{section}: in the code only {sorted(set(declared) - set(rows))}, "
        f"in the doc only {sorted(set(rows) - set(declared))}")
    emitted = _emitted(Path(module.__file__).read_text(encoding="utf-8"))
    assert emitted <= set(declared), f"undeclared codes {sorted(emitted - set(declared))}"
    for code, cells in rows.items():
        assert len(cells) == COLUMNS and all(cells), f"{code}: a cell is empty"
        assert re.search(r"\d", cells[3]), f"{code}: no default weight or threshold"


def test_codes_of_a_real_chain_are_declared():
    import pandas as pd

    from queries.chains import find_chains

    def ship(rid, date, exporter, importer, qty, value):
        return {"shipment_id": rid, "record_id": rid, "date": date, "hs6": "854231",
                "quantity": qty, "unit": "pcs", "value_usd": value,
                "exporter_entity_id": exporter, "exporter_country": exporter[:2].upper(),
                "importer_entity_id": importer, "importer_country": importer[:2].upper()}

    s = pd.DataFrame([
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000, 10_000),
        ship("B1", "2023-03-05", "kg-b", "ru-c", 500, 7_000),
        ship("B2", "2023-03-06", "kg-b", "ru-c", 500, 7_000),
    ])
    codes = {r.split("(")[0] for r in ";".join(find_chains(s).chains["reasons"]).split(";")}
    assert codes == {"QTY_MATCH", "LAG", "SPLIT", "CHPL", "MARKUP"}
    assert codes <= set(scoring.REASON_CODES)
