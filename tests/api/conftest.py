import pytest
from django.test import Client

from batteriet.api import services
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
    return factories.bookable_day(weekday=1)


def bearer(user) -> Client:
    """A client that sends a fresh personal API key of `user`, and no cookies."""
    _token, secret = services.api_token_create(
        actor=user, name=f"Test {factories.UserFactory._meta.model.objects.count()}"
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def api_client_for():
    return bearer
