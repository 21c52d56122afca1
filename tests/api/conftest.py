import pytest

from tests import factories


@pytest.fixture
def centre(db):
    return factories.CentreFactory(slug="oslo", name="Batteriet Oslo")


@pytest.fixture
def room(centre):
    return factories.ResourceFactory.bookable_now(centre=centre, name="Møterom Tinde")


@pytest.fixture
def booker(centre):
    """(organisation, contact person) with an active agreement at the centre."""
    return factories.booker(centre)


@pytest.fixture
def day():
    """An ordinary Tuesday a week or more ahead, in an ordinary week."""
    return factories.bookable_day(weekday=1)
