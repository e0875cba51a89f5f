"""The reminder sweep over generated deadlines and the competence matrix page."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from datetime import date, timedelta

from django.test import override_settings

from bench.__main__ import line, median_seconds

from .common import (
    BENCH_URLS,
    _signed_in,
)


def bench_sweep(args: argparse.Namespace) -> Iterator[str]:
    from bench.reminder_sweep import measure

    started = time.perf_counter()
    result = measure(n=args.deadlines)
    total = time.perf_counter() - started
    yield (
        f"reminder sweep over {result['deadlines']:,} deadlines: first run {result['first_sweep_seconds']:.2f} s "
        f"({result['first_sweep_notifications']:,} notifications), second run "
        f"{result['second_sweep_seconds']:.2f} s ({result['second_sweep_notifications']} notifications); "
        f"whole benchmark incl. generation {total:.1f} s"
    )


def bench_matrix(args: argparse.Namespace) -> Iterator[str]:
    """The competence matrix page for 500 people × 40 scopes, against a bare one-query table view."""
    import random

    from accounts.models import User
    from bodies.models.tenants import Body, Membership, Role
    from bodies.services import _sync_grants
    from competence.models import CompetenceRecord
    from reference.models import Sector, Standard

    rng = random.Random(14065)
    body = Body.objects.create(
        legal_name="Matrix Bench VVB",
        country="IS",
        kind=Body.Kind.VVB,
        contact_name="C",
        contact_email="m@bench.example",
        status=Body.Status.APPROVED,
    )
    admin = User.objects.create_user("matrix-admin@bench.example", "bench-password-123", full_name="Admin")
    _sync_grants(Membership.objects.create(user=admin, body=body, roles=[Role.BODY_ADMIN]))
    users = User.objects.bulk_create(
        [User(email=f"auditor{i:03d}@bench.example", full_name=f"Auditor {i:03d}") for i in range(500)]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(user=u, body=body, roles=[Role.AUDITOR], undertaking_signed_on=date(2025, 1, 1))
            for u in users
        ]
    )
    standards = list(Standard.objects.filter(sector_scheme="ghg").order_by("code")[:4])
    sectors = list(Sector.objects.filter(scheme="ghg").order_by("sort_key")[:10])
    scopes = [(st, se) for st in standards for se in sectors]  # 4 × 10 = 40 columns
    roles = [Role.LEAD_AUDITOR, Role.AUDITOR, Role.TECHNICAL_EXPERT]
    statuses = ["approved"] * 6 + ["proposed", "suspended", "expired"]
    records = []
    for m in memberships:
        for standard, sector in rng.sample(scopes, 10):
            status = rng.choice(statuses)
            records.append(
                CompetenceRecord(
                    body=body,
                    membership=m,
                    person_id=m.user_id,
                    standard=standard,
                    sector=sector,
                    role=rng.choice(roles),
                    basis=["training"],
                    valid_until=date(2027, 1, 1) + timedelta(rng.randint(0, 700)),
                    status=status,
                    evaluated_by=admin if status != "proposed" else None,
                    evaluated_on=date(2025, 6, 1) if status != "proposed" else None,
                )
            )
    CompetenceRecord.objects.bulk_create(records, batch_size=2000)
    client = _signed_in(admin)
    repeat = max(5, args.repeat // 3)
    with override_settings(ROOT_URLCONF=BENCH_URLS):
        page = client.get("/people/matrix/")
        assert page.status_code == 200, page.status_code
        cells = page.content.count(b"<td")
        matrix = median_seconds(lambda: client.get("/people/matrix/"), repeat)
        baseline = median_seconds(lambda: client.get(f"/bench/bare-matrix/?body={body.pk}"), repeat)
    yield line(f"competence matrix page, 500 people × 40 scopes ({cells:,} cells)", matrix, baseline)
