"""The demo's declarations of interest: every annual state, waiting for review, barring, per engagement, and a
correction with a consultancy inside the cooling-off period — all written through the services."""

from __future__ import annotations

from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from bodies.models import Membership
from core.models import AuditEvent
from impartiality.models import Declaration
from impartiality.selectors import annual_declaration_state
from impartiality.services import DECLARATION_RENEWAL, DECLARATION_REVIEW
from reminders.models import Deadline

NORDIC = "Nordic Carbon Verification ehf."


def _state(email: str, body: str = NORDIC) -> str:
    membership = Membership.objects.select_related("body").get(user__email=email, body__legal_name=body)
    return annual_declaration_state(membership, on=timezone.localdate()).state


@pytest.mark.django_db
def test_the_demo_declares_interests_in_every_state(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    # when the demo is loaded
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()

    # then the annual declarations are in every state
    assert _state("helga@nordic-verification.example") == "current"
    assert _state("einar@nordic-verification.example") == "expiring"
    assert _state("freelance.auditor@example.org") == "expired"
    assert _state("gunnar@nordic-verification.example") == "current"
    assert (
        _state("kadri@baltic-certification.example", "Baltic Management Systems Certification OÜ")
        == "current"
    )
    assert (
        _state("peeter@baltic-certification.example", "Baltic Management Systems Certification OÜ")
        == "missing"
    )

    # and the administrator's own waits for review (she cannot review it), with its reminder watched
    waiting = Declaration.objects.get(declarant__email="admin@nordic-verification.example")
    assert waiting.status == "submitted"
    assert Deadline.objects.filter(
        kind=DECLARATION_REVIEW, subject_id=str(waiting.pk), closed_at=None
    ).exists()

    # and Gunnar's correction (version 2) lists a consultancy for a demo client that ended less than two years
    # ago; its review found it barring, and version 1 is superseded but kept
    correction = Declaration.objects.get(declarant__email="gunnar@nordic-verification.example", version=2)
    assert correction.review_outcome == "barring"
    assert correction.previous.status == "superseded"
    consultancy = correction.relationships.get(kind="consultancy")
    assert consultancy.client.legal_name == "Reykjanes Geothermal Power hf."
    assert today - relativedelta(years=2) < consultancy.ended_on < today

    # and a per-engagement declaration names an ICR project
    # (the engagements part adds the declarations of its teams, for other projects and clients)
    engagement = Declaration.objects.get(kind="engagement", project__registry_number="ICR-00017")
    assert engagement.declarant.email == "helga@nordic-verification.example"
    assert engagement.status == "reviewed"

    # and the renewal reminders follow the backdated ends; everything went through the audited services
    expiring = Declaration.objects.get(declarant__email="einar@nordic-verification.example")
    assert (
        Deadline.objects.get(kind=DECLARATION_RENEWAL, subject_id=str(expiring.pk)).due_on
        == expiring.valid_until
    )
    assert (expiring.valid_until - today).days == 20
    assert (
        AuditEvent.objects.filter(action="impartiality.declaration.submitted").count()
        == Declaration.objects.exclude(status="draft").count()
    )
    # seven reviews here, and those of the engagements part's per-engagement declarations
    assert AuditEvent.objects.filter(action="impartiality.declaration.reviewed").count() == (
        7
        + Declaration.objects.filter(kind="engagement").exclude(project__registry_number="ICR-00017").count()
    )
