import pytest

from kokemus.text.language import UnknownLanguageError, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kiitos!", "fi"),
        ("Tack!", "sv"),
        ("Good", "en"),
        ("kiitti", "fi"),
        ("Bra", "sv"),
        ("Thanks!", "en"),
        ("Tuoli on hyvä mutta toimitus kesti ikuisuuden.", "fi"),
        ("Chauffören ringde en halvtimme innan och bar upp allt.", "sv"),
        ("Great chair, terrible delivery time.", "en"),
    ],
)
def test_detects_the_language_even_of_one_word_answers(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_answers_only_with_a_configured_language() -> None:
    assert detect_language("Great chair, terrible delivery time.", ["fi", "sv"]) in {"fi", "sv"}
    assert detect_language("Tack!", ["fi", "en"]) != "sv"


def test_text_without_words_gets_the_first_configured_language() -> None:
    assert detect_language("👍 10/10", ["sv", "fi"]) == "sv"


def test_unknown_language_code_is_a_clear_error() -> None:
    with pytest.raises(UnknownLanguageError, match="xx"):
        detect_language("Hello there, friend", ["en", "xx"])
