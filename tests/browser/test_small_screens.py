"""At 320 CSS pixels wide (a small phone, or 1280 px zoomed to 400 %), no page scrolls
sideways (WCAG 1.4.10 Reflow). Checked for a visitor, a contact person and a centre lead,
in Bokmål (the longer words) and English.
"""

import pytest

from tests.browser.pages import for_role, user_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW_JS = r"""() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : '');
  const beyond = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 0.5);
  // Inside a table box that scrolls on its own is fine; name the others first.
  const outside = beyond.filter((el) => !el.closest('.table-wrap'));
  const wide = (outside.length ? outside : beyond).slice(-5).map(name);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("role", ["visitor", "contact", "lead"])
def test_no_page_scrolls_sideways_at_320_px(role, language, site, new_context):
    page = new_context(user=user_for(role, site), language=language, width=320, height=640).new_page()
    failures = []
    for target in for_role(role, site):
        response = page.goto(target.path)
        assert response is not None and response.status == target.status, target.path
        if target.submit_empty:
            with page.expect_navigation():
                page.locator("#main form.form").first.locator("button[type=submit]").first.click()
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            failures.append(f"{target.label}: {overflow}")
    assert not failures, f"[{role}, {language}] pages wider than 320 px:\n" + "\n".join(failures)
