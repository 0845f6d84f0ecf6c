import factory
from django.contrib.auth import get_user_model

from accounts.models import Role
from accounts.services import user_assign_role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@link.example.org")
    password = factory.django.Password("a-test-password")


def user_with_role(role: Role, username: str | None = None, **areas):
    """A user holding ``role``; regional coordinators take local_authorities=, mhst_areas=,
    regions= as in accounts.services.user_assign_role."""
    user = UserFactory(username=username or role.value)
    user_assign_role(user=user, role=role, **areas)
    return user
