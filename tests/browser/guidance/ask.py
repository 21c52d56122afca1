"""Browser pages of the guidance ask area, per role (see tests/browser/test_guidance_pages.py)."""


def pages(role: str, site) -> list:
    return []
