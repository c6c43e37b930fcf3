from kokemus.text.patterns import PatternIndex, WordPatterns


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
