"""An owner's personal link: a stakeholder opens their own goals and actions with it and
updates them, without a login (``core.signed_links``)."""

from datetime import timedelta

from django.urls import reverse

from core.signed_links import SignedLinks

OWNER_LINKS = SignedLinks(salt="facilitation.owner-link", key="s")
#: An owner's link works this long after it was made (each reminder brings a fresh one).
OWNER_LINK_MAX_AGE = timedelta(days=90)


def owner_link_path(*, stakeholder) -> str:
    return reverse("facilitation:owner", args=[OWNER_LINKS.token(stakeholder.pk)])


#: A school's link to its answers to an engagement's schools survey (the invitation's id).
SURVEY_LINKS = SignedLinks(salt="facilitation.schools-survey", key="i")


def survey_link_path(*, invite) -> str:
    return reverse("facilitation:schools-survey-answer", args=[SURVEY_LINKS.token(invite.pk)])
