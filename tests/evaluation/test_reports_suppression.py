"""The suppression rules on their own: small cells, and cells that a total would give away."""

import pytest
from django.test import override_settings

from evaluation.suppression import SECONDARY, SMALL, count, guarded, suppress_row


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
