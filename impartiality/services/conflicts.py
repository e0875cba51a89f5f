"""The conflict service: the single place the conflict-of-interest rules live (issue 8 §3, DOMAIN "Impartiality
and conflicts of interest"), and the written overrides of its conflicts.

`conflict_check(membership=, client= | project=, starts_on=, ends_on=)` answers "can this person work for this
client or project on these dates, and if not why": a `ConflictReport` listing EVERY conflict (never only the
first), each with its rule, its severity (it bars, or it needs mitigation), words for people, the relationship or
declaration behind it and the override that covers it. The engagements capability calls it at team
confirmation; nothing else re-implements a rule. To add a rule: a `ConflictRule` member (code and label), its
severity in `SEVERITY`, `ABSOLUTE` if it can never be overridden, and a few lines in `_relationship_conflicts`
or `_declaration_conflicts` (both read only what `_load` fetched, so the query count stays constant).

The counterparty of an engagement is a client, or a project with its proponent and its consultant (a client
of the body or a name). A declared relationship matches it when it names the client, the project (or another
project of the same proponent), the proponent or consultant client, or by name (case-insensitive) one of those
clients' legal names or the project's consultant name. Relationships considered: those of the person's live
declarations in the body (submitted or reviewed; drafts and superseded versions never count), annual and per
engagement alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bodies.models.tenants import Body, Membership, Role
from clients.selectors import project_list
from core.audit import audit_changes, audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import PermissionDenied, ValidationError, coded, field_error
from core.types import Actor
from reminders.notices import notify

from ..error_codes import ImpartialityErrorCode
from ..models import (
    ConflictOverride,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    ImpartialityPolicy,
    Relationship,
    RelationshipKind,
    ReviewOutcome,
)
from ..permissions import require_change_impartiality_policy, require_override_conflicts
from ..selectors.declarations import EXPIRED, MISSING, annual_declaration_states

__all__ = [
    "ABSOLUTE",
    "SEVERITY",
    "Conflict",
    "ConflictReport",
    "ConflictRule",
    "ConflictSeverity",
    "conflict_check",
    "conflict_override",
    "impartiality_policy_get",
    "impartiality_policy_set",
]


class ConflictRule(models.TextChoices):
    """The rules of the conflict service; a code never changes (the API and stored overrides name it)."""

    COOLING_OFF = "cooling_off", gettext_lazy("Cooling-off after consultancy or advice")
    CURRENT_EMPLOYMENT = "current_employment", gettext_lazy("Current employment")
    FINANCIAL_INTEREST = "financial_interest", gettext_lazy("Financial interest")
    FAMILY = "family", gettext_lazy("Family or personal relationship")
    EARLIER_AUDIT = "earlier_audit", gettext_lazy("Earlier audit of the same activity")
    GIFTS = "gifts", gettext_lazy("Gifts or hospitality")
    OTHER = "other", gettext_lazy("Other declared relationship")
    ENGAGEMENT_DECLARATION_MISSING = (
        "engagement_declaration_missing",
        gettext_lazy("No declaration of interest for this client or project"),
    )
    ENGAGEMENT_DECLARATION_UNREVIEWED = (
        "engagement_declaration_unreviewed",
        gettext_lazy("Declaration of interest waiting for review"),
    )
    DECLARATION_BARRING = "declaration_barring", gettext_lazy("A review found a barring conflict")
    DECLARATION_MITIGATED = "declaration_mitigated", gettext_lazy("A review found a conflict to mitigate")
    ANNUAL_DECLARATION_MISSING = (
        "annual_declaration_missing",
        gettext_lazy("No annual declaration of interest"),
    )
    ANNUAL_DECLARATION_EXPIRED = (
        "annual_declaration_expired",
        gettext_lazy("Annual declaration of interest expired"),
    )


class ConflictSeverity(models.TextChoices):
    BARS = "bars", gettext_lazy("Bars the assignment")
    MITIGATE = "mitigate", gettext_lazy("Needs mitigation")


_R = ConflictRule
#: what each rule's conflict does to the assignment
SEVERITY: dict[str, str] = {
    _R.COOLING_OFF: ConflictSeverity.BARS,
    _R.CURRENT_EMPLOYMENT: ConflictSeverity.BARS,
    _R.FINANCIAL_INTEREST: ConflictSeverity.BARS,
    _R.FAMILY: ConflictSeverity.MITIGATE,
    _R.EARLIER_AUDIT: ConflictSeverity.MITIGATE,
    _R.GIFTS: ConflictSeverity.MITIGATE,
    _R.OTHER: ConflictSeverity.MITIGATE,
    _R.ENGAGEMENT_DECLARATION_MISSING: ConflictSeverity.BARS,
    _R.ENGAGEMENT_DECLARATION_UNREVIEWED: ConflictSeverity.BARS,
    _R.DECLARATION_BARRING: ConflictSeverity.BARS,
    _R.DECLARATION_MITIGATED: ConflictSeverity.MITIGATE,
    _R.ANNUAL_DECLARATION_MISSING: ConflictSeverity.BARS,
    _R.ANNUAL_DECLARATION_EXPIRED: ConflictSeverity.BARS,
}
#: rules no override ever lifts
ABSOLUTE: frozenset[str] = frozenset({_R.COOLING_OFF, _R.CURRENT_EMPLOYMENT})
#: gifts, hospitality and other relationships count when they touch this many months before the planned start
RECENT_MONTHS = 12


@dataclass(frozen=True)
class Conflict:
    """One conflict: `message` tells it with the relationship's details (for those who may read them,
    `impartiality.permissions.can_read_declaration`); `summary` without them ("a declared relationship")."""

    rule: str
    severity: str
    message: str
    summary: str
    relationship: Relationship | None = None
    declaration: Declaration | None = None
    override: ConflictOverride | None = None
    measures: str = ""

    @property
    def absolute(self) -> bool:
        return self.rule in ABSOLUTE

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def rule_label(self) -> str:
        return str(ConflictRule(self.rule).label)

    @property
    def severity_label(self) -> str:
        return str(ConflictSeverity(self.severity).label)

    @property
    def bars(self) -> bool:
        return self.severity == ConflictSeverity.BARS and not self.overridden

    @property
    def needs_mitigation(self) -> bool:
        return self.severity == ConflictSeverity.MITIGATE and not self.overridden


@dataclass(frozen=True)
class ConflictReport:
    """Every conflict of one person with one client or project on the planned dates. An overridden conflict is
    still listed (marked overridden) but no longer bars nor needs mitigation. `clear`: nothing bars and nothing
    needs mitigation; an assignment is allowed when `not report.bars`."""

    membership: Membership
    client: Any
    project: Any
    starts_on: date
    ends_on: date
    conflicts: tuple[Conflict, ...] = field(default_factory=tuple)

    @property
    def bars(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.bars)

    @property
    def needs_mitigation(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.needs_mitigation)

    @property
    def overridden(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.overridden)

    @property
    def clear(self) -> bool:
        return not self.bars and not self.needs_mitigation

    @property
    def counterparty(self) -> Any:
        return self.project if self.project is not None else self.client  # type: ignore[return-value]


# --- validation and loading ---------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Party:
    """The engagement's counterparty as the rules match it."""

    label: str
    client_ids: frozenset[Any]
    project_id: Any
    names: frozenset[str]

    def matches(self, relationship: Relationship) -> bool:
        if relationship.client_id is not None and relationship.client_id in self.client_ids:
            return True
        project = relationship.project if relationship.project_id is not None else None
        if project is not None and (project.pk == self.project_id or project.proponent_id in self.client_ids):
            return True
        name = relationship.counterparty_name.strip().casefold()
        return bool(name) and name in self.names


def _party(client: Any, project: Any) -> _Party:
    if project is not None:
        clients = [c for c in (project.proponent, project.consultant_client) if c is not None]
        names = {c.legal_name.strip().casefold() for c in clients}
        if project.consultant_name.strip():
            names.add(project.consultant_name.strip().casefold())
        return _Party(
            label=str(project),
            client_ids=frozenset(c.pk for c in clients),
            project_id=project.pk,
            names=frozenset(names),
        )
    assert client is not None
    return _Party(
        label=str(client),
        client_ids=frozenset({client.pk}),
        project_id=None,
        names=frozenset({client.legal_name.strip().casefold()}),
    )


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


# --- words --------------------------------------------------------------------------------------------------


def _day(value: date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value is not None else ""


def _period(relationship: Relationship) -> str:
    if relationship.ended_on is None:
        return _("since %(start)s, ongoing") % {"start": _day(relationship.started_on)}
    return _("from %(start)s until %(end)s") % {
        "start": _day(relationship.started_on),
        "end": _day(relationship.ended_on),
    }


def _overlaps(relationship: Relationship, first: date, last: date) -> bool:
    """Does the relationship touch any day from `first` to `last` (an open end lasts)?"""
    return relationship.started_on <= last and (
        relationship.ended_on is None or relationship.ended_on >= first
    )


# --- the rules ----------------------------------------------------------------------------------------------


def _relationship_conflicts(
    person: str, party: _Party, declarations: Iterable[Declaration], starts_on: date, ends_on: date
) -> list[tuple[str, str, Relationship, Declaration]]:
    """(rule, message, relationship, declaration) for every declared relationship with the counterparty that
    a rule catches. Only relationships that began by the last planned day count."""
    years = settings.COOLING_OFF_YEARS
    recent = starts_on - relativedelta(months=RECENT_MONTHS)
    found: list[tuple[str, str, Relationship, Declaration]] = []
    for declaration in declarations:
        for rel in declaration.relationships.all():
            if not party.matches(rel) or rel.started_on > ends_on:
                continue
            values = {
                "person": person,
                "party": rel.counterparty_label or party.label,
                "kind": rel.get_kind_display().lower(),
                "period": _period(rel),
                "start": _day(starts_on),
            }
            kind = rel.kind
            if kind in (RelationshipKind.CONSULTANCY, RelationshipKind.INTERNAL_AUDIT):
                if rel.ended_on is None:
                    message = ngettext(
                        "%(person)s's %(kind)s for %(party)s is ongoing (%(period)s): the cooling-off of "
                        "%(years)d year starts only when it ends.",
                        "%(person)s's %(kind)s for %(party)s is ongoing (%(period)s): the cooling-off of "
                        "%(years)d years starts only when it ends.",
                        years,
                    ) % {**values, "years": years}
                    found.append((_R.COOLING_OFF, message, rel, declaration))
                    continue
                allowed_from = rel.ended_on + relativedelta(years=years)
                if starts_on < allowed_from:
                    message = ngettext(
                        "%(person)s's %(kind)s for %(party)s ended on %(ended)s: after a cooling-off of %(years)d "
                        "year they may take part from %(allowed)s, not from the planned start on %(start)s.",
                        "%(person)s's %(kind)s for %(party)s ended on %(ended)s: after a cooling-off of %(years)d "
                        "years they may take part from %(allowed)s, not from the planned start on %(start)s.",
                        years,
                    ) % {**values, "years": years, "ended": _day(rel.ended_on), "allowed": _day(allowed_from)}
                    found.append((_R.COOLING_OFF, message, rel, declaration))
            elif kind == RelationshipKind.EMPLOYMENT:
                if _overlaps(rel, starts_on, ends_on):
                    message = (
                        _("%(person)s is employed by %(party)s (%(period)s), during the planned dates.")
                        % values
                    )
                    found.append((_R.CURRENT_EMPLOYMENT, message, rel, declaration))
            elif kind == RelationshipKind.FINANCIAL_INTEREST:
                if _overlaps(rel, starts_on, ends_on):
                    message = (
                        _(
                            "%(person)s has a financial interest in %(party)s (%(period)s), during the planned dates."
                        )
                        % values
                    )
                    found.append((_R.FINANCIAL_INTEREST, message, rel, declaration))
            elif kind == RelationshipKind.FAMILY:
                if _overlaps(rel, starts_on, ends_on):
                    message = (
                        _(
                            "%(person)s has a family or personal relationship with %(party)s (%(period)s), during "
                            "the planned dates."
                        )
                        % values
                    )
                    found.append((_R.FAMILY, message, rel, declaration))
            elif kind == RelationshipKind.EARLIER_AUDIT:
                message = _("%(person)s audited the same activity of %(party)s before (%(period)s).") % values
                found.append((_R.EARLIER_AUDIT, message, rel, declaration))
            elif kind in (RelationshipKind.GIFTS, RelationshipKind.OTHER) and _overlaps(rel, recent, ends_on):
                # gifts and other relationships count in the 12 months before the start, during it, or ongoing
                if kind == RelationshipKind.GIFTS:
                    message = (
                        _(
                            "%(person)s received gifts or hospitality from %(party)s (%(period)s), within the "
                            "12 months before the planned start on %(start)s or later."
                        )
                        % values
                    )
                    found.append((_R.GIFTS, message, rel, declaration))
                else:
                    message = (
                        _(
                            "%(person)s declared another relationship with %(party)s (%(period)s), within the "
                            "12 months before the planned start on %(start)s or later."
                        )
                        % values
                    )
                    found.append((_R.OTHER, message, rel, declaration))
    return found


def _declaration_conflicts(
    membership: Membership,
    person: str,
    party: _Party,
    declarations: list[Declaration],
    client: Any,
    project: Any,
    starts_on: date,
    annual: Any,
) -> list[tuple[str, str, Declaration | None, str]]:
    """(rule, message, declaration, measures) for the declarations' own state: the per-engagement declaration
    for this counterparty, reviews that bar or mitigate, the annual declaration on the first planned day."""
    found: list[tuple[str, str, Declaration | None, str]] = []
    values = {"person": person, "party": party.label, "start": _day(starts_on)}

    def for_counterparty(declaration: Declaration) -> bool:
        if declaration.kind != DeclarationKind.ENGAGEMENT:
            return False
        if project is not None:
            return declaration.project_id == project.pk
        return declaration.client_id == client.pk and declaration.project_id is None  # type: ignore[union-attr]

    own = [d for d in declarations if for_counterparty(d)]
    if not own:
        message = (
            _(
                "%(person)s has no declaration of interest for %(party)s: one must be submitted and reviewed before "
                "the assignment."
            )
            % values
        )
        found.append((_R.ENGAGEMENT_DECLARATION_MISSING, message, None, ""))
    for declaration in own:
        if declaration.status == DeclarationStatus.SUBMITTED:
            message = _(
                "%(person)s's declaration of interest for %(party)s, submitted on %(submitted)s, is waiting for "
                "review."
            ) % {**values, "submitted": _day(declaration.submitted_on)}
            found.append((_R.ENGAGEMENT_DECLARATION_UNREVIEWED, message, declaration, ""))

    for declaration in declarations:
        if declaration.status != DeclarationStatus.REVIEWED or declaration.review_outcome not in (
            ReviewOutcome.BARRING,
            ReviewOutcome.MITIGATED,
        ):
            continue
        if not (
            for_counterparty(declaration)
            or any(party.matches(rel) for rel in declaration.relationships.all())
        ):
            continue
        reviewed = {
            **values,
            "declaration": declaration.get_kind_display().lower(),
            "version": declaration.version,
            "reviewed": _day(declaration.reviewed_at.date()) if declaration.reviewed_at else "",
        }
        if declaration.review_outcome == ReviewOutcome.BARRING:
            message = (
                _(
                    "The review of %(person)s's %(declaration)s declaration (version %(version)s, reviewed on "
                    "%(reviewed)s) found a conflict with %(party)s that bars the assignment."
                )
                % reviewed
            )
            found.append((_R.DECLARATION_BARRING, message, declaration, ""))
        else:
            message = _(
                "The review of %(person)s's %(declaration)s declaration (version %(version)s, reviewed on "
                "%(reviewed)s) found a conflict with %(party)s, mitigated by: %(measures)s"
            ) % {**reviewed, "measures": declaration.review_measures}
            found.append((_R.DECLARATION_MITIGATED, message, declaration, declaration.review_measures))

    latest = annual.declaration
    if annual.state == MISSING:
        message = (
            _("%(person)s has no annual declaration of interest for the planned start on %(start)s.") % values
        )
        found.append((_R.ANNUAL_DECLARATION_MISSING, message, None, ""))
    elif annual.state == EXPIRED and latest is not None:
        message = _(
            "%(person)s's annual declaration of interest is current only until %(until)s, before the planned "
            "start on %(start)s."
        ) % {**values, "until": _day(latest.valid_until) if latest.valid_until else ""}
        found.append((_R.ANNUAL_DECLARATION_EXPIRED, message, latest, ""))
    return found


def _summary(rule: str, person: str, party: str) -> str:
    """The conflict without the relationship's details, for those who may not read them."""
    if rule in (_R.ANNUAL_DECLARATION_MISSING, _R.ANNUAL_DECLARATION_EXPIRED):
        return _("%(person)s: %(rule)s.") % {"person": person, "rule": ConflictRule(rule).label}
    if rule in (_R.ENGAGEMENT_DECLARATION_MISSING, _R.ENGAGEMENT_DECLARATION_UNREVIEWED):
        return _("%(person)s and %(party)s: %(rule)s.") % {
            "person": person,
            "party": party,
            "rule": ConflictRule(rule).label,
        }
    return _("%(person)s has a declared relationship with %(party)s (%(rule)s).") % {
        "person": person,
        "party": party,
        "rule": ConflictRule(rule).label,
    }


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
    party = _party(client, project)
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
    party: _Party,
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
    for rule, message, relationship, declaration in _relationship_conflicts(
        person, party, declarations, starts_on, ends_on
    ):
        conflicts.append(
            Conflict(
                rule=rule,
                severity=SEVERITY[rule],
                message=message,
                summary=_summary(rule, person, party.label),
                relationship=relationship,
                declaration=declaration,
                override=covering(rule),
            )
        )
    for rule, message, found, measures in _declaration_conflicts(
        person_membership, person, party, declarations, client, project, starts_on, annual
    ):
        conflicts.append(
            Conflict(
                rule=rule,
                severity=SEVERITY[rule],
                message=message,
                summary=_summary(rule, person, party.label),
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


# --- overrides ----------------------------------------------------------------------------------------------

OVERRIDE_SNAPSHOT_FIELDS = [
    "membership",
    "client",
    "project",
    "rule",
    "starts_on",
    "ends_on",
    "justification",
    "overridden_by",
]


def conflict_override(
    *,
    actor: Actor,
    membership: Membership,
    client: Any = None,
    project: Any = None,
    rule: str,
    starts_on: date,
    ends_on: date,
    justification: str,
) -> ConflictOverride:
    """Allows one conflict the check finds (its rule) for this person, client or project and period, with a
    written justification. Only a person holding the role the body's impartiality policy names (body
    administrators by default), never for a conflict of their own, never an absolute rule (cooling-off,
    current employment). Audited; the body's administrators and the person are told."""
    body = membership.body
    require_override_conflicts(actor, body)
    if membership.user_id == actor.pk:
        raise PermissionDenied(
            _("Nobody overrides a conflict of their own."), code=ImpartialityErrorCode.OVERRIDE_OWN_CONFLICT
        )
    if rule not in ConflictRule.values:
        raise field_error("rule", _("Choose one of the conflict rules."), CoreErrorCode.INVALID_CHOICE)
    if rule in ABSOLUTE:
        raise field_error(
            "rule",
            _("%(rule)s is an absolute conflict: it can never be overridden.")
            % {"rule": ConflictRule(rule).label},
            ImpartialityErrorCode.CONFLICT_ABSOLUTE,
        )
    justification = (justification or "").strip()
    if not justification:
        raise field_error(
            "justification",
            _("Write why this conflict is allowed."),
            ImpartialityErrorCode.JUSTIFICATION_REQUIRED,
        )
    with transaction.atomic():
        # one override at a time per person: two planners cannot both record the same one
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        report = conflict_check(
            membership=membership, client=client, project=project, starts_on=starts_on, ends_on=ends_on
        )
        matching = [c for c in report.conflicts if c.rule == rule]
        if not matching:
            raise field_error(
                "rule",
                _(
                    "The conflict check finds no conflict of this rule for this person, counterparty and period."
                ),
                ImpartialityErrorCode.CONFLICT_NOT_FOUND,
            )
        if all(c.overridden for c in matching):
            raise field_error(
                "rule",
                _("An override already covers this conflict for this person, counterparty and period."),
                ImpartialityErrorCode.CONFLICT_ALREADY_OVERRIDDEN,
            )
        override = ConflictOverride.objects.create(
            body_id=membership.body_id,
            membership=report.membership,
            client=report.client,
            project=report.project,
            rule=rule,
            starts_on=starts_on,
            ends_on=ends_on,
            justification=justification,
            overridden_by=actor,
        )
        audit_record(
            actor=actor,
            action="impartiality.conflict.overridden",
            obj=override,
            body=report.membership.body,
            after=snapshot(override, OVERRIDE_SNAPSHOT_FIELDS),
        )
        notify(
            kind="impartiality.conflict.overridden",
            subject=override,
            body=report.membership.body,
            values={
                "person": report.membership.user.full_name or report.membership.user.email,
                "rule": ConflictRule(rule).label,
                "party": str(report.counterparty),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "actor": getattr(actor, "full_name", "") or str(actor),
            },
            reason=justification,
        )
    return override


# --- the body's impartiality policy -------------------------------------------------------------------------

POLICY_FIELDS = ["override_role"]


def impartiality_policy_get(*, body: Body) -> ImpartialityPolicy:
    """The body's policy, or the default (unsaved: body administrators override) when it never decided."""
    policy = ImpartialityPolicy.objects.filter(body_id=body.pk).first()
    return policy if policy is not None else ImpartialityPolicy(body=body, override_role=Role.BODY_ADMIN)


def impartiality_policy_set(*, body: Body, actor: Actor, override_role: str) -> ImpartialityPolicy:
    """The body's administrators (`manage_body`) choose which role may override a conflict; audited with before
    and after. Setting the role already in force changes nothing and records nothing."""
    require_change_impartiality_policy(actor, body)
    if override_role not in Role.values:
        raise field_error(
            "override_role",
            _("Choose one of the body's roles."),
            CoreErrorCode.INVALID_CHOICE,
        )
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).first()  # one change at a time per body
        existing = ImpartialityPolicy.objects.filter(body_id=body.pk).first()
        current = existing.override_role if existing is not None else Role.BODY_ADMIN
        policy = existing if existing is not None else ImpartialityPolicy(body=body, override_role=current)
        if current == override_role:
            return policy  # already in force (a body without a row holds the default): nothing to record
        before = snapshot(policy, POLICY_FIELDS)
        policy.override_role = override_role
        policy.save()
        audit_changes(
            actor=actor,
            action="impartiality.policy.changed",
            obj=policy,
            body=body,
            before=before,
            after=snapshot(policy, POLICY_FIELDS),
        )
    return policy
