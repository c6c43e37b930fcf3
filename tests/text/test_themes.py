from pathlib import Path

import pytest

from kokemus.text.analysis import Analyzer
from kokemus.text.normalize import tokenize
from kokemus.text.themes import (
    TaxonomyError,
    default_taxonomy,
    find_themes,
    load_taxonomy,
    parse_taxonomy,
)

ISSUE_THEMES = {
    "delivery_speed",
    "delivery_damage",
    "courier",
    "product_quality",
    "price_value",
    "staff_friendliness",
    "staff_competence",
    "waiting_time",
    "website_usability",
    "checkout_payment",
    "communication",
    "refund_compensation",
    "store_environment",
    "availability_stock",
    "billing_invoice",
    "app_digital",
    "food_quality",
    "workload",
    "meetings",
    "management",
    "team_culture",
}


def themes(text: str, lang: str) -> list[str]:
    return find_themes([t.lower for t in tokenize(text)], lang, default_taxonomy())


def test_default_taxonomy_has_the_agreed_ids() -> None:
    assert set(default_taxonomy().theme_ids) == ISSUE_THEMES


@pytest.mark.parametrize(
    ("text", "lang", "theme"),
    [
        ("Toimitusaika oli kolme viikkoa", "fi", "delivery_speed"),
        ("Paketti tuli rikki", "fi", "delivery_damage"),
        ("Kuski oli töykeä", "fi", "courier"),
        ("Asiakaspalvelija oli tosi ystävällinen", "fi", "staff_friendliness"),
        ("Laskussa oli ylimääräinen maksu", "fi", "billing_invoice"),
        ("Sovellus kaatuu kirjautuessa", "fi", "app_digital"),
        ("Viikkopalaverit venyvät aina", "fi", "meetings"),
        ("Fakturan är fel igen", "sv", "billing_invoice"),
        ("Chauffören ringde innan", "sv", "courier"),
        ("The soup was lukewarm", "en", "food_quality"),
        ("Refund still not received", "en", "refund_compensation"),
    ],
)
def test_finds_themes_through_inflections_and_compounds(text: str, lang: str, theme: str) -> None:
    assert theme in themes(text, lang)


def test_plain_mention_of_a_product_is_not_a_quality_theme() -> None:
    assert "product_quality" not in themes("Ostin kengät ja villasukat.", "fi")


def test_organisation_can_load_its_own_taxonomy(tmp_path: Path) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text(
        "version: '7'\nthemes:\n  sauna:\n    label: {fi: Sauna}\n"
        "    fi: [sauna*, '*löyly*', 'kuuma kiuas']\n",
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(path)
    words = [t.lower for t in tokenize("Saunassa hyvät löylyt ja kuuma kiuas")]
    assert taxonomy.version == "7"
    assert find_themes(words, "fi", taxonomy) == ["sauna"]


def test_malformed_taxonomy_names_the_theme(tmp_path: Path) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text("themes:\n  sauna:\n    fi: sauna\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="sauna"):
        load_taxonomy(path)


def test_a_theme_yields_to_the_one_it_describes_in_a_sentence() -> None:
    analyzer = Analyzer()
    assert analyzer.analyze("The driver was very friendly.", "en").themes == ("courier",)
    both = analyzer.analyze("The shop staff were friendly. The driver was late.", "en")
    assert {"courier", "staff_friendliness"} <= set(both.themes)


@pytest.mark.parametrize("yields", ["courier", "[nowhere]"])
def test_malformed_yields_to_names_the_theme(tmp_path: Path, yields: str) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text(
        f"themes:\n  sauna:\n    yields_to: {yields}\n    fi: [sauna*]\n", encoding="utf-8"
    )
    with pytest.raises(TaxonomyError, match="sauna.*yields_to"):
        load_taxonomy(path)


def test_a_weak_pattern_is_only_the_fallback_of_a_judging_clause() -> None:
    taxonomy = default_taxonomy()
    waited = [t.lower for t in tokenize("We waited over an hour for our table, terrible")]
    chair = [t.lower for t in tokenize("The chair is terrible")]
    assert find_themes(waited, "en", taxonomy, evaluative=True) == ["waiting_time"]
    assert find_themes(chair, "en", taxonomy, evaluative=True) == ["product_quality"]


def test_a_dish_named_in_passing_is_not_about_the_food() -> None:
    assert "food_quality" not in themes("Another 25 minute queue for a sandwich.", "en")
    assert "food_quality" in themes("The sandwich was stale.", "en")


def test_a_compound_no_pattern_names_is_read_by_its_head() -> None:
    assert "team_culture" in Analyzer().analyze("Mahtava työporukka!", "fi").themes


def test_warm_is_staff_manner_only_when_it_describes_a_welcome_or_service() -> None:
    assert themes("Takki on todella lämmin ja istuu hyvin.", "fi") == ["product_quality"]
    assert "staff_friendliness" in themes("Meidät otettiin lämpimästi vastaan.", "fi")
    assert "staff_friendliness" in themes("Lämmin vastaanotto ja hyvää ruokaa.", "fi")


def test_a_compound_with_another_head_is_not_the_furniture() -> None:
    assert "product_quality" not in themes("Pöytävaraus onnistui helposti.", "fi")
    assert "product_quality" in themes("Ruokapöytä heiluu ja naarmuuntui heti.", "fi")
    salad = Analyzer().analyze("Hyvä ja edullinen lounas, salaattipöytä monipuolinen.", "fi")
    assert "product_quality" not in salad.themes


def test_a_compound_a_weak_pattern_names_is_not_read_by_its_head_for_that_theme() -> None:
    taxonomy = parse_taxonomy(
        {
            "themes": {
                "checkout_payment": {"label": {"fi": "Maksu"}, "fi": ["maksu", "~*maksu"]},
                "website_usability": {"label": {"fi": "Sivusto"}, "fi": ["suodatin"]},
                "availability_stock": {"label": {"fi": "Saatavuus"}, "fi": ["~koko*"]},
            }
        }
    )
    assert find_themes(["maksu"], "fi", taxonomy) == ["checkout_payment"]
    assert find_themes(["toimistomaksu"], "fi", taxonomy) == []
    assert find_themes(["kokosuodatin"], "fi", taxonomy) == ["website_usability"]


def test_a_phrase_inside_a_longer_phrase_of_another_theme_is_part_of_it() -> None:
    taxonomy = parse_taxonomy(
        {
            "themes": {
                "product_quality": {"label": {"fi": "Tuote"}, "fi": ["ei vastaa kuvausta"]},
                "communication": {"label": {"fi": "Viestintä"}, "fi": ["ei vastaa"]},
            }
        }
    )
    described = ["tuote", "ei", "vastaa", "kuvausta"]
    assert find_themes(described, "fi", taxonomy) == ["product_quality"]
    assert find_themes(["kukaan", "ei", "vastaa"], "fi", taxonomy) == ["communication"]
