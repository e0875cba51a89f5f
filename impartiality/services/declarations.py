"""Declarations of interest and their review: keyword-only, validated, atomic, audited, the people told.

Only the person themselves starts, fills in, submits (attests) and corrects their declaration; a submitted
declaration never changes (a correction is a new version whose submission supersedes it). A holder of
`review_declarations` in the body who is not the declarant reviews it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Membership
from core.audit import audit_changes, audit_record, snapshot
from core.dates import today_in
from core.errors import (
    PermissionDenied,
    TransitionNotAllowed,
    ValidationError,
    coded,
    field_error,
    refuse_other_fields,
)
from core.transitions import transition
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ..error_codes import ImpartialityErrorCode
from ..models import Declaration, DeclarationKind, DeclarationStatus, Relationship, ReviewOutcome
from ..permissions import require_review_declarations

#: deadline kinds (declared in impartiality/deadlines.py)
DECLARATION_RENEWAL = "impartiality.declaration_renewal"
DECLARATION_REVIEW = "impartiality.declaration_review"

#: what a declarant writes of a relationship
RELATIONSHIP_FIELDS = (
    "kind",
    "counterparty_kind",
    "client",
    "project",
    "counterparty_name",
    "started_on",
    "ended_on",
    "description",
)
RELATIONSHIP_SNAPSHOT_FIELDS = ["declaration", *RELATIONSHIP_FIELDS]
DECLARATION_SNAPSHOT_FIELDS = ["membership", "declarant", "kind", "client", "project", "version", "previous"]


def _raise(errors: dict[str, ValidationError]) -> None:
    if errors:
        raise ValidationError(errors)


def _require_declarant(declaration: Declaration, actor: Actor) -> None:
    if declaration.declarant_id != getattr(actor, "pk", None):
        raise PermissionDenied(
            _("Only the person themselves can do this with their declaration."),
            code=ImpartialityErrorCode.NOT_DECLARANT,
        )


def _not_draft(declaration: Declaration) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _("A submitted declaration never changes; correct it with a new version instead."),
        current=declaration.status,
        code=ImpartialityErrorCode.DECLARATION_NOT_DRAFT,
    )


def _locked_draft(declaration: Declaration, actor: Actor) -> Declaration:
    """The declaration locked for a change by its declarant; refused unless it is still a draft."""
    locked = Declaration.objects.select_for_update(of=("self",)).select_related("body").get(pk=declaration.pk)
    _require_declarant(locked, actor)
    if locked.status != DeclarationStatus.DRAFT:
        raise _not_draft(locked)
    return locked


def _open_draft_exists(membership_id: Any, kind: str, client_id: Any, project_id: Any) -> bool:
    return Declaration.objects.filter(
        membership_id=membership_id,
        kind=kind,
        client_id=client_id,
        project_id=project_id,
        status=DeclarationStatus.DRAFT,
    ).exists()


def _draft_already_open() -> ValidationError:
    return ValidationError(
        coded(
            _("You already have a draft of this declaration; finish or correct that one."),
            ImpartialityErrorCode.DRAFT_ALREADY_OPEN,
        )
    )


# --- starting and correcting a declaration ------------------------------------------------------------------


def declaration_start(
    *, membership: Membership, actor: Actor, kind: str, client: Any = None, project: Any = None
) -> Declaration:
    """A draft of the actor's own declaration in the membership's body: annual (no counterparty) or for one
    engagement (a client or a project of the same body). At most one open draft per person, kind and
    counterparty."""
    if membership.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(
            _("Only the person themselves can draft their declaration."),
            code=ImpartialityErrorCode.NOT_DECLARANT,
        )
    errors: dict[str, ValidationError] = {}
    if membership.status != Membership.Status.ACTIVE:
        raise PermissionDenied(
            _("Your membership of this body is not active."), code=ImpartialityErrorCode.MEMBERSHIP_NOT_ACTIVE
        )
    if kind not in DeclarationKind.values:
        errors["kind"] = ValidationError(_("Choose annual or per engagement."), code="invalid_choice")
    elif kind == DeclarationKind.ANNUAL:
        for name, value in (("client", client), ("project", project)):
            if value is not None:
                errors[name] = coded(
                    _("An annual declaration covers every client; it names none."),
                    ImpartialityErrorCode.COUNTERPARTY_NOT_ALLOWED,
                )
    else:
        if client is None and project is None:
            errors["client"] = coded(
                _("Name the client or the project of the engagement."),
                ImpartialityErrorCode.COUNTERPARTY_REQUIRED,
            )
        for name, value in (("client", client), ("project", project)):
            if value is not None and value.body_id != membership.body_id:
                errors[name] = coded(
                    _("This is not a client or project of this body."),
                    ImpartialityErrorCode.COUNTERPARTY_OTHER_BODY,
                )
    _raise(errors)
    with transaction.atomic():
        # one open draft per person, kind and counterparty: the membership row serialises concurrent starts
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if _open_draft_exists(membership.pk, kind, getattr(client, "pk", None), getattr(project, "pk", None)):
            raise _draft_already_open()
        declaration = Declaration.objects.create(
            body_id=membership.body_id,
            membership=membership,
            declarant=actor,
            kind=kind,
            client=client,
            project=project,
        )
        audit_record(
            actor=actor,
            action="impartiality.declaration.started",
            obj=declaration,
            body=membership.body,
            after=snapshot(declaration, DECLARATION_SNAPSHOT_FIELDS),
        )
    return declaration


def declaration_correct(*, declaration: Declaration, actor: Actor) -> Declaration:
    """A new draft version of a submitted or reviewed latest version (its relationships copied), by the
    declarant. The old version stays as it is until the correction is submitted, then it is superseded."""
    with transaction.atomic():
        locked = (
            Declaration.objects.select_for_update(of=("self",))
            .select_related("body", "membership")
            .get(pk=declaration.pk)
        )
        _require_declarant(locked, actor)
        if locked.status not in (DeclarationStatus.SUBMITTED, DeclarationStatus.REVIEWED):
            raise TransitionNotAllowed(
                _("Only a submitted or reviewed declaration can be corrected (this one is %(status)s).")
                % {"status": locked.get_status_display().lower()},
                current=locked.status,
                code=ImpartialityErrorCode.NOT_LATEST_VERSION,
            )
        if Declaration.objects.filter(previous=locked).exists():
            raise _draft_already_open()
        if _open_draft_exists(locked.membership_id, locked.kind, locked.client_id, locked.project_id):
            raise _draft_already_open()
        correction = Declaration.objects.create(
            body_id=locked.body_id,
            membership_id=locked.membership_id,
            declarant_id=locked.declarant_id,
            kind=locked.kind,
            client_id=locked.client_id,
            project_id=locked.project_id,
            version=locked.version + 1,
            previous=locked,
        )
        Relationship.objects.bulk_create(
            [
                Relationship(
                    body_id=locked.body_id,
                    declaration=correction,
                    **{
                        f"{name}_id" if name in ("client", "project") else name: getattr(
                            relationship, f"{name}_id" if name in ("client", "project") else name
                        )
                        for name in RELATIONSHIP_FIELDS
                    },
                )
                for relationship in locked.relationships.all()
            ]
        )
        audit_record(
            actor=actor,
            action="impartiality.declaration.correction_started",
            obj=correction,
            body=locked.body,
            after=snapshot(correction, DECLARATION_SNAPSHOT_FIELDS),
        )
    return correction


# --- relationships (on a draft only) -------------------------------------------------------------------------


def _validate_relationship(relationship: Relationship) -> None:
    errors: dict[str, ValidationError] = {}
    try:
        relationship.full_clean(
            exclude=["body", "declaration"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        errors.update({name: ValidationError(messages) for name, messages in exc.message_dict.items()})
    for name in ("client", "project"):
        other = getattr(relationship, name) if getattr(relationship, f"{name}_id") else None
        if other is not None and other.body_id != relationship.body_id:
            errors[name] = coded(
                _("This is not a client or project of this body; give its name instead."),
                ImpartialityErrorCode.COUNTERPARTY_OTHER_BODY,
            )
    if (
        not relationship.client_id
        and not relationship.project_id
        and not (relationship.counterparty_name or "").strip()
        and "counterparty_name" not in errors
    ):
        errors["counterparty_name"] = coded(
            _("Choose a client or project of the body, or give the counterparty's name."),
            ImpartialityErrorCode.COUNTERPARTY_REQUIRED,
        )
    started, ended = relationship.started_on, relationship.ended_on
    if isinstance(started, date) and isinstance(ended, date) and ended < started:
        errors["ended_on"] = coded(
            _("A relationship cannot end before it starts."),
            ImpartialityErrorCode.RELATIONSHIP_ENDS_BEFORE_START,
        )
    _raise(errors)


def _cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.strip()
        if name in ("counterparty_name", "description") and isinstance(value, str)
        else value
        for name, value in fields.items()
    }


def relationship_add(*, declaration: Declaration, actor: Actor, fields: dict[str, Any]) -> Relationship:
    """A relationship on the declarant's own draft."""
    refuse_other_fields(fields, RELATIONSHIP_FIELDS, changing=False)
    with transaction.atomic():
        locked = _locked_draft(declaration, actor)
        relationship = Relationship(body_id=locked.body_id, declaration=locked, **_cleaned(fields))
        _validate_relationship(relationship)
        relationship.save()
        audit_record(
            actor=actor,
            action="impartiality.relationship.added",
            obj=relationship,
            body=locked.body,
            after=snapshot(relationship, RELATIONSHIP_SNAPSHOT_FIELDS),
        )
    return relationship


def relationship_update(*, relationship: Relationship, actor: Actor, fields: dict[str, Any]) -> Relationship:
    """Changes a relationship of the declarant's own draft; no change, no event."""
    refuse_other_fields(fields, RELATIONSHIP_FIELDS, changing=True)
    with transaction.atomic():
        declaration = _locked_draft(relationship.declaration, actor)
        row = Relationship.objects.select_for_update().get(pk=relationship.pk)
        before = snapshot(row, RELATIONSHIP_SNAPSHOT_FIELDS)
        for name, value in _cleaned(fields).items():
            setattr(row, name, value)
        _validate_relationship(row)
        row.save()
        audit_changes(
            actor=actor,
            action="impartiality.relationship.updated",
            obj=row,
            body=declaration.body,
            before=before,
            after=snapshot(row, RELATIONSHIP_SNAPSHOT_FIELDS),
        )
    return row


def relationship_remove(*, relationship: Relationship, actor: Actor) -> None:
    """Removes a relationship from the declarant's own draft."""
    with transaction.atomic():
        declaration = _locked_draft(relationship.declaration, actor)
        row = Relationship.objects.select_for_update().get(pk=relationship.pk)
        audit_record(
            actor=actor,
            action="impartiality.relationship.removed",
            obj=row,
            body=declaration.body,
            before=snapshot(row, RELATIONSHIP_SNAPSHOT_FIELDS),
        )
        row.delete()


# --- submitting and reviewing ---------------------------------------------------------------------------------


def annual_valid_until(submitted_on: date) -> date:
    """The last day an annual declaration submitted on `submitted_on` is current (a setting's months later)."""
    return submitted_on + relativedelta(months=settings.DECLARATION_RENEWAL_MONTHS)


def declaration_submit(*, declaration: Declaration, actor: Actor, attest: bool = False) -> Declaration:
    """The declarant attests and submits their draft: it never changes again. An annual declaration is current
    through `valid_until` (the body's day of submission + DECLARATION_RENEWAL_MONTHS); a correction supersedes
    the version it corrects in the same transaction. The body's reviewers are told."""
    _require_declarant(declaration, actor)
    if attest is not True:
        raise field_error(
            "attest",
            _("Confirm that the declaration is complete and true."),
            ImpartialityErrorCode.ATTESTATION_REQUIRED,
        )
    now = timezone.now()
    submitted_on = today_in(declaration.body.time_zone)

    def apply(row: Declaration) -> list[str]:
        row.attested_at = now
        row.submitted_at = now
        row.submitted_on = submitted_on
        row.valid_until = annual_valid_until(submitted_on) if row.kind == DeclarationKind.ANNUAL else None
        return ["attested_at", "submitted_at", "submitted_on", "valid_until"]

    def guard(row: Declaration) -> None:
        _require_declarant(row, actor)

    def effects(row: Declaration, _previous_status: str) -> None:
        if row.previous is not None:
            previous = transition(row.previous, action="supersede", actor=actor)
            deadline_close(kind=DECLARATION_REVIEW, subject=previous)
            deadline_close(kind=DECLARATION_RENEWAL, subject=previous)
        if row.kind == DeclarationKind.ANNUAL and row.valid_until is not None:
            # a renewal closes the reminders of the person's earlier annual declarations
            for earlier in Declaration.objects.filter(
                membership_id=row.membership_id, kind=DeclarationKind.ANNUAL
            ).exclude(Q(pk=row.pk) | Q(status=DeclarationStatus.DRAFT)):
                deadline_close(kind=DECLARATION_RENEWAL, subject=earlier)
            deadline_upsert(kind=DECLARATION_RENEWAL, subject=row, body=row.body, due_on=row.valid_until)
        deadline_upsert(
            kind=DECLARATION_REVIEW,
            subject=row,
            body=row.body,
            due_on=submitted_on + relativedelta(days=settings.DECLARATION_REVIEW_REMINDER_DAYS),
        )
        notify(kind="impartiality.declaration.submitted", subject=row, body=row.body, key=str(row.pk))

    return transition(
        declaration,
        action="submit",
        actor=actor,
        guards=[guard],
        apply=apply,
        effects=[effects],
        record_after=["submitted_on", "valid_until"],
    )


def declaration_review(
    *, declaration: Declaration, actor: Actor, outcome: str, measures: str = "", notes: str = ""
) -> Declaration:
    """A reviewer's conclusion on a declaration waiting for review: no conflict, a conflict mitigated (with the
    measures taken) or a conflict barring the person. Never the declarant's own; the declarant is told, and of
    a barring conflict the body's administrators too."""
    if declaration.declarant_id == getattr(actor, "pk", None):
        raise PermissionDenied(
            _("You cannot review your own declaration; another reviewer of the body must."),
            code=ImpartialityErrorCode.SELF_REVIEW,
        )
    require_review_declarations(actor, declaration.body)
    measures = (measures or "").strip()
    notes = (notes or "").strip()
    errors: dict[str, ValidationError] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = ValidationError(_("Choose the outcome of the review."), code="invalid_choice")
    elif outcome == ReviewOutcome.MITIGATED and not measures:
        errors["measures"] = coded(
            _("Describe the measures that mitigate the conflict."), ImpartialityErrorCode.MEASURES_REQUIRED
        )
    _raise(errors)

    def apply(row: Declaration) -> list[str]:
        row.review_outcome = outcome
        row.review_measures = measures
        row.review_notes = notes
        row.reviewed_by = actor
        row.reviewed_at = timezone.now()
        return ["review_outcome", "review_measures", "review_notes", "reviewed_by", "reviewed_at"]

    def effects(row: Declaration, _previous_status: str) -> None:
        deadline_close(kind=DECLARATION_REVIEW, subject=row)
        notify(kind="impartiality.declaration.reviewed", subject=row, body=row.body, key=str(row.pk))
        if outcome == ReviewOutcome.BARRING:
            notify(kind="impartiality.declaration.barring", subject=row, body=row.body, key=str(row.pk))

    return transition(
        declaration,
        action="review",
        actor=actor,
        apply=apply,
        effects=[effects],
        record_after=["review_outcome", "reviewed_by"],
    )


def declaration_start_in_body(
    *, body: Any, actor: Actor, kind: str, client: Any = None, project: Any = None
) -> Declaration:
    """`declaration_start` for the actor's own active membership of `body` (the API and the portal name the
    body, not the membership); refused when the actor is not an active member of it."""
    membership = Membership.objects.active().filter(body_id=body.pk, user_id=actor.pk).first()
    if membership is None:
        raise PermissionDenied(
            _("Only an active member of the body declares their interests there."),
            code=ImpartialityErrorCode.MEMBERSHIP_NOT_ACTIVE,
        )
    membership.body = body
    return declaration_start(membership=membership, actor=actor, kind=kind, client=client, project=project)
