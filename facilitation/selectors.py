"""Reads that the facilitation pages need, scoped by ``accounts.scoping.Scope`` and joined
up front, so a page costs the same at 5 stakeholders and at 500."""

import datetime as dt
from collections import Counter
from datetime import timedelta

from django.db.models import Count, F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from facilitation import conf
from facilitation.models import (
    JOINED_SECTORS,
    PATH,
    Engagement,
    Meeting,
    MeetingInvite,
    MeetingKind,
    Sector,
    Stage,
    StageChange,
    Stakeholder,
)
from workshops.models import Attendance


def _scoped(scope, queryset: QuerySet) -> QuerySet:
    return scope.apply(
        queryset,
        la="local_authority",
        mhst_area="mhst_area",
        icb="icb",
        facilitator="facilitators",
    )


def engagements_in_scope(*, scope) -> QuerySet[Engagement]:
    """The engagements ``scope`` may see: those in its areas, and those a facilitator
    facilitates; with their area and counts."""
    return (
        _scoped(scope, Engagement.objects.all())
        .select_related("local_authority", "mhst_area", "icb")
        .annotate(
            stakeholder_count=Count("stakeholders", distinct=True),
            meeting_count=Count("meetings", distinct=True),
        )
    )


def meetings_in_scope(*, scope) -> QuerySet[Meeting]:
    engagements = _scoped(scope, Engagement.objects.all())
    return Meeting.objects.filter(engagement__in=engagements.values("pk")).select_related(
        "workshop", "engagement", "cancelled_by"
    )


def stakeholders_in_scope(*, scope) -> QuerySet[Stakeholder]:
    engagements = _scoped(scope, Engagement.objects.all())
    return Stakeholder.objects.filter(engagement__in=engagements.values("pk")).select_related(
        "engagement"
    )


def sector_mix(stakeholders) -> dict:
    """How many of ``stakeholders`` come from each sector, and which sector the programme
    joins has no one (``JOINED_SECTORS``)."""
    counts = Counter(s.sector for s in stakeholders)
    return {
        "rows": [
            {"sector": label, "value": value, "count": counts.get(value, 0)}
            for value, label in Sector.choices
        ],
        "missing": [Sector(value).label for value in JOINED_SECTORS if not counts.get(value)],
    }


def _overdue(engagement: Engagement, meetings: list[Meeting], today: dt.date) -> list[str]:
    overdue = []
    days = conf.stage_days(engagement.stage)
    if days is not None and engagement.stage_since + timedelta(days=days) < today:
        overdue.append(
            f"{engagement.get_stage_display()} usually takes about {days} days; it began on "
            f"{engagement.stage_since:%-d %B %Y}."
        )
    notes_due = today - timedelta(days=conf.notes_reminder_days())
    for meeting in meetings:
        if meeting.workshop.date <= notes_due and not meeting.notes and not meeting.is_cancelled:
            overdue.append(f"The notes of the {meeting.title} are not written.")
    return overdue


def _next_step(engagement: Engagement, meetings: list[Meeting], stakeholders) -> str:
    kinds = {m.kind for m in meetings if not m.is_cancelled}
    if engagement.stage == Stage.PAUSED:
        return f"Paused: {engagement.pause_reason}. Resume it when the area is ready."
    if engagement.stage == Stage.CLOSED:
        return "Nothing: the engagement is closed."
    if not any(s.is_lead for s in stakeholders):
        return "Name the area's lead contact (add them as a stakeholder, marked lead contact)."
    steps = {
        Stage.REQUESTED: "Agree the scope with the lead contact, then start scoping.",
        Stage.SCOPING: "Add the area's stakeholders, then start the schools survey.",
        Stage.SURVEY: (
            "Start the schools survey (below) if it is not started; when it closes, move to "
            "consultation."
        ),
        Stage.CONSULTATION: (
            "Schedule the strategic consultation meeting."
            if MeetingKind.CONSULTATION not in kinds
            else "Hold the consultation, write its notes, then move to support sessions."
        ),
        Stage.SUPPORT: (
            "Schedule the tailored support sessions."
            if MeetingKind.SUPPORT not in kinds
            else "Hold the support sessions, then move to review."
        ),
        Stage.REVIEW: (
            "Schedule a review meeting."
            if MeetingKind.REVIEW not in kinds
            else "Review progress, then close the engagement."
        ),
    }
    return steps[engagement.stage]


def _count(queryset: QuerySet) -> Subquery:
    """How many rows ``queryset`` (filtered on an ``OuterRef``) has, as a subquery: counts
    side by side without multiplying each other's rows."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), 0)


def _attended_by_sector(attendances: QuerySet) -> dict[int, list[dict]]:
    """{session id: [{sector, count}, ...]} of those present, in the sectors' order, for the
    sessions ``attendances`` covers: one query."""
    rows = (
        attendances.filter(present=True)
        .values_list("workshop_id", "participant__stakeholder__sector")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, Counter] = {}
    for workshop_id, sector, n in rows:
        counts.setdefault(workshop_id, Counter())[sector] = n
    return {
        workshop_id: [
            {"sector": label, "count": counter[value]}
            for value, label in Sector.choices
            if counter.get(value)
        ]
        for workshop_id, counter in counts.items()
    }


def engagement_detail(*, engagement: Engagement, today: dt.date | None = None) -> dict:
    """Everything the engagement's page shows, in a fixed number of queries: where it is on
    its path, what is next and what is overdue, its stakeholders and the mix of sectors, its
    meetings with attendance counts, and its stage history."""
    today = today or timezone.localdate()
    stakeholders = list(engagement.stakeholders.order_by("-is_lead", "name", "pk"))
    meetings = list(
        engagement.meetings.select_related("workshop")
        .annotate(
            present=_count(Attendance.objects.filter(workshop=OuterRef("workshop"), present=True)),
            invited=_count(
                MeetingInvite.objects.filter(meeting=OuterRef("pk"), removed_at__isnull=True)
            ),
        )
        .order_by("workshop__date", "workshop__start_time")
    )
    by_sector = _attended_by_sector(
        Attendance.objects.filter(workshop__meeting__engagement=engagement)
    )
    for meeting in meetings:
        meeting.attended_by_sector = by_sector.get(meeting.workshop_id, [])
    current = engagement.path_position
    path = [
        {
            "label": Stage(stage).label,
            "state": "done" if i < current else ("current" if i == current else "todo"),
        }
        for i, stage in enumerate(PATH)
    ]
    return {
        "stakeholders": stakeholders,
        "leads": [s for s in stakeholders if s.is_lead],
        "mix": sector_mix(stakeholders),
        "meetings": meetings,
        "path": path,
        "next_step": _next_step(engagement, meetings, stakeholders),
        "overdue": _overdue(engagement, meetings, today),
        "changes": list(
            StageChange.objects.filter(engagement=engagement)
            .select_related("by")
            .order_by("-at", "-pk")
        ),
        "facilitators": list(engagement.facilitators.order_by("username")),
    }


def meeting_detail(*, meeting: Meeting) -> dict:
    """A meeting's invite list with each person's attendance and its mix by sector, those
    taken off it, those who came uninvited, the counts by sector, and the revisions of its
    notes, in a fixed number of queries."""
    invites = {i.stakeholder_id: i for i in meeting.invites.all()}
    stakeholders = list(meeting.engagement.stakeholders.order_by("name", "pk"))
    present = dict(
        Attendance.objects.filter(workshop=meeting.workshop).values_list(
            "participant_id", "present"
        )
    )
    invited, others, removed = [], [], []
    for stakeholder in stakeholders:
        stakeholder.present = present.get(stakeholder.participant_id)
        stakeholder.invite = invite = invites.get(stakeholder.pk)
        on_list = invite is not None and invite.removed_at is None
        (invited if on_list else others).append(stakeholder)
        if invite is not None and invite.removed_at is not None:
            removed.append(stakeholder)
    attended = [s for s in stakeholders if s.present]
    by_sector = Counter(s.sector for s in attended)
    revisions = list(
        meeting.history.exclude(notes="")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    notes_revisions, last = [], None
    for revision in reversed(revisions):  # one entry per change of the notes
        if revision.notes != last:
            notes_revisions.append(revision)
            last = revision.notes
    return {
        "invited": invited,
        "others": others,
        "removed": removed,
        "came_uninvited": [s for s in others if s.present],
        "mix": sector_mix(invited),
        "attended": len(attended),
        "recorded": bool(present),
        "attended_by_sector": [
            {"sector": label, "count": by_sector.get(value, 0)}
            for value, label in Sector.choices
            if by_sector.get(value)
        ],
        "revisions": list(reversed(notes_revisions)),
    }


def area_choices(*, scope) -> dict[str, QuerySet]:
    """The areas ``scope`` may open an engagement for: LAs and MHST areas it covers whole,
    and the ICBs that cover one of its LAs (the same reach as ``Scope.q(icb=...)``)."""
    from schools.models import IntegratedCareBoard, LocalAuthority, MHSTArea

    return {
        "local_authorities": LocalAuthority.objects.filter(
            scope.whole_local_authorities(), is_current=True
        ).order_by("name"),
        "mhst_areas": MHSTArea.objects.filter(scope.whole_mhst_areas()).order_by("name"),
        "icbs": scope.apply(IntegratedCareBoard.objects.all(), la="local_authorities").order_by(
            "name"
        ),
    }
