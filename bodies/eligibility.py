"""Is a body eligible for an engagement, and which accreditation fits which work? (DOMAIN: "Which accreditation
fits which work", "Eligibility of a body for an engagement".)

Fit: GHG validation, verification and methodology assessment need ISO 14065, ISO/IEC 17029 or an ICR-approved
GHG programme (a management-system accreditation under ISO/IEC 17021-1 does not make a body eligible for GHG
verification); management-system certification needs ISO/IEC 17021-1; product certification ISO/IEC 17065.
Approval applies the rule to the body's kind and activities (`accreditation_needs`), eligibility to one
engagement's activity and standard (`fitting_standards`).

Eligibility is checked when an engagement is created or scheduled and again when its team is confirmed. The
body must be approved by ICR and not suspended, have signed the ICR agreement, and hold one accreditation that
counts (verified by the registry and active), is valid on every day of the planned dates, fits the work, and
whose scope covers the engagement's activity, standard and sector; a VVB's accreditation body must be an IAF MLA
signatory for the accreditation's standard on those dates. The answer lists every failing reason of every
candidate accreditation, each naming the accreditation, not only the first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationError
from reference.models import AccreditationStandard, Activity, Sector, Standard

from .models import Accreditation, AccreditationVerification, Body

#: the activities that are GHG validation / verification work (reference.Activity codes)
GHG_ACTIVITIES = frozenset({"validation", "verification", "methodology_assessment"})
CERTIFICATION = "certification"


@dataclass(frozen=True)
class AccreditationNeed:
    """One kind of work and the accreditation standards any one of which makes a body fit for it."""

    work: Promise
    standards: tuple[str, ...]

    @property
    def standards_label(self) -> str:
        labels = [str(AccreditationStandard(code).label) for code in self.standards]
        if len(labels) == 1:
            return labels[0]
        return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


GHG_WORK = AccreditationNeed(
    work=gettext_lazy("GHG validation, verification and methodology assessment"),
    standards=(
        AccreditationStandard.ISO_14065,
        AccreditationStandard.ISO_17029,
        AccreditationStandard.GHG_PROGRAMME,
    ),
)
MANAGEMENT_SYSTEM_WORK = AccreditationNeed(
    work=gettext_lazy("management-system certification"), standards=(AccreditationStandard.ISO_17021_1,)
)
PRODUCT_WORK = AccreditationNeed(
    work=gettext_lazy("product certification"), standards=(AccreditationStandard.ISO_17065,)
)
CERTIFICATION_WORK = AccreditationNeed(
    work=gettext_lazy("certification"),
    standards=(AccreditationStandard.ISO_17021_1, AccreditationStandard.ISO_17065),
)


def accreditation_needs(*, kind: str, activity_codes: Iterable[str]) -> list[AccreditationNeed]:
    """What a body of `kind` approved for `activity_codes` must be accredited for, one need per kind of work.

    A VVB and any body approved for GHG work needs a GHG accreditation; a management-system CB ISO/IEC 17021-1;
    a product CB ISO/IEC 17065; a VVB that also certifies, one of the two certification standards."""
    codes = set(activity_codes)
    needs: list[AccreditationNeed] = []
    if kind == Body.Kind.VVB or codes & GHG_ACTIVITIES:
        needs.append(GHG_WORK)
    if kind == Body.Kind.MS_CB:
        needs.append(MANAGEMENT_SYSTEM_WORK)
    elif kind == Body.Kind.PRODUCT_CB:
        needs.append(PRODUCT_WORK)
    elif CERTIFICATION in codes:
        needs.append(CERTIFICATION_WORK)
    return needs


def fitting_need(*, activity: Activity, standard: Standard, body_kind: str) -> AccreditationNeed:
    """The accreditation an engagement of `activity` under `standard` needs: GHG work a GHG accreditation;
    certification against a management-system standard ISO/IEC 17021-1, against a product scheme ISO/IEC 17065;
    certification against a GHG standard or programme (ISO 14068-1, EU CRCF) follows the body's kind."""
    if activity.code in GHG_ACTIVITIES:
        return GHG_WORK
    if standard.kind == Standard.Kind.MANAGEMENT_SYSTEM:
        return MANAGEMENT_SYSTEM_WORK
    if standard.kind == Standard.Kind.PRODUCT:
        return PRODUCT_WORK
    if body_kind == Body.Kind.MS_CB:
        return MANAGEMENT_SYSTEM_WORK
    if body_kind == Body.Kind.PRODUCT_CB:
        return PRODUCT_WORK
    return CERTIFICATION_WORK


def day_label(day: date) -> str:
    """A date as people of the active language write it (never ISO 8601 on a page or in a message)."""
    return date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class EligibilityReason:
    code: str
    message: str
    #: the accreditation the reason is about (None: about the body)
    accreditation_id: Any = None


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    reasons: list[EligibilityReason] = field(default_factory=list)
    accreditation: Accreditation | None = None


def _first_uncovered_day(accreditation: Accreditation, start: date, end: date) -> date | None:
    if start < accreditation.valid_from:
        return start
    if end > accreditation.valid_to:
        return accreditation.valid_to + timedelta(days=1)
    return None


def _covers(accreditation: Accreditation, attr: str, value: Any) -> bool:
    return any(item.pk == value.pk for item in getattr(accreditation, attr).all())


def accreditation_failures(
    accreditation: Accreditation,
    *,
    need: AccreditationNeed,
    body_kind: str,
    activity: Activity,
    standard: Standard,
    sector: Sector,
    start: date,
    end: date,
) -> list[EligibilityReason]:
    """Every reason this accreditation does not make the body eligible (empty: it does)."""
    name = str(accreditation)
    reasons: list[EligibilityReason] = []

    def fail(code: str, message: str) -> None:
        reasons.append(EligibilityReason(code, message, accreditation.pk))

    if accreditation.standard not in need.standards:
        fail(
            "accreditation_standard_unfit",
            _("%(acc)s: an accreditation under %(standard)s does not fit %(work)s, which needs %(needed)s.")
            % {
                "acc": name,
                "standard": accreditation.get_standard_display(),
                "work": need.work,
                "needed": need.standards_label,
            },
        )
    if accreditation.verification == AccreditationVerification.PENDING:
        fail(
            "accreditation_not_verified",
            _("%(acc)s is waiting for verification by the registry.") % {"acc": name},
        )
    elif accreditation.verification == AccreditationVerification.REFUSED:
        fail("accreditation_not_verified", _("%(acc)s was refused by the registry.") % {"acc": name})
    if accreditation.status != Accreditation.Status.ACTIVE:
        fail(
            "accreditation_not_active",
            _("%(acc)s is %(status)s.") % {"acc": name, "status": accreditation.get_status_display().lower()},
        )
    gap = _first_uncovered_day(accreditation, start, end)
    if gap is not None:
        fail(
            "accreditation_not_valid_on_dates",
            _("%(acc)s is not valid on %(day)s (valid %(from)s to %(to)s).")
            % {
                "acc": name,
                "day": day_label(gap),
                "from": day_label(accreditation.valid_from),
                "to": day_label(accreditation.valid_to),
            },
        )
    if not _covers(accreditation, "scope_activities", activity):
        fail(
            "activity_not_in_scope",
            _("%(acc)s does not cover the activity %(v)s.") % {"acc": name, "v": activity},
        )
    if not _covers(accreditation, "scope_standards", standard):
        fail(
            "standard_not_in_scope",
            _("%(acc)s does not cover the standard %(v)s.") % {"acc": name, "v": standard},
        )
    if not _covers(accreditation, "scope_sectors", sector):
        fail(
            "sector_not_in_scope", _("%(acc)s does not cover the sector %(v)s.") % {"acc": name, "v": sector}
        )
    if body_kind == Body.Kind.VVB and not (accreditation.iaf_mla_on(start) and accreditation.iaf_mla_on(end)):
        fail(
            "accreditation_body_not_iaf_mla",
            _("%(acc)s: %(ab)s is not an IAF MLA signatory for %(standard)s on the planned dates.")
            % {
                "acc": name,
                "ab": accreditation.accreditation_body,
                "standard": accreditation.get_standard_display(),
            },
        )
    return reasons


def candidate_accreditations(body: Body) -> list[Accreditation]:
    """Every accreditation of the body, with what the checks read (a constant five queries)."""
    return list(
        Accreditation.objects.filter(body=body)
        .select_related("accreditation_body")
        .prefetch_related(
            "accreditation_body__mla_signatures",
            "scope_activities",
            "scope_standards",
            Prefetch("scope_sectors", queryset=Sector.objects.order_by("sort_key")),
        )
        .order_by("standard", "certificate_number")
    )


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

    need = fitting_need(activity=activity, standard=standard, body_kind=body.kind)
    accreditations = candidate_accreditations(body)
    if not accreditations:
        reasons.append(
            EligibilityReason(
                "no_accreditation",
                _("The body has no accreditation on record; %(work)s needs one under %(needed)s.")
                % {"work": need.work, "needed": need.standards_label},
            )
        )
        return EligibilityResult(eligible=False, reasons=reasons)

    covering: list[Accreditation] = []
    failures: list[EligibilityReason] = []
    for accreditation in accreditations:
        failed = accreditation_failures(
            accreditation,
            need=need,
            body_kind=body.kind,
            activity=activity,
            standard=standard,
            sector=sector,
            start=start,
            end=end,
        )
        if failed:
            failures.extend(failed)
        else:
            covering.append(accreditation)
    if not covering:
        return EligibilityResult(eligible=False, reasons=[*reasons, *failures])
    chosen = max(covering, key=lambda acc: acc.valid_to)
    return EligibilityResult(eligible=not reasons, reasons=reasons, accreditation=chosen)
