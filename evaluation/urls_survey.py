"""The public survey pages: reached from a personal link, no login."""

app_name = "survey"
urlpatterns = []
