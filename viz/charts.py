"""Self-contained HTML charts of trade statistics: monthly series per partner, roundabout bars.

Plotly draws them; its JavaScript bundle (from the plotly package, no CDN) is inlined, so
the page works offline and asks nothing of the network. Figures go into the page as JSON
with ``<``, ``>`` and ``&`` written as unicode escapes (no data text can close the script),
and every text from the data is HTML-escaped before plotly sees it (plotly reads a few HTML
tags in labels). Takes plain frames; imports nothing else of ours.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

__all__ = ["INVASION_DAY", "series_figure", "roundabout_figure", "flow_chart_html",
           "write_flow_chart"]

INVASION_DAY = "2022-02-24"
_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:")


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def series_figure(series: pd.DataFrame, title: str = "") -> dict:
    """A line per partner (and currency) of monthly values, the invasion day marked.

    ``series``: columns partner, currency, period (``YYYY-MM``), value.

    >>> f = series_figure(pd.DataFrame({"partner": ["KG", "KG"], "currency": "EUR",
    ...     "period": ["2022-01", "2022-03"], "value": [1.0, 2.0]}), "HS 8542")
    >>> [t["name"] for t in f["data"]], f["layout"]["shapes"][0]["x0"]
    (['KG (EUR)'], '2022-02-24')
    """
    traces = []
    for (partner, currency), part in series.groupby(["partner", "currency"], sort=True):
        part = part.sort_values("period")
        traces.append({
            "type": "scatter", "mode": "lines+markers",
            "name": _text(f"{partner} ({currency})"),
            "x": [f"{p}-01" for p in part["period"]],
            "y": [float(v) for v in part["value"]],
        })
    layout = {
        "title": {"text": _text(title)},
        "xaxis": {"title": {"text": "month"}, "type": "date"},
        "yaxis": {"title": {"text": "value"}, "rangemode": "tozero"},
        "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": INVASION_DAY,
                    "x1": INVASION_DAY, "y0": 0, "y1": 1,
                    "line": {"color": "#b00020", "width": 2, "dash": "dash"}}],
        "annotations": [{"x": INVASION_DAY, "y": 1, "xref": "x", "yref": "paper",
                         "text": "invasion 24 Feb 2022", "showarrow": False,
                         "xanchor": "left", "yanchor": "bottom",
                         "font": {"color": "#b00020"}}],
        "legend": {"title": {"text": "partner"}},
        "margin": {"t": 60},
    }
    return {"data": traces, "layout": layout}


def roundabout_figure(table: pd.DataFrame, title: str = "Roundabout trade") -> dict:
    """Bars per heading and year: change of exports to the destinations and to the transit
    countries (a roundabout shows a fall in the first and a rise in the second).

    >>> t = pd.DataFrame({"hs": ["8542"], "year": [2022], "destination": ["RU+BY"],
    ...     "transit": ["CCA"], "destination_change": [-80.0], "transit_change": [40.0]})
    >>> [b["name"] for b in roundabout_figure(t)["data"]]
    ['change to RU+BY', 'change to CCA']
    """
    labels = [_text(f"{h} {y}") for h, y in zip(table["hs"], table["year"])]
    first = table.iloc[0] if len(table) else {"destination": "destinations", "transit": "transit"}
    traces = [
        {"type": "bar", "name": _text(f"change to {first['destination']}"), "x": labels,
         "y": [float(v) for v in table.get("destination_change", [])],
         "marker": {"color": "#b00020"}},
        {"type": "bar", "name": _text(f"change to {first['transit']}"), "x": labels,
         "y": [float(v) for v in table.get("transit_change", [])],
         "marker": {"color": "#1f77b4"}},
    ]
    layout = {"title": {"text": _text(title)}, "barmode": "group",
              "xaxis": {"title": {"text": "heading and year"}, "type": "category"},
              "yaxis": {"title": {"text": "change in value"}}, "margin": {"t": 60}}
    return {"data": traces, "layout": layout}


def _script_json(figure: dict) -> str:
    """JSON that is safe inside a script element."""
    text = json.dumps(figure, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def flow_chart_html(figures: list[dict], title: str) -> str:
    """One offline page with each figure in its own div, plotly's bundle inlined."""
    from plotly.offline import get_plotlyjs

    divs = "\n".join(f'<div id="tg-chart-{i}" class="tg-chart"></div>' for i in range(len(figures)))
    calls = "\n".join(
        f"Plotly.newPlot('tg-chart-{i}', fig{i}.data, fig{i}.layout, "
        "{displaylogo: false, responsive: true});"
        for i in range(len(figures)))
    data = "\n".join(f"var fig{i} = {_script_json(f)};" for i, f in enumerate(figures))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>{_text(title)}</title>
<style>body {{ font-family: sans-serif; margin: 1em; }} .tg-chart {{ height: 480px; }}</style>
<script>{get_plotlyjs()}</script>
</head>
<body>
<h1>{_text(title)}</h1>
{divs}
<script>
{data}
{calls}
window.__tracegraph = {{charts: {len(figures)}, drawn: true}};
</script>
</body>
</html>
"""


def write_flow_chart(path: str | Path, series: pd.DataFrame, title: str = "",
                     roundabout: pd.DataFrame | None = None) -> Path:
    """Write the monthly series chart (and the roundabout bars when a table is given)."""
    figures = [series_figure(series, title)]
    if roundabout is not None and len(roundabout):
        figures.append(roundabout_figure(roundabout))
    path = Path(path)
    path.write_text(flow_chart_html(figures, title or "Trade flows"), encoding="utf-8")
    return path
