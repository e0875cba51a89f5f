"""Emailing notifications: each at most once (compare-and-set claim), retried by the reconciler."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..models import Notification

logger = logging.getLogger(__name__)


#: an email is tried at most this many times (the reconciler retries failures every few minutes)
EMAIL_MAX_ATTEMPTS = settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return f"{settings.SITE_URL}{url}"
    return url


def notification_send_email(*, notification_id: Any, mail_connection: Any = None) -> bool:
    """Sends one notification's email at most once; returns True if it was sent now.

    The row is claimed by compare-and-set (pending/failed → sending, attempts + 1), so two workers, or a
    worker and the reconciler, never both send it. A failure leaves it `failed` for the reconciler to retry
    until EMAIL_MAX_ATTEMPTS. A worker that dies between sending and recording leaves it `sending`; after
    NOTIFICATION_EMAIL_STALE_MINUTES the reconciler treats that as a failed attempt (the one case where a
    message can arrive twice: we prefer that to losing a reminder).
    """
    now = timezone.now()
    stale = now - timedelta(minutes=settings.NOTIFICATION_EMAIL_STALE_MINUTES)
    claimable = Q(email_status__in=[Notification.EmailStatus.PENDING, Notification.EmailStatus.FAILED]) | Q(
        email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=stale
    )
    claimed = Notification.objects.filter(
        claimable, pk=notification_id, attempts__lt=EMAIL_MAX_ATTEMPTS
    ).update(email_status=Notification.EmailStatus.SENDING, email_claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related("user", "body").filter(pk=notification_id).first()
    if notification is None:  # deleted meanwhile (its person left)
        return False
    user = notification.user
    if not user.is_active or not user.email:
        Notification.objects.filter(pk=notification.pk).update(email_status=Notification.EmailStatus.SKIPPED)
        return False
    try:
        with translation.override(user.language):
            context = {
                "LANGUAGE_CODE": translation.get_language(),
                "notification": notification,
                "user": user,
                "link": _absolute(notification.url) if notification.url else "",
                "centre_link": _absolute(reverse("reminders:list")),
            }
            text = render_to_string("email/notification.txt", context)
            html = render_to_string("email/notification.html", context)
        email = EmailMultiAlternatives(
            subject=" ".join(notification.title.split()),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            connection=mail_connection,
        )
        email.attach_alternative(html, "text/html")
        email.send(fail_silently=False)
    except Exception as exc:
        logger.warning("Email for notification %s failed: %s", notification.pk, exc)
        Notification.objects.filter(pk=notification.pk, email_status=Notification.EmailStatus.SENDING).update(
            email_status=Notification.EmailStatus.FAILED, last_error=str(exc)[:2000]
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(
        email_status=Notification.EmailStatus.SENT, emailed_at=timezone.now(), last_error=""
    )
    return True


@dataclass(frozen=True)
class EmailRunResult:
    #: emails tried in this run (at most the limit: when it is reached there may be more)
    attempted: int
    #: emails sent
    sent: int


def notifications_send_pending(*, limit: int = 1000) -> EmailRunResult:
    """The reconciler: sends what is pending, retries failures and stale claims, oldest first.

    Picks up every pending email, also those whose task the broker lost, over one SMTP connection.
    """
    stale = timezone.now() - timedelta(minutes=settings.NOTIFICATION_EMAIL_STALE_MINUTES)
    # A claim that went stale on its last allowed attempt will not be retried: record it as failed.
    Notification.objects.filter(
        email_status=Notification.EmailStatus.SENDING,
        email_claimed_at__lt=stale,
        attempts__gte=EMAIL_MAX_ATTEMPTS,
    ).update(email_status=Notification.EmailStatus.FAILED, last_error="worker lost while sending")
    ids = list(
        Notification.objects.filter(
            Q(email_status=Notification.EmailStatus.PENDING)
            | Q(email_status=Notification.EmailStatus.FAILED, attempts__lt=EMAIL_MAX_ATTEMPTS)
            | Q(
                email_status=Notification.EmailStatus.SENDING,
                email_claimed_at__lt=stale,
                attempts__lt=EMAIL_MAX_ATTEMPTS,
            )
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return EmailRunResult(attempted=0, sent=0)
    sent = 0
    mail_connection = get_connection()
    try:
        mail_connection.open()  # one SMTP session for the whole run
    except Exception as exc:
        logger.warning("Could not open the mail connection: %s", exc)
    try:
        for notification_id in ids:
            if notification_send_email(notification_id=notification_id, mail_connection=mail_connection):
                sent += 1
    finally:
        mail_connection.close()
    return EmailRunResult(attempted=len(ids), sent=sent)
