"""The transition helper, walked over every model that declares a life cycle.

Every action of every `TRANSITIONS` map is tried from every status: from a status the action may come from
it succeeds through `core.transitions.transition`; from any other it is refused with nothing changed.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, models
from django.forms.models import model_to_dict
from django.utils import timezone

from bodies.models import Accreditation, Body, Membership
from competence.models import CompetenceRecord
from core.errors import TransitionNotAllowed, ValidationError, error_code
from core.models import AuditEvent
from core.transitions import (
    Transition,
    Transitions,
    allowed_actions,
    claim,
    lifecycle_models,
    transition,
    transition_claim,
    transitioned,
)
from documents.models import Document
from imports.models import ImportBatch
from tests.factories import (
    AccreditationFactory,
    BodyFactory,
    CompetenceRecordFactory,
    StaffFactory,
)
from tests.lifecycle_makers import MAKERS
from tests.lifecycle_makers import make_document as _document


def _cases() -> list[Any]:
    cases = []
    for model in lifecycle_models():
        lifecycle: Transitions = model.TRANSITIONS  # type: ignore[attr-defined]
        statuses = [value for value, _label in model._meta.get_field(lifecycle.status_field).flatchoices]
        for action in lifecycle:
            for status in statuses:
                cases.append(
                    pytest.param(model, action, status, id=f"{model._meta.label_lower}-{action}-{status}")
                )
    return cases


def _row(instance: models.Model) -> dict[str, Any]:
    return model_to_dict(type(instance)._default_manager.get(pk=instance.pk))


def test_every_life_cycle_is_walked():
    # then the walk below covers every model that declares a life cycle, and only those
    assert set(lifecycle_models()) == set(MAKERS)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "action", "status"), _cases())
def test_each_action_from_each_status(model, action, status):
    # given a record in `status` and registry staff
    lifecycle: Transitions = model.TRANSITIONS
    spec = lifecycle[action]
    record = MAKERS[model](status)
    actor = StaffFactory()
    before_row = _row(record)
    events_before = AuditEvent.objects.count()

    if status in spec.source:
        # when the action is taken from a status it may come from
        moved = transition(record, action=action, actor=actor, reason="Because the file says so")

        # then the record is in the action's target status, with the reason the life cycle keeps
        row = _row(record)
        assert row[lifecycle.status_field] == spec.target
        assert getattr(moved, lifecycle.status_field) == spec.target
        if lifecycle.reason_field:
            assert row[lifecycle.reason_field] == "Because the file says so"
        if lifecycle.changed_at_field:
            assert row[lifecycle.changed_at_field] is not None
        # and the audit event records the move
        if spec.event:
            event = AuditEvent.objects.get(action=spec.event)
            assert event.object_id == str(record.pk)
            assert event.actor == actor
            assert event.before == {"status": status}
            expected_after = {"status": spec.target}
            if spec.reason:
                expected_after["reason"] = "Because the file says so"
            assert event.after == expected_after
        else:
            assert AuditEvent.objects.count() == events_before
    else:
        # when the action is taken from any other status
        with pytest.raises(TransitionNotAllowed) as refused:
            transition(record, action=action, actor=actor, reason="Because the file says so")

        # then it is refused with the current status and a stable code, and nothing changed
        assert refused.value.current == status
        assert refused.value.code == "invalid_transition"
        assert _row(record) == before_row
        assert AuditEvent.objects.count() == events_before


def test_the_default_refusal_names_both_statuses(db):
    # given an approved body
    body = BodyFactory(status=Body.Status.APPROVED)

    # when it is approved again
    with pytest.raises(TransitionNotAllowed) as refused:
        transition(body, action="approve", actor=StaffFactory(), reason="Again")

    # then the message names the current and the target status by their labels
    assert refused.value.message == "A body that is Approved cannot become Approved."


@pytest.mark.django_db
def test_a_missing_reason_is_refused_before_anything_changes():
    # given an active accreditation
    accreditation = AccreditationFactory()
    before_row = _row(accreditation)

    # when it is suspended without a reason
    with pytest.raises(ValidationError) as refused:
        transition(accreditation, action="suspend", actor=StaffFactory(), reason="   ")

    # then the reason is asked for, with its code, and nothing changed
    assert refused.value.message_dict == {"reason": ["Give a reason."]}
    assert error_code(refused.value) == "reason_required"
    assert _row(accreditation) == before_row
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_guard_that_raises_refuses_the_move_with_nothing_changed():
    # given an active accreditation and a guard that refuses
    accreditation = AccreditationFactory()
    before_row = _row(accreditation)

    def never(row: Accreditation) -> None:
        raise TransitionNotAllowed("Not today.", current=row.status)

    # when it is suspended through the guard
    with pytest.raises(TransitionNotAllowed, match=r"^Not today\.$"):
        transition(accreditation, action="suspend", actor=StaffFactory(), reason="Why", guards=[never])

    # then nothing changed
    assert _row(accreditation) == before_row
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_failing_side_effect_rolls_the_whole_move_back():
    # given an active accreditation and a side effect that fails
    accreditation = AccreditationFactory()
    before_row = _row(accreditation)

    def explode(row: Accreditation, from_status: str) -> None:
        raise RuntimeError("the side effect failed")

    # when it is suspended
    with pytest.raises(RuntimeError):
        transition(accreditation, action="suspend", actor=StaffFactory(), reason="Why", effects=[explode])

    # then neither the status nor the audit event remain
    assert _row(accreditation) == before_row
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_side_effects_see_the_new_row_and_after_commit_hooks_wait_for_the_commit(
    django_capture_on_commit_callbacks,
):
    # given a suspended accreditation
    accreditation = AccreditationFactory(status=Accreditation.Status.SUSPENDED)
    seen: list[tuple[str, str]] = []
    committed: list[str] = []

    # when it is reinstated with a side effect and an after-commit hook
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(
            accreditation,
            action="reinstate",
            actor=StaffFactory(),
            reason="Restored",
            effects=[lambda row, from_status: seen.append((from_status, row.status))],
            after_commit=[lambda row: committed.append(row.status)],
        )
        # then the side effect ran inside the transaction, the hook not yet
        assert seen == [("suspended", "active")]
        assert committed == []

    # and the hook ran once the transaction committed
    assert len(callbacks) == 1
    assert committed == ["active"]


@pytest.mark.django_db
def test_apply_and_recorded_fields_are_saved_and_audited():
    # given a proposed competence record
    record = CompetenceRecordFactory(status=CompetenceRecord.Status.PROPOSED, notes="old")

    def note(row: CompetenceRecord) -> list[str]:
        row.notes = "evaluated"
        return ["notes"]

    # when it is approved, setting a further field and recording it
    transition(
        record,
        action="approve",
        actor=StaffFactory(),
        apply=note,
        record_before=["notes"],
        record_after=["notes"],
    )

    # then the field is saved and the audit event shows it before and after
    record.refresh_from_db()
    assert (record.status, record.notes) == ("approved", "evaluated")
    event = AuditEvent.objects.get(action="competence.record.approved")
    assert event.before == {"status": "proposed", "notes": "old"}
    assert event.after == {"status": "approved", "notes": "evaluated"}


@pytest.mark.django_db
def test_claim_is_a_compare_and_set_that_only_one_caller_wins():
    # given a pending document
    document = _document(Document.Status.PENDING)

    # when two workers claim it one after the other
    first = claim(Document, pk=document.pk, action="claim", values={"claimed_at": timezone.now()})
    second = claim(
        Document, pk=document.pk, action="claim", where=~models.Q(status=Document.Status.RENDERING)
    )

    # then only the first moved it
    assert (first, second) == (1, 0)
    document.refresh_from_db()
    assert document.status == Document.Status.RENDERING


@pytest.mark.django_db
def test_transition_claim_from_a_status_the_action_does_not_allow_moves_nothing():
    # given a withdrawn accreditation
    accreditation = AccreditationFactory(status=Accreditation.Status.WITHDRAWN)
    before_row = _row(accreditation)

    # when the sweep tries to expire it
    won = transition_claim(accreditation, action="expire", actor=None)

    # then nothing moved and nothing was recorded
    assert won is False
    assert _row(accreditation) == before_row
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_transition_claim_records_the_system_event_when_it_wins():
    # given an active accreditation
    accreditation = AccreditationFactory()

    # when the sweep expires it
    won = transition_claim(accreditation, action="expire", actor=None)

    # then it is expired, by the system, in the body's chain
    assert won is True
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.EXPIRED
    event = AuditEvent.objects.get(action="bodies.accreditation.expired")
    assert (event.actor, event.actor_label, event.body_id) == (None, "system", accreditation.body_id)
    assert (event.before, event.after) == ({"status": "active"}, {"status": "expired"})


@pytest.mark.django_db
def test_the_transitioned_signal_is_sent_once_per_move_and_never_for_a_refusal():
    # given a receiver of the signal and an active accreditation
    received: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        received.append({"sender": sender, **{k: kwargs[k] for k in ("action", "source", "target")}})

    transitioned.connect(listen, dispatch_uid="test-listen")
    try:
        accreditation = AccreditationFactory()
        staff = StaffFactory()
        # when a refused move, a move and a won claim happen
        with pytest.raises(TransitionNotAllowed):
            transition(accreditation, action="reinstate", actor=staff, reason="Why")
        transition(accreditation, action="suspend", actor=staff, reason="Why")
        other = AccreditationFactory()
        transition_claim(other, action="expire", actor=None)
        assert transition_claim(other, action="expire", actor=None) is False  # lost: no signal
    finally:
        transitioned.disconnect(dispatch_uid="test-listen")
    # then one signal per move, with the statuses
    assert received == [
        {"sender": Accreditation, "action": "suspend", "source": "active", "target": "suspended"},
        {"sender": Accreditation, "action": "expire", "source": "active", "target": "expired"},
    ]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_exactly_one_wins():
    # given an approved competence record and two managers acting at the same moment
    record = CompetenceRecordFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def suspend(reason: str) -> None:
        try:
            barrier.wait(timeout=10)
            transition(
                CompetenceRecord.objects.get(pk=record.pk), action="suspend", actor=None, reason=reason
            )
            outcomes.append("suspended")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    # when both suspend it at once
    threads = [threading.Thread(target=suspend, args=(reason,)) for reason in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one suspension is recorded, the other is refused
    assert sorted(outcomes) == ["refused", "suspended"]
    assert AuditEvent.objects.filter(action="competence.record.suspended").count() == 1


def test_the_maps_are_the_only_truth_for_what_may_be_decided():
    # then the actions a status allows, and where they lead, come from the map
    assert allowed_actions(Body(status=Body.Status.UNDER_REVIEW)) == ["approve", "withdraw"]
    assert allowed_actions(Body(status=Body.Status.SUSPENDED)) == ["reinstate", "withdraw"]
    assert allowed_actions(Body(status=Body.Status.WITHDRAWN)) == []
    assert Body.TRANSITIONS.targets(Body.Status.SUSPENDED) == ["approved", "withdrawn"]
    assert Accreditation.TRANSITIONS.sources("reinstate") == ("suspended",)
    assert CompetenceRecord.TRANSITIONS.sources("renew") == ("approved", "suspended")


def test_every_event_lives_in_its_models_app_namespace():
    # then each audit action code a life cycle declares starts with its model's app label
    for model in lifecycle_models():
        lifecycle: Transitions = model.TRANSITIONS  # type: ignore[attr-defined]
        for action, spec in lifecycle.actions.items():
            assert isinstance(spec, Transition)
            if spec.event:
                assert spec.event.split(".")[0] == model._meta.app_label, (model, action)


@pytest.mark.parametrize(
    ("model", "constraint"),
    [
        (Body, "body_status_valid"),
        (Membership, "membership_status_valid"),
        (Accreditation, "accreditation_status_valid"),
        (CompetenceRecord, "competence_status_valid"),
        (ImportBatch, "imports_importbatch_status_valid"),
        (Document, "document_status_valid"),
    ],
)
def test_status_check_constraints_are_built_from_the_choices(model, constraint):
    # then the status check constraint allows exactly the status choices
    check = next(c for c in model._meta.constraints if c.name == constraint)
    assert check.condition.children == [("status__in", model.Status.values)]
