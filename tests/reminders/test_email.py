"""Notification emails: sent once, retried on failure, never twice."""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from reminders.models import Notification
from reminders.services import (
    EMAIL_MAX_ATTEMPTS,
    deadlines_sweep,
    notification_create,
    notification_send_email,
)
from reminders.tasks import notification_send_email_task, notifications_send_pending_task

from .conftest import before, noon_utc, watch


@pytest.fixture
def failing_smtp(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def refuse(self, fail_silently=False):  # type: ignore[no-untyped-def]
        calls.append(self.subject)
        raise SMTPException("451 try again later")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    return calls


@pytest.mark.django_db
def test_the_sweep_emails_each_reminder_once_after_commit(world, django_capture_on_commit_callbacks):
    # given
    watch(world.a.body, certificate_number="VVB-0001")

    # when the sweep commits (its send task runs eagerly), and the reconciler runs twice more
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(now=noon_utc(before(90)))
    notifications_send_pending_task()
    notifications_send_pending_task()

    # then exactly one email, to body A's admin
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["admin.a@example.org"]
    assert email.subject == "Accreditation ISO 14065 VVB-0001 expires in 90 days (on 1 Mar 2030)"
    assert email.body.startswith("Hello Admin,")
    notification = Notification.objects.get()
    assert f"https://conformity.icr.example{notification.url}" in email.body
    assert email.alternatives[0][1] == "text/html"
    assert notification.email_status == Notification.EmailStatus.SENT
    assert notification.attempts == 1
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_the_send_task_run_twice_sends_once(world):
    # given
    watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)
    notification = Notification.objects.get()

    # when
    first = notification_send_email_task(str(notification.pk))
    second = notification_send_email_task(str(notification.pk))

    # then
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


@pytest.mark.django_db
def test_a_failed_email_is_retried_by_the_reconciler(world, monkeypatch):
    # given an SMTP server that refuses once
    watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)
    notification = Notification.objects.get()
    original = EmailMultiAlternatives.send
    monkeypatch.setattr(
        EmailMultiAlternatives,
        "send",
        lambda self, fail_silently=False: (_ for _ in ()).throw(SMTPException("451 try again later")),
    )

    # when the first attempt fails
    sent_first = notification_send_email(notification_id=notification.pk)
    notification.refresh_from_db()
    status_after_failure = (notification.email_status, notification.attempts, notification.last_error)
    # and the reconciler runs once the server is back
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    sent_by_reconciler = notifications_send_pending_task()

    # then
    assert sent_first is False
    assert status_after_failure == ("failed", 1, "451 try again later")
    assert sent_by_reconciler == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.attempts, notification.last_error) == ("sent", 2, "")


@pytest.mark.django_db
def test_an_email_is_tried_at_most_five_times(world, failing_smtp):
    # given
    watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)

    # when the reconciler runs more often than the limit
    for _ in range(EMAIL_MAX_ATTEMPTS + 2):
        notifications_send_pending_task()

    # then
    notification = Notification.objects.get()
    assert len(failing_smtp) == EMAIL_MAX_ATTEMPTS == 5
    assert (notification.email_status, notification.attempts) == ("failed", 5)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_claim_left_by_a_lost_worker_is_retried_only_once_stale(world, settings):
    # given two notifications stuck in "sending": one claimed just now, one 11 minutes ago
    settings.NOTIFICATION_EMAIL_STALE_MINUTES = 10
    watch(world.a.body)
    watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)
    fresh, stale = Notification.objects.order_by("key")
    Notification.objects.filter(pk=fresh.pk).update(
        email_status="sending", attempts=1, email_claimed_at=timezone.now()
    )
    Notification.objects.filter(pk=stale.pk).update(
        email_status="sending", attempts=1, email_claimed_at=timezone.now() - timedelta(minutes=11)
    )

    # when
    sent = notifications_send_pending_task()

    # then
    assert sent == 1
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (fresh.email_status, fresh.attempts) == ("sending", 1)
    assert (stale.email_status, stale.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_deactivated_person_gets_no_email(world):
    # given
    watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)
    world.a.admin.is_active = False
    world.a.admin.save(update_fields=["is_active"])

    # when
    sent = notifications_send_pending_task()

    # then
    assert sent == 0
    assert mail.outbox == []
    assert Notification.objects.get().email_status == Notification.EmailStatus.SKIPPED


@pytest.mark.django_db
def test_the_email_is_written_in_the_person_s_language(world):
    # given an admin who reads Icelandic
    world.a.admin.language = "is"
    world.a.admin.save(update_fields=["language"])
    watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)

    # when
    notifications_send_pending_task()

    # then the email is rendered in Icelandic
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin.a@example.org"]
    assert mail.outbox[0].body.startswith("Halló Admin,")


@pytest.mark.django_db
def test_an_ad_hoc_notification_is_created_once_per_key(world, django_capture_on_commit_callbacks):
    # given / when the same key is used twice
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_create(
            user=world.a.member, key="test:welcome", kind="accounts.welcome", title="Welcome", url="/"
        )
        second = notification_create(
            user=world.a.member, key="test:welcome", kind="accounts.welcome", title="Welcome", url="/"
        )

    # then
    assert first is not None
    assert second is None
    assert Notification.objects.filter(user=world.a.member).count() == 1
    assert [email.to for email in mail.outbox] == [["member.a@example.org"]]


@pytest.mark.django_db
def test_a_reconciler_run_that_reaches_its_limit_queues_the_next(world, monkeypatch):
    # given three pending emails and a limit of two per run
    monkeypatch.setattr("reminders.tasks.PENDING_EMAILS_PER_RUN", 2)
    for _ in range(3):
        watch(world.a.body)
    deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)

    # when one run starts (the next runs at once: tasks are eager here)
    first_run_sent = notifications_send_pending_task()

    # then
    assert first_run_sent == 2
    assert len(mail.outbox) == 3
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
