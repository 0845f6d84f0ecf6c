"""The suppression rules on their own: small cells, cells that a total would give away, and
response counts made of cells that each count for one fixed number."""

import pytest
from django.test import override_settings

from evaluation.models import Audience, TimePoint
from evaluation.suppression import (
    SECONDARY,
    SMALL,
    ResponseCell,
    count,
    guarded,
    released_count,
    responses,
    suppress_row,
)


def shown_values(cells):
    return [cell.value if not cell.hidden else cell.reason for cell in cells]


def test_fewer_than_five_is_never_shown():
    assert str(count(4)) == "fewer than 5"
    assert count(4).value is None
    assert str(count(0)) == "fewer than 5"
    assert count(5).value == 5
    assert guarded(3.25, respondents=4).export() == "fewer than 5"
    assert guarded(3.25, respondents=5).export() == 3.25


@override_settings(LINK_SURVEY_MIN_CELL=10)
def test_the_threshold_is_configurable():
    assert str(count(9)) == "fewer than 10"


def test_a_lone_small_count_takes_the_next_smallest_with_it():
    # yes 8, no 2, total 10 shown: "no" would be 10 - 8.
    cells, total = suppress_row([8, 2])
    assert shown_values(cells) == [SECONDARY, SMALL]
    assert total.value == 10


def test_hidden_zeros_are_not_left_summing_to_nothing():
    # Everyone chose the last answer: the four zeros would follow from the total.
    cells, total = suppress_row([0, 0, 0, 0, 20])
    assert shown_values(cells) == [SMALL, SMALL, SMALL, SMALL, SECONDARY]
    assert total.value == 20


def test_two_small_counts_that_cannot_be_pinned_stay_as_they_are():
    cells, total = suppress_row([3, 2, 10, 12])
    assert shown_values(cells) == [SMALL, SMALL, 10, 12]
    assert total.value == 27


def test_small_counts_at_their_largest_are_given_away_by_the_total():
    # 4 + 4 = 8 hidden: both must be 4, the most "fewer than 5" allows.
    cells, _ = suppress_row([4, 4, 10])
    assert shown_values(cells) == [SMALL, SMALL, SECONDARY]


def test_when_every_count_would_still_be_known_the_total_goes_too():
    cells, total = suppress_row([5, 0])
    assert shown_values(cells) == [SECONDARY, SMALL]
    assert total.hidden


def test_a_small_total_hides_the_row():
    cells, total = suppress_row([2, 2])
    assert all(cell.hidden for cell in cells)
    assert total.hidden


@pytest.mark.parametrize("counts", [[5, 6], [7, 9, 12], [5, 5, 5, 5, 5]])
def test_large_counts_are_all_shown(counts):
    cells, total = suppress_row(counts)
    assert shown_values(cells) == counts
    assert total.value == sum(counts)


# --- Response counts: each small cell counts as 0 or 5, fixed once (rule 4) ---------------

CELLS = [f"cell-{n}" for n in range(2000)]


def test_a_cell_of_five_or_more_counts_exactly():
    assert [released_count(n, 40, cell="c") for n in (5, 6, 12, 40)] == [5, 6, 12, 40]


@pytest.mark.parametrize("responded", [1, 2, 3, 4])
def test_a_small_cell_counts_as_0_or_5_and_right_on_average(responded):
    released = [released_count(responded, 8, cell=cell) for cell in CELLS]

    assert set(released) == {0, 5}  # either can come from any count 1 to 4
    assert sum(released) / len(released) == pytest.approx(responded, abs=0.25)


def test_a_cell_nobody_answered_counts_as_0_like_many_that_somebody_did():
    assert {released_count(0, 8, cell=cell) for cell in CELLS} == {0}
    assert 0 in {released_count(4, 8, cell=cell) for cell in CELLS}


def test_a_small_cell_never_counts_for_more_than_its_invitations():
    assert {released_count(2, 3, cell=cell) for cell in CELLS} == {0, 3}
    assert {released_count(3, 3, cell=cell) for cell in CELLS} == {3}
    assert {released_count(1, 3, cell=cell) for cell in CELLS} == {0, 3}
    # One invitation: counting it as 1 would say that person answered.
    assert {released_count(1, 1, cell=cell) for cell in CELLS} == {0}


def test_a_cells_draw_is_fixed_and_secret():
    first = [released_count(2, 8, cell=cell) for cell in CELLS[:200]]
    assert first == [released_count(2, 8, cell=cell) for cell in CELLS[:200]]
    with override_settings(SECRET_KEY="another secret key, another draw " * 2):
        assert first != [released_count(2, 8, cell=cell) for cell in CELLS[:200]]


def response_cell(cohort_id, responded, invited=10):
    return ResponseCell(
        cohort_id=cohort_id,
        audience=Audience.SCHOOL_STAFF,
        time_point=TimePoint.BASELINE,
        responded=responded,
        invited=invited,
    )


def test_a_responses_figure_needs_one_cell_of_five():
    small, other_small, big = response_cell(1, 3), response_cell(2, 4), response_cell(3, 12)

    assert str(responses([small])) == "fewer than 5"
    assert str(responses([small, other_small])) == "hidden"  # 7, or 2: nobody can tell
    assert responses([big, small]).value == 12 + small.released
    assert str(responses([])) == "fewer than 5"
    assert responses([response_cell(4, 0, invited=0), big]).value == 12
