"""Helpers for portal tests: a logged-in client per person, and query counting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def login(client: Client) -> Callable[..., Client]:
    """login(user) → the test client, logged in as that person."""

    def _login(user) -> Client:  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


def queries_for(client: Client, url: str) -> int:
    """How many queries one GET of `url` runs (the response must be a 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
