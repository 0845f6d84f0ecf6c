"""Did joint working improve? Rating rounds: a facilitator opens one at the consultation and
one at the final review; each stakeholder is emailed their own link (``rating_links``), rates
the seven CASCADE areas from 1 to 5 (or "don't know"), and may change their ratings until
the round closes. A facilitator may also enter ratings given at the meeting itself.

Emails go through the outbox in the transaction that records them, keyed by (kind,
recipient, request, occurrence), so nothing is sent twice. The scan
(``rating_requests_send``, a beat task) asks stakeholders added since a round opened and
reminds, once, those who have not rated ``conf.rating_reminder_days()`` after their link
went; it locks the open rounds first, so two scans at once do the work once, and costs a
fixed number of queries whatever the number of stakeholders. Logs carry ids only.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from core.actors import takes_actor
from facilitation import conf
from facilitation.errors import FacilitationError
from facilitation.models import (
    RATING_MAX,
    RATING_MIN,
    CascadeArea,
    CascadeRating,
    Engagement,
    RatingPoint,
    RatingRequest,
    RatingRound,
    Stage,
    Stakeholder,
)
from facilitation.rating_links import rating_link_url
from outbox.models import EmailKind
from outbox.relevance import register_still_wanted
from outbox.services import Areas, EmailSpec, emails_enqueue_bulk

logger = logging.getLogger("facilitation.ratings")

#: The outbox's kinds for these emails: a rating round is a short survey of the stakeholders.
INVITATION, REMINDER = EmailKind.SURVEY_INVITATION, EmailKind.SURVEY_REMINDER
DONT_KNOW = None


def _emails(requests: Iterable[RatingRequest], *, reminder: bool) -> int:
    """Queue the invitation (or reminder) of each of ``requests`` (with ``round__engagement``
    and ``stakeholder`` loaded), in the caller's transaction; returns how many were new."""
    specs = []
    for request in requests:
        engagement = request.round.engagement
        specs.append(
            EmailSpec(
                kind=REMINDER if reminder else INVITATION,
                recipient=request.stakeholder.email,
                template="cascade_rating_reminder" if reminder else "cascade_rating_invitation",
                context={
                    "name": request.stakeholder.name,
                    "engagement": engagement,
                    "point": request.round.get_point_display(),
                    "areas": CascadeArea.labels,
                    "link": rating_link_url(request=request),
                },
                concerns=request,
                occurrence="reminder" if reminder else "invitation",
                campaign=engagement.campaign,
                areas=Areas.of(engagement),
            )
        )
    return len(emails_enqueue_bulk(specs))


def _ask(pairs: list[tuple[int, Stakeholder]], *, rounds: Mapping[int, RatingRound], now) -> int:
    """Make a request for each (round id, stakeholder) and queue its invitation."""
    requests = RatingRequest.objects.bulk_create(
        RatingRequest(round_id=round_id, stakeholder=stakeholder, sent_at=now)
        for round_id, stakeholder in pairs
    )
    for request in requests:
        request.round = rounds[request.round_id]
    return _emails(requests, reminder=False)


def _askable(engagement_ids) -> QuerySet[Stakeholder]:
    """Stakeholders who can be asked: with an address (an anonymised one has none)."""
    return Stakeholder.objects.filter(engagement_id__in=engagement_ids).exclude(email="")


@takes_actor
def rating_round_open(*, engagement: Engagement, point: str, actor=None) -> RatingRound:
    """Open the round of ``point`` for ``engagement`` and email each stakeholder their link
    (after commit, by the outbox). The final review's round needs the consultation's, so
    that there is something to compare with."""
    if point not in RatingPoint.values:
        raise FacilitationError(f"Unknown time point {point!r}.", code="point")
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if engagement.stage in (Stage.CLOSED, Stage.PAUSED):
            raise FacilitationError(
                f"{engagement.name} is {engagement.get_stage_display().lower()}: no rating "
                "round can be opened.",
                code="stage",
            )
        rounds = set(engagement.rating_rounds.values_list("point", flat=True))
        if point in rounds:
            raise FacilitationError(
                f"The {RatingPoint(point).label.lower()} ratings were opened already: each "
                "stakeholder rates once at each time point.",
                code="opened",
            )
        if point == RatingPoint.FINAL_REVIEW and RatingPoint.CONSULTATION not in rounds:
            raise FacilitationError(
                "Open the consultation ratings first: the final review's ratings are compared "
                "with them.",
                code="order",
            )
        now = timezone.now()
        try:
            with transaction.atomic():
                round_ = RatingRound.objects.create(
                    engagement=engagement, point=point, opened_at=now, opened_by=actor
                )
        except IntegrityError:  # opened meanwhile by another request
            raise FacilitationError("These ratings were opened already.", code="opened") from None
        round_.engagement = engagement
        asked = _ask(
            [(round_.pk, s) for s in _askable([engagement.pk]).order_by("pk")],
            rounds={round_.pk: round_},
            now=now,
        )
    logger.info("rating round %s opened: %s asked", round_.pk, asked)
    return round_


@takes_actor
def rating_round_close(*, rating_round: RatingRound) -> RatingRound:
    """Close a round: its links then show the ratings as given and change nothing."""
    with transaction.atomic():
        round_ = RatingRound.objects.select_for_update().get(pk=rating_round.pk)
        if round_.closed_at is not None:
            raise FacilitationError("These ratings are closed already.", code="closed")
        round_.closed_at = timezone.now()
        round_.save(update_fields=["closed_at", "updated_at"])
    return round_


def rating_requests_send(*, now: datetime | None = None) -> int:
    """Ask the stakeholders added to an engagement since its open round opened, and remind
    once those who have not rated ``conf.rating_reminder_days()`` after their link went.
    Returns how many emails were queued; a second run queues none."""
    now = now or timezone.now()
    with transaction.atomic():
        rounds = {
            r.pk: r
            for r in RatingRound.objects.filter(closed_at__isnull=True)
            .exclude(engagement__stage__in=(Stage.CLOSED, Stage.PAUSED))
            .select_related("engagement")
            .select_for_update(of=("self",))
        }
        if not rounds:
            return 0
        engagement_rounds = {r.engagement_id: r.pk for r in rounds.values()}
        missing = (
            _askable(engagement_rounds)
            .filter(engagement__rating_rounds__in=list(rounds))
            .annotate(round_id=F("engagement__rating_rounds"))
            .exclude(
                Exists(
                    RatingRequest.objects.filter(
                        round_id=OuterRef("round_id"), stakeholder_id=OuterRef("pk")
                    )
                )
            )
            .order_by("pk")
        )
        queued = _ask([(s.round_id, s) for s in missing], rounds=rounds, now=now)
        due = list(
            RatingRequest.objects.filter(
                round_id__in=list(rounds),
                submitted_at__isnull=True,
                reminded_at__isnull=True,
                sent_at__lte=now - timedelta(days=conf.rating_reminder_days()),
                stakeholder__isnull=False,
            )
            .exclude(stakeholder__email="")
            .select_related("stakeholder")
        )
        RatingRequest.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
        for request in due:
            request.round = rounds[request.round_id]
        queued += _emails(due, reminder=True)
    logger.info("rating scan: %s emails queued", queued)
    return queued


def _scores_check(scores: Mapping[str, int | None]) -> dict[str, int | None]:
    """Every CASCADE area rated 1 to 5 or "don't know" (None); else a readable refusal that
    names the areas left out or out of range."""
    missing = [str(label) for value, label in CascadeArea.choices if value not in scores]
    unknown = sorted(set(scores) - set(CascadeArea.values))
    wrong = [
        str(CascadeArea(area).label)
        for area, score in scores.items()
        if area in CascadeArea.values
        and score is not DONT_KNOW
        and not (isinstance(score, int) and RATING_MIN <= score <= RATING_MAX)
    ]
    if unknown:
        raise FacilitationError(f"Unknown CASCADE area {unknown[0]!r}.", code="area")
    if missing or wrong:
        problems = []
        if missing:
            problems.append("choose a rating or “don’t know” for " + "; ".join(missing))
        if wrong:
            problems.append(f"rate from {RATING_MIN} to {RATING_MAX}: " + "; ".join(wrong))
        raise FacilitationError(
            "Nothing was saved: " + ", and ".join(problems) + ".", code="incomplete"
        )
    return {area: scores[area] for area in CascadeArea.values}


def _save_scores(request: RatingRequest, scores: dict[str, int | None], now) -> None:
    CascadeRating.objects.bulk_create(
        [CascadeRating(request=request, area=area, score=score) for area, score in scores.items()],
        update_conflicts=True,
        unique_fields=["request", "area"],
        update_fields=["score"],
    )
    request.submitted_at = now
    request.save(update_fields=["submitted_at", "entered_by", "updated_at"])


@takes_actor
def cascade_ratings_submit(
    *, request: RatingRequest, scores: Mapping[str, int | None]
) -> RatingRequest:
    """A stakeholder's ratings of the seven areas (``scores``: area -> 1..5, or None for
    "don't know"), all seven at once; submitting again while the round is open replaces
    them. A closed round, or a stakeholder since removed, changes nothing."""
    scores = _scores_check(scores)
    with transaction.atomic():
        request = (
            RatingRequest.objects.select_for_update(of=("self",))
            .select_related("round", "stakeholder")
            .get(pk=request.pk)
        )
        if request.stakeholder is None or not request.stakeholder.email:
            raise FacilitationError(
                "These ratings can no longer be changed: the stakeholder was removed.",
                code="removed",
            )
        if not request.round.is_open:
            raise FacilitationError(
                "These ratings have closed: nothing was changed. Thank you all the same.",
                code="closed",
            )
        _save_scores(request, scores, timezone.now())
    return request


@takes_actor
def cascade_ratings_enter(
    *,
    rating_round: RatingRound,
    stakeholder: Stakeholder,
    scores: Mapping[str, int | None],
    actor=None,
) -> RatingRequest:
    """A facilitator enters the ratings ``stakeholder`` gave at the meeting itself (a show of
    hands, a form on the table): the same record as rating from the link, marked as entered
    by ``actor``. Their own link still works, and replaces these if used later."""
    scores = _scores_check(scores)
    with transaction.atomic():
        round_ = RatingRound.objects.select_for_update().get(pk=rating_round.pk)
        if stakeholder.engagement_id != round_.engagement_id:
            raise FacilitationError(f"{stakeholder.name} is not a stakeholder of this engagement.")
        if not round_.is_open:
            raise FacilitationError("These ratings have closed: nothing was changed.")
        now = timezone.now()
        request, _ = RatingRequest.objects.get_or_create(
            round=round_, stakeholder=stakeholder, defaults={"sent_at": now}
        )
        request.entered_by = actor
        _save_scores(request, scores, now)
    return request


def requests_still_wanted(rows, now) -> dict[int, str]:
    """The outbox's question before it sends a rating email (``outbox.relevance``): not to a
    stakeholder since removed, not once they have rated, not after the round closed."""
    requests = RatingRequest.objects.select_related("round", "stakeholder").in_bulk(
        {row.subject_id for row in rows if row.subject_id}
    )
    gone = {}
    for row in rows:
        request = requests.get(row.subject_id)
        if request is None or request.stakeholder is None or not request.stakeholder.email:
            gone[row.pk] = "the stakeholder was removed"
        elif request.submitted_at is not None:
            gone[row.pk] = "the stakeholder has rated already"
        elif not request.round.is_open:
            gone[row.pk] = "the ratings have closed"
    return gone


def register() -> None:
    register_still_wanted([INVITATION, REMINDER], RatingRequest, requests_still_wanted)
