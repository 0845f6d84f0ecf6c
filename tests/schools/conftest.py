from pathlib import Path

import pytest

from schools.services.areas import areas_load_reference

DATA = Path(__file__).parent / "data"


@pytest.fixture
def areas(db):
    """The shipped local authorities and MHST trailblazer areas (idempotent load)."""
    return areas_load_reference()


@pytest.fixture
def gias_2018() -> Path:
    """20 rows of the October 2018 extract as published (133 columns, all quoted)."""
    return DATA / "gias_2018_20.csv"


@pytest.fixture
def gias_2025_same_urns() -> Path:
    """The same 20 URNs in the July 2025 extract (135 columns): renamed, one closed."""
    return DATA / "gias_2025_same_urns.csv"


@pytest.fixture
def gias_2025_every_type() -> Path:
    """Up to two real rows of each (type of establishment, status) in the July 2025 extract."""
    return DATA / "gias_2025_every_type.csv"
