"""The audit log helpers and the e-mail helper."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from batteriet.core import audit
from batteriet.core import mail as site_mail
from batteriet.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_diff_lists_only_what_changed():
    before = {"name": "Gammel", "phone": "", "is_public": False}
    after = {"name": "Ny", "phone": "", "is_public": True}
    assert audit.diff(before, after) == {"name": ["Gammel", "Ny"], "is_public": [False, True]}
    assert audit.diff(after, after) == {}


def test_snapshot_turns_relations_into_text():
    factories.reference_data()
    centre = factories.CentreFactory(name="Batteriet Vest")
    organisation = factories.OrganisationFactory(home_centre=centre, target_groups=["immigrants", "housing"])
    snapshot = audit.snapshot(organisation, ["home_centre", "target_groups", "status"])
    assert snapshot["home_centre"] == "Batteriet Vest"
    assert snapshot["target_groups"] == sorted(str(group) for group in organisation.target_groups.all())
    assert len(snapshot["target_groups"]) == 2
    assert snapshot["status"] == "approved"


def test_record_stores_actor_scope_and_plain_values():
    centre = factories.CentreFactory()
    organisation = factories.OrganisationFactory(home_centre=centre, name="Loggforeningen")
    actor = factories.UserFactory()

    entry = audit.record(
        actor=actor, action="organisation.updated", obj=organisation, changes={"when": centre}
    )

    entry.refresh_from_db()
    assert entry.actor == actor
    assert entry.scope == f"organisation:{organisation.pk}"
    assert entry.object_repr == "Loggforeningen"
    assert entry.changes == {"when": str(centre)}
    assert list(audit.entries_for_scope(entry.scope)) == [entry]


def test_record_without_a_person_is_the_system():
    organisation = factories.OrganisationFactory()
    entry = audit.record(actor=AnonymousUser(), action="agreement.expired", obj=organisation)
    assert entry.actor is None
    assert AuditEntry.objects.filter(actor__isnull=True).count() == 1


def test_send_templated_sends_one_message_per_address():
    centre = factories.CentreFactory(name="Batteriet Midt-Norge")
    organisation = factories.OrganisationFactory(home_centre=centre, name="Postforeningen")
    sent = site_mail.send_templated(
        to=["b@example.org", "a@example.org", "a@example.org", ""],
        template="organisations/email/registered_to_centre",
        context={"organisation": organisation, "url": "/x/"},
    )
    assert sent == 2
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    assert "Postforeningen" in mail.outbox[0].subject
    assert "\n" not in mail.outbox[0].subject
