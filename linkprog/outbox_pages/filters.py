"""Filters of the coordinators' outbox page."""

import django_filters
from django.utils.translation import gettext_lazy as _

from outbox.models import EmailKind, EmailStatus
from outbox.selectors import campaigns_for


class OutgoingEmailFilter(django_filters.FilterSet):
    campaign = django_filters.ChoiceFilter(label=_("Campaign"), choices=(), empty_label=_("Any"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=EmailKind.choices, empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=EmailStatus.choices, empty_label=_("Any")
    )
    recipient = django_filters.CharFilter(label=_("Recipient contains"), lookup_expr="icontains")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["campaign"].extra["choices"] = [(c, c) for c in campaigns_for(scope)]
