"""Each list's cost as tables grow (10^2 → 10^4 rows, 10k → 200k grants), with EXPLAIN."""

from __future__ import annotations

import argparse
import io
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client, override_settings

from bench.__main__ import samples_interleaved

from .common import (
    BENCH_URLS,
    GROWTH_LISTS,
    LISTS,
    _analyze,
    _audit_events,
    _bodies,
    _explain,
    _get,
    _memberships,
    _records,
    _signed_in,
    _users,
)

# --- growth: flat as tables grow ----------------------------------------------------------------------------


@dataclass
class GrowthWorld:
    staff: Any
    member: Any  # administrator of the big body, auditor in two more
    big_body: Any
    evaluator: Any


def _growth_world() -> GrowthWorld:
    from bodies.models.tenants import Role
    from bodies.services import _sync_grants

    (staff,) = _users("growth-staff", 1, is_staff=True)
    (member,) = _users("growth-member", 1)
    (evaluator,) = _users("growth-evaluator", 1)
    big_body, *others = _bodies("Growth", 3)
    from bodies.models.tenants import Membership

    _sync_grants(Membership.objects.create(user=member, body=big_body, roles=[Role.BODY_ADMIN]))
    for body in others:
        _sync_grants(Membership.objects.create(user=member, body=body, roles=[Role.AUDITOR]))
    return GrowthWorld(staff=staff, member=member, big_body=big_body, evaluator=evaluator)


#: people of the big body at least: the member's people list fills its 50-row page at every size
BIG_BODY_PEOPLE = 60
RECORDS_PER_PERSON = 40


def _grow_to(world: GrowthWorld, rows: int) -> None:
    """Grows every table a list reads to `rows` rows: bodies, memberships (people), competence records.

    The competence records all belong to the big body (40 per person), so the member sees every one of them,
    as registry staff do. The big body has at least 60 people, so every list the member reads has a full page
    at every size (a page of 50 costs more to write than a page of 5, whatever the table holds); the other
    people are spread over the other bodies.
    """
    from bodies.models.tenants import Body, Membership, Role
    from competence.models import CompetenceRecord
    from core.models import AuditEvent

    existing_bodies = Body.objects.count()
    new_bodies = (
        _bodies("Growth", rows - existing_bodies, start=existing_bodies) if rows > existing_bodies else []
    )
    bodies = new_bodies or list(Body.objects.exclude(pk=world.big_body.pk))
    people_needed = rows - Membership.objects.count()
    records_needed = rows - CompetenceRecord.objects.count()
    in_big_body = min(people_needed, max(BIG_BODY_PEOPLE, -(-records_needed // RECORDS_PER_PERSON)))
    people = _users(f"growth-p{rows}-", people_needed)
    big = _memberships([(p, world.big_body) for p in people[:in_big_body]], [Role.AUDITOR])
    _memberships([(p, bodies[i % len(bodies)]) for i, p in enumerate(people[in_big_body:])], [Role.AUDITOR])
    _records(big, RECORDS_PER_PERSON, world.evaluator, total=records_needed)
    _audit_events(world.big_body, rows - AuditEvent.objects.count())
    _analyze()


def _grants(count: int) -> int:
    """Tops the guardian grant table on bodies up to `count` rows: grants of people who have a membership (as
    grants are synced from memberships), each on a few bodies, no new users."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from bodies.models.tenants import Body, BodyUserObjectPermission, Membership

    table = BodyUserObjectPermission._meta.db_table
    have = set(BodyUserObjectPermission.objects.values_list("user_id", "permission_id", "content_object_id"))
    if len(have) >= count:
        return len(have)
    permissions = list(
        Permission.objects.filter(content_type=ContentType.objects.get_for_model(Body)).values_list(
            "pk", flat=True
        )
    )
    users = list(Membership.objects.order_by("user_id").values_list("user_id", flat=True).distinct())
    bodies = list(Body.objects.order_by("pk").values_list("pk", flat=True)[:50])
    buffer = io.StringIO()
    missing = count - len(have)
    for body in bodies:
        for user in users:
            for permission in permissions:
                if missing == 0:
                    break
                if (user, permission, body) not in have:
                    buffer.write(f"{user}\t{permission}\t{body}\n")
                    missing -= 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} (user_id, permission_id, content_object_id) FROM STDIN", buffer
        )
    _analyze()
    return BodyUserObjectPermission.objects.count()


Samples = dict[tuple[str, str], list[float]]


def _samples(clients: dict[str, Client], repeat: int) -> Samples:
    """Each list's times for each caller, and its bare floor's (`(who, "bare " + name)`), taking turns."""
    calls = {}
    for who, client in clients.items():
        for name, (endpoint, bare) in GROWTH_LISTS.items():
            calls[f"{who}|{name}"] = _get(client, f"{endpoint}?limit=50")
            calls[f"{who}|bare {name}"] = _get(client, bare)
    timed = samples_interleaved(calls, repeat)
    return {(key.split("|")[0], key.split("|")[1]): values for key, values in timed.items()}


def _before_after(
    clients: dict[str, Client], grow: Callable[[], Any], repeat: int, explain: Callable[[], Any]
) -> tuple[Samples, Samples, Any, Any]:
    """The lists' samples and `explain()` in the current state, then again after `grow()`.

    (Alternating the two states by rolling the growth back to a savepoint was tried: the rolled-back rows stay
    in the tables as dead tuples and slow the small state down, which flatters the growth.)"""
    small, explained_small = _samples(clients, repeat), explain()
    grow()
    return small, _samples(clients, repeat), explained_small, explain()


def bench_growth(args: argparse.Namespace) -> Iterator[str]:
    """Each list (50 rows a page) at 10² and 10⁴ rows, then at 10k and 200k guardian grants: the growth ratio
    (goal <= 1.2), and the planning/execution time PostgreSQL reports for the competence-records page query."""
    from competence.models import CompetenceRecord

    world = _growth_world()
    repeat = args.repeat
    from core.models import AuditEvent

    explained_lists = {
        "competence-records": (f"{LISTS['competence records'][0]}?limit=50", CompetenceRecord._meta.db_table),
        "audit-events": (f"{GROWTH_LISTS['audit events'][0]}?limit=50", AuditEvent._meta.db_table),
    }
    with override_settings(ROOT_URLCONF=BENCH_URLS):
        clients = {"staff": _signed_in(world.staff), "member": _signed_in(world.member)}

        def explain() -> dict[tuple[str, str], tuple[float, float, int]]:
            return {
                (listed, who): _explain(client, path, table)
                for listed, (path, table) in explained_lists.items()
                for who, client in clients.items()
            }

        _grow_to(world, 100)
        rows = _before_after(clients, lambda: _grow_to(world, 10_000), repeat, explain)
        _grants(10_000)
        grants = _before_after(clients, lambda: _grants(200_000), repeat, explain)
    for title, (_small, _large, explained_small, explained_large) in (
        (("10^2 rows", "10^4 rows"), rows),
        (("10k grants", "200k grants"), grants),
    ):
        for label, explained in zip(title, (explained_small, explained_large), strict=True):
            for (listed, who), (planning, execution, queries) in explained.items():
                yield (
                    f"{listed} page query, {who:<6} at {label:<11}: planning {planning:6.2f} ms, "
                    f"execution {execution:6.2f} ms ({queries} queries per request)"
                )
    yield (
        f"growth of each list (50-row page, {repeat} requests per state, each beside its bare floor): medians, "
        "fastest runs, and the median growth relative to the floor's (its work does not grow: 50 rows by primary "
        "key). The machine is shared and other processes' load moves the medians between the two states; the "
        "fastest run is the least disturbed, so the verdict reads its growth against the 1.2 goal"
    )
    median = statistics.median
    for title, (small, large, _es, _el) in (("rows 10^2 → 10^4", rows), ("grants 10k → 200k", grants)):
        for who in clients:
            for name in GROWTH_LISTS:
                a, b = small[(who, name)], large[(who, name)]
                floor = median(large[(who, f"bare {name}")]) / median(small[(who, f"bare {name}")])
                relative = median(b) / median(a) / floor
                fastest = min(b) / min(a)
                yield (
                    f"{name + ' list, ' + who:<32} {title:<18} median {median(a) * 1000:6.2f} → "
                    f"{median(b) * 1000:6.2f} ms ({median(b) / median(a):4.2f}x; floor {floor:4.2f}x)   "
                    f"relative to the floor {relative:4.2f}x   fastest {min(a) * 1000:6.2f} → {min(b) * 1000:6.2f} ms "
                    f"({fastest:4.2f}x) {'ok' if fastest <= 1.2 else 'ABOVE 1.2'}"
                )
