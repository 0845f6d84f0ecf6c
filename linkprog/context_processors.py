"""Template context shared by every page."""

from django.conf import settings


def programme(request):
    return {
        "programme_name": settings.LINK_PROGRAMME_NAME,
        "programme_short_name": settings.LINK_SHORT_NAME,
        "programme_contact_email": settings.LINK_CONTACT_EMAIL,
    }
