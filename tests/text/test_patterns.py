from kokemus.text.lexicon import Entry, build_lexicon
from kokemus.text.patterns import PatternIndex, PhrasePatterns, WordPatterns


def table(*patterns: tuple[str, str]) -> WordPatterns:
    words = WordPatterns()
    for pattern, key in patterns:
        words.add(pattern, key)
    return words


def test_an_index_answers_each_table_as_the_table_would() -> None:
    first = table(("toimitus*", "delivery"), ("*vaurio*", "damage"), ("kuski", "courier"))
    second = table(("toimitus", "phrase-1"), ("*", "any"), ("*sti", "manner"))
    words = ["toimituksen", "kuljetusvaurio", "kuski", "nopeasti", "kissa"]
    expected = [[t.keys_for(w, "fi") for t in (first, second)] for w in words]
    PatternIndex([first, second])
    assert [[t.keys_for(w, "fi") for t in (first, second)] for w in words] == expected


def test_a_table_changed_after_indexing_answers_for_itself() -> None:
    first, second = table(("hinta*", "price")), table(("lasku*", "billing"))
    PatternIndex([first, second])
    first.add("kallis*", "price")
    assert first.keys_for("kallista", "fi") == {"price"}
    assert second.keys_for("laskussa", "fi") == {"billing"}


def test_a_surface_pattern_matches_that_word_and_not_its_lemma() -> None:
    words = table(("late", "lemma"), ("=later", "surface"))
    assert words.keys_for("later", "en") == {"lemma", "surface"}
    assert words.keys_for("late", "en") == {"lemma"}
    PatternIndex([words, table(("shop", "store"))])
    assert words.keys_for("later", "en") == {"lemma", "surface"}


def test_a_surface_part_of_a_phrase_matches_that_word_only() -> None:
    phrases = PhrasePatterns()
    phrases.add("days =late", "delivery")
    phrases.add("=shop around", "price")
    assert [key for key, _, _ in phrases.find(["two", "days", "late"], "en")] == ["delivery"]
    assert list(phrases.find(["two", "days", "later"], "en")) == []
    assert list(phrases.find(["shopping", "around"], "en")) == []
    assert [key for key, _, _ in phrases.find(["shop", "around"], "en")] == ["price"]


def test_a_surface_word_in_the_lexicon_is_that_word_only() -> None:
    lexicon = build_lexicon("en", ["=later\t-1", "shop\t1"])
    assert lexicon.lookup("later") == Entry(-1.0, 0.4)
    assert lexicon.lookup("shopping") == Entry(1.0, -0.8)
    assert lexicon.lookup("late") is None
