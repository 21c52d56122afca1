"""Benchmark: booking guidance times in parallel, and the free times and guidance pages.

    python bench/guidance.py --scale 1                     # SQLite, Batteriet's size
    python bench/guidance.py --scale 100                   # SQLite, 100 times the history
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/batteriet_bench_guidance python bench/guidance.py --scale 1

Batteriet's size: 5 centres with 25 advisers and their weekly availability, about 3,000
requests for guidance (most with an appointment) and 5,000 session records a year.
`--scale N` stores N years of them (and N generations of weekly slots, the older ones
ended), the last year ending two months ahead, as the data will grow.

1. Booking under contention: N client processes (8 by default, `--clients`), each a
   different person, book free times at one centre with 2 advisers through
   `services.appointments.request_create(starts_at=..., adviser=...)`. Everyone goes for
   the earliest free time; on `adviser_conflict` or `not_a_free_time` the person tries
   the next time of the list they read, a few times, then reads the free times again.
   It prints bookings per second, p50 and p95 of each attempt and the conflicts, and
   checks that no adviser has two proposed or booked appointments that overlap (OK or
   FAIL; FAIL stops with a non-zero exit).
2. Free times and pages: server time of `selectors.free_times` for 14 days, of GET
   `guidance:ask` (a person logged in) and of GET `guidance:queue` (an adviser), with
   p95 and the number of queries, which must not grow with the scale.

The database is emptied and rebuilt: SQLite uses a file under /tmp, PostgreSQL the
database DATABASE_URL names (created if missing).
"""

import argparse
import contextlib
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
ADVISERS_PER_CENTRE = 5
REQUESTS_PER_YEAR = 3_000
RECORDS_PER_YEAR = 5_000
PEOPLE = 3_000
HISTORY_ENDS_AHEAD = dt.timedelta(days=60)
CONFLICT_CODES = ("adviser_conflict", "not_a_free_time")
TRIES_PER_LIST = 4  # attempts on one list of free times before reading it again
BOOKINGS_PER_CLIENT_LIMIT = 50


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
        path = Path("/tmp/batteriet-bench-guidance.sqlite3")  # noqa: S108 (a scratch file for the benchmark)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--clients", type=int, nargs="*", default=[8], help="none: skip")
    parser.add_argument("--per-client", type=int, default=6, help="bookings each person makes")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if args.per_client > BOOKINGS_PER_CLIENT_LIMIT:
        parser.error(f"--per-client is at most {BOOKINGS_PER_CLIENT_LIMIT}")

    prepare_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = build_world(years=args.scale)
    requests, appointments, records = store_history(world, years=args.scale)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum keeps them in production
    print(
        f"database: {connection.vendor}, scale {args.scale}: {len(world['advisers'])} advisers at 5 centres "
        f"and 2 at the centre booked in part 1, {world['slots']:,} weekly slots, {requests:,} requests, {appointments:,} appointments and "
        f"{records:,} session records stored in {time.perf_counter() - started:.0f} s"
    )
    failed = False
    for clients in args.clients:
        failed |= not measure_parallel_bookings(world, clients=clients, per_client=args.per_client)
    measure_reads(world, runs=args.runs)
    if failed:
        raise SystemExit("FAIL: an adviser is booked twice at once")


# --- Data -------------------------------------------------------------------------------
def build_world(*, years: int) -> dict:
    """The centres, their advisers (with two-factor set up, as staff must) and weekly
    slots, the people who ask, and a centre with two advisers free every weekday."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import make_password

    from batteriet.accounts.models import User
    from batteriet.centres.models import Centre, StaffAssignment, StaffRole
    from batteriet.core import time as clock
    from batteriet.guidance.models import AvailabilitySlot

    cities = ["Oslo", "Bergen", "Trondheim", "Bodø", "Kristiansand", "Drammen"]
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
        for number, city in enumerate(cities)
    ]
    busy_centre = centres.pop()  # the one everyone books at once in part 1
    unusable = make_password(None)
    User.objects.bulk_create(
        User(email=f"deltaker{index}@example.org", full_name=f"Deltaker {index}", password=unusable)
        for index in range(PEOPLE)
    )
    staff = [(centre, number) for centre in centres for number in range(ADVISERS_PER_CENTRE)]
    staff += [(busy_centre, number) for number in range(2)]
    User.objects.bulk_create(
        User(
            email=f"veileder-{centre.slug}-{number}@batteriet.example",
            full_name=f"Veileder {centre.city} {number}",
            password=unusable,
        )
        for centre, number in staff
    )
    people = list(
        User.objects.filter(email__startswith="deltaker").order_by("pk").values_list("pk", flat=True)
    )
    by_email = dict(User.objects.filter(email__startswith="veileder-").values_list("email", "pk"))
    adviser_ids = [by_email[f"veileder-{centre.slug}-{number}@batteriet.example"] for centre, number in staff]
    StaffAssignment.objects.bulk_create(
        StaffAssignment(user_id=user_id, centre=centre, role=StaffRole.ADVISER)
        for user_id, (centre, _number) in zip(adviser_ids, staff, strict=True)
    )
    Authenticator.objects.bulk_create(
        Authenticator(user_id=user_id, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
        for user_id in adviser_ids
    )

    today = clock.local_today()
    slots = []
    advisers = []  # (user id, centre) at the five centres
    for index, (user_id, (centre, _number)) in enumerate(zip(adviser_ids, staff, strict=True)):
        if centre is busy_centre:
            # Every weekday, 09:00–15:00 in hours: plenty of free times to fight over.
            slots += [
                AvailabilitySlot(
                    adviser_id=user_id,
                    centre=centre,
                    weekday=weekday,
                    starts_at_time=dt.time(9),
                    ends_at_time=dt.time(15),
                    appointment_minutes=60,
                    valid_from=today - dt.timedelta(days=30),
                )
                for weekday in range(5)
            ]
            continue
        advisers.append((user_id, centre))
        # Two weekly slots now, and the ones that ended in each earlier year.
        for year in range(years):
            valid_from = today - dt.timedelta(days=365 * (year + 1))
            valid_until = None if year == 0 else today - dt.timedelta(days=365 * year + 1)
            for weekday, start, minutes in ((index % 5, 10, 60), ((index + 2) % 5, 13, 45)):
                slots.append(
                    AvailabilitySlot(
                        adviser_id=user_id,
                        centre=centre,
                        weekday=weekday,
                        starts_at_time=dt.time(start),
                        ends_at_time=dt.time(start + 2),
                        appointment_minutes=minutes,
                        valid_from=valid_from,
                        valid_until=valid_until,
                    )
                )
    AvailabilitySlot.objects.bulk_create(slots, batch_size=5000)
    return {
        "centres": centres,
        "busy_centre": busy_centre,
        "busy_advisers": adviser_ids[-2:],
        "advisers": advisers,
        "people": people,
        "slots": len(slots),
    }


@contextlib.contextmanager
def explicit_timestamps(*models):
    """Let bulk_create keep the created_at/updated_at given, as history has them."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def store_history(world: dict, *, years: int) -> tuple[int, int, int]:
    """N years of requests (9 in 10 with an appointment), appointments and session records,
    in bulk. Each adviser's appointments lie days apart, so none overlap; those still ahead
    are booked or proposed, those behind held or cancelled. The requests of the last two
    weeks without an appointment wait in the queue."""
    from batteriet.core import time as clock
    from batteriet.guidance.models import (
        Absence,
        Appointment,
        AppointmentStatus,
        GuidanceRequest,
        Mode,
        RequesterRole,
        RequestStatus,
        SessionRecord,
        Topic,
    )

    rng = random.Random(4)
    now = clock.now()
    last_day = clock.local_today() + HISTORY_ENDS_AHEAD
    days = 365 * years
    count = REQUESTS_PER_YEAR * years
    advisers = world["advisers"]
    people = world["people"]
    topics, modes, roles = Topic.values, Mode.values, RequesterRole.values
    stored_requests = stored_appointments = 0
    chunk = 5000
    with explicit_timestamps(GuidanceRequest, Appointment, SessionRecord):
        for chunk_start in range(0, count, chunk):
            requests, planned = [], []
            for index in range(chunk_start, min(chunk_start + chunk, count)):
                adviser_id, centre = advisers[index % len(advisers)]
                # The k-th appointment of an adviser: every days/k days, from the oldest.
                per_adviser = count // len(advisers)
                step = index // len(advisers)
                day = last_day - dt.timedelta(days=days * (per_adviser - 1 - step) / per_adviser)
                local = dt.datetime.combine(day, dt.time(10 + step % 4), tzinfo=clock.OSLO)
                starts_at = local.astimezone(dt.UTC)
                ends_at = starts_at + dt.timedelta(minutes=60)
                created_at = starts_at - dt.timedelta(days=rng.randint(3, 20))
                with_time = index % 10 != 0
                ahead = starts_at > now
                if with_time:
                    if ahead:
                        request_status = RequestStatus.PROPOSED if index % 7 == 0 else RequestStatus.SCHEDULED
                        appointment_status = (
                            AppointmentStatus.PROPOSED if index % 7 == 0 else AppointmentStatus.BOOKED
                        )
                    elif index % 9 == 0:
                        request_status, appointment_status = (
                            RequestStatus.CANCELLED,
                            AppointmentStatus.CANCELLED,
                        )
                    else:
                        request_status, appointment_status = RequestStatus.DONE, AppointmentStatus.DONE
                else:
                    created_at = starts_at - dt.timedelta(days=30)
                    waits = now - dt.timedelta(days=14) < created_at <= now
                    request_status = RequestStatus.NEW if waits else RequestStatus.REFERRED
                    appointment_status = None
                requests.append(
                    GuidanceRequest(
                        requested_by_id=people[index % len(people)],
                        role=roles[index % len(roles)],
                        centre=centre,
                        topic=topics[index % len(topics)],
                        situation="Vi vil starte en forening og trenger hjelp med vedtektene.",
                        mode=modes[index % len(modes)],
                        status=request_status,
                        adviser_id=adviser_id if with_time else None,
                        referred_to="NAV" if request_status == RequestStatus.REFERRED else "",
                        created_at=min(created_at, now),
                        updated_at=min(max(starts_at, created_at), now),
                    )
                )
                planned.append((adviser_id, centre, starts_at, ends_at, appointment_status))
            requests = GuidanceRequest.objects.bulk_create(requests, batch_size=chunk)
            appointments = [
                Appointment(
                    request=request,
                    adviser_id=adviser_id,
                    centre=centre,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    mode=request.mode,
                    status=status,
                    cancelled_at=request.updated_at if status == AppointmentStatus.CANCELLED else None,
                    created_at=request.created_at,
                )
                for request, (adviser_id, centre, starts_at, ends_at, status) in zip(
                    requests, planned, strict=True
                )
                if status is not None
            ]
            Appointment.objects.bulk_create(appointments, batch_size=chunk)
            stored_requests += len(requests)
            stored_appointments += len(appointments)

        done = list(
            Appointment.objects.filter(status=AppointmentStatus.DONE)
            .order_by("starts_at")
            .values_list("pk", "adviser_id", "centre_id", "starts_at", "mode")
        )
        record_count = RECORDS_PER_YEAR * years
        records = []
        for index in range(record_count):
            if index < len(done):  # a session of an appointment
                appointment_id, adviser_id, centre_id, held_at, mode = done[index]
            else:  # a session without one, e.g. a meeting out in the organisation
                appointment_id, (adviser_id, centre) = None, advisers[index % len(advisers)]
                centre_id, mode = centre.pk, modes[index % len(modes)]
                held_at = now - dt.timedelta(days=days * index / record_count, hours=rng.randint(0, 8))
            records.append(
                SessionRecord(
                    centre_id=centre_id,
                    adviser_id=adviser_id,
                    appointment_id=appointment_id,
                    held_at=held_at,
                    minutes=rng.choice([30, 45, 60, 90]),
                    mode=mode,
                    people=rng.randint(1, 4),
                    topics=[topics[index % len(topics)]],
                    outcomes=["plan_made"] if index % 3 == 0 else [],
                    created_at=held_at,
                )
            )
            if len(records) == chunk:
                SessionRecord.objects.bulk_create(records)
                records = []
        SessionRecord.objects.bulk_create(records)

    # A week's leave a year for each adviser, some of it ahead.
    Absence.objects.bulk_create(
        Absence(
            adviser_id=adviser_id,
            starts_at=now + dt.timedelta(days=20 - 365 * year + index),
            ends_at=now + dt.timedelta(days=27 - 365 * year + index),
            reason="Ferie",
        )
        for year in range(years)
        for index, (adviser_id, _centre) in enumerate(world["advisers"])
    )
    return stored_requests, stored_appointments, record_count


# --- Measurements -----------------------------------------------------------------------
def measure_parallel_bookings(world: dict, *, clients: int, per_client: int) -> bool:
    """Each client, a process of its own and a person of its own, books free times at the
    centre with two advisers, all going for the earliest. True if no adviser is booked twice."""
    from django.db import connections

    from batteriet.guidance.models import Appointment, AppointmentStatus

    centre = world["busy_centre"]
    people = world["people"][-clients:]  # people with no history at this centre
    before = Appointment.objects.filter(centre=centre, status=AppointmentStatus.BOOKED).count()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(clients), context.Queue()
    connections.close_all()  # each process opens its own connection
    processes = [
        context.Process(target=_client, args=(centre.pk, person, per_client, barrier, results))
        for person in people
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    latencies = [ms for outcome in outcomes for ms in outcome["latencies"]]
    booked = sum(outcome["booked"] for outcome in outcomes)
    conflicts = sum(outcome["conflicts"] for outcome in outcomes)
    gave_up = sum(outcome["gave_up"] for outcome in outcomes)
    failures = [error for outcome in outcomes for error in outcome["errors"]]
    stored = Appointment.objects.filter(centre=centre, status=AppointmentStatus.BOOKED).count() - before
    print(
        f"booking at one centre with 2 advisers, {clients} parallel people, {per_client} bookings each: "
        f"{booked} booked in {elapsed:.1f} s ({booked / elapsed:.1f} bookings/s); {len(latencies)} attempts, "
        f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms per attempt; "
        f"{conflicts} conflicts ({conflicts / len(latencies):.0%} of attempts), {gave_up} gave up; "
        f"failures: {len(failures)} {sorted(set(failures))[:3]}"
    )
    overlaps = double_bookings()
    ok = not overlaps and stored == booked
    print(
        f"check: {stored} booked appointments stored for {booked} bookings, "
        f"{len(overlaps)} overlapping pairs of proposed/booked appointments for one adviser: "
        + ("OK" if ok else f"FAIL {overlaps[:3]}")
    )
    return ok


def double_bookings() -> list[tuple[int, int]]:
    """Pairs of appointments that take one adviser's time and overlap, over the whole table."""
    from batteriet.guidance.models import Appointment, AppointmentStatus

    pairs = []
    last: dict[int, tuple[int, dt.datetime]] = {}  # adviser → (pk, the latest end so far)
    rows = (
        Appointment.objects.filter(status__in=AppointmentStatus.taking_time())
        .order_by("adviser_id", "starts_at", "pk")
        .values_list("pk", "adviser_id", "starts_at", "ends_at")
    )
    for pk, adviser_id, starts_at, ends_at in rows.iterator(chunk_size=5000):
        previous = last.get(adviser_id)
        if previous is not None and starts_at < previous[1]:
            pairs.append((previous[0], pk))
        if previous is None or ends_at > previous[1]:
            last[adviser_id] = (pk, ends_at)
    return pairs


def _client(centre_id: int, person_id: int, bookings: int, barrier, results) -> None:
    from django.db import connection

    from batteriet.accounts.models import User
    from batteriet.centres.models import Centre
    from batteriet.core import time as clock
    from batteriet.core.errors import RuleViolation
    from batteriet.guidance import selectors
    from batteriet.guidance.services import appointments as services

    centre = Centre.objects.get(pk=centre_id)
    person = User.objects.get(pk=person_id)
    outcome = {"latencies": [], "booked": 0, "conflicts": 0, "gave_up": 0, "errors": []}
    barrier.wait()
    for _ in range(bookings):
        done = False
        for _reading in range(3):  # read the free times again when a list runs out
            today = clock.local_today()
            times = selectors.free_times(centre, today, today + dt.timedelta(days=14))
            for adviser, starts_at, _ends_at in times[:TRIES_PER_LIST]:  # the earliest, in order
                started = time.perf_counter()
                try:
                    services.request_create(
                        actor=person,
                        centre=centre,
                        role="initiator",
                        topic="starting",
                        situation="Vi vil starte en forening.",
                        mode="centre",
                        starts_at=starts_at,
                        adviser=adviser,
                    )
                except RuleViolation as violation:
                    outcome["latencies"].append((time.perf_counter() - started) * 1000)
                    if violation.code in CONFLICT_CODES:
                        outcome["conflicts"] += 1
                        continue
                    outcome["errors"].append(violation.code)
                except Exception as error:  # counted and printed: "database is locked", a deadlock
                    outcome["latencies"].append((time.perf_counter() - started) * 1000)
                    outcome["errors"].append(f"{type(error).__name__}: {error}")
                else:
                    outcome["latencies"].append((time.perf_counter() - started) * 1000)
                    outcome["booked"] += 1
                    done = True
                break
            if done:
                break
        if not done:
            outcome["gave_up"] += 1
    connection.close()
    results.put(outcome)


def measure_reads(world: dict, *, runs: int) -> None:
    """Server time of the free times for 14 days at a centre with five advisers and its
    history, of the page where a person asks (logged in), and of the centre's staff queue."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from batteriet.accounts.models import User
    from batteriet.core import time as clock
    from batteriet.guidance import selectors

    centre = world["centres"][0]
    today = clock.local_today()
    selectors.free_times(centre, today, today + dt.timedelta(days=14))  # warm up
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            times = selectors.free_times(centre, today, today + dt.timedelta(days=14))
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"selectors.free_times({centre.slug}, 14 days): median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms, {len(queries)} queries, {len(times)} free times"
    )

    person = User.objects.get(pk=world["people"][0])
    adviser = User.objects.get(pk=next(user_id for user_id, at in world["advisers"] if at == centre))
    targets = [
        ("ask page GET guidance:ask (a person)", person, reverse("guidance:ask", args=[centre.slug])),
        (
            "queue page GET guidance:queue (an adviser)",
            adviser,
            reverse("guidance:queue", args=[centre.slug]),
        ),
    ]
    for label, user, url in targets:
        client = Client()
        client.force_login(user)
        response = client.get(url)  # warm up (templates, translations)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        timings = []
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
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
