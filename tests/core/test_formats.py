"""One date format per language (icr/formats), the body's time zone on portal pages, "in N days" counted from
today where the body is, labels instead of codes, Icelandic reference data and countries, and a language chosen
before login that survives the login."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_countries.fields import Country

from accounts.models import User
from core.dates import days_from_today, today_in
from core.labels import choice_label, field_label
from core.middleware import BodyTimeZoneMiddleware
from documents.rendering import document_html
from documents.services import document_request
from reference.models import Activity, Sector, Standard
from reminders.models import Deadline
from reminders.recipients import days_to_due
from tests.factories import UserFactory
from tests.helpers import membership_of, record_for

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 7)
MOMENT = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)


# --- one format per language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "long", "short", "moment", "short_moment"),
    [
        ("en", "7 Dec 2026", "07/12/2026", "7 Dec 2026, 14:30", "07/12/2026 14:30"),
        ("is", "7. desember 2026", "07.12.2026", "7. desember 2026 kl. 14:30", "07.12.2026 14:30"),
    ],
)
def test_each_language_has_one_european_date_format(language, long, short, moment, short_moment):
    with translation.override(language), timezone.override("UTC"):
        assert formats.date_format(DAY) == long
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(timezone.localtime(MOMENT), "DATETIME_FORMAT") == moment
        assert formats.date_format(timezone.localtime(MOMENT), "SHORT_DATETIME_FORMAT") == short_moment
        # the template filter without a format string reads the same
        assert Template("{{ day|date }}").render(Context({"day": DAY})) == long


def test_date_inputs_still_read_iso_dates_first():
    for language in ("en", "is"):
        with translation.override(language):
            assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"


@pytest.mark.parametrize(("language", "shown"), [("en", "7 Dec 2026"), ("is", "7. desember 2026")])
def test_a_portal_page_shows_dates_in_the_readers_language(login, world, language, shown):
    # given a person whose account is in that language, who joined on 7 December 2026
    user = world.a.member
    User.objects.filter(pk=user.pk).update(language=language, date_joined=MOMENT)

    # when they open their profile
    response = login(user).get(reverse("accounts:profile"))

    # then the date reads as their language writes it
    assert response.status_code == 200
    assert f"<dd>{shown}</dd>" in response.content.decode()


def test_the_competence_record_pdf_shows_dates_labels_and_language_names(world):
    # given a record whose basis is stored as codes, and a person who audits in Icelandic and English
    record_for(
        world.a.member, world.a.body, valid_until=date(2027, 12, 31), basis=["education", "audits_performed"]
    )
    User.objects.filter(pk=world.a.member.pk).update(languages=["is", "en"])
    with transaction.atomic():
        document = document_request(
            kind="competence.person_record",
            subject=membership_of(world.a.member, world.a.body),
            body=world.a.body,
            actor=world.a.admin,
        )

    # when its HTML is laid out
    html = document_html(document)

    # then the date is the European one, and no code is shown
    assert "31 Dec 2027" in html
    assert "2027-12-31" not in html
    assert "Education, Audits performed" in html
    assert "audits_performed" not in html
    assert "Icelandic, English" in html


# --- the body's time zone and "in N days" ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "days", "words"), [(0, 0, "today"), (1, 1, "tomorrow"), (-1, -1, "yesterday")]
)
def test_days_from_today_at_the_boundary(due, days, words):
    today = date(2026, 12, 7)

    assert days_from_today(today + timedelta(days=due), today=today) == days
    with timezone.override("UTC"), translation.override("en"):
        rendered = Template("{% load labels %}{{ day|due_in }}|{{ day|days_from_today }}").render(
            Context({"day": timezone.localdate() + timedelta(days=due)})
        )
    assert rendered == f"{words}|{days}"


def test_more_days_read_as_a_count():
    with timezone.override("UTC"), translation.override("en"):
        template = Template("{% load labels %}{{ later|due_in }}; {{ earlier|due_in }}")
        today = timezone.localdate()
        assert (
            template.render(
                Context({"later": today + timedelta(days=3), "earlier": today - timedelta(days=2)})
            )
            == "in 3 days; 2 days ago"
        )


def test_today_is_counted_where_the_body_is(world, monkeypatch):
    # given 23:30 UTC on 7 December: it is already 8 December in Kiritimati (UTC+14)
    now = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    body = world.a.body
    body.time_zone = "Pacific/Kiritimati"
    body.save(update_fields=["time_zone"])
    deadline = Deadline(body=body, due_on=date(2026, 12, 8), time_zone=body.time_zone)

    # then a deadline due on 8 December is due today there, by every count
    assert today_in("Pacific/Kiritimati") == date(2026, 12, 8)
    assert today_in("UTC") == date(2026, 12, 7)
    assert days_from_today(deadline.due_on, body.time_zone) == 0
    assert days_to_due(deadline) == 0

    # and a portal request of a member of that body sees that date as today
    seen = {}

    def view(request):  # type: ignore[no-untyped-def]
        seen["today"] = timezone.localdate()
        seen["rendered"] = Template("{% load labels %}{{ due|due_in }}").render(
            Context({"due": deadline.due_on})
        )
        return None

    request = RequestFactory().get("/people/")
    request.user = world.a.member
    request.active = type("Active", (), {"body": body})()
    with translation.override("en"):
        BodyTimeZoneMiddleware(view)(request)
    assert seen == {"today": date(2026, 12, 8), "rendered": "today"}


def test_the_api_keeps_utc(world):
    request = RequestFactory().get("/api/v1/people/")
    request.user = world.a.member
    request.active = type("Active", (), {"body": world.a.body})()

    assert BodyTimeZoneMiddleware.zone_name(request) is None


def test_someone_in_no_body_sees_the_platforms_zone(world):
    request = RequestFactory().get("/")
    request.user = world.staff
    request.active = type("Active", (), {"body": None})()

    assert BodyTimeZoneMiddleware.zone_name(request) is None


def test_a_portal_page_shows_times_in_the_active_bodys_zone(login, world):
    # given a body in Kiritimati (UTC+14) and a member who joined at 23:30 UTC on 7 December
    world.a.body.time_zone = "Pacific/Kiritimati"
    world.a.body.save(update_fields=["time_zone"])
    User.objects.filter(pk=world.a.member.pk).update(date_joined=datetime(2026, 12, 7, 23, 30, tzinfo=UTC))

    # when the member opens their profile
    response = login(world.a.member).get(reverse("accounts:profile"))

    # then the day is the body's: already 8 December there
    assert response.status_code == 200
    assert "<dd>8 Dec 2026</dd>" in response.content.decode()


# --- labels, not codes -------------------------------------------------------------------------------------


def test_labels_of_codes_and_lists_of_codes(world):
    membership = membership_of(world.a.admin, world.a.body)

    with translation.override("en"):
        assert field_label(membership, "employment") == membership.get_employment_display()
        assert choice_label([("a", "Alpha"), ("b", "Beta")], ["b", "a", "zzz"]) == "Beta, Alpha, zzz"
        assert choice_label({"x": "Ex"}, "x") == "Ex"
        assert choice_label([("Group", [("g", "Gee")])], "g") == "Gee"
        rendered = Template('{% load labels %}{{ basis|label:"competence.models.Basis" }}').render(
            Context({"basis": ["education", "training"]})
        )
    assert rendered == "Education, Training"


# --- Icelandic reference data and countries ----------------------------------------------------------------


def test_reference_data_reads_in_the_active_language():
    activity = Activity.objects.get(code="verification")
    standard = Standard.objects.get(code="iso-14064-3")
    sector = Sector.objects.get(scheme="ghg", code="7", is_current=True)

    with translation.override("en"):
        assert (str(activity), str(sector)) == ("Verification", "GHG scope 7 – Transport")
        assert str(standard).startswith("ISO 14064-3 (validation")
    with translation.override("is"):
        assert str(activity) == "Sannprófun"
        assert str(standard).startswith("ISO 14064-3 (fullgilding")
        assert str(sector).endswith("7 – Samgöngur")


def test_a_reference_row_without_an_icelandic_name_shows_its_english_one():
    activity = Activity.objects.create(code="inspection", name="Inspection")

    with translation.override("is"):
        assert str(activity) == "Inspection"


def test_countries_have_icelandic_names():
    with translation.override("is"):
        assert (Country("IS").name, Country("GB").name, Country("DK").name) == (
            "Ísland",
            "Bretland",
            "Danmörk",
        )
    with translation.override("en"):
        assert Country("IS").name == "Iceland"


# --- a language chosen before login survives it ------------------------------------------------------------


def test_a_language_chosen_before_login_survives_the_login(client):
    # given an account stored in English, and a visitor who picks Icelandic before logging in
    user = UserFactory(email="reader@example.org", language="en")
    client.post(reverse("core:set-language"), {"language": "is", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "is"

    # when they log in
    response = client.post(
        reverse("accounts:login"), {"username": "reader@example.org", "password": "correct horse battery"}
    )

    # then the account keeps the choice and the next page is in Icelandic
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "is"
    page = client.get(reverse("accounts:profile"))
    assert page["Content-Language"] == "is"


def test_logging_in_without_a_choice_keeps_the_accounts_language(client):
    user = UserFactory(email="reader@example.org", language="is")

    client.post(
        reverse("accounts:login"), {"username": "reader@example.org", "password": "correct horse battery"}
    )

    user.refresh_from_db()
    assert user.language == "is"
    assert client.get(reverse("accounts:profile"))["Content-Language"] == "is"


def test_a_failed_login_changes_nothing(client):
    user = UserFactory(email="reader@example.org", language="en")
    client.post(reverse("core:set-language"), {"language": "is", "next": "/"})

    response = client.post(reverse("accounts:login"), {"username": "reader@example.org", "password": "wrong"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "en"


def test_the_profiles_language_follows_into_the_cookie(login, world):
    client = login(world.a.member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "is"

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Member A", "language": "en", "phone": "", "languages": [], "countries": []},
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
