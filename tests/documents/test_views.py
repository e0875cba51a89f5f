"""Portal and public pages: download isolation and the HTMX status partial."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from documents.models import Document
from tests.documents.conftest import PRIVATE_KIND

pytestmark = pytest.mark.django_db


def _download(client, document):  # type: ignore[no-untyped-def]
    return client.get(reverse("documents:download", args=[document.pk]))


# --- download -----------------------------------------------------------------------------------------------


def test_anyone_may_download_a_ready_public_document(client, ready_document):
    # given body A's ready approval letter (a public kind)
    document = ready_document()

    # when an anonymous visitor downloads it
    response = _download(client, document)

    # then they get the bytes, named, with their hash
    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ICR-approval-letter-body-a-{document.number}.pdf"'
    )
    assert response["X-Content-SHA256"] == document.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 404),
        ("member_b", 404),
        ("admin_b", 404),
        ("member_a", 200),
        ("admin_a", 200),
        ("staff", 200),
    ],
)
def test_private_document_only_for_its_body_and_staff(
    client, world, ready_document, private_kind, who, expected
):
    # given a ready document of a non-public kind, owned by body A
    document = ready_document(kind=PRIVATE_KIND)
    users = {
        "member_b": world.b.member,
        "admin_b": world.b.admin,
        "member_a": world.a.member,
        "admin_a": world.a.admin,
        "staff": world.staff,
    }
    if who in users:
        client.force_login(users[who])

    # when they try to download it
    response = _download(client, document)

    # then only body A's people and registry staff get it; others cannot tell it exists
    assert response.status_code == expected
    if expected == 200:
        assert response["X-Content-SHA256"] == document.sha256


def test_document_not_ready_is_not_downloadable(client, world, request_letter):
    # given a pending public letter
    document = request_letter()

    # then nobody can download it yet, not even its body's admin
    assert _download(client, document).status_code == 404
    client.force_login(world.a.admin)
    assert _download(client, document).status_code == 404


def test_unknown_document_is_404(client, world):
    client.force_login(world.staff)

    response = client.get("/documents/5b0c7a3e-8a51-4ef0-9a5c-000000000000/download/")

    assert response.status_code == 404


def test_download_is_get_only(client, world, ready_document):
    document = ready_document()
    client.force_login(world.a.admin)

    response = client.post(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 405


# --- status partial -----------------------------------------------------------------------------------------


def test_pending_status_polls_every_two_seconds(client, world, request_letter):
    # given a pending letter
    document = request_letter()
    client.force_login(world.a.admin)

    # when the portal asks for its status
    response = client.get(reverse("documents:status", args=[document.pk]), HTTP_HX_REQUEST="true")

    # then the fragment polls itself again
    html = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="/documents/{document.pk}/status/"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Preparing the PDF" in html


def test_ready_status_offers_the_download_and_stops_polling(client, world, ready_document):
    document = ready_document()
    client.force_login(world.a.member)

    response = client.get(reverse("documents:status", args=[document.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/documents/{document.pk}/download/"' in html
    assert "hx-get" not in html
    assert "Download ICR approval letter (PDF)" in html


def test_failed_status_says_so_without_polling(client, world, request_letter):
    document = request_letter()
    Document.objects.filter(pk=document.pk).update(status=Document.Status.FAILED, error="boom")
    client.force_login(world.a.admin)

    response = client.get(reverse("documents:status", args=[document.pk]))

    html = response.content.decode()
    assert "could not be prepared" in html
    assert "hx-get" not in html
    assert "boom" not in html


def test_status_is_for_people_who_can_see_the_document(client, world, request_letter):
    document = request_letter()
    url = reverse("documents:status", args=[document.pk])

    # anonymous visitors are sent to log in, other bodies' people get 404, staff see it
    assert client.get(url).status_code == 302
    client.force_login(world.b.admin)
    assert client.get(url).status_code == 404
    client.force_login(world.staff)
    assert client.get(url).status_code == 200
