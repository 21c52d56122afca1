"""Parallel programs booking the same time through the API: one 201, the rest 409, never 500.

Real threads, each with its own database connection, released at once against the real
test database (a file on SQLite, a server on PostgreSQL).
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from batteriet.api import services
from batteriet.bookings.models import Booking, Occupancy
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 8


def test_parallel_requests_for_one_slot_book_it_once():
    centre = factories.CentreFactory(slug="oslo", name="Batteriet Oslo")
    room = factories.ResourceFactory.bookable_now(centre=centre, name="Møterom Tinde")
    day = factories.bookable_day(weekday=2)
    requests = []
    for index in range(WRITERS):
        organisation, contact = factories.booker(centre)
        _token, secret = services.api_token_create(actor=contact, name="Skript")
        payload = {
            "resource": room.pk,
            "organisation": organisation.pk,
            "starts_at": factories.at(day, 10, index).isoformat(),  # overlapping, never equal
            "ends_at": factories.at(day, 12).isoformat(),
            "purpose": "Samling",
        }
        requests.append((secret, payload))
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(secret: str, payload: dict) -> None:
        try:
            client = Client(headers={"Authorization": f"Bearer {secret}"})
            barrier.wait(timeout=30)
            response = client.post(reverse("api:booking_create"), payload, content_type="application/json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(statuses) == [201] + [409] * (WRITERS - 1)
    assert Booking.objects.filter(resource=room).count() == 1
    assert Occupancy.objects.filter(resource=room).count() == 1
