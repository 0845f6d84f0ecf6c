from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    """The establishment register: schools, colleges, alternative provision, local
    authorities, Mental Health Support Team areas and teams, and the GIAS import."""

    name = "schools"
    verbose_name = _("Establishment register")
