"""The reason-code glossary every map's legend carries is the methodology's, word for word.

``viz/static/reasons.json`` is generated from the "What it measures" column of the Chains
and Fronts tables of ``docs/methodology.md`` (a map is a self-contained file: it cannot link
the document of a checkout it is not in). Run this file as a script to rewrite it after
editing the methodology: ``python tests/test_viz_legend.py``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "methodology.md"
GLOSSARY = ROOT / "viz" / "static" / "reasons.json"
SECTIONS = ("Chains", "Fronts")
SOURCE = ("docs/methodology.md of the tracegraph project (this glossary is its "
          "\"What it measures\" column)")


def _rows(section: str) -> list[list[str]]:
    """``[code, what it measures]`` of each row of the table under ``## section``."""
    text = DOC.read_text(encoding="utf-8")
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        code = re.fullmatch(r"`([A-Z][A-Z_]+)`", cells[0]) if line.startswith("|") else None
        if code:
            rows.append([code.group(1), cells[1].replace("`", "")])
    return rows


def expected() -> dict:
    return {"source": SOURCE, "sections": [[s, _rows(s)] for s in SECTIONS]}


def test_glossary_is_the_methodology_column():
    assert json.loads(GLOSSARY.read_text(encoding="utf-8")) == expected(), (
        "viz/static/reasons.json differs from docs/methodology.md: "
        "run python tests/test_viz_legend.py")


def test_every_map_carries_the_glossary_and_marks_the_codes_it_shows():
    from viz import build_map

    g = nx.MultiDiGraph()
    g.add_node("int", kind="Company", name="ALTYN TRADE OsOO", country="KG",
               chain_reasons="QTY_MATCH(ratio=1.00);HS_MISMATCH(in=880730,out=842441);"
                             "UNKNOWN_CODE(x=1);lower(case)")
    g.add_node("buy", kind="Company", name="Radiokom", country="RU",
               reasons=["NEW_COMPANY(days_to_first_trade=41)"])
    g.add_edge("int", "buy", type="SHIPMENT", hs_code="842441")
    html = build_map(g, title="Chain")
    legend = html.split('<footer id="tg-legend">', 1)[1].split("</footer>", 1)[0]
    assert "HS_MISMATCH, NEW_COMPANY, QTY_MATCH on this map" in legend
    for code, meaning in expected()["sections"][0][1] + expected()["sections"][1][1]:
        assert f"<dt>{code}</dt>" in legend
    assert legend.count('class="tg-seen"') == 3 and "UNKNOWN_CODE" not in legend
    assert "docs/methodology.md" in legend
    plain = build_map(nx.MultiDiGraph([("a", "b")]), title="Plain")
    assert "What each reason code means" in plain and 'class="tg-seen"' not in plain


if __name__ == "__main__":
    GLOSSARY.write_text(json.dumps(expected(), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    print(f"wrote {GLOSSARY}", file=sys.stderr)
