"""Permission matrix rows for the guidance records pages (see tests/guidance/test_permission_matrix.py).

A booked appointment at centre A (organisation A1) and one at centre B (organisation B1),
each already held, and a follow-up at centre A.

- Recording a session: staff of the appointment's centre (national coordinators count as
  staff everywhere); other staff 404; people who are not staff 403.
- Follow-ups: every staff member has the page (their own list); others 403.
- The journey: the organisation's contact persons and all staff (the record follows the
  organisation across centres); everyone else 404, so another organisation's journey
  does not leak.
- Confidential notes: the page opens for anyone who is an adviser or the lead at some
  centre, and shows only the notes of their own centres (so adviser_b and lead_b get 200
  on A1's page, with B's notes about A1 only). A national coordinator who does not work
  at a centre reads no notes at all: 404, as the note rules say. Not staff: 403.
- The read log: the lead of that very centre only; everyone else 404 (the loader never
  tells whether a centre's log exists for them).
"""

import datetime as dt

from batteriet.core import time as clock
from batteriet.guidance.models import Appointment
from tests import factories
from tests.test_permission_matrix import LOGGED_IN, POST_ONLY, STAFF, STAFF_A, STAFF_B, Row, expect

NON_STAFF = LOGGED_IN - STAFF
STAFF_OF_A = expect(ok=STAFF_A, forbidden=NON_STAFF, rest=404)
STAFF_OF_B = expect(ok=STAFF_B, forbidden=NON_STAFF, rest=404)
MISSING = expect(forbidden=NON_STAFF, rest=404)
NOTE_READERS = {"adviser_a", "lead_a", "adviser_b", "lead_b"}

SITUATION = "Matrisen: samtalen som skal føres."


def _appointment(s, centre, person, organisation, adviser) -> Appointment:
    found = Appointment.objects.filter(centre=centre, request__situation=SITUATION).first()
    if found is not None:
        return found
    request = factories.guidance_request_row(
        centre, person, situation=SITUATION, status="scheduled", adviser=adviser, organisation=organisation
    )
    starts_at = clock.now() - dt.timedelta(hours=3)
    return factories.appointment_row(request, adviser, starts_at, starts_at + dt.timedelta(hours=1))


def _appointment_a(s) -> list:
    return [_appointment(s, s.centre_a, s.contact_a1, s.a1, s.adviser_a).pk]


def _appointment_b(s) -> list:
    return [_appointment(s, s.centre_b, s.contact_b1, s.b1, s.adviser_b).pk]


def _missing(s) -> list:
    return [999_999]


ROWS = [
    Row("guidance:record", "appointment at A", _appointment_a, STAFF_OF_A),
    Row("guidance:record", "appointment at B", _appointment_b, STAFF_OF_B),
    Row("guidance:record", "missing", _missing, MISSING),
    Row("guidance:record_new", "centre A", lambda s: [s.centre_a.slug], STAFF_OF_A),
    Row("guidance:record_new", "centre B", lambda s: [s.centre_b.slug], STAFF_OF_B),
    Row("guidance:record_new", "missing", lambda s: ["finnes-ikke"], MISSING),
    Row("guidance:follow_ups", "", lambda s: [], expect(ok=LOGGED_IN)),
    Row("guidance:follow_up_done", "missing", _missing, POST_ONLY),
    Row("guidance:journey", "A1", lambda s: [s.a1.pk], expect(ok=STAFF | {"contact_a1"})),
    Row("guidance:journey", "B1", lambda s: [s.b1.pk], expect(ok=STAFF | {"contact_b1"})),
    Row("guidance:journey", "pending", lambda s: [s.pending.pk], expect(ok=STAFF | {"contact_pending"})),
    Row("guidance:journey", "missing", _missing, expect()),
    Row("guidance:journey_step", "A1", lambda s: [s.a1.pk], POST_ONLY),
    Row("guidance:notes", "A1", lambda s: [s.a1.pk], expect(ok=NOTE_READERS, forbidden=NON_STAFF)),
    Row("guidance:notes", "B1", lambda s: [s.b1.pk], expect(ok=NOTE_READERS, forbidden=NON_STAFF)),
    Row("guidance:notes", "missing", _missing, MISSING),
    Row("guidance:note_reads", "centre A", lambda s: [s.centre_a.slug], expect(ok={"lead_a"})),
    Row("guidance:note_reads", "centre B", lambda s: [s.centre_b.slug], expect(ok={"lead_b"})),
    Row("guidance:note_reads", "missing", lambda s: ["finnes-ikke"], expect()),
]
