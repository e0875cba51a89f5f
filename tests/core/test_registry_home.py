"""The registry home: the back office's index shows registry staff the queues and charts the apps declare
(`core.registry_home`), with counts, ages in days and links to the filtered lists, at a constant query count."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from bodies.models import Accreditation, Body, BodyStatusChange
from bodies.models.approval import AccreditationVerification
from core import registry_home
from core.registry_home import Chart, Queue, QueueState, Series
from impartiality.models import RegistryRisk
from reminders.services import deadline_close, deadline_upsert
from tests.factories import AccreditationFactory, BodyFactory, StaffFactory, UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _today() -> date:
    return registry_home.registry_today()


def _applied(body: Body, days_ago: int) -> Body:
    """`applied_at` is set on creation; move it back `days_ago` days (noon, registry time)."""
    moment = timezone.make_aware(
        datetime.combine(_today() - timedelta(days=days_ago), datetime.min.time()).replace(hour=12)
    )
    Body.objects.filter(pk=body.pk).update(applied_at=moment)
    body.refresh_from_db()
    return body


def _pending(body: Body, days_ago: int = 0, **fields) -> Accreditation:  # type: ignore[no-untyped-def]
    accreditation = AccreditationFactory(body=body, **fields)
    moment = timezone.now() - timedelta(days=days_ago)
    Accreditation.objects.filter(pk=accreditation.pk).update(
        verification=AccreditationVerification.PENDING, updated_at=moment
    )
    accreditation.refresh_from_db()
    return accreditation


def _verified(body: Body, **fields) -> Accreditation:  # type: ignore[no-untyped-def]
    accreditation = AccreditationFactory(body=body, **fields)
    Accreditation.objects.filter(pk=accreditation.pk).update(verification=AccreditationVerification.VERIFIED)
    accreditation.refresh_from_db()
    return accreditation


def _overdue(body: Body, days: int) -> None:
    accreditation = _verified(body)
    deadline_upsert(
        kind="bodies.accreditation_expiry",
        subject=accreditation,
        body=body,
        due_on=_today() - timedelta(days=days),
    )


def _state(key: str) -> QueueState:
    queue = registry_home.HOME.get(key)
    assert isinstance(queue, Queue)
    return queue.state(today=_today(), limit=registry_home.ROWS)


def _staff_client(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.staff)
    return client


# --- declarations -------------------------------------------------------------------------------------------


def test_the_apps_declare_their_queues_and_charts_in_home_order() -> None:
    # when
    queues = [queue.key for queue in registry_home.queues()]
    charts = [chart.key for chart in registry_home.charts()]
    # then
    assert queues == [
        "bodies.applications",
        "bodies.applications_under_review",
        "bodies.accreditations_to_verify",
        "bodies.accreditations_expiring",
        "reminders.overdue_deadlines",
        "bodies.suspended",
        "impartiality.registry_risks",
    ]
    assert charts == ["bodies.applications_and_decisions"]


def test_two_different_declarations_may_not_claim_one_key() -> None:
    # given
    taken = registry_home.queues()[0]
    # when / then
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry_home.register(Chart(key=taken.key, title="Other", series=()))
    assert registry_home.HOME.get(taken.key) is taken


# --- dates and days -----------------------------------------------------------------------------------------


def test_the_last_twelve_months_end_with_the_current_one() -> None:
    # when
    months = registry_home.month_starts(date(2026, 3, 15))
    # then
    assert months[0] == date(2025, 4, 1)
    assert months[-1] == date(2026, 3, 1)
    assert len(months) == 12
    assert months[8:10] == [date(2025, 12, 1), date(2026, 1, 1)]


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_days_are_counted_between_dates_in_the_registry_time_zone() -> None:
    # given: 20:00 UTC on 1 March is already 2 March in Auckland (UTC+13)
    moment = datetime(2026, 3, 1, 20, 0, tzinfo=ZoneInfo("UTC"))
    # when / then
    assert registry_home.registry_date(moment) == date(2026, 3, 2)
    assert registry_home.days_between(moment, date(2026, 3, 12)) == 10
    assert registry_home.days_between(date(2026, 3, 1), date(2026, 3, 12)) == 11


# --- queues -------------------------------------------------------------------------------------------------


def test_new_applications_oldest_first_with_days_waiting(world) -> None:  # type: ignore[no-untyped-def]
    # given
    recent = _applied(BodyFactory(legal_name="Recent ehf.", short_name="", status=Body.Status.APPLICANT), 3)
    oldest = _applied(BodyFactory(legal_name="Oldest ehf.", short_name="", status=Body.Status.APPLICANT), 40)
    _applied(BodyFactory(status=Body.Status.UNDER_REVIEW), 90)  # in the other queue
    # when
    state = _state("bodies.applications")
    # then
    assert state.count == 2
    assert [(row.label, row.days) for row in state.rows] == [("Oldest ehf.", 40), ("Recent ehf.", 3)]
    assert state.rows[0].on == _today() - timedelta(days=40)
    assert state.rows[0].url == reverse("admin:bodies_bodyapplication_change", args=[oldest.pk])
    assert state.url == reverse("admin:bodies_bodyapplication_changelist") + "?status__exact=applicant"
    assert recent.pk != oldest.pk


def test_a_queue_lists_its_oldest_rows_and_counts_them_all(world) -> None:  # type: ignore[no-untyped-def]
    # given
    for days_ago in range(8):
        _applied(BodyFactory(status=Body.Status.UNDER_REVIEW), days_ago)
    # when
    state = _state("bodies.applications_under_review")
    # then
    assert state.count == 8
    assert [row.days for row in state.rows] == [7, 6, 5, 4, 3]
    assert state.more == 3


def test_accreditations_waiting_for_verification(world) -> None:  # type: ignore[no-untyped-def]
    # given
    waiting = _pending(world.a.body, days_ago=6)
    _pending(world.b.body, days_ago=1)
    _verified(world.a.body)
    # when
    state = _state("bodies.accreditations_to_verify")
    # then
    assert state.count == 2
    assert state.rows[0].label == str(world.a.body)
    assert state.rows[0].detail == str(waiting)
    assert state.rows[0].url == reverse("admin:bodies_accreditation_verify", args=[waiting.pk])
    assert [row.days for row in state.rows] == [6, 1]
    assert parse_qs(urlsplit(state.url).query) == {"verification__exact": ["pending"]}


def test_accreditations_expiring_within_90_days_count_only_verified_active_ones(world) -> None:  # type: ignore[no-untyped-def]
    # given
    soon = _verified(world.a.body, valid_to=_today() + timedelta(days=10))
    last_day = _verified(world.b.body, valid_to=_today() + timedelta(days=90))
    _verified(world.a.body, valid_to=_today() + timedelta(days=91))  # later
    _pending(world.a.body, valid_to=_today() + timedelta(days=5))  # not verified
    _verified(world.b.body, valid_to=_today() + timedelta(days=20), status=Accreditation.Status.SUSPENDED)
    # when
    state = _state("bodies.accreditations_expiring")
    # then
    assert state.count == 2
    assert [(row.detail, row.on, row.days) for row in state.rows] == [
        (str(soon), soon.valid_to, 10),
        (str(last_day), last_day.valid_to, 90),
    ]
    assert parse_qs(urlsplit(state.url).query) == {
        "status__exact": ["active"],
        "verification__exact": ["verified"],
        "valid_to__gte": [_today().isoformat()],
        "valid_to__lte": [(_today() + timedelta(days=90)).isoformat()],
    }


def test_suspended_bodies_longest_suspended_first(world) -> None:  # type: ignore[no-untyped-def]
    # given
    Body.objects.filter(pk=world.a.body.pk).update(
        status=Body.Status.SUSPENDED, status_changed_at=timezone.now() - timedelta(days=12)
    )
    Body.objects.filter(pk=world.b.body.pk).update(
        status=Body.Status.SUSPENDED, status_changed_at=timezone.now() - timedelta(days=2)
    )
    # when
    state = _state("bodies.suspended")
    # then
    assert state.count == 2
    assert [(row.label, row.days) for row in state.rows] == [(str(world.a.body), 12), (str(world.b.body), 2)]
    assert state.url == reverse("admin:bodies_body_changelist") + "?status__exact=suspended"


def test_overdue_deadlines_across_bodies_grouped_by_kind(world) -> None:  # type: ignore[no-untyped-def]
    # given: two overdue in two bodies, one due today (not overdue), one overdue but closed
    _overdue(world.a.body, days=15)
    _overdue(world.b.body, days=4)
    _overdue(world.b.body, days=0)
    closed = _verified(world.a.body)
    deadline_upsert(
        kind="bodies.accreditation_expiry",
        subject=closed,
        body=world.a.body,
        due_on=_today() - timedelta(days=30),
    )
    deadline_close(kind="bodies.accreditation_expiry", subject=closed)
    # when
    state = _state("reminders.overdue_deadlines")
    # then
    assert state.count == 2
    assert len(state.rows) == 1
    row = state.rows[0]
    assert (row.label, row.count, row.days, row.on) == (
        "Accreditation expiry",
        2,
        15,
        _today() - timedelta(days=15),
    )
    assert parse_qs(urlsplit(row.url).query) == {
        "closed_at__isempty": ["1"],
        "due_on__lt": [_today().isoformat()],
        "kind__exact": ["bodies.accreditation_expiry"],
    }
    assert state.grouped and state.more == 0


def test_every_queue_and_row_link_opens_its_page(client, world) -> None:  # type: ignore[no-untyped-def]
    # given: one row in every queue
    _applied(BodyFactory(legal_name="Applicant ehf.", status=Body.Status.APPLICANT), 2)
    _applied(BodyFactory(status=Body.Status.UNDER_REVIEW), 5)
    BodyFactory(status=Body.Status.SUSPENDED, status_changed_at=timezone.now())
    pending = _pending(world.a.body, certificate_number="PENDING-1")
    expiring = _verified(world.b.body, certificate_number="EXPIRING-1", valid_to=_today() + timedelta(days=9))
    _overdue(world.a.body, days=3)
    RegistryRisk.objects.create(
        title="Fees from bodies the registry oversees",
        source_kind="activity",
        source="Approval fees",
        threat="self_interest",
        likelihood=2,
        impact=3,
        mitigation="Fees fixed by schedule",
        next_review_on=_today() - timedelta(days=1),
        owner=world.staff,
    )
    _staff_client(client, world)
    # when / then: the admin answers each filter with its list (an unknown filter would redirect with ?e=1)
    for queue in registry_home.queues():
        state = queue.state(today=_today(), limit=registry_home.ROWS)
        assert state.rows, queue.key
        response = client.get(state.url)
        assert response.status_code == 200, (queue.key, state.url)
        # and each row's own page (a change page, the verify page, a list filtered to the row)
        for row in state.rows:
            assert client.get(row.url).status_code == 200, (queue.key, row.url)
    assert pending.certificate_number in client.get(_state("bodies.accreditations_to_verify").url).text
    expiring_list = client.get(_state("bodies.accreditations_expiring").url).text
    assert expiring.certificate_number in expiring_list
    assert pending.certificate_number not in expiring_list


# --- charts -------------------------------------------------------------------------------------------------


def test_applications_and_decisions_per_month(world) -> None:  # type: ignore[no-untyped-def]
    # given: world's bodies applied now; one more applied 40 days ago; two decisions this month and one review
    _applied(BodyFactory(status=Body.Status.APPLICANT), 40)
    for to_status in (Body.Status.APPROVED, Body.Status.SUSPENDED, Body.Status.UNDER_REVIEW):
        BodyStatusChange.objects.create(
            body=world.a.body,
            from_status=Body.Status.APPLICANT,
            to_status=to_status,
            reason="Test",
            decided_by=world.staff,
            decided_at=timezone.now(),
        )
    chart = registry_home.HOME.get("bodies.applications_and_decisions")
    assert isinstance(chart, Chart)
    # when
    figure = registry_home.chart_figure(chart, _today())
    # then
    this_month = _today().replace(day=1)
    assert sum(bar.value for bar in figure.bars if bar.series_index == 0) == 3
    assert sum(bar.value for bar in figure.bars if bar.series_index == 1) == 2
    assert [entry.total for entry in figure.legend] == [3, 2]
    last_decisions = [bar for bar in figure.bars if bar.series_index == 1][-1]
    assert last_decisions.value == 2
    with translation.override("en"):
        assert last_decisions.title.startswith(date_format(this_month, "YEAR_MONTH_FORMAT"))


def _fixed(values: dict[date, int]):  # type: ignore[no-untyped-def]
    return lambda since: values


def test_a_chart_is_laid_out_with_bars_to_scale_and_readable_numbers() -> None:
    # given
    chart = Chart(
        key="tests.chart",
        title="Things per month",
        series=(
            Series(label="Made", counts=_fixed({date(2026, 3, 1): 4, date(2025, 4, 1): 2})),
            Series(label="Kept", counts=_fixed({date(2026, 3, 1): 1})),
        ),
    )
    # when
    with translation.override("en"):
        figure = registry_home.chart_figure(chart, date(2026, 3, 15))
    # then
    assert len(figure.bars) == 24
    made = [bar for bar in figure.bars if bar.series_index == 0]
    assert (made[0].value, made[-1].value) == (2, 4)
    assert made[-1].height == registry_home.PLOT_HEIGHT
    assert made[0].height == registry_home.PLOT_HEIGHT / 2
    assert made[-1].y + made[-1].height == figure.baseline
    assert made[-1].title == "March 2026 — Made: 4"
    assert [month.label for month in figure.months][:2] == ["Apr", "May"]
    assert figure.summary == "Things per month, April 2025 to March 2026: Made 6; Kept 1"


def test_chart_month_names_follow_the_language() -> None:
    # given
    chart = Chart(key="tests.chart", title="Hlutir", series=(Series(label="Gert", counts=_fixed({})),))
    # when
    with translation.override("is"):
        figure = registry_home.chart_figure(chart, date(2026, 3, 15))
    # then
    assert figure.bars[-1].title == "mars 2026 — Gert: 0"


# --- the page -----------------------------------------------------------------------------------------------


def test_staff_see_the_queues_and_charts_on_the_back_office_index(client, world) -> None:  # type: ignore[no-untyped-def]
    # given
    _applied(
        BodyFactory(legal_name="Waiting Verification ehf.", short_name="", status=Body.Status.APPLICANT), 12
    )
    _overdue(world.a.body, days=3)
    _staff_client(client, world)
    # when
    response = client.get(reverse("admin:index"))
    # then
    assert response.status_code == 200
    page = response.text
    assert "<h1>Registry home</h1>" in page
    assert "New applications" in page
    assert "Waiting Verification ehf." in page
    assert "Accreditation expiry" in page
    assert "Days waiting" in page
    assert 'href="/admin/bodies/bodyapplication/?status__exact=applicant"' in page
    assert "No body is suspended." in page
    assert "Applications and decisions per month" in page
    assert '<svg class="registry-chart-svg"' in page
    assert 'role="img"' in page
    assert "<script" not in page.split('<div id="content"', 1)[1]
    # the models are still listed below the home
    assert reverse("admin:bodies_body_changelist") in page


def test_the_home_speaks_icelandic_with_its_dates(client, world) -> None:  # type: ignore[no-untyped-def]
    # given
    applicant = _applied(BodyFactory(status=Body.Status.APPLICANT), 12)
    world.staff.language = "is"
    world.staff.save(update_fields=["language"])
    _staff_client(client, world)
    with translation.override("is"):
        applied_on = date_format(registry_home.registry_date(applicant.applied_at))
        this_month = date_format(_today().replace(day=1), "YEAR_MONTH_FORMAT")
    # when
    page = client.get(reverse("admin:index"), headers={"accept-language": "is"}).text
    # then: dates and month names as Icelanders write them
    assert f"<td>{applied_on}</td>" in page
    assert f"<title>{this_month} — " in page
    # and the SVG's geometry keeps its decimal points (no Icelandic decimal commas)
    geometry = re.findall(r'<rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)"', page)
    assert len(geometry) == 24
    assert all("," not in value for values in geometry for value in values)


def test_only_registry_staff_reach_the_home(client, world) -> None:  # type: ignore[no-untyped-def]
    # given
    _applied(BodyFactory(legal_name="Secret Applicant ehf.", status=Body.Status.APPLICANT), 1)
    index = reverse("admin:index")
    # when / then: anonymous people and body administrators are sent to the admin login
    for user in (None, world.a.admin, UserFactory()):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(index)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    # and the home renders nothing for anyone else, even where its template is shown
    from django.test import RequestFactory

    request = RequestFactory().get(index)
    request.user = world.a.admin
    assert registry_home.render_home(request) == ""


def test_staff_land_on_the_registry_home_after_login(client, world) -> None:  # type: ignore[no-untyped-def]
    # when
    response = client.post(
        reverse("accounts:login"), {"username": world.staff.email, "password": PASSWORD}, follow=True
    )
    # then
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "Waiting for the registry" in response.text


def test_the_home_costs_the_same_queries_for_1_and_20_bodies(client, world) -> None:  # type: ignore[no-untyped-def]
    # given
    staff = StaffFactory()
    client.force_login(staff)

    def grow(n: int) -> None:
        for i in range(n):
            _applied(BodyFactory(status=Body.Status.APPLICANT), i)
            _applied(BodyFactory(status=Body.Status.UNDER_REVIEW), i)
            suspended = BodyFactory(status=Body.Status.SUSPENDED, status_changed_at=timezone.now())
            _pending(suspended, days_ago=i)
            _verified(suspended, valid_to=_today() + timedelta(days=i + 1))
            _overdue(suspended, days=i + 1)
            BodyStatusChange.objects.create(
                body=suspended,
                from_status=Body.Status.APPROVED,
                to_status=Body.Status.SUSPENDED,
                reason="Test",
                decided_by=staff,
                decided_at=timezone.now() - timedelta(days=31 * (i % 12)),
            )

    grow(1)
    few = count_queries(client, reverse("admin:index"))
    grow(19)
    # when
    many = count_queries(client, reverse("admin:index"))
    # then
    assert many == few
