"""The report as one HTML file that opens anywhere, offline: Chart.js and the drawing
script are inside it, as is the style sheet.

No server sends the file a policy, so it carries its own in a meta tag: its two scripts
and its style sheet are allowed by their SHA-256 hashes and nothing else is, so even a
text that slipped its escaping could not run. Every text from the store is escaped by
the template (autoescape), and the chart data is JSON with <, > and & escaped.
"""

import base64
import hashlib
import re
from datetime import datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from kokemus import __version__
from kokemus.errors import DomainError
from kokemus.metrics.rollups import organisation_zone
from kokemus.reports.charts import CHART_LIBRARY, DRAWING_SCRIPT
from kokemus.reports.report import Report

TEMPLATES = Path(__file__).parent / "templates"
WEB_TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
SOURCE_MAP = re.compile(r"\n//# sourceMappingURL=\S+\s*$")

environment = Environment(
    loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(WEB_TEMPLATES)]),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


class AssetMissing(DomainError):
    status_code = 500


def script_asset(path: Path) -> str:
    if not path.is_file():
        raise AssetMissing(f"{path} is missing: run `make install`, which copies Chart.js there")
    text = SOURCE_MAP.sub("\n", path.read_text(encoding="utf-8"))
    # Inside <script>...</script> the text may not close the element early.
    if "</script" in text.lower():
        raise AssetMissing(f"{path} contains '</script' and cannot be embedded")
    return text


def content_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(scripts: list[str], css: str) -> str:
    return (
        f"default-src 'none'; script-src {' '.join(content_hash(s) for s in scripts)}; "
        f"style-src {content_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_report(report: Report) -> str:
    scripts = [script_asset(CHART_LIBRARY), script_asset(DRAWING_SCRIPT)]
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return environment.get_template("report.html.j2").render(
        report=report,
        scripts=scripts,
        css=css,
        policy=policy(scripts, css),
        version=__version__,
        generated=_local(report.generated_at),
    )


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(organisation_zone()):%Y-%m-%d %H:%M %Z}"
