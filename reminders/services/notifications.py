"""A person's notifications: ad-hoc ones (not from a deadline), and marking them read."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from core.errors import PermissionDenied

from ..models import Notification

if TYPE_CHECKING:
    from accounts.models import User
    from bodies.models.tenants import Body


#: the columns `notifications_insert` writes, in the order of its rows (then created_at and the email state)
NOTIFICATION_COLUMNS = (
    "id",
    "key",
    "user_id",
    "body_id",
    "deadline_id",
    "offset_days",
    "kind",
    "title",
    "message",
    "url",
)


def notifications_insert(rows: list[tuple[Any, ...]], now: datetime) -> list[UUID]:
    """Inserts the notifications whose key is new and returns their ids; existing keys are skipped.

    Each row holds the values of `NOTIFICATION_COLUMNS`. On PostgreSQL one
    `INSERT … ON CONFLICT (key) DO NOTHING RETURNING id` per thousand rows, so the writer learns exactly what
    it created without model instances or a second query (the deadline sweep's hot path, and `notify`).
    The emails are the caller's to enqueue (after commit).
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        notifications = [
            Notification(**dict(zip(NOTIFICATION_COLUMNS, row, strict=True)), created_at=now) for row in rows
        ]
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        return list(
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).values_list("pk", flat=True)
        )
    table = Notification._meta.db_table
    columns = ", ".join([*NOTIFICATION_COLUMNS, "created_at", "email_status", "attempts", "last_error"])
    placeholder = "(" + ", ".join(["%s"] * (len(NOTIFICATION_COLUMNS) + 4)) + ")"
    tail = (now, Notification.EmailStatus.PENDING.value, 0, "")
    created: list[UUID] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            sql = (
                f'INSERT INTO "{table}" ({columns}) VALUES {", ".join([placeholder] * len(chunk))} '  # noqa: S608
                "ON CONFLICT (key) DO NOTHING RETURNING id"
            )
            cursor.execute(sql, [value for row in chunk for value in (*row, *tail)])
            created.extend(row[0] for row in cursor.fetchall())
    return created


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
    """One notification to one person, emailed after commit; None if `key` was already used.

    The low-level writer: a capability tells people through `reminders.notices.notify`, which decides who is
    told and renders the texts in each person's language.
    """
    now = timezone.now()
    notification = Notification(
        id=uuid.uuid4(),
        key=key,
        user=user,
        body=body,
        kind=kind,
        title=title[:300],
        message=message,
        url=url,
        created_at=now,
    )
    row = tuple(getattr(notification, column) for column in NOTIFICATION_COLUMNS)
    if not notifications_insert([row], now):
        return None
    from ..tasks import notification_send_email_task

    # robust: a broker that is down leaves the email pending for the reconciler (notifications_send_pending)
    transaction.on_commit(lambda: notification_send_email_task.delay(str(notification.pk)), robust=True)
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
