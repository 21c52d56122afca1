"""What people registered for an event are told, and when: one e-mail per change, after commit.

Services call `send_on_commit(registration, Notice.X, also=[...])` inside their
transaction; the e-mails go out from a background task once the change is committed, so
a rolled-back change never sends anything and a slow mail server never slows anyone down.

Who gets what (decided in `tasks.py` when the e-mail is sent):
- each person with an account gets an e-mail about their own registration, in their own
  language, also after they left the organisation they registered for (it is theirs);
- the person who registered others (a contact registering members) gets one e-mail
  listing everyone the change concerns; organisers who registered someone by phone or at
  the door are not told about their own work;
- registrations by name only (no account) get nothing: the organisers phone them.

When organisers change an event's time or place, everyone with a place or an offer gets
`CHANGED` (one task for them all: each person their own e-mail, with an updated
invitation for those with a place). Changes of single sessions send nothing, but the
invitations sent later carry the new programme.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db import transaction

from batteriet.events.models import Registration


class Notice(StrEnum):
    REGISTERED = "registered"  # a place is yours (registered, or an offer accepted)
    WAITING = "waiting"  # on the waiting list, with the place in line
    OFFERED = "offered"  # a place is held for you until a deadline: accept or decline
    OFFER_EXPIRED = "offer_expired"  # the offer was not accepted in time
    CANCELLED = "cancelled"  # the registration is cancelled (or the offer declined)
    REMINDER = "reminder"  # two days before the start
    CHANGED = "changed"  # the event's time or place has changed (to those with a place or an offer)

    @property
    def tells_the_registrant(self) -> bool:
        """The reminder and the news of a new time or place go only to the people coming,
        never to whoever registered them."""
        return self not in {Notice.REMINDER, Notice.CHANGED}


def send_on_commit(registration: Registration, notice: Notice, *, also: Iterable[Registration] = ()) -> None:
    """Queue the e-mails about `registration` (and `also`: the others of the same change,
    a group registered together) once the surrounding transaction commits."""
    ids = [registration.pk]
    ids += [other.pk for other in also if other.pk not in ids]
    if (
        all(each.person_id is None for each in [registration, *also])
        and registration.registered_by_id is None
    ):
        return
    from batteriet.events import tasks

    transaction.on_commit(
        lambda: tasks.send_registration_notice.enqueue(registration_ids=ids, notice=str(notice))
    )


def send_groups_on_commit(registrations: Iterable[Registration], notice: Notice) -> None:
    """One `send_on_commit` per group (people registered together share a `group_key`)."""
    groups: dict = {}
    for registration in registrations:
        groups.setdefault(registration.group_key, []).append(registration)
    for first, *others in groups.values():
        send_on_commit(first, notice, also=others)
