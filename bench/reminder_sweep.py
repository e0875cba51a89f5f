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
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CHUNK = 50_000
TIME_ZONES = ("Atlantic/Reykjavik", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland")
ADMINS_PER_BODY = 2
DUE_TODAY_SHARE = 0.01
CLOSED_SHARE = 0.05
SPREAD_DAYS = 3 * 365
NULL = "\\N"  # COPY's null


def _people(tag: str) -> tuple[list[Any], list[Any]]:
    from accounts.models import User
    from bodies.models.tenants import Body, Membership, Role

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
            user = User.objects.create_user(
                f"sweep-{tag}-{i}-{j}@bench.example", None, full_name=f"Bench {i}.{j}"
            )
            roles = [Role.BODY_ADMIN] if j < ADMINS_PER_BODY else [Role.AUDITOR]
            Membership.objects.create(user=user, body=body, roles=roles)
            users.append(user)
    return bodies, users


def _lines(
    n: int, bodies: list[Any], subject_type_id: int, kind: str, offsets: list[int], now: datetime
) -> Iterator[str]:
    """COPY lines, built from precomputed strings (1M rows in a few seconds of Python)."""
    rng = random.Random(20300301)
    # Ids ascend (like UUIDv7) so the generation does not spend its time on random B-tree inserts; the rows
    # due today are spread over the whole table either way, which is what the sweep's cost depends on.
    id_prefix, subject_prefix = (uuid.uuid4().hex[:16] for _ in range(2))
    id_head = f"{id_prefix[:8]}-{id_prefix[8:12]}-{id_prefix[12:16]}-"
    subject_head = f"{subject_prefix[:8]}-{subject_prefix[8:12]}-{subject_prefix[12:16]}-"
    stamp = now.isoformat()
    margin = max(abs(offset) for offset in offsets) + 1
    span = range(-SPREAD_DAYS - margin, SPREAD_DAYS + margin + 1)
    per_body = []
    for body in bodies:
        today = now.astimezone(ZoneInfo(body.time_zone)).date()
        days = {k: (today + timedelta(days=k)).isoformat() for k in span}
        per_body.append((f"{kind}\t{body.pk}\t{subject_type_id}\t", f"\t{body.time_zone}\t", days))
    for i in range(n):
        head, zone, days = per_body[i % len(per_body)]
        roll = rng.random()
        closed = NULL
        if roll < DUE_TODAY_SHARE:  # new or moved today: its reminder date is today
            offset = rng.choice(offsets)
            due = -offset
            earlier = [o for o in offsets if o < offset]
            last: int | None = max(earlier) if earlier else None
            next_on: int | None = 0
        else:  # as the sweep left it yesterday
            due = rng.randint(-SPREAD_DAYS, SPREAD_DAYS)
            passed = [o for o in offsets if due + o < 0]
            last = max(passed) if passed else None
            remaining = [o for o in offsets if last is None or o > last]
            next_on = due + min(remaining) if remaining else None
            if roll > 1 - CLOSED_SHARE:
                closed, next_on = stamp, None
        counter = f"{i:016x}"
        yield (
            f"{id_head}{counter[:4]}-{counter[4:]}\t{head}{subject_head}{counter[:4]}-{counter[4:]}\t{days[due]}"
            f"{zone}{days[next_on] if next_on is not None else NULL}\t"
            f"{last if last is not None else NULL}\t{closed}\t{stamp}\t{stamp}\n"
        )


def _insert(lines: Iterator[str], n: int) -> None:
    from django.db import connection

    from reminders.models import Deadline

    if connection.vendor != "postgresql":
        raise RuntimeError("The sweep benchmark writes its rows with PostgreSQL's COPY.")
    columns = (
        "id, kind, body_id, subject_type_id, subject_id, due_on, time_zone, next_reminder_on, last_offset_fired, "
        "closed_at, created_at, updated_at"
    )
    sql = f"COPY {Deadline._meta.db_table} ({columns}) FROM STDIN"
    written = 0
    with connection.cursor() as cursor:
        while written < n:
            size = min(CHUNK, n - written)
            buffer = io.StringIO("".join(next(lines) for _ in range(size)))
            cursor.cursor.copy_expert(sql, buffer)
            written += size
        cursor.execute(f"ANALYZE {Deadline._meta.db_table}")


def _cleanup(bodies: list[Any], users: list[Any]) -> None:
    from django.db import connection

    from accounts.models import User
    from bodies.models.tenants import Body, Membership
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
        _insert(_lines(n, bodies, subject_type_id, ACCREDITATION_EXPIRY, offsets, now), n)
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
