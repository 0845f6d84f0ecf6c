"""Models of the workshops app: built by its own issue; empty until then."""
