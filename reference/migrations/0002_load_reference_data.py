"""Loads the published reference lists (with their versions) that ship in reference/data/."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

ACTIVITIES = [
    ("validation", "Validation"),
    ("verification", "Verification"),
    ("methodology_assessment", "Methodology assessment"),
    ("certification", "Certification"),
]
STANDARDS = [
    ("iso-14064-1", "ISO 14064-1 (organisation GHG inventories)", "ghg", "ghg"),
    ("iso-14064-2", "ISO 14064-2 (GHG projects)", "ghg", "ghg"),
    ("iso-14064-3", "ISO 14064-3 (validation and verification of GHG statements)", "ghg", "ghg"),
    ("iso-14067", "ISO 14067 (carbon footprint of products)", "ghg", "ghg"),
    ("iso-14068-1", "ISO 14068-1:2023 (carbon neutrality)", "ghg", "ghg"),
    ("icr-programme", "ICR Programme (ICR Requirement Document v6.0)", "programme", "ghg"),
    ("eu-crcf", "EU CRCF Regulation (EU) 2024/3012", "programme", "ghg"),
    ("iso-9001", "ISO 9001 (quality management)", "management_system", "iaf"),
    ("iso-14001", "ISO 14001 (environmental management)", "management_system", "iaf"),
    ("iso-45001", "ISO 45001 (occupational health and safety)", "management_system", "iaf"),
    ("iso-50001", "ISO 50001 (energy management)", "management_system", "iaf"),
]
SECTOR_LISTS = [("iaf", "iaf_codes.csv", "IAF-ID1:2024"), ("ghg", "ghg_sectoral_scopes.csv", "UNFCCC-SS:2024")]


def load(apps, schema_editor):
    Activity = apps.get_model("reference", "Activity")
    Standard = apps.get_model("reference", "Standard")
    Sector = apps.get_model("reference", "Sector")
    for code, name in ACTIVITIES:
        Activity.objects.update_or_create(code=code, defaults={"name": name})
    for code, name, kind, scheme in STANDARDS:
        Standard.objects.update_or_create(code=code, defaults={"name": name, "kind": kind, "sector_scheme": scheme})
    for scheme, filename, version in SECTOR_LISTS:
        with open(DATA / filename, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                Sector.objects.update_or_create(
                    scheme=scheme,
                    code=row["code"],
                    version=version,
                    defaults={"name": row["name"], "is_current": True, "sort_key": int(row["code"])},
                )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
