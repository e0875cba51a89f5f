"""The notices engine (reminders.notices): who is told, in which language, once, and only when the change
commits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy

from bodies.models import Membership, Role
from reminders.models import Notification
from reminders.notices import NoticeKind, admin_url, notify, page_url, register, unregister
from reminders.recipients import body_administrators, registry_staff
from tests.factories import BodyFactory, MembershipFactory, StaffFactory, UserFactory

KIND = "tests.thing.decided"
STAFF_KIND = "tests.thing.applied"

#: the languages the kind's values were computed under, in order
SEEN_LANGUAGES: list[str | None] = []


def _values(subject):  # type: ignore[no-untyped-def]
    SEEN_LANGUAGES.append(translation.get_language())
    return {"language": translation.get_language()}


@pytest.fixture(autouse=True)
def kinds():  # type: ignore[no-untyped-def]
    """A test kind to the body's administrators (its title "Approved" is already in the Icelandic catalogue),
    and one to registry staff."""
    SEEN_LANGUAGES.clear()
    register(
        NoticeKind(
            key=KIND,
            title=gettext_lazy("Approved"),
            message="%(body)s: %(language)s",
            audience=body_administrators,
            url=page_url("bodies:profile"),
            values=_values,
        )
    )
    register(
        NoticeKind(
            key=STAFF_KIND,
            title="%(body)s applied",
            message="On %(day)s at %(moment)s",
            audience=registry_staff,
            url=admin_url,
        )
    )
    yield
    unregister(KIND)
    unregister(STAFF_KIND)


def _admin(body, language: str = "en", **membership):  # type: ignore[no-untyped-def]
    user = UserFactory(language=language)
    MembershipFactory(user=user, body=body, roles=[Role.BODY_ADMIN], **membership)
    return user


@pytest.mark.django_db
def test_each_recipient_reads_the_notice_in_their_own_language(world):
    # given body A's administrator reads English and a second administrator reads Icelandic
    icelandic = _admin(world.a.body, language="is")

    # when
    told = notify(kind=KIND, subject=world.a.body, body=world.a.body)

    # then each got the title in their language, rendered under that language
    assert told == 2
    english_note = Notification.objects.get(user=world.a.admin)
    icelandic_note = Notification.objects.get(user=icelandic)
    assert english_note.title == "Approved"
    assert icelandic_note.title == "Samþykkt"
    assert english_note.message == "Body A: en"
    assert icelandic_note.message == "Body A: is"
    # rendered once per language, not once per person
    assert sorted(SEEN_LANGUAGES) == ["en", "is"]


@pytest.mark.django_db
def test_dates_are_written_as_each_language_writes_them_and_times_in_the_body_s_time_zone(world):
    # given a body far east of UTC, an English and an Icelandic member of staff
    body = BodyFactory(legal_name="Kiritimati Verification", short_name="KV", time_zone="Pacific/Kiritimati")
    english = StaffFactory(language="en")
    icelandic = StaffFactory(language="is")
    day = date(2030, 3, 1)
    moment = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)  # 2 March 02:00 in Kiritimati (UTC+14)

    # when
    notify(kind=STAFF_KIND, subject=body, body=body, values={"day": day, "moment": moment})

    # then
    local = moment.astimezone(ZoneInfo("Pacific/Kiritimati"))
    for user, language in ((english, "en"), (icelandic, "is")):
        with translation.override(language):
            expected = (
                f"On {formats.date_format(day, 'DATE_FORMAT')} "
                f"at {formats.date_format(local, 'DATETIME_FORMAT')}"
            )
        assert Notification.objects.get(user=user).message == expected
    english_text = Notification.objects.get(user=english).message
    assert "2030-03-01" not in english_text
    assert english_text != Notification.objects.get(user=icelandic).message
    assert "02:00" in english_text  # the body's clock, not UTC's 12:00


@pytest.mark.django_db
def test_the_reason_follows_the_message(world):
    # when
    notify(kind=KIND, subject=world.a.body, body=world.a.body, reason="The scope covers GHG verification.")

    # then
    note = Notification.objects.get(user=world.a.admin)
    assert note.message == "Body A: en\n\nReason: The scope covers GHG verification."


@pytest.mark.django_db
def test_the_link_and_kind_are_the_kind_s(world):
    # when
    notify(kind=STAFF_KIND, subject=world.a.body, body=world.a.body, values={"day": "", "moment": ""})

    # then staff get the body's page in the back office
    note = Notification.objects.get(user=world.staff)
    assert note.kind == STAFF_KIND
    assert note.url == f"/admin/bodies/body/{world.a.body.pk}/change/"
    assert note.body_id == world.a.body.pk
    assert note.deadline_id is None


@pytest.mark.django_db
def test_emails_leave_only_after_the_change_commits(world, django_capture_on_commit_callbacks):
    # given an Icelandic administrator beside the English one
    icelandic = _admin(world.a.body, language="is")

    # when the notice is given inside a transaction that has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            notify(kind=KIND, subject=world.a.body, body=world.a.body, reason="All in order.")
        # then the notification centre has them, and no email has left
        assert Notification.objects.filter(kind=KIND).count() == 2
        assert mail.outbox == []

    # when the transaction commits
    for callback in callbacks:
        callback()

    # then one email each, in each person's language, naming the body and linking to the page
    assert sorted(email.to[0] for email in mail.outbox) == sorted([world.a.admin.email, icelandic.email])
    by_person = {email.to[0]: email for email in mail.outbox}
    english_email = by_person[world.a.admin.email]
    icelandic_email = by_person[icelandic.email]
    assert english_email.subject == "Approved"
    assert icelandic_email.subject == "Samþykkt"
    assert "Body: Body A" in english_email.body
    assert "Aðili: Body A" in icelandic_email.body
    assert "Reason: All in order." in english_email.body
    assert "https://conformity.icr.example/bodies/profile/" in english_email.body
    assert 'lang="is"' in icelandic_email.alternatives[0][0]
    assert set(Notification.objects.filter(kind=KIND).values_list("email_status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_nobody_is_told_when_the_change_rolls_back(world, django_capture_on_commit_callbacks):
    # when the service's transaction fails after the notice
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(kind=KIND, subject=world.a.body, body=world.a.body)
        raise RuntimeError("the service failed")

    # then nothing was written and nothing sent
    assert callbacks == []
    assert not Notification.objects.filter(kind=KIND).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_occurrence_is_told_once(world):
    # given a notice given with an occurrence key
    first = notify(kind=KIND, subject=world.a.body, body=world.a.body, key="event-1")

    # when it is given again with the same key (a retried task), then with another
    again = notify(kind=KIND, subject=world.a.body, body=world.a.body, key="event-1")
    other = notify(kind=KIND, subject=world.a.body, body=world.a.body, key="event-2")

    # then the repeat told nobody
    assert (first, again, other) == (1, 0, 1)
    assert Notification.objects.filter(kind=KIND, user=world.a.admin).count() == 2


@pytest.mark.django_db
def test_the_same_key_about_another_subject_is_another_occurrence(world):
    # when
    about_a = notify(kind=KIND, subject=world.a.body, body=world.a.body, key="event-1")
    about_b = notify(kind=KIND, subject=world.b.body, body=world.b.body, key="event-1")

    # then
    assert (about_a, about_b) == (1, 1)


@pytest.mark.django_db
def test_people_who_left_are_inactive_or_not_administrators_are_not_told(world):
    # given an administrator who left, one whose account is inactive, one suspended, and inactive staff
    _admin(world.a.body, status=Membership.Status.LEFT)
    _admin(world.a.body, status=Membership.Status.SUSPENDED)
    gone = _admin(world.a.body)
    gone.is_active = False
    gone.save()
    retired = StaffFactory()
    retired.is_active = False
    retired.save()

    # when
    to_admins = notify(kind=KIND, subject=world.a.body, body=world.a.body)
    to_staff = notify(
        kind=STAFF_KIND, subject=world.a.body, body=world.a.body, values={"day": "", "moment": ""}
    )

    # then only body A's active administrator, and only active staff (not members, not body B)
    assert (to_admins, to_staff) == (1, 1)
    assert list(Notification.objects.filter(kind=KIND).values_list("user", flat=True)) == [world.a.admin.pk]
    assert list(Notification.objects.filter(kind=STAFF_KIND).values_list("user", flat=True)) == [
        world.staff.pk
    ]


@pytest.mark.django_db
def test_a_notice_without_a_body_reaches_no_body_administrator(world):
    # when
    told = notify(kind=KIND, subject=world.a.body, body=None)

    # then
    assert told == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_telling_ten_people_costs_what_telling_one_does(world):
    def cost() -> int:
        with CaptureQueriesContext(connection) as captured:
            notify(kind=KIND, subject=world.a.body, body=world.a.body)
        return len(captured.captured_queries)

    # given one administrator
    one = cost()
    # given ten, in two languages
    for number in range(9):
        _admin(world.a.body, language="is" if number % 2 else "en")
    ten = cost()

    # then the same queries: the audience, the insert
    assert Notification.objects.filter(kind=KIND).count() == 1 + 10
    assert one == ten == 2


def test_an_undeclared_kind_or_an_overlong_key_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match=r"Unknown notice kind 'tests\.nothing'"):
        notify(kind="tests.nothing", subject=object())
    with pytest.raises(ImproperlyConfigured, match="longer than 80"):
        NoticeKind(key="x" * 81, title="", message="", audience=registry_staff, url=admin_url)


@pytest.mark.django_db
def test_the_notification_centre_shows_the_reason_on_its_own_line(world, login):
    # given
    notify(kind=KIND, subject=world.a.body, body=world.a.body, reason="All <b>in</b> order.")

    # when body A's administrator opens the notification centre
    response = login(world.a.admin).get(reverse("reminders:list"))

    # then the message, then the reason (escaped), linked to the body's page
    html = response.content.decode()
    assert "Body A: en<br><br>Reason: All &lt;b&gt;in&lt;/b&gt; order." in html
    assert f'href="{reverse("bodies:profile")}"' in html


@pytest.mark.django_db
def test_a_kind_without_a_label_or_no_longer_declared_is_named_by_its_key(world):
    # given
    notify(kind=KIND, subject=world.a.body, body=world.a.body)
    note = Notification.objects.get(kind=KIND)

    # then
    assert note.kind_label == KIND
    note.kind = "tests.gone"
    assert note.kind_label == "tests.gone"
