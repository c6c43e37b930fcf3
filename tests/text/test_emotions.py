from kokemus.text.emotions import find_emotions
from kokemus.text.normalize import tokenize
from kokemus.text.sentiment import sentiment


def emotions(text: str, lang: str) -> list[str]:
    words = [t.lower for t in tokenize(text)]
    return find_emotions(words, lang, sentiment(text, lang).score)


def test_gratitude_in_each_language() -> None:
    assert "gratitude" in emotions("Iso kiitos nopeasta avusta!", "fi")
    assert "gratitude" in emotions("Stort tack för hjälpen!", "sv")
    assert "gratitude" in emotions("Thank you so much for the help!", "en")


def test_anger_and_frustration() -> None:
    assert "anger" in emotions("Täysin käsittämätöntä ja törkeää palvelua!", "fi")
    assert "frustration" in emotions("Sovellus kaatui taas, kolmas kerta tällä viikolla.", "fi")


def test_worry() -> None:
    assert "worry" in emotions("Organisaatiomuutos huolettaa kovasti.", "fi")


def test_sarcastic_thanks_is_not_gratitude() -> None:
    found = emotions("Sivu kaatui kolme kertaa ja ostin muualta. Kiitti vaan.", "fi")
    assert "gratitude" not in found
    assert "frustration" in found


def test_neutral_text_has_no_emotions() -> None:
    assert emotions("Vaihdoin pörssisähköön tammikuussa.", "fi") == []
