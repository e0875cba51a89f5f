"""Every write to a body's clients, their sites and its projects: keyword-only, validated, atomic, audited.

Only the body's administrators (`manage_clients`) and registry staff write; the database's constraints (not a
Python look-up) refuse duplicates and a second central function, turned into field errors here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bodies.models.tenants import Body
from core.audit import audit_changes, audit_record, snapshot
from core.errors import ValidationError, coded, refuse_other_fields, unique_or_field_error
from core.types import Actor
from reference.models import Sector

from .error_codes import ClientsErrorCode
from .models import Client, Project, Site
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
