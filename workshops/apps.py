from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    """The two workshop days of each cohort, facilitators, professionals and attendance."""

    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from workshops import privacy

        privacy.register()
