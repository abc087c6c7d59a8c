"""Trade-flow charts opened in headless Chromium, offline: they draw, mark the invasion day,
run no data as code and ask nothing of the network."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from viz.charts import write_flow_chart

try:  # tests/ on sys.path (pytest's default "prepend" import mode)
    from browser import unavailable_reason
except ImportError:
    from tests.browser import unavailable_reason

pytestmark = pytest.mark.browser

_REASON = unavailable_reason()
if _REASON:
    pytest.skip(f"browser tests need headless Chromium: {_REASON}", allow_module_level=True)

XSS = "<img src=x onerror=alert(1)>"


def _series(partners=("KG", "RU")) -> pd.DataFrame:
    periods = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)]
    return pd.DataFrame([{"partner": p, "currency": "EUR", "period": period,
                          "value": float(i * (3 if p == "KG" else 1))}
                         for p in partners for i, period in enumerate(periods)])


def _drawn(chromium, path) -> dict:
    chromium.open(path)
    deadline = time.time() + 30
    while time.time() < deadline:
        state = chromium.js("""
            var charts = document.querySelectorAll('.tg-chart');
            return {charts: charts.length,
                    svgs: document.querySelectorAll('.tg-chart .main-svg').length,
                    lines: document.querySelectorAll('.scatterlayer .trace').length,
                    bars: document.querySelectorAll('.barlayer .trace').length,
                    shapes: document.querySelectorAll('.shapelayer path').length,
                    legend: Array.from(document.querySelectorAll('.legendtext'))
                                 .map(function (e) { return e.textContent; }),
                    ready: !!(window.__tracegraph && window.__tracegraph.drawn)};""")
        if state["ready"] and state["svgs"]:
            return state
        time.sleep(0.2)
    raise AssertionError(f"chart not drawn: {state}")


def test_series_chart_draws_offline_with_the_invasion_day(chromium, tmp_path):
    path = write_flow_chart(tmp_path / "series.html", _series(), title="HS 8542 from EU27")
    state = _drawn(chromium, path)
    assert state["lines"] == 2 and state["shapes"] >= 1
    assert state["legend"] == ["KG (EUR)", "RU (EUR)"]
    assert chromium.js("return document.body.innerText").count("invasion 24 Feb 2022") == 1
    assert chromium.requests() == [path.resolve().as_uri()]
    assert not chromium.console_errors()


def test_roundabout_bars_draw_beside_the_series(chromium, tmp_path):
    table = pd.DataFrame({"hs": ["8542", "8471"], "year": [2022, 2022],
                          "destination": ["RU+BY", "RU+BY"], "transit": ["CCA", "CCA"],
                          "destination_change": [-4e8, -1e7], "transit_change": [1e7, 2e6]})
    path = write_flow_chart(tmp_path / "roundabout.html", _series(), title="roundabout",
                            roundabout=table)
    state = _drawn(chromium, path)
    assert state["charts"] == 2 and state["bars"] == 2 and state["lines"] == 2
    assert chromium.requests() == [path.resolve().as_uri()]


def test_data_text_is_shown_never_run(chromium, tmp_path):
    series = _series(partners=(XSS, "KG</script><script>alert(2)</script>"))
    path = write_flow_chart(tmp_path / "xss.html", series, title=XSS)
    state = _drawn(chromium, path)
    assert state["lines"] == 2
    assert chromium.dialogs_trapped() == [] and chromium.dialog_open() is None
    assert XSS in chromium.js("return document.querySelector('h1').textContent")
    assert chromium.requests() == [path.resolve().as_uri()]
