"""Permission matrix rows for the guidance ask pages (see tests/guidance/test_permission_matrix.py).

The start page is public. Asking and my guidance need a login. A request is seen by the
person who asked and the staff of its centre (not the organisation's contact persons);
only the person who asked answers, moves or cancels its time: everyone else gets 404.
"""

from tests import factories
from tests.test_permission_matrix import ANY_LOGGED_IN, EVERYONE, POST_ONLY, STAFF_A, Row, expect


def _request(s, name: str, requested_by, organisation=None):
    cached = getattr(s, f"_ask_request_{name}", None)
    if cached is None:
        cached = factories.guidance_request_row(
            s.centre_a, requested_by=requested_by, organisation=organisation
        )
        setattr(s, f"_ask_request_{name}", cached)
    return cached


def member_a1_request(s):
    return _request(s, "a1", s.member_a1, s.a1)


def initiator_request(s):
    return _request(s, "initiator", s.initiator)


A1_REQUEST = expect(ok={"member_a1"} | STAFF_A)
INITIATOR_REQUEST = expect(ok={"initiator"} | STAFF_A)
ONLY_MEMBER_A1 = expect(ok={"member_a1"})

ROWS = [
    Row("guidance:start", "public", lambda s: [], EVERYONE),
    Row("guidance:ask", "centre A", lambda s: [s.centre_a.slug], ANY_LOGGED_IN),
    Row("guidance:ask", "missing", lambda s: ["finnes-ikke"], expect()),
    Row("guidance:mine", "own", lambda s: [], ANY_LOGGED_IN),
    Row("guidance:request", "A1", lambda s: [member_a1_request(s).pk], A1_REQUEST),
    Row("guidance:request", "initiator", lambda s: [initiator_request(s).pk], INITIATOR_REQUEST),
    Row("guidance:request", "missing", lambda s: [999_999], expect()),
    Row("guidance:accept", "A1", lambda s: [member_a1_request(s).pk], POST_ONLY),
    Row("guidance:decline", "A1", lambda s: [member_a1_request(s).pk], ONLY_MEMBER_A1),
    Row("guidance:cancel", "A1", lambda s: [member_a1_request(s).pk], ONLY_MEMBER_A1),
    Row("guidance:move", "A1", lambda s: [member_a1_request(s).pk], ONLY_MEMBER_A1),
    Row("guidance:move", "initiator", lambda s: [initiator_request(s).pk], expect(ok={"initiator"})),
]
