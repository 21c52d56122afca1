"""Permission matrix rows for the guidance triage pages (see tests/guidance/test_permission_matrix.py)."""

ROWS = []
