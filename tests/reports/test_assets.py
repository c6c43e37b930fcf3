"""Chart.js comes from the npm registry as the lock file pins it, and the app serves it."""

import json
from pathlib import Path

from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.reports.charts import CHART_LIBRARY, DRAWING_SCRIPT, Chart, Series, Table
from kokemus.web.layout import templates
from tests.reports.dom import parse

ROOT = Path(__file__).resolve().parents[2]


def test_the_lock_file_pins_chart_js() -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]["chart.js"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    entry = locked["node_modules/chart.js"]
    assert entry["version"] == wanted
    assert entry["license"] == "MIT"
    assert entry["integrity"].startswith("sha512-")
    assert all(package.get("integrity") for name, package in locked.items() if name)
    assert CHART_LIBRARY.read_text().startswith(f"/*!\n * Chart.js v{wanted}\n")
    assert (CHART_LIBRARY.parent / "chart.js.LICENSE.md").read_text().startswith("The MIT License")


def test_the_app_serves_the_library_and_the_drawing_script() -> None:
    with TestClient(create_app(Settings(database_url="sqlite://"))) as client:
        for path, asset in (
            ("/static/vendor/chart.umd.min.js", CHART_LIBRARY),
            ("/static/charts.js", DRAWING_SCRIPT),
        ):
            response = client.get(path)
            assert response.status_code == 200
            assert "javascript" in response.headers["content-type"]
            assert response.content == asset.read_bytes()


def test_the_figure_macro_renders_for_web_pages() -> None:
    chart = Chart(
        id="chart-x",
        title="NPS </script> by stage",
        kind="bar",
        labels=("A & B",),
        series=(Series("NPS", (12.5,), (1.0,), (20.0,), (30,)),),
        table=Table("NPS by stage", ("Stage", "Score"), (("A & B", "+12.5"),), frozenset({1})),
    )
    macro = templates.env.from_string(
        '{% from "charts/figure.html" import chart_figure %}{{ chart_figure(chart) }}'
    )
    html = macro.render(chart=chart)
    document = parse(html)
    (block,) = document.all("script")
    assert block.attrs == {"type": "application/json", "class": "chart-data"}
    assert json.loads(block.text)["title"] == "NPS </script> by stage"
    assert document.by_id("chart-x-table").all("table")[0].rows() == [
        ["Stage", "Score"],
        ["A & B", "+12.5"],
    ]
