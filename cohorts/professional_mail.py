"""What professionals attending a cohort are told: the invitation with both days and a
calendar file (when they are added to an open cohort, or their cohort opens), and the notice
that they are no longer expected (removed, or the cohort cancelled). The workshop reminders
are ``cohorts.services.reminders``' and the change notice ``notifications.workshops_changed``.

As ``cohorts.notifications``: each event runs in the transaction of the change that caused it
(``notify``) or, telling a whole cohort, from one fan-out row (``fan_out``); each email is
keyed (kind, recipient, the professional or cohort, occurrence), so running an event twice
sends nothing twice; each is stamped with the cohort's areas and campaign. Logs name events
and ids, never names or addresses.
"""

from cohorts.ics import professional_calendar
from cohorts.models import Cohort, CohortStatus
from cohorts.notifications import _days, _record, _workshops
from cohorts.told import record_told, told_by_recipient
from outbox.fanout import register_fan_out
from outbox.models import EmailKind, EmailStatus
from outbox.services import Areas, email_enqueue
from workshops.models import Professional

#: Cohorts whose professionals have been invited: they are told of reminders and changes.
INVITED_COHORT_STATUSES = (CohortStatus.OPEN, CohortStatus.FULL, CohortStatus.RUNNING)


def professional_attachments(professional: Professional, cohort: Cohort, workshops) -> list:
    """Both workshop days as an .ics attachment for ``professional``."""
    body = professional_calendar(professional=professional, cohort=cohort, workshops=workshops)
    return [
        {"filename": "link-workshops.ics", "content": body.decode(), "mimetype": "text/calendar"}
    ]


def _to_professional(
    professional: Professional,
    cohort: Cohort,
    *,
    kind: EmailKind,
    template: str,
    occurrence: str,
    workshops: list,
    calendar: bool = False,
    concerns=None,
    **context,
):
    email, created = email_enqueue(
        kind=kind,
        recipient=professional.email,
        template=template,
        context={
            "cohort": cohort,
            "name": professional.name,
            "organisation": professional.organisation,
            "days": _days(workshops),
            "calendar_attached": calendar,
            **context,
        },
        concerns=professional if concerns is None else concerns,
        occurrence=occurrence,
        campaign=cohort.campaign,
        areas=Areas.of(cohort),  # a professional's email is scoped by the cohort's areas
        attachments=(
            (lambda: professional_attachments(professional, cohort, workshops))
            if calendar
            else None
        ),
    )
    return email, created


def _invite(professional: Professional, cohort: Cohort, workshops: list) -> None:
    """The invitation, once per address and cohort; it records the days it told."""
    email, created = _to_professional(
        professional,
        cohort,
        kind=EmailKind.PROFESSIONAL_INVITATION,
        template="professional_invitation",
        occurrence=f"invited-{cohort.pk}",
        workshops=workshops,
        calendar=True,
    )
    if created and email.status != EmailStatus.FAILED:
        record_told(cohort, professional.email, workshops)


def professional_invited(*, professional_id: int) -> None:
    """A professional was added to (or their address corrected on) a cohort that is open or
    running: invite them, with both days and the calendar file."""
    _record("professional_invited", professional_id=professional_id)
    professional = (
        Professional.objects.select_related("delivery__cohort").filter(pk=professional_id).first()
    )
    if professional is None:
        return
    cohort = professional.delivery.cohort
    if cohort.status in INVITED_COHORT_STATUSES:
        _invite(professional, cohort, _workshops(cohort))


def professionals_invited(*, cohort_id: int) -> None:
    """A cohort opened for booking: invite every professional already on it."""
    _record("professionals_invited", cohort_id=cohort_id)
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None or cohort.status not in INVITED_COHORT_STATUSES:
        return
    workshops = _workshops(cohort)
    for professional in cohort.professionals.all():
        _invite(professional, cohort, workshops)


def professional_removed(*, professional_id: int) -> None:
    """A professional is about to be taken off a cohort (run before the row goes, in the
    same transaction): if they were told its days, tell them they are no longer expected."""
    _record("professional_removed", professional_id=professional_id)
    professional = (
        Professional.objects.select_related("delivery__cohort").filter(pk=professional_id).first()
    )
    if professional is None:
        return
    cohort = professional.delivery.cohort
    if professional.email.strip().lower() not in told_by_recipient(cohort):
        return  # never invited (the cohort had not opened): nothing to take back
    _to_professional(
        professional,
        cohort,
        kind=EmailKind.CANCELLATION,
        template="professional_cancelled",
        occurrence=f"professional-{professional.pk}-removed",
        workshops=_workshops(cohort),
        concerns=cohort,  # the professional's row is deleted; the email stays about the cohort
        why="removed",
    )


def professionals_told_cohort_cancelled(cohort: Cohort, workshops: list) -> None:
    """Part of ``notifications.cohort_cancelled``: the professionals who were told the days
    are told the workshops will not take place."""
    told = told_by_recipient(cohort)
    for professional in cohort.professionals.all():
        if professional.email.strip().lower() in told:
            _to_professional(
                professional,
                cohort,
                kind=EmailKind.CANCELLATION,
                template="professional_cancelled",
                occurrence="cohort-cancelled",
                workshops=workshops,
                why="cohort_cancelled",
            )


def register() -> None:
    register_fan_out(professionals_invited)
