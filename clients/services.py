"""Every write to a body's clients, their sites and its projects: keyword-only, validated, atomic, audited.

Only the body's administrators (`manage_clients`) and registry staff write; the database's constraints (not a
Python look-up) refuse duplicates and a second central function, turned into field errors here.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_register
from bodies.models.tenants import Body
from core.audit import audit_changes, audit_record, snapshot
from core.commit import after_commit
from core.errors import ValidationError, coded, refuse_other_fields, unique_or_field_error
from core.transitions import transition
from core.types import Actor
from reference.models import Sector
from reminders.notices import notify

from .error_codes import ClientsErrorCode
from .models import Client, ClientUser, Project, Site
from .permissions import require_manage_clients

#: what a body writes of a client (`sectors` is the service's own argument)
CLIENT_FIELDS = (
    "legal_name",
    "short_name",
    "country",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "effective_personnel",
    "kind",
    "notes",
)
CLIENT_SNAPSHOT_FIELDS = [*CLIENT_FIELDS, "sectors"]

SITE_FIELDS = ("name", "address", "country", "activities", "effective_personnel", "is_central_function")
SITE_SNAPSHOT_FIELDS = ["client", *SITE_FIELDS]

PROJECT_FIELDS = (
    "registry_project_id",
    "registry_number",
    "name",
    "methodology",
    "sector",
    "country",
    "proponent",
    "consultant_client",
    "consultant_name",
    "crediting_period_start",
    "crediting_period_end",
    "monitoring_period_start",
    "monitoring_period_end",
)
PROJECT_SNAPSHOT_FIELDS = list(PROJECT_FIELDS)

_STRIPPED = {
    "legal_name",
    "short_name",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "notes",
    "name",
    "activities",
    "registry_project_id",
    "registry_number",
    "methodology",
    "consultant_name",
}


def _cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    """The caller's values with surrounding spaces removed from text (a registration number " 123" is "123")."""
    return {
        name: value.strip() if name in _STRIPPED and isinstance(value, str) else value
        for name, value in fields.items()
    }


def _raise(errors: dict[str, ValidationError]) -> None:
    if errors:
        raise ValidationError(errors)


def _full_clean(instance: Client | Site | Project, exclude: Iterable[str] = ()) -> None:
    """The model's field rules (required, lengths, choices, email, country); constraints are the database's."""
    instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


# --- clients ------------------------------------------------------------------------------------------------


def _save_client(client: Client, sectors: list[Sector] | None) -> None:
    _full_clean(client, exclude=["body"])
    with unique_or_field_error(
        "client_body_registration_unique",
        "registration_number",
        _("This body already has a client with this registration number."),
        ClientsErrorCode.DUPLICATE_REGISTRATION_NUMBER,
    ):
        client.save()
    if sectors is not None:
        client.sectors.set(sectors)


def client_create(
    *, body: Body, actor: Actor, fields: dict[str, Any], sectors: Iterable[Sector] = ()
) -> Client:
    """The body records a client of its own (the same real organisation may also be another body's client)."""
    require_manage_clients(actor, body)
    refuse_other_fields(fields, CLIENT_FIELDS, changing=False)
    client = Client(body=body, **_cleaned(fields))
    with transaction.atomic():
        _save_client(client, list(sectors))
        audit_record(
            actor=actor,
            action="clients.client.created",
            obj=client,
            body=body,
            after=snapshot(client, CLIENT_SNAPSHOT_FIELDS),
        )
    return client


def client_update(
    *, client: Client, actor: Actor, fields: dict[str, Any], sectors: Iterable[Sector] | None = None
) -> Client:
    """The body changes a client's record; `sectors`, when given, replaces the current ones. No change, no
    event."""
    require_manage_clients(actor, client.body)
    refuse_other_fields(fields, CLIENT_FIELDS, changing=True)
    with transaction.atomic():
        locked = Client.objects.select_for_update().select_related("body").get(pk=client.pk)
        before = snapshot(locked, CLIENT_SNAPSHOT_FIELDS)
        for name, value in _cleaned(fields).items():
            setattr(locked, name, value)
        _save_client(locked, None if sectors is None else list(sectors))
        audit_changes(
            actor=actor,
            action="clients.client.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, CLIENT_SNAPSHOT_FIELDS),
        )
    return locked


# --- sites --------------------------------------------------------------------------------------------------


def _save_site(site: Site) -> None:
    _full_clean(site, exclude=["body", "client"])
    with unique_or_field_error(
        "site_one_central_function",
        "is_central_function",
        _("This client already has a central function; a client has at most one."),
        ClientsErrorCode.SECOND_CENTRAL_FUNCTION,
    ):
        site.save()


def site_create(*, client: Client, actor: Actor, fields: dict[str, Any]) -> Site:
    """A site of a client; it belongs to the client's body."""
    require_manage_clients(actor, client.body)
    refuse_other_fields(fields, SITE_FIELDS, changing=False)
    site = Site(body_id=client.body_id, client=client, **_cleaned(fields))
    with transaction.atomic():
        _save_site(site)
        audit_record(
            actor=actor,
            action="clients.site.created",
            obj=site,
            body=client.body,
            after=snapshot(site, SITE_SNAPSHOT_FIELDS),
        )
    return site


def site_update(*, site: Site, actor: Actor, fields: dict[str, Any]) -> Site:
    require_manage_clients(actor, site.body)
    refuse_other_fields(fields, SITE_FIELDS, changing=True)
    with transaction.atomic():
        locked = Site.objects.select_for_update().select_related("body", "client").get(pk=site.pk)
        before = snapshot(locked, SITE_SNAPSHOT_FIELDS)
        for name, value in _cleaned(fields).items():
            setattr(locked, name, value)
        _save_site(locked)
        audit_changes(
            actor=actor,
            action="clients.site.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, SITE_SNAPSHOT_FIELDS),
        )
    return locked


def site_delete(*, site: Site, actor: Actor) -> None:
    """Removes a site. Nothing points to a site yet; when engagements do, a site they name stays."""
    require_manage_clients(actor, site.body)
    with transaction.atomic():
        locked = Site.objects.select_for_update().select_related("body", "client").get(pk=site.pk)
        audit_record(
            actor=actor,
            action="clients.site.deleted",
            obj=locked,
            body=locked.body,
            before=snapshot(locked, SITE_SNAPSHOT_FIELDS),
        )
        locked.delete()


# --- projects -----------------------------------------------------------------------------------------------


def _check_period(
    errors: dict[str, ValidationError], start: date | None, end: date | None, end_field: str
) -> None:
    if start is not None and end is not None and end < start:
        errors[end_field] = coded(
            _("The period cannot end before it starts."), ClientsErrorCode.PERIOD_ENDS_BEFORE_START
        )


def project_validate(project: Project) -> None:
    """A project's own rules: a GHG sectoral scope, its proponent and consultant clients of its body, one
    consultant (a client or a name), periods that end on or after their start."""
    errors: dict[str, ValidationError] = {}
    sector = project.sector if project.sector_id else None
    if sector is not None and sector.scheme != Sector.Scheme.GHG:
        errors["sector"] = coded(
            _("A project's sector is a GHG sectoral scope."), ClientsErrorCode.SECTOR_NOT_GHG
        )
    for name in ("proponent", "consultant_client"):
        other = getattr(project, name) if getattr(project, f"{name}_id") else None
        if other is not None and other.body_id != project.body_id:
            errors[name] = coded(
                _("This organisation is not a client of this body."), ClientsErrorCode.CLIENT_OF_OTHER_BODY
            )
    if project.consultant_client_id and project.consultant_name:
        errors["consultant_name"] = coded(
            _("Name the consultant as a client or as a name, not both."), ClientsErrorCode.TWO_CONSULTANTS
        )
    _check_period(
        errors, project.crediting_period_start, project.crediting_period_end, "crediting_period_end"
    )
    _check_period(
        errors, project.monitoring_period_start, project.monitoring_period_end, "monitoring_period_end"
    )
    _raise(errors)


def _save_project(project: Project) -> None:
    _full_clean(project, exclude=["body"])
    project_validate(project)
    with unique_or_field_error(
        "project_body_registry_number_unique",
        "registry_number",
        _("This body already has a project with this registry number."),
        ClientsErrorCode.DUPLICATE_REGISTRY_NUMBER,
    ):
        project.save()


def project_create(*, body: Body, actor: Actor, fields: dict[str, Any]) -> Project:
    """The body records an ICR project it validates or verifies."""
    require_manage_clients(actor, body)
    refuse_other_fields(fields, PROJECT_FIELDS, changing=False)
    project = Project(body=body, **_cleaned(fields))
    with transaction.atomic():
        _save_project(project)
        audit_record(
            actor=actor,
            action="clients.project.created",
            obj=project,
            body=body,
            after=snapshot(project, PROJECT_SNAPSHOT_FIELDS),
        )
    return project


def project_update(*, project: Project, actor: Actor, fields: dict[str, Any]) -> Project:
    require_manage_clients(actor, project.body)
    refuse_other_fields(fields, PROJECT_FIELDS, changing=True)
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("body").get(pk=project.pk)
        before = snapshot(locked, PROJECT_SNAPSHOT_FIELDS)
        for name, value in _cleaned(fields).items():
            setattr(locked, name, value)
        _save_project(locked)
        audit_changes(
            actor=actor,
            action="clients.project.updated",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, PROJECT_SNAPSHOT_FIELDS),
        )
    return locked


# --- client users (the people at a client who read its records in the client view) -------------------------
# A body's client managers invite a person by email; the email carries a one-time link whose token is kept only
# as its SHA-256 hash. The link works until `CLIENT_INVITATION_MAX_AGE_DAYS` after it was sent (the last valid
# moment is `ClientUser.expires_at`, included); re-sending makes a new token and the old link dies; accepting
# uses it up; revoking ends the access at once. Every move goes through `ClientUser.TRANSITIONS`.


@dataclass(frozen=True)
class InvitationState:
    """What an invitation link leads to: the invitation (None when unknown) and whether it may be accepted,
    with the refusal's message and code when not."""

    client_user: ClientUser | None
    code: ClientsErrorCode | None
    message: str

    @property
    def is_open(self) -> bool:
        return self.code is None


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, invitation_token_hash(token)


def invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('clients:invitation', args=[token])}"


def _send_invitation(client_user: ClientUser, token: str, language: str) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        context: dict[str, Any] = {
            "client_user": client_user,
            "client": client_user.client,
            "body": client_user.body,
            "link": invitation_link(token),
            "expires_at": client_user.expires_at,
            "days": settings.CLIENT_INVITATION_MAX_AGE_DAYS,
        }
        subject = _("%(body)s invites you to read %(client)s's records") % {
            "body": client_user.body,
            "client": client_user.client,
        }
        message = render_to_string("clients/email/invitation.txt", context)
    send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [client_user.email])


def invitation_state(token: str, *, now: datetime | None = None) -> InvitationState:
    """Whether the link with `token` may be accepted now; a refusal says why (unknown, expired, used, revoked)."""
    now = now or timezone.now()
    found = (
        ClientUser.objects.select_related("client", "body")
        .filter(token_hash=invitation_token_hash(token))
        .first()
        if token
        else None
    )
    if found is None:
        return InvitationState(
            None,
            ClientsErrorCode.INVITATION_UNKNOWN,
            _(
                "This invitation link is not valid. It may have been replaced by a newer one: use the latest email."
            ),
        )
    if found.status == ClientUser.Status.REVOKED:
        return InvitationState(
            found,
            ClientsErrorCode.INVITATION_REVOKED,
            _("This invitation was withdrawn by %(body)s.") % {"body": found.body},
        )
    if found.status == ClientUser.Status.ACTIVE:
        return InvitationState(
            found,
            ClientsErrorCode.INVITATION_USED,
            _("This invitation was already accepted. Log in to open the client view."),
        )
    if now > found.expires_at:
        return InvitationState(
            found,
            ClientsErrorCode.INVITATION_EXPIRED,
            _("This invitation link has expired. Ask %(body)s to send a new one.") % {"body": found.body},
        )
    return InvitationState(found, None, "")


def _require_open(token: str) -> ClientUser:
    state = invitation_state(token)
    if not state.is_open:
        raise ValidationError(coded(state.message, state.code))  # type: ignore[arg-type]
    assert state.client_user is not None
    return state.client_user


def client_user_invite(*, client: Client, actor: Actor, email: str, full_name: str) -> ClientUser:
    """The body's client managers invite a person at `client` to its client view; the link is emailed once
    the invitation is saved (only its hash is kept)."""
    require_manage_clients(actor, client.body)
    token, token_hash = _new_token()
    client_user = ClientUser(
        body_id=client.body_id,
        client=client,
        email=(email or "").strip().lower(),
        full_name=(full_name or "").strip(),
        token_hash=token_hash,
        invited_at=timezone.now(),
        invited_by=actor,
    )
    client_user.full_clean(
        exclude=["body", "client", "user", "invited_by", "token_hash"],
        validate_unique=False,
        validate_constraints=False,
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        with unique_or_field_error(
            "client_user_one_open_per_email",
            "email",
            _("This person is already invited to this client or has access to it."),
            ClientsErrorCode.DUPLICATE_CLIENT_USER,
        ):
            client_user.save()
        audit_record(
            actor=actor,
            action="clients.client_user.invited",
            obj=client_user,
            body=client.body,
            after=snapshot(client_user, ["client", "email", "full_name", "status"]),
        )

        after_commit(_send_invitation, client_user, token, language)
    client_user.sent_token = token  # in memory only, for the caller that must follow the link (the demo data)
    return client_user


def client_user_resend(*, client_user: ClientUser, actor: Actor) -> ClientUser:
    """A new link for an open invitation (a new token and a new expiry); the old link no longer works."""
    require_manage_clients(actor, client_user.body)
    token, token_hash = _new_token()
    language = translation.get_language() or settings.LANGUAGE_CODE

    def renew(locked: ClientUser) -> list[str]:
        locked.token_hash = token_hash
        locked.invited_at = timezone.now()
        locked.invited_by = actor
        return ["token_hash", "invited_at", "invited_by"]

    return transition(
        client_user,
        action="resend",
        actor=actor,
        apply=renew,
        record_before=["invited_at"],
        record_after=["invited_at"],
        after_commit=[lambda locked: _send_invitation(locked, token, language)],
    )


def client_user_revoke(*, client_user: ClientUser, actor: Actor, reason: str = "") -> ClientUser:
    """The body ends a client user's access (or withdraws an open invitation) at once; the person is told."""
    require_manage_clients(actor, client_user.body)

    def stamp(locked: ClientUser) -> list[str]:
        locked.revoked_at = timezone.now()
        return ["revoked_at"]

    def tell(locked: ClientUser, previous: str) -> None:
        if locked.user_id is not None:
            notify(
                kind="clients.client_user.revoked",
                subject=locked,
                body=None,
                reason=locked.status_reason,
                values={"body": str(locked.body), "client": str(locked.client)},
            )

    return transition(
        client_user,
        action="revoke",
        actor=actor,
        reason=reason,
        apply=stamp,
        effects=[tell],
        record_after=["status_reason"],
    )


def _accept(client_user: ClientUser, user: User) -> ClientUser:
    def take(locked: ClientUser) -> list[str]:
        locked.user = user
        locked.accepted_at = timezone.now()
        return ["user", "accepted_at"]

    def guard(locked: ClientUser) -> None:
        if timezone.now() > locked.expires_at:
            raise ValidationError(
                coded(_("This invitation link has expired."), ClientsErrorCode.INVITATION_EXPIRED)
            )

    def tell(locked: ClientUser, previous: str) -> None:
        notify(
            kind="clients.client_user.accepted",
            subject=locked,
            body=locked.body,
            values={"client": str(locked.client), "person": locked.full_name},
        )

    return transition(
        client_user,
        action="accept",
        actor=user,
        guards=[guard],
        apply=take,
        effects=[tell],
        record_after=["user"],
    )


def client_user_accept(*, token: str, user: User) -> ClientUser:
    """A person logged in as the invited email address accepts the invitation (the link is used up)."""
    client_user = _require_open(token)
    if user.email.strip().lower() != client_user.email.strip().lower():
        raise ValidationError(
            coded(
                _("This invitation is for %(email)s: log in with that address to accept it.")
                % {"email": client_user.email},
                ClientsErrorCode.INVITATION_OTHER_ACCOUNT,
            )
        )
    return _accept(client_user, user)


def client_user_accept_new_account(*, token: str, full_name: str, password: str) -> ClientUser:
    """A person without an account sets their name and password: the account is made (the invited address
    counts as confirmed, since the link reached it) and the invitation accepted, both or neither."""
    client_user = _require_open(token)
    if User.objects.filter(email__iexact=client_user.email).exists():
        raise ValidationError(
            coded(
                _("An account with %(email)s exists: log in to accept the invitation.")
                % {"email": client_user.email},
                ClientsErrorCode.INVITATION_ACCOUNT_EXISTS,
            )
        )
    with transaction.atomic():
        user = user_register(email=client_user.email, full_name=full_name, password=password)
        return _accept(client_user, user)
