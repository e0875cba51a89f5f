"""Helpers for the API tests: reversing v1 routes, signing in, and bearer tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from bodies.models import Body


def url(name: str, *args: Any) -> str:
    return reverse(f"api-v1:{name}", args=args)


def signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def make_token(*, body: Body, creator: User, scopes: dict[str, str], days: int = 30) -> tuple[ApiToken, str]:
    return api_token_create(
        body=body,
        actor=creator,
        name="Registry sync",
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=days),
    )


def queries_of(client: APIClient, path: str) -> int:
    """How many SQL queries one GET costs (the response must be 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def anon() -> APIClient:
    return APIClient()
