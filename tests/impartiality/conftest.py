"""What the conflict tests share: English messages, the member of body A whose conflicts are checked, and a
client of body A."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from bodies.models import Membership
from tests.factories import ClientFactory


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def person(world) -> Membership:  # type: ignore[no-untyped-def]
    """The member of body A."""
    return Membership.objects.get(user=world.a.member, body=world.a.body)


@pytest.fixture
def hekla(world) -> Any:  # type: ignore[no-untyped-def]
    """A client of body A."""
    return ClientFactory(body=world.a.body, legal_name="Hekla Geothermal hf.")
