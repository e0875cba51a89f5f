"""The registry's list of accreditation bodies: the seeded list, IAF MLA signatures by standard and date, the
public read endpoint."""

from __future__ import annotations

from datetime import date

import pytest

from reference.models import AccreditationBody, AccreditationStandard
from tests.factories import AccreditationBodyFactory
from tests.helpers import assert_flat_queries, url

pytestmark = pytest.mark.django_db


def test_the_list_is_seeded_with_known_accreditation_bodies():
    acronyms = set(AccreditationBody.objects.values_list("acronym", flat=True))
    assert {
        "ISAC",
        "UKAS",
        "DAkkS",
        "ANAB",
        "SWEDAC",
        "DANAK",
        "FINAS",
        "NA",
        "COFRAC",
        "ACCREDIA",
        "JAS-ANZ",
    } <= (acronyms)
    ukas = AccreditationBody.objects.get(acronym="UKAS")
    assert (str(ukas), ukas.country.code) == ("UKAS – United Kingdom Accreditation Service", "GB")
    assert ukas.is_mla_signatory(AccreditationStandard.ISO_17021_1, date(2026, 1, 1))


@pytest.mark.parametrize(
    ("standard", "day", "signatory"),
    [
        (AccreditationStandard.ISO_14065, date(2019, 12, 31), False),  # the day before the signature
        (AccreditationStandard.ISO_14065, date(2020, 1, 1), True),  # its first day
        (AccreditationStandard.ISO_14065, date(2024, 6, 30), True),  # its last day
        (AccreditationStandard.ISO_14065, date(2024, 7, 1), False),  # the day after it ended
        (AccreditationStandard.ISO_17065, date(2022, 1, 1), False),  # another standard
        (AccreditationStandard.GHG_PROGRAMME, date(2022, 1, 1), True),  # recognised by the V/V scope
    ],
)
def test_an_mla_signature_covers_its_standard_from_since_to_until(standard, day, signatory):
    ab = AccreditationBodyFactory(
        name="Dated", mla=[(AccreditationStandard.ISO_14065, date(2020, 1, 1), date(2024, 6, 30))]
    )
    assert ab.is_mla_signatory(standard, day) is signatory


def test_the_reference_endpoint_lists_the_bodies_and_their_signatures(anon):
    response = anon.get(url("reference-accreditation-body-list"))
    assert response.status_code == 200
    isac = next(row for row in response.json()["accreditationBodies"] if row["acronym"] == "ISAC")
    assert isac["country"] == "IS"
    assert {"standard": "iso_14065", "since": "2021-01-01", "until": None} in isac["mlaSignatures"]

    one = anon.get(url("reference-accreditation-body-detail", isac["id"]))
    assert one.status_code == 200 and one.json()["name"] == "Icelandic Board for Technical Accreditation"
    assert anon.get(url("reference-accreditation-body-detail", 999999)).status_code == 404


def test_the_reference_list_stays_flat(anon):
    def grow(n: int) -> None:
        for i in range(n):
            AccreditationBodyFactory(name=f"Grown {AccreditationBody.objects.count()} {i}")

    assert_flat_queries(anon, url("reference-accreditation-body-list") + "?limit=100", grow)
