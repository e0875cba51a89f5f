"""Writes for bodies: the application, the profile, the agreement and the registry's decisions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_changes, audit_record, snapshot
from core.dates import today_in
from core.error_codes import CoreErrorCode
from core.errors import TransitionNotAllowed, ValidationError, coded, field_error, refuse_other_fields
from core.permissions import require_registry_staff
from core.transitions import transition
from core.types import Actor
from documents.services import document_request
from reference.models import Activity, Sector
from reminders.notices import notify
from reminders.services import deadlines_body_time_zone_changed

from ..eligibility import accreditation_needs, day_label
from ..error_codes import BodiesErrorCode
from ..models import Accreditation, AccreditationVerification, Body, BodyStatusChange, Membership, Role
from ..permissions import require_manage_body
from .memberships import _sync_grants
from .uploads import check_logo

#: what a body administrator keeps in the portal; agreement and status are the registry's
BODY_PROFILE_FIELDS = (
    "legal_name",
    "short_name",
    "country",
    "kind",
    "registration_number",
    "address",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "time_zone",
    "logo",
)
#: what an audit event about a body records: its profile, the registry's fields, and the scope
BODY_SNAPSHOT_FIELDS = [
    *BODY_PROFILE_FIELDS,
    "agreement_reference",
    "agreement_signed_on",
    "activities",
    "sectors",
    "status",
]
APPROVAL_LETTER = "bodies.approval_letter"
#: while its application is open, a body's change answers the registry's review (registry staff are told)
REVIEWED_STATUSES = (Body.Status.APPLICANT, Body.Status.UNDER_REVIEW)

# --- bodies -------------------------------------------------------------------------------------------------


def _set_m2m(instance: models.Model, name: str, values: Iterable[models.Model] | None) -> None:
    if values is not None:
        getattr(instance, name).set(list(values))


def body_apply(
    *,
    actor: Actor,
    fields: dict[str, Any],
    activities: Iterable[Activity] = (),
    sectors: Iterable[Sector] = (),
) -> Body:
    """A person applies to ICR on behalf of a body; they become its first body administrator."""
    if actor is None or not actor.is_authenticated:
        raise ValidationError(_("You must be logged in to apply."), code=BodiesErrorCode.LOGIN_REQUIRED)
    refuse_other_fields(fields, BODY_PROFILE_FIELDS, changing=False)
    check_logo(fields.get("logo"))
    body = Body(status=Body.Status.APPLICANT, **fields)
    body.full_clean(exclude=["activities", "sectors"])
    with transaction.atomic():
        body.save()
        _set_m2m(body, "activities", activities)
        _set_m2m(body, "sectors", sectors)
        membership = Membership.objects.create(user=actor, body=body, roles=[Role.BODY_ADMIN])
        _sync_grants(membership)
        audit_record(
            actor=actor,
            action="bodies.body.applied",
            obj=body,
            body=body,
            after=snapshot(body, BODY_SNAPSHOT_FIELDS),
        )
        notify(kind="bodies.body.applied", subject=body, body=body)
    return body


def body_update_profile(
    *,
    body: Body,
    actor: Actor,
    fields: dict[str, Any],
    activities: Iterable[Activity] | None = None,
    sectors: Iterable[Sector] | None = None,
) -> Body:
    """A body administrator (or staff) keeps the profile. Records only the fields that changed."""
    require_manage_body(actor, body)
    refuse_other_fields(fields, BODY_PROFILE_FIELDS, changing=True)
    if not Body.TRANSITIONS.allowed(body.status):  # withdrawn: closed
        raise TransitionNotAllowed(
            _("A withdrawn body's profile can no longer be changed."),
            current=body.status,
            code=BodiesErrorCode.BODY_WITHDRAWN,
        )
    check_logo(fields.get("logo"))
    with transaction.atomic():
        locked = Body.objects.select_for_update().get(pk=body.pk)
        before = snapshot(locked, BODY_SNAPSHOT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["activities", "sectors"])
        locked.save()
        _set_m2m(locked, "activities", activities)
        _set_m2m(locked, "sectors", sectors)
        changed = audit_changes(
            actor=actor,
            action="bodies.body.profile_updated",
            obj=locked,
            body=locked,
            before=before,
            after=snapshot(locked, BODY_SNAPSHOT_FIELDS),
        )
        if "time_zone" in changed:
            deadlines_body_time_zone_changed(body=locked)  # deadlines are dates in the body's time zone
        if changed and locked.status in REVIEWED_STATUSES:
            notify(kind="bodies.body.replied", subject=locked, body=locked)  # its reply to the review
    return locked


def body_record_agreement(*, body: Body, actor: Actor, reference: str, signed_on: date) -> Body:
    """Registry staff record the body's signed agreement with ICR."""
    require_registry_staff(actor)
    errors: dict[str, ValidationError] = {}
    if not reference.strip():
        errors["reference"] = coded(
            _("Enter the agreement reference."), BodiesErrorCode.AGREEMENT_REFERENCE_REQUIRED
        )
    if signed_on > timezone.localdate():
        errors["signed_on"] = coded(
            _("The agreement cannot be signed in the future."), CoreErrorCode.DATE_IN_FUTURE
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Body.objects.select_for_update().get(pk=body.pk)
        before = {
            "agreement_reference": locked.agreement_reference,
            "agreement_signed_on": locked.agreement_signed_on,
        }
        locked.agreement_reference = reference.strip()
        locked.agreement_signed_on = signed_on
        locked.save(update_fields=["agreement_reference", "agreement_signed_on", "updated_at"])
        audit_record(
            actor=actor,
            action="bodies.body.agreement_recorded",
            obj=locked,
            body=locked,
            before=before,
            after={"agreement_reference": locked.agreement_reference, "agreement_signed_on": signed_on},
        )
    return locked


def _agreement_signed(body: Body) -> None:
    if not body.agreement_signed:
        raise field_error(
            "agreement",
            _("Record the signed ICR agreement before approving the body."),
            BodiesErrorCode.AGREEMENT_MISSING,
        )


def _accreditation_state(accreditation: Accreditation, today: Any) -> str:
    """Why one accreditation does not count today, in words."""
    if accreditation.verification == AccreditationVerification.PENDING:
        return _("%(acc)s is waiting for verification") % {"acc": accreditation}
    if accreditation.verification == AccreditationVerification.REFUSED:
        return _("%(acc)s was refused by the registry") % {"acc": accreditation}
    if accreditation.status != Accreditation.Status.ACTIVE:
        return _("%(acc)s is %(status)s") % {
            "acc": accreditation,
            "status": accreditation.get_status_display().lower(),
        }
    if not accreditation.valid_from <= today <= accreditation.valid_to:
        return _("%(acc)s is valid %(from)s to %(to)s") % {
            "acc": accreditation,
            "from": day_label(accreditation.valid_from),
            "to": day_label(accreditation.valid_to),
        }
    return _("%(acc)s: %(ab)s is not an IAF MLA signatory for %(standard)s") % {
        "acc": accreditation,
        "ab": accreditation.accreditation_body,
        "standard": accreditation.get_standard_display(),
    }


def _verified_accreditation_fits(body: Body) -> None:
    """DOMAIN "Which accreditation fits which work": for each kind of work the body's kind and activities
    need, one accreditation that counts (verified, active, valid on the day of approval in the body's time
    zone) under a fitting standard; a VVB's from an IAF MLA signatory for that standard on that day. Each
    missing one is named, with what the body holds under the fitting standards."""
    today = today_in(body.time_zone)
    accreditations = list(
        Accreditation.objects.filter(body=body)
        .select_related("accreditation_body")
        .prefetch_related("accreditation_body__mla_signatures")
        .order_by("standard", "certificate_number")
    )

    def counts(accreditation: Accreditation) -> bool:
        return (
            accreditation.counts
            and accreditation.valid_from <= today <= accreditation.valid_to
            and (body.kind != Body.Kind.VVB or accreditation.iaf_mla_on(today))
        )

    missing: list[str] = []
    needs = accreditation_needs(kind=body.kind, activity_codes=body.activities.values_list("code", flat=True))
    for need in needs:
        fitting = [a for a in accreditations if a.standard in need.standards]
        if any(counts(a) for a in fitting):
            continue
        message = _("Approval needs a verified, active accreditation under %(standards)s for %(work)s.") % {
            "standards": need.standards_label,
            "work": need.work,
        }
        if fitting:
            message = f"{message} " + _("On record: %(states)s.") % {
                "states": "; ".join(_accreditation_state(a, today) for a in fitting)
            }
        missing.append(message)
    if missing:
        raise ValidationError(
            {"accreditations": [coded(m, BodiesErrorCode.VERIFIED_ACCREDITATION_MISSING) for m in missing]}
        )


def _first_approval(body: Body) -> list[str]:
    if body.approved_at is None:
        body.approved_at = body.status_changed_at
        return ["approved_at"]
    return []


def _record_decision(actor: Actor) -> Callable[[Body, str], None]:
    def record(body: Body, from_status: str) -> None:
        BodyStatusChange.objects.create(
            body=body,
            from_status=from_status,
            to_status=body.status,
            reason=body.status_reason,
            decided_by=actor,
            decided_at=body.status_changed_at or timezone.now(),  # set by the transition just before
        )

    return record


def _request_approval_letter(body: Body, from_status: str) -> None:
    # the platform asks for the letter, not the deciding person: their own document rights never veto it
    document_request(kind=APPROVAL_LETTER, subject=body, body=body, actor=None)


def _body_decide(
    *,
    body: Body,
    actor: Actor,
    action: str,
    reason: str,
    guards: Sequence[Callable[[Body], None]] = (),
    apply: Callable[[Body], list[str]] | None = None,
    effects: Sequence[Callable[[Body, str], None]] = (),
) -> Body:
    """A registry decision on a body: the move itself is `Body.TRANSITIONS[action]`; every decision is kept
    in the body's status history and told to the body's administrators, with its reason."""
    require_registry_staff(actor)
    return transition(
        body,
        action=action,
        actor=actor,
        reason=reason,
        guards=guards,
        apply=apply,
        effects=[_record_decision(actor), *effects, _tell_body(action)],
    )


def _tell_body(action: str) -> Callable[[Body, str], None]:
    def tell(body: Body, from_status: str) -> None:
        notify(kind=str(Body.TRANSITIONS[action].event), subject=body, body=body, reason=body.status_reason)

    return tell


def body_start_review(*, body: Body, actor: Actor, reason: str) -> Body:
    return _body_decide(body=body, actor=actor, action="start_review", reason=reason)


def body_approve(*, body: Body, actor: Actor, reason: str) -> Body:
    """Registry approval of a body under review with a signed agreement and a verified, active accreditation
    that fits its kind and activities; the approval letter is rendered in the background once the decision
    commits."""
    return _body_decide(
        body=body,
        actor=actor,
        action="approve",
        reason=reason,
        guards=[_agreement_signed, _verified_accreditation_fits],
        apply=_first_approval,
        effects=[_request_approval_letter],
    )


def body_suspend(*, body: Body, actor: Actor, reason: str) -> Body:
    return _body_decide(body=body, actor=actor, action="suspend", reason=reason)


def body_reinstate(*, body: Body, actor: Actor, reason: str) -> Body:
    """A suspended body is approved again only on the terms of an approval: a verified, active accreditation
    that fits its kind and activities (it may have lapsed while the body was suspended)."""
    return _body_decide(
        body=body, actor=actor, action="reinstate", reason=reason, guards=[_verified_accreditation_fits]
    )


def body_withdraw(*, body: Body, actor: Actor, reason: str) -> Body:
    return _body_decide(body=body, actor=actor, action="withdraw", reason=reason)


BODY_DECISIONS = {
    "start_review": body_start_review,
    "approve": body_approve,
    "suspend": body_suspend,
    "reinstate": body_reinstate,
    "withdraw": body_withdraw,
}
