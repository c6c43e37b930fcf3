"""The demo's sentences, read by the real analyzer: it must find the theme and the tone they
were written with, or the demo's themes and sentiment would not come out as planted."""

from importlib import resources
from typing import Any

import pytest
import yaml

from kokemus.demo.comments import NO_THEME, phrasebook
from kokemus.text.analysis import default_analyzer

# The analyzer's lexicons keep improving; a few sentences may drift before they are reworded.
AT_LEAST = 0.9


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_sentences_are_read_with_their_theme_and_tone(language: str) -> None:
    book = phrasebook()
    written = [
        (theme, tone, sentence)
        for (theme, tone, lang, _), sentences in book.sentences.items()
        if lang == language
        for sentence in sentences
    ]
    results = default_analyzer().analyze_many([sentence for _, _, sentence in written])
    misread = [
        f"{sentence!r}: {theme}/{tone} read as {result.sentiment.label} {list(result.themes)}"
        for (theme, tone, sentence), result in zip(written, results, strict=True)
        if result.lang != language
        or result.sentiment.label != tone
        or (theme in result.themes if theme != NO_THEME else not result.themes) is False
    ]
    assert len(misread) <= (1 - AT_LEAST) * len(written), "\n".join(misread)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_mixed_sentences_are_read_as_mixed_with_both_themes(language: str) -> None:
    written = [
        (good, bad, sentence)
        for (good, bad, lang, _), sentences in phrasebook().mixed.items()
        if lang == language
        for sentence in sentences
    ]
    results = default_analyzer().analyze_many([sentence for _, _, sentence in written])
    misread = [
        f"{sentence!r}: {good}+/{bad}- read as {result.sentiment.label} {list(result.themes)}"
        for (good, bad, sentence), result in zip(written, results, strict=True)
        if result.sentiment.label != "mixed" or not {good, bad} <= set(result.themes)
    ]
    assert len(misread) <= (1 - AT_LEAST) * len(written), "\n".join(misread)


def test_no_sentences_are_lost_to_a_repeated_key() -> None:
    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        keys = [loader.construct_object(key) for key, _ in node.value]
        assert len(keys) == len(set(keys)), f"repeated keys at line {node.start_mark.line + 1}"
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    text = resources.files("kokemus.demo").joinpath("data/comments.yaml").read_text("utf-8")
    assert yaml.load(text, Loader=Strict)
