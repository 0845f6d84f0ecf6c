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


#: The cohorts app's pages that the navigation's "Rollout" entry stands for.
ROLLOUT_PAGES = ("rollout", "phase-create", "phase-edit", "term-dates")


def _nav_section(request) -> str:
    """The navigation entry of the page: its URL namespace, or its name ("home"); empty on a
    page no URL matched (a 404), which has no section."""
    match = getattr(request, "resolver_match", None)
    if match and match.namespace == "cohorts" and match.url_name in ROLLOUT_PAGES:
        return "rollout"  # the rollout's pages have their own entry
    return (match.namespace or match.url_name or "") if match else ""


def programme(request):
    user = getattr(request, "user", None)
    return {
        **programme_details(),
        "nav_section": _nav_section(request),
        # Lazy: the query runs only on pages that show the user menu.
        "user_roles": SimpleLazyObject(
            lambda: sorted(str(role.label) for role in roles_of(user)) if user else []
        ),
    }
