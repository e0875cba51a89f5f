"""Declarations of interest and their review: the services at their boundaries."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from bodies.models import Membership, Role
from core.audit import audit_verify_chain
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, error_code
from core.models import AuditEvent
from impartiality.models import Declaration, Relationship
from impartiality.selectors import annual_declaration_state, declaration_versions, review_queue
from impartiality.services import (
    DECLARATION_RENEWAL,
    DECLARATION_REVIEW,
    declaration_correct,
    declaration_review,
    declaration_start,
    declaration_submit,
    relationship_add,
    relationship_remove,
    relationship_update,
)
from reminders.models import Deadline, Notification
from tests.factories import (
    ClientFactory,
    DeclarationFactory,
    MembershipFactory,
    ProjectFactory,
    RelationshipFactory,
    UserFactory,
)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Sets the platform's clock (UTC) for the rest of the test."""

    def set_clock(moment: str) -> None:
        now = datetime.fromisoformat(moment).replace(tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: now)

    return set_clock


def _membership(user, body) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(user=user, body=body)


def _row(obj) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def _fields(**changes):  # type: ignore[no-untyped-def]
    return {
        "kind": "consultancy",
        "counterparty_kind": "consultant",
        "counterparty_name": "Carbon Advisers ehf.",
        "started_on": date(2024, 1, 1),
        "ended_on": date(2025, 6, 30),
        "description": "Advised on a validation report",
        **changes,
    }


def _code(exc: pytest.ExceptionInfo) -> str:  # type: ignore[type-arg]
    return error_code(exc.value)


# --- starting a draft -----------------------------------------------------------------------------------------


def test_member_starts_own_annual_draft_audited(world):
    # given a member of body A
    membership = _membership(world.a.member, world.a.body)

    # when they start their annual declaration
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")

    # then it is their draft, version 1, with no counterparty, and the start is audited
    assert declaration.status == "draft"
    assert declaration.declarant == world.a.member
    assert declaration.body == world.a.body
    assert declaration.version == 1
    assert declaration.client is None and declaration.project is None
    event = AuditEvent.objects.get(action="impartiality.declaration.started")
    assert event.object_id == str(declaration.pk)
    assert event.actor == world.a.member


def test_nobody_drafts_for_someone_else(world):
    # given the member's membership and the body's administrator
    membership = _membership(world.a.member, world.a.body)

    # when the administrator starts a declaration for the member
    with pytest.raises(PermissionDenied) as refused:
        declaration_start(membership=membership, actor=world.a.admin, kind="annual")

    # then it is refused and nothing is created
    assert _code(refused) == "not_declarant"
    assert not Declaration.objects.exists()


def test_one_open_draft_per_person_kind_counterparty(world):
    # given a member with an open annual draft
    membership = _membership(world.a.member, world.a.body)
    declaration_start(membership=membership, actor=world.a.member, kind="annual")
    client = ClientFactory(body=world.a.body)

    # when they start a second annual draft
    with pytest.raises(ValidationError) as refused:
        declaration_start(membership=membership, actor=world.a.member, kind="annual")

    # then it is refused, but a per-engagement draft for a client is another declaration
    assert _code(refused) == "draft_already_open"
    assert Declaration.objects.count() == 1
    engagement = declaration_start(
        membership=membership, actor=world.a.member, kind="engagement", client=client
    )
    assert engagement.client == client
    with pytest.raises(ValidationError):
        declaration_start(membership=membership, actor=world.a.member, kind="engagement", client=client)
    assert Declaration.objects.count() == 2


def test_counterparty_rules_by_kind(world):
    membership = _membership(world.a.member, world.a.body)
    client_a = ClientFactory(body=world.a.body)
    project_b = ProjectFactory(body=world.b.body)

    # an annual declaration names no counterparty
    with pytest.raises(ValidationError) as annual:
        declaration_start(membership=membership, actor=world.a.member, kind="annual", client=client_a)
    assert annual.value.message_dict.keys() == {"client"}
    assert _code(annual) == "counterparty_not_allowed"

    # a per-engagement one needs a client or a project
    with pytest.raises(ValidationError) as missing:
        declaration_start(membership=membership, actor=world.a.member, kind="engagement")
    assert _code(missing) == "counterparty_required"

    # of the same body
    with pytest.raises(ValidationError) as other:
        declaration_start(membership=membership, actor=world.a.member, kind="engagement", project=project_b)
    assert other.value.message_dict.keys() == {"project"}
    assert _code(other) == "counterparty_other_body"
    assert not Declaration.objects.exists()

    # a project of the body is fine
    project_a = ProjectFactory(body=world.a.body)
    declaration = declaration_start(
        membership=membership, actor=world.a.member, kind="engagement", project=project_a
    )
    assert declaration.counterparty == project_a


# --- relationships --------------------------------------------------------------------------------------------


def test_declarant_adds_updates_removes_relationships_on_draft(world):
    # given the member's draft
    membership = _membership(world.a.member, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")
    client = ClientFactory(body=world.a.body)

    # when they add a relationship with a client, change it and add one with a named consultant
    relationship = relationship_add(
        declaration=declaration,
        actor=world.a.member,
        fields=_fields(counterparty_kind="client", client=client, counterparty_name=""),
    )
    relationship_update(
        relationship=relationship, actor=world.a.member, fields={"description": "  Audit prep  "}
    )
    named = relationship_add(declaration=declaration, actor=world.a.member, fields=_fields())

    # then both are on the draft, the change is recorded, and removing one leaves the other
    relationship.refresh_from_db()
    assert relationship.description == "Audit prep"
    assert relationship.body == world.a.body
    assert list(declaration.relationships.order_by("counterparty_name")) == [relationship, named]
    relationship_remove(relationship=relationship, actor=world.a.member)
    assert list(declaration.relationships.all()) == [named]
    assert list(
        AuditEvent.objects.filter(action__startswith="impartiality.relationship.")
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "impartiality.relationship.added",
        "impartiality.relationship.updated",
        "impartiality.relationship.added",
        "impartiality.relationship.removed",
    ]
    updated = AuditEvent.objects.get(action="impartiality.relationship.updated")
    assert updated.after == {"description": "Audit prep"}


def test_relationship_period_boundaries(world):
    membership = _membership(world.a.member, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")

    # ending the day before it starts is refused
    with pytest.raises(ValidationError) as refused:
        relationship_add(
            declaration=declaration,
            actor=world.a.member,
            fields=_fields(started_on=date(2025, 3, 2), ended_on=date(2025, 3, 1)),
        )
    assert refused.value.message_dict.keys() == {"ended_on"}
    assert _code(refused) == "relationship_ends_before_start"
    assert not Relationship.objects.exists()

    # ending the day it starts, or not yet ended, is fine
    same_day = relationship_add(
        declaration=declaration,
        actor=world.a.member,
        fields=_fields(started_on=date(2025, 3, 1), ended_on=date(2025, 3, 1)),
    )
    open_ended = relationship_add(
        declaration=declaration, actor=world.a.member, fields=_fields(ended_on=None)
    )
    assert same_day.ended_on == same_day.started_on
    assert open_ended.ended_on is None


def test_relationship_needs_a_counterparty_of_the_body_or_a_name(world):
    membership = _membership(world.a.member, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")
    client_b = ClientFactory(body=world.b.body)

    with pytest.raises(ValidationError) as nameless:
        relationship_add(declaration=declaration, actor=world.a.member, fields=_fields(counterparty_name=""))
    assert _code(nameless) == "counterparty_required"

    with pytest.raises(ValidationError) as other_body:
        relationship_add(
            declaration=declaration,
            actor=world.a.member,
            fields=_fields(counterparty_kind="client", client=client_b, counterparty_name=""),
        )
    assert other_body.value.message_dict.keys() == {"client"}
    assert _code(other_body) == "counterparty_other_body"

    with pytest.raises(ValidationError) as unknown_field:
        relationship_add(declaration=declaration, actor=world.a.member, fields=_fields(body=world.b.body))
    assert unknown_field.value.message_dict.keys() == {"body"}
    assert not Relationship.objects.exists()


def test_nothing_changes_on_a_submitted_declaration(world):
    # given a submitted declaration with a relationship
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="submitted")
    relationship = RelationshipFactory(declaration=declaration)
    before = _row(relationship)

    # when the declarant tries to add, change or remove a relationship
    for attempt in (
        lambda: relationship_add(declaration=declaration, actor=world.a.member, fields=_fields()),
        lambda: relationship_update(
            relationship=relationship, actor=world.a.member, fields={"description": "x"}
        ),
        lambda: relationship_remove(relationship=relationship, actor=world.a.member),
    ):
        with pytest.raises(TransitionNotAllowed) as refused:
            attempt()
        # then each is refused (409) and nothing changed
        assert refused.value.code == "declaration_not_draft"
    assert _row(relationship) == before
    assert Relationship.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="impartiality.relationship.").exists()


def test_only_the_declarant_touches_the_relationships(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    relationship = RelationshipFactory(declaration=declaration)
    before = _row(relationship)

    with pytest.raises(PermissionDenied) as refused:
        relationship_update(relationship=relationship, actor=world.a.admin, fields={"description": "x"})
    assert _code(refused) == "not_declarant"
    with pytest.raises(PermissionDenied):
        relationship_remove(relationship=relationship, actor=world.a.admin)
    with pytest.raises(PermissionDenied):
        relationship_add(declaration=declaration, actor=world.a.admin, fields=_fields())
    assert _row(relationship) == before
    assert Relationship.objects.count() == 1


# --- submitting -----------------------------------------------------------------------------------------------


def test_submit_needs_the_attestation(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    before = _row(declaration)

    with pytest.raises(ValidationError) as refused:
        declaration_submit(declaration=declaration, actor=world.a.member, attest=False)

    assert refused.value.message_dict.keys() == {"attest"}
    assert _code(refused) == "attestation_required"
    assert _row(declaration) == before


def test_only_the_declarant_submits(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="draft")
    before = _row(declaration)

    with pytest.raises(PermissionDenied) as refused:
        declaration_submit(declaration=declaration, actor=world.a.admin, attest=True)

    assert _code(refused) == "not_declarant"
    assert _row(declaration) == before


def test_submit_attests_sets_validity_tells_reviewers_and_watches_deadlines(world, clock):
    clock("2025-03-01 12:00:00")
    # given a member's annual draft, a committee member, and the body's administrator
    committee = UserFactory()
    MembershipFactory(user=committee, body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    membership = _membership(world.a.member, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")

    # when they attest and submit it
    submitted = declaration_submit(declaration=declaration, actor=world.a.member, attest=True)

    # then it is waiting for review, attested today (the body's day), current for 12 months
    row = Declaration.objects.get(pk=declaration.pk)
    assert row.status == "submitted"
    assert row.attested_at is not None and row.submitted_at == row.attested_at
    assert row.submitted_on == date(2025, 3, 1)
    assert row.valid_until == date(2026, 3, 1)
    assert submitted.valid_until == date(2026, 3, 1)
    # and the reviewers (not the declarant) are told once
    told = set(
        Notification.objects.filter(kind="impartiality.declaration.submitted").values_list(
            "user__email", flat=True
        )
    )
    assert told == {world.a.admin.email, committee.email}
    # and the renewal and the review are watched
    renewal = Deadline.objects.get(kind=DECLARATION_RENEWAL, subject_id=str(declaration.pk))
    assert renewal.due_on == date(2026, 3, 1)
    review = Deadline.objects.get(kind=DECLARATION_REVIEW, subject_id=str(declaration.pk))
    assert review.due_on == date(2025, 3, 6)
    event = AuditEvent.objects.get(action="impartiality.declaration.submitted")
    assert event.after == {"status": "submitted", "submitted_on": "2025-03-01", "valid_until": "2026-03-01"}


def test_submitted_declaration_cannot_be_submitted_again(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="submitted")
    before = _row(declaration)

    with pytest.raises(TransitionNotAllowed):
        declaration_submit(declaration=declaration, actor=world.a.member, attest=True)
    assert _row(declaration) == before


def test_annual_state_boundaries_day_365_and_366(world):
    # given an annual declaration submitted on 1 March 2025 (so current through 1 March 2026)
    membership = _membership(world.a.member, world.a.body)
    DeclarationFactory(
        membership=membership, submitted_on=date(2025, 3, 1), valid_until=date(2026, 3, 1), status="submitted"
    )

    # then before it was submitted it is missing, it is current until 30 days before its end,
    assert annual_declaration_state(membership, on=date(2025, 2, 28)).state == "missing"
    assert annual_declaration_state(membership, on=date(2025, 3, 1)).state == "current"
    assert annual_declaration_state(membership, on=date(2026, 1, 29)).state == "current"
    # expiring within 30 days, still current on its last day (day 365), expired from the next (day 366)
    assert annual_declaration_state(membership, on=date(2026, 1, 30)).state == "expiring"
    last_day = annual_declaration_state(membership, on=date(2026, 3, 1))
    assert last_day.state == "expiring"
    assert last_day.is_current
    assert last_day.days_left == 0
    expired = annual_declaration_state(membership, on=date(2026, 3, 2))
    assert expired.state == "expired"
    assert not expired.is_current
    assert expired.declaration is not None


def test_leap_year_span(world, clock):
    # given an annual declaration submitted on 1 March 2027: its year spans 29 February 2028 (366 days)
    clock("2027-03-01 12:00:00")
    membership = _membership(world.a.member, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")
    declaration_submit(declaration=declaration, actor=world.a.member, attest=True)
    declaration.refresh_from_db()
    # then it is current through 1 March 2028 (day 366) and expired on 2 March 2028
    assert declaration.valid_until == date(2028, 3, 1)
    assert (declaration.valid_until - declaration.submitted_on).days == 366
    assert annual_declaration_state(membership, on=date(2028, 2, 29)).state == "expiring"
    assert annual_declaration_state(membership, on=date(2028, 3, 1)).state == "expiring"
    assert annual_declaration_state(membership, on=date(2028, 3, 2)).state == "expired"


def test_submitted_on_29_february_is_current_until_28_february(world, clock):
    clock("2028-02-29 12:00:00")
    membership = _membership(world.a.member, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")
    declaration_submit(declaration=declaration, actor=world.a.member, attest=True)
    declaration.refresh_from_db()
    assert declaration.valid_until == date(2029, 2, 28)
    assert annual_declaration_state(membership, on=date(2029, 3, 1)).state == "expired"


def test_missing_without_any_live_declaration(world):
    membership = _membership(world.a.member, world.a.body)
    DeclarationFactory(membership=membership, status="draft")
    state = annual_declaration_state(membership, on=date(2026, 6, 1))
    assert state.state == "missing"
    assert state.declaration is None


# --- correcting -----------------------------------------------------------------------------------------------


def test_correction_is_a_new_version_superseding_the_old_on_submission(world, clock):
    clock("2026-04-01 12:00:00")
    # given a reviewed declaration with a relationship
    membership = _membership(world.a.member, world.a.body)
    original = DeclarationFactory(
        membership=membership, status="reviewed", review_outcome="no_conflict", reviewed_by=world.a.admin
    )
    RelationshipFactory(declaration=original, description="Consultancy 2023")

    # when the declarant corrects it
    correction = declaration_correct(declaration=original, actor=world.a.member)

    # then a draft version 2 with the relationship copied exists, and the old one is still live
    assert correction.status == "draft"
    assert correction.version == 2
    assert correction.previous == original
    assert list(correction.relationships.values_list("description", flat=True)) == ["Consultancy 2023"]
    assert Declaration.objects.get(pk=original.pk).status == "reviewed"
    with pytest.raises(ValidationError) as twice:
        declaration_correct(declaration=original, actor=world.a.member)
    assert _code(twice) == "draft_already_open"

    # when the correction is submitted
    declaration_submit(declaration=correction, actor=world.a.member, attest=True)

    # then the old version is superseded (audited) and both stay in the history
    assert Declaration.objects.get(pk=original.pk).status == "superseded"
    assert Declaration.objects.get(pk=correction.pk).valid_until == date(2027, 4, 1)
    assert [d.version for d in declaration_versions(correction)] == [1, 2]
    assert [d.version for d in declaration_versions(original)] == [1, 2]
    assert AuditEvent.objects.filter(
        action="impartiality.declaration.superseded", object_id=str(original.pk)
    ).exists()
    assert annual_declaration_state(membership, on=date(2026, 4, 1)).declaration.pk == correction.pk


def test_only_the_declarant_corrects_and_only_a_live_version(world):
    membership = _membership(world.a.member, world.a.body)
    draft = DeclarationFactory(membership=membership, status="draft")
    submitted = DeclarationFactory(membership=membership, status="submitted")

    with pytest.raises(PermissionDenied):
        declaration_correct(declaration=submitted, actor=world.a.admin)
    with pytest.raises(TransitionNotAllowed) as refused:
        declaration_correct(declaration=draft, actor=world.a.member)
    assert refused.value.code == "not_latest_version"
    assert Declaration.objects.count() == 2


# --- reviewing ------------------------------------------------------------------------------------------------


def test_review_no_conflict_tells_the_declarant(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="submitted")

    reviewed = declaration_review(
        declaration=declaration, actor=world.a.admin, outcome="no_conflict", notes="Fine"
    )

    row = Declaration.objects.get(pk=declaration.pk)
    assert row.status == "reviewed"
    assert row.review_outcome == "no_conflict"
    assert row.reviewed_by == world.a.admin
    assert row.reviewed_at is not None
    assert row.review_notes == "Fine"
    assert reviewed.status == "reviewed"
    assert list(
        Notification.objects.filter(kind__startswith="impartiality.declaration.").values_list("kind", "user")
    ) == [("impartiality.declaration.reviewed", world.a.member.pk)]


def test_review_mitigated_needs_measures(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="submitted")
    before = _row(declaration)

    with pytest.raises(ValidationError) as refused:
        declaration_review(declaration=declaration, actor=world.a.admin, outcome="mitigated", measures="  ")
    assert refused.value.message_dict.keys() == {"measures"}
    assert _code(refused) == "measures_required"
    with pytest.raises(ValidationError) as unknown:
        declaration_review(declaration=declaration, actor=world.a.admin, outcome="fine")
    assert unknown.value.message_dict.keys() == {"outcome"}
    assert _row(declaration) == before

    declaration_review(
        declaration=declaration, actor=world.a.admin, outcome="mitigated", measures="Not on GP1's audits"
    )
    assert Declaration.objects.get(pk=declaration.pk).review_measures == "Not on GP1's audits"


def test_barring_outcome_also_tells_the_administrators(world):
    committee = UserFactory()
    MembershipFactory(user=committee, body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="submitted")

    declaration_review(declaration=declaration, actor=committee, outcome="barring")

    assert set(Notification.objects.values_list("kind", "user")) == {
        ("impartiality.declaration.reviewed", world.a.member.pk),
        ("impartiality.declaration.barring", world.a.admin.pk),
    }


def test_self_review_is_refused(world):
    # given the body administrator's own submitted declaration
    declaration = DeclarationFactory(membership=_membership(world.a.admin, world.a.body), status="submitted")
    before = _row(declaration)

    # when they review it themselves
    with pytest.raises(PermissionDenied) as refused:
        declaration_review(declaration=declaration, actor=world.a.admin, outcome="no_conflict")

    # then it is refused with SELF_REVIEW and nothing changed
    assert _code(refused) == "self_review"
    assert _row(declaration) == before
    assert not AuditEvent.objects.filter(action="impartiality.declaration.reviewed").exists()


def test_review_needs_the_permission_in_that_body(world):
    declaration = DeclarationFactory(membership=_membership(world.a.member, world.a.body), status="submitted")
    colleague = UserFactory()
    MembershipFactory(user=colleague, body=world.a.body, roles=[Role.AUDITOR])
    before = _row(declaration)

    for actor in (colleague, world.b.admin):
        with pytest.raises(PermissionDenied) as refused:
            declaration_review(declaration=declaration, actor=actor, outcome="no_conflict")
        assert _code(refused) == "permission_denied"
    assert _row(declaration) == before


def test_review_closes_the_review_deadline_and_only_once(world):
    membership = _membership(world.a.member, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")
    declaration_submit(declaration=declaration, actor=world.a.member, attest=True)
    declaration_review(declaration=declaration, actor=world.a.admin, outcome="no_conflict")

    assert Deadline.objects.get(kind=DECLARATION_REVIEW, subject_id=str(declaration.pk)).closed_at is not None
    assert Deadline.objects.get(kind=DECLARATION_RENEWAL, subject_id=str(declaration.pk)).closed_at is None
    with pytest.raises(TransitionNotAllowed):
        declaration_review(declaration=declaration, actor=world.a.admin, outcome="barring")
    assert Declaration.objects.get(pk=declaration.pk).review_outcome == "no_conflict"


def test_review_queue_oldest_first(world):
    membership = _membership(world.a.member, world.a.body)
    newer = DeclarationFactory(membership=membership, status="submitted")
    older = DeclarationFactory(membership=membership, status="submitted")
    Declaration.objects.filter(pk=older.pk).update(submitted_at=newer.submitted_at.replace(year=2025))
    DeclarationFactory(membership=membership, status="draft")
    DeclarationFactory(membership=_membership(world.b.member, world.b.body), status="submitted")

    assert list(review_queue(world.a.body)) == [older, newer]


@pytest.mark.django_db(transaction=True)
def test_two_reviews_at_once_one_wins():
    # given a submitted declaration and two reviewers of its body
    from tests.factories import BodyFactory

    body = BodyFactory()
    first, second, declarant = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(user=first, body=body, roles=[Role.BODY_ADMIN])
    MembershipFactory(user=second, body=body, roles=[Role.IMPARTIALITY_COMMITTEE])
    declaration = DeclarationFactory(
        membership=MembershipFactory(user=declarant, body=body), status="submitted"
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(actor, outcome) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            declaration_review(
                declaration=Declaration.objects.get(pk=declaration.pk), actor=actor, outcome=outcome
            )
            outcomes.append("reviewed")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    # when both review at once
    threads = [
        threading.Thread(target=review, args=(first, "no_conflict")),
        threading.Thread(target=review, args=(second, "barring")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then exactly one review is recorded and the audit chain has no fork
    assert sorted(outcomes) == ["refused", "reviewed"]
    assert AuditEvent.objects.filter(action="impartiality.declaration.reviewed").count() == 1
    assert audit_verify_chain(str(body.pk)).ok


def test_the_declarant_is_never_told_to_review_their_own(world):
    # given a committee member and the administrator's own draft
    committee = UserFactory()
    MembershipFactory(user=committee, body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
    membership = _membership(world.a.admin, world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.admin, kind="annual")

    # when the administrator submits it
    declaration_submit(declaration=declaration, actor=world.a.admin, attest=True)

    # then only the other reviewer is told
    assert list(
        Notification.objects.filter(kind="impartiality.declaration.submitted").values_list("user", flat=True)
    ) == [committee.pk]
