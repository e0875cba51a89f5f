"""Decisions (ISO/IEC 17021-1 9.5, ISO/IEC 17065 7.8, ISO 14065 9.7): every certification decision and GHG opinion,
with its written rationale, by a decision maker who was neither on the team nor its reviewer.

`decision_record` checks, in this order, and refuses with the first rule broken (nothing is written):
1. the decision maker: holds `decide_certification` on the body and is an active member of it;
2. the subject: an engagement (its outcome, or an opinion) and/or a certificate of the same body and client;
3. the kind applies: grant after a stage 2 or a product evaluation; maintain after a surveillance; recertify after
   a recertification; extend scope after a special audit or any audit of a certified client; restore after a
   recertification or special audit; opinions after a GHG validation or verification; refuse after an audit that
   could have granted, recertified or extended; suspend, reinstate, withdraw and reduce scope on a certificate;
4. separation of duties: not on the engagement's team and not its reviewer — for a certificate decision without
   an engagement, not on the team and not the reviewer of the certificate's latest engagement;
5. the review is complete: the engagement awaits its decision;
6. findings: no unverified major nonconformity; for a grant after stage 2 every major nonconformity verified (or,
   still unverified, the decision taken) no later than `STAGE2_MAJOR_NC_LIMIT_MONTHS` after the audit's last day
   (after that a new stage 2 is required); minor nonconformities with an accepted plan; for an opinion no CAR or
   CL open.

Then, in one transaction: the Decision, the engagement decided (`audits.services.engagement_decide`), and the
consequence — a certificate issued (grant) or changed (`certification.services.certificates`), a statement
issued (opinions), nothing more for a refusal — the proposal closed as decided, the audit event and the people
told. A consequence refusing (a certificate-state rule) rolls everything back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import engagement_decide
from bodies.models.tenants import Body, Membership
from core.audit import audit_record
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, coded, field_error
from core.transitions import transition
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close

from ..deadlines import DECISION_WAITING
from ..error_codes import CertificationErrorCode
from ..models import (
    CERTIFICATE_DECISIONS,
    CERTIFYING,
    ENGAGEMENT_DECISIONS,
    OPINIONS,
    Certificate,
    CertificateStatus,
    Decision,
    DecisionKind,
    Proposal,
)
from ..permissions import can_decide
from ..webhooks import decision_made

Code = CertificationErrorCode
D = DecisionKind
#: audits.Engagement / audits.Finding (capabilities do not import each other's models)
Engagement: TypeAlias = Any

# engagement kinds (audits.EngagementKind values)
STAGE_2 = "stage_2"
SURVEILLANCE = "surveillance"
RECERTIFICATION = "recertification"
SPECIAL = "special"
TRANSFER = "transfer"
PRODUCT_EVALUATION = "product_evaluation"
#: the kinds whose outcome is an opinion; a methodology assessment's opinion is recorded without a statement
#: (nothing is validated or verified, so there are no quantities to state)
STATEMENT_OPINION_KINDS = frozenset({"validation", "verification", "validation_verification"})
OPINION_KINDS = STATEMENT_OPINION_KINDS | {"methodology_assessment"}
CERTIFICATION_KINDS = frozenset(
    {STAGE_2, SURVEILLANCE, RECERTIFICATION, SPECIAL, TRANSFER, PRODUCT_EVALUATION}
)
AWAITING_DECISION = "awaiting_decision"

#: which engagement kinds each outcome decision follows (extend scope: also any audit of a certified client)
KINDS_FOR: dict[str, frozenset[str]] = {
    D.GRANT: frozenset({STAGE_2, PRODUCT_EVALUATION, TRANSFER}),
    D.REFUSE: frozenset({STAGE_2, PRODUCT_EVALUATION, TRANSFER, RECERTIFICATION, SPECIAL}),
    D.MAINTAIN: frozenset({SURVEILLANCE}),
    D.RECERTIFY: frozenset({RECERTIFICATION}),
    D.EXTEND_SCOPE: frozenset({SPECIAL}),
    D.RESTORE: frozenset({RECERTIFICATION, SPECIAL}),
    **dict.fromkeys(OPINIONS, OPINION_KINDS),
    **dict.fromkeys(CERTIFICATE_DECISIONS, CERTIFICATION_KINDS),
}
#: decisions that certify (the findings' preconditions apply)
CERTIFYING_DECISIONS = frozenset({D.GRANT, D.MAINTAIN, D.RECERTIFY, D.EXTEND_SCOPE, D.RESTORE})
#: decisions that act on an existing certificate
NEEDS_CERTIFICATE = frozenset({D.MAINTAIN, D.RECERTIFY, D.EXTEND_SCOPE, D.RESTORE}) | CERTIFICATE_DECISIONS

#: which certificate decisions a certificate's status allows (the certificates' services enforce it too)
CERTIFICATE_KINDS_BY_STATUS: dict[str, tuple[str, ...]] = {
    CertificateStatus.VALID: (D.SUSPEND, D.REDUCE_SCOPE, D.WITHDRAW),
    CertificateStatus.SCOPE_REDUCED: (D.SUSPEND, D.REDUCE_SCOPE, D.WITHDRAW),
    CertificateStatus.SUSPENDED: (D.REINSTATE, D.REDUCE_SCOPE, D.WITHDRAW),
}


def _engagements() -> Any:
    return apps.get_model("audits", "Engagement").objects


def _findings() -> Any:
    return apps.get_model("audits", "Finding").objects


def stage2_limit(last_day: datetime.date) -> datetime.date:
    """The last day a stage 2's major nonconformity may be verified (or the grant decided while it is not):
    `STAGE2_MAJOR_NC_LIMIT_MONTHS` after the audit's last day."""
    return last_day + relativedelta(months=settings.STAGE2_MAJOR_NC_LIMIT_MONTHS)


def last_day_of(engagement: Engagement) -> datetime.date:
    """The audit's last day: the actual end when recorded, else the planned one."""
    return engagement.actual_end or engagement.planned_end


def _client_certified(engagement: Engagement) -> bool:
    return Certificate.objects.filter(
        body_id=engagement.body_id, client_id=engagement.client_id, status__in=CERTIFYING
    ).exists()


def decision_kinds_for(engagement: Engagement) -> list[str]:
    """The decisions that apply to an engagement's outcome (its kind; a certified client's audit may also extend
    the scope), in the order of `DecisionKind`. Empty unless it awaits its decision."""
    if engagement.status != AWAITING_DECISION:
        return []
    kinds = [
        kind
        for kind in D.values
        if kind not in CERTIFICATE_DECISIONS and engagement.kind in KINDS_FOR.get(kind, frozenset())
    ]
    if (
        D.EXTEND_SCOPE not in kinds
        and engagement.kind in CERTIFICATION_KINDS
        and engagement.kind != STAGE_2
        and _client_certified(engagement)
    ):
        kinds.append(D.EXTEND_SCOPE)
    return [kind for kind in D.values if kind in kinds]


def certificate_decision_kinds(certificate: Certificate) -> list[str]:
    """The decisions a certificate's status allows on it alone (suspend, reinstate, withdraw, reduce scope)."""
    return list(CERTIFICATE_KINDS_BY_STATUS.get(certificate.status, ()))


def decider_membership(actor: Actor, body: Body) -> Membership:
    """The decision maker's active membership of the body; refuses anyone else (registry staff too: a decision
    is a body's own)."""
    membership = Membership.objects.active().filter(body_id=body.pk, user_id=actor.pk).first()
    if membership is None or not can_decide(actor, body) or not actor.is_active:
        raise PermissionDenied(
            _("Only an active decision maker of %(body)s may record a decision.") % {"body": body},
            code=Code.DECIDER_NOT_ALLOWED,
        )
    return membership


def latest_engagement_of(certificate: Certificate) -> Engagement | None:
    """The certificate's latest engagement: its initial one, or a later one decided on it."""
    return (
        _engagements()
        .filter(Q(pk=certificate.engagement_id) | Q(decisions__certificate=certificate))
        .select_related("reviewer__user")
        .order_by("-planned_end", "-created_at")
        .first()
    )


def separation_failure(actor: Actor, engagement: Engagement) -> str | None:
    """Why `actor` may not decide `engagement` (on its team, or its reviewer), or None."""
    member = engagement.team.filter(membership__user_id=actor.pk).select_related("membership__user").first()
    if member is not None:
        return _("%(name)s was on the team of %(reference)s and may not decide it.") % {
            "name": member.membership.user,
            "reference": engagement.reference,
        }
    if engagement.reviewer_id is not None and engagement.reviewer.user_id == actor.pk:
        return _("%(name)s reviewed %(reference)s and may not decide it.") % {
            "name": engagement.reviewer.user,
            "reference": engagement.reference,
        }
    return None


def finding_failures(
    *, kind: str, engagement: Engagement, decided_on: datetime.date
) -> list[ValidationError]:
    """The findings' preconditions of a decision (every one broken, each with its code)."""
    failures: list[ValidationError] = []
    findings = list(_findings().filter(engagement=engagement).only("number", "kind", "status", "verified_at"))
    tz = ZoneInfo(engagement.body.time_zone)  # the day a finding was verified, in the body's time zone
    if kind in CERTIFYING_DECISIONS:
        majors = [f for f in findings if f.kind == "major_nc"]
        unverified = [f for f in majors if f.status not in ("verified", "closed")]
        if kind == D.GRANT and engagement.kind == STAGE_2 and majors:
            limit = stage2_limit(last_day_of(engagement))
            late = [
                f
                for f in majors
                if (f.verified_at is not None and timezone.localtime(f.verified_at, tz).date() > limit)
                or (f in unverified and decided_on > limit)
            ]
            if late:
                failures.append(
                    coded(
                        _(
                            "Major nonconformity %(numbers)s was not verified by %(limit)s, six months after the "
                            "last day of stage 2: a new stage 2 is required before certification."
                        )
                        % {"numbers": ", ".join(f"#{f.number}" for f in late), "limit": limit.isoformat()},
                        Code.STAGE2_TOO_OLD,
                    )
                )
                unverified = [f for f in unverified if f not in late]
        if unverified:
            failures.append(
                coded(
                    _("Major nonconformity %(numbers)s is not verified.")
                    % {"numbers": ", ".join(f"#{f.number}" for f in unverified)},
                    Code.MAJOR_NC_OPEN,
                )
            )
        no_plan = [
            f for f in findings if f.kind == "minor_nc" and f.status not in ("accepted", "verified", "closed")
        ]
        if no_plan:
            failures.append(
                coded(
                    _("Minor nonconformity %(numbers)s has no accepted corrective-action plan.")
                    % {"numbers": ", ".join(f"#{f.number}" for f in no_plan)},
                    Code.MINOR_NC_NO_PLAN,
                )
            )
    if kind in OPINIONS:
        open_requests = [
            f for f in findings if f.kind in ("car", "cl") and f.status not in ("verified", "closed")
        ]
        if open_requests:
            failures.append(
                coded(
                    _("No final opinion while CAR or CL %(numbers)s is open.")
                    % {"numbers": ", ".join(f"#{f.number}" for f in open_requests)},
                    Code.CAR_CL_OPEN,
                )
            )
    return failures


def _subject_errors(
    *, kind: str, engagement: Engagement | None, certificate: Certificate | None
) -> dict[str, ValidationError]:
    """Whether the decision applies to its subject (kind, engagement kind, certificate)."""
    errors: dict[str, ValidationError] = {}
    needs_engagement = kind in ENGAGEMENT_DECISIONS or kind in OPINIONS
    if needs_engagement and engagement is None:
        errors["engagement"] = coded(
            _("This decision is taken on an engagement."), Code.DECISION_NOT_APPLICABLE
        )
    if kind in CERTIFICATE_DECISIONS and certificate is None:
        errors["certificate"] = coded(
            _("This decision is taken on a certificate."), Code.DECISION_NOT_APPLICABLE
        )
    if engagement is not None:
        applies = engagement.kind in KINDS_FOR.get(kind, frozenset())
        if kind == D.EXTEND_SCOPE and engagement.kind in CERTIFICATION_KINDS and engagement.kind != STAGE_2:
            applies = applies or _client_certified(engagement)
        if not applies:
            errors["kind"] = coded(
                _("A decision to %(decision)s does not follow a %(engagement)s.")
                % {"decision": D(kind).label.lower(), "engagement": engagement.get_kind_display().lower()},
                Code.DECISION_NOT_APPLICABLE,
            )
    if certificate is not None:
        if kind in OPINIONS or kind in (D.GRANT, D.REFUSE):
            errors["certificate"] = coded(
                _("This decision does not act on an existing certificate."), Code.DECISION_NOT_APPLICABLE
            )
        elif engagement is not None and (
            certificate.body_id != engagement.body_id or certificate.client_id != engagement.client_id
        ):
            errors["certificate"] = coded(
                _("The certificate is not the engagement's client's."), Code.DECISION_NOT_APPLICABLE
            )
    return errors


def _certificate_for(engagement: Engagement) -> Certificate | None:
    """An engagement's certificate when none is named: the client's latest certificate of the same standard."""
    return (
        Certificate.objects.filter(
            body_id=engagement.body_id, client_id=engagement.client_id, standard_id=engagement.standard_id
        )
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by("-issued_on", "-created_at")
        .first()
    )


def decision_record(
    *,
    kind: str,
    actor: Actor,
    rationale: str,
    decided_on: datetime.date | None = None,
    engagement: Engagement | None = None,
    certificate: Certificate | None = None,
    proposal: Proposal | None = None,
    scope: str = "",
    sites: Iterable[Any] | None = None,
    quantities: Sequence[Mapping[str, Any]] | None = None,
) -> Decision:
    """Records one decision (see the module's docstring for every rule) and carries out its consequence."""
    if kind not in D.values:
        raise field_error("kind", _("Choose a decision."), Code.DECISION_NOT_APPLICABLE)
    if proposal is not None and certificate is None:
        certificate = proposal.certificate
    subject_body_id = (
        engagement.body_id
        if engagement is not None
        else certificate.body_id
        if certificate is not None
        else None
    )
    if subject_body_id is None:
        raise field_error(
            "engagement", _("Name the engagement or the certificate decided."), Code.DECISION_NOT_APPLICABLE
        )
    body = Body.objects.get(pk=subject_body_id)
    # 1. who decides
    membership = decider_membership(actor, body)
    rationale = (rationale or "").strip()
    decided_on = decided_on or timezone.localdate()
    errors: dict[str, ValidationError] = {}
    if not rationale:
        errors["rationale"] = coded(_("Write the decision's rationale."), Code.DECISION_NOT_APPLICABLE)
    if decided_on > timezone.localdate():
        errors["decided_on"] = coded(
            _("A decision cannot be dated in the future."), Code.DECISION_NOT_APPLICABLE
        )
    if proposal is not None and proposal.certificate_id != getattr(certificate, "pk", None):
        errors["proposal"] = coded(
            _("The proposal is about another certificate."), Code.DECISION_NOT_APPLICABLE
        )
    if certificate is not None and certificate.body_id != body.pk:
        errors["certificate"] = coded(_("The certificate is another body's."), Code.DECISION_NOT_APPLICABLE)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # the subject locked: two identical decisions at once — exactly one wins
        if engagement is not None:
            engagement = (
                _engagements()
                .select_for_update(of=("self",))
                .select_related("reviewer__user", "client")
                .get(pk=engagement.pk)
            )
        if certificate is None and engagement is not None and kind in NEEDS_CERTIFICATE:
            certificate = _certificate_for(engagement)
        if certificate is not None:
            certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if kind in NEEDS_CERTIFICATE and certificate is None:
            raise field_error(
                "certificate",
                _("The client holds no certificate this decision acts on."),
                Code.DECISION_NOT_APPLICABLE,
            )
        # 2–3. the decision applies to its subject
        subject_errors = _subject_errors(kind=kind, engagement=engagement, certificate=certificate)
        if subject_errors:
            raise ValidationError(subject_errors)
        # 4. separation of duties
        decided_engagement = engagement
        if decided_engagement is None and certificate is not None:
            decided_engagement = latest_engagement_of(certificate)
        if decided_engagement is not None:
            failure = separation_failure(actor, decided_engagement)
            if failure:
                raise PermissionDenied(failure, code=Code.DECIDER_NOT_INDEPENDENT)
        # 5. the review complete
        if engagement is not None and engagement.status != AWAITING_DECISION:
            raise TransitionNotAllowed(
                _("%(reference)s does not await a decision (its review is not complete, or it is decided).")
                % {"reference": engagement.reference},
                current=engagement.status,
                code=Code.REVIEW_NOT_COMPLETE,
            )
        # 6. findings
        if engagement is not None:
            failures = finding_failures(kind=kind, engagement=engagement, decided_on=decided_on)
            if failures:
                raise ValidationError({"kind": failures})

        decision = Decision.objects.create(
            body=body,
            kind=kind,
            engagement=engagement,
            certificate=certificate,
            proposal=proposal,
            rationale=rationale,
            scope=(scope or "").strip(),
            decided_on=decided_on,
            decided_by=membership,
        )
        if engagement is not None:
            engagement_decide(engagement=engagement, actor=actor)
            deadline_close(kind=DECISION_WAITING, subject=engagement)
        if proposal is not None:
            _proposal_decide(proposal, actor)
        _carry_out(decision, actor=actor, sites=sites, quantities=quantities)
        decision.refresh_from_db()
        audit_record(
            actor=actor,
            action="certification.decision.recorded",
            obj=decision,
            body=body,
            after={
                "kind": kind,
                "engagement": str(engagement.pk) if engagement is not None else None,
                "certificate": str(decision.certificate_id) if decision.certificate_id else None,
                "statement": str(decision.statement_id) if decision.statement_id else None,
                "proposal": str(proposal.pk) if proposal is not None else None,
                "decided_on": decided_on.isoformat(),
                "rationale": rationale,
                "scope": decision.scope,
            },
        )
        notify(kind="certification.decision.recorded", subject=decision, body=body)
        decision_made(decision=decision)  # the webhook events (the outbox, in this transaction)
    return decision


def _proposal_decide(proposal: Proposal, actor: Actor) -> None:
    def apply(locked: Proposal) -> list[str]:
        locked.closed_by = actor
        return ["closed_by"]

    transition(proposal, action="decide", actor=actor, apply=apply)


def _carry_out(
    decision: Decision,
    *,
    actor: Actor,
    sites: Iterable[Any] | None,
    quantities: Sequence[Mapping[str, Any]] | None,
) -> None:
    """The decision's consequence (inside the decision's transaction; raising rolls the decision back)."""
    kind = decision.kind
    if kind == D.REFUSE:
        return
    if kind in OPINIONS:
        if decision.engagement is None or decision.engagement.kind not in STATEMENT_OPINION_KINDS:
            return
        from .statements import statement_issue

        statement_issue(decision=decision, actor=actor, quantities=quantities or [])
        return
    from . import certificates  # the certificates' life cycle

    if kind == D.GRANT:
        certificates.certificate_issue(decision=decision, actor=actor, sites=sites)
    else:
        certificates.certificate_apply(decision=decision, actor=actor)
