from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel every app may use: the time-stamped base model, the domain error,
    signed links, dates as the programme writes them, one-line fields, spreadsheet and
    private responses, audit history, log redaction and the admin's read-only mixins. It
    imports no other app of Link."""

    name = "core"
    verbose_name = _("Core")
