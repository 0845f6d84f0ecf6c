"""``{% schools_survey_card engagement %}``: the schools survey in brief, on the engagement's
page and (with its results) on the consultation meeting's page, so neither page's view
needs to know of it."""

from django import template

from accounts.mixins import user_may_open
from facilitation.selectors_survey import schools_survey_summary

register = template.Library()


@register.inclusion_tag("facilitation/_schools_survey_card.html", takes_context=True)
def schools_survey_card(context, engagement, results=False):
    from facilitation.views.survey import SchoolsSurveyView

    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "engagement": engagement,
        "with_results": results,
        "can_open": user is not None and user_may_open(user, SchoolsSurveyView),
        **schools_survey_summary(engagement=engagement, results=results),
    }
