"""Watching deadlines: a capability upserts one when its subject gets a due date and closes it when the
subject no longer needs watching (the schedule rules: `reminders.services`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ..models import Deadline
from ..registry import get_kind

if TYPE_CHECKING:
    from bodies.models.tenants import Body


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
