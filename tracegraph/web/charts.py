"""Trade by year and heading as a small bar chart drawn on the server (inline SVG: no script,
no style attribute, so the page's policy allows it as it stands)."""

from __future__ import annotations

from collections import defaultdict

__all__ = ["trade_chart", "PALETTE"]

PALETTE = ("#3366aa", "#dd7722", "#44aa66", "#aa3355", "#8866bb", "#999999")
_HEIGHT, _BAR, _GAP, _TOP = 140, 28, 14, 5


def trade_chart(rows: list[dict]) -> dict | None:
    """Bars per year and direction (in, out), stacked by the five headings of most value
    (the rest as ``other``); None without trade. Each bar: ``x``, ``label``, ``segments``
    (``y``, ``height``, ``colour``, ``title``); ``legend``: heading and colour."""
    if not rows:
        return None
    by_heading: dict[str, float] = defaultdict(float)
    for row in rows:
        by_heading[row["heading"] or "?"] += row["value_usd"] or 0.0
    top = [h for h, _ in sorted(by_heading.items(), key=lambda kv: (-kv[1], kv[0]))][:_TOP]
    colour = {h: PALETTE[i] for i, h in enumerate(top)}
    stacks: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[tuple, int] = defaultdict(int)
    for row in rows:
        heading = row["heading"] if row["heading"] in colour else "other"
        key = (row["year"], row["direction"])
        stacks[key][heading] += row["value_usd"] or 0.0
        counts[key] += row["shipments"]
    highest = max(sum(v.values()) for v in stacks.values()) or 1.0
    bars = []
    for i, key in enumerate(sorted(stacks)):
        x, y = 40 + i * (_BAR + _GAP), _HEIGHT
        segments = []
        for heading, value in sorted(stacks[key].items(), key=lambda kv: kv[0] == "other"):
            height = max(1.0, value / highest * (_HEIGHT - 10)) if value else 0.0
            y -= height
            segments.append({"y": round(y, 1), "height": round(height, 1),
                             "colour": colour.get(heading, PALETTE[-1]),
                             "title": f"{key[0]} {key[1]} HS {heading}: ${value:,.0f}"})
        bars.append({"x": x, "label": f"{key[0]} {key[1]}", "shipments": counts[key],
                     "segments": segments})
    legend = [{"heading": h, "colour": colour[h]} for h in top]
    if any("other" in v for v in stacks.values()):
        legend.append({"heading": "other", "colour": PALETTE[-1]})
    return {"bars": bars, "legend": legend, "width": 60 + len(bars) * (_BAR + _GAP),
            "height": _HEIGHT + 40, "base": _HEIGHT, "bar": _BAR}
