"""Models of the evaluation app: built by its own issue; empty until then."""
