"""Details of the pages that were once wrong: star fill, tap targets, counting pages."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.browser.answering import NEXT, PROGRESS, answer, progress_text
from tests.browser.conftest import Site
from tests.browser.test_accessibility import TARGET_PX

# The colour of each star drawn, as the person sees it.
STAR_COLOURS = """key => [...document.querySelectorAll(`#q-${key} .choice`)]
  .map(node => getComputedStyle(node).color)"""


def test_the_stars_after_the_chosen_one_are_drawn_empty(
    template_site: Callable[[str], Site], page: Page
) -> None:
    site = template_site("five-star-meeting")
    page.goto(site.url("lang=en"))
    answer(page, site.definition.question("meeting-stars"), 3)
    colours = page.evaluate(STAR_COLOURS, "meeting-stars")
    assert colours[:3] == [colours[0]] * 3
    assert colours[3] != colours[0]
    assert colours[3:] == [colours[3]] * 2


def test_the_language_links_are_big_enough_to_tap(
    template_site: Callable[[str], Site], page: Page
) -> None:
    site = template_site("relational-nps")
    page.goto(site.url("lang=en"))
    for box in page.locator("nav.languages a").evaluate_all(
        "links => links.map(link => link.getBoundingClientRect().height)"
    ):
        assert box >= TARGET_PX


# Their second page is shown only on some answers to the first.
@pytest.mark.parametrize("template", ["post-delivery", "relational-nps"])
def test_a_first_page_that_leads_on_says_next_and_counts_the_pages(
    template: str, template_site: Callable[[str], Site], page: Page
) -> None:
    site = template_site(template)
    page.goto(site.url("lang=en"))
    assert page.locator('button[value="next"]').inner_text() == NEXT["en"]
    assert progress_text(page) == PROGRESS["en"].format(page=1, pages=2)
