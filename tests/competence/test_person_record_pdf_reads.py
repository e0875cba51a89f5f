"""A person's competence-record PDF holds their whole history, so it is read under the same rule as that
history (`competence.permissions.can_view_person_history`): the body's competence managers, registry staff and
the person themselves. A colleague gets 404 for it in every face — list, detail, status and download — as if
it did not exist."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from documents.models import Document
from documents.services import document_render, document_request
from tests.helpers import make_token, membership_of, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf(world) -> Document:
    """Body A's member's competence record, rendered at the administrator's request."""
    with transaction.atomic():
        document = document_request(
            kind="competence.person_record",
            subject=membership_of(world.a.member, world.a.body),
            body=world.a.body,
            actor=world.a.admin,
        )
    return document_render(document_id=document.pk)


def _listed(user) -> set[str]:  # type: ignore[no-untyped-def]
    return {row["id"] for row in signed_in(user).get(url("document-list")).json()["documents"]}


@pytest.mark.parametrize("who", ["admin", "person", "staff"])
def test_managers_the_person_and_staff_read_it(world, pdf, who):
    user = {"admin": world.a.admin, "person": world.a.member, "staff": world.staff}[who]

    assert signed_in(user).get(url("document-download", pdf.pk)).status_code == 200
    assert signed_in(user).get(reverse("documents:download", args=[pdf.pk])).status_code == 200
    assert str(pdf.pk) in _listed(user)


def test_a_colleague_does_not_see_it_anywhere(world, pdf):
    # given a colleague of body A: an auditor who is neither the person nor a competence manager
    from bodies.models import Role
    from tests.factories import MembershipFactory, UserFactory

    colleague = UserFactory(email="colleague@example.org")
    MembershipFactory(user=colleague, body=world.a.body, roles=[Role.AUDITOR])
    client = signed_in(colleague)

    # then every face answers as if the document did not exist
    assert client.get(url("document-detail", pdf.pk)).status_code == 404
    assert client.get(url("document-download", pdf.pk)).status_code == 404
    assert client.get(reverse("documents:download", args=[pdf.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[pdf.pk])).status_code == 404
    assert str(pdf.pk) not in _listed(colleague)


def test_a_token_of_the_body_reads_it_and_another_bodys_does_not(world, pdf):
    from tests.helpers import bearer

    _, mine = make_token(body=world.a.body, creator=world.a.admin, scopes={"documents": "read"})
    _, theirs = make_token(body=world.b.body, creator=world.b.admin, scopes={"documents": "read"})

    assert bearer(mine).get(url("document-download", pdf.pk)).status_code == 200
    assert bearer(theirs).get(url("document-download", pdf.pk)).status_code == 404
