"""Permission matrix rows for the iCal feeds of events (see tests/events/test_permission_matrix.py)."""

ROWS: list = []
