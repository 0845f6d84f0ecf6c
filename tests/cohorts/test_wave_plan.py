"""The plan binds in waves (issue 13, item 3): a planned school's invitation names its
planned cohort and dates; a wave can invite the plan of a phase; the preview flags schools
invited before (when, how, in which wave) and areas with no cohort open for booking, and
costs the same at 20 and at 2,000 schools."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cohorts.models import (
    Cohort,
    CohortStatus,
    Invitation,
    InvitationChannel,
    PlaceStatus,
    Wave,
    WaveAudience,
)
from cohorts.selectors import wave_targets
from cohorts.services.waves import WaveError, wave_dispatch, wave_launch, wave_preview
from cohorts.status_summary import programme_status_refresh
from outbox.models import EmailKind, OutgoingEmail
from schools.models import Establishment
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import (
    CohortFactory,
    InvitationFactory,
    PlaceFactory,
    WaveFactory,
    make_open_cohort,
)
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = pytest.mark.django_db
#: The draft wave's page with its preview, at any size (measured: 26 at 20 and at 2,000).
PREVIEW_QUERIES = 26


@pytest.fixture
def plan(clock):
    """Camden with one open cohort planned for two schools, a cohort not open yet planned for
    one, a school planned nowhere and one planned but booked elsewhere; Barnet with none open."""
    camden = LocalAuthorityFactory(name="Camden")
    barnet = LocalAuthorityFactory(name="Barnet")
    open_ = make_open_cohort(local_authority=camden, name="Camden 1", capacity=20)
    phase = open_.phase
    phase.local_authorities.add(camden, barnet)
    later = CohortFactory(phase=phase, local_authority=camden, name="Camden 2")
    school = lambda name, la=camden: EstablishmentFactory(  # noqa: E731
        la=la, name=name, contact_email=f"{name.split()[0].lower()}@school.example"
    )
    hill, dale, vale, free, booked = (
        school("Hill Primary"),
        school("Dale Primary"),
        school("Vale Primary"),
        school("Free Primary"),
        school("Booked Primary"),
    )
    open_.planned_establishments.add(hill, dale, booked)
    later.planned_establishments.add(vale)
    PlaceFactory(cohort=open_, establishment=booked, status=PlaceStatus.BOOKED)
    far = school("Far Primary", la=barnet)
    return {
        "phase": phase,
        "open": open_,
        "later": later,
        "camden": camden,
        "barnet": barnet,
        "schools": {s.name: s for s in (hill, dale, vale, free, booked, far)},
    }


def _wave(plan, **kwargs) -> Wave:
    return Wave.objects.create(name="Autumn", phase=plan["phase"], **kwargs)


def test_a_planned_schools_invitation_names_its_cohort_and_dates(plan):
    wave = _wave(plan)
    wave_launch(wave=wave)
    wave_dispatch(wave_id=wave.pk)

    emails = {
        e.establishment.name: e for e in OutgoingEmail.objects.filter(kind=EmailKind.INVITATION)
    }
    day_1, day_2 = plan["open"].workshops.order_by("day")
    hill = emails["Hill Primary"]
    assert "Hill Primary is planned into the cohort Camden 1" in hill.body_text
    assert f"Workshop 1: {day_1.date:%A} {day_1.date.day} {day_1.date:%B %Y}" in hill.body_text
    assert f"Workshop 2: {day_2.date:%A} {day_2.date.day} {day_2.date:%B %Y}" in hill.body_text
    assert "Book your place in Camden 1 here" in hill.body_text
    assert "<strong>Camden 1</strong>" in hill.body_html
    # Planned into a cohort not open yet, or planned nowhere: the invitation as before.
    for name in ("Vale Primary", "Free Primary", "Far Primary"):
        assert "planned into" not in emails[name].body_text
        assert "Choose a cohort and book your place" in emails[name].body_text
    assert "Booked Primary" not in emails  # holds a place


def test_inviting_the_plan_invites_only_schools_planned_into_open_cohorts(plan):
    wave = _wave(plan, audience=WaveAudience.PLAN)

    assert {s.name for s in wave_targets(wave=wave)} == {"Hill Primary", "Dale Primary"}
    preview = wave_preview(wave=wave)
    assert preview.recipients == 2
    assert preview.plan_left_out == [
        {"name": "Camden 2", "status": "Planned", "schools": 1, "booking_closed": False}
    ]
    assert "planned into the cohort Camden 1" in preview.sample_text

    wave_launch(wave=wave)
    assert wave_dispatch(wave_id=wave.pk) == 2
    assert wave_dispatch(wave_id=wave.pk) == 0  # twice: each school once
    assert set(
        Invitation.objects.filter(wave=wave).values_list("establishment__name", flat=True)
    ) == {
        "Hill Primary",
        "Dale Primary",
    }
    assert OutgoingEmail.objects.filter(kind=EmailKind.INVITATION).count() == 2


def test_a_plan_wave_with_no_planned_cohort_open_is_refused_with_why(plan):
    Cohort.objects.filter(pk=plan["open"].pk).update(status=CohortStatus.PLANNED)
    wave = _wave(plan, audience=WaveAudience.PLAN)

    with pytest.raises(WaveError, match="open its planned cohorts first"):
        wave_launch(wave=wave)
    assert wave_preview(wave=wave).recipients == 0
    assert [c["name"] for c in wave_preview(wave=wave).plan_left_out] == ["Camden 1", "Camden 2"]


def test_the_preview_flags_schools_invited_before_with_when_and_how(plan, clock):
    earlier = WaveFactory(name="Pilot wave", phase=plan["phase"])
    hill = plan["schools"]["Hill Primary"]
    when = timezone.now() - dt.timedelta(days=30)
    InvitationFactory(
        wave=earlier,
        establishment=hill,
        channel=InvitationChannel.EMAIL,
        invited_at=when - dt.timedelta(days=30),
    )
    InvitationFactory(
        wave=WaveFactory(name="Phone round", phase=plan["phase"]),
        establishment=hill,
        channel=InvitationChannel.PHONE,
        invited_at=when,
    )
    wave = _wave(plan)

    preview = wave_preview(wave=wave)

    assert preview.invited_before == 1
    (row,) = preview.invited_before_sample
    assert (row.establishment, row.invited_at, row.channel, row.wave_name, row.times) == (
        hill,
        when,
        "Phone",
        "Phone round",
        2,
    )


def test_the_preview_flags_areas_with_no_open_cohort(plan):
    preview = wave_preview(wave=_wave(plan))

    assert preview.areas_without_open_cohort == [{"la__name": "Barnet", "schools": 1}]
    Cohort.objects.filter(pk=plan["open"].pk).update(status=CohortStatus.FULL)
    flagged = wave_preview(wave=_wave(plan)).areas_without_open_cohort
    assert flagged == [{"la__name": "Barnet", "schools": 1}, {"la__name": "Camden", "schools": 4}]


def test_the_wave_page_creates_a_plan_wave_and_shows_what_the_preview_flags(client, plan):
    InvitationFactory(
        wave=WaveFactory(name="Pilot wave", phase=plan["phase"]),
        establishment=plan["schools"]["Hill Primary"],
        channel=InvitationChannel.PAPER,
    )
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.post(
        reverse("cohorts:wave-create"),
        {"name": "Invite the plan", "phase": plan["phase"].pk, "audience": "plan"},
    )

    wave = Wave.objects.get(name="Invite the plan")
    assert response.status_code == 302 and wave.audience == WaveAudience.PLAN
    page = client.get(reverse("cohorts:wave-detail", args=[wave.pk])).content.decode()
    assert "This wave invites the plan" in page
    assert "Camden 2" in page and "Schools left out" in page
    assert "Hill Primary" in page and "Paper (letter)" in page and "Pilot wave" in page
    assert "Every school of this wave has a cohort open for booking in its area." in page
    # An audience that is not one is refused, and nothing is saved.
    response = client.post(
        reverse("cohorts:wave-create"),
        {"name": "Odd", "phase": plan["phase"].pk, "audience": "everyone"},
    )
    assert response.status_code == 200 and not Wave.objects.filter(name="Odd").exists()


def _many(plan, schools: int) -> Wave:
    """``schools`` more schools in Camden, planned 20 to an open cohort, each invited before
    in another wave; and a draft wave inviting the plan."""
    built = Establishment.objects.bulk_create(
        EstablishmentFactory.build_batch(
            schools, la=plan["camden"], contact_email="x@school.example"
        ),
        batch_size=1000,
    )
    through = Cohort.planned_establishments.through
    through.objects.bulk_create(
        [through(cohort_id=plan["open"].pk, establishment_id=s.pk) for s in built], batch_size=2000
    )
    earlier = WaveFactory(name="Earlier", phase=plan["phase"])
    Invitation.objects.bulk_create(
        [
            Invitation(
                wave=earlier,
                establishment=s,
                channel=InvitationChannel.EMAIL,
                invited_at=timezone.now(),
            )
            for s in built
        ],
        batch_size=2000,
    )
    programme_status_refresh(s.pk for s in built)  # as the wave's own bulk writes do
    return _wave(plan, audience=WaveAudience.PLAN)


@pytest.mark.parametrize("schools", [20, 2000])
def test_the_preview_page_costs_the_same_at_20_and_2000_schools(
    client, plan, schools, django_assert_max_num_queries
):
    wave = _many(plan, schools)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    started = time.perf_counter()
    with django_assert_max_num_queries(PREVIEW_QUERIES) as captured:
        page = client.get(reverse("cohorts:wave-detail", args=[wave.pk])).content.decode()
    elapsed = time.perf_counter() - started

    assert f"{schools:,} of this wave's schools were invited in another wave" in page
    assert "is planned into the cohort Camden 1" in page  # the sample message
    in_sql = sum(float(query["time"]) for query in captured.captured_queries)
    print(
        f"\nwave preview, {schools} schools planned and invited before: "
        f"{len(captured)} queries ({in_sql * 1000:.0f} ms in SQL), {elapsed * 1000:.0f} ms"
    )
