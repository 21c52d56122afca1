"""Browser pages of the guidance evaluation area, per role (see tests/browser/test_guidance_pages.py).

Visitors answer from the link in the e-mail (a fresh link per call; showing the form does
not use it up, so both languages see it), see the form in its error state and the thanks
page, and the page for a used or unknown link. Staff see the results of the Oslo centre
(six answers, so they are shown).
"""

from django.urls import reverse

from batteriet.guidance.models import GuidanceEvaluation
from batteriet.guidance.services import evaluation as evaluation_services
from tests.browser.pages import Page, _pages
from tests.guidance.matrix.evaluation import SCORES, answers, ticket

STAFF = {"adviser", "lead", "coordinator"}


def _answers(site) -> None:
    if not GuidanceEvaluation.objects.filter(centre=site.centre).exists():
        answers(site.centre, 6, free_text="Jeg fikk svar på det jeg lurte på.")


def _visitor_pages(site) -> list[Page]:
    form = reverse("guidance:evaluation", args=[ticket(site.centre)])
    used = ticket(site.centre)
    evaluation_services.evaluation_submit(token=used, scores=SCORES, free_text="")
    return [
        Page(form),
        Page(form, submit_empty=True),
        *_pages("guidance:evaluation_done"),
        Page(reverse("guidance:evaluation", args=[used]), status=404),
        Page(reverse("guidance:evaluation", args=["finnes-ikke"]), status=404),
    ]


def pages(role: str, site) -> list:
    if role == "visitor":
        return _visitor_pages(site)
    if role in STAFF:
        _answers(site)
        results = reverse("guidance:evaluation_results")
        return [Page(results)]  # the filter is never empty: it starts with the centre and this year
    return []
