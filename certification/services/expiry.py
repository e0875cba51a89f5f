"""The one certificate change no person makes: expiry, by the platform's sweep (beat, hourly) on the day after the
last valid day in each body's time zone, once per certificate (a compare-and-set on its status)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, snapshot
from core.dates import today_in

from ..models import Certificate, CertificateStatus
from ..webhooks import CERTIFICATE_EXPIRED, certificate_event
from .certificates import EXPIRY_DUE, SNAPSHOT_FIELDS, SUSPENSION_DUE, tell_about

C = CertificateStatus
#: the statuses the expiry sweep moves to expired (a withdrawn certificate stays withdrawn)
EXPIRING = (C.VALID, C.SCOPE_REDUCED, C.SUSPENDED)


def certificate_expire_due(today: date | None = None) -> int:
    """Expires every certifying or suspended certificate whose last valid day has passed in its body's time
    zone (the platform's hourly sweep; `today` for tests). Each certificate moves once: a compare-and-set on its
    status, so a second sweep, or two at once, expire nothing again. Audited as the platform; the client's
    users and the administrators told. Returns how many expired."""
    latest = today or (timezone.now().date() + timedelta(days=1))
    candidates = list(
        Certificate.objects.filter(status__in=EXPIRING, expires_on__lt=latest)
        .select_related("body")
        .order_by("expires_on", "pk")
    )
    zones: dict[str, date] = {}
    expired = 0
    for certificate in candidates:
        zone = certificate.body.time_zone
        local_today = today if today is not None else zones.setdefault(zone, today_in(zone))
        if certificate.expires_on >= local_today:
            continue
        if _expire_one(certificate, local_today):
            expired += 1
    return expired


def _expire_one(certificate: Certificate, on: date) -> bool:
    from reminders.services import deadline_close

    with transaction.atomic():
        moved = Certificate.objects.filter(
            pk=certificate.pk, status=certificate.status, expires_on=certificate.expires_on
        ).update(status=C.EXPIRED, status_changed_on=on, updated_at=timezone.now())
        if not moved:
            return False
        before = snapshot(certificate, SNAPSHOT_FIELDS)
        certificate.status = C.EXPIRED
        certificate.status_changed_on = on
        deadline_close(kind=SUSPENSION_DUE, subject=certificate)
        deadline_close(kind=EXPIRY_DUE, subject=certificate)
        audit_record(
            actor=None,
            action="certification.certificate.expired",
            obj=certificate,
            body=certificate.body,
            before=before,
            after=snapshot(certificate, SNAPSHOT_FIELDS),
        )
        tell_about(certificate, "certification.certificate.expired", key=f"expired:{certificate.expires_on}")
        certificate_event(certificate=certificate, event=CERTIFICATE_EXPIRED)  # the webhook outbox
    return True
