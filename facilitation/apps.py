from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    """Engagements of online strategic facilitation: stakeholders, meetings, notes."""

    name = "facilitation"
    verbose_name = _("Online strategic facilitation")

    def ready(self) -> None:
        from facilitation import email_checks, notifications, rating_retention, retention
        from facilitation.services import ratings

        notifications.register()
        retention.register()
        email_checks.register()
        ratings.register()
        rating_retention.register()
