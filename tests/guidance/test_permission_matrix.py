"""Least privilege for every URL of the guidance app: URL name × role → expected status.

The rows live in `tests/guidance/matrix/<area>.py`, one module per area of the app, and use
the roles, `Row` and `expect()` of the site-wide matrix (`tests/test_permission_matrix.py`).
A new guidance URL fails `test_the_table_covers_every_guidance_url` until it has a row.
"""

import pytest
from django.urls import get_resolver, reverse

from tests import factories
from tests.guidance.matrix import ask, availability, evaluation, records, triage
from tests.test_permission_matrix import ROLES, _get_statuses

pytestmark = pytest.mark.django_db

ROWS = [
    *ask.ROWS,
    *triage.ROWS,
    *availability.ROWS,
    *records.ROWS,
    *evaluation.ROWS,
]


def test_the_table_covers_every_guidance_url():
    _prefix, resolver = get_resolver().namespace_dict["guidance"]
    names = set()
    for pattern in resolver.url_patterns:
        assert pattern.name, f"every URL needs a name ({pattern.pattern})"
        names.add(f"guidance:{pattern.name}")
    assert names == {row.name for row in ROWS}


def test_every_row_names_a_guidance_url():
    assert all(row.name.startswith("guidance:") for row in ROWS)


def test_every_role_is_in_every_row():
    for row in ROWS:
        assert list(row.expected) == ROLES, row.id


@pytest.fixture
def scenario():
    return factories.Scenario()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_get(client, scenario, row):
    url = reverse(row.name, args=row.args(scenario))
    assert _get_statuses(client, scenario, url) == row.expected
