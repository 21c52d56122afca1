"""Demo courses and events: one of each kind, with programmes, partners, registrations,
a waiting list and a past course with attendance marked.

Runs after the centres, people and organisations exist, outside their transaction: the
registrations go through `events.services.registration_create`, each in its own
transaction, so they obey every rule (places, waiting list, who may register whom).
Events, their programme, partner roles and questions go through the staff's services
(`events.services.manage`), and attendance through `attendance_mark`. Only the past
course's registrations are written directly (with audit entries), as no service registers
for an event that has already happened.

Each event is found by its title: an event that already exists is left as it is, so
running `seed_demo` again adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

import holidays
from django.db import transaction

from batteriet.accounts.models import User
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.demo import data as demo
from batteriet.events import services
from batteriet.events.models import (
    Audience,
    Event,
    EventKind,
    Language,
    PartnerRole,
    PlaceKind,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from batteriet.events.services import attendance, manage
from batteriet.organisations.models import Organisation

NORWAY = holidays.country_holidays("NO")

COURSE = "Styrearbeid i frivillige organisasjoner"
CONFERENCE = "Makt og muligheter"
HEARING = "Fattigdomshøring i Bergen"
GATHERING = "Medlemssamling: verksteder for foreningene"
BATTERISAMLING = "Batterisamling"
SEMINAR = "Nettseminar: Søk om midler til foreningen"
PAST_COURSE = "Grunnkurs i prosjektledelse"
TITLES = [COURSE, CONFERENCE, HEARING, GATHERING, BATTERISAMLING, SEMINAR, PAST_COURSE]

WALK_INS = [
    "Astrid Nilsen",
    "Mohammed Ali",
    "Kjersti Dahl",
    "Petter Lie",
    "Fatima Noor",
    "Sverre Holm",
    "Ewa Kowalska",
    "Trond Berg",
]


@dataclass(frozen=True)
class SessionSeed:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    track: str = ""
    speakers: str = ""
    capacity: int | None = None
    description: str = ""


@dataclass
class EventSeed:
    kind: str
    title: str
    audience: str
    place_kind: str
    description: str
    sessions: list[SessionSeed]
    centres: list[str] = field(default_factory=list)
    venue: str = ""
    online_link: str = ""
    capacity: int | None = None
    language: str = Language.NORWEGIAN
    closes_days_before: int | None = None
    certificate_sessions: int | None = None
    partners: list[tuple[str, str]] = field(default_factory=list)  # (organisation name, role)


def add_demo_events() -> int:
    """Create the demo events that are missing; returns how many rows were added."""
    added = 0
    existing = set(Event.objects.filter(title__in=TITLES).values_list("title", flat=True))
    for seed, register in _plan():
        if seed.title in existing:
            continue
        event = _create(seed)
        added += 1 + event.sessions.count() + event.partners.count()
        added += register(event)
    return added


def _plan():
    """Each event with what happens after it is made (registrations, attendance)."""
    course_days = _days(weekday=1, weeks_ahead=3, count=3)  # three Tuesday evenings
    conference = _days(weekday=3, weeks_ahead=8, count=1)[0]  # a Thursday and Friday
    conference_days = [conference, conference + dt.timedelta(days=1)]
    hearing = _days(weekday=2, weeks_ahead=5, count=1)[0]
    gathering = _days(weekday=5, weeks_ahead=4, count=1)[0]
    staff_days = _days(weekday=0, weeks_ahead=6, count=1)[0]
    seminar = _days(weekday=3, weeks_ahead=2, count=1)[0]
    past = _days(weekday=1, weeks_ahead=-6, count=2)

    return [
        (
            EventSeed(
                kind=EventKind.COURSE,
                title=COURSE,
                audience=Audience.OPEN,
                place_kind=PlaceKind.EXTERNAL,
                venue="Kirkens Bymisjon, Tøyengata 34, Oslo",
                centres=["oslo"],
                capacity=12,
                closes_days_before=2,
                description="Tre kvelder om styrearbeid: roller og ansvar, økonomi og regnskap, "
                "og gode årsmøter. For nye og erfarne styremedlemmer.",
                sessions=[
                    SessionSeed("Kveld 1: Roller og ansvar i styret", *_evening(course_days[0])),
                    SessionSeed("Kveld 2: Økonomi, regnskap og søknader", *_evening(course_days[1])),
                    SessionSeed("Kveld 3: Årsmøtet og vedtektene", *_evening(course_days[2])),
                ],
            ),
            _register_for_course,
        ),
        (
            EventSeed(
                kind=EventKind.CONFERENCE,
                title=CONFERENCE,
                audience=Audience.OPEN,
                place_kind=PlaceKind.EXTERNAL,
                venue="Samfunnssalen, Oslo",
                capacity=150,
                language=Language.BOTH,
                closes_days_before=7,
                description="Nettverkskonferansen for Batteriet og Samarbeidsforum, med forskere og "
                "politikere. To dager med plenum og parallelle verksteder.",
                sessions=[
                    SessionSeed(
                        "Åpning: Makt og muligheter",
                        _at(conference_days[0], 10),
                        _at(conference_days[0], 11, 30),
                        speakers="Randi Holm, Batteriet",
                    ),
                    SessionSeed(
                        "Verksted: Brukermedvirkning som virker",
                        _at(conference_days[0], 12, 30),
                        _at(conference_days[0], 14),
                        track="Spor A: Medvirkning",
                        speakers="Tone Larsen, Velferdsalliansen",
                        capacity=30,
                    ),
                    SessionSeed(
                        "Verksted: Å snakke med politikere",
                        _at(conference_days[0], 12, 30),
                        _at(conference_days[0], 14),
                        track="Spor B: Påvirkning",
                        speakers="Bjørn Hagen, Stiftelsen Rettferd for taperne",
                        capacity=25,
                    ),
                    SessionSeed(
                        "Research workshop: Measuring the battery effect",
                        _at(conference_days[0], 12, 30),
                        _at(conference_days[0], 14),
                        track="Spor C: Forskning",
                        speakers="Jon Aune, Fafo",
                        capacity=20,
                    ),
                    SessionSeed(
                        "Panel: Fattigdom og makt",
                        _at(conference_days[1], 10),
                        _at(conference_days[1], 12),
                        speakers="Politikere fra Stortinget og brukerorganisasjonene",
                    ),
                ],
                partners=[("Velferdsalliansen", PartnerRole.CO_ORGANISER), ("Fafo", PartnerRole.SPEAKERS)],
            ),
            _register_for_conference,
        ),
        (
            EventSeed(
                kind=EventKind.HEARING,
                title=HEARING,
                audience=Audience.OPEN,
                place_kind=PlaceKind.EXTERNAL,
                venue="Litteraturhuset i Bergen",
                centres=["vest"],
                capacity=80,
                description="Folk med egen erfaring forteller, og lokalpolitikere lytter. "
                "Arrangert sammen med brukerorganisasjonene i Bergen.",
                sessions=[SessionSeed("Fattigdomshøring", _at(hearing, 12), _at(hearing, 15))],
                partners=[
                    ("Aleneforeldreforeningen", PartnerRole.CHAIR),
                    ("Stiftelsen Rettferd for taperne", PartnerRole.SPEAKERS),
                    ("Bydelsmødrene", PartnerRole.CULTURE),
                    ("Aleneforeldreforeningen", PartnerRole.RIGGING),
                    ("Velferdsalliansen", PartnerRole.MEDIA),
                ],
            ),
            _no_registrations,
        ),
        (
            EventSeed(
                kind=EventKind.MEMBER_GATHERING,
                title=GATHERING,
                audience=Audience.MEMBERS,
                place_kind=PlaceKind.EXTERNAL,
                venue="Batteriet Oslo",
                centres=["oslo"],
                capacity=40,
                description="En lørdag for medlemsforeningene: to verksteder og lunsj.",
                sessions=[
                    SessionSeed(
                        "Verksted: Rekruttere frivillige", _at(gathering, 11), _at(gathering, 12, 30)
                    ),
                    SessionSeed(
                        "Verksted: Synlighet i sosiale medier", _at(gathering, 13), _at(gathering, 15)
                    ),
                ],
            ),
            _register_for_gathering,
        ),
        (
            EventSeed(
                kind=EventKind.STAFF_GATHERING,
                title=BATTERISAMLING,
                audience=Audience.STAFF,
                place_kind=PlaceKind.EXTERNAL,
                venue="Quality Hotel Gardermoen",
                description="Samling for de ansatte ved alle fem Batteriet-sentrene.",
                sessions=[
                    SessionSeed("Erfaringsdeling fra sentrene", _at(staff_days, 10), _at(staff_days, 12)),
                    SessionSeed("Planlegging av neste år", _at(staff_days, 13), _at(staff_days, 16)),
                ],
            ),
            _register_for_batterisamling,
        ),
        (
            EventSeed(
                kind=EventKind.SEMINAR,
                title=SEMINAR,
                audience=Audience.OPEN,
                place_kind=PlaceKind.ONLINE,
                online_link="https://meet.example/batteriet-midler",
                centres=["nord-norge"],
                language=Language.BOTH,
                description="En time om hvor foreningen kan søke om penger, og hvordan en god søknad ser ut.",
                sessions=[SessionSeed("Nettseminar", _at(seminar, 13), _at(seminar, 14, 30))],
            ),
            _no_registrations,
        ),
        (
            EventSeed(
                kind=EventKind.COURSE,
                title=PAST_COURSE,
                audience=Audience.OPEN,
                place_kind=PlaceKind.EXTERNAL,
                venue="Kirkens Bymisjon, Tøyengata 34, Oslo",
                centres=["oslo"],
                capacity=15,
                certificate_sessions=2,
                description="To kvelder om å planlegge og gjennomføre et prosjekt i foreningen.",
                sessions=[
                    SessionSeed("Kveld 1: Fra idé til plan", *_evening(past[0])),
                    SessionSeed("Kveld 2: Gjennomføring og rapport", *_evening(past[1])),
                ],
            ),
            _attendance_for_past_course,
        ),
    ]


# --- Making an event ----------------------------------------------------------------------
def _create(seed: EventSeed) -> Event:
    """Through the staff's own services: the event, its programme, partners and a question."""
    centres = list(Centre.objects.filter(slug__in=seed.centres))
    creator = _creator(centres)
    starts_at = min(session.starts_at for session in seed.sessions)
    ends_at = max(session.ends_at for session in seed.sessions)
    event = manage.event_create(
        actor=creator,
        data=manage.EventData(
            kind=seed.kind,
            title=seed.title,
            centres=centres,
            audience=seed.audience,
            starts_at=starts_at,
            ends_at=ends_at,
            place_kind=seed.place_kind,
            description=seed.description,
            language=seed.language,
            venue=seed.venue,
            online_link=seed.online_link,
            capacity=seed.capacity,
            registration_closes_at=(
                starts_at - dt.timedelta(days=seed.closes_days_before) if seed.closes_days_before else None
            ),
            certificate_sessions=seed.certificate_sessions,
            is_published=True,
        ),
    )
    # The event comes with one session covering it: it becomes the first of the programme.
    first, *others = [manage.SessionData(**item.__dict__) for item in seed.sessions]
    manage.session_update(actor=creator, session=event.sessions.get(), data=first)
    for data in others:
        manage.session_add(actor=creator, event=event, data=data)
    for name, role in seed.partners:
        manage.partner_add(
            actor=creator, event=event, organisation=Organisation.objects.get(name=name), role=role
        )
    if seed.kind == EventKind.COURSE:
        manage.question_add(
            actor=creator,
            event=event,
            label="Har du behov for tilrettelegging (for eksempel tolk eller trinnfri adkomst)?",
            kind=QuestionKind.TEXT,
            is_special_need=True,
        )
    return event


def _creator(centres: list[Centre]) -> User:
    """The lead of the first organising centre; the national coordinator for national events."""
    if centres:
        return User.objects.get(email=f"leder.{centres[0].slug}@batteriet.example")
    return User.objects.get(email="koordinator@batteriet.example")


# --- Who comes ----------------------------------------------------------------------------
def _register_for_course(event: Event) -> int:
    """12 places: eight walk-ins registered by the lead, three from Wayback registered by their
    contact person, and Bjørn Hagen. Tone Larsen comes last and waits."""
    lead = User.objects.get(email="leder.oslo@batteriet.example")
    wayback = Organisation.objects.get(name="Wayback")
    contact, board, member = (_user(demo.CONTACT), _user(demo.BOARD_MEMBER), _user(demo.MEMBER))
    made = services.registration_create(actor=lead, event=event, names=WALK_INS)
    made += services.registration_create(
        actor=contact, event=event, people=[contact, board, member], organisation=wayback
    )
    made += services.registration_create(
        actor=User.objects.get(email="bjorn.hagen@epost.example"), event=event
    )
    made += services.registration_create(
        actor=User.objects.get(email="tone.larsen@epost.example"), event=event
    )
    return len(made)


def _register_for_conference(event: Event) -> int:
    made = []
    for email in ("tone.larsen@epost.example", "bjorn.hagen@epost.example", demo.PARTNER_CONTACT.email):
        made += services.registration_create(actor=User.objects.get(email=email), event=event)
    made += services.registration_create(
        actor=_user(demo.MEMBER), event=event, organisation=Organisation.objects.get(name="Wayback")
    )
    return len(made)


def _register_for_gathering(event: Event) -> int:
    wayback = Organisation.objects.get(name="Wayback")
    contact = _user(demo.CONTACT)
    return len(
        services.registration_create(
            actor=contact, event=event, people=[contact, _user(demo.BOARD_MEMBER)], organisation=wayback
        )
    )


def _register_for_batterisamling(event: Event) -> int:
    made = []
    for seed in demo.STAFF:
        made += services.registration_create(actor=_user(seed.person), event=event)
    return len(made)


def _attendance_for_past_course(event: Event) -> int:
    """Six came; one missed the second evening. The registrations are written directly, as
    no service registers for a course that is over; the adviser marks attendance."""
    adviser = User.objects.get(email="radgiver.oslo@batteriet.example")
    wayback = Organisation.objects.get(name="Wayback")
    people = [(_user(demo.CONTACT), wayback), (_user(demo.BOARD_MEMBER), wayback)]
    people += [(User.objects.get(email="amina.yusuf@epost.example"), None)]
    with transaction.atomic():
        registrations = [
            Registration.objects.create(
                event=event,
                person=person,
                registered_by=person,
                organisation=organisation,
                status=RegistrationStatus.CONFIRMED,
                position_at=event.starts_at - dt.timedelta(days=14, minutes=index),
            )
            for index, (person, organisation) in enumerate(people)
        ]
        registrations += [
            Registration.objects.create(
                event=event,
                name=name,
                registered_by=adviser,
                status=RegistrationStatus.CONFIRMED,
                position_at=event.starts_at - dt.timedelta(days=7, minutes=index),
            )
            for index, name in enumerate(WALK_INS[:3])
        ]
        for registration in registrations:
            audit.record(
                actor=registration.registered_by,
                action="registration.created",
                obj=registration,
                scope=audit.scope_for(event),
                changes={"status": registration.status},
            )
    marked = 0
    for number, session in enumerate(event.sessions.order_by("starts_at")):
        marks = {registration.pk: True for registration in registrations}
        if number == 1:
            marks[registrations[-1].pk] = False
        marked += len(attendance.attendance_mark(actor=adviser, session=session, marks=marks))
    return len(registrations) + marked


def _no_registrations(event: Event) -> int:
    return 0


# --- Time ---------------------------------------------------------------------------------
def _days(*, weekday: int, weeks_ahead: int, count: int) -> list[dt.date]:
    """`count` weekly days on `weekday`, the first at least `weeks_ahead` weeks from today,
    skipping public holidays (negative weeks: in the past)."""
    day = clock.local_today() + dt.timedelta(weeks=weeks_ahead)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    days = []
    while len(days) < count:
        if day not in NORWAY:
            days.append(day)
        day += dt.timedelta(weeks=1)
    return days


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.OSLO)


def _evening(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return _at(day, 18), _at(day, 21)


def _user(seed: demo.PersonSeed) -> User:
    return User.objects.get(email=seed.email)
