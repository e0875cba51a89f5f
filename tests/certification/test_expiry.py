"""The expiry sweep (certification.services.expiry.certificate_expire_due and its Celery task): on the day
after the last valid day in the body's time zone, once, by the platform."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from certification.models import Certificate
from certification.services.expiry import certificate_expire_due
from certification.tasks import certificates_expire_task
from core.models import AuditEvent
from reminders.models import Notification
from tests.factories import BodyFactory, CertificateFactory, MembershipFactory, Role


def expiring(on: date, status: str = "valid", body=None) -> Certificate:  # type: ignore[no-untyped-def]
    kwargs = {"engagement__body": body} if body is not None else {}
    return CertificateFactory(
        initial_certification_on=date(2026, 3, 15),
        expires_on=on,
        status=status,
        suspended_on=date(2028, 1, 1) if status == "suspended" else None,
        **kwargs,
    )


def expired_events(certificate: Certificate) -> int:
    return AuditEvent.objects.filter(
        object_id=str(certificate.pk), action="certification.certificate.expired"
    ).count()


@pytest.mark.django_db
def test_a_certificate_expires_the_day_after_its_last_valid_day():
    certificate = expiring(date(2029, 3, 14))
    # the last valid day: nothing
    assert certificate_expire_due(today=date(2029, 3, 14)) == 0
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    # the day after: expired, by the platform
    assert certificate_expire_due(today=date(2029, 3, 15)) == 1
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_changed_on) == ("expired", date(2029, 3, 15))
    event = AuditEvent.objects.get(object_id=str(certificate.pk), action="certification.certificate.expired")
    assert (event.actor_id, event.actor_label, event.before["status"], event.after["status"]) == (
        None,
        "system",
        "valid",
        "expired",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["suspended", "scope_reduced"])
def test_suspended_and_reduced_certificates_expire_too(status):
    certificate = expiring(date(2029, 3, 14), status=status)
    assert certificate_expire_due(today=date(2029, 3, 15)) == 1
    certificate.refresh_from_db()
    assert certificate.status == "expired"


@pytest.mark.django_db
def test_a_withdrawn_certificate_stays_withdrawn():
    certificate = expiring(date(2029, 3, 14), status="withdrawn")
    assert certificate_expire_due(today=date(2029, 4, 1)) == 0
    certificate.refresh_from_db()
    assert certificate.status == "withdrawn"
    assert expired_events(certificate) == 0


@pytest.mark.django_db
def test_the_sweep_is_idempotent_and_tells_once():
    certificate = expiring(date(2029, 3, 14))
    MembershipFactory(body=certificate.body, roles=[Role.BODY_ADMIN])
    assert certificate_expire_due(today=date(2029, 3, 15)) == 1
    assert certificate_expire_due(today=date(2029, 3, 16)) == 0
    assert certificate_expire_due(today=date(2029, 3, 16)) == 0
    assert expired_events(certificate) == 1
    assert Notification.objects.filter(kind="certification.certificate.expired").count() == 1


@pytest.mark.django_db
def test_today_is_the_bodys_day_in_its_time_zone(monkeypatch):
    # 05:00 UTC on 15 March: already 19:00 on 15 March at UTC+14, still 18:00 on 14 March at UTC-11
    east = BodyFactory(time_zone="Pacific/Kiritimati")
    west = BodyFactory(time_zone="Pacific/Pago_Pago")
    ahead = expiring(date(2029, 3, 14), body=east)
    behind = expiring(date(2029, 3, 14), body=west)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2029, 3, 15, 5, 0, tzinfo=UTC))
    # when: the scheduled task
    assert certificates_expire_task() == 1
    # then
    ahead.refresh_from_db()
    behind.refresh_from_db()
    assert (ahead.status, ahead.status_changed_on) == ("expired", date(2029, 3, 15))
    assert behind.status == "valid"
    monkeypatch.setattr(timezone, "now", lambda: datetime(2029, 3, 15, 11, 0, tzinfo=UTC))
    assert certificates_expire_task() == 1
    behind.refresh_from_db()
    assert (behind.status, behind.status_changed_on) == ("expired", date(2029, 3, 15))


def test_the_sweep_is_scheduled():
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "certification.tasks.certificates_expire_task" in entries
    assert "certification.tasks.proposals_sweep_task" in entries


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_expire_each_certificate_once():
    certificates = [expiring(date(2029, 3, 14)) for _ in range(3)]
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(certificate_expire_due(today=date(2029, 3, 15)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(counts)[-1] + sorted(counts)[0] == 3
    assert all(expired_events(c) == 1 for c in certificates)
    assert set(Certificate.objects.values_list("status", flat=True)) == {"expired"}
