"""Every guidance page, for every role that can see it, in Bokmål and English: zero axe-core
violations (WCAG 2.1 A and AA) and the page structure (see test_accessibility.py), and at
320 px no sideways scrolling. The pages are listed per area in `tests/browser/guidance/`.
"""

from collections import defaultdict

import pytest

from tests.browser import checks
from tests.browser.guidance import ask, availability, evaluation, records, triage
from tests.browser.pages import LANGUAGES, ROLES, user_for
from tests.browser.test_accessibility import visit
from tests.browser.test_small_screens import OVERFLOW_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AREAS = {
    "ask": ask,
    "triage": triage,
    "availability": availability,
    "records": records,
    "evaluation": evaluation,
}


def pages_for(role: str, site) -> list[tuple[str, object]]:
    """(area, page) for every guidance page the role sees; every role sees the start page."""
    pages = [(area, target) for area, module in AREAS.items() for target in module.pages(role, site)]
    assert any(area == "ask" for area, _target in pages), role
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_guidance_pages_pass_axe_and_have_the_structure(role, site, new_context, live_server):
    pages = pages_for(role, site)
    failures = []
    for language in LANGUAGES:
        context = new_context(user=user_for(role, site), language=language)
        context.add_init_script(checks.AXE_SCRIPT)
        page = context.new_page()
        watch = checks.Watch(page, live_server.url)
        titles = defaultdict(set)
        for area, target in pages:
            problems, title = visit(page, target, language)
            if title is not None and not target.submit_empty and target.status == 200:
                titles[title].add(target.key)
            problems += watch.take()
            failures += [f"[{area}, {role}, {language}] {target.label}: {problem}" for problem in problems]
        for title, paths in titles.items():
            if len(paths) > 1:
                failures.append(f"[{role}, {language}] the title {title!r} is shared by {sorted(paths)}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ["visitor", "contact", "lead"])
def test_guidance_pages_do_not_scroll_sideways_at_320_px(role, site, new_context):
    pages = pages_for(role, site)
    page = new_context(user=user_for(role, site), language="nb", width=320, height=640).new_page()
    failures = []
    for area, target in pages:
        response = page.goto(target.path)
        assert response is not None and response.status == target.status, target.path
        if target.submit_empty:
            with page.expect_navigation():
                page.locator("#main form.form").first.locator("button[type=submit]").first.click()
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            failures.append(f"[{area}] {target.label}: {overflow}")
    assert not failures, f"[{role}] pages wider than 320 px:\n" + "\n".join(failures)
