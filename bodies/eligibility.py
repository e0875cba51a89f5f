"""Is a body eligible for an engagement? (DOMAIN: "Eligibility of a body for an engagement".)

Checked when an engagement is created or scheduled and again when its team is confirmed. The body must be
approved by ICR and not suspended, have signed the ICR agreement, and hold one accreditation that is active on
every day of the planned dates and whose scope covers the engagement's activity, standard and sector. A VVB's
accreditation must come from an IAF MLA signatory. The answer lists every reason that fails, not the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from core.errors import ValidationError
from reference.models import Activity, Sector, Standard

from .models import Accreditation, Body


@dataclass(frozen=True)
class EligibilityReason:
    code: str
    message: str


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    reasons: list[EligibilityReason] = field(default_factory=list)
    accreditation: Accreditation | None = None


def _first_uncovered_day(accreditation: Accreditation, start: date, end: date) -> date | None:
    if accreditation.status != Accreditation.Status.ACTIVE:
        return start
    if start < accreditation.valid_from:
        return start
    if end > accreditation.valid_to:
        return accreditation.valid_to + timedelta(days=1)
    return None


def body_check_eligibility(
    *, body: Body, activity: Activity, standard: Standard, sector: Sector, start: date, end: date
) -> EligibilityResult:
    if end < start:
        raise ValidationError({"end": _("The planned end cannot be before the planned start.")})
    reasons: list[EligibilityReason] = []

    if body.status == Body.Status.SUSPENDED:
        reasons.append(EligibilityReason("body_suspended", _("The body's ICR approval is suspended.")))
    elif body.status != Body.Status.APPROVED:
        reasons.append(
            EligibilityReason(
                "body_not_approved",
                _("The body is not approved by ICR (status: %(status)s).")
                % {"status": body.get_status_display()},
            )
        )
    if not body.agreement_signed:
        reasons.append(
            EligibilityReason("agreement_not_signed", _("The body has not signed the ICR agreement."))
        )

    accreditations = list(
        Accreditation.objects.filter(body=body).prefetch_related(
            "scope_activities", "scope_standards", "scope_sectors"
        )
    )

    def covers(acc: Accreditation, attr: str, value: object) -> bool:
        return any(item.pk == value.pk for item in getattr(acc, attr).all())  # type: ignore[attr-defined]

    in_scope = [
        acc
        for acc in accreditations
        if covers(acc, "scope_activities", activity)
        and covers(acc, "scope_standards", standard)
        and covers(acc, "scope_sectors", sector)
    ]
    if not in_scope:
        missing = []
        if not any(covers(a, "scope_activities", activity) for a in accreditations):
            missing.append(
                ("activity_not_in_scope", _("No accreditation covers the activity %(v)s.") % {"v": activity})
            )
        if not any(covers(a, "scope_standards", standard) for a in accreditations):
            missing.append(
                ("standard_not_in_scope", _("No accreditation covers the standard %(v)s.") % {"v": standard})
            )
        if not any(covers(a, "scope_sectors", sector) for a in accreditations):
            missing.append(
                ("sector_not_in_scope", _("No accreditation covers the sector %(v)s.") % {"v": sector})
            )
        if not missing:
            missing.append(
                (
                    "scope_not_covered",
                    _("No single accreditation covers the activity, the standard and the sector together."),
                )
            )
        reasons.extend(EligibilityReason(code, message) for code, message in missing)
        return EligibilityResult(eligible=False, reasons=reasons)

    if body.kind == Body.Kind.VVB:
        recognised = [acc for acc in in_scope if acc.accreditation_body_iaf_mla]
        if not recognised:
            reasons.append(
                EligibilityReason(
                    "accreditation_body_not_iaf_mla",
                    _("The accreditation covering this scope is not from an IAF MLA signatory."),
                )
            )
            return EligibilityResult(eligible=False, reasons=reasons)
        in_scope = recognised

    covering = [acc for acc in in_scope if _first_uncovered_day(acc, start, end) is None]
    if not covering:
        best = max(in_scope, key=lambda acc: (acc.status == Accreditation.Status.ACTIVE, acc.valid_to))
        gap = _first_uncovered_day(best, start, end)
        if best.status != Accreditation.Status.ACTIVE:
            message = _("The accreditation %(acc)s is %(status)s.") % {
                "acc": best,
                "status": best.get_status_display(),
            }
        else:
            message = _("The accreditation %(acc)s is not active on %(day)s (valid %(from)s to %(to)s).") % {
                "acc": best,
                "day": gap.isoformat() if gap else "",
                "from": best.valid_from.isoformat(),
                "to": best.valid_to.isoformat(),
            }
        reasons.append(EligibilityReason("accreditation_not_active", message))
        return EligibilityResult(eligible=False, reasons=reasons)

    chosen = max(covering, key=lambda acc: acc.valid_to)
    return EligibilityResult(eligible=not reasons, reasons=reasons, accreditation=chosen)
