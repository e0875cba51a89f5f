"""The back office: registry staff keep the registry's own register through the services (rules on the form's
fields, audit on the registry's chain, a review action), read every body's risks, meetings and actions; the
registry home lists the registry's risks past their review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from core.models import REGISTRY_CHAIN, AuditEvent
from core.registry_home import HOME, registry_today
from impartiality.models import RegistryRisk
from impartiality.services import review_date_limit
from tests.factories import CommitteeActionFactory, RiskFactory, StaffFactory

pytestmark = pytest.mark.django_db


def form_data(owner, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "title": "Registry staff auditing former colleagues",
        "source_kind": "person",
        "source": "Two registry staff came from an approved body",
        "threat": "familiarity",
        "likelihood": "3",
        "impact": "3",
        "mitigation": "Two years without decisions on a former employer",
        "owner": str(owner.pk),
        "next_review_on": review_date_limit(registry_today()).isoformat(),
        **overrides,
    }


def test_staff_add_a_registry_risk_through_the_service(client, world):
    client.force_login(world.staff)
    response = client.post(reverse("admin:impartiality_registryrisk_add"), form_data(world.staff))

    assert response.status_code == 302, response.content[:2000]
    risk = RegistryRisk.objects.get()
    assert (risk.rating, risk.status) == (9, "open")
    event = AuditEvent.objects.get(object_id=str(risk.pk))
    assert (event.action, event.chain, event.actor) == (
        "impartiality.registry_risk.created",
        REGISTRY_CHAIN,
        world.staff,
    )


def test_the_service_rules_show_on_the_admin_form_and_nothing_is_saved(client, world):
    client.force_login(world.staff)
    too_far = (review_date_limit(registry_today()) + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("admin:impartiality_registryrisk_add"), form_data(world.staff, next_review_on=too_far)
    )

    assert response.status_code == 200
    assert "next_review_on" in response.context["adminform"].form.errors
    assert not RegistryRisk.objects.exists()


def test_staff_change_a_registry_risk_and_only_the_change_is_recorded(client, world):
    client.force_login(world.staff)
    client.post(reverse("admin:impartiality_registryrisk_add"), form_data(world.staff))
    risk = RegistryRisk.objects.get()

    response = client.post(
        reverse("admin:impartiality_registryrisk_change", args=[risk.pk]),
        form_data(world.staff, likelihood="5", next_review_on=risk.next_review_on.isoformat()),
    )

    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.likelihood == 5
    event = AuditEvent.objects.filter(object_id=str(risk.pk)).latest("sequence")
    assert (event.action, event.before, event.after) == (
        "impartiality.registry_risk.updated",
        {"likelihood": 3},
        {"likelihood": 5},
    )


def test_the_review_action_marks_today(client, world):
    client.force_login(world.staff)
    client.post(reverse("admin:impartiality_registryrisk_add"), form_data(world.staff))
    risk = RegistryRisk.objects.get()

    client.post(
        reverse("admin:impartiality_registryrisk_changelist"),
        {"action": "review_today", "_selected_action": [str(risk.pk)]},
    )

    risk.refresh_from_db()
    assert risk.last_reviewed_on == registry_today()


def test_a_body_admin_cannot_reach_the_registry_register(client, world):
    client.force_login(world.a.admin)
    assert client.get(reverse("admin:impartiality_registryrisk_changelist")).status_code == 302
    response = client.post(reverse("admin:impartiality_registryrisk_add"), form_data(StaffFactory()))
    assert response.status_code == 302
    assert not RegistryRisk.objects.exists()


def test_staff_read_every_body_s_register_and_committee_read_only(client, world):
    risk = RiskFactory(owner__body=world.a.body)
    action = CommitteeActionFactory(meeting__body=world.b.body)
    client.force_login(world.staff)
    for name, pk in (
        ("risk", risk.pk),
        ("committeemeeting", action.meeting_id),
        ("committeeaction", action.pk),
    ):
        assert client.get(reverse(f"admin:impartiality_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:impartiality_{name}_change", args=[pk])).status_code == 200
        assert client.get(reverse(f"admin:impartiality_{name}_add")).status_code == 403
    listed = client.get(reverse("admin:impartiality_risk_changelist")).content.decode()
    assert "Self-interest" in listed


def test_the_registry_home_lists_registry_risks_past_their_review_and_the_links_open(client, world):
    today = registry_today()
    late = RegistryRisk.objects.create(
        title="Late one",
        source_kind="activity",
        source="x",
        threat="intimidation",
        likelihood=1,
        impact=1,
        mitigation="x",
        owner=world.staff,
        next_review_on=today - timedelta(days=1),
    )
    RegistryRisk.objects.create(
        title="Due today",
        source_kind="activity",
        source="x",
        threat="intimidation",
        likelihood=1,
        impact=1,
        mitigation="x",
        owner=world.staff,
        next_review_on=today,
    )
    queue = HOME.get("impartiality.registry_risks")
    state = queue.state(today=today, limit=5)  # type: ignore[union-attr]

    assert state.count == 1
    assert [(row.label, row.days) for row in state.rows] == [("Late one", 1)]
    client.force_login(world.staff)
    listed = client.get(state.url)
    assert listed.status_code == 200 and "Late one" in listed.content.decode()
    assert "Due today" not in listed.content.decode()
    assert client.get(state.rows[0].url).status_code == 200
    assert late.pk
