"""What every page must do: axe-core (WCAG 2.1 A and AA) and the structure around it."""

from axe_playwright_python.base import AXE_SCRIPT

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
TITLE_SUFFIX = " – Batteriet"

STRUCTURE_JS = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const outside = (el) => !el.closest('main, article, aside, nav, section, [role=main], [role=region]');
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    h1: [...document.querySelectorAll('h1')].filter(visible).length,
    banner: [...document.querySelectorAll('header, [role=banner]')].filter(outside).length,
    nav: document.querySelectorAll('nav, [role=navigation]').length,
    main: document.querySelectorAll('main, [role=main]').length,
    mainId: document.querySelector('main, [role=main]')?.id || null,
    contentinfo: [...document.querySelectorAll('footer, [role=contentinfo]')].filter(outside).length,
  };
}"""

ACTIVE_JS = """() => {
  const el = document.activeElement;
  return el ? {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, href: el.getAttribute('href'),
               text: (el.textContent || '').trim()} : null;
}"""


def axe_violations(page) -> list[str]:
    """Run axe-core on the page; one line per violation with its targets and help."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    lines = []
    for violation in results["violations"]:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} – {targets}")
    return lines


def structure_problems(page, language: str) -> tuple[list[str], str]:
    """One h1, a title of its own, <html lang>, and the landmarks. Returns (problems, title)."""
    found = page.evaluate(STRUCTURE_JS)
    problems = []
    if found["lang"] != language:
        problems.append(f"<html lang> is {found['lang']!r}, expected {language!r}")
    if found["h1"] != 1:
        problems.append(f"{found['h1']} h1 elements, expected exactly one")
    title = found["title"].strip()
    if not title.endswith(TITLE_SUFFIX) or not title.removesuffix(TITLE_SUFFIX).strip():
        problems.append(f"title {title!r} says nothing about the page")
    for landmark in ("banner", "nav", "contentinfo"):
        if found[landmark] < 1:
            problems.append(f"no {landmark} landmark")
    if found["main"] != 1 or found["mainId"] != "main":
        problems.append(
            f"expected one main landmark with id 'main', found {found['main']} ({found['mainId']!r})"
        )
    return problems, title


def skip_link_problems(page) -> list[str]:
    """The first Tab lands on a skip link; Enter on it moves focus to #main."""
    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE_JS)
    if not first or first["tag"] != "a" or first["href"] != "#main":
        return [f"the first focusable element is {first!r}, not a skip link to #main"]
    page.keyboard.press("Enter")
    if page.evaluate("() => document.activeElement && document.activeElement.id") != "main":
        return ["the skip link does not move focus to #main"]
    return []


def error_focus_problems(page) -> list[str]:
    """A form sent with errors shows an error summary, and focus starts on it."""
    if page.locator("#error-summary").count() != 1:
        return ["no error summary after sending the form empty"]
    if page.evaluate("() => document.activeElement && document.activeElement.id") != "error-summary":
        return ["focus is not on the error summary"]
    return []


def focus_indicator(page) -> dict:
    """The computed outline and box-shadow of the focused element."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim(),
                  outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
                  boxShadow: style.boxShadow};
        }"""
    )


def has_visible_focus(indicator: dict) -> bool:
    outline = indicator["outlineStyle"] != "none" and indicator["outlineWidth"] > 0
    shadow = indicator["boxShadow"] not in ("", "none")
    return outline or shadow


class Watch:
    """What goes wrong in the browser around a page: script and console errors, failed
    sub-resources (a missing stylesheet leaves a page unstyled) and any request that
    leaves the site's own origin."""

    def __init__(self, page, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("pageerror", self._page_error)
        page.on("console", self._console)

    def _request(self, request) -> None:
        if not request.url.startswith((self.origin, "data:")):
            self.problems.append(f"request outside the site: {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url}")

    def _page_error(self, error) -> None:
        self.problems.append(f"script error: {error}")

    def _console(self, message) -> None:
        # Failed loads are reported by _response (and error pages are expected).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def take(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems
