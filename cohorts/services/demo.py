"""Demo cohorts for ``seed_demo``: one delivered, one taking bookings, one planned; schools
planned into the last two, and a draft wave that invites the plan.

Written straight to the tables, not through the booking services: a demo needs a cohort
whose workshops are already over, which the services rightly refuse to create. Only for
the demo site (``make run``); idempotent, keyed by the demo phase's name.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from cohorts.models import Cohort, CohortStatus, Phase, Place, PlaceStatus, Wave, WaveAudience
from cohorts.status_summary import programme_status_refresh
from schools.models import Establishment, LocalAuthority, MHSTArea, eligible_q
from workshops.models import (
    Attendance,
    LocalProfessional,
    OrganisationType,
    Participant,
    ParticipantKind,
    Professional,
    Venue,
    Workshop,
)

DEMO_PHASE = "Phase 1 (demo)"
DELIVERED_SCHOOLS = 18
BOOKED_SCHOOLS = 9
#: Schools planned into the open and the planned cohort, not booked: what "invite the plan" invites.
PLANNED_SCHOOLS = 10
DEMO_PLAN_WAVE = "Invite the plan (demo)"
#: Six professionals per cohort: enough for their answers to be reported (groups of 5 or more).
PROFESSIONALS = (
    ("CYPMHS clinician", "NHS CYPMHS", OrganisationType.NHS_CYPMHS),
    ("Mental health practitioner", "NHS CYPMHS", OrganisationType.NHS_CYPMHS),
    ("Educational psychologist", "Local authority", OrganisationType.LOCAL_AUTHORITY),
    ("Early help worker", "Local authority", OrganisationType.LOCAL_AUTHORITY),
    ("Family support worker", "Community charity", OrganisationType.VCS),
    ("Youth counsellor", "Community charity", OrganisationType.VCS),
)


#: The demo area's venue directory: name, address, capacity, accessibility, and the offset
#: (metres east, north) from the middle of its schools, so the planning helper suggests them.
DEMO_VENUES = (
    ("Civic Centre", "Town Hall", 80, "Step-free entrance, lift, hearing loop.", (0, 0)),
    ("Central Library", "Library Square", 40, "Step-free; accessible toilet.", (2500, 1500)),
    ("Teachers' Centre", "Education Offices", 60, "Ramp at the side entrance.", (-3000, -2000)),
)
#: The demo area's local professionals: name, role, organisation, sector.
DEMO_LOCAL_PROFESSIONALS = (
    ("Dr Asha Rao", "Consultant psychiatrist", "CYPMHS", OrganisationType.NHS_CYPMHS),
    ("Tom Hughes", "Primary mental health worker", "CYPMHS", OrganisationType.NHS_CYPMHS),
    ("Grace Obi", "Educational psychologist", "Council", OrganisationType.LOCAL_AUTHORITY),
    ("Leah Moss", "Early help coordinator", "Council", OrganisationType.LOCAL_AUTHORITY),
    ("Sam Patel", "Youth wellbeing lead", "Young Minds Matter", OrganisationType.VCS),
)


def _directory(la: LocalAuthority) -> None:
    """A few venues (placed among the LA's schools where GIAS gives positions) and local
    professionals for the demo LA; left alone where they exist already."""
    middle = Establishment.objects.filter(la=la, easting__isnull=False).aggregate(
        east=Avg("easting"), north=Avg("northing")
    )
    for name, address, capacity, access, (east, north) in DEMO_VENUES:
        position = (
            {"easting": int(middle["east"]) + east, "northing": int(middle["north"]) + north}
            if middle["east"] is not None
            else {}
        )
        Venue.objects.get_or_create(
            name=f"{la.name} {name}",
            local_authority=la,
            mhst_area=None,
            defaults={
                "address": f"{address}, {la.name}",
                "capacity": capacity,
                "accessibility": access,
                **position,
            },
        )
    slug = la.name.lower().replace(" ", "-")
    for name, role, organisation, sector in DEMO_LOCAL_PROFESSIONALS:
        LocalProfessional.objects.get_or_create(
            email=f"{name.split()[-1].lower()}.{slug}@example.org",
            local_authority=la,
            mhst_area=None,
            defaults={
                "name": name,
                "role": role,
                "organisation": f"{la.name} {organisation}",
                "sector": sector,
            },
        )


@dataclass
class DemoCohorts:
    created: bool = False
    delivered: Cohort | None = None
    open: Cohort | None = None


def _weekday(day: dt.date) -> dt.date:
    """``day``, or the Monday after it if it falls at a weekend: workshops run on weekdays."""
    return day + dt.timedelta(days={5: 2, 6: 1}.get(day.weekday(), 0))


def _workshops(cohort: Cohort, day_1: dt.date) -> list[Workshop]:
    """Workshop 1 on ``day_1`` (or the next weekday), workshop 2 six weeks later: the same
    weekday."""
    day_1 = _weekday(day_1)
    return [
        Workshop.objects.create(
            delivery=cohort.delivery,
            day=day,
            date=day_1 + dt.timedelta(days=42 * (day - 1)),
            start_time=dt.time(9, 30),
            end_time=dt.time(15, 30),
        )
        for day in (1, 2)
    ]


def _professionals(cohort: Cohort, label: str) -> list[Professional]:
    return [
        Professional.objects.create(
            delivery=cohort.delivery,
            name=f"{role} ({label})",
            organisation=organisation,
            organisation_type=kind,
            email=f"{role.lower().replace(' ', '.')}.{label.lower().replace(' ', '-')}@example.org",
        )
        for role, organisation, kind in PROFESSIONALS
    ]


def _places(cohort: Cohort, schools, status: str, booked_at) -> list[Place]:
    schools = list(schools)
    participants = Participant.objects.bulk_create(
        Participant(delivery_id=cohort.delivery_id, kind=ParticipantKind.SCHOOL_ATTENDEE)
        for _ in schools
    )
    places = Place.objects.bulk_create(
        Place(
            cohort=cohort,
            participant=participant,
            establishment=school,
            attendee_name=f"Demo lead {school.urn}",
            attendee_role="Senior mental health lead",
            attendee_email=school.contact_email or f"lead.{school.urn}@example.org",
            status=status,
            booked_at=booked_at,
            completed_on=cohort.workshops.get(day=2).date
            if status == PlaceStatus.COMPLETED
            else None,
        )
        for school, participant in zip(schools, participants, strict=True)
    )
    programme_status_refresh(school.pk for school in schools)
    return places


def _access_needs(places: list[Place], needs: str) -> None:
    """Some attendees gave access needs (and agreed to their keeping): the retention
    preview shows them falling due 30 days after their cohort's last workshop."""
    Place.objects.filter(pk__in=[place.pk for place in places]).update(access_needs=needs)


def _phase_areas(phase: Phase) -> None:
    """The demo phase covers every demo LA and the MHST areas in them, so every role can plan
    and invite in it (a phase with no areas reaches no school). Left alone once it has any."""
    if phase.local_authorities.exists() or phase.mhst_areas.exists():
        return
    las = LocalAuthority.objects.filter(
        pk__in=Establishment.objects.filter(la__isnull=False).values("la")
    )
    phase.local_authorities.set(las)
    phase.mhst_areas.set(MHSTArea.objects.filter(local_authorities__in=las).distinct())


@transaction.atomic
def demo_cohorts_seed(*, today: dt.date | None = None) -> DemoCohorts:
    """A delivered cohort (both days attended), an open one with bookings and a planned one,
    in the demo LA with the most eligible schools. Does nothing if the demo phase exists."""
    today = today or timezone.localdate()
    existing = Phase.objects.filter(name=DEMO_PHASE).first()
    if existing is not None:
        _phase_areas(existing)  # a demo seeded before phases had areas gets them now
        cohorts = {c.status: c for c in existing.cohorts.all()}
        if (la := next((c.local_authority for c in cohorts.values()), None)) is not None:
            _directory(la)  # a demo seeded before the directory existed gets one now
        return DemoCohorts(
            delivered=cohorts.get(CohortStatus.COMPLETED), open=cohorts.get(CohortStatus.OPEN)
        )
    la = (
        LocalAuthority.objects.annotate(
            schools=Count("establishments", filter=eligible_q("establishments__"))
        )
        .order_by("-schools", "name")
        .first()
    )
    if la is None:
        return DemoCohorts()
    phase = Phase.objects.create(
        name=DEMO_PHASE,
        start_date=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=300),
    )
    _phase_areas(phase)
    schools = list(
        Establishment.objects.eligible()
        .filter(la=la)
        .order_by("urn")[: DELIVERED_SCHOOLS + BOOKED_SCHOOLS + PLANNED_SCHOOLS]
    )
    # The plan: schools planned into the open cohort (offered it first on their booking page)
    # and into the planned one, not booked yet; a draft wave invites them.
    planned_schools = schools[DELIVERED_SCHOOLS + BOOKED_SCHOOLS :]
    schools = schools[: DELIVERED_SCHOOLS + BOOKED_SCHOOLS]
    facilitator = get_user_model().objects.filter(username="facilitator").first()
    _directory(la)

    delivered = Cohort.objects.create(
        name=f"{la.name} cohort 1",
        phase=phase,
        local_authority=la,
        status=CohortStatus.COMPLETED,
        venue_name="Civic Centre",
        venue_address=f"Town Hall, {la.name}",
    )
    # Workshop 2 about 7 months ago: the 6-month follow-up survey is open now.
    days = _workshops(delivered, today - dt.timedelta(days=255))
    booked_at = timezone.make_aware(dt.datetime.combine(days[0].date, dt.time(10)))
    booked_at -= dt.timedelta(days=30)
    places = _places(delivered, schools[:DELIVERED_SCHOOLS], PlaceStatus.COMPLETED, booked_at)
    professionals = _professionals(delivered, "cohort 1")
    _access_needs(places[::4], "Step-free access")
    Attendance.objects.bulk_create(
        Attendance(workshop=day, participant_id=person.participant_id)
        for day in days
        for person in (*places, *professionals)
    )

    open_cohort = Cohort.objects.create(
        name=f"{la.name} cohort 2",
        phase=phase,
        local_authority=la,
        status=CohortStatus.OPEN,
        venue_name="Civic Centre",
        venue_address=f"Town Hall, {la.name}",
    )
    _workshops(open_cohort, today + dt.timedelta(days=45))
    half = len(planned_schools) // 2
    open_cohort.planned_establishments.set(planned_schools[:half])
    booked = _places(
        open_cohort,
        schools[DELIVERED_SCHOOLS:],
        PlaceStatus.BOOKED,
        timezone.now() - dt.timedelta(days=3),
    )
    _access_needs(booked[::3], "A hearing loop")
    _professionals(open_cohort, "cohort 2")

    planned = Cohort.objects.create(
        name=f"{la.name} cohort 3", phase=phase, local_authority=la, venue_name="Civic Centre"
    )
    _workshops(planned, today + dt.timedelta(days=120))
    planned.planned_establishments.set(planned_schools[half:])
    Wave.objects.create(name=DEMO_PLAN_WAVE, phase=phase, audience=WaveAudience.PLAN)
    if facilitator is not None:
        for cohort in (delivered, open_cohort, planned):
            cohort.facilitators.add(facilitator)
    return DemoCohorts(created=True, delivered=delivered, open=open_cohort)
