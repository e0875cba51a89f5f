"""A certificate's life cycle (ISO/IEC 17021-1 9.6; DOMAIN.md "Decisions, statements and certificates"): issued by a
grant, then changed only by recorded decisions (`certification.services.decisions.decision_record` calls
`certificate_issue` and `certificate_apply` inside its transaction, so a refusal here rolls the decision back),
and expired by the platform's sweep on its date in the body's time zone (`certification.services.expiry`).

Every step locks the certificate's row, refuses unless the current status allows it, writes a new
`CertificateVersion` when what the certificate says changes (the earlier versions become superseded), records
the audit event with before/after and tells the client's users and the body's administrators.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, TypeAlias

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record, snapshot
from core.errors import TransitionNotAllowed, coded, field_error
from core.types import Actor, ActorOrSystem

from ..error_codes import CertificationErrorCode
from ..models import (
    CERTIFYING,
    Certificate,
    CertificateStatus,
    CertificateVersion,
    Decision,
    DecisionKind,
    DueKind,
    Proposal,
    ProposalStatus,
)
from ..permissions import require_manage_certificates
from .numbering import next_number
from .programme import (
    expiry_for,
    programme_close_open,
    programme_due_done,
    programme_generate,
    recertified_expiry,
    restore_deadline,
)

#: audits.Engagement (capabilities do not import each other's models)
Engagement: TypeAlias = Any

C = CertificateStatus
D = DecisionKind

#: what the audit trail records of a certificate before and after each step
SNAPSHOT_FIELDS = [
    "status",
    "scope",
    "issued_on",
    "cycle_started_on",
    "expires_on",
    "cycle",
    "version",
    "suspended_on",
    "gap_from",
    "gap_to",
]
#: deadline kinds (declared in certification/deadlines.py)
EXPIRY_DUE = "certification.certificate_expiry"
SUSPENSION_DUE = "certification.suspension_ageing"
#: how each decision reads in the notice told about it (lazy: rendered in each recipient's language)
CHANGE_LABELS: dict[str, Any] = {
    D.MAINTAIN: gettext_lazy("certification is maintained"),
    D.RECERTIFY: gettext_lazy("recertified for a new cycle"),
    D.EXTEND_SCOPE: gettext_lazy("the scope is extended"),
    D.REDUCE_SCOPE: gettext_lazy("the scope is reduced"),
    D.SUSPEND: gettext_lazy("suspended"),
    D.REINSTATE: gettext_lazy("reinstated"),
    D.WITHDRAW: gettext_lazy("withdrawn"),
    D.RESTORE: gettext_lazy("restored after its expiry"),
}
EVENTS: dict[str, str] = {
    D.MAINTAIN: "certification.certificate.maintained",
    D.RECERTIFY: "certification.certificate.recertified",
    D.EXTEND_SCOPE: "certification.certificate.scope_extended",
    D.REDUCE_SCOPE: "certification.certificate.scope_reduced",
    D.SUSPEND: "certification.certificate.suspended",
    D.REINSTATE: "certification.certificate.reinstated",
    D.WITHDRAW: "certification.certificate.withdrawn",
    D.RESTORE: "certification.certificate.restored",
}


def _sites_as_issued(sites: Iterable[Any]) -> list[dict[str, str]]:
    return [{"name": str(site.name), "address": str(getattr(site, "address", "") or "")} for site in sites]


def _write_version(certificate: Certificate, decision: Decision) -> CertificateVersion:
    """The certificate as it now reads, as its next version; the earlier versions are superseded."""
    CertificateVersion.objects.filter(certificate=certificate).exclude(status=C.SUPERSEDED).update(
        status=C.SUPERSEDED, updated_at=timezone.now()
    )
    return CertificateVersion.objects.create(
        body=certificate.body,
        certificate=certificate,
        version=certificate.version,
        decision=decision,
        status=certificate.status,
        scope=certificate.scope,
        sites=_sites_as_issued(certificate.sites.order_by("name")),
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        cycle=certificate.cycle,
    )


def _watch_expiry(certificate: Certificate) -> None:
    from reminders.services import deadline_upsert

    deadline_upsert(
        kind=EXPIRY_DUE, subject=certificate, body=certificate.body, due_on=certificate.expires_on
    )


def _suspension_limit(suspended_on: date) -> date:
    from django.conf import settings

    from .programme import add_months

    return add_months(suspended_on, settings.SUSPENSION_MAX_MONTHS)


def certificate_issue(*, decision: Decision, actor: Actor, sites: Iterable[Any] | None = None) -> Certificate:
    """A grant issues the certificate (inside the decision's transaction): the body's next number, the
    engagement's client, standard, sector and sites (or the `sites` given), the decided scope (else the
    engagement's), the cycle starting on the decision's day and expiring the day before the third anniversary;
    version 1, the cycle's programme generated, expiry watched; the client's users and the administrators told."""
    if decision.kind != D.GRANT or decision.engagement_id is None:
        raise coded(
            _("Only a grant on an engagement issues a certificate."),
            CertificationErrorCode.DECISION_NOT_APPLICABLE,
        )
    engagement = decision.engagement
    assert engagement is not None
    if engagement.client_id is None or engagement.standard_id is None:
        raise coded(
            _("A certificate needs the engagement's client and standard."),
            CertificationErrorCode.DECISION_NOT_APPLICABLE,
        )
    chosen = list(sites) if sites is not None else list(engagement.sites.all())
    foreign = [site for site in chosen if site.client_id != engagement.client_id]
    if foreign:
        raise field_error(
            "sites",
            _("These sites are not the client's: %(sites)s.") % {"sites": ", ".join(str(s) for s in foreign)},
            CertificationErrorCode.DECISION_NOT_APPLICABLE,
        )
    on = decision.decided_on
    body = decision.body
    with transaction.atomic():
        certificate = Certificate.objects.create(
            body=body,
            number=next_number(body=body, kind="certificate", on=on),
            client_id=engagement.client_id,
            engagement=engagement,
            standard_id=engagement.standard_id,
            sector_id=engagement.sector_id,
            scope=(decision.scope or "").strip() or engagement.scope,
            initial_certification_on=on,
            issued_on=on,
            cycle_started_on=on,
            expires_on=expiry_for(on),
            cycle=1,
            version=1,
            status=C.VALID,
            status_changed_on=on,
        )
        if chosen:
            certificate.sites.set(chosen)
        Decision.objects.filter(pk=decision.pk).update(certificate=certificate, updated_at=timezone.now())
        decision.certificate = certificate
        _write_version(certificate, decision)
        programme_generate(certificate=certificate, cycle=1)
        _watch_expiry(certificate)
        if engagement.kind != "product_evaluation":  # IAF MD 28: monthly CertSearch updates
            from .certsearch import certsearch_reminder_start

            certsearch_reminder_start(body=body)
        audit_record(
            actor=actor,
            action="certification.certificate.issued",
            obj=certificate,
            body=body,
            after={**snapshot(certificate, SNAPSHOT_FIELDS), "number": certificate.number},
        )
        tell_about(certificate, "certification.certificate.issued", key=f"issued:{decision.pk}")
    return certificate


def tell_about(
    certificate: Certificate, kind: str, *, key: str, values: dict[str, Any] | None = None
) -> None:
    from reminders.notices import notify

    notify(kind=kind, subject=certificate, body=certificate.body, values=values or {}, key=key)


def _refuse(certificate: Certificate, decision: Decision) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _("A certificate that is %(status)s cannot be given this decision (%(decision)s).")
        % {
            "status": certificate.get_status_display().lower(),
            "decision": decision.get_kind_display().lower(),
        },
        current=certificate.status,
        code=CertificationErrorCode.CERTIFICATE_STATE,
    )


def _certificate_of(decision: Decision) -> Certificate:
    """The certificate a decision acts on: the one it names, else the one whose programme the engagement covers,
    else the engagement's client's live certificate of the same standard."""
    if decision.certificate_id is not None:
        return decision.certificate  # type: ignore[return-value]
    engagement = decision.engagement
    found = None
    if engagement is not None:
        found = (
            Certificate.objects.filter(body_id=decision.body_id, programme__engagement=engagement)
            .order_by("-cycle")
            .first()
        ) or (
            Certificate.objects.filter(
                body_id=decision.body_id,
                client_id=engagement.client_id,
                standard_id=engagement.standard_id,
                status__in=[*CERTIFYING, C.SUSPENDED, C.EXPIRED],
            )
            .order_by("-issued_on")
            .first()
        )
    if found is None:
        raise field_error(
            "certificate",
            _("Choose the certificate this decision acts on."),
            CertificationErrorCode.DECISION_NOT_APPLICABLE,
        )
    return found


def _decided_scope(decision: Decision) -> str:
    scope = (decision.scope or "").strip()
    if not scope:
        raise field_error(
            "scope", _("Write the scope as decided."), CertificationErrorCode.DECISION_NOT_APPLICABLE
        )
    return scope


def _engagement_sites(engagement: Engagement | None) -> list[Any] | None:
    if engagement is None:
        return None
    sites = list(engagement.sites.all())
    return sites or None


def _close_moot_proposals(
    certificate: Certificate, kinds: Iterable[str], actor: ActorOrSystem, reason: str, keep: Any = None
) -> None:
    """Open proposals the decision answered without naming them are closed as dismissed, with the reason."""
    from core.transitions import transition

    for proposal in Proposal.objects.filter(
        certificate=certificate, kind__in=list(kinds), status=ProposalStatus.OPEN
    ).exclude(pk=keep):
        transition(
            proposal, action="dismiss", actor=actor, reason=reason, apply=lambda p: _closed_by(p, actor)
        )


def _closed_by(proposal: Proposal, actor: ActorOrSystem) -> list[str]:
    proposal.closed_by = actor
    return ["closed_by"]


def certificate_apply(*, decision: Decision, actor: Actor) -> Certificate:
    """A recorded decision changes the certificate (inside the decision's transaction; raising refuses the
    decision). The decisions and the statuses they come from:

    - maintain (valid, scope reduced): the surveillance's programme date is done; no new version;
    - recertify (valid, scope reduced; decided on or before the expiry): the next cycle, expiring the validity
      years after the old expiry, its programme generated, a new version, valid;
    - extend scope / reduce scope (valid, scope reduced): the decided scope (and the engagement's sites), a new
      version, valid / scope reduced;
    - suspend (valid, scope reduced): suspended from the decision's day, its ageing watched;
    - reinstate (suspended): back to the certifying status it had;
    - withdraw (valid, suspended, scope reduced): withdrawn, nothing more is due;
    - restore (expired; no later than RESTORE_AFTER_EXPIRY_MONTHS after the expiry; the decision is on the
      recertification engagement, whose work is done): valid again for the next cycle, continuing from the old
      expiry, the days without validity recorded (`gap_from`..`gap_to`).
    """
    kind = decision.kind
    if kind not in EVENTS:
        raise coded(
            _("This decision does not change a certificate."), CertificationErrorCode.DECISION_NOT_APPLICABLE
        )
    target = _certificate_of(decision)
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",)).select_related("body").get(pk=target.pk)
        )
        if certificate.body_id != decision.body_id:
            raise field_error(
                "certificate",
                _("The certificate is not one of this body's."),
                CertificationErrorCode.DECISION_NOT_APPLICABLE,
            )
        if decision.certificate_id is None:
            Decision.objects.filter(pk=decision.pk).update(certificate=certificate, updated_at=timezone.now())
            decision.certificate = certificate
        before = snapshot(certificate, SNAPSHOT_FIELDS)
        new_version = _APPLY[kind](certificate, decision, actor)
        if new_version:
            certificate.version += 1
        certificate.save()
        if new_version:
            _write_version(certificate, decision)
        audit_record(
            actor=actor,
            action=EVENTS[kind],
            obj=certificate,
            body=certificate.body,
            before=before,
            after={**snapshot(certificate, SNAPSHOT_FIELDS), "decision": str(decision.pk)},
        )
        tell_about(
            certificate,
            "certification.certificate.changed",
            key=f"decision:{decision.pk}",
            values={"change": CHANGE_LABELS[kind]},
        )
    return certificate


def _require(certificate: Certificate, decision: Decision, allowed: Iterable[str]) -> None:
    if certificate.status not in set(allowed):
        raise _refuse(certificate, decision)


def _maintain(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    _require(certificate, decision, CERTIFYING)
    programme_due_done(
        certificate=certificate, kind=DueKind.SURVEILLANCE, engagement=decision.engagement, actor=actor
    )
    return False


def _recertify(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    _require(certificate, decision, CERTIFYING)
    if decision.decided_on > certificate.expires_on:
        raise coded(
            _(
                "The certificate expired on %(expired)s: a recertification is decided before expiry. Restore it "
                "instead (within the restore period) or start a new certification."
            )
            % {"expired": certificate.expires_on + timedelta(days=1)},
            CertificationErrorCode.RECERTIFY_TOO_LATE,
        )
    _next_cycle(certificate, decision, actor)
    return True


def _next_cycle(certificate: Certificate, decision: Decision, actor: Actor) -> None:
    programme_due_done(
        certificate=certificate, kind=DueKind.RECERTIFICATION, engagement=decision.engagement, actor=actor
    )
    on = decision.decided_on
    engagement = decision.engagement
    certificate.cycle += 1
    certificate.cycle_started_on = on
    certificate.issued_on = on
    certificate.expires_on = recertified_expiry(certificate.expires_on)
    certificate.status = C.VALID
    certificate.status_changed_on = on
    certificate.suspended_on = None
    scope = (decision.scope or "").strip() or (engagement.scope if engagement is not None else "")
    if scope:
        certificate.scope = scope
    sites = _engagement_sites(engagement)
    if sites is not None:
        certificate.sites.set(sites)
    certificate.save()
    programme_generate(certificate=certificate, cycle=certificate.cycle)
    _watch_expiry(certificate)


def _extend_scope(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    _require(certificate, decision, CERTIFYING)
    certificate.scope = _decided_scope(decision)
    sites = _engagement_sites(decision.engagement)
    if sites is not None:
        certificate.sites.add(*sites)
    certificate.status = C.VALID
    certificate.status_changed_on = decision.decided_on
    certificate.issued_on = decision.decided_on
    return True


def _reduce_scope(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    _require(certificate, decision, CERTIFYING)
    certificate.scope = _decided_scope(decision)
    certificate.status = C.SCOPE_REDUCED
    certificate.status_changed_on = decision.decided_on
    certificate.issued_on = decision.decided_on
    _close_moot_proposals(
        certificate,
        [Proposal.Kind.WITHDRAW_OR_REDUCE],
        actor,
        _("The scope was reduced."),
        keep=decision.proposal_id,
    )
    return True


def _suspend(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    from reminders.services import deadline_upsert

    _require(certificate, decision, CERTIFYING)
    certificate.status = C.SUSPENDED
    certificate.status_changed_on = decision.decided_on
    certificate.suspended_on = decision.decided_on
    deadline_upsert(
        kind=SUSPENSION_DUE,
        subject=certificate,
        body=certificate.body,
        due_on=_suspension_limit(decision.decided_on),
    )
    _close_moot_proposals(
        certificate,
        [Proposal.Kind.SUSPEND],
        actor,
        _("The certificate was suspended."),
        keep=decision.proposal_id,
    )
    return True


def _certifying_status_before(certificate: Certificate) -> str:
    """The certifying status the certificate had before its suspension: walking its versions back past each
    suspension and reinstatement, the last change that set it (a scope reduction, else valid)."""
    kinds = CertificateVersion.objects.filter(certificate=certificate).order_by("-version")
    for kind in kinds.values_list("decision__kind", flat=True):
        if kind in (D.SUSPEND, D.REINSTATE):
            continue
        return C.SCOPE_REDUCED if kind == D.REDUCE_SCOPE else C.VALID
    return C.VALID


def _reinstate(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    from reminders.services import deadline_close

    _require(certificate, decision, [C.SUSPENDED])
    certificate.status = _certifying_status_before(certificate)
    certificate.status_changed_on = decision.decided_on
    certificate.suspended_on = None
    deadline_close(kind=SUSPENSION_DUE, subject=certificate)
    _close_moot_proposals(
        certificate, [Proposal.Kind.WITHDRAW_OR_REDUCE], actor, _("The certificate was reinstated.")
    )
    return True


def _withdraw(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    from reminders.services import deadline_close

    _require(certificate, decision, [C.VALID, C.SUSPENDED, C.SCOPE_REDUCED])
    certificate.status = C.WITHDRAWN
    certificate.status_changed_on = decision.decided_on
    certificate.suspended_on = None
    programme_close_open(certificate=certificate)
    deadline_close(kind=SUSPENSION_DUE, subject=certificate)
    deadline_close(kind=EXPIRY_DUE, subject=certificate)
    _close_moot_proposals(
        certificate,
        [Proposal.Kind.SUSPEND, Proposal.Kind.WITHDRAW_OR_REDUCE],
        actor,
        _("The certificate was withdrawn."),
        keep=decision.proposal_id,
    )
    return True


def _restore(certificate: Certificate, decision: Decision, actor: Actor) -> bool:
    _require(certificate, decision, [C.EXPIRED])
    last_day = restore_deadline(certificate.expires_on)
    if decision.decided_on > last_day:
        raise coded(
            _(
                "The certificate could be restored until %(last_day)s. A new audit (at least a stage 2) is "
                "needed now."
            )
            % {"last_day": last_day},
            CertificationErrorCode.RESTORE_TOO_LATE,
        )
    engagement = decision.engagement
    if (
        engagement is None
        or engagement.kind != DueKind.RECERTIFICATION
        or engagement.client_id != certificate.client_id
    ):
        raise coded(
            _("A restore is decided on the certificate's recertification audit, once its work is done."),
            CertificationErrorCode.RESTORE_WORK_OUTSTANDING,
        )
    first_day_without = certificate.expires_on + timedelta(days=1)
    certificate.gap_from = first_day_without
    certificate.gap_to = max(decision.decided_on - timedelta(days=1), first_day_without)
    _next_cycle(certificate, decision, actor)
    return True


_APPLY: dict[str, Any] = {
    D.MAINTAIN: _maintain,
    D.RECERTIFY: _recertify,
    D.EXTEND_SCOPE: _extend_scope,
    D.REDUCE_SCOPE: _reduce_scope,
    D.SUSPEND: _suspend,
    D.REINSTATE: _reinstate,
    D.WITHDRAW: _withdraw,
    D.RESTORE: _restore,
}


# --- confidentiality ---------------------------------------------------------------------------------------------


def certificate_set_confidential(
    *, certificate: Certificate, actor: Actor, confidential: bool
) -> Certificate:
    """A body administrator (`manage_certificates`) keeps the certificate out of the IAF CertSearch export, or
    puts it back. Audited when it changes."""
    require_manage_certificates(actor, certificate.body)
    if not isinstance(confidential, bool):
        raise field_error("confidential", _("Choose yes or no."), CertificationErrorCode.CERTIFICATE_STATE)
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",)).select_related("body").get(pk=certificate.pk)
        )
        if locked.confidential == confidential:
            return locked
        locked.confidential = confidential
        locked.save(update_fields=["confidential", "updated_at"])
        audit_record(
            actor=actor,
            action="certification.certificate.confidentiality_changed",
            obj=locked,
            body=locked.body,
            before={"confidential": not confidential},
            after={"confidential": confidential},
        )
    return locked
