"""Revoking a token asks first (a confirm step without script), and the secret shown once has a copy button
(static script) beside a read-only field that can be selected and copied without it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.services import api_token_create
from tests.bodies.test_pages import token_form_data

pytestmark = pytest.mark.django_db


def test_revoking_is_a_second_step_with_no_inline_script(login, world):
    # given
    token, _secret = api_token_create(
        body=world.a.body,
        actor=world.a.admin,
        name="Registry sync",
        scopes={"bodies": "read"},
        expires_at=timezone.now() + timedelta(days=30),
    )
    # when
    html = login(world.a.admin).get(reverse("bodies:tokens")).content.decode()
    # then the revoke form sits inside a closed <details> whose summary is the first button
    block = re.search(r"<details class=\"icr-confirm[^>]*>(.*?)</details>", html, re.S)
    assert block, html
    assert f'action="{reverse("bodies:token-revoke", args=[token.uuid])}"' in block.group(1)
    assert "Yes, revoke it" in block.group(1)
    assert "<script>" not in html and "onclick" not in html


def test_the_secret_has_a_copy_button_and_a_selectable_field(login, world):
    # when
    response = login(world.a.admin).post(reverse("bodies:tokens"), token_form_data())
    html = response.content.decode()
    # then
    secret = response.context["secret"]
    assert f'id="token-secret" value="{secret}" readonly' in html
    assert 'data-copy-target="token-secret"' in html
    assert f'src="{settings.STATIC_URL}js/copy.js"' in html
    assert "<script>" not in html  # no inline script
    assert (settings.BASE_DIR / "static" / "js" / "copy.js").exists()
