"""The bodies part of the demo data shows the registry's verification at work."""

from __future__ import annotations

import pytest

from bodies import services
from bodies.models import Accreditation, Body
from core.errors import ValidationError
from demo.contributors import bodies as demo_bodies
from demo.registry import DemoContext
from tests.factories import today

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_pending_a_refused_and_verified_accreditations_and_a_blocked_approval():
    # when the bodies part of the demo is loaded
    demo_bodies.load(DemoContext(today=today()))

    # then the approved bodies' accreditations are verified, one is refused with its reason, one waits
    approved = Accreditation.objects.filter(body__status=Body.Status.APPROVED)
    assert set(approved.values_list("verification", flat=True)) == {"verified", "refused"}
    refused = Accreditation.objects.get(verification="refused")
    assert refused.verification_reason.startswith("The attached certificate is an ISO/IEC 17020")
    pending = Accreditation.objects.get(verification="pending")
    assert pending.body.short_name == "GreenLedger"
    assert all(
        accreditation.certificate.name.endswith(".pdf") for accreditation in Accreditation.objects.all()
    )

    # and GreenLedger (agreement signed) cannot be approved until its accreditation is verified
    staff = pending.verified_by or Body.objects.get(short_name="Nordic CV").status_changes.first().decided_by
    with pytest.raises(ValidationError) as exc:
        services.body_approve(body=pending.body, actor=staff, reason="Try")
    assert exc.value.error_dict["accreditations"][0].code == "verified_accreditation_missing"
    services.accreditation_verify(accreditation=pending, actor=staff)
    assert (
        services.body_approve(body=pending.body, actor=staff, reason="Verified").status
        == Body.Status.APPROVED
    )
