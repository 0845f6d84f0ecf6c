"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.roles import roles_of


def programme_details() -> dict[str, str]:
    """The programme's names and contact address, from settings alone (the 500 page uses
    only these)."""
    return {
        "programme_name": settings.LINK_PROGRAMME_NAME,
        "programme_short_name": settings.LINK_SHORT_NAME,
        "programme_contact_email": settings.LINK_CONTACT_EMAIL,
    }


def programme(request):
    user = getattr(request, "user", None)
    return {
        **programme_details(),
        # Lazy: the query runs only on pages that show the user menu.
        "user_roles": SimpleLazyObject(
            lambda: sorted(str(role.label) for role in roles_of(user)) if user else []
        ),
    }
