"""Personal survey links: signed, expiring, one per invitation, no login.

The link carries the invitation's id, signed with the site's secret and a salt of its own
and stamped with the time it was made; it works for ``conf.link_max_age()``. An altered link
fails the signature check (``SurveyLinkInvalid``); an old one is recognised
(``SurveyLinkExpired``, carrying the invitation, so a new link can be sent to the address the
invitation went to) but opens nothing.
"""

from django.conf import settings
from django.urls import reverse

from core.signed_links import LinkTampered, SignedLinks
from evaluation import conf
from evaluation.errors import SurveyLinkExpired, SurveyLinkInvalid
from evaluation.models import SurveyInvitation

SURVEY_LINKS = SignedLinks(salt="evaluation.survey-link", key="i")
INVALID = (
    "This link is not a valid survey link. Please use the link in your email exactly as it "
    "was sent."
)


def survey_link_token(*, invitation: SurveyInvitation) -> str:
    """A fresh signed token for ``invitation`` (URL-safe)."""
    return SURVEY_LINKS.token(invitation.pk)


def survey_link_url(*, invitation: SurveyInvitation) -> str:
    """A fresh personal link, absolute (``settings.LINK_BASE_URL``), for an email."""
    path = reverse("survey:answer", kwargs={"token": survey_link_token(invitation=invitation)})
    return settings.LINK_BASE_URL + path


def survey_link_invitation(*, token: str) -> SurveyInvitation:
    """The invitation a survey link is for.

    Raises ``SurveyLinkInvalid`` for a link that was altered or never made here, and
    ``SurveyLinkExpired`` (carrying the invitation) for a genuine link that is too old.
    """
    max_age = conf.link_max_age()
    try:
        pk, expired = SURVEY_LINKS.read(token, max_age=max_age)
    except LinkTampered as error:
        raise SurveyLinkInvalid(INVALID) from error
    invitation = SurveyInvitation.objects.select_related("questionnaire").filter(pk=pk).first()
    if invitation is None:
        raise SurveyLinkInvalid(INVALID)
    if expired:
        raise SurveyLinkExpired(
            f"This link has expired: survey links work for {max_age.days} days.",
            invitation=invitation,
        )
    return invitation
