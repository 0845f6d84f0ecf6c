"""URLs of the cohorts app: coordinators' cohort pages and schools' self-service booking."""

app_name = "cohorts"
urlpatterns: list = []
