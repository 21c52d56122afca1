"""Permission matrix rows for the guidance evaluation pages (see tests/guidance/test_permission_matrix.py)."""

ROWS = []
