"""Views of the cohorts app: ``public`` (schools, by signed link) and ``coordinator``."""
