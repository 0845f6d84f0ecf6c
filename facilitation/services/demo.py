"""Demo engagements for ``seed_demo``: one in each stage of the path, and one paused, in the
demo's local authorities, each with stakeholders from across the sectors and the meetings
its stage implies (past ones with attendance; one whose notes are overdue).

Written straight to the tables, not through the services: a demo needs meetings that have
happened, which the services rightly refuse to schedule. Only for the demo site (``make
run``); idempotent, keyed by the engagements' names.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from facilitation.models import (
    PATH,
    Action,
    CascadeArea,
    Engagement,
    Goal,
    GoalStatus,
    Meeting,
    MeetingKind,
    Priority,
    RatingPoint,
    Sector,
    Stage,
    StageChange,
    Stakeholder,
    StakeholderRole,
)
from facilitation.services.demo_ratings import demo_ratings_seed
from facilitation.services.survey_demo import demo_schools_survey
from schools.models import LocalAuthority
from workshops.models import Attendance, Workshop

SUFFIX = " (demo engagement)"
#: Who an area brings to the table (after the Wiltshire consultation of October 2021).
PEOPLE = (
    (
        "Head of education inclusion",
        StakeholderRole.HEAD_OF_SERVICE,
        "Council",
        Sector.LOCAL_AUTHORITY,
    ),
    (
        "Principal educational psychologist",
        StakeholderRole.SERVICE_LEAD,
        "Council",
        Sector.LOCAL_AUTHORITY,
    ),
    (
        "CYPMHS service manager",
        StakeholderRole.SENIOR_MANAGER,
        "NHS Foundation Trust",
        Sector.NHS_CYPMHS,
    ),
    (
        "MHST clinical lead",
        StakeholderRole.CLINICAL_LEAD,
        "NHS Foundation Trust",
        Sector.NHS_CYPMHS,
    ),
    (
        "Children's commissioning lead",
        StakeholderRole.COMMISSIONER,
        "Integrated Care Board",
        Sector.ICB,
    ),
    ("Secondary headteacher", StakeholderRole.EDUCATION_LEADER, "Academy Trust", Sector.EDUCATION),
    ("Primary headteacher", StakeholderRole.EDUCATION_LEADER, "Primary School", Sector.EDUCATION),
    ("FE college wellbeing lead", StakeholderRole.SERVICE_LEAD, "College", Sector.EDUCATION),
    ("Youth charity chief executive", StakeholderRole.HEAD_OF_SERVICE, "Youth Trust", Sector.VCS),
    ("Public health consultant", StakeholderRole.SENIOR_MANAGER, "Council", Sector.LOCAL_AUTHORITY),
)
AGENDA = "1. Welcome\n2. What the schools survey found\n3. Joint priorities\n4. Next steps"
FIRST_NAMES = ("Ann", "Bilal", "Cara", "Dev", "Ella", "Femi", "Gwen", "Hari", "Isla", "Jon")
#: (stage, meetings as (kind, days from today, notes written))
STAGES = (
    (Stage.REQUESTED, ()),
    (Stage.SCOPING, ()),
    (Stage.SURVEY, ()),
    (Stage.CONSULTATION, ((MeetingKind.CONSULTATION, 12, False),)),
    (
        Stage.SUPPORT,
        (
            (MeetingKind.CONSULTATION, -40, True),
            (MeetingKind.SUPPORT, -5, False),
            (MeetingKind.SUPPORT, 9, False),
        ),
    ),
    (
        Stage.REVIEW,
        (
            (MeetingKind.CONSULTATION, -120, True),
            (MeetingKind.SUPPORT, -90, True),
            (MeetingKind.REVIEW, 14, False),
        ),
    ),
    (
        Stage.CLOSED,
        (
            (MeetingKind.CONSULTATION, -250, True),
            (MeetingKind.SUPPORT, -200, True),
            (MeetingKind.REVIEW, -60, True),
        ),
    ),
    (Stage.PAUSED, ()),
)


def _weekday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days={5: 2, 6: 1}.get(day.weekday(), 0))


def _stakeholders(engagement: Engagement, la: LocalAuthority, count: int) -> list[Stakeholder]:
    people = []
    for i in range(count):
        title, role, organisation, sector = PEOPLE[i % len(PEOPLE)]
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {title.split()[0]}"
        people.append(
            Stakeholder.objects.create(
                engagement=engagement,
                name=name,
                role=role,
                organisation=f"{la.name} {organisation}",
                sector=sector,
                email=f"demo{engagement.pk}.{i}@leaders.example",
                is_lead=i == 0,
            )
        )
    return people


def _meetings(engagement, people, meetings, today) -> None:
    for number, (kind, days, notes) in enumerate(meetings, start=1):
        date = _weekday(today + dt.timedelta(days=days))
        session = Workshop.objects.create(
            delivery=engagement.delivery,
            day=number,
            date=date,
            start_time=dt.time(10),
            end_time=dt.time(12, 30),
        )
        Meeting.objects.create(
            engagement=engagement,
            workshop=session,
            kind=kind,
            agenda=AGENDA,
            notes="Agreed three joint priorities: referral routes, a shared point of contact "
            "for every school, and training for senior mental health leads."
            if notes
            else "",
            notes_written_at=timezone.now() if notes else None,
        )
        if date <= today:
            Attendance.objects.bulk_create(
                Attendance(workshop=session, participant=p.participant, present=i % 5 != 4)
                for i, p in enumerate(people)
            )


#: What an area typically agrees at its consultation: (priority, CASCADE area, goal, action).
PLANS = (
    (
        "Clear routes into support for every school",
        CascadeArea.CLARITY,
        "One referral form and guide shared by CYPMHS, the MHSTs and early help",
        "Draft the form with two schools",
    ),
    (
        "A named contact in every school and service",
        CascadeArea.POINTS_OF_CONTACT,
        "Every school knows its named CYPMHS and MHST contact",
        "Publish the contacts list",
    ),
    (
        "Training for senior mental health leads",
        CascadeArea.BEST_PRACTICE,
        "Termly joint training for senior mental health leads",
        "Book the first session",
    ),
)


def _plans(engagement: Engagement, people: list[Stakeholder], today: dt.date) -> None:
    consultation = engagement.meetings.filter(kind=MeetingKind.CONSULTATION).first()
    statuses = (GoalStatus.ON_TRACK, GoalStatus.AT_RISK, GoalStatus.NOT_STARTED)
    for i, (title, area, goal_title, action_title) in enumerate(PLANS):
        priority = Priority.objects.create(
            engagement=engagement, title=title, cascade_area=area, agreed_at=consultation
        )
        goal = Goal.objects.create(
            priority=priority,
            title=goal_title,
            owner=people[(2 * i) % len(people)],
            due_date=today + dt.timedelta(days=30 * (i + 1) - 40),
            status=GoalStatus.DONE if engagement.stage == Stage.CLOSED else statuses[i],
            progress=4 if engagement.stage == Stage.CLOSED else 2 - i // 2,
        )
        Action.objects.create(
            goal=goal,
            title=action_title,
            owner=people[(2 * i + 1) % len(people)],
            due_date=today + dt.timedelta(days=10 * i - 5),
        )


def _rating_points(engagement: Engagement, today: dt.date) -> dict:
    """The CASCADE rating rounds of the meetings held: the consultation's, and the final
    review's once the engagement has closed."""
    held = dict(
        engagement.meetings.filter(workshop__date__lte=today).values_list("kind", "workshop__date")
    )
    points = {}
    if MeetingKind.CONSULTATION in held:
        points[RatingPoint.CONSULTATION] = held[MeetingKind.CONSULTATION]
    if engagement.stage == Stage.CLOSED and MeetingKind.REVIEW in held:
        points[RatingPoint.FINAL_REVIEW] = held[MeetingKind.REVIEW]
    return points


def demo_engagements_seed(*, today: dt.date | None = None) -> int:
    """One demo engagement per stage, in the demo's LAs; returns how many were made now."""
    today = today or timezone.localdate()
    las = list(
        LocalAuthority.objects.filter(is_current=True, establishments__isnull=False)
        .distinct()
        .order_by("name")[: len(STAGES)]
    )
    if not las:
        return 0
    facilitator = get_user_model().objects.filter(username="facilitator").first()
    made = 0
    for index, (stage, meetings) in enumerate(STAGES):
        la = las[index % len(las)]
        name = f"{la.name} {Stage(stage).label.lower()}{SUFFIX}"
        if Engagement.objects.filter(name=name).exists():
            continue
        with transaction.atomic():
            paused = stage == Stage.PAUSED
            engagement = Engagement.objects.create(
                name=name,
                local_authority=la,
                joining_link=f"https://meet.example.org/link-{la.code}",
                stage=stage,
                stage_since=today - dt.timedelta(days=10 + 12 * index),
                paused_from=Stage.SURVEY if paused else "",
                pause_reason="The area is restructuring its CYPMHS contract" if paused else "",
            )
            if facilitator is not None:
                engagement.facilitators.add(facilitator)
            reached = PATH.index(Stage.SURVEY if paused else stage)
            for before, after in zip((None, *PATH[:reached]), PATH[: reached + 1], strict=True):
                StageChange.objects.create(
                    engagement=engagement, from_stage=before or "", to_stage=after
                )
            if paused:
                StageChange.objects.create(
                    engagement=engagement,
                    from_stage=Stage.SURVEY,
                    to_stage=Stage.PAUSED,
                    reason=engagement.pause_reason,
                )
            count = 0 if stage == Stage.REQUESTED else (20 if meetings else 6)
            people = _stakeholders(engagement, la, count)
            _meetings(engagement, people, meetings, today)
            if stage in (Stage.SUPPORT, Stage.REVIEW, Stage.CLOSED):
                _plans(engagement, people, today)
                demo_ratings_seed(engagement, people, points=_rating_points(engagement, today))
            demo_schools_survey(engagement=engagement, today=today)
            made += 1
    return made
