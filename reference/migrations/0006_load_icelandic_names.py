"""Icelandic names of the shipped reference data: activities and standards here, sectors from the `name_is`
column of reference/data/*.csv (the versions 0002 loaded). Rows staff added later keep an empty name_is and
show their English name until staff give one."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

ACTIVITIES = {
    "validation": "Fullgilding",
    "verification": "Sannprófun",
    "methodology_assessment": "Mat á aðferðafræði",
    "certification": "Vottun",
}
STANDARDS = {
    "iso-14064-1": "ISO 14064-1 (losunarbókhald gróðurhúsalofttegunda fyrirtækja)",
    "iso-14064-2": "ISO 14064-2 (loftslagsverkefni)",
    "iso-14064-3": "ISO 14064-3 (fullgilding og sannprófun yfirlýsinga um gróðurhúsalofttegundir)",
    "iso-14067": "ISO 14067 (kolefnisspor vara)",
    "iso-14068-1": "ISO 14068-1:2023 (kolefnishlutleysi)",
    "icr-programme": "ICR-kerfið (ICR Requirement Document v6.0)",
    "eu-crcf": "CRCF-reglugerð ESB (ESB) 2024/3012",
    "iso-9001": "ISO 9001 (gæðastjórnun)",
    "iso-14001": "ISO 14001 (umhverfisstjórnun)",
    "iso-45001": "ISO 45001 (vinnuvernd)",
    "iso-50001": "ISO 50001 (orkustjórnun)",
}
SECTOR_LISTS = [
    ("iaf", "iaf_codes.csv", "IAF-ID1:2024"),
    ("ghg", "ghg_sectoral_scopes.csv", "UNFCCC-SS:2024"),
]


def load(apps, schema_editor):
    Activity = apps.get_model("reference", "Activity")
    Standard = apps.get_model("reference", "Standard")
    Sector = apps.get_model("reference", "Sector")
    for code, name_is in ACTIVITIES.items():
        Activity.objects.filter(code=code, name_is="").update(name_is=name_is)
    for code, name_is in STANDARDS.items():
        Standard.objects.filter(code=code, name_is="").update(name_is=name_is)
    for scheme, filename, version in SECTOR_LISTS:
        with open(DATA / filename, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                Sector.objects.filter(scheme=scheme, code=row["code"], version=version, name_is="").update(
                    name_is=row["name_is"]
                )


class Migration(migrations.Migration):
    dependencies = [("reference", "0005_icelandic_names")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
