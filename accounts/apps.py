from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Coordinators' accounts: roles (national admin, regional coordinator, facilitator,
    viewer), the areas each is scoped to, and account security."""

    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.signals import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)

        from accounts import retention

        retention.register()
