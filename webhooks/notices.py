"""Who is told when a webhook delivery gives up (`reminders.notices`): the body's administrators."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reminders.notices import NoticeKind, register
from reminders.recipients import body_administrators


def _values(delivery: Any) -> dict[str, Any]:
    return {"url": delivery.subscription.url, "event_id": str(delivery.event_id)}


def _log_url(delivery: Any) -> str:
    return f"{reverse('webhooks:deliveries')}?subscription={delivery.subscription_id}"


register(
    NoticeKind(
        key="webhooks.delivery.given_up",
        title=_("A webhook to %(url)s could not be delivered"),
        message=_(
            "ICR Conformity tried %(attempts)s times to deliver the event %(event_id)s to %(url)s and has "
            "given up. Check the receiver, then send it again from the delivery log."
        ),
        audience=body_administrators,
        url=_log_url,
        values=_values,
        label=_("Webhook delivery given up"),
    )
)
