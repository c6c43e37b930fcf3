"""The widget: one script tag on another site opens the survey in a dialog and it is answered."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.sync_api import Frame, Page

from tests.browser.answering import (
    PROGRESS,
    SEND,
    THANKS_TITLE,
    Value,
    answer_shown,
    progress_text,
    screenshot,
    submit,
)
from tests.browser.conftest import MakeSite, Site, Watched
from tests.live_server import serving

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>A shop on its own site</h1>
<script src="{base}/static/widget.js" data-survey="{public_id}" data-lang="en"
        data-touchpoint="store-visit" async></script>
</body></html>"""


@pytest.fixture
def shop(make_site: MakeSite) -> Iterator[tuple[Site, str]]:
    """A survey, and another site (another host name and port) that embeds its widget."""
    site = make_site("store-visit")
    app = FastAPI()

    @app.get("/")
    def home() -> HTMLResponse:
        return HTMLResponse(HOST_PAGE.format(base=site.base, public_id=site.public_id))

    with serving(app) as host:
        yield site, host.replace("127.0.0.1", "localhost")


def survey_frame(page: Page, site: Site) -> Frame:
    frame = page.locator("dialog.kokemus-widget iframe").element_handle().content_frame()
    assert frame is not None
    frame.wait_for_url(lambda url: url.startswith(f"{site.url()}?"))
    return frame


def test_the_widget_opens_the_survey_in_a_dialog_and_stores_a_widget_response(
    shop: tuple[Site, str], page: Page, watched: Watched, screenshots: Path
) -> None:
    site, host = shop
    page.goto(host)
    button = page.get_by_role("button", name="Give feedback")
    assert page.locator("dialog.kokemus-widget").is_hidden()
    button.tap()
    dialog = page.get_by_role("dialog", name="Give feedback")
    assert dialog.is_visible()
    frame = survey_frame(page, site)
    assert frame.evaluate("document.documentElement.lang") == "en"
    assert frame.locator("body.embedded").count() == 1
    assert frame.locator("nav.languages").count() == 0, "no language links inside the widget"
    screenshot(page, screenshots, "widget-en-page1")

    given: dict[str, Value] = {}
    answer_shown(frame, site.definition, "en", given)
    submit(frame)
    # The next page comes from the posted form: a cookie of the frame is not relied on.
    assert progress_text(frame) == PROGRESS["en"].format(page=2, pages=2)
    answer_shown(frame, site.definition, "en", given)
    assert frame.locator('button[value="next"]').inner_text() == SEND["en"]
    submit(frame)
    assert frame.locator("h1").inner_text() == THANKS_TITLE["en"]
    assert "embed=1" in frame.url
    screenshot(page, screenshots, "widget-en-thanks")

    page.get_by_role("button", name="Close").tap()
    assert dialog.is_hidden()
    assert page.evaluate("document.activeElement.className") == "kokemus-widget-button"
    [response] = site.responses()
    assert response.complete
    assert response.channel == "widget"
    assert response.language == "en"
    assert response.answers == given
    assert response.touchpoint_id is not None
    assert watched.dialogs == []
    assert watched.errors == []
