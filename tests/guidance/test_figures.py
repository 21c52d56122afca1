"""Figures per centre and period: sessions by topic and mode, new and returning
organisations, hours with drop-ins, organisations reached; a fixed number of queries;
who may see them."""

import datetime as dt

import pytest

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.guidance import selectors_figures
from batteriet.guidance.models import DropIn, SessionRecord
from batteriet.organisations.models import MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.OSLO)


@pytest.fixture
def centres():
    return (
        factories.CentreFactory(slug="senter-a", name="Batteriet A"),
        factories.CentreFactory(slug="senter-b", name="Batteriet B"),
    )


def record_row(
    centre, held_at, *, organisation=None, topics=("statutes",), mode="centre", minutes=60, people=1
):
    return SessionRecord.objects.create(
        centre=centre,
        organisation=organisation,
        held_at=held_at,
        minutes=minutes,
        mode=mode,
        people=people,
        topics=list(topics),
    )


def dropin_row(centre, day, *, topic="funding", mode="phone", minutes=15):
    return DropIn.objects.create(centre=centre, held_on=day, topic=topic, mode=mode, minutes=minutes)


def test_figures_for_a_centre_and_a_month(centres):
    a, b = centres
    returning = factories.OrganisationFactory(home_centre=a)
    new = factories.OrganisationFactory(home_centre=a)
    new_here_known_elsewhere = factories.OrganisationFactory(home_centre=b)
    record_row(a, at(dt.date(2026, 1, 10)), organisation=returning)  # before the period
    record_row(b, at(dt.date(2025, 6, 1)), organisation=new_here_known_elsewhere)  # earlier, elsewhere
    record_row(a, at(dt.date(2026, 3, 2)), organisation=returning, topics=["statutes", "board"], people=4)
    record_row(
        a, at(dt.date(2026, 3, 9)), organisation=returning, topics=["economy"], mode="video", minutes=90
    )
    record_row(a, at(dt.date(2026, 3, 20)), organisation=new, topics=["statutes"], mode="phone", minutes=30)
    record_row(a, at(dt.date(2026, 3, 25)), organisation=new_here_known_elsewhere, topics=["funding"])
    record_row(a, at(dt.date(2026, 3, 28)), topics=["starting"], minutes=45)  # an initiator, no organisation
    # The period's edges on the Oslo clock: 1 March 00:00 is in, 1 April 00:00 is out.
    record_row(a, dt.datetime(2026, 3, 1, 0, 0, tzinfo=clock.OSLO), topics=["other"], minutes=15)
    record_row(a, dt.datetime(2026, 4, 1, 0, 0, tzinfo=clock.OSLO), topics=["other"], minutes=15)
    record_row(b, at(dt.date(2026, 3, 15)), organisation=new, topics=["conflict"])  # other centre
    dropin_row(a, dt.date(2026, 3, 1))
    dropin_row(a, dt.date(2026, 3, 31), topic="statutes", mode="centre", minutes=20)
    dropin_row(a, dt.date(2026, 3, 12), minutes=10)
    dropin_row(a, dt.date(2026, 4, 1))
    dropin_row(b, dt.date(2026, 3, 12))

    figures = selectors_figures.figures(centre=a, date_from=FROM, date_to=TO)

    assert figures.sessions == 6
    assert figures.people == 4 + 5
    assert figures.sessions_by_topic["statutes"] == 2
    assert figures.sessions_by_topic["board"] == 1
    assert figures.sessions_by_topic["economy"] == 1
    assert figures.sessions_by_topic["conflict"] == 0
    assert list(figures.sessions_by_topic) == [
        "starting", "registers", "statutes", "board", "economy", "funding", "advocacy", "conflict", "event", "other"
    ]  # fmt: skip
    assert figures.sessions_by_mode == {"centre": 4, "phone": 1, "video": 1}
    assert figures.organisations_reached == 3
    assert (figures.new_organisations, figures.returning_organisations) == (1, 2)
    assert figures.session_minutes == 60 + 90 + 30 + 60 + 45 + 15
    assert figures.dropins == 3
    assert figures.dropins_by_topic["funding"] == 2
    assert figures.dropins_by_topic["statutes"] == 1
    assert figures.dropins_by_mode == {"centre": 1, "phone": 2, "video": 0}
    assert figures.dropin_minutes == 45
    assert figures.minutes == 300 + 45
    assert figures.hours == 5.8


def test_all_centres_together(centres):
    a, b = centres
    organisation = factories.OrganisationFactory(home_centre=a)
    record_row(a, at(dt.date(2026, 3, 2)), organisation=organisation)
    record_row(b, at(dt.date(2026, 3, 3)), organisation=organisation)
    dropin_row(b, dt.date(2026, 3, 4))

    figures = selectors_figures.figures(centre=None, date_from=FROM, date_to=TO)

    assert (figures.sessions, figures.organisations_reached, figures.new_organisations) == (2, 1, 1)
    assert figures.dropins == 1


def test_an_empty_period_is_all_zeros(centres):
    figures = selectors_figures.figures(centre=centres[0], date_from=FROM, date_to=FROM)
    assert (figures.sessions, figures.dropins, figures.hours, figures.organisations_reached) == (0, 0, 0, 0)
    assert set(figures.sessions_by_mode.values()) == {0}


def test_a_period_that_ends_before_it_starts_is_refused(centres):
    with pytest.raises(ValueError):
        selectors_figures.figures(centre=centres[0], date_from=TO, date_to=FROM)


def test_a_session_with_a_topic_no_longer_offered_is_not_counted_under_it(centres):
    record_row(centres[0], at(dt.date(2026, 3, 2)), topics=["retired-topic", "statutes"])
    figures = selectors_figures.figures(centre=centres[0], date_from=FROM, date_to=TO)
    assert "retired-topic" not in figures.sessions_by_topic
    assert figures.sessions_by_topic["statutes"] == 1


def _fill(centre, count: int) -> None:
    for index in range(count):
        organisation = factories.OrganisationFactory(home_centre=centre)
        record_row(centre, at(dt.date(2025, 12, 1)), organisation=organisation)
        record_row(
            centre, at(FROM + dt.timedelta(days=index % 28)), organisation=organisation, topics=["board"]
        )
        dropin_row(centre, FROM + dt.timedelta(days=index % 28))


def test_the_figures_take_two_queries_however_much_there_is(centres, django_assert_num_queries):
    a = centres[0]
    _fill(a, 2)
    with django_assert_num_queries(2):
        small = selectors_figures.figures(centre=a, date_from=FROM, date_to=TO)
    _fill(a, 25)
    with django_assert_num_queries(2):
        large = selectors_figures.figures(centre=a, date_from=FROM, date_to=TO)
    assert (small.sessions, large.sessions) == (2, 27)
    assert (large.returning_organisations, large.new_organisations) == (27, 0)


@pytest.mark.parametrize(
    ("who", "centre_a", "centre_b"),
    [
        ("adviser_a", True, False),
        ("lead_a", True, False),
        ("coordinator", True, True),
        ("contact", False, False),
        ("person", False, False),
        ("admin", False, False),
    ],
)
def test_figures_are_for_staff_of_the_centre_and_national_coordinators_everywhere(
    centres, who, centre_a, centre_b
):
    a, b = centres
    users = {
        "adviser_a": lambda: factories.staff(a),
        "lead_a": lambda: factories.staff(a, StaffRole.LEAD),
        "coordinator": factories.national_coordinator,
        "contact": lambda: factories.member(
            factories.OrganisationFactory(home_centre=a), MembershipRole.CONTACT
        ),
        "person": factories.UserFactory,
        "admin": factories.site_admin,
    }
    user = users[who]()
    assert user.has_perm("guidance.see_figures", a) is centre_a
    assert user.has_perm("guidance.see_figures", b) is centre_b
