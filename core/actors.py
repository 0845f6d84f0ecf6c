"""Who made a change when no person did.

Changes are recorded with who made them (django-simple-history). In a request that is the
signed-in user; a scheduled job, a worker's task or a management command has no user, so
each acts as a named system actor: a user account of its own, inactive, with no password and
no role, whose name says what it is ("Scheduled task: expire offers", "Command: import_gias").
The history then says which job changed a record, never nobody.

``acting_as(actor)`` makes every change inside it recorded as ``actor``'s; Celery's tasks
and Link's management commands use it (``linkprog.celery``, ``ActorCommand``).
"""

import functools
import inspect
from contextlib import contextmanager
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.functional import SimpleLazyObject
from simple_history.models import HistoricalRecords

SYSTEM_PREFIX = "system."


def is_system_actor(user) -> bool:
    return bool(user) and user.get_username().startswith(SYSTEM_PREFIX)


def actor_name(user) -> str:
    """How a change's author is shown: a person by their username, a system actor by what it
    is ("Task: expire offers"); "system" for changes from before actors were recorded."""
    if user is None:
        return "system"
    return user.get_full_name() if is_system_actor(user) else user.get_username()


def lazy_system_actor(name: str, label: str):
    """``system_actor``, looked up (and made) only if something is recorded in its name: a
    task or command that changes nothing costs no query and makes no account."""
    return SimpleLazyObject(lambda: system_actor(name, label))


def system_actor(name: str, label: str):
    """The system actor ``name`` (made on first use), shown as ``label``. Looked up each
    time (one query per task or command), so it is never a row another transaction undid."""
    user, created = get_user_model().objects.get_or_create(
        username=f"{SYSTEM_PREFIX}{name}"[:150],
        defaults={"first_name": label[:150], "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def current_actor():
    """Who the changes made now are recorded as (the request's user, or the system actor a
    task or command acts as), or None; for bulk history, which does not look it up itself."""
    request = getattr(HistoricalRecords.context, "request", None)
    return getattr(request, "user", None) if request is not None else None


@contextmanager
def acting_as(actor):
    """Record every change made inside as ``actor``'s (unless a change names its own)."""
    context = HistoricalRecords.context
    had, previous = hasattr(context, "request"), getattr(context, "request", None)
    context.request = SimpleNamespace(user=actor)
    try:
        yield actor
    finally:
        if had:
            context.request = previous
        else:
            del context.request


def takes_actor(service):
    """Give a service an ``actor`` keyword: the person (or system actor) it acts for. Every
    change it makes is recorded as ``actor``'s (``acting_as``); a service that uses the
    actor itself (to stamp ``created_by``, say) declares ``actor`` and receives it too.
    Without one, a change is recorded as the request's user or the task's or command's
    system actor, as before."""
    declares = "actor" in inspect.signature(service).parameters

    @functools.wraps(service)
    def with_actor(*args, actor=None, **kwargs):
        if declares:
            kwargs["actor"] = actor
        if actor is None:
            return service(*args, **kwargs)
        with acting_as(actor):
            return service(*args, **kwargs)

    with_actor.takes_actor = True
    return with_actor


class ActorCommand(BaseCommand):
    """A management command whose changes are recorded as the system actor named after it."""

    def execute(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        with acting_as(lazy_system_actor(f"command.{name}", f"Command: {name}")):
            return super().execute(*args, **options)
