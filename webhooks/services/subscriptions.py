"""A body's webhook subscriptions: made, changed, deleted, their secret rotated, pinged. Every write is by a
named person who keeps the body's webhooks (`webhooks.permissions`), atomic and audited; the secret is
returned only by `webhook_subscription_create` and `webhook_subscription_rotate_secret`, and never recorded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_changes, audit_record, snapshot
from core.errors import TransitionNotAllowed, ValidationError, coded, refuse_other_fields
from core.types import Actor

from ..error_codes import WebhooksErrorCode
from ..models import WebhookSubscription
from ..permissions import require_manage_webhooks
from ..registry import PING, event_choices
from ..signing import secret_encrypt, secret_generate
from ..transport import url_validate

if TYPE_CHECKING:
    from bodies.models.tenants import Body

#: what a person may set on a subscription (the secret is the platform's to make)
SUBSCRIPTION_FIELDS = ("url", "description", "events", "active")
#: what the audit trail records of one (never the secret)
RECORDED_FIELDS = ["url", "description", "events", "active"]
DESCRIPTION_MAX_LENGTH = 200


def events_validate(events: Iterable[str] | None) -> list[str]:
    """The subscribed codes, each once, sorted; every one declared by a capability (not the ping, which is sent
    on demand)."""
    codes = sorted({str(code) for code in (events or [])})
    if not codes:
        raise ValidationError(
            {"events": coded(_("Choose at least one event."), WebhooksErrorCode.EVENTS_REQUIRED)}
        )
    known = {code for code, _label in event_choices()}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            {
                "events": coded(
                    _("Unknown event(s): %(events)s") % {"events": ", ".join(unknown)},
                    WebhooksErrorCode.UNKNOWN_EVENT,
                )
            }
        )
    return codes


def _cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    """Each given field checked; errors of all of them together."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name, check in (
        ("url", lambda value: url_validate(value)),
        ("events", events_validate),
        ("description", _description),
    ):
        if name in fields:
            try:
                cleaned[name] = check(fields[name])
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if "active" in fields:
        cleaned["active"] = bool(fields["active"])
    if errors:
        raise ValidationError(errors)
    return cleaned


def _description(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {
                "description": coded(
                    _("At most %(count)d characters.") % {"count": DESCRIPTION_MAX_LENGTH},
                    WebhooksErrorCode.TOO_LONG,
                )
            }
        )
    return text


def webhook_subscription_create(
    *,
    body: Body,
    actor: Actor,
    url: str,
    events: Iterable[str],
    description: str = "",
    active: bool = True,
) -> tuple[WebhookSubscription, str]:
    """A new subscription of the body; returns it with its secret, which is shown this once."""
    require_manage_webhooks(actor, body)
    cleaned = _cleaned({"url": url, "events": list(events), "description": description, "active": active})
    secret = secret_generate()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            body=body,
            created_by=actor,
            secret_encrypted=secret_encrypt(secret),
            secret_rotated_at=timezone.now(),
            **cleaned,
        )
        audit_record(
            actor=actor,
            action="webhooks.subscription.created",
            obj=subscription,
            body=body,
            after=snapshot(subscription, RECORDED_FIELDS),
        )
    return subscription, secret


def _locked(subscription: WebhookSubscription) -> WebhookSubscription:
    return WebhookSubscription.objects.select_for_update().select_related("body").get(pk=subscription.pk)


def webhook_subscription_update(
    *, subscription: WebhookSubscription, actor: Actor, fields: dict[str, Any]
) -> WebhookSubscription:
    """Changes the URL, description, events or whether it is active; only the changes are recorded. A paused
    subscription keeps its deliveries waiting; they go out once it is active again."""
    require_manage_webhooks(actor, subscription.body)
    refuse_other_fields(fields, SUBSCRIPTION_FIELDS, changing=True)
    cleaned = _cleaned(fields)
    with transaction.atomic():
        locked = _locked(subscription)
        before = snapshot(locked, RECORDED_FIELDS)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*cleaned, "updated_at"])
        audit_changes(
            actor=actor,
            action="webhooks.subscription.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, RECORDED_FIELDS),
        )
    return locked


def webhook_subscription_delete(*, subscription: WebhookSubscription, actor: Actor) -> None:
    """Deletes the subscription with its delivery log; deliveries still waiting are never sent."""
    require_manage_webhooks(actor, subscription.body)
    with transaction.atomic():
        locked = _locked(subscription)
        audit_record(
            actor=actor,
            action="webhooks.subscription.deleted",
            obj=locked,
            body=locked.body,
            before=snapshot(locked, RECORDED_FIELDS),
        )
        locked.delete()


def webhook_subscription_rotate_secret(
    *, subscription: WebhookSubscription, actor: Actor
) -> tuple[WebhookSubscription, str]:
    """A new secret at once (the old one stops signing); returns it, shown this once. Deliveries waiting or
    retried from now on are signed with the new one."""
    require_manage_webhooks(actor, subscription.body)
    secret = secret_generate()
    with transaction.atomic():
        locked = _locked(subscription)
        before = {"secret_rotated_at": locked.secret_rotated_at}
        locked.secret_encrypted = secret_encrypt(secret)
        locked.secret_rotated_at = timezone.now()
        locked.save(update_fields=["secret_encrypted", "secret_rotated_at", "updated_at"])
        audit_record(
            actor=actor,
            action="webhooks.subscription.secret_rotated",
            obj=locked,
            body=locked.body,
            before=before,
            after={"secret_rotated_at": locked.secret_rotated_at},
        )
    return locked, secret


def webhook_subscription_ping(*, subscription: WebhookSubscription, actor: Actor) -> Any:
    """Sends a `webhook.ping` event to this one subscription now (whatever events it chose), so a person can
    see the receiver answer in the delivery log. Returns the delivery."""
    from .outbox import event_write

    require_manage_webhooks(actor, subscription.body)
    with transaction.atomic():
        locked = _locked(subscription)
        if not locked.active:
            raise TransitionNotAllowed(
                _("This subscription is paused; activate it to send it a ping."),
                current="inactive",
                code=WebhooksErrorCode.SUBSCRIPTION_INACTIVE,
            )
        _event, deliveries = event_write(
            body=locked.body,
            event=PING,
            payload={"subscriptionId": str(locked.pk), "message": "Ping from ICR Conformity"},
            subscriptions=[locked],
        )
        audit_record(
            actor=actor,
            action="webhooks.subscription.pinged",
            obj=locked,
            body=locked.body,
            after={"event_id": str(_event.pk)},
        )
    return deliveries[0]
