"""The statistics of the reports, checked against figures worked out by hand."""

import pytest

from evaluation.stats import paired_change, t_critical


def test_paired_change_matches_a_worked_example():
    """Six people rate one statement at baseline (A) and at follow-up (B).

    person   A  B  difference B - A
      1      2  4   2
      2      3  4   1
      3      2  3   1
      4      4  4   0
      5      1  3   2
      6      3  5   2

    mean at A = 15 / 6 = 2.5; mean at B = 23 / 6 = 3.8333
    mean difference = 8 / 6 = 1.3333
    deviations from it: 0.6667, -0.3333, -0.3333, -1.3333, 0.6667, 0.6667
    sum of squares = 0.4444 + 0.1111 + 0.1111 + 1.7778 + 0.4444 + 0.4444 = 3.3333
    sd = sqrt(3.3333 / 5) = sqrt(0.6667) = 0.8165
    standard error = 0.8165 / sqrt(6) = 0.8165 / 2.4495 = 0.3333
    t(0.975, 5 df) = 2.5706 (from a printed table)
    half-width = 2.5706 * 0.3333 = 0.8569
    95% CI = 1.3333 - 0.8569 to 1.3333 + 0.8569 = 0.4765 to 2.1902
    """
    pairs = [(2, 4), (3, 4), (2, 3), (4, 4), (1, 3), (3, 5)]

    change = paired_change(pairs)

    assert change.n == 6
    assert change.mean_a == pytest.approx(2.5)
    assert change.mean_b == pytest.approx(3.8333, abs=1e-4)
    assert change.mean_change == pytest.approx(1.3333, abs=1e-4)
    assert change.sd == pytest.approx(0.8165, abs=1e-4)
    assert change.ci_low == pytest.approx(0.4765, abs=1e-4)
    assert change.ci_high == pytest.approx(2.1902, abs=1e-4)


def test_the_t_value_is_the_printed_one():
    assert t_critical(5) == pytest.approx(2.5706, abs=1e-4)
    assert t_critical(29) == pytest.approx(2.0452, abs=1e-4)


def test_one_pair_has_a_change_but_no_interval_and_none_has_nothing():
    one = paired_change([(2, 5)])
    assert (one.n, one.mean_change, one.ci_low, one.ci_high) == (1, 3, None, None)
    assert paired_change([]).mean_change is None


def test_no_spread_gives_a_zero_width_interval():
    change = paired_change([(1, 2)] * 5)
    assert (change.ci_low, change.ci_high) == (1, 1)


@pytest.mark.parametrize(
    "value", [0, -0.0, -0.001, 0.005, 0.015, 1.005, 2.675, -1.5, 12.3456, -0.005, 99.995, 3]
)
@pytest.mark.parametrize("decimals", [1, 2])
def test_the_report_figures_are_written_as_floatformat_writes_them(value, decimals):
    """The report's own formatting (a tag, ten times as fast) writes what Django's
    floatformat filter wrote: halves up on the number as written, never "-0.00"."""
    from django.template.defaultfilters import floatformat

    from evaluation.templatetags.report_cells import fixed

    assert fixed(value, decimals) == floatformat(value, decimals)
