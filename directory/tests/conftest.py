import pytest

from directory import taxonomy


@pytest.fixture(autouse=True)
def _terms(db):
    """The taxonomy terms of the data migration (a flushed test database has lost them)."""
    taxonomy.ensure()
