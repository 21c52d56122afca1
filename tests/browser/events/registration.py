"""Browser pages of the events registration area, per role (see tests/browser/test_event_pages.py)."""


def pages(role: str, site) -> list:
    return []
