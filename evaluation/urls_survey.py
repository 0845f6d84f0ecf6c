"""The public survey pages: reached from a personal link, no login."""

from django.urls import path

from evaluation.views import survey

app_name = "survey"

urlpatterns = [
    path("<str:token>/", survey.SurveyAnswerView.as_view(), name="answer"),
    path("<str:token>/save/", survey.SurveyAutosaveView.as_view(), name="autosave"),
    path("<str:token>/new-link/", survey.SurveyNewLinkView.as_view(), name="new-link"),
]
