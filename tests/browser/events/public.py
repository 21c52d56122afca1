"""Browser pages of the events public area, per role (see tests/browser/test_event_pages.py)."""


def pages(role: str, site) -> list:
    return []
