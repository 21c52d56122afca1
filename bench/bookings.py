"""Benchmark: availability of a centre for a month, and booking creation in parallel.

    python bench/bookings.py --scale 1                     # SQLite, Batteriet's size
    python bench/bookings.py --scale 100                   # SQLite, 100 times the bookings
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/batteriet_bench python bench/bookings.py --scale 1

Batteriet's size: 5 centres, 30 resources, about 15,000 bookings a year. `--scale N`
keeps the centres and resources and stores N years of bookings (15,000 × N), as the data
will grow. It prints figures; it asserts nothing. The database is emptied and rebuilt:
SQLite uses a file under /tmp, PostgreSQL the database DATABASE_URL names (created if missing).
"""

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
BOOKINGS_PER_YEAR = 15_000


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
        path = Path("/tmp/batteriet-bench.sqlite3")  # noqa: S108 (a scratch file for the benchmark)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=25)
    args = parser.parse_args()

    prepare_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = build_world()
    stored = store_history(world, years=args.scale)
    print(
        f"database: {connection.vendor}, scale {args.scale}: {stored:,} bookings stored "
        f"in {time.perf_counter() - started:.0f} s"
    )
    measure_availability(world)
    measure_parallel_creation(world, clients=args.clients, per_client=args.per_client)


# --- Data -------------------------------------------------------------------------------
def build_world() -> dict:
    from batteriet.accounts.models import User
    from batteriet.bookings.models import Resource, ResourceKind
    from batteriet.centres.models import AgreementText, Centre, OpeningHours
    from batteriet.core import time as clock
    from batteriet.organisations.models import (
        Agreement,
        AgreementStatus,
        Membership,
        MembershipRole,
        Organisation,
        OrganisationKind,
        OrganisationStatus,
    )

    today = clock.local_today()
    centres, resources, bookers = [], [], []
    for number, city in enumerate(["Oslo", "Bergen", "Trondheim", "Bodø", "Kristiansand"]):
        centre = Centre.objects.create(
            slug=f"bench-{number}",
            name=f"Batteriet {city}",
            city=city,
            intro_nb="Benchmark.",
            email=f"bench{number}@batteriet.example",
            street_address="Gata 1",
            postcode="0150",
            post_town=city,
        )
        text = AgreementText.objects.create(centre=centre, version=1, body_nb="Regler.", body_en="Rules.")
        OpeningHours.objects.bulk_create(
            OpeningHours(centre=centre, weekday=day, opens_at=dt.time(8), closes_at=dt.time(20))
            for day in range(5)
        )
        kinds = [ResourceKind.MEETING_ROOM] * 4 + [ResourceKind.DESK, ResourceKind.EQUIPMENT]
        for index, kind in enumerate(kinds):
            resources.append(
                Resource.objects.create(
                    centre=centre,
                    kind=kind,
                    name=f"{kind} {index}",
                    capacity=12,
                    stock=3 if kind == ResourceKind.EQUIPMENT else 1,
                    min_notice_minutes=0,
                    max_horizon_days=400,
                    min_duration_minutes=30,
                    max_duration_minutes=12 * 60,
                )
            )
        for index in range(10):
            user = User.objects.create_user(f"bench{number}-{index}@example.org", full_name=f"Bench {index}")
            organisation = Organisation.objects.create(
                name=f"Forening {number}-{index}",
                kind=OrganisationKind.USER_LED,
                description="Bench.",
                email=f"org{number}-{index}@example.org",
                home_centre=centre,
                status=OrganisationStatus.APPROVED,
            )
            Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.CONTACT)
            Agreement.objects.create(
                organisation=organisation,
                centre=centre,
                text=text,
                status=AgreementStatus.ACTIVE,
                signed_at=clock.now(),
                signed_name="Bench",
                signed_role=MembershipRole.CONTACT,
                activated_at=clock.now(),
                valid_from=today - dt.timedelta(days=366 * 120),
                valid_until=today + dt.timedelta(days=700),
            )
            bookers.append((organisation, user, centre))
        centres.append(centre)
    return {"centres": centres, "resources": resources, "bookers": bookers, "today": today}


def store_history(world: dict, *, years: int) -> int:
    """N years of bookings, ending a month from now: two a working day per room, in bulk."""
    from batteriet.bookings.models import Booking, BookingStatus, Occupancy
    from batteriet.core import time as clock

    per_resource = BOOKINGS_PER_YEAR * years // len(world["resources"])
    last_day = world["today"] + dt.timedelta(days=31)
    slots = [(dt.time(9), dt.time(11)), (dt.time(13), dt.time(15))]
    total = 0
    for resource in world["resources"]:
        organisation, user, _centre = next(b for b in world["bookers"] if b[2].pk == resource.centre_id)
        bookings, day = [], last_day
        while len(bookings) < per_resource:
            if day.weekday() < 5:
                for start, end in slots:
                    bookings.append(
                        Booking(
                            resource=resource,
                            organisation=organisation,
                            booked_by=user,
                            starts_at=dt.datetime.combine(day, start, clock.OSLO),
                            ends_at=dt.datetime.combine(day, end, clock.OSLO),
                            status=BookingStatus.CONFIRMED,
                            purpose="Møte",
                            quantity=1,
                        )
                    )
            day -= dt.timedelta(days=1)
        for chunk_start in range(0, len(bookings), 5000):
            chunk = Booking.objects.bulk_create(bookings[chunk_start : chunk_start + 5000])
            if not resource.is_equipment:
                Occupancy.objects.bulk_create(
                    Occupancy(
                        booking=b, resource=resource, starts_at=b.starts_at, ends_at=b.ends_at, is_own=True
                    )
                    for b in chunk
                )
        total += len(bookings)
    return total


# --- Measurements -----------------------------------------------------------------------
def measure_availability(world: dict, runs: int = 30) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from batteriet.bookings import selectors
    from batteriet.core import time as clock

    centre = world["centres"][0]
    first = world["today"].replace(day=1)
    starts_at = dt.datetime.combine(first, dt.time(0), clock.OSLO)
    ends_at = dt.datetime.combine((first + dt.timedelta(days=32)).replace(day=1), dt.time(0), clock.OSLO)
    timings = []
    for _ in range(runs):
        reset_queries()  # the bulk insert filled the query log
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = selectors.centre_availability(centre, starts_at, ends_at)
            timings.append((time.perf_counter() - started) * 1000)
    busy = sum(len(item.busy) for item in result)
    print(
        f"availability, one centre, one month: median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms, {len(queries)} queries, "
        f"{len(result)} resources, {busy} busy intervals"
    )


def measure_parallel_creation(world: dict, *, clients: int, per_client: int) -> None:
    """Each client, a process of its own like a web worker, books its own free slots at once."""
    from django.db import connections

    from batteriet.bookings.models import ResourceKind

    rooms = [r for r in world["resources"] if r.kind == ResourceKind.MEETING_ROOM]
    days = future_working_days(world["today"] + dt.timedelta(days=45), count=per_client)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(clients), context.Queue()
    connections.close_all()  # each process opens its own connection
    processes = [
        context.Process(target=_client, args=(world, rooms, days, number, barrier, results))
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
    print(
        f"booking creation, {clients} parallel processes: {len(latencies)} attempts in {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.0f}/s), p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 95):.1f} ms, failures: {len(failures)} {sorted(set(failures))[:3]}"
    )


def _client(world, rooms, days, number, barrier, results) -> None:
    from django.conf import settings
    from django.db import connection

    from batteriet.bookings import services
    from batteriet.bookings.models import ResourceKind
    from batteriet.core import time as clock
    from batteriet.core.errors import RuleViolation

    settings.BOOKING_WEEKLY_QUOTA = dict.fromkeys(ResourceKind.values)  # measure the write, not the quota
    room = rooms[number % len(rooms)]
    # Each client acts for its own organisation, as real bookers would.
    at_centre = [b for b in world["bookers"] if b[2].pk == room.centre_id]
    organisation, user, _centre = at_centre[number % len(at_centre)]
    hour = 8 + number // len(rooms)  # clients sharing a room book different hours
    mine, errors = [], []
    barrier.wait()
    for day in days:
        starts_at = dt.datetime.combine(day, dt.time(hour), clock.OSLO)
        started = time.perf_counter()
        try:
            services.booking_create(
                actor=user,
                resource=room,
                organisation=organisation,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=1),
                purpose="Benchmark",
            )
        except RuleViolation as violation:
            errors.append(violation.code)
        except Exception as error:  # counted and printed: "database is locked" and the like
            errors.append(f"{type(error).__name__}: {error}")
        mine.append((time.perf_counter() - started) * 1000)
    connection.close()
    results.put((mine, errors))


def future_working_days(start: dt.date, *, count: int) -> list[dt.date]:
    import holidays

    closed = holidays.country_holidays("NO", years=range(start.year, start.year + 2))
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
