from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Questionnaires, time points, tokenised responses and outcome reports."""

    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from evaluation import email_checks, register_interest, retention, timeline

        email_checks.register()
        register_interest.register()
        timeline.register()
        retention.register()
