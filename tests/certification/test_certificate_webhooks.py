"""Certification's webhook events: the expiry sweep tells the body's subscribers "certificate.expired" once per
certificate (a second sweep nothing), with the public facts only."""

from __future__ import annotations

from datetime import date

import pytest

from bodies.models.tenants import Role
from certification.services.expiry import certificate_expire_due
from tests.factories import CertificateFactory, MembershipFactory
from webhooks.models import WebhookEvent
from webhooks.services import webhook_subscription_create

pytestmark = pytest.mark.django_db


def test_the_expiry_sweep_emits_certificate_expired_once(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    certificate = CertificateFactory(initial_certification_on=date(2023, 3, 15), expires_on=date(2026, 3, 14))
    admin = MembershipFactory(body=certificate.body, roles=[Role.BODY_ADMIN])
    webhook_subscription_create(
        body=certificate.body, actor=admin.user, url="http://127.0.0.1:9/hook", events=["certificate.expired"]
    )

    assert certificate_expire_due(today=date(2026, 3, 14)) == 0  # its last valid day
    assert not WebhookEvent.objects.exists()
    assert certificate_expire_due(today=date(2026, 3, 15)) == 1
    assert certificate_expire_due(today=date(2026, 3, 16)) == 0

    (event,) = WebhookEvent.objects.all()
    assert event.event == "certificate.expired"
    assert event.payload["certificate"]["number"] == certificate.number
    assert event.payload["certificate"]["status"] == "expired"
    assert event.payload["certificate"]["expiresOn"] == "2026-03-14"
