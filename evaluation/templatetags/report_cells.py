"""``{% report_cell cell %}``: one report figure, the value or the words that stand for a
hidden one (``evaluation.suppression.Cell``). A tag rather than an included template: a
national report shows a few thousand figures, and an include costs as much as the rest."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html

register = template.Library()


def fixed(value, decimals: int) -> str:
    """``value`` to ``decimals`` places as Django's ``floatformat`` writes it here (halves
    rounded up on the number as written, never "-0.00", no thousands separator: the
    project's settings), ten times as fast: the national funnel and report write a few
    thousand figures. '' for None, as floatformat."""
    if value is None:
        return ""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


@register.simple_tag
def report_cell(cell, suffix: str = "", decimals: int | None = None) -> str:
    if cell.hidden:
        return format_html(
            '<span class="text-body-secondary fst-italic text-nowrap">{}</span>', cell.label
        )
    if cell.value is None:  # no figure at all (a rate of no invitations)
        return "–"
    value = fixed(cell.value, decimals) if decimals else cell.value
    return format_html("{}{}", value, suffix)


@register.simple_tag
def change_cell(change) -> str:
    """A mean change with its 95% CI in one cell ("0.50 (0.12 to 0.88)"), or the words that
    stand for a hidden one: the funnel's tables show one per area and outcome."""
    mean = change.mean_change
    if mean.hidden:
        return format_html('<span class="text-body-secondary fst-italic">{}</span>', mean.label)
    if change.ci_low.value is None:
        return fixed(mean.value, 2)
    return format_html(
        '{} <span class="text-nowrap">({} to {})</span>',
        fixed(mean.value, 2),
        fixed(change.ci_low.value, 2),
        fixed(change.ci_high.value, 2),
    )
