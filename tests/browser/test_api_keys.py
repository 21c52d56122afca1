"""Making an API key with the keyboard alone; the page that shows the key once passes axe
and fits 320 px, in both languages."""

import pytest

from batteriet.api.models import ApiToken
from tests.browser import checks
from tests.browser.test_small_screens import OVERFLOW_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "width"), [("nb", 1280), ("en", 320)])
def test_make_a_key_with_the_keyboard_and_see_it_once(site, new_context, live_server, language, width):
    page = new_context(user=site.member, language=language, width=width, height=800).new_page()
    watch = checks.Watch(page, live_server.url)
    page.goto("/min-side/api-nokler/")
    page.locator("#id_name").focus()
    page.keyboard.type("Regnearket vårt")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    token = ApiToken.objects.get(user=site.member)
    secret = page.locator("#secret").input_value()
    assert secret.startswith(token.prefix)
    assert len(secret) >= 40
    problems, _title = checks.structure_problems(page, language)
    problems += checks.axe_violations(page)
    problems += watch.take()
    assert not problems, problems
    assert page.evaluate(OVERFLOW_JS) is None
    page.goto("/min-side/api-nokler/")
    assert "Regnearket vårt" in page.content()
    assert secret not in page.content()
