import pytest

from kokemus.text.normalize import compound_head, lemma


@pytest.mark.parametrize(
    ("word", "expected"),
    [("kassatäti", "kassatäti"), ("maksusivu", "maksusivu"), ("lahjontajutun", "lahjontajuttu")],
)
def test_a_finnish_compound_keeps_its_head(word: str, expected: str) -> None:
    assert lemma(word, "fi") == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("sivuilta", "sivu"), ("perheitä", "perhe"), ("eiköhän", "ei"), ("päätään", "pää")],
)
def test_endings_that_look_like_words_are_still_endings(word: str, expected: str) -> None:
    assert lemma(word, "fi") == expected


@pytest.mark.parametrize(
    ("word", "lang", "head"),
    [
        ("työporukkaa", "fi", "porukkaa"),
        ("kassapersonalen", "sv", "personalen"),
        ("keskenään", "fi", None),
        ("myyjä", "fi", None),
        ("good", "en", None),
    ],
)
def test_an_unknown_compound_is_split_at_its_head(word: str, lang: str, head: str | None) -> None:
    assert compound_head(word, lang) == head
