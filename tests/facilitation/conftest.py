import pytest

from tests.cohorts.conftest import assert_accessible, page  # noqa: F401


@pytest.fixture(autouse=True)
def outbox_broker(stub_outbox_broker):
    """Facilitation tests never put a send task on a real broker; fan-outs run at once."""
    return stub_outbox_broker


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block and its after-commit hooks (the fan-outs' tasks), as a request would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
