from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    """Rollout phases and waves, cohorts of up to 20 schools, places and the outbox."""

    name = "cohorts"
    verbose_name = _("Cohorts and places")

    def ready(self) -> None:
        from cohorts import (
            email_checks,
            notifications,
            professional_mail,
            register_interest,
            retention,
            status_summary,
        )

        email_checks.register()
        notifications.register()
        professional_mail.register()
        register_interest.register()
        retention.register()
        status_summary.register()
