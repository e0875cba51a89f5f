"""How long the reminder sweep takes over a realistic table of deadlines, and that a second run is free.

`measure(n)` writes n deadlines (COPY on PostgreSQL, in chunks of 50,000) for a handful of bodies in several
time zones, as the table looks on a normal day: due dates spread over ±3 years, each deadline's schedule
advanced as if the sweep had run up to yesterday, about 1 % due today (new or moved deadlines whose reminder
date is today), some closed. It then times `deadlines_sweep` twice and deletes everything it made.
Assumes Django is configured and the database migrated (the bench runner's throw-away database).
"""

from __future__ import annotations

import io
import random
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CHUNK = 50_000
TIME_ZONES = ("Atlantic/Reykjavik", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland")
ADMINS_PER_BODY = 2
DUE_TODAY_SHARE = 0.01
CLOSED_SHARE = 0.05
SPREAD_DAYS = 3 * 365


def _people(tag: str) -> tuple[list[Any], list[Any]]:
    from accounts.models import User
    from bodies.models import Body, Membership, Role

    bodies = [
        Body.objects.create(
            legal_name=f"Sweep Bench Body {tag} {i}",
            country="IS",
            kind=Body.Kind.VVB,
            contact_name="Bench",
            contact_email=f"bench-{tag}-{i}@bench.example",
            status=Body.Status.APPROVED,
            time_zone=zone,
        )
        for i, zone in enumerate(TIME_ZONES)
    ]
    users = []
    for i, body in enumerate(bodies):
        for j in range(ADMINS_PER_BODY + 1):
            user = User.objects.create_user(f"sweep-{tag}-{i}-{j}@bench.example", None, full_name=f"Bench {i}.{j}")
            roles = [Role.BODY_ADMIN] if j < ADMINS_PER_BODY else [Role.AUDITOR]
            Membership.objects.create(user=user, body=body, roles=roles)
            users.append(user)
    return bodies, users


def _schedule(due_on: date, offsets: list[int], today: date) -> tuple[int | None, date | None]:
    """(last_offset_fired, next_reminder_on) as the sweep leaves them after running up to yesterday."""
    passed = [offset for offset in offsets if due_on + timedelta(days=offset) < today]
    last = max(passed) if passed else None
    remaining = [offset for offset in offsets if last is None or offset > last]
    return last, (due_on + timedelta(days=min(remaining)) if remaining else None)


def _rows(n: int, bodies: list[Any], subject_type_id: int, kind: str, offsets: list[int], now: datetime):
    rng = random.Random(20300301)
    # Ids ascend (like UUIDv7) so the generation does not spend its time on random B-tree inserts; the rows
    # due today are spread over the whole table either way, which is what the sweep's cost depends on.
    prefix, subject_prefix = (uuid.uuid4().int >> 64 << 64 for _ in range(2))
    todays = {body.pk: now.astimezone(ZoneInfo(body.time_zone)).date() for body in bodies}
    for i in range(n):
        body = bodies[i % len(bodies)]
        today = todays[body.pk]
        closed_at = None
        roll = rng.random()
        if roll < DUE_TODAY_SHARE:
            offset = rng.choice(offsets)
            due_on = today - timedelta(days=offset)
            earlier = [o for o in offsets if o < offset]
            last, next_on = (max(earlier) if earlier else None), today
        else:
            due_on = today + timedelta(days=rng.randint(-SPREAD_DAYS, SPREAD_DAYS))
            last, next_on = _schedule(due_on, offsets, today)
            if roll > 1 - CLOSED_SHARE:
                closed_at, next_on = now, None
        yield (uuid.UUID(int=prefix | i), kind, body.pk, subject_type_id, str(uuid.UUID(int=subject_prefix | i)), due_on,
               body.time_zone, next_on, last, closed_at, now, now)


def _insert(n: int, rows: Any) -> None:
    from django.db import connection

    from reminders.models import Deadline

    columns = [
        "id", "kind", "body_id", "subject_type_id", "subject_id", "due_on", "time_zone", "next_reminder_on",
        "last_offset_fired", "closed_at", "created_at", "updated_at",
    ]
    if connection.vendor != "postgresql":
        batch: list[Deadline] = []
        for row in rows:
            batch.append(Deadline(**dict(zip(columns, row, strict=True))))
            if len(batch) == CHUNK:
                Deadline.objects.bulk_create(batch)
                batch = []
        Deadline.objects.bulk_create(batch)
        return

    def cell(value: Any) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, datetime | date):
            return value.isoformat()
        return str(value)

    sql = f"COPY {Deadline._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    written = 0
    with connection.cursor() as cursor:
        while written < n:
            buffer = io.StringIO()
            for _ in range(min(CHUNK, n - written)):
                buffer.write("\t".join(cell(value) for value in next(rows)))
                buffer.write("\n")
                written += 1
            buffer.seek(0)
            cursor.cursor.copy_expert(sql, buffer)
        cursor.execute(f"ANALYZE {Deadline._meta.db_table}")


def _cleanup(bodies: list[Any], users: list[Any]) -> None:
    from django.db import connection

    from accounts.models import User
    from bodies.models import Body, Membership
    from reminders.models import Deadline, Notification

    body_ids = [body.pk for body in bodies]
    with connection.cursor() as cursor:
        for model in (Notification, Deadline):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE body_id = ANY(%s)", [body_ids])  # noqa: S608
    Membership.objects.filter(body_id__in=body_ids).delete()
    Body.objects.filter(pk__in=body_ids).delete()
    User.objects.filter(pk__in=[user.pk for user in users]).delete()


def measure(n: int = 1_000_000) -> dict[str, Any]:
    """Generates n deadlines, times two sweeps, cleans up; returns the figures."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from bodies.deadlines import ACCREDITATION_EXPIRY
    from bodies.models import Accreditation
    from reminders.services import deadlines_sweep

    now = timezone.now()
    tag = uuid.uuid4().hex[:8]
    offsets = sorted(set(settings.ACCREDITATION_REMINDER_OFFSETS))
    subject_type_id = ContentType.objects.get_for_model(Accreditation).pk
    bodies, users = _people(tag)
    try:
        started = time.perf_counter()
        _insert(n, _rows(n, bodies, subject_type_id, ACCREDITATION_EXPIRY, offsets, now))
        generated = time.perf_counter() - started

        started = time.perf_counter()
        first = deadlines_sweep(now=now, enqueue_email=False)
        first_seconds = time.perf_counter() - started

        started = time.perf_counter()
        second = deadlines_sweep(now=now, enqueue_email=False)
        second_seconds = time.perf_counter() - started
    finally:
        _cleanup(bodies, users)
    return {
        "deadlines": n,
        "generation_seconds": generated,
        "first_sweep_seconds": first_seconds,
        "first_sweep_deadlines": first.deadlines,
        "first_sweep_notifications": first.notifications,
        "second_sweep_seconds": second_seconds,
        "second_sweep_notifications": second.notifications,
    }
