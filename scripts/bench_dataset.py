"""The national dataset of the page benchmark, built straight into a scratch database.

Run by ``scripts/bench_pages.py`` after ``import_gias`` has loaded the real register: it adds
the programme's data in bulk (``bulk_create`` and ``COPY``, not the services, which would take
hours), at ``scale`` times the programme's size:

- 4 phases over the four programme years, each with a wave of invitations;
- per round, the eligible schools of each local authority in cohorts of 20 (about 1,100
  cohorts at scale 1), each with its two workshops, two professionals and places;
- in the last round, a cohort's status depends on where it stands (completed, running,
  open, planned); the earlier rounds (scale > 1) are finished cohorts whose places ended
  without holding the school (did not attend, one day, cancelled), so a school still has at
  most one active place;
- attendance on both days of every delivered cohort;
- survey invitations at baseline, after and follow-up for the places and professionals of
  delivered cohorts, about 60% answered with every scale and choice question of the
  standard questionnaire (15 answers a response);
- an outbox of about 50,000 sent emails at scale 1, with bodies of a realistic size;
- a national admin and a London regional coordinator to sign in as;
- the schools of every LA an MHST area covers put in that area (as
  ``mhst_area_assign_establishments`` does), and every other cohort in those LAs organised
  by the area rather than the LA;
- each establishment's programme status worked out from its places and invitations, as the
  services keep it (``programme_status_refresh_all``).

Deterministic for a given scale (seeded random).
"""

import datetime as dt
import io
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_assign_role
from cohorts.models import Cohort, CohortStatus, Invitation, Phase, Place, PlaceStatus, Wave
from cohorts.models.invitations import InvitationChannel
from cohorts.models.waves import WaveStatus
from cohorts.status_summary import programme_status_refresh_all
from evaluation.cells import cells_rebuild
from evaluation.models import (
    Answer,
    Audience,
    Choice,
    QuestionKind,
    Questionnaire,
    Response,
    SurveyInvitation,
    TimePoint,
)
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from schools.models import Establishment, MHSTArea
from workshops.models import (
    Attendance,
    Delivery,
    DeliveryKind,
    OrganisationType,
    Participant,
    ParticipantKind,
    Professional,
    Workshop,
)

COHORT_SIZE = 20
LONDON = "E12000007"
PASSWORD = "bench-pages-password"  # noqa: S105 - a scratch database's throwaway users
BODY = ("Dear colleague,\n\n" + "The Link Programme brings schools and services together. " * 25)[
    :1500
]
BATCH = 5000


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _copy(model, columns: list[str], rows) -> int:
    """COPY ``rows`` (tuples in ``columns`` order) into ``model``'s table; returns the count."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_from(buffer, model._meta.db_table, columns=columns)
    return count


def _users() -> None:
    User = get_user_model()
    national = User.objects.create_user("bench_national", password=PASSWORD, is_staff=True)
    user_assign_role(user=national, role=Role.NATIONAL_ADMIN)
    regional = User.objects.create_user("bench_regional", password=PASSWORD)
    user_assign_role(user=regional, role=Role.REGIONAL_COORDINATOR, regions=[LONDON])


def _phases(today: dt.date) -> list[Phase]:
    start = dt.date(today.year - 2, 9, 1)
    return Phase.objects.bulk_create(
        [
            Phase(
                name=f"Phase {n + 1}",
                start_date=start.replace(year=start.year + n),
                end_date=dt.date(start.year + n + 1, 7, 31),
            )
            for n in range(4)
        ]
    )


def _groups(schools: list[tuple[int, int]]) -> list[tuple[int, list[int]]]:
    """The eligible schools of each LA in groups of at most 20: (LA id, establishment ids)."""
    by_la: dict[int, list[int]] = defaultdict(list)
    for pk, la_id in schools:
        by_la[la_id].append(pk)
    return [
        (la_id, ids[start : start + COHORT_SIZE])
        for la_id, ids in sorted(by_la.items())
        for start in range(0, len(ids), COHORT_SIZE)
    ]


def _status(n: int) -> str:
    """The last round: 40% completed, 10% running, 30% open, 20% planned."""
    return (
        [CohortStatus.COMPLETED] * 4
        + [CohortStatus.RUNNING]
        + [CohortStatus.OPEN] * 3
        + [CohortStatus.PLANNED] * 2
    )[n % 10]


def _day_1(status: str, today: dt.date, rng: random.Random) -> dt.date:
    if status == CohortStatus.COMPLETED:
        return today - dt.timedelta(days=rng.randint(250, 600))
    if status == CohortStatus.RUNNING:
        return today - dt.timedelta(days=rng.randint(1, 40))
    return today + dt.timedelta(days=rng.randint(20, 200))


def build(*, scale: int, log=print) -> dict[str, int]:
    """Add the programme's data at ``scale``; returns what was made, by table."""
    rng = random.Random(20250718 + scale)  # noqa: S311 - made-up data, not secrets
    now = timezone.now()
    today = now.date()
    counts: dict[str, int] = defaultdict(int)
    la_area = _mhst_areas()
    schools = list(Establishment.objects.eligible().order_by("pk").values_list("pk", "la_id"))
    groups = _groups(schools)
    with transaction.atomic():
        _users()
        phases = _phases(today)
        # A wave per phase and round: a school is invited once in a wave.
        waves = Wave.objects.bulk_create(
            [
                Wave(name=f"{p.name} invitations, round {r + 1}", phase=p, status=WaveStatus.SENT)
                for r in range(scale)
                for p in phases
            ]
        )
    for round_no in range(scale):
        last = round_no == scale - 1
        with transaction.atomic():
            round_waves = waves[round_no * len(phases) : (round_no + 1) * len(phases)]
            made = _round(groups, la_area, phases, round_waves, round_no, last, rng, now)
        for key, value in made.items():
            counts[key] += value
        log(f"  round {round_no + 1} of {scale}: {dict(made)}")
    with transaction.atomic():
        counts["outbox emails"] = _outbox(schools, scale, rng, now)
    # Bulk inserts bypass the services that keep each school's programme status.
    programme_status_refresh_all()
    # Statistics first: the cells' statements over answers fresh from bulk inserts, planned
    # without them, took minutes at 1x.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Bulk inserts only mark cohorts stale: work the report cells out in one go.
    cells_rebuild()
    return dict(counts)


def _mhst_areas() -> dict[int, int]:
    """Put the schools of each LA an MHST area covers in that area (the first area, where
    two cover one LA): {LA id: MHST area id}."""
    la_area: dict[int, int] = {}
    for area_id, la_id in MHSTArea.local_authorities.through.objects.order_by(
        "mhstarea_id", "localauthority_id"
    ).values_list("mhstarea_id", "localauthority_id"):
        la_area.setdefault(la_id, area_id)
    with connection.cursor() as cursor:
        for la_id, area_id in la_area.items():
            cursor.execute(
                "UPDATE schools_establishment SET mhst_area_id = %s WHERE la_id = %s",
                [area_id, la_id],
            )
    return la_area


def _round(groups, la_area, phases, waves, round_no, last, rng, now) -> dict[str, int]:
    today = now.date()
    made: dict[str, int] = defaultdict(int)
    statuses = [_status(n) if last else CohortStatus.COMPLETED for n in range(len(groups))]
    deliveries = Delivery.objects.bulk_create(
        [Delivery(kind=DeliveryKind.COHORT) for _ in groups], batch_size=BATCH
    )
    cohorts = Cohort.objects.bulk_create(
        [
            Cohort(
                delivery=delivery,
                name=f"Cohort {round_no + 1}.{n + 1}",
                phase=phases[n % len(phases)],
                local_authority_id=la_id,
                # Every other cohort in an MHST area's LA is organised by the area; the
                # rest by the LA (the funnel counts those in their schools' area).
                mhst_area_id=la_area.get(la_id) if n % 2 == 0 else None,
                status=status,
                venue_name="Town hall",
            )
            for n, (delivery, (la_id, _), status) in enumerate(
                zip(deliveries, groups, statuses, strict=True)
            )
        ],
        batch_size=BATCH,
    )
    made["cohorts"] = len(cohorts)
    workshops = []
    day_1s = {}
    for cohort in cohorts:
        day_1 = _day_1(cohort.status, today, rng)
        day_1s[cohort.pk] = day_1
        for day, date in ((1, day_1), (2, day_1 + dt.timedelta(days=42))):
            workshops.append(
                Workshop(
                    delivery_id=cohort.delivery_id,
                    day=day,
                    date=date,
                    start_time=dt.time(9, 30),
                    end_time=dt.time(15, 30),
                    venue_name="Town hall",
                )
            )
    workshops = Workshop.objects.bulk_create(workshops, batch_size=BATCH)
    made["workshops"] = len(workshops)
    by_delivery = defaultdict(list)
    for workshop in workshops:
        by_delivery[workshop.delivery_id].append(workshop)

    # Places: none on a planned cohort; the earlier rounds' did not hold the school.
    place_rows = []
    for cohort, (_, members) in zip(cohorts, groups, strict=True):
        if cohort.status == CohortStatus.PLANNED:
            continue
        for pk in members:
            if not last:
                status = rng.choice(
                    [
                        PlaceStatus.DID_NOT_ATTEND,
                        PlaceStatus.ATTENDED_ONE_DAY,
                        PlaceStatus.CANCELLED,
                    ]
                )
            elif cohort.status == CohortStatus.COMPLETED:
                status = PlaceStatus.COMPLETED
            elif cohort.status == CohortStatus.RUNNING:
                status = PlaceStatus.ATTENDED_DAY_1
            else:
                status = PlaceStatus.BOOKED if rng.random() < 0.7 else None
            if status is not None:
                place_rows.append((cohort, pk, status))
    participants = Participant.objects.bulk_create(
        [
            Participant(delivery_id=cohort.delivery_id, kind=ParticipantKind.SCHOOL_ATTENDEE)
            for cohort, _, _ in place_rows
        ],
        batch_size=BATCH,
    )
    places = Place.objects.bulk_create(
        [
            Place(
                cohort=cohort,
                establishment_id=pk,
                participant=participant,
                attendee_name=f"Attendee {participant.pk}",
                attendee_role="Mental health lead",
                attendee_email=f"attendee{participant.pk}@school.example",
                status=status,
                booked_at=now - dt.timedelta(days=300),
                completed_on=(
                    day_1s[cohort.pk] + dt.timedelta(days=42)
                    if status == PlaceStatus.COMPLETED
                    else None
                ),
                cancelled_at=now if status == PlaceStatus.CANCELLED else None,
            )
            for (cohort, pk, status), participant in zip(place_rows, participants, strict=True)
        ],
        batch_size=BATCH,
    )
    made["places"] = len(places)

    # Two professionals per delivered or running cohort.
    delivered = [c for c in cohorts if c.status in (CohortStatus.COMPLETED, CohortStatus.RUNNING)]
    pro_participants = Participant.objects.bulk_create(
        [
            Participant(delivery_id=c.delivery_id, kind=ParticipantKind.PROFESSIONAL)
            for c in delivered
            for _ in range(2)
        ],
        batch_size=BATCH,
    )
    Professional.objects.bulk_create(
        [
            Professional(
                delivery_id=p.delivery_id,
                participant=p,
                name=f"Professional {p.pk}",
                organisation="CYPMHS",
                organisation_type=OrganisationType.values[n % len(OrganisationType.values)],
                email=f"pro{p.pk}@nhs.example",
            )
            for n, p in enumerate(pro_participants)
        ],
        batch_size=BATCH,
    )
    made["professionals"] = len(pro_participants)

    # Attendance on both days of delivered cohorts (day 1 of running ones).
    attendance = []
    delivered_ids = {c.delivery_id: c.status for c in delivered}
    for participant in [*participants, *pro_participants]:
        status = delivered_ids.get(participant.delivery_id)
        if status is None:
            continue
        days = by_delivery[participant.delivery_id]
        for workshop in days if status == CohortStatus.COMPLETED else days[:1]:
            attendance.append((workshop.pk, participant.pk, rng.random() < 0.9, now, now))
    made["attendance"] = _copy(
        Attendance,
        ["workshop_id", "participant_id", "present", "created_at", "updated_at"],
        attendance,
    )

    # The wave's invitation records: every school of the round's groups.
    made["invitations"] = _copy(
        Invitation,
        ["wave_id", "establishment_id", "channel", "invited_at", "created_at", "updated_at"],
        (
            (waves[n % len(waves)].pk, pk, InvitationChannel.EMAIL, now, now, now)
            for n, (_, members) in enumerate(groups)
            for pk in members
        ),
    )
    made.update(_surveys([*participants, *pro_participants], delivered, rng, now))
    return made


def _surveys(participants, delivered, rng, now) -> dict[str, int]:
    """Invitations at the time points a delivered cohort has reached, 60% answered."""
    cohort_of = {c.delivery_id: c for c in delivered}
    staff = Questionnaire.objects.get(audience=Audience.SCHOOL_STAFF, is_published=True)
    pros = Questionnaire.objects.get(audience=Audience.PROFESSIONALS, is_published=True)
    questions = {
        q.pk: list(q.questions.exclude(kind=QuestionKind.FREE_TEXT).values_list("pk", "kind"))
        for q in (staff, pros)
    }
    choices = defaultdict(list)
    for question_id, value in Choice.objects.filter(
        question__questionnaire__in=(staff, pros)
    ).values_list("question_id", "value"):
        choices[question_id].append(value)
    invitations = []
    for participant in participants:
        cohort = cohort_of.get(participant.delivery_id)
        if cohort is None:
            continue
        questionnaire = pros if participant.kind == ParticipantKind.PROFESSIONAL else staff
        points = (
            (TimePoint.BASELINE, TimePoint.POST, TimePoint.FOLLOW_UP)
            if cohort.status == CohortStatus.COMPLETED
            else (TimePoint.BASELINE,)
        )
        for time_point in points:
            invitations.append(
                SurveyInvitation(
                    time_point=time_point,
                    cohort_id=cohort.pk,
                    participant=participant,
                    questionnaire=questionnaire,
                    due_at=now - dt.timedelta(days=60),
                    closes_at=now - dt.timedelta(days=20),
                    sent_at=now - dt.timedelta(days=60),
                )
            )
    invitations = SurveyInvitation.objects.bulk_create(invitations, batch_size=BATCH)
    answered = [i for i in invitations if rng.random() < 0.63]
    responses = Response.objects.bulk_create(
        [
            Response(
                invitation=i,
                questionnaire_id=i.questionnaire_id,
                time_point=i.time_point,
                cohort_id=i.cohort_id,
                submitted_at=now - dt.timedelta(days=rng.randint(21, 59)),
            )
            for i in answered
        ],
        batch_size=BATCH,
    )
    answers = _copy(
        Answer,
        ["response_id", "question_id", "number", "choice", "text"],
        (
            _answer(response.pk, pk, kind, choices.get(pk), rng)
            for response in responses
            for pk, kind in questions[response.questionnaire_id]
        ),
    )
    return {"survey invitations": len(invitations), "responses": len(responses), "answers": answers}


def _answer(response_id, question_id, kind, choices, rng):
    if kind == QuestionKind.LIKERT:
        return (response_id, question_id, rng.randint(1, 5), "", "")
    if kind == QuestionKind.NUMBER:
        return (response_id, question_id, rng.randint(0, 10), "", "")
    if kind == QuestionKind.YES_NO:
        return (response_id, question_id, None, rng.choice(["yes", "no"]), "")
    value = rng.choice(choices) if choices else "other"
    return (response_id, question_id, None, value, "")


def _outbox(schools, scale, rng, now) -> int:
    """About 50,000 sent emails per scale: invitations, confirmations, reminders, surveys."""
    kinds = [
        EmailKind.INVITATION,
        EmailKind.BOOKING_CONFIRMATION,
        EmailKind.WORKSHOP_REMINDER,
        EmailKind.SURVEY_INVITATION,
    ]
    total = 50_000 * scale
    columns = [
        "kind",
        "recipient",
        "establishment_id",
        "local_authority_id",
        "campaign",
        "idempotency_key",
        "subject",
        "body_text",
        "body_html",
        "attachments",
        "status",
        "attempts",
        "last_error",
        "lease_token",
        "sent_at",
        "message_id",
        "created_at",
        "updated_at",
    ]
    body = BODY.replace("\t", " ").replace("\n", "\\n")

    def rows():
        for n in range(total):
            pk, la_id = schools[n % len(schools)]
            sent = now - dt.timedelta(minutes=total - n)
            yield (
                kinds[n % len(kinds)],
                f"head{pk}@school.example",
                pk,
                la_id,
                f"Phase {n % 4 + 1} invitations (wave {n % 40})" if n % 4 == 0 else "",
                f"bench:{n}",
                "The Link Programme",
                body,
                "",
                "[]",
                EmailStatus.SENT,
                1,
                "",
                "",
                sent,
                f"<bench{n}@link.example>",
                sent,
                sent,
            )

    return _copy(OutgoingEmail, columns, rows())
