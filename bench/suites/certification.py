"""Certification: the public verification endpoint with 10,000 certificates over 50 bodies, against a hand-built
view doing the same work and the bare floor (`bench.certification_urls`); and a certificate rendered through the
documents engine, against WeasyPrint laying out the same HTML and the minimal one-paragraph page."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.test import Client, override_settings

from bench.__main__ import compare, line, median_seconds, medians_interleaved

from .common import _analyze, _bodies, _get, _users
from .engagement_pdf import _minimal_page
from .pdf import _render_against_weasyprint

URLS = "bench.certification_urls"
BODIES, PER_BODY = 50, 200
#: a number two bodies issued (each has its own numbering): the look-up lists both
SHARED = "QMS-2026-00042"


def _certificates(bodies: list[Any]) -> list[Any]:
    """PER_BODY valid ISO 9001 certificates per body, each for its own client with two sites; the 43rd of every
    body numbered alike in two bodies (SHARED)."""
    from certification.models import Certificate
    from clients.models import Client as ClientModel
    from clients.models import Site
    from reference.models import Sector, Standard
    from tests.factories import EngagementFactory

    standard = Standard.objects.get(code="iso-9001")
    sector = Sector.objects.get(scheme="iaf", code="17")
    clients = ClientModel.objects.bulk_create(
        [
            ClientModel(
                body=body,
                legal_name=f"Certified {b:02d}-{i:04d} hf.",
                country="IS",
                registration_number=f"{b:02d}{i:04d}-0000",
                contact_name="Contact",
                contact_email=f"c{b}-{i}@client.example",
                kind="organisation",
            )
            for b, body in enumerate(bodies)
            for i in range(PER_BODY)
        ],
        batch_size=5000,
    )
    Site.objects.bulk_create(
        [
            Site(body_id=c.body_id, client=c, name=f"Works {n}", country="IS", effective_personnel=10)
            for c in clients
            for n in range(2)
        ],
        batch_size=10000,
    )
    engagements = {
        body.pk: EngagementFactory(
            body=body,
            kind="stage_2",
            project=None,
            client=clients[b * PER_BODY],
            status="decided",
            standard=standard,
            sector=sector,
            level_of_assurance="",
            materiality_percent=None,
        )
        for b, body in enumerate(bodies)
    }
    start = date(2025, 3, 1)
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                body_id=c.body_id,
                number=SHARED if i == 42 and b < 2 else f"QMS-{b:02d}-{i:05d}",
                client=c,
                engagement=engagements[c.body_id],
                standard=standard,
                sector=sector,
                scope="Design and manufacture of precision parts",
                initial_certification_on=start,
                issued_on=start,
                cycle_started_on=start,
                expires_on=start.replace(year=start.year + 3) - timedelta(days=1),
            )
            for b, body in enumerate(bodies)
            for i, c in enumerate(clients[b * PER_BODY : (b + 1) * PER_BODY])
        ],
        batch_size=5000,
    )
    sites: dict[Any, list[Any]] = {}
    for site_id, client_id in Site.objects.filter(client__in=clients).values_list("pk", "client_id"):
        sites.setdefault(client_id, []).append(site_id)
    Certificate.sites.through.objects.bulk_create(
        [
            Certificate.sites.through(certificate_id=cert.pk, site_id=site)
            for cert in certificates
            for site in sites[cert.client_id]
        ],
        batch_size=10000,
    )
    return certificates


def _same(client: Client, endpoint: str, hand: str) -> int:
    ours, theirs = _get(client, endpoint)().json(), _get(client, hand)().json()
    if ours != theirs:
        raise AssertionError(f"{hand} does not answer what {endpoint} answers:\n{ours}\n{theirs}")
    return len(ours["verifications"])


def bench_certification(args: argparse.Namespace) -> Iterator[str]:
    from bodies.models.tenants import Membership, Role
    from bodies.services import _sync_grants
    from certification.documents import CERTIFICATE_PDF
    from certification.models import CertificateVersion, Decision

    bodies = _bodies("Certifying", BODIES)
    certificates = _certificates(bodies)
    _analyze()
    yield f"public verification: {len(certificates):,} certificates over {len(bodies)} bodies, 2 sites each"
    anonymous = Client(REMOTE_ADDR="203.0.113.10")
    # the rate limit still runs on every request; it just never refuses the benchmark's thousands
    with override_settings(ROOT_URLCONF=URLS, PUBLIC_VERIFY_RATE="100000000/min"):
        for label, number in (("one certificate", "QMS-07-00100"), ("a number two bodies issued", SHARED)):
            endpoint = f"/api/v1/public/verify/?number={number}"
            hand = f"/bench/hand/verify/?number={number}"
            bare = f"/bench/bare/verify/?number={number}"
            rows = _same(anonymous, endpoint, hand)
            times = medians_interleaved(
                {
                    "endpoint": _get(anonymous, endpoint),
                    "hand": _get(anonymous, hand),
                    "bare": _get(anonymous, bare),
                },
                args.repeat,
            )
            yield compare(
                f"public verify API, {label} ({rows} shown, counted)",
                times["endpoint"],
                times["hand"],
                times["bare"],
            )
        page = f"/verify/?number={SHARED}"
        times = medians_interleaved(
            {"page": _get(anonymous, page), "bare": _get(anonymous, f"/bench/bare/verify/?number={SHARED}")},
            args.repeat,
        )
        yield line("public verify page, a number two bodies issued", times["page"], times["bare"]) + (
            "   (baseline: the bare one-query JSON)"
        )

    # the certificate PDF: version 1 of one of them, asked for by its body's administrator
    certificate = certificates[100]
    body = next(b for b in bodies if b.pk == certificate.body_id)
    (admin,) = _users("cert-admin", 1)
    maker = Membership.objects.create(user=_users("cert-maker", 1)[0], body=body, roles=[Role.DECISION_MAKER])
    _sync_grants(Membership.objects.create(user=admin, body=body, roles=[Role.BODY_ADMIN]))
    decision = Decision.objects.create(
        body=body,
        kind="grant",
        engagement=certificate.engagement,
        certificate=certificate,
        rationale="All requirements met.",
        decided_on=certificate.issued_on,
        decided_by=maker,
    )
    version = CertificateVersion.objects.create(
        body=body,
        certificate=certificate,
        version=1,
        decision=decision,
        status="valid",
        scope=certificate.scope,
        sites=[
            {"name": "Works 0", "address": "Smiðjuvegur 1, 200 Kópavogur"},
            {"name": "Works 1", "address": ""},
        ],
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        cycle=1,
    )
    repeat = max(3, args.repeat // 3)
    html, service, weasyprint, queries = _render_against_weasyprint(
        CERTIFICATE_PDF, version, body, admin, repeat
    )
    minimal = median_seconds(_minimal_page, repeat, warmup=1)
    yield (
        line(
            f"certificate PDF with QR: request + render ({queries}, {len(html) // 1024} KiB HTML)",
            service,
            weasyprint,
        )
        + "   (baseline: WeasyPrint alone, same HTML)"
    )
    yield line("certificate PDF with QR against the minimal page", service, minimal) + (
        "   (baseline: WeasyPrint laying out a one-paragraph page)"
    )
