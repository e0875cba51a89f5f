"""Seeds the list of accreditation bodies the registry keeps, with their IAF MLA signatures.

The signatures are seed data for registry staff to keep against the IAF's published list of MLA signatories
(https://iaf.nu): each `since` is the first day of the year the signature for that standard took effect.
Existing rows are updated by name, so running it again changes nothing.
"""

from datetime import date

from django.db import migrations

MS = "iso_iec_17021_1"
PRODUCT = "iso_iec_17065"
GHG = "iso_14065"
VV = "iso_iec_17029"

#: (name, acronym, country, website, {standard: year signed})
ACCREDITATION_BODIES = [
    (
        "Icelandic Board for Technical Accreditation",
        "ISAC",
        "IS",
        "https://www.isac.is",
        {MS: 2016, PRODUCT: 2016, GHG: 2021},
    ),
    (
        "United Kingdom Accreditation Service",
        "UKAS",
        "GB",
        "https://www.ukas.com",
        {MS: 1998, PRODUCT: 2004, GHG: 2015, VV: 2022},
    ),
    (
        "Deutsche Akkreditierungsstelle",
        "DAkkS",
        "DE",
        "https://www.dakks.de",
        {MS: 2010, PRODUCT: 2010, GHG: 2017, VV: 2022},
    ),
    (
        "ANSI National Accreditation Board",
        "ANAB",
        "US",
        "https://anab.ansi.org",
        {MS: 1998, PRODUCT: 2012, GHG: 2015, VV: 2022},
    ),
    (
        "Swedish Board for Accreditation and Conformity Assessment",
        "SWEDAC",
        "SE",
        "https://www.swedac.se",
        {MS: 1998, PRODUCT: 2004},
    ),
    (
        "Danish Accreditation Fund",
        "DANAK",
        "DK",
        "https://www.danak.dk",
        {MS: 1998, PRODUCT: 2004, GHG: 2018},
    ),
    ("Finnish Accreditation Service", "FINAS", "FI", "https://www.finas.fi", {MS: 2000, PRODUCT: 2005}),
    ("Norsk Akkreditering", "NA", "NO", "https://www.akkreditert.no", {MS: 2000, PRODUCT: 2005}),
    (
        "Comité français d'accréditation",
        "COFRAC",
        "FR",
        "https://www.cofrac.fr",
        {MS: 1998, PRODUCT: 2004, GHG: 2016},
    ),
    (
        "ACCREDIA – Ente Italiano di Accreditamento",
        "ACCREDIA",
        "IT",
        "https://www.accredia.it",
        {MS: 2010, PRODUCT: 2010, GHG: 2016},
    ),
    (
        "Joint Accreditation System of Australia and New Zealand",
        "JAS-ANZ",
        "AU",
        "https://www.jas-anz.org",
        {MS: 1998, PRODUCT: 2004, GHG: 2015},
    ),
    ("Estonian Accreditation Centre", "EAK", "EE", "https://www.eak.ee", {MS: 2010, PRODUCT: 2012}),
]


def load(apps, schema_editor):
    AccreditationBody = apps.get_model("reference", "AccreditationBody")
    AccreditationBodyMla = apps.get_model("reference", "AccreditationBodyMla")
    for name, acronym, country, website, signatures in ACCREDITATION_BODIES:
        body, _created = AccreditationBody.objects.update_or_create(
            name=name, defaults={"acronym": acronym, "country": country, "website": website}
        )
        for standard, year in signatures.items():
            AccreditationBodyMla.objects.get_or_create(
                accreditation_body=body, standard=standard, since=date(year, 1, 1)
            )


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_accreditation_bodies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
