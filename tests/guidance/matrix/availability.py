"""Permission matrix rows for the guidance availability pages (see tests/guidance/test_permission_matrix.py).

Weekly times and absences of the adviser and the lead of centre A and of the adviser of
centre B. Staff see their own centres' pages (national coordinators all); an adviser
deletes only their own times and absences, a lead those of anyone at the centre; the
rest of the staff get 404 and everyone who is not staff 403. The figures are for all staff.
"""

import datetime as dt

from batteriet.core import time as clock
from batteriet.guidance.models import Absence, AvailabilitySlot
from tests import factories
from tests.test_permission_matrix import LOGGED_IN, STAFF, STAFF_A, STAFF_B, Row, expect

NON_STAFF = LOGGED_IN - STAFF
ALL_STAFF = expect(ok=STAFF, forbidden=NON_STAFF)
STAFF_OF_A = expect(ok=STAFF_A, forbidden=NON_STAFF, rest=404)
STAFF_OF_B = expect(ok=STAFF_B, forbidden=NON_STAFF, rest=404)
MISSING = expect(forbidden=NON_STAFF, rest=404)
LEAD_A_ONLY = expect(ok={"lead_a", "coordinator"}, forbidden=NON_STAFF, rest=404)


def _slot(adviser, centre) -> list:
    slot = AvailabilitySlot.objects.filter(adviser=adviser, centre=centre).first()
    slot = slot or factories.availability(adviser, centre, 1, dt.time(10), dt.time(14))
    return [slot.pk]


def _absence(adviser) -> list:
    absence = Absence.objects.filter(adviser=adviser).first()
    if absence is None:
        starts_at = clock.now() + dt.timedelta(days=20)
        absence = Absence.objects.create(
            adviser=adviser, starts_at=starts_at, ends_at=starts_at + dt.timedelta(days=2), reason="Ferie"
        )
    return [absence.pk]


def _missing(s) -> list:
    return [999_999]


def _centre_rows(name: str) -> list[Row]:
    return [
        Row(name, "centre A", lambda s: [s.centre_a.slug], STAFF_OF_A),
        Row(name, "centre B", lambda s: [s.centre_b.slug], STAFF_OF_B),
        Row(name, "missing", lambda s: ["finnes-ikke"], MISSING),
    ]


ROWS = [
    *_centre_rows("guidance:availability"),
    *_centre_rows("guidance:absences"),
    *_centre_rows("guidance:dropin"),
    Row("guidance:figures", "", lambda s: [], ALL_STAFF),
    Row("guidance:slot_delete", "adviser A's", lambda s: _slot(s.adviser_a, s.centre_a), STAFF_OF_A),
    Row("guidance:slot_delete", "lead A's", lambda s: _slot(s.lead_a, s.centre_a), LEAD_A_ONLY),
    Row("guidance:slot_delete", "adviser B's", lambda s: _slot(s.adviser_b, s.centre_b), STAFF_OF_B),
    Row("guidance:slot_delete", "missing", _missing, MISSING),
    Row("guidance:absence_delete", "adviser A's", lambda s: _absence(s.adviser_a), STAFF_OF_A),
    Row("guidance:absence_delete", "lead A's", lambda s: _absence(s.lead_a), LEAD_A_ONLY),
    Row("guidance:absence_delete", "adviser B's", lambda s: _absence(s.adviser_b), STAFF_OF_B),
    Row("guidance:absence_delete", "missing", _missing, MISSING),
]
