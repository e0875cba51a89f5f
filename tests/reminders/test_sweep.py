"""The sweep: offsets on their exact days, once per person, in each body's own time zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import formats, translation

from bodies.deadlines import ACCREDITATION_EXPIRY
from bodies.models import Membership, Role
from reminders.models import Deadline, Notification
from reminders.registry import DeadlineKind, register, unregister
from reminders.services import SweepResult, deadline_close, deadline_upsert, deadlines_sweep
from tests.factories import (
    AccreditationBodyFactory,
    AccreditationFactory,
    BodyFactory,
    MembershipFactory,
    UserFactory,
)
from tests.helpers import pdf_upload

from .conftest import DUE, before, noon_utc, utc, watch


def fired(deadline: Deadline) -> list[tuple[str, int]]:
    return list(
        Notification.objects.filter(deadline=deadline)
        .order_by("offset_days", "user__email")
        .values_list("user__email", "offset_days")
    )


@pytest.mark.django_db
def test_each_offset_fires_on_its_day_exactly_once_for_the_body_admin(world):
    # given an accreditation of body A expiring on DUE (offsets -90, -30, 0)
    deadline = watch(world.a.body, certificate_number="VVB-0001")

    # when the sweep runs at noon on each day around every offset
    days = [91, 90, 89, 31, 30, 29, 1, 0, -1]
    created = [deadlines_sweep(now=noon_utc(before(d))).notifications for d in days]

    # then the day before an offset nothing, the day of exactly one, the day after nothing new
    assert created == [0, 1, 0, 0, 1, 0, 0, 1, 0]
    assert fired(deadline) == [
        ("admin.a@example.org", -90),
        ("admin.a@example.org", -30),
        ("admin.a@example.org", 0),
    ]
    deadline.refresh_from_db()
    assert deadline.last_offset_fired == 0
    assert deadline.next_reminder_on is None


@pytest.mark.django_db
def test_the_reminder_says_what_expires_and_when_and_links_to_it(world):
    # given
    deadline = watch(world.a.body, certificate_number="VVB-0001")

    # when
    deadlines_sweep(now=noon_utc(before(90)))
    deadlines_sweep(now=noon_utc(DUE))

    # then
    early, expired = Notification.objects.filter(deadline=deadline).order_by("offset_days")
    assert early.title == "Accreditation ISO 14065 VVB-0001 expires in 90 days (on 1 Mar 2030)"
    assert early.message.startswith("The accreditation ISO 14065 VVB-0001 is valid until 28 Feb 2030.")
    assert expired.title == "Accreditation ISO 14065 VVB-0001 has expired (on 1 Mar 2030)"
    assert early.url == f"/bodies/accreditations/{deadline.subject_id}/"
    assert early.kind == ACCREDITATION_EXPIRY
    assert early.body_id == world.a.body.pk
    assert early.read_at is None
    assert early.email_status == Notification.EmailStatus.PENDING
    assert early.key == f"{deadline.pk}:2030-03-01:-90:{world.a.admin.pk}"


@pytest.mark.django_db
def test_each_person_reads_the_reminder_in_their_language_with_their_language_s_dates(world):
    # given body A's administrator reads Icelandic, and a second administrator English
    world.a.admin.language = "is"
    world.a.admin.save()
    english = UserFactory(language="en")
    MembershipFactory(user=english, body=world.a.body, roles=[Role.BODY_ADMIN])
    deadline = watch(world.a.body, certificate_number="VVB-0001")

    # when
    deadlines_sweep(now=noon_utc(before(90)))

    # then each text is in the person's language, its dates as that language writes them
    icelandic_note = Notification.objects.get(deadline=deadline, user=world.a.admin)
    english_note = Notification.objects.get(deadline=deadline, user=english)
    with translation.override("is"):
        icelandic_due = formats.date_format(DUE, "DATE_FORMAT")
    assert icelandic_due == "1. mars 2030"
    assert english_note.title == "Accreditation ISO 14065 VVB-0001 expires in 90 days (on 1 Mar 2030)"
    assert (
        icelandic_note.title == "Faggildingin ISO 14065 VVB-0001 rennur út eftir 90 daga (þann 1. mars 2030)"
    )


@pytest.mark.django_db
def test_a_second_sweep_creates_nothing(world):
    # given a sweep that fired the -90 reminder
    deadline = watch(world.a.body)
    first = deadlines_sweep(now=noon_utc(before(90)))

    # when the same sweep runs again, later the same day
    second = deadlines_sweep(now=noon_utc(before(90)) + timedelta(hours=6))

    # then
    assert first == SweepResult(deadlines=1, notifications=1)
    assert second == SweepResult(deadlines=0, notifications=0)
    assert Notification.objects.count() == 1
    assert fired(deadline) == [("admin.a@example.org", -90)]


@pytest.mark.django_db
def test_a_sweep_that_lost_the_race_notifies_nobody_twice(world):
    # given the -90 reminder already sent, and a second scheduler that read the deadline before it advanced
    deadline = watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)))
    Deadline.objects.filter(pk=deadline.pk).update(last_offset_fired=None, next_reminder_on=before(90))

    # when that scheduler's sweep runs
    result = deadlines_sweep(now=noon_utc(before(90)))

    # then the unique key drops the duplicate, and the deadline still moves on
    assert result == SweepResult(deadlines=1, notifications=0)
    assert fired(deadline) == [("admin.a@example.org", -90)]
    deadline.refresh_from_db()
    assert deadline.next_reminder_on == before(30)


@pytest.mark.django_db
def test_the_database_refuses_a_second_notification_with_the_same_key(world):
    # given
    watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)))
    existing = Notification.objects.get()

    # when a duplicate is inserted directly
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            key=existing.key,
            user=world.a.admin,
            kind=existing.kind,
            title="again",
            created_at=existing.created_at,
        )

    # then
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_body_far_east_is_reminded_before_a_body_far_west_for_the_same_instant():
    # given the same due date for a body in UTC+14 and one in UTC-11
    east = BodyFactory(time_zone="Pacific/Kiritimati")
    west = BodyFactory(time_zone="Pacific/Pago_Pago")
    for body in (east, west):
        MembershipFactory(body=body, user=UserFactory(), roles=[Role.BODY_ADMIN])
    east_deadline, west_deadline = watch(east), watch(west)
    reminder_day = before(90)  # 2029-12-01

    # when the sweep runs at 10:00 UTC on the day before (already the reminder day in Kiritimati)
    first = deadlines_sweep(now=utc(2029, 11, 30, 10, 0))
    # and at 10:59 UTC on the reminder day (still the day before in Pago Pago), then at 11:00 UTC
    second = deadlines_sweep(now=utc(2029, 12, 1, 10, 59))
    third = deadlines_sweep(now=utc(2029, 12, 1, 11, 0))

    # then
    assert reminder_day.isoformat() == "2029-12-01"
    assert (first.notifications, second.notifications, third.notifications) == (1, 0, 1)
    assert [offset for _email, offset in fired(east_deadline)] == [-90]
    assert [offset for _email, offset in fired(west_deadline)] == [-90]
    east_note = Notification.objects.get(deadline=east_deadline)
    west_note = Notification.objects.get(deadline=west_deadline)
    assert east_note.created_at == utc(2029, 11, 30, 10, 0)
    assert west_note.created_at == utc(2029, 12, 1, 11, 0)


@pytest.mark.django_db
def test_only_the_active_body_administrators_of_that_body_are_reminded(world):
    # given body A with a second admin, a suspended admin and a deactivated admin; body B has its own admin
    second_admin = UserFactory(email="second.admin.a@example.org")
    MembershipFactory(body=world.a.body, user=second_admin, roles=[Role.AUDITOR, Role.BODY_ADMIN])
    MembershipFactory(
        body=world.a.body,
        user=UserFactory(email="suspended@example.org"),
        roles=[Role.BODY_ADMIN],
        status=Membership.Status.SUSPENDED,
    )
    MembershipFactory(
        body=world.a.body,
        user=UserFactory(email="gone@example.org", is_active=False),
        roles=[Role.BODY_ADMIN],
    )
    deadline = watch(world.a.body)

    # when
    result = deadlines_sweep(now=noon_utc(before(90)))

    # then not the member, not the suspended or deactivated admins, not body B's admin
    assert result == SweepResult(deadlines=1, notifications=2)
    assert fired(deadline) == [("admin.a@example.org", -90), ("second.admin.a@example.org", -90)]
    assert Notification.objects.filter(user__in=[world.a.member, world.b.admin, world.b.member]).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("per_body", [1, 6])
def test_a_batch_costs_a_constant_number_of_queries(world, django_assert_num_queries, per_body):
    # given deadlines of two bodies due the same day
    for _ in range(per_body):
        watch(world.a.body)
        watch(world.b.body)

    # when / then: savepoint, lock the batch, subjects, savepoint, recipients, release, insert (returning the
    # new ids), advance, release
    with django_assert_num_queries(9):
        result = deadlines_sweep(now=noon_utc(before(90)))
    assert result == SweepResult(deadlines=2 * per_body, notifications=2 * per_body)


@pytest.mark.django_db
def test_closing_a_deadline_stops_its_reminders(world):
    # given a deadline that fired its first reminder
    deadline = watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)))

    # when it is closed (the accreditation was withdrawn)
    deadline_close(kind=ACCREDITATION_EXPIRY, subject=deadline.subject)
    results = [deadlines_sweep(now=noon_utc(before(d))).notifications for d in (30, 0, -10)]

    # then
    assert results == [0, 0, 0]
    assert fired(deadline) == [("admin.a@example.org", -90)]
    deadline.refresh_from_db()
    assert deadline.closed_at is not None
    assert deadline.next_reminder_on is None


@pytest.mark.django_db
def test_closing_an_unwatched_subject_changes_nothing(world):
    # given an accreditation with no deadline
    accreditation = AccreditationFactory(body=world.a.body)

    # when
    deadline_close(kind=ACCREDITATION_EXPIRY, subject=accreditation)

    # then
    assert Deadline.objects.count() == 0


@pytest.mark.django_db
def test_offsets_already_past_collapse_into_the_latest_one(world):
    # given a deadline first watched 10 days before it is due (-90 and -30 have passed)
    deadline = watch(world.a.body)

    # when the sweeps run then and on the due day
    late = deadlines_sweep(now=noon_utc(before(10)))
    on_the_day = deadlines_sweep(now=noon_utc(DUE))

    # then only -30 is sent (no burst of stale reminders), then 0
    assert (late.notifications, on_the_day.notifications) == (1, 1)
    assert fired(deadline) == [("admin.a@example.org", -30), ("admin.a@example.org", 0)]


@pytest.mark.django_db
def test_a_sweep_after_an_outage_sends_only_the_latest_missed_reminder(world):
    # given the sweep was down from before the -90 day until after the due day
    deadline = watch(world.a.body)

    # when it comes back
    result = deadlines_sweep(now=noon_utc(DUE + timedelta(days=3)))

    # then
    assert result == SweepResult(deadlines=1, notifications=1)
    assert fired(deadline) == [("admin.a@example.org", 0)]


@pytest.mark.django_db
def test_moving_the_due_date_restarts_the_schedule_for_the_new_date(world):
    # given the -90 reminder fired for DUE
    deadline = watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)))

    # when the accreditation is renewed for a year
    new_due = DUE + timedelta(days=365)
    moved = deadline_upsert(
        kind=ACCREDITATION_EXPIRY, subject=deadline.subject, body=world.a.body, due_on=new_due
    )
    at_old_30 = deadlines_sweep(now=noon_utc(before(30)))
    at_new_90 = deadlines_sweep(now=noon_utc(new_due - timedelta(days=90)))

    # then the old date's reminders stop and the new date's begin again at -90
    assert moved.pk == deadline.pk
    assert (at_old_30.notifications, at_new_90.notifications) == (0, 1)
    assert list(
        Notification.objects.filter(deadline=deadline)
        .order_by("created_at")
        .values_list("offset_days", "key")
    ) == [
        (-90, f"{deadline.pk}:2030-03-01:-90:{world.a.admin.pk}"),
        (-90, f"{deadline.pk}:2031-03-01:-90:{world.a.admin.pk}"),
    ]


@pytest.mark.django_db
def test_moving_the_due_date_closer_sends_one_reminder_for_the_new_date(world):
    # given the -90 reminder fired for DUE
    deadline = watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)))

    # when, a day later, the date is corrected to 20 days from then
    today = before(89)
    deadline_upsert(
        kind=ACCREDITATION_EXPIRY,
        subject=deadline.subject,
        body=world.a.body,
        due_on=today + timedelta(days=20),
    )
    result = deadlines_sweep(now=noon_utc(today))

    # then the latest passed offset for the new date (-30) fires once
    assert result == SweepResult(deadlines=1, notifications=1)
    assert fired(deadline) == [("admin.a@example.org", -90), ("admin.a@example.org", -30)]


@pytest.mark.django_db
def test_reopening_a_closed_deadline_with_the_same_date_continues_without_repeating(world):
    # given the -90 reminder fired, then the deadline was closed
    deadline = watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)))
    deadline_close(kind=ACCREDITATION_EXPIRY, subject=deadline.subject)

    # when it is watched again with the same date
    reopened = deadline_upsert(
        kind=ACCREDITATION_EXPIRY, subject=deadline.subject, body=world.a.body, due_on=DUE
    )
    results = [deadlines_sweep(now=noon_utc(before(d))).notifications for d in (60, 30)]

    # then
    assert reopened.closed_at is None
    assert reopened.next_reminder_on == before(30)
    assert results == [0, 1]
    assert fired(deadline) == [("admin.a@example.org", -90), ("admin.a@example.org", -30)]


@pytest.mark.django_db
def test_watching_an_unchanged_deadline_again_writes_nothing(world):
    # given
    deadline = watch(world.a.body)

    # when
    again = deadline_upsert(
        kind=ACCREDITATION_EXPIRY, subject=deadline.subject, body=world.a.body, due_on=DUE
    )

    # then
    assert again.pk == deadline.pk
    assert again.updated_at == deadline.updated_at
    assert Deadline.objects.count() == 1


@pytest.mark.django_db
def test_a_new_deadline_copies_the_time_zone_and_plans_its_first_reminder(world):
    # given
    body = BodyFactory(time_zone="Asia/Tokyo")

    # when
    deadline = watch(body)

    # then
    assert deadline.time_zone == "Asia/Tokyo"
    assert deadline.body_id == body.pk
    assert deadline.next_reminder_on == before(90)
    assert deadline.last_offset_fired is None
    assert deadline.closed_at is None


@pytest.mark.django_db
def test_offsets_are_settings(world, settings):
    # given reminders 7 days before and 14 days after the due date
    settings.ACCREDITATION_REMINDER_OFFSETS = [14, -7]
    deadline = watch(world.a.body)

    # when
    results = [deadlines_sweep(now=noon_utc(before(d))).notifications for d in (90, 8, 7, 0, -14)]

    # then
    assert results == [0, 0, 1, 0, 1]
    assert fired(deadline) == [("admin.a@example.org", -7), ("admin.a@example.org", 14)]
    assert Notification.objects.get(offset_days=14).title.startswith("Accreditation ISO 14065 ")


@pytest.mark.django_db
def test_the_sweep_walks_past_rows_not_yet_due_locally_in_small_batches():
    # given 5 deadlines in UTC-11 (not yet due) and 3 in UTC+14 (due), with a batch size of 2
    west, east = BodyFactory(time_zone="Pacific/Pago_Pago"), BodyFactory(time_zone="Pacific/Kiritimati")
    for body in (west, east):
        MembershipFactory(body=body, user=UserFactory(), roles=[Role.BODY_ADMIN])
    for _ in range(5):
        watch(west)
    for _ in range(3):
        watch(east)

    # when
    result = deadlines_sweep(now=utc(2029, 11, 30, 10, 0), batch_size=2)

    # then the loop ends and fires exactly the east ones
    assert result == SweepResult(deadlines=3, notifications=3)
    assert Notification.objects.filter(body=east).count() == 3
    assert Deadline.objects.filter(body=west, last_offset_fired__isnull=True).count() == 5


@pytest.mark.django_db
def test_accreditation_create_watches_the_expiry_from_the_day_after_validity(world):
    # given
    from bodies.services import accreditation_create
    from reference.models import Activity, Sector, Standard

    fields = {
        "accreditation_body": AccreditationBodyFactory(),
        "certificate": pdf_upload(),
        "standard": "iso_14065",
        "certificate_number": "VVB-7777",
        "valid_from": DUE - timedelta(days=700),
        "valid_to": DUE - timedelta(days=1),
    }

    # when
    accreditation = accreditation_create(
        body=world.a.body,
        actor=world.a.admin,
        fields=fields,
        scope_activities=Activity.objects.filter(code="verification"),
        scope_standards=Standard.objects.filter(code="iso-14064-3"),
        scope_sectors=Sector.objects.filter(scheme="ghg", code="1"),
    )

    # then
    deadline = Deadline.objects.get(kind=ACCREDITATION_EXPIRY, subject_id=str(accreditation.pk))
    assert deadline.due_on == DUE
    assert deadline.body_id == world.a.body.pk
    assert deadline.next_reminder_on == before(90)


@pytest.mark.django_db
def test_a_broken_kind_does_not_stop_the_other_reminders(world):
    # given a kind whose recipients cannot be resolved, beside a normal accreditation deadline
    def broken(deadlines):  # type: ignore[no-untyped-def]
        raise RuntimeError("recipients unavailable")

    register(
        DeadlineKind(
            code="tests.broken",
            label="Broken",
            offsets=lambda: [-90],
            recipients=broken,
            message=lambda deadline, offset: ("t", "m"),
            url=lambda deadline: "/",
        )
    )
    try:
        normal = watch(world.a.body)
        other = deadline_upsert(
            kind="tests.broken",
            subject=AccreditationFactory(body=world.b.body),
            body=world.b.body,
            due_on=DUE,
        )

        # when
        result = deadlines_sweep(now=noon_utc(before(90)))
    finally:
        unregister("tests.broken")

    # then the normal one fired; the broken one is untouched, to be tried again
    assert result == SweepResult(deadlines=1, notifications=1)
    assert fired(normal) == [("admin.a@example.org", -90)]
    other.refresh_from_db()
    assert (other.last_offset_fired, other.next_reminder_on) == (None, before(90))
