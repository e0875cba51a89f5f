"""Template helpers of the competence portal. The matrix's cells are rendered here in one tight loop: a
500 × 40 matrix is 20,000 cells, too many for a template include (or even a template loop) per cell."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext_lazy

from bodies.models import Role

from ..models import COMPETENCE_ROLES, CompetenceRecord
from ..selectors import MatrixCell, MatrixRow

register = template.Library()

ROLE_ABBREVIATIONS = {
    Role.LEAD_AUDITOR.value: pgettext_lazy("role abbreviation", "LA"),
    Role.AUDITOR.value: pgettext_lazy("role abbreviation", "A"),
    Role.TECHNICAL_EXPERT.value: pgettext_lazy("role abbreviation", "TE"),
    Role.INDEPENDENT_REVIEWER.value: pgettext_lazy("role abbreviation", "IR"),
    Role.DECISION_MAKER.value: pgettext_lazy("role abbreviation", "DM"),
}
RENDERER_KEY = "competence_matrix_renderer"
GROUP_STARTS_KEY = "competence_matrix_group_starts"


class MatrixCellRenderer:
    """Turns matrix cells into <td> elements, memoising every label and date it formats once per render."""

    def __init__(self, *, today: date, warning_days: int) -> None:
        self.today = today
        self.warning_days = warning_days
        self.abbreviations = {role: str(label) for role, label in ROLE_ABBREVIATIONS.items()}
        self.role_labels = {role: str(label) for role, label in COMPETENCE_ROLES}
        self.status_labels = {status: str(label) for status, label in CompetenceRecord.Status.choices}
        self.line_format = gettext("%(role)s: %(status)s, valid until %(date)s")
        self.dates: dict[date, str] = {}
        self.lines: dict[tuple[str, str, date], str] = {}

    def date(self, day: date) -> str:
        text = self.dates.get(day)
        if text is None:
            text = self.dates[day] = escape(formats.date_format(day, "SHORT_DATE_FORMAT"))
        return text

    def line(self, record: CompetenceRecord) -> str:
        key = (record.role, record.status, record.valid_until)
        text = self.lines.get(key)
        if text is None:
            text = self.lines[key] = escape(
                self.line_format
                % {
                    "role": self.role_labels.get(record.role, record.role),
                    "status": self.status_labels.get(record.status, record.status),
                    "date": formats.date_format(record.valid_until, "SHORT_DATE_FORMAT"),
                }
            )
        return text

    def cell(self, cell: MatrixCell | None, *, group_start: bool = False) -> str:
        if cell is None:
            return '<td class="cm-g"></td>' if group_start else "<td></td>"
        best = cell.best
        classes = f"cm-g cm-{best.status}" if group_start else f"cm-{best.status}"
        if (
            best.status == CompetenceRecord.Status.APPROVED
            and (best.valid_until - self.today).days < self.warning_days
        ):
            classes += " cm-soon"
        title = "\n".join(self.line(record) for record in cell.records)
        more = f"<sup>+{len(cell.records) - 1}</sup>" if len(cell.records) > 1 else ""
        abbreviation = escape(self.abbreviations.get(best.role, best.role))
        return (
            f'<td class="{classes}" title="{title}"><b>{abbreviation}</b>{more}'
            f"<small>{self.date(best.valid_until)}</small></td>"
        )


@register.simple_tag(takes_context=True)
def matrix_cells(context: Any, row: MatrixRow) -> SafeString:
    """Every cell of one matrix row; needs `matrix` and `expiry_warning_days` in the context.

    The first column of each standard is marked (class cm-g) so the table shows where a standard begins.
    """
    renderer = context.render_context.get(RENDERER_KEY)
    if renderer is None:
        renderer = MatrixCellRenderer(
            today=context["matrix"].today, warning_days=context["expiry_warning_days"]
        )
        context.render_context[RENDERER_KEY] = renderer
        columns = context["matrix"].columns
        context.render_context[GROUP_STARTS_KEY] = [
            index == 0 or columns[index - 1][0].pk != standard.pk
            for index, (standard, _) in enumerate(columns)
        ]
    starts = context.render_context[GROUP_STARTS_KEY]
    cell = renderer.cell
    # every label, date and title in the cells is escaped by the renderer
    return mark_safe(
        "".join([cell(value, group_start=start) for value, start in zip(row.cells, starts, strict=True)])
    )


@register.simple_tag
def role_abbreviations() -> list[tuple[str, str]]:
    """(abbreviation, role label) for the matrix legend."""
    labels = dict(COMPETENCE_ROLES)
    return [(str(abbreviation), str(labels[role])) for role, abbreviation in ROLE_ABBREVIATIONS.items()]


@register.filter
def short_standard(name: str) -> str:
    """ "ISO 14064-3 (validation and verification of GHG statements)" → "ISO 14064-3"."""
    return str(name).split(" (", 1)[0]
