"""Benchmark: registrations for one event in parallel, and the public calendar.

    python bench/events.py --scale 1                       # SQLite, Batteriet's size
    python bench/events.py --scale 100                     # SQLite, 100 times the events
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/batteriet_bench_events python bench/events.py --scale 1

Batteriet's size: 5 centres, about 600 events and 15,000 registrations a year. `--scale N`
stores N years of events and registrations (600 × N and 15,000 × N), the last year from
six months ago to six months ahead, as the data will grow.

1. Registration throughput: 8 and 32 client processes (like web workers) register
   distinct people for ONE event at once through `services.registration_create`;
   it prints p50, p95 and registrations per second, and checks that the confirmed
   registrations are exactly the places and everyone else waits.
2. The public calendar: server time of GET `events:calendar` (when that page exists)
   and of GET /api/v1/events through django.test.Client, with p95 and the queries.

It prints figures, and stops with an error only if the places were overbooked. The database is emptied and rebuilt:
SQLite uses a file under /tmp, PostgreSQL the database DATABASE_URL names (created if missing).
"""

import argparse
import datetime as dt
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"  # django.test.Client's host
EVENTS_PER_YEAR = 600
REGISTRATIONS_PER_YEAR = 15_000
PEOPLE = 3_000
PLACES = 100  # of the event everyone registers for at once


def prepare_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path("/tmp/batteriet-bench-events.sqlite3")  # noqa: S108 (a scratch file for the benchmark)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--clients", type=int, nargs="*", default=[8, 32], help="none: skip")
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    prepare_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = build_world()
    events, registrations = store_history(world, years=args.scale)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum keeps them in production
    print(
        f"database: {connection.vendor}, scale {args.scale}: {events:,} events and "
        f"{registrations:,} registrations stored in {time.perf_counter() - started:.0f} s"
    )
    for clients in args.clients:
        measure_parallel_registrations(world, clients=clients, per_client=args.per_client)
    measure_calendar(runs=args.runs)


# --- Data -------------------------------------------------------------------------------
def build_world() -> dict:
    from django.contrib.auth.hashers import make_password

    from batteriet.accounts.models import User
    from batteriet.centres.models import Centre

    centres = [
        Centre.objects.create(
            slug=f"bench-{number}",
            name=f"Batteriet {city}",
            city=city,
            intro_nb="Benchmark.",
            email=f"bench{number}@batteriet.example",
            street_address="Gata 1",
            postcode="0150",
            post_town=city,
        )
        for number, city in enumerate(["Oslo", "Bergen", "Trondheim", "Bodø", "Kristiansand"])
    ]
    unusable = make_password(None)
    User.objects.bulk_create(
        User(email=f"deltaker{index}@example.org", full_name=f"Deltaker {index}", password=unusable)
        for index in range(PEOPLE)
    )
    people = list(User.objects.order_by("pk").values_list("pk", flat=True))
    return {"centres": centres, "people": people}


def store_history(world: dict, *, years: int) -> tuple[int, int]:
    """N years of events, in bulk: each with a few sessions' worth of time, its centres and
    about 25 registrations (confirmed, some waiting or cancelled) from distinct people."""
    from batteriet.core import time as clock
    from batteriet.events.models import Event, EventKind, Registration

    rng = random.Random(4)
    now = clock.now()
    last = now + dt.timedelta(days=183)
    count = EVENTS_PER_YEAR * years
    per_event = REGISTRATIONS_PER_YEAR // EVENTS_PER_YEAR
    kinds = [
        EventKind.COURSE,
        EventKind.SEMINAR,
        EventKind.CONFERENCE,
        EventKind.HEARING,
        EventKind.MEMBER_GATHERING,
    ]
    people = world["people"]
    Through = Event.centres.through
    stored_events = stored_registrations = 0
    for chunk_start in range(0, count, 2000):
        events = []
        for index in range(chunk_start, min(chunk_start + 2000, count)):
            starts_at = last - dt.timedelta(days=365 * years * index / count, hours=rng.randint(0, 8))
            starts_at = starts_at.astimezone(clock.OSLO).replace(minute=0, second=0, microsecond=0)
            kind = kinds[index % len(kinds)]
            events.append(
                Event(
                    kind=kind,
                    title=f"Arrangement {index}",
                    description="Benchmark.",
                    audience="members" if kind == EventKind.MEMBER_GATHERING else "open",
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(hours=3),
                    place_kind="external",
                    venue="Folkets hus",
                    capacity=rng.choice([20, 30, 50, None]),
                    is_published=index % 20 != 0,
                )
            )
        events = Event.objects.bulk_create(events)
        links = []
        for index, event in enumerate(events):
            if index % 10 == 0:
                continue  # national
            links.append(Through(event_id=event.pk, centre_id=world["centres"][index % 5].pk))
            if index % 7 == 0:
                links.append(Through(event_id=event.pk, centre_id=world["centres"][(index + 1) % 5].pk))
        Through.objects.bulk_create(links)
        registrations = []
        for index, event in enumerate(events):
            first = (chunk_start + index) * per_event
            for number in range(per_event):
                status = "confirmed" if number < 20 else ("waiting" if number < 23 else "cancelled")
                registrations.append(
                    Registration(
                        event=event,
                        person_id=people[(first + number) % len(people)],
                        status=status,
                        position_at=event.starts_at - dt.timedelta(days=30, minutes=number),
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=5000)
        stored_events += len(events)
        stored_registrations += len(registrations)
    return stored_events, stored_registrations


# --- Measurements -----------------------------------------------------------------------
def measure_parallel_registrations(world: dict, *, clients: int, per_client: int) -> None:
    """Each client, a process of its own, registers its own people for the same event."""
    from django.db import connections

    from batteriet.core import time as clock
    from batteriet.events.models import Event, Registration, RegistrationStatus

    starts_at = clock.now() + dt.timedelta(days=30)
    event = Event.objects.create(
        kind="course",
        title=f"Alle på en gang ({clients})",
        audience="open",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        place_kind="external",
        venue="Folkets hus",
        capacity=PLACES,
        is_published=True,
    )
    people = world["people"][: clients * per_client]
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(clients), context.Queue()
    connections.close_all()  # each process opens its own connection
    processes = [
        context.Process(target=_client, args=(event.pk, people[number::clients], barrier, results))
        for number in range(clients)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    latencies = [ms for mine, _errors in outcomes for ms in mine]
    failures = [error for _mine, errors in outcomes for error in errors]
    registrations = Registration.objects.filter(event_id=event.pk)
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registrations.filter(status=RegistrationStatus.WAITING).count()
    print(
        f"registration, one event, {clients} parallel processes: {len(latencies)} registrations in "
        f"{elapsed:.1f} s ({len(latencies) / elapsed:.0f}/s), p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 95):.1f} ms; {confirmed} confirmed of {PLACES} places, "
        f"{waiting} waiting; failures: {len(failures)} {sorted(set(failures))[:3]}"
    )
    if confirmed != PLACES or confirmed + waiting != len(latencies) - len(failures):
        raise SystemExit(f"WRONG: {confirmed} confirmed and {waiting} waiting for {PLACES} places")


def _client(event_id: int, people: list[int], barrier, results) -> None:
    from django.db import connection

    from batteriet.accounts.models import User
    from batteriet.core.errors import RuleViolation
    from batteriet.events import services
    from batteriet.events.models import Event

    event = Event.objects.get(pk=event_id)
    users = list(User.objects.filter(pk__in=people))
    mine, errors = [], []
    barrier.wait()
    for user in users:
        started = time.perf_counter()
        try:
            services.registration_create(actor=user, event=event)
        except RuleViolation as violation:
            errors.append(violation.code)
        except Exception as error:  # counted and printed: "database is locked", a deadlock
            errors.append(f"{type(error).__name__}: {error}")
        mine.append((time.perf_counter() - started) * 1000)
    connection.close()
    results.put((mine, errors))


def measure_calendar(*, runs: int) -> None:
    """Server time of the public calendar, as a visitor sees it (no login), from today."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    targets = []
    try:
        targets.append(("calendar page GET " + reverse("events:calendar"), reverse("events:calendar"), {}))
    except NoReverseMatch:
        print("calendar page: events:calendar does not resolve yet; measuring the API only")
    targets.append(("API GET /api/v1/events (50 a page)", "/api/v1/events", {}))
    targets.append(("API GET /api/v1/events?centre=bench-0", "/api/v1/events", {"centre": "bench-0"}))
    targets.append(("iCal feed, all events", reverse("events:feed_all"), {}))
    client = Client()
    for label, url, query in targets:
        response = client.get(url, query)  # warm up (templates, translations)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        timings = []
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, query)
                timings.append((time.perf_counter() - started) * 1000)
        print(
            f"{label}: median {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
            f"{len(queries)} queries, {len(response.content) // 1024} KiB"
        )


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
