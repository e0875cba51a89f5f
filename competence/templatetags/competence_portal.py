"""Template helpers of the competence portal. The matrix's cells are rendered here in one tight loop: a
500 × 40 matrix is 20,000 cells, too many for a template include (or even a template loop) per cell."""

from __future__ import annotations

import html
import uuid
from datetime import date
from typing import Any

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext_lazy

from bodies.models.tenants import Membership, Role

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
APPROVED = CompetenceRecord.Status.APPROVED.value
RENDERER_KEY = "competence_matrix_renderer"


class MatrixCellRenderer:
    """Turns matrix cells into <td> elements. Every label and date is formatted and escaped once per render
    (plain str operations in the loop: Django's lazy-aware helpers cost too much 20,000 times over)."""

    def __init__(self, *, today: date, warning_days: int) -> None:
        self.today = today
        self.warning_days = warning_days
        self.date_format = get_format("SHORT_DATE_FORMAT")
        self.abbreviations = {role: html.escape(str(label)) for role, label in ROLE_ABBREVIATIONS.items()}
        self.role_labels = {role: str(label) for role, label in COMPETENCE_ROLES}
        self.status_labels = {status: str(label) for status, label in CompetenceRecord.Status.choices}
        self.line_format = gettext("%(role)s: %(status)s, valid until %(date)s")
        self.dates: dict[date, str] = {}
        self.lines: dict[tuple[str, str, date], str] = {}
        self.group_starts: list[bool] = []
        # reversing the person's URL 500 times costs more than all the cells: reverse once, fill in the id
        placeholder = str(uuid.UUID(int=0))
        self.person_url = reverse("competence:person-detail", args=[placeholder]).split(placeholder)

    def person(self, membership: Membership) -> str:
        """The row's header: the person's name, linking to their page."""
        user = membership.user
        prefix, suffix = self.person_url
        return (
            f'<th scope="row" class="cm-person"><a href="{prefix}{membership.pk}{suffix}" '
            f'title="{html.escape(f"{user.full_name} · {user.email}")}">'
            f"{html.escape(user.full_name or user.email)}</a></th>"
        )

    def date(self, day: date) -> str:
        """The day in the language's short format, unescaped."""
        text = self.dates.get(day)
        if text is None:
            text = self.dates[day] = dateformat.format(day, self.date_format)
        return text

    def line(self, record: CompetenceRecord) -> str:
        """One record for the tooltip, escaped for an attribute."""
        key = (record.role, record.status, record.valid_until)
        text = self.lines.get(key)
        if text is None:
            text = self.lines[key] = html.escape(
                self.line_format
                % {
                    "role": self.role_labels.get(record.role, record.role),
                    "status": self.status_labels.get(record.status, record.status),
                    "date": self.date(record.valid_until),
                }
            )
        return text

    def cell(self, cell: MatrixCell | None, *, group_start: bool = False) -> str:
        if cell is None:
            return '<td class="cm-g"></td>' if group_start else "<td></td>"
        records = cell.records
        best = records[0]
        classes = f"cm-g cm-{best.status}" if group_start else f"cm-{best.status}"
        if best.status == APPROVED and (best.valid_until - self.today).days < self.warning_days:
            classes += " cm-soon"
        if len(records) == 1:
            title, more = self.line(best), ""
        else:
            title = "\n".join([self.line(record) for record in records])
            more = f"<sup>+{len(records) - 1}</sup>"
        abbreviation = self.abbreviations.get(best.role) or html.escape(best.role)
        return (
            f'<td class="{classes}" title="{title}"><b>{abbreviation}</b>{more}'
            f"<small>{html.escape(self.date(best.valid_until))}</small></td>"
        )


@register.simple_tag(takes_context=True)
def matrix_row(context: Any, row: MatrixRow) -> SafeString:
    """One matrix row: the person (a link to their page) and every cell; needs `matrix` and
    `expiry_warning_days` in the context.

    The first column of each standard is marked (class cm-g) so the table shows where a standard begins.
    """
    renderer = context.render_context.get(RENDERER_KEY)
    if renderer is None:
        matrix = context["matrix"]
        renderer = MatrixCellRenderer(today=matrix.today, warning_days=context["expiry_warning_days"])
        renderer.group_starts = [
            index == 0 or matrix.columns[index - 1][0].pk != standard.pk
            for index, (standard, _sector) in enumerate(matrix.columns)
        ]
        context.render_context[RENDERER_KEY] = renderer
    cell = renderer.cell
    cells = [
        cell(value, group_start=start) for value, start in zip(row.cells, renderer.group_starts, strict=True)
    ]
    # the person's name and every label, date and title in the cells are escaped by the renderer
    return mark_safe(renderer.person(row.membership) + "".join(cells))


@register.simple_tag
def role_abbreviations() -> list[tuple[str, str]]:
    """(abbreviation, role label) for the matrix legend."""
    labels = dict(COMPETENCE_ROLES)
    return [(str(abbreviation), str(labels[role])) for role, abbreviation in ROLE_ABBREVIATIONS.items()]


@register.filter
def short_standard(name: str) -> str:
    """ "ISO 14064-3 (validation and verification of GHG statements)" → "ISO 14064-3"."""
    return str(name).split(" (", 1)[0]
