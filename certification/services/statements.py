"""Validation and verification statements (ISO 14065 9.7, ISO 14064-3 6.3.4): issued by an opinion
(`decision_record`), numbered by the body's statement numbering, with the opinion, level of assurance and
materiality of the engagement, its monitoring period and the quantities per vintage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import field_error, unique_or_field_error
from core.types import Actor

from ..error_codes import CertificationErrorCode
from ..models import OPINIONS, Decision, NumberingKind, Statement, StatementQuantity
from .numbering import next_number

Code = CertificationErrorCode
#: engagement kinds whose opinion issues a statement; verifications need quantities
STATEMENT_KINDS = frozenset({"validation", "verification", "validation_verification"})
VERIFICATION_KINDS = frozenset({"verification", "validation_verification"})


def _decimal(value: Any, *, label: str) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise field_error(
            "quantities",
            _("%(label)s is not a number.") % {"label": label},
            Code.STATEMENT_QUANTITIES_INVALID,
        ) from None
    if not number.is_finite():
        raise field_error(
            "quantities",
            _("%(label)s is not a number.") % {"label": label},
            Code.STATEMENT_QUANTITIES_INVALID,
        )
    return number


def clean_quantities(
    quantities: Sequence[Mapping[str, Any]], *, engagement: Any, required: bool
) -> list[dict[str, Any]]:
    """The quantities per vintage, checked: a vintage inside the monitoring period's years, once each; reductions
    and removals not negative, at most 3 decimals; at least one when `required` (a verification's opinion)."""
    start, end = engagement.monitoring_period_start, engagement.monitoring_period_end
    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in quantities:
        try:
            vintage = int(row.get("vintage"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise field_error(
                "quantities",
                _("Each quantity needs its vintage (a year)."),
                Code.STATEMENT_QUANTITIES_INVALID,
            ) from None
        if start is None or end is None or not start.year <= vintage <= end.year:
            raise field_error(
                "quantities",
                _("Vintage %(vintage)s is outside the monitoring period (%(start)s to %(end)s).")
                % {"vintage": vintage, "start": start, "end": end},
                Code.STATEMENT_QUANTITIES_INVALID,
            )
        if vintage in seen:
            raise field_error(
                "quantities",
                _("Vintage %(vintage)s is given twice.") % {"vintage": vintage},
                Code.STATEMENT_QUANTITIES_INVALID,
            )
        seen.add(vintage)
        reductions = _decimal(row.get("reductions"), label=_("Reductions"))
        removals = _decimal(row.get("removals"), label=_("Removals"))
        if reductions < 0 or removals < 0:
            raise field_error(
                "quantities",
                _("Quantities cannot be negative (vintage %(vintage)s).") % {"vintage": vintage},
                Code.STATEMENT_QUANTITIES_INVALID,
            )
        if reductions.as_tuple().exponent < -3 or removals.as_tuple().exponent < -3:  # type: ignore[operator]
            raise field_error(
                "quantities",
                _("Quantities have at most three decimals (vintage %(vintage)s).") % {"vintage": vintage},
                Code.STATEMENT_QUANTITIES_INVALID,
            )
        if reductions >= Decimal("1e11") or removals >= Decimal("1e11"):
            raise field_error(
                "quantities",
                _("A quantity is too large (vintage %(vintage)s).") % {"vintage": vintage},
                Code.STATEMENT_QUANTITIES_INVALID,
            )
        period_start = max(start, start.replace(year=vintage, month=1, day=1))
        period_end = min(end, end.replace(year=vintage, month=12, day=31))
        cleaned.append(
            {
                "vintage": vintage,
                "period_start": period_start,
                "period_end": period_end,
                "reductions": reductions,
                "removals": removals,
            }
        )
    if required and not cleaned:
        raise field_error(
            "quantities",
            _("A verification statement states the quantities verified: give at least one vintage."),
            Code.STATEMENT_QUANTITIES_INVALID,
        )
    return sorted(cleaned, key=lambda row: row["vintage"])


def statement_issue(
    *, decision: Decision, actor: Actor, quantities: Sequence[Mapping[str, Any]]
) -> Statement:
    """Issues the statement of an opinion on a GHG validation or verification. Runs inside `decision_record`'s
    transaction (the decision's rules were checked there). A positive or qualified opinion on a verification
    states at least one vintage; an adverse one may state none."""
    engagement = decision.engagement
    if decision.kind not in OPINIONS or engagement is None or engagement.kind not in STATEMENT_KINDS:
        raise field_error(
            "kind",
            _("Only an opinion on a GHG validation or verification issues a statement."),
            Code.DECISION_NOT_APPLICABLE,
        )
    required = engagement.kind in VERIFICATION_KINDS and decision.kind != "adverse_opinion"
    rows = clean_quantities(quantities, engagement=engagement, required=required)
    with transaction.atomic():
        number = next_number(body=decision.body, kind=NumberingKind.STATEMENT, on=decision.decided_on)
        with unique_or_field_error(
            "engagement_id",
            "engagement",
            _("The engagement has a statement already."),
            Code.DECISION_NOT_APPLICABLE,
        ):
            statement = Statement.objects.create(
                body=decision.body,
                number=number,
                engagement=engagement,
                opinion=decision.kind,
                level_of_assurance=engagement.level_of_assurance or "",
                materiality_percent=engagement.materiality_percent,
                monitoring_period_start=engagement.monitoring_period_start,
                monitoring_period_end=engagement.monitoring_period_end,
                issued_on=decision.decided_on,
            )
        StatementQuantity.objects.bulk_create(
            [StatementQuantity(body=decision.body, statement=statement, **row) for row in rows]
        )
        decision.statement = statement
        decision.save(update_fields=["statement", "updated_at"])
        audit_record(
            actor=actor,
            action="certification.statement.issued",
            obj=statement,
            body=decision.body,
            after={
                "number": number,
                "opinion": decision.kind,
                "decision": str(decision.pk),
                "quantities": [
                    {
                        "vintage": row["vintage"],
                        "reductions": str(row["reductions"]),
                        "removals": str(row["removals"]),
                    }
                    for row in rows
                ],
            },
        )
    return statement
