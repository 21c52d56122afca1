"""Permission matrix rows for the evaluation pages of events (see tests/events/test_permission_matrix.py)."""

ROWS: list = []
