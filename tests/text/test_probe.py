"""Floors on sentences written for the tests, apart from the dev set the lexicons were
tuned on: a check that the method, not the dev lines, was improved."""

from pathlib import Path

import pytest

from kokemus.text import Analyzer, TextAnalysis

Row = tuple[str, str, str, str]

# probe.tsv and later rounds in files of their own (probe_*.tsv)
PROBES = sorted((Path(__file__).parent / "data").glob("probe*.tsv"))


def probe_rows() -> list[Row]:
    rows = []
    for probe in PROBES:
        for line in probe.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                lang, sentiment, theme, text = line.split("\t")
                rows.append((lang, sentiment, theme, text))
    return rows


@pytest.fixture(scope="module")
def results() -> list[tuple[Row, TextAnalysis]]:
    rows = probe_rows()
    analyses = Analyzer().analyze_many([r[3] for r in rows], [r[0] for r in rows])
    return list(zip(rows, analyses, strict=True))


def test_probe_has_every_language() -> None:
    assert {row[0] for row in probe_rows()} == {"fi", "sv", "en"}


def test_sentiment_on_the_probe(results: list[tuple[Row, TextAnalysis]]) -> None:
    right = sum(row[1] == analysis.sentiment.label for row, analysis in results)
    assert right / len(results) >= 0.9


def expected_themes(row: Row) -> tuple[set[str], bool] | None:
    """(themes, whether they are all the sentence is about), or None if not checked."""
    if row[2] == "-":
        return None
    if row[2].startswith("="):
        return {theme for theme in row[2][1:].split(",") if theme}, True
    return {row[2]}, False


def test_theme_recall_on_the_probe(results: list[tuple[Row, TextAnalysis]]) -> None:
    expected = found = 0
    for row, analysis in results:
        checked = expected_themes(row)
        if checked is not None:
            expected += len(checked[0])
            found += len(checked[0] & set(analysis.themes))
    assert found / expected >= 0.9


def test_theme_precision_on_the_probe(results: list[tuple[Row, TextAnalysis]]) -> None:
    reported = right = 0
    for row, analysis in results:
        checked = expected_themes(row)
        if checked is not None and checked[1]:
            reported += len(analysis.themes)
            right += len(checked[0] & set(analysis.themes))
    assert right / reported >= 0.75
