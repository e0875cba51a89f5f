"""A person's notifications: ad-hoc ones (not from a deadline), and marking them read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.errors import PermissionDenied

from ..models import Notification

if TYPE_CHECKING:
    from accounts.models import User
    from bodies.models.tenants import Body


def notification_create(
    *,
    user: User,
    key: str,
    kind: str,
    title: str,
    message: str = "",
    url: str = "",
    body: Body | None = None,
) -> Notification | None:
    """One ad-hoc notification (not from a deadline), emailed after commit. None if `key` was already used."""
    notification = Notification(
        key=key,
        user=user,
        body=body,
        kind=kind,
        title=title[:300],
        message=message,
        url=url,
        created_at=timezone.now(),
    )
    Notification.objects.bulk_create([notification], ignore_conflicts=True)
    if not Notification.objects.filter(pk=notification.pk).exists():
        return None
    from ..tasks import notification_send_email_task

    transaction.on_commit(lambda: notification_send_email_task.delay(str(notification.pk)))
    return notification


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Marks the person's own notification read; marking it again changes nothing."""
    if notification.user_id != user.pk:
        raise PermissionDenied
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, user_id=user.pk, read_at__isnull=True).update(
        read_at=now
    ):
        notification.read_at = now
    else:
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Marks every unread notification of the person read; returns how many changed."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
