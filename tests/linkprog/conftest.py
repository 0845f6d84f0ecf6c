import pytest


@pytest.fixture
def failing_dashboard(monkeypatch):
    """The dashboard fails as a bug would (no input makes it fail for real): for the 500 page."""

    def fault(*args, **kwargs):
        raise RuntimeError("a fault in the dashboard")

    monkeypatch.setattr("linkprog.views.register_summary", fault)
