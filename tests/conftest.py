import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests see the site as a first-time visitor does: Bokmål unless they switch."""
    settings.LANGUAGE_CODE = "nb"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so rate-limit counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
