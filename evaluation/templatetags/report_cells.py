"""``{% report_cell cell %}``: one report figure, the value or the words that stand for a
hidden one (``evaluation.suppression.Cell``). A tag rather than an included template: a
national report shows a few thousand figures, and an include costs as much as the rest."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def report_cell(cell, suffix: str = "", decimals: int | None = None) -> str:
    if cell.hidden:
        return format_html(
            '<span class="text-body-secondary fst-italic text-nowrap">{}</span>', cell.label
        )
    if cell.value is None:  # no figure at all (a rate of no invitations)
        return "–"
    value = floatformat(cell.value, decimals) if decimals else cell.value
    return format_html("{}{}", value, suffix)


@register.simple_tag
def change_cell(change) -> str:
    """A mean change with its 95% CI in one cell ("0.50 (0.12 to 0.88)"), or the words that
    stand for a hidden one: the funnel's tables show one per area and outcome."""
    mean = change.mean_change
    if mean.hidden:
        return format_html('<span class="text-body-secondary fst-italic">{}</span>', mean.label)
    if change.ci_low.value is None:
        return floatformat(mean.value, 2)
    return format_html(
        '{} <span class="text-nowrap">({} to {})</span>',
        floatformat(mean.value, 2),
        floatformat(change.ci_low.value, 2),
        floatformat(change.ci_high.value, 2),
    )
