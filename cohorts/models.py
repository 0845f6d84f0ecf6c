"""Models of the cohorts app: built by its own issue; empty until then."""
