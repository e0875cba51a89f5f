"""The sweep: every reminder that has come due becomes notifications, in locked batches, safe to run often
and concurrently."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.query import prefetch_related_objects
from django.utils import timezone, translation

from ..models import Deadline
from ..registry import DeadlineKind, find_kind, get_kind
from .deadlines import _next_reminder_on
from .notifications import notifications_insert

logger = logging.getLogger(__name__)


#: the furthest any time zone is ahead of UTC (Pacific/Kiritimati, UTC+14)
MAX_UTC_OFFSET = timedelta(hours=14)


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
    created = len(notifications_insert(rows, now))
    _save_progress([deadline for deadline in progressed if deadline.id not in failed], now)
    return len(due_deadlines) - len(failed), created


def _notification_rows(kind: DeadlineKind, pairs: list[tuple[Deadline, int]]) -> list[tuple[Any, ...]]:
    """One row per (deadline, person) for `notifications_insert`, texts in each person's language."""
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
        from ..tasks import notifications_send_pending_task

        # robust: a broker that is down leaves the emails pending for the next reconciler run
        transaction.on_commit(notifications_send_pending_task.delay, robust=True)
    return SweepResult(deadlines=total_deadlines, notifications=total_notifications)
