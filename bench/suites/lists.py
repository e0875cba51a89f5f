"""The list endpoints against hand-built views returning the same JSON, and the bare floor."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from django.test import override_settings

from bench.__main__ import compare

from .common import (
    BENCH_URLS,
    LISTS,
    _analyze,
    _bodies,
    _measure_list,
    _memberships,
    _records,
    _signed_in,
    _users,
)


def bench_lists(args: argparse.Namespace) -> Iterator[str]:
    """Each list endpoint, 50 rows, for a body administrator signed in (session) who belongs to 60 of 300
    bodies, ten of which have 40 people holding 10 competences each; against the hand-built view and the floor."""
    from bodies.models.tenants import Role
    from bodies.services import _sync_grants

    (user,) = _users("lists-admin", 1)
    (evaluator,) = _users("lists-evaluator", 1)
    bodies = _bodies("Lists", 300)
    for body in bodies[:60]:
        from bodies.models.tenants import Membership

        _sync_grants(Membership.objects.create(user=user, body=body, roles=[Role.BODY_ADMIN]))
    people = _users("lists-person", 400)
    memberships = _memberships(
        [(person, body) for body in bodies[:60:6] for person in people[:40]], [Role.AUDITOR]
    )
    _records(memberships, 10, evaluator)
    _analyze()
    client = _signed_in(user)
    with override_settings(ROOT_URLCONF=BENCH_URLS):
        for name in LISTS:
            rows, times = _measure_list(client, name, 50, args.repeat)
            yield compare(
                f"{name} list, {rows} rows (same JSON)", times["endpoint"], times["hand"], times["bare"]
            )
