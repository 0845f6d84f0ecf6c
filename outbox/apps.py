from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every email Link sends, as a row first: queued, sent by Celery, retried, audited.

    Its own app, not part of cohorts, because cohorts, evaluation and accounts all send
    mail through it and none should reach into another for that.
    """

    name = "outbox"
    verbose_name = _("Outbox")

    def ready(self):
        from outbox import retention

        retention.register()
