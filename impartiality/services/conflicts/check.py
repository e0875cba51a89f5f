"""The check: every conflict of one person, or of many at once, with one client or project on the planned
dates, read in a constant few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from bodies.models.tenants import Membership
from clients.selectors import project_list
from core.error_codes import CoreErrorCode
from core.errors import ValidationError, coded

from ...error_codes import ImpartialityErrorCode
from ...models import ConflictOverride, Declaration, Relationship
from ...selectors.declarations import annual_declaration_states
from .report import Conflict, ConflictReport
from .rules import (
    ABSOLUTE,
    SEVERITY,
    ConflictRule,
    ConflictSeverity,
    Party,
    conflict_summary,
    declaration_conflicts,
    party_of,
    relationship_conflicts,
)


def _validate(*, membership: Membership, client: Any, project: Any, starts_on: Any, ends_on: Any) -> None:
    """Exactly one of client and project, of the membership's body; a planned period in order."""
    errors: dict[str, ValidationError] = {}
    if client is None and project is None:
        errors["client"] = coded(
            _("Name a client or a project."), ImpartialityErrorCode.COUNTERPARTY_REQUIRED
        )
    elif client is not None and project is not None:
        errors["project"] = coded(
            _("Name a client or a project, not both (a project brings its proponent)."),
            ImpartialityErrorCode.TWO_COUNTERPARTIES,
        )
    for name, other in (("client", client), ("project", project)):
        if other is not None and other.body_id != membership.body_id:
            errors[name] = coded(
                _("This is not a client or project of the person's body."),
                ImpartialityErrorCode.COUNTERPARTY_OTHER_BODY,
            )
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(day, date):
            errors[name] = coded(_("Give the planned date."), CoreErrorCode.REQUIRED)
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on:
        errors["ends_on"] = coded(
            _("The planned end cannot be before the planned start."),
            ImpartialityErrorCode.PLANNED_END_BEFORE_START,
        )
    if errors:
        raise ValidationError(errors)


def _load(
    memberships: list[Membership], client: Any, project: Any, starts_on: date, ends_on: date
) -> tuple[list[Membership], Any, dict[Any, list[Declaration]], dict[Any, list[ConflictOverride]]]:
    """Everything the rules read for any number of people, in a constant few queries whatever the number of
    people, declarations and relationships: the people, the project, the live declarations with their
    relationships and the overrides covering the period, each grouped by person."""
    ids = [membership.pk for membership in memberships]
    found = {m.pk: m for m in Membership.objects.select_related("user", "body").filter(pk__in=ids)}
    people = [found[pk] for pk in ids if pk in found]
    if project is not None:
        project = project_list().get(pk=project.pk)
    declarations: dict[Any, list[Declaration]] = defaultdict(list)
    live = (
        Declaration.objects.live()
        .filter(membership_id__in=ids)
        .prefetch_related(
            Prefetch(
                "relationships",
                queryset=Relationship.objects.select_related("client", "project").order_by(
                    "started_on", "id"
                ),
            )
        )
        .order_by("submitted_at", "id")
    )
    for declaration in live:
        declarations[declaration.membership_id].append(declaration)
    overrides = ConflictOverride.objects.filter(
        membership_id__in=ids, starts_on__lte=starts_on, ends_on__gte=ends_on
    ).select_related("overridden_by")
    if project is not None:
        overrides = overrides.filter(project_id=project.pk)
    else:
        overrides = overrides.filter(client_id=client.pk, project__isnull=True)
    covering: dict[Any, list[ConflictOverride]] = defaultdict(list)
    for override in overrides.order_by("created_at", "id"):
        covering[override.membership_id].append(override)
    return people, project, declarations, covering


def conflict_check(
    *,
    membership: Membership,
    client: Any = None,
    project: Any = None,
    starts_on: date,
    ends_on: date,
) -> ConflictReport:
    """Every conflict of interest of the person with the client or project (a project brings its proponent and
    its consultant) from `starts_on` to `ends_on`, with the override covering each, if any. Reads only; the
    faces decide who may ask (`impartiality.permissions.can_check_conflicts`) and who reads the details
    (`can_read_declaration`). A constant few queries."""
    reports = conflict_check_many(
        memberships=[membership], client=client, project=project, starts_on=starts_on, ends_on=ends_on
    )
    return reports[membership.pk]


def conflict_check_many(
    *,
    memberships: Iterable[Membership],
    client: Any = None,
    project: Any = None,
    starts_on: date,
    ends_on: date,
) -> dict[Any, ConflictReport]:
    """`conflict_check` for many people of one body at once (membership id → report), in the same constant few
    queries whatever the number of people: what a team's candidates are checked with before anyone is
    assigned."""
    memberships = list(memberships)
    for membership in memberships:
        _validate(membership=membership, client=client, project=project, starts_on=starts_on, ends_on=ends_on)
    people, project, declarations, overrides = _load(memberships, client, project, starts_on, ends_on)
    party = party_of(client, project)
    annual = annual_declaration_states(people, on=starts_on)
    return {
        membership.pk: _report(
            membership,
            party,
            declarations.get(membership.pk, []),
            overrides.get(membership.pk, []),
            annual[membership.pk],
            client,
            project,
            starts_on,
            ends_on,
        )
        for membership in people
    }


def _report(
    person_membership: Membership,
    party: Party,
    declarations: list[Declaration],
    overrides: list[ConflictOverride],
    annual: Any,
    client: Any,
    project: Any,
    starts_on: date,
    ends_on: date,
) -> ConflictReport:
    """One person's conflicts, from what `_load` read."""
    person = person_membership.user.full_name or person_membership.user.email
    by_rule: dict[str, ConflictOverride] = {}
    for override in overrides:
        by_rule.setdefault(override.rule, override)

    def covering(rule: str) -> ConflictOverride | None:
        return None if rule in ABSOLUTE else by_rule.get(rule)

    conflicts: list[Conflict] = []
    for rule, message, relationship, declaration in relationship_conflicts(
        person, party, declarations, starts_on, ends_on
    ):
        conflicts.append(
            Conflict(
                rule=rule,
                severity=SEVERITY[rule],
                message=message,
                summary=conflict_summary(rule, person, party.label),
                relationship=relationship,
                declaration=declaration,
                override=covering(rule),
            )
        )
    for rule, message, found, measures in declaration_conflicts(
        person_membership, person, party, declarations, client, project, starts_on, annual
    ):
        conflicts.append(
            Conflict(
                rule=rule,
                severity=SEVERITY[rule],
                message=message,
                summary=conflict_summary(rule, person, party.label),
                declaration=found,
                override=covering(rule),
                measures=measures,
            )
        )
    order = {rule: index for index, rule in enumerate(ConflictRule.values)}
    conflicts.sort(key=lambda c: (c.severity != ConflictSeverity.BARS, order[c.rule]))
    return ConflictReport(
        membership=person_membership,
        client=client if project is None else None,
        project=project,
        starts_on=starts_on,
        ends_on=ends_on,
        conflicts=tuple(conflicts),
    )
