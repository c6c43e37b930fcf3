import pytest
from pydantic import ValidationError

from kokemus.text import Analyzer, analyze, train_model


def test_analysis_of_a_comment_with_pii_and_contrast() -> None:
    text = "Tilasin nimellä Jari Mäkelä. Tuoli on hyvä mutta toimitus kesti kolme viikkoa!"
    result = analyze(text)

    assert result.lang == "fi"
    assert result.redacted == (
        "Tilasin nimellä [NAME]. Tuoli on hyvä mutta toimitus kesti kolme viikkoa!"
    )
    assert [(p.start, p.end, p.type) for p in result.pii] == [(16, 27, "name")]
    assert result.sentiment.label == "mixed"
    assert -1.0 <= result.sentiment.score <= 1.0
    assert [s.text for s in result.sentences] == [
        "Tilasin nimellä [NAME].",
        "Tuoli on hyvä mutta toimitus kesti kolme viikkoa!",
    ]
    assert result.sentences[0].sentiment.label == "neutral"
    assert "delivery_speed" in result.themes
    delivery = [a for a in result.aspects if a.theme == "delivery_speed"]
    assert [(a.sentence, a.sentiment.label) for a in delivery] == [(1, "negative")]
    assert result.model.name == "kokemus-lexicon"


def test_sentence_offsets_point_into_the_original_text() -> None:
    text = "Hyvä palvelu. Huono kahvi."
    result = analyze(text, "fi")
    assert [text[s.start : s.end] for s in result.sentences] == ["Hyvä palvelu.", "Huono kahvi."]
    assert [s.sentiment.label for s in result.sentences] == ["positive", "negative"]


def test_given_language_is_trusted_only_when_configured() -> None:
    assert analyze("Good", "fi").lang == "fi"
    assert analyze("Good", "de").lang == "en"


def test_result_is_frozen_and_serialisable() -> None:
    result = analyze("Kiitos!")
    dumped = result.model_dump(mode="json")
    assert dumped["sentiment"] == {"label": "positive", "score": result.sentiment.score}
    assert dumped["emotions"] == ["gratitude"]
    with pytest.raises(ValidationError):
        result.lang = "sv"  # type: ignore[misc]


def test_a_trained_model_is_recorded_in_the_result() -> None:
    rows: list[tuple[str, int | str, str | None]] = [
        ("Loistava palvelu", 5, "fi"),
        ("Surkea palvelu", 1, "fi"),
        ("Tilasin tuolin", 3, "fi"),
    ]
    model = train_model(rows, name="shop")
    result = Analyzer(model=model).analyze("Loistava palvelu taas", "fi")
    assert (result.model.name, result.model.version) == ("shop", model.version)
    assert result.sentiment.label == "positive"


def test_batch_analysis_matches_single() -> None:
    analyzer = Analyzer()
    texts = ["Kiitos!", "Tack så mycket!", "Terrible delivery."]
    assert analyzer.analyze_many(texts) == [analyzer.analyze(text) for text in texts]


def test_empty_text() -> None:
    result = analyze("")
    assert (result.redacted, result.sentiment.label, result.themes) == ("", "neutral", ())


def test_decomposed_letters_are_understood_and_offsets_stay_in_the_original() -> None:
    decomposed = "Tosi hyva\u0308 palvelu. Soita 040 123 4567."
    result = analyze(decomposed, "fi")
    assert result.sentiment.label == "positive"
    (phone,) = result.pii
    assert decomposed[phone.start : phone.end] == "040 123 4567"
    assert result.redacted == "Tosi hyva\u0308 palvelu. Soita [PHONE]."
    assert [decomposed[s.start : s.end] for s in result.sentences] == [
        "Tosi hyva\u0308 palvelu.",
        "Soita 040 123 4567.",
    ]


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("Onko teillä tätä kokoa 42? Kiitos!", "fi", "neutral"),
        ("Can you send me the invoice again? Thanks in advance.", "en", "neutral"),
        ("Why has nobody called me back? Thanks.", "en", "negative"),
        ("Paketti tuli eilen. Kiitos!", "fi", "positive"),
    ],
)
def test_thanks_that_close_a_question_or_complaint_are_manners(
    text: str, lang: str, label: str
) -> None:
    assert analyze(text, lang).sentiment.label == label
