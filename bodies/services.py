"""Writes for bodies, memberships and accreditations. Each service is one atomic, audited action."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.audit import audit_record, snapshot
from core.errors import TransitionNotAllowed, ValidationError
from core.expiry import expire_past_validity
from core.permissions import require_body_perm, require_registry_staff
from documents.services import document_request
from reference.models import Activity, Sector, Standard
from reminders.services import deadline_close, deadline_upsert, deadlines_body_time_zone_changed

from .models import (
    MEMBER_PERMISSIONS,
    ROLE_PERMISSIONS,
    Accreditation,
    Body,
    BodyStatusChange,
    Membership,
    Role,
)

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
ACCREDITATION_FIELDS = (
    "accreditation_body",
    "accreditation_body_iaf_mla",
    "standard",
    "programme_name",
    "certificate_number",
    "valid_from",
    "valid_to",
    "last_onsite_assessment",
)
ACCREDITATION_EXPIRY = "bodies.accreditation_expiry"
UNDERTAKING_UNSIGNED = "bodies.undertaking_unsigned"
APPROVAL_LETTER = "bodies.approval_letter"


# --- bodies -------------------------------------------------------------------------------------------------


def _set_m2m(instance: Any, name: str, values: Iterable[Any] | None) -> None:
    if values is not None:
        getattr(instance, name).set(list(values))


LOGO_FORMATS = {"PNG", "JPEG"}


def check_logo(upload: Any) -> None:
    """A new logo must be a PNG or JPEG image of at most LOGO_MAX_BYTES, judged by its content, not its name.

    It is printed on every PDF of the body, so whatever reaches WeasyPrint has been opened and verified here.
    """
    if not isinstance(upload, UploadedFile):
        return  # unchanged, or cleared
    if upload.size is not None and upload.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            {"logo": _("The logo is too large: at most %(kb)s KB.") % {"kb": settings.LOGO_MAX_BYTES // 1024}}
        )
    from PIL import Image, UnidentifiedImageError

    position = upload.tell()
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"logo": _("The logo must be a PNG or JPEG image.")}) from exc
    finally:
        upload.seek(position)
    if image_format not in LOGO_FORMATS:
        raise ValidationError({"logo": _("The logo must be a PNG or JPEG image.")})


def body_apply(
    *,
    actor: Any,
    fields: dict[str, Any],
    activities: Iterable[Activity] = (),
    sectors: Iterable[Sector] = (),
) -> Body:
    """A person applies to ICR on behalf of a body; they become its first body administrator."""
    if actor is None or not actor.is_authenticated:
        raise ValidationError(_("You must be logged in to apply."))
    unknown = set(fields) - set(BODY_PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
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
    return body


def body_update_profile(
    *,
    body: Body,
    actor: Any,
    fields: dict[str, Any],
    activities: Iterable[Activity] | None = None,
    sectors: Iterable[Sector] | None = None,
) -> Body:
    """A body administrator (or staff) keeps the profile. Records only the fields that changed."""
    require_body_perm(actor, body, "manage_body")
    unknown = set(fields) - set(BODY_PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    if body.status == Body.Status.WITHDRAWN:
        raise TransitionNotAllowed(
            _("A withdrawn body's profile can no longer be changed."), current=body.status
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
        after = snapshot(locked, BODY_SNAPSHOT_FIELDS)
        changed = {k for k in after if after[k] != before.get(k)}
        if "time_zone" in changed:
            deadlines_body_time_zone_changed(body=locked)  # deadlines are dates in the body's time zone
        if changed:
            audit_record(
                actor=actor,
                action="bodies.body.profile_updated",
                obj=locked,
                body=locked,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
    return locked


def body_record_agreement(*, body: Body, actor: Any, reference: str, signed_on: date) -> Body:
    """Registry staff record the body's signed agreement with ICR."""
    require_registry_staff(actor)
    errors = {}
    if not reference.strip():
        errors["reference"] = _("Enter the agreement reference.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("The agreement cannot be signed in the future.")
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


def _body_transition(
    *, body: Body, actor: Any, to_status: str, reason: str, action: str, from_statuses: tuple[str, ...] = ()
) -> Body:
    require_registry_staff(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A registry decision needs a reason.")})
    with transaction.atomic():
        locked = Body.objects.select_for_update().get(pk=body.pk)
        allowed = to_status in Body.TRANSITIONS[locked.status]
        if not allowed or (from_statuses and locked.status not in from_statuses):
            raise TransitionNotAllowed(
                _("A body that is %(current)s cannot become %(target)s.")
                % {"current": locked.get_status_display(), "target": Body.Status(to_status).label},
                current=locked.status,
            )
        if to_status == Body.Status.APPROVED and not locked.agreement_signed:
            raise ValidationError(
                {"agreement": _("Record the signed ICR agreement before approving the body.")},
                code="agreement",
            )
        now = timezone.now()
        from_status = locked.status
        locked.status = to_status
        locked.status_reason = reason.strip()
        locked.status_changed_at = now
        update = ["status", "status_reason", "status_changed_at", "updated_at"]
        if to_status == Body.Status.APPROVED and locked.approved_at is None:
            locked.approved_at = now
            update.append("approved_at")
        locked.save(update_fields=update)
        BodyStatusChange.objects.create(
            body=locked,
            from_status=from_status,
            to_status=to_status,
            reason=locked.status_reason,
            decided_by=actor,
            decided_at=now,
        )
        audit_record(
            actor=actor,
            action=action,
            obj=locked,
            body=locked,
            before={"status": from_status},
            after={"status": to_status, "reason": locked.status_reason},
        )
        if to_status == Body.Status.APPROVED and from_status == Body.Status.UNDER_REVIEW:
            document_request(kind=APPROVAL_LETTER, subject=locked, body=locked, actor=actor)
    return locked


def body_start_review(*, body: Body, actor: Any, reason: str) -> Body:
    return _body_transition(
        body=body,
        actor=actor,
        to_status=Body.Status.UNDER_REVIEW,
        reason=reason,
        action="bodies.body.review_started",
    )


def body_approve(*, body: Body, actor: Any, reason: str) -> Body:
    """Registry approval; the approval letter is rendered in the background once the decision commits."""
    return _body_transition(
        body=body,
        actor=actor,
        to_status=Body.Status.APPROVED,
        reason=reason,
        action="bodies.body.approved",
        from_statuses=(Body.Status.UNDER_REVIEW,),
    )


def body_suspend(*, body: Body, actor: Any, reason: str) -> Body:
    return _body_transition(
        body=body, actor=actor, to_status=Body.Status.SUSPENDED, reason=reason, action="bodies.body.suspended"
    )


def body_reinstate(*, body: Body, actor: Any, reason: str) -> Body:
    return _body_transition(
        body=body,
        actor=actor,
        to_status=Body.Status.APPROVED,
        reason=reason,
        action="bodies.body.reinstated",
        from_statuses=(Body.Status.SUSPENDED,),
    )


def body_withdraw(*, body: Body, actor: Any, reason: str) -> Body:
    return _body_transition(
        body=body, actor=actor, to_status=Body.Status.WITHDRAWN, reason=reason, action="bodies.body.withdrawn"
    )


BODY_DECISIONS = {
    "start_review": body_start_review,
    "approve": body_approve,
    "suspend": body_suspend,
    "reinstate": body_reinstate,
    "withdraw": body_withdraw,
}


# --- memberships --------------------------------------------------------------------------------------------


def _sync_grants(membership: Membership) -> None:
    """Mirrors a membership's roles into guardian's object grants on the body."""
    wanted: set[str] = set()
    if membership.status == Membership.Status.ACTIVE:
        wanted.update(MEMBER_PERMISSIONS)
        for role in membership.roles:
            wanted.update(ROLE_PERMISSIONS.get(role, ()))
    every = set(MEMBER_PERMISSIONS) | {p for perms in ROLE_PERMISSIONS.values() for p in perms}
    for codename in sorted(every):
        if codename in wanted:
            assign_perm(f"bodies.{codename}", membership.user, membership.body)
        else:
            remove_perm(f"bodies.{codename}", membership.user, membership.body)


def membership_add(*, body: Body, user: Any, roles: list[str], actor: Any) -> Membership:
    require_body_perm(actor, body, "manage_members")
    _validate_roles(roles)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, body=body, defaults={"roles": sorted(set(roles))}
        )
        if not created:
            raise ValidationError({"user": _("This person already belongs to the body.")})
        _sync_grants(membership)
        membership_watch_undertaking(membership=membership)
        audit_record(
            actor=actor,
            action="bodies.membership.added",
            obj=membership,
            body=body,
            after={"user": user.email, "roles": roles, "status": membership.status},
        )
    return membership


def membership_set_roles(*, membership: Membership, roles: list[str], actor: Any) -> Membership:
    require_body_perm(actor, membership.body, "manage_members")
    _validate_roles(roles)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
        if Role.BODY_ADMIN in locked.roles and Role.BODY_ADMIN not in roles:
            _ensure_another_admin(locked)
        before = {"roles": locked.roles}
        locked.roles = sorted(set(roles))
        locked.save(update_fields=["roles"])
        _sync_grants(locked)
        audit_record(
            actor=actor,
            action="bodies.membership.roles_changed",
            obj=locked,
            body=locked.body,
            before=before,
            after={"roles": locked.roles},
        )
    return locked


def membership_set_status(*, membership: Membership, status: str, actor: Any) -> Membership:
    """Suspends a person in the body, marks them as having left, or makes them active again.

    Their object grants follow the status at once; a body never loses its last active administrator.
    """
    require_body_perm(actor, membership.body, "manage_members")
    if status not in Membership.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
        if locked.status == status:
            return locked
        if locked.is_body_admin and status != Membership.Status.ACTIVE:
            _ensure_another_admin(locked)
        before = {"status": locked.status}
        locked.status = status
        locked.save(update_fields=["status"])
        _sync_grants(locked)
        membership_watch_undertaking(membership=locked)
        audit_record(
            actor=actor,
            action="bodies.membership.status_changed",
            obj=locked,
            body=locked.body,
            before=before,
            after={"status": status},
        )
    return locked


def _validate_roles(roles: list[str]) -> None:
    valid = set(Role.values)
    bad = [role for role in roles if role not in valid]
    if bad:
        raise ValidationError({"roles": _("Unknown role(s): %(roles)s") % {"roles": ", ".join(bad)}})


def _ensure_another_admin(membership: Membership) -> None:
    others = Membership.objects.active().filter(body=membership.body).exclude(pk=membership.pk)
    if not any(Role.BODY_ADMIN in m.roles for m in others):
        raise ValidationError({"roles": _("A body must keep at least one active body administrator.")})


# --- membership details (employment, undertaking) -------------------------------------------------------------------------------------------------


def membership_update_details(
    *,
    membership: Membership,
    actor: Any,
    employment: str | None = None,
    undertaking_signed_on: date | None = None,
) -> Membership:
    """Employment and the signed confidentiality and impartiality undertaking of a person in one body."""
    require_body_perm(actor, membership.body, "manage_members")
    errors: dict[str, str] = {}
    if employment is not None and employment not in Membership.Employment.values:
        errors["employment"] = _("Unknown kind of employment.")
    if undertaking_signed_on is not None and undertaking_signed_on > timezone.localdate():
        errors["undertaking_signed_on"] = _("The undertaking cannot be signed in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("body", "user").get(pk=membership.pk)
        before = snapshot(locked, ["employment", "undertaking_signed_on"])
        if employment is not None:
            locked.employment = employment
        if undertaking_signed_on is not None:
            locked.undertaking_signed_on = undertaking_signed_on
        locked.save(update_fields=["employment", "undertaking_signed_on"])
        after = snapshot(locked, ["employment", "undertaking_signed_on"])
        if after != before:
            audit_record(
                actor=actor,
                action="competence.membership.details_changed",
                obj=locked,
                body=locked.body,
                before=before,
                after=after,
            )
        membership_watch_undertaking(membership=locked)
    return locked


def membership_watch_undertaking(*, membership: Membership) -> None:
    """Keeps the "undertaking not signed" deadline in step: open while unsigned, closed once signed."""
    if membership.undertaking_signed_on is None and membership.status == Membership.Status.ACTIVE:
        due = membership.created_at.date() + timedelta(days=settings.UNDERTAKING_GRACE_DAYS)
        deadline_upsert(kind=UNDERTAKING_UNSIGNED, subject=membership, body=membership.body, due_on=due)
    else:
        deadline_close(kind=UNDERTAKING_UNSIGNED, subject=membership)


# --- accreditations -----------------------------------------------------------------------------------------


def accreditation_expiry_date(accreditation: Accreditation) -> date:
    """The first day the accreditation no longer covers (the day after `valid_to`)."""
    return accreditation.valid_to + timedelta(days=1)


def _validate_accreditation(
    values: dict[str, Any], activities: list[Any], standards: list[Any], sectors: list[Any]
) -> None:
    """ISO/IEC 17011: an accreditation cycle is at most five years (a setting); its scope is never empty."""
    errors: dict[str, str] = {}
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to:
        if valid_to < valid_from:
            errors["valid_to"] = _("The end of validity cannot be before its start.")
        else:
            years = settings.ACCREDITATION_MAX_CYCLE_YEARS
            last_allowed = valid_from + relativedelta(years=years) - timedelta(days=1)
            if valid_to > last_allowed:
                errors["valid_to"] = _(
                    "An accreditation cycle is at most %(years)s years: the last allowed day is %(day)s."
                ) % {"years": years, "day": last_allowed.isoformat()}
    last_onsite = values.get("last_onsite_assessment")
    if last_onsite and last_onsite > timezone.localdate():
        errors["last_onsite_assessment"] = _("The last on-site assessment cannot be in the future.")
    if values.get("standard") == Accreditation.Standard.GHG_PROGRAMME and not values.get("programme_name"):
        errors["programme_name"] = _("Name the approved GHG programme.")
    if not activities:
        errors["scope_activities"] = _("The scope needs at least one activity.")
    if not standards:
        errors["scope_standards"] = _("The scope needs at least one standard.")
    if not sectors:
        errors["scope_sectors"] = _("The scope needs at least one sector.")
    if errors:
        raise ValidationError(errors)


def _save_unique(accreditation: Accreditation) -> None:
    """Saves; the database's unique constraint (not a Python look-up) refuses a duplicate certificate."""
    try:
        with transaction.atomic():
            accreditation.save()
    except IntegrityError as exc:
        if "accreditation_certificate_unique" in str(exc):
            raise ValidationError(
                {"certificate_number": _("This body already has this accreditation certificate.")}
            ) from exc
        raise


def _watch_expiry(accreditation: Accreditation) -> None:
    if accreditation.status in (Accreditation.Status.ACTIVE, Accreditation.Status.SUSPENDED):
        deadline_upsert(
            kind=ACCREDITATION_EXPIRY,
            subject=accreditation,
            body=accreditation.body,
            due_on=accreditation_expiry_date(accreditation),
        )
    else:
        deadline_close(kind=ACCREDITATION_EXPIRY, subject=accreditation)


def accreditation_create(
    *,
    body: Body,
    actor: Any,
    fields: dict[str, Any],
    scope_activities: Iterable[Activity],
    scope_standards: Iterable[Standard],
    scope_sectors: Iterable[Sector],
) -> Accreditation:
    require_body_perm(actor, body, "manage_accreditations")
    unknown = set(fields) - set(ACCREDITATION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    activities, standards, sectors = list(scope_activities), list(scope_standards), list(scope_sectors)
    _validate_accreditation(fields, activities, standards, sectors)
    accreditation = Accreditation(body=body, **fields)
    accreditation.full_clean(
        exclude=["scope_activities", "scope_standards", "scope_sectors"],
        validate_unique=False,
        validate_constraints=False,
    )
    with transaction.atomic():
        _save_unique(accreditation)
        accreditation.scope_activities.set(activities)
        accreditation.scope_standards.set(standards)
        accreditation.scope_sectors.set(sectors)
        audit_record(
            actor=actor,
            action="bodies.accreditation.created",
            obj=accreditation,
            body=body,
            after=snapshot(accreditation, accreditation.snapshot_fields()),
        )
        _watch_expiry(accreditation)
    return accreditation


def accreditation_update(
    *,
    accreditation: Accreditation,
    actor: Any,
    fields: dict[str, Any],
    scope_activities: Iterable[Activity] | None = None,
    scope_standards: Iterable[Standard] | None = None,
    scope_sectors: Iterable[Sector] | None = None,
) -> Accreditation:
    require_body_perm(actor, accreditation.body, "manage_accreditations")
    unknown = set(fields) - set(ACCREDITATION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().select_related("body").get(pk=accreditation.pk)
        if locked.status in (Accreditation.Status.WITHDRAWN, Accreditation.Status.EXPIRED):
            raise TransitionNotAllowed(
                _("A withdrawn or expired accreditation cannot be changed."), current=locked.status
            )
        before = snapshot(locked, locked.snapshot_fields())
        for name, value in fields.items():
            setattr(locked, name, value)
        activities = (
            list(scope_activities) if scope_activities is not None else list(locked.scope_activities.all())
        )
        standards = (
            list(scope_standards) if scope_standards is not None else list(locked.scope_standards.all())
        )
        sectors = list(scope_sectors) if scope_sectors is not None else list(locked.scope_sectors.all())
        _validate_accreditation(
            {f: getattr(locked, f) for f in ACCREDITATION_FIELDS}, activities, standards, sectors
        )
        locked.full_clean(
            exclude=["scope_activities", "scope_standards", "scope_sectors"],
            validate_unique=False,
            validate_constraints=False,
        )
        _save_unique(locked)
        locked.scope_activities.set(activities)
        locked.scope_standards.set(standards)
        locked.scope_sectors.set(sectors)
        after = snapshot(locked, locked.snapshot_fields())
        changed = {k for k in after if after[k] != before.get(k)}
        if changed:
            audit_record(
                actor=actor,
                action="bodies.accreditation.updated",
                obj=locked,
                body=locked.body,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        _watch_expiry(locked)
    return locked


def _accreditation_transition(
    *,
    accreditation: Accreditation,
    actor: Any,
    to_status: str,
    reason: str,
    action: str,
    from_statuses: tuple[str, ...] = (),
) -> Accreditation:
    require_body_perm(actor, accreditation.body, "manage_accreditations")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().select_related("body").get(pk=accreditation.pk)
        allowed = to_status in Accreditation.TRANSITIONS[locked.status]
        if not allowed or (from_statuses and locked.status not in from_statuses):
            raise TransitionNotAllowed(
                _("An accreditation that is %(current)s cannot become %(target)s.")
                % {"current": locked.get_status_display(), "target": Accreditation.Status(to_status).label},
                current=locked.status,
            )
        if to_status == Accreditation.Status.ACTIVE and locked.valid_to < timezone.localdate():
            raise TransitionNotAllowed(_("The accreditation's validity has ended."), current=locked.status)
        before = {"status": locked.status}
        locked.status = to_status
        locked.status_reason = reason.strip()
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        audit_record(
            actor=actor,
            action=action,
            obj=locked,
            body=locked.body,
            before=before,
            after={"status": to_status, "reason": locked.status_reason},
        )
        _watch_expiry(locked)
    return locked


def accreditation_suspend(*, accreditation: Accreditation, actor: Any, reason: str) -> Accreditation:
    return _accreditation_transition(
        accreditation=accreditation,
        actor=actor,
        to_status=Accreditation.Status.SUSPENDED,
        reason=reason,
        action="bodies.accreditation.suspended",
    )


def accreditation_reinstate(*, accreditation: Accreditation, actor: Any, reason: str) -> Accreditation:
    return _accreditation_transition(
        accreditation=accreditation,
        actor=actor,
        to_status=Accreditation.Status.ACTIVE,
        reason=reason,
        action="bodies.accreditation.reinstated",
        from_statuses=(Accreditation.Status.SUSPENDED,),
    )


def accreditation_withdraw(*, accreditation: Accreditation, actor: Any, reason: str) -> Accreditation:
    return _accreditation_transition(
        accreditation=accreditation,
        actor=actor,
        to_status=Accreditation.Status.WITHDRAWN,
        reason=reason,
        action="bodies.accreditation.withdrawn",
    )


ACCREDITATION_DECISIONS = {
    "suspend": accreditation_suspend,
    "reinstate": accreditation_reinstate,
    "withdraw": accreditation_withdraw,
}


def accreditations_expire(*, today: date | None = None) -> int:
    """Marks accreditations whose validity has ended (in their body's time zone) as expired; returns how many."""
    return expire_past_validity(
        model=Accreditation,
        last_day_field="valid_to",
        live_statuses=[Accreditation.Status.ACTIVE, Accreditation.Status.SUSPENDED],
        expired_status=Accreditation.Status.EXPIRED,
        action="bodies.accreditation.expired",
        today=today,
    )
