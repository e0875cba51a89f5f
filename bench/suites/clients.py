"""The client list with 10,000 clients over 50 bodies: the API list and the portal page, each against a
hand-built view doing the same work (`bench.clients_urls`) and the bare floor."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from typing import Any

from django.test import override_settings

from bench.__main__ import compare, medians_interleaved

from .common import _analyze, _bodies, _get, _same_json, _signed_in, _users

URLS = "bench.clients_urls"
BODIES, PER_BODY = 50, 200
ROW = re.compile(rb'<a class="fw-semibold" href="/clients/[0-9a-f-]+/">([^<]+)</a>')


def _clients(bodies: list[Any]) -> None:
    """PER_BODY clients for each body, two sectors and two sites each (like a real client list)."""
    from clients.models import Client, Site
    from reference.models import Sector

    clients = Client.objects.bulk_create(
        [
            Client(
                body=body,
                legal_name=f"Client {b:02d}-{i:04d} hf.",
                short_name=f"C{b:02d}{i:04d}",
                country="IS",
                registration_number=f"{b:02d}{i:04d}-0000",
                contact_name="Contact Person",
                contact_email=f"contact{b}-{i}@client.example",
                kind="organisation",
                effective_personnel=25,
            )
            for b, body in enumerate(bodies)
            for i in range(PER_BODY)
        ],
        batch_size=5000,
    )
    sectors = list(Sector.objects.filter(scheme="iaf").order_by("sort_key").values_list("pk", flat=True)[:2])
    Client.sectors.through.objects.bulk_create(
        [Client.sectors.through(client_id=c.pk, sector_id=s) for c in clients for s in sectors],
        batch_size=10000,
    )
    Site.objects.bulk_create(
        [
            Site(
                body_id=c.body_id,
                client=c,
                name=f"Site {n}",
                country="IS",
                effective_personnel=10,
                is_central_function=n == 0,
            )
            for c in clients
            for n in range(2)
        ],
        batch_size=10000,
    )


def bench_clients(args: argparse.Namespace) -> Iterator[str]:
    """A body administrator of 10 of the 50 bodies (2,000 of the 10,000 clients visible), signed in."""
    from bodies.models.tenants import Membership, Role
    from bodies.services import _sync_grants
    from clients.models import Client

    (user,) = _users("clients-admin", 1)
    bodies = _bodies("Clients", BODIES)
    for body in bodies[:10]:
        _sync_grants(Membership.objects.create(user=user, body=body, roles=[Role.BODY_ADMIN]))
    _clients(bodies)
    _analyze()
    client = _signed_in(user)
    yield f"client list: {Client.objects.count():,} clients over {len(bodies)} bodies; the caller administers 10"
    with override_settings(ROOT_URLCONF=URLS):
        endpoint, hand, bare = (
            "/api/v1/clients/?limit=50",
            "/bench/hand/clients/?limit=50",
            "/bench/bare/clients/",
        )
        rows = _same_json(client, endpoint, hand)
        times = medians_interleaved(
            {"endpoint": _get(client, endpoint), "hand": _get(client, hand), "bare": _get(client, bare)},
            args.repeat,
        )
        yield compare(
            f"clients API list, {rows} rows (same JSON)", times["endpoint"], times["hand"], times["bare"]
        )
        page, hand_page = "/clients/", "/bench/hand/clients-page/"
        ours, theirs = (
            ROW.findall(_get(client, page)().content),
            ROW.findall(_get(client, hand_page)().content),
        )
        if ours != theirs or len(ours) != 50:
            raise AssertionError(f"the hand-built page lists {len(theirs)} clients, the portal {len(ours)}")
        times = medians_interleaved(
            {"endpoint": _get(client, page), "hand": _get(client, hand_page), "bare": _get(client, bare)},
            args.repeat,
        )
        yield compare(
            f"clients portal page, {len(ours)} rows of {PER_BODY} (same rows)",
            times["endpoint"],
            times["hand"],
            times["bare"],
        )
