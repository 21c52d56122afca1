"""An evaluation link is used once, even when it is sent many times at the same moment
(double clicks, a link opened on two devices), and invitations go out once per person
when the job runs twice at once. Real threads on the real test database, both databases."""

from collections import Counter

import pytest

from batteriet.events.models import Evaluation, EvaluationTicket, Registration
from batteriet.events.services import evaluation as services
from tests import factories
from tests.evaluations import helpers
from tests.events.test_concurrency import run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_submits_of_one_link_store_one_answer():
    event = helpers.ended_event(factories.CentreFactory(slug="oslo"))
    token = helpers.ticket(event)

    def submit():
        return services.evaluation_submit(token=token, scores=helpers.SCORES, free_text="", answers={}).pk

    outcomes = run_in_parallel([submit for _ in range(10)])

    assert Counter(isinstance(outcome, int) for outcome in outcomes) == {True: 1, False: 9}
    assert Counter(outcome for outcome in outcomes if not isinstance(outcome, int)) == {
        "evaluation_link_used": 9
    }
    assert Evaluation.objects.count() == 1
    assert not EvaluationTicket.objects.exists()


def test_parallel_invitation_runs_invite_each_person_once(mailoutbox):
    event = helpers.ended_event(factories.CentreFactory(slug="oslo"))
    for _ in range(5):
        factories.registration_row(event, factories.UserFactory())

    outcomes = run_in_parallel([services.invitations_send for _ in range(4)])

    assert sum(outcomes) == 5
    assert Registration.objects.filter(evaluation_sent_at__isnull=False).count() == 5
    assert EvaluationTicket.objects.count() == 5
    assert len(mailoutbox) == 5
    assert len({message.body for message in mailoutbox}) == 5
