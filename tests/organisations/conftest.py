import pytest

from tests import factories


@pytest.fixture
def centre(db):
    factories.reference_data()
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what services queue after commit (e-mails) as if the transaction committed."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
