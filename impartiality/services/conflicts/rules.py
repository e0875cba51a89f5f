"""The conflict-of-interest rules: each rule's code, severity and whether an override may lift it, how a
declared relationship matches the counterparty, and the lines that find each rule's conflicts. Adding a rule
happens here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bodies.models.tenants import Membership

from ...models import (
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    Relationship,
    RelationshipKind,
    ReviewOutcome,
)
from ...selectors.declarations import EXPIRED, MISSING


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
class Party:
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


def party_of(client: Any, project: Any) -> Party:
    if project is not None:
        clients = [c for c in (project.proponent, project.consultant_client) if c is not None]
        names = {c.legal_name.strip().casefold() for c in clients}
        if project.consultant_name.strip():
            names.add(project.consultant_name.strip().casefold())
        return Party(
            label=str(project),
            client_ids=frozenset(c.pk for c in clients),
            project_id=project.pk,
            names=frozenset(names),
        )
    assert client is not None
    return Party(
        label=str(client),
        client_ids=frozenset({client.pk}),
        project_id=None,
        names=frozenset({client.legal_name.strip().casefold()}),
    )


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


def relationship_conflicts(
    person: str, party: Party, declarations: Iterable[Declaration], starts_on: date, ends_on: date
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


def declaration_conflicts(
    membership: Membership,
    person: str,
    party: Party,
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


def conflict_summary(rule: str, person: str, party: str) -> str:
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
