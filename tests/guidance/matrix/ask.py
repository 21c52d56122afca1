"""Permission matrix rows for the guidance ask pages (see tests/guidance/test_permission_matrix.py)."""

ROWS = []
