"""The audits capability's webhook events: every engagement step writes "engagement.status_changed" for the
body's subscribers in the step's transaction (a refused step writes none), and a client's answer writes
"finding.responded"; payloads carry no internal notes."""

from __future__ import annotations

import json

import pytest

from audits.services import engagement_cancel, finding_response_submit
from bodies.models.tenants import Role
from core.errors import TransitionNotAllowed
from tests.factories import EngagementFactory, FindingFactory, MembershipFactory
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import webhook_subscription_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True


def _subscribe(body, events):
    admin = MembershipFactory(body=body, roles=[Role.BODY_ADMIN])
    subscription, _secret = webhook_subscription_create(
        body=body, actor=admin.user, url="http://127.0.0.1:9/hook", events=events
    )
    return admin, subscription


def test_each_engagement_step_is_an_event_for_the_subscribers():
    engagement = EngagementFactory(internal_notes="Do not tell anyone")
    admin, subscription = _subscribe(engagement.body, ["engagement.status_changed"])

    engagement_cancel(engagement=engagement, actor=admin.user, reason="Client withdrew")
    second = EngagementFactory(body=engagement.body, status="planned")
    engagement_cancel(engagement=second, actor=admin.user, reason="Moved to next year")

    events = list(WebhookEvent.objects.filter(body=engagement.body).order_by("created_at"))
    assert [(e.event, e.payload["previousStatus"], e.payload["status"]) for e in events] == [
        ("engagement.status_changed", "draft", "cancelled"),
        ("engagement.status_changed", "planned", "cancelled"),
    ]
    assert events[0].payload["engagement"]["reference"] == engagement.reference
    assert "Do not tell anyone" not in json.dumps([e.payload for e in events])
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 2


def test_a_refused_step_and_an_unsubscribed_body_write_no_event():
    engagement = EngagementFactory(status="closed")
    admin, _subscription = _subscribe(engagement.body, ["engagement.status_changed"])
    with pytest.raises(TransitionNotAllowed):
        engagement_cancel(engagement=engagement, actor=admin.user, reason="Too late")
    other = EngagementFactory()  # its body has no subscription
    engagement_cancel(
        engagement=other,
        actor=MembershipFactory(body=other.body, roles=[Role.BODY_ADMIN]).user,
        reason="Gone",
    )
    assert WebhookEvent.objects.count() == 0


def test_a_client_answer_is_a_finding_responded_event():
    finding = FindingFactory(kind="car")
    admin, _subscription = _subscribe(finding.body, ["finding.responded"])
    finding_response_submit(
        finding=finding,
        actor=admin.user,
        fields={"root_cause": "No check", "correction": "Fixed", "corrective_action": "Procedure P-9"},
    )
    (event,) = WebhookEvent.objects.filter(event="finding.responded")
    assert event.payload["finding"]["id"] == str(finding.pk)
    assert event.payload["status"] == "response_submitted"
    assert "No check" not in json.dumps(event.payload) and finding.internal_note not in json.dumps(
        event.payload
    )
