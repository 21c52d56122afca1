"""Browser pages of the events messages area, per role (see tests/browser/test_event_pages.py)."""


def pages(role: str, site) -> list:
    return []
