"""Writes about users: giving a role and areas, and the demo logins."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Assignment, Role
from accounts.roles import roles_sync
from core.actors import takes_actor
from schools.models import LocalAuthority, MHSTArea, Region


class RoleError(ValueError):
    """A role cannot be given as asked; the message says why."""


@takes_actor
@transaction.atomic
def user_assign_role(
    *,
    user,
    role: Role,
    local_authorities: Iterable[LocalAuthority] = (),
    mhst_areas: Iterable[MHSTArea] = (),
    regions: Iterable[str] = (),
) -> None:
    """Give ``user`` a role (adding to any they hold); regional coordinators get their areas."""
    local_authorities, mhst_areas = list(local_authorities), list(mhst_areas)
    regions = list(regions)
    unknown = set(regions) - set(Region.values)
    if unknown:
        raise RoleError(f"Unknown region codes: {', '.join(sorted(unknown))}")
    if role == Role.REGIONAL_COORDINATOR and not (local_authorities or mhst_areas or regions):
        raise RoleError("A regional coordinator needs at least one LA, MHST area or region.")
    group = Group.objects.filter(name=str(role.label)).first()
    if group is None:
        roles_sync()
        group = Group.objects.get(name=str(role.label))
    user.groups.add(group)
    if role == Role.REGIONAL_COORDINATOR:
        assignment, _ = Assignment.objects.get_or_create(user=user)
        assignment.local_authorities.add(*local_authorities)
        assignment.mhst_areas.add(*mhst_areas)
        assignment.regions = sorted(set(assignment.regions) | set(regions))
        assignment.save(update_fields=["regions", "updated_at"])
    user.__dict__.pop("_link_scope", None)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


# Published on purpose: these exist only on demo sites (seed_demo refuses with DEBUG off).
DEMO_LOGINS = (
    DemoLogin("Administrator", "admin", "link-admin-demo"),
    DemoLogin("Regional coordinator", "coordinator", "link-coordinator-demo"),
    DemoLogin("Facilitator", "facilitator", "link-facilitator-demo"),
    DemoLogin("Viewer (DfE/NHSE)", "viewer", "link-viewer-demo"),
)


def demo_users_seed(*, coordinator_las: Iterable[LocalAuthority]) -> list[str]:
    """Create the demo logins with their roles; returns the usernames that existed already
    (their passwords are left as they were)."""
    User = get_user_model()
    existing = []
    roles = {
        "coordinator": Role.REGIONAL_COORDINATOR,
        "facilitator": Role.FACILITATOR,
        "viewer": Role.VIEWER,
    }
    for login in DEMO_LOGINS:
        is_admin = login.username == "admin"
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={"is_staff": is_admin, "is_superuser": is_admin},
        )
        if not created:
            existing.append(login.username)
            continue
        user.set_password(login.password)
        user.save(update_fields=["password"])
        if login.username in roles:
            user_assign_role(
                user=user,
                role=roles[login.username],
                local_authorities=coordinator_las if login.username == "coordinator" else (),
            )
    return existing
