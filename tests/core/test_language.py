import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_bokmal_is_the_default_even_for_an_english_browser(client):
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="nb"' in page.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_changes_the_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("core:home"))

    assert '<html lang="en"' in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_bokmal(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    page = client.get(reverse("core:home"))

    assert '<html lang="nb"' in page.content.decode()
