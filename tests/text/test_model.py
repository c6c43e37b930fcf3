from pathlib import Path

import numpy as np
import pytest

from kokemus.text import Analyzer, analyze
from kokemus.text.model import (
    CORRECTION_WEIGHT,
    TrainingError,
    examples_from_ratings,
    label_from_rating,
    load_model,
    train_model,
)

ROWS: list[tuple[str, int | str, str | None]] = [
    ("Toimitus oli nopea ja kuski ystävällinen", 5, "fi"),
    ("Loistava palvelu, kiitos", 5, "fi"),
    ("Tuote oli hyvä ja hinta kohdallaan", 4, "fi"),
    ("Paketti tuli rikki eikä kukaan vastaa", 1, "fi"),
    ("Huono palvelu, odotin tunnin", 1, "fi"),
    ("Lasku oli väärin jo kolmatta kertaa", 2, "fi"),
    ("Tilasin maanantaina", 3, "fi"),
    ("Great service, thank you", 5, "en"),
    ("Terrible support, still waiting", 1, "en"),
    ("Snabb leverans, tack", "positive", "sv"),
    ("Ordered a chair", 3, None),
]


def test_ratings_map_to_labels() -> None:
    assert label_from_rating(1) == "negative"
    assert label_from_rating(3) == "neutral"
    assert label_from_rating(5) == "positive"
    assert label_from_rating(6, scale=10) == "negative"
    assert label_from_rating(9, scale=10) == "positive"
    assert label_from_rating("Mixed") == "mixed"
    with pytest.raises(TrainingError, match="great"):
        label_from_rating("great")


def test_trained_model_learns_the_direction_of_its_labels() -> None:
    model = train_model(ROWS)
    assert model.trained_on == len(ROWS)
    assert set(model.classes) == {"negative", "neutral", "positive"}
    assert model.predict("Nopea toimitus ja ystävällinen kuski, kiitos", "fi").score > 0
    assert model.predict("Rikki tuli ja kukaan ei vastaa", "fi").score < 0


def test_model_round_trips_through_its_file(tmp_path: Path) -> None:
    model = train_model(ROWS, name="shop")
    path = model.save(tmp_path / "models" / "sentiment.npz")
    loaded = load_model(path)
    assert (loaded.name, loaded.version, loaded.classes) == (
        model.name,
        model.version,
        model.classes,
    )
    text = "Huono palvelu mutta nopea toimitus"
    assert loaded.predict(text, "fi") == model.predict(text, "fi")


def test_training_needs_two_labels() -> None:
    with pytest.raises(TrainingError, match="two different labels"):
        train_model([("Hyvä", 5, "fi"), ("Loistava", 4, "fi")])


def test_bad_rating_names_its_row() -> None:
    with pytest.raises(TrainingError, match="row 2"):
        train_model([("Hyvä", 5, "fi"), ("Huono", "bad", "fi")])


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, meta=np.array('{"format": "something-else"}'))
    with pytest.raises(TrainingError, match="not a Kokemus sentiment model"):
        load_model(path)


def test_analyst_labels_weigh_more_than_ratings() -> None:
    examples = examples_from_ratings([("Hyvä", 5, "fi"), ("Ihan ok", "mixed", "fi")])
    assert [(e.label, e.weight) for e in examples] == [
        ("positive", 1.0),
        ("mixed", CORRECTION_WEIGHT),
    ]


def test_blend_weight_is_learnt_from_the_organisations_own_words() -> None:
    # House words the lexicon cannot know: "kurpitsa" is this shop's word for a flop.
    fillers = ["Tilaus", "Palvelu", "Toimitus", "Kokemus", "Asiointi"]
    rows: list[tuple[str, int | str, str | None]] = []
    for index in range(120):
        filler = fillers[index % len(fillers)]
        if index % 2:
            rows.append((f"{filler} oli täysi kurpitsa numero {index}", 1, "fi"))
        else:
            rows.append((f"{filler} oli aito helmiäinen numero {index}", 5, "fi"))
    model = train_model(rows)
    assert model.weight > 0
    result = Analyzer(model=model).analyze("Asiointi oli kurpitsa", "fi")
    assert result.sentiment.label == "negative"
    assert analyze("Asiointi oli kurpitsa", "fi").sentiment.label == "neutral"


def test_with_few_ratings_the_lexicon_is_trusted_alone() -> None:
    assert train_model(ROWS).weight == 0.0
