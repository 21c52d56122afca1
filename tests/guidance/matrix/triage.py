"""Permission matrix rows for the guidance triage pages (see tests/guidance/test_permission_matrix.py).

A request at centre A (from the initiator, for organisation A1's contact it is someone
else's) with a booked appointment, and one at centre B. Staff see only their centre's
requests; national coordinators see all; everyone else who is not staff gets 403.
"""

import datetime as dt

from batteriet.core import time as clock
from batteriet.guidance.models import GuidanceRequest
from tests import factories
from tests.test_permission_matrix import LOGGED_IN, STAFF, STAFF_A, STAFF_B, Row, expect

NON_STAFF = LOGGED_IN - STAFF
ALL_STAFF = expect(ok=STAFF, forbidden=NON_STAFF)
STAFF_OF_A = expect(ok=STAFF_A, forbidden=NON_STAFF, rest=404)
STAFF_OF_B = expect(ok=STAFF_B, forbidden=NON_STAFF, rest=404)
MISSING = expect(forbidden=NON_STAFF, rest=404)

SITUATION = "Matrisen: vi trenger hjelp med vedtektene."


def _request(s, centre, person, adviser) -> GuidanceRequest:
    found = GuidanceRequest.objects.filter(centre=centre, situation=SITUATION).first()
    if found is not None:
        return found
    request = factories.guidance_request_row(
        centre, person, situation=SITUATION, status="scheduled", adviser=adviser
    )
    starts_at = clock.now() + dt.timedelta(days=3)
    factories.appointment_row(request, adviser, starts_at, starts_at + dt.timedelta(hours=1))
    return request


def _request_a(s) -> list:
    return [_request(s, s.centre_a, s.initiator, s.adviser_a).pk]


def _request_b(s) -> list:
    return [_request(s, s.centre_b, s.contact_b1, s.adviser_b).pk]


def _missing(s) -> list:
    return [999_999]


def _rows(name: str) -> list[Row]:
    return [
        Row(name, "request at A", _request_a, STAFF_OF_A),
        Row(name, "request at B", _request_b, STAFF_OF_B),
        Row(name, "missing", _missing, MISSING),
    ]


ROWS = [
    Row("guidance:staff_home", "", lambda s: [], ALL_STAFF),
    Row("guidance:queue", "centre A", lambda s: [s.centre_a.slug], STAFF_OF_A),
    Row("guidance:queue", "centre B", lambda s: [s.centre_b.slug], STAFF_OF_B),
    Row("guidance:queue", "missing", lambda s: ["finnes-ikke"], MISSING),
    *_rows("guidance:triage"),
    *_rows("guidance:propose"),
    *_rows("guidance:hand_over"),
    *_rows("guidance:refer"),
    *_rows("guidance:staff_cancel"),
    *_rows("guidance:staff_move"),
]
