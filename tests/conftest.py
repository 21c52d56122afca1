import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests see the site as a first-time visitor does: Bokmål unless they switch."""
    settings.LANGUAGE_CODE = "nb"
