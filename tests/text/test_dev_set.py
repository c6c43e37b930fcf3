"""Regression floors on the labelled dev set (read only by tests, never by the product)."""

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kokemus.text import Analyzer, detect_language

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "feedback_dev.jsonl"
pytestmark = pytest.mark.skipif(not DEV.is_file(), reason="../shared/data is not present")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    with DEV.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def test_language_of_every_dev_comment(rows: list[dict[str, Any]]) -> None:
    wrong = [row["id"] for row in rows if detect_language(row["text"]) != row["lang"]]
    assert wrong == []


def test_pii_recall_and_precision_for_the_goal_types(rows: list[dict[str, Any]]) -> None:
    analyzer = Analyzer()
    gold: Counter[str] = Counter()
    found: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for row in rows:
        expected = {(p["start"], p["end"], p["type"]) for p in row["pii"]}
        got = {(p.start, p.end, p.type) for p in analyzer.analyze(row["text"], row["lang"]).pii}
        gold.update(t for *_, t in expected)
        found.update(t for *_, t in got)
        hits.update(t for *_, t in expected & got)
    for kind in ("email", "phone", "hetu", "iban"):
        assert hits[kind] / gold[kind] >= 0.98, kind
        assert hits[kind] / found[kind] >= 0.95, kind


def test_sentiment_accuracy_does_not_regress(rows: list[dict[str, Any]]) -> None:
    results = Analyzer().analyze_many([r["text"] for r in rows], [r["lang"] for r in rows])
    right = sum(r["sentiment"] == a.sentiment.label for r, a in zip(rows, results, strict=True))
    assert right / len(rows) >= 0.80
