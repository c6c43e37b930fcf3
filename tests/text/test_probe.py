"""Floors on sentences written for the tests, apart from the dev set the lexicons were
tuned on: a check that the method, not the dev lines, was improved."""

from pathlib import Path

import pytest

from kokemus.text import Analyzer, TextAnalysis

Row = tuple[str, str, str, str]

PROBE = Path(__file__).parent / "data" / "probe.tsv"


def probe_rows() -> list[Row]:
    rows = []
    for line in PROBE.read_text(encoding="utf-8").splitlines():
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


def test_theme_recall_on_the_probe(results: list[tuple[Row, TextAnalysis]]) -> None:
    labelled = [(row, analysis) for row, analysis in results if row[2] != "-"]
    found = sum(row[2] in analysis.themes for row, analysis in labelled)
    assert found / len(labelled) >= 0.9
