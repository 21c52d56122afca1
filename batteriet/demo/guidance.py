"""Demo guidance at the Oslo and Bergen (Vest) centres: the advisers' weekly times, an
absence next month, requests in every state, sessions held with follow-ups and journey
steps, a confidential note, and drop-ins over the last months so the figures look alive.

Runs after the centres, people and organisations exist, outside their transaction, and
goes through the guidance services (each in its own transaction), so every rule holds:
times booked are free times of the advisers, at least two hours and at most 90 days
ahead. Only what no service can do is written directly, with an audit entry: an
appointment that has already happened, so its session can be recorded.

Each part is found before it is made (a weekly time by its adviser, a request by its
text, drop-ins and sessions by their centre), so running `seed_demo` again adds nothing.
"""

import datetime as dt
import random

from django.db import transaction

from batteriet.accounts.models import User
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.demo import data as demo
from batteriet.guidance import selectors
from batteriet.guidance.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    AvailabilitySlot,
    DropIn,
    GuidanceRequest,
    Mode,
    RequestStatus,
    SessionRecord,
    Topic,
)
from batteriet.guidance.services import appointments, availability, dropins, notes, records
from batteriet.organisations.models import Organisation

CENTRES = ("oslo", "vest")
ABSENCE_REASON = "Ferie"
DROPINS_PER_CENTRE = 28
DROPIN_DAYS_BACK = 120


def add_demo_guidance() -> int:
    """Create the demo guidance that is missing; returns how many rows were added."""
    added = 0
    for slug in CENTRES:
        centre = Centre.objects.filter(slug=slug).first()
        if centre is None:
            continue
        adviser = _staff("radgiver", slug)
        lead = _staff("leder", slug)
        added += _weekly_times(centre, adviser, lead)
        added += _past_sessions(centre, adviser)
        added += _dropins(centre, adviser)
    oslo = Centre.objects.filter(slug="oslo").first()
    vest = Centre.objects.filter(slug="vest").first()
    if oslo is not None:
        added += _requests_oslo(oslo, _staff("radgiver", "oslo"), _staff("leder", "oslo"))
        added += _absence_next_month(oslo, _staff("radgiver", "oslo"))
    if vest is not None:
        added += _requests_vest(vest, _staff("radgiver", "vest"))
    return added


# --- Weekly times and an absence ----------------------------------------------------------------
def _weekly_times(centre: Centre, adviser: User, lead: User) -> int:
    """The adviser on Tuesdays and Thursdays 10–14, the lead on Wednesdays 12–15."""
    added = 0
    valid_from = clock.local_today() - dt.timedelta(days=90)
    for person, weekday, start, end in ((adviser, 1, 10, 14), (adviser, 3, 10, 14), (lead, 2, 12, 15)):
        if AvailabilitySlot.objects.filter(adviser=person, centre=centre, weekday=weekday).exists():
            continue
        availability.slot_add(
            actor=person,
            centre=centre,
            adviser=person,
            weekday=weekday,
            starts_at_time=dt.time(start),
            ends_at_time=dt.time(end),
            appointment_minutes=60,
            valid_from=valid_from,
        )
        added += 1
    return added


def _absence_next_month(centre: Centre, adviser: User) -> int:
    """A week's holiday next month. A person booked a time that week first: it stays booked,
    and the absences page asks staff to move or cancel it."""
    if Absence.objects.filter(adviser=adviser, reason=ABSENCE_REASON).exists():
        return 0
    today = clock.local_today()
    first = clock.add_months(today.replace(day=1), 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    friday = monday + dt.timedelta(days=4)
    added = 0
    person = User.objects.filter(email="petter.johansen@epost.example").first()
    free = selectors.free_times(centre, monday, friday, adviser)
    if person is not None and free:
        _book(
            person,
            centre,
            free[0],
            topic=Topic.ECONOMY,
            situation="Vi trenger hjelp med årsregnskapet før årsmøtet.",
            organisation=_organisation("KREM – Kreativt og mangfoldig arbeidsliv"),
        )
        added += 2
    availability.absence_add(
        actor=adviser,
        adviser=adviser,
        starts_at=dt.datetime.combine(monday, dt.time(0), tzinfo=clock.OSLO),
        ends_at=dt.datetime.combine(friday, dt.time(23, 59), tzinfo=clock.OSLO),
        reason=ABSENCE_REASON,
    )
    return added + 1


# --- Requests in every state ---------------------------------------------------------------------
def _requests_oslo(centre: Centre, adviser: User, lead: User) -> int:
    added = 0
    wayback = _organisation("Wayback")
    contact = _person(demo.CONTACT.email)

    # Done: Wayback's first session, held two weeks ago, with follow-ups, journey steps and a note.
    situation = "Vi vil bli en ordentlig forening med vedtekter og styre, og søke om penger."
    if contact and wayback and not _exists(situation):
        starts_at = _past_time(days_back=14, weekday=1, hour=10)
        request, appointment = _held_appointment(contact, wayback, centre, adviser, starts_at, situation)
        record = records.record_create(
            actor=adviser,
            centre=centre,
            held_at=appointment.starts_at,
            minutes=60,
            mode=Mode.CENTRE,
            people=3,
            topics=[Topic.STATUTES, Topic.BOARD, Topic.REGISTERS],
            outcomes=["statutes_adopted", "plan_made"],
            appointment=appointment,
            follow_ups=[
                (
                    "Send malen for årsmøteprotokoll til Wayback",
                    adviser,
                    clock.local_today() + dt.timedelta(days=7),
                ),
                (
                    "Registrere foreningen i Enhetsregisteret",
                    contact,
                    clock.local_today() + dt.timedelta(days=21),
                ),
            ],
            journey_steps=["founded", "statutes", "board"],
        )
        notes.note_write(
            actor=adviser,
            centre=centre,
            record=record,
            text=(
                "Styret er nytt og usikkert på rollene. Leder ønsker tett oppfølging fram til årsmøtet; "
                "nestleder har mye erfaring fra en annen forening og kan være en ressurs."
            ),
        )
        added += 5

    # Booked in the coming days: Wayback again, about the accounts; and a member by phone.
    added += _booked(
        contact,
        centre,
        "Vi trenger hjelp med å sette opp regnskapet for foreningen.",
        topic=Topic.ECONOMY,
        organisation=wayback,
    )
    added += _booked(
        _person(demo.MEMBER.email),
        centre,
        "I would like to know how the board and the annual meeting work.",
        topic=Topic.BOARD,
        mode=Mode.PHONE,
        organisation=wayback,
        language_need="English",
    )

    # New, with times that suit: the initiator.
    added += _new(
        _person(demo.INITIATOR.email),
        centre,
        "Jeg vil starte en møteplass for aleneforeldre i bydelen og vet ikke hvor jeg skal begynne.",
        topic=Topic.STARTING,
        role="initiator",
        preferred_times="Tirsdager etter kl. 12, eller på telefon en fredag formiddag.",
    )

    # Proposed: the lead proposes the adviser's next free Thursday time by video.
    situation = "Vi vil søke Stiftelsen Dam og trenger hjelp med budsjettet i søknaden."
    tone = _person("tone.larsen@epost.example")
    if tone and not _exists(situation):
        request = _new_request(
            tone,
            centre,
            situation,
            topic=Topic.FUNDING,
            mode=Mode.VIDEO,
            organisation=_organisation("Velferdsalliansen"),
            preferred_times="Torsdager passer best.",
        )
        free = _free(centre, adviser, weekday=3)
        if free is not None:
            appointments.appointment_propose(
                actor=lead,
                request=request,
                adviser=adviser,
                starts_at=free[1],
                ends_at=free[2],
                mode=Mode.VIDEO,
                message="Passer denne tiden? Vi sender lenken til videomøtet dagen før.",
            )
        added += 2

    # Handed over to the lead, who knows about hearings.
    situation = "Vi planlegger en høring om barnefattigdom i bydelen og trenger hjelp med opplegget."
    amina = _person("amina.yusuf@epost.example")
    if amina and not _exists(situation):
        request = _new_request(
            amina, centre, situation, topic=Topic.EVENT, organisation=_organisation("Bydelsmødrene")
        )
        appointments.request_hand_over(
            actor=adviser,
            request=request,
            adviser=lead,
            message="Ingrid har arrangert flere høringer og tar denne. Hun tar kontakt med et tidspunkt.",
        )
        added += 1

    # Referred elsewhere.
    situation = "Vi lurer på arbeidsgiveransvar når vi ansetter vår første medarbeider."
    bjorn = _person("bjorn.hagen@epost.example")
    if bjorn and not _exists(situation):
        request = _new_request(
            bjorn,
            centre,
            situation,
            topic=Topic.OTHER,
            organisation=_organisation("Stiftelsen Rettferd for taperne"),
        )
        appointments.request_refer(
            actor=adviser,
            request=request,
            referred_to="Frivillighet Norge, arbeidsgiverveiledning",
            message="Frivillighet Norge har egen veiledning for foreninger som ansetter. Ta kontakt med dem.",
        )
        added += 1

    # Cancelled by the person.
    situation = "Vi trenger råd om en konflikt i styret."
    board = _person(demo.BOARD_MEMBER.email)
    if board and not _exists(situation):
        request = _book(
            board,
            centre,
            _free(centre, adviser, weekday=3, skip=1),
            topic=Topic.CONFLICT,
            situation=situation,
            organisation=wayback,
        )
        if request is not None:
            appointment = request.appointments.first()
            appointments.appointment_cancel(actor=board, appointment=appointment, reason="Vi løste det selv.")
        added += 2
    return added


def _requests_vest(centre: Centre, adviser: User) -> int:
    added = _new(
        _person("lene.halvorsen@epost.example"),
        centre,
        "Vi vil møte politikerne i bystyret om støtte til aleneforeldre og trenger hjelp til å forberede oss.",
        topic=Topic.ADVOCACY,
        organisation=_organisation("Aleneforeldreforeningen"),
        preferred_times="Onsdager eller torsdager, helst før kl. 13.",
    )
    added += _booked(
        _person("rune.dahl@epost.example"),
        centre,
        "Vi må registrere foreningen i Frivillighetsregisteret for å få momskompensasjon.",
        topic=Topic.REGISTERS,
        organisation=_organisation("Leieboerforeningen"),
    )
    return added


def _new(person, centre, situation, *, topic, organisation=None, role="representative", **fields) -> int:
    if person is None or _exists(situation):
        return 0
    _new_request(person, centre, situation, topic=topic, organisation=organisation, role=role, **fields)
    return 1


def _new_request(
    person, centre, situation, *, topic, mode=Mode.CENTRE, organisation=None, role=None, **fields
) -> GuidanceRequest:
    if role is None:
        role = "representative" if organisation is not None else "initiator"
    return appointments.request_create(
        actor=person,
        centre=centre,
        role=role,
        topic=topic,
        situation=situation,
        mode=mode,
        organisation=organisation,
        **fields,
    )


def _booked(person, centre, situation, *, topic, mode=Mode.CENTRE, organisation=None, **fields) -> int:
    """The person books the first free time of the centre's advisers from tomorrow."""
    if person is None or _exists(situation):
        return 0
    free = _free(centre, None)
    if free is None:
        return 0
    return (
        2
        if _book(
            person,
            centre,
            free,
            topic=topic,
            situation=situation,
            mode=mode,
            organisation=organisation,
            **fields,
        )
        else 0
    )


def _book(person, centre, free, *, topic, situation, mode=Mode.CENTRE, organisation=None, **fields):
    if free is None:
        return None
    adviser, starts_at, _ends_at = free
    return appointments.request_create(
        actor=person,
        centre=centre,
        role="representative" if organisation is not None else "initiator",
        topic=topic,
        situation=situation,
        mode=mode,
        organisation=organisation,
        starts_at=starts_at,
        adviser=adviser,
        **fields,
    )


def _free(centre: Centre, adviser: User | None, *, weekday: int | None = None, skip: int = 0):
    """A free time (adviser, start, end) from tomorrow, on a weekday if given."""
    today = clock.local_today()
    times = selectors.free_times(centre, today + dt.timedelta(days=1), today + dt.timedelta(days=21), adviser)
    if weekday is not None:
        times = [time for time in times if time[1].astimezone(clock.OSLO).weekday() == weekday]
    return times[skip] if len(times) > skip else None


def _held_appointment(person, organisation, centre, adviser, starts_at, situation):
    """A request booked before and held at `starts_at`, written directly (no service books
    the past), with its audit entries."""
    with transaction.atomic():
        request = GuidanceRequest.objects.create(
            requested_by=person,
            organisation=organisation,
            role="representative",
            centre=centre,
            topic=Topic.STATUTES,
            situation=situation,
            mode=Mode.CENTRE,
            status=RequestStatus.SCHEDULED,
            adviser=adviser,
        )
        appointment = Appointment.objects.create(
            request=request,
            adviser=adviser,
            centre=centre,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            mode=Mode.CENTRE,
            status=AppointmentStatus.BOOKED,
        )
        scope = f"organisation:{organisation.pk}"
        audit.record(
            actor=person,
            action="guidance.request_created",
            obj=request,
            scope=scope,
            changes={"centre": str(centre), "topic": request.topic, "status": request.status},
        )
        audit.record(
            actor=person,
            action="guidance.appointment_booked",
            obj=appointment,
            scope=scope,
            changes={"adviser": str(adviser), "starts_at": starts_at.isoformat()},
        )
    return request, appointment


# --- Sessions and drop-ins for the figures ----------------------------------------------------------
PAST_SESSIONS = {
    "oslo": [
        # Before this year: the foundation comes back this year, so the figures show it returning.
        ("Stiftelsen Rettferd for taperne", 420, [Topic.STARTING], ["plan_made"], Mode.CENTRE, 2),
        ("Stiftelsen Rettferd for taperne", 100, [Topic.FUNDING], ["application_sent"], Mode.CENTRE, 2),
        ("Bydelsmødrene", 80, [Topic.EVENT, Topic.ADVOCACY], ["plan_made"], Mode.CENTRE, 4),
        ("Velferdsalliansen", 60, [Topic.ADVOCACY], [], Mode.VIDEO, 1),
        ("KREM – Kreativt og mangfoldig arbeidsliv", 45, [Topic.ECONOMY], ["plan_made"], Mode.PHONE, 1),
        ("Bydelsmødrene", 30, [Topic.REGISTERS], ["registered"], Mode.CENTRE, 2),
        (None, 50, [Topic.STARTING], [], Mode.CENTRE, 1),
    ],
    "vest": [
        ("Aleneforeldreforeningen", 400, [Topic.STARTING], [], Mode.CENTRE, 2),
        ("Aleneforeldreforeningen", 90, [Topic.BOARD, Topic.STATUTES], ["board_elected"], Mode.CENTRE, 3),
        ("Leieboerforeningen", 40, [Topic.CONFLICT], [], Mode.PHONE, 1),
        ("Aleneforeldreforeningen", 70, [Topic.FUNDING], ["application_sent"], Mode.VIDEO, 2),
        (None, 30, [Topic.STARTING], [], Mode.CENTRE, 1),
    ],
}


def _past_sessions(centre: Centre, adviser: User) -> int:
    """Sessions held over the last months (without an appointment: by phone, or a time made directly)."""
    if SessionRecord.objects.filter(centre=centre, appointment__isnull=True).exists():
        return 0
    added = 0
    for index, (name, days_back, topics, outcomes, mode, people) in enumerate(
        PAST_SESSIONS.get(centre.slug, [])
    ):
        records.record_create(
            actor=adviser,
            centre=centre,
            held_at=_past_time(days_back=days_back, weekday=(1, 3)[index % 2], hour=10 + index % 4),
            minutes=60,
            mode=mode,
            people=people,
            topics=topics,
            outcomes=outcomes,
            organisation=_organisation(name) if name else None,
        )
        added += 1
    return added


def _dropins(centre: Centre, adviser: User) -> int:
    """Walk-ins and phone calls over the last four months, the same every time."""
    if DropIn.objects.filter(centre=centre).exists():
        return 0
    chooser = random.Random(f"drop-in {centre.slug}")  # noqa: S311 -- demo data, not security
    today = clock.local_today()
    topics = [Topic.REGISTERS, Topic.FUNDING, Topic.ECONOMY, Topic.STARTING, Topic.BOARD, Topic.OTHER]
    for _ in range(DROPINS_PER_CENTRE):
        day = today - dt.timedelta(days=chooser.randrange(0, DROPIN_DAYS_BACK))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        dropins.dropin_log(
            actor=adviser,
            centre=centre,
            topic=chooser.choice(topics),
            mode=chooser.choice([Mode.CENTRE, Mode.CENTRE, Mode.PHONE]),
            minutes=chooser.choice([10, 15, 15, 20, 30, 45]),
            held_on=day,
        )
    return DROPINS_PER_CENTRE


# --- Helpers --------------------------------------------------------------------------------------
def _staff(kind: str, slug: str) -> User:
    return User.objects.get(email=f"{kind}.{slug}@batteriet.example")


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _organisation(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _exists(situation: str) -> bool:
    return GuidanceRequest.objects.filter(situation=situation).exists()


def _past_time(*, days_back: int, weekday: int, hour: int) -> dt.datetime:
    """`hour` o'clock on the `weekday` on or before `days_back` days ago (Oslo time)."""
    day = clock.local_today() - dt.timedelta(days=days_back)
    day -= dt.timedelta(days=(day.weekday() - weekday) % 7)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.OSLO)
