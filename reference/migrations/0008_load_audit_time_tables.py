"""Loads the IAF MD 5 audit-time tables (Issue 4, 2019) that ship in reference/data/iaf_md5_*.csv, and flags the
cells the sources disagree on (iaf_md5_disputed.csv). Idempotent: the browser tests reload it after a flush."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

SOURCE = "IAF MD 5"
VERSION = "Issue 4, 2019"
# the document's application date (IAF MD 5:2019, Issue 4, Version 2 issued 11 November 2019)
VALID_FROM = date(2020, 5, 7)
NOTE = (
    "IAF MD 5:2019 Issue 4 (Version 2 issued 11 November 2019), application date 7 May 2020. Initial audit time "
    "(stage 1 + stage 2) in auditor days by effective personnel. Above the last band the table says to follow "
    "its progression."
)
TABLES = [("qms", "iaf_md5_qms.csv"), ("ems", "iaf_md5_ems.csv"), ("ohsms", "iaf_md5_ohsms.csv")]


def load(apps, schema_editor):
    AuditTimeTable = apps.get_model("reference", "AuditTimeTable")
    AuditTimeBand = apps.get_model("reference", "AuditTimeBand")
    tables = {}
    for scheme, filename in TABLES:
        table, _ = AuditTimeTable.objects.update_or_create(
            scheme=scheme, source=SOURCE, version=VERSION, defaults={"valid_from": VALID_FROM, "note": NOTE}
        )
        tables[scheme] = table
        with open(DATA / filename, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                AuditTimeBand.objects.update_or_create(
                    table=table,
                    complexity=row.get("complexity", ""),
                    min_personnel=int(row["min_personnel"]),
                    defaults={
                        "max_personnel": int(row["max_personnel"]),
                        "days": Decimal(row["days"]),
                        "disputed": False,
                        "disputed_note": "",
                    },
                )
    with open(DATA / "iaf_md5_disputed.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            flagged = AuditTimeBand.objects.filter(
                table=tables[row["scheme"]],
                complexity=row["complexity"],
                min_personnel=int(row["min_personnel"]),
                max_personnel=int(row["max_personnel"]),
                days=Decimal(row["days"]),
            ).update(disputed=True, disputed_note=row["note"])
            if flagged != 1:
                raise ValueError(f"iaf_md5_disputed.csv names a cell the tables do not hold: {row}")


class Migration(migrations.Migration):
    dependencies = [("reference", "0007_audit_time_tables")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
