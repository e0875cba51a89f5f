"""Bulk import of people and competence records, declared on the import engine (`imports`).

One row is one person in the body, optionally with one competence record. Columns (header names, any order):

    email, full_name, employment, roles, undertaking_signed_on,
    standard, sector_scheme, sector_code, competence_role, basis, evaluated_by, evaluated_on, valid_until

`roles` and `basis` are separated by ";". Dates are ISO (YYYY-MM-DD). A row with `evaluated_by` and
`evaluated_on` imports an approved competence (evaluated by that member, never the person); without them the
competence is proposed. `roles` apply to people new to the body (existing members keep theirs). People not yet
on the platform get an account without a password (they set one through "forgot password"). The engine reads
the file once and stores its rows; applying re-checks them against the database as it is then, and writes every
row in one transaction, or nothing.

The rows are checked by the same validators the services use (`person_validate`, `competence_record_validate`,
`competence_evaluation_validate`); only reading the file's text (dates, codes, lists) and the file-wide rules
(one name per email, one row per competence) are the import's own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bodies.models.tenants import Body, Membership, Role
from core.errors import ValidationError
from core.types import Actor
from imports.models import ImportBatch
from imports.registry import ImportKind, ImportRow, register
from imports.services import ImportPreview, import_apply, import_upload
from reference.models import Sector, Standard

from .models import CompetenceRecord
from .people import person_add, person_update, person_validate
from .services import (
    competence_approve,
    competence_evaluation_validate,
    competence_propose,
    competence_record_validate,
)

COMPETENCE_IMPORT = "competence.people"
COLUMNS = [
    "email",
    "full_name",
    "employment",
    "roles",
    "undertaking_signed_on",
    "standard",
    "sector_scheme",
    "sector_code",
    "competence_role",
    "basis",
    "evaluated_by",
    "evaluated_on",
    "valid_until",
]
REQUIRED = ["email", "full_name"]
#: a service's field -> the file's column it came from
SERVICE_FIELD_COLUMNS = {"role": "competence_role", "sector": "sector_scheme"}

__all__ = [
    "COLUMNS",
    "COMPETENCE_IMPORT",
    "ImportPreview",
    "ImportRow",
    "competence_import_apply",
    "competence_import_preview",
]


# --- checking -----------------------------------------------------------------------------------------------


def _date(row: ImportRow, name: str) -> date | None:
    raw = row.values[name]
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        row.errors[name] = _("Use a date like 2026-05-31.")
        return None


def _check(row: ImportRow, validator: Callable[..., None], **kwargs: Any) -> None:
    """Runs a service's validator and files its errors under the row's columns (an earlier error stays)."""
    try:
        validator(**kwargs)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            row.errors.setdefault(SERVICE_FIELD_COLUMNS.get(name, name), messages[0])


def _validate(body: Body, rows: list[ImportRow]) -> None:
    """Checks every row against the services' rules and the database; fills row.errors and row.parsed.

    Reads only, with a constant number of queries for the whole file.
    """
    memberships = {m.user.email: m for m in Membership.objects.filter(body=body).select_related("user")}
    standards = {s.code: s for s in Standard.objects.all()}
    sectors = {(s.scheme, s.code): s for s in Sector.objects.filter(is_current=True)}
    existing = set(
        CompetenceRecord.objects.filter(body=body).values_list(
            "person__email", "standard_id", "sector_id", "role"
        )
    )
    importable_roles = [role for role in Role.values if role != Role.BODY_ADMIN]
    seen_people: dict[str, str] = {}
    seen_records: set[tuple[str, str, int, str]] = set()
    today = timezone.localdate()
    for row in rows:
        v, p = row.values, row.parsed
        email = v["email"].lower()
        employment = v["employment"] or None  # blank: a new person is an employee, a member keeps theirs
        _check(
            row,
            person_validate,
            email=email,
            full_name=v["full_name"],
            employment=employment or Membership.Employment.EMPLOYEE,
        )
        p["email"], p["full_name"], p["employment"] = email, v["full_name"], employment
        roles = [r.strip() for r in v["roles"].split(";") if r.strip()]
        bad_roles = [r for r in roles if r not in importable_roles]
        if bad_roles:
            row.errors["roles"] = _("Unknown role(s): %(v)s.") % {"v": ", ".join(bad_roles)}
        p["roles"] = roles
        signed = _date(row, "undertaking_signed_on")
        if signed and signed > today:
            row.errors["undertaking_signed_on"] = _("The undertaking cannot be signed in the future.")
        p["undertaking_signed_on"] = signed
        # the same person may appear on several rows (one per competence) but must be named the same way
        first_name = seen_people.setdefault(email, v["full_name"])
        if first_name != v["full_name"]:
            row.errors["full_name"] = _("The same email is named differently on an earlier row.")
        p["competence"] = None
        if any(v[name] for name in ("standard", "sector_scheme", "sector_code", "competence_role")):
            p["competence"] = _validate_competence(row, email, memberships, standards, sectors)
            competence = p["competence"]
            standard, sector, role = competence["standard"], competence["sector"], competence["role"]
            if standard and sector and role:
                key = (email, standard.code, sector.pk, role)
                if key in seen_records:
                    row.errors["competence_role"] = _("The same competence appears twice in the file.")
                elif key in existing:
                    row.errors["competence_role"] = _("This person already has this competence record.")
                seen_records.add(key)


def _validate_competence(
    row: ImportRow,
    email: str,
    memberships: dict[str, Membership],
    standards: dict[str, Standard],
    sectors: dict[tuple[str, str], Sector],
) -> dict[str, Any]:
    v = row.values
    standard = standards.get(v["standard"])
    if standard is None:
        row.errors["standard"] = _("Unknown standard code.")
    sector = sectors.get((v["sector_scheme"], v["sector_code"]))
    if sector is None:
        row.errors["sector_code"] = _("Unknown sector (scheme iaf or ghg, and its code).")
    basis = [b.strip() for b in v["basis"].split(";") if b.strip()]
    valid_until = _date(row, "valid_until")
    role = v["competence_role"]
    _check(
        row,
        competence_record_validate,
        values={
            "standard": standard,
            "sector": sector,
            "role": role,
            "basis": basis,
            "valid_until": valid_until,
        },
    )
    evaluated_on = _date(row, "evaluated_on")
    evaluator = None
    if v["evaluated_by"] or v["evaluated_on"]:
        evaluator_email = v["evaluated_by"].lower()
        evaluator_membership = memberships.get(evaluator_email)
        if not evaluator_email:
            row.errors["evaluated_by"] = _("Name who evaluated the competence.")
        else:
            _check(
                row,
                competence_evaluation_validate,
                person_id=email,  # emails: the person may have no account yet
                evaluator_id=evaluator_email,
                evaluator_active=evaluator_membership is not None
                and evaluator_membership.status == Membership.Status.ACTIVE,
                evaluated_on=evaluated_on,
                valid_until=valid_until,
            )
            if evaluator_membership is not None:
                evaluator = evaluator_membership.user
        if not v["evaluated_on"]:
            row.errors.setdefault("evaluated_on", _("Required with an evaluator."))
    return {
        "standard": standard,
        "sector": sector,
        "role": role,
        "basis": basis,
        "valid_until": valid_until,
        "evaluator": evaluator,
        "evaluated_on": evaluated_on,
    }


# --- writing ------------------------------------------------------------------------------------------------


def _write(body: Body, actor: Actor, rows: list[ImportRow]) -> None:
    memberships = {m.user.email: m for m in Membership.objects.filter(body=body).select_related("user")}
    for row in rows:
        p = row.parsed
        membership = memberships.get(p["email"])
        if membership is None:
            membership = person_add(
                body=body,
                actor=actor,
                email=p["email"],
                full_name=p["full_name"],
                roles=p["roles"],
                employment=p["employment"] or Membership.Employment.EMPLOYEE,
                undertaking_signed_on=p["undertaking_signed_on"],
            )
        else:  # an existing member keeps what the file leaves blank
            membership = person_update(
                membership=membership,
                actor=actor,
                employment=p["employment"],
                undertaking_signed_on=p["undertaking_signed_on"],
            )
        memberships[p["email"]] = membership
        competence = p["competence"]
        if competence:
            record = competence_propose(
                membership=membership,
                actor=actor,
                standard=competence["standard"],
                sector=competence["sector"],
                role=competence["role"],
                basis=competence["basis"],
                valid_until=competence["valid_until"],
            )
            if competence["evaluator"] is not None:
                competence_approve(
                    record=record,
                    actor=actor,
                    evaluated_by=competence["evaluator"],
                    evaluated_on=competence["evaluated_on"],
                )


register(
    ImportKind(
        code=COMPETENCE_IMPORT,
        columns=COLUMNS,
        required=REQUIRED,
        permission="manage_competence",
        audit_prefix="competence.import",
        validate=_validate,
        apply=_write,
        label=gettext_lazy("People and competence records"),
    )
)


# --- the competence faces' entry points (the engine's services, for this kind) ------------------------------


def competence_import_preview(*, body: Body, actor: Actor, upload: Any) -> ImportPreview:
    """Stores the file and reports, row by row, what applying it would do or why it cannot. Writes no records."""
    return import_upload(kind=COMPETENCE_IMPORT, body=body, actor=actor, upload=upload)


def competence_import_apply(*, batch: ImportBatch, actor: Actor) -> ImportPreview:
    """Applies a previewed file: re-checks it now and writes every row in one transaction, or nothing."""
    return import_apply(batch=batch, actor=actor)
