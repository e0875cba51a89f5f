"""What the public verification shows of a certificate or a statement, and nothing more.

The page and the API read only `PublicCertificate` / `PublicStatement`: plain records built here field by field
from the public facts (number, status in words as of today in the body's time zone, the client's legal name,
scope, sites by name and country, standard, body, dates, version; for a statement its opinion, level of
assurance, materiality, quantities per vintage and project). Internal notes, people, addresses of contacts, the
CertSearch confidentiality and the verification counts never reach them, so no template or serializer can show
them by mistake. The CertSearch `confidential` flag only keeps a certificate out of the IAF export: the public
page still answers by its number or its QR token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import BodyStatus
from core.dates import today_in

from ..models import (
    CERTIFYING,
    Certificate,
    CertificateStatus,
    DecisionKind,
    Statement,
    StatementQuantity,
    StatementStatus,
)

#: a number as someone types it: at most this long (the numbering's max_length)
NUMBER_MAX_LENGTH = 60
#: bodies whose public page (the directory) exists
LISTED_BODY_STATUSES = frozenset({BodyStatus.APPROVED, BodyStatus.SUSPENDED})

#: how the status reads publicly: "certifies" is the one state a relying party may trust
PUBLIC_STATE_VALID = "valid"
PUBLIC_STATE_SUSPENDED = "suspended"
PUBLIC_STATE_WITHDRAWN = "withdrawn"
PUBLIC_STATE_EXPIRED = "expired"
PUBLIC_STATE_SUPERSEDED = "superseded"


@dataclass(frozen=True)
class PublicSite:
    name: str
    country: str
    country_name: str


@dataclass(frozen=True)
class PublicBody:
    id: str
    name: str
    listed: bool


@dataclass(frozen=True)
class PublicQuantity:
    vintage: int
    period_start: date | None
    period_end: date | None
    reductions: Decimal
    removals: Decimal


@dataclass(frozen=True)
class PublicCertificate:
    """A certificate's public facts. `status` is the state as of today (an expired certificate the nightly
    sweep has not reached yet reads expired), `status_label` the words for it, `certifies` whether it is valid
    today."""

    kind: str = field(default="certificate", init=False)
    number: str = ""
    token: str = ""
    status: str = ""
    status_label: str = ""
    certifies: bool = False
    client_name: str = ""
    scope: str = ""
    sites: tuple[PublicSite, ...] = ()
    standard_code: str = ""
    standard_name: str = ""
    sector: str = ""
    body: PublicBody | None = None
    initial_certification_on: date | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    status_since: date | None = None
    gap_from: date | None = None
    gap_to: date | None = None
    version: int = 1
    cycle: int = 1


@dataclass(frozen=True)
class PublicStatement:
    """A validation or verification statement's public facts."""

    kind: str = field(default="statement", init=False)
    number: str = ""
    token: str = ""
    status: str = ""
    status_label: str = ""
    certifies: bool = False
    opinion: str = ""
    opinion_label: str = ""
    level_of_assurance: str = ""
    level_of_assurance_label: str = ""
    materiality_percent: Decimal | None = None
    client_name: str = ""
    project_name: str = ""
    project_registry_number: str = ""
    engagement_kind_label: str = ""
    body: PublicBody | None = None
    issued_on: date | None = None
    monitoring_period_start: date | None = None
    monitoring_period_end: date | None = None
    quantities: tuple[PublicQuantity, ...] = ()


PublicRecord = PublicCertificate | PublicStatement

STATEMENT_STATUS_LABELS = {
    StatementStatus.ISSUED: _("Issued"),
    StatementStatus.WITHDRAWN: _("Withdrawn"),
    StatementStatus.SUPERSEDED: _("Superseded by a newer statement"),
}
CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.VALID: _("Valid"),
    CertificateStatus.SCOPE_REDUCED: _("Valid, scope reduced"),
    CertificateStatus.SUSPENDED: _("Suspended"),
    CertificateStatus.WITHDRAWN: _("Withdrawn"),
    CertificateStatus.EXPIRED: _("Expired"),
    CertificateStatus.SUPERSEDED: _("Superseded by a newer certificate"),
}


def certificate_status_today(certificate: Certificate, today: date | None = None) -> str:
    """The status as of today in the body's time zone: a certifying or suspended certificate past its expiry
    date is expired even before the sweep records it."""
    if today is None:
        today = today_in(certificate.body.time_zone)
    if certificate.status in (*CERTIFYING, CertificateStatus.SUSPENDED) and certificate.expires_on < today:
        return CertificateStatus.EXPIRED
    return certificate.status


def _body(body: Any) -> PublicBody:
    return PublicBody(id=str(body.pk), name=body.legal_name, listed=body.status in LISTED_BODY_STATUSES)


def _public_certificate(certificate: Certificate) -> PublicCertificate:
    status = certificate_status_today(certificate)
    sector = certificate.sector
    return PublicCertificate(
        number=certificate.number,
        token=certificate.token,
        status=status,
        status_label=str(CERTIFICATE_STATUS_LABELS.get(status, status)),  # type: ignore[call-overload]
        certifies=status in CERTIFYING,
        client_name=certificate.client.legal_name,
        scope=certificate.scope,
        sites=tuple(
            PublicSite(name=site.name, country=str(site.country), country_name=str(site.country.name))
            for site in certificate.public_sites  # type: ignore[attr-defined]
        ),
        standard_code=certificate.standard.code,
        standard_name=certificate.standard.name,
        sector=f"{sector.code} {sector.name}".strip() if sector is not None else "",
        body=_body(certificate.body),
        initial_certification_on=certificate.initial_certification_on,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        status_since=certificate.status_changed_on,
        gap_from=certificate.gap_from,
        gap_to=certificate.gap_to,
        version=certificate.version,
        cycle=certificate.cycle,
    )


def opinion_label(opinion: str) -> str:
    """The opinion as decided: stored as the decision's kind (`positive_opinion`) or its short form
    (`positive`)."""
    for value in (opinion, f"{opinion}_opinion"):
        if value in DecisionKind.values:
            return str(DecisionKind(value).label)
    return opinion.replace("_", " ").capitalize()


def _public_statement(statement: Statement) -> PublicStatement:
    engagement = statement.engagement
    project = engagement.project
    client = engagement.client
    level = statement.level_of_assurance
    return PublicStatement(
        number=statement.number,
        token=statement.token,
        status=statement.status,
        status_label=str(STATEMENT_STATUS_LABELS.get(statement.status, statement.status)),  # type: ignore[call-overload]
        certifies=statement.status == StatementStatus.ISSUED,
        opinion=statement.opinion,
        opinion_label=opinion_label(statement.opinion),
        level_of_assurance=level,
        level_of_assurance_label=str(
            dict(engagement._meta.get_field("level_of_assurance").choices or ()).get(level, level)
        ),
        materiality_percent=statement.materiality_percent,
        client_name=client.legal_name if client is not None else "",
        project_name=project.name if project is not None else "",
        project_registry_number=project.registry_number if project is not None else "",
        engagement_kind_label=str(engagement.get_kind_display()),
        body=_body(statement.body),
        issued_on=statement.issued_on,
        monitoring_period_start=statement.monitoring_period_start,
        monitoring_period_end=statement.monitoring_period_end,
        quantities=tuple(
            PublicQuantity(
                vintage=quantity.vintage,
                period_start=quantity.period_start,
                period_end=quantity.period_end,
                reductions=quantity.reductions,
                removals=quantity.removals,
            )
            for quantity in statement.quantities.all()
        ),
    )


def _certificates() -> Any:
    sites = Certificate.sites.rel.model.objects.only("id", "name", "country").order_by("name", "id")
    return Certificate.objects.select_related("body", "client", "standard", "sector").prefetch_related(
        Prefetch("sites", queryset=sites, to_attr="public_sites")
    )


def _statements() -> Any:
    quantities = StatementQuantity.objects.order_by("vintage", "period_start", "id")
    return Statement.objects.select_related(
        "body", "engagement", "engagement__client", "engagement__project"
    ).prefetch_related(Prefetch("quantities", queryset=quantities))


def normalize_number(number: str) -> str:
    return " ".join((number or "").split())


@dataclass(frozen=True)
class Counted:
    """A verified record, for the verification counts (kept apart from what the public sees)."""

    model: type[Certificate] | type[Statement]
    pk: Any
    body_id: Any
    time_zone: str


@dataclass(frozen=True)
class PublicLookup:
    records: list[PublicRecord]
    counted: list[Counted]


def _counted(row: Certificate | Statement) -> Counted:
    return Counted(model=type(row), pk=row.pk, body_id=row.body_id, time_zone=row.body.time_zone)


def public_lookup_by_number(number: str) -> PublicLookup:
    """Every certificate and statement with this number, across bodies (a number is unique per body, so several
    bodies may have issued the same one): certificates first, then statements, each by body name. Matching is
    exact after trimming spaces, and case-insensitive. Four queries at most."""
    wanted = normalize_number(number)
    if not wanted or len(wanted) > NUMBER_MAX_LENGTH:
        return PublicLookup(records=[], counted=[])
    certificates = list(_certificates().filter(number__iexact=wanted).order_by("body__legal_name", "id"))
    statements = list(_statements().filter(number__iexact=wanted).order_by("body__legal_name", "id"))
    return PublicLookup(
        records=[
            *(_public_certificate(c) for c in certificates),
            *(_public_statement(s) for s in statements),
        ],
        counted=[_counted(row) for row in (*certificates, *statements)],
    )


def public_lookup_by_token(token: str) -> PublicLookup:
    """The certificate or statement a QR code names (its unguessable token); no record when none has it."""
    if not token or len(token) > 40:
        return PublicLookup(records=[], counted=[])
    certificate = _certificates().filter(token=token).first()
    if certificate is not None:
        return PublicLookup(records=[_public_certificate(certificate)], counted=[_counted(certificate)])
    statement = _statements().filter(token=token).first()
    if statement is not None:
        return PublicLookup(records=[_public_statement(statement)], counted=[_counted(statement)])
    return PublicLookup(records=[], counted=[])
