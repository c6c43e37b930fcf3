from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kokemus.metrics.anonymity import groups_to_withhold, withhold_in_tree


def test_groups_at_or_over_the_threshold_are_shown() -> None:
    assert groups_to_withhold({"sales": 5, "service": 12}) == set()


def test_one_small_group_takes_the_next_smallest_with_it() -> None:
    # Shown total 29 - sales 12 - service 15 would give logistics' 2 respondents.
    counts = {"sales": 12, "logistics": 2, "service": 15}
    assert groups_to_withhold(counts) == {"logistics", "sales"}
    assert groups_to_withhold(counts, total_shown=False) == {"logistics"}


def test_small_groups_that_add_up_to_the_threshold_cover_each_other() -> None:
    # Total minus shown gives logistics + hr together: 2 + 3 = 5 respondents, not one group.
    assert groups_to_withhold({"sales": 12, "logistics": 2, "hr": 3}) == {"logistics", "hr"}


def test_small_groups_under_the_threshold_together_take_one_more() -> None:
    counts = {"sales": 12, "logistics": 1, "hr": 2, "it": 9}
    assert groups_to_withhold(counts) == {"logistics", "hr", "it"}


def test_a_group_without_respondents_needs_no_cover() -> None:
    # marketing has no figure to show, but nobody can be read from it either.
    assert groups_to_withhold({"sales": 12, "marketing": 0, "service": 7}) == {"marketing"}


def test_the_threshold_is_a_parameter() -> None:
    assert groups_to_withhold({"a": 9, "b": 10, "c": 30}, threshold=10) == {"a", "b"}


@pytest.mark.parametrize(
    ("counts", "threshold", "message"),
    [({"a": -1}, 5, "negative count"), ({"a": 1}, 0, "threshold")],
)
def test_bad_counts_are_named(counts: dict[str, int], threshold: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        groups_to_withhold(counts, threshold=threshold)


# The tree tests use this organisation; counts are each unit's OWN respondents.
#   company
#   ├── sales ── north, south
#   └── service


def test_tree_one_small_child() -> None:
    parent_of = {"company": None, "sales": "company", "north": "sales", "south": "sales"}
    counts = {"company": 0, "sales": 0, "north": 3, "south": 20}
    # north (3) is withheld; sales (23) - south (20) would give it, so south goes too.
    assert withhold_in_tree(counts, parent_of) == {"north", "south"}


def test_tree_two_small_children_that_add_up() -> None:
    parent_of = {"sales": None, "north": "sales", "south": "sales", "east": "sales"}
    counts = {"sales": 0, "north": 2, "south": 3, "east": 20}
    # sales (25) - east (20) gives north and south together: 5, which may be shown.
    assert withhold_in_tree(counts, parent_of) == {"north", "south"}


def test_tree_a_parent_with_few_own_respondents() -> None:
    parent_of = {"sales": None, "north": "sales", "south": "sales"}
    counts = {"sales": 2, "north": 10, "south": 12}
    # sales (24) - north (10) - south (12) would give the 2 who answered for sales itself:
    # the smaller child is withheld, so the remainder is 2 + 10 = 12.
    assert withhold_in_tree(counts, parent_of) == {"north"}


def test_tree_a_chain_through_an_empty_unit() -> None:
    parent_of = {"company": None, "sales": "company", "north": "sales"}
    counts = {"company": 3, "sales": 0, "north": 6}
    # All n are at least 5 (9, 6, 6). Withholding sales alone would not do: company (9)
    # - north (6) still gives company's own 3, so north goes as well.
    assert withhold_in_tree(counts, parent_of) == {"sales", "north"}


def test_tree_a_chain_with_a_small_middle() -> None:
    parent_of = {"company": None, "sales": "company", "north": "sales"}
    counts = {"company": 10, "sales": 1, "north": 6}
    # sales (7) - north (6) gives sales' own 1: north is withheld; company (17) - sales (7)
    # leaves company's own 10, which may be shown.
    assert withhold_in_tree(counts, parent_of) == {"north"}


def test_tree_a_small_organisation_shows_nothing() -> None:
    parent_of = {"company": None, "sales": "company", "service": "company"}
    counts = {"company": 0, "sales": 2, "service": 2}
    assert withhold_in_tree(counts, parent_of) == {"company", "sales", "service"}


def test_tree_units_named_only_as_parents_have_no_own_respondents() -> None:
    assert withhold_in_tree({"north": 7, "south": 9}, {"north": "sales", "south": "sales"}) == (
        set()
    )


def test_tree_cycles_are_refused() -> None:
    with pytest.raises(ValueError, match="its own ancestor"):
        withhold_in_tree({"a": 9, "b": 9}, {"a": "b", "b": "a"})


@st.composite
def forests(draw: st.DrawFn) -> tuple[dict[int, int], dict[int, int | None]]:
    size = draw(st.integers(1, 14))
    parent_of: dict[int, int | None] = {0: None}
    for unit in range(1, size):
        parent_of[unit] = draw(st.one_of(st.none(), st.integers(0, unit - 1)))
    counts = {unit: draw(st.integers(0, 12)) for unit in range(size)}
    return counts, parent_of


def remainders(
    counts: dict[int, int], parent_of: dict[int, int | None], withheld: set[int]
) -> dict[int, int]:
    """Each shown unit's own respondents plus those of the withheld units it alone covers."""
    found: defaultdict[int, int] = defaultdict(int)
    for unit, n in counts.items():
        owner: int | None = unit
        while owner is not None and owner in withheld:
            owner = parent_of[owner]
        if owner is not None:
            found[owner] += n
    return found


def subtree_totals(counts: dict[int, int], parent_of: dict[int, int | None]) -> dict[int, int]:
    totals = dict.fromkeys(counts, 0)
    for unit, n in counts.items():
        current: int | None = unit
        while current is not None:
            totals[current] += n
            current = parent_of[current]
    return totals


@given(forests(), st.integers(1, 8))
def test_tree_no_shown_difference_isolates_a_small_group(
    forest: tuple[dict[int, int], dict[int, int | None]], threshold: int
) -> None:
    counts, parent_of = forest
    withheld = withhold_in_tree(counts, parent_of, threshold=threshold)
    totals = subtree_totals(counts, parent_of)
    assert {unit for unit, n in totals.items() if n < threshold} <= withheld
    for unit, left in remainders(counts, parent_of, withheld).items():
        assert unit not in withheld
        assert left == 0 or left >= threshold, (unit, left)


@given(st.lists(st.integers(0, 12), min_size=1, max_size=10), st.integers(1, 8))
def test_groups_are_a_tree_under_a_shown_total(sizes: list[int], threshold: int) -> None:
    counts = {f"group{i}": n for i, n in enumerate(sizes)}
    flat = groups_to_withhold(counts, threshold=threshold)
    parent_of: dict[str, str | None] = dict.fromkeys(counts, "total")
    tree = withhold_in_tree({**counts, "total": 0}, parent_of, threshold=threshold)
    assert flat == tree - {"total"}
    hidden = sum(counts[group] for group in flat)
    assert hidden == 0 or hidden >= threshold or flat == set(counts)
