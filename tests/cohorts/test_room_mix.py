"""Who is in the room (issue 13, item 7): each workshop's register shows the mix by sector
(school staff, NHS CYPMHS, local authority, voluntary and community sector), those present
once it is marked and those expected before; the cohort page warns of a workshop without an
NHS CYPMHS professional. The page, and the booking-by-phone page, cost the same at 2 or 40."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import PlaceStatus
from cohorts.services.cohorts import cohort_mark_running
from tests.cohorts.factories import PlaceFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.models import Attendance, OrganisationType

pytestmark = pytest.mark.django_db

#: As tests/cohorts/test_coordinator.py's DETAIL_QUERIES: the sector mix costs none more.
DETAIL_QUERIES = 12
#: Session, user, roles, the cohort (annotated), the schools to choose from, the menu's roles.
BOOK_QUERIES = 7

TYPES = [
    OrganisationType.NHS_CYPMHS,
    OrganisationType.LOCAL_AUTHORITY,
    OrganisationType.VCS,
    OrganisationType.OTHER,
]


def _cohort(people: int):
    """A running cohort, workshop 1 today: ``people`` schools and ``people`` professionals
    (sectors in turn), the first half of each recorded present at workshop 1."""
    cohort = make_open_cohort(capacity=20)
    places = [PlaceFactory(cohort=cohort) for _ in range(people)]
    professionals = [
        ProfessionalFactory(cohort=cohort, organisation_type=TYPES[n % 4]) for n in range(people)
    ]
    cohort_mark_running(cohort=cohort)
    day_1 = cohort.workshops.get(day=1)
    day_1.date = timezone.localdate()
    day_1.save()
    for person in places[: (people + 1) // 2] + professionals[: (people + 1) // 2]:
        Attendance.objects.create(workshop=day_1, participant=person.participant)
    for person in places[(people + 1) // 2 :] + professionals[(people + 1) // 2 :]:
        Attendance.objects.create(workshop=day_1, participant=person.participant, present=False)
    return cohort


@pytest.mark.parametrize("people", [1, 20], ids=["2 participants", "40 participants"])
def test_the_cohort_page_with_its_register_costs_the_same_at_2_and_40_participants(
    admin_client, django_assert_max_num_queries, clock, people
):
    cohort = _cohort(people)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = admin_client.get(reverse("cohorts:detail", args=[cohort.pk]))
    mix = dict(response.context["sector_mix"])
    present = (people + 1) // 2
    # Workshop 1 is marked: those present; workshop 2 is not: everyone expected.
    assert mix["School staff"] == [present, people]
    cypmhs_present = len([n for n in range(present) if n % 4 == 0])
    assert mix["NHS CYPMHS"] == [cypmhs_present, len([n for n in range(people) if n % 4 == 0])]
    assert sum(counts[1] for counts in mix.values()) == 2 * people


def test_a_workshop_without_a_cypmhs_professional_is_warned_of(admin_client, clock):
    cohort = make_open_cohort()
    PlaceFactory(cohort=cohort)
    ProfessionalFactory(cohort=cohort, organisation_type=OrganisationType.VCS)
    url = reverse("cohorts:detail", args=[cohort.pk])

    page = admin_client.get(url)
    assert page.context["no_cypmhs"] == {"expected": [1, 2], "present": []}
    assert "Workshops 1 and 2 have no NHS CYPMHS professional." in page.content.decode()

    ProfessionalFactory(cohort=cohort, organisation_type=OrganisationType.NHS_CYPMHS)
    page = admin_client.get(url)
    assert page.context["no_cypmhs"] == {"expected": [], "present": []}
    assert "no NHS CYPMHS professional" not in page.content.decode()


def test_a_cypmhs_professional_absent_on_the_day_is_warned_of_after_the_register(
    admin_client, clock
):
    cohort = make_open_cohort()
    place = PlaceFactory(cohort=cohort)
    cypmhs = ProfessionalFactory(cohort=cohort, organisation_type=OrganisationType.NHS_CYPMHS)
    cohort_mark_running(cohort=cohort)
    day_1 = cohort.workshops.get(day=1)
    Attendance.objects.create(workshop=day_1, participant=place.participant)
    Attendance.objects.create(workshop=day_1, participant=cypmhs.participant, present=False)

    page = admin_client.get(reverse("cohorts:detail", args=[cohort.pk]))

    assert page.context["no_cypmhs"] == {"expected": [], "present": [1]}
    assert "Workshop 1 had no NHS CYPMHS professional present." in page.content.decode()


@pytest.mark.parametrize("schools", [2, 40])
def test_the_booking_by_phone_page_costs_the_same_at_2_and_40_schools(
    admin_client, django_assert_max_num_queries, clock, schools
):
    cohort = make_open_cohort()
    for _ in range(schools):
        EstablishmentFactory(la=cohort.local_authority)
    PlaceFactory(cohort=cohort, status=PlaceStatus.BOOKED)  # holds a place: not offered
    with django_assert_max_num_queries(BOOK_QUERIES):
        response = admin_client.get(reverse("cohorts:place-book-phone", args=[cohort.pk]))
    assert len(response.context["form"].fields["establishment"].queryset) == schools
