from hypothesis import given, settings
from hypothesis import strategies as st

from kokemus.text import analyze

FEEDBACK_ALPHABET = st.characters(
    codec="utf-8", categories=("L", "N", "P", "Zs", "So", "Sc"), include_characters="\n"
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=FEEDBACK_ALPHABET, max_size=300))
def test_any_text_gets_a_consistent_analysis(text: str) -> None:
    result = analyze(text)

    assert -1.0 <= result.sentiment.score <= 1.0
    previous_end = 0
    for span in result.pii:
        assert previous_end <= span.start < span.end <= len(text)
        previous_end = span.end
    for sentence in result.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
    assert set(result.themes) <= {aspect.theme for aspect in result.aspects}


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["Soita", "Ring", "Call"]),
    st.from_regex(r"04[0-9] [0-9]{3} [0-9]{4}", fullmatch=True),
    st.sampled_from(["kiitos", "tack", "thanks"]),
)
def test_redacted_text_never_contains_the_phone_number(lead: str, phone: str, tail: str) -> None:
    result = analyze(f"{lead} {phone} {tail}")
    assert phone not in result.redacted
    assert "[PHONE]" in result.redacted
