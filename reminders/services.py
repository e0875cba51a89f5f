"""Writes of the reminders engine: watching deadlines, sweeping them into notifications, sending emails.

Schedule rules (one rule, applied everywhere):

* A deadline reminds at `due_on + offset` for each offset of its kind, judged by the calendar date in the
  body's own time zone.
* When several offsets are due at once (the deadline was created or moved late, or the sweep was down for
  a while), only the **latest** of them fires; the earlier ones are skipped, not sent as a burst of stale
  reminders. So creating a deadline 10 days before its due date sends the -30 reminder at the next sweep
  and the 0 reminder on the day, but never the -90 one.
* Moving the due date restarts the schedule for the new date (the same rule then applies); reopening a
  closed deadline with the same due date continues where it stopped (nothing is repeated).

Deadlines and notifications are derived bookkeeping, not regulated records: the capability that owns the
subject (e.g. an accreditation) records its own change in the audit trail in the same transaction, and the
notification rows are themselves the record of who was reminded of what and when.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.query import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import PermissionDenied

from .models import Deadline, Notification
from .registry import DeadlineKind, find_kind, get_kind

if TYPE_CHECKING:
    from accounts.models import User
    from bodies.models.tenants import Body

logger = logging.getLogger(__name__)

#: the furthest any time zone is ahead of UTC (Pacific/Kiritimati, UTC+14)
MAX_UTC_OFFSET = timedelta(hours=14)
#: an email is tried at most this many times (the reconciler retries failures every few minutes)
EMAIL_MAX_ATTEMPTS = settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS


# --- deadlines ----------------------------------------------------------------------------------------------


def _next_reminder_on(*, due_on: date, offsets: list[int], last_fired: int | None) -> date | None:
    remaining = [offset for offset in offsets if last_fired is None or offset > last_fired]
    return due_on + timedelta(days=min(remaining)) if remaining else None


def _subject_key(subject: models.Model) -> tuple[ContentType, str]:
    return ContentType.objects.get_for_model(subject, for_concrete_model=True), str(subject.pk)


def deadline_upsert(*, kind: str, subject: models.Model, body: Body, due_on: date) -> Deadline:
    """Starts watching `subject`'s deadline of `kind`, or moves it to a new due date.

    Runs inside the caller's transaction (the change to the subject that moves the date). A moved date
    restarts the schedule; offsets whose dates have already passed collapse into one reminder at the next
    sweep (see the module docstring). Reopens a closed deadline.
    """
    deadline_kind = get_kind(kind)
    offsets = deadline_kind.sorted_offsets()
    subject_type, subject_id = _subject_key(subject)
    with transaction.atomic():
        deadline, created = Deadline.objects.select_for_update().get_or_create(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            defaults={
                "body": body,
                "due_on": due_on,
                "time_zone": body.time_zone,
                "next_reminder_on": _next_reminder_on(due_on=due_on, offsets=offsets, last_fired=None),
            },
        )
        if created:
            return deadline
        moved = deadline.due_on != due_on
        reopened = deadline.closed_at is not None
        if not (moved or reopened or deadline.body_id != body.pk or deadline.time_zone != body.time_zone):
            return deadline
        if moved:
            deadline.last_offset_fired = None
        deadline.body = body
        deadline.due_on = due_on
        deadline.time_zone = body.time_zone
        deadline.closed_at = None
        deadline.next_reminder_on = _next_reminder_on(
            due_on=due_on, offsets=offsets, last_fired=deadline.last_offset_fired
        )
        deadline.save(
            update_fields=[
                "body",
                "due_on",
                "time_zone",
                "closed_at",
                "next_reminder_on",
                "last_offset_fired",
                "updated_at",
            ]
        )
    return deadline


def deadline_close(*, kind: str, subject: models.Model) -> None:
    """Stops watching: no further reminders. Closing a deadline that does not exist is a no-op."""
    subject_type, subject_id = _subject_key(subject)
    Deadline.objects.filter(
        kind=kind, subject_type=subject_type, subject_id=subject_id, closed_at__isnull=True
    ).update(closed_at=timezone.now(), next_reminder_on=None, updated_at=timezone.now())


def deadlines_body_time_zone_changed(*, body: Body) -> int:
    """Re-copies the body's time zone onto its deadlines (call it when the body's time zone changes)."""
    return (
        Deadline.objects.filter(body_id=body.pk)
        .exclude(time_zone=body.time_zone)
        .update(time_zone=body.time_zone, updated_at=timezone.now())
    )


@dataclass(frozen=True)
class SweepResult:
    #: deadlines that fired a reminder
    deadlines: int
    #: notifications created (recipients × fired deadlines, minus any that already existed)
    notifications: int


def _local_today(now: datetime, time_zone: str, cache: dict[str, date]) -> date:
    today = cache.get(time_zone)
    if today is None:
        try:
            zone = ZoneInfo(time_zone)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        today = cache[time_zone] = now.astimezone(zone).date()
    return today


def _notification_key(deadline: Deadline, offset: int, user_id: Any) -> str:
    return f"{deadline.id}:{deadline.due_on.isoformat()}:{offset}:{user_id}"


def _messages_for(
    kind: DeadlineKind, deadline: Deadline, offset: int, language: str, cache: dict[str, tuple[str, str]]
) -> tuple[str, str]:
    if language not in cache:
        with translation.override(language):
            title, message = kind.message(deadline, offset)
            cache[language] = (str(title)[:300], str(message))
    return cache[language]


def _save_progress(deadlines: list[Deadline], now: datetime) -> None:
    """Writes next_reminder_on / last_offset_fired of a batch in one statement."""
    if not deadlines:
        return
    if connection.vendor != "postgresql":
        for deadline in deadlines:
            deadline.updated_at = now
        Deadline.objects.bulk_update(deadlines, ["next_reminder_on", "last_offset_fired", "updated_at"])
        return
    # Django's bulk_update writes a CASE per row (quadratic for a batch of thousands); a VALUES join is linear.
    table = Deadline._meta.db_table
    rows = ", ".join(["(%s::uuid, %s::date, %s::integer)"] * len(deadlines))
    params: list[Any] = [now]
    for deadline in deadlines:
        params.extend([str(deadline.id), deadline.next_reminder_on, deadline.last_offset_fired])
    sql = (
        f'UPDATE "{table}" AS d SET next_reminder_on = v.next_on, last_offset_fired = v.last_fired, '  # noqa: S608
        f"updated_at = %s FROM (VALUES {rows}) AS v(id, next_on, last_fired) WHERE d.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _sweep_batch(batch: list[Deadline], now: datetime, today_cache: dict[str, date]) -> tuple[int, int]:
    """Fires what is due in one locked batch; returns (deadlines fired, notifications created)."""
    fired: dict[str, list[tuple[Deadline, int]]] = defaultdict(list)
    progressed: list[Deadline] = []
    for deadline in batch:
        kind = find_kind(deadline.kind)
        if kind is None:
            logger.warning("Deadline %s has the unknown kind %r; skipped.", deadline.pk, deadline.kind)
            continue
        local_today = _local_today(now, deadline.time_zone, today_cache)
        if deadline.next_reminder_on is None or deadline.next_reminder_on > local_today:
            continue  # not yet there in the body's time zone (the horizon is the furthest time zone's today)
        offsets = kind.sorted_offsets()
        due = [
            offset
            for offset in offsets
            if deadline.due_on + timedelta(days=offset) <= local_today
            and (deadline.last_offset_fired is None or offset > deadline.last_offset_fired)
        ]
        if due:
            deadline.last_offset_fired = max(due)  # only the latest: no burst of stale reminders
            deadline.reminded_on = local_today  # type: ignore[attr-defined]  # for the kind's message
            fired[kind.code].append((deadline, deadline.last_offset_fired))
        # With no due offset (the offsets setting changed) this only re-plans the row past today.
        deadline.next_reminder_on = _next_reminder_on(
            due_on=deadline.due_on, offsets=offsets, last_fired=deadline.last_offset_fired
        )
        progressed.append(deadline)

    rows: list[tuple[Any, ...]] = []
    due_deadlines = [deadline for pairs in fired.values() for deadline, _offset in pairs]
    if due_deadlines:
        prefetch_related_objects(due_deadlines, "subject")
    failed: set[UUID] = set()
    for code, pairs in fired.items():
        try:
            with transaction.atomic():  # a savepoint: a database error in the kind leaves the batch usable
                rows.extend(_notification_rows(get_kind(code), pairs))
        except Exception:
            # One broken kind must not stop every other reminder: its deadlines stay as they were and are
            # tried again at the next sweep (the cursor moves past them meanwhile).
            logger.exception(
                "Reminders of kind %r failed; %d deadline(s) left for the next sweep.", code, len(pairs)
            )
            failed.update(deadline.id for deadline, _offset in pairs)
    created = _insert_notifications(rows, now)
    _save_progress([deadline for deadline in progressed if deadline.id not in failed], now)
    return len(due_deadlines) - len(failed), created


def _notification_rows(kind: DeadlineKind, pairs: list[tuple[Deadline, int]]) -> list[tuple[Any, ...]]:
    """One row per (deadline, person) for `_insert_notifications`, texts in each person's language."""
    rows: list[tuple[Any, ...]] = []
    recipients = kind.recipients([deadline for deadline, _offset in pairs])
    for deadline, offset in pairs:
        texts: dict[str, tuple[str, str]] = {}
        url = kind.url(deadline)
        seen: set[Any] = set()
        for user in recipients.get(deadline.id, []):
            if user.pk in seen:
                continue
            seen.add(user.pk)
            title, message = _messages_for(kind, deadline, offset, user.language, texts)
            key = _notification_key(deadline, offset, user.pk)
            rows.append(
                (uuid4(), key, user.pk, deadline.body_id, deadline.id, offset, kind.code, title, message, url)
            )
    return rows


#: the columns `_insert_notifications` writes, in the order of its rows (then created_at and the email state)
_NOTIFICATION_COLUMNS = (
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


def _insert_notifications(rows: list[tuple[Any, ...]], now: datetime) -> int:
    """Inserts the notifications whose key is new and returns how many; existing keys are skipped.

    On PostgreSQL one `INSERT … ON CONFLICT (key) DO NOTHING RETURNING id` per thousand rows, so the sweep
    learns exactly what it created without model instances or a second query (the sweep's hot path).
    """
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        notifications = [
            Notification(**dict(zip(_NOTIFICATION_COLUMNS, row, strict=True)), created_at=now) for row in rows
        ]
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        return Notification.objects.filter(pk__in=[n.pk for n in notifications]).count()
    table = Notification._meta.db_table
    columns = ", ".join([*_NOTIFICATION_COLUMNS, "created_at", "email_status", "attempts", "last_error"])
    placeholder = "(" + ", ".join(["%s"] * (len(_NOTIFICATION_COLUMNS) + 4)) + ")"
    tail = (now, Notification.EmailStatus.PENDING.value, 0, "")
    created = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            sql = (
                f'INSERT INTO "{table}" ({columns}) VALUES {", ".join([placeholder] * len(chunk))} '  # noqa: S608
                "ON CONFLICT (key) DO NOTHING RETURNING id"
            )
            cursor.execute(sql, [value for row in chunk for value in (*row, *tail)])
            created += len(cursor.fetchall())
    return created


def deadlines_sweep(
    *, now: datetime | None = None, batch_size: int | None = None, enqueue_email: bool = True
) -> SweepResult:
    """Turns every reminder that has come due into notifications; safe to run often and concurrently.

    Each batch is one indexed range scan over the partial index `deadline_sweep`, locked with
    `FOR UPDATE SKIP LOCKED` so concurrent sweeps share the work instead of waiting; the unique notification
    key makes a repeated reminder impossible even so. The horizon is today's date in the time zone furthest
    ahead (UTC+14); each row is then judged by its own body's calendar date. A keyset cursor moves past the
    rows that are not yet due locally, so the loop always ends.
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDER_SWEEP_BATCH
    horizon = (now.astimezone(UTC) + MAX_UTC_OFFSET).date()
    today_cache: dict[str, date] = {}
    cursor: tuple[date, UUID] | None = None
    total_deadlines = total_notifications = 0
    while True:
        with transaction.atomic():
            queryset = Deadline.objects.filter(next_reminder_on__lte=horizon, closed_at__isnull=True)
            if cursor is not None:
                # A row comparison, so the index scan starts right after the cursor instead of filtering.
                queryset = queryset.filter(
                    RawSQL(
                        '("reminders_deadline"."next_reminder_on", "reminders_deadline"."id") > (%s, %s)',
                        (cursor[0], Deadline._meta.pk.get_db_prep_value(cursor[1], connection)),
                        output_field=models.BooleanField(),
                    )
                )
            batch = list(
                queryset.order_by("next_reminder_on", "id").select_for_update(skip_locked=True)[:batch_size]
            )
            if not batch:
                break
            last = batch[-1]
            assert last.next_reminder_on is not None
            cursor = (last.next_reminder_on, last.id)
            fired, created = _sweep_batch(batch, now, today_cache)
            total_deadlines += fired
            total_notifications += created
        if len(batch) < batch_size:
            break
    if total_notifications and enqueue_email:
        from .tasks import notifications_send_pending_task

        transaction.on_commit(notifications_send_pending_task.delay)
    return SweepResult(deadlines=total_deadlines, notifications=total_notifications)


# --- notifications ------------------------------------------------------------------------------------------


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
    from .tasks import notification_send_email_task

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
