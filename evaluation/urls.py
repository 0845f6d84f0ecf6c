"""The evaluation reports for coordinators."""

app_name = "evaluation"
urlpatterns = []
