"""Sector choices follow the chosen standard in the competence record form (htmx asks the page again for the
standard's sectors), and the service refuses a sector that does not fit the standard whatever the form offered."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from competence.models import CompetenceRecord
from competence.services import competence_propose
from core.errors import ValidationError
from reference.models import Standard
from tests.factories import sector
from tests.helpers import membership_of

pytestmark = pytest.mark.django_db


def test_the_service_refuses_a_sector_of_another_scheme(world, auditor_a):
    # given a GHG standard and an IAF sector
    ghg = Standard.objects.get(code="iso-14064-3")
    # when / then
    with pytest.raises(ValidationError) as caught:
        competence_propose(
            membership=auditor_a,
            actor=world.a.admin,
            standard=ghg,
            sector=sector("iaf", "1"),
            role="auditor",
            basis=["training"],
            valid_until=date(2028, 1, 1),
        )
    assert caught.value.error_dict["sector"][0].code == "sector_scheme_mismatch"
    assert not CompetenceRecord.objects.filter(membership=auditor_a).exists()


def test_the_sector_list_follows_the_standard(login, world, auditor_a):
    client = login(world.a.admin)
    path = reverse("competence:record-create", args=[auditor_a.pk])
    ghg = Standard.objects.get(code="iso-14064-3")
    iaf = Standard.objects.filter(sector_scheme="iaf").first()
    assert iaf is not None
    # the standard's select asks the page again and swaps in the sector field
    page = client.get(path)
    assert f'hx-get="{path}"' in page.content.decode()
    assert 'hx-select="#div_id_sector"' in page.content.decode()
    # with a GHG standard chosen: GHG scopes only; with an IAF one: IAF codes only
    for standard, scheme in ((ghg, "ghg"), (iaf, "iaf")):
        form = client.get(path, {"standard": standard.pk}, HTTP_HX_REQUEST="true").context["form"]
        schemes = {choice.scheme for choice in form.fields["sector"].queryset}
        assert schemes == {scheme}
        assert 'id="div_id_sector"' in client.get(path, {"standard": standard.pk}).content.decode()


def test_a_sector_of_another_scheme_posted_anyway_is_a_form_error(login, world, auditor_a):
    response = login(world.a.admin).post(
        reverse("competence:record-create", args=[auditor_a.pk]),
        {
            "standard": "iso-14064-3",
            "sector": sector("iaf", "1").pk,
            "role": "auditor",
            "basis": ["training"],
            "valid_until": "2028-01-01",
        },
    )
    assert response.status_code == 200
    assert "sector" in response.context["form"].errors
    assert not CompetenceRecord.objects.filter(
        membership=membership_of(auditor_a.user, world.a.body)
    ).exists()
