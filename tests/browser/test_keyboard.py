"""A whole survey with the keyboard alone, with the focus always visible where it is."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.answering import NEXT, SEND, THANKS_TITLE, progress_text, screenshot
from tests.browser.conftest import MakeSite

# What has the focus, and the outline of the box a person sees for it: a radio button is
# hidden under its drawn box (the element after it), other controls draw their own.
FOCUS = """() => {
  const element = document.activeElement;
  const hidden = element.matches('input[type=radio], input[type=checkbox]');
  const box = hidden ? element.nextElementSibling : element;
  const style = getComputedStyle(box);
  return {
    tag: element.tagName.toLowerCase(), name: element.name || '', value: element.value || '',
    checked: Boolean(element.checked), text: element.innerText || '',
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
  };
}"""


@pytest.fixture(scope="module")
def keyboard_page(browser: Browser) -> Iterator[Page]:
    """A desktop browser that is never touched or clicked."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="sv-SE")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def focused(page: Page) -> dict[str, object]:
    found: dict[str, object] = page.evaluate(FOCUS)
    assert found["outline"] != "none", f"the focus on {found} is not visible"
    assert float(str(found["width"])) >= 2, f"the focus on {found} is hard to see"
    return found


def tab_to(page: Page, name: str, *, limit: int = 4, back: bool = False) -> dict[str, object]:
    """Press Tab (or Shift+Tab) until the control named `name` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        found = focused(page)
        if found["name"] == name or found["text"] == name:
            return found
    raise AssertionError(f"{name} is not reached in {limit} presses of Tab")


def arrows(page: Page, count: int, key: str = "ArrowRight") -> dict[str, object]:
    for _ in range(count):
        page.keyboard.press(key)
    return focused(page)


def test_the_workday_pulse_is_answered_with_the_keyboard_alone(
    make_site: MakeSite, keyboard_page: Page, screenshots: Path
) -> None:
    site = make_site("five-star-workday")
    page = keyboard_page
    page.goto(site.url())  # the browser asks for Swedish
    assert page.evaluate("document.documentElement.lang") == "sv"

    # The language links come first; then the 0-10 scale is one stop, moved by arrows.
    assert tab_to(page, "Suomeksi")["tag"] == "a"
    score = tab_to(page, "q.enps")
    assert (score["value"], score["checked"]) == ("0", False)
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    assert arrows(page, 9)["value"] == "9"
    screenshot(page, screenshots, "keyboard-sv-nps-focus")

    stars = tab_to(page, "q.workday-stars")
    assert stars["value"] == "1"
    assert arrows(page, 4)["value"] == "5"
    assert arrows(page, 1, "ArrowLeft") == {**stars, "value": "4", "checked": True}
    screenshot(page, screenshots, "keyboard-sv-stars-focus")
    # Shift+Tab goes back to the score as chosen, and Tab forward again.
    assert tab_to(page, "q.enps", back=True)["value"] == "9"
    assert tab_to(page, "q.workday-stars")["value"] == "4"

    # Each checklist item is its own group: Space says yes, an arrow moves on to no.
    marks = site.definition.question("marks")
    expected_marks = {}
    for number, item in enumerate(marks.option_keys()):
        found = tab_to(page, f"q.marks.{item}")
        assert found["value"] == "yes"
        if number % 2:
            assert arrows(page, 1)["value"] == "no"
        else:
            page.keyboard.press("Space")
        expected_marks[item] = number % 2 == 0
        assert focused(page)["checked"] is True

    assert tab_to(page, "q.comment")["tag"] == "textarea"
    page.keyboard.type("Bra dag, tangentbord hela vägen.")
    button = tab_to(page, SEND["sv"])
    assert button["tag"] == "button"
    assert NEXT["sv"] != button["text"]
    screenshot(page, screenshots, "keyboard-sv-send-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == THANKS_TITLE["sv"]

    [response] = site.completed()
    assert response.language == "sv"
    assert response.answers == {
        "enps": 9,
        "workday-stars": 4,
        "marks": expected_marks,
        "comment": "Bra dag, tangentbord hela vägen.",
    }


def test_a_two_page_survey_goes_forward_and_back_with_the_keyboard(
    make_site: MakeSite, keyboard_page: Page
) -> None:
    site = make_site("post-delivery")
    page = keyboard_page
    page.goto(site.url("lang=en"))
    stars = tab_to(page, "q.delivery-stars", limit=5)
    assert arrows(page, 1)["value"] == "2"
    assert tab_to(page, "q.expectation")["value"] == "1"
    page.keyboard.press("Space")
    choice = tab_to(page, "q.arrived-intact")
    assert choice["value"] == "intact"
    assert arrows(page, 1, "ArrowDown")["value"] == "damaged"
    tab_to(page, NEXT["en"])
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert progress_text(page) == "Page 2 of 2"
    assert tab_to(page, "q.improve", limit=5)["tag"] == "textarea"
    page.keyboard.type("Call before coming.")
    # Back is first in the row of buttons, so Tab reaches it before Send.
    assert tab_to(page, "nav")["value"] == "back"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert tab_to(page, "q.delivery-stars", limit=5) == {**stars, "value": "2", "checked": True}
    tab_to(page, "nav", limit=8)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#f-improve").input_value() == "Call before coming."
    tab_to(page, "q.improve", limit=5)
    tab_to(page, "nav")
    assert tab_to(page, "nav")["text"] == SEND["en"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    [response] = site.completed()
    assert response.answers == {
        "delivery-stars": 2,
        "expectation": 1,
        "arrived-intact": "damaged",
        "improve": "Call before coming.",
    }
