"""Whether an email is still wanted when its turn comes to be sent.

An email is queued because something happened (an offer was made, a workshop is a week
away); by the time a worker sends it, that reason may have gone (the offer was accepted or
lapsed, the place was cancelled). The outbox knows no cohort or survey, so the apps that
queue such emails register a check for their kinds here (in their ``AppConfig.ready``), and
the send path asks before each claim: an email whose reason has gone is cancelled, with the
reason as its note on the outbox page, and never sent.

A check is registered for some kinds of email about one model (the object the email
concerns). It takes those rows about to be sent and the time, and returns, for the rows that
are no longer wanted, why not. It must cost a fixed number of queries for any number of rows
(a wave claims 50 at a time). Emails with no check are always wanted.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from outbox.models import OutgoingEmail

StillWantedCheck = Callable[[list[OutgoingEmail], datetime], dict[int, str]]

_checks: dict[tuple[str, str], StillWantedCheck] = {}


def register_still_wanted(
    kinds: Iterable[str], about: type[Model], check: StillWantedCheck
) -> None:
    """Ask ``check`` about every email of ``kinds`` concerning an ``about`` before it is
    sent (``row.subject_id`` is then that object's primary key)."""
    for kind in kinds:
        _checks[(str(kind), about._meta.label_lower)] = check


def no_longer_wanted(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    """{row id: reason} for the rows whose reason to be sent has gone."""
    by_check: dict[StillWantedCheck, list[OutgoingEmail]] = defaultdict(list)
    for row in rows:
        if row.subject_type_id is None:
            continue
        model = ContentType.objects.get_for_id(row.subject_type_id).model_class()
        if model and (check := _checks.get((row.kind, model._meta.label_lower))):
            by_check[check].append(row)
    gone: dict[int, str] = {}
    for check, batch in by_check.items():
        gone.update(check(batch, now))
    return gone
