"""Overrides of conflicts (`conflict_override`) and the body's impartiality policy (`impartiality_policy_set`):
who may, what never, the justification, the audit trail and who is told."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bodies.models import Membership, Role
from core.errors import PermissionDenied, ValidationError, error_code
from core.models import AuditEvent
from impartiality.models import ConflictOverride, ImpartialityPolicy
from impartiality.services import (
    conflict_check,
    conflict_override,
    impartiality_policy_get,
    impartiality_policy_set,
)
from reminders.models import Notification
from tests.factories import (
    ClientFactory,
    DeclarationFactory,
    MembershipFactory,
    RelationshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("english")

START = date(2026, 6, 1)
END = date(2026, 6, 5)


def declare(person: Membership, client: Any, *kinds: str) -> None:
    """A current annual declaration listing ongoing relationships of these kinds with the client."""
    declaration = DeclarationFactory(membership=person)
    for kind in kinds:
        RelationshipFactory(
            declaration=declaration, kind=kind, client=client, started_on=date(2024, 1, 1), ended_on=None
        )


def override(
    actor: Any, person: Membership, client: Any, rule: str = "financial_interest", **more: Any
) -> ConflictOverride:
    values = {
        "actor": actor,
        "membership": person,
        "client": client,
        "rule": rule,
        "starts_on": START,
        "ends_on": END,
        "justification": "The shares are held in a blind trust.",
        **more,
    }
    return conflict_override(**values)


def state() -> tuple[int, int, int]:
    return ConflictOverride.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def test_the_body_administrator_overrides_a_financial_interest(world, person, hekla):
    declare(person, hekla, "financial_interest")
    made = override(world.a.admin, person, hekla, justification="  The shares are held in a blind trust.  ")

    assert (made.membership, made.client, made.project) == (person, hekla, None)
    assert (made.rule, made.starts_on, made.ends_on) == ("financial_interest", START, END)
    assert made.justification == "The shares are held in a blind trust."
    assert made.overridden_by == world.a.admin
    assert made.body == world.a.body
    # the conflict is still listed, marked overridden; it no longer bars
    report = conflict_check(membership=person, client=hekla, starts_on=START, ends_on=END)
    financial = next(c for c in report.conflicts if c.rule == "financial_interest")
    assert financial.override == made
    assert financial not in report.bars
    # audited
    event = AuditEvent.objects.get(action="impartiality.conflict.overridden")
    assert event.actor == world.a.admin
    assert event.body == world.a.body
    assert event.object_id == str(made.pk)
    assert event.after["rule"] == "financial_interest"
    assert event.after["justification"] == "The shares are held in a blind trust."
    assert event.after["membership"] == str(person.pk)
    # the person and the body's administrators are told
    told = Notification.objects.filter(kind="impartiality.conflict.overridden")
    assert sorted(n.user.email for n in told) == ["admin.a@example.org", "member.a@example.org"]
    message = told.get(user=world.a.member).message
    assert message == (
        'Admin A overrode the conflict "Financial interest" of Member A with Hekla Geothermal hf. from '
        "1 Jun 2026 to 5 Jun 2026 in Body A. Justification: The shares are held in a blind trust."
    )


def test_an_override_covers_a_conflict_that_needs_mitigation_too(world, person, hekla):
    declare(person, hekla, "family")
    made = override(world.a.admin, person, hekla, rule="family")
    report = conflict_check(membership=person, client=hekla, starts_on=START, ends_on=END)
    assert next(c for c in report.conflicts if c.rule == "family").override == made
    assert report.needs_mitigation == ()


def test_an_override_of_a_missing_engagement_declaration_is_possible(world, person, hekla):
    declare(person, hekla)
    made = override(world.a.admin, person, hekla, rule="engagement_declaration_missing")
    assert made.rule == "engagement_declaration_missing"


@pytest.mark.parametrize("rule", ["cooling_off", "current_employment"])
def test_an_absolute_conflict_is_never_overridden(world, person, hekla, rule):
    declare(person, hekla, "consultancy", "employment")
    before = state()
    with pytest.raises(ValidationError) as caught:
        override(world.a.admin, person, hekla, rule=rule)
    assert error_code(caught.value) == "conflict_absolute"
    assert set(caught.value.message_dict) == {"rule"}
    assert state() == before


def test_a_member_without_the_override_role_is_refused(world, person, hekla):
    colleague = MembershipFactory(body=world.a.body, roles=[Role.LEAD_AUDITOR])
    declare(person, hekla, "financial_interest")
    before = state()
    for actor in (colleague.user, world.b.admin, world.staff):
        with pytest.raises(PermissionDenied) as caught:
            override(actor, person, hekla)
        assert caught.value.code == "override_not_allowed"
    assert state() == before


def test_a_suspended_administrator_is_refused(world, person, hekla):
    declare(person, hekla, "financial_interest")
    Membership.objects.filter(user=world.a.admin, body=world.a.body).update(
        status=Membership.Status.SUSPENDED
    )
    before = state()
    with pytest.raises(PermissionDenied) as caught:
        override(world.a.admin, person, hekla)
    assert caught.value.code == "override_not_allowed"
    assert state() == before


def test_nobody_overrides_their_own_conflict(world, hekla):
    admin = Membership.objects.get(user=world.a.admin, body=world.a.body)
    declare(admin, hekla, "financial_interest")
    before = state()
    with pytest.raises(PermissionDenied) as caught:
        override(world.a.admin, admin, hekla)
    assert caught.value.code == "override_own_conflict"
    assert state() == before


@pytest.mark.parametrize("justification", ["", "   "])
def test_a_justification_is_required(world, person, hekla, justification):
    declare(person, hekla, "financial_interest")
    before = state()
    with pytest.raises(ValidationError) as caught:
        override(world.a.admin, person, hekla, justification=justification)
    assert error_code(caught.value) == "justification_required"
    assert set(caught.value.message_dict) == {"justification"}
    assert state() == before


def test_only_a_conflict_the_check_finds_and_only_once(world, person, hekla):
    declare(person, hekla, "financial_interest")
    before = state()
    with pytest.raises(ValidationError) as caught:
        override(world.a.admin, person, hekla, rule="family")
    assert error_code(caught.value) == "conflict_not_found"
    with pytest.raises(ValidationError) as caught:
        override(world.a.admin, person, hekla, rule="no_such_rule")
    assert error_code(caught.value) == "invalid_choice"
    assert state() == before

    override(world.a.admin, person, hekla)
    after_first = state()
    with pytest.raises(ValidationError) as caught:
        override(world.a.admin, person, hekla, ends_on=date(2026, 6, 3))  # inside the period already covered
    assert error_code(caught.value) == "conflict_already_overridden"
    assert state() == after_first
    # a longer period is not covered yet: a new override
    override(world.a.admin, person, hekla, ends_on=date(2026, 6, 30))
    assert ConflictOverride.objects.count() == 2


def test_the_check_validation_applies_to_an_override(world, person, hekla):
    declare(person, hekla, "financial_interest")
    before = state()
    with pytest.raises(ValidationError) as caught:
        override(world.a.admin, person, hekla, starts_on=END, ends_on=START)
    assert error_code(caught.value) == "planned_end_before_start"
    with pytest.raises(ValidationError) as caught:
        override(world.a.admin, person, ClientFactory(body=world.b.body))
    assert error_code(caught.value) == "counterparty_other_body"
    assert state() == before


# --- the body's impartiality policy -------------------------------------------------------------------------


def test_the_policy_names_who_overrides(world, person, hekla):
    committee = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    declare(person, hekla, "financial_interest")
    assert impartiality_policy_get(body=world.a.body).override_role == Role.BODY_ADMIN
    assert not ImpartialityPolicy.objects.exists()

    policy = impartiality_policy_set(
        body=world.a.body, actor=world.a.admin, override_role=Role.IMPARTIALITY_COMMITTEE
    )
    assert policy.override_role == Role.IMPARTIALITY_COMMITTEE
    event = AuditEvent.objects.get(action="impartiality.policy.changed")
    assert (event.before, event.after) == (
        {"override_role": "body_admin"},
        {"override_role": "impartiality_committee_member"},
    )
    assert event.actor == world.a.admin

    before = state()
    with pytest.raises(PermissionDenied) as caught:
        override(world.a.admin, person, hekla)
    assert caught.value.code == "override_not_allowed"
    assert state() == before
    assert override(committee.user, person, hekla).overridden_by == committee.user


def test_setting_the_role_in_force_records_nothing(world):
    impartiality_policy_set(body=world.a.body, actor=world.a.admin, override_role=Role.BODY_ADMIN)
    assert not ImpartialityPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="impartiality.policy.changed").exists()
    impartiality_policy_set(body=world.a.body, actor=world.a.admin, override_role=Role.DECISION_MAKER)
    impartiality_policy_set(body=world.a.body, actor=world.a.admin, override_role=Role.DECISION_MAKER)
    assert AuditEvent.objects.filter(action="impartiality.policy.changed").count() == 1
    # back to the default: recorded too
    impartiality_policy_set(body=world.a.body, actor=world.a.admin, override_role=Role.BODY_ADMIN)
    assert AuditEvent.objects.filter(action="impartiality.policy.changed").count() == 2
    assert ImpartialityPolicy.objects.get().override_role == Role.BODY_ADMIN


def test_only_the_body_administrators_and_staff_change_the_policy(world):
    committee = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    for actor in (world.a.member, committee.user, world.b.admin, UserFactory()):
        with pytest.raises(PermissionDenied):
            impartiality_policy_set(body=world.a.body, actor=actor, override_role=Role.IMPARTIALITY_COMMITTEE)
    assert not ImpartialityPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="impartiality.policy.changed").exists()
    impartiality_policy_set(body=world.a.body, actor=world.staff, override_role=Role.DECISION_MAKER)
    assert ImpartialityPolicy.objects.get().override_role == Role.DECISION_MAKER


def test_an_unknown_role_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        impartiality_policy_set(body=world.a.body, actor=world.a.admin, override_role="king")
    assert error_code(caught.value) == "invalid_choice"
    assert set(caught.value.message_dict) == {"override_role"}
    assert not ImpartialityPolicy.objects.exists()


# --- the back office ----------------------------------------------------------------------------------------


def test_registry_staff_read_every_bodys_overrides_and_policies(world, person, hekla, client):
    from django.urls import reverse

    from tests.factories import ConflictOverrideFactory

    made = ConflictOverrideFactory(membership=person, client=hekla, overridden_by=world.a.admin)
    b_made = ConflictOverrideFactory(
        membership=MembershipFactory(body=world.b.body), overridden_by=world.b.admin
    )
    impartiality_policy_set(body=world.a.body, actor=world.a.admin, override_role=Role.IMPARTIALITY_COMMITTEE)
    client.force_login(world.staff)
    page = client.get(reverse("admin:impartiality_conflictoverride_changelist"))
    assert page.status_code == 200
    assert {o.pk for o in page.context["cl"].result_list} == {made.pk, b_made.pk}
    assert "Financial interest" in page.content.decode()
    assert (
        client.get(reverse("admin:impartiality_conflictoverride_changelist"), {"rule": "family"})
        .context["cl"]
        .result_count
        == 0
    )
    assert (
        client.get(reverse("admin:impartiality_conflictoverride_change", args=[made.pk])).status_code == 200
    )
    assert client.get(reverse("admin:impartiality_conflictoverride_add")).status_code == 403
    assert (
        client.post(reverse("admin:impartiality_conflictoverride_delete", args=[made.pk])).status_code == 403
    )
    assert client.get(reverse("admin:impartiality_impartialitypolicy_changelist")).status_code == 200
    assert ConflictOverride.objects.count() == 2
    # the body's own people never reach the back office
    client.force_login(world.a.admin)
    assert client.get(reverse("admin:impartiality_conflictoverride_changelist")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_administrators_overriding_the_same_conflict_at_once_record_one():
    import threading

    from django.db import connection

    from tests.factories import BodyFactory

    # given a person with a financial interest in a client, and two administrators of the body
    body = BodyFactory()
    first, second = UserFactory(), UserFactory()
    MembershipFactory(user=first, body=body, roles=[Role.BODY_ADMIN])
    MembershipFactory(user=second, body=body, roles=[Role.BODY_ADMIN])
    person = MembershipFactory(body=body, roles=[Role.AUDITOR])
    client = ClientFactory(body=body)
    declare(person, client, "financial_interest")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            override(actor, Membership.objects.get(pk=person.pk), client)
            outcomes.append("recorded")
        except ValidationError as exc:
            outcomes.append(error_code(exc))
        finally:
            connection.close()

    # when both override at once
    threads = [threading.Thread(target=attempt, args=(actor,)) for actor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one override is recorded and the other is told it is already covered
    assert sorted(outcomes) == ["conflict_already_overridden", "recorded"]
    assert ConflictOverride.objects.count() == 1
    assert AuditEvent.objects.filter(action="impartiality.conflict.overridden").count() == 1
