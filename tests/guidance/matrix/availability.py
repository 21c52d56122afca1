"""Permission matrix rows for the guidance availability pages (see tests/guidance/test_permission_matrix.py)."""

ROWS = []
