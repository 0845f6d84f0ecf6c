"""Where each establishment is in the programme (coordinators' lists and dashboard)."""

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cohorts.models import (
    BOOKED_STATUSES,
    ROSTER_STATUSES,
    Invitation,
    Phase,
    Place,
    PlaceStatus,
    ProgrammeStatusKind,
)
from schools.models import Establishment
from workshops.models import Workshop

# --- Where each establishment is in the programme (coordinators' lists and dashboard) -------

PROGRAMME_STATUSES = tuple(ProgrammeStatusKind.choices)


def _holds_place(*statuses: str) -> Q:
    return Q(pk__in=Place.objects.filter(status__in=statuses).values("establishment_id"))


def reached_q() -> Q:
    """Establishments that completed the programme: counted as reached whatever has become
    of them since (closed without a successor, or changed to a type the programme is not
    offered to). A converted school's place moves to its successor, so it counts once."""
    return Q(programme__status=ProgrammeStatusKind.COMPLETED)


def programme_start():
    """The day the programme began: its first phase's start (None before any phase)."""
    return Phase.objects.aggregate(first=Min("start_date"))["first"]


def live_programme_status_conditions() -> dict[str, Q]:
    """The rule: a filter on Establishment per programme status, each excluding the others,
    read from the places and invitations themselves. An establishment holds at most one
    active place, so completed, booked and waiting exclude each other; one whose cohort
    finished without it completing ("attended one day", else "did not attend") is counted so
    until it holds a place again; "invited" means an invitation was sent (or a place was held
    once) and no place is held now.

    Pages do not use it: it searches the whole history of places and invitations.
    ``cohorts.status_summary`` applies it to the establishments a write touched and keeps
    the answer in ``ProgrammeStatus``, which ``programme_status_conditions`` reads.
    """
    completed = _holds_place(PlaceStatus.COMPLETED)
    booked = _holds_place(*BOOKED_STATUSES)
    waiting = _holds_place(PlaceStatus.WAITING, PlaceStatus.OFFERED)
    active = completed | booked | waiting
    one_day = _holds_place(PlaceStatus.ATTENDED_ONE_DAY) & ~active
    not_attended = _holds_place(PlaceStatus.DID_NOT_ATTEND) & ~active & ~one_day
    # Invited: invited in a wave (by email, phone, paper or in person), or reached some other
    # way and given a place (by a coordinator, say) at any time: a place cancelled later
    # leaves the school invited.
    invited = Q(pk__in=Invitation.objects.values("establishment_id")) | Q(
        pk__in=Place.objects.values("establishment_id")
    )
    placed = active | one_day | not_attended
    return {
        "not_invited": ~invited & ~placed,
        "invited": invited & ~placed,
        "waiting": waiting,
        "booked": booked,
        "completed": completed,
        "attended_one_day": one_day,
        "did_not_attend": not_attended,
    }


def live_programme_status(queryset: QuerySet[Establishment]) -> QuerySet[Establishment]:
    """Annotate ``live_status`` by the rule itself, and ``live_has_been_booked``: whether the
    establishment has ever held a place on a cohort's roster (for the summary's upkeep and
    checks)."""
    conditions = live_programme_status_conditions()
    order = ("completed", "booked", "waiting", "attended_one_day", "did_not_attend", "invited")
    return queryset.annotate(
        live_status=Case(
            *(When(conditions[key], then=Value(key)) for key in order),
            default=Value("not_invited"),
            output_field=CharField(),
        ),
        live_has_been_booked=Exists(
            Place.objects.filter(establishment=OuterRef("pk"), status__in=ROSTER_STATUSES)
        ),
    )


def programme_status_conditions() -> dict[str, Q]:
    """A filter on Establishment per programme status, from the kept summary: one indexed
    column, whatever the size of the programme's history."""
    conditions = {key: Q(programme__status=key) for key in ProgrammeStatusKind.values}
    conditions[ProgrammeStatusKind.NOT_INVITED] = Q(programme__isnull=True) | Q(
        programme__status=ProgrammeStatusKind.NOT_INVITED
    )
    return conditions


def with_programme_status(queryset: QuerySet[Establishment]) -> QuerySet[Establishment]:
    """Annotate ``programme_status`` (a key of PROGRAMME_STATUSES) and its label, read from
    the kept summary in the same query."""
    status = Coalesce(F("programme__status"), Value(ProgrammeStatusKind.NOT_INVITED.value))
    return queryset.annotate(
        programme_status=status,
        programme_status_label=Case(
            *(
                When(programme__status=key, then=Value(str(label)))
                for key, label in PROGRAMME_STATUSES
            ),
            default=Value(str(ProgrammeStatusKind.NOT_INVITED.label)),
            output_field=CharField(),
        ),
    )


def establishment_places(*, establishment: Establishment) -> list[Place]:
    """Every place an establishment has held, newest first. Each has ``days``: a list of
    (workshop, present) where present is True, False or None (not recorded)."""
    places = list(
        Place.objects.filter(establishment=establishment)
        .select_related("cohort__delivery", "participant")
        .prefetch_related(
            Prefetch("cohort__delivery__workshops", queryset=Workshop.objects.order_by("day")),
            "participant__attendances",
        )
        .order_by("-created_at")
    )
    for place in places:
        marked = {a.workshop_id: a.present for a in place.participant.attendances.all()}
        place.days = [(w, marked.get(w.pk)) for w in place.cohort.workshops.all()]
    return places


def establishment_invitations(*, establishment: Establishment) -> list[Invitation]:
    """The waves an establishment was invited in, by which channel, newest first."""
    return list(
        Invitation.objects.filter(establishment=establishment)
        .select_related("wave")
        .order_by("-invited_at")
    )


def programme_counts(establishments: QuerySet[Establishment]) -> dict[str, int]:
    """How many of ``establishments`` are invited (ever), waiting, booked, completed, and
    (their cohort finished) attended one day or did not attend, in one aggregate query.
    "Invited" counts every establishment invited in a wave or ever given a place, so it
    never goes down; "booked" counts those holding a place now on a cohort not yet
    completed."""
    conditions = programme_status_conditions()
    return establishments.aggregate(
        invited=Count(
            "pk",
            filter=Q(
                programme__status__in=[
                    key for key in ProgrammeStatusKind.values if key != "not_invited"
                ]
            ),
        ),
        waiting=Count("pk", filter=conditions["waiting"]),
        booked=Count("pk", filter=conditions["booked"]),
        completed=Count("pk", filter=conditions["completed"]),
        attended_one_day=Count("pk", filter=conditions["attended_one_day"]),
        did_not_attend=Count("pk", filter=conditions["did_not_attend"]),
    )
