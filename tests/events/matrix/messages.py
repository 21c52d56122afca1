"""Permission matrix rows for the messages pages of events (see tests/events/test_permission_matrix.py)."""

ROWS: list = []
