"""Every page, for every role that can see it, in Bokmål and English: zero axe-core
violations (WCAG 2.1 A and AA), one h1, a title of its own, <html lang>, a working skip
link and the landmarks. Forms are also checked in their error state.

One test per role walks that role's pages in both languages and collects every problem
before failing, so one run shows all there is to fix.
"""

from collections import defaultdict

import pytest

from tests.browser import checks
from tests.browser.pages import LANGUAGES, ROLES, Page, for_role, user_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, target: Page, language: str) -> tuple[list[str], str | None]:
    """Open the page (and send its form empty if asked); return problems and the title."""
    response = page.goto(target.path)
    problems = []
    if response is None or response.status != target.status:
        return [f"status {response and response.status}, expected {target.status}"], None
    if target.submit_empty:
        form = page.locator("#main form.form").first
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        problems += checks.error_focus_problems(page)
    else:
        problems += checks.skip_link_problems(page)
    structure, title = checks.structure_problems(page, language)
    problems += structure
    problems += checks.axe_violations(page)
    return problems, title


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_has_the_structure(role, site, new_context, live_server):
    pages = for_role(role, site)
    failures = []
    for language in LANGUAGES:
        context = new_context(user=user_for(role, site), language=language)
        context.add_init_script(checks.AXE_SCRIPT)  # once per context, not once per page
        page = context.new_page()
        watch = checks.Watch(page, live_server.url)
        titles = defaultdict(set)
        for target in pages:
            problems, title = visit(page, target, language)
            if title is not None and not target.submit_empty and target.status == 200:
                titles[title].add(target.key)
            problems += watch.take()
            failures += [f"[{role}, {language}] {target.label}: {problem}" for problem in problems]
        for title, paths in titles.items():
            if len(paths) > 1:
                failures.append(f"[{role}, {language}] the title {title!r} is shared by {sorted(paths)}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
