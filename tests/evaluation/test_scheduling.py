"""When people are invited: the three time points, with a frozen clock (evaluation.scheduling
through ``surveys_invite_due``)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cohorts.models import CohortStatus, PlaceStatus
from cohorts.services.sessions import attendance_mark
from evaluation.models import Audience, SurveyInvitation, TimePoint
from evaluation.scheduling import add_months
from evaluation.services.surveys import surveys_invite_due
from outbox.models import EmailKind, OutgoingEmail
from tests.cohorts.factories import PlaceFactory
from tests.evaluation.conftest import DAY_1, DAY_2
from tests.workshops.factories import ProfessionalFactory
from workshops.models import Attendance

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY_1_STARTS = dt.datetime.combine(DAY_1, dt.time(9, 30), LONDON)
DAY_2_ENDS = dt.datetime.combine(DAY_2, dt.time(16, 0), LONDON)
MINUTE = dt.timedelta(minutes=1)


def invited(time_point=None):
    invitations = SurveyInvitation.objects.order_by("pk")
    if time_point:
        invitations = invitations.filter(time_point=time_point)
    return list(invitations)


def present_on(cohort, day, *people, present=True):
    workshop = cohort.workshops.get(day=day)
    for who in people:
        Attendance.objects.create(workshop=workshop, present=present, participant=who.participant)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 5, 31), 1, dt.date(2026, 6, 30)),
        (dt.date(2026, 4, 13), 6, dt.date(2026, 10, 13)),
        (dt.date(2026, 3, 15), 10, dt.date(2027, 1, 15)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


# --- Baseline ----------------------------------------------------------------------------------


def test_baseline_on_booking_closes_when_workshop_1_starts(clock, survey_cohort):
    cohort = survey_cohort()
    place = PlaceFactory(cohort=cohort, booked_at=timezone.now())

    assert surveys_invite_due() == 1

    [invitation] = invited()
    assert invitation.time_point == TimePoint.BASELINE
    assert invitation.participant == place.participant
    assert invitation.cohort == cohort
    assert invitation.questionnaire.audience == Audience.SCHOOL_STAFF
    assert invitation.questionnaire.is_published
    assert invitation.due_at == place.booked_at
    assert invitation.closes_at == DAY_1_STARTS
    assert invitation.sent_at == timezone.now()
    email = OutgoingEmail.objects.get(kind=EmailKind.SURVEY_INVITATION)
    assert email.recipient == place.attendee_email
    assert email.establishment == place.establishment
    assert email.concerns == invitation


def test_no_baseline_once_workshop_1_has_started(clock, survey_cohort):
    cohort = survey_cohort()
    PlaceFactory(cohort=cohort, booked_at=timezone.now())  # booked early, never scanned
    clock.move_to(DAY_1_STARTS)
    PlaceFactory(cohort=cohort, booked_at=timezone.now())  # booked too late

    assert surveys_invite_due() == 0
    assert invited() == []
    assert not OutgoingEmail.objects.exists()


def test_baseline_for_a_booking_made_just_before_workshop_1(clock, survey_cohort):
    cohort = survey_cohort()
    clock.move_to(DAY_1_STARTS - MINUTE)
    PlaceFactory(cohort=cohort, booked_at=timezone.now())

    assert surveys_invite_due() == 1
    assert invited()[0].closes_at == DAY_1_STARTS


def test_baseline_falls_back_to_when_the_place_was_made(clock, survey_cohort):
    place = PlaceFactory(cohort=survey_cohort(), booked_at=None)

    surveys_invite_due()

    assert invited()[0].due_at == place.created_at


@pytest.mark.parametrize(
    "status", [PlaceStatus.CANCELLED, PlaceStatus.WAITING, PlaceStatus.OFFERED]
)
def test_no_baseline_for_places_not_booked(clock, survey_cohort, status):
    extra = {"waiting_position": 1} if status == PlaceStatus.WAITING else {}
    if status == PlaceStatus.OFFERED:
        extra = {"offer_expires_at": timezone.now() + dt.timedelta(days=2)}
    PlaceFactory(cohort=survey_cohort(), status=status, **extra)

    assert surveys_invite_due() == 0
    assert invited() == []


def test_nobody_on_a_cancelled_cohort_is_asked(clock, survey_cohort):
    cohort = survey_cohort(status=CohortStatus.CANCELLED)
    PlaceFactory(cohort=cohort, booked_at=timezone.now())
    ProfessionalFactory(cohort=cohort)

    assert surveys_invite_due() == 0
    assert invited() == []


def test_professionals_get_a_baseline_from_when_they_were_added(clock, survey_cohort):
    cohort = survey_cohort()
    professional = ProfessionalFactory(cohort=cohort)

    assert surveys_invite_due() == 1

    [invitation] = invited()
    assert invitation.participant == professional.participant
    assert invitation.questionnaire.audience == Audience.PROFESSIONALS
    assert invitation.due_at == professional.created_at
    assert invitation.closes_at == DAY_1_STARTS
    email = OutgoingEmail.objects.get()
    assert email.recipient == professional.email
    assert email.establishment is None


def test_no_baseline_for_a_professional_added_after_workshop_1_started(clock, survey_cohort):
    cohort = survey_cohort()
    clock.move_to(DAY_1_STARTS + MINUTE)
    ProfessionalFactory(cohort=cohort)

    assert surveys_invite_due() == 0


# --- Post-programme ---------------------------------------------------------------------------


@pytest.fixture
def day_2_people(clock, survey_cohort):
    """A cohort after its workshop days, marked on day 2 as the register says."""
    cohort = survey_cohort(status=CohortStatus.RUNNING)
    there = PlaceFactory(cohort=cohort, status=PlaceStatus.ATTENDED_DAY_1)
    absent = PlaceFactory(cohort=cohort, status=PlaceStatus.ATTENDED_DAY_1)
    unmarked = PlaceFactory(cohort=cohort)
    completed = PlaceFactory(cohort=cohort, status=PlaceStatus.COMPLETED, completed_on=DAY_2)
    pro_there = ProfessionalFactory(cohort=cohort)
    pro_absent = ProfessionalFactory(cohort=cohort)
    present_on(cohort, 2, there, pro_there)
    present_on(cohort, 2, absent, pro_absent, present=False)
    return {
        "cohort": cohort,
        "there": there,
        "absent": absent,
        "unmarked": unmarked,
        "completed": completed,
        "pro_there": pro_there,
        "pro_absent": pro_absent,
    }


def test_post_falls_due_when_workshop_2_ends(clock, day_2_people):
    clock.move_to(DAY_2_ENDS - MINUTE)
    assert surveys_invite_due() == 0

    clock.move_to(DAY_2_ENDS)
    assert surveys_invite_due() == 3

    invitations = invited(TimePoint.POST)
    assert {i.participant_id for i in invitations} == {
        day_2_people["there"].participant_id,
        day_2_people["completed"].participant_id,
        day_2_people["pro_there"].participant_id,
    }
    for invitation in invitations:
        assert invitation.due_at == DAY_2_ENDS
        assert invitation.closes_at == DAY_2_ENDS + dt.timedelta(days=42)
        assert invitation.sent_at == DAY_2_ENDS
    assert invited() == invitations  # no late baseline, no follow-up yet
    assert OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_INVITATION).count() == 3


def test_late_attendance_marking_still_invites_while_open(clock, day_2_people):
    clock.move_to(DAY_2_ENDS + dt.timedelta(hours=1))
    surveys_invite_due()
    clock.shift(dt.timedelta(days=2))
    cohort, unmarked = day_2_people["cohort"], day_2_people["unmarked"]
    attendance_mark(workshop=cohort.workshops.get(day=2), place=unmarked, present=True)

    assert surveys_invite_due() == 1

    invitation = SurveyInvitation.objects.get(participant=unmarked.participant)
    assert invitation.time_point == TimePoint.POST
    assert invitation.due_at == DAY_2_ENDS  # when it fell due, not when it was marked
    assert invitation.sent_at == timezone.now()


def test_attendance_marked_after_the_post_survey_closed_invites_no_one(clock, day_2_people):
    clock.move_to(DAY_2_ENDS + dt.timedelta(days=42))
    cohort, unmarked = day_2_people["cohort"], day_2_people["unmarked"]
    attendance_mark(workshop=cohort.workshops.get(day=2), place=unmarked, present=True)

    assert surveys_invite_due() == 0
    assert not SurveyInvitation.objects.filter(participant=unmarked.participant).exists()


def test_a_cancelled_place_is_not_asked_after_the_programme(clock, day_2_people):
    there = day_2_people["there"]
    there.status, there.cancelled_at = PlaceStatus.CANCELLED, timezone.now()
    there.save()
    clock.move_to(DAY_2_ENDS)

    surveys_invite_due()

    assert not SurveyInvitation.objects.filter(participant=there.participant).exists()


# --- Follow-up ---------------------------------------------------------------------------------


def test_follow_up_six_months_after_workshop_2_ends(clock, day_2_people):
    follow_up = dt.datetime(2026, 10, 13, 16, 0, tzinfo=LONDON)
    clock.move_to(follow_up - MINUTE)
    assert surveys_invite_due() == 0

    clock.move_to(follow_up)
    assert surveys_invite_due() == 3

    invitations = invited(TimePoint.FOLLOW_UP)
    assert {i.participant_id for i in invitations} == {
        day_2_people["there"].participant_id,
        day_2_people["completed"].participant_id,
        day_2_people["pro_there"].participant_id,
    }
    assert {i.due_at for i in invitations} == {follow_up}
    assert {i.closes_at for i in invitations} == {follow_up + dt.timedelta(days=42)}
    email = OutgoingEmail.objects.filter(recipient=day_2_people["there"].attendee_email).get()
    assert "6 months after workshop 2" in email.body_text


def test_follow_up_months_come_from_the_settings(clock, day_2_people, settings):
    settings.LINK_SURVEY_FOLLOW_UP_MONTHS = 10
    clock.move_to(dt.datetime(2026, 10, 13, 16, 0, tzinfo=LONDON))
    assert surveys_invite_due() == 0

    clock.move_to(dt.datetime(2027, 2, 13, 16, 0, tzinfo=LONDON))  # GMT again
    assert surveys_invite_due() == 3
    assert {i.due_at for i in invited(TimePoint.FOLLOW_UP)} == {timezone.now()}


def test_follow_up_from_31_august_falls_due_on_the_last_day_of_february(clock, survey_cohort):
    cohort = survey_cohort(
        day_1=dt.date(2026, 7, 20), day_2=dt.date(2026, 8, 31), status=CohortStatus.RUNNING
    )
    place = PlaceFactory(
        cohort=cohort, status=PlaceStatus.COMPLETED, completed_on=dt.date(2026, 8, 31)
    )
    due = dt.datetime(2027, 2, 28, 16, 0, tzinfo=LONDON)
    clock.move_to(due - MINUTE)
    assert surveys_invite_due() == 0

    clock.move_to(due)
    assert surveys_invite_due() == 1
    [invitation] = invited(TimePoint.FOLLOW_UP)
    assert invitation.participant == place.participant
    assert invitation.due_at == due


def test_follow_up_closes_after_the_open_days(clock, day_2_people, settings):
    settings.LINK_SURVEY_OPEN_DAYS = 10
    clock.move_to(dt.datetime(2026, 10, 23, 16, 0, tzinfo=LONDON))

    assert surveys_invite_due() == 0
    assert invited() == []


def test_after_the_cohort_completes_those_present_at_workshop_2_are_still_asked(
    clock, day_2_people
):
    """Completing the cohort settles its places ("attended one day", "did not attend"); the
    post-programme survey still goes to exactly those present at workshop 2 (or completed)."""
    from cohorts.services.cohorts import cohort_mark_completed

    clock.move_to(DAY_2_ENDS - MINUTE)
    cohort_mark_completed(cohort=day_2_people["cohort"])
    for key in ("there", "absent", "unmarked", "completed"):
        day_2_people[key].refresh_from_db()
    # The register is what counts: this fixture records no day 1, only day 2.
    assert [day_2_people[key].status for key in ("there", "absent", "unmarked", "completed")] == [
        PlaceStatus.ATTENDED_ONE_DAY,
        PlaceStatus.DID_NOT_ATTEND,
        PlaceStatus.DID_NOT_ATTEND,
        PlaceStatus.COMPLETED,
    ]

    clock.move_to(DAY_2_ENDS)
    assert surveys_invite_due() == 3

    assert {i.participant_id for i in invited(TimePoint.POST)} == {
        day_2_people["there"].participant_id,
        day_2_people["completed"].participant_id,
        day_2_people["pro_there"].participant_id,
    }


# --- Time points from the delivery's sessions --------------------------------------------------


def test_a_cohort_with_only_workshop_1_saved_has_no_last_session_yet(clock, survey_cohort):
    """The last session is the cohort's last workshop day (``cohorts.rules``), not the last
    one saved: the end of workshop 1 asks no one "after the programme"."""
    cohort = survey_cohort()
    cohort.workshops.get(day=2).delete()
    place = PlaceFactory(cohort=cohort)
    present_on(cohort, 1, place)
    day_1_ends = dt.datetime.combine(DAY_1, dt.time(16, 0), LONDON)

    clock.move_to(day_1_ends + dt.timedelta(days=1))
    surveys_invite_due()

    assert not SurveyInvitation.objects.filter(time_point=TimePoint.POST).exists()


def test_each_participant_is_asked_the_questionnaire_of_their_kind(clock, survey_cohort):
    cohort = survey_cohort()
    place = PlaceFactory(cohort=cohort, booked_at=timezone.now())
    professional = ProfessionalFactory(cohort=cohort)

    assert surveys_invite_due() == 2

    audiences = {i.participant_id: i.questionnaire.audience for i in invited()}
    assert audiences == {
        place.participant_id: Audience.SCHOOL_STAFF,
        professional.participant_id: Audience.PROFESSIONALS,
    }


def test_a_facilitation_meeting_beside_a_cohort_asks_its_stakeholders_nothing(clock, survey_cohort):
    """An engagement's meetings are sessions too: the scan passes them by (it used to stop
    with a KeyError on the delivery kind it does not survey)."""
    from tests.facilitation.factories import EngagementFactory, StakeholderFactory
    from workshops.models import Workshop

    cohort = survey_cohort()
    place = PlaceFactory(cohort=cohort, booked_at=timezone.now())
    engagement = EngagementFactory()
    StakeholderFactory(engagement=engagement)
    Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=DAY_1,
        start_time=dt.time(10),
        end_time=dt.time(12),
        joining_link="https://meet.example.org/room",
    )

    assert surveys_invite_due() == 1
    assert [i.participant for i in invited()] == [place.participant]
