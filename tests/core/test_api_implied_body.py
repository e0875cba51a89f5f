"""A body's token acts for one body: a `body` field it leaves out is that body; another body is "Not found."."""

from __future__ import annotations

import pytest

from bodies.models import Membership
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db


def person(**extra: str) -> dict[str, object]:
    return {"email": "new.person@example.org", "fullName": "New Person", "roles": ["auditor"], **extra}


def test_a_body_token_need_not_name_its_body(world):
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "write"})

    response = bearer(secret).post(url("person-list"), person(), format="json")

    assert response.status_code == 201, response.content
    added = Membership.objects.get(user__email="new.person@example.org")
    assert added.body == world.a.body


def test_a_null_body_is_the_token_body_too(world):
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "write"})

    response = bearer(secret).post(url("person-list"), person(body=None), format="json")

    assert response.status_code == 201, response.content
    assert Membership.objects.get(user__email="new.person@example.org").body == world.a.body


def test_a_body_token_naming_another_body_is_refused_and_nothing_changes(world):
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "write"})

    response = bearer(secret).post(url("person-list"), person(body=str(world.b.body.pk)), format="json")

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"body": ["Not found."]}
    assert not Membership.objects.filter(user__email="new.person@example.org").exists()


def test_a_session_still_names_the_body(world):
    response = signed_in(world.a.admin).post(url("person-list"), person(), format="json")

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"body": ["This field is required."]}
    assert not Membership.objects.filter(user__email="new.person@example.org").exists()


def test_a_registry_token_names_the_body(world):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.services import registry_token_create

    _, secret = registry_token_create(
        actor=world.staff,
        name="Registry",
        scopes={"people": "write"},
        expires_at=timezone.now() + timedelta(days=1),
    )

    missing = bearer(secret).post(url("person-list"), person(), format="json")
    named = bearer(secret).post(url("person-list"), person(body=str(world.b.body.pk)), format="json")

    assert missing.status_code == 400
    assert named.status_code == 201, named.content
    assert Membership.objects.get(user__email="new.person@example.org").body == world.b.body
