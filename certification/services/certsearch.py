"""The IAF CertSearch export and upload (IAF MD 28: accredited certification bodies keep their management-system
certificates in IAF CertSearch, updated at least monthly).

The export lists the body's management-system certificates, leaving out those marked confidential, one row per
certificate in the columns of IAF CertSearch's certification template for a certification body (the
"Certifications" sheet's field names: Certification Identity Number, Certificate Number, Certification Status,
Accreditation Status, Certification Type, Certification Scope, the three dates as YYYYMMDD, Certified Entity Name;
then the entity's unique id and address, the accreditation body, standards, sites and sectors), as .xlsx or CSV.
Every cell goes through `core.exports.inert`, so no value is run as a formula. The upload sends the .xlsx to
`CERTSEARCH_URL` with `CERTSEARCH_API_KEY` (disabled while either is empty), waits at most
`CERTSEARCH_TIMEOUT_SECONDS`, records the outcome (`CertSearchUpload`, audited) and moves the body's monthly
reminder a month on.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from bodies.models.tenants import Body
from core.audit import audit_record
from core.dates import today_in
from core.errors import coded
from core.exports import BOM, inert
from core.types import Actor

from ..error_codes import CertificationErrorCode
from ..models import Certificate, CertificateStatus, CertSearchUpload
from ..permissions import require_manage_certificates
from ..selectors.public import certificate_status_today

#: the columns, in order (IAF CertSearch certification template for a certification body)
CERTSEARCH_COLUMNS = [
    "Certification Identity Number",
    "Certificate Number",
    "Certification Status",
    "Accreditation Status",
    "Certification Type",
    "Certification Scope",
    "Certification Original Issue Date",
    "Certification Issue Date",
    "Certification Expiry Date",
    "Certified Entity Name",
    "Certified Entity Unique ID",
    "Certified Entity Address",
    "Certified Entity Country/Economy",
    "Accreditation Body Name",
    "Standards/Schemes",
    "Certification Sites",
    "Sector Code",
    "Sector Name",
]

#: our statuses in IAF CertSearch's words (Active, Suspended, Withdrawn, Expired, Inactive)
STATUS_WORDS = {
    CertificateStatus.VALID: "Active",
    CertificateStatus.SCOPE_REDUCED: "Active",
    CertificateStatus.SUSPENDED: "Suspended",
    CertificateStatus.WITHDRAWN: "Withdrawn",
    CertificateStatus.EXPIRED: "Expired",
    CertificateStatus.SUPERSEDED: "Inactive",
}
#: a product certificate (ISO/IEC 17065) is not a management-system certificate: CertSearch leaves it out
PRODUCT_ENGAGEMENT_KIND = "product_evaluation"
CERTSEARCH_DEADLINE = "certification.certsearch_update"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def certsearch_certificates(body: Body) -> Any:
    """The body's management-system certificates that are not confidential, by number (two queries with their
    sites)."""
    site_model: Any = Certificate.sites.rel.model
    sites = site_model.objects.only("id", "name", "address", "country").order_by("name", "id")
    return (
        Certificate.objects.filter(body=body, confidential=False)
        .exclude(engagement__kind=PRODUCT_ENGAGEMENT_KIND)
        .select_related("client", "standard", "sector")
        .prefetch_related(Prefetch("sites", queryset=sites, to_attr="export_sites"))
        .order_by("number", "id")
    )


def _accreditation_bodies(body: Body) -> dict[str, str]:
    """The accreditation body of each certified standard, from the body's accreditations that count (one
    query): {standard code: accreditation body name}."""
    names: dict[str, str] = {}
    rows = (
        body.accreditations.counting()  # type: ignore[attr-defined]
        .values_list("scope_standards__code", "accreditation_body__name")
        .order_by("-valid_to")
    )
    for code, name in rows:
        if code:
            names.setdefault(code, name)
    return names


def certsearch_rows(*, body: Body, today: date | None = None) -> list[list[str]]:
    """One row per exported certificate, every value a string made inert. Three queries."""
    today = today or today_in(body.time_zone)
    accreditations = _accreditation_bodies(body)
    rows = []
    for certificate in certsearch_certificates(body):
        status = certificate_status_today(certificate, today)
        client = certificate.client
        accreditation_body = accreditations.get(certificate.standard.code, "")
        sector = certificate.sector
        sites = "; ".join(
            ", ".join(
                part for part in (site.name, " ".join(site.address.split()), str(site.country.name)) if part
            )
            for site in certificate.export_sites  # type: ignore[attr-defined]
        )
        values = [
            str(certificate.pk),
            certificate.number,
            STATUS_WORDS.get(status, "Inactive"),  # type: ignore[call-overload]
            "Accredited" if accreditation_body else "Unaccredited",
            "Management System",
            " ".join(certificate.scope.split()),
            _day(certificate.initial_certification_on),
            _day(certificate.issued_on),
            _day(certificate.expires_on),
            client.legal_name,
            client.registration_number,
            " ".join(client.address.split()),
            str(client.country.name),
            accreditation_body,
            certificate.standard.name,
            sites,
            sector.code if sector is not None else "",
            sector.name if sector is not None else "",
        ]
        rows.append([inert(str(value)) for value in values])
    return rows


def certsearch_csv(*, body: Body) -> str:
    """The export as CSV (UTF-8 with its byte-order mark; formula-safe)."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CERTSEARCH_COLUMNS)
    writer.writerows(certsearch_rows(body=body))
    return BOM + buffer.getvalue()


def certsearch_xlsx(*, body: Body) -> bytes:
    """The export as an .xlsx workbook with one "Certifications" sheet (every cell a string)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Certifications"  # type: ignore[union-attr]
    sheet.append(CERTSEARCH_COLUMNS)  # type: ignore[union-attr]
    for row in certsearch_rows(body=body):
        sheet.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the upload --------------------------------------------------------------------------------------------


def certsearch_enabled() -> bool:
    return bool(settings.CERTSEARCH_URL and settings.CERTSEARCH_API_KEY)


@dataclass(frozen=True)
class UploadAnswer:
    ok: bool
    status_code: int | None
    message: str


def certsearch_send(*, content: bytes, filename: str) -> UploadAnswer:
    """POSTs the workbook to IAF CertSearch (multipart `file`, the key as a bearer token); never raises for a
    network failure or an error answer, which it reports instead."""
    try:
        response = requests.post(
            settings.CERTSEARCH_URL,
            files={"file": (filename, content, XLSX_CONTENT_TYPE)},
            headers={"Authorization": f"Bearer {settings.CERTSEARCH_API_KEY}", "Accept": "application/json"},
            timeout=settings.CERTSEARCH_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        return UploadAnswer(ok=False, status_code=None, message=f"{type(exc).__name__}: {exc}"[:1000])
    return UploadAnswer(
        ok=200 <= response.status_code < 300, status_code=response.status_code, message=response.text[:1000]
    )


def certsearch_reminder_move(*, body: Body, from_day: date | None = None) -> None:
    """The body's monthly CertSearch reminder: due a month after the last export or upload."""
    from reminders.services import deadline_upsert

    start = from_day or today_in(body.time_zone)
    deadline_upsert(kind=CERTSEARCH_DEADLINE, subject=body, body=body, due_on=start + relativedelta(months=1))


def certsearch_reminder_start(*, body: Body) -> None:
    """Starts the body's monthly CertSearch reminder (due a month from today) unless it is already watched; for
    the issue of a body's management-system certificate (inside that transaction), so a body that never exported
    is reminded too. Idempotent: an existing reminder keeps its date."""
    from reminders.services import deadline_upsert

    if _certsearch_watched(body):
        return
    deadline_upsert(
        kind=CERTSEARCH_DEADLINE,
        subject=body,
        body=body,
        due_on=today_in(body.time_zone) + relativedelta(months=1),
    )


def _certsearch_watched(body: Body) -> bool:
    from django.contrib.contenttypes.models import ContentType

    from reminders.models import Deadline

    return Deadline.objects.filter(
        kind=CERTSEARCH_DEADLINE,
        subject_type=ContentType.objects.get_for_model(body),
        subject_id=str(body.pk),
        closed_at__isnull=True,
    ).exists()


def certsearch_exported(*, body: Body, actor: Actor) -> None:
    """An administrator downloaded the export (to upload it by hand): the monthly reminder moves on."""
    require_manage_certificates(actor, body)
    with transaction.atomic():
        certsearch_reminder_move(body=body)


def certsearch_upload(*, body: Body, actor: Actor) -> CertSearchUpload:
    """Sends the body's export to IAF CertSearch now and records the answer (a body administrator; refused while
    the upload is not configured). The request is made outside any transaction; its outcome is recorded in one."""
    require_manage_certificates(actor, body)
    if not certsearch_enabled():
        raise coded(
            _(
                "The IAF CertSearch upload is not configured on this platform (CERTSEARCH_URL, CERTSEARCH_API_KEY)."
            ),
            CertificationErrorCode.CERTSEARCH_DISABLED,
        )
    content = certsearch_xlsx(body=body)
    count = len(certsearch_certificates(body))
    answer = certsearch_send(content=content, filename=f"certsearch-{today_in(body.time_zone):%Y%m%d}.xlsx")
    with transaction.atomic():
        upload = CertSearchUpload.objects.create(
            body=body,
            status=CertSearchUpload.Status.SENT if answer.ok else CertSearchUpload.Status.FAILED,
            certificate_count=count,
            sha256=hashlib.sha256(content).hexdigest(),
            response_code=answer.status_code,
            message=answer.message,
            sent_by=actor,
        )
        audit_record(
            actor=actor,
            action="certification.certsearch.uploaded",
            obj=upload,
            body=body,
            after={
                "status": upload.status,
                "certificate_count": count,
                "response_code": answer.status_code,
                "sha256": upload.sha256,
            },
        )
        if answer.ok:
            certsearch_reminder_move(body=body)
    return upload


def certsearch_last_upload(*, body: Body) -> CertSearchUpload | None:
    return (
        CertSearchUpload.objects.filter(body=body).select_related("sent_by").order_by("-created_at").first()
    )
