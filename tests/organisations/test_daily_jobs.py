import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from batteriet.core import time as clock
from batteriet.organisations.models import AgreementStatus
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_daily_jobs_expires_ended_agreements_and_reminds_once():
    today = clock.local_today()
    ended = factories.agreement(
        factories.OrganisationFactory(),
        valid_from=today - dt.timedelta(days=400),
        valid_until=today - dt.timedelta(days=1),
    )
    organisation = factories.OrganisationFactory()
    factories.member(organisation, "contact", email="kontakt@example.org")
    ending_soon = factories.agreement(organisation, valid_until=today + dt.timedelta(days=20))
    far_off = factories.agreement(factories.OrganisationFactory(), valid_until=today + dt.timedelta(days=200))

    call_command("daily_jobs", stdout=io.StringIO())
    call_command("daily_jobs", stdout=io.StringIO())

    ended.refresh_from_db()
    ending_soon.refresh_from_db()
    far_off.refresh_from_db()
    assert ended.status == AgreementStatus.EXPIRED
    assert ending_soon.status == AgreementStatus.ACTIVE
    assert ending_soon.renewal_reminder_sent_at is not None
    assert far_off.renewal_reminder_sent_at is None
    reminders = [m for m in mail.outbox if "kontakt@example.org" in m.to]
    assert len(reminders) == 1
