import pytest
from django.urls import reverse

from tests.factories import AccreditationFactory

PAGES = ["core:dashboard", "core:audit-trail", "bodies:profile", "bodies:profile-edit", "bodies:members",
         "bodies:accreditation-list", "bodies:accreditation-create", "bodies:eligibility", "bodies:tokens",
         "bodies:directory", "accounts:profile", "accounts:password-change"]


@pytest.mark.parametrize("name", PAGES)
def test_pages(client, world, name):
    client.force_login(world.a.admin)
    response = client.get(reverse(name))
    assert response.status_code == 200, response.content[:3000]


def test_detail(client, world):
    acc = AccreditationFactory(body=world.a.body)
    client.force_login(world.a.admin)
    for name in ["bodies:accreditation-detail", "bodies:accreditation-edit"]:
        r = client.get(reverse(name, args=[acc.pk]))
        assert r.status_code == 200
    r = client.get(reverse("bodies:directory-detail", args=[world.a.body.pk]))
    assert r.status_code == 200


@pytest.mark.parametrize("name", ["core:home", "accounts:login", "accounts:password-reset", "bodies:directory"])
def test_public(client, db, name):
    assert client.get(reverse(name)).status_code == 200
