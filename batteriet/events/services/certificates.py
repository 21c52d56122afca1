"""Course certificates (kursbevis): who qualifies, and what a certificate says."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from batteriet.core import time as clock
from batteriet.events import rules, selectors_staff
from batteriet.events.models import EventKind, Registration, RegistrationStatus, Session


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on a certificate, read once."""

    name: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    sessions: list[Session]
    centres: list[str]
    issued_on: dt.date
    language: str


def certificate_data(*, registration: Registration) -> CertificateData | None:
    """The certificate of a confirmed participant of a course who attended enough sessions,
    or None when there is none (not a course, not registered, too few sessions)."""
    event = registration.event
    if event.kind != EventKind.COURSE or registration.status != RegistrationStatus.CONFIRMED:
        return None
    attended = selectors_staff.sessions_attended(registration)
    if not rules.qualifies_for_certificate(len(attended), event.sessions.count(), event.certificate_sessions):
        return None
    return CertificateData(
        name=registration.display_name,
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        sessions=attended,
        centres=[centre.name for centre in event.centres.order_by("name")],
        issued_on=clock.local_today(),
        language=_language_of(registration),
    )


def _language_of(registration: Registration) -> str:
    """The person's own language; for someone without an account, the language in use."""
    known = {code for code, _name in settings.LANGUAGES}
    if registration.person is not None and registration.person.language in known:
        return registration.person.language
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in known else settings.LANGUAGE_CODE
