"""The IAF MD 5 audit-time tables as versioned reference data: every shipped row loaded as published, the
disputed cell flagged, a new version chosen by its "valid from" day, read only in the back office."""

from __future__ import annotations

import csv
import importlib
import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from audits.audit_time import time_table
from reference.models import AUDIT_TIME_COLUMNS, AuditTimeBand, AuditTimeTable

DATA = Path(__file__).resolve().parents[2] / "reference" / "data"
SCHEMES = {"qms": "iaf_md5_qms.csv", "ems": "iaf_md5_ems.csv", "ohsms": "iaf_md5_ohsms.csv"}


def shipped_rows() -> list[tuple[str, str, int, int, Decimal]]:
    rows = []
    for scheme, filename in SCHEMES.items():
        with open(DATA / filename, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append(
                    (
                        scheme,
                        row.get("complexity", ""),
                        int(row["min_personnel"]),
                        int(row["max_personnel"]),
                        Decimal(row["days"]),
                    )
                )
    return rows


ROWS = shipped_rows()


def test_the_shipped_tables_hold_every_published_row():
    # then QMS has 23 bands, EMS 4 columns of 23, OHSMS 3 columns of 23, each from 1 to 10,700
    assert len(ROWS) == 23 + 4 * 23 + 3 * 23
    assert [row[4] for row in ROWS if row[0] == "qms"][:3] == [Decimal("1.5"), Decimal("2.0"), Decimal("2.5")]
    for scheme, columns in AUDIT_TIME_COLUMNS.items():
        for column in columns:
            bands = [row for row in ROWS if row[0] == scheme and row[1] == column]
            assert len(bands) == 23, (scheme, column)
            assert bands[0][2] == 1 and bands[-1][3] == 10_700
            assert all(later[2] == earlier[3] + 1 for earlier, later in itertools.pairwise(bands))


@pytest.mark.django_db
@pytest.mark.parametrize(("scheme", "complexity", "low", "high", "days"), ROWS)
def test_every_shipped_row_is_loaded(scheme, complexity, low, high, days):
    # then the migration loaded the row as shipped, in the table of its scheme
    band = AuditTimeBand.objects.get(table__scheme=scheme, complexity=complexity, min_personnel=low)
    assert (band.max_personnel, band.days) == (high, days)
    assert band.table.source == "IAF MD 5"
    assert band.table.version == "Issue 4, 2019"


@pytest.mark.django_db
def test_the_database_holds_nothing_but_the_shipped_rows():
    # then three tables, one per scheme, and exactly the shipped bands
    assert sorted(AuditTimeTable.objects.values_list("scheme", "source", "version", "valid_from")) == [
        ("ems", "IAF MD 5", "Issue 4, 2019", date(2020, 5, 7)),
        ("ohsms", "IAF MD 5", "Issue 4, 2019", date(2020, 5, 7)),
        ("qms", "IAF MD 5", "Issue 4, 2019", date(2020, 5, 7)),
    ]
    loaded = sorted(
        AuditTimeBand.objects.values_list(
            "table__scheme", "complexity", "min_personnel", "max_personnel", "days"
        )
    )
    assert loaded == sorted(ROWS)


@pytest.mark.django_db
def test_only_the_ems_limited_626_875_cell_is_flagged_disputed():
    # then the one cell the sources disagree on is flagged, saying why; no other is
    disputed = list(AuditTimeBand.objects.filter(disputed=True))
    assert [(b.table.scheme, b.complexity, b.min_personnel, b.max_personnel, b.days) for b in disputed] == [
        ("ems", "limited", 626, 875, Decimal("6.5"))
    ]
    assert "one source gives 6.0" in disputed[0].disputed_note
    assert AuditTimeBand.objects.filter(disputed=False).exclude(disputed_note="").count() == 0


@pytest.mark.django_db
def test_reloading_the_tables_changes_nothing():
    # given the loaded tables
    before = sorted(
        AuditTimeBand.objects.values_list("table__scheme", "complexity", "min_personnel", "days", "disputed")
    )

    # when the data migration runs again (as the browser tests do after a flush)
    importlib.import_module("reference.migrations.0008_load_audit_time_tables").load(apps, None)

    # then the same three tables and bands
    assert AuditTimeTable.objects.count() == 3
    assert (
        sorted(
            AuditTimeBand.objects.values_list(
                "table__scheme", "complexity", "min_personnel", "days", "disputed"
            )
        )
        == before
    )


@pytest.mark.django_db
def test_a_disputed_band_must_say_why():
    # when a band is flagged disputed without a note, then the database refuses it
    table = AuditTimeTable.objects.get(scheme="qms")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditTimeBand.objects.create(
            table=table,
            complexity="",
            min_personnel=20_000,
            max_personnel=30_000,
            days=Decimal(30),
            disputed=True,
        )
    assert not AuditTimeBand.objects.filter(min_personnel=20_000).exists()


@pytest.mark.django_db
def test_a_band_cannot_end_before_it_starts_nor_have_no_time():
    table = AuditTimeTable.objects.get(scheme="qms")
    for fields in (
        {"min_personnel": 20, "max_personnel": 19, "days": 1},
        {"min_personnel": 20_000, "max_personnel": 20_001, "days": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            AuditTimeBand.objects.create(table=table, complexity="", **fields)
    assert AuditTimeBand.objects.filter(table=table).count() == 23


# --- versions ---------------------------------------------------------------------------------------------------


def _new_qms_version(valid_from: date) -> AuditTimeTable:
    table = AuditTimeTable.objects.create(
        scheme="qms", source="IAF MD 5", version="Issue 5", valid_from=valid_from
    )
    AuditTimeBand.objects.create(table=table, min_personnel=1, max_personnel=5, days=Decimal("2.0"))
    AuditTimeBand.objects.create(table=table, min_personnel=6, max_personnel=10, days=Decimal("2.5"))
    return table


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "version", "first_days"),
    [
        (date(2030, 5, 31), "Issue 4, 2019", Decimal("1.5")),  # the day before the new version
        (date(2030, 6, 1), "Issue 5", Decimal("2.0")),  # its first day
        (date(2030, 6, 2), "Issue 5", Decimal("2.0")),  # the day after
    ],
)
def test_the_table_valid_on_the_day_is_used(day, version, first_days):
    # given a new version of the QMS table valid from 1 June 2030, beside the old one
    _new_qms_version(date(2030, 6, 1))

    # when the table is read for a day
    table = time_table(scheme="qms", on=day)

    # then it is the version valid on that day
    assert table.version == version
    assert table.bands[0].days == first_days


@pytest.mark.django_db
def test_a_day_before_any_table_has_no_table():
    from core.errors import ValidationError

    # when the table is read for a day before the first version
    with pytest.raises(ValidationError) as refused:
        time_table(scheme="qms", on=date(2020, 5, 6))

    # then it is refused with a code
    assert refused.value.error_dict["scheme"][0].code == "no_time_table"
    assert time_table(scheme="qms", on=date(2020, 5, 7)).version == "Issue 4, 2019"


@pytest.mark.django_db
def test_a_second_table_of_a_scheme_on_the_same_day_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditTimeTable.objects.create(
            scheme="qms", source="IAF MD 5", version="Other", valid_from=date(2020, 5, 7)
        )
    assert AuditTimeTable.objects.filter(scheme="qms").count() == 1


# --- the back office ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_read_the_tables_in_the_back_office_with_labels(login, world):
    # when registry staff open the list and the EMS table
    client = login(world.staff)
    listing = client.get(reverse("admin:reference_audittimetable_changelist"))
    ems = AuditTimeTable.objects.get(scheme="ems")
    page = client.get(reverse("admin:reference_audittimetable_change", args=[ems.pk]))

    # then they read labels, not codes, and the bands with the disputed note
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Quality management systems" in text
    assert "Environmental management systems" in text
    assert page.status_code == 200
    html = page.content.decode()
    assert "Limited complexity" in html
    assert "one source gives 6.0" in html


@pytest.mark.django_db
def test_nobody_adds_changes_or_deletes_a_table_in_the_back_office(login, world):
    # given registry staff and the QMS table
    client = login(world.staff)
    qms = AuditTimeTable.objects.get(scheme="qms")

    # when they try to add, change or delete
    add = client.get(reverse("admin:reference_audittimetable_add"))
    change = client.post(
        reverse("admin:reference_audittimetable_change", args=[qms.pk]), {"source": "Changed", "version": "X"}
    )
    delete = client.post(reverse("admin:reference_audittimetable_delete", args=[qms.pk]), {"post": "yes"})

    # then each is refused and nothing changed
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    qms.refresh_from_db()
    assert (qms.source, qms.version) == ("IAF MD 5", "Issue 4, 2019")
    assert AuditTimeBand.objects.filter(table=qms).count() == 23
