"""Reads for people and competence, shaped for constant query counts (the matrix is four queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Body, Membership
from reference.models import Sector, Standard

from .checks import Gap, TeamMember, TeamResult, person_check_competence, team_check_coverage  # noqa: F401 (public)
from .models import CompetenceRecord
from .permissions import competence_records_of_body_for

STATUS_RANK: dict[str, int] = {
    CompetenceRecord.Status.APPROVED: 0,
    CompetenceRecord.Status.PROPOSED: 1,
    CompetenceRecord.Status.SUSPENDED: 2,
    CompetenceRecord.Status.EXPIRED: 3,
}


#: the record fields a matrix cell (page, API, export) uses
MATRIX_RECORD_FIELDS = ("id", "membership", "standard", "sector", "role", "status", "valid_until")


@dataclass(frozen=True)
class MatrixFilters:
    standard: str | None = None  # Standard.code
    sector: int | None = None  # Sector.pk
    scheme: str | None = None  # "iaf" | "ghg"
    role: str | None = None
    status: str | None = None
    person: str | None = None  # part of a name or email
    expiring_within_days: int | None = None


@dataclass
class MatrixCell:
    """The competences one person holds for one (standard, sector), best first."""

    records: list[CompetenceRecord] = field(default_factory=list)

    @property
    def best(self) -> CompetenceRecord:
        return self.records[0]

    @property
    def roles(self) -> list[str]:
        return [record.role for record in self.records]


@dataclass
class MatrixRow:
    membership: Membership
    cells: list[MatrixCell | None]


@dataclass
class Matrix:
    columns: list[tuple[Standard, Sector]]
    rows: list[MatrixRow]
    today: date


def person_list(*, body: Body) -> QuerySet[Membership]:
    return Membership.objects.for_body(body).select_related("user").order_by("user__full_name", "user__email")


def _filter_records(records: QuerySet[CompetenceRecord], f: MatrixFilters) -> QuerySet[CompetenceRecord]:
    if f.standard:
        records = records.filter(standard_id=f.standard)
    if f.sector:
        records = records.filter(sector_id=f.sector)
    if f.scheme:
        records = records.filter(sector__scheme=f.scheme)
    if f.role:
        records = records.filter(role=f.role)
    if f.status:
        records = records.filter(status=f.status)
    if f.person:
        records = records.filter(
            Q(person__full_name__icontains=f.person) | Q(person__email__icontains=f.person)
        )
    if f.expiring_within_days is not None:
        limit = timezone.localdate() + timedelta(days=f.expiring_within_days)
        records = records.filter(status=CompetenceRecord.Status.APPROVED, valid_until__lte=limit)
    return records


def competence_matrix(*, body: Body, filters: MatrixFilters | None = None, viewer: Any = None) -> Matrix:
    """People × (standard, sector) for one body: every active person is a row even with no records.

    With a `viewer`, the records are those they may see (`competence_records_of_body_for`: by default their own
    and their colleagues' approved ones)."""
    f = filters or MatrixFilters()
    memberships = list(
        Membership.objects.for_body(body)
        .active()
        .filter(
            Q(user__full_name__icontains=f.person) | Q(user__email__icontains=f.person) if f.person else Q()
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    # a big body's matrix holds tens of thousands of records: load only what a cell shows, and the few
    # standards and sectors once each rather than joined onto every record
    visible = CompetenceRecord.objects.for_body(body)
    if viewer is not None:
        visible = visible.filter(competence_records_of_body_for(viewer, body))
    records = list(_filter_records(visible, f).only(*MATRIX_RECORD_FIELDS))
    standards = Standard.objects.in_bulk({record.standard_id for record in records})
    sectors = Sector.objects.in_bulk({record.sector_id for record in records})
    set_standard = CompetenceRecord.standard.field.set_cached_value
    set_sector = CompetenceRecord.sector.field.set_cached_value
    columns_seen: dict[tuple[str, int], tuple[Standard, Sector]] = {}
    by_person: dict[Any, dict[tuple[str, int], list[CompetenceRecord]]] = {}
    for record in records:
        set_standard(record, standards[record.standard_id])
        set_sector(record, sectors[record.sector_id])
        key = (record.standard_id, record.sector_id)
        columns_seen.setdefault(key, (record.standard, record.sector))
        by_person.setdefault(record.membership_id, {}).setdefault(key, []).append(record)
    keys = sorted(
        columns_seen,
        key=lambda k: (columns_seen[k][0].name, columns_seen[k][1].scheme, columns_seen[k][1].sort_key),
    )
    filtering_records = any(
        [f.standard, f.sector, f.scheme, f.role, f.status, f.expiring_within_days is not None]
    )
    rows = []
    for membership in memberships:
        held = by_person.get(membership.pk, {})
        if filtering_records and not held:
            continue
        cells: list[MatrixCell | None] = []
        for key in keys:
            found = held.get(key)
            if found:
                found.sort(key=lambda r: (STATUS_RANK[r.status], -r.valid_until.toordinal()))
                cells.append(MatrixCell(found))
            else:
                cells.append(None)
        rows.append(MatrixRow(membership, cells))
    return Matrix(columns=[columns_seen[k] for k in keys], rows=rows, today=timezone.localdate())


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list[str]]]:
    """The matrix as plain text cells, for CSV and XLSX export."""
    header = [str(_("Person")), str(_("Email")), str(_("Employment"))] + [
        f"{std} | {sec}" for std, sec in matrix.columns
    ]
    body_rows = []
    for row in matrix.rows:
        values = [
            row.membership.user.full_name,
            row.membership.user.email,
            row.membership.get_employment_display(),
        ]
        for cell in row.cells:
            if cell is None:
                values.append("")
            else:
                values.append(
                    "; ".join(
                        _("%(role)s: %(status)s until %(day)s")
                        % {
                            "role": r.get_role_display(),
                            "status": r.get_status_display(),
                            "day": formats.date_format(r.valid_until, "DATE_FORMAT"),
                        }
                        for r in cell.records
                    )
                )
        body_rows.append([str(v) for v in values])
    return header, body_rows
