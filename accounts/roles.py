"""What each role may do: its Django group and that group's permissions.

``roles_sync()`` makes the groups match this table; it runs after every ``migrate``
(accounts.apps) so a fresh database has the four roles.
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from accounts.models import Role

_COMMON = ("view_dashboard", "view_evaluation")
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.NATIONAL_ADMIN: (
        *_COMMON,
        "view_register",
        "export_register",
        "edit_contacts",
        "view_audit",
        "manage_cohorts",
        "run_cohorts",
        "manage_outbox",
        # Free text can name people and places: national roles only.
        "view_free_text",
        "export_responses",
        "review_register_changes",
        # The rollout plan is national: which areas go in which phase.
        "manage_phases",
        # Subject access requests and erasure reach across every area: national only.
        "manage_personal_data",
    ),
    Role.REGIONAL_COORDINATOR: (
        *_COMMON,
        "view_register",
        "export_register",
        "edit_contacts",
        "view_audit",
        "manage_cohorts",
        "run_cohorts",
        "manage_outbox",
        "export_responses",
    ),
    # Facilitators know each attendee: they see the aggregates of their cohorts, never
    # response-level rows.
    Role.FACILITATOR: (*_COMMON, "run_cohorts"),
    # DfE and NHS England: national figures, read-only, no personal data.
    Role.VIEWER: (*_COMMON, "view_free_text", "export_responses"),
}


#: A school's booking link books, moves and cancels its place without a login, so it is a
#: credential: a page shows one (or an email carrying one) only to users holding this, the
#: permission the coordinators' own place move and cancel pages require.
ACT_FOR_SCHOOLS = "accounts.manage_cohorts"


def roles_sync() -> None:
    """Create or update the four role groups with exactly their permissions."""
    create_permissions(global_apps.get_app_config("accounts"), verbosity=0)
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role.label))
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        )


def roles_of(user) -> set[Role]:
    """The roles a user holds (superusers count as national admins)."""
    if not user.is_authenticated:
        return set()
    by_label = {str(role.label): role for role in Role}
    names = user.groups.values_list("name", flat=True)
    held = {by_label[name] for name in names if name in by_label}
    if user.is_superuser:
        held.add(Role.NATIONAL_ADMIN)
    return held


def users_with_role(role: Role):
    """Active users holding ``role`` through its group (a superuser is no facilitator unless
    given the role), by username."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=str(role.label))
        .distinct()
        .order_by("username")
    )
