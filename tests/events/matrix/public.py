"""Permission matrix rows for the public pages of events (see tests/events/test_permission_matrix.py)."""

ROWS: list = []
