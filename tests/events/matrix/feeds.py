"""Permission matrix rows for the iCal feeds of events (see tests/events/test_permission_matrix.py).

Calendar apps cannot log in: the feeds answer everyone alike, and an unknown centre is 404.
"""

from tests.test_permission_matrix import EVERYONE, Row, expect, none

ROWS: list = [
    Row("events:feed_all", "", none, EVERYONE),
    Row("events:feed_centre", "centre A", lambda s: [s.centre_a.slug], EVERYONE),
    Row("events:feed_centre", "unknown", lambda s: ["finnes-ikke"], expect(anonymous=404)),
]
