"""Public verification: looking up a certificate or statement by number or QR token, and counting each
verification for the body that issued it (per day in the body's time zone, and on the record)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F

from core.dates import today_in

from ..models import VerificationCount
from ..selectors.public import Counted, PublicLookup, public_lookup_by_number, public_lookup_by_token


def verifications_count(*, counted: Iterable[Counted]) -> None:
    """Adds one verification to each record shown and to its body's count for today. Increments are
    `F()` updates, so concurrent verifications never lose one; the day's row is created on its first
    verification (a unique (body, day) constraint settles two first ones)."""
    per_day: Counter[tuple[UUID, date]] = Counter()
    with transaction.atomic():
        for record in counted:
            record.model.objects.filter(pk=record.pk).update(verification_count=F("verification_count") + 1)
            per_day[(record.body_id, today_in(record.time_zone))] += 1
        for (body_id, day), count in sorted(per_day.items(), key=lambda item: (str(item[0][0]), item[0][1])):
            _count_day(body_id=body_id, day=day, count=count)


def _count_day(*, body_id: UUID, day: date, count: int) -> None:
    updated = VerificationCount.objects.filter(body_id=body_id, day=day).update(count=F("count") + count)
    if updated:
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race to create the row must not spoil the caller
            VerificationCount.objects.create(body_id=body_id, day=day, count=count)
    except IntegrityError:
        VerificationCount.objects.filter(body_id=body_id, day=day).update(count=F("count") + count)


def public_verify_number(*, number: str) -> PublicLookup:
    """The public facts of every certificate and statement with this number; each one shown is counted."""
    lookup = public_lookup_by_number(number)
    if lookup.counted:
        verifications_count(counted=lookup.counted)
    return lookup


def public_verify_token(*, token: str) -> PublicLookup:
    """The public facts of the certificate or statement a QR code names; counted when found."""
    lookup = public_lookup_by_token(token)
    if lookup.counted:
        verifications_count(counted=lookup.counted)
    return lookup
