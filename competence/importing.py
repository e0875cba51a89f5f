"""Bulk import of people and competence records from CSV or XLSX: preview with row errors, then all or nothing.

One row is one person in the body, optionally with one competence record. Columns (header names, any order):

    email, full_name, employment, roles, undertaking_signed_on,
    standard, sector_scheme, sector_code, competence_role, basis, evaluated_by, evaluated_on, valid_until

`roles` and `basis` are separated by ";". Dates are ISO (YYYY-MM-DD). A row with `evaluated_by` and
`evaluated_on` imports an approved competence (evaluated by that member, never the person); without them the
competence is proposed. `roles` apply to people new to the body (existing members keep theirs). People not yet
on the platform get an account without a password (they set one
through "forgot password"). Applying re-validates the whole file against the database as it is then, and
writes every row in one transaction, or nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Body, Membership, Role
from core.audit import audit_record
from core.errors import TransitionNotAllowed, ValidationError
from core.permissions import require_body_perm
from reference.models import Sector, Standard

from .models import COMPETENCE_ROLES, Basis, CompetenceRecord, ImportBatch
from .people import person_add, person_update
from .services import competence_approve, competence_propose

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
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    parsed: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    batch: ImportBatch | None
    rows: list[ImportRow]
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for row in self.rows if not row.ok)


# --- reading ------------------------------------------------------------------------------------------------


def _read_table(content: bytes, filename: str) -> list[list[str]]:
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationError({"file": _("This is not a readable XLSX file.")}) from exc
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append(
                ["" if v is None else (v.isoformat()[:10] if isinstance(v, date) else str(v)) for v in row]
            )
        workbook.close()
        return table
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("A CSV file must be UTF-8 encoded.")}) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    except csv.Error:  # a single column (or no delimiter the sniffer knows): read it as plain CSV
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise ValidationError({"file": _("This is not a readable CSV file.")}) from exc


def _rows_from(content: bytes, filename: str) -> tuple[list[ImportRow], list[str]]:
    table = [row for row in _read_table(content, filename) if any(cell.strip() for cell in row)]
    if not table:
        return [], [_("The file is empty.")]
    header = [cell.strip().lower().replace(" ", "_") for cell in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    errors = []
    if missing:
        errors.append(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
    if unknown:
        errors.append(_("Unknown column(s): %(cols)s.") % {"cols": ", ".join(unknown)})
    if len(table) - 1 > MAX_ROWS:
        errors.append(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    if errors:
        return [], errors
    rows = []
    for index, raw in enumerate(table[1:], start=2):
        values = {name: (raw[i].strip() if i < len(raw) else "") for i, name in enumerate(header) if name}
        rows.append(ImportRow(line=index, values={name: values.get(name, "") for name in COLUMNS}))
    return rows, []


# --- validating ---------------------------------------------------------------------------------------------


def _date(row: ImportRow, name: str, *, required: bool = False) -> date | None:
    raw = row.values[name]
    if not raw:
        if required:
            row.errors[name] = _("Required.")
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        row.errors[name] = _("Use a date like 2026-05-31.")
        return None


def _validate(body: Body, rows: list[ImportRow]) -> None:
    """Checks every row against the rules and the database; fills row.errors and row.parsed. Reads only."""
    memberships = {m.user.email: m for m in Membership.objects.filter(body=body).select_related("user")}
    standards = {s.code: s for s in Standard.objects.all()}
    sectors = {(s.scheme, s.code): s for s in Sector.objects.filter(is_current=True)}
    existing = set(
        CompetenceRecord.objects.filter(body=body).values_list(
            "person__email", "standard_id", "sector_id", "role"
        )
    )
    seen_people: dict[str, str] = {}
    seen_records: set[tuple[str, str, int, str]] = set()
    today = timezone.localdate()
    for row in rows:
        v, p = row.values, row.parsed
        email = v["email"].lower()
        try:
            validate_email(email)
        except Exception:
            row.errors["email"] = _("Enter a valid email address.")
        if not v["full_name"]:
            row.errors["full_name"] = _("Required.")
        p["email"], p["full_name"] = email, v["full_name"]
        employment = v["employment"] or None  # blank: a new person is an employee, a member keeps theirs
        if employment is not None and employment not in Membership.Employment.values:
            row.errors["employment"] = _("One of: %(v)s.") % {"v": ", ".join(Membership.Employment.values)}
        p["employment"] = employment
        roles = [r.strip() for r in v["roles"].split(";") if r.strip()]
        bad_roles = [r for r in roles if r not in Role.values or r == Role.BODY_ADMIN]
        if bad_roles:
            row.errors["roles"] = _("Unknown role(s): %(v)s.") % {"v": ", ".join(bad_roles)}
        p["roles"] = roles
        signed = _date(row, "undertaking_signed_on")
        if signed and signed > today:
            row.errors["undertaking_signed_on"] = _("Cannot be in the future.")
        p["undertaking_signed_on"] = signed
        # the same person may appear on several rows (one per competence) but must be named the same way
        first_name = seen_people.setdefault(email, v["full_name"])
        if first_name != v["full_name"]:
            row.errors["full_name"] = _("The same email is named differently on an earlier row.")
        # the competence, if any
        has_competence = any(
            v[name] for name in ("standard", "sector_scheme", "sector_code", "competence_role")
        )
        p["competence"] = None
        if has_competence:
            standard = standards.get(v["standard"])
            if standard is None:
                row.errors["standard"] = _("Unknown standard code.")
            sector = sectors.get((v["sector_scheme"], v["sector_code"]))
            if sector is None:
                row.errors["sector_code"] = _("Unknown sector (scheme iaf or ghg, and its code).")
            elif standard is not None and sector.scheme != standard.sector_scheme:
                row.errors["sector_scheme"] = _("This standard is classified by %(s)s sectors.") % {
                    "s": standard.sector_scheme
                }
            role = v["competence_role"]
            if role not in dict(COMPETENCE_ROLES):
                row.errors["competence_role"] = _("One of: %(v)s.") % {"v": ", ".join(dict(COMPETENCE_ROLES))}
            basis = [b.strip() for b in v["basis"].split(";") if b.strip()]
            if not basis or any(b not in Basis.values for b in basis):
                row.errors["basis"] = _("One or more of: %(v)s.") % {"v": ", ".join(Basis.values)}
            valid_until = _date(row, "valid_until", required=True)
            evaluated_on = _date(row, "evaluated_on")
            evaluator = None
            if v["evaluated_by"] or evaluated_on:
                evaluator_email = v["evaluated_by"].lower()
                evaluator_membership = memberships.get(evaluator_email)
                if not evaluator_email:
                    row.errors["evaluated_by"] = _("Name who evaluated the competence.")
                elif evaluator_email == email:
                    row.errors["evaluated_by"] = _(
                        "A competence must be evaluated by someone other than the person."
                    )
                elif evaluator_membership is None or evaluator_membership.status != Membership.Status.ACTIVE:
                    row.errors["evaluated_by"] = _("The evaluator must be an active member of the body.")
                else:
                    evaluator = evaluator_membership.user
                if evaluated_on is None:
                    row.errors.setdefault("evaluated_on", _("Required with an evaluator."))
                elif evaluated_on > today:
                    row.errors["evaluated_on"] = _("Cannot be in the future.")
                elif valid_until and valid_until < evaluated_on:
                    row.errors["valid_until"] = _("Cannot end before it was evaluated.")
            if standard and sector and role:
                key = (email, standard.code, sector.pk, role)
                if key in seen_records:
                    row.errors["competence_role"] = _("The same competence appears twice in the file.")
                elif key in existing:
                    row.errors["competence_role"] = _("This person already has this competence record.")
                seen_records.add(key)
            p["competence"] = {
                "standard": standard,
                "sector": sector,
                "role": role,
                "basis": basis,
                "valid_until": valid_until,
                "evaluator": evaluator,
                "evaluated_on": evaluated_on,
            }


# --- services -----------------------------------------------------------------------------------------------


def competence_import_preview(*, body: Body, actor: Any, upload: UploadedFile) -> ImportPreview:
    """Stores the file and reports, row by row, what applying it would do or why it cannot. Writes no records."""
    require_body_perm(actor, body, "manage_competence")
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": _("The file is too large.")})
    content = upload.read()
    name = (upload.name or "import").rsplit("/", 1)[-1][:200]
    if not (content.startswith(XLSX_MAGIC) or name.lower().endswith((".csv", ".txt"))):
        raise ValidationError({"file": _("Upload a CSV or XLSX file.")})
    rows, file_errors = _rows_from(content, name)
    if not file_errors:
        _validate(body, rows)
    preview = ImportPreview(batch=None, rows=rows, file_errors=file_errors)
    with transaction.atomic():
        batch = ImportBatch(
            body=body,
            filename=name,
            sha256=hashlib.sha256(content).hexdigest(),
            created_by=actor,
            row_count=len(rows),
            error_count=preview.error_count,
            status=ImportBatch.Status.PREVIEWED if preview.valid else ImportBatch.Status.REJECTED,
        )
        batch.file.save(name, ContentFile(content), save=False)
        batch.save()
        audit_record(
            actor=actor,
            action="competence.import.previewed",
            obj=batch,
            body=body,
            after={"filename": name, "sha256": batch.sha256, "rows": len(rows), "status": batch.status},
        )
    preview.batch = batch
    return preview


def competence_import_review(*, batch: ImportBatch) -> ImportPreview:
    """An uploaded file's preview as it validates against the database now, to show it again. Reads only."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    rows, file_errors = _rows_from(content, batch.filename)
    if not file_errors:
        _validate(batch.body, rows)
    return ImportPreview(batch=batch, rows=rows, file_errors=file_errors)


def competence_import_apply(*, batch: ImportBatch, actor: Any) -> ImportPreview:
    """Applies a previewed file: re-validates it now and writes every row in one transaction, or nothing."""
    require_body_perm(actor, batch.body, "manage_competence")
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().select_related("body").get(pk=batch.pk)
        if locked.status != ImportBatch.Status.PREVIEWED:
            raise TransitionNotAllowed(
                _("This import was already applied or rejected."), current=locked.status
            )
        with locked.file.open("rb") as handle:
            content = handle.read()
        rows, file_errors = _rows_from(content, locked.filename)
        if not file_errors:
            _validate(locked.body, rows)
        preview = ImportPreview(batch=locked, rows=rows, file_errors=file_errors)
        if not preview.valid:
            raise ValidationError({"file": _("The file no longer passes validation; preview it again.")})
        _write(locked.body, actor, rows)
        locked.status = ImportBatch.Status.APPLIED
        locked.applied_at = timezone.now()
        locked.save(update_fields=["status", "applied_at"])
        audit_record(
            actor=actor,
            action="competence.import.applied",
            obj=locked,
            body=locked.body,
            after={"filename": locked.filename, "sha256": locked.sha256, "rows": len(rows)},
        )
    return preview


def _write(body: Body, actor: Any, rows: list[ImportRow]) -> None:
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
