"""Tests for guidance: availability, appointments, records, notes, drop-ins and figures."""
