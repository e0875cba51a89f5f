"""The certification capability's part of the demo data (issue 10), on the engagements the engagements part made
(it runs before this one) and on audits of its own, all through the services, by the people who would act:

- Baltic Management Systems Certification numbers its certificates with its own pattern; Jaan Kivi (a lead
  auditor with the body since before its first certificates) audits, Liis Rebane reviews independently (one
  stage 2 in a round of comments the team answers) and Peeter Saar decides. Seven ISO 14001 certificates, five
  granted after a stage 2 and two after a transfer audit: valid (its first surveillance due), suspended (its
  first surveillance missed: the platform proposed it, he decided it), one whose missed surveillance waits as an
  open proposal (overdue on the programme; the planner made the late surveillance from it, and its report is
  back with the team, the reviewer's comment unanswered), withdrawn at the client's request, recertified in time
  (cycle 2), expired by the daily sweep after its two surveillances were maintained, and restored within six
  months of its expiry after a recertification audit (the days without validity recorded);
- Nordic Carbon Verification's validation and verification under review is reviewed in one round and given a
  positive opinion by Þóra Hallsdóttir: a verification statement with the quantity of its vintage;
- the PDFs a demo user finds ready: the valid certificate and the statement, asked for by each body's
  administrator (rendered by the `pdf` worker once the demo's transaction commits).

Dates reach back three years and a half (an expired and a restored certificate need a grant that long ago): the
body's earlier, still valid FINAS accreditation and the lead auditor's competence cover them, and the
administrator allows in writing the days the register's annual declarations do not cover.
"""

from __future__ import annotations

from typing import Any

from bodies.models import Membership
from certification.documents import CERTIFICATE_PDF, STATEMENT_PDF
from certification.models import Certificate, CertificateVersion, Statement
from documents.services import document_request

from ...registry import Contributor, DemoContext, register
from .baltic import load_baltic
from .nordic import load_nordic
from .steps import attempt


def _administrator(body_id: Any) -> Membership | None:
    return next(
        (
            m
            for m in Membership.objects.active().filter(body_id=body_id).select_related("user")
            if m.is_body_admin
        ),
        None,
    )


def _documents() -> None:
    """The current version of a valid certificate and a statement, each asked for once by the administrator."""
    certificate = Certificate.objects.filter(status="valid", cycle=1).order_by("issued_on", "number").last()
    version = (
        CertificateVersion.objects.filter(certificate=certificate, version=certificate.version).first()
        if certificate is not None
        else None
    )
    statement = Statement.objects.order_by("issued_on", "number").last()
    for kind, subject in ((CERTIFICATE_PDF, version), (STATEMENT_PDF, statement)):
        admin = _administrator(subject.body_id) if subject is not None else None
        if subject is not None and admin is not None:
            attempt(document_request, kind=kind, subject=subject, body=subject.body, actor=admin.user)


def load(context: DemoContext) -> None:
    load_baltic(context.today)
    load_nordic(context.today)
    _documents()


def logins() -> list[tuple[str, str]]:
    from .baltic import DECIDER as BALTIC_DECIDER
    from .baltic import REVIEWER
    from .nordic import DECIDER

    return [
        (REVIEWER[0], "independent reviewer, Baltic Management Systems Certification OÜ"),
        (BALTIC_DECIDER, "decision maker, Baltic Management Systems Certification OÜ"),
        (DECIDER[0], "decision maker, Nordic Carbon Verification ehf."),
    ]


register(Contributor(key="certification", order=80, load=load, logins=logins))
