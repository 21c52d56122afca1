"""Browser pages of the events evaluation area, per role (see tests/browser/test_event_pages.py).

Visitors answer from the link in the e-mail (a fresh ticket per call), see the form in
its error state and the thanks page, and the pages for a used or unknown link and for a
link after answering closed. Organisers see results held back while answering is open,
held back after it closed (three answers) and shown (five), and the summary.
"""

from django.urls import reverse

from batteriet.events.models import EvaluationAnswer, EvaluationQuestion
from batteriet.events.services import evaluation as evaluation_services
from tests.browser.pages import Page, _pages
from tests.evaluations import helpers

ORGANISERS = {"adviser", "lead", "coordinator"}


def _events(site):
    """At Oslo: an event still open for answers, and two closed ones with three and five
    answers, made once per site."""
    cached = site.__dict__.get("_evaluation_events")
    if cached is None:
        still_open = helpers.ended_event(site.centre, title="Frivillighet i praksis")
        helpers.answers(still_open, 6, free_text="Ikke vist ennå")
        few = helpers.closed_event(site.centre, title="Styrearbeid for nybegynnere")
        helpers.answers(few, 3, free_text="Veldig nyttig")
        enough = helpers.closed_event(site.centre, kind="seminar", title="Søknadsskriving")
        question = EvaluationQuestion.objects.create(event=enough, label="Hva tar du med deg hjem?")
        for number, evaluation in enumerate(helpers.answers(enough, 5, free_text="Godt opplegg, takk!")):
            EvaluationAnswer.objects.create(
                evaluation=evaluation, question=question, value=f"Mot nummer {number}"
            )
        cached = site.__dict__["_evaluation_events"] = (still_open, few, enough)
    return cached


def _visitor_pages(site) -> list[Page]:
    still_open, _few, enough = _events(site)
    form = reverse("events:evaluate", args=[helpers.ticket(still_open)])
    used = helpers.ticket(still_open)
    evaluation_services.evaluation_submit(token=used, scores=helpers.SCORES, free_text="", answers={})
    return [
        Page(form),
        Page(form, submit_empty=True),
        *_pages("events:evaluate_done"),
        Page(reverse("events:evaluate", args=[used]), status=404),
        Page(reverse("events:evaluate", args=["finnes-ikke"]), status=404),
        Page(reverse("events:evaluate", args=[helpers.ticket(enough)]), status=410),
    ]


def pages(role: str, site) -> list:
    if role == "visitor":
        return _visitor_pages(site)
    if role in ORGANISERS:
        still_open, few, enough = _events(site)
        return [
            *_pages(
                ("events:staff_evaluation", [still_open.pk]),
                ("events:staff_evaluation", [few.pk]),
                ("events:staff_evaluation", [enough.pk]),
                "events:staff_evaluation_summary",
            ),
            # Nobody is invited to `few` (visitors use the others), so its questions still change.
            Page(reverse("events:staff_evaluation", args=[few.pk]), submit_empty=True),
        ]
    return []
