from pathlib import Path
from typing import Any

import orjson
from click.testing import CliRunner

from kokemus.cli.text import text_group


def run(*args: str, input: str | None = None) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(text_group, list(args), input=input, catch_exceptions=False)
    lines = [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_analyze_reads_plain_lines_and_jsonl_from_stdin() -> None:
    code, out, _ = run(
        "analyze",
        input='Kiitos!\n{"text": "Tack, ring 070-123 45 67", "lang": "sv", "id": 7}\n',
    )
    assert code == 0
    assert [line["lang"] for line in out] == ["fi", "sv"]
    assert out[0]["sentiment"] == {"label": "positive", "score": out[0]["sentiment"]["score"]}
    assert set(out[0]) == {
        "lang",
        "redacted",
        "pii",
        "sentiment",
        "emotions",
        "themes",
        "aspects",
        "model",
    }
    assert out[1]["id"] == 7
    assert out[1]["redacted"] == "Tack, ring [PHONE]"
    assert out[1]["pii"] == [{"start": 11, "end": 24, "type": "phone"}]


def test_analyze_reports_a_bad_line_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "Hyvä"}\n{broken\n{"txt": "x"}\n{"text": "Huono"}\n', "utf-8")
    code, out, err = run("analyze", str(path))
    assert code == 1
    assert [line["sentiment"]["label"] for line in out] == ["positive", "negative"]
    assert "line 2: not valid JSON" in err
    assert "line 3: field `text`" in err


def test_analyze_with_sentences() -> None:
    _, out, _ = run("analyze", "--sentences", input="Hyvä tuoli. Hidas toimitus.\n")
    assert [s["sentiment"]["label"] for s in out[0]["sentences"]] == ["positive", "negative"]


def test_train_writes_a_model_that_analyze_uses(tmp_path: Path) -> None:
    data = tmp_path / "ratings.csv"
    data.write_text(
        "text,rating,lang\n"
        "Loistava palvelu,5,fi\nSurkea palvelu,1,fi\nTilasin tuolin,3,fi\n"
        "Great service,5,en\nAwful service,1,\n",
        "utf-8",
    )
    model = tmp_path / "m" / "model.npz"
    result = CliRunner().invoke(text_group, ["train", str(data), "--out", str(model)])
    assert result.exit_code == 0, result.output
    assert "on 5 comments (negative 2, neutral 1, positive 2)" in result.output
    assert model.is_file()

    code, out, _ = run("analyze", "--model", str(model), input="Loistava palvelu\n")
    assert code == 0
    assert out[0]["model"]["name"] == "kokemus-domain"


def test_train_names_the_bad_row(tmp_path: Path) -> None:
    data = tmp_path / "ratings.jsonl"
    data.write_text('{"text": "Hyvä", "rating": 5}\n{"text": "Huono"}\n', "utf-8")
    result = CliRunner().invoke(text_group, ["train", str(data), "--out", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert "line 2: field `rating` (or `label`) is missing" in result.output


def test_unknown_language_and_bad_taxonomy_are_clear_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(text_group, ["analyze", "--languages", "fi,xx"], input="Hei\n")
    assert result.exit_code == 1
    assert "unknown language code: 'xx'" in result.output

    taxonomy = tmp_path / "themes.yaml"
    taxonomy.write_text("themes: [not, a, mapping]\n", "utf-8")
    result = CliRunner().invoke(text_group, ["analyze", "--taxonomy", str(taxonomy)], input="Hei\n")
    assert result.exit_code == 1
    assert "expected a mapping with a 'themes' mapping" in result.output
