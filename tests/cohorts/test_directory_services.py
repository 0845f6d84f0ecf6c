"""local_professionals_add_to_cohorts: each through professional_add, all or nothing, no one
twice, and no new professionals on a completed or cancelled cohort."""

import pytest

from cohorts.errors import CohortError
from cohorts.models import CohortStatus
from cohorts.services.directory import local_professionals_add_to_cohorts
from tests.cohorts.factories import CohortFactory
from tests.workshops.factories import LocalProfessionalFactory
from workshops.models import Professional

pytestmark = pytest.mark.django_db


def test_all_to_all_then_nobody_twice():
    people = LocalProfessionalFactory.create_batch(2)
    cohorts = CohortFactory.create_batch(2)
    first = local_professionals_add_to_cohorts(professionals=people, cohorts=cohorts)
    assert (len(first.added), len(first.already)) == (4, 0)
    again = local_professionals_add_to_cohorts(professionals=people, cohorts=cohorts)
    assert (len(again.added), len(again.already)) == (0, 4)
    assert Professional.objects.count() == 4


@pytest.mark.parametrize("status", [CohortStatus.COMPLETED, CohortStatus.CANCELLED])
def test_a_closed_cohort_refuses_and_nothing_is_added(status):
    people = LocalProfessionalFactory.create_batch(2)
    open_one = CohortFactory()
    closed = CohortFactory(status=status, name="Closed cohort")
    with pytest.raises(CohortError, match="Closed cohort: a completed or cancelled cohort"):
        local_professionals_add_to_cohorts(professionals=people, cohorts=[open_one, closed])
    assert not Professional.objects.exists()


def test_a_refusal_half_way_undoes_the_rest():
    good = LocalProfessionalFactory()
    bad = LocalProfessionalFactory.build(email="not an address", name="Bad")
    with pytest.raises(Exception, match="Email"):
        local_professionals_add_to_cohorts(professionals=[good, bad], cohorts=[CohortFactory()])
    assert not Professional.objects.exists()


def test_nothing_chosen_is_refused():
    with pytest.raises(CohortError, match="at least one professional"):
        local_professionals_add_to_cohorts(professionals=[], cohorts=[CohortFactory()])
