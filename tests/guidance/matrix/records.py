"""Permission matrix rows for the guidance records pages (see tests/guidance/test_permission_matrix.py)."""

ROWS = []
