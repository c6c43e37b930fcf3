"""Every shipped template answered in fi, sv and en on a phone, by taps, to the thank-you page."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from kokemus.surveys.catalog import template_names
from tests.browser.answering import (
    ERRORS_TITLE,
    LANGUAGES,
    NEXT,
    PROGRESS,
    REQUIRED,
    SEND,
    THANKS_TITLE,
    Value,
    answer,
    answer_shown,
    expected_rows,
    fields_for,
    form_fields,
    planned,
    progress_text,
    said,
    screenshot,
    shown_questions,
    submit,
)
from tests.browser.conftest import MakeSite, Site, Watched


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", template_names())
def test_every_template_is_answered_by_taps_in_every_language(
    template: str,
    language: str,
    template_site: Callable[[str], Site],
    page: Page,
    watched: Watched,
    screenshots: Path,
) -> None:
    site = template_site(template)
    definition = site.definition
    questions = {question.key: question for question in definition.questions}
    page.goto(site.url(f"lang={language}"))
    given: dict[str, Value] = {}
    drawn: list[tuple[str | None, str]] = []  # (progress, button) per page
    while page.url.split("?")[0] != f"{site.url()}/thanks":
        assert page.evaluate("document.documentElement.lang") == language
        assert page.title() == said(definition.title, language)
        number = len(drawn) + 1
        shown = shown_questions(page)
        assert shown, f"page {number} shows no question"
        assert not set(shown) & set(given), f"page {number} asks again: {list(shown)}"
        for key, text in shown.items():
            assert text.startswith(said(questions[key].text, language))
            given[key] = planned(questions[key], language)
            answer(page, questions[key], given[key])
        on_page = [questions[key] for key in shown]
        assert form_fields(page) == fields_for(on_page, given), f"page {number} did not take"
        drawn.append((progress_text(page), page.locator('button[value="next"]').inner_text()))
        screenshot(page, screenshots, f"{template}-{language}-page{number}")
        response = submit(page)
        assert response.status == 200, f"page {number} answered, then {response.status}"
        assert len(drawn) < 5, "the survey never ends"

    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("h1").inner_text() == THANKS_TITLE[language]
    if definition.thanks:
        assert page.locator("main p").inner_text() == said(definition.thanks, language)
    screenshot(page, screenshots, f"{template}-{language}-thanks")

    # Without JavaScript the first page cannot know which later pages its answers will show;
    # see test_known_defects for what it says meanwhile.
    branching = any(question.show_if is not None for question in definition.questions)
    count = len(drawn)
    for number, (progress, button) in enumerate(drawn, start=1):
        if number == 1 and branching:
            continue
        assert button == (SEND if number == count else NEXT)[language], f"page {number}/{count}"
        expected = PROGRESS[language].format(page=number, pages=count) if count > 1 else None
        assert progress == expected, f"page {number} of {count}"
    assert watched.dialogs == []
    assert watched.errors == []

    # The template's store is shared by its three languages.
    [stored] = [answer for answer in site.responses() if answer.language == language]
    assert stored.complete
    assert stored.language == language
    assert stored.channel == "link"
    assert stored.answers == given
    assert site.answer_rows(stored.id) == expected_rows(definition, given)


@pytest.mark.parametrize(("stars", "asked"), [(5, False), (4, True), (2, True)])
def test_post_delivery_asks_what_could_be_better_only_below_five_stars(
    stars: int, asked: bool, make_site: MakeSite, page: Page
) -> None:
    site = make_site("post-delivery")
    page.goto(site.url("lang=en"))
    given: dict[str, Value] = {}
    answer_shown(page, site.definition, "en", given, {"delivery-stars": stars})
    submit(page)
    if asked:
        assert shown_questions(page) == {"improve": "What could we have done better?"}
        assert progress_text(page) == "Page 2 of 2"
        answer_shown(page, site.definition, "en", given)
        submit(page)
    assert page.url.startswith(f"{site.url()}/thanks")
    [response] = site.completed()
    assert response.answers == given
    assert ("improve" in response.answers) is asked


def test_going_back_to_five_stars_drops_the_improvement_answer(
    make_site: MakeSite, page: Page
) -> None:
    site = make_site("post-delivery")
    page.goto(site.url("lang=fi"))
    answer_shown(page, site.definition, "fi", {}, {"delivery-stars": 2})
    submit(page)
    answer_shown(page, site.definition, "fi", {})
    submit(page, "back")
    assert form_fields(page)[0] == ("q.delivery-stars", "2"), "the stars were not kept"
    answer(page, site.definition.question("delivery-stars"), 5)
    submit(page)
    assert page.url.startswith(f"{site.url()}/thanks")
    [response] = site.completed()
    assert response.answers["delivery-stars"] == 5
    assert "improve" not in response.answers


def test_leaving_after_the_first_page_resumes_with_its_answers_kept(
    make_site: MakeSite, context: BrowserContext
) -> None:
    site = make_site("store-visit")
    first = context.new_page()
    first.goto(site.url())  # the phone's browser asks for Finnish
    given: dict[str, Value] = {}
    page_one = answer_shown(first, site.definition, "fi", given)
    submit(first)
    assert progress_text(first) == "Sivu 2 / 2"
    first.close()
    [partial] = site.responses()
    assert not partial.complete
    assert partial.answers == given

    again = context.new_page()
    again.goto(site.url())
    assert progress_text(again) == "Sivu 2 / 2", "did not resume where the person left"
    assert form_fields(again) == [("q.comment", "")]
    submit(again, "back")
    assert form_fields(again) == fields_for(page_one, given), "page 1 lost its answers"
    submit(again)
    answer_shown(again, site.definition, "fi", given)
    submit(again)
    assert again.url.startswith(f"{site.url()}/thanks")
    again.close()
    [response] = site.responses()
    assert response.id == partial.id
    assert response.complete
    assert response.answers == given
    assert response.resume_hash is None


def test_the_language_switch_changes_language_midway_and_keeps_the_answers(
    make_site: MakeSite, page: Page, watched: Watched
) -> None:
    site = make_site("store-visit")
    page.goto(site.url("lang=fi"))
    languages = page.locator("nav.languages")
    assert languages.get_attribute("aria-label") == "Kieli"
    assert languages.locator("[aria-current]").inner_text() == "Suomeksi"
    with page.expect_navigation():
        languages.get_by_role("link", name="In English").tap()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == said(site.definition.title, "en")
    assert languages.locator("[aria-current]").inner_text() == "In English"
    assert languages.locator("a").evaluate_all("links => links.map(a => a.lang)") == ["fi", "sv"]
    given: dict[str, Value] = {}
    answer_shown(page, site.definition, "en", given)
    submit(page)
    assert progress_text(page) == "Page 2 of 2"

    with page.expect_navigation():
        languages.get_by_role("link", name="På svenska").tap()
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert progress_text(page) == "Sida 2 av 2", "switching language lost the place"
    assert page.locator('button[value="next"]').inner_text() == SEND["sv"]
    answer_shown(page, site.definition, "sv", given)
    submit(page)
    assert page.locator("h1").inner_text() == THANKS_TITLE["sv"]
    [response] = site.responses()
    assert response.complete
    assert response.language == "sv"
    assert response.answers == given
    assert watched.errors == []


@pytest.mark.parametrize(("locale", "language"), [("sv-SE", "sv"), ("de-DE", "fi")])
def test_without_a_choice_the_browser_language_is_used(
    locale: str, language: str, browser: Browser, template_site: Callable[[str], Site]
) -> None:
    site = template_site("relational-nps")
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(site.url())
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("h1").inner_text() == said(site.definition.title, language)
    context.close()


def test_a_required_question_left_empty_is_named_and_nothing_is_stored(
    make_site: MakeSite, page: Page, watched: Watched
) -> None:
    site = make_site("post-delivery")
    page.goto(site.url("lang=en"))
    answer(page, site.definition.question("expectation"), 3)
    response = submit(page)
    assert response.status == 422
    summary = page.locator("#errors")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("h2").inner_text() == ERRORS_TITLE["en"]
    stars_text = said(site.definition.question("delivery-stars").text, "en")
    link = summary.get_by_role("link", name=f"{REQUIRED['en']} ({stars_text})")
    assert link.get_attribute("href") == "#q-delivery-stars"
    stars = page.locator("#q-delivery-stars")
    assert stars.get_attribute("aria-invalid") == "true"
    assert (
        page.locator(f"#{stars.get_attribute('aria-describedby')}").inner_text() == REQUIRED["en"]
    )
    assert page.locator('#q-expectation input[value="3"]').is_checked(), "lost the other answer"
    assert site.responses() == []
    assert watched.errors[0] == f"422 {site.url()}"
    assert all("422" in error for error in watched.errors), watched.errors

    link.tap()
    assert page.url.endswith("#q-delivery-stars")
    assert stars.evaluate("node => node.getBoundingClientRect().top") >= 0
    answer(page, site.definition.question("delivery-stars"), 5)
    assert submit(page).status == 200
    assert page.url.startswith(f"{site.url()}/thanks")
    [stored] = site.completed()
    assert stored.answers == {"delivery-stars": 5, "expectation": 3}


def test_a_required_checklist_answered_in_part_is_refused(make_site: MakeSite, page: Page) -> None:
    site = make_site("courteous-encounter-audit")
    page.goto(site.url("lang=sv"))
    steps = site.definition.question("steps")
    answer(page, steps, dict.fromkeys(steps.option_keys()[:-1], True))
    assert submit(page).status == 422
    steps_text = said(steps.text, "sv")
    assert page.locator("#errors li").all_inner_texts() == [f"{REQUIRED['sv']} ({steps_text})"]
    assert site.responses() == []


MARKUP = "<img src=x onerror=alert(1)> <script>alert(2)</script> & \"quotes\" 'too'"


def test_markup_in_a_text_answer_is_shown_as_text_and_stored_verbatim(
    make_site: MakeSite, page: Page, watched: Watched
) -> None:
    site = make_site("five-star-workday")
    page.goto(site.url("lang=en"))
    comment = page.locator("#f-comment")
    comment.tap()
    page.keyboard.insert_text(MARKUP)
    assert submit(page).status == 422  # the eNPS is required: the page comes back with the text
    assert comment.input_value() == MARKUP
    assert page.locator("img, main script").count() == 0
    answer(page, site.definition.question("enps"), 9)
    submit(page)
    assert page.url.startswith(f"{site.url()}/thanks")
    [response] = site.completed()
    assert response.answers["comment"] == MARKUP
    assert ("comment", None, MARKUP, None) in site.answer_rows(response.id)
    assert watched.dialogs == []


def test_markup_kept_in_a_partial_answer_is_shown_as_text(
    make_site: MakeSite, page: Page, watched: Watched
) -> None:
    site = make_site("store-visit")
    page.goto(site.url("lang=en"))
    answer_shown(page, site.definition, "en", {})
    submit(page)
    answer(page, site.definition.question("comment"), MARKUP)
    submit(page, "back")
    submit(page)
    assert page.locator("#f-comment").input_value() == MARKUP
    assert page.locator("img, main script").count() == 0
    [partial] = site.responses()
    assert partial.answers["comment"] == MARKUP
    assert watched.dialogs == []
    assert watched.errors == []
