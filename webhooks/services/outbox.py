"""The outbox and its sending.

`emit` writes the event and one delivery per active subscription that wants it, inside the caller's
transaction: the change and its webhook commit or roll back together. Sending is enqueued after the commit,
and a periodic sweep sends whatever is due (a lost message, a broker that was down, a retry whose time came),
so nothing is lost. Each send locks its delivery row with `SKIP LOCKED` and holds it through the POST: a second
worker, the sweep's task or a repeated message skips a delivery someone is sending and finds a sent one
delivered, so one delivery is never sent twice at once, nor again once delivered. A crash mid-send leaves the
row as it was, to be sent again (receivers drop duplicates by the event id).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.commit import after_commit
from core.errors import TransitionNotAllowed
from core.types import Actor
from reminders.notices import notify

from ..error_codes import WebhooksErrorCode
from ..models import DUE_STATUSES, DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from ..permissions import require_manage_webhooks
from ..registry import get_event
from ..signing import EVENT_ID_HEADER, SIGNATURE_HEADER, delivery_body, secret_decrypt, signature
from ..transport import Answer, post

if TYPE_CHECKING:
    from bodies.models.tenants import Body

logger = logging.getLogger(__name__)

GIVEN_UP_NOTICE = "webhooks.delivery.given_up"


# --- writing the outbox -------------------------------------------------------------------------------------


def _enqueue(delivery_ids: Sequence[uuid.UUID]) -> None:
    from ..tasks import webhook_delivery_send_task

    for delivery_id in delivery_ids:
        webhook_delivery_send_task.delay(str(delivery_id))


def event_write(
    *, body: Body, event: str, payload: Any, subscriptions: Sequence[WebhookSubscription]
) -> tuple[WebhookEvent, list[WebhookDelivery]]:
    """The event row and a pending delivery to each subscription, sending enqueued after the commit."""
    now = timezone.now()
    with transaction.atomic():
        written = WebhookEvent.objects.create(body=body, event=event, payload=payload)
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    body=body,
                    event=written,
                    subscription=subscription,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at=now,
                )
                for subscription in subscriptions
            ]
        )
        after_commit(_enqueue, [d.pk for d in deliveries])
    return written, deliveries


def emit(*, body: Body, event: str, payload: Any) -> WebhookEvent | None:
    """Tells the body's subscribers that `event` happened; call it inside the service's transaction.

    `event` must be declared (`webhooks.registry.register_event`); `payload` is JSON (dates, UUIDs and
    decimals are written as strings), the capability's own camelCase shape. Writes nothing and returns None
    when no active subscription of the body wants the event. A rollback of the caller's transaction leaves
    neither the event nor its deliveries, and nothing is sent.
    """
    get_event(event)  # an undeclared code is a programming error (KeyError)
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(body_id=body.pk, active=True).order_by(
            "created_at"
        )
        if event in subscription.events  # in Python: JSON containment is not answered by SQLite (the demo)
    ]
    if not subscriptions:
        return None
    written, _deliveries = event_write(body=body, event=event, payload=payload, subscriptions=subscriptions)
    return written


# --- sending ------------------------------------------------------------------------------------------------


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1-based): WEBHOOK_BACKOFF_BASE_SECONDS doubled for each
    attempt before it, never more than WEBHOOK_BACKOFF_MAX_SECONDS."""
    base = settings.WEBHOOK_BACKOFF_BASE_SECONDS
    seconds = min(base * 2 ** max(attempt - 1, 0), settings.WEBHOOK_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class SendResult:
    delivery_id: uuid.UUID
    status: str
    attempts: int
    response_code: int | None


def _attempt(delivery: WebhookDelivery) -> Answer:
    event = delivery.event
    body, data = delivery_body(
        event_id=str(event.pk), event=event.event, created_at=event.created_at, data=event.payload
    )
    try:
        secret = secret_decrypt(delivery.subscription.secret_encrypted)
    except InvalidToken:
        return Answer(
            status=None, duration_ms=0, error="The secret cannot be read: WEBHOOK_SECRET_KEY changed."
        )
    headers = {SIGNATURE_HEADER: signature(data, secret), EVENT_ID_HEADER: str(event.pk)}
    return post(delivery.subscription.url, body=body, headers=headers)


def webhook_delivery_send(*, delivery_id: uuid.UUID | str, now: datetime | None = None) -> SendResult | None:
    """Makes one attempt of a due delivery and records it; None when there is nothing to do here (the row is
    gone, delivered, given up, not due yet, its subscription paused, or another worker is sending it).

    A 2xx answer delivers it. Otherwise it is retried after `backoff(attempt)` until WEBHOOK_MAX_ATTEMPTS
    attempts were made; the last failure gives it up and tells the body's administrators (once per delivery).
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "subscription", "body")
            .filter(pk=delivery_id)
            .first()
        )
        moment = now or timezone.now()
        if (
            delivery is None
            or delivery.status not in DUE_STATUSES
            or delivery.next_attempt_at is None
            or delivery.next_attempt_at > moment
            or not delivery.subscription.active
        ):
            return None
        answer = _attempt(delivery)
        finished = timezone.now() if now is None else moment
        delivery.attempts += 1
        delivery.last_attempt_at = finished
        delivery.last_response_code = answer.status
        delivery.last_duration_ms = answer.duration_ms
        delivery.last_error = (
            ""
            if answer.ok
            else (answer.error or _("The receiver answered %(code)s.") % {"code": answer.status})
        )
        if answer.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = finished
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.GIVEN_UP
            delivery.next_attempt_at = None
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = finished + backoff(delivery.attempts)
        delivery.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "last_attempt_at",
                "last_response_code",
                "last_duration_ms",
                "last_error",
                "delivered_at",
                "updated_at",
            ]
        )
        if delivery.status == DeliveryStatus.GIVEN_UP:
            notify(
                kind=GIVEN_UP_NOTICE,
                subject=delivery,
                body=delivery.body,
                key=str(delivery.pk),
                values={"attempts": delivery.attempts},
            )
    return SendResult(
        delivery_id=delivery.pk,
        status=delivery.status,
        attempts=delivery.attempts,
        response_code=delivery.last_response_code,
    )


def webhook_deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[uuid.UUID]:
    """The ids of deliveries whose attempt is due, oldest first, to active subscriptions (the sweep)."""
    moment = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status__in=DUE_STATUSES, next_attempt_at__lte=moment, subscription__active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- a person asks for a new attempt ------------------------------------------------------------------------


def webhook_delivery_redeliver(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """A new attempt of a delivery, now (after a receiver was fixed, or to replay one). Refused while the
    delivery is already waiting for its first attempt, and while its subscription is paused. A delivery that
    had given up that fails again gives up again without a second notice."""
    require_manage_webhooks(actor, delivery.body)
    with transaction.atomic():
        locked = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("body", "subscription", "event")
            .get(pk=delivery.pk)
        )
        if locked.status == DeliveryStatus.PENDING:
            raise TransitionNotAllowed(
                _("This delivery is already waiting to be sent."),
                current=locked.status,
                code=WebhooksErrorCode.DELIVERY_PENDING,
            )
        if not locked.subscription.active:
            raise TransitionNotAllowed(
                _("This subscription is paused; activate it to send its deliveries."),
                current=locked.status,
                code=WebhooksErrorCode.SUBSCRIPTION_INACTIVE,
            )
        before = locked.status
        locked.status = DeliveryStatus.PENDING
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
        audit_record(
            actor=actor,
            action="webhooks.delivery.redelivered",
            obj=locked,
            body=locked.body,
            before={"status": before, "attempts": locked.attempts},
            after={"status": locked.status},
        )
        after_commit(_enqueue, [locked.pk])
    return locked
