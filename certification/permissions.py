"""Who may do what in certification.

- `review_engagements` (independent reviewers): review a report sent to them (`Engagement.reviewer`), comment,
  return it to the team, complete the review; never on the engagement's team;
- `decide_certification` (decision makers): record decisions and opinions, decide or dismiss the platform's
  proposals; never on the engagement's team, never its reviewer (`certification.services.decisions`);
- `manage_certificates` (body administrators): the numbering patterns, a certificate's CertSearch
  confidentiality, the IAF CertSearch export;
- every active member of the body reads its certificates, statements, decisions and programme; a client user
  reads their own client's certificates and statements in the client view (`clients.permissions`); the public
  reads what the public verification shows.
"""

from __future__ import annotations

from bodies.models.tenants import Body
from core.permissions import Principal, has_body_perm, require_body_perm

REVIEW_ENGAGEMENTS = "review_engagements"
DECIDE_CERTIFICATION = "decide_certification"
MANAGE_CERTIFICATES = "manage_certificates"


def can_review(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, REVIEW_ENGAGEMENTS)


def require_review(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, REVIEW_ENGAGEMENTS)


def can_decide(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, DECIDE_CERTIFICATION)


def require_decide(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, DECIDE_CERTIFICATION)


def can_manage_certificates(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_CERTIFICATES)


def require_manage_certificates(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_CERTIFICATES)
